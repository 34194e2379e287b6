//! Streamable HTTP at `/mcp` (both eras), plus `/healthz` and `/readyz`.
//!
//! Safe by default: foreign `Host`/`Origin` headers are refused (DNS rebinding), bodies are
//! capped, legacy sessions are capped and expire when idle, accepted sockets get `TCP_NODELAY`
//! (without it, chunked responses stall ~40 ms on Nagle × delayed ACK).

use super::protocol::{
    Dispatcher, Envelope, Era, INVALID_REQUEST, LEGACY, Message, PARSE_ERROR, Reply, RpcError,
};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const SESSION_HEADER: &str = "mcp-session-id";
pub const VERSION_HEADER: &str = "mcp-protocol-version";

/// HTTP settings, resolved (flag > `LYNX_*` > lynx.toml > default) by `lynx serve`.
#[derive(Clone, Debug)]
pub struct HttpSettings {
    pub path: String,
    /// Extra `Host` names accepted besides the loopback ones and the bound address.
    pub allowed_hosts: Vec<String>,
    /// `Origin`s accepted (browsers); requests without `Origin` are always accepted.
    pub allowed_origins: Vec<String>,
    pub max_body_bytes: usize,
    /// Legacy sessions at once; also the cap on open `subscriptions/listen` streams, which
    /// are the modern era's long-lived connections and do not count as requests in flight.
    pub max_sessions: usize,
    pub session_idle: Duration,
    /// Requests handled at once; more are refused with 503 rather than queued without bound.
    pub max_concurrency: usize,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            path: "/mcp".into(),
            allowed_hosts: Vec::new(),
            allowed_origins: Vec::new(),
            max_body_bytes: 4 * 1024 * 1024,
            max_sessions: 1000,
            session_idle: Duration::from_secs(30 * 60),
            max_concurrency: 1024,
        }
    }
}

struct Session {
    version: String,
    last_seen: Instant,
    /// What the client declared in `initialize` (gates server→client requests).
    capabilities: Value,
    /// Set by `logging/setLevel`.
    log_level: Option<String>,
    /// Calls in flight on this session by JSON-RPC id (as JSON text), for
    /// `notifications/cancelled`.
    calls: HashMap<String, tokio::task::AbortHandle>,
}

pub struct HttpState {
    pub dispatcher: Dispatcher,
    pub settings: HttpSettings,
    /// The address the server is bound to (its `host:port` is an allowed `Host`).
    pub bound: SocketAddr,
    sessions: Mutex<HashMap<String, Session>>,
    in_flight: Arc<tokio::sync::Semaphore>,
    listeners: Arc<tokio::sync::Semaphore>,
}

impl HttpState {
    pub fn new(dispatcher: Dispatcher, settings: HttpSettings, bound: SocketAddr) -> Self {
        let permits = settings.max_concurrency.max(1);
        Self {
            dispatcher,
            bound,
            sessions: Mutex::new(HashMap::new()),
            in_flight: Arc::new(tokio::sync::Semaphore::new(permits)),
            listeners: Arc::new(tokio::sync::Semaphore::new(settings.max_sessions.max(1))),
            settings,
        }
    }

    fn sessions(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.sessions.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Opens a legacy session, dropping idle ones first; `None` when the cap is reached.
    fn open_session(&self, version: String, capabilities: Value) -> Option<String> {
        let mut sessions = self.sessions();
        let idle = self.settings.session_idle;
        sessions.retain(|_, s| s.last_seen.elapsed() < idle);
        if sessions.len() >= self.settings.max_sessions {
            return None;
        }
        let id = new_session_id();
        sessions.insert(
            id.clone(),
            Session {
                version,
                last_seen: Instant::now(),
                capabilities,
                log_level: None,
                calls: HashMap::new(),
            },
        );
        Some(id)
    }

    /// The session's negotiated version, client capabilities and log level, refreshing its
    /// idle timer; `None` if unknown/expired. `set_level` records a `logging/setLevel`.
    fn touch_session(
        &self,
        id: &str,
        set_level: Option<&str>,
    ) -> Option<(String, Value, Option<String>)> {
        let mut sessions = self.sessions();
        let idle = self.settings.session_idle;
        match sessions.get_mut(id) {
            Some(s) if s.last_seen.elapsed() < idle => {
                s.last_seen = Instant::now();
                if let Some(level) = set_level {
                    s.log_level = Some(level.to_owned());
                }
                Some((
                    s.version.clone(),
                    s.capabilities.clone(),
                    s.log_level.clone(),
                ))
            }
            Some(_) => {
                sessions.remove(id);
                None
            }
            None => None,
        }
    }

    pub fn session_count(&self) -> usize {
        self.sessions().len()
    }

    /// Stops the session's call `request_id` (a `notifications/cancelled`); its handler's
    /// process group is killed as the call is dropped.
    fn cancel_call(&self, session: &str, request_id: &Value) {
        let task = self
            .sessions()
            .get_mut(session)
            .and_then(|s| s.calls.remove(&request_id.to_string()));
        if let Some(task) = task {
            task.abort();
        }
    }
}

/// Removes a finished call from its session's table, however it ended.
struct CallEntry {
    state: Arc<HttpState>,
    session: String,
    key: String,
}

impl Drop for CallEntry {
    fn drop(&mut self) {
        if let Some(s) = self.state.sessions().get_mut(&self.session) {
            s.calls.remove(&self.key);
        }
    }
}

/// 128 random bits, hex: unguessable session ids without an extra crate.
fn new_session_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut out = String::with_capacity(32);
    for _ in 0..2 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(Instant::now().elapsed().as_nanos());
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out
}

pub fn router(state: Arc<HttpState>) -> Router {
    let path = state.settings.path.clone();
    let limit = state.settings.max_body_bytes;
    Router::new()
        .route(&path, get(mcp_get).post(mcp_post).delete(mcp_delete))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state)
}

async fn readyz(State(state): State<Arc<HttpState>>) -> Response {
    let tools = state.dispatcher.runtime.catalog().tools().len();
    (StatusCode::OK, format!("ready: {tools} tools\n")).into_response()
}

fn json_response(status: u16, body: &Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = (status, serde_json::to_vec(body).unwrap_or_default()).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

fn rpc_error(id: Value, e: RpcError) -> Response {
    json_response(e.http_status, &e.to_json(&id))
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// DNS-rebinding protection: a present `Host` must name this server (loopback names, the bound
/// address, or `allowed_hosts`); a present `Origin` must be loopback or in `allowed_origins`.
fn check_host_origin(state: &HttpState, headers: &HeaderMap) -> Result<(), Response> {
    let forbidden = |what: &str| {
        Err(json_response(
            403,
            &json!({
                "jsonrpc": "2.0", "id": null,
                "error": { "code": INVALID_REQUEST, "message": format!("Forbidden: {what}") }
            }),
        ))
    };
    if let Some(host) = header_str(headers, "host") {
        let name = host_name(host);
        let ok = is_loopback_name(name)
            || host == state.bound.to_string()
            || name == state.bound.ip().to_string()
            || state
                .settings
                .allowed_hosts
                .iter()
                .any(|h| h == host || h == name);
        if !ok {
            return forbidden(&format!(
                "Host `{host}` is not allowed (add it to [server] allowed_hosts)"
            ));
        }
    }
    if let Some(origin) = header_str(headers, "origin") {
        let authority = origin.split("://").nth(1).unwrap_or(origin);
        let ok = is_loopback_name(host_name(authority))
            || state.settings.allowed_origins.iter().any(|o| o == origin);
        if !ok {
            return forbidden(&format!(
                "Origin `{origin}` is not allowed (add it to [server] allowed_origins)"
            ));
        }
    }
    Ok(())
}

/// `host:port` / `[::1]:port` → the host part.
fn host_name(authority: &str) -> &str {
    if let Some(rest) = authority.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    authority.rsplit_once(':').map_or(authority, |(h, p)| {
        if p.chars().all(|c| c.is_ascii_digit()) {
            h
        } else {
            authority
        }
    })
}

fn is_loopback_name(name: &str) -> bool {
    name == "localhost"
        || name == "::1"
        || name
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Which era an HTTP request belongs to (see the routing rule in the module docs of
/// `protocol.rs` and the conformance suite): a session means legacy; a version header that is
/// not a handshake version, or a `_meta` version without a header, means modern.
fn route(msg: &Message, protocol_header: Option<&str>, session: Option<&str>) -> Era {
    if session.is_some() {
        return Era::Legacy;
    }
    match protocol_header {
        Some(v) if !HANDSHAKE.contains(&v.trim()) => Era::Modern,
        Some(_) => Era::Legacy,
        None if msg.modern_version().is_some()
            || msg
                .meta()
                .is_some_and(|m| m.contains_key(super::protocol::META_VERSION)) =>
        {
            Era::Modern
        }
        None => Era::Legacy,
    }
}

/// Versions that use the `initialize` handshake (2024-11-05 is accepted on the header only).
const HANDSHAKE: [&str; 4] = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];

async fn mcp_post(
    State(state): State<Arc<HttpState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(resp) = check_host_origin(&state, &headers) {
        return resp;
    }
    // Held until the response (or its SSE stream) is done.
    let Ok(permit) = state.in_flight.clone().try_acquire_owned() else {
        return rpc_error(
            Value::Null,
            RpcError::new(
                INVALID_REQUEST,
                format!(
                    "server busy: {} requests in flight; retry shortly",
                    state.settings.max_concurrency
                ),
                503,
            ),
        );
    };
    if header_str(&headers, "content-type").is_some_and(|c| !c.starts_with("application/json")) {
        return rpc_error(
            Value::Null,
            RpcError::new(
                INVALID_REQUEST,
                "Content-Type must be application/json",
                415,
            ),
        );
    }
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return rpc_error(
                Value::Null,
                RpcError::new(PARSE_ERROR, format!("Parse error: {e}"), 400),
            );
        }
    };
    let msg = match Message::parse(value) {
        Ok(m) => m,
        Err((id, e)) => return rpc_error(id, e),
    };
    let protocol_header = header_str(&headers, VERSION_HEADER).map(str::to_owned);
    let session_header = header_str(&headers, SESSION_HEADER);
    let id = msg.id.clone().unwrap_or(Value::Null);
    let era = route(&msg, protocol_header.as_deref(), session_header);

    let mut env = Envelope {
        protocol_header: protocol_header.clone(),
        method_header: header_str(&headers, "mcp-method").map(str::to_owned),
        name_header: header_str(&headers, "mcp-name").map(str::to_owned),
        http: true,
        session_version: None,
        client_capabilities: None,
        log_level: None,
    };
    if era == Era::Legacy {
        if msg.method == "initialize" && session_header.is_none() {
            let (version, result) = state.dispatcher.initialize_result(&msg.params);
            let capabilities = msg
                .params
                .get("capabilities")
                .cloned()
                .unwrap_or_else(|| json!({}));
            let Some(session) = state.open_session(version, capabilities) else {
                return rpc_error(
                    id,
                    RpcError::new(INVALID_REQUEST, "too many sessions; try again later", 503),
                );
            };
            let mut resp = json_response(
                200,
                &json!({ "jsonrpc": "2.0", "id": id, "result": result }),
            );
            if let Ok(v) = HeaderValue::from_str(&session) {
                resp.headers_mut().insert(SESSION_HEADER, v);
            }
            return resp;
        }
        let set_level = (msg.method == "logging/setLevel")
            .then(|| msg.params.get("level").and_then(Value::as_str))
            .flatten()
            .filter(|l| super::protocol::log_level_rank(l).is_some());
        match session_header {
            Some(session) => match state.touch_session(session, set_level) {
                Some((version, capabilities, log_level)) => {
                    env.session_version = Some(version);
                    env.client_capabilities = Some(capabilities);
                    env.log_level = log_level;
                }
                None => {
                    return rpc_error(
                        id,
                        RpcError::new(
                            INVALID_REQUEST,
                            "Session not found (expired or terminated); initialize again",
                            404,
                        ),
                    );
                }
            },
            None if msg.id.is_some() => {
                return rpc_error(
                    id,
                    RpcError::new(
                        INVALID_REQUEST,
                        "Bad Request: missing Mcp-Session-Id; send `initialize` first",
                        400,
                    ),
                );
            }
            None => {}
        }
        if msg.method == "notifications/cancelled"
            && msg.id.is_none()
            && let (Some(session), Some(request_id)) = (session_header, msg.params.get("requestId"))
        {
            state.cancel_call(session, request_id);
            return StatusCode::ACCEPTED.into_response();
        }
        if let Some(v) = &protocol_header
            && !LEGACY.contains(&v.trim())
        {
            // Never -32022 here: to clients that is evidence of the modern era.
            return rpc_error(
                id,
                RpcError::new(
                    INVALID_REQUEST,
                    format!(
                        "Bad Request: unsupported MCP-Protocol-Version `{v}` (supported: {})",
                        LEGACY.join(", ")
                    ),
                    400,
                ),
            );
        }
    }
    let session = session_header
        .filter(|_| era == Era::Legacy)
        .map(str::to_owned);
    // A listen stream stays open for as long as the client likes: it takes a listener slot, not
    // one of the request slots, so listeners cannot starve calls.
    let permit = if era == Era::Modern && msg.method == "subscriptions/listen" {
        drop(permit);
        match state.listeners.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                return rpc_error(
                    id,
                    RpcError::new(
                        INVALID_REQUEST,
                        format!(
                            "too many subscriptions/listen streams ({}); close one or retry later",
                            state.settings.max_sessions
                        ),
                        503,
                    ),
                );
            }
        }
    } else {
        permit
    };
    respond(state, msg, era, env, session, permit).await
}

/// A call's messages as they leave the dispatcher: notifications first, the reply last.
enum Frame {
    Note(Value),
    Done(Reply),
}

/// Aborts the call's task when the client goes away before the reply.
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs the request; answers JSON, or switches to SSE as soon as the call emits a notification
/// (progress, log message) so those arrive before the reply on the same response.
async fn respond(
    state: Arc<HttpState>,
    msg: Message,
    era: Era,
    env: Envelope,
    session: Option<String>,
    permit: tokio::sync::OwnedSemaphorePermit,
) -> Response {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<Frame>();
    // A legacy session's calls can be cancelled by id; the entry goes when the task does.
    let entry = match (session, &msg.id) {
        (Some(session), Some(id)) => Some(CallEntry {
            state: state.clone(),
            session,
            key: id.to_string(),
        }),
        _ => None,
    };
    let registry = state.clone();
    let registration = entry.as_ref().map(|e| (e.session.clone(), e.key.clone()));
    let task = {
        // Registration holds the lock across the spawn, so the task cannot unregister first.
        let mut sessions = registration.as_ref().map(|_| registry.sessions());
        let task = spawn_call(state, msg, era, env, entry, tx);
        if let (Some(sessions), Some((session, key))) = (sessions.as_mut(), registration)
            && let Some(s) = sessions.get_mut(&session)
        {
            s.calls.insert(key, task.abort_handle());
        }
        task
    };
    let guard = (AbortOnDrop(task.abort_handle()), permit);
    frames_response(rx, guard).await
}

/// Runs the call on its own task, sending its notifications and then its reply to `tx`.
fn spawn_call(
    state: Arc<HttpState>,
    msg: Message,
    era: Era,
    env: Envelope,
    entry: Option<CallEntry>,
    tx: tokio::sync::mpsc::UnboundedSender<Frame>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let _entry = entry;
        let (ntx, mut nrx) = tokio::sync::mpsc::unbounded_channel::<Value>();
        let call = state.dispatcher.handle(msg, era, &env, Some(&ntx));
        tokio::pin!(call);
        loop {
            tokio::select! {
                biased;
                Some(note) = nrx.recv() => {
                    if tx.send(Frame::Note(note)).is_err() {
                        return;
                    }
                }
                reply = &mut call => {
                    while let Ok(note) = nrx.try_recv() {
                        let _ = tx.send(Frame::Note(note));
                    }
                    let _ = tx.send(Frame::Done(reply));
                    return;
                }
            }
        }
    })
}

/// The response to a call: JSON when its first frame is the reply, else an SSE stream of its
/// notifications and then the reply. `guard` lives as long as the response (or its stream).
async fn frames_response(
    mut rx: tokio::sync::mpsc::UnboundedReceiver<Frame>,
    guard: (AbortOnDrop, tokio::sync::OwnedSemaphorePermit),
) -> Response {
    match rx.recv().await {
        Some(Frame::Done(Reply::Accepted)) => StatusCode::ACCEPTED.into_response(),
        Some(Frame::Done(Reply::Response { status, body })) => json_response(status, &body),
        Some(Frame::Note(first)) => {
            let frames = futures_util::stream::unfold(
                (Some(first), rx, guard, false),
                |(pending, mut rx, guard, done)| async move {
                    if done {
                        return None;
                    }
                    let frame = match pending {
                        Some(note) => Frame::Note(note),
                        None => rx.recv().await?,
                    };
                    let (data, done) = match frame {
                        Frame::Note(v) => (v, false),
                        Frame::Done(Reply::Response { body, .. }) => (body, true),
                        Frame::Done(Reply::Accepted) => return None,
                    };
                    let event = format!(
                        "event: message\ndata: {}\n\n",
                        serde_json::to_string(&data).unwrap_or_default()
                    );
                    Some((
                        Ok::<_, std::convert::Infallible>(Bytes::from(event)),
                        (None, rx, guard, done),
                    ))
                },
            );
            let mut resp = axum::body::Body::from_stream(frames).into_response();
            let h = resp.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/event-stream"),
            );
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("no-cache, no-transform"),
            );
            h.insert("x-accel-buffering", HeaderValue::from_static("no"));
            resp
        }
        None => rpc_error(
            Value::Null,
            RpcError::new(
                super::protocol::INTERNAL_ERROR,
                "the request ended without an answer (cancelled)",
                500,
            ),
        ),
    }
}

/// The legacy server→client stream: `notifications/tools/list_changed` after each reload, and a
/// keep-alive comment every 15 s. Without a session there is no stream (405, as the spec allows).
async fn mcp_get(State(state): State<Arc<HttpState>>, headers: HeaderMap) -> Response {
    if let Err(resp) = check_host_origin(&state, &headers) {
        return resp;
    }
    let Some(session) = header_str(&headers, SESSION_HEADER).map(str::to_owned) else {
        let mut resp = StatusCode::METHOD_NOT_ALLOWED.into_response();
        resp.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST, DELETE"));
        return resp;
    };
    if state.touch_session(&session, None).is_none() {
        return rpc_error(
            Value::Null,
            RpcError::new(
                INVALID_REQUEST,
                "Session not found (expired or terminated); initialize again",
                404,
            ),
        );
    }
    let changes = state.dispatcher.runtime.subscribe();
    let frames = futures_util::stream::unfold(
        (changes, state, session),
        |(mut changes, state, session)| async move {
            let frame = tokio::select! {
                change = changes.recv() => match change {
                    Ok(()) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        let note = json!({"jsonrpc": "2.0", "method": "notifications/tools/list_changed"});
                        format!("event: message\ndata: {note}\n\n")
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                },
                () = state.dispatcher.runtime.closed() => return None,
                _ = tokio::time::sleep(Duration::from_secs(15)) => {
                    // The stream ends with its session (deleted or expired).
                    state.touch_session(&session, None)?;
                    ": keep-alive\n\n".to_owned()
                }
            };
            Some((
                Ok::<_, std::convert::Infallible>(Bytes::from(frame)),
                (changes, state, session),
            ))
        },
    );
    let mut resp = axum::body::Body::from_stream(frames).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache, no-transform"),
    );
    resp
}

async fn mcp_delete(State(state): State<Arc<HttpState>>, headers: HeaderMap) -> Response {
    if let Err(resp) = check_host_origin(&state, &headers) {
        return resp;
    }
    let Some(id) = header_str(&headers, SESSION_HEADER) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let removed = state.sessions().remove(id);
    match removed {
        Some(session) => {
            // A terminated session's answers can no longer be wanted.
            for call in session.calls.values() {
                call.abort();
            }
            StatusCode::NO_CONTENT.into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Every accepted socket: `TCP_NODELAY`, or SSE and chunked responses stall ~40 ms (Nagle's
/// algorithm meeting delayed ACKs).
pub fn configure_socket(tcp: &mut tokio::net::TcpStream) {
    let _ = tcp.set_nodelay(true);
}

/// Serves until `shutdown` resolves, then stops accepting and lets in-flight requests finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<HttpState>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(configure_socket);
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_strip_ports_and_brackets() {
        assert_eq!(host_name("localhost:7878"), "localhost");
        assert_eq!(host_name("[::1]:80"), "::1");
        assert_eq!(host_name("example.com"), "example.com");
        assert!(is_loopback_name("127.0.0.5"));
        assert!(!is_loopback_name("evil.example"));
    }

    #[tokio::test]
    async fn accepted_sockets_get_nodelay() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let client = tokio::net::TcpStream::connect(addr);
        let (accepted, _client) = tokio::join!(listener.accept(), client);
        let (mut tcp, _) = accepted.unwrap();
        assert!(!tcp.nodelay().unwrap());
        configure_socket(&mut tcp);
        assert!(tcp.nodelay().unwrap());
    }

    #[test]
    fn session_ids_are_long_and_distinct() {
        let a = new_session_id();
        assert_eq!(a.len(), 32);
        assert_ne!(a, new_session_id());
    }
}
