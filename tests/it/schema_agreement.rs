//! The JSON Schemas in `schemas/` are hand-written for editors; the typed model in
//! `src/project/model.rs` is what lynx runs on. This proves they agree on every fixture: a
//! tool or workflow the schema accepts loads into the model, and one the model loads passes the
//! schema. A drift in either fails here.

use crate::support::repo;
use lynx::lint::schema;
use lynx::project::{FileKind, LoadOptions, Project};
use std::path::{Path, PathBuf};

fn fixture_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![repo().join("fixtures")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            let ft = entry.file_type().unwrap();
            if ft.is_dir() {
                stack.push(path);
            } else if ft.is_file() {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                if name.ends_with(".yaml") || name.ends_with(".yml") || name == "lynx.toml" {
                    out.push(path);
                }
            }
        }
    }
    out.sort();
    out
}

fn load(path: &Path) -> Project {
    let kind = (path.file_name().unwrap() == "lynx.toml").then_some(FileKind::Config);
    Project::load(&LoadOptions {
        cwd: repo(),
        config: None,
        extra: vec![(path.to_path_buf(), kind)],
        context: lynx::project::Scope::None,
    })
}

#[test]
fn schema_and_model_accept_the_same_files() {
    let files = fixture_files();
    assert!(
        files.len() > 10,
        "fixtures are missing: found {}",
        files.len()
    );
    let mut disagreements = Vec::new();
    let mut compared = 0;
    for path in &files {
        let project = load(path);
        let doc = &project.docs[0];
        let Some(root) = &doc.root else { continue };
        let json = root.to_json();
        let schema_ok = schema::is_valid(doc.kind, &json);
        let model_ok = match doc.kind {
            FileKind::Tool => {
                !project.tools.is_empty() && project.tools.iter().all(|t| t.def.is_some())
            }
            FileKind::Workflow => project.workflows.iter().all(|w| w.def.is_some()),
            // The config model loads section by section and tolerates broken sections, so only
            // one direction holds for it: whatever the schema accepts, the model takes whole.
            FileKind::Config => {
                if !schema_ok {
                    continue;
                }
                serde_json::from_value::<lynx::project::model::Config>(json.clone()).is_ok()
            }
        };
        compared += 1;
        if schema_ok != model_ok {
            disagreements.push(format!(
                "{} ({}): schema {} but model {}",
                path.strip_prefix(repo()).unwrap().display(),
                doc.kind.as_str(),
                if schema_ok { "accepts" } else { "rejects" },
                if model_ok { "accepts" } else { "rejects" },
            ));
        }
    }
    assert!(compared > 10, "too few fixtures parsed: {compared}");
    assert!(
        disagreements.is_empty(),
        "schema and model disagree:\n{}",
        disagreements.join("\n")
    );
}

#[test]
fn example_project_is_schema_valid_and_loads() {
    for path in fixture_files()
        .iter()
        .filter(|p| p.starts_with(repo().join("fixtures/example")))
    {
        let project = load(path);
        let doc = &project.docs[0];
        let json = doc.root.as_ref().expect("example files parse").to_json();
        assert!(
            schema::is_valid(doc.kind, &json),
            "{} fails its schema",
            path.display()
        );
    }
}

#[test]
fn printed_schemas_are_the_shipped_files() {
    for (kind, file) in [
        ("tool", "tool"),
        ("workflow", "workflow"),
        ("config", "config"),
    ] {
        let out = crate::support::lynx()
            .args(["schema", kind])
            .output()
            .unwrap();
        assert!(out.status.success());
        let shipped =
            std::fs::read_to_string(repo().join(format!("schemas/{file}.schema.json"))).unwrap();
        assert_eq!(String::from_utf8(out.stdout).unwrap(), shipped);
    }
}
