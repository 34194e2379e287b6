//! Turning ids and names into file names, titles and step ids, and checking names the user
//! typed. Pure functions.

/// A file name stem for a tool id or workflow name. A valid id or name (lowercase letters,
/// digits, `_`, `.` and `-`, starting with a letter) is its own stem, so two different ids never
/// share a file (`p1.domain.b_c` and `p1.domain.b.c` would both be `p1_domain_b_c` if dots
/// became `_`). Anything else is sanitised into something safe. Never empty, never a path.
pub fn file_stem(id: &str) -> String {
    let valid = id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-'));
    if valid { id.to_owned() } else { sanitize(id) }
}

/// Lowercase `a-z`, `0-9` and `_` only, runs of anything else collapsed into one `_`.
fn sanitize(id: &str) -> String {
    let mut out = String::new();
    for c in id.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_owned();
    if out.is_empty() { "tool".into() } else { out }
}

/// An id segment for a project name: `My Project-2` → `my_project_2` (starts with a letter).
pub fn segment(name: &str) -> String {
    let stem = sanitize(name);
    if stem.starts_with(|c: char| c.is_ascii_lowercase()) {
        stem
    } else {
        format!("p_{stem}")
    }
}

/// The domain (first id segment) for a project called `name`, and whether it is the fallback
/// `app`: when fewer than half of the name's characters survive as `a-z`/`0-9` (`日本語`,
/// `Ñandú Çafé`), what is left would be a puzzling domain (`n_and_afe`, or nothing at all).
pub fn domain_for(name: &str) -> (String, bool) {
    let counted: Vec<char> = name
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '_' | '.'))
        .collect();
    let kept = counted.iter().filter(|c| c.is_ascii_alphanumeric()).count();
    if kept == 0 || kept * 2 < counted.len() {
        ("app".into(), true)
    } else {
        (segment(name), false)
    }
}

/// A title from an id's name segments: `finance.domain.health.read` → `Health read`.
pub fn title_from_id(id: &str) -> String {
    let words: Vec<String> = id
        .split('.')
        .skip(2)
        .flat_map(|s| s.split('_'))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    let text = if words.is_empty() {
        id.to_owned()
    } else {
        words.join(" ")
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

/// A step id for a tool: its name segments joined by `_` (`finance.domain.health.read` →
/// `health_read`), valid for the workflow schema's `^[a-z][a-z0-9_]*$`.
pub fn step_id(tool: &str) -> String {
    let rest: Vec<&str> = tool.split('.').skip(2).collect();
    let base = if rest.is_empty() {
        tool.to_owned()
    } else {
        rest.join("_")
    };
    segment(&base)
}

/// Why a workflow name is not allowed (the schema's `^[a-z][a-z0-9_.-]*$`), or `None`.
pub fn workflow_name_problem(name: &str) -> Option<String> {
    let first = name.chars().next();
    if !first.is_some_and(|c| c.is_ascii_lowercase()) {
        return Some("must start with a lowercase letter".into());
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-')))
    {
        return Some(format!(
            "has `{bad}`; use lowercase letters, digits, `_`, `.` and `-`"
        ));
    }
    if name.len() > 128 {
        return Some("is longer than 128 characters (MCP's limit on tool names)".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_become_safe_file_names() {
        assert_eq!(
            file_stem("finance.domain.health.read"),
            "finance.domain.health.read"
        );
        assert_ne!(file_stem("p1.domain.b_c"), file_stem("p1.domain.b.c"));
        assert_ne!(file_stem("a.b-c"), file_stem("a.b_c"));
        assert_eq!(file_stem("../../etc/passwd"), "etc_passwd");
        assert_eq!(file_stem("a/b\\c"), "a_b_c");
        assert_eq!(file_stem("..."), "tool");
        assert_eq!(segment("My Project-2"), "my_project_2");
        assert_eq!(segment("2fast"), "p_2fast");
    }

    #[test]
    fn mostly_non_ascii_project_names_get_the_domain_app() {
        assert_eq!(domain_for("Acme Tools"), ("acme_tools".into(), false));
        assert_eq!(domain_for("日本語"), ("app".into(), true));
        assert_eq!(domain_for("日本語 ab"), ("app".into(), true));
        assert_eq!(domain_for("ñçdtls"), ("dtls".into(), false));
        assert_eq!(domain_for("Café Tools"), ("caf_tools".into(), false));
    }

    #[test]
    fn titles_and_step_ids_come_from_the_name_segments() {
        assert_eq!(title_from_id("finance.domain.health.read"), "Health read");
        assert_eq!(title_from_id("a.cell.payment_approve"), "Payment approve");
        assert_eq!(step_id("finance.domain.health.read"), "health_read");
        assert_eq!(step_id("x.cell.9lives"), "p_9lives");
    }

    #[test]
    fn workflow_names_follow_the_schema() {
        assert_eq!(workflow_name_problem("payment_processing"), None);
        assert_eq!(workflow_name_problem("a.b-c"), None);
        assert!(workflow_name_problem("Payment").is_some());
        assert!(workflow_name_problem("a/b").unwrap().contains("`/`"));
        assert!(workflow_name_problem("").is_some());
    }
}
