//! The human format: one rustc-style report per finding, then a one-line summary.
//!
//! ```text
//! error[schema]: unknown parameter type `strin`
//!  --> tools/echo.yaml:7:37
//!   |
//! 7 |   lang: {default: "français", type: strin}
//!   |                                     ^^^^^
//!   |
//!   = help: did you mean `string`?
//! ```

use std::borrow::Cow;
use std::ops::Range;

use annotate_snippets::renderer::{AnsiColor, Effects, Style};
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use super::{RenderOptions, clamp_span, display_path, plural, source};
use crate::lint::diagnostic::{Diagnostic, Related, Severity, Summary};
use crate::project::source::{SourceFile, Span};

/// A related span within this many lines of the primary one shares its snippet; further away it
/// gets a snippet of its own.
const MERGE_DISTANCE: usize = 20;

pub(super) fn render(
    files: &[SourceFile],
    diagnostics: &[Diagnostic],
    summary: &Summary,
    opts: &RenderOptions,
) -> String {
    let renderer = if opts.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&report(&renderer, files, d));
        out.push_str("\n\n");
    }
    out.push_str(&summary_line(summary, opts.color));
    out.push('\n');
    out
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

/// One finding as an annotate-snippets report (no trailing newline).
fn report(renderer: &Renderer, files: &[SourceFile], d: &Diagnostic) -> String {
    let title = level(d.severity)
        .primary_title(d.message.as_str())
        .id(d.rule);
    let mut group = Group::with_title(title);
    let mut separate: Vec<&Related> = Vec::new();
    match (source(files, d.file), d.span) {
        (Some(file), Some(span)) => {
            let span = clamp_span(&file.text, span);
            let (near, far): (Vec<&Related>, Vec<&Related>) = d
                .related
                .iter()
                .partition(|r| r.file == d.file && is_near(file, span, r.span));
            separate = far;
            let spans: Vec<Span> = std::iter::once(span)
                .chain(near.iter().map(|r| clamp_span(&file.text, r.span)))
                .collect();
            let window = Window::covering(file, &spans);
            let mut snippet = Snippet::source(window.text.clone())
                .line_start(window.line_start)
                .fold(!window.is_short())
                .path(file.display.as_str())
                .annotation(AnnotationKind::Primary.span(window.range(span)));
            for r in near {
                let span = clamp_span(&file.text, r.span);
                snippet = snippet.annotation(
                    AnnotationKind::Context
                        .span(window.range(span))
                        .label(r.message.as_str()),
                );
            }
            group = group.element(snippet);
        }
        (file, _) => {
            let path = file.map_or(super::UNKNOWN_FILE, |f| f.display.as_str());
            group = group.element(Origin::path(path));
            separate.extend(&d.related);
        }
    }
    for r in separate {
        group = related_element(group, files, r);
    }
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    renderer.render(&[group])
}

/// A related location with its own snippet (another file, or far away in the same one).
fn related_element<'a>(group: Group<'a>, files: &'a [SourceFile], r: &'a Related) -> Group<'a> {
    match source(files, r.file) {
        Some(file) if !file.text.is_empty() => {
            let span = clamp_span(&file.text, r.span);
            let window = Window::covering(file, &[span]);
            group.element(
                Snippet::source(window.text.clone())
                    .line_start(window.line_start)
                    .path(file.display.as_str())
                    .annotation(
                        AnnotationKind::Context
                            .span(window.range(span))
                            .label(r.message.as_str()),
                    ),
            )
        }
        // Nothing to show (unreadable or unknown file): say where, in words.
        _ => group.element(Level::NOTE.message(format!(
            "{} ({})",
            r.message,
            display_path(files, r.file)
        ))),
    }
}

fn is_near(file: &SourceFile, primary: Span, other: Span) -> bool {
    let other = clamp_span(&file.text, other);
    let (a, b) = (lines(file, primary), lines(file, other));
    let gap = if b.start > a.end {
        b.start - a.end
    } else {
        a.start.saturating_sub(b.end)
    };
    gap <= MERGE_DISTANCE
}

/// The 1-based lines a (clamped) span touches. A span that ends right after a line break does
/// not touch the next line.
fn lines(file: &SourceFile, span: Span) -> Range<usize> {
    let last = if span.end > span.start {
        // the last byte of the span, moved back to its char's first byte
        super::floor_char_boundary(&file.text, span.end - 1)
    } else {
        span.start
    };
    file.line_col(span.start).line..file.line_col(last).line
}

/// Whole lines of a file, enough to cover some spans: what is handed to annotate-snippets,
/// so that a huge file is never processed whole for one finding.
struct Window<'a> {
    text: Cow<'a, str>,
    /// Byte offset of `text` in the file.
    offset: usize,
    /// 1-based line number of the first line of `text`.
    line_start: usize,
}

impl<'a> Window<'a> {
    /// `spans` must be clamped to the file and non-empty.
    fn covering(file: &'a SourceFile, spans: &[Span]) -> Self {
        let first = spans
            .iter()
            .map(|&s| lines(file, s).start)
            .min()
            .unwrap_or(1);
        let last = spans
            .iter()
            .map(|&s| lines(file, s).end)
            .max()
            .unwrap_or(first);
        // A blank first line (typically the end of the file) says little: show the one above.
        let first = if first > 1 && file.line_text(first).trim().is_empty() {
            first - 1
        } else {
            first
        };
        let start = file.offset_of(first, 0);
        let end = file.offset_of(last + 1, 0).max(start);
        let mut text = Cow::Borrowed(&file.text[start..end]);
        // annotate-snippets shows the very end of a file that ends with a line break at the end
        // of the last line; spell out the empty line after it, where `line_col` puts the end.
        if file.text.ends_with('\n') && spans.iter().any(|s| s.start == file.text.len()) {
            text.to_mut().push('\n');
        }
        Window {
            text,
            offset: start,
            line_start: first,
        }
    }

    /// Short windows are shown whole, including unannotated lines (context above a blank line,
    /// the line between two annotated ones).
    fn is_short(&self) -> bool {
        self.text.lines().count() <= 3
    }

    /// A clamped file span as a range into the window (clamped to it as well).
    fn range(&self, span: Span) -> Range<usize> {
        let shift = |i: usize| {
            let i = i.saturating_sub(self.offset).min(self.text.len());
            super::floor_char_boundary(&self.text, i)
        };
        let start = shift(span.start);
        start..shift(span.end).max(start)
    }
}

/// `3 errors, 1 warning in 12 files` or `no problems found in 12 files`.
fn summary_line(s: &Summary, color: bool) -> String {
    let files = plural(s.files, "file");
    let (text, style) = if s.errors + s.warnings + s.infos == 0 {
        (
            format!("no problems found in {files}"),
            AnsiColor::BrightGreen.on_default(),
        )
    } else {
        let mut counts = vec![plural(s.errors, "error"), plural(s.warnings, "warning")];
        if s.infos > 0 {
            counts.push(format!("{} info", s.infos));
        }
        let style = if s.errors > 0 {
            AnsiColor::BrightRed.on_default()
        } else if s.warnings > 0 {
            AnsiColor::Yellow.on_default()
        } else {
            AnsiColor::BrightBlue.on_default()
        };
        (format!("{} in {files}", counts.join(", ")), style)
    };
    if color {
        let style: Style = style.effects(Effects::BOLD);
        format!("{style}{text}{style:#}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::lint::diagnostic::FileId;
    use crate::lint::render::fixture::{self, SCHEMA, file};
    use crate::lint::render::{Format, region};

    fn plain(files: &[SourceFile], diagnostics: &[Diagnostic]) -> String {
        let summary = Summary::of(files.len(), diagnostics);
        super::render(files, diagnostics, &summary, &fixture::options(&[]))
    }

    /// The `path:line:col` of the first `-->` header.
    fn header(out: &str) -> &str {
        out.lines()
            .find_map(|l| l.trim_start().strip_prefix("--> "))
            .unwrap_or_else(|| panic!("no header in\n{out}"))
    }

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(fixture::render(Format::Human));
    }

    #[test]
    fn summary_lines() {
        let s = |files, errors, warnings, infos| {
            summary_line(
                &Summary {
                    files,
                    errors,
                    warnings,
                    infos,
                },
                false,
            )
        };
        assert_eq!(s(12, 3, 1, 0), "3 errors, 1 warning in 12 files");
        assert_eq!(s(1, 1, 0, 0), "1 error, 0 warnings in 1 file");
        assert_eq!(s(2, 0, 2, 1), "0 errors, 2 warnings, 1 info in 2 files");
        assert_eq!(s(12, 0, 0, 0), "no problems found in 12 files");
        assert_eq!(s(1, 0, 0, 0), "no problems found in 1 file");
        assert_eq!(plain(&[], &[]), "no problems found in 0 files\n");
    }

    #[test]
    fn color_only_when_asked() {
        let files = fixture::files();
        let diagnostics = fixture::diagnostics();
        let summary = fixture::summary();
        let mut opts = fixture::options(&fixture::RULES);
        assert!(!super::render(&files, &diagnostics, &summary, &opts).contains('\x1b'));
        opts.color = true;
        let colored = super::render(&files, &diagnostics, &summary, &opts);
        assert!(colored.contains("\x1b["));
        assert!(
            colored
                .trim_end()
                .ends_with("4 errors, 1 warning, 1 info in 3 files\x1b[0m")
        );
    }

    /// The `-->` header agrees with the other formats' `line:col` (character columns), for every
    /// span of a text with multi-byte characters, CRLF line ends and a final line break, and
    /// nothing panics — including spans past the end, reversed, or inside a character.
    #[test]
    fn header_agrees_with_line_col_for_any_span() {
        let text = "a: é\r\nb: 🦀x\n\n  c: [ü,\n\td: \"e\u{301}\u{200b}漢\u{202e}\"\n";
        let files = [file("t.yaml", text)];
        for start in 0..=text.len() + 2 {
            for end in [0, start, start + 1, start + 3, text.len() + 9] {
                let d = Diagnostic::at(&SCHEMA, FileId(0), Span::new(start, end), "m")
                    .with_related(FileId(0), Span::new(end, start), "r")
                    .with_related(FileId(3), Span::new(start, end), "nowhere");
                let out = plain(&files, &[d]);
                let r = region(&files[0], Span::new(start, end));
                assert_eq!(
                    header(&out),
                    format!("t.yaml:{}:{}", r.start.line, r.start.column),
                    "span {start}..{end}:\n{out}"
                );
            }
        }
    }

    #[test]
    fn end_of_file_after_line_break_is_on_the_empty_last_line() {
        let out = fixture::render(Format::Human);
        assert!(out.contains(" --> tools/echo.yaml:9:1\n  |\n8 | tags: [demo,\n9 |\n  | ^\n"));
    }

    #[test]
    fn empty_file_with_a_span() {
        let files = [file("empty.yaml", "")];
        let d = Diagnostic::at(&SCHEMA, FileId(0), Span::new(0, 5), "empty");
        let out = plain(&files, &[d]);
        assert_eq!(header(&out), "empty.yaml:1:1");
    }

    #[test]
    fn unknown_file() {
        let d = Diagnostic::at(&SCHEMA, FileId(9), Span::new(0, 5), "lost");
        let out = plain(&[], &[d]);
        assert!(out.contains("--> <unknown file>"), "{out}");
    }

    #[test]
    fn far_related_span_gets_its_own_snippet() {
        let text = format!("name: a\n{}name: a\n", "x: 1\n".repeat(100));
        let files = [file("t.yaml", &text)];
        let second = text.rfind("name").unwrap();
        let d = Diagnostic::at(&SCHEMA, FileId(0), Span::new(second, second + 4), "again")
            .with_related(FileId(0), Span::new(0, 4), "first here");
        let out = plain(&files, &[d]);
        assert!(out.contains(" --> t.yaml:102:1"), "{out}");
        assert!(out.contains(" ::: t.yaml:1:1"), "{out}");
        assert!(out.len() < 400, "{out}");
    }

    #[test]
    fn near_related_span_shares_the_snippet() {
        let text = "a: 1\nb: 2\na: 3\n";
        let files = [file("t.yaml", text)];
        let d = Diagnostic::at(&SCHEMA, FileId(0), Span::new(10, 11), "again").with_related(
            FileId(0),
            Span::new(0, 1),
            "first here",
        );
        let out = plain(&files, &[d]);
        assert!(!out.contains(":::"), "{out}");
        // the short window is shown whole, the line in between included
        assert!(out.contains("2 | b: 2"), "{out}");
    }

    /// A 100k-character line is cut to the terminal width around the span, quickly.
    #[test]
    fn long_line_is_bounded() {
        let text = format!("key: {}\n", "x".repeat(100_000));
        let files = [file("t.yaml", &text)];
        let diagnostics = [
            Diagnostic::at(&SCHEMA, FileId(0), Span::new(50_000, 50_003), "middle"),
            Diagnostic::at(&SCHEMA, FileId(0), Span::new(5, 100_005), "whole value"),
            Diagnostic::at(&SCHEMA, FileId(0), Span::new(100_005, 100_005), "end"),
        ];
        let started = Instant::now();
        let out = plain(&files, &diagnostics);
        assert!(started.elapsed() < Duration::from_secs(2));
        assert!(out.len() < 2_000, "{} bytes", out.len());
        assert!(out.lines().all(|l| l.chars().count() < 200), "{out}");
        assert!(out.contains("--> t.yaml:1:50001"), "{out}");
    }

    /// A span over 50 000 lines is folded, not printed.
    #[test]
    fn long_span_is_folded() {
        let text = "k: v\n".repeat(50_000);
        let files = [file("t.yaml", &text)];
        let d = Diagnostic::at(&SCHEMA, FileId(0), Span::new(3, text.len() - 2), "all")
            .with_related(FileId(0), Span::new(text.len() - 5, text.len() - 4), "last");
        let started = Instant::now();
        let out = plain(&files, &[d]);
        assert!(started.elapsed() < Duration::from_secs(2));
        assert!(out.lines().count() < 30, "{out}");
    }
}
