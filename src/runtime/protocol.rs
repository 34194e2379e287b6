//! MCP over JSON-RPC, independent of the transport: both protocol eras on one dispatcher.
//!
//! - **Modern** (2026-07-28, stateless): every request carries
//!   `_meta["io.modelcontextprotocol/protocolVersion"]` and the client's capabilities; no
//!   `initialize`, no sessions, no `ping`; results carry `resultType`, list results `ttlMs` and
//!   `cacheScope`.
//! - **Legacy** (2025-11-25, 2025-06-18, 2025-03-26): `initialize` → `notifications/initialized`,
//!   sessions on HTTP.
//!
//! The transports (`http.rs`, `stdio.rs`) turn bytes into [`Message`]s and [`Reply`]s back into
//! bytes and status codes; everything MCP decides is here.

use super::call::CallContext;
use super::engine::{Runtime, tool_result};
use serde_json::{Map, Value, json};
use std::sync::Arc;

pub const MODERN: &str = "2026-07-28";
pub const LEGACY: [&str; 3] = ["2025-11-25", "2025-06-18", "2025-03-26"];
/// Every version lynx speaks, newest first.
pub const SUPPORTED: [&str; 4] = [MODERN, LEGACY[0], LEGACY[1], LEGACY[2]];

pub const META_VERSION: &str = "io.modelcontextprotocol/protocolVersion";
pub const META_CAPABILITIES: &str = "io.modelcontextprotocol/clientCapabilities";
pub const META_SERVER_INFO: &str = "io.modelcontextprotocol/serverInfo";
pub const META_LOG_LEVEL: &str = "io.modelcontextprotocol/logLevel";
pub const META_SUBSCRIPTION_ID: &str = "io.modelcontextprotocol/subscriptionId";

/// The syslog levels of `notifications/message`, least severe first.
pub const LOG_LEVELS: [&str; 8] = [
    "debug",
    "info",
    "notice",
    "warning",
    "error",
    "critical",
    "alert",
    "emergency",
];

/// A log level's severity (0 = `debug`), or `None` for a name that is not a level.
pub fn log_level_rank(level: &str) -> Option<usize> {
    LOG_LEVELS.iter().position(|l| *l == level)
}

// JSON-RPC and MCP error codes.
pub const PARSE_ERROR: i64 = -32700;
pub const INVALID_REQUEST: i64 = -32600;
pub const METHOD_NOT_FOUND: i64 = -32601;
pub const INVALID_PARAMS: i64 = -32602;
pub const INTERNAL_ERROR: i64 = -32603;
pub const HEADER_MISMATCH: i64 = -32020;
pub const MISSING_CAPABILITY: i64 = -32021;
pub const UNSUPPORTED_VERSION: i64 = -32022;

/// Which era a request belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Era {
    Modern,
    Legacy,
}

/// A JSON-RPC error with the HTTP status the transport should use.
#[derive(Clone, Debug, PartialEq)]
pub struct RpcError {
    pub code: i64,
    pub message: String,
    pub data: Option<Value>,
    pub http_status: u16,
}

impl RpcError {
    pub fn new(code: i64, message: impl Into<String>, http_status: u16) -> Self {
        Self {
            code,
            message: message.into(),
            data: None,
            http_status,
        }
    }

    pub fn with_data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }

    pub fn to_json(&self, id: &Value) -> Value {
        let mut error = json!({ "code": self.code, "message": self.message });
        if let Some(data) = &self.data {
            error["data"] = data.clone();
        }
        json!({ "jsonrpc": "2.0", "id": id, "error": error })
    }
}

/// One incoming JSON-RPC message, already parsed.
#[derive(Clone, Debug)]
pub struct Message {
    /// `None` for a notification.
    pub id: Option<Value>,
    pub method: String,
    pub params: Value,
}

impl Message {
    /// Checks the JSON-RPC envelope. Batches (arrays) were removed in 2025-06-18.
    pub fn parse(value: Value) -> Result<Message, (Value, RpcError)> {
        let Value::Object(mut obj) = value else {
            let why = if value.is_array() {
                "batches are not supported (removed in MCP 2025-06-18); send one message per request"
            } else {
                "a JSON-RPC message must be an object"
            };
            return Err((Value::Null, RpcError::new(INVALID_REQUEST, why, 400)));
        };
        let id = obj.remove("id");
        let bad = |why: &str, id: &Option<Value>| {
            Err((
                id.clone().unwrap_or(Value::Null),
                RpcError::new(INVALID_REQUEST, why, 400),
            ))
        };
        if obj.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
            return bad("`jsonrpc` must be \"2.0\"", &id);
        }
        if let Some(id) = &id
            && !(id.is_string() || id.is_i64() || id.is_u64())
        {
            return bad("`id` must be a string or an integer", &Some(Value::Null));
        }
        let Some(Value::String(method)) = obj.remove("method") else {
            if obj.contains_key("result") || obj.contains_key("error") {
                // A response from the client to a server→client request (legacy sampling and
                // elicitation): no method, no id of its own; `params` carries the response
                // (`id` plus `result` or `error`) for [`Extension::client_response`].
                let mut response = Map::new();
                response.insert("id".into(), id.unwrap_or(Value::Null));
                for key in ["result", "error"] {
                    if let Some(v) = obj.remove(key) {
                        response.insert(key.into(), v);
                    }
                }
                return Ok(Message {
                    id: None,
                    method: String::new(),
                    params: Value::Object(response),
                });
            }
            return bad("`method` must be a string", &id);
        };
        let params = obj.remove("params").unwrap_or(Value::Object(Map::new()));
        if !params.is_object() {
            return bad("`params` must be an object", &id);
        }
        Ok(Message { id, method, params })
    }

    pub fn meta(&self) -> Option<&Map<String, Value>> {
        self.params.get("_meta").and_then(Value::as_object)
    }

    /// The protocol version a modern request names in `_meta`.
    pub fn modern_version(&self) -> Option<&str> {
        self.meta()
            .and_then(|m| m.get(META_VERSION))
            .and_then(Value::as_str)
    }

    pub fn era(&self) -> Era {
        if self.meta().is_some_and(|m| m.contains_key(META_VERSION)) {
            Era::Modern
        } else {
            Era::Legacy
        }
    }
}

/// Where a call's notifications (progress, log messages) go; the HTTP transport switches the
/// response to SSE when the first one arrives, stdio writes them as lines.
pub type Notifier = tokio::sync::mpsc::UnboundedSender<Value>;

/// Extra MCP surface beyond the project's tools (the conformance fixtures; later prompts and
/// resources of a project). Each method returns `None` for requests it does not own.
pub trait Extension: Send + Sync {
    /// Capabilities to merge into `initialize` / `server/discover`.
    fn capabilities(&self, era: Era) -> Value;
    /// Extra entries for `tools/list`, listed before the project's tools.
    fn tools(&self, era: Era) -> Vec<Value>;
    /// Handles a request it owns (a `tools/call` of one of its tools, or another method),
    /// seeing what the transport knows about it (the legacy session's client capabilities and
    /// log level); `None` for requests it does not own.
    fn handle<'a>(
        &'a self,
        msg: &'a Message,
        era: Era,
        env: &'a Envelope,
        notify: Option<&'a Notifier>,
    ) -> Option<futures_util::future::BoxFuture<'a, Result<Value, RpcError>>>;
    /// A client's response (`{"id", "result"|"error"}`) to a request the extension sent
    /// through the [`Notifier`] (legacy sampling/elicitation). Ignored by default.
    fn client_response(&self, response: &Value) {
        let _ = response;
    }
}

/// Identity of the server in `initialize` and `server/discover`.
#[derive(Clone, Debug)]
pub struct ServerInfo {
    pub name: String,
    pub version: String,
}

/// What the dispatcher needs from the transport for one message.
#[derive(Clone, Debug, Default)]
pub struct Envelope {
    /// `MCP-Protocol-Version` (HTTP only).
    pub protocol_header: Option<String>,
    /// `Mcp-Method` (HTTP only).
    pub method_header: Option<String>,
    /// `Mcp-Name` (HTTP only).
    pub name_header: Option<String>,
    /// True on HTTP, where modern requests must carry the headers.
    pub http: bool,
    /// The negotiated legacy version of the session the message arrived on.
    pub session_version: Option<String>,
    /// The capabilities the client declared in `initialize` (legacy sessions; `None` when the
    /// transport does not track them).
    pub client_capabilities: Option<Value>,
    /// The level the client chose with `logging/setLevel` (legacy sessions).
    pub log_level: Option<String>,
}

impl Envelope {
    /// An envelope that knows nothing (no headers, no session).
    pub const EMPTY: Envelope = Envelope {
        protocol_header: None,
        method_header: None,
        name_header: None,
        http: false,
        session_version: None,
        client_capabilities: None,
        log_level: None,
    };
}

/// What to send back.
#[derive(Debug)]
pub enum Reply {
    /// A JSON-RPC response (result or error) with its HTTP status.
    Response { status: u16, body: Value },
    /// A notification or client response: nothing to send (HTTP 202).
    Accepted,
}

impl Reply {
    fn result(id: &Value, result: Value) -> Reply {
        Reply::Response {
            status: 200,
            body: json!({ "jsonrpc": "2.0", "id": id, "result": result }),
        }
    }

    pub fn error(id: &Value, e: &RpcError) -> Reply {
        Reply::Response {
            status: e.http_status,
            body: e.to_json(id),
        }
    }
}

pub struct Dispatcher {
    pub runtime: Arc<Runtime>,
    pub info: ServerInfo,
    pub extension: Option<Arc<dyn Extension>>,
}

/// Methods the modern era removed: answered with -32601 and HTTP 404.
const REMOVED_IN_MODERN: &[&str] = &[
    "initialize",
    "ping",
    "logging/setLevel",
    "notifications/initialized",
];

impl Dispatcher {
    pub fn new(runtime: Arc<Runtime>, info: ServerInfo) -> Self {
        Self {
            runtime,
            info,
            extension: None,
        }
    }

    pub fn with_extension(mut self, extension: Arc<dyn Extension>) -> Self {
        self.extension = Some(extension);
        self
    }

    /// `tools.listChanged` in both eras: legacy clients get the notification on the HTTP GET
    /// stream or on stdio after a reload, modern clients on their `subscriptions/listen` streams.
    fn capabilities(&self, era: Era) -> Value {
        let _ = era;
        let mut caps = json!({ "tools": { "listChanged": true } });
        if let Some(ext) = &self.extension
            && let (Value::Object(base), Value::Object(extra)) = (&mut caps, ext.capabilities(era))
        {
            for (k, v) in extra {
                base.insert(k, v);
            }
        }
        caps
    }

    /// The answer to `initialize`: the client's version if lynx speaks it, else the newest
    /// legacy one (the client then decides whether it can continue).
    pub fn initialize_result(&self, params: &Value) -> (String, Value) {
        let asked = params
            .get("protocolVersion")
            .and_then(Value::as_str)
            .unwrap_or(LEGACY[0]);
        let version = if LEGACY.contains(&asked) {
            asked
        } else {
            LEGACY[0]
        };
        let result = json!({
            "protocolVersion": version,
            "capabilities": self.capabilities(Era::Legacy),
            "serverInfo": { "name": self.info.name, "version": self.info.version },
        });
        (version.to_owned(), result)
    }

    fn discover_result(&self) -> Value {
        json!({
            "supportedVersions": [MODERN],
            "capabilities": self.capabilities(Era::Modern),
        })
    }

    /// Checks a modern request, first failing rung wins: `_meta` envelope (-32602), HTTP headers
    /// (-32020), protocol version (-32022).
    fn check_modern(&self, msg: &Message, env: &Envelope) -> Result<(), RpcError> {
        let meta = msg.meta();
        let missing: Vec<&str> = [META_VERSION, META_CAPABILITIES]
            .into_iter()
            .filter(|k| meta.is_none_or(|m| !m.contains_key(*k)))
            .collect();
        if !missing.is_empty() {
            return Err(RpcError::new(
                INVALID_PARAMS,
                format!(
                    "Invalid params: params._meta is missing the required key(s): {}",
                    missing.join(", ")
                ),
                400,
            ));
        }
        let version = msg.meta().and_then(|m| m.get(META_VERSION));
        if env.http {
            let header = env.protocol_header.as_deref().map(str::trim);
            match (header, version.and_then(Value::as_str)) {
                (None, _) => {
                    return Err(RpcError::new(
                        HEADER_MISMATCH,
                        "Missing MCP-Protocol-Version header",
                        400,
                    ));
                }
                (Some(h), Some(v)) if h == v => {}
                _ => {
                    return Err(RpcError::new(
                        HEADER_MISMATCH,
                        "MCP-Protocol-Version header does not match params._meta protocolVersion",
                        400,
                    ));
                }
            }
            match env.method_header.as_deref().map(str::trim) {
                None => {
                    return Err(RpcError::new(
                        HEADER_MISMATCH,
                        "Missing Mcp-Method header",
                        400,
                    ));
                }
                Some(h) if h != msg.method => {
                    return Err(RpcError::new(
                        HEADER_MISMATCH,
                        format!(
                            "Mcp-Method header `{h}` does not match the body's method `{}`",
                            msg.method
                        ),
                        400,
                    ));
                }
                Some(_) => {}
            }
            if let Some(name) = named_target(msg) {
                match env
                    .name_header
                    .as_deref()
                    .map(str::trim)
                    .map(decode_header_value)
                {
                    Some(Some(h)) if h == name => {}
                    None => {
                        return Err(RpcError::new(
                            HEADER_MISMATCH,
                            "Missing Mcp-Name header",
                            400,
                        ));
                    }
                    Some(_) => {
                        return Err(RpcError::new(
                            HEADER_MISMATCH,
                            format!("Mcp-Name header does not match `{name}` in the body"),
                            400,
                        ));
                    }
                }
            }
        }
        match version {
            Some(Value::String(v)) if v == MODERN => Ok(()),
            Some(Value::String(v)) => {
                Err(
                    RpcError::new(UNSUPPORTED_VERSION, "Unsupported protocol version", 400)
                        .with_data(json!({ "supported": [MODERN], "requested": v })),
                )
            }
            _ => Err(RpcError::new(
                INVALID_PARAMS,
                "Invalid params: protocolVersion in params._meta must be a string",
                400,
            )),
        }
    }

    /// Handles one message of the given era. `initialize` is answered by the transport (it
    /// owns sessions), via [`Dispatcher::initialize_result`].
    pub async fn handle(
        &self,
        msg: Message,
        era: Era,
        env: &Envelope,
        notify: Option<&Notifier>,
    ) -> Reply {
        if msg.method.is_empty() {
            // A client's response to a server→client request.
            if let Some(ext) = &self.extension {
                ext.client_response(&msg.params);
            }
            return Reply::Accepted;
        }
        let Some(id) = msg.id.clone() else {
            // Notifications (initialized, cancelled, roots changed) need no answer.
            return Reply::Accepted;
        };
        if era == Era::Modern {
            if let Err(e) = self.check_modern(&msg, env) {
                return Reply::error(&id, &e);
            }
            if REMOVED_IN_MODERN.contains(&msg.method.as_str()) {
                return Reply::error(
                    &id,
                    &RpcError::new(
                        METHOD_NOT_FOUND,
                        format!("Method not found: {} (not part of {MODERN})", msg.method),
                        404,
                    )
                    .with_data(json!(msg.method)),
                );
            }
        }
        let not_found = || {
            RpcError::new(
                METHOD_NOT_FOUND,
                format!("Method not found: {}", msg.method),
                if era == Era::Modern { 404 } else { 200 },
            )
        };
        let extension = match &self.extension {
            Some(ext) => ext.handle(&msg, era, env, notify),
            None => None,
        };
        let result = match extension {
            Some(fut) => fut.await,
            None => match msg.method.as_str() {
                "server/discover" => Ok(self.discover_result()),
                "subscriptions/listen" if era == Era::Modern => {
                    self.listen(&id, &msg.params, notify).await
                }
                "ping" if era == Era::Legacy => Ok(json!({})),
                "logging/setLevel" if era == Era::Legacy => {
                    // The transport remembers the level for the session (`Envelope::log_level`).
                    match msg.params.get("level").and_then(Value::as_str) {
                        Some(level) if log_level_rank(level).is_some() => Ok(json!({})),
                        _ => Err(RpcError::new(
                            INVALID_PARAMS,
                            format!(
                                "Invalid params: `level` must be one of {}",
                                LOG_LEVELS.join(", ")
                            ),
                            200,
                        )),
                    }
                }
                "tools/list" => {
                    let mut tools = self
                        .extension
                        .as_ref()
                        .map(|e| e.tools(era))
                        .unwrap_or_default();
                    tools.extend(
                        self.runtime
                            .catalog()
                            .tools()
                            .iter()
                            .map(|t| t.listing.clone()),
                    );
                    Ok(json!({ "tools": tools }))
                }
                "tools/call" => self.call_tool(&msg).await,
                "completion/complete" => {
                    Ok(json!({ "completion": { "values": [], "total": 0, "hasMore": false } }))
                }
                "resources/list" => Ok(json!({ "resources": [] })),
                "resources/templates/list" => Ok(json!({ "resourceTemplates": [] })),
                "prompts/list" => Ok(json!({ "prompts": [] })),
                "resources/read" => {
                    let uri = msg.params.get("uri").cloned().unwrap_or(Value::Null);
                    Err(RpcError::new(
                        INVALID_PARAMS,
                        format!("Unknown resource: {}", uri.as_str().unwrap_or("")),
                        if era == Era::Modern { 400 } else { 200 },
                    )
                    .with_data(json!({ "uri": uri })))
                }
                _ => Err(not_found()),
            },
        };
        match result {
            Ok(mut result) => {
                if era == Era::Modern {
                    self.decorate_modern(&msg.method, &mut result);
                }
                Reply::result(&id, result)
            }
            Err(mut e) => {
                if era == Era::Modern {
                    // The modern HTTP mapping: envelope and parameter errors are 400s, unknown
                    // methods 404s, whatever status the handler guessed.
                    e.http_status = match e.code {
                        PARSE_ERROR | INVALID_REQUEST | INVALID_PARAMS | HEADER_MISMATCH
                        | MISSING_CAPABILITY | UNSUPPORTED_VERSION => 400,
                        METHOD_NOT_FOUND => 404,
                        _ => e.http_status,
                    };
                }
                Reply::error(&id, &e)
            }
        }
    }

    /// `subscriptions/listen`: acknowledges the filter (only the types lynx honours), then sends
    /// `notifications/tools/list_changed` after every change until the client goes away (the
    /// transport drops this future) or the server stops (the stream ends with a result). Every
    /// frame carries the subscription id, which is the request's id.
    async fn listen(
        &self,
        id: &Value,
        params: &Value,
        notify: Option<&Notifier>,
    ) -> Result<Value, RpcError> {
        let Some(notify) = notify else {
            return Err(RpcError::new(
                INVALID_REQUEST,
                "subscriptions/listen needs a streaming transport (HTTP or stdio)",
                400,
            ));
        };
        let Some(filter) = params.get("notifications").and_then(Value::as_object) else {
            return Err(RpcError::new(
                INVALID_PARAMS,
                "Invalid params: `notifications` must be an object naming the notification \
                 types to receive, e.g. {\"toolsListChanged\": true}",
                400,
            ));
        };
        let tools = filter.get("toolsListChanged") == Some(&Value::Bool(true));
        let meta = json!({ META_SUBSCRIPTION_ID: id });
        // Subscribed before the acknowledgement, so no change after it can be missed.
        let mut changes = self.runtime.subscribe();
        let mut honoured = Map::new();
        if tools {
            honoured.insert("toolsListChanged".into(), Value::Bool(true));
        }
        let ack = json!({
            "jsonrpc": "2.0",
            "method": "notifications/subscriptions/acknowledged",
            "params": { "_meta": meta, "notifications": honoured },
        });
        if notify.send(ack).is_err() {
            return Ok(json!({ "_meta": meta }));
        }
        loop {
            tokio::select! {
                change = changes.recv() => match change {
                    Ok(()) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        if tools {
                            let note = json!({
                                "jsonrpc": "2.0",
                                "method": "notifications/tools/list_changed",
                                "params": { "_meta": meta },
                            });
                            if notify.send(note).is_err() {
                                break;
                            }
                        }
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                },
                () = self.runtime.closed() => break,
                () = notify.closed() => break,
            }
        }
        Ok(json!({ "_meta": meta }))
    }

    /// Modern results say what they are, who answered, and how long they may be cached.
    fn decorate_modern(&self, method: &str, result: &mut Value) {
        let Some(obj) = result.as_object_mut() else {
            return;
        };
        obj.entry("resultType").or_insert(json!("complete"));
        let complete = obj.get("resultType") == Some(&json!("complete"));
        if complete
            && matches!(
                method,
                "server/discover"
                    | "tools/list"
                    | "prompts/list"
                    | "resources/list"
                    | "resources/templates/list"
                    | "resources/read"
            )
        {
            obj.entry("ttlMs").or_insert(json!(0));
            obj.entry("cacheScope").or_insert(json!("private"));
        }
        let meta = obj.entry("_meta").or_insert_with(|| json!({}));
        if let Some(meta) = meta.as_object_mut() {
            meta.insert(
                META_SERVER_INFO.into(),
                json!({ "name": self.info.name, "version": self.info.version }),
            );
        }
    }

    async fn call_tool(&self, msg: &Message) -> Result<Value, RpcError> {
        let name = msg
            .params
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                RpcError::new(
                    INVALID_PARAMS,
                    "Invalid params: `name` must be a string",
                    200,
                )
            })?;
        let args = match msg.params.get("arguments") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(m)) => m.clone(),
            Some(_) => {
                return Err(RpcError::new(
                    INVALID_PARAMS,
                    "Invalid params: `arguments` must be an object",
                    200,
                ));
            }
        };
        let context = CallContext {
            tenant_id: None,
            user_id: None,
            trace_id: msg
                .meta()
                .and_then(|m| m.get("traceparent"))
                .and_then(Value::as_str)
                .map(str::to_owned),
        };
        match self.runtime.call(name, args, context).await {
            Ok(outcome) => Ok(tool_result(&outcome)),
            Err(unknown) => Err(RpcError::new(
                INVALID_PARAMS,
                format!("Unknown tool: {}", unknown.0),
                200,
            )),
        }
    }
}

/// The target a modern request names, which the `Mcp-Name` header must repeat.
fn named_target(msg: &Message) -> Option<&str> {
    match msg.method.as_str() {
        "tools/call" | "prompts/get" => msg.params.get("name").and_then(Value::as_str),
        "resources/read" => msg.params.get("uri").and_then(Value::as_str),
        _ => None,
    }
}

/// `Mcp-Name` values that are not plain printable ASCII arrive as `=?base64?…?=`.
fn decode_header_value(raw: &str) -> Option<String> {
    match raw
        .strip_prefix("=?base64?")
        .and_then(|r| r.strip_suffix("?="))
    {
        Some(b64) => base64_decode(b64).and_then(|b| String::from_utf8(b).ok()),
        None => Some(raw.to_owned()),
    }
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|&c| c != b'=') {
        let v = ALPHABET.iter().position(|&a| a == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_decode_base64_sentinels() {
        assert_eq!(decode_header_value("plain").as_deref(), Some("plain"));
        assert_eq!(decode_header_value("=?base64?w6k=?=").as_deref(), Some("é"));
        assert_eq!(decode_header_value("=?base64?***?="), None);
    }

    #[test]
    fn envelopes_are_checked() {
        assert!(
            Message::parse(json!([{"jsonrpc": "2.0"}]))
                .unwrap_err()
                .1
                .message
                .contains("batches")
        );
        assert!(Message::parse(json!({"jsonrpc": "1.0", "id": 1, "method": "x"})).is_err());
        let m = Message::parse(json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"})).unwrap();
        assert_eq!(m.era(), Era::Legacy);
    }
}
