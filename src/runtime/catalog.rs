//! The tools a server offers, built once from a loaded [`Project`]: compiled schemas, resolved
//! programs, handler pools, and the `tools/list` answer, ready before the first request.
//! Hot reload builds a new catalog and swaps it in whole.

use super::handlers::Handler;
use super::handlers::builtin::Builtin;
use super::handlers::exec::{Command, Exec};
use super::handlers::http::{Http, HttpPool};
use super::handlers::worker::Worker;
use crate::project::Project;
use crate::project::model::{self, Handler as HandlerDef, HandlerKind, Tool};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_MAX_OUTPUT: usize = 1024 * 1024;

/// The bundled runner for `handler: "module.path:function"` tools: a worker that imports the
/// module from the project root and calls the function with `(args, context)`.
pub const PYTHON_RUNNER: &str = include_str!("python_runner.py");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub backoff: Duration,
    pub max_backoff: Duration,
}

/// A tool as served: everything a call needs, prepared.
#[derive(Debug)]
pub struct ToolSpec {
    /// The MCP tool name: the tool's id.
    pub name: String,
    pub def: Tool,
    pub input_validator: Option<jsonschema::Validator>,
    pub output_validator: Option<jsonschema::Validator>,
    pub handler: Box<dyn Handler>,
    pub timeout: Duration,
    pub retry: Option<RetryPolicy>,
    /// This tool's entry in `tools/list`.
    pub listing: Value,
}

/// Every servable tool, by name, plus what could not be prepared.
#[derive(Debug, Default)]
pub struct Catalog {
    pub root: PathBuf,
    tools: Vec<Arc<ToolSpec>>,
    by_name: HashMap<String, usize>,
    /// Tools left out, with the reason (logged at start and on reload).
    pub skipped: Vec<(String, String)>,
}

impl Catalog {
    pub fn get(&self, name: &str) -> Option<&Arc<ToolSpec>> {
        self.by_name.get(name).map(|&i| &self.tools[i])
    }

    pub fn tools(&self) -> &[Arc<ToolSpec>] {
        &self.tools
    }

    /// Builds the catalog of a project that passed validation.
    pub fn build(project: &Project) -> Catalog {
        let root = project.root.clone().unwrap_or_else(|| PathBuf::from("."));
        let mut catalog = Catalog {
            root: root.clone(),
            ..Catalog::default()
        };
        let mut defs: Vec<&Tool> = project.tool_defs().map(|(_, t)| t).collect();
        defs.sort_by(|a, b| a.id.cmp(&b.id));
        // One pooled HTTP client for every `http` tool of this catalog.
        let pool = HttpPool::default();
        for def in defs {
            if catalog.by_name.contains_key(&def.id) {
                continue;
            }
            match prepare_with(def, &root, &pool) {
                Ok(spec) => {
                    catalog
                        .by_name
                        .insert(spec.name.clone(), catalog.tools.len());
                    catalog.tools.push(Arc::new(spec));
                }
                Err(why) => catalog.skipped.push((def.id.clone(), why)),
            }
        }
        catalog
    }

    /// A catalog of the given tools, for tests and embedded servers.
    pub fn from_specs(root: PathBuf, specs: Vec<ToolSpec>) -> Catalog {
        let mut catalog = Catalog {
            root,
            ..Catalog::default()
        };
        for spec in specs {
            catalog
                .by_name
                .insert(spec.name.clone(), catalog.tools.len());
            catalog.tools.push(Arc::new(spec));
        }
        catalog
    }
}

/// Resolves a program name once: a path relative to the project root, or a name on `PATH`.
pub fn resolve_program(program: &str, root: &Path) -> Result<PathBuf, String> {
    if program.contains('/') {
        let p = root.join(program);
        return if p.is_file() {
            Ok(p)
        } else {
            Err(format!("`{program}` does not exist"))
        };
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
        .ok_or_else(|| format!("`{program}` is not on PATH"))
}

fn command(spec: &model::HandlerSpec, root: &Path) -> Result<Command, String> {
    let (program, args) = spec
        .command
        .split_first()
        .ok_or("the handler has no `command`")?;
    let cwd = spec
        .cwd
        .as_ref()
        .map_or_else(|| root.to_path_buf(), |c| root.join(c));
    // Script paths are relative to the project root (DESIGN.md §2.4), whatever `cwd` says.
    let args = args
        .iter()
        .map(|a| {
            let p = Path::new(a);
            if cwd != root && !a.starts_with('-') && p.is_relative() && root.join(p).exists() {
                root.join(p).to_string_lossy().into_owned()
            } else {
                a.clone()
            }
        })
        .collect();
    Ok(Command {
        program: resolve_program(program, root)?,
        args,
        cwd,
        env: env_for(&spec.env),
    })
}

/// The allow-listed variables' current values (absent ones are simply not passed).
fn env_for(names: &[String]) -> Vec<(String, String)> {
    names
        .iter()
        .filter_map(|n| std::env::var(n).ok().map(|v| (n.clone(), v)))
        .collect()
}

/// `1MiB`, `512KiB`, `100B` → bytes.
fn parse_size(text: &str) -> Option<usize> {
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (n, unit) = text.split_at(split);
    let n: usize = n.parse().ok()?;
    n.checked_mul(match unit {
        "B" => 1,
        "KiB" => 1024,
        "MiB" => 1024 * 1024,
        "GiB" => 1024 * 1024 * 1024,
        _ => return None,
    })
}

fn compile(schema: &Option<Map<String, Value>>) -> Result<Option<jsonschema::Validator>, String> {
    let Some(schema) = schema else {
        return Ok(None);
    };
    jsonschema::validator_for(&Value::Object(schema.clone()))
        .map(Some)
        .map_err(|e| format!("its schema does not compile: {e}"))
}

/// Prepares one tool (schemas compiled, program resolved, handler built), or says why it cannot
/// be served. Paths are relative to `root`.
pub fn prepare(def: &Tool, root: &Path) -> Result<ToolSpec, String> {
    prepare_with(def, root, &HttpPool::default())
}

/// [`prepare`], with `http` handlers sharing the catalog's pooled client.
pub fn prepare_with(def: &Tool, root: &Path, pool: &HttpPool) -> Result<ToolSpec, String> {
    let (handler, timeout): (Box<dyn Handler>, _) = match &def.handler {
        HandlerDef::Module(entry) => {
            let python = resolve_program("python3", root)?;
            let cmd = Command {
                program: python,
                args: vec![
                    "-u".into(),
                    "-c".into(),
                    PYTHON_RUNNER.into(),
                    entry.clone(),
                ],
                cwd: root.to_path_buf(),
                env: Vec::new(),
            };
            (
                Box::new(Worker::with_max_line(
                    def.id.clone(),
                    cmd,
                    DEFAULT_MAX_OUTPUT,
                )),
                DEFAULT_TIMEOUT,
            )
        }
        HandlerDef::Spec(spec) => {
            let timeout = spec.timeout.map_or(DEFAULT_TIMEOUT, |d| d.0);
            let max_output = spec
                .max_output
                .as_deref()
                .and_then(parse_size)
                .unwrap_or(DEFAULT_MAX_OUTPUT);
            let handler: Box<dyn Handler> = match spec.kind {
                HandlerKind::Builtin => Box::new(match spec.name {
                    Some(model::Builtin::Echo) | None => Builtin::Echo,
                    Some(model::Builtin::Sleep) => {
                        Builtin::Sleep(spec.duration.map_or(Duration::ZERO, |d| d.0))
                    }
                    Some(model::Builtin::Fail) => Builtin::Fail,
                }),
                HandlerKind::Exec => Box::new(Exec {
                    command: command(spec, root)?,
                    max_output,
                }),
                HandlerKind::Worker => Box::new(
                    Worker::with_max_line(def.id.clone(), command(spec, root)?, max_output)
                        .with_concurrency(spec.concurrency),
                ),
                HandlerKind::Http => Box::new(Http::new(
                    pool.client()?,
                    spec.url.as_deref().ok_or("the handler has no `url`")?,
                    &spec.headers,
                    timeout,
                    max_output,
                )?),
                HandlerKind::Mcp | HandlerKind::Workflow => {
                    return Err(format!(
                        "`{}` handlers are not served by this version of lynx yet",
                        match spec.kind {
                            HandlerKind::Mcp => "mcp",
                            _ => "workflow",
                        }
                    ));
                }
            };
            (handler, timeout)
        }
    };
    let retry = def
        .retry
        .as_ref()
        .filter(|r| r.attempts > 1 && def.idempotent())
        .map(|r| RetryPolicy {
            attempts: r.attempts,
            backoff: r.backoff.map_or(Duration::from_millis(100), |d| d.0),
            max_backoff: r.max_backoff.map_or(Duration::from_secs(5), |d| d.0),
        });
    Ok(ToolSpec {
        name: def.id.clone(),
        input_validator: compile(&def.input_schema)?,
        output_validator: compile(&def.output_schema)?,
        listing: listing(def),
        def: def.clone(),
        handler,
        timeout,
        retry,
    })
}

/// The tool as `tools/list` shows it.
fn listing(def: &Tool) -> Value {
    let mut tool = Map::new();
    tool.insert("name".into(), json!(def.id));
    if let Some(t) = &def.title {
        tool.insert("title".into(), json!(t));
    }
    tool.insert(
        "description".into(),
        json!(def.description.clone().unwrap_or_default()),
    );
    let input = def.input_schema.clone().unwrap_or_else(|| {
        let mut m = Map::new();
        m.insert("type".into(), json!("object"));
        m
    });
    tool.insert("inputSchema".into(), Value::Object(input));
    if let Some(out) = &def.output_schema {
        tool.insert("outputSchema".into(), Value::Object(out.clone()));
    }
    let a = &def.annotations;
    let mut annotations = Map::new();
    for (key, v) in [
        ("readOnlyHint", a.read_only_hint),
        ("destructiveHint", a.destructive_hint),
        ("idempotentHint", a.idempotent_hint),
        ("openWorldHint", a.open_world_hint),
    ] {
        if let Some(v) = v {
            annotations.insert(key.into(), json!(v));
        }
    }
    if let Some(t) = &a.title {
        annotations.insert("title".into(), json!(t));
    }
    if !annotations.is_empty() {
        tool.insert("annotations".into(), Value::Object(annotations));
    }
    Value::Object(tool)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("1MiB"), Some(1 << 20));
        assert_eq!(parse_size("10B"), Some(10));
        assert_eq!(parse_size("1MB"), None);
    }

    #[test]
    fn programs_resolve_on_path_or_under_the_root() {
        assert!(resolve_program("sh", Path::new("/")).is_ok());
        assert!(
            resolve_program("no-such-program-lynx", Path::new("/"))
                .unwrap_err()
                .contains("PATH")
        );
        assert!(
            resolve_program("./missing.py", Path::new("/tmp"))
                .unwrap_err()
                .contains("does not exist")
        );
    }
}
