//! A [`Plan`]: the files a scaffolding command wants to write, each with what writing it would
//! do to the disk ([`Action`]), then [`apply`]d atomically.
//!
//! Invariants: every path is relative to the plan's root and stays inside it (no `..`, no
//! absolute paths, no symlinked folder leading out); an existing file is only replaced when the
//! plan says [`Action::Overwrite`], which needs `--force`; each write is a temp file in the same
//! folder renamed over the target, so a reader never sees half a file.

use std::fmt;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// What applying the plan does to one path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// The file does not exist yet.
    Create,
    /// The file exists with exactly these contents: nothing to do.
    Skip,
    /// The file exists with other contents and `--force` was given.
    Overwrite,
    /// The file exists with other contents (or is not a regular file) and may not be replaced.
    Conflict,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Skip => "skip",
            Action::Overwrite => "overwrite",
            Action::Conflict => "conflict",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One file of a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedFile {
    /// Relative to the plan's root, `/`-separated.
    pub path: String,
    pub contents: String,
    /// Scripts get the executable bit (`0o755`).
    pub executable: bool,
    pub action: Action,
}

/// The files to write under one root.
#[derive(Clone, Debug)]
pub struct Plan {
    pub root: PathBuf,
    pub files: Vec<PlannedFile>,
    /// Extra lines for the user (a tool that already exists is reused, …).
    pub notes: Vec<String>,
}

/// Why a plan could not be built or applied.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("`{path}` is outside the project folder `{root}`; generated files stay inside it")]
    Escape { path: String, root: String },
    #[error("`{path}` is planned twice")]
    Duplicate { path: String },
    #[error(
        "{} already exist{} with other contents: {}\nhelp: nothing was written; pass `--force` to overwrite {}, or `--dry-run` to see the plan",
        if paths.len() == 1 { "a file" } else { "files" },
        if paths.len() == 1 { "s" } else { "" },
        paths.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", "),
        if paths.len() == 1 { "it" } else { "them" }
    )]
    Conflict { paths: Vec<String> },
    #[error("writing `{path}`: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl Plan {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            files: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Adds a file (its action is decided by [`Plan::resolve`]). The path must be relative and
    /// must not climb out of the root.
    pub fn add(&mut self, path: &str, contents: String, executable: bool) -> Result<(), PlanError> {
        let clean = clean_relative(path).ok_or_else(|| PlanError::Escape {
            path: path.to_owned(),
            root: self.root.display().to_string(),
        })?;
        if self.files.iter().any(|f| f.path == clean) {
            return Err(PlanError::Duplicate { path: clean });
        }
        self.files.push(PlannedFile {
            path: clean,
            contents,
            executable,
            action: Action::Create,
        });
        Ok(())
    }

    /// Looks at the disk and decides each file's action. Fails when a path would lead out of
    /// the root through a symlinked folder.
    pub fn resolve(&mut self, force: bool) -> Result<(), PlanError> {
        let root = canonical_root(&self.root);
        for f in &mut self.files {
            let target = self.root.join(&f.path);
            if let Some(root) = &root
                && !stays_inside(root, &target)
            {
                return Err(PlanError::Escape {
                    path: f.path.clone(),
                    root: self.root.display().to_string(),
                });
            }
            f.action = match std::fs::symlink_metadata(&target) {
                Err(_) => Action::Create,
                Ok(meta) if meta.is_file() => match std::fs::read(&target) {
                    Ok(existing) if existing == f.contents.as_bytes() => Action::Skip,
                    _ if force => Action::Overwrite,
                    _ => Action::Conflict,
                },
                // A folder, a symlink or a device where a file should go is never replaced.
                Ok(_) => Action::Conflict,
            };
        }
        Ok(())
    }

    pub fn conflicts(&self) -> Vec<String> {
        self.files
            .iter()
            .filter(|f| f.action == Action::Conflict)
            .map(|f| f.path.clone())
            .collect()
    }

    /// True when applying would change nothing.
    pub fn is_noop(&self) -> bool {
        self.files.iter().all(|f| f.action == Action::Skip)
    }

    pub fn file(&self, path: &str) -> Option<&PlannedFile> {
        self.files.iter().find(|f| f.path == path)
    }
}

/// `path` normalised to `a/b/c`, or `None` when it is absolute, empty or climbs with `..`.
pub fn clean_relative(path: &str) -> Option<String> {
    let mut parts = Vec::new();
    for c in Path::new(path).components() {
        match c {
            Component::Normal(p) => parts.push(p.to_str()?.to_owned()),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

fn canonical_root(root: &Path) -> Option<PathBuf> {
    // The root itself may not exist yet (`lynx init new-dir`): its nearest existing ancestor
    // decides where it really is.
    let mut existing = root;
    let mut rest = Vec::new();
    loop {
        if let Ok(c) = existing.canonicalize() {
            return Some(rest.iter().rev().fold(c, |acc: PathBuf, p| acc.join(p)));
        }
        rest.push(existing.file_name()?.to_owned());
        existing = existing.parent()?;
    }
}

/// Whether `target` (under `root` by name) really lands under `root` once the symlinks of its
/// existing ancestors are followed.
fn stays_inside(root: &Path, target: &Path) -> bool {
    match canonical_root(target.parent().unwrap_or(target)) {
        Some(parent) => parent.starts_with(root),
        None => false,
    }
}

/// Writes every `create`/`overwrite` file of a resolved plan. Refuses (writing nothing) when the
/// plan has conflicts. Returns the files written.
pub fn apply(plan: &Plan) -> Result<Vec<&PlannedFile>, PlanError> {
    let conflicts = plan.conflicts();
    if !conflicts.is_empty() {
        return Err(PlanError::Conflict { paths: conflicts });
    }
    let mut written = Vec::new();
    for f in &plan.files {
        if matches!(f.action, Action::Create | Action::Overwrite) {
            write_atomic(
                &plan.root.join(&f.path),
                f.contents.as_bytes(),
                f.executable,
            )
            .map_err(|source| PlanError::Io {
                path: f.path.clone(),
                source,
            })?;
            written.push(f);
        }
    }
    Ok(written)
}

/// Writes `bytes` to a temp file beside `path`, syncs it and renames it over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8], executable: bool) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.lynx-tmp-{}", std::process::id()));
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(bytes)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = if executable { 0o755 } else { 0o644 };
            file.set_permissions(std::fs::Permissions::from_mode(mode))?;
        }
        #[cfg(not(unix))]
        let _ = executable;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_are_cleaned_and_escapes_refused() {
        assert_eq!(
            clean_relative("./tools/x.yaml").as_deref(),
            Some("tools/x.yaml")
        );
        assert_eq!(clean_relative("a//b").as_deref(), Some("a/b"));
        assert_eq!(clean_relative("../x"), None);
        assert_eq!(clean_relative("tools/../../x"), None);
        assert_eq!(clean_relative("/etc/passwd"), None);
        assert_eq!(clean_relative(""), None);
    }

    #[test]
    fn actions_follow_the_disk_and_force() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("same.txt"), "a").unwrap();
        std::fs::write(dir.path().join("other.txt"), "old").unwrap();
        std::fs::create_dir(dir.path().join("folder.txt")).unwrap();
        let mut plan = Plan::new(dir.path());
        plan.add("same.txt", "a".into(), false).unwrap();
        plan.add("other.txt", "new".into(), false).unwrap();
        plan.add("new/deep.txt", "n".into(), true).unwrap();
        plan.add("folder.txt", "f".into(), false).unwrap();
        assert!(matches!(
            plan.add("same.txt", "b".into(), false),
            Err(PlanError::Duplicate { .. })
        ));
        plan.resolve(false).unwrap();
        let actions: Vec<_> = plan.files.iter().map(|f| f.action).collect();
        assert_eq!(
            actions,
            [
                Action::Skip,
                Action::Conflict,
                Action::Create,
                Action::Conflict
            ]
        );
        let err = apply(&plan).unwrap_err().to_string();
        assert!(err.contains("`other.txt`, `folder.txt`"), "{err}");
        assert!(
            !dir.path().join("new").exists(),
            "nothing written on conflict"
        );

        plan.resolve(true).unwrap();
        assert_eq!(plan.files[1].action, Action::Overwrite);
        assert_eq!(
            plan.files[3].action,
            Action::Conflict,
            "a folder is never replaced"
        );
        plan.files.pop();
        let written: Vec<_> = apply(&plan)
            .unwrap()
            .iter()
            .map(|f| f.path.clone())
            .collect();
        assert_eq!(written, ["other.txt", "new/deep.txt"]);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("other.txt")).unwrap(),
            "new"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("new/deep.txt"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o755);
        }
        plan.resolve(false).unwrap();
        assert!(plan.is_noop(), "a second run changes nothing");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("new"))
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().contains("lynx-tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_folder_cannot_lead_out_of_the_root() {
        let outside = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("tools")).unwrap();
        let mut plan = Plan::new(dir.path());
        plan.add("tools/x.yaml", "x".into(), false).unwrap();
        assert!(matches!(plan.resolve(false), Err(PlanError::Escape { .. })));
    }
}
