//! One file per subcommand: resolve settings, call the library, print. The only code that
//! touches the terminal.

mod completions;
mod schema;
mod tool_validate;

use crate::cli::{Cli, ColorChoice, Command};
use crate::exit::{self, Outcome};
use clap::Parser;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// Parses the command line, runs the command and maps the result to an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = run(cli);
    if let Err(e) = &result
        && !exit::is_broken_pipe(e)
    {
        let _ = writeln!(std::io::stderr(), "error: {e:#}");
    }
    exit::code(&result)
}

pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    let color = color_enabled(cli.color, std::io::stdout().is_terminal());
    match cli.command {
        Command::ToolValidate(args) => tool_validate::run(args, cli.config, color),
        Command::Schema(args) => schema::run(&args),
        Command::Completions(args) => completions::run(&args),
    }
}

/// `auto` colours a terminal unless `NO_COLOR` is set (https://no-color.org).
pub fn color_enabled(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Writes all of `text` to stdout; a closed pipe surfaces as an error that exits 0.
pub(crate) fn print(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}
