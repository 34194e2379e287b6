//! The GitHub format: one workflow command per finding, which GitHub Actions turns into an
//! annotation on the file (and on the pull request diff).
//!
//! ```text
//! ::error file=tools/echo.yaml,line=7,col=37,endLine=7,endColumn=42,title=lynx(schema)::unknown parameter type `strin`%0Ahelp: did you mean `string`?
//! ```

use std::fmt::Write;

use super::{diagnostic_region, display_path, region, slash_path, source};
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::project::source::SourceFile;

pub(super) fn render(files: &[SourceFile], diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut properties = Vec::new();
        if source(files, d.file).is_some() {
            properties.push(format!(
                "file={}",
                escape_property(&slash_path(files, d.file))
            ));
        }
        if let Some(r) = diagnostic_region(files, d) {
            properties.push(format!("line={}", r.start.line));
            properties.push(format!("col={}", r.start.column));
            properties.push(format!("endLine={}", r.end.line));
            properties.push(format!("endColumn={}", r.end.column));
        }
        properties.push(format!(
            "title={}",
            escape_property(&format!("lynx({})", d.rule))
        ));

        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            let _ = write!(message, "\nhelp: {help}");
        }
        // Annotations have a single location: name the related ones in the text.
        for related in &d.related {
            let _ = write!(message, "\n{}", display_path(files, related.file));
            if let Some(f) = source(files, related.file) {
                let r = region(f, related.span);
                let _ = write!(message, ":{}:{}", r.start.line, r.start.column);
            }
            let _ = write!(message, ": {}", related.message);
        }
        let _ = writeln!(
            out,
            "::{command} {}::{}",
            properties.join(","),
            escape_data(&message)
        );
    }
    out
}

/// Escapes a command's message, as the Actions runner's `escapeData` does.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property value, as the Actions runner's `escapeProperty` does.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::diagnostic::{FileId, Summary};
    use crate::lint::render::fixture::{self, SCHEMA, file};
    use crate::lint::render::{Format, render as render_format};
    use crate::project::source::Span;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(fixture::render(Format::Github));
    }

    #[test]
    fn escapes_data() {
        assert_eq!(escape_data("100% a\r\nb: c, d"), "100%25 a%0D%0Ab: c, d");
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn escapes_properties() {
        assert_eq!(escape_property("a,b:c%d\ne"), "a%2Cb%3Ac%25d%0Ae");
    }

    #[test]
    fn escapes_a_whole_command() {
        let files = [file("dir,with:odd%name.yaml", "key: 100%\n")];
        let d = Diagnostic::at(&SCHEMA, FileId(0), Span::new(5, 9), "bad: 100%,\nreally")
            .with_help("use a number, not 50%");
        let out = render_format(
            Format::Github,
            &files,
            &[d],
            &Summary::default(),
            &fixture::options(&[]),
        );
        assert_eq!(
            out,
            "::error file=dir%2Cwith%3Aodd%25name.yaml,line=1,col=6,endLine=1,endColumn=10,\
             title=lynx(schema)::bad: 100%25,%0Areally%0Ahelp: use a number, not 50%25\n"
        );
        assert_eq!(out.lines().count(), 1);
    }

    #[test]
    fn file_level_finding_has_no_line() {
        let out = fixture::render(Format::Github);
        let io = out.lines().find(|l| l.contains("lynx(io-error)")).unwrap();
        assert!(io.starts_with("::error file=tools/broken.yaml,title=lynx(io-error)::"));
    }
}
