//! A quick look at files without parsing them: which tool ids and workflow names a file
//! defines, from its top-level `id:` and `name:` lines (and `- id:` items of a `tools:` list).
//!
//! Used to load only the part of a large project that the files being checked refer to. The
//! scan may find names that are not really definitions (that only costs a full load of the file)
//! and may miss definitions written in flow style (`{ id: … }`); where a miss would cause a
//! false finding — a workflow calling a tool the scan did not find — everything is loaded.

use super::FileKind;
use rayon::prelude::*;
use serde_json::Value;
use std::collections::HashSet;
use std::path::PathBuf;

/// The names a set of files refers to or defines.
#[derive(Debug, Default)]
pub struct Wanted {
    /// Names whose definitions elsewhere matter: ids and names the files define (duplicates),
    /// and tools and workflows they call.
    names: HashSet<String>,
    /// Names that must be found, or the files would report them as unknown.
    called: HashSet<String>,
    /// Names the files define themselves.
    defined: HashSet<String>,
}

impl Wanted {
    /// What the parsed target files define and call.
    pub fn of<'a>(docs: impl Iterator<Item = (FileKind, &'a Value)>) -> Self {
        let mut w = Wanted::default();
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
        for (kind, json) in docs {
            match kind {
                FileKind::Tool => {
                    let tools: Vec<&Value> = match json.get("tools").and_then(Value::as_array) {
                        Some(list) => list.iter().collect(),
                        None => vec![json],
                    };
                    for tool in tools {
                        w.defined.extend(text(tool.get("id")));
                        let handler = tool.get("handler");
                        if handler.and_then(|h| h.get("kind")).and_then(Value::as_str)
                            == Some("workflow")
                        {
                            w.called
                                .extend(text(handler.and_then(|h| h.get("workflow"))));
                        }
                    }
                }
                FileKind::Workflow => {
                    w.defined.extend(text(json.get("name")));
                    for step in json
                        .get("steps")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        if step.get("upstream").is_none() {
                            w.called.extend(text(step.get("tool")));
                        }
                    }
                }
                FileKind::Config => {}
            }
        }
        w.names = w.defined.union(&w.called).cloned().collect();
        w
    }
}

/// The value of a `key: value` line, unquoted and without a trailing comment.
fn value_of<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let rest = line.strip_prefix(key)?.strip_prefix(':')?;
    let rest = rest.split(" #").next()?.trim();
    let unquoted = rest
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .or_else(|| rest.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')))
        .unwrap_or(rest);
    (!unquoted.is_empty()).then_some(unquoted)
}

/// The tool ids and workflow names a file seems to define.
pub fn names(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for line in text.lines() {
        if let Some(v) = value_of(line, "id").or_else(|| value_of(line, "name")) {
            out.push(v);
        } else if let Some(item) = line.trim_start().strip_prefix("- ")
            && let Some(v) = value_of(item.trim_start(), "id")
        {
            out.push(v);
        }
    }
    out
}

/// The files among `others` to load fully for checking files that want `wanted`: those that
/// seem to define a wanted name — or all of them when something called is found nowhere.
pub fn select(
    others: Vec<(PathBuf, Option<FileKind>)>,
    wanted: &Wanted,
) -> Vec<(PathBuf, Option<FileKind>)> {
    if wanted.names.is_empty() {
        return Vec::new();
    }
    let hits: Vec<(bool, Vec<String>)> = others
        .par_iter()
        .map(|(path, _)| {
            // Unreadable files are not being checked; their names cannot matter here.
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let found: Vec<String> = names(&text)
                .into_iter()
                .filter(|n| wanted.names.contains(*n))
                .map(str::to_owned)
                .collect();
            (!found.is_empty(), found)
        })
        .collect();
    let found: HashSet<&str> = hits
        .iter()
        .flat_map(|(_, f)| f.iter().map(String::as_str))
        .collect();
    let unresolved = wanted
        .called
        .iter()
        .any(|c| !wanted.defined.contains(c) && !found.contains(c.as_str()));
    if unresolved {
        return others;
    }
    others
        .into_iter()
        .zip(hits)
        .filter_map(|(file, (hit, _))| hit.then_some(file))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_top_level_ids_names_and_list_items() {
        let text = "# c\nid: finance.domain.a.read  # comment\nname: 'flow'\ninput_schema:\n  properties:\n    id: { type: string }\ntools:\n  - id: \"x.cell.b\"\n    handler: h\n";
        assert_eq!(names(text), ["finance.domain.a.read", "flow", "x.cell.b"]);
    }

    #[test]
    fn wanted_covers_definitions_and_calls() {
        let tool = json!({"id": "a.domain.t", "handler": {"kind": "workflow", "workflow": "wf2"}});
        let wf = json!({"name": "wf", "steps": [{"id": "s", "tool": "b.domain.u"}, {"id": "r", "tool": "remote", "upstream": "up"}]});
        let w = Wanted::of([(FileKind::Tool, &tool), (FileKind::Workflow, &wf)].into_iter());
        let mut names: Vec<_> = w.names.iter().map(String::as_str).collect();
        names.sort();
        assert_eq!(names, ["a.domain.t", "b.domain.u", "wf", "wf2"]);
    }

    #[test]
    fn selects_defining_files_or_everything_when_a_call_is_unresolved() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.yaml");
        let b = dir.path().join("b.yaml");
        std::fs::write(&a, "id: b.domain.u\n").unwrap();
        std::fs::write(&b, "id: c.domain.v\n").unwrap();
        let others = || vec![(a.clone(), None), (b.clone(), None)];
        let wf = json!({"name": "wf", "steps": [{"id": "s", "tool": "b.domain.u"}]});
        let w = Wanted::of([(FileKind::Workflow, &wf)].into_iter());
        assert_eq!(select(others(), &w), vec![(a.clone(), None)]);
        let missing = json!({"name": "wf", "steps": [{"id": "s", "tool": "z.domain.missing"}]});
        let w = Wanted::of([(FileKind::Workflow, &missing)].into_iter());
        assert_eq!(select(others(), &w).len(), 2);
    }
}
