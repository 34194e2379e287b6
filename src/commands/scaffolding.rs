//! What `init`, `tool:create` and `workflow:create` share: prompting (only with a person at a
//! terminal), printing a plan, and applying it.

use crate::cli::{DataFormat, ScaffoldFlags};
use crate::exit::{Outcome, UsageError};
use crate::project::{LoadOptions, Project, Scope, find_config};
use crate::scaffold::SpecError;
use crate::scaffold::plan::{self, Action, Blocker, Plan, PlanError};
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Asks for missing values when a person is at a terminal; otherwise says which flag is missing.
pub(crate) struct Prompter {
    interactive: bool,
    theme: Box<dyn Theme>,
}

/// `CI` set to anything but an empty string, `0` or `false`.
fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

/// Ctrl-C at a prompt ends lynx by SIGINT as usual, but first shows the cursor again (a list
/// prompt hides it) so the shell is left as it was.
#[cfg(unix)]
fn restore_cursor_on_interrupt() {
    extern "C" fn on_interrupt(sig: libc::c_int) {
        const SHOW_CURSOR: &[u8] = b"\x1b[?25h\n";
        // SAFETY: write, signal and raise are async-signal-safe.
        unsafe {
            libc::write(2, SHOW_CURSOR.as_ptr().cast(), SHOW_CURSOR.len());
            libc::signal(sig, libc::SIG_DFL);
            libc::raise(sig);
        }
    }
    // SAFETY: installs a handler that only calls async-signal-safe functions.
    unsafe {
        libc::signal(
            libc::SIGINT,
            on_interrupt as extern "C" fn(libc::c_int) as libc::sighandler_t,
        );
    }
}

impl Prompter {
    /// `color`: whether prompts may use colour (`--color`, `NO_COLOR`).
    pub fn new(no_input: bool, color: bool) -> Self {
        let interactive =
            !no_input && !ci() && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        #[cfg(unix)]
        if interactive {
            restore_cursor_on_interrupt();
        }
        Self {
            interactive,
            theme: if color {
                Box::new(ColorfulTheme::default())
            } else {
                Box::new(SimpleTheme)
            },
        }
    }

    pub fn interactive(&self) -> bool {
        self.interactive
    }

    fn missing(flag: &str, what: &str) -> anyhow::Error {
        UsageError::new(format!(
            "missing `{flag}`: {what}\nhelp: pass `{flag}`; lynx prompts only at a terminal, and never with `--no-input` or when `CI` is set"
        ))
        .into()
    }

    /// A line of text, checked by `validate` (which returns why a value is wrong).
    pub fn text(
        &self,
        flag: &str,
        what: &str,
        prompt: &str,
        default: Option<String>,
        validate: impl Fn(&str) -> Option<String>,
    ) -> anyhow::Result<String> {
        if !self.interactive {
            return Err(Self::missing(flag, what));
        }
        let mut input =
            dialoguer::Input::<String>::with_theme(self.theme.as_ref()).with_prompt(prompt);
        if let Some(d) = default {
            input = input.default(d);
        }
        let value = input
            .validate_with(|s: &String| match validate(s.trim()) {
                Some(why) => Err(why),
                None => Ok(()),
            })
            .interact_text()
            .map_err(|e| prompt_failed(flag, e))?;
        Ok(value.trim().to_owned())
    }

    /// One of `items` (value, label), starting at `default`.
    pub fn select<T: Copy>(
        &self,
        flag: &str,
        what: &str,
        prompt: &str,
        items: &[(T, String)],
        default: usize,
    ) -> anyhow::Result<T> {
        if !self.interactive {
            return Err(Self::missing(flag, what));
        }
        let labels: Vec<&str> = items.iter().map(|(_, l)| l.as_str()).collect();
        let index = dialoguer::Select::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .items(&labels)
            .default(default)
            .interact()
            .map_err(|e| prompt_failed(flag, e))?;
        Ok(items[index].0)
    }
}

/// The project around the working directory (or `--config`), loaded as it is: scaffolding works
/// in a project with findings too.
pub(crate) fn open_project(config: Option<PathBuf>) -> anyhow::Result<Project> {
    let cwd = std::env::current_dir()?;
    let config = match config {
        Some(p) => Some(cwd.join(&p)).filter(|p| p.is_file()).ok_or_else(|| {
            UsageError::new(format!("`--config {}`: no such file", p.display()))
        })?,
        None => find_config(&cwd).ok_or_else(|| {
            UsageError::new(format!(
                "no `lynx.toml` in `{}` or any parent folder\nhelp: run `lynx init` to create a project, or pass `--config PATH`",
                cwd.display()
            ))
        })?,
    };
    Ok(Project::load(&LoadOptions {
        cwd,
        config: Some(config),
        extra: Vec::new(),
        context: Scope::All,
    }))
}

/// Every tool id and workflow name of the project, with the file defining it (relative to the
/// root, `/`-separated).
pub(crate) fn defined_names(project: &Project, root: &Path) -> BTreeMap<String, String> {
    let rel = |file| {
        let path = &project.file(file).path;
        path.strip_prefix(root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    };
    let mut out = BTreeMap::new();
    for (entry, tool) in project.tool_defs() {
        out.entry(tool.id.clone())
            .or_insert_with(|| rel(entry.file));
    }
    for (entry, wf) in project.workflow_defs() {
        out.entry(wf.name.clone())
            .or_insert_with(|| rel(entry.file));
    }
    out
}

/// The folder new files of one kind go in, from the project's `[project] <key>` patterns.
pub(crate) fn folder_for(globs: &[String], key: &str) -> anyhow::Result<String> {
    crate::scaffold::default_dir(globs).ok_or_else(|| {
        UsageError::new(format!(
            "`[project] {key}` in `lynx.toml` is {globs:?}: none of these patterns names a folder where a new `.yaml` file would be loaded\nhelp: add a pattern like `{key}/**/*.yaml` to `[project] {key}`"
        ))
        .into()
    })
}

/// Refuses a generated file the project would not load (`[project] <key>` does not match it).
pub(crate) fn check_loaded(
    path: &str,
    globs: &[String],
    key: &str,
    flag: &str,
) -> anyhow::Result<()> {
    if crate::project::glob_set(globs).is_match(path) {
        return Ok(());
    }
    Err(UsageError::new(format!(
        "{flag}`{path}` would not be loaded by this project (`[project] {key}` in `lynx.toml` is {globs:?})\nhelp: pick a folder those patterns match, or add a pattern for it"
    ))
    .into())
}

/// `--dir DIR` (relative to the working directory, or absolute) as a folder relative to the
/// project root, `.` and `..` resolved by name. `""` is the root itself.
pub(crate) fn dir_in_project(dir: &str, root: &Path) -> anyhow::Result<String> {
    let abs = absolute(Path::new(dir));
    let root = crate::project::normalize(root);
    match abs.strip_prefix(&root) {
        Ok(rel) => Ok(rel.to_string_lossy().replace('\\', "/")),
        Err(_) => Err(UsageError::new(format!(
            "`--dir`: `{dir}` is `{}`, outside the project root `{}`\nhelp: give a folder inside the project (relative to the working directory, or to the project root `{}` when you run lynx there)",
            abs.display(),
            root.display(),
            root.display()
        ))
        .into()),
    }
}

/// The terminal failed under a prompt (Ctrl-C does not get here: it ends lynx by SIGINT).
fn prompt_failed(flag: &str, e: dialoguer::Error) -> anyhow::Error {
    let dialoguer::Error::IO(io) = e;
    anyhow::Error::new(io).context(format!("reading `{flag}` from the terminal"))
}

/// A value's label for a select: `name — help`.
pub(crate) fn label<T: clap::ValueEnum>(v: &T) -> String {
    let p = v.to_possible_value().expect("no skipped values");
    match p.get_help() {
        Some(help) => format!("{} — {help}", p.get_name()),
        None => p.get_name().to_owned(),
    }
}

/// A user-input problem found while planning: exit 2.
pub(crate) fn usage(e: SpecError) -> anyhow::Error {
    UsageError::new(e.to_string()).into()
}

/// `path` as the user should read it: relative to the working directory when inside it.
pub(crate) fn shown(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let rel = path.strip_prefix(&cwd).unwrap_or(path);
    let s = rel.display().to_string();
    if s.is_empty() { ".".into() } else { s }
}

/// `path` made absolute against the working directory, with `.` and `..` resolved by name.
pub(crate) fn absolute(path: &Path) -> PathBuf {
    crate::project::normalize(&std::env::current_dir().unwrap_or_default().join(path))
}

/// The plan, one path a line: what will happen (`done: false`) or what happened.
fn plan_text(plan: &Plan, done: bool) -> String {
    let mut out = String::new();
    for f in &plan.files {
        let why = match (f.action, &f.blocked) {
            (_, Some(Blocker::NotAFile)) => {
                "  (not a regular file: lynx never replaces it, even with `--force`; move it away)"
                    .to_owned()
            }
            (_, Some(Blocker::NotAFolder(a))) => format!(
                "  (`{a}` is a file, not a folder: lynx never replaces it, even with `--force`; move it away)"
            ),
            (Action::Skip, None) => "  (already up to date)".to_owned(),
            (Action::Conflict, None) => {
                "  (exists with other contents; `--force` overwrites it)".to_owned()
            }
            (Action::Overwrite, None) => "  (exists with other contents)".to_owned(),
            (Action::Create, None) => String::new(),
        };
        let action = match (done, f.action) {
            (true, Action::Create) => "created",
            (true, Action::Overwrite) => "replaced",
            (true, Action::Skip) => "unchanged",
            (_, a) => a.as_str(),
        };
        let why = if done && f.action != Action::Conflict {
            ""
        } else {
            &why
        };
        let _ = writeln!(out, "  {action:<9} {}{why}", f.path);
    }
    for note in &plan.notes {
        let _ = writeln!(out, "  note: {note}");
    }
    out
}

/// The plan as JSON (`--format json`): what each path gets, and whether it was written.
fn plan_json(plan: &Plan, dry_run: bool, next: &str) -> String {
    let files: Vec<serde_json::Value> = plan
        .files
        .iter()
        .map(|f| {
            let mut file = serde_json::json!({"path": f.path, "action": f.action});
            // Why `--force` cannot help: something that is not a file, or a file where a
            // folder must be.
            match &f.blocked {
                Some(Blocker::NotAFile) => file["blocked_by"] = "not a regular file".into(),
                Some(Blocker::NotAFolder(a)) => {
                    file["blocked_by"] = format!("`{a}` is a file, not a folder").into();
                }
                None => {}
            }
            file
        })
        .collect();
    let value = serde_json::json!({
        "root": plan.root.display().to_string(),
        "dry_run": dry_run,
        "changed": !dry_run && !plan.is_noop(),
        "files": files,
        "notes": plan.notes,
        "next": next.trim_end().strip_prefix("next: ").unwrap_or(next.trim_end()),
    });
    format!("{value:#}\n")
}

/// Resolves the plan against the disk, then prints it (`--dry-run`) or applies it. `next` is
/// printed after a run that wrote something.
pub(crate) fn finish(
    mut plan: Plan,
    flags: &ScaffoldFlags,
    what: &str,
    next: &str,
) -> anyhow::Result<Outcome> {
    if !plan.resolved {
        plan.resolve(flags.force).map_err(|e| usage(e.into()))?;
    }
    let json = flags.format == DataFormat::Json;
    let root = shown(&plan.root);
    if flags.dry_run {
        let blocked = plan.blocked().len();
        let conflicts = plan.conflicts().len();
        if json {
            super::print(&plan_json(&plan, true, next))?;
        } else {
            let mut out = format!("{what} in `{root}` (dry run: nothing is written)\n");
            out.push_str(&plan_text(&plan, false));
            super::print(&out)?;
        }
        // A dry run exits as the real run would, so scripts can check before they write.
        if blocked > 0 {
            return Err(UsageError::new(format!(
                "{blocked} path(s) blocked: the command would stop and write nothing, even with `--force`\nhelp: move the paths marked above out of the way"
            ))
            .into());
        }
        if conflicts > 0 {
            return Err(UsageError::new(format!(
                "{conflicts} conflict(s): the command would stop and write nothing\nhelp: pass `--force` to overwrite the files marked `conflict`"
            ))
            .into());
        }
        return Ok(Outcome::Success);
    }
    if plan.is_noop() {
        if json {
            super::print(&plan_json(&plan, false, ""))?;
        } else {
            super::print(&format!(
                "nothing to do: all {} file(s) in `{root}` are already up to date\n",
                plan.files.len()
            ))?;
        }
        return Ok(Outcome::Success);
    }
    match plan::apply(&plan) {
        Ok(_) => {}
        Err(e @ (PlanError::Conflict { .. } | PlanError::Blocked { .. })) => {
            return Err(UsageError::new(e.to_string()).into());
        }
        Err(PlanError::Io { path, source }) => {
            // The cause goes before the help line, so it is spelled out here rather than
            // left to the error chain (which would print it after the help).
            anyhow::bail!(
                "could not write `{path}`: {source}\nhelp: check that its folder is writable and the disk has room, then run the command again (it picks up where this run stopped)"
            );
        }
        Err(e) => return Err(e.into()),
    }
    if json {
        super::print(&plan_json(&plan, false, next))?;
        return Ok(Outcome::Success);
    }
    let mut out = format!("{what} in `{root}`\n");
    out.push_str(&plan_text(&plan, true));
    if !next.is_empty() {
        out.push_str(next);
    }
    super::print(&out)?;
    Ok(Outcome::Success)
}
