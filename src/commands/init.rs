//! `lynx init [DIR]`: a new project in an empty (or `--force`d) folder.

use super::scaffolding::{Prompter, absolute, finish, label, shown, usage};
use crate::cli::InitArgs;
use crate::exit::{Outcome, UsageError};
use crate::scaffold::init::{self, InitSpec, InitTemplate};
use std::path::Path;

/// Entries of `dir` that make it "not empty" (a fresh `.git` does not count).
fn occupied(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".git")
        .collect();
    names.sort();
    names
}

pub fn run(args: &InitArgs, color: bool) -> anyhow::Result<Outcome> {
    let root = absolute(args.dir.as_deref().unwrap_or(Path::new(".")));
    if root.exists() && !root.is_dir() {
        return Err(UsageError::new(format!(
            "`{}` is a file; `lynx init DIR` needs a folder (it is created if missing)",
            shown(&root)
        ))
        .into());
    }
    let prompter = Prompter::new(args.scaffold.no_input, color);
    let folder_name = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "project".into());
    let name = match &args.name {
        Some(n) => n.clone(),
        None if prompter.interactive() => prompter.text(
            "--name",
            "the project name",
            "Project name",
            Some(folder_name),
            |s| init::name_problem(s).map(|why| format!("the name {why}")),
        )?,
        None => folder_name,
    };
    let template = match args.template {
        Some(t) => t,
        None => {
            let items: Vec<(InitTemplate, String)> =
                InitTemplate::ALL.iter().map(|t| (*t, label(t))).collect();
            prompter.select(
                "--template",
                "what the example tool runs on: `minimal` (builtin, nothing else needed), `python` or `node`",
                "Example tool",
                &items,
                1,
            )?
        }
    };
    let spec = InitSpec { name, template };
    let mut plan = init::plan(&root, &spec).map_err(usage)?;
    plan.resolve(args.scaffold.force)
        .map_err(|e| usage(e.into()))?;
    let others = occupied(&root);
    let refused = (!plan.is_noop() && !others.is_empty() && !args.scaffold.force).then(|| {
        let listed: Vec<String> = others.iter().take(5).map(|n| format!("`{n}`")).collect();
        UsageError::new(format!(
            "`{}` is not empty (it holds {}{})\nhelp: run `lynx init` in a new folder, or pass `--force` to add the project to this one (only the files in the plan are written; `--dry-run` shows them)",
            shown(&root),
            listed.join(", "),
            if others.len() > 5 { ", …" } else { "" }
        ))
    });
    let tool = init::example_tool_id(&spec.name);
    let dir = shown(&root);
    let cd = if dir == "." {
        String::new()
    } else if dir
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c))
    {
        format!("cd {dir} && ")
    } else {
        format!("cd '{}' && ", dir.replace('\'', r"'\''"))
    };
    let next = format!(
        "next: {cd}lynx tool:validate && lynx tool:call {tool} --args '{{\"name\": \"world\"}}' && lynx tool:test\n"
    );
    match refused {
        // A dry run shows what would be written and then fails as the real run would.
        // The refusal is the reason to report, not the conflicts the plan would also meet.
        Some(e) if args.scaffold.dry_run => {
            let _ = finish(plan, &args.scaffold, "new lynx project", &next);
            Err(e.into())
        }
        Some(e) => Err(e.into()),
        None => finish(plan, &args.scaffold, "new lynx project", &next),
    }
}
