//! A workflow step whose `tool:` is neither a tool id of the project nor the name of a
//! workflow (a workflow may call another). Steps with `upstream:` are skipped: their tool lives
//! on another MCP server.
//!
//! **Why:** the workflow is accepted and served, and fails at run time when it reaches the step —
//! after the steps before it already ran.
//!
//! **Example:**
//! ```yaml
//! steps:
//!   - id: read
//!     tool: finance.domain.health.raed     # → finance.domain.health.read
//! ```

use crate::lint::context::Context;
use crate::lint::diagnostic::{Diagnostic, RuleMeta, Severity};
use crate::lint::suggest::did_you_mean;
use std::collections::BTreeSet;

pub static META: RuleMeta = RuleMeta {
    name: "unknown-tool",
    severity: Severity::Error,
    summary: "a workflow step calls a tool that is not defined",
};

/// Every tool id the project defines, and every workflow name, including definitions that do
/// not load (the `schema` rule reports those; calling them is not this rule's finding).
fn known<'a>(cx: &Context<'a>) -> (BTreeSet<&'a str>, BTreeSet<&'a str>) {
    let mut tools: BTreeSet<&str> = cx.tools_by_id.keys().copied().collect();
    for t in cx.project.tools.iter().filter(|t| t.def.is_none()) {
        tools.extend(
            cx.tool_node(t)
                .and_then(|n| n.get("id"))
                .and_then(|n| n.as_str()),
        );
    }
    let mut workflows: BTreeSet<&str> = cx.workflows_by_name.keys().copied().collect();
    for w in cx.project.workflows.iter().filter(|w| w.def.is_none()) {
        workflows.extend(
            cx.workflow_node(w)
                .and_then(|n| n.get("name"))
                .and_then(|n| n.as_str()),
        );
    }
    (tools, workflows)
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let mut known_names = None;
    for (entry, wf) in cx.workflows() {
        for (i, step) in wf.steps.iter().enumerate() {
            if step.upstream.is_some() {
                continue;
            }
            let (tools, workflows) = known_names.get_or_insert_with(|| known(cx));
            let tool = step.tool.as_str();
            if tools.contains(tool) || workflows.contains(tool) {
                continue;
            }
            let span = cx.workflow_span(entry, &format!("/steps/{i}/tool"));
            let message = if tools.is_empty() {
                format!("tool `{tool}` is not defined (known tools: none)")
            } else {
                format!("tool `{tool}` is not defined")
            };
            let help = match did_you_mean(tool, tools.iter().chain(workflows.iter()).copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None if tools.is_empty() => "no tool files are loaded: validate the whole project, or pass the tool \
                                             files too; a tool of another MCP server needs `upstream: NAME`"
                    .to_owned(),
                None => "name a tool id or workflow of this project (`lynx tool:list` shows them); a tool of \
                         another MCP server needs `upstream: NAME`"
                    .to_owned(),
            };
            out.push(Diagnostic::at(&META, entry.file, span, message).with_help(help));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::invalid_expression::test_support::{lint, tool};

    const RULE: &str = "unknown-tool";

    const WORKFLOW: &str = "name: w\nsteps:\n  - id: a\n    tool: docs.cluster.draft.create\n  - id: b\n    tool: other\n  - id: c\n    tool: docs.cluster.draft.craete\n  - id: d\n    tool: anywhere.tool\n    upstream: billing\n  - id: e\n    tool: zzz\n";

    #[test]
    fn tools_and_workflows_are_known_typos_are_not() {
        let t = tool("docs.cluster.draft.create", "{ type: object }");
        let l = lint(&[
            ("tools/a.yaml", &t),
            ("workflows/w.yaml", WORKFLOW),
            (
                "workflows/other.yaml",
                "name: other\nsteps: [{ id: x, tool: w }]\n",
            ),
        ]);
        let found = l.found(RULE);
        assert_eq!(
            found,
            [
                (
                    8,
                    "tool `docs.cluster.draft.craete` is not defined".to_string()
                ),
                (13, "tool `zzz` is not defined".to_string()),
            ]
        );
        let d = l.of(RULE);
        assert_eq!(
            d[0].help.as_deref(),
            Some("did you mean `docs.cluster.draft.create`?")
        );
        assert!(d[1].help.as_deref().unwrap().contains("upstream"));
        assert_eq!(l.text(d[0]), "docs.cluster.draft.craete");
    }

    #[test]
    fn a_tool_that_does_not_load_is_still_known() {
        let l = lint(&[
            (
                "tools/a.yaml",
                "id: docs.cluster.draft.create\nhandler: { kind: builtin, name: echo }\nbogus: 1\n",
            ),
            (
                "workflows/w.yaml",
                "name: w\nsteps: [{ id: a, tool: docs.cluster.draft.create }]\n",
            ),
        ]);
        assert_eq!(l.found(RULE), []);
    }

    #[test]
    fn nothing_loaded_says_so() {
        let l = lint(&[(
            "workflows/w.yaml",
            "name: w\nsteps: [{ id: a, tool: x.cell.y }]\n",
        )]);
        assert_eq!(
            l.found(RULE),
            [(
                2,
                "tool `x.cell.y` is not defined (known tools: none)".to_string()
            )]
        );
    }
}
