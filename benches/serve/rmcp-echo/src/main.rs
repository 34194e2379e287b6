//! The `rmcp` (Rust MCP SDK) peer for `cargo xtask bench-serve`: a stateless Streamable HTTP
//! server (no legacy sessions, JSON responses) with one tool, `echo`, that returns its
//! arguments as structured content and as text — the same result `lynx serve`'s builtin echo
//! gives. Dual-era as rmcp is: modern 2026-07-28 requests are served statelessly.
//! Usage: `rmcp-echo [ADDR]` (default `127.0.0.1:7902`).

use axum::serve::ListenerExt as _;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::{Value, json};
use std::sync::Arc;

#[derive(Clone)]
struct Echo {
    tool: Arc<Tool>,
}

impl Echo {
    fn new() -> Self {
        let schema = json!({
            "type": "object",
            "properties": { "message": { "type": "string" } },
            "additionalProperties": true,
        });
        let Value::Object(schema) = schema else {
            unreachable!()
        };
        Echo {
            tool: Arc::new(Tool::new(
                "echo",
                "Returns its arguments unchanged.",
                schema,
            )),
        }
    }
}

impl ServerHandler for Echo {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(vec![(*self.tool).clone()]))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        if request.name != "echo" {
            return Err(ErrorData::invalid_params(
                format!("unknown tool: {}", request.name),
                None,
            ));
        }
        let args = Value::Object(request.arguments.unwrap_or_default());
        Ok(CallToolResult::structured(args).into())
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:7902".to_string());
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None);
    // rmcp calls the factory once per stateless request: hand out clones of one handler.
    let echo = Echo::new();
    let service: StreamableHttpService<Echo, NeverSessionManager> =
        StreamableHttpService::new(move || Ok(echo.clone()), Default::default(), config);
    let app = axum::Router::new().nest_service("/mcp", service);
    let listener = tokio::net::TcpListener::bind(&addr).await?.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    eprintln!("rmcp-echo listening on http://{addr}/mcp");
    axum::serve(listener, app).await
}
