//! A tool or workflow file with no content (empty, or only comments).
//!
//! **Why:** an empty file in `tools/` is usually a half-finished scaffold or a bad merge; it
//! defines nothing.
//!
//! **Example:** `tools/new.yaml` holding only `# TODO`.

use crate::lint::diagnostic::{RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    name: "empty-file",
    severity: Severity::Warning,
    summary: "the file defines nothing",
};
