//! An MCP client over Streamable HTTP that speaks whichever protocol era the server does:
//! `lynx tool:list --server URL`, `lynx tool:call ID --server URL`, and (later) `lynx bench`.
//!
//! Era negotiation follows the official Python SDK's `mode="auto"` (MCP.md, brief §6):
//!
//! 1. one `server/discover` at 2026-07-28 with the full `_meta` envelope and the
//!    `MCP-Protocol-Version` / `Mcp-Method` headers;
//! 2. a `DiscoverResult` whose `supportedVersions` lists 2026-07-28 → the **modern** era: every
//!    request is stamped with the `_meta` envelope and the `MCP-Protocol-Version`, `Mcp-Method`
//!    and (for name-bearing methods) `Mcp-Name` headers; no `initialize`, no session;
//! 3. anything else the server answers — a result without 2026-07-28, a JSON-RPC error, an HTTP
//!    error without a JSON-RPC body, a body that does not parse — → the **legacy** handshake:
//!    `initialize` (without a version header) → `notifications/initialized` → requests with
//!    `Mcp-Session-Id` and `MCP-Protocol-Version`, and a DELETE of the session on [`McpClient::close`].
//!    Only -32022 whose `supported` list has neither 2026-07-28 nor a handshake version stops
//!    here (the server speaks nothing lynx does);
//! 4. network errors (refused, timed out, dropped) propagate: there is no fallback for them.
//!
//! Responses may be `application/json` or `text/event-stream`; on a stream, `data:` events are
//! read until the response carrying the request's id (notifications before it are skipped).
//!
//! One client is cheap to share (`&self` everywhere, ids from an atomic counter, one pooled
//! `reqwest::Client`), so concurrent requests need no locking.

use super::handlers::http::{client_builder, preview, root_cause};
use super::protocol::{LEGACY, META_CAPABILITIES, META_VERSION, MODERN, UNSUPPORTED_VERSION};
use reqwest::header::{self, HeaderMap, HeaderValue};
use serde_json::{Map, Value, json};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub const META_CLIENT_INFO: &str = "io.modelcontextprotocol/clientInfo";
const SESSION_HEADER: &str = "mcp-session-id";
const VERSION_HEADER: &str = "mcp-protocol-version";
/// Versions that use the `initialize` handshake (what lynx asks for first, then older ones).
pub const HANDSHAKE: [&str; 4] = [LEGACY[0], LEGACY[1], LEGACY[2], "2024-11-05"];
/// The most a single response (or SSE event) may hold.
const MAX_MESSAGE: usize = 64 * 1024 * 1024;
/// Pages of `tools/list` followed before giving up on a server whose cursor never ends.
const MAX_PAGES: usize = 1000;

/// Which protocol era the client settled on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Negotiated {
    /// Stateless 2026-07-28.
    Modern,
    /// The `initialize` handshake, with the version the server chose and its session (if any).
    Legacy {
        version: String,
        session: Option<String>,
    },
}

/// How to pick the era.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Probe with `server/discover`, fall back to the handshake (the default).
    #[default]
    Auto,
    /// Assume 2026-07-28 without probing.
    Modern,
    /// Always use the `initialize` handshake.
    Legacy,
}

#[derive(Clone, Debug)]
pub struct ClientOptions {
    pub mode: Mode,
    /// `clientInfo` sent to the server.
    pub client_name: String,
    pub client_version: String,
    /// Bounds each request (None: wait as long as the server takes).
    pub request_timeout: Option<Duration>,
    /// Bounds the `server/discover` probe.
    pub discover_timeout: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            mode: Mode::Auto,
            client_name: "lynx".into(),
            client_version: env!("CARGO_PKG_VERSION").into(),
            request_timeout: None,
            discover_timeout: Duration::from_secs(10),
        }
    }
}

/// Why a request failed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ClientError {
    /// The server could not be reached at all.
    #[error("cannot connect to {url}: {reason}")]
    Connect { url: String, reason: String },
    /// The server took longer than allowed.
    #[error("{url} did not answer `{method}` within {timeout:?}")]
    Timeout {
        url: String,
        method: String,
        timeout: Duration,
    },
    /// The connection broke during the exchange.
    #[error("`{method}` to {url} failed: {reason}")]
    Transport {
        url: String,
        method: String,
        reason: String,
    },
    /// The server answered a JSON-RPC error.
    #[error("{message} (JSON-RPC error {code})")]
    Rpc {
        method: String,
        code: i64,
        message: String,
        data: Option<Value>,
    },
    /// The server answered an HTTP error without a JSON-RPC error in the body.
    #[error("{url} answered `{method}` with HTTP {status}{}", if preview.is_empty() { String::new() } else { format!(": {preview}") })]
    Http {
        url: String,
        method: String,
        status: u16,
        preview: String,
    },
    /// The server answered something that is not a valid answer.
    #[error("{url} answered `{method}` with {message}")]
    Protocol {
        url: String,
        method: String,
        message: String,
    },
    /// The server speaks no protocol version lynx does.
    #[error("{url} speaks no MCP version lynx does (it supports {supported}; lynx speaks {}, {})", MODERN, HANDSHAKE.join(", "))]
    Incompatible { url: String, supported: String },
}

impl ClientError {
    /// The server was not reachable (connection refused, unresolvable, connect timeout).
    pub fn is_connect(&self) -> bool {
        matches!(self, ClientError::Connect { .. })
    }

    /// Network trouble rather than an answer: no fallback is tried for these.
    fn is_network(&self) -> bool {
        matches!(
            self,
            ClientError::Connect { .. }
                | ClientError::Timeout { .. }
                | ClientError::Transport { .. }
        )
    }
}

/// `--server URL` → the MCP endpoint: `http(s)://host:port/path`; a URL without a path means
/// lynx's default endpoint `/mcp`.
pub fn parse_server_url(text: &str) -> Result<reqwest::Url, String> {
    let mut url = reqwest::Url::parse(text.trim()).map_err(|e| {
        format!("`--server {text}` is not a URL ({e}); expected e.g. http://127.0.0.1:7878/mcp")
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "`--server {text}` must start with http:// or https://"
        ));
    }
    if url.path().is_empty() || url.path() == "/" {
        url.set_path("/mcp");
    }
    Ok(url)
}

/// A connected MCP client (see the module docs).
#[derive(Debug)]
pub struct McpClient {
    http: reqwest::Client,
    url: reqwest::Url,
    options: ClientOptions,
    era: Negotiated,
    /// The `server/discover` or `initialize` result.
    server: Value,
    next_id: AtomicU64,
}

/// One answered exchange.
struct Answer {
    headers: HeaderMap,
    /// The JSON-RPC response (None for an accepted notification).
    message: Option<Value>,
}

impl McpClient {
    /// Connects with a fresh pooled client and negotiates the era.
    pub async fn connect(url: reqwest::Url, options: ClientOptions) -> Result<Self, ClientError> {
        let http = client_builder()
            .build()
            .map_err(|e| ClientError::Transport {
                url: url.to_string(),
                method: "connect".into(),
                reason: e.to_string(),
            })?;
        Self::connect_with(http, url, options).await
    }

    /// Connects over the given client (so callers can tune the pool) and negotiates the era.
    pub async fn connect_with(
        http: reqwest::Client,
        url: reqwest::Url,
        options: ClientOptions,
    ) -> Result<Self, ClientError> {
        let mut client = McpClient {
            http,
            url,
            options,
            era: Negotiated::Modern,
            server: Value::Null,
            next_id: AtomicU64::new(1),
        };
        match client.options.mode {
            Mode::Modern => {}
            Mode::Legacy => client.initialize().await?,
            Mode::Auto => match client.discover().await? {
                Some(result) => client.server = result,
                None => client.initialize().await?,
            },
        }
        Ok(client)
    }

    pub fn era(&self) -> &Negotiated {
        &self.era
    }

    pub fn url(&self) -> &reqwest::Url {
        &self.url
    }

    /// The `server/discover` result (modern) or the `initialize` result (legacy).
    pub fn server(&self) -> &Value {
        &self.server
    }

    /// Probes `server/discover`: `Ok(Some(result))` if the server speaks 2026-07-28,
    /// `Ok(None)` to fall back to the handshake.
    async fn discover(&self) -> Result<Option<Value>, ClientError> {
        let timeout = Some(self.options.discover_timeout);
        match self
            .send_request(
                "server/discover",
                json!({}),
                Some(&Negotiated::Modern),
                timeout,
            )
            .await
        {
            Ok(result) => {
                let modern = result
                    .get("supportedVersions")
                    .and_then(Value::as_array)
                    .is_some_and(|v| v.iter().any(|v| v == MODERN));
                Ok(modern.then_some(result))
            }
            Err(ClientError::Rpc {
                code: UNSUPPORTED_VERSION,
                data,
                ..
            }) => {
                let supported: Vec<&str> = data
                    .as_ref()
                    .and_then(|d| d.get("supported"))
                    .and_then(Value::as_array)
                    .map(|v| v.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let speaks = |v: &&str| *v == MODERN || HANDSHAKE.contains(v);
                if supported.is_empty() || supported.iter().any(speaks) {
                    Ok(None)
                } else {
                    Err(ClientError::Incompatible {
                        url: self.url.to_string(),
                        supported: supported.join(", "),
                    })
                }
            }
            Err(e) if e.is_network() => Err(e),
            // Any other answer — an error, an HTTP status, an unreadable body — means a server
            // of the handshake era.
            Err(_) => Ok(None),
        }
    }

    /// The legacy handshake: `initialize`, then `notifications/initialized`.
    async fn initialize(&mut self) -> Result<(), ClientError> {
        let params = json!({
            "protocolVersion": HANDSHAKE[0],
            "capabilities": {},
            "clientInfo": {
                "name": self.options.client_name,
                "version": self.options.client_version,
            },
        });
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let body = json!({ "jsonrpc": "2.0", "id": id, "method": "initialize", "params": params });
        // No version header on `initialize` (and no session yet).
        let answer = self
            .exchange(
                "initialize",
                &body,
                HeaderMap::new(),
                Some(id),
                self.options.request_timeout,
            )
            .await?;
        let result = self.result_of("initialize", answer.message)?;
        let version = result
            .get("protocolVersion")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if !HANDSHAKE.contains(&version.as_str()) {
            return Err(ClientError::Protocol {
                url: self.url.to_string(),
                method: "initialize".into(),
                message: format!(
                    "protocol version `{version}`, which lynx does not speak (it speaks {})",
                    HANDSHAKE.join(", ")
                ),
            });
        }
        let session = answer
            .headers
            .get(SESSION_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        self.era = Negotiated::Legacy { version, session };
        self.server = result;
        self.notify("notifications/initialized", json!({})).await
    }

    /// Sends a notification (no answer expected beyond 2xx).
    pub async fn notify(&self, method: &str, params: Value) -> Result<(), ClientError> {
        let (params, headers) = self.stamp(method, params, &self.era);
        let body = json!({ "jsonrpc": "2.0", "method": method, "params": params });
        self.exchange(method, &body, headers, None, self.options.request_timeout)
            .await
            .map(|_| ())
    }

    /// Sends a request in the negotiated era and returns its `result`.
    pub async fn request(&self, method: &str, params: Value) -> Result<Value, ClientError> {
        self.send_request(method, params, None, self.options.request_timeout)
            .await
    }

    async fn send_request(
        &self,
        method: &str,
        params: Value,
        era: Option<&Negotiated>,
        timeout: Option<Duration>,
    ) -> Result<Value, ClientError> {
        let (params, headers) = self.stamp(method, params, era.unwrap_or(&self.era));
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let body = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params });
        let answer = self
            .exchange(method, &body, headers, Some(id), timeout)
            .await?;
        self.result_of(method, answer.message)
    }

    /// Every tool the server lists (following `nextCursor`).
    pub async fn list_tools(&self) -> Result<Vec<Value>, ClientError> {
        let mut tools = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let params = match &cursor {
                Some(c) => json!({ "cursor": c }),
                None => json!({}),
            };
            let result = self.request("tools/list", params).await?;
            match result.get("tools") {
                Some(Value::Array(page)) => tools.extend(page.iter().cloned()),
                _ => {
                    return Err(self.protocol("tools/list", "a result without a `tools` list"));
                }
            }
            cursor = result
                .get("nextCursor")
                .and_then(Value::as_str)
                .filter(|c| !c.is_empty())
                .map(str::to_owned);
            if cursor.is_none() {
                return Ok(tools);
            }
        }
        Err(self.protocol(
            "tools/list",
            &format!("more than {MAX_PAGES} pages of tools"),
        ))
    }

    /// `tools/call`: the `CallToolResult` (with `isError` for a tool error; a JSON-RPC error
    /// such as -32602 for an unknown tool is [`ClientError::Rpc`]).
    pub async fn call_tool(
        &self,
        name: &str,
        arguments: Map<String, Value>,
    ) -> Result<Value, ClientError> {
        let result = self
            .request(
                "tools/call",
                json!({ "name": name, "arguments": arguments }),
            )
            .await?;
        if result.get("resultType").and_then(Value::as_str) == Some("input_required") {
            return Err(self.protocol(
                "tools/call",
                "a request for client input (`input_required`), which lynx cannot provide",
            ));
        }
        if !result.get("content").is_some_and(Value::is_array) {
            return Err(self.protocol("tools/call", "a result without `content`"));
        }
        Ok(result)
    }

    /// Ends a legacy session (DELETE; a server that does not allow it is fine). Modern
    /// clients hold no state, so this is a no-op for them.
    pub async fn close(&self) {
        if let Negotiated::Legacy {
            version,
            session: Some(session),
        } = &self.era
        {
            let mut req = self
                .http
                .delete(self.url.clone())
                .header(VERSION_HEADER, version.as_str())
                .timeout(Duration::from_secs(5));
            if let Ok(v) = HeaderValue::from_str(session) {
                req = req.header(SESSION_HEADER, v);
            }
            match req.send().await {
                Ok(resp) if resp.status().is_success() || resp.status().as_u16() == 405 => {}
                Ok(resp) => tracing::debug!(status = %resp.status(), "DELETE of the session"),
                Err(e) => tracing::debug!("DELETE of the session: {e}"),
            }
        }
    }

    /// The era's `_meta` envelope and headers for one message.
    fn stamp(&self, method: &str, params: Value, era: &Negotiated) -> (Value, HeaderMap) {
        let mut headers = HeaderMap::new();
        let mut params = match params {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        match era {
            Negotiated::Modern => {
                let meta = params
                    .entry("_meta")
                    .or_insert_with(|| Value::Object(Map::new()));
                if !meta.is_object() {
                    *meta = Value::Object(Map::new());
                }
                if let Value::Object(meta) = meta {
                    meta.entry(META_VERSION).or_insert_with(|| json!(MODERN));
                    meta.entry(META_CAPABILITIES).or_insert_with(|| json!({}));
                    meta.entry(META_CLIENT_INFO).or_insert_with(|| {
                        json!({
                            "name": self.options.client_name,
                            "version": self.options.client_version,
                        })
                    });
                }
                headers.insert(VERSION_HEADER, HeaderValue::from_static(MODERN));
                if let Ok(v) = HeaderValue::from_str(method) {
                    headers.insert("mcp-method", v);
                }
                let name = match method {
                    "tools/call" | "prompts/get" => params.get("name"),
                    "resources/read" => params.get("uri"),
                    _ => None,
                };
                if let Some(name) = name.and_then(Value::as_str)
                    && let Ok(v) = HeaderValue::from_str(&encode_header_value(name))
                {
                    headers.insert("mcp-name", v);
                }
            }
            Negotiated::Legacy { version, session } => {
                if let Ok(v) = HeaderValue::from_str(version) {
                    headers.insert(VERSION_HEADER, v);
                }
                if let Some(s) = session
                    && let Ok(v) = HeaderValue::from_str(s)
                {
                    headers.insert(SESSION_HEADER, v);
                }
            }
        }
        (Value::Object(params), headers)
    }

    fn protocol(&self, method: &str, message: &str) -> ClientError {
        ClientError::Protocol {
            url: self.url.to_string(),
            method: method.into(),
            message: message.into(),
        }
    }

    /// A response's `result`, or its `error` as [`ClientError::Rpc`].
    fn result_of(&self, method: &str, message: Option<Value>) -> Result<Value, ClientError> {
        let Some(Value::Object(mut message)) = message else {
            return Err(self.protocol(method, "no JSON-RPC response"));
        };
        if let Some(error) = message.remove("error") {
            return Err(rpc_error(method, &error));
        }
        message
            .remove("result")
            .ok_or_else(|| self.protocol(method, "a JSON-RPC response without `result` or `error`"))
    }

    fn network_error(
        &self,
        method: &str,
        e: &reqwest::Error,
        timeout: Option<Duration>,
    ) -> ClientError {
        let url = self.url.to_string();
        if e.is_connect() {
            ClientError::Connect {
                url,
                reason: root_cause(e),
            }
        } else if e.is_timeout() {
            ClientError::Timeout {
                url,
                method: method.into(),
                timeout: timeout.unwrap_or_default(),
            }
        } else {
            ClientError::Transport {
                url,
                method: method.into(),
                reason: root_cause(e),
            }
        }
    }

    /// POSTs one message and reads the answer: JSON, or an SSE stream up to the response with
    /// `id`. `id: None` is a notification.
    async fn exchange(
        &self,
        method: &str,
        body: &Value,
        headers: HeaderMap,
        id: Option<u64>,
        timeout: Option<Duration>,
    ) -> Result<Answer, ClientError> {
        let mut req = self
            .http
            .post(self.url.clone())
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json, text/event-stream")
            .headers(headers)
            .body(serde_json::to_vec(body).unwrap_or_default());
        if let Some(t) = timeout {
            req = req.timeout(t);
        }
        let mut resp = req
            .send()
            .await
            .map_err(|e| self.network_error(method, &e, timeout))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let sse = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| {
                c.trim_start()
                    .to_ascii_lowercase()
                    .starts_with("text/event-stream")
            });
        let Some(id) = id else {
            return if status.is_success() {
                Ok(Answer {
                    headers,
                    message: None,
                })
            } else {
                let bytes = self
                    .read_body(method, &mut resp, timeout)
                    .await
                    .unwrap_or_default();
                Err(self.http_error(method, status.as_u16(), &bytes))
            };
        };
        if status == reqwest::StatusCode::ACCEPTED {
            return Err(self.protocol(method, "202 Accepted to a request (expected a response)"));
        }
        if sse && status.is_success() {
            let message = self.read_sse(method, &mut resp, id, timeout).await?;
            return Ok(Answer {
                headers,
                message: Some(message),
            });
        }
        let bytes = self.read_body(method, &mut resp, timeout).await?;
        let parsed: Option<Value> = serde_json::from_slice(&bytes).ok();
        let is_response = |v: &Value| {
            v.get("jsonrpc").is_some() && (v.get("result").is_some() || v.get("error").is_some())
        };
        match parsed {
            // A JSON-RPC error explains itself, whatever the status (400/404 carry them).
            Some(v) if is_response(&v) && (status.is_success() || v.get("error").is_some()) => {
                if status.is_success() && v.get("id").and_then(Value::as_u64) != Some(id) {
                    return Err(self.protocol(
                        method,
                        &format!("a response for another request: {}", preview(&bytes)),
                    ));
                }
                Ok(Answer {
                    headers,
                    message: Some(v),
                })
            }
            _ if !status.is_success() => Err(self.http_error(method, status.as_u16(), &bytes)),
            _ if bytes.iter().all(u8::is_ascii_whitespace) => {
                Err(self.protocol(method, "an empty body"))
            }
            _ => Err(self.protocol(
                method,
                &format!(
                    "something that is not a JSON-RPC response: {}",
                    preview(&bytes)
                ),
            )),
        }
    }

    fn http_error(&self, method: &str, status: u16, body: &[u8]) -> ClientError {
        ClientError::Http {
            url: self.url.to_string(),
            method: method.into(),
            status,
            preview: preview(body),
        }
    }

    async fn read_body(
        &self,
        method: &str,
        resp: &mut reqwest::Response,
        timeout: Option<Duration>,
    ) -> Result<Vec<u8>, ClientError> {
        let mut bytes = Vec::new();
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| self.network_error(method, &e, timeout))?
        {
            if bytes.len() + chunk.len() > MAX_MESSAGE {
                return Err(self.protocol(method, &format!("more than {MAX_MESSAGE} bytes")));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }

    /// Reads SSE events until the `data:` of the response to `id`.
    async fn read_sse(
        &self,
        method: &str,
        resp: &mut reqwest::Response,
        id: u64,
        timeout: Option<Duration>,
    ) -> Result<Value, ClientError> {
        let mut parser = SseParser::default();
        loop {
            let chunk = resp
                .chunk()
                .await
                .map_err(|e| self.network_error(method, &e, timeout))?;
            let events = match &chunk {
                Some(bytes) => parser.feed(bytes),
                None => parser.finish(),
            };
            for data in events {
                if let Ok(v) = serde_json::from_str::<Value>(&data)
                    && v.get("id").and_then(Value::as_u64) == Some(id)
                    && (v.get("result").is_some() || v.get("error").is_some())
                {
                    return Ok(v);
                }
            }
            if parser.pending() > MAX_MESSAGE {
                return Err(self.protocol(
                    method,
                    &format!("an SSE event of more than {MAX_MESSAGE} bytes"),
                ));
            }
            if chunk.is_none() {
                return Err(self.protocol(method, "an SSE stream that ended before the response"));
            }
        }
    }
}

/// A JSON-RPC `error` member as [`ClientError::Rpc`].
fn rpc_error(method: &str, error: &Value) -> ClientError {
    ClientError::Rpc {
        method: method.into(),
        code: error.get("code").and_then(Value::as_i64).unwrap_or(0),
        message: error
            .get("message")
            .and_then(Value::as_str)
            .map_or_else(|| error.to_string(), str::to_owned),
        data: error.get("data").cloned(),
    }
}

/// Splits a `text/event-stream` body into the `data` of each event (multi-line data joined
/// with `\n`), across chunk boundaries.
#[derive(Default)]
struct SseParser {
    line: Vec<u8>,
    data: Option<String>,
}

impl SseParser {
    fn feed(&mut self, bytes: &[u8]) -> Vec<String> {
        let mut events = Vec::new();
        for &b in bytes {
            if b == b'\n' {
                let mut line = std::mem::take(&mut self.line);
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                self.line_done(&line, &mut events);
            } else {
                self.line.push(b);
            }
        }
        events
    }

    fn line_done(&mut self, line: &[u8], events: &mut Vec<String>) {
        if line.is_empty() {
            if let Some(data) = self.data.take() {
                events.push(data);
            }
            return;
        }
        if let Some(rest) = line.strip_prefix(b"data:") {
            let rest = rest.strip_prefix(b" ").unwrap_or(rest);
            let text = String::from_utf8_lossy(rest);
            match &mut self.data {
                Some(d) => {
                    d.push('\n');
                    d.push_str(&text);
                }
                None => self.data = Some(text.into_owned()),
            }
        }
        // `event:`, `id:`, `retry:` and `:` comments do not matter here.
    }

    /// The stream ended: whatever event was still open counts.
    fn finish(&mut self) -> Vec<String> {
        let mut events = Vec::new();
        let line = std::mem::take(&mut self.line);
        if !line.is_empty() {
            self.line_done(&line, &mut events);
        }
        self.line_done(b"", &mut events);
        events
    }

    fn pending(&self) -> usize {
        self.line.len() + self.data.as_ref().map_or(0, String::len)
    }
}

/// `Mcp-Name` values: printable ASCII without surrounding whitespace as is, anything else as
/// `=?base64?…?=` of its UTF-8.
pub fn encode_header_value(value: &str) -> String {
    let plain = !value.is_empty()
        && value.bytes().all(|b| (0x20..0x7f).contains(&b))
        && value.trim() == value
        && !(value.starts_with("=?") && value.ends_with("?="));
    if plain {
        value.to_owned()
    } else {
        format!("=?base64?{}?=", base64(value.as_bytes()))
    }
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `lynx bench` drives one client from many tasks.
    #[allow(dead_code)]
    fn futures_are_send(c: &McpClient) {
        fn send<T: Send>(_: T) {}
        send(c.call_tool("x", Map::new()));
        send(c.list_tools());
        send(c.close());
    }

    #[test]
    fn sse_events_across_chunks() {
        let mut p = SseParser::default();
        assert!(p.feed(b"event: message\r\ndata: {\"a\"").is_empty());
        assert_eq!(
            p.feed(b":1}\r\n\r\n: ping\n\ndata: x\ndata: y\n"),
            ["{\"a\":1}"]
        );
        assert_eq!(p.feed(b"\n"), ["x\ny"]);
        assert!(p.feed(b"data:z").is_empty());
        assert_eq!(p.finish(), ["z"]);
    }

    #[test]
    fn header_values_encode_like_the_sdks() {
        assert_eq!(
            encode_header_value("demo.domain.echo.run"),
            "demo.domain.echo.run"
        );
        assert_eq!(encode_header_value("héllo"), "=?base64?aMOpbGxv?=");
        assert_eq!(encode_header_value(" x"), "=?base64?IHg=?=");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"abc"), "YWJj");
        assert_eq!(base64(b""), "");
    }

    #[test]
    fn server_urls_default_to_mcp() {
        assert_eq!(
            parse_server_url("http://127.0.0.1:7878").unwrap().as_str(),
            "http://127.0.0.1:7878/mcp"
        );
        assert_eq!(
            parse_server_url("https://h/x/mcp").unwrap().as_str(),
            "https://h/x/mcp"
        );
        assert!(
            parse_server_url("ftp://h/")
                .unwrap_err()
                .contains("http://")
        );
        assert!(parse_server_url("127.0.0.1:7878").is_err());
    }

    #[test]
    fn modern_stamp_has_the_envelope_and_headers() {
        let c = McpClient {
            http: reqwest::Client::new(),
            url: parse_server_url("http://127.0.0.1:1").unwrap(),
            options: ClientOptions::default(),
            era: Negotiated::Modern,
            server: Value::Null,
            next_id: AtomicU64::new(1),
        };
        let (params, headers) = c.stamp(
            "tools/call",
            json!({ "name": "a.b", "arguments": {} }),
            &Negotiated::Modern,
        );
        assert_eq!(params["_meta"][META_VERSION], MODERN);
        assert_eq!(params["_meta"][META_CAPABILITIES], json!({}));
        assert_eq!(params["_meta"][META_CLIENT_INFO]["name"], "lynx");
        assert_eq!(headers[VERSION_HEADER], MODERN);
        assert_eq!(headers["mcp-method"], "tools/call");
        assert_eq!(headers["mcp-name"], "a.b");
        let legacy = Negotiated::Legacy {
            version: "2025-11-25".into(),
            session: Some("s1".into()),
        };
        let (params, headers) = c.stamp("tools/list", Value::Null, &legacy);
        assert_eq!(params, json!({}));
        assert_eq!(headers[SESSION_HEADER], "s1");
        assert_eq!(headers[VERSION_HEADER], "2025-11-25");
        assert!(headers.get("mcp-method").is_none());
    }
}
