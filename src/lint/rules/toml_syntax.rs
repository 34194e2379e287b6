//! A TOML syntax error in `lynx.toml`.
//!
//! **Why:** lynx cannot read its configuration; the error points at the exact line and column.
//!
//! **Example:**
//! ```toml
//! [server]
//! listen = 127.0.0.1:7878   # strings need quotes
//! ```

use crate::lint::diagnostic::{RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    name: "toml-syntax",
    severity: Severity::Error,
    summary: "lynx.toml cannot be parsed",
};
