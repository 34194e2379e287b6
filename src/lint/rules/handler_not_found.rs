//! A handler file that does not exist: a path in an `exec`/`worker` `command` (anything with a
//! `/` or a script extension such as `.py`, `.js`, `.sh`), the `cwd`, or the module of a
//! `module.path:func` handler (`module/path.py` or `module/path/__init__.py`). Paths are relative
//! to the project root (the folder holding `lynx.toml`).
//!
//! **Why:** otherwise the first sign is a failed call in production. Programs found on `PATH`
//! (`python3`, `node`) are not checked: they differ between machines.
//!
//! **Example:**
//! ```yaml
//! handler: { kind: exec, command: [python3, handlers/helth.py] }   # handlers/health.py exists
//! ```

use crate::lint::context::Context;
use crate::lint::diagnostic::{Diagnostic, RuleMeta, Severity};
use crate::lint::suggest::did_you_mean;
use crate::project::model::{Handler, HandlerKind};
use std::path::Path;

pub static META: RuleMeta = RuleMeta {
    name: "handler-not-found",
    severity: Severity::Error,
    summary: "a handler's command, script, module or cwd does not exist",
};

const SCRIPT_EXTENSIONS: &[&str] = &[
    "py", "js", "mjs", "cjs", "ts", "sh", "bash", "rb", "pl", "php",
];

fn looks_like_path(arg: &str) -> bool {
    if arg.starts_with('-') || arg.contains("://") || arg.contains('=') {
        return false;
    }
    arg.contains('/')
        || Path::new(arg)
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| SCRIPT_EXTENSIONS.contains(&e))
}

/// A sibling with a close name, to suggest for a typo.
fn near_miss(base: &Path, rel: &str) -> Option<String> {
    let p = Path::new(rel);
    let dir = p.parent().unwrap_or(Path::new(""));
    let name = p.file_name()?.to_str()?;
    let names: Vec<String> = std::fs::read_dir(base.join(dir))
        .ok()?
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .collect();
    let best = did_you_mean(name, names.iter().map(String::as_str))?;
    Some(dir.join(best).to_string_lossy().into_owned())
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (entry, tool) in cx.tools() {
        // Relative paths are resolved against the project root; a file checked outside any
        // project is resolved against its own folder.
        let file = cx.project.file(entry.file);
        let base = cx
            .project
            .root
            .clone()
            .or_else(|| file.path().parent().map(Path::to_path_buf))
            .unwrap_or_default();
        let relative_to = if cx.project.root.is_some() {
            "the folder holding lynx.toml"
        } else {
            "the tool file's folder"
        };
        let mut missing = |pointer: String, rel: &str, message: String| {
            let mut d = Diagnostic::at(&META, entry.file, cx.tool_span(entry, &pointer), message);
            d = match near_miss(&base, rel) {
                Some(s) => d.with_help(format!(
                    "did you mean `{s}`? paths are relative to {relative_to}"
                )),
                None => d.with_help(format!("paths are relative to {relative_to}")),
            };
            out.push(d);
        };
        match &tool.handler {
            Handler::Module(spec) => {
                let module = spec.split(':').next().unwrap_or("");
                let rel = module.replace('.', "/");
                let as_file = format!("{rel}.py");
                if !base.join(&as_file).is_file() && !base.join(&rel).join("__init__.py").is_file()
                {
                    missing(
                        "/handler".into(),
                        &as_file,
                        format!(
                            "Python module `{module}` not found: neither `{as_file}` nor `{rel}/__init__.py` exists"
                        ),
                    );
                }
            }
            Handler::Spec(spec) => {
                if matches!(spec.kind, HandlerKind::Exec | HandlerKind::Worker) {
                    for (i, arg) in spec.command.iter().enumerate() {
                        if looks_like_path(arg) && !base.join(arg).exists() {
                            missing(
                                format!("/handler/command/{i}"),
                                arg,
                                format!(
                                    "{} `{arg}` does not exist",
                                    if i == 0 { "the program" } else { "the script" }
                                ),
                            );
                        }
                    }
                }
                if let Some(cwd) = &spec.cwd
                    && !base.join(cwd).is_dir()
                {
                    missing(
                        "/handler/cwd".into(),
                        cwd,
                        format!("the working directory `{cwd}` does not exist"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::looks_like_path;

    #[test]
    fn tells_paths_from_programs_and_flags() {
        assert!(looks_like_path("handlers/a.py"));
        assert!(looks_like_path("run.sh"));
        assert!(looks_like_path("./bin/tool"));
        assert!(!looks_like_path("python3"));
        assert!(!looks_like_path("-u"));
        assert!(!looks_like_path("--config=a/b"));
        assert!(!looks_like_path("http://x/y"));
    }
}
