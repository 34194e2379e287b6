//! How tools run: one [`Handler`] per handler kind, built once per catalog.

pub mod builtin;
pub mod exec;
pub mod http;
pub mod protocol;
pub mod worker;

use super::call::{CallOutcome, CallRequest};
use futures_util::future::BoxFuture;

pub trait Handler: Send + Sync + std::fmt::Debug {
    fn call<'a>(&'a self, req: &'a CallRequest) -> BoxFuture<'a, CallOutcome>;
}
