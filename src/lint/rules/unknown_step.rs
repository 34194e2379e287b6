//! PENDING: documentation.

use crate::lint::context::Context;
use crate::lint::diagnostic::{Diagnostic, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    name: "unknown-step",
    severity: Severity::Error,
    summary: "a workflow refers to a step that does not exist or does not run before it",
};

pub fn check(_cx: &Context, _out: &mut Vec<Diagnostic>) {}
