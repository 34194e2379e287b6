//! PENDING: documentation.

use crate::lint::context::Context;
use crate::lint::diagnostic::{Diagnostic, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    name: "unknown-tool",
    severity: Severity::Error,
    summary: "a workflow step calls a tool that is not defined",
};

pub fn check(_cx: &Context, _out: &mut Vec<Diagnostic>) {}
