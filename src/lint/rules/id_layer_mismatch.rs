//! A tool whose `layer` field disagrees with the layer in its id (the second segment).
//!
//! **Why:** the id is what clients, metrics and policies see; a `layer` saying otherwise makes
//! one of them lie.
//!
//! **Example:**
//! ```yaml
//! id: finance.cell.payment.approve
//! layer: domain          # the id says `cell`
//! ```

use crate::lint::context::Context;
use crate::lint::diagnostic::{Diagnostic, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    name: "id-layer-mismatch",
    severity: Severity::Error,
    summary: "`layer` differs from the layer segment of the id",
};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (entry, tool) in cx.tools() {
        let (Some(layer), Some(id_layer)) = (tool.layer, tool.id.split('.').nth(1)) else {
            continue;
        };
        if super::id_format::problem(&tool.id).is_none() && layer.as_str() != id_layer {
            out.push(
                Diagnostic::at(
                    &META,
                    entry.file,
                    cx.tool_span(entry, "/layer"),
                    format!(
                        "`layer` is `{}` but the id `{}` says `{id_layer}`",
                        layer.as_str(),
                        tool.id
                    ),
                )
                .with_related(entry.file, cx.tool_span(entry, "/id"), "the id")
                .with_help(format!("set `layer: {id_layer}` or rename the tool")),
            );
        }
    }
}
