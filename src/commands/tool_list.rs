//! `lynx tool:list`: the catalog as MCP clients see it — the local project's, or with
//! `--server URL` the `tools/list` of any running MCP server.

use crate::cli::{DataFormat, ToolListArgs};
use crate::exit::{Outcome, UsageError};
use crate::runtime::catalog::Catalog;
use crate::runtime::client::{self, ClientOptions, McpClient};
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

/// One row of the human table.
struct Row {
    tool: String,
    handler: String,
    risk: String,
    description: String,
}

pub fn run(args: &ToolListArgs, config: Option<PathBuf>) -> anyhow::Result<Outcome> {
    if let Some(server) = &args.server {
        return remote(args, server);
    }
    let project = match super::valid_project(config)? {
        Ok(p) => p,
        Err(outcome) => return Ok(outcome),
    };
    let catalog = Catalog::build(&project);
    let listings: Vec<Value> = catalog.tools().iter().map(|t| t.listing.clone()).collect();
    let rows = catalog
        .tools()
        .iter()
        .map(|t| Row {
            tool: t.name.clone(),
            handler: handler_kind(&t.def.handler).to_owned(),
            risk: format!("{:?}", t.def.risk).to_lowercase(),
            description: t.def.description.clone().unwrap_or_default(),
        })
        .collect();
    super::print(&render(args.format, &listings, rows, &catalog.skipped)?)?;
    Ok(Outcome::Success)
}

/// `--server URL`: the server's `tools/list` (every page), in the same shapes as the local
/// listing. Handler and risk are the server's business and show as `-`.
fn remote(args: &ToolListArgs, server: &str) -> anyhow::Result<Outcome> {
    let url = client::parse_server_url(server).map_err(UsageError::new)?;
    let options = ClientOptions {
        request_timeout: Some(Duration::from_secs(60)),
        ..ClientOptions::default()
    };
    let tools = super::tokio()?.block_on(async {
        let client = McpClient::connect(url, options).await?;
        let tools = client.list_tools().await;
        client.close().await;
        tools
    });
    let tools = tools.map_err(super::tool_call::client_error)?;
    let rows = tools
        .iter()
        .map(|t| Row {
            tool: t
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_owned(),
            handler: "-".into(),
            risk: "-".into(),
            description: t
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        })
        .collect();
    super::print(&render(args.format, &tools, rows, &[])?)?;
    Ok(Outcome::Success)
}

fn render(
    format: DataFormat,
    listings: &[Value],
    rows: Vec<Row>,
    skipped: &[(String, String)],
) -> anyhow::Result<String> {
    Ok(match format {
        DataFormat::Json => {
            serde_json::to_string_pretty(&serde_json::json!({ "tools": listings }))? + "\n"
        }
        DataFormat::Human => {
            let mut table = comfy_table::Table::new();
            table
                .load_style(comfy_table::presets::UTF8_FULL_CONDENSED)
                .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
                .set_header(["tool", "handler", "risk", "description"]);
            let count = rows.len();
            for r in rows {
                table.add_row([r.tool, r.handler, r.risk, r.description]);
            }
            let mut out = format!("{table}\n{count} tools\n");
            for (id, why) in skipped {
                out.push_str(&format!("warning: `{id}` is not served: {why}\n"));
            }
            out
        }
    })
}

fn handler_kind(h: &crate::project::model::Handler) -> &'static str {
    use crate::project::model::{Handler, HandlerKind};
    match h {
        Handler::Module(_) => "python",
        Handler::Spec(s) => match s.kind {
            HandlerKind::Exec => "exec",
            HandlerKind::Worker => "worker",
            HandlerKind::Http => "http",
            HandlerKind::Mcp => "mcp",
            HandlerKind::Workflow => "workflow",
            HandlerKind::Builtin => "builtin",
        },
    }
}
