//! The command line, declared with clap derive and nothing else. Values are resolved into
//! settings (flag > `LYNX_*` environment > lynx.toml > default) by each command.

use crate::lint::render::Format;
use crate::project::FileKind;
use crate::scaffold::init::InitTemplate;
use crate::scaffold::tool::{HandlerLang, LayerArg, RiskArg};
use crate::scaffold::workflow::WorkflowTemplate;
use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::ArgValueCompleter;
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
    /// Create a new project: lynx.toml, an example tool with its handler and tests, a workflow
    /// calling it, .gitignore, a README and the JSON Schemas for editors.
    Init(InitArgs),

    /// Scaffold a tool file and its handler (Python, Node, bash, a Python worker, an HTTP
    /// service, or a builtin) that validate, run and pass their own tests as generated.
    #[command(name = "tool:create")]
    ToolCreate(ToolCreateArgs),

    /// Scaffold a workflow from a template, or as a chain of the project's tools (`--steps`).
    #[command(name = "workflow:create")]
    WorkflowCreate(WorkflowCreateArgs),

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

    /// Make warnings fail the run too (exit 1). Overrides `[lint] strict` in lynx.toml;
    /// `--strict=false` turns it off.
    // `require_equals`: a bare `--strict` must not swallow the path after it.
    #[arg(
        long,
        env = "LYNX_STRICT",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_name = "BOOL"
    )]
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
    #[arg(value_name = "ID", add = ArgValueCompleter::new(crate::commands::completions::tool_ids))]
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
    #[arg(value_name = "IDS", add = ArgValueCompleter::new(crate::commands::completions::tool_ids))]
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

/// Flags every scaffolding command takes.
#[derive(Debug, Args)]
pub struct ScaffoldFlags {
    /// Print the plan (each path: create, skip, overwrite or conflict) and write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Overwrite files that exist with other contents (only the files listed in the plan).
    #[arg(long)]
    pub force: bool,

    /// Never prompt: a missing value is an error naming its flag (also without a terminal, or
    /// when `CI` is set).
    #[arg(long)]
    pub no_input: bool,

    /// Output format: the plan as lines (`human`) or as a JSON object (`json`).
    #[arg(long, short = 'f', env = "LYNX_FORMAT", value_enum, default_value_t = DataFormat::Human)]
    pub format: DataFormat,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder for the project (created if missing; default: the working directory). Must be
    /// empty unless `--force`.
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// Project name (default: the folder's name). Its lowercase form is the example tool's
    /// domain.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// What the example tool runs on.
    #[arg(long, value_enum)]
    pub template: Option<InitTemplate>,

    #[command(flatten)]
    pub scaffold: ScaffoldFlags,
}

#[derive(Debug, Args)]
pub struct ToolCreateArgs {
    /// Tool id, `<domain>.<layer>.<name…>` like `finance.domain.health.read` (the MCP tool name).
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,

    /// Layer (default: the id's second segment; a different value is an error).
    #[arg(long, value_enum)]
    pub layer: Option<LayerArg>,

    /// Risk level; `high` adds an `approval:` block.
    #[arg(long, value_enum)]
    pub risk: Option<RiskArg>,

    /// Domain (default: the id's first segment; a different value is an error).
    #[arg(long, value_name = "DOMAIN")]
    pub domain: Option<String>,

    /// Human title (default: from the id, `health.read` → "Health read").
    #[arg(long, value_name = "TITLE")]
    pub title: Option<String>,

    /// What the tool does, for the model that calls it.
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,

    /// How the tool runs.
    #[arg(long, value_enum)]
    pub handler: Option<HandlerLang>,

    /// The tool only reads: sets `annotations.readOnlyHint` (and `idempotentHint`).
    #[arg(long)]
    pub read_only: bool,

    /// The tool destroys or overwrites data: sets `destructiveHint` and adds an `approval:` block.
    #[arg(long, conflicts_with = "read_only")]
    pub destructive: bool,

    /// Folder of the tool file, relative to the working directory; it must be inside the project
    /// (default: the folder `[project] tools` in lynx.toml loads, `tools`).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<String>,

    /// `--handler http` only: the URL lynx POSTs calls to (default: http://127.0.0.1:8080/).
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,

    #[command(flatten)]
    pub scaffold: ScaffoldFlags,
}

#[derive(Debug, Args)]
pub struct WorkflowCreateArgs {
    /// Workflow name, also its MCP tool name: lowercase letters, digits, `_`, `.`, `-`.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Start from a ready-made workflow; the tools it calls are added as builtin stubs unless
    /// the project has them.
    #[arg(long, value_enum, conflicts_with = "steps")]
    pub template: Option<WorkflowTemplate>,

    /// Chain these tools of the project, in order; `with:` is filled from their `input_schema`
    /// (required properties become `{{ inputs.NAME }}`).
    #[arg(long, value_name = "ID,…", value_delimiter = ',', add = ArgValueCompleter::new(crate::commands::completions::tool_id_list))]
    pub steps: Vec<String>,

    /// What the workflow does (default: from the template or the steps).
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,

    #[command(flatten)]
    pub scaffold: ScaffoldFlags,
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

    /// Exit 1 if any level breaks a budget: comma-separated conditions on rps, ok_rps
    /// (successes per second), p50, p90, p99, p99.9, max, min, mean, stddev, error_rate,
    /// errors, aborted — e.g. "p99>20ms,error_rate>0.1%,ok_rps<5000"; a latency budget on a
    /// level without successes is broken; a signed percentage is a change against the
    /// `--compare` baseline, e.g. "p99>+10%,rps<-5%".
    #[arg(long, value_name = "BUDGETS")]
    pub fail_if: Option<String>,
}
