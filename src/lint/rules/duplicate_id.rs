//! Two tools with the same id, two workflows with the same name, or a workflow named like a
//! tool — in one file or across files.
//!
//! **Why:** the id (or workflow name) is the MCP tool name; clients can only call one of them,
//! and which one wins would depend on file order.
//!
//! **Example:** `tools/a.yaml` and `tools/b.yaml` both say `id: finance.domain.health.read`.

use crate::lint::context::Context;
use crate::lint::diagnostic::{Diagnostic, FileId, RuleMeta, Severity};
use crate::project::source::Span;

pub static META: RuleMeta = RuleMeta {
    name: "duplicate-id",
    severity: Severity::Error,
    summary: "a tool id or workflow name is defined more than once",
};

/// One definition of a name: where it is, for ordering and reporting.
struct Def {
    file: FileId,
    span: Span,
}

/// Reports every definition after the first (in path order) against the first. When only the
/// first is being checked (`tool:validate` named just that file), it is reported against the
/// second instead, so the collision is never lost to the file filter.
fn report(cx: &Context, out: &mut Vec<Diagnostic>, mut defs: Vec<Def>, message: &str, help: &str) {
    defs.sort_by(|a, b| {
        let name = |d: &Def| cx.project.file(d.file).display.as_str();
        (name(a), a.span.start).cmp(&(name(b), b.span.start))
    });
    let diag = |at: &Def, other: &Def, note: &str| {
        Diagnostic::at(&META, at.file, at.span, message)
            .with_related(other.file, other.span, note)
            .with_help(help)
    };
    for d in &defs[1..] {
        out.push(diag(d, &defs[0], "first defined here"));
    }
    if cx.is_target(defs[0].file) && !defs[1..].iter().any(|d| cx.is_target(d.file)) {
        out.push(diag(&defs[0], &defs[1], "also defined here"));
    }
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let mut ids: Vec<_> = cx.tools_by_id.iter().filter(|(_, v)| v.len() > 1).collect();
    ids.sort_by_key(|(id, _)| **id);
    for (id, defs) in ids {
        let defs = defs
            .iter()
            .map(|(e, _)| Def {
                file: e.file,
                span: cx.tool_span(e, "/id"),
            })
            .collect();
        report(
            cx,
            out,
            defs,
            &format!("tool id `{id}` is defined more than once"),
            "rename one of the tools; ids are the MCP tool names and must be unique",
        );
    }
    let mut names: Vec<_> = cx.workflows_by_name.iter().collect();
    names.sort_by_key(|(n, _)| **n);
    for (name, defs) in names {
        let wf_defs: Vec<Def> = defs
            .iter()
            .map(|(e, _)| Def {
                file: e.file,
                span: cx.workflow_span(e, "/name"),
            })
            .collect();
        if let Some((tool, _)) = cx.tools_by_id.get(name).and_then(|v| v.first()) {
            // A workflow is served as a tool named by `name`: it collides with the tool.
            let tool = Def {
                file: tool.file,
                span: cx.tool_span(tool, "/id"),
            };
            let wf = &wf_defs[0];
            let (at, other, note) = if !cx.is_target(wf.file) && cx.is_target(tool.file) {
                (&tool, wf, "the workflow")
            } else {
                (wf, &tool, "the tool")
            };
            out.push(
                Diagnostic::at(
                    &META,
                    at.file,
                    at.span,
                    format!("`{name}` names both a workflow and a tool"),
                )
                .with_related(other.file, other.span, note)
                .with_help(
                    "workflows are served as MCP tools named by `name`; pick a name no tool uses",
                ),
            );
        }
        if wf_defs.len() > 1 {
            report(
                cx,
                out,
                wf_defs,
                &format!("workflow `{name}` is defined more than once"),
                "rename one of the workflows; each is served as an MCP tool of that name",
            );
        }
    }
}
