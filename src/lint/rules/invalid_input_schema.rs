//! A tool's `input_schema` or `output_schema` that is not a valid JSON Schema (draft 2020-12
//! unless it names another draft in `$schema`), cannot be compiled (bad regex, unresolvable
//! `$ref`), or does not describe an object (`type: object`), as MCP requires.
//!
//! **Why:** lynx validates every call's arguments against `input_schema` and every result
//! against `output_schema`; clients show the schema to models. A broken schema breaks both.
//!
//! **Example:**
//! ```yaml
//! input_schema:
//!   type: object
//!   properties:
//!     amount: { type: money }      # not a JSON Schema type
//! ```

use crate::lint::context::Context;
use crate::lint::diagnostic::{Diagnostic, RuleMeta, Severity};
use crate::lint::schema::field_name;
use serde_json::Value;

pub static META: RuleMeta = RuleMeta {
    name: "invalid-input-schema",
    severity: Severity::Error,
    summary: "`input_schema` / `output_schema` is not a valid JSON Schema for an object",
};

/// Why `schema` is unusable as a tool's schema, with the JSON pointer of the culprit inside it.
pub fn problem(schema: &Value) -> Option<(String, String)> {
    let draft = schema.get("$schema").and_then(Value::as_str).unwrap_or("");
    let meta = if draft.contains("draft-07") {
        jsonschema::draft7::meta::validate(schema)
    } else if draft.contains("draft-04") {
        jsonschema::draft4::meta::validate(schema)
    } else if draft.contains("draft-06") {
        jsonschema::draft6::meta::validate(schema)
    } else if draft.contains("2019-09") {
        jsonschema::draft201909::meta::validate(schema)
    } else {
        jsonschema::draft202012::meta::validate(schema)
    };
    if let Err(e) = meta {
        return Some((e.instance_path().as_str().to_owned(), e.to_string()));
    }
    if let Err(e) = jsonschema::options().build(schema) {
        return Some((String::new(), e.to_string()));
    }
    match schema.get("type") {
        Some(Value::String(t)) if t == "object" => None,
        None if schema.get("properties").is_some() => None,
        _ => Some((
            "/type".into(),
            "MCP requires the schema of a tool to describe an object (`type: object`)".into(),
        )),
    }
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (entry, tool) in cx.project.tool_defs() {
        for (field, schema) in [
            ("input_schema", &tool.input_schema),
            ("output_schema", &tool.output_schema),
        ] {
            let Some(schema) = schema else { continue };
            let value = Value::Object(schema.clone());
            if let Some((inner, why)) = problem(&value) {
                let pointer = format!("/{field}{inner}");
                let span = cx.tool_span(entry, &pointer);
                let place = if inner.is_empty() {
                    format!("`{field}`")
                } else {
                    format!("`{}`", field_name(&pointer))
                };
                out.push(
                    Diagnostic::at(
                        &META,
                        entry.file,
                        span,
                        format!(
                            "{place} is not a valid schema: {}",
                            why.trim_end_matches('.')
                        ),
                    )
                    .with_help(
                        "see https://json-schema.org/understanding-json-schema/ for the keywords",
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::problem;
    use serde_json::json;

    #[test]
    fn object_schemas_pass() {
        assert!(
            problem(&json!({"type": "object", "properties": {"a": {"type": "string"}}})).is_none()
        );
    }

    #[test]
    fn bad_type_points_inside() {
        let (at, _) =
            problem(&json!({"type": "object", "properties": {"a": {"type": "money"}}})).unwrap();
        assert_eq!(at, "/properties/a/type");
    }

    #[test]
    fn non_object_and_bad_regex_fail() {
        assert_eq!(problem(&json!({"type": "string"})).unwrap().0, "/type");
        assert!(
            problem(&json!({"type": "object", "properties": {"a": {"pattern": "("}}})).is_some()
        );
    }

    #[test]
    fn unknown_draft_uri_does_not_panic() {
        let _ = problem(&json!({"$schema": "https://example.com/mine", "type": "object"}));
    }
}
