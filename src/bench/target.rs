//! The server under load and one worker's connection to it.
//!
//! - HTTP: one HTTP/1.1 keep-alive connection per worker on hyper's low-level client
//!   (`client::conn::http1`), `TCP_NODELAY` set, no pool, no per-request URL parsing or header
//!   map building beyond a few cloned values. A legacy-era session is opened per connection
//!   (`initialize` → `notifications/initialized`) before the measured window and deleted
//!   after it.
//! - stdio: one server process per worker, newline-delimited JSON-RPC; the handshake (if any)
//!   runs when the process starts, before the measured window.
//!
//! Every request gets an id unique in the run (`(worker + 1) << 32 | sequence`).

use super::classify::{self, SseParser};
use super::stats::{Content, ErrorKind, Failure, Outcome};
use super::work::{self, Era, Template};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{self, HeaderName, HeaderValue};
use hyper::{Method, Request, Uri};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

/// The most one answer may hold.
pub const MAX_MESSAGE: usize = 64 * 1024 * 1024;
/// Bounds each handshake step and each stdio process start.
pub const SETUP_TIMEOUT: Duration = Duration::from_secs(10);

const VERSION: HeaderName = HeaderName::from_static("mcp-protocol-version");
const SESSION: HeaderName = HeaderName::from_static("mcp-session-id");
const MCP_METHOD: HeaderName = HeaderName::from_static("mcp-method");
const MCP_NAME: HeaderName = HeaderName::from_static("mcp-name");
const JSON: HeaderValue = HeaderValue::from_static("application/json");
const ACCEPT: HeaderValue = HeaderValue::from_static("application/json, text/event-stream");

/// An HTTP endpoint, resolved once.
#[derive(Debug)]
pub struct HttpTarget {
    pub url: String,
    pub addr: SocketAddr,
    pub authority: HeaderValue,
    pub path: Uri,
}

impl HttpTarget {
    /// Parses and resolves `--url`; a URL without a path means `/mcp`.
    pub async fn resolve(text: &str) -> Result<HttpTarget, String> {
        let url = crate::runtime::client::parse_server_url(text)
            .map_err(|e| e.replace("--server", "--url"))?;
        if url.scheme() != "http" {
            return Err(format!(
                "`--url {text}`: lynx bench speaks plain http:// only (measure TLS termination \
                 separately, or bench the server behind it)"
            ));
        }
        let host = url.host_str().unwrap_or_default().to_owned();
        let port = url.port_or_known_default().unwrap_or(80);
        let addr = tokio::net::lookup_host((host.trim_matches(['[', ']']), port))
            .await
            .ok()
            .and_then(|mut a| a.next())
            .ok_or_else(|| format!("`--url {text}`: cannot resolve host `{host}`"))?;
        let authority = match url.port() {
            Some(p) => format!("{host}:{p}"),
            None => host,
        };
        let mut path = url.path().to_owned();
        if let Some(q) = url.query() {
            path.push('?');
            path.push_str(q);
        }
        Ok(HttpTarget {
            url: url.to_string(),
            addr,
            authority: HeaderValue::from_str(&authority)
                .map_err(|_| format!("`--url {text}`: bad host"))?,
            path: path
                .parse()
                .map_err(|_| format!("`--url {text}`: bad path"))?,
        })
    }
}

/// Where the load goes.
#[derive(Clone, Debug)]
pub enum Target {
    Http(Arc<HttpTarget>),
    /// The server command, split into words (no shell).
    Stdio(Arc<Vec<String>>),
}

impl Target {
    pub fn describe(&self) -> String {
        match self {
            Target::Http(t) => t.url.clone(),
            Target::Stdio(argv) => argv.join(" "),
        }
    }
}

/// Which era to speak: probe, or one given by `--protocol`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Protocol {
    Auto,
    Fixed(Era),
}

/// One worker's connection (an HTTP connection or a stdio server process).
pub enum Conn {
    Http(HttpConn),
    Stdio(Box<StdioConn>),
}

impl Conn {
    /// Opens the connection for worker `worker` and runs the era's handshake.
    pub async fn open(target: &Target, era: &Era, worker: usize) -> Result<Conn, Failure> {
        Self::open_with(target, era, worker, false).await
    }

    /// [`Conn::open`] for the validation call: a stdio server's stderr is kept, so a failure
    /// can say why.
    pub async fn open_checked(target: &Target, era: &Era) -> Result<Conn, Failure> {
        Self::open_with(target, era, 0, true).await
    }

    async fn open_with(
        target: &Target,
        era: &Era,
        worker: usize,
        keep_stderr: bool,
    ) -> Result<Conn, Failure> {
        let next_id = ((worker as u64 + 1) << 32) + 1;
        match target {
            Target::Http(t) => {
                let mut c = HttpConn {
                    target: t.clone(),
                    sender: None,
                    version: HeaderValue::from_str(era.version())
                        .unwrap_or_else(|_| HeaderValue::from_static("2026-07-28")),
                    session: None,
                    modern: *era == Era::Modern,
                    next_id,
                    sse: SseParser::default(),
                };
                c.connect().await?;
                if let Era::Legacy(version) = era {
                    c.initialize(version).await?;
                }
                Ok(Conn::Http(c))
            }
            Target::Stdio(argv) => {
                let mut c = StdioConn {
                    argv: argv.clone(),
                    era: era.clone(),
                    proc: None,
                    line: Vec::new(),
                    out: Vec::new(),
                    next_id,
                    keep_stderr,
                    stderr_tail: Arc::default(),
                };
                c.start().await?;
                Ok(Conn::Stdio(Box::new(c)))
            }
        }
    }

    /// Sends one request built from `t` and judges the answer.
    pub async fn call(&mut self, t: &Template) -> Outcome {
        match self {
            Conn::Http(c) => c.call(t).await,
            Conn::Stdio(c) => c.call(t).await,
        }
    }

    /// Forgets a connection whose exchange was abandoned (timeout, deadline): the next call
    /// starts afresh.
    pub fn reset(&mut self) {
        match self {
            Conn::Http(c) => c.sender = None,
            Conn::Stdio(c) => c.proc = None,
        }
    }

    /// Reconnects a connection that [`Conn::reset`] dropped, so the set-up (a TCP connect, a
    /// stdio server's start-up) is not charged to the next measured request. Failures are left
    /// for that request to report.
    pub async fn reconnect(&mut self) {
        match self {
            Conn::Http(c) => {
                let _ = c.ready().await;
            }
            Conn::Stdio(c) => {
                if c.proc.is_none() && c.start().await.is_err() {
                    c.proc = None;
                }
            }
        }
    }

    /// Ends the session (HTTP DELETE) or the process (stdin closed, then killed).
    pub async fn close(self) {
        match self {
            Conn::Http(c) => c.close().await,
            Conn::Stdio(mut c) => {
                if let Some(mut p) = c.proc.take() {
                    drop(p.stdin);
                    if tokio::time::timeout(Duration::from_secs(2), p.child.wait())
                        .await
                        .is_err()
                    {
                        let _ = p.child.kill().await;
                    }
                }
            }
        }
    }
}

/// The era a target speaks, as a real client finds out: HTTP through the MCP client's probe
/// (`server/discover`, falling back to `initialize`); stdio through the same on a process.
/// Each exchange is bounded by `--timeout` (`timeout`) when it is shorter than the set-up
/// bound, so a server that never answers does not hold the run longer than asked.
pub async fn negotiate(
    target: &Target,
    protocol: &Protocol,
    timeout: Duration,
) -> Result<Era, Failure> {
    if let Protocol::Fixed(era) = protocol {
        return Ok(era.clone());
    }
    let setup = SETUP_TIMEOUT.min(timeout);
    match target {
        Target::Http(t) => {
            use crate::runtime::client::{ClientOptions, McpClient, Mode, Negotiated};
            let url = reqwest::Url::parse(&t.url)
                .map_err(|e| Failure::new(ErrorKind::Connect, e.to_string()))?;
            let options = ClientOptions {
                mode: Mode::Auto,
                client_name: "lynx-bench".into(),
                request_timeout: Some(setup),
                discover_timeout: setup,
                ..ClientOptions::default()
            };
            let client = McpClient::connect(url, options).await.map_err(|e| {
                let kind = if e.is_connect() {
                    ErrorKind::Connect
                } else {
                    ErrorKind::Protocol
                };
                Failure::new(kind, format!("finding the protocol era: {e}"))
            })?;
            let era = match client.era() {
                Negotiated::Modern => Era::Modern,
                Negotiated::Legacy { version, .. } => Era::Legacy(version.clone()),
            };
            client.close().await;
            Ok(era)
        }
        Target::Stdio(argv) => {
            let mut c = StdioConn {
                argv: argv.clone(),
                era: Era::Modern,
                proc: None,
                line: Vec::new(),
                out: Vec::new(),
                next_id: 1,
                keep_stderr: true,
                stderr_tail: Arc::default(),
            };
            c.spawn()?;
            let body = work::message(
                Some(0),
                "server/discover",
                json!({ "_meta": work::modern_meta() }),
            );
            let answer = tokio::time::timeout(setup, c.exchange(&body, 0))
                .await
                .map_err(|_| {
                    Failure::new(
                        ErrorKind::Timeout,
                        format!("the server did not answer `server/discover` within {setup:?}"),
                    )
                })??;
            let modern = answer["result"]["supportedVersions"]
                .as_array()
                .is_some_and(|v| v.iter().any(|v| v == crate::runtime::protocol::MODERN));
            Conn::Stdio(Box::new(c)).close().await;
            Ok(if modern {
                Era::Modern
            } else {
                Era::Legacy(crate::runtime::client::HANDSHAKE[0].into())
            })
        }
    }
}

// ---------------------------------------------------------------------------------------
// HTTP

pub struct HttpConn {
    target: Arc<HttpTarget>,
    sender: Option<SendRequest<Full<Bytes>>>,
    version: HeaderValue,
    session: Option<HeaderValue>,
    modern: bool,
    next_id: u64,
    /// Reused for every event-stream answer, so its buffers are allocated once.
    sse: SseParser,
}

impl HttpConn {
    async fn connect(&mut self) -> Result<(), Failure> {
        let t = &self.target;
        let connect_failed = |e: &dyn std::fmt::Display| {
            Failure::new(
                ErrorKind::Connect,
                format!("cannot connect to {}: {e}", t.url),
            )
        };
        let tcp = tokio::time::timeout(SETUP_TIMEOUT, tokio::net::TcpStream::connect(t.addr))
            .await
            .map_err(|_| connect_failed(&"timed out"))?
            .map_err(|e| connect_failed(&e))?;
        let _ = tcp.set_nodelay(true);
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
            .await
            .map_err(|e| connect_failed(&e))?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        self.sender = Some(sender);
        Ok(())
    }

    fn request(
        &self,
        body: Bytes,
        t: Option<&Template>,
        method: &HeaderValue,
    ) -> Request<Full<Bytes>> {
        let mut req = Request::new(Full::new(body));
        *req.method_mut() = Method::POST;
        *req.uri_mut() = self.target.path.clone();
        let h = req.headers_mut();
        h.insert(header::HOST, self.target.authority.clone());
        h.insert(header::CONTENT_TYPE, JSON);
        h.insert(header::ACCEPT, ACCEPT);
        // Like the SDK clients: no version header on `initialize` (the body names it).
        if self.modern || method != "initialize" {
            h.insert(VERSION, self.version.clone());
        }
        if self.modern {
            h.insert(MCP_METHOD, method.clone());
            if let Some(name) = t.and_then(|t| t.name.clone()) {
                h.insert(MCP_NAME, name);
            }
        }
        if let Some(s) = &self.session {
            h.insert(SESSION, s.clone());
        }
        req
    }

    /// A ready sender: the kept-alive connection, or a new one if the server closed it.
    async fn ready(&mut self) -> Result<&mut SendRequest<Full<Bytes>>, Failure> {
        if let Some(s) = &mut self.sender
            && s.ready().await.is_err()
        {
            self.sender = None;
        }
        if self.sender.is_none() {
            self.connect().await?;
        }
        self.sender
            .as_mut()
            .ok_or_else(|| Failure::new(ErrorKind::Connect, "no connection"))
    }

    async fn call(&mut self, t: &Template) -> Outcome {
        let id = self.next_id;
        self.next_id += 1;
        let req = self.request(t.body(id), Some(t), &t.method);
        let sender = match self.ready().await {
            Ok(s) => s,
            Err(f) => return (Err(f), None),
        };
        let resp = match sender.send_request(req).await {
            Ok(r) => r,
            Err(e) => {
                self.sender = None;
                return (
                    Err(Failure::new(
                        ErrorKind::Transport,
                        format!("{}: {}", self.target.url, root_cause(&e)),
                    )),
                    None,
                );
            }
        };
        let status = resp.status().as_u16();
        let content = content_of(resp.headers());
        let mut body = resp.into_body();
        if content == Content::Sse && (200..300).contains(&status) {
            let parser = &mut self.sse;
            parser.reset();
            let mut found: Option<Result<(), Failure>> = None;
            let mut on_event = |data: &[u8]| match classify::response(data, id, t.tool_call) {
                Some(r) => {
                    found = Some(r);
                    true
                }
                None => false,
            };
            loop {
                match body.frame().await {
                    Some(Ok(frame)) => {
                        if let Some(chunk) = frame.data_ref()
                            && parser.feed(chunk, &mut on_event)
                        {
                            break;
                        }
                        if parser.pending() > MAX_MESSAGE {
                            self.sender = None;
                            return (
                                Err(Failure::new(
                                    ErrorKind::Protocol,
                                    format!("an SSE event of more than {MAX_MESSAGE} bytes"),
                                )),
                                Some(content),
                            );
                        }
                    }
                    Some(Err(e)) => {
                        self.sender = None;
                        return (
                            Err(Failure::new(
                                ErrorKind::Transport,
                                format!("{}: {e}", self.target.url),
                            )),
                            Some(content),
                        );
                    }
                    None => {
                        parser.finish(&mut on_event);
                        break;
                    }
                }
            }
            // A stream still open after the response cannot carry the next request.
            if !hyper::body::Body::is_end_stream(&body) {
                self.sender = None;
            }
            let outcome = found.unwrap_or_else(|| {
                Err(Failure::new(
                    ErrorKind::Protocol,
                    "an SSE stream that ended before the response",
                ))
            });
            return (outcome, Some(content));
        }
        let bytes = match read_body(&mut body).await {
            Ok(b) => b,
            Err(f) => {
                self.sender = None;
                return (
                    Err(Failure::new(
                        f.kind,
                        format!("{}: {}", self.target.url, f.detail),
                    )),
                    Some(content),
                );
            }
        };
        (
            classify::http_json(status, &bytes, id, t.tool_call),
            Some(content),
        )
    }

    /// A setup exchange (handshake): the status, the session header and the JSON-RPC message
    /// answering `id` (None for a notification).
    async fn setup(
        &mut self,
        method: &'static str,
        body: Vec<u8>,
        id: Option<u64>,
    ) -> Result<(u16, Option<HeaderValue>, Value), Failure> {
        let req = self.request(Bytes::from(body), None, &HeaderValue::from_static(method));
        let fut = async {
            let sender = self.ready().await?;
            let resp = sender.send_request(req).await.map_err(|e| {
                Failure::new(
                    ErrorKind::Transport,
                    format!("`{method}`: {}", root_cause(&e)),
                )
            })?;
            let status = resp.status().as_u16();
            let session = resp.headers().get(SESSION).cloned();
            let sse = content_of(resp.headers()) == Content::Sse;
            let bytes = Limited::new(resp.into_body(), MAX_MESSAGE)
                .collect()
                .await
                .map_err(|e| Failure::new(ErrorKind::Transport, format!("`{method}`: {e}")))?
                .to_bytes();
            let mut message = Value::Null;
            if sse {
                let mut p = SseParser::default();
                let mut pick = |d: &[u8]| match serde_json::from_slice::<Value>(d) {
                    Ok(v) if id.is_some() && v.get("id").and_then(Value::as_u64) == id => {
                        message = v;
                        true
                    }
                    _ => false,
                };
                if !p.feed(&bytes, &mut pick) {
                    p.finish(&mut pick);
                }
            } else {
                message = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            }
            if !(200..300).contains(&status) {
                return Err(Failure::new(
                    ErrorKind::Http(status),
                    format!(
                        "`{method}` answered HTTP {status}: {}",
                        classify::excerpt(&bytes)
                    ),
                ));
            }
            Ok((status, session, message))
        };
        tokio::time::timeout(SETUP_TIMEOUT, fut)
            .await
            .map_err(|_| {
                Failure::new(
                    ErrorKind::Timeout,
                    format!("`{method}` got no answer within {SETUP_TIMEOUT:?}"),
                )
            })?
    }

    /// The legacy handshake on this connection: a session of its own.
    async fn initialize(&mut self, version: &str) -> Result<(), Failure> {
        self.session = None;
        let id = self.next_id;
        self.next_id += 1;
        let body = work::message(Some(id), "initialize", work::initialize_params(version));
        let (_, session, message) = self.setup("initialize", body, Some(id)).await?;
        if let Some(e) = message.get("error") {
            return Err(Failure::new(
                ErrorKind::Rpc(e["code"].as_i64().unwrap_or(0)),
                format!("`initialize` failed: {e}"),
            ));
        }
        let chosen = message["result"]["protocolVersion"]
            .as_str()
            .ok_or_else(|| {
                Failure::new(
                    ErrorKind::Protocol,
                    format!("`initialize` answered without a protocolVersion: {message}"),
                )
            })?
            .to_owned();
        self.version = HeaderValue::from_str(&chosen)
            .map_err(|_| Failure::new(ErrorKind::Protocol, "a bad protocolVersion"))?;
        self.session = session;
        let note = work::message(None, "notifications/initialized", json!({}));
        self.setup("notifications/initialized", note, None).await?;
        Ok(())
    }

    async fn close(mut self) {
        let Some(session) = self.session.take() else {
            return;
        };
        let mut req = Request::new(Full::new(Bytes::new()));
        *req.method_mut() = Method::DELETE;
        *req.uri_mut() = self.target.path.clone();
        let h = req.headers_mut();
        h.insert(header::HOST, self.target.authority.clone());
        h.insert(VERSION, self.version.clone());
        h.insert(SESSION, session);
        let _ = tokio::time::timeout(Duration::from_secs(2), async {
            if let Ok(sender) = self.ready().await {
                let _ = sender.send_request(req).await;
            }
        })
        .await;
    }
}

/// A whole (non-streamed) body: the single frame itself when there is one (no copy, no
/// buffer list), else the frames joined; capped at [`MAX_MESSAGE`].
async fn read_body<B>(body: &mut B) -> Result<Bytes, Failure>
where
    B: hyper::body::Body<Data = Bytes> + Unpin,
    B::Error: std::fmt::Display,
{
    let mut first: Option<Bytes> = None;
    let mut joined: Vec<u8> = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| Failure::new(ErrorKind::Transport, e.to_string()))?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        if first.is_none() && joined.is_empty() {
            first = Some(data);
            continue;
        }
        if let Some(f) = first.take() {
            joined.extend_from_slice(&f);
        }
        joined.extend_from_slice(&data);
        if joined.len() > MAX_MESSAGE {
            return Err(Failure::new(
                ErrorKind::Protocol,
                format!("an answer of more than {MAX_MESSAGE} bytes"),
            ));
        }
    }
    Ok(match first {
        Some(f) if joined.is_empty() => f,
        _ => Bytes::from(joined),
    })
}

fn content_of(headers: &hyper::HeaderMap) -> Content {
    let Some(ct) = headers.get(header::CONTENT_TYPE).map(HeaderValue::as_bytes) else {
        return Content::Other;
    };
    let starts = |p: &[u8]| ct.len() >= p.len() && ct[..p.len()].eq_ignore_ascii_case(p);
    if starts(b"application/json") {
        Content::Json
    } else if starts(b"text/event-stream") {
        Content::Sse
    } else {
        Content::Other
    }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

// ---------------------------------------------------------------------------------------
// stdio

struct Proc {
    child: tokio::process::Child,
    stdin: tokio::process::ChildStdin,
    stdout: BufReader<tokio::process::ChildStdout>,
    /// With `keep_stderr`: the task that keeps the tail of the server's stderr.
    stderr: Option<tokio::task::JoinHandle<()>>,
}

/// How much of a stdio server's stderr is kept to explain why it stopped.
const STDERR_TAIL: usize = 2048;

pub struct StdioConn {
    argv: Arc<Vec<String>>,
    era: Era,
    proc: Option<Proc>,
    /// The last line read; kept (not moved out) so its capacity serves the next one.
    line: Vec<u8>,
    /// The line being written, `\n` included; reused for every request.
    out: Vec<u8>,
    next_id: u64,
    /// Keep the end of the server's stderr (the probe and validation processes, where a server
    /// that fails to start says why); load workers discard it.
    keep_stderr: bool,
    stderr_tail: Arc<std::sync::Mutex<Vec<u8>>>,
}

impl StdioConn {
    fn spawn(&mut self) -> Result<(), Failure> {
        let Some((program, args)) = self.argv.split_first() else {
            return Err(Failure::new(
                ErrorKind::Connect,
                "`--stdio` names no command",
            ));
        };
        let mut child = tokio::process::Command::new(program)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(if self.keep_stderr {
                std::process::Stdio::piped()
            } else {
                std::process::Stdio::null()
            })
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| {
                Failure::new(
                    ErrorKind::Connect,
                    format!("cannot start `--stdio` server `{program}`: {e}"),
                )
            })?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(Failure::new(ErrorKind::Connect, "no pipes to the server"));
        };
        let stderr = child.stderr.take().map(|mut err| {
            let tail = self.stderr_tail.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                while let Ok(n @ 1..) = err.read(&mut buf).await {
                    let mut t = tail.lock().unwrap_or_else(|e| e.into_inner());
                    t.extend_from_slice(&buf[..n]);
                    let excess = t.len().saturating_sub(STDERR_TAIL);
                    t.drain(..excess);
                }
            })
        });
        self.proc = Some(Proc {
            child,
            stdin,
            stdout: BufReader::with_capacity(64 * 1024, stdout),
            stderr,
        });
        Ok(())
    }

    /// The server went away (`what` it did), with the end of its stderr when it is kept.
    async fn gone(&mut self, what: &str) -> Failure {
        let mut message = format!("the `--stdio` server {what} (it exited?)");
        if let Some(mut p) = self.proc.take() {
            let _ = tokio::time::timeout(Duration::from_secs(1), p.child.wait()).await;
            if let Some(task) = p.stderr.take() {
                let _ = tokio::time::timeout(Duration::from_secs(1), task).await;
            }
        }
        let tail = self
            .stderr_tail
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let text = String::from_utf8_lossy(&tail);
        let text = text.trim();
        if !text.is_empty() {
            message.push_str("; its stderr ended with:\n");
            message.push_str(text);
        } else if !self.keep_stderr {
            message.push_str("; run it by hand to see why");
        }
        Failure::new(ErrorKind::Transport, message)
    }

    /// Starts the process and runs the era's handshake; the modern era has none, so one
    /// `server/discover` exchange waits until the server answers: its start-up must not land
    /// in the first measured request.
    async fn start(&mut self) -> Result<(), Failure> {
        self.spawn()?;
        let Era::Legacy(version) = self.era.clone() else {
            let id = self.next_id;
            self.next_id += 1;
            let body = work::message(
                Some(id),
                "server/discover",
                json!({ "_meta": work::modern_meta() }),
            );
            // Any answer, even an error, says the server is reading its stdin.
            tokio::time::timeout(SETUP_TIMEOUT, self.exchange(&body, id))
                .await
                .map_err(|_| {
                    Failure::new(
                        ErrorKind::Timeout,
                        format!(
                            "the `--stdio` server did not answer `server/discover` within {SETUP_TIMEOUT:?}"
                        ),
                    )
                })??;
            return Ok(());
        };
        let id = self.next_id;
        self.next_id += 1;
        let body = work::message(Some(id), "initialize", work::initialize_params(&version));
        let answer = tokio::time::timeout(SETUP_TIMEOUT, self.exchange(&body, id))
            .await
            .map_err(|_| {
                Failure::new(
                    ErrorKind::Timeout,
                    format!(
                        "the `--stdio` server did not answer `initialize` within {SETUP_TIMEOUT:?}"
                    ),
                )
            })??;
        if let Some(e) = answer.get("error") {
            return Err(Failure::new(
                ErrorKind::Rpc(e["code"].as_i64().unwrap_or(0)),
                format!("`initialize` failed: {e}"),
            ));
        }
        let note = work::message(None, "notifications/initialized", json!({}));
        self.write(&note).await
    }

    /// Writes one message as a line (set-up messages; requests build theirs in `out`).
    async fn write(&mut self, line: &[u8]) -> Result<(), Failure> {
        self.out.clear();
        self.out.extend_from_slice(line);
        self.out.push(b'\n');
        self.send_out().await
    }

    /// Writes `out`, a whole line, to the server's stdin.
    async fn send_out(&mut self) -> Result<(), Failure> {
        let Some(p) = &mut self.proc else {
            return Err(Failure::new(ErrorKind::Transport, "no server process"));
        };
        if p.stdin.write_all(&self.out).await.is_err() {
            return Err(self.gone("stopped reading its stdin").await);
        }
        Ok(())
    }

    /// Reads lines until the JSON-RPC message answering `id`.
    async fn read_answer(
        &mut self,
        id: u64,
        tool_call: bool,
    ) -> Result<Result<(), Failure>, Failure> {
        loop {
            self.read_line().await?;
            if let Some(r) = classify::response(&self.line, id, tool_call) {
                return Ok(r);
            }
        }
    }

    /// Reads the next line into `line`.
    async fn read_line(&mut self) -> Result<(), Failure> {
        let Some(p) = &mut self.proc else {
            return Err(Failure::new(ErrorKind::Transport, "no server process"));
        };
        self.line.clear();
        let n = (&mut p.stdout)
            .take(MAX_MESSAGE as u64 + 1)
            .read_until(b'\n', &mut self.line)
            .await;
        match n {
            Ok(0) | Err(_) => Err(self.gone("closed its stdout").await),
            Ok(n) if n > MAX_MESSAGE => {
                self.proc = None;
                Err(Failure::new(
                    ErrorKind::Protocol,
                    format!("a line of more than {MAX_MESSAGE} bytes"),
                ))
            }
            Ok(_) => Ok(()),
        }
    }

    /// Sends a setup message and returns the parsed answer to `id`.
    async fn exchange(&mut self, body: &[u8], id: u64) -> Result<Value, Failure> {
        self.write(body).await?;
        loop {
            self.read_line().await?;
            if let Ok(v) = serde_json::from_slice::<Value>(&self.line)
                && v.get("id").and_then(Value::as_u64) == Some(id)
            {
                return Ok(v);
            }
        }
    }

    async fn call(&mut self, t: &Template) -> Outcome {
        if self.proc.is_none()
            && let Err(f) = self.start().await
        {
            self.proc = None;
            return (Err(f), None);
        }
        let id = self.next_id;
        self.next_id += 1;
        self.out.clear();
        t.write(&mut self.out, id);
        self.out.push(b'\n');
        if let Err(f) = self.send_out().await {
            return (Err(f), None);
        }
        match self.read_answer(id, t.tool_call).await {
            Ok(r) => (r, Some(Content::Stdio)),
            Err(f) => (Err(f), None),
        }
    }
}

/// Splits `--stdio "CMD ARGS"` into words: whitespace separates, `'…'` and `"…"` quote,
/// `\` escapes the next character outside single quotes. No shell is involved.
pub fn split_command(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err(format!("`--stdio {text}`: unclosed '")),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c) => word.push(c),
                            None => return Err(format!("`--stdio {text}`: unclosed \"")),
                        },
                        Some(c) => word.push(c),
                        None => return Err(format!("`--stdio {text}`: unclosed \"")),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    word.push(c);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    if words.is_empty() {
        return Err("`--stdio` needs a command, like --stdio \"lynx serve --stdio\"".into());
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_split_like_a_shell_would() {
        assert_eq!(
            split_command("lynx serve --stdio").unwrap(),
            ["lynx", "serve", "--stdio"]
        );
        assert_eq!(
            split_command(r#"python3 "my server.py" 'a b' c\ d """#).unwrap(),
            ["python3", "my server.py", "a b", "c d", ""]
        );
        assert!(split_command("  ").is_err());
        assert!(split_command("x 'open").unwrap_err().contains("unclosed"));
    }

    #[test]
    fn content_types() {
        let mut h = hyper::HeaderMap::new();
        assert_eq!(content_of(&h), Content::Other);
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("Application/JSON; charset=utf-8"),
        );
        assert_eq!(content_of(&h), Content::Json);
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/event-stream"),
        );
        assert_eq!(content_of(&h), Content::Sse);
    }
}
