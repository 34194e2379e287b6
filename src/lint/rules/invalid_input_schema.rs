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

/// What is wrong with a tool's schema: where (a JSON pointer inside it), what, and what to do.
#[derive(Debug, PartialEq)]
pub struct Problem {
    pub pointer: String,
    pub message: String,
    pub help: &'static str,
}

const KEYWORDS_HELP: &str =
    "see https://json-schema.org/understanding-json-schema/ for the keywords";

/// Turns a meta-schema or compile error into words about the user's schema.
fn describe(e: &jsonschema::ValidationError<'_>) -> Problem {
    use jsonschema::error::ValidationErrorKind as K;
    let pointer = e.instance_path().as_str().to_owned();
    let value = match e.instance().as_ref() {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let (message, help) = match e.kind() {
        K::AnyOf { .. } | K::Enum { .. } if pointer.ends_with("/type") => (
            format!("`{value}` is not a JSON Schema type"),
            "use `string`, `number`, `integer`, `boolean`, `object`, `array` or `null`",
        ),
        K::Format { format } if format == "regex" => (
            format!("`{value}` is not a valid regular expression"),
            "JSON Schema patterns are ECMA-262 regular expressions; check brackets and escapes",
        ),
        _ => (
            e.to_string().trim_end_matches('.').to_owned(),
            KEYWORDS_HELP,
        ),
    };
    Problem {
        pointer,
        message,
        help,
    }
}

/// Why `schema` is unusable as a tool's schema, or `None` when it is fine.
pub fn problem(schema: &Value) -> Option<Problem> {
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
        return Some(describe(&e));
    }
    // Compiling catches what the meta-schema cannot: bad regexes, unresolvable `$ref`s.
    if let Err(e) = jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
    {
        return Some(describe(&e));
    }
    match schema.get("type") {
        Some(Value::String(t)) if t == "object" => None,
        None if schema.get("properties").is_some() => None,
        _ => Some(Problem {
            pointer: "/type".into(),
            message: "must describe an object (`type: object`): MCP passes tool arguments and structured results as JSON objects".into(),
            help: "use `type: object` and put the values under `properties`",
        }),
    }
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (entry, tool) in cx.tools() {
        for (field, schema) in [
            ("input_schema", &tool.input_schema),
            ("output_schema", &tool.output_schema),
        ] {
            let Some(schema) = schema else { continue };
            let value = Value::Object(schema.clone());
            if let Some(p) = problem(&value) {
                let pointer = format!("/{field}{}", p.pointer);
                let span = cx.tool_span(entry, &pointer);
                out.push(
                    Diagnostic::at(
                        &META,
                        entry.file,
                        span,
                        format!("`{}`: {}", field_name(&pointer), p.message),
                    )
                    .with_help(p.help),
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
        let p =
            problem(&json!({"type": "object", "properties": {"a": {"type": "money"}}})).unwrap();
        assert_eq!(p.pointer, "/properties/a/type");
        assert_eq!(p.message, "`money` is not a JSON Schema type");
    }

    #[test]
    fn non_object_and_bad_regex_fail() {
        assert_eq!(
            problem(&json!({"type": "string"})).unwrap().pointer,
            "/type"
        );
        let p = problem(&json!({"type": "object", "properties": {"a": {"pattern": "("}}})).unwrap();
        assert_eq!(p.pointer, "/properties/a/pattern");
        assert!(p.message.contains("regular expression"), "{p:?}");
    }

    #[test]
    fn unknown_draft_uri_does_not_panic() {
        let _ = problem(&json!({"$schema": "https://example.com/mine", "type": "object"}));
    }
}
