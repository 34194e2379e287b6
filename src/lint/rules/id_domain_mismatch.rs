//! A tool whose `domain` field disagrees with the domain in its id (the first segment).
//!
//! **Why:** tenants, dashboards and RBAC group tools by domain; the id and the field must tell
//! the same story.
//!
//! **Example:**
//! ```yaml
//! id: finance.domain.health.read
//! domain: billing        # the id says `finance`
//! ```

use crate::lint::context::Context;
use crate::lint::diagnostic::{Diagnostic, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    name: "id-domain-mismatch",
    severity: Severity::Error,
    summary: "`domain` differs from the domain segment of the id",
};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (entry, tool) in cx.tools() {
        let (Some(domain), Some(id_domain)) = (&tool.domain, tool.id.split('.').next()) else {
            continue;
        };
        if super::id_format::problem(&tool.id).is_none() && domain != id_domain {
            out.push(
                Diagnostic::at(
                    &META,
                    entry.file,
                    cx.tool_span(entry, "/domain"),
                    format!(
                        "`domain` is `{domain}` but the id `{}` says `{id_domain}`",
                        tool.id
                    ),
                )
                .with_related(entry.file, cx.tool_span(entry, "/id"), "the id")
                .with_help(format!("set `domain: {id_domain}` or rename the tool")),
            );
        }
    }
}
