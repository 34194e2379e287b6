//! PENDING: documentation.

use crate::lint::context::Context;
use crate::lint::diagnostic::{Diagnostic, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    name: "step-args-mismatch",
    severity: Severity::Error,
    summary: "a step's `with:` arguments do not match the called tool's `input_schema`",
};

pub fn check(_cx: &Context, _out: &mut Vec<Diagnostic>) {}
