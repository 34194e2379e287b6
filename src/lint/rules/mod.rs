//! The lint rules, one per file. Each file's `//!` doc says what the rule finds, why it matters
//! and shows an example; `cargo xtask codegen` collects them into `docs/rules.md`.
//!
//! Rules without a `check` are reported while files are read and parsed ([`file_findings`]).

use super::context::Context;
use super::diagnostic::{Diagnostic, RuleMeta};
use crate::project::load::{FileProblem, MAX_FILE_BYTES};
use crate::project::parse::IssueKind;
use crate::project::{Document, FileKind};

pub mod cache_not_read_only;
pub mod duplicate_id;
pub mod duplicate_key;
pub mod empty_file;
pub mod encoding;
pub mod handler_not_found;
pub mod id_domain_mismatch;
pub mod id_format;
pub mod id_layer_mismatch;
pub mod inline_secret;
pub mod input_limit;
pub mod invalid_expression;
pub mod invalid_input_schema;
pub mod io_error;
pub mod retry_not_idempotent;
pub mod risk_without_approval;
pub mod schema;
pub mod step_args_mismatch;
pub mod toml_syntax;
pub mod unknown_reference;
pub mod unknown_step;
pub mod unknown_tool;
pub mod workflow_cycle;
pub mod yaml_syntax;

pub type Check = fn(&Context, &mut Vec<Diagnostic>);

pub struct Rule {
    pub meta: &'static RuleMeta,
    pub check: Option<Check>,
}

const fn parse_rule(meta: &'static RuleMeta) -> Rule {
    Rule { meta, check: None }
}

const fn rule(meta: &'static RuleMeta, check: Check) -> Rule {
    Rule {
        meta,
        check: Some(check),
    }
}

/// Every rule, in the order of `docs/rules.md`.
pub static ALL: &[Rule] = &[
    parse_rule(&io_error::META),
    parse_rule(&encoding::META),
    parse_rule(&input_limit::META),
    parse_rule(&empty_file::META),
    parse_rule(&yaml_syntax::META),
    parse_rule(&toml_syntax::META),
    parse_rule(&duplicate_key::META),
    parse_rule(&schema::META),
    rule(&id_format::META, id_format::check),
    rule(&id_layer_mismatch::META, id_layer_mismatch::check),
    rule(&id_domain_mismatch::META, id_domain_mismatch::check),
    rule(&duplicate_id::META, duplicate_id::check),
    rule(&invalid_input_schema::META, invalid_input_schema::check),
    rule(&handler_not_found::META, handler_not_found::check),
    rule(&cache_not_read_only::META, cache_not_read_only::check),
    rule(&retry_not_idempotent::META, retry_not_idempotent::check),
    rule(&risk_without_approval::META, risk_without_approval::check),
    rule(&inline_secret::META, inline_secret::check),
    rule(&unknown_reference::META, unknown_reference::check),
    rule(&workflow_cycle::META, workflow_cycle::check),
    rule(&unknown_tool::META, unknown_tool::check),
    rule(&unknown_step::META, unknown_step::check),
    rule(&step_args_mismatch::META, step_args_mismatch::check),
    rule(&invalid_expression::META, invalid_expression::check),
];

/// The rule metadata, for renderers (SARIF rule descriptors) and `--list-rules`.
pub fn metas() -> Vec<&'static RuleMeta> {
    ALL.iter().map(|r| r.meta).collect()
}

pub fn find(name: &str) -> Option<&'static Rule> {
    ALL.iter().find(|r| r.meta.name == name)
}

fn human_size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else {
        format!("{} KiB", bytes.div_ceil(1024))
    }
}

/// Findings from reading and parsing one file.
pub fn file_findings(doc: &Document) -> Vec<Diagnostic> {
    let file = doc.file;
    let mut out = Vec::new();
    if let Some(problem) = &doc.problem {
        let d = match problem {
            FileProblem::Io(msg) => Diagnostic::new(
                &io_error::META,
                file,
                None,
                format!("cannot read file: {msg}"),
            ),
            FileProblem::NotAFile(what) => Diagnostic::new(
                &io_error::META,
                file,
                None,
                format!("expected a file, found {what}"),
            )
            .with_help(
                "rename it, or narrow the `tools`/`workflows` globs in `[project]` of lynx.toml",
            ),
            FileProblem::TooLarge { size } => Diagnostic::new(
                &input_limit::META,
                file,
                None,
                format!(
                    "file is {}, over the {} limit",
                    human_size(*size),
                    human_size(MAX_FILE_BYTES)
                ),
            )
            .with_help("no lynx file needs to be this large; is this the right file?"),
            FileProblem::Binary => Diagnostic::new(
                &encoding::META,
                file,
                None,
                "file is binary (it contains NUL bytes), not YAML or TOML text",
            )
            .with_help("move it out of the project, or narrow the `tools`/`workflows` globs in `[project]` of lynx.toml"),
            FileProblem::NotUtf8 { offset } => Diagnostic::at(
                &encoding::META,
                file,
                crate::project::source::Span::new(*offset, *offset),
                "file is not valid UTF-8 from here on",
            )
            .with_help("re-save the file as UTF-8"),
        };
        out.push(d);
        return out;
    }
    for issue in &doc.issues {
        let meta = match issue.kind {
            IssueKind::Syntax if doc.kind == FileKind::Config => &toml_syntax::META,
            IssueKind::Syntax => &yaml_syntax::META,
            IssueKind::DuplicateKey => &duplicate_key::META,
            IssueKind::Limit => &input_limit::META,
        };
        let mut d = Diagnostic::at(meta, file, issue.span, issue.message.clone());
        if let Some(help) = &issue.help {
            d = d.with_help(help.clone());
        }
        if let Some((span, msg)) = &issue.related {
            d = d.with_related(file, *span, msg.clone());
        }
        out.push(d);
    }
    if doc.root.is_none() && doc.issues.is_empty() && doc.kind != FileKind::Config {
        out.push(
            Diagnostic::new(
                &empty_file::META,
                file,
                None,
                format!(
                    "{} file defines nothing (it is empty or holds only comments)",
                    doc.kind.as_str()
                ),
            )
            .with_help("remove it, or run `lynx tool:create` to fill it"),
        );
    }
    out
}
