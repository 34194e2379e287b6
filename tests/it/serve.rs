//! `lynx serve`'s HTTP transport in process (tower `oneshot`, no socket) and its stdio
//! transport through the real binary.

use crate::support::{TempProject, lynx};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use lynx::runtime::http::{HttpSettings, HttpState, router};
use serde_json::{Value, json};
use std::sync::Arc;
use tower::ServiceExt;

const ECHO: &str = "id: demo.domain.echo.run\ndescription: Echoes.\nhandler: { kind: builtin, name: echo }\ninput_schema:\n  type: object\n  properties: { message: { type: string } }\n  required: [message]\n";

fn state(p: &TempProject) -> Arc<HttpState> {
    crate::support::http_state(p, None)
}

fn project() -> TempProject {
    TempProject::new(&[("lynx.toml", ""), ("tools/echo.yaml", ECHO)])
}

/// One POST to `/mcp`; returns status, headers and the JSON body (or `Null` when empty).
async fn post(
    state: &Arc<HttpState>,
    headers: &[(&str, &str)],
    body: Value,
) -> (StatusCode, axum::http::HeaderMap, Value) {
    let mut req = Request::post("/mcp")
        .header("content-type", "application/json")
        .header("host", "127.0.0.1:7878");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = router(state.clone())
        .oneshot(req.body(Body::from(body.to_string())).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap();
    let json = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()))
    };
    (status, headers, json)
}

fn modern_meta() -> Value {
    json!({ "io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {} })
}

async fn legacy_session(state: &Arc<HttpState>) -> String {
    let (status, headers, body) = post(state, &[], json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["result"]["protocolVersion"], "2025-06-18");
    assert_eq!(body["result"]["capabilities"]["tools"]["listChanged"], true);
    let session = headers["mcp-session-id"].to_str().unwrap().to_owned();
    assert!(session.bytes().all(|b| (0x21..=0x7e).contains(&b)));
    session
}

#[tokio::test]
async fn legacy_handshake_list_and_call() {
    let p = project();
    let s = state(&p);
    let session = legacy_session(&s).await;
    let h = [
        ("mcp-session-id", session.as_str()),
        ("mcp-protocol-version", "2025-06-18"),
    ];
    let (status, _, body) = post(
        &s,
        &h,
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
    )
    .await;
    assert_eq!((status, body), (StatusCode::ACCEPTED, Value::Null));
    let (_, _, body) = post(
        &s,
        &h,
        json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}),
    )
    .await;
    assert_eq!(body["result"]["tools"][0]["name"], "demo.domain.echo.run");
    assert!(
        body["result"].get("resultType").is_none(),
        "legacy results carry no resultType"
    );
    let (_, _, body) = post(&s, &h, json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "demo.domain.echo.run", "arguments": {"message": "hi"}}})).await;
    assert_eq!(
        body["result"]["structuredContent"],
        json!({"message": "hi"})
    );
    assert_eq!(body["result"]["isError"], false);
    let (_, _, body) = post(&s, &h, json!({"jsonrpc": "2.0", "id": 3, "method": "ping"})).await;
    assert_eq!(body["result"], json!({}));
}

#[tokio::test]
async fn unknown_tool_is_invalid_params_and_bad_arguments_a_tool_error() {
    let p = project();
    let s = state(&p);
    let session = legacy_session(&s).await;
    let h = [("mcp-session-id", session.as_str())];
    let (_, _, body) = post(&s, &h, json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "nope", "arguments": {}}})).await;
    assert_eq!(body["error"]["code"], -32602);
    let (_, _, body) = post(&s, &h, json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "demo.domain.echo.run", "arguments": {}}})).await;
    assert_eq!(body["result"]["isError"], true);
    assert!(
        body["result"]["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("message"),
        "{body}"
    );
}

#[tokio::test]
async fn sessions_unknown_missing_and_deleted() {
    let p = project();
    let s = state(&p);
    let (status, _, body) = post(
        &s,
        &[("mcp-session-id", "bogus")],
        json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["id"], 1);
    let (status, _, _) = post(
        &s,
        &[],
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let session = legacy_session(&s).await;
    let del = Request::delete("/mcp")
        .header("host", "localhost")
        .header("mcp-session-id", &session)
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        router(s.clone()).oneshot(del).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    let (status, _, _) = post(
        &s,
        &[("mcp-session-id", session.as_str())],
        json!({"jsonrpc": "2.0", "id": 3, "method": "tools/list"}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn modern_discover_list_and_call() {
    let p = project();
    let s = state(&p);
    let h = [
        ("mcp-protocol-version", "2026-07-28"),
        ("mcp-method", "server/discover"),
    ];
    let (status, _, body) = post(&s, &h, json!({"jsonrpc": "2.0", "id": 1, "method": "server/discover", "params": {"_meta": modern_meta()}})).await;
    assert_eq!(status, StatusCode::OK);
    let r = &body["result"];
    assert_eq!(r["supportedVersions"], json!(["2026-07-28"]));
    assert_eq!(
        (
            r["resultType"].as_str(),
            r["ttlMs"].as_u64(),
            r["cacheScope"].as_str()
        ),
        (Some("complete"), Some(0), Some("private"))
    );
    assert_eq!(
        r["_meta"]["io.modelcontextprotocol/serverInfo"]["name"],
        "lynx"
    );
    let h = [
        ("mcp-protocol-version", "2026-07-28"),
        ("mcp-method", "tools/call"),
        ("mcp-name", "demo.domain.echo.run"),
    ];
    let (_, _, body) = post(&s, &h, json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "demo.domain.echo.run", "arguments": {"message": "m"}, "_meta": modern_meta()}})).await;
    assert_eq!(body["result"]["resultType"], "complete");
    assert_eq!(body["result"]["structuredContent"]["message"], "m");
    let h = [
        ("mcp-protocol-version", "2026-07-28"),
        ("mcp-method", "tools/call"),
        ("mcp-name", "nope"),
    ];
    let (status, _, body) = post(&s, &h, json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "nope", "arguments": {}, "_meta": modern_meta()}})).await;
    assert_eq!(
        (status, body["error"]["code"].as_i64(), body["id"].as_i64()),
        (StatusCode::BAD_REQUEST, Some(-32602), Some(3))
    );
}

#[tokio::test]
async fn modern_validation_ladder() {
    let p = project();
    let s = state(&p);
    let call = |meta: Value| json!({"jsonrpc": "2.0", "id": 7, "method": "tools/list", "params": {"_meta": meta}});
    // Missing _meta keys: -32602, 400.
    let (status, _, body) = post(
        &s,
        &[
            ("mcp-protocol-version", "2026-07-28"),
            ("mcp-method", "tools/list"),
        ],
        json!({"jsonrpc": "2.0", "id": 7, "method": "tools/list", "params": {}}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_i64(), body["id"].as_i64()),
        (StatusCode::BAD_REQUEST, Some(-32602), Some(7))
    );
    // Header/body mismatch: -32020.
    let (status, _, body) = post(
        &s,
        &[
            ("mcp-protocol-version", "2026-07-28"),
            ("mcp-method", "prompts/list"),
        ],
        call(modern_meta()),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_i64()),
        (StatusCode::BAD_REQUEST, Some(-32020))
    );
    // Unsupported version: -32022 with the supported list.
    let meta = json!({ "io.modelcontextprotocol/protocolVersion": "v999.0.0", "io.modelcontextprotocol/clientCapabilities": {} });
    let (status, _, body) = post(
        &s,
        &[
            ("mcp-protocol-version", "v999.0.0"),
            ("mcp-method", "tools/list"),
        ],
        call(meta),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_i64()),
        (StatusCode::BAD_REQUEST, Some(-32022))
    );
    assert_eq!(
        body["error"]["data"],
        json!({"supported": ["2026-07-28"], "requested": "v999.0.0"})
    );
    // Methods the modern era removed: -32601, 404.
    let (status, _, body) = post(
        &s,
        &[
            ("mcp-protocol-version", "2026-07-28"),
            ("mcp-method", "ping"),
        ],
        json!({"jsonrpc": "2.0", "id": 8, "method": "ping", "params": {"_meta": modern_meta()}}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_i64()),
        (StatusCode::NOT_FOUND, Some(-32601))
    );
}

#[tokio::test]
async fn foreign_host_and_origin_are_refused_and_batches_rejected() {
    let p = project();
    let s = state(&p);
    let ping = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}});
    for (k, v) in [
        ("host", "evil.example.com"),
        ("origin", "http://evil.example.com"),
    ] {
        let req = Request::post("/mcp")
            .header("content-type", "application/json")
            .header(k, v)
            .body(Body::from(ping.to_string()))
            .unwrap();
        assert_eq!(
            router(s.clone()).oneshot(req).await.unwrap().status(),
            StatusCode::FORBIDDEN,
            "{k}: {v}"
        );
    }
    let (status, _, _) = post(&s, &[("origin", "http://127.0.0.1:7878")], ping).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, body) = post(
        &s,
        &[],
        json!([{"jsonrpc": "2.0", "id": 1, "method": "ping"}]),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_i64()),
        (StatusCode::BAD_REQUEST, Some(-32600))
    );
    let bad = Request::post("/mcp")
        .header("content-type", "application/json")
        .header("host", "localhost")
        .body(Body::from("{not json"))
        .unwrap();
    let resp = router(s.clone()).oneshot(bad).await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let p = project();
    let s = state(&p);
    let big = "x".repeat(HttpSettings::default().max_body_bytes + 1);
    let req = Request::post("/mcp")
        .header("content-type", "application/json")
        .header("host", "localhost")
        .body(Body::from(big))
        .unwrap();
    assert_eq!(
        router(s).oneshot(req).await.unwrap().status(),
        StatusCode::PAYLOAD_TOO_LARGE
    );
}

#[test]
fn stdio_speaks_only_json_rpc_and_exits_on_eof() {
    let p = project();
    let input = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}),
        json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "demo.domain.echo.run", "arguments": {"message": "x"}}}),
    ]
    .iter()
    .map(|v| v.to_string() + "\n")
    .collect::<String>()
        + "this is not json\n";
    let out = p
        .lynx(&["serve", "--stdio", "--no-watch"])
        .write_stdin(input)
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("stdout line is not JSON: {l}")))
        .collect();
    assert!(lines.iter().all(|l| l["jsonrpc"] == "2.0"));
    let by_id = |id: i64| {
        lines
            .iter()
            .find(|l| l["id"] == id)
            .unwrap_or_else(|| panic!("no answer to {id}: {lines:?}"))
    };
    assert_eq!(
        by_id(2)["result"]["tools"][0]["name"],
        "demo.domain.echo.run"
    );
    assert_eq!(by_id(3)["result"]["structuredContent"]["message"], "x");
    assert!(
        lines.iter().any(|l| l["error"]["code"] == -32700),
        "the garbage line gets a parse error"
    );
}

#[test]
fn serve_refuses_remote_addresses_without_the_flag() {
    let p = project();
    p.lynx(&["serve", "--listen", "0.0.0.0:0"])
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--allow-remote"));
    let _ = lynx();
}

use crate::support::ServeChild as Server;

/// A legacy session's `tools/list` names, over a raw HTTP/1.1 connection.
fn tool_names(server: &Server) -> Vec<String> {
    let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-11-25"}});
    let (head, _) = raw_post(&server.addr, &[], &init.to_string());
    let session = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("mcp-session-id: ")
                .map(|s| s.trim().to_owned())
        })
        .expect("session header");
    let list = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"});
    let (_, body) = raw_post(
        &server.addr,
        &[("mcp-session-id", &session)],
        &list.to_string(),
    );
    let v: Value = serde_json::from_str(&body).unwrap();
    v["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect()
}

/// POSTs `body` to `/mcp`; returns the response head and body.
fn raw_post(addr: &str, headers: &[(&str, &str)], body: &str) -> (String, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    let mut req = format!(
        "POST /mcp HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let (head, body) = out.split_once("\r\n\r\n").unwrap_or((&out, ""));
    (head.to_owned(), body.to_owned())
}

fn wait_for(what: &str, mut ok: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while !ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn hot_reload_swaps_valid_changes_and_keeps_serving_on_invalid_ones() {
    let p = project();
    let mut server = Server::start(&p, &[]);
    assert_eq!(tool_names(&server), ["demo.domain.echo.run"]);
    p.write(
        "tools/two.yaml",
        "id: demo.domain.two.run\ndescription: Two.\nhandler: { kind: builtin, name: echo }\n",
    );
    wait_for("the new tool", || tool_names(&server).len() == 2);
    p.write(
        "tools/bad.yaml",
        "id: demo.domain.bad.run\nrsik: high\nhandler: { kind: builtin, name: echo }\n",
    );
    wait_for("the refusal in the log", || {
        server.stderr.lock().unwrap().contains("reload refused")
    });
    assert_eq!(
        tool_names(&server),
        ["demo.domain.echo.run", "demo.domain.two.run"]
    );
    assert!(server.terminate().success());
}

#[test]
fn shutdown_drains_calls_in_flight() {
    let p = TempProject::new(&[
        ("lynx.toml", ""),
        (
            "tools/slow.yaml",
            "id: demo.domain.slow.run\ndescription: Slow.\nhandler: { kind: builtin, name: sleep, duration: 800ms }\n",
        ),
    ]);
    let mut server = Server::start(&p, &["--no-watch", "--shutdown-timeout", "10s"]);
    let addr = server.addr.clone();
    let call = std::thread::spawn(move || {
        let meta = json!({ "io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {} });
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "demo.domain.slow.run", "arguments": {"n": 1}, "_meta": meta}});
        raw_post(
            &addr,
            &[
                ("MCP-Protocol-Version", "2026-07-28"),
                ("Mcp-Method", "tools/call"),
                ("Mcp-Name", "demo.domain.slow.run"),
            ],
            &body.to_string(),
        )
    });
    std::thread::sleep(std::time::Duration::from_millis(200));
    let status = server.terminate();
    let (head, body) = call.join().unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(body.contains("\"isError\":false"), "{body}");
    assert!(status.success());
}

#[tokio::test]
async fn requests_beyond_the_concurrency_cap_get_503() {
    let p = TempProject::new(&[
        ("lynx.toml", ""),
        (
            "tools/slow.yaml",
            "id: demo.domain.slow.run\ndescription: Slow.\nhandler: { kind: builtin, name: sleep, duration: 500ms }\n",
        ),
    ]);
    let settings = HttpSettings {
        max_concurrency: 1,
        ..HttpSettings::default()
    };
    let s = crate::support::http_state_with(&p, None, settings);
    let session = legacy_session(&s).await;
    let h = [("mcp-session-id", session.as_str())];
    let call = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "demo.domain.slow.run", "arguments": {}}});
    let first = post(&s, &h, call.clone());
    let second = async {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        post(&s, &h, call.clone()).await
    };
    let ((s1, _, b1), (s2, _, b2)) = tokio::join!(first, second);
    assert_eq!(s1, StatusCode::OK, "{b1}");
    assert_eq!(s2, StatusCode::SERVICE_UNAVAILABLE, "{b2}");
    assert!(b2["error"]["message"].as_str().unwrap().contains("busy"));
}

#[tokio::test]
async fn legacy_get_stream_announces_reloads() {
    use futures_util::StreamExt;
    let p = project();
    let s = state(&p);
    let session = legacy_session(&s).await;
    let get = |session: Option<&str>| {
        let mut req = Request::get("/mcp")
            .header("host", "localhost")
            .header("accept", "text/event-stream");
        if let Some(id) = session {
            req = req.header("mcp-session-id", id);
        }
        req.body(Body::empty()).unwrap()
    };
    assert_eq!(
        router(s.clone()).oneshot(get(None)).await.unwrap().status(),
        StatusCode::METHOD_NOT_ALLOWED
    );
    assert_eq!(
        router(s.clone())
            .oneshot(get(Some("bogus")))
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let resp = router(s.clone())
        .oneshot(get(Some(&session)))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    let mut frames = resp.into_body().into_data_stream();
    s.dispatcher
        .runtime
        .swap(lynx::runtime::catalog::Catalog::default());
    let frame = tokio::time::timeout(std::time::Duration::from_secs(5), frames.next())
        .await
        .expect("a frame")
        .unwrap()
        .unwrap();
    let text = String::from_utf8_lossy(&frame);
    assert!(text.starts_with("event: message\ndata: "), "{text}");
    assert!(text.contains("notifications/tools/list_changed"), "{text}");
}

#[tokio::test]
async fn modern_listen_stream_acknowledges_announces_and_ends_on_shutdown() {
    use futures_util::StreamExt;
    let p = project();
    let s = state(&p);
    let listen = |notifications: Value| {
        Request::post("/mcp")
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .header("host", "127.0.0.1:7878")
            .header("mcp-protocol-version", "2026-07-28")
            .header("mcp-method", "subscriptions/listen")
            .body(Body::from(
                json!({"jsonrpc": "2.0", "id": 7, "method": "subscriptions/listen", "params": {"_meta": modern_meta(), "notifications": notifications}})
                    .to_string(),
            ))
            .unwrap()
    };
    // discover advertises what the stream delivers
    let (_, _, body) = post(&s, &[("mcp-protocol-version", "2026-07-28"), ("mcp-method", "server/discover")], json!({"jsonrpc": "2.0", "id": 1, "method": "server/discover", "params": {"_meta": modern_meta()}})).await;
    assert_eq!(body["result"]["capabilities"]["tools"]["listChanged"], true);

    let resp = router(s.clone())
        .oneshot(listen(
            json!({"toolsListChanged": true, "promptsListChanged": true}),
        ))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    let mut frames = resp.into_body().into_data_stream();
    let mut next = async || {
        let frame = tokio::time::timeout(std::time::Duration::from_secs(5), frames.next())
            .await
            .expect("a frame in time")?
            .unwrap();
        let text = String::from_utf8_lossy(&frame).into_owned();
        let data = text
            .strip_prefix("event: message\ndata: ")
            .unwrap_or_else(|| panic!("an SSE message: {text}"));
        Some(serde_json::from_str::<Value>(data.trim()).unwrap())
    };
    let ack = next().await.expect("the acknowledgement");
    assert_eq!(ack["method"], "notifications/subscriptions/acknowledged");
    assert_eq!(
        ack["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"],
        7
    );
    assert_eq!(
        ack["params"]["notifications"],
        json!({"toolsListChanged": true}),
        "only the honoured types are acknowledged"
    );
    s.dispatcher
        .runtime
        .swap(lynx::runtime::catalog::Catalog::default());
    let note = next().await.expect("a change notification");
    assert_eq!(note["method"], "notifications/tools/list_changed");
    assert_eq!(
        note["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"],
        7
    );
    // Stopping the server ends the stream with the listen request's result.
    s.dispatcher.runtime.close();
    let last = next().await.expect("the closing result");
    assert_eq!(last["id"], 7);
    assert_eq!(
        last["result"]["_meta"]["io.modelcontextprotocol/subscriptionId"],
        7
    );
    assert!(next().await.is_none(), "the stream ends after its result");

    // A filter is required.
    let (status, _, body) = post(&s, &[("mcp-protocol-version", "2026-07-28"), ("mcp-method", "subscriptions/listen")], json!({"jsonrpc": "2.0", "id": 8, "method": "subscriptions/listen", "params": {"_meta": modern_meta()}})).await;
    assert_eq!(
        (status, body["error"]["code"].as_i64()),
        (StatusCode::BAD_REQUEST, Some(-32602))
    );
    // Legacy sessions have no such method.
    let session = legacy_session(&s).await;
    let (_, _, body) = post(&s, &[("mcp-session-id", session.as_str())], json!({"jsonrpc": "2.0", "id": 9, "method": "subscriptions/listen", "params": {"notifications": {"toolsListChanged": true}}})).await;
    assert_eq!(body["error"]["code"], -32601);
}

#[test]
fn stdio_listen_streams_and_cancelled_calls_end_without_holding_the_exit() {
    let p = project();
    p.write(
        "tools/sleep.yaml",
        "id: demo.domain.sleep.run\ndescription: Sleeps.\nhandler: { kind: builtin, name: sleep, duration: 15s, timeout: 60s }\ninput_schema: { type: object }\n",
    );
    let meta = modern_meta();
    let input = [
        json!({"jsonrpc": "2.0", "id": 5, "method": "subscriptions/listen", "params": {"_meta": meta, "notifications": {"toolsListChanged": true}}}),
        json!({"jsonrpc": "2.0", "id": 6, "method": "tools/call", "params": {"_meta": meta, "name": "demo.domain.sleep.run", "arguments": {}}}),
        json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 6, "reason": "user"}}),
        json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"_meta": meta, "name": "demo.domain.echo.run", "arguments": {"message": "still here"}}}),
    ]
    .iter()
    .map(|v| v.to_string() + "\n")
    .collect::<String>();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("lynx"))
        .args(["serve", "--stdio", "--no-watch"])
        .current_dir(p.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    std::io::Write::write_all(&mut stdin, input.as_bytes()).unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<Value>();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufRead::lines(std::io::BufReader::new(stdout)) {
            let Ok(line) = line else { return };
            let _ = tx.send(serde_json::from_str(&line).unwrap_or(Value::String(line)));
        }
    });
    // Read until the echo's answer, then close stdin.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut lines = Vec::new();
    while !lines.iter().any(|l: &Value| l["id"] == 7) {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(v) => lines.push(v),
            Err(_) => panic!("no answer to 7 in time: {lines:?}"),
        }
    }
    drop(stdin);
    // Without cancellation the sleep would hold the exit for 15 s; the listen stream would
    // hold it forever.
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("still running 10 s after stdin closed: {lines:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(status.success());
    lines.extend(rx.try_iter());
    let ack = lines
        .iter()
        .find(|l| l["method"] == "notifications/subscriptions/acknowledged")
        .unwrap_or_else(|| panic!("no acknowledgement: {lines:?}"));
    assert_eq!(
        ack["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"],
        5
    );
    assert!(
        lines.iter().all(|l| l["id"] != 6),
        "a cancelled call gets no answer: {lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l["id"] == 7 && l["result"]["structuredContent"]["message"] == "still here"),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .all(|l| l["method"] != "notifications/tools/list_changed"),
        "nothing unasked for: {lines:?}"
    );
}

#[test]
fn stdio_legacy_session_keeps_client_capabilities_and_log_level() {
    let p = project();
    let session = |set_level: bool| {
        let mut input = vec![
            json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}),
            json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        ];
        if set_level {
            input.push(json!({"jsonrpc": "2.0", "id": 2, "method": "logging/setLevel", "params": {"level": "error"}}));
        }
        input.push(json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "test_tool_with_logging", "arguments": {}}}));
        input.push(json!({"jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": {"name": "test_sampling", "arguments": {"prompt": "hi"}}}));
        let input: String = input.iter().map(|v| v.to_string() + "\n").collect();
        let out = p
            .lynx(&["serve", "--stdio", "--no-watch", "--conformance-fixtures"])
            .write_stdin(input)
            .timeout(std::time::Duration::from_secs(20))
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .collect::<Vec<_>>()
    };
    let logs = |lines: &[Value]| {
        lines
            .iter()
            .filter(|l| l["method"] == "notifications/message")
            .count()
    };
    let quiet = session(true);
    assert_eq!(logs(&quiet), 0, "info logs stay below `error`: {quiet:?}");
    let sampling = quiet.iter().find(|l| l["id"] == 4).unwrap();
    assert_eq!(sampling["result"]["isError"], true, "{sampling}");
    assert!(
        sampling.to_string().contains("did not declare"),
        "the session's capabilities are known: {sampling}"
    );
    let chatty = session(false);
    assert_eq!(logs(&chatty), 3, "{chatty:?}");
}

#[tokio::test]
async fn legacy_notifications_cancelled_stops_the_call() {
    let p = project();
    p.write(
        "tools/sleep.yaml",
        "id: demo.domain.sleep.run\ndescription: Sleeps.\nhandler: { kind: builtin, name: sleep, duration: 15s, timeout: 60s }\ninput_schema: { type: object }\n",
    );
    let s = state(&p);
    let session = legacy_session(&s).await;
    let call = {
        let s = s.clone();
        let session = session.clone();
        tokio::spawn(async move {
            post(&s, &[("mcp-session-id", session.as_str())], json!({"jsonrpc": "2.0", "id": "slow-1", "method": "tools/call", "params": {"name": "demo.domain.sleep.run", "arguments": {}}})).await
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let (status, _, _) = post(&s, &[("mcp-session-id", session.as_str())], json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": "slow-1", "reason": "user"}})).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    // Without the cancellation the call would take 15 s.
    let (status, _, body) = tokio::time::timeout(std::time::Duration::from_secs(5), call)
        .await
        .expect("the cancelled call ends at once")
        .unwrap();
    assert_ne!(status, StatusCode::OK, "{body}");
    assert!(
        body["result"].is_null(),
        "no result for a cancelled call: {body}"
    );
}

#[tokio::test]
async fn listen_streams_have_their_own_cap_and_do_not_starve_calls() {
    let p = project();
    let s = crate::support::http_state_with(
        &p,
        None,
        HttpSettings {
            max_sessions: 1,
            max_concurrency: 1,
            ..HttpSettings::default()
        },
    );
    let listen = |id: i64| {
        Request::post("/mcp")
            .header("content-type", "application/json")
            .header("host", "127.0.0.1:7878")
            .header("mcp-protocol-version", "2026-07-28")
            .header("mcp-method", "subscriptions/listen")
            .body(Body::from(
                json!({"jsonrpc": "2.0", "id": id, "method": "subscriptions/listen", "params": {"_meta": modern_meta(), "notifications": {"toolsListChanged": true}}})
                    .to_string(),
            ))
            .unwrap()
    };
    let open = router(s.clone()).oneshot(listen(1)).await.unwrap();
    assert_eq!(open.status(), StatusCode::OK);
    let second = router(s.clone()).oneshot(listen(2)).await.unwrap();
    assert_eq!(second.status(), StatusCode::SERVICE_UNAVAILABLE);
    // The one request slot is still free for a call while the stream is open.
    let h = [
        ("mcp-protocol-version", "2026-07-28"),
        ("mcp-method", "tools/call"),
        ("mcp-name", "demo.domain.echo.run"),
    ];
    let (status, _, body) = post(&s, &h, json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "demo.domain.echo.run", "arguments": {"message": "m"}, "_meta": modern_meta()}})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Closing the stream frees its slot.
    drop(open);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let again = router(s.clone()).oneshot(listen(4)).await.unwrap();
    assert_eq!(again.status(), StatusCode::OK);
}

#[test]
fn stdio_listen_streams_are_capped_and_do_not_block_calls() {
    let p = project();
    let meta = modern_meta();
    let max = lynx::runtime::stdio::MAX_LISTENERS as i64;
    let mut input: Vec<Value> = (1..=max + 1)
        .map(|id| json!({"jsonrpc": "2.0", "id": id, "method": "subscriptions/listen", "params": {"_meta": meta, "notifications": {"toolsListChanged": true}}}))
        .collect();
    input.push(json!({"jsonrpc": "2.0", "id": 100, "method": "tools/call", "params": {"_meta": meta, "name": "demo.domain.echo.run", "arguments": {"message": "m"}}}));
    let input: String = input.iter().map(|v| v.to_string() + "\n").collect();
    let out = p
        .lynx(&["serve", "--stdio", "--no-watch"])
        .write_stdin(input)
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    assert!(out.status.success());
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let refused = lines
        .iter()
        .find(|l| l["id"] == max + 1)
        .unwrap_or_else(|| panic!("the stream over the cap is refused: {lines:?}"));
    assert_eq!(refused["error"]["code"], -32600);
    assert!(
        lines
            .iter()
            .any(|l| l["id"] == 100 && l["result"].is_object()),
        "{lines:?}"
    );
}

#[tokio::test]
async fn deleting_a_session_stops_its_calls() {
    let p = project();
    p.write(
        "tools/sleep.yaml",
        "id: demo.domain.sleep.run\ndescription: Sleeps.\nhandler: { kind: builtin, name: sleep, duration: 15s, timeout: 60s }\ninput_schema: { type: object }\n",
    );
    let s = state(&p);
    let session = legacy_session(&s).await;
    let call = {
        let s = s.clone();
        let session = session.clone();
        tokio::spawn(async move {
            post(&s, &[("mcp-session-id", session.as_str())], json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "demo.domain.sleep.run", "arguments": {}}})).await
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let del = Request::delete("/mcp")
        .header("host", "localhost")
        .header("mcp-session-id", &session)
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        router(s.clone()).oneshot(del).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    // Without the stop the call would take 15 s.
    let (status, _, _) = tokio::time::timeout(std::time::Duration::from_secs(5), call)
        .await
        .expect("the session's call ends with it")
        .unwrap();
    assert_ne!(status, StatusCode::OK);
}
