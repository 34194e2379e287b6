//! `retry:` on a tool that is not idempotent (`annotations.idempotentHint: true`, or
//! read-only).
//!
//! **Why:** a retry after a timeout may run the call a second time while the first is still
//! going; only idempotent tools survive that.
//!
//! **Example:**
//! ```yaml
//! id: finance.cell.payment.send
//! retry: { attempts: 3 }      # may pay three times
//! ```

use crate::lint::context::Context;
use crate::lint::diagnostic::{Diagnostic, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    name: "retry-not-idempotent",
    severity: Severity::Error,
    summary: "`retry` is set on a tool that is not idempotent",
};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (entry, tool) in cx.tools() {
        if tool.retry.as_ref().is_some_and(|r| r.attempts > 1) && !tool.idempotent() {
            out.push(
                Diagnostic::at(
                    &META,
                    entry.file,
                    cx.tool_key_span(entry, "/retry"),
                    format!("tool `{}` is retried but not idempotent", tool.id),
                )
                .with_help("set `annotations.idempotentHint: true` if repeating a call is safe, or remove `retry`"),
            );
        }
    }
}
