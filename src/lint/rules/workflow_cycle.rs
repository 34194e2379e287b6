//! PENDING: documentation.

use crate::lint::context::Context;
use crate::lint::diagnostic::{Diagnostic, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    name: "workflow-cycle",
    severity: Severity::Error,
    summary: "the steps of a workflow depend on each other in a cycle",
};

pub fn check(_cx: &Context, _out: &mut Vec<Diagnostic>) {}
