//! Shared helpers: run the real `lynx` binary in a temp project with an isolated environment.

#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The repository root (where `fixtures/` and `schemas/` live).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `lynx` with a clean environment: no colour, no `LYNX_*` from the developer's shell.
pub fn lynx() -> Command {
    let mut cmd = Command::cargo_bin("lynx").expect("lynx binary is built");
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("LYNX_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("NO_COLOR", "1").env_remove("CI");
    cmd
}

/// A temporary project folder with files written from `(path, contents)` pairs.
pub struct TempProject {
    pub dir: tempfile::TempDir,
}

impl TempProject {
    pub fn new(files: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let p = Self { dir };
        for (path, text) in files {
            p.write(path, text);
        }
        p
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, path: &str, text: impl AsRef<[u8]>) {
        let full = self.dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }

    /// `lynx ARGS…` run inside the project.
    pub fn lynx(&self, args: &[&str]) -> Command {
        let mut cmd = lynx();
        cmd.current_dir(self.path()).args(args);
        cmd
    }
}
