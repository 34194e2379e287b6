//! What each request does: one tool call (`--tool`/`--args`), a weighted mix (`--mix FILE`) or
//! a bare method (`--method tools/list`) — and the bytes that go on the wire for it.
//!
//! Requests are serialized once per run into a [`Template`]: the body around the JSON-RPC id,
//! so each request costs one buffer with a fresh id written in (a fixed id hangs stateful
//! servers), plus ready-made header values for the protocol era.

use crate::runtime::client::{META_CLIENT_INFO, encode_header_value};
use crate::runtime::protocol::{META_CAPABILITIES, META_VERSION, MODERN};
use bytes::Bytes;
use hyper::header::HeaderValue;
use serde_json::{Map, Value, json};
use std::fmt::Write as _;

/// One kind of request in the work.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// `tools/call`, `tools/list`, …
    pub method: String,
    /// For `tools/call`: the tool's name.
    pub tool: Option<String>,
    /// For `tools/call`: the arguments; for other methods: the params.
    pub args: Map<String, Value>,
    /// Relative share of requests (≥ 1).
    pub weight: u32,
}

impl Call {
    pub fn tool(name: &str, args: Map<String, Value>) -> Self {
        Call {
            method: "tools/call".into(),
            tool: Some(name.into()),
            args,
            weight: 1,
        }
    }

    pub fn method(method: &str) -> Self {
        Call {
            method: method.into(),
            tool: None,
            args: Map::new(),
            weight: 1,
        }
    }

    /// `tools/call demo.echo` or `tools/list`.
    pub fn label(&self) -> String {
        match &self.tool {
            Some(t) => format!("tools/call {t}"),
            None => self.method.clone(),
        }
    }
}

/// Why `method` cannot be benched (the caller names the flag or mix entry), shared by
/// `--method` and `--mix` so both accept the same methods. `tools/call` is checked by each,
/// since each says differently how to name the tool.
pub fn check_method(method: &str) -> Result<(), String> {
    if method.is_empty() || method == "initialize" {
        return Err(format!("`{method}` cannot be benched; try `tools/list`"));
    }
    // The modern era sends the method in the `Mcp-Method` header.
    if method.trim() != method || HeaderValue::from_str(method).is_err() {
        return Err(format!(
            "`{}` is not a usable method name (it goes in the `Mcp-Method` header): use printable characters, like `tools/list`",
            method.escape_debug()
        ));
    }
    Ok(())
}

/// The most requests kinds a mix may have, and the largest total weight.
const MAX_MIX: usize = 1000;
const MAX_TOTAL_WEIGHT: u64 = 100_000;

/// Reads a `--mix` file: a YAML or JSON list of `{tool, args, weight}` or `{method, weight}`.
pub fn parse_mix(display: &str, text: &str) -> Result<Vec<Call>, String> {
    use crate::project::node::Limits;
    use crate::project::source::SourceFile;
    let file = SourceFile::new(display.into(), display.into(), text.to_owned());
    let parsed = crate::project::parse::yaml(&file, Limits::default());
    if let Some(issue) = parsed.issues.first() {
        let at = file.line_col(issue.span.start);
        return Err(format!(
            "`--mix {display}`:{}:{}: {}",
            at.line, at.column, issue.message
        ));
    }
    let value = parsed.root.map(|n| n.to_json()).unwrap_or(Value::Null);
    let bad = |i: usize, what: &str| format!("`--mix {display}`: entry {}: {what}", i + 1);
    let Value::Array(items) = value else {
        return Err(format!(
            "`--mix {display}` must be a list of calls, like\n  - {{ tool: demo.echo, args: {{ message: hi }}, weight: 3 }}\n  - {{ method: tools/list, weight: 1 }}"
        ));
    };
    if items.is_empty() || items.len() > MAX_MIX {
        return Err(format!(
            "`--mix {display}` must list between 1 and {MAX_MIX} calls (it lists {})",
            items.len()
        ));
    }
    let mut calls = Vec::with_capacity(items.len());
    let mut total = 0u64;
    for (i, item) in items.into_iter().enumerate() {
        let Value::Object(mut m) = item else {
            return Err(bad(i, "expected a mapping with `tool` or `method`"));
        };
        let weight = match m.remove("weight") {
            None => 1,
            Some(w) => w
                .as_u64()
                .filter(|w| (1..=10_000).contains(w))
                .ok_or_else(|| bad(i, "`weight` must be a whole number from 1 to 10000"))?
                as u32,
        };
        total += u64::from(weight);
        let args = match m.remove("args") {
            None => Map::new(),
            Some(Value::Object(a)) => a,
            Some(_) => return Err(bad(i, "`args` must be a mapping (a JSON object)")),
        };
        let mut call = match (m.remove("tool"), m.remove("method")) {
            (Some(Value::String(t)), None) => Call::tool(&t, args),
            (None, Some(Value::String(method))) if method == "tools/call" => {
                return Err(bad(
                    i,
                    "name the tool with `tool: NAME` instead of `method: tools/call`",
                ));
            }
            (None, Some(Value::String(method))) => {
                check_method(&method).map_err(|why| bad(i, &format!("`method`: {why}")))?;
                Call {
                    args,
                    ..Call::method(&method)
                }
            }
            (Some(_), Some(_)) => return Err(bad(i, "give `tool` or `method`, not both")),
            (None, None) => return Err(bad(i, "missing `tool: NAME` (or `method: METHOD`)")),
            _ => return Err(bad(i, "`tool` and `method` must be strings")),
        };
        if let Some(key) = m.keys().next() {
            return Err(bad(
                i,
                &format!("unknown key `{key}` (expected tool, args, method, weight)"),
            ));
        }
        call.weight = weight;
        calls.push(call);
    }
    if total > MAX_TOTAL_WEIGHT {
        return Err(format!(
            "`--mix {display}`: the weights add up to {total}; keep them under {MAX_TOTAL_WEIGHT}"
        ));
    }
    Ok(calls)
}

/// The order in which a worker cycles through the calls: smooth weighted round robin, so
/// weights 3:1 give `a a b a` rather than `a a a b` — every prefix is close to the mix.
pub fn schedule(calls: &[Call]) -> Vec<usize> {
    let total: i64 = calls.iter().map(|c| i64::from(c.weight)).sum();
    let mut current = vec![0i64; calls.len()];
    let mut out = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
    for _ in 0..total {
        for (c, call) in current.iter_mut().zip(calls) {
            *c += i64::from(call.weight);
        }
        let Some(best) = (0..calls.len()).max_by_key(|&i| (current[i], usize::MAX - i)) else {
            break;
        };
        current[best] -= total;
        out.push(best);
    }
    out
}

/// The protocol era requests are stamped for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Era {
    /// 2026-07-28: `_meta` envelope in params, `Mcp-Method`/`Mcp-Name` headers.
    Modern,
    /// A handshake version; the session id (HTTP) is added per connection.
    Legacy(String),
}

impl Era {
    pub fn version(&self) -> &str {
        match self {
            Era::Modern => MODERN,
            Era::Legacy(v) => v,
        }
    }
}

/// A request serialized once: `{"jsonrpc":"2.0","id":` + id + `suffix`.
#[derive(Clone, Debug)]
pub struct Template {
    pub suffix: Vec<u8>,
    pub method: HeaderValue,
    /// `Mcp-Name` (modern `tools/call`).
    pub name: Option<HeaderValue>,
    /// Whether an `isError: true` result is a tool error.
    pub tool_call: bool,
    pub label: String,
}

const PREFIX: &[u8] = br#"{"jsonrpc":"2.0","id":"#;

impl Template {
    pub fn new(call: &Call, era: &Era) -> Self {
        let mut params = match &call.tool {
            Some(tool) => json!({ "name": tool, "arguments": call.args }),
            None => Value::Object(call.args.clone()),
        };
        if *era == Era::Modern
            && let Value::Object(p) = &mut params
        {
            p.insert("_meta".into(), modern_meta());
        }
        let rest = json!({ "method": call.method, "params": params });
        let rest = serde_json::to_string(&rest).unwrap_or_default();
        // `{"method":…}` → `,"method":…}`: the id goes first.
        let mut suffix = Vec::with_capacity(rest.len());
        suffix.push(b',');
        suffix.extend_from_slice(rest.get(1..).unwrap_or_default().as_bytes());
        let name = match (&call.tool, era) {
            (Some(t), Era::Modern) => HeaderValue::from_str(&encode_header_value(t)).ok(),
            _ => None,
        };
        Template {
            suffix,
            method: HeaderValue::from_str(&call.method)
                .unwrap_or_else(|_| HeaderValue::from_static("invalid")),
            name,
            tool_call: call.tool.is_some(),
            label: call.label(),
        }
    }

    /// The body with `id` written in.
    pub fn body(&self, id: u64) -> Bytes {
        let mut b = Vec::with_capacity(PREFIX.len() + 20 + self.suffix.len() + 1);
        self.write(&mut b, id);
        Bytes::from(b)
    }

    /// Appends the body with `id` to `out`.
    pub fn write(&self, out: &mut Vec<u8>, id: u64) {
        out.extend_from_slice(PREFIX);
        let mut digits = [0u8; 20];
        out.extend_from_slice(format_u64(id, &mut digits));
        out.extend_from_slice(&self.suffix);
    }
}

/// `id` in decimal, without going through `fmt`.
fn format_u64(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[i..];
        }
    }
}

/// The modern era's `_meta` envelope.
pub fn modern_meta() -> Value {
    json!({
        META_VERSION: MODERN,
        META_CAPABILITIES: {},
        META_CLIENT_INFO: { "name": "lynx-bench", "version": env!("CARGO_PKG_VERSION") },
    })
}

/// A message for handshakes and probes (not on the hot path).
pub fn message(id: Option<u64>, method: &str, params: Value) -> Vec<u8> {
    let mut m = json!({ "jsonrpc": "2.0", "method": method, "params": params });
    if let Some(id) = id {
        m["id"] = json!(id);
    }
    serde_json::to_vec(&m).unwrap_or_default()
}

/// `initialize` params asking for `version`.
pub fn initialize_params(version: &str) -> Value {
    json!({
        "protocolVersion": version,
        "capabilities": {},
        "clientInfo": { "name": "lynx-bench", "version": env!("CARGO_PKG_VERSION") },
    })
}

/// A description of the work for reports: `tools/call demo.echo` or `mix of 3 calls (…)`.
pub fn describe(calls: &[Call]) -> String {
    if let [one] = calls {
        return one.label();
    }
    let mut s = format!("mix of {} calls (", calls.len());
    for (i, c) in calls.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        let _ = write!(s, "{} ×{}", c.label(), c.weight);
    }
    s.push(')');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_carry_a_fresh_id_and_the_modern_envelope() {
        let mut args = Map::new();
        args.insert("message".into(), json!("hi"));
        let t = Template::new(&Call::tool("demo.echo", args), &Era::Modern);
        let v: Value = serde_json::from_slice(&t.body(18_446_744_073_709_551_615)).unwrap();
        assert_eq!(v["id"], json!(u64::MAX));
        assert_eq!(v["jsonrpc"], "2.0");
        assert_eq!(v["method"], "tools/call");
        assert_eq!(v["params"]["name"], "demo.echo");
        assert_eq!(v["params"]["arguments"]["message"], "hi");
        assert_eq!(v["params"]["_meta"][META_VERSION], MODERN);
        assert_eq!(t.name.as_ref().unwrap(), "demo.echo");
        let v: Value = serde_json::from_slice(&t.body(0)).unwrap();
        assert_eq!(v["id"], json!(0));
        let legacy = Template::new(
            &Call::method("tools/list"),
            &Era::Legacy("2025-11-25".into()),
        );
        let v: Value = serde_json::from_slice(&legacy.body(7)).unwrap();
        assert_eq!(
            v,
            json!({"jsonrpc": "2.0", "id": 7, "method": "tools/list", "params": {}})
        );
        assert!(legacy.name.is_none());
        assert!(!legacy.tool_call);
    }

    #[test]
    fn weighted_schedule_is_smooth_and_exact() {
        let mut a = Call::method("a");
        a.weight = 3;
        let b = Call::method("b");
        let s = schedule(&[a, b]);
        assert_eq!(s, [0, 0, 1, 0]);
        assert_eq!(schedule(&[Call::method("x")]), [0]);
    }

    #[test]
    fn mix_files_parse_and_explain_mistakes() {
        let calls = parse_mix(
            "mix.yaml",
            "- { tool: demo.echo, args: { message: hi }, weight: 3 }\n- method: tools/list\n",
        )
        .unwrap();
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].weight, 3);
        assert_eq!(calls[0].tool.as_deref(), Some("demo.echo"));
        assert_eq!(calls[1].method, "tools/list");
        assert_eq!(calls[1].weight, 1);
        let json = parse_mix("m.json", r#"[{"tool": "x"}]"#).unwrap();
        assert_eq!(json[0].args, Map::new());
        for (text, needle) in [
            ("tool: x", "must be a list"),
            ("[]", "between 1 and"),
            ("- { tool: x, weight: 0 }", "entry 1: `weight`"),
            ("- { tool: x, args: [1] }", "`args` must be a mapping"),
            ("- { tool: x, method: y }", "not both"),
            ("- { weight: 2 }", "missing `tool"),
            ("- { tool: x, wieght: 2 }", "unknown key `wieght`"),
            ("- { method: tools/call }", "name the tool"),
            (
                "- { method: '' }",
                "entry 1: `method`: `` cannot be benched",
            ),
            (
                "- { tool: x }\n- { method: initialize }",
                "`--mix mix.yaml`: entry 2: `method`: `initialize` cannot be benched",
            ),
            ("- { method: \"a\\nb\" }", "not a usable method name"),
            ("- [unclosed", "mix.yaml`:"),
        ] {
            let e = parse_mix("mix.yaml", text).unwrap_err();
            assert!(e.contains(needle), "{text}: {e}");
        }
    }

    #[test]
    fn descriptions() {
        assert_eq!(describe(&[Call::tool("a", Map::new())]), "tools/call a");
        let mut b = Call::method("tools/list");
        b.weight = 2;
        assert_eq!(
            describe(&[Call::tool("a", Map::new()), b]),
            "mix of 2 calls (tools/call a ×1, tools/list ×2)"
        );
    }
}
