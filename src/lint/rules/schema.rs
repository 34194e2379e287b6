//! A file that does not match its JSON Schema (`schemas/tool.schema.json`,
//! `workflow.schema.json`, `config.schema.json`): unknown field, wrong type, value not allowed,
//! missing required field, wrong format.
//!
//! **Why:** the schemas are the contract of the file formats, the same ones editors use for
//! completion. lynx reports each error at the offending key or value, in words, with the allowed
//! values and a "did you mean" for typos; for alternatives (`oneOf`/`anyOf`) only the closest
//! branch is shown.
//!
//! **Example:**
//! ```yaml
//! rsik: high        # unknown field `rsik` — did you mean `risk`?
//! ```

use crate::lint::diagnostic::{RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    name: "schema",
    severity: Severity::Error,
    summary: "the file does not match its JSON Schema",
};
