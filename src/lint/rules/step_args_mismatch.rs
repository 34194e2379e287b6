//! A step's `with:` that does not fit the `input_schema` of the tool (or workflow) it calls: a
//! `required` property left out, a property the schema does not know when it says
//! `additionalProperties: false`, or a literal of the wrong type or outside the property's `enum`.
//! A value that is exactly one `{{ expr }}` keeps its JSON type at run time and is not
//! type-checked; text around a `{{ … }}` makes the value a string. Checked only when the callee is
//! in the project and its schema lists `properties`; steps with `upstream:` are skipped.
//!
//! **Why:** lynx validates every call's arguments against the tool's `input_schema`, so the step
//! would fail at run time — after the steps before it already ran.
//!
//! **Example:**
//! ```yaml
//! # input_schema: { type: object, properties: { account: { type: string }, days: { type: integer } },
//! #                required: [account] }
//! steps:
//!   - id: read
//!     tool: finance.domain.health.read
//!     with: { acount: A-1, days: "30" }     # → account: A-1, days: 30
//! ```

use super::invalid_expression::{is_template, whole_expression};
use crate::lint::context::Context;
use crate::lint::diagnostic::{Diagnostic, RuleMeta, Severity};
use crate::lint::suggest::{did_you_mean, one_of};
use crate::project::node::{Node, Value, escape};
use serde_json::{Map, Value as Json};

pub static META: RuleMeta = RuleMeta {
    name: "step-args-mismatch",
    severity: Severity::Error,
    summary: "a step's `with:` arguments do not match the called tool's `input_schema`",
};

const TYPES: [&str; 7] = [
    "string", "integer", "number", "boolean", "null", "array", "object",
];

/// A JSON Schema type as a user would say it.
fn type_words(t: &str) -> &str {
    match t {
        "string" => "a string",
        "integer" => "an integer",
        "number" => "a number",
        "boolean" => "a boolean",
        "array" => "a list",
        "object" => "a mapping",
        other => other,
    }
}

/// The JSON Schema type of a literal (an integral float counts as an integer, as JSON Schema
/// says).
fn type_of(node: &Node) -> &'static str {
    match &node.value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(n) if n.as_f64().is_some_and(|f| f.fract() == 0.0) => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Seq(_) => "array",
        Value::Map(_) => "object",
    }
}

fn has_template(node: &Node) -> bool {
    match &node.value {
        Value::String(s) => is_template(s),
        Value::Seq(items) => items.iter().any(has_template),
        Value::Map(entries) => entries.iter().any(|e| has_template(&e.value)),
        _ => false,
    }
}

/// JSON equality with numbers compared by value (`1` equals `1.0`).
fn same(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// The types a property schema allows, when it names only known ones.
fn allowed_types(prop: &Map<String, Json>) -> Option<Vec<&str>> {
    let types: Vec<&str> = match prop.get("type")? {
        Json::String(t) => vec![t.as_str()],
        Json::Array(ts) => ts.iter().map(Json::as_str).collect::<Option<_>>()?,
        _ => return None,
    };
    types.iter().all(|t| TYPES.contains(t)).then_some(types)
}

/// What is wrong with `value` for the property schema `prop`: (message, help).
fn mismatch(
    key: &str,
    value: &Node,
    prop: &Map<String, Json>,
    callee: &str,
) -> Option<(String, String)> {
    let text = value.as_str();
    if text.is_some_and(|s| whole_expression(s).is_some()) {
        return None;
    }
    let templated = has_template(value);
    let actual = type_of(value);
    if let Some(types) = allowed_types(prop) {
        let fits = types
            .iter()
            .any(|&t| t == actual || (t == "number" && actual == "integer"));
        if !fits {
            let expected: Vec<&str> = types.iter().map(|t| type_words(t)).collect();
            let expected = expected.join(" or ");
            if templated && actual == "string" {
                return Some((
                    format!(
                        "`{key}` renders as a string (there is text around its `{{{{ … }}}}`), but `{callee}` expects {expected}"
                    ),
                    "make the value exactly one `{{ expr }}` to pass the expression's value with its type"
                        .to_owned(),
                ));
            }
            let unquoted = text.filter(|s| {
                let parsed: Option<Json> = serde_json::from_str(s.trim()).ok();
                parsed.is_some_and(|j| {
                    let t = match &j {
                        Json::Number(n) if n.is_f64() => "number",
                        Json::Number(_) => "integer",
                        Json::Bool(_) => "boolean",
                        Json::Null => "null",
                        _ => "",
                    };
                    types
                        .iter()
                        .any(|&w| w == t || (w == "number" && t == "integer"))
                })
            });
            let scalar = matches!(value.value, Value::Number(_) | Value::Bool(_));
            let help = match unquoted {
                Some(s) => format!("write it without quotes: `{}`", s.trim()),
                None if scalar && types.contains(&"string") => {
                    format!("quote it: `\"{}\"`", value.to_json())
                }
                None => format!("pass {expected}"),
            };
            return Some((
                format!(
                    "`{key}` is {}, but `{callee}` expects {expected}",
                    type_words(actual)
                ),
                help,
            ));
        }
    }
    if templated {
        return None;
    }
    let literal = value.to_json();
    if let Some(Json::Array(options)) = prop.get("enum")
        && !options.iter().any(|o| same(o, &literal))
    {
        let shown: Vec<String> = options.iter().map(|o| o.to_string()).collect();
        let strings = options.iter().filter_map(Json::as_str);
        let help = match literal.as_str().and_then(|s| did_you_mean(s, strings)) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("use {}", one_of(&shown)),
        };
        return Some((
            format!("`{key}` is `{literal}`, which `{callee}` does not accept"),
            help,
        ));
    }
    if let Some(expected) = prop.get("const")
        && !same(expected, &literal)
    {
        return Some((
            format!("`{key}` is `{literal}`, but `{callee}` accepts only `{expected}`"),
            format!("use `{expected}`, or leave `{key}` out"),
        ));
    }
    None
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (entry, wf) in cx.workflows() {
        let file = entry.file;
        for (i, step) in wf.steps.iter().enumerate() {
            if step.upstream.is_some() {
                continue;
            }
            let callee = step.tool.as_str();
            let schema = match cx.tool(callee) {
                Some(tool) => tool.input_schema.as_ref(),
                None => cx
                    .workflows_by_name
                    .get(callee)
                    .and_then(|v| v.first())
                    .and_then(|(_, w)| w.input_schema.as_ref()),
            };
            let Some(schema) = schema else { continue };
            let Some(props) = schema.get("properties").and_then(Json::as_object) else {
                continue;
            };
            let with_pointer = format!("/steps/{i}/with");
            // The written step, if it is the loaded one (a duplicated `steps:` key can part them).
            let step_node = cx
                .workflow_node(entry)
                .and_then(|n| n.pointer(&format!("/steps/{i}")))
                .filter(|n| n.get("id").and_then(|id| id.as_str()) == Some(step.id.as_str()));
            let with_node = step_node.and_then(|n| n.get("with")).filter(|n| n.is_map());

            let missing: Vec<&str> = schema
                .get("required")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
                .filter_map(Json::as_str)
                .filter(|r| !step.with.contains_key(*r))
                .collect();
            if !missing.is_empty() {
                let span = match with_node {
                    Some(_) => cx.workflow_key_span(entry, &with_pointer),
                    None => cx.workflow_span(entry, &format!("/steps/{i}/tool")),
                };
                let list = one_of(&missing).replace(" or ", " and ");
                let (noun, example) = if missing.len() == 1 {
                    ("argument", format!("`{}: …`", missing[0]))
                } else {
                    ("arguments", "them".to_owned())
                };
                out.push(
                    Diagnostic::at(
                        &META,
                        file,
                        span,
                        format!(
                            "step `{}` does not pass {list}, required by `{callee}`",
                            step.id
                        ),
                    )
                    .with_help(format!(
                        "add {example} to the step's `with:` (required {noun} of `{callee}`'s `input_schema`)"
                    )),
                );
            }

            let Some(with_node) = with_node else { continue };
            let closed = schema.get("additionalProperties") == Some(&Json::Bool(false))
                && schema.get("patternProperties").is_none();
            for e in with_node.entries() {
                match props.get(&e.key) {
                    None if closed => {
                        let names: Vec<&str> = props.keys().map(String::as_str).collect();
                        let help = match did_you_mean(&e.key, names.iter().copied()) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None if names.len() <= 8 => {
                                format!("`{callee}` takes {}", one_of(&names))
                            }
                            None => format!("remove it; `{callee}` does not take it"),
                        };
                        out.push(
                            Diagnostic::at(
                                &META,
                                file,
                                e.key_span,
                                format!("`{callee}` has no argument `{}`", e.key),
                            )
                            .with_help(help),
                        );
                    }
                    None => {}
                    Some(prop) => {
                        let Some(prop) = prop.as_object() else {
                            continue;
                        };
                        if let Some((message, help)) = mismatch(&e.key, &e.value, prop, callee) {
                            let span = cx.workflow_span(
                                entry,
                                &format!("{with_pointer}/{}", escape(&e.key)),
                            );
                            out.push(Diagnostic::at(&META, file, span, message).with_help(help));
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::invalid_expression::test_support::{lint, tool};

    const RULE: &str = "step-args-mismatch";

    const SCHEMA: &str = "{ type: object, additionalProperties: false, properties: { title: { type: string }, count: { type: integer }, ratio: { type: number }, mode: { enum: [fast, slow] }, tags: { type: [array, \"null\"] } }, required: [title, count] }";

    fn run(steps: &str) -> super::super::invalid_expression::test_support::Linted {
        let t = tool("docs.cluster.draft.create", SCHEMA);
        let wf = format!("name: w\nsteps:\n{steps}");
        lint(&[("tools/a.yaml", &t), ("workflows/w.yaml", &wf)])
    }

    #[test]
    fn matching_arguments_pass() {
        let l = run(
            "  - id: a\n    tool: docs.cluster.draft.create\n    with: { title: \"n={{ inputs.n }}\", count: 3, ratio: 2, mode: slow, tags: null }\n  - id: b\n    tool: docs.cluster.draft.create\n    for_each: [1, 2]\n    with: { title: x, count: \"{{ item }}\", ratio: 0.5, tags: [\"{{ item }}\"] }\n  - id: c\n    tool: elsewhere\n    upstream: other\n    with: { anything: 1 }\n",
        );
        assert_eq!(l.found(RULE), []);
    }

    #[test]
    fn missing_required_at_with_or_tool() {
        let l = run(
            "  - id: a\n    tool: docs.cluster.draft.create\n    with: { title: x }\n  - id: b\n    tool: docs.cluster.draft.create\n",
        );
        assert_eq!(
            l.found(RULE),
            [
                (
                    5,
                    "step `a` does not pass `count`, required by `docs.cluster.draft.create`"
                        .to_string()
                ),
                (
                    7,
                    "step `b` does not pass `title` and `count`, required by `docs.cluster.draft.create`"
                        .to_string()
                ),
            ]
        );
        let d = l.of(RULE);
        assert_eq!(l.text(d[0]), "with");
        assert_eq!(l.text(d[1]), "docs.cluster.draft.create");
    }

    #[test]
    fn unknown_argument_with_suggestion() {
        let l = run(
            "  - id: a\n    tool: docs.cluster.draft.create\n    with: { title: x, count: 1, titel: y }\n",
        );
        let d = l.of(RULE);
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "`docs.cluster.draft.create` has no argument `titel`"
        );
        assert_eq!(d[0].help.as_deref(), Some("did you mean `title`?"));
        assert_eq!(l.text(d[0]), "titel");
    }

    #[test]
    fn wrong_type_literals() {
        let l = run(
            "  - id: a\n    tool: docs.cluster.draft.create\n    with:\n      title: 5\n      count: \"12\"\n      ratio: \"n={{ inputs.n }}\"\n      mode: fsat\n      tags: x\n",
        );
        let found = l.found(RULE);
        assert_eq!(
            found,
            [
                (
                    6,
                    "`title` is an integer, but `docs.cluster.draft.create` expects a string"
                        .to_string()
                ),
                (
                    7,
                    "`count` is a string, but `docs.cluster.draft.create` expects an integer"
                        .to_string()
                ),
                (
                    8,
                    "`ratio` renders as a string (there is text around its `{{ … }}`), but `docs.cluster.draft.create` expects a number"
                        .to_string()
                ),
                (
                    9,
                    "`mode` is `\"fsat\"`, which `docs.cluster.draft.create` does not accept"
                        .to_string()
                ),
                (
                    10,
                    "`tags` is a string, but `docs.cluster.draft.create` expects a list or null"
                        .to_string()
                ),
            ]
        );
        let d = l.of(RULE);
        assert_eq!(d[0].help.as_deref(), Some("quote it: `\"5\"`"));
        assert_eq!(d[1].help.as_deref(), Some("write it without quotes: `12`"));
        assert_eq!(d[3].help.as_deref(), Some("did you mean `fast`?"));
        assert_eq!(l.text(d[1]), "\"12\"");
    }

    #[test]
    fn single_templates_skip_type_checks() {
        let l = run(
            "  - id: a\n    tool: docs.cluster.draft.create\n    with: { title: \"{{ inputs.t }}\", count: \"{{ inputs.n }}\", mode: \"{{ inputs.m }}\" }\n",
        );
        assert_eq!(l.found(RULE), []);
    }

    #[test]
    fn workflows_as_callees() {
        let callee = "name: sub\ninput_schema: { type: object, properties: { n: { type: integer } }, required: [n] }\nsteps: [{ id: x, tool: w }]\n";
        let caller = "name: w\nsteps:\n  - id: a\n    tool: sub\n    with: { n: true }\n";
        let l = lint(&[("workflows/sub.yaml", callee), ("workflows/w.yaml", caller)]);
        assert_eq!(
            l.found(RULE),
            [(
                5,
                "`n` is a boolean, but `sub` expects an integer".to_string()
            )]
        );
    }
}
