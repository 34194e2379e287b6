//! Findings as data. Rules produce [`Diagnostic`]s; renderers turn them into text. Bad user
//! input is never an `Err`: it is a diagnostic.

use crate::project::source::Span;
use serde::{Deserialize, Serialize};

/// Index of a file in [`crate::project::Project::files`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct FileId(pub usize);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// What a rule is: its stable name, default severity and one-line summary. The longer
/// explanation (what, why, example) is the `//!` doc of the rule's file, which `cargo xtask
/// codegen` turns into `docs/rules.md`.
#[derive(Debug)]
pub struct RuleMeta {
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

/// A second place a finding refers to ("first defined here").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    pub file: FileId,
    /// `None` for findings about the file as a whole (unreadable, too large).
    pub span: Option<Span>,
    pub message: String,
    pub help: Option<String>,
    pub related: Vec<Related>,
}

impl Diagnostic {
    pub fn new(
        rule: &RuleMeta,
        file: FileId,
        span: Option<Span>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            rule: rule.name,
            severity: rule.severity,
            file,
            span,
            message: message.into(),
            help: None,
            related: Vec::new(),
        }
    }

    pub fn at(rule: &RuleMeta, file: FileId, span: Span, message: impl Into<String>) -> Self {
        Self::new(rule, file, Some(span), message)
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn with_related(mut self, file: FileId, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related {
            file,
            span,
            message: message.into(),
        });
        self
    }
}

/// Counts by severity, for summaries and exit codes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(files: usize, diagnostics: &[Diagnostic]) -> Self {
        let mut s = Summary {
            files,
            ..Summary::default()
        };
        for d in diagnostics {
            match d.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        s
    }
}
