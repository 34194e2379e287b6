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

    /// Load-test an MCP server (Streamable HTTP, stdio, or an in-process `lynx serve`) and
    /// report throughput, latency percentiles and errors by kind. Exit 1 when the validation
    /// call fails or a `--fail-if` budget is broken.
    Bench(Box<BenchArgs>),

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

/// The protocol era `lynx bench` speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BenchProtocol {
    /// Probe with `server/discover`, fall back to the `initialize` handshake (like a real
    /// client).
    Auto,
    /// The stateless era: no session, the `_meta` envelope and `Mcp-*` headers on every request.
    #[value(name = "2026-07-28")]
    V2026_07_28,
    /// The handshake era: one session per connection, set up before the measured window.
    #[value(name = "2025-11-25")]
    V2025_11_25,
    /// The handshake era, asking for 2025-06-18.
    #[value(name = "2025-06-18")]
    V2025_06_18,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["url", "stdio", "embedded"])))]
#[command(group(clap::ArgGroup::new("work").required(true).args(["tool", "mix", "method"])))]
pub struct BenchArgs {
    /// The server's Streamable HTTP endpoint, e.g. http://127.0.0.1:7878/mcp (a URL without a
    /// path means `/mcp`).
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,

    /// Spawn the server and speak MCP on its stdin/stdout: the command and its arguments as one
    /// string (quotes group words; no shell). One process per concurrent worker.
    #[arg(long, value_name = "CMD ARGS", allow_hyphen_values = true)]
    pub stdio: Option<String>,

    /// Bench an in-process `lynx serve` of the current project on a free loopback port (the
    /// server shares the machine's cores with the generator).
    #[arg(long)]
    pub embedded: bool,

    /// Protocol era: probe like a real client (`auto`), or force one.
    #[arg(long, value_enum, default_value_t = BenchProtocol::Auto)]
    pub protocol: BenchProtocol,

    /// Call this tool on every request.
    #[arg(long, value_name = "NAME")]
    pub tool: Option<String>,

    /// The tool's arguments: a JSON object, or `@FILE` to read it from a file.
    #[arg(
        long,
        value_name = "JSON|@FILE",
        default_value = "{}",
        requires = "tool"
    )]
    pub args: String,

    /// A weighted list of calls (YAML or JSON), e.g.
    /// `[{tool: demo.echo, args: {message: hi}, weight: 3}, {method: tools/list}]`.
    #[arg(long, value_name = "FILE")]
    pub mix: Option<PathBuf>,

    /// Send this method with empty params instead of a tool call, e.g. `tools/list`.
    #[arg(long, value_name = "METHOD")]
    pub method: Option<String>,

    /// Concurrent workers (connections, or server processes with `--stdio`); a comma-separated
    /// list runs one level per value, e.g. `-c 1,16,64`.
    #[arg(
        short = 'c',
        long = "concurrency",
        visible_alias = "connections",
        value_name = "N[,N…]",
        value_delimiter = ',',
        default_value = "16"
    )]
    pub concurrency: Vec<usize>,

    /// Requests per level (after the warm-up). With `--duration` too, whichever ends first.
    #[arg(short = 'n', long, value_name = "COUNT")]
    pub requests: Option<u64>,

    /// Length of each level's measured window, e.g. `30s` (default 10s unless `-n` is given).
    #[arg(short = 'd', long, value_name = "DURATION")]
    pub duration: Option<String>,

    /// Load before each level's measured window, not counted, e.g. `2s`.
    #[arg(long, value_name = "DURATION", default_value = "0s")]
    pub warmup: String,

    /// Open loop: send this many requests per second in all (spread over the workers) on a
    /// fixed schedule; latency counts from each request's scheduled time.
    #[arg(long, value_name = "R/s")]
    pub rate: Option<String>,

    /// Per-request time limit; slower answers count as `timeout` errors.
    #[arg(long, value_name = "DURATION", default_value = "30s")]
    pub timeout: String,

    /// Output format.
    #[arg(long, short = 'f', env = "LYNX_FORMAT", value_enum, default_value_t = DataFormat::Human)]
    pub format: DataFormat,

    /// Also print the latency distribution of each level.
    #[arg(long)]
    pub histogram: bool,

    /// Write the results as JSON to FILE, as a baseline for `--compare`.
    #[arg(long, value_name = "FILE")]
    pub save_baseline: Option<PathBuf>,

    /// Compare the results with a baseline written by `--save-baseline` (change per metric).
    #[arg(long, value_name = "FILE")]
    pub compare: Option<PathBuf>,

    /// Exit 1 if any level breaks a budget: comma-separated conditions on rps, p50, p90, p99,
    /// p99.9, max, min, mean, stddev, error_rate, errors, aborted — e.g.
    /// "p99>20ms,error_rate>0.1%,rps<5000"; a signed percentage is a change against the
    /// `--compare` baseline, e.g. "p99>+10%,rps<-5%".
    #[arg(long, value_name = "BUDGETS")]
    pub fail_if: Option<String>,
}
