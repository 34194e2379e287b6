//! The MCP client (`lynx tool:list --server`, `lynx tool:call --server`) against a real
//! `lynx serve` (modern era) and a legacy-only stub (the handshake fallback), its failure
//! messages and exit codes; and the `http` handler against a local stub server.

use crate::support::{TempProject, spawn_stub};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use lynx::project::model::Tool;
use lynx::runtime::call::{CallContext, CallOutcome, ToolError};
use lynx::runtime::catalog::{Catalog, ToolSpec, prepare};
use lynx::runtime::client::{ClientOptions, McpClient, Negotiated, parse_server_url};
use lynx::runtime::engine::Runtime;
use lynx::runtime::pipeline::Pipeline;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ECHO: &str = "id: demo.domain.echo.run\ndescription: Echoes.\nhandler: { kind: builtin, name: echo }\ninput_schema:\n  type: object\n  properties: { message: { type: string } }\n  required: [message]\n";
const FAIL: &str = "id: demo.domain.fail.run\ndescription: Always fails.\nhandler: { kind: builtin, name: fail }\n";

fn project() -> TempProject {
    TempProject::new(&[
        ("lynx.toml", ""),
        ("tools/echo.yaml", ECHO),
        ("tools/fail.yaml", FAIL),
    ])
}

use crate::support::ServeChild;

/// An address nothing listens on.
fn closed_port() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap().to_string();
    drop(l);
    addr
}

fn stdout_json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

// ---------------------------------------------------------------------------------------------
// The client against `lynx serve` (modern era)

#[test]
fn list_and_call_against_lynx_serve_in_the_modern_era() {
    let p = project();
    let server = ServeChild::start(&p, &["--no-watch"]);
    let elsewhere = TempProject::new(&[]);

    // No project is needed where the client runs.
    let out = elsewhere
        .lynx(&["tool:list", "--server", &server.url(), "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let local = p.lynx(&["tool:list", "--format", "json"]).output().unwrap();
    assert_eq!(
        stdout_json(&out),
        stdout_json(&local),
        "remote and local listings agree"
    );

    let out = elsewhere
        .lynx(&["tool:list", "--server", &server.url()])
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        table.contains("demo.domain.echo.run") && table.contains("Echoes."),
        "{table}"
    );
    assert!(table.contains("2 tools"), "{table}");

    // `LYNX_SERVER` works too; human output is the structured content.
    let out = elsewhere
        .lynx(&[
            "tool:call",
            "demo.domain.echo.run",
            "--args",
            r#"{"message": "hi"}"#,
        ])
        .env("LYNX_SERVER", server.url())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout_json(&out), json!({"message": "hi"}));

    // JSON output is the MCP result; `resultType` shows the modern era was used.
    let out = elsewhere
        .lynx(&[
            "tool:call",
            "demo.domain.echo.run",
            "--server",
            &server.url(),
            "--args",
            r#"{"message": "hi"}"#,
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let result = stdout_json(&out);
    assert_eq!(result["structuredContent"], json!({"message": "hi"}));
    assert_eq!(result["isError"], false);
    assert_eq!(result["resultType"], "complete", "{result}");
}

#[test]
fn tool_errors_unknown_tools_and_bad_arguments_exit_1() {
    let p = project();
    let server = ServeChild::start(&p, &["--no-watch"]);
    let out = p
        .lynx(&[
            "tool:call",
            "demo.domain.fail.run",
            "--server",
            &server.url(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`demo.domain.fail.run` failed"), "{stderr}");

    let out = p
        .lynx(&[
            "tool:call",
            "demo.domain.echo.run",
            "--server",
            &server.url(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "missing `message` is a tool error"
    );
    assert_eq!(stdout_json(&out)["isError"], true);

    let out = p
        .lynx(&[
            "tool:call",
            "demo.domain.nope.run",
            "--server",
            &server.url(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Unknown tool: demo.domain.nope.run"),
        "{stderr}"
    );
    assert!(stderr.contains("-32602"), "{stderr}");

    let out = p
        .lynx(&[
            "tool:call",
            "demo.domain.nope.run",
            "--server",
            &server.url(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout_json(&out)["error"]["code"], -32602);
}

#[test]
fn connection_refused_names_the_url_and_exits_3() {
    let url = format!("http://{}/mcp", closed_port());
    let p = TempProject::new(&[]);
    for args in [
        vec!["tool:list", "--server", url.as_str()],
        vec!["tool:call", "x.y.z", "--server", url.as_str()],
    ] {
        let out = p.lynx(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(3), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("cannot connect to {url}")),
            "{stderr}"
        );
        assert!(stderr.contains("refused"), "{stderr}");
    }
}

#[test]
fn bad_server_urls_are_usage_errors() {
    let p = TempProject::new(&[]);
    let out = p
        .lynx(&["tool:list", "--server", "ftp://x/"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = p
        .lynx(&[
            "tool:call",
            "a.b.c",
            "--server",
            "http://127.0.0.1:1/mcp",
            "--tenant",
            "t",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "--tenant does not apply to a server"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_library_client_negotiates_modern_with_lynx_serve() {
    let p = project();
    let server = tokio::task::spawn_blocking(move || (ServeChild::start(&p, &["--no-watch"]), p))
        .await
        .unwrap();
    let url = parse_server_url(&server.0.url()).unwrap();
    let client = McpClient::connect(url, ClientOptions::default())
        .await
        .unwrap();
    assert_eq!(client.era(), &Negotiated::Modern);
    assert_eq!(client.server()["supportedVersions"], json!(["2026-07-28"]));
    let tools = client.list_tools().await.unwrap();
    assert_eq!(tools.len(), 2);
    let r = client
        .call_tool(
            "demo.domain.echo.run",
            json!({"message": "x"}).as_object().unwrap().clone(),
        )
        .await
        .unwrap();
    assert_eq!(r["structuredContent"]["message"], "x");
    // The same server, forced through the handshake, works too.
    let url = parse_server_url(&server.0.url()).unwrap();
    let options = ClientOptions {
        mode: lynx::runtime::client::Mode::Legacy,
        ..ClientOptions::default()
    };
    let legacy = McpClient::connect(url, options).await.unwrap();
    assert!(
        matches!(legacy.era(), Negotiated::Legacy { version, session: Some(_) } if version == "2025-11-25"),
        "{:?}",
        legacy.era()
    );
    assert_eq!(legacy.list_tools().await.unwrap().len(), 2);
    legacy.close().await;
}

// ---------------------------------------------------------------------------------------------
// The legacy fallback, against a handshake-only stub

/// What the stub saw: `(method or "DELETE", mcp-protocol-version, mcp-session-id)`.
type Log = Arc<Mutex<Vec<(String, Option<String>, Option<String>)>>>;

fn header(h: &HeaderMap, name: &str) -> Option<String> {
    h.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

fn rpc(status: StatusCode, body: Value) -> Response {
    (
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn legacy_post(State(log): State<Log>, headers: HeaderMap, body: Bytes) -> Response {
    let msg: Value = serde_json::from_slice(&body).unwrap();
    let method = msg["method"].as_str().unwrap_or_default().to_owned();
    let version = header(&headers, "mcp-protocol-version");
    let session = header(&headers, "mcp-session-id");
    log.lock()
        .unwrap()
        .push((method.clone(), version.clone(), session.clone()));
    let id = msg["id"].clone();
    if method == "server/discover" {
        return rpc(
            StatusCode::OK,
            json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32601, "message": "Method not found"}}),
        );
    }
    if method == "initialize" {
        let mut resp = rpc(
            StatusCode::OK,
            json!({"jsonrpc": "2.0", "id": id, "result": {
                "protocolVersion": "2025-06-18",
                "capabilities": {"tools": {}},
                "serverInfo": {"name": "legacy-stub", "version": "1"}
            }}),
        );
        resp.headers_mut()
            .insert("mcp-session-id", "stub-session".parse().unwrap());
        return resp;
    }
    if session.as_deref() != Some("stub-session") || version.as_deref() != Some("2025-06-18") {
        return rpc(
            StatusCode::BAD_REQUEST,
            json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32000, "message": "Bad Request: no valid session"}}),
        );
    }
    match method.as_str() {
        "notifications/initialized" => StatusCode::ACCEPTED.into_response(),
        // Two pages; the second one over SSE with a notification before the response.
        "tools/list" if msg["params"]["cursor"].is_null() => rpc(
            StatusCode::OK,
            json!({"jsonrpc": "2.0", "id": id, "result": {
                "tools": [{"name": "stub.echo", "description": "Stub echo.", "inputSchema": {"type": "object"}}],
                "nextCursor": "page-2"
            }}),
        ),
        "tools/list" => {
            let note = json!({"jsonrpc": "2.0", "method": "notifications/message", "params": {"level": "info", "data": "listing"}});
            let done = json!({"jsonrpc": "2.0", "id": id, "result": {
                "tools": [{"name": "stub.other", "description": "Another.", "inputSchema": {"type": "object"}}]
            }});
            let body = format!(
                ": hello\n\nevent: message\ndata: {note}\n\nevent: message\ndata: {done}\n\n"
            );
            (
                StatusCode::OK,
                [("content-type", "text/event-stream")],
                body,
            )
                .into_response()
        }
        "tools/call" if msg["params"]["name"] == "stub.echo" => rpc(
            StatusCode::OK,
            json!({"jsonrpc": "2.0", "id": id, "result": {
                "content": [{"type": "text", "text": msg["params"]["arguments"].to_string()}],
                "structuredContent": msg["params"]["arguments"],
                "isError": false
            }}),
        ),
        "tools/call" => rpc(
            StatusCode::OK,
            json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32602, "message": format!("Unknown tool: {}", msg["params"]["name"].as_str().unwrap_or(""))}}),
        ),
        _ => rpc(
            StatusCode::OK,
            json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32601, "message": "Method not found"}}),
        ),
    }
}

async fn legacy_delete(State(log): State<Log>, headers: HeaderMap) -> StatusCode {
    log.lock().unwrap().push((
        "DELETE".into(),
        header(&headers, "mcp-protocol-version"),
        header(&headers, "mcp-session-id"),
    ));
    StatusCode::NO_CONTENT
}

fn legacy_stub() -> (String, Log) {
    let log: Log = Arc::default();
    let router = Router::new()
        .route("/mcp", post(legacy_post).delete(legacy_delete))
        .with_state(log.clone());
    let (addr, _) = spawn_stub(router);
    (format!("http://{addr}/mcp"), log)
}

fn methods(log: &Log) -> Vec<String> {
    log.lock().unwrap().iter().map(|e| e.0.clone()).collect()
}

#[test]
fn falls_back_to_the_legacy_handshake() {
    let (url, log) = legacy_stub();
    let p = TempProject::new(&[]);
    let out = p
        .lynx(&["tool:list", "--server", &url, "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let names: Vec<Value> = stdout_json(&out)["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].clone())
        .collect();
    assert_eq!(
        names,
        [json!("stub.echo"), json!("stub.other")],
        "both pages"
    );
    assert_eq!(
        methods(&log),
        [
            "server/discover",
            "initialize",
            "notifications/initialized",
            "tools/list",
            "tools/list",
            "DELETE"
        ]
    );
    {
        let log = log.lock().unwrap();
        assert_eq!(
            log[0].1.as_deref(),
            Some("2026-07-28"),
            "the probe is modern"
        );
        assert_eq!(log[1].1, None, "initialize carries no version header");
        assert_eq!(log[1].2, None);
        for later in &log[2..] {
            assert_eq!(later.1.as_deref(), Some("2025-06-18"), "{later:?}");
            assert_eq!(later.2.as_deref(), Some("stub-session"), "{later:?}");
        }
    }

    log.lock().unwrap().clear();
    let out = p
        .lynx(&[
            "tool:call",
            "stub.echo",
            "--server",
            &url,
            "--args",
            r#"{"a": 1}"#,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout_json(&out), json!({"a": 1}));
    assert_eq!(
        methods(&log),
        [
            "server/discover",
            "initialize",
            "notifications/initialized",
            "tools/call",
            "DELETE"
        ]
    );

    let out = p
        .lynx(&["tool:call", "stub.nope", "--server", &url])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Unknown tool: stub.nope"), "{stderr}");
}

#[test]
fn a_server_that_speaks_nothing_lynx_does_is_named() {
    async fn incompatible(body: Bytes) -> Response {
        let msg: Value = serde_json::from_slice(&body).unwrap();
        rpc(
            StatusCode::BAD_REQUEST,
            json!({"jsonrpc": "2.0", "id": msg["id"], "error": {"code": -32022, "message": "Unsupported protocol version", "data": {"supported": ["2099-01-01"], "requested": "2026-07-28"}}}),
        )
    }
    let (addr, _) = spawn_stub(Router::new().route("/mcp", post(incompatible)));
    let out = TempProject::new(&[])
        .lynx(&["tool:list", "--server", &format!("http://{addr}")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("2099-01-01"), "{stderr}");
}

// ---------------------------------------------------------------------------------------------
// The `http` handler

/// The stub behind the `http` tools: each path is one behaviour.
fn handler_stub() -> (String, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let flaky = Arc::new(AtomicUsize::new(0));
    let hits = flaky.clone();
    let router = Router::new()
        .route(
            "/ok",
            post(|headers: HeaderMap, body: Bytes| async move {
                let req: Value = serde_json::from_slice(&body).unwrap();
                axum::Json(json!({"output": {
                    "tool": req["tool"],
                    "args": req["args"],
                    "context": req["context"],
                    "api_key": header(&headers, "x-api-key"),
                    "traceparent": header(&headers, "traceparent"),
                    "content_type": header(&headers, "content-type"),
                }}))
            }),
        )
        .route(
            "/bare",
            post(|| async { axum::Json(json!({"bare": true})) }),
        )
        .route(
            "/error",
            post(|| async { axum::Json(json!({"error": {"message": "account A-9 is closed"}})) }),
        )
        .route(
            "/500",
            post(|| async {
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "kaboom: the database is down",
                )
            }),
        )
        .route(
            "/hang",
            post(|| async {
                tokio::time::sleep(Duration::from_secs(30)).await;
                "late"
            }),
        )
        .route(
            "/big",
            post(|| async { axum::Json(json!({"output": "x".repeat(4096)})) }),
        )
        .route("/garbage", post(|| async { "not json at all" }))
        .route(
            "/flaky",
            post(move || {
                let hits = hits.clone();
                async move {
                    if hits.fetch_add(1, Ordering::SeqCst) == 0 {
                        (StatusCode::SERVICE_UNAVAILABLE, "warming up").into_response()
                    } else {
                        axum::Json(json!({"ok": true})).into_response()
                    }
                }
            }),
        );
    let (addr, connections) = spawn_stub(router);
    (addr, connections, flaky)
}

fn http_tool(id: &str, handler: Value) -> Tool {
    let mut def = json!({ "id": id, "description": "An http tool." });
    def["handler"] = handler;
    serde_json::from_value(def).expect("a valid tool definition")
}

fn http_spec(id: &str, url: String, extra: Value) -> ToolSpec {
    let mut handler = json!({ "kind": "http", "url": url });
    for (k, v) in extra.as_object().unwrap() {
        handler[k] = v.clone();
    }
    prepare(&http_tool(id, handler), std::path::Path::new(".")).unwrap()
}

async fn call(rt: &Runtime, tool: &str, context: CallContext) -> CallOutcome {
    let args = json!({"account": "A-1"}).as_object().unwrap().clone();
    tokio::time::timeout(Duration::from_secs(10), rt.call(tool, args, context))
        .await
        .expect("the call finished in time")
        .expect("the tool is in the catalog")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_handler_success_errors_and_limits() {
    let (addr, connections, _) = handler_stub();
    let base = format!("http://{addr}");
    let dead = format!("http://{}/x", closed_port());
    let rt = Runtime::new(
        Catalog::from_specs(
            ".".into(),
            vec![
                http_spec(
                    "t.domain.ok.run",
                    format!("{base}/ok"),
                    json!({"headers": {"X-Api-Key": "k-123"}}),
                ),
                http_spec("t.domain.bare.run", format!("{base}/bare"), json!({})),
                http_spec("t.domain.error.run", format!("{base}/error"), json!({})),
                http_spec("t.domain.500.run", format!("{base}/500"), json!({})),
                http_spec(
                    "t.domain.hang.run",
                    format!("{base}/hang"),
                    json!({"timeout": "300ms"}),
                ),
                http_spec(
                    "t.domain.big.run",
                    format!("{base}/big"),
                    json!({"max_output": "1KiB"}),
                ),
                http_spec("t.domain.garbage.run", format!("{base}/garbage"), json!({})),
                http_spec("t.domain.dead.run", dead.clone(), json!({})),
            ],
        ),
        Pipeline::standard(),
    );

    let context = CallContext {
        tenant_id: Some("acme".into()),
        user_id: Some("ann".into()),
        trace_id: Some("4bf92f3577b34da6a3ce929d0e0e4736".into()),
    };
    let out = call(&rt, "t.domain.ok.run", context).await.unwrap().value;
    assert_eq!(out["tool"], "t.domain.ok.run");
    assert_eq!(out["args"], json!({"account": "A-1"}));
    assert_eq!(
        out["context"],
        json!({"tenant_id": "acme", "user_id": "ann", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736"})
    );
    assert_eq!(out["api_key"], "k-123");
    assert_eq!(out["content_type"], "application/json");
    let tp = out["traceparent"].as_str().unwrap();
    assert!(
        tp.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-"),
        "{tp}"
    );
    let out = call(&rt, "t.domain.ok.run", CallContext::default())
        .await
        .unwrap()
        .value;
    assert_eq!(
        out["traceparent"],
        Value::Null,
        "no trace id, no traceparent"
    );
    assert_eq!(
        connections.load(Ordering::SeqCst),
        1,
        "the connection is kept alive"
    );

    let out = call(&rt, "t.domain.bare.run", CallContext::default())
        .await
        .unwrap();
    assert_eq!(out.value, json!({"bare": true}));

    let e = call(&rt, "t.domain.error.run", CallContext::default())
        .await
        .unwrap_err();
    assert_eq!(e, ToolError::Tool("account A-9 is closed".into()));

    let e = call(&rt, "t.domain.500.run", CallContext::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ToolError::Tool(m) if m.contains("HTTP 500") && m.contains("kaboom")),
        "{e:?}"
    );

    let started = Instant::now();
    let e = call(&rt, "t.domain.hang.run", CallContext::default())
        .await
        .unwrap_err();
    assert_eq!(e, ToolError::Timeout(Duration::from_millis(300)));
    assert!(started.elapsed() < Duration::from_secs(3));

    let e = call(&rt, "t.domain.big.run", CallContext::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ToolError::Tool(m) if m.contains("1024 bytes") && m.contains("max_output")),
        "{e:?}"
    );

    let e = call(&rt, "t.domain.garbage.run", CallContext::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ToolError::Tool(m) if m.contains("not JSON")),
        "{e:?}"
    );

    let e = call(&rt, "t.domain.dead.run", CallContext::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ToolError::Unavailable(m) if m.contains(&dead) && m.contains("refused")),
        "{e:?}"
    );
    assert!(e.is_transient());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_handler_retries_a_503_for_idempotent_tools() {
    let (addr, _, hits) = handler_stub();
    let def: Tool = serde_json::from_value(json!({
        "id": "t.domain.flaky.run",
        "description": "Flaky.",
        "handler": {"kind": "http", "url": format!("http://{addr}/flaky")},
        "annotations": {"idempotentHint": true},
        "retry": {"attempts": 3, "backoff": "10ms"},
    }))
    .unwrap();
    let spec = prepare(&def, std::path::Path::new(".")).unwrap();
    let rt = Runtime::new(
        Catalog::from_specs(".".into(), vec![spec]),
        Pipeline::standard(),
    );
    let out = call(&rt, "t.domain.flaky.run", CallContext::default())
        .await
        .unwrap();
    assert_eq!(out.value, json!({"ok": true}));
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

#[test]
fn http_tools_are_served_through_a_project() {
    let (addr, _, _) = handler_stub();
    let tool = format!(
        "id: demo.domain.remote.read\ndescription: Remote.\nhandler:\n  kind: http\n  url: http://{addr}/ok\n  timeout: 5s\n"
    );
    let p = TempProject::new(&[("lynx.toml", ""), ("tools/remote.yaml", &tool)]);
    let out = p.lynx(&["tool:list"]).output().unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("demo.domain.remote.read") && !table.contains("not served"),
        "{table}"
    );
    let out = p
        .lynx(&[
            "tool:call",
            "demo.domain.remote.read",
            "--args",
            r#"{"k": 1}"#,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout_json(&out)["args"], json!({"k": 1}));
}
