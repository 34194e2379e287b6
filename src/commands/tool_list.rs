//! `lynx tool:list`: the catalog as MCP clients see it.

use crate::cli::{DataFormat, ToolListArgs};
use crate::exit::Outcome;
use crate::runtime::catalog::Catalog;
use std::path::PathBuf;

pub fn run(args: &ToolListArgs, config: Option<PathBuf>) -> anyhow::Result<Outcome> {
    let project = match super::valid_project(config)? {
        Ok(p) => p,
        Err(outcome) => return Ok(outcome),
    };
    let catalog = Catalog::build(&project);
    let text = match args.format {
        DataFormat::Json => {
            let tools: Vec<_> = catalog.tools().iter().map(|t| t.listing.clone()).collect();
            serde_json::to_string_pretty(&serde_json::json!({ "tools": tools }))? + "\n"
        }
        DataFormat::Human => {
            let mut table = comfy_table::Table::new();
            table
                .load_style(comfy_table::presets::UTF8_FULL_CONDENSED)
                .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
                .set_header(["tool", "handler", "risk", "description"]);
            for t in catalog.tools() {
                table.add_row([
                    t.name.clone(),
                    handler_kind(&t.def.handler).to_owned(),
                    format!("{:?}", t.def.risk).to_lowercase(),
                    t.def.description.clone().unwrap_or_default(),
                ]);
            }
            let mut out = format!("{table}\n{} tools\n", catalog.tools().len());
            for (id, why) in &catalog.skipped {
                out.push_str(&format!("warning: `{id}` is not served: {why}\n"));
            }
            out
        }
    };
    super::print(&text)?;
    Ok(Outcome::Success)
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
