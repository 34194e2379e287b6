//! Renderers: turn [`Diagnostic`]s into text for people (`human`) and for machines (`json`,
//! `sarif`, `github`, `junit`).
//!
//! Every renderer is a pure function from the checked files and their findings to a `String`;
//! the caller decides where it goes. Renderers never panic on odd input: spans past the end of a
//! file, inside a multi-byte character or reversed are clamped, and unknown [`FileId`]s are shown
//! as `<unknown file>`. The machine formats are documented in `docs/output-formats.md`.

mod github;
mod human;
mod json;
mod junit;
mod sarif;

use crate::lint::diagnostic::{Diagnostic, FileId, RuleMeta, Severity, Summary};
use crate::project::source::{LineCol, SourceFile, Span};

/// Output format of `lynx tool:validate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Source snippets with carets, for people.
    Human,
    /// Stable JSON document (see docs/output-formats.md).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (inline annotations on pull requests).
    Github,
    /// JUnit XML, one test case per checked file.
    Junit,
}

/// Settings shared by all renderers.
#[derive(Clone, Copy, Debug)]
pub struct RenderOptions<'a> {
    /// Emit ANSI colours (human format only).
    pub color: bool,
    /// Version of lynx, reported by the machine formats.
    pub version: &'a str,
    /// Every rule that ran, for the SARIF rule table.
    pub rules: &'a [&'a RuleMeta],
}

/// Renders `diagnostics` (sorted by file and position) about `files` in `format`.
pub fn render(
    format: Format,
    files: &[SourceFile],
    diagnostics: &[Diagnostic],
    summary: &Summary,
    opts: &RenderOptions,
) -> String {
    match format {
        Format::Human => human::render(files, diagnostics, summary, opts),
        Format::Json => json::render(files, diagnostics, summary, opts),
        Format::Sarif => sarif::render(files, diagnostics, opts),
        Format::Github => github::render(files, diagnostics),
        Format::Junit => junit::render(files, diagnostics),
    }
}

/// Shown for a [`FileId`] that does not index `files` (a bug upstream, but never a panic here).
const UNKNOWN_FILE: &str = "<unknown file>";

fn source(files: &[SourceFile], id: FileId) -> Option<&SourceFile> {
    files.get(id.0)
}

fn display_path(files: &[SourceFile], id: FileId) -> &str {
    source(files, id).map_or(UNKNOWN_FILE, |f| f.display.as_str())
}

/// The display path with forward slashes, as SARIF and GitHub expect.
fn slash_path(files: &[SourceFile], id: FileId) -> String {
    display_path(files, id).replace('\\', "/")
}

/// Makes `span` a valid, ordered range of char boundaries inside `text`: both ends are clamped to
/// the text, the start moves back and the end forward to the nearest char boundary.
fn clamp_span(text: &str, span: Span) -> Span {
    let start = floor_char_boundary(text, span.start.min(text.len()));
    let end = ceil_char_boundary(text, span.end.clamp(start, text.len()));
    Span::new(start, end)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Start and (exclusive) end of a span as 1-based lines and 1-based character columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Region {
    start: LineCol,
    end: LineCol,
}

fn region(file: &SourceFile, span: Span) -> Region {
    let span = clamp_span(&file.text, span);
    Region {
        start: file.line_col(span.start),
        end: file.line_col(span.end),
    }
}

/// The region of a diagnostic's primary span, if it has one and its file exists.
fn diagnostic_region(files: &[SourceFile], d: &Diagnostic) -> Option<Region> {
    Some(region(source(files, d.file)?, d.span?))
}

/// `1 file`, `2 files`.
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The SARIF level of a severity (`info` is a `note`).
fn note_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The fixed set of files and findings the renderer snapshots are taken from.
#[cfg(test)]
mod fixture {
    use super::*;
    use crate::lint::diagnostic::Severity;

    pub static DUPLICATE_KEY: RuleMeta = RuleMeta {
        name: "duplicate-key",
        severity: Severity::Warning,
        summary: "A mapping defines the same key twice",
    };
    pub static SCHEMA: RuleMeta = RuleMeta {
        name: "schema",
        severity: Severity::Error,
        summary: "The file does not match the tool schema",
    };
    pub static SYNTAX: RuleMeta = RuleMeta {
        name: "yaml-syntax",
        severity: Severity::Error,
        summary: "The file is not valid YAML",
    };
    /// Deliberately missing from [`RULES`]: renderers must cope with unlisted rules.
    pub static IO: RuleMeta = RuleMeta {
        name: "io-error",
        severity: Severity::Error,
        summary: "The file could not be read",
    };
    pub static DUPLICATE_TOOL: RuleMeta = RuleMeta {
        name: "duplicate-tool",
        severity: Severity::Error,
        summary: "Two tools share a name",
    };
    pub static DESCRIPTION_STYLE: RuleMeta = RuleMeta {
        name: "description-style",
        severity: Severity::Info,
        summary: "Descriptions are full sentences",
    };
    pub static RULES: [&RuleMeta; 5] = [
        &DUPLICATE_KEY,
        &SCHEMA,
        &SYNTAX,
        &DUPLICATE_TOOL,
        &DESCRIPTION_STYLE,
    ];

    pub const ECHO: &str = "\
name: echo
description: Répète le message reçu
handler: handlers.echo:run
params:
  text: {type: string}
  text: {type: string}
  lang: {default: \"français\", type: strin}
tags: [demo,
";

    pub const ECHO_COPY: &str = "\
name: echo
description: A copy of echo
handler: handlers.echo:run
";

    pub fn file(display: &str, text: &str) -> SourceFile {
        SourceFile::new(display.into(), display.into(), text.into())
    }

    pub fn files() -> Vec<SourceFile> {
        vec![
            file("tools/echo.yaml", ECHO),
            file("tools/broken.yaml", ""),
            file("tools/echo_copy.yaml", ECHO_COPY),
        ]
    }

    /// The span of the `nth` (0-based) occurrence of `needle` in `text`.
    pub fn find(text: &str, needle: &str, nth: usize) -> Span {
        let start = text
            .match_indices(needle)
            .nth(nth)
            .unwrap_or_else(|| panic!("{needle:?} #{nth} not in fixture"))
            .0;
        Span::new(start, start + needle.len())
    }

    pub fn diagnostics() -> Vec<Diagnostic> {
        let echo = FileId(0);
        let broken = FileId(1);
        let copy = FileId(2);
        let end_of_description = find(ECHO_COPY, "echo\n", 1).start + "echo".len();
        vec![
            Diagnostic::at(
                &DUPLICATE_KEY,
                echo,
                find(ECHO, "text", 1),
                "duplicate key `text`",
            )
            .with_related(echo, find(ECHO, "text", 0), "first defined here"),
            Diagnostic::at(
                &SCHEMA,
                echo,
                // the third `strin` is the bare one; the first two are inside `string`
                find(ECHO, "strin", 2),
                "unknown parameter type `strin`",
            )
            .with_help("did you mean `string`?"),
            Diagnostic::at(
                &SYNTAX,
                echo,
                Span::new(ECHO.len(), ECHO.len()),
                "unexpected end of file, expected `]`",
            ),
            Diagnostic::new(
                &IO,
                broken,
                None,
                "could not read file: Permission denied (os error 13)",
            ),
            Diagnostic::at(
                &DUPLICATE_TOOL,
                copy,
                find(ECHO_COPY, "echo", 0),
                "duplicate tool name `echo`",
            )
            .with_related(echo, find(ECHO, "echo", 0), "first defined here")
            .with_help("tool names must be unique within a project; rename one of them"),
            Diagnostic::at(
                &DESCRIPTION_STYLE,
                copy,
                Span::new(end_of_description, end_of_description),
                "description should end with a period",
            ),
        ]
    }

    pub fn summary() -> Summary {
        Summary::of(files().len(), &diagnostics())
    }

    pub fn options<'a>(rules: &'a [&'static RuleMeta]) -> RenderOptions<'a> {
        RenderOptions {
            color: false,
            version: "0.1.0",
            rules,
        }
    }

    /// Renders the fixture in `format`.
    pub fn render(format: Format) -> String {
        super::render(
            format,
            &files(),
            &diagnostics(),
            &summary(),
            &options(&RULES),
        )
    }
}
