//! `lynx init`: a new project — `lynx.toml`, an example tool with its handler and tests, a
//! workflow calling it, `.gitignore`, a README and the JSON Schemas for editors.

use super::plan::Plan;
use super::templates::render;
use super::tool::{HandlerLang, RiskArg, ToolRequest, ToolSpec};
use super::workflow::{Source, StepTool, WorkflowSpec};
use super::{SpecError, names, schema_ref};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;
use std::path::Path;

/// What the example tool of a new project runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InitTemplate {
    /// A builtin `echo` tool: runs with nothing but lynx installed.
    Minimal,
    /// A Python `exec` handler (standard library only).
    Python,
    /// A Node.js `exec` handler (no npm packages).
    Node,
}

impl InitTemplate {
    pub const ALL: [InitTemplate; 3] = [
        InitTemplate::Minimal,
        InitTemplate::Python,
        InitTemplate::Node,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InitTemplate::Minimal => "minimal",
            InitTemplate::Python => "python",
            InitTemplate::Node => "node",
        }
    }

    fn handler(self) -> HandlerLang {
        match self {
            InitTemplate::Minimal => HandlerLang::Builtin,
            InitTemplate::Python => HandlerLang::Python,
            InitTemplate::Node => HandlerLang::Node,
        }
    }
}

#[derive(Clone, Debug)]
pub struct InitSpec {
    pub name: String,
    pub template: InitTemplate,
}

/// Why `name` cannot name a project, or `None`.
pub fn name_problem(name: &str) -> Option<String> {
    if name.trim().is_empty() {
        return Some("is empty".into());
    }
    if name.chars().any(char::is_control) {
        return Some("contains control characters".into());
    }
    if name.len() > 100 {
        return Some("is longer than 100 characters".into());
    }
    None
}

/// The example tool's id in a project called `name`.
pub fn example_tool_id(name: &str) -> String {
    format!("{}.domain.hello.greet", names::domain_for(name).0)
}

/// The plan for a new project in `root`.
pub fn plan(root: &Path, spec: &InitSpec) -> Result<Plan, SpecError> {
    if let Some(why) = name_problem(&spec.name) {
        return Err(SpecError::new("--name", format!("the project name {why}")));
    }
    let (domain, fallback) = names::domain_for(&spec.name);
    let handler = spec.template.handler();
    let tool = ToolSpec::resolve(
        ToolRequest {
            id: example_tool_id(&spec.name),
            title: Some("Hello".into()),
            description: Some(match handler {
                HandlerLang::Builtin => "Says hello back: returns its arguments unchanged.".into(),
                _ => "Greets someone by name.".into(),
            }),
            risk: RiskArg::Low,
            read_only: true,
            ..ToolRequest::default()
        },
        handler,
    )?;
    let mut plan = Plan::new(root);
    let ctx = json!({
        "schema": schema_ref("config", "lynx.toml", true),
        "name": spec.name,
    });
    plan.add("lynx.toml", render("init/lynx.toml", &ctx)?, false)?;
    plan.add(".gitignore", render("init/gitignore", &json!({}))?, false)?;
    let readme = json!({
        "name": spec.name,
        "domain": domain,
        "tool_id": tool.id,
        "tool_path": tool.tool_path(),
        "handler_path": tool.handler_path(),
        "sample_args": r#"{"name": "world"}"#,
        "next_handler": match handler { HandlerLang::Node => "node", _ => "python" },
    });
    plan.add("README.md", render("init/README.md", &readme)?, false)?;
    for (kind, text) in [
        ("tool", crate::lint::schema::TOOL),
        ("workflow", crate::lint::schema::WORKFLOW),
        ("config", crate::lint::schema::CONFIG),
    ] {
        plan.add(
            &format!("schemas/{kind}.schema.json"),
            text.to_owned(),
            false,
        )?;
    }
    for (path, text, exec) in super::tool::files(&tool, true)? {
        plan.add(&path, text, exec)?;
    }
    let workflow = WorkflowSpec {
        workflows_dir: "workflows".into(),
        tools_dir: "tools".into(),
        name: format!("{domain}_hello"),
        description: Some("Greets someone through the example tool.".into()),
        source: Source::Steps(vec![StepTool {
            id: tool.id.clone(),
            input_schema: Some(super::tool::input_schema()),
        }]),
    };
    let wf = super::workflow::plan(root, &workflow, &BTreeMap::new(), &BTreeMap::new(), true)?;
    for f in wf.files {
        plan.add(&f.path, f.contents, f.executable)?;
    }
    if fallback {
        plan.notes.push(format!(
            "the project name `{}` has few letters `a-z`, so tool ids start with the domain `app` (rename it in the ids if you like)",
            spec.name
        ));
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_project_has_every_part() {
        let plan = plan(
            Path::new("/new"),
            &InitSpec {
                name: "Acme Tools".into(),
                template: InitTemplate::Python,
            },
        )
        .unwrap();
        let paths: Vec<&str> = plan.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "lynx.toml",
                ".gitignore",
                "README.md",
                "schemas/tool.schema.json",
                "schemas/workflow.schema.json",
                "schemas/config.schema.json",
                "tools/acme_tools.domain.hello.greet.yaml",
                "handlers/acme_tools.domain.hello.greet.py",
                "workflows/acme_tools_hello.yaml",
            ]
        );
        assert!(plan.files[0].contents.contains("name = \"Acme Tools\""));
        assert!(plan.files[7].executable);
    }

    #[test]
    fn a_bad_name_names_the_flag() {
        let e = plan(
            Path::new("/new"),
            &InitSpec {
                name: " ".into(),
                template: InitTemplate::Minimal,
            },
        )
        .unwrap_err();
        assert_eq!(e.flag, "--name");
    }
}
