//! A minimal axum JSON-RPC echo server: the ceiling for `cargo xtask bench-serve`.
//!
//! `POST /mcp` parses the JSON-RPC body and answers
//! `{"jsonrpc":"2.0","id":…,"result":{"content":[{"type":"text","text":…}],"structuredContent":args}}`
//! with the `tools/call` arguments. No MCP semantics beyond that: no header checks, no
//! sessions, no validation. Usage: `axum-echo [ADDR]` (default `127.0.0.1:7901`).

use axum::Router;
use axum::body::Bytes;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::serve::ListenerExt as _;
use serde_json::{Value, json};

async fn mcp(body: Bytes) -> Response {
    let Ok(mut req) = serde_json::from_slice::<Value>(&body) else {
        return (StatusCode::BAD_REQUEST, "parse error").into_response();
    };
    let id = req.get_mut("id").map(Value::take).unwrap_or(Value::Null);
    let args = req
        .get_mut("params")
        .and_then(|p| p.get_mut("arguments"))
        .map(Value::take)
        .unwrap_or_else(|| json!({}));
    let text = args.to_string();
    let out = json!({
        "jsonrpc": "2.0",
        "id": id,
        "result": {
            "content": [{ "type": "text", "text": text }],
            "structuredContent": args,
        },
    });
    let bytes = serde_json::to_vec(&out).unwrap_or_default();
    ([(header::CONTENT_TYPE, "application/json")], bytes).into_response()
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:7901".to_string());
    let app = Router::new().route("/mcp", post(mcp));
    let listener = tokio::net::TcpListener::bind(&addr).await?.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    eprintln!("axum-echo listening on http://{addr}/mcp");
    axum::serve(listener, app).await
}
