//! The project model: finding `lynx.toml`, discovering tool, workflow and config files, parsing
//! them into spanned trees and typed definitions.
//!
//! Invariant: no network, no async, no terminal; problems in user files are data (on each
//! [`Document`]), never errors. Every later command (serve, tool:create, bench --embedded)
//! builds on [`Project`].

pub mod load;
pub mod model;
pub mod node;
pub mod parse;
mod scan;
pub mod source;

use crate::lint::diagnostic::FileId;
use globset::{Glob, GlobSet, GlobSetBuilder};
use load::FileProblem;
use model::{Config, Tool, Workflow};
use node::{Limits, Node};
use parse::Issue;
use rayon::prelude::*;
use source::SourceFile;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "lynx.toml";

/// What a file describes.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Tool,
    Workflow,
    Config,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Tool => "tool",
            FileKind::Workflow => "workflow",
            FileKind::Config => "config",
        }
    }
}

/// One loaded file: its parse result and whatever went wrong reading it.
#[derive(Debug)]
pub struct Document {
    pub file: FileId,
    pub kind: FileKind,
    pub root: Option<Node>,
    /// `root` as plain JSON, built once: schema validation and the typed model both read it.
    pub json: Option<serde_json::Value>,
    pub problem: Option<FileProblem>,
    pub issues: Vec<Issue>,
}

/// A tool definition inside a document: a whole tool file, or one entry of a `tools:` list.
#[derive(Debug)]
pub struct ToolEntry {
    pub doc: usize,
    pub file: FileId,
    /// JSON pointer of the tool inside its document (`""` or `/tools/3`).
    pub pointer: String,
    /// `None` when the definition does not load (the `schema` rule says why).
    pub def: Option<Tool>,
}

#[derive(Debug)]
pub struct WorkflowEntry {
    pub doc: usize,
    pub file: FileId,
    pub def: Option<Workflow>,
}

/// Where the project is and which files to look at.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// The directory paths are shown relative to (normally the working directory).
    pub cwd: PathBuf,
    /// The project's `lynx.toml`, if one was found or given.
    pub config: Option<PathBuf>,
    /// Files to load in addition to the project's own (with a kind forced by `--kind`).
    pub extra: Vec<(PathBuf, Option<FileKind>)>,
    /// Which of the project's own files (those its globs match) to load besides `extra`.
    pub context: Scope,
}

/// How much of the project to load around the files asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scope {
    /// Only `lynx.toml` and the extra files.
    None,
    /// Every file of the project.
    #[default]
    All,
    /// The files the extra ones refer to or may collide with: tools they call, tools and
    /// workflows sharing their ids or names. Found by a quick scan of each file's top-level
    /// `id:`/`name:` lines instead of a full parse, so checking one file in a project of
    /// thousands stays fast. When the scan cannot find something a workflow calls, everything
    /// is loaded.
    Referenced,
}

/// Everything lynx knows about a project after loading it.
#[derive(Debug, Default)]
pub struct Project {
    /// The folder holding `lynx.toml`; paths in tool files are relative to it.
    pub root: Option<PathBuf>,
    pub files: Vec<SourceFile>,
    pub docs: Vec<Document>,
    pub config: Config,
    pub config_doc: Option<usize>,
    pub tools: Vec<ToolEntry>,
    pub workflows: Vec<WorkflowEntry>,
}

/// Walks up from `start` to the nearest folder holding `lynx.toml`.
pub fn find_config(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(CONFIG_FILE))
        .find(|p| p.is_file())
}

fn display_path(cwd: &Path, path: &Path) -> String {
    let shown = path.strip_prefix(cwd).unwrap_or(path);
    let s = shown.to_string_lossy();
    let s = s.strip_prefix("./").unwrap_or(&s);
    if s.is_empty() {
        ".".into()
    } else {
        s.replace('\\', "/")
    }
}

pub fn glob_set(patterns: &[String]) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        // Invalid globs are reported by the schema/config rules; skip them here.
        if let Ok(g) = Glob::new(p) {
            b.add(g);
        }
    }
    b.build().unwrap_or_else(|_| GlobSet::empty())
}

/// Every path under `root` (not `root` itself), sorted: `.gitignore`d and hidden paths
/// skipped, symlinks followed. A path the walk cannot enter — a dangling symlink, a symlink loop,
/// an unreadable folder — is still listed, so reading it reports why instead of dropping it.
pub fn walk(root: &Path, keep: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    fn error_path(e: &ignore::Error) -> Option<&Path> {
        match e {
            ignore::Error::WithPath { path, .. } => Some(path),
            ignore::Error::Loop { child, .. } => Some(child),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                error_path(err)
            }
            ignore::Error::Partial(errs) => errs.iter().find_map(error_path),
            _ => None,
        }
    }
    let mut out: Vec<PathBuf> = ignore::WalkBuilder::new(root)
        .follow_links(true)
        .require_git(false)
        .build()
        .filter_map(|entry| match entry {
            Ok(e) if e.depth() > 0 => Some(e.into_path()),
            Ok(_) => None,
            Err(e) => error_path(&e).map(Path::to_path_buf),
        })
        .filter(|p| p != root && keep(p))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Every path under `root` matching the project's tool or workflow globs.
fn discover(root: &Path, tools: &GlobSet, workflows: &GlobSet) -> Vec<(PathBuf, FileKind)> {
    let kind = |path: &Path| {
        let rel = path.strip_prefix(root).ok()?;
        if workflows.is_match(rel) {
            Some(FileKind::Workflow)
        } else if tools.is_match(rel) {
            Some(FileKind::Tool)
        } else {
            None
        }
    };
    walk(root, |p| kind(p).is_some())
        .into_iter()
        .filter_map(|p| kind(&p).map(|k| (p, k)))
        .collect()
}

/// The tool ids of the project around `start`, found fast for shell completion: the project's
/// tool files are scanned for `id:` lines (see [`scan`]) instead of parsed. Best effort: an
/// unreadable file or config just contributes nothing.
pub fn quick_tool_ids(start: &Path) -> Vec<String> {
    let Some(config) = find_config(start) else {
        return Vec::new();
    };
    let root = config.parent().unwrap_or(Path::new("."));
    let tools = std::fs::read_to_string(&config)
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .and_then(|t| {
            t.get("project")?
                .get("tools")?
                .clone()
                .try_into::<Vec<String>>()
                .ok()
        })
        .unwrap_or_else(|| model::ProjectSection::default().tools);
    let mut ids: Vec<String> = discover(root, &glob_set(&tools), &GlobSet::empty())
        .into_iter()
        .filter_map(|(path, _)| std::fs::read_to_string(path).ok())
        .flat_map(|text| {
            scan::names(&text)
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|id| id.split('.').count() >= 3)
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// Guesses what a file describes from its name and place.
fn kind_by_name(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_str()?;
    if name == CONFIG_FILE || name.ends_with(".toml") {
        return Some(FileKind::Config);
    }
    let in_workflows = path
        .parent()
        .and_then(|p| p.file_name())
        .is_some_and(|n| n == "workflows");
    in_workflows.then_some(FileKind::Workflow)
}

struct Loaded {
    file: SourceFile,
    kind: FileKind,
    root: Option<Node>,
    json: Option<serde_json::Value>,
    problem: Option<FileProblem>,
    issues: Vec<Issue>,
}

fn load_one(cwd: &Path, path: PathBuf, kind: Option<FileKind>, limits: Limits) -> Loaded {
    let (text, problem) = load::read_text(&path);
    let display = display_path(cwd, &path);
    let kind_hint = kind.or_else(|| kind_by_name(&path));
    let file = SourceFile::new(path, display, text);
    let parsed = if problem.is_some() {
        parse::Parsed::default()
    } else if kind_hint == Some(FileKind::Config) {
        parse::toml(&file, limits)
    } else {
        parse::yaml(&file, limits)
    };
    let kind = kind_hint.unwrap_or_else(|| match &parsed.root {
        Some(root) if root.get("steps").is_some() => FileKind::Workflow,
        _ => FileKind::Tool,
    });
    let json = parsed.root.as_ref().map(Node::to_json);
    Loaded {
        file,
        kind,
        json,
        root: parsed.root,
        problem,
        issues: parsed.issues,
    }
}

fn has_extensions(json: &serde_json::Value) -> bool {
    json.as_object()
        .is_some_and(|m| m.keys().any(|k| k.starts_with("x-")))
}

fn strip_extensions(json: &mut serde_json::Value) {
    if let Some(map) = json.as_object_mut() {
        map.retain(|k, _| !k.starts_with("x-"));
    }
}

/// Deserialises a definition, ignoring the `x-` extension keys that the schema allows on it
/// (and, for workflows, on its steps). Copies the value only when such keys are present.
fn typed<T: serde::de::DeserializeOwned>(json: &serde_json::Value, with_steps: bool) -> Option<T> {
    let steps = || {
        json.get("steps")
            .and_then(|s| s.as_array())
            .into_iter()
            .flatten()
    };
    let step_extensions = with_steps && steps().any(has_extensions);
    if !has_extensions(json) && !step_extensions {
        return T::deserialize(json).ok();
    }
    let mut owned = json.clone();
    strip_extensions(&mut owned);
    if with_steps && let Some(steps) = owned.get_mut("steps").and_then(|s| s.as_array_mut()) {
        steps.iter_mut().for_each(strip_extensions);
    }
    T::deserialize(owned).ok()
}

impl Project {
    /// Loads the project described by `opts`. Files are read and parsed in parallel.
    pub fn load(opts: &LoadOptions) -> Project {
        let limits = Limits::default();
        let mut project = Project::default();
        let mut wanted: Vec<(PathBuf, Option<FileKind>)> = Vec::new();

        if let Some(config_path) = &opts.config {
            let loaded = load_one(
                &opts.cwd,
                config_path.clone(),
                Some(FileKind::Config),
                limits,
            );
            project.root = config_path.parent().map(Path::to_path_buf);
            project.push(loaded);
            project.config_doc = Some(0);
            if let Some(root) = &project.docs[0].root {
                // Each section loads on its own, so one broken section does not hide the others.
                project.config = config_sections(root);
            }
        }

        if opts.context != Scope::None
            && let Some(root) = project.root.clone()
        {
            let tools = glob_set(&project.config.project.tools);
            let workflows = glob_set(&project.config.project.workflows);
            wanted.extend(
                discover(&root, &tools, &workflows)
                    .into_iter()
                    .map(|(p, k)| (p, Some(k))),
            );
        }
        wanted.extend(opts.extra.iter().cloned());

        // The same file reached twice (as a project file and as an argument) loads once; an
        // explicit `--kind` wins.
        let mut seen: HashMap<PathBuf, usize> = HashMap::new();
        if let Some(c) = &opts.config {
            seen.insert(normalize(c), usize::MAX);
        }
        let mut unique: Vec<(PathBuf, Option<FileKind>)> = Vec::new();
        for (path, kind) in wanted {
            match seen.get(&normalize(&path)) {
                Some(&usize::MAX) => {}
                Some(&i) => {
                    if kind.is_some() && opts.extra.iter().any(|(p, _)| p == &path) {
                        unique[i].1 = kind;
                    }
                }
                None => {
                    seen.insert(normalize(&path), unique.len());
                    unique.push((path, kind));
                }
            }
        }

        let is_extra = |p: &Path| opts.extra.iter().any(|(e, _)| normalize(e) == normalize(p));
        let load_all = |files: Vec<(PathBuf, Option<FileKind>)>| -> Vec<Loaded> {
            files
                .into_par_iter()
                .map(|(path, kind)| load_one(&opts.cwd, path, kind, limits))
                .collect()
        };
        let loaded = if opts.context == Scope::Referenced {
            let (targets, others): (Vec<_>, Vec<_>) =
                unique.into_iter().partition(|(p, _)| is_extra(p));
            let mut loaded = load_all(targets);
            let wanted = scan::Wanted::of(
                loaded
                    .iter()
                    .filter_map(|l| l.json.as_ref().map(|j| (l.kind, j))),
            );
            loaded.extend(load_all(scan::select(others, &wanted)));
            loaded
        } else {
            load_all(unique)
        };
        for l in loaded {
            project.push(l);
        }
        project.build_definitions();
        project
    }

    fn push(&mut self, l: Loaded) {
        let file = FileId(self.files.len());
        self.files.push(l.file);
        self.docs.push(Document {
            file,
            kind: l.kind,
            root: l.root,
            json: l.json,
            problem: l.problem,
            issues: l.issues,
        });
    }

    /// Deserialises tool and workflow definitions from the parsed trees (in parallel).
    fn build_definitions(&mut self) {
        let defs: Vec<(Vec<ToolEntry>, Option<WorkflowEntry>)> = self
            .docs
            .par_iter()
            .enumerate()
            .map(|(i, doc)| {
                let Some(json) = &doc.json else {
                    return (Vec::new(), None);
                };
                match doc.kind {
                    FileKind::Tool => {
                        let entry = |pointer: String, value: &serde_json::Value| ToolEntry {
                            doc: i,
                            file: doc.file,
                            pointer,
                            def: typed(value, false),
                        };
                        let tools = match json.get("tools") {
                            Some(serde_json::Value::Array(list)) => list
                                .iter()
                                .enumerate()
                                .map(|(n, item)| entry(format!("/tools/{n}"), item))
                                .collect(),
                            Some(_) => Vec::new(),
                            None if json.is_object() => vec![entry(String::new(), json)],
                            None => Vec::new(),
                        };
                        (tools, None)
                    }
                    FileKind::Workflow => {
                        let wf = WorkflowEntry {
                            doc: i,
                            file: doc.file,
                            def: typed(json, true),
                        };
                        (Vec::new(), Some(wf))
                    }
                    FileKind::Config => (Vec::new(), None),
                }
            })
            .collect();
        for (tools, wf) in defs {
            self.tools.extend(tools);
            self.workflows.extend(wf);
        }
    }

    /// The spanned tree of a tool definition.
    pub fn tool_node(&self, t: &ToolEntry) -> Option<&Node> {
        self.docs[t.doc].root.as_ref()?.pointer(&t.pointer)
    }

    pub fn workflow_node(&self, w: &WorkflowEntry) -> Option<&Node> {
        self.docs[w.doc].root.as_ref()
    }

    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0]
    }

    /// Every tool that loaded, with its entry.
    pub fn tool_defs(&self) -> impl Iterator<Item = (&ToolEntry, &Tool)> {
        self.tools
            .iter()
            .filter_map(|t| t.def.as_ref().map(|d| (t, d)))
    }

    pub fn workflow_defs(&self) -> impl Iterator<Item = (&WorkflowEntry, &Workflow)> {
        self.workflows
            .iter()
            .filter_map(|w| w.def.as_ref().map(|d| (w, d)))
    }
}

/// `p` with `.` and `..` resolved lexically. Unlike `fs::canonicalize` this costs no system
/// calls, which matters once per file in a large project; symlinks are left as they are.
pub fn normalize(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Loads each top-level section of `lynx.toml` separately; a broken section falls back to its
/// default (the `schema` rule reports it).
fn config_sections(root: &Node) -> Config {
    let mut config = Config::default();
    let section = |name: &str| root.get(name).map(Node::to_json);
    if let Some(v) = section("project").and_then(|v| serde_json::from_value(v).ok()) {
        config.project = v;
    }
    if let Some(v) = section("compliance").and_then(|v| serde_json::from_value(v).ok()) {
        config.compliance = v;
    }
    if let Some(v) = section("lint").and_then(|v| serde_json::from_value(v).ok()) {
        config.lint = v;
    }
    for (name, slot) in [
        ("tenants", &mut config.tenants),
        ("pricing", &mut config.pricing),
        ("upstreams", &mut config.upstreams),
        ("notify", &mut config.notify),
    ] {
        if let Some(serde_json::Value::Object(map)) = section(name) {
            *slot = map.into_iter().collect();
        }
    }
    for (name, slot) in [
        ("server", &mut config.server),
        ("auth", &mut config.auth),
        ("audit", &mut config.audit),
        ("state", &mut config.state),
        ("telemetry", &mut config.telemetry),
    ] {
        if let Some(v) = section(name) {
            *slot = v;
        }
    }
    config
}
