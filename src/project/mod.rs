//! The project model: finding `lynx.toml`, discovering and parsing tool, workflow and config
//! files into spanned trees and typed definitions.
//!
//! Invariant: no network, no async, no terminal. Every later command (serve, tool:create,
//! bench --embedded) builds on [`Project`].

pub mod node;
pub mod parse;
pub mod source;
