//! PENDING: documentation.

use crate::lint::context::Context;
use crate::lint::diagnostic::{Diagnostic, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    name: "invalid-expression",
    severity: Severity::Error,
    summary: "a `{{ … }}` template or `when:` expression does not parse",
};

pub fn check(_cx: &Context, _out: &mut Vec<Diagnostic>) {}
