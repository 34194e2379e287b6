//! The same key twice in one mapping (YAML) or table (TOML).
//!
//! **Why:** YAML loaders silently keep the last value, so the first is dead text that a reader
//! believes in. TOML forbids it outright.
//!
//! **Example:**
//! ```yaml
//! risk: low
//! description: Moves money.
//! risk: high      # which one is it?
//! ```

use crate::lint::diagnostic::{RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    name: "duplicate-key",
    severity: Severity::Error,
    summary: "a key appears twice in the same mapping",
};
