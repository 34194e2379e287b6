//! A YAML syntax error, a second document in one file, an alias to an unknown anchor, a
//! mapping key that is not a scalar, a tag lynx does not support (`!!binary`, `!custom`), or a
//! number JSON cannot hold (`.inf`, `.nan`, `1e999`).
//!
//! **Why:** the file cannot be understood; lynx points at the exact line and column.
//!
//! **Example:**
//! ```yaml
//! handler: { kind: exec, command: [python3, run.py }   # `]` missing
//! ```

use crate::lint::diagnostic::{RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    name: "yaml-syntax",
    severity: Severity::Error,
    summary: "the YAML file cannot be parsed",
};
