//! `http`: POST the request JSON (`{"tool","args","context"}`, the body an exec handler reads on
//! stdin) to a URL and read the answer by the same rules (`{"output"}`, `{"error"}` or the bare
//! result). One pooled client ([`HttpPool`]) is shared by every `http` tool of a catalog:
//! keep-alive connections, `TCP_NODELAY`, a connect timeout, no redirects.
//!
//! Failure modes and what the caller gets: the server cannot be reached (refused, unresolvable,
//! connect timeout) → [`ToolError::Unavailable`]; the connection breaks mid-call, or the status
//! is 429/502/503/504 → [`ToolError::Retryable`] (both transient, so retried for idempotent
//! tools); any other non-2xx status → [`ToolError::Tool`] naming the status with a short preview
//! of the body (or the handler's own `{"error"}` message if the body is one); a body larger than
//! `handler.max_output`, empty or not JSON → [`ToolError::Tool`]; no answer within the tool's
//! timeout → [`ToolError::Timeout`]. When the context carries a trace id, a W3C `traceparent`
//! header goes with the request.

use super::Handler;
use super::protocol::{Request, answer};
use crate::runtime::call::{CallContext, CallOutcome, CallRequest, ToolError};
use futures_util::future::BoxFuture;
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::time::Duration;

/// How long establishing a connection may take before the handler counts as unavailable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Idle keep-alive connections are closed after this long.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);
/// Characters of a failed response's body shown in the error.
const PREVIEW_CHARS: usize = 200;

/// A client builder with lynx's defaults for talking to handlers and MCP servers: keep-alive
/// pooling, `TCP_NODELAY` (without it small requests stall ~40 ms on delayed ACKs), a connect
/// timeout, TCP keepalive, and no redirects (a redirected POST would silently turn into a GET).
pub fn client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .user_agent(concat!("lynx/", env!("CARGO_PKG_VERSION")))
        .tcp_nodelay(true)
        .tcp_keepalive(Duration::from_secs(60))
        .connect_timeout(CONNECT_TIMEOUT)
        .pool_idle_timeout(POOL_IDLE_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
}

/// The one pooled client of a catalog's `http` tools, built on first use (a catalog without
/// `http` tools never builds one).
#[derive(Debug, Default)]
pub struct HttpPool {
    client: OnceLock<reqwest::Client>,
}

impl HttpPool {
    pub fn client(&self) -> Result<reqwest::Client, String> {
        if let Some(c) = self.client.get() {
            return Ok(c.clone());
        }
        let built = client_builder()
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(self.client.get_or_init(|| built).clone())
    }
}

#[derive(Debug)]
pub struct Http {
    client: reqwest::Client,
    url: reqwest::Url,
    /// The URL as error messages show it: without credentials, query or fragment, which may
    /// hold secrets the tool's callers must not see.
    shown: String,
    headers: HeaderMap,
    timeout: Duration,
    max_output: usize,
}

impl Http {
    /// Checks the URL (`http` or `https`) and the header names and values once, when the
    /// catalog is built.
    pub fn new(
        client: reqwest::Client,
        url: &str,
        headers: &BTreeMap<String, String>,
        timeout: Duration,
        max_output: usize,
    ) -> Result<Self, String> {
        let url = reqwest::Url::parse(url).map_err(|e| format!("`url` `{url}` is invalid: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("`url` `{url}` must start with http:// or https://"));
        }
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            let n = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("header name `{name}` is not a valid HTTP header name"))?;
            let mut v = HeaderValue::from_str(value).map_err(|_| {
                format!("the value of header `{name}` is not a valid HTTP header value")
            })?;
            v.set_sensitive(true);
            map.append(n, v);
        }
        map.entry(header::ACCEPT)
            .or_insert(HeaderValue::from_static("application/json"));
        map.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        let mut shown = url.clone();
        let _ = shown.set_username("");
        let _ = shown.set_password(None);
        shown.set_query(None);
        shown.set_fragment(None);
        Ok(Self {
            client,
            shown: shown.to_string(),
            url,
            headers: map,
            timeout,
            max_output,
        })
    }

    fn overflow(&self) -> ToolError {
        ToolError::Tool(format!(
            "the handler answered more than {} bytes; raise `handler.max_output` or answer less",
            self.max_output
        ))
    }

    /// A failed send: unreachable is `Unavailable`, too slow is `Timeout`, anything else
    /// (connection reset, closed early) may pass on a retry.
    fn send_error(&self, e: &reqwest::Error) -> ToolError {
        let cause = root_cause(e);
        if e.is_timeout() && !e.is_connect() {
            ToolError::Timeout(self.timeout)
        } else if e.is_connect() {
            ToolError::Unavailable(format!("cannot connect to {}: {cause}", self.shown))
        } else {
            ToolError::Retryable(format!("the request to {} failed: {cause}", self.shown))
        }
    }
}

/// The innermost cause of an error (e.g. "Connection refused (os error 111)").
pub(crate) fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// A short, single-line preview of a response body.
pub(crate) fn preview(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > PREVIEW_CHARS {
        let kept: String = text.chars().take(PREVIEW_CHARS).collect();
        format!("{kept}…")
    } else {
        text
    }
}

/// The W3C `traceparent` for a call: the context's value as is when it already is one,
/// otherwise built from a 32-hex-digit trace id with a fresh span id.
pub fn traceparent(context: &CallContext) -> Option<String> {
    let id = context.trace_id.as_deref()?.trim();
    let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
    let parts: Vec<&str> = id.split('-').collect();
    if parts.len() == 4
        && hex(parts[0], 2)
        && hex(parts[1], 32)
        && hex(parts[2], 16)
        && hex(parts[3], 2)
    {
        return Some(id.to_ascii_lowercase());
    }
    if hex(id, 32) && id.bytes().any(|b| b != b'0') {
        return Some(format!(
            "00-{}-{:016x}-01",
            id.to_ascii_lowercase(),
            span_id()
        ));
    }
    None
}

/// A random, non-zero 64-bit span id.
fn span_id() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish().max(1)
}

/// Statuses a retry may get past: rate limited, or a gateway in front of a handler that is
/// restarting or overloaded.
fn transient_status(status: reqwest::StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

impl Handler for Http {
    fn call<'a>(&'a self, req: &'a CallRequest) -> BoxFuture<'a, CallOutcome> {
        Box::pin(async move {
            let body = serde_json::to_vec(&Request {
                id: None,
                tool: &req.tool.name,
                args: &req.args,
                context: &req.context,
            })
            .map_err(|e| ToolError::Unavailable(e.to_string()))?;
            let mut request = self
                .client
                .post(self.url.clone())
                .headers(self.headers.clone())
                .timeout(self.timeout)
                .body(body);
            if let Some(tp) = traceparent(&req.context) {
                request = request.header("traceparent", tp);
            }
            let mut resp = request.send().await.map_err(|e| self.send_error(&e))?;
            let status = resp.status();
            if resp
                .content_length()
                .is_some_and(|n| n > self.max_output as u64)
                && status.is_success()
            {
                return Err(self.overflow());
            }
            let mut bytes = Vec::new();
            loop {
                match resp.chunk().await {
                    Ok(Some(chunk)) => {
                        if bytes.len() + chunk.len() > self.max_output {
                            if status.is_success() {
                                return Err(self.overflow());
                            }
                            // An error page only needs its beginning for the preview.
                            break;
                        }
                        bytes.extend_from_slice(&chunk);
                    }
                    Ok(None) => break,
                    Err(e) => return Err(self.send_error(&e)),
                }
            }
            if !status.is_success() {
                let status_text = match status.canonical_reason() {
                    Some(reason) => format!("{} {reason}", status.as_u16()),
                    None => status.as_u16().to_string(),
                };
                let said = match serde_json::from_slice(&bytes).map(answer) {
                    // The handler explained itself with `{"error": …}`.
                    Ok(Err(ToolError::Tool(m) | ToolError::Retryable(m))) => m,
                    _ => preview(&bytes),
                };
                let mut message =
                    format!("the handler at {} answered HTTP {status_text}", self.shown);
                if !said.is_empty() {
                    message.push_str(": ");
                    message.push_str(&said);
                }
                return Err(if transient_status(status) {
                    ToolError::Retryable(message)
                } else {
                    ToolError::Tool(message)
                });
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Err(ToolError::Tool(format!(
                    "the handler at {} answered an empty body; it must answer its result as JSON",
                    self.shown
                )));
            }
            match serde_json::from_slice(&bytes) {
                Ok(v) => answer(v),
                Err(e) => Err(ToolError::Tool(format!(
                    "the handler's response is not JSON ({e}): {}",
                    preview(&bytes)
                ))),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(trace: Option<&str>) -> CallContext {
        CallContext {
            trace_id: trace.map(str::to_owned),
            ..CallContext::default()
        }
    }

    #[test]
    fn traceparent_is_passed_or_built() {
        assert_eq!(traceparent(&ctx(None)), None);
        let tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        assert_eq!(traceparent(&ctx(Some(tp))).as_deref(), Some(tp));
        let built = traceparent(&ctx(Some("4BF92F3577B34DA6A3CE929D0E0E4736"))).unwrap();
        assert!(
            built.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-"),
            "{built}"
        );
        assert!(built.ends_with("-01") && built.len() == tp.len(), "{built}");
        assert_eq!(traceparent(&ctx(Some("not a trace id"))), None);
        assert_eq!(traceparent(&ctx(Some(&"0".repeat(32)))), None);
    }

    #[test]
    fn bad_urls_and_headers_are_refused_at_build() {
        let c = client_builder().build().unwrap();
        let none = BTreeMap::new();
        let t = Duration::from_secs(1);
        assert!(
            Http::new(c.clone(), "ftp://x/y", &none, t, 10)
                .unwrap_err()
                .contains("http://")
        );
        assert!(
            Http::new(c.clone(), "not a url", &none, t, 10)
                .unwrap_err()
                .contains("invalid")
        );
        let bad: BTreeMap<_, _> = [("X-Bad".to_owned(), "a\nb".to_owned())].into();
        assert!(
            Http::new(c.clone(), "http://127.0.0.1:1/", &bad, t, 10)
                .unwrap_err()
                .contains("X-Bad")
        );
        let good: BTreeMap<_, _> = [("X-Api-Key".to_owned(), "k".to_owned())].into();
        let h = Http::new(c, "http://u:p@127.0.0.1:1/x?token=s#f", &good, t, 10).unwrap();
        assert_eq!(h.shown, "http://127.0.0.1:1/x", "no secrets in messages");
        assert_eq!(h.headers["x-api-key"], "k");
        assert_eq!(h.headers["content-type"], "application/json");
    }

    #[test]
    fn previews_are_short_and_on_one_line() {
        assert_eq!(preview(b"  a\n  b "), "a b");
        let long = "x".repeat(500);
        assert_eq!(preview(long.as_bytes()).chars().count(), PREVIEW_CHARS + 1);
    }
}
