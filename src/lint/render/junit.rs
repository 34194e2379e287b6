//! The JUnit format: one test suite, one test case per checked file. A file with errors is a
//! failed test; warnings and infos do not fail it but are listed in its `system-out`.

use std::fmt::Write;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::{UNKNOWN_FILE, diagnostic_region, display_path, plural};
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::project::source::SourceFile;

const SUITE: &str = "lynx tool:validate";
const CLASSNAME: &str = "lynx.validate";

pub(super) fn render(files: &[SourceFile], diagnostics: &[Diagnostic]) -> String {
    let mut suite = TestSuite::new(SUITE);
    for (i, file) in files.iter().enumerate() {
        let found: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.file.0 == i).collect();
        suite.add_test_case(test_case(&file.display, files, &found));
    }
    // Findings about files we were not given (never expected) still must not vanish.
    let orphans: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.file.0 >= files.len())
        .collect();
    if !orphans.is_empty() {
        suite.add_test_case(test_case(UNKNOWN_FILE, files, &orphans));
    }
    let mut report = Report::new("lynx");
    report.add_test_suite(suite);
    report
        .to_string()
        .unwrap_or_else(|e| format!("<!-- lynx: could not write JUnit XML: {e} -->\n"))
}

fn test_case(name: &str, files: &[SourceFile], found: &[&Diagnostic]) -> TestCase {
    let errors = found
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let text: String = found.iter().map(|d| line(files, d)).collect();
    let status = match found.iter().find(|d| d.severity == Severity::Error) {
        Some(first) => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status
                .set_type(first.rule)
                .set_message(counts(found))
                .set_description(text.trim_end());
            status
        }
        None => TestCaseStatus::success(),
    };
    let mut case = TestCase::new(name, status);
    case.set_classname(CLASSNAME);
    if errors == 0 && !found.is_empty() {
        case.set_system_out(text);
    }
    case
}

/// `2 errors, 1 warning`: errors always, the other severities when present.
fn counts(found: &[&Diagnostic]) -> String {
    let count = |severity| found.iter().filter(|d| d.severity == severity).count();
    let mut parts = vec![plural(count(Severity::Error), "error")];
    let warnings = count(Severity::Warning);
    if warnings > 0 {
        parts.push(plural(warnings, "warning"));
    }
    let infos = count(Severity::Info);
    if infos > 0 {
        parts.push(format!("{infos} info"));
    }
    parts.join(", ")
}

/// `tools/echo.yaml:7:37: error[schema]: message`, then `help:` and related lines, indented.
fn line(files: &[SourceFile], d: &Diagnostic) -> String {
    let mut out = display_path(files, d.file).to_owned();
    if let Some(r) = diagnostic_region(files, d) {
        let _ = write!(out, ":{}:{}", r.start.line, r.start.column);
    }
    let _ = writeln!(out, ": {}[{}]: {}", d.severity.as_str(), d.rule, d.message);
    if let Some(help) = &d.help {
        let _ = writeln!(out, "  help: {help}");
    }
    for related in &d.related {
        let _ = write!(out, "  {}", display_path(files, related.file));
        if let Some(f) = super::source(files, related.file) {
            let r = super::region(f, related.span);
            let _ = write!(out, ":{}:{}", r.start.line, r.start.column);
        }
        let _ = writeln!(out, ": {}", related.message);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::render::{Format, fixture};

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(fixture::render(Format::Junit));
    }

    #[test]
    fn one_case_per_file() {
        let out = fixture::render(Format::Junit);
        assert!(out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        assert_eq!(out.matches("<testcase ").count(), 3);
        assert_eq!(out.matches("<failure ").count(), 3);
        assert!(out.contains(r#"<testsuite name="lynx tool:validate" tests="3""#));
    }

    #[test]
    fn warnings_only_pass() {
        let files = fixture::files();
        let d: Vec<Diagnostic> = fixture::diagnostics()
            .into_iter()
            .filter(|d| d.severity != Severity::Error)
            .collect();
        let out = render(&files, &d);
        assert!(!out.contains("<failure"), "{out}");
        assert!(out.contains("<system-out>tools/echo.yaml:6:3: warning[duplicate-key]"));
    }
}
