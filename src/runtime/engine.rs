//! A running catalog: the current [`Catalog`] (swapped whole on reload) and the pipeline.

use super::call::{CallContext, CallOutcome, CallRequest, ToolError};
use super::catalog::Catalog;
use super::pipeline::Pipeline;
use serde_json::{Map, Value, json};
use std::sync::{Arc, RwLock};

pub struct Runtime {
    catalog: RwLock<Arc<Catalog>>,
    pub pipeline: Pipeline,
    changes: tokio::sync::broadcast::Sender<()>,
    /// Set once the server stops: long-lived streams (listen, legacy GET) end on it instead of
    /// holding the shutdown drain open.
    closing: tokio::sync::watch::Sender<bool>,
}

/// `tools/call` named a tool the catalog does not have (JSON-RPC -32602, not a tool error).
#[derive(Debug, thiserror::Error)]
#[error("unknown tool `{0}`")]
pub struct UnknownTool(pub String);

impl Runtime {
    pub fn new(catalog: Catalog, pipeline: Pipeline) -> Self {
        Self {
            catalog: RwLock::new(Arc::new(catalog)),
            pipeline,
            changes: tokio::sync::broadcast::channel(16).0,
            closing: tokio::sync::watch::channel(false).0,
        }
    }

    /// Tells listeners the tool list changed without a reload (fixtures that mutate their own
    /// list); [`Runtime::swap`] does this itself.
    pub fn announce_change(&self) {
        // Nobody listening is fine.
        let _ = self.changes.send(());
    }

    /// Marks the server as stopping; see [`Runtime::closed`].
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves once [`Runtime::close`] was called.
    pub async fn closed(&self) {
        let mut rx = self.closing.subscribe();
        let _ = rx.wait_for(|closing| *closing).await;
    }

    /// Fires after each [`Runtime::swap`]: transports tell their clients the tool list changed.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<()> {
        self.changes.subscribe()
    }

    /// The catalog as of now; calls in flight keep the one they started with.
    pub fn catalog(&self) -> Arc<Catalog> {
        self.catalog
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Replaces the catalog atomically (hot reload).
    pub fn swap(&self, catalog: Catalog) {
        *self.catalog.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(catalog);
        self.announce_change();
    }

    pub async fn call(
        &self,
        name: &str,
        args: Map<String, Value>,
        context: CallContext,
    ) -> Result<CallOutcome, UnknownTool> {
        let tool = self
            .catalog()
            .get(name)
            .cloned()
            .ok_or_else(|| UnknownTool(name.to_owned()))?;
        let req = CallRequest {
            tool,
            args,
            context,
        };
        Ok(self.pipeline.call(&req).await)
    }
}

/// An outcome as an MCP `tools/call` result: text content always, `structuredContent` (always an
/// object) on success, `isError` on a tool error.
pub fn tool_result(outcome: &CallOutcome) -> Value {
    match outcome {
        Ok(out) => {
            let structured = match &out.value {
                Value::Object(_) => out.value.clone(),
                other => json!({ "result": other }),
            };
            json!({
                "content": [{ "type": "text", "text": out.value.to_string() }],
                "structuredContent": structured,
                "isError": false,
            })
        }
        Err(e) => json!({
            "content": [{ "type": "text", "text": error_text(e) }],
            "isError": true,
        }),
    }
}

fn error_text(e: &ToolError) -> String {
    e.to_string()
}
