//! The JSON format: one pretty-printed document, versioned and documented in
//! `docs/output-formats.md`. Within `version: 1` fields are only ever added.

use serde::Serialize;

use super::{RenderOptions, display_path, region, source};
use crate::lint::diagnostic::FileId;
use crate::lint::diagnostic::{Diagnostic, Summary};
use crate::project::source::{SourceFile, Span};

/// Bumped only for an incompatible change (a field renamed, removed or retyped).
const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool<'a>,
    summary: Counts,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'static str,
    version: &'a str,
}

/// Our own copy of [`Summary`], so that the document does not change when `Summary` does.
#[derive(Serialize)]
struct Counts {
    files: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

/// A position; all `None` when the finding is about the whole file.
#[derive(Serialize, Default)]
struct Position {
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: &'a str,
    #[serde(flatten)]
    position: Position,
    severity: &'static str,
    rule: &'a str,
    message: &'a str,
    help: Option<&'a str>,
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    file: &'a str,
    #[serde(flatten)]
    position: Position,
    message: &'a str,
}

fn position(files: &[SourceFile], file: FileId, span: Option<Span>) -> Position {
    match (source(files, file), span) {
        (Some(f), Some(span)) => {
            let r = region(f, span);
            Position {
                line: Some(r.start.line),
                column: Some(r.start.column),
                end_line: Some(r.end.line),
                end_column: Some(r.end.column),
            }
        }
        _ => Position::default(),
    }
}

pub(super) fn render(
    files: &[SourceFile],
    diagnostics: &[Diagnostic],
    summary: &Summary,
    opts: &RenderOptions,
) -> String {
    let document = Document {
        version: FORMAT_VERSION,
        tool: Tool {
            name: "lynx",
            version: opts.version,
        },
        summary: Counts {
            files: summary.files,
            errors: summary.errors,
            warnings: summary.warnings,
            infos: summary.infos,
        },
        diagnostics: diagnostics
            .iter()
            .map(|d| JsonDiagnostic {
                file: display_path(files, d.file),
                position: position(files, d.file, d.span),
                severity: d.severity.as_str(),
                rule: d.rule,
                message: &d.message,
                help: d.help.as_deref(),
                related: d
                    .related
                    .iter()
                    .map(|r| JsonRelated {
                        file: display_path(files, r.file),
                        position: position(files, r.file, Some(r.span)),
                        message: &r.message,
                    })
                    .collect(),
            })
            .collect(),
    };
    // Serializing plain structs of strings and numbers cannot fail.
    let mut out = serde_json::to_string_pretty(&document).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::render::{Format, fixture};

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(fixture::render(Format::Json));
    }

    #[test]
    fn parses_back_with_documented_fields() {
        let out = fixture::render(Format::Json);
        assert!(out.ends_with("}\n"));
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["version"], 1);
        assert_eq!(v["tool"]["name"], "lynx");
        assert_eq!(v["tool"]["version"], "0.1.0");
        assert_eq!(
            v["summary"],
            serde_json::json!({"files": 3, "errors": 4, "warnings": 1, "infos": 1})
        );
        let diagnostics = v["diagnostics"].as_array().unwrap();
        assert_eq!(diagnostics.len(), fixture::diagnostics().len());
        for d in diagnostics {
            let keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
            for key in [
                "file",
                "line",
                "column",
                "end_line",
                "end_column",
                "severity",
                "rule",
                "message",
                "help",
                "related",
            ] {
                assert!(keys.contains(&key), "{key} missing in {d}");
            }
        }
        // the `strin` error: column counts the `ç` before it as one character
        let schema = &diagnostics[1];
        assert_eq!(
            (&schema["line"], &schema["column"]),
            (&7.into(), &37.into())
        );
        assert_eq!(schema["end_column"], 42);
        assert_eq!(schema["help"], "did you mean `string`?");
        // the unreadable file: no position at all
        let io = &diagnostics[3];
        assert_eq!(io["file"], "tools/broken.yaml");
        assert!(io["line"].is_null() && io["column"].is_null());
        assert!(io["help"].is_null());
        // a related location in another file
        assert_eq!(
            diagnostics[4]["related"][0],
            serde_json::json!({"file": "tools/echo.yaml", "line": 1, "column": 7,
                "end_line": 1, "end_column": 11, "message": "first defined here"})
        );
    }

    #[test]
    fn clean_run() {
        let out = render(&[], &[], &Summary::default(), &fixture::options(&[]));
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["diagnostics"], serde_json::json!([]));
        assert_eq!(v["summary"]["files"], 0);
    }
}
