//! A high-risk tool without an `approval:` block that requires approval. A warning by default;
//! an error under `[compliance] preset = "sox"`, which also requires approval for destructive
//! tools (`annotations.destructiveHint: true`).
//!
//! **Why:** high-risk and destructive calls made by an agent should wait for a person; SOX
//! requires it for changes to financial systems.
//!
//! **Example:**
//! ```yaml
//! id: finance.cell.payment.approve
//! risk: high
//! approval: { required: true, approvers: [role:finance-admin] }
//! ```

use crate::lint::context::Context;
use crate::lint::diagnostic::{Diagnostic, RuleMeta, Severity};
use crate::project::model::Risk;

pub static META: RuleMeta = RuleMeta {
    name: "risk-without-approval",
    severity: Severity::Warning,
    summary: "a high-risk (or, under SOX, destructive) tool does not require approval",
};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let sox = cx.sox();
    for (entry, tool) in cx.tools() {
        if tool.approval.as_ref().is_some_and(|a| a.required) {
            continue;
        }
        let high = tool.risk == Risk::High;
        let destructive = sox && tool.destructive();
        if !(high || destructive) {
            continue;
        }
        let (pointer, what) = if high {
            ("/risk", "is high-risk")
        } else {
            ("/annotations/destructiveHint", "is destructive")
        };
        let mut d = Diagnostic::at(
            &META,
            entry.file,
            cx.tool_span(entry, pointer),
            format!("tool `{}` {what} but does not require approval", tool.id),
        )
        .with_help("add `approval: { required: true, approvers: [role:…] }`");
        if sox {
            d = d.with_severity(Severity::Error);
            d.message
                .push_str(" (required by the SOX compliance preset)");
        }
        out.push(d);
    }
}
