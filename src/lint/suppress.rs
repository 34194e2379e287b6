//! `# lynx: ignore[rule-a, rule-b]` comments: a finding is dropped when such a comment naming its
//! rule stands on the finding's line or alone on the line above. `# lynx: ignore` with no list
//! ignores every rule there.

use super::diagnostic::Diagnostic;
use crate::project::source::SourceFile;

const MARKER: &str = "lynx: ignore";

/// The rules a comment on `line` ignores: `None` for none, `Some([])` for all.
fn ignored_on(line: &str) -> Option<Vec<&str>> {
    let hash = line.find('#')?;
    let comment = line[hash + 1..].trim_start();
    let rest = comment.strip_prefix(MARKER)?;
    let rest = rest.trim_start();
    if let Some(list) = rest.strip_prefix('[') {
        let list = list.split(']').next().unwrap_or("");
        return Some(
            list.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect(),
        );
    }
    Some(Vec::new())
}

fn covers(rules: &Option<Vec<&str>>, rule: &str) -> bool {
    match rules {
        None => false,
        Some(list) => list.is_empty() || list.contains(&rule),
    }
}

/// Whether a suppression comment covers `d`.
pub fn is_suppressed(file: &SourceFile, d: &Diagnostic) -> bool {
    let Some(span) = d.span else { return false };
    if file.text.is_empty() {
        return false;
    }
    let line = file.line_col(span.start).line;
    if covers(&ignored_on(file.line_text(line)), d.rule) {
        return true;
    }
    line > 1 && {
        let above = file.line_text(line - 1);
        above.trim_start().starts_with('#') && covers(&ignored_on(above), d.rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::diagnostic::{FileId, RuleMeta, Severity};
    use crate::project::source::Span;

    static RULE: RuleMeta = RuleMeta {
        name: "cache-not-read-only",
        severity: Severity::Error,
        summary: "",
    };

    fn diag_at(text: &str, needle: &str) -> (SourceFile, Diagnostic) {
        let file = SourceFile::new("t".into(), "t".into(), text.into());
        let at = text.find(needle).unwrap();
        let d = Diagnostic::at(&RULE, FileId(0), Span::new(at, at + needle.len()), "m");
        (file, d)
    }

    #[test]
    fn same_line_and_line_above() {
        let (f, d) = diag_at(
            "cache: { ttl: 5m }  # lynx: ignore[cache-not-read-only]\n",
            "cache",
        );
        assert!(is_suppressed(&f, &d));
        let (f, d) = diag_at(
            "# lynx: ignore[cache-not-read-only]\ncache: { ttl: 5m }\n",
            "cache",
        );
        assert!(is_suppressed(&f, &d));
        let (f, d) = diag_at("# lynx: ignore\ncache: { ttl: 5m }\n", "cache:");
        assert!(is_suppressed(&f, &d));
    }

    #[test]
    fn other_rules_and_far_lines_are_not_suppressed() {
        let (f, d) = diag_at("cache: 1 # lynx: ignore[schema]\n", "cache:");
        assert!(!is_suppressed(&f, &d));
        let (f, d) = diag_at(
            "# lynx: ignore[cache-not-read-only]\n\ncache: 1\n",
            "cache:",
        );
        assert!(!is_suppressed(&f, &d));
        // A trailing comment on the line above belongs to that line only.
        let (f, d) = diag_at("a: 1 # lynx: ignore\ncache: 1\n", "cache:");
        assert!(!is_suppressed(&f, &d));
    }
}
