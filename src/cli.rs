//! The command line, declared with clap derive and nothing else. Values are resolved into
//! settings (flag > `LYNX_*` environment > lynx.toml > default) by each command.

use crate::lint::render::Format;
use crate::project::FileKind;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "lynx",
    version,
    about = "Scaffold, lint, serve, observe and load-test MCP tools.",
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Use this lynx.toml instead of searching upward from the files or the working directory.
    #[arg(long, global = true, env = "LYNX_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// When to colour output (`auto` honours NO_COLOR and whether output is a terminal).
    #[arg(long, global = true, env = "LYNX_COLOR", value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint tool, workflow and lynx.toml files: JSON Schemas plus semantic rules, with exact
    /// line:col diagnostics. Exit 0 when clean, 1 on findings, 2 on a bad command line.
    #[command(name = "tool:validate", visible_alias = "validate")]
    ToolValidate(ValidateArgs),

    /// Serve the project's tools over MCP: Streamable HTTP (default) or stdio.
    Serve(ServeArgs),

    /// List the project's tools as MCP clients see them.
    #[command(name = "tool:list")]
    ToolList(ToolListArgs),

    /// Call one tool through the same pipeline `lynx serve` uses, and print its result.
    #[command(name = "tool:call")]
    ToolCall(ToolCallArgs),

    /// Run the `tests:` cases of tool files; exit 1 if any fails, with a diff.
    #[command(name = "tool:test")]
    ToolTest(ToolTestArgs),

    /// Print the JSON Schema of a file kind (what editors use for completion and hover).
    Schema(SchemaArgs),

    /// Print a shell completion script.
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Files, folders or globs to check (default: the whole project around the working
    /// directory).
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,

    /// Another way to name a path to check (repeatable).
    #[arg(long = "path", value_name = "PATH")]
    pub path: Vec<PathBuf>,

    /// Treat every given file as this kind instead of guessing from its name and place.
    #[arg(long, value_enum)]
    pub kind: Option<FileKind>,

    /// Output format.
    #[arg(long, short = 'f', env = "LYNX_FORMAT", value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Make warnings fail the run too (exit 1). Overrides `[lint] strict` in lynx.toml.
    #[arg(long, env = "LYNX_STRICT", num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub strict: Option<bool>,

    /// List the rules with their default severity and exit.
    #[arg(long)]
    pub list_rules: bool,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which schema to print.
    #[arg(value_enum)]
    pub kind: FileKind,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Output of commands whose output is data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DataFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct ToolListArgs {
    /// Output format.
    #[arg(long, short = 'f', env = "LYNX_FORMAT", value_enum, default_value_t = DataFormat::Human)]
    pub format: DataFormat,

    /// List the tools of a running MCP server (any server, either protocol era) instead of the
    /// local project: its endpoint URL, e.g. http://127.0.0.1:7878/mcp (a URL without a path
    /// means `/mcp`).
    #[arg(long, env = "LYNX_SERVER", value_name = "URL")]
    pub server: Option<String>,
}

#[derive(Debug, Args)]
pub struct ToolCallArgs {
    /// The tool's id (its MCP name).
    #[arg(value_name = "ID")]
    pub id: String,

    /// Arguments as a JSON object, or `@FILE` to read them from a file (`@-` for stdin).
    #[arg(long, value_name = "JSON|@FILE", default_value = "{}")]
    pub args: String,

    /// Tenant to call as (passed to the handler in `context.tenant_id`).
    #[arg(long, value_name = "ID")]
    pub tenant: Option<String>,

    /// User to call as (passed to the handler in `context.user_id`).
    #[arg(long, value_name = "ID")]
    pub user: Option<String>,

    /// Call the tool on a running MCP server (any server, either protocol era) instead of in
    /// process: its endpoint URL, e.g. http://127.0.0.1:7878/mcp (a URL without a path means
    /// `/mcp`). The server decides who the caller is, so `--tenant`/`--user` do not apply.
    #[arg(long, env = "LYNX_SERVER", value_name = "URL", conflicts_with_all = ["tenant", "user"])]
    pub server: Option<String>,

    /// Output format: the result's output (`human`) or the MCP `tools/call` result (`json`).
    #[arg(long, short = 'f', env = "LYNX_FORMAT", value_enum, default_value_t = DataFormat::Human)]
    pub format: DataFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    Human,
    Json,
    Junit,
}

#[derive(Debug, Args)]
pub struct ToolTestArgs {
    /// Only these tools (default: every tool with `tests:`).
    #[arg(value_name = "IDS")]
    pub ids: Vec<String>,

    /// Output format.
    #[arg(long, short = 'f', env = "LYNX_FORMAT", value_enum, default_value_t = TestFormat::Human)]
    pub format: TestFormat,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Speak MCP on stdin/stdout instead of HTTP (for clients that spawn the server).
    #[arg(long)]
    pub stdio: bool,

    /// Address to listen on (default: `[server] listen` in lynx.toml, else 127.0.0.1:7878).
    #[arg(long, env = "LYNX_LISTEN", value_name = "HOST:PORT")]
    pub listen: Option<String>,

    /// Allow listening on a non-loopback address. There is no authentication yet: anyone who
    /// can reach the port can call every tool.
    #[arg(long, env = "LYNX_ALLOW_REMOTE")]
    pub allow_remote: bool,

    /// How long to let calls in flight finish after SIGTERM/SIGINT before cancelling them.
    #[arg(long, env = "LYNX_SHUTDOWN_TIMEOUT", value_name = "DURATION")]
    pub shutdown_timeout: Option<String>,

    /// Do not watch the project for changes (reload still happens on SIGHUP).
    #[arg(long)]
    pub no_watch: bool,

    /// Also serve the fixture tools, resources and prompts that the official MCP conformance
    /// suite calls.
    #[arg(long)]
    pub conformance_fixtures: bool,
}
