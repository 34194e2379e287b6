//! The scaffolding templates (`templates/` at the repository root), embedded in the binary and
//! rendered with minijinja in strict mode: an undefined variable is an error, never an empty
//! string.
//!
//! Templates use `{= … =}` for their own variables and `{% … %}` for blocks, so that the
//! `{{ … }}` of workflow expressions (and `${…}` of shells) pass through untouched.

use minijinja::syntax::SyntaxConfig;
use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior, Value};
use serde_json::Value as Json;
use std::sync::OnceLock;

/// Every template: its name (the path under `templates/` without `.j2`) and source.
pub const ALL: &[(&str, &str)] = &[
    ("tool.yaml", include_str!("../../templates/tool.yaml.j2")),
    (
        "handlers/python_exec.py",
        include_str!("../../templates/handlers/python_exec.py.j2"),
    ),
    (
        "handlers/python_worker.py",
        include_str!("../../templates/handlers/python_worker.py.j2"),
    ),
    (
        "handlers/node_exec.mjs",
        include_str!("../../templates/handlers/node_exec.mjs.j2"),
    ),
    (
        "handlers/bash_exec.sh",
        include_str!("../../templates/handlers/bash_exec.sh.j2"),
    ),
    (
        "handlers/http_server.py",
        include_str!("../../templates/handlers/http_server.py.j2"),
    ),
    (
        "init/lynx.toml",
        include_str!("../../templates/init/lynx.toml.j2"),
    ),
    (
        "init/gitignore",
        include_str!("../../templates/init/gitignore.j2"),
    ),
    (
        "init/README.md",
        include_str!("../../templates/init/README.md.j2"),
    ),
    (
        "workflows/steps.yaml",
        include_str!("../../templates/workflows/steps.yaml.j2"),
    ),
    (
        "workflows/ci-cd.yaml",
        include_str!("../../templates/workflows/ci-cd.yaml.j2"),
    ),
    (
        "workflows/backup.yaml",
        include_str!("../../templates/workflows/backup.yaml.j2"),
    ),
    (
        "workflows/security-audit.yaml",
        include_str!("../../templates/workflows/security-audit.yaml.j2"),
    ),
    (
        "workflows/incident-response.yaml",
        include_str!("../../templates/workflows/incident-response.yaml.j2"),
    ),
    (
        "workflows/perf-investigation.yaml",
        include_str!("../../templates/workflows/perf-investigation.yaml.j2"),
    ),
    (
        "workflows/content-deployment.yaml",
        include_str!("../../templates/workflows/content-deployment.yaml.j2"),
    ),
    (
        "workflows/approval-chain.yaml",
        include_str!("../../templates/workflows/approval-chain.yaml.j2"),
    ),
    (
        "workflows/fan-out.yaml",
        include_str!("../../templates/workflows/fan-out.yaml.j2"),
    ),
];

/// A template failed to render: a bug in lynx's templates or in the values given to them.
#[derive(Debug, thiserror::Error)]
#[error("rendering template `{name}`: {detail}")]
pub struct RenderError {
    pub name: String,
    pub detail: String,
}

fn syntax() -> SyntaxConfig {
    SyntaxConfig::builder()
        .variable_delimiters("{=", "=}")
        .block_delimiters("{%", "%}")
        .comment_delimiters("{##", "##}")
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .expect("the template syntax is valid")
}

/// A fresh environment holding `templates` (tests use it with their own sources).
pub fn environment(
    templates: &[(&'static str, &'static str)],
) -> Result<Environment<'static>, Error> {
    let mut env = Environment::new();
    env.set_syntax(syntax());
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.add_filter("yaml", |v: Value| -> Result<String, Error> {
        Ok(yaml_scalar(&json(&v)?, true))
    });
    env.add_filter("flow", |v: Value| -> Result<String, Error> {
        Ok(yaml_flow(&json(&v)?))
    });
    env.add_filter("tojson", |v: Value| -> Result<String, Error> {
        serde_json::to_string(&json(&v)?)
            .map_err(|e| Error::new(ErrorKind::InvalidOperation, e.to_string()))
    });
    for (name, source) in templates {
        env.add_template(name, source)?;
    }
    Ok(env)
}

fn json(v: &Value) -> Result<Json, Error> {
    if v.is_undefined() {
        return Err(Error::new(
            ErrorKind::UndefinedError,
            "undefined value passed to a filter",
        ));
    }
    serde_json::to_value(v).map_err(|e| Error::new(ErrorKind::InvalidOperation, e.to_string()))
}

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| environment(ALL).expect("the embedded templates parse (tested)"))
}

/// Renders the embedded template `name` with `ctx`.
pub fn render(name: &str, ctx: &impl serde::Serialize) -> Result<String, RenderError> {
    let err = |e: Error| RenderError {
        name: name.to_owned(),
        detail: format!("{e:#}"),
    };
    env()
        .get_template(name)
        .map_err(err)?
        .render(minijinja::value::Serde(ctx))
        .map_err(err)
}

/// Words YAML 1.1 or 1.2 would read as something other than a string.
fn reserved(s: &str) -> bool {
    matches!(
        s.to_ascii_lowercase().as_str(),
        "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n" | "~"
    )
}

/// A string as a YAML scalar: plain when that is unambiguous, else double-quoted (a JSON string
/// is a valid YAML double-quoted scalar). `block` allows `,` (not special outside flow context).
pub fn yaml_string(s: &str, block: bool) -> String {
    let mut chars = s.chars();
    let plain = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    ' ' | '_' | '.' | '-' | '/' | '(' | ')' | '\'' | '!' | '?'
                )
                || (block && c == ',')
        })
        && !s.ends_with(' ')
        && !reserved(s);
    if plain {
        s.to_owned()
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}

/// Any JSON scalar as YAML (objects and lists go through [`yaml_flow`]).
pub fn yaml_scalar(v: &Json, block: bool) -> String {
    match v {
        Json::String(s) => yaml_string(s, block),
        Json::Array(_) | Json::Object(_) => yaml_flow(v),
        other => other.to_string(),
    }
}

/// A value in YAML flow style: `{ name: world, tags: [a, b] }`. Keys are sorted, except that
/// `type` comes first, as people write schemas: `{ type: string, description: … }`.
pub fn yaml_flow(v: &Json) -> String {
    match v {
        Json::Object(map) if map.is_empty() => "{}".into(),
        Json::Object(map) => {
            let mut entries: Vec<(&String, &Json)> = map.iter().collect();
            entries.sort_by_key(|(k, _)| (k.as_str() != "type", k.as_str()));
            let items: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}: {}", yaml_string(k, false), yaml_flow(v)))
                .collect();
            format!("{{ {} }}", items.join(", "))
        }
        Json::Array(items) => {
            let items: Vec<String> = items.iter().map(yaml_flow).collect();
            format!("[{}]", items.join(", "))
        }
        other => yaml_scalar(other, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::value::Serde;
    use serde_json::json;

    #[test]
    fn every_embedded_template_parses() {
        let env = environment(ALL).unwrap();
        for (name, _) in ALL {
            env.get_template(name).unwrap();
        }
    }

    #[test]
    fn an_undefined_variable_is_an_error() {
        let env = environment(&[("t", "hello {= who =}")]).unwrap();
        let err = env
            .get_template("t")
            .unwrap()
            .render(Serde(json!({})))
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UndefinedError);
        let err = env
            .get_template("t")
            .unwrap()
            .render(Serde(json!({"who": {}})))
            .map(|_| ());
        assert!(err.is_ok(), "a defined value renders");
        let attr = environment(&[("t", "{= a.b =}")]).unwrap();
        assert!(
            attr.get_template("t")
                .unwrap()
                .render(Serde(json!({"a": {}})))
                .is_err()
        );
    }

    #[test]
    fn workflow_expressions_pass_through() {
        let env = environment(&[("t", "x: \"{{ inputs.{= k =} }}\" ${#v}")]).unwrap();
        let out = env
            .get_template("t")
            .unwrap()
            .render(Serde(json!({"k": "a"})))
            .unwrap();
        assert_eq!(out, "x: \"{{ inputs.a }}\" ${#v}");
    }

    #[test]
    fn yaml_scalars_are_quoted_only_when_needed() {
        assert_eq!(yaml_string("Finance health", true), "Finance health");
        assert_eq!(yaml_string("a, b", true), "a, b");
        assert_eq!(yaml_string("a, b", false), "\"a, b\"");
        assert_eq!(yaml_string("yes", true), "\"yes\"");
        assert_eq!(yaml_string("key: value", true), "\"key: value\"");
        assert_eq!(yaml_string("# not a comment", true), "\"# not a comment\"");
        assert_eq!(yaml_string("1.0", true), "\"1.0\"");
        assert_eq!(yaml_string("", true), "\"\"");
        assert_eq!(yaml_string("say \"hi\"\n", true), "\"say \\\"hi\\\"\\n\"");
        assert_eq!(
            yaml_flow(
                &json!({"name": "world", "count": 2, "ok": true, "tags": ["a", "b c"], "o": {}})
            ),
            "{ count: 2, name: world, o: {}, ok: true, tags: [a, b c] }"
        );
        assert_eq!(
            yaml_flow(&json!({"description": "Who.", "type": "string"})),
            "{ type: string, description: Who. }"
        );
    }
}
