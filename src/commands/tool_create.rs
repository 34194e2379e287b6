//! `lynx tool:create`: a tool file and its handler in the current project.

use super::scaffolding::{
    Prompter, check_loaded, defined_names, dir_in_project, finish, folder_for, label, open_project,
    usage,
};
use crate::cli::ToolCreateArgs;
use crate::exit::{Outcome, UsageError};
use crate::scaffold::tool::{self, HandlerLang, RiskArg, ToolRequest, ToolSpec};
use std::path::PathBuf;

pub fn run(args: &ToolCreateArgs, config: Option<PathBuf>, color: bool) -> anyhow::Result<Outcome> {
    let project = open_project(config)?;
    let root = project.root.clone().unwrap_or_default();
    let prompter = Prompter::new(args.scaffold.no_input, color);
    let id = match &args.id {
        Some(id) => id.clone(),
        None => prompter.text(
            "--id",
            "the tool's id, like `finance.domain.health.read`",
            "Tool id (<domain>.<layer>.<name>)",
            None,
            tool::id_problem,
        )?,
    };
    let handler = match args.handler {
        Some(h) => h,
        None => {
            let items: Vec<(HandlerLang, String)> =
                HandlerLang::ALL.iter().map(|h| (*h, label(h))).collect();
            prompter.select(
                "--handler",
                "how the tool runs: python, python-worker, node, bash, http or builtin",
                "Handler",
                &items,
                0,
            )?
        }
    };
    let risk = match args.risk {
        Some(r) => r,
        None if prompter.interactive() => {
            let items: Vec<(RiskArg, String)> = [RiskArg::Low, RiskArg::Medium, RiskArg::High]
                .iter()
                .map(|r| (*r, label(r)))
                .collect();
            prompter.select("--risk", "the risk level", "Risk", &items, 0)?
        }
        None => RiskArg::Low,
    };
    let description = match &args.description {
        Some(d) => Some(d.clone()),
        None if prompter.interactive() => Some(prompter.text(
            "--description",
            "what the tool does",
            "Description (what the tool does, for the model)",
            Some(format!("{}.", crate::scaffold::names::title_from_id(&id))),
            |s| {
                s.is_empty()
                    .then(|| "a description helps the model pick the tool".to_owned())
            },
        )?),
        None => None,
    };
    let globs = &project.config.project.tools;
    let (dir, default_dir) = match &args.dir {
        Some(d) => (Some(dir_in_project(d, &root)?), None),
        None => (None, Some(folder_for(globs, "tools")?)),
    };
    let spec = ToolSpec::resolve(
        ToolRequest {
            id,
            layer: args.layer,
            domain: args.domain.clone(),
            risk,
            title: args.title.clone(),
            description,
            read_only: args.read_only,
            destructive: args.destructive,
            dir,
            default_dir,
            url: args.url.clone(),
        },
        handler,
    )
    .map_err(usage)?;

    let tool_path = spec.tool_path();
    let flag = match &args.dir {
        Some(d) => format!("`--dir {d}`: "),
        None => String::new(),
    };
    check_loaded(&tool_path, globs, "tools", &flag)?;
    let defined = defined_names(&project, &root);
    if let Some(file) = defined.get(&spec.id)
        && file != &tool_path
    {
        return Err(UsageError::new(format!(
            "`--id`: `{}` is already defined in `{file}`\nhelp: pick another id, or edit that file",
            spec.id
        ))
        .into());
    }
    if let Some((other, _)) = defined
        .iter()
        .find(|(name, file)| *file == &tool_path && **name != spec.id)
    {
        return Err(UsageError::new(format!(
            "`--id`: `{tool_path}` holds `{other}`, not `{}`; even with `--force` lynx does not replace another tool\nhelp: pick another id, or move that tool to another file",
            spec.id
        ))
        .into());
    }
    let plan =
        tool::plan(&root, &spec, crate::scaffold::has_local_schemas(&root)).map_err(usage)?;
    let mut next = String::from("next: ");
    if let Some(h) = spec.handler_path() {
        next.push_str(&format!("edit `{h}`, then "));
    }
    if spec.handler == HandlerLang::Http {
        next.push_str(&format!(
            "start the service (`{} {}`), then ",
            spec.handler.interpreter().unwrap_or_default(),
            spec.handler_path().unwrap_or_default()
        ));
    }
    next.push_str(&format!(
        "`lynx tool:call {} --args '{{\"name\": \"world\"}}'` and `lynx tool:test {}`\n",
        spec.id, spec.id
    ));
    finish(plan, &args.scaffold, &format!("tool `{}`", spec.id), &next)
}
