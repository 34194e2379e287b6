//! `cargo xtask bench-generator`: is `lynx bench` an honest load generator? Side by side in
//! one run, on the same servers, pinned like `bench-serve` (server `taskset -c 0`, generator
//! `taskset -c 1`):
//!
//! - **generator-bound**: `axum-echo` (`benches/serve/axum-echo/`), a minimal JSON echo that
//!   serves faster than one core of any generator can ask — `lynx bench` should reach ≥ 80 % of
//!   `oha`'s rate;
//! - **server-bound**: `rmcp-echo` (`benches/serve/rmcp-echo/`) — rate within ±10 % of oha's,
//!   p50/p99 within 15 %;
//! - **MCP-aware reference**: `lynx serve` with a builtin echo, against the MCP Inspector CLI's
//!   `--load` mode (`@modelcontextprotocol/inspector@2.12.0`, installed with npm into the cache)
//!   — `lynx bench` should reach ≥ 20× its rate;
//! - **accuracy**: `lynx serve` with a builtin `sleep` of 10 ms at `-c 1` — p50 within 1 ms of
//!   10 ms (oha's p50 on the same server is printed beside it: the server's timer adds its own
//!   slack).
//!
//! `wrk` (Debian's package, with `benches/serve/mcp_call.lua`) is a second reference. Every
//! generator sends the same modern-era `tools/call` body; oha and wrk send a fixed JSON-RPC id
//! (fine for these stateless servers, which is why they can be used here at all).
//!
//! oha is installed on first use with `cargo install oha --root ~/.cache/lynx-bench/oha` (about
//! 10 minutes on 2 cores; `--no-install` skips it). Not part of CI: it takes minutes and needs
//! a quiet machine.

use crate::bench_serve::{capture, free_port, git_rev, load, lynx_project, probe, tail};
use crate::host::{cache_dir, cargo, machine, release_lynx, setup_step, which};
use anyhow::{Context as _, Result, bail};
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

#[derive(Debug, clap::Args)]
pub struct Options {
    /// Seconds of each measured run.
    #[arg(long, default_value_t = 10)]
    duration: u64,
    /// Seconds of warm-up before each measured run (each generator's own, at the same
    /// concurrency).
    #[arg(long, default_value_t = 2)]
    warmup: u64,
    /// Rounds per server and concurrency (generators in rotated order; medians reported).
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Concurrent connections, one measurement each (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "16,64")]
    connections: Vec<u32>,
    /// Use this lynx binary instead of building `target/release/lynx`.
    #[arg(long, value_name = "PATH")]
    lynx: Option<PathBuf>,
    /// Build nothing (lynx and the peers must already be built).
    #[arg(long)]
    no_build: bool,
    /// Install nothing (oha); a missing generator is skipped.
    #[arg(long)]
    no_install: bool,
    /// CPU the servers are pinned to.
    #[arg(long, default_value_t = 0)]
    server_cpu: u32,
    /// CPU the generators are pinned to.
    #[arg(long, default_value_t = 1)]
    client_cpu: u32,
    /// Time limit for a build or install step, in seconds.
    #[arg(long, default_value_t = 1800)]
    timeout: u64,
    /// Also print the figures as JSON.
    #[arg(long)]
    json: bool,
}

const SLEEP_TOOL: &str = "demo.domain.sleep.run";
const ECHO_TOOL: &str = "demo.domain.echo.run";
/// The MCP Inspector whose `--load` mode is the MCP-aware reference.
const INSPECTOR: &str = "@modelcontextprotocol/inspector@2.12.0";
const MESSAGE: &str = "hello from wrk";

/// One measurement.
#[derive(Clone, Debug)]
struct Figure {
    server: &'static str,
    generator: &'static str,
    c: u32,
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
}

struct Server {
    name: &'static str,
    guard: Child,
    port: u16,
    tool: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.guard.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.guard.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.guard.kill();
        let _ = self.guard.wait();
    }
}

fn start(
    name: &'static str,
    program: &Path,
    args: &[String],
    dir: &Path,
    tool: &str,
    opts: &Options,
    limit: u64,
) -> Result<Server> {
    let port = free_port()?;
    let log = std::env::temp_dir().join(format!("lynx-bench-generator-{name}.log"));
    let out = std::fs::File::create(&log)?;
    let err = out.try_clone()?;
    let args: Vec<String> = args
        .iter()
        .map(|a| a.replace("{port}", &port.to_string()))
        .collect();
    let guard = Command::new("timeout")
        .args(["-s", "KILL", &limit.to_string(), "taskset", "-c"])
        .arg(opts.server_cpu.to_string())
        .arg(program)
        .args(&args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("LYNX_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .with_context(|| format!("starting {}", program.display()))?;
    let mut server = Server {
        name,
        guard,
        port,
        tool: tool.into(),
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = server.guard.try_wait()? {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            bail!("{name} exited early ({status}):\n{}", tail(&text, 2000));
        }
        match probe(port, tool) {
            Ok(()) => return Ok(server),
            Err(e) if Instant::now() > deadline => bail!("{name} did not answer in 60 s: {e:#}"),
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

fn url(s: &Server) -> String {
    format!("http://127.0.0.1:{}/mcp", s.port)
}

/// The modern-era `tools/call` every generator sends (oha and wrk with a fixed id).
fn body(tool: &str) -> String {
    json!({
        "jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": {
            "name": tool,
            "arguments": { "message": MESSAGE },
            "_meta": {
                "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                "io.modelcontextprotocol/clientCapabilities": {},
            },
        },
    })
    .to_string()
}

fn pinned(opts: &Options, secs: u64, program: &str) -> Command {
    let mut cmd = Command::new("timeout");
    cmd.args(["-s", "KILL", &(secs + 60).to_string(), "taskset", "-c"])
        .arg(opts.client_cpu.to_string())
        .arg(program)
        .stdin(Stdio::null());
    cmd
}

fn lynx_bench(opts: &Options, lynx: &Path, s: &Server, c: u32, secs: u64) -> Result<Figure> {
    let args = json!({ "message": MESSAGE }).to_string();
    let out = pinned(opts, secs + opts.warmup, &lynx.to_string_lossy())
        .args([
            "bench",
            "--url",
            &url(s),
            "--protocol",
            "2026-07-28",
            "--tool",
        ])
        .arg(&s.tool)
        .args(["--args", &args, "-c", &c.to_string()])
        .args([
            "-d",
            &format!("{secs}s"),
            "--warmup",
            &format!("{}s", opts.warmup),
        ])
        .args(["--format", "json"])
        .output()
        .context("running lynx bench")?;
    let v: Value = serde_json::from_slice(&out.stdout).with_context(|| {
        format!(
            "lynx bench printed no JSON ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
    })?;
    let l = &v["levels"][0];
    Ok(Figure {
        server: s.name,
        generator: "lynx bench",
        c,
        rps: l["rps"].as_f64().unwrap_or(0.0),
        p50_ms: l["latency"]["p50_ms"].as_f64().unwrap_or(0.0),
        p99_ms: l["latency"]["p99_ms"].as_f64().unwrap_or(0.0),
        errors: l["errors"].as_u64().unwrap_or(0),
    })
}

fn oha(opts: &Options, oha: &Path, s: &Server, c: u32, secs: u64) -> Result<Figure> {
    let run = |secs: u64| {
        pinned(opts, secs, &oha.to_string_lossy())
            .args([
                "--no-tui",
                "--output-format",
                "json",
                "-z",
                &format!("{secs}s"),
            ])
            .args(["-c", &c.to_string(), "-m", "POST"])
            .args(["-H", "Content-Type: application/json"])
            .args(["-H", "Accept: application/json, text/event-stream"])
            .args(["-H", "MCP-Protocol-Version: 2026-07-28"])
            .args(["-H", "Mcp-Method: tools/call"])
            .args(["-H", &format!("Mcp-Name: {}", s.tool)])
            .args(["-d", &body(&s.tool), &url(s)])
            .output()
            .context("running oha")
    };
    if opts.warmup > 0 {
        run(opts.warmup)?;
    }
    let out = run(secs)?;
    let v: Value = serde_json::from_slice(&out.stdout).with_context(|| {
        format!(
            "oha printed no JSON ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
    })?;
    let ok = v["statusCodeDistribution"]["200"].as_u64().unwrap_or(0);
    let total: u64 = v["statusCodeDistribution"]
        .as_object()
        .map(|m| m.values().filter_map(Value::as_u64).sum())
        .unwrap_or(0);
    let errors: u64 = v["errorDistribution"]
        .as_object()
        .map(|m| m.values().filter_map(Value::as_u64).sum())
        .unwrap_or(0);
    let secs_f = |k: &str| v["latencyPercentiles"][k].as_f64().unwrap_or(0.0) * 1000.0;
    Ok(Figure {
        server: s.name,
        generator: "oha",
        c,
        rps: v["summary"]["requestsPerSec"].as_f64().unwrap_or(0.0),
        p50_ms: secs_f("p50"),
        p99_ms: secs_f("p99"),
        errors: errors + (total - ok),
    })
}

fn wrk(opts: &Options, lua: &Path, s: &Server, c: u32, secs: u64) -> Result<Figure> {
    let run = |secs: u64| {
        pinned(opts, secs, "wrk")
            .args(["-t1", &format!("-c{c}"), &format!("-d{secs}s"), "-s"])
            .arg(lua)
            .arg(url(s))
            .args(["--", &s.tool])
            .env("MCP_ERA", "modern")
            .output()
            .context("running wrk")
    };
    if opts.warmup > 0 {
        run(opts.warmup)?;
    }
    let out = run(secs)?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("BENCH-JSON "))
        .with_context(|| format!("wrk printed no BENCH-JSON line: {stdout}"))?;
    let v: Value = serde_json::from_str(line)?;
    let n = |k: &str| v[k].as_u64().unwrap_or(0);
    Ok(Figure {
        server: s.name,
        generator: "wrk",
        c,
        rps: v["rps"].as_f64().unwrap_or(0.0),
        p50_ms: n("p50_us") as f64 / 1000.0,
        p99_ms: n("p99_us") as f64 / 1000.0,
        errors: [
            "bad_status",
            "bad_body",
            "connect_errors",
            "read_errors",
            "write_errors",
            "timeouts",
        ]
        .iter()
        .map(|k| n(k))
        .sum(),
    })
}

/// The MCP Inspector CLI's `--load` mode (a full MCP client in node, era negotiation and all).
fn inspector(opts: &Options, bin: &Path, s: &Server, c: u32, secs: u64) -> Result<Figure> {
    let out = pinned(opts, secs, &bin.to_string_lossy())
        .args([
            "--cli",
            &url(s),
            "--method",
            "tools/call",
            "--tool-name",
            &s.tool,
        ])
        .args(["--tool-arg", &format!("message={MESSAGE}"), "--load"])
        .args(["--load-concurrency", &c.to_string()])
        .args(["--load-duration", &secs.to_string()])
        .stderr(Stdio::null())
        .output()
        .context("running the MCP Inspector")?;
    let v: Value = serde_json::from_slice(&out.stdout).with_context(|| {
        format!(
            "the Inspector printed no JSON ({}): {}",
            out.status,
            tail(&String::from_utf8_lossy(&out.stdout), 600)
        )
    })?;
    Ok(Figure {
        server: s.name,
        generator: "inspector",
        c,
        rps: v["throughput"].as_f64().unwrap_or(0.0),
        p50_ms: v["latencyMs"]["p50"].as_f64().unwrap_or(0.0),
        p99_ms: v["latencyMs"]["p99"].as_f64().unwrap_or(0.0),
        errors: v["errors"].as_u64().unwrap_or(0) + v["toolErrors"].as_u64().unwrap_or(0),
    })
}

/// The pinned Inspector, installed with npm into the cache on first use.
fn ensure_inspector(opts: &Options, cache: &Path) -> Result<PathBuf> {
    let dir = cache.join("inspector");
    let bin = dir.join("node_modules/.bin/mcp-inspector");
    if bin.is_file() {
        return Ok(bin);
    }
    if opts.no_install {
        bail!("{} is missing (and --no-install)", bin.display());
    }
    std::fs::create_dir_all(&dir)?;
    setup_step(
        "installing the MCP Inspector",
        "npm",
        &["install", "--prefix", &dir.to_string_lossy(), INSPECTOR],
        &dir,
        opts.timeout,
    )?;
    Ok(bin)
}

fn build_peer(opts: &Options, root: &Path, cache: &Path, name: &str) -> Result<PathBuf> {
    let target = cache.join("target");
    if !opts.no_build {
        let manifest = root.join(format!("benches/serve/{name}/Cargo.toml"));
        setup_step(
            &format!("building {name}"),
            &cargo(),
            &[
                "build",
                "--release",
                "--quiet",
                "--manifest-path",
                &manifest.to_string_lossy(),
                "--target-dir",
                &target.to_string_lossy(),
            ],
            root,
            opts.timeout,
        )?;
    }
    let bin = target.join("release").join(name);
    if !bin.is_file() {
        bail!("{} is missing", bin.display());
    }
    Ok(bin)
}

fn ensure_oha(opts: &Options, cache: &Path) -> Result<PathBuf> {
    let bin = cache.join("oha/bin/oha");
    if bin.is_file() {
        return Ok(bin);
    }
    if opts.no_install {
        bail!("{} is missing (and --no-install)", bin.display());
    }
    let root = cache.join("oha");
    setup_step(
        "installing oha (about 10 minutes)",
        "nice",
        &[
            "-n",
            "19",
            &cargo(),
            "install",
            "oha",
            "--locked",
            "--root",
            &root.to_string_lossy(),
        ],
        cache,
        opts.timeout,
    )?;
    Ok(bin)
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { f64::NAN }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT met" }
}

pub fn run(opts: &Options) -> Result<ExitCode> {
    let root = crate::root();
    let cache = cache_dir();
    std::fs::create_dir_all(&cache)?;
    for tool in ["taskset", "timeout"] {
        if which(tool).is_none() {
            bail!("{tool} is not on PATH");
        }
    }
    let lynx = release_lynx(opts.lynx.as_deref(), opts.no_build, opts.timeout)?;
    let axum = build_peer(opts, &root, &cache, "axum-echo")?;
    let rmcp = build_peer(opts, &root, &cache, "rmcp-echo")?;
    let oha_bin = ensure_oha(opts, &cache)
        .map_err(|e| eprintln!("bench-generator: skipping oha: {e:#}"))
        .ok();
    let wrk_ok = which("wrk").is_some();
    if !wrk_ok {
        eprintln!("bench-generator: wrk is not on PATH (apt-get install wrk); skipping it");
    }
    let lua = root.join("benches/serve/mcp_call.lua");
    let scratch = std::env::temp_dir().join("lynx-bench-generator");
    let project = scratch.join("project");
    lynx_project(&project)?;
    std::fs::write(
        project.join("tools/sleep.yaml"),
        format!(
            "# Generated by `cargo xtask bench-generator`.\nid: {SLEEP_TOOL}\ntitle: Sleep\n\
             description: Answers after 10 ms.\nlayer: domain\nrisk: low\ndomain: demo\n\
             handler: {{ kind: builtin, name: sleep, duration: 10ms }}\n\
             input_schema: {{ type: object }}\n"
        ),
    )?;

    let load_before = load();
    let per_run = opts.duration + opts.warmup + 10;
    let limit = 3 * per_run * opts.rounds.max(1) as u64 * opts.connections.len() as u64 + 600;
    let mut figures: Vec<Figure> = Vec::new();
    let inspector_bin = ensure_inspector(opts, &cache)
        .map_err(|e| eprintln!("bench-generator: skipping the Inspector: {e:#}"))
        .ok();
    let measure = |s: &Server, c: u32, figures: &mut Vec<Figure>, with_inspector: bool| {
        eprintln!("bench-generator: {} c={c}", s.name);
        // Rounds with the generators in rotated order, so none always runs first (on a VM the
        // figures drift over a minute); the median of the rounds is reported.
        let mut names: Vec<&'static str> = vec!["lynx bench"];
        if oha_bin.is_some() {
            names.push("oha");
        }
        if wrk_ok {
            names.push("wrk");
        }
        if with_inspector && inspector_bin.is_some() {
            names.push("inspector");
        }
        let mut by_gen: Vec<Vec<Figure>> = vec![Vec::new(); names.len()];
        for round in 0..opts.rounds.max(1) {
            for i in 0..names.len() {
                let g = (i + round) % names.len();
                let r = match names[g] {
                    "lynx bench" => lynx_bench(opts, &lynx, s, c, opts.duration),
                    "oha" => match &oha_bin {
                        Some(o) => oha(opts, o, s, c, opts.duration),
                        None => continue,
                    },
                    "inspector" => match &inspector_bin {
                        Some(i) => inspector(opts, i, s, c, opts.duration),
                        None => continue,
                    },
                    _ => wrk(opts, &lua, s, c, opts.duration),
                };
                match r {
                    Ok(f) => {
                        eprintln!(
                            "bench-generator:   round {} {:<10} {:>9.0} req/s  p50 {:.3} ms  p99 {:.3} ms  {} errors",
                            round + 1,
                            f.generator,
                            f.rps,
                            f.p50_ms,
                            f.p99_ms,
                            f.errors
                        );
                        by_gen[g].push(f);
                    }
                    Err(e) => eprintln!("bench-generator:   {e:#}"),
                }
            }
        }
        for runs in by_gen {
            if let Some(first) = runs.first() {
                let median = |f: fn(&Figure) -> f64| {
                    let mut v: Vec<f64> = runs.iter().map(f).collect();
                    v.sort_by(f64::total_cmp);
                    v[v.len() / 2]
                };
                figures.push(Figure {
                    rps: median(|f| f.rps),
                    p50_ms: median(|f| f.p50_ms),
                    p99_ms: median(|f| f.p99_ms),
                    errors: runs.iter().map(|f| f.errors).sum(),
                    ..first.clone()
                });
            }
        }
    };
    for (name, bin, tool) in [("axum-echo", &axum, "echo"), ("rmcp-echo", &rmcp, "echo")] {
        let s = start(
            name,
            bin,
            &["127.0.0.1:{port}".into()],
            &scratch,
            tool,
            opts,
            limit,
        )?;
        for &c in &opts.connections {
            measure(&s, c, &mut figures, false);
        }
    }
    // The Inspector needs a real MCP server: lynx serve with the builtin echo.
    let echo = start(
        "lynx-echo",
        &lynx,
        &[
            "serve".into(),
            "--listen".into(),
            "127.0.0.1:{port}".into(),
            "--no-watch".into(),
        ],
        &project,
        ECHO_TOOL,
        opts,
        limit,
    )?;
    for &c in &opts.connections {
        measure(&echo, c, &mut figures, true);
    }
    drop(echo);
    let sleep = start(
        "lynx-sleep-10ms",
        &lynx,
        &[
            "serve".into(),
            "--listen".into(),
            "127.0.0.1:{port}".into(),
            "--no-watch".into(),
        ],
        &project,
        SLEEP_TOOL,
        opts,
        limit,
    )?;
    measure(&sleep, 1, &mut figures, false);
    drop(sleep);
    let load_after = load();

    let find = |server: &str, generator: &str, c: u32| {
        figures
            .iter()
            .find(|f| f.server == server && f.generator == generator && f.c == c)
    };
    let mut out = String::new();
    let _ = writeln!(out, "\n# cargo xtask bench-generator\n");
    let _ = writeln!(out, "- machine: {}", machine());
    let _ = writeln!(
        out,
        "- load average: {load_before} before, {load_after} after"
    );
    let _ = writeln!(
        out,
        "- lynx: {} ({}); oha: {}; wrk: {}",
        capture(&lynx.to_string_lossy(), &["--version"]).unwrap_or_default(),
        git_rev(&root),
        oha_bin
            .as_ref()
            .and_then(|o| capture(&o.to_string_lossy(), &["--version"]))
            .unwrap_or_else(|| "skipped".into()),
        if wrk_ok { "wrk (Debian)" } else { "skipped" },
    );
    let _ = writeln!(
        out,
        "- servers `taskset -c {}`, generators `taskset -c {}`; {} s runs after {} s warm-ups; \
         median of {} rounds (generators in rotated order); errors summed over the rounds",
        opts.server_cpu,
        opts.client_cpu,
        opts.duration,
        opts.warmup,
        opts.rounds.max(1)
    );
    let _ = writeln!(
        out,
        "\n| Server | c | Generator | req/s | p50 | p99 | errors | × oha (req/s) |\n| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |"
    );
    for f in &figures {
        let x = find(f.server, "oha", f.c).map_or(f64::NAN, |o| ratio(f.rps, o.rps));
        let x = if x.is_nan() {
            "–".to_string()
        } else {
            format!("{x:.2}")
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.0} | {:.3} ms | {:.3} ms | {} | {} |",
            f.server, f.c, f.generator, f.rps, f.p50_ms, f.p99_ms, f.errors, x
        );
    }
    let _ = writeln!(out, "\n| Target | Measured | |\n| --- | --- | --- |");
    let mut all_met = true;
    for &c in &opts.connections {
        if let (Some(l), Some(o)) = (
            find("axum-echo", "lynx bench", c),
            find("axum-echo", "oha", c),
        ) {
            let r = ratio(l.rps, o.rps);
            all_met &= r >= 0.8;
            let _ = writeln!(
                out,
                "| axum-echo c={c}: lynx bench ≥ 80 % of oha's rate | {:.0} % | {} |",
                r * 100.0,
                verdict(r >= 0.8)
            );
        }
        if let (Some(l), Some(o)) = (
            find("rmcp-echo", "lynx bench", c),
            find("rmcp-echo", "oha", c),
        ) {
            let r = ratio(l.rps, o.rps);
            let p50 = ratio(l.p50_ms, o.p50_ms);
            let p99 = ratio(l.p99_ms, o.p99_ms);
            let ok =
                (r - 1.0).abs() <= 0.10 && (p50 - 1.0).abs() <= 0.15 && (p99 - 1.0).abs() <= 0.15;
            all_met &= ok;
            let _ = writeln!(
                out,
                "| rmcp-echo c={c}: rate ±10 %, p50/p99 ±15 % of oha's | rate {:+.1} %, p50 {:+.1} %, p99 {:+.1} % | {} |",
                (r - 1.0) * 100.0,
                (p50 - 1.0) * 100.0,
                (p99 - 1.0) * 100.0,
                verdict(ok)
            );
        }
    }
    if let Some(l) = find("lynx-sleep-10ms", "lynx bench", 1) {
        let ok = (l.p50_ms - 10.0).abs() <= 1.0;
        all_met &= ok;
        let reference = find("lynx-sleep-10ms", "oha", 1)
            .map(|o| format!(" (oha: {:.3} ms)", o.p50_ms))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| builtin sleep 10 ms, c=1: p50 within 1 ms of 10 ms | {:.3} ms{reference} | {} |",
            l.p50_ms,
            verdict(ok)
        );
    }
    for &c in &opts.connections {
        if let (Some(l), Some(i)) = (
            find("lynx-echo", "lynx bench", c),
            find("lynx-echo", "inspector", c),
        ) {
            let r = ratio(l.rps, i.rps);
            all_met &= r >= 20.0;
            let _ = writeln!(
                out,
                "| lynx serve echo c={c}: ≥ 20× the MCP Inspector's `--load` rate | {r:.1}× ({:.0} vs {:.0} req/s) | {} |",
                l.rps,
                i.rps,
                verdict(r >= 20.0)
            );
        }
    }
    println!("{out}");
    if opts.json {
        let v: Vec<Value> = figures
            .iter()
            .map(|f| {
                json!({
                    "server": f.server, "generator": f.generator, "c": f.c, "rps": f.rps,
                    "p50_ms": f.p50_ms, "p99_ms": f.p99_ms, "errors": f.errors,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&v)?);
    }
    Ok(if all_met {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
