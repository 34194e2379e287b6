//! `cargo xtask bench-serve`: throughput and latency of MCP servers over Streamable HTTP,
//! side by side in one run, each serving an `echo` tool:
//!
//! - `axum-echo` (`benches/serve/axum-echo/`): a minimal axum JSON-RPC echo, the ceiling;
//! - `rmcp` (`benches/serve/rmcp-echo/`): the Rust MCP SDK's stateless JSON server;
//! - `lynx serve` (release build of this workspace) on a temp project with one builtin echo;
//! - `python` (`benches/serve/python_echo.py`): the official Python SDK (`mcp==2.3.0`),
//!   stateless JSON-response mode.
//!
//! With `--generator lynx-bench` the load comes from `lynx bench` instead (same request, same
//! pinning), and `--write-docs` puts the report into docs/benchmarks.md.
//!
//! The default load generator is `wrk` with `benches/serve/mcp_call.lua` (a modern 2026-07-28
//! `tools/call`; it counts every answer that is not a 200 with `structuredContent`). The server
//! is pinned to one core (`taskset -c 0`) and wrk to the other (`taskset -c 1`); each
//! measurement (`wrk -t1 -cC -dDs`) follows a short warm-up at the same concurrency. Every
//! process runs under `timeout`, so nothing outlives its bound even if this task is killed.
//! lynx is also measured with a legacy (2025-11-25) session, and its RSS is read from
//! `/proc/PID/status` after its stateless runs.
//!
//! The peers are built (and the Python SDK installed) on first use outside the repository, in
//! `$XDG_CACHE_HOME/lynx-bench` or `~/.cache/lynx-bench`.

use crate::host::{cache_dir, cargo, machine, release_lynx, setup_step, which};
use anyhow::{Context as _, Result, bail};
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// The pinned Python SDK.
const PY_MCP: &str = "mcp==2.3.0";
/// The tool id of the builtin echo in the generated lynx project.
pub(crate) const LYNX_TOOL: &str = "demo.domain.echo.run";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Server {
    /// The minimal axum JSON-RPC echo (the ceiling).
    AxumEcho,
    /// The rmcp stateless JSON server.
    Rmcp,
    /// `lynx serve`.
    Lynx,
    /// The Python SDK server.
    Python,
}

impl Server {
    fn name(self) -> &'static str {
        match self {
            Server::AxumEcho => "axum-echo",
            Server::Rmcp => "rmcp",
            Server::Lynx => "lynx",
            Server::Python => "python",
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct Options {
    /// Seconds of each measured wrk run.
    #[arg(long, default_value_t = 10)]
    pub(crate) duration: u64,
    /// Seconds of the warm-up wrk run before each measurement (0: none).
    #[arg(long, default_value_t = 2)]
    pub(crate) warmup: u64,
    /// Concurrent connections, one measurement each (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "16,64")]
    connections: Vec<u32>,
    /// Servers to measure, in this order (comma-separated).
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "axum-echo,rmcp,lynx,python"
    )]
    servers: Vec<Server>,
    /// Skip lynx's legacy-session (2025-11-25) measurement.
    #[arg(long)]
    no_legacy: bool,
    /// Skip the lynx-only measurements (stdio, exec and worker handlers).
    #[arg(long)]
    no_handlers: bool,
    /// Use this lynx binary instead of building `target/release/lynx`.
    #[arg(long, value_name = "PATH")]
    lynx: Option<PathBuf>,
    /// Build nothing (lynx and the peers must already be built).
    #[arg(long)]
    no_build: bool,
    /// Install nothing (wrk, the Python SDK); a missing peer is skipped.
    #[arg(long)]
    no_install: bool,
    /// CPU the servers are pinned to.
    #[arg(long, default_value_t = 0)]
    pub(crate) server_cpu: u32,
    /// CPU wrk is pinned to.
    #[arg(long, default_value_t = 1)]
    pub(crate) client_cpu: u32,
    /// Time limit for a build or install step, in seconds.
    #[arg(long, default_value_t = 1800)]
    timeout: u64,
    /// Also print the figures as JSON (after the tables).
    #[arg(long)]
    json: bool,
    /// The load generator: `wrk` with `benches/serve/mcp_call.lua`, or `lynx bench` (the lynx
    /// binary being measured, pinned like wrk).
    #[arg(long, value_enum, default_value_t = Generator::Wrk)]
    generator: Generator,
    /// Also write the report into docs/benchmarks.md (the block between
    /// `<!-- bench-serve:GENERATOR -->` and `<!-- /bench-serve:GENERATOR -->`, appended if
    /// missing).
    #[arg(long)]
    write_docs: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Generator {
    Wrk,
    LynxBench,
}

impl Generator {
    fn name(self) -> &'static str {
        match self {
            Generator::Wrk => "wrk",
            Generator::LynxBench => "lynx-bench",
        }
    }
}

// ---------------------------------------------------------------------------------------
// Small process helpers

/// Stdout of a short command (bounded to 60 s), trimmed; `None` on failure.
pub(crate) fn capture(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new("timeout")
        .args(["-s", "KILL", "60", program])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let text = if text.is_empty() {
        String::from_utf8_lossy(&out.stderr).trim().to_string()
    } else {
        text
    };
    (!text.is_empty()).then_some(text)
}

pub(crate) fn free_port() -> Result<u16> {
    let l = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(l.local_addr()?.port())
}

pub(crate) fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "?".into())
}

/// Memory of a process from `/proc/PID/status`, in KiB.
#[derive(Clone, Copy, Debug)]
struct Mem {
    rss: u64,
    hwm: u64,
    anon: u64,
}

fn mem_kib(pid: u32) -> Option<Mem> {
    if pid == 0 {
        return None;
    }
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status.lines().find_map(|l| {
            l.strip_prefix(name)
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
    };
    Some(Mem {
        rss: field("VmRSS:")?,
        hwm: field("VmHWM:")?,
        anon: field("RssAnon:").unwrap_or(0),
    })
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// The direct children of `pid` (`/proc/PID/task/PID/children`, else a scan of `/proc`).
fn children(pid: u32) -> Vec<u32> {
    if let Ok(s) = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")) {
        let kids: Vec<u32> = s
            .split_whitespace()
            .filter_map(|p| p.parse().ok())
            .collect();
        if !kids.is_empty() {
            return kids;
        }
    }
    let mut kids = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(child) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{child}/stat")) else {
            continue;
        };
        // pid (comm) state ppid …; comm may hold spaces, so split after the last ')'.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        if ppid == Some(pid) {
            kids.push(child);
        }
    }
    kids
}

// ---------------------------------------------------------------------------------------
// Servers

/// How to start one server.
pub(crate) struct Spec {
    pub(crate) server: Server,
    /// Name and version, for the report.
    pub(crate) label: String,
    pub(crate) program: PathBuf,
    pub(crate) args: Vec<String>,
    pub(crate) dir: PathBuf,
    /// The tool name to call.
    pub(crate) tool: String,
    /// How it was started, for the report (`{port}` stands for the port).
    pub(crate) invocation: String,
}

/// A server under `timeout -s KILL N taskset -c CPU …`.
pub(crate) struct Running {
    /// The `timeout` process.
    pub(crate) guard: Child,
    /// The server process itself (taskset execs it).
    pub(crate) pid: u32,
    pub(crate) url: String,
}

pub(crate) fn start(
    spec: &Spec,
    port: u16,
    opts: &Options,
    limit: u64,
    log: &Path,
) -> Result<Running> {
    let out = std::fs::File::create(log)?;
    let err = out.try_clone()?;
    let args: Vec<String> = spec
        .args
        .iter()
        .map(|a| a.replace("{port}", &port.to_string()))
        .collect();
    let guard = Command::new("timeout")
        .args(["-s", "KILL", &limit.to_string()])
        .arg("taskset")
        .arg("-c")
        .arg(opts.server_cpu.to_string())
        .arg(&spec.program)
        .args(&args)
        .current_dir(&spec.dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .with_context(|| format!("starting {}", spec.program.display()))?;
    let mut running = Running {
        pid: 0,
        url: format!("http://127.0.0.1:{port}/mcp"),
        guard,
    };
    // Wait for the server to answer a real tools/call (up to 60 s: Python starts slowly).
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = running.guard.try_wait()? {
            let log_text = std::fs::read_to_string(log).unwrap_or_default();
            bail!(
                "{} exited early ({status}):\n{}",
                spec.server.name(),
                tail(&log_text, 2000)
            );
        }
        let Err(e) = probe(port, &spec.tool) else {
            break;
        };
        if Instant::now() > deadline {
            stop(&mut running);
            bail!(
                "{} did not answer a tools/call in 60 s: {e:#}",
                spec.server.name()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let kids = children(running.guard.id());
    running.pid = kids.first().copied().unwrap_or(0);
    Ok(running)
}

/// Ask the server politely (SIGTERM, forwarded by `timeout`), then kill it after 10 s.
pub(crate) fn stop(r: &mut Running) {
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(r.guard.id().to_string())
        .status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = r.guard.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    if r.pid != 0 {
        let _ = Command::new("kill")
            .arg("-KILL")
            .arg(r.pid.to_string())
            .status();
    }
    let _ = r.guard.kill();
    let _ = r.guard.wait();
}

pub(crate) fn tail(s: &str, n: usize) -> &str {
    let mut start = s.len().saturating_sub(n);
    while !s.is_char_boundary(start) {
        start += 1;
    }
    &s[start..]
}

/// The request `mcp_call.lua` sends (modern era), as a JSON body.
fn call_body(tool: &str) -> String {
    json!({
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {
            "name": tool,
            "arguments": { "message": "hello from wrk" },
            "_meta": {
                "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                "io.modelcontextprotocol/clientCapabilities": {},
            },
        },
    })
    .to_string()
}

/// One `tools/call` over a fresh connection: Ok when the answer is a 200 carrying
/// `structuredContent` (so a server that answers errors is never timed).
pub(crate) fn probe(port: u16, tool: &str) -> Result<()> {
    let body = call_body(tool);
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    let req = format!(
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2026-07-28\r\n\
         Mcp-Method: tools/call\r\nMcp-Name: {tool}\r\nConnection: close\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes())?;
    let mut resp = Vec::new();
    let _ = s.read_to_end(&mut resp);
    let text = String::from_utf8_lossy(&resp);
    let status_ok = text
        .lines()
        .next()
        .is_some_and(|l| l.split_whitespace().nth(1) == Some("200"));
    if !status_ok || !text.contains("structuredContent") {
        bail!("unexpected answer: {}", tail(&text, 600));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Load generation

#[derive(Clone, Debug)]
pub(crate) struct Measure {
    pub(crate) server: String,
    pub(crate) era: &'static str,
    pub(crate) connections: u32,
    pub(crate) requests: u64,
    /// Requests served during the warm-up before this measurement.
    pub(crate) warmup_requests: u64,
    pub(crate) rps: f64,
    pub(crate) p50_us: u64,
    pub(crate) p99_us: u64,
    pub(crate) max_us: u64,
    pub(crate) errors: u64,
    pub(crate) error_detail: String,
}

/// One wrk run pinned to the client CPU, bounded by `timeout`.
pub(crate) fn wrk(
    opts: &Options,
    lua: &Path,
    url: &str,
    tool: &str,
    era: &'static str,
    c: u32,
    secs: u64,
) -> Result<Value> {
    let limit = (secs + 30).to_string();
    let out = Command::new("timeout")
        .args(["-s", "KILL", &limit, "taskset", "-c"])
        .arg(opts.client_cpu.to_string())
        .args(["wrk", "-t1"])
        .arg(format!("-c{c}"))
        .arg(format!("-d{secs}s"))
        .arg("-s")
        .arg(lua)
        .arg(url)
        .args(["--", tool])
        .env("MCP_ERA", era)
        .stdin(Stdio::null())
        .output()
        .context("starting wrk")?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("BENCH-JSON "))
        .with_context(|| {
            format!(
                "wrk printed no BENCH-JSON line ({}):\n{stdout}\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            )
        })?;
    serde_json::from_str(line).context("parsing wrk's BENCH-JSON line")
}

/// `lynx bench` in place of wrk: the same request, answered in the same `BENCH-JSON` shape.
#[allow(clippy::too_many_arguments)]
fn lynx_bench(
    opts: &Options,
    lynx: &Path,
    url: &str,
    tool: &str,
    era: &'static str,
    c: u32,
    secs: u64,
) -> Result<Value> {
    let limit = (secs + 30).to_string();
    let protocol = if era == "legacy" {
        "2025-11-25"
    } else {
        "2026-07-28"
    };
    let args = json!({ "message": "hello from wrk" }).to_string();
    let out = Command::new("timeout")
        .args(["-s", "KILL", &limit, "taskset", "-c"])
        .arg(opts.client_cpu.to_string())
        .arg(lynx)
        .args([
            "bench",
            "--url",
            url,
            "--protocol",
            protocol,
            "--tool",
            tool,
            "--args",
            &args,
        ])
        .args([
            "-c",
            &c.to_string(),
            "-d",
            &format!("{secs}s"),
            "--format",
            "json",
        ])
        .stdin(Stdio::null())
        .output()
        .context("starting lynx bench")?;
    let v: Value = serde_json::from_slice(&out.stdout).with_context(|| {
        format!(
            "lynx bench printed no JSON ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
    })?;
    let l = &v["levels"][0];
    let kind = |k: &str| -> u64 {
        l["errors_by_kind"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|e| e["kind"] == k)
                    .filter_map(|e| e["count"].as_u64())
                    .sum()
            })
            .unwrap_or(0)
    };
    let us = |k: &str| (l["latency"][k].as_f64().unwrap_or(0.0) * 1000.0).round() as u64;
    Ok(json!({
        "requests": l["requests"], "rps": l["rps"], "ok": l["successes"],
        "p50_us": us("p50_ms"), "p99_us": us("p99_ms"), "max_us": us("max_ms"),
        "bad_status": kind("http_status"),
        "bad_body": kind("jsonrpc_error") + kind("tool_error") + kind("protocol"),
        "connect_errors": kind("connect"), "read_errors": kind("transport"),
        "write_errors": 0, "timeouts": kind("timeout"),
    }))
}

/// One run of the chosen generator.
#[allow(clippy::too_many_arguments)]
fn generate(
    opts: &Options,
    lua: &Path,
    url: &str,
    tool: &str,
    era: &'static str,
    c: u32,
    secs: u64,
) -> Result<Value> {
    match (opts.generator, GENERATOR_BIN.get()) {
        (Generator::LynxBench, Some(lynx)) => lynx_bench(opts, lynx, url, tool, era, c, secs),
        (Generator::LynxBench, None) => bail!("no lynx binary for --generator lynx-bench"),
        (Generator::Wrk, _) => wrk(opts, lua, url, tool, era, c, secs),
    }
}

/// The lynx binary that generates load with `--generator lynx-bench`.
static GENERATOR_BIN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

pub(crate) fn measure(
    opts: &Options,
    lua: &Path,
    label: &str,
    r: &Running,
    tool: &str,
    era: &'static str,
    c: u32,
) -> Result<Measure> {
    let mut warmup_requests = 0;
    if opts.warmup > 0 {
        eprintln!("bench-serve: {label} c={c}: warm-up {} s", opts.warmup);
        let w = generate(opts, lua, &r.url, tool, era, c, opts.warmup)?;
        warmup_requests = w["requests"].as_u64().unwrap_or(0);
    }
    eprintln!("bench-serve: {label} c={c}: {} s", opts.duration);
    let v = generate(opts, lua, &r.url, tool, era, c, opts.duration)?;
    let n = |k: &str| v[k].as_u64().unwrap_or(0);
    if n("ok") == 0 {
        bail!("{label} c={c}: no tools/call succeeded: {v}");
    }
    let parts = [
        ("non-200", n("bad_status")),
        ("200 without result", n("bad_body")),
        ("connect", n("connect_errors")),
        ("read", n("read_errors")),
        ("write", n("write_errors")),
        ("timeout", n("timeouts")),
    ];
    let errors = parts.iter().map(|(_, k)| k).sum();
    let error_detail = parts
        .iter()
        .filter(|(_, k)| *k > 0)
        .map(|(w, k)| format!("{k} {w}"))
        .collect::<Vec<_>>()
        .join(", ");
    let m = Measure {
        server: label.to_string(),
        era,
        connections: c,
        requests: n("requests"),
        warmup_requests,
        rps: v["rps"].as_f64().unwrap_or(0.0),
        p50_us: n("p50_us"),
        p99_us: n("p99_us"),
        max_us: n("max_us"),
        errors,
        error_detail,
    };
    eprintln!(
        "bench-serve: {label} c={c}: {:.0} req/s, p50 {}, p99 {}, {} errors",
        m.rps,
        lat(m.p50_us),
        lat(m.p99_us),
        m.errors
    );
    Ok(m)
}

pub(crate) fn lat(us: u64) -> String {
    if us >= 10_000 {
        format!("{:.0} ms", us as f64 / 1000.0)
    } else {
        format!("{:.2} ms", us as f64 / 1000.0)
    }
}

// ---------------------------------------------------------------------------------------
// Preparing the contenders

/// Build a peer package under `benches/serve/NAME` into the cache's target dir.
fn peer_binary(opts: &Options, root: &Path, cache: &Path, name: &str) -> Result<PathBuf> {
    let target = cache.join("target");
    let bin = target.join("release").join(name);
    if !opts.no_build {
        let manifest = root.join(format!("benches/serve/{name}/Cargo.toml"));
        let (m, t) = (
            manifest.to_string_lossy().into_owned(),
            target.to_string_lossy().into_owned(),
        );
        setup_step(
            &format!("building {name}"),
            &cargo(),
            &[
                "build",
                "--release",
                "--quiet",
                "--manifest-path",
                &m,
                "--target-dir",
                &t,
            ],
            root,
            opts.timeout,
        )?;
    }
    if !bin.is_file() {
        bail!("{} is missing", bin.display());
    }
    Ok(bin)
}

/// The version of `krate` recorded in a peer's Cargo.lock.
fn locked_version(root: &Path, peer: &str, krate: &str) -> String {
    let lock = std::fs::read_to_string(root.join(format!("benches/serve/{peer}/Cargo.lock")))
        .unwrap_or_default();
    let needle = format!("name = \"{krate}\"");
    lock.split("[[package]]")
        .find(|p| p.lines().any(|l| l.trim() == needle))
        .and_then(|p| {
            p.lines()
                .find_map(|l| l.trim().strip_prefix("version = \""))
                .map(|v| v.trim_end_matches('"').to_string())
        })
        .unwrap_or_else(|| "?".into())
}

/// The virtualenv's python with `mcp==2.3.0`, installing it when missing.
fn python_sdk(opts: &Options, cache: &Path) -> Result<(PathBuf, String)> {
    let venv = cache.join("venv-mcp");
    let python = venv.join("bin/python");
    let pinned = PY_MCP.trim_start_matches("mcp==");
    let installed = |python: &Path| {
        capture(
            &python.to_string_lossy(),
            &[
                "-c",
                "import importlib.metadata as m; print(m.version('mcp'))",
            ],
        )
    };
    if installed(&python).as_deref() != Some(pinned) {
        if opts.no_install {
            bail!("{PY_MCP} is not installed in {}", venv.display());
        }
        std::fs::create_dir_all(cache)?;
        if !python.is_file() {
            let v = venv.to_string_lossy().into_owned();
            setup_step(
                "creating a virtualenv",
                "python3",
                &["-m", "venv", &v],
                cache,
                opts.timeout,
            )?;
        }
        let pip = venv.join("bin/pip").to_string_lossy().into_owned();
        setup_step(
            "installing the Python SDK",
            &pip,
            &["install", "--quiet", PY_MCP],
            cache,
            opts.timeout,
        )?;
    }
    let py = capture(&python.to_string_lossy(), &["--version"]).unwrap_or_else(|| "?".into());
    let uv = capture(
        &python.to_string_lossy(),
        &[
            "-c",
            "import importlib.metadata as m; print(m.version('uvicorn'))",
        ],
    )
    .unwrap_or_else(|| "?".into());
    Ok((python, format!("mcp {pinned} on {py}, uvicorn {uv}")))
}

/// `wrk` on PATH, installing Debian's package when missing.
fn ensure_wrk(opts: &Options) -> Result<String> {
    if which("wrk").is_none() {
        if opts.no_install {
            bail!("wrk is not on PATH (and --no-install)");
        }
        let t = opts.timeout;
        let root = PathBuf::from("/");
        if setup_step(
            "installing wrk",
            "apt-get",
            &["install", "-y", "-q", "wrk"],
            &root,
            t,
        )
        .is_err()
        {
            setup_step("updating apt", "apt-get", &["update", "-q"], &root, t)?;
            setup_step(
                "installing wrk",
                "apt-get",
                &["install", "-y", "-q", "wrk"],
                &root,
                t,
            )?;
        }
    }
    for tool in ["taskset", "timeout"] {
        if which(tool).is_none() {
            bail!("{tool} is not on PATH");
        }
    }
    // `wrk -v` prints its version (and exits non-zero).
    Ok(capture("wrk", &["-v"])
        .and_then(|v| v.lines().next().map(str::to_owned))
        .map(|v| {
            v.split(" Copyright")
                .next()
                .unwrap_or(&v)
                .trim()
                .to_string()
        })
        .unwrap_or_else(|| "wrk".into()))
}

/// The commit lynx was built from, and whether the sources differed from it.
pub(crate) fn git_rev(root: &Path) -> String {
    let r = root.to_string_lossy();
    let rev = capture("git", &["-C", &r, "rev-parse", "--short", "HEAD"])
        .unwrap_or_else(|| "unknown commit".into());
    let changed = capture(
        "git",
        &[
            "-C",
            &r,
            "status",
            "--porcelain",
            "--",
            "src",
            "Cargo.toml",
            "Cargo.lock",
        ],
    );
    match changed {
        Some(_) => format!("built from {rev} with uncommitted changes in src/"),
        None => format!("built from {rev}"),
    }
}

/// A project with one builtin echo tool, for `lynx serve`.
pub(crate) fn lynx_project(dir: &Path) -> Result<()> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("tools"))?;
    std::fs::write(
        dir.join("lynx.toml"),
        "# Generated by `cargo xtask bench-serve`.\n[project]\nname = \"bench-serve\"\n",
    )?;
    std::fs::write(
        dir.join("tools/echo.yaml"),
        format!(
            "# Generated by `cargo xtask bench-serve`: the builtin echo.\n\
             id: {LYNX_TOOL}\n\
             title: Echo\n\
             description: Returns its arguments unchanged.\n\
             layer: domain\n\
             risk: low\n\
             domain: demo\n\
             handler: {{ kind: builtin, name: echo }}\n\
             input_schema:\n  \
               type: object\n  \
               properties:\n    \
                 message: {{ type: string, description: Text to echo back. }}\n  \
               required: [message]\n\
             annotations: {{ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false }}\n"
        ),
    )?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The run

/// A server's memory idle (after its first answer) and after its stateless runs.
struct MemRecord {
    server: &'static str,
    idle: Option<Mem>,
    after: Option<Mem>,
    /// Requests served (warm-ups included) before `after` was read.
    served: u64,
}

#[derive(Clone)]
pub(crate) struct Target {
    pub(crate) what: String,
    pub(crate) measured: String,
    pub(crate) met: Option<bool>,
}

pub(crate) fn ratio(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => Some(a / b),
        _ => None,
    }
}

/// Puts `report` into docs/benchmarks.md between this generator's markers (appending the
/// block if it is not there yet).
fn write_docs(root: &Path, generator: Generator, report: &str) -> Result<()> {
    let path = root.join("docs/benchmarks.md");
    let doc = std::fs::read_to_string(&path).context("reading docs/benchmarks.md")?;
    let begin = format!("<!-- bench-serve:{} -->", generator.name());
    let end = format!("<!-- /bench-serve:{} -->", generator.name());
    let body = report
        .trim()
        .trim_start_matches("# cargo xtask bench-serve")
        .trim();
    let block = format!(
        "{begin}\n\nWritten by `cargo xtask bench-serve --generator {} --write-docs`.\n\n{body}\n\n{end}",
        generator.name()
    );
    let doc = match (doc.find(&begin), doc.find(&end)) {
        (Some(b), Some(e)) if b < e => format!("{}{block}{}", &doc[..b], &doc[e + end.len()..]),
        _ => format!(
            "{}\n\n## `lynx serve` side by side, load from {}\n\n{block}\n",
            doc.trim_end(),
            generator.name()
        ),
    };
    std::fs::write(&path, doc).context("writing docs/benchmarks.md")?;
    eprintln!("bench-serve: wrote the report into docs/benchmarks.md");
    Ok(())
}

pub fn run(opts: &Options) -> Result<ExitCode> {
    let root = crate::root();
    let cache = cache_dir();
    let scratch = std::env::temp_dir().join("lynx-bench-serve");
    std::fs::create_dir_all(&scratch)?;
    let lua = root.join("benches/serve/mcp_call.lua");
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    if opts.server_cpu == opts.client_cpu || cpus < 2 {
        eprintln!(
            "bench-serve: warning: server and wrk share a CPU ({cpus} available); figures \
             will not be comparable with the documented ones"
        );
    }

    let wrk_version = ensure_wrk(opts)?;
    if opts.generator == Generator::LynxBench {
        let bin = release_lynx(opts.lynx.as_deref(), opts.no_build, opts.timeout)?;
        let _ = GENERATOR_BIN.set(bin);
    }
    let mut skipped: Vec<String> = Vec::new();
    let mut specs: Vec<Spec> = Vec::new();
    for &server in &opts.servers {
        let spec = match server {
            Server::AxumEcho => peer_binary(opts, &root, &cache, "axum-echo").map(|bin| Spec {
                server,
                label: format!("axum {}", locked_version(&root, "axum-echo", "axum")),
                program: bin,
                args: vec!["127.0.0.1:{port}".into()],
                dir: scratch.clone(),
                tool: "echo".into(),
                invocation: "axum-echo 127.0.0.1:{port}".into(),
            }),
            Server::Rmcp => peer_binary(opts, &root, &cache, "rmcp-echo").map(|bin| Spec {
                server,
                label: format!("rmcp {}", locked_version(&root, "rmcp-echo", "rmcp")),
                program: bin,
                args: vec!["127.0.0.1:{port}".into()],
                dir: scratch.clone(),
                tool: "echo".into(),
                invocation: "rmcp-echo 127.0.0.1:{port}".into(),
            }),
            Server::Python => python_sdk(opts, &cache).map(|(python, label)| Spec {
                server,
                label,
                program: python,
                args: vec![
                    root.join("benches/serve/python_echo.py")
                        .to_string_lossy()
                        .into_owned(),
                    "{port}".into(),
                ],
                dir: scratch.clone(),
                tool: "echo".into(),
                invocation: "python benches/serve/python_echo.py {port}".into(),
            }),
            Server::Lynx => {
                let bin = release_lynx(opts.lynx.as_deref(), opts.no_build, opts.timeout);
                let project = scratch.join("project");
                bin.and_then(|bin| {
                    lynx_project(&project)?;
                    let mut version = capture(&bin.to_string_lossy(), &["--version"])
                        .unwrap_or_else(|| "lynx ?".into());
                    if opts.lynx.is_none() {
                        version = format!("{version}, {}", git_rev(&root));
                    }
                    Ok(Spec {
                        server,
                        label: version,
                        program: bin,
                        args: vec!["serve".into(), "--listen".into(), "127.0.0.1:{port}".into()],
                        dir: project,
                        tool: LYNX_TOOL.into(),
                        invocation: format!(
                            "lynx serve --listen 127.0.0.1:{{port}} (project: one `{LYNX_TOOL}` \
                             with handler {{ kind: builtin, name: echo }})"
                        ),
                    })
                })
            }
        };
        match spec {
            Ok(s) => specs.push(s),
            Err(e) => {
                eprintln!("bench-serve: skipping {}: {e:#}", server.name());
                skipped.push(format!("{}: {e:#}", server.name()));
            }
        }
    }
    if specs.is_empty() {
        bail!("no server to measure");
    }

    let load_before = load();
    let per_server = opts.connections.len() as u64
        * (opts.duration + opts.warmup + 35)
        * if opts.no_legacy { 1 } else { 2 }
        + 120;
    let mut results: Vec<Measure> = Vec::new();
    let mut memory: Vec<MemRecord> = Vec::new();
    for spec in &specs {
        let name = spec.server.name();
        let port = free_port()?;
        let log = scratch.join(format!("{name}.log"));
        eprintln!(
            "bench-serve: starting {name} ({}) on port {port}",
            spec.label
        );
        let mut running = match start(spec, port, opts, per_server, &log) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("bench-serve: skipping {name}: {e:#}");
                skipped.push(format!("{name}: {e:#}"));
                continue;
            }
        };
        let idle = mem_kib(running.pid);
        let mut served = 0u64;
        let mut outcome = Ok(());
        for &c in &opts.connections {
            match measure(opts, &lua, name, &running, &spec.tool, "modern", c) {
                Ok(m) => {
                    served += m.requests + m.warmup_requests;
                    results.push(m);
                }
                Err(e) => {
                    outcome = Err(e);
                    break;
                }
            }
        }
        memory.push(MemRecord {
            server: name,
            idle,
            after: mem_kib(running.pid),
            served,
        });
        if outcome.is_ok() && spec.server == Server::Lynx && !opts.no_legacy {
            for &c in &opts.connections {
                match measure(
                    opts,
                    &lua,
                    "lynx (legacy session)",
                    &running,
                    &spec.tool,
                    "legacy",
                    c,
                ) {
                    Ok(m) => results.push(m),
                    Err(e) => {
                        outcome = Err(e);
                        break;
                    }
                }
            }
        }
        stop(&mut running);
        if let Err(e) = outcome {
            eprintln!("bench-serve: {name}: {e:#}");
            skipped.push(format!("{name}: {e:#}"));
        }
    }
    let handlers = match specs.iter().find(|s| s.server == Server::Lynx) {
        Some(lynx) if !opts.no_handlers => {
            match crate::bench_handlers::run(opts, &lynx.program, &scratch, &lua) {
                Ok(report) => Some(report),
                Err(e) => {
                    eprintln!("bench-serve: lynx handlers: {e:#}");
                    skipped.push(format!("lynx stdio/exec/worker: {e:#}"));
                    None
                }
            }
        }
        _ => None,
    };
    let load_after = load();

    // ---- Report
    let rps = |server: &str, era: &str, c: u32| {
        results
            .iter()
            .find(|m| m.server == server && m.era == era && m.connections == c)
            .map(|m| m.rps)
    };
    let lynx_at = |c: u32| rps("lynx", "modern", c);
    let mut out = String::new();
    let _ = writeln!(out, "\n# cargo xtask bench-serve\n");
    let _ = writeln!(out, "- machine: {}", machine());
    let _ = writeln!(
        out,
        "- load average (1/5/15 min): {load_before} before, {load_after} after"
    );
    match opts.generator {
        Generator::Wrk => {
            let _ = writeln!(
                out,
                "- load: {wrk_version}, `taskset -c {} wrk -t1 -cC -d{}s -s benches/serve/mcp_call.lua` \
                 after a {} s warm-up; servers `taskset -c {}`",
                opts.client_cpu, opts.duration, opts.warmup, opts.server_cpu
            );
        }
        Generator::LynxBench => {
            let _ = writeln!(
                out,
                "- load: `taskset -c {} lynx bench --url URL --protocol 2026-07-28|2025-11-25 --tool TOOL -cC -d{}s` \
                 after a {} s warm-up; servers `taskset -c {}`",
                opts.client_cpu, opts.duration, opts.warmup, opts.server_cpu
            );
        }
    }
    for s in &specs {
        let _ = writeln!(
            out,
            "- {}: {} — `{}`",
            s.server.name(),
            s.label,
            s.invocation
        );
    }
    let _ = writeln!(
        out,
        "\n| Server | c | req/s | p50 | p99 | max | errors |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for m in &results {
        let errors = if m.error_detail.is_empty() {
            m.errors.to_string()
        } else {
            format!("{} ({})", m.errors, m.error_detail)
        };
        let _ = writeln!(
            out,
            "| {} | {} | {:.0} | {} | {} | {} | {} |",
            m.server,
            m.connections,
            m.rps,
            lat(m.p50_us),
            lat(m.p99_us),
            lat(m.max_us),
            errors
        );
    }

    let fmt_ratio = |r: Option<f64>| r.map_or_else(|| "–".to_string(), |r| format!("{r:.2}×"));
    let _ = writeln!(out, "\n| Ratio | {} |", {
        opts.connections
            .iter()
            .map(|c| format!("c={c}"))
            .collect::<Vec<_>>()
            .join(" | ")
    });
    let _ = writeln!(out, "| --- |{}", " ---: |".repeat(opts.connections.len()));
    for (label, peer) in [
        ("lynx / rmcp", "rmcp"),
        ("lynx / axum-echo", "axum-echo"),
        ("lynx / python", "python"),
    ] {
        let cells: Vec<String> = opts
            .connections
            .iter()
            .map(|&c| fmt_ratio(ratio(lynx_at(c), rps(peer, "modern", c))))
            .collect();
        let _ = writeln!(out, "| {label} | {} |", cells.join(" | "));
    }
    if !opts.no_legacy {
        let cells: Vec<String> = opts
            .connections
            .iter()
            .map(|&c| fmt_ratio(ratio(rps("lynx (legacy session)", "legacy", c), lynx_at(c))))
            .collect();
        let _ = writeln!(
            out,
            "| lynx legacy / lynx stateless | {} |",
            cells.join(" | ")
        );
    }

    // Targets from issue 6, at c=16 and c=64 (when measured).
    let mut targets: Vec<Target> = Vec::new();
    let check = |targets: &mut Vec<Target>, what: String, value: Option<f64>, min: f64| {
        targets.push(Target {
            what,
            measured: fmt_ratio(value),
            met: value.map(|v| v >= min),
        });
    };
    for &c in opts.connections.iter().filter(|c| [16, 64].contains(*c)) {
        check(
            &mut targets,
            format!("lynx ≥ 1.5× rmcp at c={c}"),
            ratio(lynx_at(c), rps("rmcp", "modern", c)),
            1.5,
        );
        check(
            &mut targets,
            format!("lynx ≥ 60 % of axum-echo at c={c}"),
            ratio(lynx_at(c), rps("axum-echo", "modern", c)),
            0.6,
        );
        check(
            &mut targets,
            format!("lynx ≥ 20× python at c={c}"),
            ratio(lynx_at(c), rps("python", "modern", c)),
            20.0,
        );
    }
    if let Some(m) = results
        .iter()
        .find(|m| m.server == "lynx" && m.era == "modern" && m.connections == 16)
    {
        targets.push(Target {
            what: "lynx p99 ≤ 5 ms at c=16".into(),
            measured: lat(m.p99_us),
            met: Some(m.p99_us <= 5000),
        });
    }
    if opts.connections.contains(&16) && opts.connections.contains(&64) {
        check(
            &mut targets,
            "lynx c=64 ≥ 90 % of c=16".into(),
            ratio(lynx_at(64), lynx_at(16)),
            0.9,
        );
    }
    if let Some((m, after)) = memory
        .iter()
        .find(|m| m.server == "lynx")
        .and_then(|m| Some((m, m.after?)))
    {
        targets.push(Target {
            what: "lynx RSS ≤ 20 MiB after ≥ 40k requests".into(),
            measured: format!("{} after {}k requests", mib(after.rss), m.served / 1000),
            met: Some(after.rss <= 20 * 1024 && m.served >= 40_000),
        });
    }
    if !opts.no_legacy && opts.connections.contains(&16) {
        check(
            &mut targets,
            "lynx legacy session ≥ 0.5× stateless at c=16 (JSON answers, not SSE)".into(),
            ratio(rps("lynx (legacy session)", "legacy", 16), lynx_at(16)),
            0.5,
        );
    }
    if let Some(h) = &handlers {
        out.push_str(&h.markdown);
        targets.extend(h.targets.iter().cloned());
    }
    let _ = writeln!(out, "\n| Target | Measured | |\n| --- | ---: | --- |");
    for t in &targets {
        let verdict = match t.met {
            Some(true) => "met",
            Some(false) => "**missed**",
            None => "not measured",
        };
        let _ = writeln!(out, "| {} | {} | {verdict} |", t.what, t.measured);
    }
    if !memory.is_empty() {
        let _ = writeln!(
            out,
            "\n| Memory (`/proc/PID/status`) | VmRSS idle | VmRSS after | of it anonymous | VmHWM | requests served |\n\
             | --- | ---: | ---: | ---: | ---: | ---: |"
        );
        let show = |m: Option<Mem>, f: fn(Mem) -> u64| m.map_or_else(|| "–".into(), |m| mib(f(m)));
        for m in &memory {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {}k |",
                m.server,
                show(m.idle, |m| m.rss),
                show(m.after, |m| m.rss),
                show(m.after, |m| m.anon),
                show(m.after, |m| m.hwm),
                m.served / 1000
            );
        }
    }
    if !skipped.is_empty() {
        let _ = writeln!(out, "\nNot measured:");
        for s in &skipped {
            let _ = writeln!(out, "- {}", s.lines().next().unwrap_or(s));
        }
    }
    println!("{out}");
    if opts.write_docs {
        write_docs(&root, opts.generator, &out)?;
    }

    if opts.json {
        let v = json!({
            "machine": machine(),
            "load_before": load_before,
            "load_after": load_after,
            "wrk": wrk_version,
            "servers": specs.iter().map(|s| json!({
                "server": s.server.name(), "version": s.label, "invocation": s.invocation,
            })).collect::<Vec<_>>(),
            "results": results.iter().map(|m| json!({
                "server": m.server, "era": m.era, "connections": m.connections,
                "requests": m.requests, "rps": m.rps, "p50_us": m.p50_us, "p99_us": m.p99_us,
                "max_us": m.max_us, "errors": m.errors,
            })).collect::<Vec<_>>(),
            "memory_kib": memory.iter().map(|m| json!({
                "server": m.server, "served": m.served,
                "idle_rss": m.idle.map(|x| x.rss), "rss": m.after.map(|x| x.rss),
                "rss_anon": m.after.map(|x| x.anon), "hwm": m.after.map(|x| x.hwm),
            })).collect::<Vec<_>>(),
            "targets": targets.iter().map(|t| json!({"target": t.what, "measured": t.measured, "met": t.met})).collect::<Vec<_>>(),
            "skipped": skipped,
            "handlers": handlers.as_ref().map(|h| h.json.clone()),
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
    }
    Ok(ExitCode::SUCCESS)
}
