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
