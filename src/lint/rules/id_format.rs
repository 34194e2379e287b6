//! A tool id that is not `<domain>.<layer>.<name…>`: lowercase segments of letters, digits and
//! `_`, separated by dots, at least three of them, the second one a layer (`domain`, `cluster`
//! or `cell`), at most 128 characters (MCP's limit on tool names).
//!
//! **Why:** the id is the MCP tool name clients see and the key of every metric, audit event
//! and RBAC rule; a consistent shape keeps catalogs sortable and policies writable by prefix.
//!
//! **Example:**
//! ```yaml
//! id: Finance.HealthRead      # → finance.domain.health_read
//! ```

use crate::lint::context::Context;
use crate::lint::diagnostic::{Diagnostic, RuleMeta, Severity};
use crate::project::model::Layer;

pub static META: RuleMeta = RuleMeta {
    name: "id-format",
    severity: Severity::Error,
    summary: "tool id is not `<domain>.<layer>.<name…>` in lowercase",
};

/// Why `id` is malformed, or `None` when it is fine.
pub fn problem(id: &str) -> Option<String> {
    if id.len() > 128 {
        return Some(format!(
            "is {} characters long; MCP tool names stop at 128",
            id.len()
        ));
    }
    let segments: Vec<&str> = id.split('.').collect();
    if let Some(bad) = segments.iter().find(|s| s.is_empty()) {
        let _ = bad;
        return Some("has an empty segment (two dots in a row, or a dot at an end)".into());
    }
    for s in &segments {
        let mut chars = s.chars();
        let first_ok = chars.next().is_some_and(|c| c.is_ascii_lowercase());
        if !first_ok
            || !s
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Some(format!(
                "has the segment `{s}`; segments start with a lowercase letter and hold only `a-z`, `0-9` and `_`"
            ));
        }
    }
    if segments.len() < 3 {
        return Some(format!(
            "has {} segment(s); it needs at least three: `<domain>.<layer>.<name>`",
            segments.len()
        ));
    }
    if !Layer::ALL.contains(&segments[1]) {
        return Some(format!(
            "has `{}` where the layer belongs; the second segment is `domain`, `cluster` or `cell`",
            segments[1]
        ));
    }
    None
}

/// A best-effort repair: lowercase, separators normalised.
fn suggestion(id: &str) -> String {
    id.chars()
        .map(|c| match c {
            'A'..='Z' => c.to_ascii_lowercase(),
            '-' | ' ' => '_',
            _ => c,
        })
        .collect()
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (entry, tool) in cx.tools() {
        if let Some(why) = problem(&tool.id) {
            let mut d = Diagnostic::at(
                &META,
                entry.file,
                cx.tool_span(entry, "/id"),
                format!(
                    "tool id `{}` {why}",
                    crate::lint::suggest::clip(&tool.id, 80)
                ),
            );
            let fixed = suggestion(&tool.id);
            d = if fixed != tool.id && problem(&fixed).is_none() {
                d.with_help(format!("use `{fixed}`"))
            } else {
                d.with_help("ids look like `finance.domain.health.read`")
            };
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn accepts_well_formed_ids() {
        assert_eq!(problem("finance.domain.health.read"), None);
        assert_eq!(problem("a1.cell.x_2"), None);
    }

    #[test]
    fn rejects_each_kind_of_mistake() {
        assert!(problem("Finance.domain.x").unwrap().contains("`Finance`"));
        assert!(problem("finance.domain").unwrap().contains("2 segment"));
        assert!(problem("finance..x").unwrap().contains("empty segment"));
        assert!(problem("finance.layer.x").unwrap().contains("`layer`"));
        assert!(
            problem(&format!("a.cell.{}", "x".repeat(130)))
                .unwrap()
                .contains("128")
        );
        assert!(problem("a.cell.x-y").is_some());
    }
}
