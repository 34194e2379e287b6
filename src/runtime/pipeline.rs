//! The one path every tool call takes, built from small stages (DESIGN.md §5):
//!
//! ```text
//! validate input → retry (idempotent tools) → timeout → handler → validate output → observers
//! ```
//!
//! Each stage sees the request and a [`Next`] to call the rest; governance stages (auth, RBAC,
//! rate limits, approvals, cache, audit) slot in as more [`Stage`]s without changing the others.
//! The pipeline is built once per catalog; nothing here allocates per stage per call beyond
//! the futures themselves.

use super::call::{CallOutcome, CallRequest, ToolError, ToolOutput};
use futures_util::future::BoxFuture;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub trait Stage: Send + Sync {
    fn name(&self) -> &'static str;
    fn call<'a>(&'a self, req: &'a CallRequest, next: Next<'a>) -> BoxFuture<'a, CallOutcome>;
}

/// The rest of the pipeline after the current stage.
#[derive(Clone, Copy)]
pub struct Next<'a> {
    stages: &'a [Arc<dyn Stage>],
}

impl<'a> Next<'a> {
    pub fn run(self, req: &'a CallRequest) -> BoxFuture<'a, CallOutcome> {
        match self.stages.split_first() {
            Some((stage, rest)) => stage.call(req, Next { stages: rest }),
            None => Box::pin(async move { req.tool.handler.call(req).await }),
        }
    }
}

/// Receives every finished call (metrics, audit, traces plug in here).
pub trait Observer: Send + Sync {
    fn finished(&self, req: &CallRequest, outcome: &CallOutcome, elapsed: Duration);
}

pub struct Pipeline {
    stages: Vec<Arc<dyn Stage>>,
    observers: Vec<Arc<dyn Observer>>,
}

impl Default for Pipeline {
    fn default() -> Self {
        Self::standard()
    }
}

impl Pipeline {
    /// The stages every call goes through today.
    pub fn standard() -> Self {
        Self {
            stages: vec![
                Arc::new(ValidateInput),
                Arc::new(ValidateOutput),
                Arc::new(Retry),
                Arc::new(Timeout),
            ],
            observers: Vec::new(),
        }
    }

    pub fn with_stage(mut self, stage: Arc<dyn Stage>, before: &str) -> Self {
        let at = self
            .stages
            .iter()
            .position(|s| s.name() == before)
            .unwrap_or(self.stages.len());
        self.stages.insert(at, stage);
        self
    }

    pub fn with_observer(mut self, observer: Arc<dyn Observer>) -> Self {
        self.observers.push(observer);
        self
    }

    pub fn stage_names(&self) -> Vec<&'static str> {
        self.stages.iter().map(|s| s.name()).collect()
    }

    pub async fn call(&self, req: &CallRequest) -> CallOutcome {
        let start = Instant::now();
        let outcome = Next {
            stages: &self.stages,
        }
        .run(req)
        .await;
        let elapsed = start.elapsed();
        for o in &self.observers {
            o.finished(req, &outcome, elapsed);
        }
        outcome
    }
}

/// Rejects arguments that do not match the tool's compiled `input_schema`, naming the field.
struct ValidateInput;

impl Stage for ValidateInput {
    fn name(&self) -> &'static str {
        "validate-input"
    }
    fn call<'a>(&'a self, req: &'a CallRequest, next: Next<'a>) -> BoxFuture<'a, CallOutcome> {
        Box::pin(async move {
            if let Some(validator) = &req.tool.input_validator {
                let args = serde_json::Value::Object(req.args.clone());
                if let Some(message) = first_error(validator, &args) {
                    return Err(ToolError::InvalidInput(message));
                }
            }
            next.run(req).await
        })
    }
}

/// Checks successful output against the tool's `output_schema`.
struct ValidateOutput;

impl Stage for ValidateOutput {
    fn name(&self) -> &'static str {
        "validate-output"
    }
    fn call<'a>(&'a self, req: &'a CallRequest, next: Next<'a>) -> BoxFuture<'a, CallOutcome> {
        Box::pin(async move {
            let out = next.run(req).await?;
            if let Some(validator) = &req.tool.output_validator
                && let Some(message) = first_error(validator, &out.value)
            {
                return Err(ToolError::InvalidOutput(message));
            }
            Ok(out)
        })
    }
}

/// A JSON Schema error as a short sentence naming the field: "`account`: … is required".
pub fn first_error(validator: &jsonschema::Validator, value: &serde_json::Value) -> Option<String> {
    if validator.is_valid(value) {
        return None;
    }
    let e = validator.iter_errors(value).next()?;
    let at = e
        .instance_path()
        .as_str()
        .trim_start_matches('/')
        .replace('/', ".");
    Some(if at.is_empty() {
        e.to_string()
    } else {
        format!("`{at}`: {e}")
    })
}

/// Retries transient failures ([`ToolError::is_transient`]) of idempotent tools, with
/// exponential backoff and full jitter. A tool that is not idempotent is never retried, even if
/// its spec carries a policy (the catalog drops such policies too; this is the second lock).
struct Retry;

impl Stage for Retry {
    fn name(&self) -> &'static str {
        "retry"
    }
    fn call<'a>(&'a self, req: &'a CallRequest, next: Next<'a>) -> BoxFuture<'a, CallOutcome> {
        Box::pin(async move {
            let Some(policy) = req.tool.retry.filter(|_| req.tool.def.idempotent()) else {
                return next.run(req).await;
            };
            let mut attempt = 1;
            loop {
                let outcome = next.run(req).await;
                match &outcome {
                    Err(e) if e.is_transient() && attempt < policy.attempts => {
                        let cap = policy
                            .backoff
                            .saturating_mul(1 << (attempt - 1).min(16))
                            .min(policy.max_backoff);
                        tokio::time::sleep(jitter(cap)).await;
                        attempt += 1;
                    }
                    _ => return outcome,
                }
            }
        })
    }
}

/// A duration drawn uniformly from `0..=cap` ("full jitter"), so retries spread out.
fn jitter(cap: Duration) -> Duration {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(Instant::now().elapsed().as_nanos());
    let frac = (h.finish() % 10_000) as f64 / 10_000.0;
    cap.mul_f64(frac)
}

/// Bounds each attempt by the tool's timeout; the handler's future is dropped (and with it the
/// process it runs is killed) when time is up.
struct Timeout;

impl Stage for Timeout {
    fn name(&self) -> &'static str {
        "timeout"
    }
    fn call<'a>(&'a self, req: &'a CallRequest, next: Next<'a>) -> BoxFuture<'a, CallOutcome> {
        Box::pin(async move {
            let limit = req.tool.timeout;
            match tokio::time::timeout(limit, next.run(req)).await {
                Ok(outcome) => outcome,
                Err(_) => Err(ToolError::Timeout(limit)),
            }
        })
    }
}

/// Keeps `ToolOutput` constructible from a value in handlers.
impl From<serde_json::Value> for ToolOutput {
    fn from(value: serde_json::Value) -> Self {
        ToolOutput { value }
    }
}
