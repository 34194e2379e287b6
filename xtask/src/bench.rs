//! `cargo xtask bench-validate`: wall time of `lynx tool:validate` on a generated project,
//! side by side with general JSON Schema validators on the same files:
//!
//! - ajv-cli 5 (Node), on the same YAML files (it parses them with js-yaml) and on JSON
//!   copies of them;
//! - check-jsonschema (Python), on the YAML files.
//!
//! Both competitors are installed on first use into a cache folder outside the repository
//! (`$XDG_CACHE_HOME/lynx-bench` or `~/.cache/lynx-bench`); a competitor that is missing and
//! cannot be installed is reported and skipped. Every command runs under a timeout.

use crate::corpus;
use crate::host::{cache_dir, machine, release_lynx, setup_step, which};
use anyhow::{Context as _, Result, bail};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[derive(Debug, clap::Args)]
pub struct Options {
    /// Number of files in the generated corpus (about 10 % of them workflows).
    #[arg(long, default_value_t = 1000)]
    files: usize,
    /// Timed runs per tool; the best and the median are reported.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Runs for the small measurements (single file, `--version`).
    #[arg(long, default_value_t = 20)]
    small_runs: usize,
    /// Use this lynx binary instead of building `target/release/lynx`.
    #[arg(long, value_name = "PATH")]
    lynx: Option<PathBuf>,
    /// Do not run `cargo build --release -p lynx` first (the binary must exist).
    #[arg(long)]
    no_build: bool,
    /// Do not install missing competitors (skip them instead).
    #[arg(long)]
    no_install: bool,
    /// Time limit for any one command, in seconds.
    #[arg(long, default_value_t = 300)]
    timeout: u64,
    /// Also print the figures as JSON (after the table).
    #[arg(long)]
    json: bool,
}

/// One timed command: program and arguments, run in `dir`.
#[derive(Clone)]
struct Cmd {
    program: PathBuf,
    args: Vec<String>,
    dir: PathBuf,
}

impl Cmd {
    fn new(program: impl Into<PathBuf>, dir: &Path) -> Self {
        Cmd {
            program: program.into(),
            args: Vec::new(),
            dir: dir.to_path_buf(),
        }
    }

    fn arg(mut self, a: impl AsRef<std::ffi::OsStr>) -> Self {
        self.args.push(a.as_ref().to_string_lossy().into_owned());
        self
    }

    fn args<I: IntoIterator<Item = S>, S: AsRef<std::ffi::OsStr>>(mut self, items: I) -> Self {
        for a in items {
            self = self.arg(a);
        }
        self
    }

    fn display(&self) -> String {
        let mut parts = vec![self.program.display().to_string()];
        let shown = self.args.len().min(6);
        parts.extend(self.args[..shown].iter().cloned());
        if self.args.len() > shown {
            parts.push(format!("… ({} more arguments)", self.args.len() - shown));
        }
        parts.join(" ")
    }
}

struct RunResult {
    elapsed: Duration,
    success: bool,
    stdout: String,
    stderr: String,
}

/// Run `cmd` with stdout and stderr captured to files (no pipe can fill up), killing it after
/// `timeout`. The measured time is spawn to exit.
fn run_once(cmd: &Cmd, timeout: Duration, scratch: &Path) -> Result<RunResult> {
    let out_path = scratch.join("stdout.txt");
    let err_path = scratch.join("stderr.txt");
    let out = std::fs::File::create(&out_path)?;
    let err = std::fs::File::create(&err_path)?;
    let start = Instant::now();
    let mut child = Command::new(&cmd.program)
        .args(&cmd.args)
        .current_dir(&cmd.dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .with_context(|| format!("starting {}", cmd.program.display()))?;
    let pid = child.id();
    let (done, watch) = mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        if let Err(mpsc::RecvTimeoutError::Timeout) = watch.recv_timeout(timeout) {
            // Kill only the process we started, by its id.
            let _ = Command::new("kill")
                .arg("-KILL")
                .arg(pid.to_string())
                .status();
            true
        } else {
            false
        }
    });
    let status = child.wait()?;
    let elapsed = start.elapsed();
    let _ = done.send(());
    let timed_out = watchdog.join().unwrap_or(false);
    if timed_out {
        bail!("{} timed out after {} s", cmd.display(), timeout.as_secs());
    }
    Ok(RunResult {
        elapsed,
        success: status.success(),
        stdout: std::fs::read_to_string(&out_path).unwrap_or_default(),
        stderr: std::fs::read_to_string(&err_path).unwrap_or_default(),
    })
}

/// A tool under test: one or more commands that together validate the corpus.
struct Contender {
    name: &'static str,
    invocation: String,
    version: String,
    cmds: Vec<Cmd>,
    times: Vec<Duration>,
    failed: Option<String>,
}

impl Contender {
    /// Run all commands once; the time is their sum.
    fn run(&self, timeout: Duration, scratch: &Path) -> Result<(Duration, Vec<RunResult>)> {
        let mut total = Duration::ZERO;
        let mut results = Vec::new();
        for c in &self.cmds {
            let r = run_once(c, timeout, scratch)?;
            total += r.elapsed;
            results.push(r);
        }
        Ok((total, results))
    }
}

#[derive(Clone, Copy)]
struct Stats {
    best: Duration,
    median: Duration,
}

fn stats(times: &[Duration]) -> Option<Stats> {
    if times.is_empty() {
        return None;
    }
    let mut t = times.to_vec();
    t.sort();
    let n = t.len();
    let median = if n % 2 == 1 {
        t[n / 2]
    } else {
        (t[n / 2 - 1] + t[n / 2]) / 2
    };
    Some(Stats { best: t[0], median })
}

fn ms(d: Duration) -> String {
    let v = d.as_secs_f64() * 1000.0;
    if v >= 100.0 {
        format!("{v:.0} ms")
    } else {
        format!("{v:.1} ms")
    }
}

fn capture(program: &str, args: &[&str], timeout: Duration) -> Option<String> {
    let dir = std::env::temp_dir().join(format!("lynx-bench-capture-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let r = run_once(&Cmd::new(program, &dir).args(args), timeout, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    let r = r.ok()?;
    r.success.then(|| r.stdout.trim().to_string())
}

/// `node_modules/.bin/ajv` from the cache, installing ajv-cli 5 with npm when missing.
fn ajv(opts: &Options, cache: &Path) -> Result<(PathBuf, String)> {
    let prefix = cache.join("npm");
    let bin = prefix.join("node_modules/.bin/ajv");
    if !bin.is_file() {
        if opts.no_install {
            bail!("not installed at {} (and --no-install)", bin.display());
        }
        if which("npm").is_none() {
            bail!("npm is not on PATH, so ajv-cli cannot be installed");
        }
        std::fs::create_dir_all(&prefix)?;
        let p = prefix.to_string_lossy().into_owned();
        setup_step(
            "installing ajv-cli",
            "npm",
            &[
                "install",
                "--no-fund",
                "--no-audit",
                "--prefix",
                &p,
                "ajv-cli@5",
            ],
            cache,
            opts.timeout,
        )?;
    }
    let version = |pkg: &str| -> String {
        std::fs::read_to_string(prefix.join(format!("node_modules/{pkg}/package.json")))
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|v| v["version"].as_str().map(str::to_owned))
            .unwrap_or_else(|| "?".into())
    };
    let node =
        capture("node", &["--version"], Duration::from_secs(30)).unwrap_or_else(|| "?".into());
    Ok((
        bin,
        format!(
            "ajv-cli {} (ajv {}), node {node}",
            version("ajv-cli"),
            version("ajv")
        ),
    ))
}

/// `venv/bin/check-jsonschema` from the cache, installing it with pip when missing.
fn check_jsonschema(opts: &Options, cache: &Path) -> Result<(PathBuf, String)> {
    let venv = cache.join("venv");
    let bin = venv.join("bin/check-jsonschema");
    if !bin.is_file() {
        if opts.no_install {
            bail!("not installed at {} (and --no-install)", bin.display());
        }
        let python = ["python3", "python"]
            .into_iter()
            .find(|p| which(p).is_some())
            .context("no python3 on PATH")?;
        std::fs::create_dir_all(cache)?;
        let v = venv.to_string_lossy().into_owned();
        let t = opts.timeout;
        setup_step(
            "creating a virtualenv",
            python,
            &["-m", "venv", &v],
            cache,
            t,
        )?;
        let pip = venv.join("bin/pip").to_string_lossy().into_owned();
        setup_step(
            "installing check-jsonschema",
            &pip,
            &["install", "--quiet", "check-jsonschema"],
            cache,
            t,
        )?;
    }
    let version = capture(
        &bin.to_string_lossy(),
        &["--version"],
        Duration::from_secs(60),
    )
    .unwrap_or_else(|| "?".into());
    let python = capture(
        &venv.join("bin/python").to_string_lossy(),
        &["--version"],
        Duration::from_secs(30),
    )
    .unwrap_or_else(|| "?".into());
    Ok((bin, format!("{version}, {python}")))
}

/// The 1-minute load average, to tell a quiet machine from a busy one.
fn load() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Check lynx's JSON report: no findings at all.
fn lynx_findings(json: &str) -> Result<(u64, u64)> {
    let v: serde_json::Value =
        serde_json::from_str(json).context("lynx --format json did not print JSON")?;
    let s = &v["summary"];
    let findings = s["errors"].as_u64().unwrap_or(0)
        + s["warnings"].as_u64().unwrap_or(0)
        + s["infos"].as_u64().unwrap_or(0);
    Ok((s["files"].as_u64().unwrap_or(0), findings))
}

pub fn run(opts: &Options) -> Result<ExitCode> {
    let root = crate::root();
    let timeout = Duration::from_secs(opts.timeout);
    let runs = opts.runs.max(1);

    // 1. The lynx release binary.
    let lynx = release_lynx(opts.lynx.as_deref(), opts.no_build, opts.timeout.max(1800))?;
    let lynx = std::fs::canonicalize(&lynx).with_context(|| {
        format!(
            "no lynx binary at {} (build it with `cargo build --release -p lynx`)",
            lynx.display()
        )
    })?;
    let lynx_version = capture(
        &lynx.to_string_lossy(),
        &["--version"],
        Duration::from_secs(30),
    )
    .unwrap_or_else(|| "?".into());

    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let load_before = load();
    if let Some(l) = load_before.filter(|l| *l > cores as f64 * 0.5) {
        eprintln!(
            "bench: WARNING: load average {l:.2} on {cores} cores: other work on the machine will inflate the figures"
        );
    }

    // 2. The corpus.
    let dir = std::env::temp_dir().join("lynx-bench-validate");
    eprintln!("bench: writing {} files into {}", opts.files, dir.display());
    let corpus = corpus::write(&dir, opts.files)?;
    let scratch = dir.join("scratch");
    std::fs::create_dir_all(&scratch)?;
    let n_files = corpus.tool_files.len() + corpus.workflow_files.len();
    let tool_schema = root.join("schemas/tool.schema.json");
    let workflow_schema = root.join("schemas/workflow.schema.json");
    let project = &corpus.project;

    // 3. The contenders.
    let mut contenders = Vec::new();
    contenders.push(Contender {
        name: "lynx tool:validate",
        invocation: "`lynx tool:validate` in the project folder (no arguments: the whole project, including `lynx.toml`)".into(),
        version: lynx_version.clone(),
        cmds: vec![Cmd::new(&lynx, project).arg("tool:validate")],
        times: Vec::new(),
        failed: None,
    });

    let cache = cache_dir();
    match ajv(opts, &cache) {
        Ok((bin, version)) => {
            // ajv-cli 5 reads YAML data files itself (js-yaml); it is timed on the same YAML
            // files as lynx, and on JSON copies of them (its fastest input).
            let ajv_cmd = |schema: &Path, data: PathBuf| {
                Cmd::new(&bin, project)
                    .args([
                        "validate",
                        "--spec=draft2020",
                        "--strict=false",
                        "--errors=text",
                        "-s",
                    ])
                    .arg(schema)
                    .arg("-d")
                    .arg(data)
            };
            contenders.push(Contender {
                name: "ajv-cli (YAML)",
                invocation: "`ajv validate --spec=draft2020 --strict=false --errors=text -s schemas/tool.schema.json -d 'tools/*.yaml'`, then the same with `workflow.schema.json` and `'workflows/*.yaml'` (ajv-cli expands the globs and parses YAML with js-yaml; the time is the sum)".into(),
                version: version.clone(),
                cmds: vec![
                    ajv_cmd(&tool_schema, PathBuf::from("tools/*.yaml")),
                    ajv_cmd(&workflow_schema, PathBuf::from("workflows/*.yaml")),
                ],
                times: Vec::new(),
                failed: None,
            });
            contenders.push(Contender {
                name: "ajv-cli (JSON)",
                invocation: "the same on JSON copies of the files: `-d 'json/tools/*.json'` and `-d 'json/workflows/*.json'`".into(),
                version,
                cmds: vec![
                    ajv_cmd(&tool_schema, corpus.json_tools.join("*.json")),
                    ajv_cmd(&workflow_schema, corpus.json_workflows.join("*.json")),
                ],
                times: Vec::new(),
                failed: None,
            });
        }
        Err(e) => eprintln!("bench: skipping ajv-cli: {e:#}"),
    }
    match check_jsonschema(opts, &cache) {
        Ok((bin, version)) => {
            contenders.push(Contender {
                name: "check-jsonschema",
                invocation: "`check-jsonschema --schemafile schemas/tool.schema.json tools/*.yaml`, then the same with `workflow.schema.json` and `workflows/*.yaml` (the time is the sum)".into(),
                version,
                cmds: vec![
                    Cmd::new(&bin, project).arg("--schemafile").arg(&tool_schema).args(&corpus.tool_files),
                    Cmd::new(&bin, project).arg("--schemafile").arg(&workflow_schema).args(&corpus.workflow_files),
                ],
                times: Vec::new(),
                failed: None,
            });
        }
        Err(e) => eprintln!("bench: skipping check-jsonschema: {e:#}"),
    }

    // 4. Correctness first: every contender must accept the whole corpus.
    let json_run = run_once(
        &Cmd::new(&lynx, project).args(["tool:validate", "--format", "json"]),
        timeout,
        &scratch,
    )?;
    let (lynx_files, lynx_findings) = lynx_findings(&json_run.stdout)?;
    eprintln!(
        "bench: lynx --format json: {lynx_files} files, {lynx_findings} findings (exit {})",
        if json_run.success { "0" } else { "non-zero" }
    );
    if lynx_findings > 0 || !json_run.success {
        let path = dir.join("lynx-findings.json");
        std::fs::write(&path, &json_run.stdout)?;
        eprintln!(
            "bench: WARNING: the corpus is not clean for lynx; its report is in {}",
            path.display()
        );
    }
    for c in &mut contenders {
        match c.run(timeout, &scratch) {
            Ok((_, results)) => {
                if let Some(bad) = results.iter().find(|r| !r.success) {
                    let tail: String = bad
                        .stderr
                        .lines()
                        .chain(bad.stdout.lines())
                        .filter(|l| !l.ends_with(" valid"))
                        .take(12)
                        .collect::<Vec<_>>()
                        .join("\n");
                    c.failed = Some(format!("rejected the corpus:\n{tail}"));
                }
            }
            Err(e) => c.failed = Some(format!("{e:#}")),
        }
        if let Some(why) = &c.failed {
            eprintln!("bench: {} {why}", c.name);
        }
    }

    // 5. Timed runs, hyperfine-style: per contender one warm-up run, then `runs` runs back to
    //    back (interleaving them penalises the short lynx runs with the caches and memory that
    //    the long competitor runs just churned).
    for c in contenders.iter_mut().filter(|c| c.failed.is_none()) {
        if let Err(e) = c.run(timeout, &scratch) {
            c.failed = Some(format!("{e:#}"));
            continue;
        }
        for _ in 0..runs {
            match c.run(timeout, &scratch) {
                Ok((t, _)) => c.times.push(t),
                Err(e) => {
                    c.failed = Some(format!("{e:#}"));
                    break;
                }
            }
        }
        eprintln!("bench: {}: {runs} runs done", c.name);
    }

    // 6. Small measurements: one file, and start-up.
    let small = opts.small_runs.max(1);
    let single_rel = corpus.tool_files[0].clone();
    let single = Cmd::new(&lynx, project)
        .arg("tool:validate")
        .arg(&single_rel);
    let version = Cmd::new(&lynx, project).arg("--version");
    let mut small_times: Vec<(String, Vec<Duration>, f64)> = Vec::new();
    for (label, cmd, target_ms) in [
        (
            format!("lynx tool:validate {}", single_rel.display()),
            &single,
            10.0,
        ),
        ("lynx --version".to_string(), &version, 5.0),
    ] {
        let _ = run_once(cmd, timeout, &scratch)?; // warm-up
        let mut times = Vec::new();
        for _ in 0..small {
            let r = run_once(cmd, timeout, &scratch)?;
            if !r.success {
                eprintln!("bench: {label} failed: {}", r.stderr.trim());
            }
            times.push(r.elapsed);
        }
        small_times.push((label, times, target_ms));
    }

    // 7. Report.
    println!();
    println!("machine:  {}", machine());
    let fmt_load = |l: Option<f64>| l.map_or("?".to_string(), |l| format!("{l:.2}"));
    println!(
        "load:     1-minute load average {} before the runs, {} after",
        fmt_load(load_before),
        fmt_load(load())
    );
    println!(
        "corpus:   {} files ({} tool files with {} tools, {} workflows) + lynx.toml, in {}",
        n_files,
        corpus.tool_files.len(),
        corpus.tools,
        corpus.workflow_files.len(),
        project.display()
    );
    for c in &contenders {
        println!("version:  {:<18} {}", c.name, c.version);
    }
    println!();
    println!("| tool | files | best of {runs} | median | × lynx (median) | × lynx (best) |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    let lynx_stats = stats(&contenders[0].times);
    let mut figures = Vec::new();
    for c in &contenders {
        match (stats(&c.times), &c.failed) {
            (Some(st), None) => {
                let (rm, rb) = match lynx_stats {
                    Some(l) => (
                        st.median.as_secs_f64() / l.median.as_secs_f64(),
                        st.best.as_secs_f64() / l.best.as_secs_f64(),
                    ),
                    None => (f64::NAN, f64::NAN),
                };
                println!(
                    "| {} | {} | {} | {} | {rm:.1}× | {rb:.1}× |",
                    c.name,
                    n_files,
                    ms(st.best),
                    ms(st.median)
                );
                figures.push(serde_json::json!({
                    "tool": c.name, "version": c.version, "files": n_files,
                    "best_ms": st.best.as_secs_f64() * 1e3, "median_ms": st.median.as_secs_f64() * 1e3,
                    "ratio_median": rm, "ratio_best": rb,
                }));
            }
            (_, failed) => println!(
                "| {} | {} | – | – | – | – |  ({})",
                c.name,
                n_files,
                failed
                    .as_deref()
                    .unwrap_or("no runs")
                    .lines()
                    .next()
                    .unwrap_or("")
            ),
        }
    }
    for (label, times, _) in &small_times {
        if let Some(st) = stats(times) {
            println!(
                "| {label} (best of {small}) | {} | {} | {} | | |",
                if label.ends_with("--version") { 0 } else { 1 },
                ms(st.best),
                ms(st.median)
            );
        }
    }

    println!();
    println!("targets:");
    let mut all_met = true;
    let mut line = |ok: bool, text: String| {
        all_met &= ok;
        println!("  [{}] {text}", if ok { "met" } else { "MISSED" });
    };
    for (name, want) in [
        ("ajv-cli (YAML)", 10.0),
        ("ajv-cli (JSON)", 10.0),
        ("check-jsonschema", 50.0),
    ] {
        let Some(c) = contenders.iter().find(|c| c.name == name) else {
            println!("  [skipped] {name}/lynx ≥ {want}×: not available");
            continue;
        };
        match (stats(&c.times), lynx_stats, &c.failed) {
            (Some(st), Some(l), None) => {
                let r = st.median.as_secs_f64() / l.median.as_secs_f64();
                line(
                    r >= want,
                    format!("{name}/lynx ≥ {want}× (medians): {r:.1}×"),
                );
            }
            _ => println!("  [skipped] {name}/lynx ≥ {want}×: {name} did not run"),
        }
    }
    for (label, times, target) in &small_times {
        if let Some(st) = stats(times) {
            let best = st.best.as_secs_f64() * 1e3;
            line(
                best < *target,
                format!(
                    "{label} < {target} ms (best): {best:.2} ms, median {:.2} ms",
                    st.median.as_secs_f64() * 1e3
                ),
            );
        }
    }
    if lynx_findings > 0 {
        line(
            false,
            format!("corpus clean for lynx: {lynx_findings} findings"),
        );
    }

    if opts.json {
        let small_json: Vec<_> = small_times
            .iter()
            .filter_map(|(label, times, target)| {
                stats(times).map(|st| serde_json::json!({"command": label, "best_ms": st.best.as_secs_f64() * 1e3, "median_ms": st.median.as_secs_f64() * 1e3, "target_ms": target}))
            })
            .collect();
        let doc = serde_json::json!({
            "machine": machine(), "load_before": load_before, "files": n_files, "runs": runs, "lynx_findings": lynx_findings,
            "contenders": figures, "small": small_json,
        });
        println!();
        println!("{}", serde_json::to_string_pretty(&doc)?);
    }
    println!();
    println!("invocations:");
    for c in &contenders {
        println!("  {}: {}", c.name, c.invocation);
    }
    println!();
    println!(
        "{}",
        if all_met {
            "all targets met"
        } else {
            "some targets MISSED (see above)"
        }
    );
    Ok(ExitCode::SUCCESS)
}
