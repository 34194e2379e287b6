//! A workflow's `{{ … }}` template (in `with:`, `for_each:` or `output:`) or `when:` expression
//! that minijinja cannot parse — an unclosed `{{`, a stray operator, a missing quote — and a
//! `when:` written as a `{{ … }}` template instead of a bare expression.
//!
//! **Why:** the workflow would fail at the step that evaluates it, after the steps before it
//! already ran (and changed whatever they change).
//!
//! **Example:**
//! ```yaml
//! steps:
//!   - id: publish
//!     tool: docs.cell.draft.publish
//!     needs: [submit]
//!     when: "{{ steps.submit.output.approved }}"    # → when: steps.submit.output.approved
//!     with: { draft_id: "{{ steps.submit.output.id }" }   # → `}}`
//! ```

// The helpers below (which strings of a workflow are expressions, what they refer to) are
// shared with the `unknown-step` and `step-args-mismatch` rules; `test_support` with their tests.

use crate::lint::context::Context;
use crate::lint::diagnostic::{Diagnostic, RuleMeta, Severity};
use crate::project::node::Node;
use crate::project::source::Span;
use minijinja::Environment;
use std::ops::Range;

pub static META: RuleMeta = RuleMeta {
    name: "invalid-expression",
    severity: Severity::Error,
    summary: "a `{{ … }}` template or `when:` expression does not parse",
};

/// Which field of a workflow an expression sits in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Field {
    With,
    ForEach,
    When,
    Output,
}

/// One string of a workflow that lynx evaluates.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Expr<'a> {
    /// Index of the step, `None` for the workflow's `output`.
    pub step: Option<usize>,
    pub field: Field,
    pub text: &'a str,
    /// The span of the whole string value.
    pub span: Span,
}

/// Whether `s` holds minijinja syntax at all; other strings render as themselves.
pub(crate) fn is_template(s: &str) -> bool {
    s.contains("{{") || s.contains("{%") || s.contains("{#")
}

/// The expression inside a string that is exactly one `{{ expr }}` (such a value keeps its JSON
/// type when rendered), or `None` for plain or mixed text.
pub(crate) fn whole_expression(s: &str) -> Option<&str> {
    let inner = s.strip_prefix("{{")?.strip_suffix("}}")?;
    if inner.contains("}}") || inner.contains("{{") || inner.contains("{%") || inner.contains("{#")
    {
        return None;
    }
    let inner = inner.strip_prefix(['-', '+']).unwrap_or(inner);
    let inner = inner.strip_suffix(['-', '+']).unwrap_or(inner);
    Some(inner.trim())
}

/// Every string of the workflow at `root` that lynx evaluates, in file order: strings with
/// template syntax anywhere in a step's `with:` and `for_each:` and in the workflow's `output:`,
/// and every step's `when:`.
pub(crate) fn expressions(root: &Node) -> Vec<Expr<'_>> {
    fn templates<'a>(n: &'a Node, step: Option<usize>, field: Field, out: &mut Vec<Expr<'a>>) {
        if let Some(text) = n.as_str().filter(|s| is_template(s)) {
            out.push(Expr {
                step,
                field,
                text,
                span: n.span,
            });
        }
        for item in n.items() {
            templates(item, step, field, out);
        }
        for e in n.entries() {
            templates(&e.value, step, field, out);
        }
    }

    let mut out = Vec::new();
    if let Some(steps) = root.get("steps") {
        for (i, step) in steps.items().iter().enumerate() {
            if let Some(with) = step.get("with") {
                templates(with, Some(i), Field::With, &mut out);
            }
            if let Some(for_each) = step.get("for_each") {
                templates(for_each, Some(i), Field::ForEach, &mut out);
            }
            if let Some(when) = step.get("when")
                && let Some(text) = when.as_str()
            {
                out.push(Expr {
                    step: Some(i),
                    field: Field::When,
                    text,
                    span: when.span,
                });
            }
        }
    }
    if let Some(output) = root.get("output") {
        templates(output, None, Field::Output, &mut out);
    }
    out.sort_by_key(|e| e.span.start);
    out
}

/// Why an expression cannot be evaluated.
pub(crate) enum Problem {
    /// A `when:` written as a `{{ … }}` template.
    Braces,
    Syntax(minijinja::Error),
}

/// The variables an expression reads, with trivial attribute chains (`steps.draft.output.id`),
/// sorted; or why it does not parse.
pub(crate) fn variables<'s>(env: &Environment<'s>, e: &Expr<'s>) -> Result<Vec<String>, Problem> {
    let found = if e.field == Field::When {
        let t = e.text.trim();
        if t.starts_with("{{") && t.ends_with("}}") {
            return Err(Problem::Braces);
        }
        match env.compile_expression(e.text) {
            Ok(expr) => expr.undeclared_variables(true),
            Err(_) if e.text.contains("{{") => {
                return Err(Problem::Braces);
            }
            Err(err) => return Err(Problem::Syntax(err)),
        }
    } else {
        env.template_from_str(e.text)
            .map_err(Problem::Syntax)?
            .undeclared_variables(true)
    };
    let mut names: Vec<String> = found.into_iter().collect();
    names.sort();
    Ok(names)
}

/// The span of `range` (bytes of `value`) in the file, when the string is written in the file
/// exactly as its value (plain, or quoted without escapes); otherwise the whole value's `span`.
pub(crate) fn inner_span(source: &str, span: Span, value: &str, range: Range<usize>) -> Span {
    let Some(written) = source.get(span.range()) else {
        return span;
    };
    // Scalar spans may carry the whitespace around a flow value.
    let raw = written.trim_start();
    let lead = written.len() - raw.len();
    let raw = raw.trim_end();
    let offset = lead
        + if raw == value {
            0
        } else if raw.len() == value.len() + 2
            && (raw.starts_with('"') && raw.ends_with('"')
                || raw.starts_with('\'') && raw.ends_with('\''))
            && &raw[1..raw.len() - 1] == value
        {
            1
        } else {
            return span;
        };
    if range.start > range.end || range.end > value.len() {
        return span;
    }
    Span::new(
        span.start + offset + range.start,
        span.start + offset + range.end,
    )
}

/// Where `name` (`steps.draft`, `inputs`) is written in `text` as a whole word.
fn occurrences(text: &str, name: &str) -> Vec<Range<usize>> {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    if name.is_empty() {
        return Vec::new();
    }
    text.match_indices(name)
        .map(|(i, _)| i..i + name.len())
        .filter(|r| {
            let before = text[..r.start].chars().next_back();
            let after = text[r.end..].chars().next();
            !before.is_some_and(|c| ident(c) || c == '.') && !after.is_some_and(ident)
        })
        .collect()
}

/// The span of the first place `name` is written in the string `value` at `span`, when the
/// file shows it there as often as the value holds it (plain, quoted or block scalars); the
/// whole value's span otherwise.
pub(crate) fn name_span(source: &str, span: Span, value: &str, name: &str) -> Span {
    let Some(written) = source.get(span.range()) else {
        return span;
    };
    let in_value = occurrences(value, name);
    let in_file = occurrences(written, name);
    match in_file.first() {
        Some(r) if !in_value.is_empty() && in_value.len() == in_file.len() => {
            Span::new(span.start + r.start, span.start + r.end)
        }
        _ => span,
    }
}

/// minijinja's own words for a parse error, without its `(in <string>:1)` location suffix.
fn describe(err: &minijinja::Error) -> String {
    match err.detail() {
        Some(detail) => detail.to_owned(),
        None => err.kind().to_string(),
    }
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let env = Environment::new();
    for entry in &cx.project.workflows {
        let Some(root) = cx.workflow_node(entry) else {
            continue;
        };
        let source = &cx.project.file(entry.file).text;
        for e in expressions(root) {
            match variables(&env, &e) {
                Ok(_) => {}
                Err(Problem::Braces) => {
                    let help = match whole_expression(e.text.trim()) {
                        Some(inner) if !inner.is_empty() => {
                            format!("write the bare expression: `{inner}`")
                        }
                        _ => "write the bare expression: `steps.a.output.ok`".to_owned(),
                    };
                    out.push(
                        Diagnostic::at(
                            &META,
                            entry.file,
                            e.span,
                            "`when:` is a bare expression, not a `{{ … }}` template",
                        )
                        .with_help(help),
                    );
                }
                Err(Problem::Syntax(err)) => {
                    let span = err
                        .range()
                        .map_or(e.span, |r| inner_span(source, e.span, e.text, r));
                    let (what, help) = if e.field == Field::When {
                        (
                            "`when:` expression",
                            "`when:` is a bare minijinja expression: `steps.read.output.status == 'ok'`",
                        )
                    } else {
                        (
                            "template",
                            "templates use minijinja syntax: `{{ steps.read.output.status }}`",
                        )
                    };
                    out.push(
                        Diagnostic::at(
                            &META,
                            entry.file,
                            span,
                            format!("{what} does not parse: {}", describe(&err)),
                        )
                        .with_help(help),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use crate::lint::diagnostic::Diagnostic;
    use crate::project::{LoadOptions, Project};

    /// A tool that echoes its arguments, with an `input_schema`.
    pub(crate) fn tool(id: &str, input_schema: &str) -> String {
        format!(
            "id: {id}\nhandler: {{ kind: builtin, name: echo }}\ninput_schema: {input_schema}\n"
        )
    }

    /// A linted project in a temporary folder.
    pub(crate) struct Linted {
        _dir: tempfile::TempDir,
        pub project: Project,
        pub diagnostics: Vec<Diagnostic>,
    }

    /// Writes `files` (path, text) and an empty `lynx.toml` into a new folder and lints it.
    pub(crate) fn lint(files: &[(&str, &str)]) -> Linted {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("lynx.toml"), "").unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let project = Project::load(&LoadOptions {
            cwd: dir.path().into(),
            config: Some(dir.path().join("lynx.toml")),
            extra: vec![],
            context: crate::project::Scope::All,
        });
        let diagnostics = crate::lint::check(&project, None);
        Linted {
            _dir: dir,
            project,
            diagnostics,
        }
    }

    impl Linted {
        /// The findings of `rule`.
        pub(crate) fn of(&self, rule: &str) -> Vec<&Diagnostic> {
            self.diagnostics.iter().filter(|d| d.rule == rule).collect()
        }

        /// `(line, message)` of each finding of `rule`.
        pub(crate) fn found(&self, rule: &str) -> Vec<(usize, String)> {
            self.of(rule)
                .iter()
                .map(|d| (self.line(d), d.message.clone()))
                .collect()
        }

        pub(crate) fn line(&self, d: &Diagnostic) -> usize {
            self.project
                .file(d.file)
                .line_col(d.span.unwrap().start)
                .line
        }

        /// The source text a finding points at.
        pub(crate) fn text(&self, d: &Diagnostic) -> &str {
            &self.project.file(d.file).text[d.span.unwrap().range()]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::lint;
    use super::*;

    const RULE: &str = "invalid-expression";

    #[test]
    fn whole_expression_is_one_template_only() {
        assert_eq!(whole_expression("{{ inputs.n }}"), Some("inputs.n"));
        assert_eq!(whole_expression("{{- inputs.n -}}"), Some("inputs.n"));
        assert_eq!(whole_expression("n = {{ inputs.n }}"), None);
        assert_eq!(whole_expression("{{ a }}{{ b }}"), None);
        assert_eq!(whole_expression("plain"), None);
    }

    #[test]
    fn names_are_found_as_whole_words() {
        let text = "{{ steps.draft2 }} {{ steps.draft }}";
        assert_eq!(occurrences(text, "steps.draft"), vec![22..33]);
        assert!(occurrences("{{ xsteps.a }}", "steps.a").is_empty());
        assert!(occurrences("{{ a.steps.a }}", "steps.a").is_empty());
        let source = "x: |\n  {{ steps.a }}\n  {{ steps.b }}\ny: 1\n";
        let value = "{{ steps.a }}\n{{ steps.b }}\n";
        let span = Span::new(3, 36);
        assert_eq!(
            &source[name_span(source, span, value, "steps.b").range()],
            "steps.b"
        );
        assert_eq!(name_span(source, span, value, "steps.c"), span);
    }

    #[test]
    fn valid_templates_and_expressions_pass() {
        let l = lint(&[(
            "workflows/w.yaml",
            "name: w\nsteps:\n  - id: a\n    tool: t\n    with: { x: \"{{ inputs.n | default(1) }}\", y: [\"n={{ inputs.n }}\"] }\n    when: \"inputs.n > 1 and inputs.ok\"\n    for_each: \"{{ range(3) }}\"\noutput: { r: \"{% if steps.a %}{{ steps.a.output }}{% endif %}\" }\n",
        )]);
        assert_eq!(l.found(RULE), []);
    }

    #[test]
    fn parse_errors_point_into_the_string() {
        let l = lint(&[(
            "workflows/w.yaml",
            "name: w\nsteps:\n  - id: a\n    tool: t\n    with: { x: \"{{ inputs.n }\" }\n  - id: b\n    tool: t\n    needs: [a]\n    when: \"steps.a.output.ok and\"\noutput: { r: [\"{{ steps.b.output ) }}\"] }\n",
        )]);
        let found = l.found(RULE);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0].0, 5);
        assert!(
            found[0].1.starts_with("template does not parse: "),
            "{found:?}"
        );
        assert_eq!(found[1].0, 9);
        assert!(
            found[1]
                .1
                .starts_with("`when:` expression does not parse: "),
            "{found:?}"
        );
        assert_eq!(found[2].0, 10);
        let d = l.of(RULE)[2];
        assert_eq!(l.text(d), ")");
        assert!(d.help.as_deref().unwrap().contains("minijinja"));
        assert!(!d.message.contains("<string>"));
        // No `unknown-step` findings on top of the parse errors.
        assert_eq!(l.found("unknown-step"), []);
    }

    #[test]
    fn braced_when_asks_for_the_bare_expression() {
        let l = lint(&[(
            "workflows/w.yaml",
            "name: w\nsteps:\n  - id: a\n    tool: t\n  - id: b\n    tool: t\n    needs: [a]\n    when: \"{{ steps.a.output.ok }}\"\n",
        )]);
        let d = l.of(RULE);
        assert_eq!(d.len(), 1);
        assert_eq!(l.line(d[0]), 8);
        assert!(d[0].message.contains("bare expression"));
        assert_eq!(
            d[0].help.as_deref(),
            Some("write the bare expression: `steps.a.output.ok`")
        );
    }
}
