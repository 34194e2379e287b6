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
use diagnostic::{Diagnostic, Severity};
use rayon::prelude::*;

/// Runs every rule over `project` and returns the findings, sorted by file and position.
pub fn check(project: &Project) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = project
        .docs
        .par_iter()
        .flat_map_iter(|doc| {
            let mut found = rules::file_findings(project, doc);
            if found.iter().all(|d| d.severity != Severity::Error) {
                found.extend(schema::check_document(project, doc));
            }
            found
        })
        .collect();

    let cx = Context::new(project);
    for rule in rules::ALL {
        if let Some(check) = rule.check {
            check(&cx, &mut out);
        }
    }

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
