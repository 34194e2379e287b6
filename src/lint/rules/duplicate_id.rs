//! Two tools with the same id, two workflows with the same name, or a workflow named like a
//! tool — in one file or across files.
//!
//! **Why:** the id (or workflow name) is the MCP tool name; clients can only call one of them,
//! and which one wins would depend on file order.
//!
//! **Example:** `tools/a.yaml` and `tools/b.yaml` both say `id: finance.domain.health.read`.

use crate::lint::context::Context;
use crate::lint::diagnostic::{Diagnostic, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    name: "duplicate-id",
    severity: Severity::Error,
    summary: "a tool id or workflow name is defined more than once",
};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let mut ids: Vec<_> = cx.tools_by_id.iter().filter(|(_, v)| v.len() > 1).collect();
    ids.sort_by_key(|(id, _)| **id);
    for (id, defs) in ids {
        let (first, _) = defs[0];
        let first_span = cx.tool_span(first, "/id");
        for (entry, _) in &defs[1..] {
            out.push(
                Diagnostic::at(
                    &META,
                    entry.file,
                    cx.tool_span(entry, "/id"),
                    format!("tool id `{id}` is already defined"),
                )
                .with_related(first.file, first_span, "first defined here")
                .with_help(
                    "rename one of the tools; ids are the MCP tool names and must be unique",
                ),
            );
        }
    }
    let mut names: Vec<_> = cx.workflows_by_name.iter().collect();
    names.sort_by_key(|(n, _)| **n);
    for (name, defs) in names {
        let (first, _) = defs[0];
        let first_span = cx.workflow_span(first, "/name");
        for (entry, _) in &defs[1..] {
            out.push(
                Diagnostic::at(
                    &META,
                    entry.file,
                    cx.workflow_span(entry, "/name"),
                    format!("workflow `{name}` is already defined"),
                )
                .with_related(first.file, first_span, "first defined here")
                .with_help(
                    "rename one of the workflows; each is served as an MCP tool of that name",
                ),
            );
        }
        if let Some((tool_entry, _)) = cx.tools_by_id.get(name).and_then(|v| v.first()) {
            out.push(
                Diagnostic::at(
                    &META,
                    first.file,
                    first_span,
                    format!("workflow `{name}` has the same name as a tool"),
                )
                .with_related(tool_entry.file, cx.tool_span(tool_entry, "/id"), "the tool")
                .with_help(
                    "workflows are served as MCP tools named by `name`; pick a name no tool uses",
                ),
            );
        }
    }
}
