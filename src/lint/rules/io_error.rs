//! A file that cannot be read: missing, unreadable, a directory or FIFO where a file was
//! expected, or a symlink loop.
//!
//! **Why:** a tool file that lynx cannot read is a tool that silently disappears from the
//! server. Reported once per file; nothing else is checked in it.
//!
//! **Example:** `tools/payments.yaml` is a directory (a glob like `tools/**/*.yaml` matched it).

use crate::lint::diagnostic::{RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    name: "io-error",
    severity: Severity::Error,
    summary: "the file cannot be read (missing, unreadable, not a regular file, symlink loop)",
};
