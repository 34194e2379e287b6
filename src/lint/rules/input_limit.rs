//! A file beyond what lynx will process: larger than 4 MiB, nested deeper than 128 levels, or
//! expanding (through YAML aliases) to more than 250,000 values or 16 MiB of text.
//!
//! **Why:** these limits keep `tool:validate` and `serve` fast and safe on hostile input — a
//! "billion laughs" alias bomb is a few hundred bytes and would otherwise take gigabytes.
//!
//! **Example:**
//! ```yaml
//! a: &a [x, x, x, x, x, x, x, x, x]
//! b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
//! # … nine levels of this expand to a billion strings
//! ```

use crate::lint::diagnostic::{RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    name: "input-limit",
    severity: Severity::Error,
    summary: "the file is too large, too deeply nested, or expands to too many values",
};
