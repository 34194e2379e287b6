//! Project automation, run as `cargo xtask <task>` (alias in `.cargo/config.toml`).
//!
//! - `codegen [--check]`: shell completions in `completions/`, the rule reference
//!   `docs/rules.md` and the file-format references (`docs/config.md`, `docs/tool-format.md`,
//!   `docs/workflow-format.md`), generated from the lynx library and its schemas.
//! - `bench-validate`: times `lynx tool:validate` against ajv-cli and check-jsonschema on a
//!   generated corpus.
//! - `bench-serve`: throughput and latency of `lynx serve` over HTTP, side by side with axum,
//!   rmcp and Python SDK echo servers (`benches/serve/`), plus lynx's stdio transport and its
//!   `exec` and `worker` handlers.
//! - `bench-generator`: `lynx bench` against oha and wrk on the same servers (is the load
//!   generator honest?), plus its accuracy against a builtin 10 ms sleep.

mod bench;
mod bench_generator;
mod bench_handlers;
mod bench_serve;
mod codegen;
mod corpus;
mod host;
mod schema_docs;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(name = "cargo xtask", about = "lynx project automation")]
struct Xtask {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Generate shell completions (`completions/`), `docs/rules.md` and the format references.
    Codegen {
        /// Do not write: fail if any generated file is missing or out of date.
        #[arg(long)]
        check: bool,
    },
    /// Benchmark `lynx tool:validate` against ajv-cli and check-jsonschema.
    BenchValidate(bench::Options),
    /// Benchmark `lynx serve` over HTTP against axum, rmcp and Python SDK echo servers.
    BenchServe(bench_serve::Options),
    /// Check `lynx bench` against oha and wrk side by side (generator- and server-bound
    /// targets, and a 10 ms sleep for accuracy).
    BenchGenerator(bench_generator::Options),
}

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

fn main() -> ExitCode {
    let xtask = Xtask::parse();
    let result = match xtask.task {
        Task::Codegen { check } => codegen::run(check),
        Task::BenchValidate(opts) => bench::run(&opts),
        Task::BenchServe(opts) => bench_serve::run(&opts),
        Task::BenchGenerator(opts) => bench_generator::run(&opts),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
