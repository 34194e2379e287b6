//! One file per subcommand: resolve settings, call the library, print. The only code that
//! touches the terminal.

mod bench;
pub mod completions;
mod init;
mod scaffolding;
mod schema;
mod serve;
mod tool_call;
mod tool_create;
mod tool_list;
mod tool_test;
mod tool_validate;
mod workflow_create;

use crate::cli::{Cli, ColorChoice, Command};
use crate::exit::{self, Outcome};
use clap::Parser;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// Parses the command line, runs the command and maps the result to an exit code.
pub fn main() -> ExitCode {
    // `COMPLETE=bash lynx …` answers a shell's completion request (tool ids from the project)
    // and exits; without `COMPLETE` this returns at once.
    clap_complete::CompleteEnv::with_factory(<Cli as clap::CommandFactory>::command).complete();
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
        Command::Init(args) => init::run(&args, prompt_color(cli.color)),
        Command::ToolCreate(args) => tool_create::run(&args, cli.config, prompt_color(cli.color)),
        Command::WorkflowCreate(args) => {
            workflow_create::run(&args, cli.config, prompt_color(cli.color))
        }
        Command::ToolValidate(args) => tool_validate::run(args, cli.config, color),
        Command::Serve(args) => serve::run(&args, cli.config),
        Command::ToolList(args) => tool_list::run(&args, cli.config),
        Command::ToolCall(args) => tool_call::run(&args, cli.config),
        Command::ToolTest(args) => tool_test::run(&args, cli.config),
        Command::Bench(args) => bench::run(&args, cli.config),
        Command::Schema(args) => schema::run(&args),
        Command::Completions(args) => completions::run(&args),
    }
}

/// Whether prompts (on stderr) may use colour.
fn prompt_color(choice: ColorChoice) -> bool {
    color_enabled(choice, std::io::stderr().is_terminal())
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

/// The project around the working directory (or `--config`), loaded and validated. Lint errors
/// are printed and end the command with exit 1: lynx never runs an invalid project.
pub(crate) fn valid_project(
    config: Option<std::path::PathBuf>,
) -> anyhow::Result<Result<crate::project::Project, Outcome>> {
    use crate::exit::UsageError;
    use crate::lint::diagnostic::{Severity, Summary};
    use crate::lint::render::{self, Format, RenderOptions};
    use crate::project::{LoadOptions, Project, Scope, find_config};
    let cwd = std::env::current_dir()?;
    let config = match config {
        Some(p) => Some(cwd.join(p)).filter(|p| p.is_file()).ok_or_else(|| UsageError::new("`--config`: no such file"))?,
        None => find_config(&cwd).ok_or_else(|| {
            UsageError::new(format!(
                "no `lynx.toml` in `{}` or any parent folder\nhelp: run inside a lynx project, or pass `--config PATH`",
                cwd.display()
            ))
        })?,
    };
    let project = Project::load(&LoadOptions {
        cwd,
        config: Some(config),
        extra: Vec::new(),
        context: Scope::All,
    });
    let diagnostics = crate::lint::check(&project, None);
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        let errors: Vec<_> = diagnostics
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        let rules = crate::lint::rules::metas();
        let opts = RenderOptions {
            color: color_enabled(
                crate::cli::ColorChoice::Auto,
                std::io::stderr().is_terminal(),
            ),
            version: env!("CARGO_PKG_VERSION"),
            rules: &rules,
        };
        let text = render::render(
            Format::Human,
            &project.files,
            &errors,
            &Summary::of(project.docs.len(), &errors),
            &opts,
        );
        let _ = writeln!(
            std::io::stderr(),
            "{text}error: the project has errors; fix them first (`lynx tool:validate`)"
        );
        return Ok(Err(Outcome::Findings));
    }
    Ok(Ok(project))
}

/// A tokio runtime for the commands that need one (validation never starts one).
pub(crate) fn tokio() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}
