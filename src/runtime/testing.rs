//! `tests:` cases of tool files: run each through the pipeline and judge the outcome.
//!
//! `expect.output` matches when every key it names has the expected value in the actual output
//! (objects compare as subsets, recursively; lists and scalars exactly), so a test pins what it
//! cares about and tolerates extra fields. `expect.error` is a substring of the error message;
//! `expect.is_error` says whether the call must fail.

use super::call::{CallContext, CallOutcome};
use super::engine::Runtime;
use crate::project::model::TestCase;
use serde_json::Value;

#[derive(Clone, Debug, serde::Serialize)]
pub struct CaseResult {
    pub tool: String,
    pub case: String,
    pub passed: bool,
    /// Why it failed, with the expected and actual values when there are some.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
    pub duration_ms: f64,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Failure {
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<Value>,
}

/// Whether `actual` contains `expected` (objects as subsets, everything else exactly).
pub fn contains(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => e
            .iter()
            .all(|(k, ev)| a.get(k).is_some_and(|av| contains(av, ev))),
        (Value::Number(a), Value::Number(e)) => a.as_f64() == e.as_f64(),
        _ => actual == expected,
    }
}

/// Judges one outcome against a case's expectations.
pub fn judge(case: &TestCase, outcome: &CallOutcome) -> Option<Failure> {
    let expect = &case.expect;
    let must_fail = expect.is_error.unwrap_or(false) || expect.error.is_some();
    match outcome {
        Ok(out) if must_fail => Some(Failure {
            message: "expected the call to fail, but it succeeded".into(),
            expected: expect.error.clone().map(Value::String),
            actual: Some(out.value.clone()),
        }),
        Ok(out) => match &expect.output {
            Some(want) if !contains(&out.value, want) => Some(Failure {
                message: "the output differs from `expect.output`".into(),
                expected: Some(want.clone()),
                actual: Some(out.value.clone()),
            }),
            _ => None,
        },
        Err(e) if !must_fail => Some(Failure {
            message: format!("the call failed: {e}"),
            expected: expect.output.clone(),
            actual: None,
        }),
        Err(e) => match &expect.error {
            Some(want) if !e.to_string().contains(want.as_str()) => Some(Failure {
                message: "the error message does not contain `expect.error`".into(),
                expected: Some(Value::String(want.clone())),
                actual: Some(Value::String(e.to_string())),
            }),
            _ => None,
        },
    }
}

/// Runs the cases of the given tools (all tools with tests when `ids` is empty), sequentially
/// in file order so output is stable.
pub async fn run(runtime: &Runtime, ids: &[String]) -> Vec<CaseResult> {
    let catalog = runtime.catalog();
    let mut results = Vec::new();
    for tool in catalog.tools() {
        if !ids.is_empty() && !ids.contains(&tool.name) {
            continue;
        }
        for case in &tool.def.tests {
            let context = CallContext {
                tenant_id: case.context.tenant_id.clone(),
                user_id: case.context.user_id.clone(),
                trace_id: case.context.trace_id.clone(),
            };
            let start = std::time::Instant::now();
            let outcome = match runtime.call(&tool.name, case.args.clone(), context).await {
                Ok(o) => o,
                Err(e) => Err(super::call::ToolError::Unavailable(e.to_string())),
            };
            let failure = judge(case, &outcome);
            results.push(CaseResult {
                tool: tool.name.clone(),
                case: case.name.clone(),
                passed: failure.is_none(),
                failure,
                duration_ms: start.elapsed().as_secs_f64() * 1000.0,
            });
        }
    }
    results
}

#[cfg(test)]
mod tests {
    use super::contains;
    use serde_json::json;

    #[test]
    fn objects_match_as_subsets_lists_exactly() {
        assert!(contains(
            &json!({"a": 1, "b": {"c": 2, "d": 3}}),
            &json!({"b": {"c": 2}})
        ));
        assert!(!contains(&json!({"a": 1}), &json!({"a": 2})));
        assert!(!contains(&json!({"l": [1, 2]}), &json!({"l": [1]})));
        assert!(contains(&json!({"n": 1.0}), &json!({"n": 1})));
        assert!(!contains(&json!({}), &json!({"missing": null})));
    }
}
