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
    /// The file exists with other contents (or something that is not a regular file is in the
    /// way, see [`PlannedFile::blocked`]) and may not be replaced.
    Conflict,
}

/// Something on disk that lynx never replaces, even with `--force`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Blocker {
    /// A folder, a symlink or a device is where the file should go.
    NotAFile,
    /// This ancestor (relative to the root) exists but is not a folder.
    NotAFolder(String),
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
    /// Why a [`Action::Conflict`] cannot be solved with `--force`.
    pub blocked: Option<Blocker>,
}

impl PlannedFile {
    /// What is in the way and what to do, for a blocked file.
    pub fn blocked_why(&self) -> Option<String> {
        Some(match self.blocked.as_ref()? {
            Blocker::NotAFile => format!(
                "`{}` is not a regular file (a folder or a symlink?): lynx never replaces it, even with `--force`; move it away",
                self.path
            ),
            Blocker::NotAFolder(a) => format!(
                "`{a}` is a file where `{}` needs a folder: lynx never replaces it, even with `--force`; move it away",
                self.path
            ),
        })
    }
}

/// The files to write under one root.
#[derive(Clone, Debug)]
pub struct Plan {
    pub root: PathBuf,
    pub files: Vec<PlannedFile>,
    /// Extra lines for the user (a tool that already exists is reused, …).
    pub notes: Vec<String>,
    /// Whether [`Plan::resolve`] has looked at the disk (so callers need not look twice).
    pub resolved: bool,
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
    #[error(
        "{}\nhelp: nothing was written",
        reasons.join("\n")
    )]
    Blocked { reasons: Vec<String> },
    #[error("could not write `{path}`")]
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
            resolved: false,
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
            blocked: None,
        });
        self.resolved = false;
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
            f.blocked = not_a_folder(&self.root, &f.path).map(Blocker::NotAFolder);
            f.action = match std::fs::symlink_metadata(&target) {
                _ if f.blocked.is_some() => Action::Conflict,
                Err(_) => Action::Create,
                Ok(meta) if meta.is_file() => match std::fs::read(&target) {
                    Ok(existing) if existing == f.contents.as_bytes() => Action::Skip,
                    _ if force => Action::Overwrite,
                    _ => Action::Conflict,
                },
                // A folder, a symlink or a device where a file should go is never replaced.
                Ok(_) => {
                    f.blocked = Some(Blocker::NotAFile);
                    Action::Conflict
                }
            };
        }
        self.resolved = true;
        Ok(())
    }

    /// Files that exist with other contents (`--force` replaces them).
    pub fn conflicts(&self) -> Vec<String> {
        self.files
            .iter()
            .filter(|f| f.action == Action::Conflict && f.blocked.is_none())
            .map(|f| f.path.clone())
            .collect()
    }

    /// Why files cannot be written at all (something that is not a file, or not a folder, is in
    /// the way).
    pub fn blocked(&self) -> Vec<String> {
        self.files
            .iter()
            .filter_map(PlannedFile::blocked_why)
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

/// The first ancestor folder of `rel` (under `root`) that exists but is not a folder (symlinks
/// followed), relative to the root.
fn not_a_folder(root: &Path, rel: &str) -> Option<String> {
    let parts: Vec<&str> = rel.split('/').collect();
    let mut here = root.to_path_buf();
    for (i, part) in parts[..parts.len().saturating_sub(1)].iter().enumerate() {
        here.push(part);
        match std::fs::metadata(&here) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => return Some(parts[..=i].join("/")),
            Err(_) => return None,
        }
    }
    None
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
/// plan has conflicts. Every file is first written to a temp file beside its target and only
/// then are they all renamed into place, so a failure while writing leaves the targets as they
/// were. Returns the files written.
pub fn apply(plan: &Plan) -> Result<Vec<&PlannedFile>, PlanError> {
    let mut reasons = plan.blocked();
    let conflicts = plan.conflicts();
    if !reasons.is_empty() {
        if !conflicts.is_empty() {
            reasons.push(
                PlanError::Conflict { paths: conflicts }
                    .to_string()
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .to_owned()
                    + " (`--force` overwrites those)",
            );
        }
        return Err(PlanError::Blocked { reasons });
    }
    if !conflicts.is_empty() {
        return Err(PlanError::Conflict { paths: conflicts });
    }
    let todo: Vec<&PlannedFile> = plan
        .files
        .iter()
        .filter(|f| matches!(f.action, Action::Create | Action::Overwrite))
        .collect();
    let mut created_dirs = Vec::new();
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let undo = |staged: &[(PathBuf, PathBuf)], created_dirs: &[PathBuf]| {
        for (tmp, _) in staged {
            let _ = std::fs::remove_file(tmp);
        }
        // Deepest first; only folders this run made, and only while empty.
        for d in created_dirs.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
    };
    for f in &todo {
        let target = plan.root.join(&f.path);
        let staged_one = create_dirs(target.parent().unwrap_or(&plan.root), &mut created_dirs)
            .and_then(|()| stage(&target, f.contents.as_bytes(), f.executable));
        match staged_one {
            Ok(tmp) => staged.push((tmp, target)),
            Err(source) => {
                undo(&staged, &created_dirs);
                return Err(PlanError::Io {
                    path: f.path.clone(),
                    source,
                });
            }
        }
    }
    for (i, (tmp, target)) in staged.iter().enumerate() {
        if let Err(source) = std::fs::rename(tmp, target) {
            // Files renamed before this one stay: they are whole, and the plan is idempotent,
            // so running the command again finishes the job.
            for (tmp, _) in &staged[i..] {
                let _ = std::fs::remove_file(tmp);
            }
            return Err(PlanError::Io {
                path: todo[i].path.clone(),
                source,
            });
        }
    }
    Ok(todo)
}

/// `create_dir_all` that remembers the folders it made (shallowest first).
fn create_dirs(dir: &Path, created: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut missing = Vec::new();
    let mut d = dir;
    while !d.exists() {
        missing.push(d.to_path_buf());
        match d.parent() {
            Some(p) => d = p,
            None => break,
        }
    }
    for m in missing.into_iter().rev() {
        std::fs::create_dir(&m)?;
        created.push(m);
    }
    Ok(())
}

/// Removes temp files of `name` that a crashed run left behind. Only old ones: a recent one may
/// belong to another lynx writing right now.
fn remove_stale_temps(dir: &Path, name: &str) {
    const STALE: std::time::Duration = std::time::Duration::from_secs(600);
    let prefix = format!(".{name}.lynx-tmp-");
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE);
        if old && entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Writes `bytes` to a new temp file beside `path` and syncs it; returns the temp file's path.
/// An existing file keeps its permission bits (plus the executable bits for scripts).
fn stage(path: &Path, bytes: &[u8], executable: bool) -> std::io::Result<PathBuf> {
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    remove_stale_temps(dir, &name);
    // A temp file left by a crashed run must not block this one: each try takes a new name.
    let (tmp, mut file) = loop {
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.lynx-tmp-{}-{n}", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => break (tmp, file),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 1000 => continue,
            Err(e) => return Err(e),
        }
    };
    let result = (|| {
        file.write_all(bytes)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let base = if executable { 0o755 } else { 0o644 };
            let mode = match std::fs::metadata(path) {
                Ok(meta) if meta.is_file() => {
                    meta.permissions().mode() & 0o7777 | if executable { 0o111 } else { 0 }
                }
                _ => base,
            };
            file.set_permissions(std::fs::Permissions::from_mode(mode))?;
        }
        #[cfg(not(unix))]
        let _ = executable;
        file.sync_all()
    })();
    match result {
        Ok(()) => Ok(tmp),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
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
        assert!(err.contains("`folder.txt` is not a regular file"), "{err}");
        assert!(err.contains("with other contents: `other.txt`"), "{err}");
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

    #[test]
    fn a_file_where_a_folder_should_be_blocks_the_plan_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("handlers"), "not a folder").unwrap();
        let mut plan = Plan::new(dir.path());
        plan.add("a.txt", "a".into(), false).unwrap();
        plan.add("handlers/deep/x.sh", "x".into(), true).unwrap();
        plan.resolve(true).unwrap();
        assert_eq!(plan.files[1].action, Action::Conflict);
        assert_eq!(
            plan.files[1].blocked,
            Some(Blocker::NotAFolder("handlers".into()))
        );
        assert!(plan.conflicts().is_empty(), "`--force` cannot solve it");
        let err = apply(&plan).unwrap_err().to_string();
        assert!(
            err.contains("`handlers` is a file where `handlers/deep/x.sh` needs a folder")
                && err.contains("move it away"),
            "{err}"
        );
        assert!(!dir.path().join("a.txt").exists(), "nothing written");
    }

    #[test]
    fn a_folder_where_a_file_should_be_is_blocked_not_a_conflict() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("x.yaml")).unwrap();
        let mut plan = Plan::new(dir.path());
        plan.add("x.yaml", "x".into(), false).unwrap();
        plan.resolve(true).unwrap();
        assert_eq!(plan.files[0].blocked, Some(Blocker::NotAFile));
        let err = apply(&plan).unwrap_err().to_string();
        assert!(
            err.contains("not a regular file") && !err.contains("pass `--force`"),
            "{err}"
        );
    }

    #[test]
    fn an_io_error_names_its_cause_once() {
        let e = PlanError::Io {
            path: "x".into(),
            source: std::io::Error::other("disk on fire"),
        };
        assert!(!e.to_string().contains("disk on fire"), "{e}");
        let chain = format!("{:#}", anyhow::Error::new(e));
        assert_eq!(chain.matches("disk on fire").count(), 1, "{chain}");
    }

    #[test]
    fn a_stale_temp_file_does_not_block_a_write_and_force_keeps_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("x.sh");
        std::fs::write(&target, "old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o700)).unwrap();
        }
        for n in 0..3 {
            std::fs::write(
                dir.path()
                    .join(format!(".x.sh.lynx-tmp-{}-{n}", std::process::id())),
                "recent",
            )
            .unwrap();
        }
        let stale = dir.path().join(".x.sh.lynx-tmp-1-0");
        std::fs::write(&stale, "stale").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&stale)
            .unwrap()
            .set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(3600))
            .unwrap();
        let mut plan = Plan::new(dir.path());
        plan.add("x.sh", "new".into(), false).unwrap();
        plan.resolve(true).unwrap();
        apply(&plan).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        assert!(!stale.exists(), "an old temp file is cleaned up");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&target).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
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
