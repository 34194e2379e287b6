//! Scaffolding: `lynx init`, `tool:create` and `workflow:create` build a [`plan::Plan`] — the
//! files to write, rendered from the embedded minijinja [`templates`] — and then apply it.
//!
//! Invariant: pure apart from reading and writing the planned files. No async, no network, no
//! terminal: prompting and printing live in `commands/`. Everything generated passes
//! `lynx tool:validate` with no findings (`tests/it/scaffold.rs` checks each template).

pub mod init;
pub mod names;
pub mod plan;
pub mod templates;
pub mod tool;
pub mod workflow;

use std::fmt;

/// A value the user gave (or left out) that cannot be used; names the flag it came from.
#[derive(Debug)]
pub struct SpecError {
    pub flag: &'static str,
    pub message: String,
}

impl SpecError {
    pub fn new(flag: &'static str, message: impl Into<String>) -> Self {
        Self {
            flag,
            message: message.into(),
        }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.flag.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "`{}`: {}", self.flag, self.message)
        }
    }
}

impl std::error::Error for SpecError {}

impl From<plan::PlanError> for SpecError {
    fn from(e: plan::PlanError) -> Self {
        SpecError::new("", e.to_string())
    }
}

impl From<templates::RenderError> for SpecError {
    fn from(e: templates::RenderError) -> Self {
        // A template bug, not the user's: say so plainly.
        SpecError::new("", format!("{e} (a bug in lynx; please report it)"))
    }
}

/// Where a generated file's `$schema` line points: the project's own copy under `schemas/`
/// (written by `lynx init`) as a relative path when `local`, else the schema's `$id` URL.
pub fn schema_ref(kind: &str, file: &str, local: bool) -> String {
    if local {
        let depth = file.matches('/').count();
        format!("{}schemas/{kind}.schema.json", "../".repeat(depth))
    } else {
        format!("https://lynx.dev/schemas/{kind}.schema.json")
    }
}

/// Whether the project under `root` keeps its own schema copies (`schemas/tool.schema.json`).
pub fn has_local_schemas(root: &std::path::Path) -> bool {
    root.join("schemas/tool.schema.json").is_file()
}

/// The folder new files go in so that the project's `globs` (`[project] tools` or `workflows`)
/// load them: the literal prefix of the first pattern that matches a `.yaml` file right inside
/// it (`src/tools/**/*.yaml` → `src/tools`, `*.yaml` → the root, `""`). `None` when no pattern
/// has such a folder.
pub fn default_dir(globs: &[String]) -> Option<String> {
    let set = crate::project::glob_set(globs);
    globs.iter().find_map(|g| {
        let prefix: Vec<&str> = g
            .split('/')
            .take_while(|part| !part.contains(['*', '?', '[', '{']))
            .collect();
        // A pattern without metacharacters names one file, not a folder.
        if prefix.len() == g.split('/').count() {
            return None;
        }
        let dir = prefix.join("/");
        let dir = if dir.is_empty() {
            String::new()
        } else {
            plan::clean_relative(&dir)?
        };
        set.is_match(in_dir(&dir, "x.yaml")).then_some(dir)
    })
}

/// `dir/file`, or just `file` when `dir` is the root (`""`).
pub fn in_dir(dir: &str, file: &str) -> String {
    if dir.is_empty() {
        file.to_owned()
    } else {
        format!("{dir}/{file}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_folders_come_from_the_globs() {
        let globs = |g: &[&str]| g.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            default_dir(&globs(&["tools/**/*.yaml", "tools/**/*.yml"])).as_deref(),
            Some("tools")
        );
        assert_eq!(
            default_dir(&globs(&["src/mcp/tools/*.yaml"])).as_deref(),
            Some("src/mcp/tools")
        );
        assert_eq!(default_dir(&globs(&["*.yaml"])).as_deref(), Some(""));
        assert_eq!(
            default_dir(&globs(&["defs/*.yml", "more/**/*.yaml"])).as_deref(),
            Some("more")
        );
        assert_eq!(default_dir(&globs(&["**/*.tool.yaml"])), None);
        assert_eq!(default_dir(&globs(&["../up/*.yaml"])), None);
    }

    #[test]
    fn schema_refs_are_relative_to_the_file() {
        assert_eq!(
            schema_ref("tool", "tools/x.yaml", true),
            "../schemas/tool.schema.json"
        );
        assert_eq!(
            schema_ref("tool", "tools/finance/x.yaml", true),
            "../../schemas/tool.schema.json"
        );
        assert_eq!(
            schema_ref("config", "lynx.toml", true),
            "schemas/config.schema.json"
        );
        assert_eq!(
            schema_ref("workflow", "workflows/x.yaml", false),
            "https://lynx.dev/schemas/workflow.schema.json"
        );
        for (kind, text) in [
            ("tool", crate::lint::schema::TOOL),
            ("workflow", crate::lint::schema::WORKFLOW),
            ("config", crate::lint::schema::CONFIG),
        ] {
            assert!(
                text.contains(&schema_ref(kind, "x", false)),
                "the URL is the schema's $id"
            );
        }
    }
}
