//! `lynx serve --conformance-fixtures` over the HTTP transport, in process: the interactions
//! the fixtures need from the transport (the full suite runs in `scripts/conformance.sh`).
//! Legacy: a server→client request on the call's SSE stream answered by a separate POST, the
//! session's client capabilities and `logging/setLevel`. Modern: `input_required` results and
//! -32021.

use crate::support::TempProject;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use futures_util::StreamExt;
use lynx::runtime::fixtures::ConformanceFixtures;
use lynx::runtime::http::{HttpState, router};
use serde_json::{Value, json};
use std::sync::Arc;
use tower::ServiceExt;

fn state(p: &TempProject) -> Arc<HttpState> {
    crate::support::http_state(p, Some(Arc::new(ConformanceFixtures::default())))
}

fn request(headers: &[(&str, &str)], body: &Value) -> Request<Body> {
    let mut req = Request::post("/mcp")
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("host", "127.0.0.1:7878");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.body(Body::from(body.to_string())).unwrap()
}

/// One POST; the JSON body, or every `data:` message of an SSE body, in order.
async fn post(
    state: &Arc<HttpState>,
    headers: &[(&str, &str)],
    body: Value,
) -> (StatusCode, Vec<Value>) {
    let resp = router(state.clone())
        .oneshot(request(headers, &body))
        .await
        .unwrap();
    let status = resp.status();
    let sse = resp
        .headers()
        .get("content-type")
        .is_some_and(|c| c == "text/event-stream");
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let messages = if sse {
        text.lines()
            .filter_map(|l| l.strip_prefix("data: "))
            .map(|d| serde_json::from_str(d).unwrap())
            .collect()
    } else if text.is_empty() {
        Vec::new()
    } else {
        vec![serde_json::from_str(&text).unwrap()]
    };
    (status, messages)
}

async fn legacy_session(state: &Arc<HttpState>, capabilities: Value) -> String {
    let resp = router(state.clone())
        .oneshot(request(
            &[],
            &json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
                "protocolVersion": "2025-11-25", "capabilities": capabilities,
                "clientInfo": {"name": "t", "version": "1"}}}),
        ))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    resp.headers()["mcp-session-id"]
        .to_str()
        .unwrap()
        .to_owned()
}

fn project() -> TempProject {
    TempProject::new(&[("lynx.toml", "")])
}

#[tokio::test]
async fn legacy_sampling_goes_out_on_the_call_stream_and_the_answer_comes_back_by_post() {
    let p = project();
    let s = state(&p);
    let session = legacy_session(&s, json!({"sampling": {}})).await;
    let h = [
        ("mcp-session-id", session.as_str()),
        ("mcp-protocol-version", "2025-11-25"),
    ];
    let resp = router(s.clone())
        .oneshot(request(
            &h,
            &json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call",
                    "params": {"name": "test_sampling", "arguments": {"prompt": "Capital of France?"}}}),
        ))
        .await
        .unwrap();
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    let mut stream = resp.into_body().into_data_stream();
    let mut buffer = String::new();
    let mut messages = Vec::new();
    while let Some(chunk) = stream.next().await {
        buffer.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
        while let Some(end) = buffer.find("\n\n") {
            let event: String = buffer.drain(..end + 2).collect();
            let data = event
                .lines()
                .find_map(|l| l.strip_prefix("data: "))
                .unwrap();
            let msg: Value = serde_json::from_str(data).unwrap();
            if msg["method"] == "sampling/createMessage" {
                assert_eq!(
                    msg["params"]["messages"][0]["content"]["text"],
                    "Capital of France?"
                );
                // The client's answer: a separate POST carrying only the response → 202.
                let (status, body) = post(
                    &s,
                    &h,
                    json!({"jsonrpc": "2.0", "id": msg["id"], "result": {
                    "role": "assistant", "model": "m", "stopReason": "endTurn",
                    "content": {"type": "text", "text": "Paris"}}}),
                )
                .await;
                assert_eq!((status, body), (StatusCode::ACCEPTED, Vec::new()));
            }
            messages.push(msg);
        }
    }
    let last = messages.last().unwrap();
    assert_eq!(last["id"], 7);
    assert_eq!(last["result"]["content"][0]["text"], "LLM response: Paris");
    assert!(last["result"].get("resultType").is_none());
}

#[tokio::test]
async fn legacy_sampling_without_the_capability_is_a_tool_error_and_set_level_filters_logs() {
    let p = project();
    let s = state(&p);
    let session = legacy_session(&s, json!({})).await;
    let h = [
        ("mcp-session-id", session.as_str()),
        ("mcp-protocol-version", "2025-11-25"),
    ];
    let (_, body) = post(
        &s,
        &h,
        json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": {"name": "test_sampling", "arguments": {"prompt": "x"}}}),
    )
    .await;
    assert_eq!(body[0]["result"]["isError"], true);

    let logs = |body: &[Value]| {
        body.iter()
            .filter(|m| m["method"] == "notifications/message")
            .count()
    };
    let call = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "test_tool_with_logging"}});
    let (_, body) = post(&s, &h, call.clone()).await;
    assert_eq!(logs(&body), 3, "info by default");
    let (_, body) = post(&s, &h, json!({"jsonrpc": "2.0", "id": 3, "method": "logging/setLevel", "params": {"level": "error"}})).await;
    assert_eq!(body[0]["result"], json!({}), "exactly {{}}");
    let (_, body) = post(&s, &h, call.clone()).await;
    assert_eq!(logs(&body), 0, "the session asked for errors only");
    let (_, body) = post(&s, &h, json!({"jsonrpc": "2.0", "id": 4, "method": "logging/setLevel", "params": {"level": "loud"}})).await;
    assert_eq!(body[0]["error"]["code"], -32602);
}

fn modern(
    method: &str,
    name: Option<&str>,
    params: Value,
    caps: Value,
) -> (Vec<(String, String)>, Value) {
    let mut params = params;
    params["_meta"] = json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": caps
    });
    let mut headers = vec![
        ("mcp-protocol-version".to_owned(), "2026-07-28".to_owned()),
        ("mcp-method".to_owned(), method.to_owned()),
    ];
    if let Some(n) = name {
        headers.push(("mcp-name".to_owned(), n.to_owned()));
    }
    (
        headers,
        json!({"jsonrpc": "2.0", "id": 9, "method": method, "params": params}),
    )
}

async fn post_modern(
    s: &Arc<HttpState>,
    (headers, body): (Vec<(String, String)>, Value),
) -> (StatusCode, Value) {
    let h: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (status, mut body) = post(s, &h, body).await;
    (status, body.pop().unwrap())
}

#[tokio::test]
async fn modern_input_required_is_decorated_without_caching_hints() {
    let p = project();
    let s = state(&p);
    let name = "test_input_required_result_request_state";
    let (status, body) = post_modern(
        &s,
        modern(
            "tools/call",
            Some(name),
            json!({"name": name}),
            json!({"elicitation": {}}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let r = &body["result"];
    assert_eq!(r["resultType"], "input_required");
    assert!(r.get("ttlMs").is_none() && r.get("cacheScope").is_none());
    let state_text = r["requestState"].as_str().unwrap().to_owned();

    let retry = |state: String| {
        modern(
            "tools/call",
            Some(name),
            json!({"name": name, "requestState": state,
                   "inputResponses": {"confirm": {"action": "accept", "content": {"ok": true}}}}),
            json!({"elicitation": {}}),
        )
    };
    let (_, body) = post_modern(&s, retry(state_text.clone())).await;
    assert_eq!(body["result"]["resultType"], "complete");
    assert!(
        body["result"]["content"][0]["text"]
            .as_str()
            .unwrap()
            .starts_with("state-ok")
    );
    let (status, body) = post_modern(&s, retry(format!("{state_text}-TAMPERED"))).await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (StatusCode::BAD_REQUEST, json!(-32602))
    );

    let (_, body) = post_modern(
        &s,
        modern(
            "resources/read",
            Some("test://static-text"),
            json!({"uri": "test://static-text"}),
            json!({}),
        ),
    )
    .await;
    assert_eq!(body["result"]["cacheScope"], "private");
    assert!(body["result"]["ttlMs"].is_u64());
}

#[tokio::test]
async fn modern_missing_capability_is_32021_with_400() {
    let p = project();
    let s = state(&p);
    let name = "test_missing_capability";
    let (status, body) = post_modern(
        &s,
        modern("tools/call", Some(name), json!({"name": name}), json!({})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["id"], 9);
    assert_eq!(body["error"]["code"], -32021);
    assert_eq!(
        body["error"]["data"],
        json!({"requiredCapabilities": {"sampling": {}}})
    );
    // Only what subscriptions/listen honours is advertised: tool-list changes, not resources.
    let (_, body) = post_modern(&s, modern("server/discover", None, json!({}), json!({}))).await;
    let caps = &body["result"]["capabilities"];
    assert!(caps["resources"].get("subscribe").is_none());
    assert_eq!(caps["tools"]["listChanged"], true);
    assert!(caps.get("completions").is_some());
}
