//! `lynx completions SHELL`: print a completion script (the same ones `completions/` holds).

use crate::cli::{Cli, CompletionsArgs};
use crate::exit::Outcome;
use clap::CommandFactory;

pub fn run(args: &CompletionsArgs) -> anyhow::Result<Outcome> {
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "lynx", &mut buf);
    super::print(&String::from_utf8_lossy(&buf))?;
    Ok(Outcome::Success)
}

/// Dynamic completion (`COMPLETE=SHELL lynx`): the tool ids of the project around the working
/// directory that start with what was typed.
pub fn tool_ids(current: &std::ffi::OsStr) -> Vec<clap_complete::CompletionCandidate> {
    let typed = current.to_string_lossy();
    let cwd = std::env::current_dir().unwrap_or_default();
    crate::project::quick_tool_ids(&cwd)
        .into_iter()
        .filter(|id| id.starts_with(typed.as_ref()))
        .map(clap_complete::CompletionCandidate::new)
        .collect()
}

/// Like [`tool_ids`] for a comma-separated list (`--steps a,b,…`): completes the last item and
/// keeps the ones before it.
pub fn tool_id_list(current: &std::ffi::OsStr) -> Vec<clap_complete::CompletionCandidate> {
    let typed = current.to_string_lossy();
    let (done, last) = match typed.rfind(',') {
        Some(i) => (&typed[..=i], &typed[i + 1..]),
        None => ("", typed.as_ref()),
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    crate::project::quick_tool_ids(&cwd)
        .into_iter()
        .filter(|id| id.starts_with(last))
        .map(|id| clap_complete::CompletionCandidate::new(format!("{done}{id}")))
        .collect()
}
