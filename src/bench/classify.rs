//! Judging an answer: success, or which kind of error. Pure, so every kind is unit-tested.
//!
//! Answers are read into a borrowed view that skips everything but `id`, `error.code` and
//! `result.isError` — no `serde_json::Value` tree per request.

use super::stats::{ErrorKind, Failure};
use serde::Deserialize;

#[derive(Deserialize)]
struct View {
    #[serde(default)]
    id: Option<u64>,
    #[serde(default)]
    result: Option<ResultView>,
    #[serde(default)]
    error: Option<ErrorView>,
}

#[derive(Deserialize)]
struct ResultView {
    #[serde(default, rename = "isError")]
    is_error: Option<bool>,
}

#[derive(Deserialize)]
struct ErrorView {
    #[serde(default)]
    code: Option<i64>,
}

/// Longest excerpt of a body quoted in an error example.
const EXCERPT: usize = 300;

pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(EXCERPT)]);
    let mut s: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if body.len() > EXCERPT {
        s.push('…');
    }
    s
}

/// What a JSON-RPC message says about request `id`: `None` when it is not the response to it
/// (a notification, another id, not JSON-RPC).
pub fn response(body: &[u8], id: u64, tool_call: bool) -> Option<Result<(), Failure>> {
    let view: View = match serde_json::from_slice(body) {
        Ok(v) => v,
        // `result` that is not an object (so no `isError`), or an id that is not a number.
        Err(_) => return lenient(body, id, tool_call),
    };
    if view.id != Some(id) {
        return None;
    }
    Some(judge(view, body, tool_call))
}

fn judge(view: View, body: &[u8], tool_call: bool) -> Result<(), Failure> {
    if let Some(e) = view.error {
        let code = e.code.unwrap_or(0);
        return Err(Failure::new(ErrorKind::Rpc(code), excerpt(body)));
    }
    match view.result {
        Some(r) if tool_call && r.is_error == Some(true) => {
            Err(Failure::new(ErrorKind::Tool, excerpt(body)))
        }
        Some(_) => Ok(()),
        None => Err(Failure::new(
            ErrorKind::Protocol,
            format!("a response without `result` or `error`: {}", excerpt(body)),
        )),
    }
}

/// For answers the borrowed [`View`] cannot read (a `result` that is not an object, an id
/// that is not a number): the same fields from a `Value`, judged by the one [`judge`].
fn lenient(body: &[u8], id: u64, tool_call: bool) -> Option<Result<(), Failure>> {
    use serde_json::Value;
    let v: Value = serde_json::from_slice(body).ok()?;
    if v.get("id").and_then(Value::as_u64) != Some(id) {
        return None;
    }
    let view = View {
        id: Some(id),
        result: v.get("result").map(|r| ResultView {
            is_error: r.get("isError").and_then(Value::as_bool),
        }),
        error: v.get("error").map(|e| ErrorView {
            code: e.get("code").and_then(Value::as_i64),
        }),
    };
    Some(judge(view, body, tool_call))
}

/// A whole JSON (or unknown content type) HTTP answer.
pub fn http_json(status: u16, body: &[u8], id: u64, tool_call: bool) -> Result<(), Failure> {
    // A JSON-RPC error explains itself, whatever the status (400/404 carry them).
    let parsed = match serde_json::from_slice::<View>(body) {
        Ok(view) => {
            if let Some(e) = &view.error {
                let code = e.code.unwrap_or(0);
                return Err(Failure::new(
                    ErrorKind::Rpc(code),
                    format!("HTTP {status}: {}", excerpt(body)),
                ));
            }
            Some(view)
        }
        Err(_) => None,
    };
    if !(200..300).contains(&status) {
        // The kind's label already says `HTTP {status}`; the detail is what the body said.
        return Err(Failure::new(
            ErrorKind::Http(status),
            if body.is_empty() {
                "an empty body".to_owned()
            } else {
                excerpt(body)
            },
        ));
    }
    match parsed {
        Some(view) if view.id == Some(id) => judge(view, body, tool_call),
        Some(view) if view.id.is_some() => Err(Failure::new(
            ErrorKind::Protocol,
            format!("a response for another request id: {}", excerpt(body)),
        )),
        _ => match lenient(body, id, tool_call) {
            Some(r) => r,
            None if body.iter().all(u8::is_ascii_whitespace) => Err(Failure::new(
                ErrorKind::Protocol,
                format!("HTTP {status} with an empty body"),
            )),
            None => Err(Failure::new(
                ErrorKind::Protocol,
                format!("not a JSON-RPC response: {}", excerpt(body)),
            )),
        },
    }
}

/// Splits a `text/event-stream` body into the `data` of each event, across chunk
/// boundaries.
#[derive(Default)]
pub struct SseParser {
    line: Vec<u8>,
    data: Vec<u8>,
    has_data: bool,
}

impl SseParser {
    /// Feeds bytes; calls `on_event` with each complete event's data until it returns `true`.
    /// Returns whether it did.
    pub fn feed(&mut self, bytes: &[u8], on_event: &mut dyn FnMut(&[u8]) -> bool) -> bool {
        for &b in bytes {
            if b == b'\n' {
                let mut line = std::mem::take(&mut self.line);
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                let done = self.line_done(&line, on_event);
                line.clear();
                self.line = line;
                if done {
                    return true;
                }
            } else {
                self.line.push(b);
            }
        }
        false
    }

    /// The stream ended: an open event counts.
    pub fn finish(&mut self, on_event: &mut dyn FnMut(&[u8]) -> bool) -> bool {
        let line = std::mem::take(&mut self.line);
        (!line.is_empty() && self.line_done(&line, on_event)) || self.line_done(b"", on_event)
    }

    /// Forgets any unfinished event, keeping the buffers' capacity for the next stream.
    pub fn reset(&mut self) {
        self.line.clear();
        self.data.clear();
        self.has_data = false;
    }

    /// Bytes held for an unfinished event.
    pub fn pending(&self) -> usize {
        self.line.len() + self.data.len()
    }

    fn line_done(&mut self, line: &[u8], on_event: &mut dyn FnMut(&[u8]) -> bool) -> bool {
        if line.is_empty() {
            if !self.has_data {
                return false;
            }
            self.has_data = false;
            let done = on_event(&self.data);
            self.data.clear();
            return done;
        }
        if let Some(rest) = line.strip_prefix(b"data:") {
            let rest = rest.strip_prefix(b" ").unwrap_or(rest);
            if self.has_data {
                self.data.push(b'\n');
            }
            self.data.extend_from_slice(rest);
            self.has_data = true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(r: Result<(), Failure>) -> Option<ErrorKind> {
        r.err().map(|f| f.kind)
    }

    #[test]
    fn each_kind_of_answer() {
        let ok = br#"{"jsonrpc":"2.0","id":7,"result":{"content":[],"isError":false}}"#;
        assert_eq!(kind(http_json(200, ok, 7, true)), None);
        let tool = br#"{"jsonrpc":"2.0","id":7,"result":{"content":[{"type":"text","text":"x"}],"isError":true}}"#;
        assert_eq!(kind(http_json(200, tool, 7, true)), Some(ErrorKind::Tool));
        // `isError` only means something for tools/call.
        assert_eq!(kind(http_json(200, tool, 7, false)), None);
        let rpc = br#"{"jsonrpc":"2.0","id":7,"error":{"code":-32602,"message":"Unknown tool"}}"#;
        assert_eq!(
            kind(http_json(200, rpc, 7, true)),
            Some(ErrorKind::Rpc(-32602))
        );
        // A JSON-RPC error on a 4xx is classified by its code, and says the status.
        let f = http_json(400, rpc, 7, true).unwrap_err();
        assert_eq!(f.kind, ErrorKind::Rpc(-32602));
        assert!(f.detail.starts_with("HTTP 400: "), "{}", f.detail);
        assert_eq!(
            kind(http_json(503, b"busy", 7, true)),
            Some(ErrorKind::Http(503))
        );
        // The status is the kind's label; the detail does not repeat it.
        let f = http_json(501, b"not here", 7, true).unwrap_err();
        assert_eq!(
            format!("{}: {}", f.kind.label(), f.detail),
            "HTTP 501: not here"
        );
        assert_eq!(
            kind(http_json(429, b"", 7, true)),
            Some(ErrorKind::Http(429))
        );
        let other = br#"{"jsonrpc":"2.0","id":8,"result":{}}"#;
        assert_eq!(
            kind(http_json(200, other, 7, true)),
            Some(ErrorKind::Protocol)
        );
        assert_eq!(
            kind(http_json(200, b"<html>", 7, true)),
            Some(ErrorKind::Protocol)
        );
        assert_eq!(
            kind(http_json(200, b"", 7, true)),
            Some(ErrorKind::Protocol)
        );
        // A result that is not an object still counts as an answer.
        assert_eq!(
            kind(http_json(200, br#"{"id":7,"result":[1]}"#, 7, true)),
            None
        );
        // Answers only the lenient reading parses are judged as the borrowed view would be.
        for (body, expect) in [
            (
                &br#"{"id":7,"error":{"code":"x"}}"#[..],
                Some(ErrorKind::Rpc(0)),
            ),
            (
                br#"{"id":7,"error":{"code":-32601},"result":[]}"#,
                Some(ErrorKind::Rpc(-32601)),
            ),
            (br#"{"id":7,"result":{"isError":"yes"}}"#, None),
            (br#"{"id":7,"result":"x","more":{"isError":true}}"#, None),
        ] {
            assert_eq!(
                response(body, 7, true).map(kind),
                Some(expect),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        let neither = br#"{"jsonrpc":"2.0","id":7}"#;
        assert_eq!(
            kind(http_json(200, neither, 7, true)),
            Some(ErrorKind::Protocol)
        );
    }

    #[test]
    fn responses_match_on_id() {
        assert!(
            response(
                br#"{"jsonrpc":"2.0","method":"notifications/progress"}"#,
                1,
                true
            )
            .is_none()
        );
        assert!(response(br#"{"jsonrpc":"2.0","id":2,"result":{}}"#, 1, true).is_none());
        assert!(response(br#"{"jsonrpc":"2.0","id":"1","result":{}}"#, 1, true).is_none());
        assert_eq!(
            response(br#"{"jsonrpc":"2.0","id":1,"result":{}}"#, 1, true),
            Some(Ok(()))
        );
    }

    #[test]
    fn sse_events_across_chunks() {
        let mut p = SseParser::default();
        let mut events: Vec<String> = Vec::new();
        let mut collect = |d: &[u8]| {
            events.push(String::from_utf8_lossy(d).into_owned());
            false
        };
        assert!(!p.feed(b"event: message\r\ndata: {\"a\"", &mut collect));
        p.feed(b":1}\r\n\r\n: ping\n\ndata: x\ndata: y\n", &mut collect);
        p.feed(b"\n", &mut collect);
        p.feed(b"data:z", &mut collect);
        p.finish(&mut collect);
        assert_eq!(events, ["{\"a\":1}", "x\ny", "z"]);
        let mut p = SseParser::default();
        let mut seen = 0;
        assert!(p.feed(b"data: 1\n\ndata: 2\n\ndata: 3\n\n", &mut |_| {
            seen += 1;
            seen == 2
        }));
        assert_eq!(seen, 2);
        // One parser serves a connection's streams: what one left unfinished is forgotten.
        p.feed(b"data: half", &mut |_| false);
        assert!(p.pending() > 0);
        p.reset();
        assert_eq!(p.pending(), 0);
        let mut got = Vec::new();
        p.feed(b"data: next\n\n", &mut |d| {
            got.extend_from_slice(d);
            true
        });
        assert_eq!(got, b"next");
    }
}
