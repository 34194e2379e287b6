//! The embedded MCP runtime behind `lynx serve`, `lynx tool:call` and `lynx tool:test`:
//! a [`catalog::Catalog`] of prepared tools and the [`pipeline::Pipeline`] every call takes.
//!
//! Invariant: everything expensive (schemas, programs, worker processes, listings) is built
//! once per catalog, never per request.

pub mod call;
pub mod catalog;
pub mod client;
pub mod engine;
pub mod fixtures;
pub mod handlers;
pub mod http;
pub mod pipeline;
pub mod protocol;
pub mod stdio;
pub mod testing;
pub mod timer;
