//! A file that is not UTF-8 text: invalid byte sequences, or a NUL byte (a binary file).
//!
//! **Why:** YAML and TOML are UTF-8; a stray Latin-1 byte or a binary dropped into `tools/`
//! would otherwise surface as a baffling syntax error, or not at all.
//!
//! **Example:** `description: caf\xe9` saved as Latin-1 — re-save the file as UTF-8.

use crate::lint::diagnostic::{RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    name: "encoding",
    severity: Severity::Error,
    summary: "the file is not UTF-8 text",
};
