//! `tool:validate`'s engine: parse problems, JSON Schema findings and semantic rules, turned
//! into [`Diagnostic`]s, with severities from `lynx.toml` and `# lynx: ignore` applied.
//!
//! Invariant: pure — reads only the loaded [`Project`], no IO, no terminal. Rendering lives in
//! [`render`]; each rule lives in its own file under [`rules`].

pub mod context;
pub mod diagnostic;
pub mod render;
pub mod rules;
pub mod schema;
pub mod suggest;
mod suppress;

use crate::project::Project;
use crate::project::model::RuleLevel;
use context::Context;
use diagnostic::{Diagnostic, FileId, Severity};
use rayon::prelude::*;
use std::collections::HashSet;

/// Runs every rule over `project` and returns the findings, sorted by file and position.
/// With `targets`, only those files are checked; the rest of the project is context (ids,
/// schemas and names that the targets refer to).
pub fn check(project: &Project, targets: Option<&HashSet<FileId>>) -> Vec<Diagnostic> {
    let is_target = |f: FileId| targets.is_none_or(|t| t.contains(&f));
    let cx = Context::new(project, targets);
    let per_file = project
        .docs
        .par_iter()
        .filter(|d| is_target(d.file))
        .flat_map_iter(|doc| {
            let mut found = rules::file_findings(doc);
            if found.iter().all(|d| d.severity != Severity::Error) {
                found.extend(schema::check_document(project, doc));
            }
            found
        });
    let per_rule = rules::ALL
        .par_iter()
        .filter_map(|r| r.check)
        .flat_map_iter(|check| {
            let mut found = Vec::new();
            check(&cx, &mut found);
            found
        });
    let mut out: Vec<Diagnostic> = per_file
        .chain(per_rule)
        .filter(|d| is_target(d.file))
        .collect();

    let levels = &project.config.lint.rules;
    out.retain_mut(|d| {
        if let Some(level) = levels.get(d.rule) {
            match level {
                RuleLevel::Off => return false,
                RuleLevel::Error => d.severity = Severity::Error,
                RuleLevel::Warning => d.severity = Severity::Warning,
                RuleLevel::Info => d.severity = Severity::Info,
            }
        }
        !suppress::is_suppressed(project.file(d.file), d)
    });
    out.sort_by(|a, b| {
        (a.file, a.span.map(|s| s.start), a.rule).cmp(&(b.file, b.span.map(|s| s.start), b.rule))
    });
    out.dedup();
    out
}
