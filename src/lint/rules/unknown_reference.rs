//! A name that refers to nothing declared: an `approval.notify` entry without a
//! `[notify.NAME]`, an `mcp` handler's or workflow step's `upstream` without an
//! `[upstreams.NAME]`, an `[auth]` key's `tenant` without a `[tenants.NAME]` (when tenants are
//! declared), a rule name in `[lint.rules]` that lynx does not have.
//!
//! **Why:** each of these fails only at run time — the approval nobody is told about, the proxy
//! that cannot connect — or, for lint settings, silently does nothing.
//!
//! **Example:**
//! ```yaml
//! approval: { required: true, notify: [finance-slak] }   # lynx.toml declares [notify.finance-slack]
//! ```

use crate::lint::context::Context;
use crate::lint::diagnostic::{Diagnostic, FileId, RuleMeta, Severity};
use crate::lint::suggest::did_you_mean;
use crate::project::model::{Handler, HandlerKind};
use crate::project::source::Span;
use std::collections::BTreeMap;

pub static META: RuleMeta = RuleMeta {
    name: "unknown-reference",
    severity: Severity::Error,
    summary: "a notifier, upstream, tenant or rule name refers to nothing declared",
};

fn report<V>(
    out: &mut Vec<Diagnostic>,
    file: FileId,
    span: Span,
    what: &str,
    name: &str,
    declared: &BTreeMap<String, V>,
    section: &str,
) {
    let mut d = Diagnostic::at(
        &META,
        file,
        span,
        format!("{what} `{name}` is not declared"),
    );
    d = match did_you_mean(name, declared.keys().map(String::as_str)) {
        Some(s) => d.with_help(format!("did you mean `{s}`?")),
        None => d.with_help(format!("declare `[{section}.{name}]` in lynx.toml")),
    };
    out.push(d);
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let config = &cx.project.config;
    for (entry, tool) in cx.tools() {
        if let Some(approval) = &tool.approval {
            for (i, name) in approval.notify.iter().enumerate() {
                if !config.notify.contains_key(name) {
                    report(
                        out,
                        entry.file,
                        cx.tool_span(entry, &format!("/approval/notify/{i}")),
                        "notifier",
                        name,
                        &config.notify,
                        "notify",
                    );
                }
            }
        }
        if let Handler::Spec(spec) = &tool.handler
            && spec.kind == HandlerKind::Mcp
            && let Some(up) = spec
                .upstream
                .as_ref()
                .filter(|u| !config.upstreams.contains_key(*u))
        {
            report(
                out,
                entry.file,
                cx.tool_span(entry, "/handler/upstream"),
                "upstream",
                up,
                &config.upstreams,
                "upstreams",
            );
        }
    }
    for (entry, wf) in cx.workflows() {
        for (i, step) in wf.steps.iter().enumerate() {
            if let Some(up) = step
                .upstream
                .as_ref()
                .filter(|u| !config.upstreams.contains_key(*u))
            {
                report(
                    out,
                    entry.file,
                    cx.workflow_span(entry, &format!("/steps/{i}/upstream")),
                    "upstream",
                    up,
                    &config.upstreams,
                    "upstreams",
                );
            }
        }
    }
    let Some((file, root)) = cx.config() else {
        return;
    };
    if !config.tenants.is_empty()
        && let Some(keys) = root.pointer("/auth/keys")
    {
        for key in keys.items() {
            if let Some(t) = key
                .get("tenant")
                .filter(|t| t.as_str().is_some_and(|s| !config.tenants.contains_key(s)))
            {
                report(
                    out,
                    file,
                    t.span,
                    "tenant",
                    t.as_str().unwrap_or(""),
                    &config.tenants,
                    "tenants",
                );
            }
        }
    }
    if let Some(rules) = root.pointer("/lint/rules") {
        let names: Vec<&str> = super::ALL.iter().map(|r| r.meta.name).collect();
        for e in rules.entries() {
            if !names.contains(&e.key.as_str()) {
                let mut d = Diagnostic::at(
                    &META,
                    file,
                    e.key_span,
                    format!("lint rule `{}` does not exist", e.key),
                );
                d = match did_you_mean(&e.key, names.iter().copied()) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help("`lynx tool:validate --list-rules` lists the rules"),
                };
                out.push(d);
            }
        }
    }
}
