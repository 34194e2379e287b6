//! `echo`, `sleep`, `fail`: handlers that need no other runtime, for tests, demos and benchmarks.

use super::Handler;
use crate::runtime::call::{CallOutcome, CallRequest, ToolError, ToolOutput};
use futures_util::future::BoxFuture;
use serde_json::Value;
use std::time::Duration;

#[derive(Debug)]
pub enum Builtin {
    /// Returns its arguments.
    Echo,
    /// Waits (to within tens of microseconds: it is the known delay latency checks use),
    /// then returns its arguments.
    Sleep(Duration),
    /// Always a tool error.
    Fail,
}

impl Handler for Builtin {
    fn call<'a>(&'a self, req: &'a CallRequest) -> BoxFuture<'a, CallOutcome> {
        Box::pin(async move {
            match self {
                Builtin::Echo => Ok(ToolOutput {
                    value: Value::Object(req.args.clone()),
                }),
                Builtin::Sleep(d) => {
                    crate::runtime::timer::sleep(*d).await;
                    Ok(ToolOutput {
                        value: Value::Object(req.args.clone()),
                    })
                }
                Builtin::Fail => Err(ToolError::Tool(format!(
                    "`{}` failed on purpose (builtin `fail`)",
                    req.tool.name
                ))),
            }
        })
    }
}
