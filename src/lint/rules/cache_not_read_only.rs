//! `cache:` on a tool that is not marked read-only (`annotations.readOnlyHint: true`).
//!
//! **Why:** caching a tool that changes state turns the second call into a silent no-op —
//! the payment is "made" twice, once for real.
//!
//! **Example:**
//! ```yaml
//! id: finance.cell.payment.send
//! cache: { ttl: 5m }          # a cached payment
//! ```

use crate::lint::context::Context;
use crate::lint::diagnostic::{Diagnostic, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    name: "cache-not-read-only",
    severity: Severity::Error,
    summary: "`cache` is set on a tool that is not read-only",
};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (entry, tool) in cx.tools() {
        if tool.cache.is_some() && !tool.read_only() {
            out.push(
                Diagnostic::at(
                    &META,
                    entry.file,
                    cx.tool_key_span(entry, "/cache"),
                    format!("tool `{}` is cached but not read-only", tool.id),
                )
                .with_help("set `annotations.readOnlyHint: true` if the tool changes nothing, or remove `cache`"),
            );
        }
    }
}
