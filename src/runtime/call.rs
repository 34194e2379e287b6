//! What flows through the pipeline: a tool call and its outcome.

use serde_json::{Map, Value};
use std::sync::Arc;

/// Who is calling, for handlers and (later) governance.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CallContext {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
}

/// One `tools/call`, resolved to a tool of the catalog.
#[derive(Clone, Debug)]
pub struct CallRequest {
    pub tool: Arc<super::catalog::ToolSpec>,
    pub args: Map<String, Value>,
    pub context: CallContext,
}

/// A successful result: the handler's structured output.
#[derive(Clone, Debug, PartialEq)]
pub struct ToolOutput {
    pub value: Value,
}

/// Why a call failed. `Tool` errors are the tool's own answer (`isError: true`); the others
/// are lynx's and the message is safe to show.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ToolError {
    /// The arguments do not match the tool's `input_schema`.
    #[error("invalid arguments: {0}")]
    InvalidInput(String),
    /// The handler answered an error, or printed something that is not an answer (garbage,
    /// nothing, too much).
    #[error("{0}")]
    Tool(String),
    /// The handler failed in a way a retry may fix: it exited non-zero or was killed without
    /// answering an error, or answered an error marked `"retryable": true`.
    #[error("{0}")]
    Retryable(String),
    #[error("the tool did not answer within {0:?}")]
    Timeout(std::time::Duration),
    /// The handler's output does not match the tool's `output_schema`.
    #[error("the tool's output does not match its output_schema: {0}")]
    InvalidOutput(String),
    /// The handler could not be run at all (missing program, worker down).
    #[error("{0}")]
    Unavailable(String),
}

impl ToolError {
    /// Whether retrying the same call may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ToolError::Timeout(_) | ToolError::Unavailable(_) | ToolError::Retryable(_)
        )
    }
}

pub type CallOutcome = Result<ToolOutput, ToolError>;
