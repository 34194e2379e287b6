//! The lynx-only part of `cargo xtask bench-serve`: stdio and the process-backed handlers.
//!
//! - **stdio**: the time from spawning `lynx serve --stdio` to its answer to a `tools/list`
//!   (median and worst of [`SPAWNS`] spawns, `taskset` included), and the rate of sequential
//!   `tools/call`s of the builtin echo over one stdio connection.
//! - **exec**: `tools/call`s of a tool whose handler is `/bin/cat` (it answers with the request
//!   it was given), one at a time over HTTP (wrk `-c1`), against spawning `/bin/cat` directly
//!   from this process with the same request on stdin and reading its answer, one at a time. Both
//!   spawn on the server CPU.
//! - **worker**: a Python JSON-lines worker (`benches/serve/echo_worker.py`, stdlib only, the
//!   shape of a scaffolded worker) at c=16 over HTTP; the worker runs on the server CPU too.
//!
//! The stdio client and the raw spawns run in this process, pinned with `taskset -p` (the main
//! thread, which does all the work; children inherit the pin).

use crate::bench_serve::{
    LYNX_TOOL, Measure, Options, Server, Spec, Target, capture, free_port, lat, lynx_project,
    measure, ratio, start, stop,
};
use anyhow::{Context as _, Result, bail};
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const EXEC_TOOL: &str = "bench.domain.exec.cat";
const WORKER_TOOL: &str = "bench.domain.worker.echo";
/// How many times `lynx serve --stdio` is spawned for the readiness figure.
const SPAWNS: usize = 20;
/// How long one stdio answer may take before the run is abandoned.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);

/// What this part adds to the report.
pub(crate) struct Report {
    pub(crate) markdown: String,
    pub(crate) targets: Vec<Target>,
    pub(crate) json: Value,
}

pub(crate) fn run(opts: &Options, lynx: &Path, scratch: &Path, lua: &Path) -> Result<Report> {
    let root = crate::root();
    let dir = scratch.join("handlers-project");
    let python = capture("python3", &["-c", "import sys; print(sys.executable)"])
        .context("finding python3 (for the worker handler)")?;
    project(&dir, &python, &root.join("benches/serve/echo_worker.py"))?;

    // stdio, the client on the client CPU
    pin_self(opts.client_cpu)?;
    let mut ready = Vec::with_capacity(SPAWNS);
    for _ in 0..SPAWNS {
        ready.push(stdio_ready(lynx, &dir, opts.server_cpu)?);
    }
    ready.sort();
    let ready_median = ready[SPAWNS / 2];
    let ready_max = ready[SPAWNS - 1];
    eprintln!(
        "bench-serve: stdio tools/list after spawn: median {}, max {}",
        ms(ready_median),
        ms(ready_max)
    );
    let seq = stdio_sequential(lynx, &dir, opts.server_cpu, opts.duration)?;
    eprintln!(
        "bench-serve: stdio sequential calls: {:.0}/s, p50 {}, p99 {}",
        seq.rate,
        lat(seq.p50_us),
        lat(seq.p99_us)
    );

    // exec: raw spawns on the server CPU, then lynx
    pin_self(opts.server_cpu)?;
    let raw = raw_spawns("/bin/cat", &exec_request(), opts.duration)?;
    eprintln!("bench-serve: raw spawn of /bin/cat: {raw:.0}/s");
    pin_self(opts.client_cpu)?;
    let spec = Spec {
        server: Server::Lynx,
        label: "lynx".into(),
        program: lynx.to_path_buf(),
        args: vec![
            "serve".into(),
            "--no-watch".into(),
            "--listen".into(),
            "127.0.0.1:{port}".into(),
        ],
        dir: dir.clone(),
        tool: LYNX_TOOL.into(),
        invocation: String::new(),
    };
    let port = free_port()?;
    let limit = 2 * (opts.duration + opts.warmup + 35) + 120;
    let mut running = start(&spec, port, opts, limit, &scratch.join("lynx-handlers.log"))?;
    let measured: Result<(Measure, Measure)> = (|| {
        let exec = measure(opts, lua, "lynx exec", &running, EXEC_TOOL, "modern", 1)?;
        let worker = measure(
            opts,
            lua,
            "lynx worker",
            &running,
            WORKER_TOOL,
            "modern",
            16,
        )?;
        Ok((exec, worker))
    })();
    stop(&mut running);
    let (exec, worker) = measured?;
    // Back to every CPU, so what runs after (the report's `nproc`) sees the machine.
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    pin_cpus(&format!(
        "0-{}",
        cpus.max(opts.server_cpu as usize + 1)
            .max(opts.client_cpu as usize + 1)
            - 1
    ))?;

    let mut md = String::new();
    let _ = writeln!(
        md,
        "\n| lynx alone | Figure |\n| --- | ---: |\n\
         | stdio: spawn → `tools/list` answered (median of {SPAWNS}) | {} |\n\
         | stdio: spawn → `tools/list` answered (worst of {SPAWNS}) | {} |\n\
         | stdio: sequential `tools/call` (builtin echo) | {:.0}/s (p50 {}, p99 {}) |\n\
         | exec: raw spawn of `/bin/cat` with the request, one at a time | {:.0}/s |\n\
         | exec: `tools/call` of a `/bin/cat` exec tool over HTTP, c=1 | {:.0}/s (p50 {}, p99 {}) |\n\
         | worker: `tools/call` of a Python worker (`echo_worker.py`) over HTTP, c=16 | {:.0}/s (p50 {}, p99 {}) |",
        ms(ready_median),
        ms(ready_max),
        seq.rate,
        lat(seq.p50_us),
        lat(seq.p99_us),
        raw,
        exec.rps,
        lat(exec.p50_us),
        lat(exec.p99_us),
        worker.rps,
        lat(worker.p50_us),
        lat(worker.p99_us),
    );
    let exec_ratio = ratio(Some(exec.rps), Some(raw));
    let targets = vec![
        Target {
            what: "stdio ≥ 3,000 sequential calls/s".into(),
            measured: format!("{:.0}/s", seq.rate),
            met: Some(seq.rate >= 3000.0),
        },
        Target {
            what: format!("stdio `tools/list` ≤ 20 ms after spawn (median of {SPAWNS})"),
            measured: ms(ready_median),
            met: Some(ready_median <= Duration::from_millis(20)),
        },
        Target {
            what: "exec ≥ 80 % of a raw spawn of the same program".into(),
            measured: exec_ratio.map_or_else(|| "–".into(), |r| format!("{:.0} %", r * 100.0)),
            met: exec_ratio.map(|r| r >= 0.8),
        },
        Target {
            what: "worker (Python) ≥ 5,000 calls/s at c=16 over HTTP".into(),
            measured: format!("{:.0}/s", worker.rps),
            met: Some(worker.rps >= 5000.0),
        },
    ];
    let json = json!({
        "stdio_ready_us": { "median": ready_median.as_micros() as u64, "max": ready_max.as_micros() as u64 },
        "stdio_sequential": { "rate": seq.rate, "p50_us": seq.p50_us, "p99_us": seq.p99_us, "calls": seq.calls },
        "exec_raw_spawn_rate": raw,
        "exec": { "rps": exec.rps, "p50_us": exec.p50_us, "p99_us": exec.p99_us, "errors": exec.errors },
        "worker": { "rps": worker.rps, "p50_us": worker.p50_us, "p99_us": worker.p99_us, "errors": worker.errors },
        "python": python,
    });
    Ok(Report {
        markdown: md,
        targets,
        json,
    })
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// The builtin echo (from `bench-serve`'s own project), an exec tool and a worker tool.
fn project(dir: &Path, python: &str, worker: &Path) -> Result<()> {
    lynx_project(dir)?;
    let schema = "input_schema:\n  type: object\n  properties:\n    message: { type: string, description: Text to echo back. }\n";
    std::fs::write(
        dir.join("tools/exec.yaml"),
        format!(
            "# Generated by `cargo xtask bench-serve`: `/bin/cat` answers with the request.\n\
             id: {EXEC_TOOL}\ndescription: Returns the exec request it was given.\n\
             layer: domain\nrisk: low\ndomain: bench\n\
             handler: {{ kind: exec, command: [/bin/cat] }}\n{schema}"
        ),
    )?;
    std::fs::write(
        dir.join("tools/worker.yaml"),
        format!(
            "# Generated by `cargo xtask bench-serve`: a Python JSON-lines worker.\n\
             id: {WORKER_TOOL}\ndescription: Returns its arguments.\n\
             layer: domain\nrisk: low\ndomain: bench\n\
             handler: {{ kind: worker, command: [{}, {}] }}\n{schema}",
            json!(python),
            json!(worker.to_string_lossy()),
        ),
    )?;
    Ok(())
}

/// The request lynx writes to an exec handler for wrk's call (the same size and shape).
fn exec_request() -> Vec<u8> {
    json!({
        "tool": EXEC_TOOL,
        "args": { "message": "hello from wrk" },
        "context": { "tenant_id": null, "user_id": null, "trace_id": "00000000000000000000000000000000" },
    })
    .to_string()
    .into_bytes()
}

/// Pins this process's main thread (and the children it spawns from now on) to `cpu`.
fn pin_self(cpu: u32) -> Result<()> {
    pin_cpus(&cpu.to_string())
}

fn pin_cpus(list: &str) -> Result<()> {
    let status = Command::new("taskset")
        .args(["-cp", list, &std::process::id().to_string()])
        .stdout(Stdio::null())
        .status()
        .context("running taskset")?;
    if !status.success() {
        bail!("taskset -cp {list} failed ({status})");
    }
    Ok(())
}

/// Spawns `program` with `input` on stdin and reads its stdout to the end, one at a time, for
/// `secs` seconds; returns spawns per second.
fn raw_spawns(program: &str, input: &[u8], secs: u64) -> Result<f64> {
    let started = Instant::now();
    let end = started + Duration::from_secs(secs);
    let mut n = 0u64;
    let mut out = Vec::new();
    while Instant::now() < end {
        let mut child = Command::new(program)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("spawning {program}"))?;
        child.stdin.take().context("stdin")?.write_all(input)?;
        out.clear();
        child
            .stdout
            .take()
            .context("stdout")?
            .read_to_end(&mut out)?;
        child.wait()?;
        if out != input {
            bail!("{program} did not echo its input");
        }
        n += 1;
    }
    Ok(n as f64 / started.elapsed().as_secs_f64())
}

/// `lynx serve --stdio` with a reader thread, so every answer is awaited with a timeout.
struct StdioServer {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::Receiver<String>,
}

impl StdioServer {
    fn spawn(lynx: &Path, dir: &Path, cpu: u32) -> Result<Self> {
        let mut child = Command::new("taskset")
            .args(["-c", &cpu.to_string()])
            .arg(lynx)
            .args(["serve", "--stdio", "--no-watch"])
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("spawning lynx serve --stdio")?;
        let stdout = child.stdout.take().context("stdout")?;
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        Ok(Self {
            stdin: child.stdin.take(),
            child,
            lines,
        })
    }

    fn ask(&mut self, line: &str) -> Result<String> {
        let stdin = self.stdin.as_mut().context("stdin closed")?;
        stdin.write_all(line.as_bytes())?;
        stdin.flush()?;
        self.lines
            .recv_timeout(ANSWER_TIMEOUT)
            .context("no answer from lynx serve --stdio within 10 s")
    }
}

impl Drop for StdioServer {
    fn drop(&mut self) {
        // stdin EOF ends the server; kill it if it does not end promptly.
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn modern_meta() -> Value {
    json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
    })
}

fn stdio_ready(lynx: &Path, dir: &Path, cpu: u32) -> Result<Duration> {
    let list = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"_meta": modern_meta()}});
    let started = Instant::now();
    let mut server = StdioServer::spawn(lynx, dir, cpu)?;
    let answer = server.ask(&format!("{list}\n"))?;
    let took = started.elapsed();
    if !answer.contains(LYNX_TOOL) {
        bail!("unexpected tools/list answer: {answer}");
    }
    Ok(took)
}

struct Sequential {
    calls: u64,
    rate: f64,
    p50_us: u64,
    p99_us: u64,
}

fn stdio_sequential(lynx: &Path, dir: &Path, cpu: u32, secs: u64) -> Result<Sequential> {
    let mut server = StdioServer::spawn(lynx, dir, cpu)?;
    // One warm-up second, then the measured window.
    calls(&mut server, 1, &mut Vec::new())?;
    let mut latencies: Vec<u64> = Vec::new();
    let started = Instant::now();
    calls(&mut server, secs, &mut latencies)?;
    let rate = latencies.len() as f64 / started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
    Ok(Sequential {
        calls: latencies.len() as u64,
        rate,
        p50_us: at(0.5),
        p99_us: at(0.99),
    })
}

/// Sequential `tools/call`s of the echo for `secs` seconds (at least one), each latency in µs
/// pushed to `latencies`; ids are unique per call.
fn calls(server: &mut StdioServer, secs: u64, latencies: &mut Vec<u64>) -> Result<()> {
    let end = Instant::now() + Duration::from_secs(secs);
    let mut id = 0u64;
    loop {
        id += 1;
        let call = json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {
            "name": LYNX_TOOL, "arguments": {"message": "hello over stdio"}, "_meta": modern_meta()}});
        let t = Instant::now();
        let answer = server.ask(&format!("{call}\n"))?;
        if !answer.contains("structuredContent") {
            bail!("unexpected tools/call answer: {answer}");
        }
        latencies.push(t.elapsed().as_micros() as u64);
        if Instant::now() >= end {
            return Ok(());
        }
    }
}
