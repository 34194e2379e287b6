//! `lynx workflow:create`: a workflow from a template or a chain of the project's tools.

use super::scaffolding::{
    Prompter, check_loaded, defined_names, finish, folder_for, label, open_project, usage,
};
use crate::cli::WorkflowCreateArgs;
use crate::exit::{Outcome, UsageError};
use crate::scaffold::names;
use crate::scaffold::workflow::{self, Source, StepTool, WorkflowSpec, WorkflowTemplate};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Which source the user picks in the prompt: a template, or a chain of tools.
#[derive(Clone, Copy)]
enum Choice {
    Template(WorkflowTemplate),
    Steps,
}

pub fn run(
    args: &WorkflowCreateArgs,
    config: Option<PathBuf>,
    color: bool,
) -> anyhow::Result<Outcome> {
    let project = open_project(config)?;
    let root = project.root.clone().unwrap_or_default();
    let prompter = Prompter::new(args.scaffold.no_input, color);
    let tools: BTreeMap<&str, &crate::project::model::Tool> = project
        .tool_defs()
        .map(|(_, t)| (t.id.as_str(), t))
        .collect();
    let name = match &args.name {
        Some(n) => n.clone(),
        None => prompter.text(
            "--name",
            "the workflow's name, like `payment_processing`",
            "Workflow name",
            None,
            names::workflow_name_problem,
        )?,
    };
    let check_ids = |ids: &[String]| -> Result<(), String> {
        for id in ids {
            if !tools.contains_key(id.as_str()) {
                let hint = crate::lint::suggest::did_you_mean(id, tools.keys().copied())
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_else(|| "; `lynx tool:list` shows the tools".into());
                return Err(format!("`{id}` is not a tool of this project{hint}"));
            }
        }
        Ok(())
    };
    let choice = match (args.template, args.steps.is_empty()) {
        (Some(t), _) => Choice::Template(t),
        (None, false) => Choice::Steps,
        (None, true) => {
            let mut items: Vec<(Choice, String)> = WorkflowTemplate::ALL
                .iter()
                .map(|t| (Choice::Template(*t), label(t)))
                .collect();
            items.push((
                Choice::Steps,
                "steps — chain tools of this project (`--steps`)".into(),
            ));
            prompter.select(
                "--template",
                "a template (`lynx workflow:create --help` lists them), or `--steps ID,…` to chain the project's tools",
                "Start from",
                &items,
                0,
            )?
        }
    };
    let source = match choice {
        Choice::Template(t) => Source::Template(t),
        Choice::Steps => {
            let ids: Vec<String> = if args.steps.is_empty() {
                let line = prompter.text(
                    "--steps",
                    "the tool ids to chain",
                    "Tool ids to chain, comma-separated",
                    None,
                    |s| {
                        let ids: Vec<String> = split_ids(s);
                        if ids.is_empty() {
                            return Some("give at least one tool id".into());
                        }
                        check_ids(&ids).err()
                    },
                )?;
                split_ids(&line)
            } else {
                args.steps
                    .iter()
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            };
            check_ids(&ids).map_err(|e| UsageError::new(format!("`--steps`: {e}")))?;
            Source::Steps(
                ids.into_iter()
                    .map(|id| StepTool {
                        input_schema: tools.get(id.as_str()).and_then(|t| t.input_schema.clone()),
                        id,
                    })
                    .collect(),
            )
        }
    };
    let spec = WorkflowSpec {
        workflows_dir: folder_for(&project.config.project.workflows, "workflows")?,
        tools_dir: folder_for(&project.config.project.tools, "tools")?,
        name,
        description: args.description.clone(),
        source,
    };
    let defined = defined_names(&project, &root);
    let schemas: workflow::ToolSchemas = tools
        .iter()
        .map(|(id, t)| ((*id).to_owned(), t.input_schema.clone()))
        .collect();
    let plan = workflow::plan(
        &root,
        &spec,
        &defined,
        &schemas,
        crate::scaffold::has_local_schemas(&root),
    )
    .map_err(usage)?;
    check_loaded(
        &spec.path(),
        &project.config.project.workflows,
        "workflows",
        "",
    )?;
    for f in &plan.files {
        if f.path != spec.path() {
            check_loaded(&f.path, &project.config.project.tools, "tools", "")?;
        }
    }
    let next = format!(
        "next: `lynx tool:validate` checks `{}` now; serving workflows as tools comes with the workflow engine\n",
        spec.name
    );
    finish(
        plan,
        &args.scaffold,
        &format!("workflow `{}`", spec.name),
        &next,
    )
}

fn split_ids(s: &str) -> Vec<String> {
    s.split(',')
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}
