//! lynx: one binary for the whole life of an MCP tool — scaffold, lint, serve, observe, load-test.
//!
//! The binary (`main.rs`) only parses the command line and hands over to [`commands::run`].
//! Everything below `commands` is a library with no terminal access.

pub mod bench;
pub mod cli;
pub mod commands;
pub mod exit;
pub mod lint;
pub mod project;
pub mod runtime;
pub mod scaffold;
