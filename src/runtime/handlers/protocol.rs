//! The JSON that handler processes speak (DESIGN.md §2.4): the request lynx writes and how it
//! reads the answer.

use crate::runtime::call::{CallContext, CallOutcome, ToolError, ToolOutput};
use serde::Serialize;
use serde_json::{Map, Value};

/// `{"tool": ID, "args": {…}, "context": {…}}` — on an exec handler's stdin, or one line (with
/// an `id`) to a worker.
#[derive(Serialize)]
pub struct Request<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    pub tool: &'a str,
    pub args: &'a Map<String, Value>,
    pub context: &'a CallContext,
}

/// Reads a handler's answer: `{"output": …}`, `{"error": {"message": …}}`, or the bare result.
/// An error with `"retryable": true` is transient (retried for idempotent tools).
pub fn answer(value: Value) -> CallOutcome {
    match value {
        Value::Object(mut map) if map.contains_key("error") && !map.contains_key("output") => {
            let error = map.remove("error").unwrap_or(Value::Null);
            let retryable = error.get("retryable").and_then(Value::as_bool) == Some(true);
            let message = match &error {
                Value::String(s) => s.clone(),
                Value::Object(e) => e
                    .get("message")
                    .and_then(Value::as_str)
                    .map_or_else(|| error.to_string(), str::to_owned),
                other => other.to_string(),
            };
            Err(if retryable {
                ToolError::Retryable(message)
            } else {
                ToolError::Tool(message)
            })
        }
        Value::Object(mut map) if map.contains_key("output") => Ok(ToolOutput {
            value: map.remove("output").unwrap_or(Value::Null),
        }),
        other => Ok(ToolOutput { value: other }),
    }
}

/// Parses a handler's stdout (or one worker line) as JSON, naming the problem if it is not.
pub fn parse(bytes: &[u8]) -> Result<Value, ToolError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| ToolError::Tool("the handler printed invalid UTF-8".into()))?;
    if text.trim().is_empty() {
        return Err(ToolError::Tool(
            "the handler printed nothing; it must print its result as JSON".into(),
        ));
    }
    serde_json::from_str(text.trim()).map_err(|e| {
        let preview: String = text.trim().chars().take(120).collect();
        ToolError::Tool(format!("the handler's output is not JSON ({e}): {preview}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_all_three_answer_shapes() {
        assert_eq!(
            answer(json!({"output": {"a": 1}})).unwrap().value,
            json!({"a": 1})
        );
        assert_eq!(answer(json!({"a": 1})).unwrap().value, json!({"a": 1}));
        assert_eq!(
            answer(json!({"error": {"message": "nope"}})),
            Err(ToolError::Tool("nope".into()))
        );
        assert_eq!(
            answer(json!({"error": "flat"})),
            Err(ToolError::Tool("flat".into()))
        );
        assert_eq!(
            answer(json!({"error": {"message": "busy", "retryable": true}})),
            Err(ToolError::Retryable("busy".into()))
        );
    }

    #[test]
    fn names_bad_output() {
        assert!(matches!(parse(b""), Err(ToolError::Tool(m)) if m.contains("nothing")));
        assert!(matches!(parse(b"hello"), Err(ToolError::Tool(m)) if m.contains("not JSON")));
        assert!(matches!(parse(b"\xff"), Err(ToolError::Tool(m)) if m.contains("UTF-8")));
    }
}
