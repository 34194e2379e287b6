//! The fixture tools, resources and prompts that the official MCP conformance suite calls
//! (`lynx serve --conformance-fixtures`).

use super::protocol::{Era, Extension, Message, Notifier, RpcError};
use futures_util::future::BoxFuture;
use serde_json::{Value, json};

#[derive(Debug, Default)]
pub struct ConformanceFixtures;

impl Extension for ConformanceFixtures {
    fn capabilities(&self, _era: Era) -> Value {
        json!({})
    }

    fn tools(&self, _era: Era) -> Vec<Value> {
        Vec::new()
    }

    fn handle<'a>(
        &'a self,
        _msg: &'a Message,
        _era: Era,
        _notify: Option<&'a Notifier>,
    ) -> Option<BoxFuture<'a, Result<Value, RpcError>>> {
        None
    }
}
