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
use rayon::prelude::*;
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

fn uses_compiled_keywords(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.iter().any(|(k, v)| {
            matches!(
                k.as_str(),
                "pattern" | "patternProperties" | "$ref" | "$dynamicRef" | "$recursiveRef"
            ) || uses_compiled_keywords(v)
        }),
        Value::Array(a) => a.iter().any(uses_compiled_keywords),
        _ => false,
    }
}

/// Whether `schema` is certainly valid under the draft 2020-12 meta-schema, judged from the
/// handful of keywords nearly all tool schemas use. `false` means "not sure": the caller then asks
/// the real meta-schema, which costs several microseconds a schema — too much for thousands.
fn plainly_valid(schema: &Value, depth: usize) -> bool {
    const TYPES: &[&str] = &[
        "string", "number", "integer", "boolean", "object", "array", "null",
    ];
    let Value::Object(m) = schema else {
        return schema.is_boolean();
    };
    let sub = |v: &Value| plainly_valid(v, depth + 1);
    let count = |v: &Value| v.as_u64().is_some();
    let strings_unique = |v: &Value| {
        v.as_array().is_some_and(|a| {
            a.iter().all(Value::is_string) && a.iter().enumerate().all(|(i, x)| !a[..i].contains(x))
        })
    };
    depth < 32
        && m.iter().all(|(k, v)| match k.as_str() {
            "type" => match v {
                Value::String(t) => TYPES.contains(&t.as_str()),
                Value::Array(a) => {
                    !a.is_empty()
                        && strings_unique(v)
                        && a.iter()
                            .all(|t| t.as_str().is_some_and(|t| TYPES.contains(&t)))
                }
                _ => false,
            },
            "properties" => v.as_object().is_some_and(|p| p.values().all(sub)),
            "items" | "additionalProperties" => sub(v),
            "required" => strings_unique(v),
            "title" | "description" | "$comment" | "format" => v.is_string(),
            // A pattern Rust's regex syntax accepts is also valid for the schema engine (a
            // superset); anything else goes the slow way.
            "pattern" => v
                .as_str()
                .is_some_and(|p| regex_syntax::Parser::new().parse(p).is_ok()),
            "enum" | "examples" => v.is_array(),
            "default" | "const" => true,
            "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" => v.is_number(),
            "multipleOf" => v.as_f64().is_some_and(|n| n > 0.0),
            "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties"
            | "maxProperties" => count(v),
            "uniqueItems" | "readOnly" | "writeOnly" | "deprecated" => v.is_boolean(),
            _ => false,
        })
}

/// Why `schema` is unusable as a tool's schema, or `None` when it is fine.
pub fn problem(schema: &Value) -> Option<Problem> {
    if plainly_valid(schema, 0) {
        return object_problem(schema);
    }
    let draft = schema.get("$schema").and_then(Value::as_str).unwrap_or("");
    // `is_valid` is the fast path; `validate` runs only to explain a failure.
    let meta = if draft.contains("draft-07") {
        (!jsonschema::draft7::meta::is_valid(schema))
            .then(|| jsonschema::draft7::meta::validate(schema))
    } else if draft.contains("draft-04") {
        (!jsonschema::draft4::meta::is_valid(schema))
            .then(|| jsonschema::draft4::meta::validate(schema))
    } else if draft.contains("draft-06") {
        (!jsonschema::draft6::meta::is_valid(schema))
            .then(|| jsonschema::draft6::meta::validate(schema))
    } else if draft.contains("2019-09") {
        (!jsonschema::draft201909::meta::is_valid(schema))
            .then(|| jsonschema::draft201909::meta::validate(schema))
    } else {
        (!jsonschema::draft202012::meta::is_valid(schema))
            .then(|| jsonschema::draft202012::meta::validate(schema))
    };
    if let Some(Err(e)) = meta {
        return Some(describe(&e));
    }
    // Compiling catches what the meta-schema cannot — bad regexes, unresolvable `$ref`s — and
    // only schemas that use those keywords need it.
    if uses_compiled_keywords(schema)
        && let Err(e) = jsonschema::options()
            .should_validate_formats(true)
            .build(schema)
    {
        return Some(describe(&e));
    }
    object_problem(schema)
}

/// MCP's own requirement on top of JSON Schema: the schema describes an object.
fn object_problem(schema: &Value) -> Option<Problem> {
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
    // Checking a schema costs tens of microseconds and projects have thousands: spread them over
    // the cores.
    let tools: Vec<_> = cx.tools().collect();
    let found: Vec<Diagnostic> = tools
        .par_iter()
        .flat_map_iter(|(entry, tool)| {
            let checks = [
                ("input_schema", &tool.input_schema),
                ("output_schema", &tool.output_schema),
            ];
            checks.into_iter().filter_map(move |(field, schema)| {
                let schema = schema.as_ref()?;
                let p = problem_in(schema)?;
                let pointer = format!("/{field}{}", p.pointer);
                let span = cx.tool_span(entry, &pointer);
                Some(
                    Diagnostic::at(
                        &META,
                        entry.file,
                        span,
                        format!("`{}`: {}", field_name(&pointer), p.message),
                    )
                    .with_help(p.help),
                )
            })
        })
        .collect();
    out.extend(found);
}

/// [`problem`] for a schema held as a map (as the typed model keeps it), without copying it
/// unless it has to be compiled.
fn problem_in(schema: &serde_json::Map<String, Value>) -> Option<Problem> {
    problem(&Value::Object(schema.clone()))
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
    fn fast_path_agrees_with_the_meta_schema() {
        let cases = [
            json!({"type": "object", "properties": {"a": {"type": "string", "enum": ["x"]}}, "required": ["a"]}),
            json!({"type": ["string", "null"], "minLength": 1, "description": "d"}),
            json!({"type": "array", "items": {"type": "integer", "minimum": 0}, "uniqueItems": true}),
            json!({"type": "object", "additionalProperties": false, "properties": {"d": {"pattern": "^[0-9]{4}$"}}}),
            json!({"type": "money"}),
            json!({"type": ["string", "string"]}),
            json!({"required": ["a", "a"]}),
            json!({"minLength": -1}),
            json!({"minLength": 1.5}),
            json!({"properties": {"a": {"type": 3}}}),
            json!({"multipleOf": 0}),
            json!({"description": 3}),
            json!({"pattern": "("}),
        ];
        for (i, case) in cases.iter().enumerate() {
            let meta = jsonschema::draft202012::meta::is_valid(case);
            let fast = super::plainly_valid(case, 0);
            assert!(!fast || meta, "fast path accepts an invalid schema: {case}");
            // The common shapes (the first four) must take the fast path.
            assert_eq!(fast, i < 4, "{case}");
        }
    }

    #[test]
    fn unknown_draft_uri_does_not_panic() {
        let _ = problem(&json!({"$schema": "https://example.com/mine", "type": "object"}));
    }
}
