//! `lynx bench`: resolve the flags into a plan, start the target, validate, run each level with
//! a live progress bar on stderr, then print, save, compare and judge the results.

use crate::bench::budget::{self, Budget};
use crate::bench::compare::{self, Comparison};
use crate::bench::load::{self, LevelPlan, Progress};
use crate::bench::render::{self, Extras, JsonOut};
use crate::bench::target::{self, HttpTarget, Protocol, Target};
use crate::bench::work::{self, Call, Era, Template};
use crate::bench::{self as lib, LoadInfo, Report, TargetInfo};
use crate::cli::{BenchArgs, BenchProtocol, DataFormat};
use crate::exit::{Outcome, UsageError};
use crate::project::model::Dur;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// Most concurrent workers per level.
const MAX_CONCURRENCY: usize = 10_000;

enum TargetPlan {
    Url(String),
    Stdio(Vec<String>),
    Embedded,
}

/// The flags, resolved and checked.
struct Plan {
    target: TargetPlan,
    protocol: Protocol,
    calls: Vec<Call>,
    levels: Vec<usize>,
    requests: Option<u64>,
    duration: Option<Duration>,
    warmup: Duration,
    rate: Option<f64>,
    timeout: Duration,
    budgets: Option<Vec<Budget>>,
    baseline: Option<Report>,
}

fn usage(message: impl Into<String>) -> anyhow::Error {
    UsageError::new(message).into()
}

fn duration(flag: &str, text: &str) -> anyhow::Result<Duration> {
    Dur::parse(text.trim()).map(|d| d.0).ok_or_else(|| {
        usage(format!(
            "`{flag} {text}` is not a duration; write e.g. `500ms`, `30s` or `2m`"
        ))
    })
}

fn resolve(args: &BenchArgs) -> anyhow::Result<Plan> {
    let target = match (&args.url, &args.stdio, args.embedded) {
        (Some(url), _, _) => TargetPlan::Url(url.clone()),
        (_, Some(cmd), _) => TargetPlan::Stdio(target::split_command(cmd).map_err(usage)?),
        _ => TargetPlan::Embedded,
    };
    let protocol = match args.protocol {
        BenchProtocol::Auto => Protocol::Auto,
        BenchProtocol::V2026_07_28 => Protocol::Fixed(Era::Modern),
        BenchProtocol::V2025_11_25 => Protocol::Fixed(Era::Legacy("2025-11-25".into())),
        BenchProtocol::V2025_06_18 => Protocol::Fixed(Era::Legacy("2025-06-18".into())),
    };
    let calls = if let Some(tool) = &args.tool {
        vec![Call::tool(tool, super::tool_call::parse_args(&args.args)?)]
    } else if let Some(path) = &args.mix {
        let text = std::fs::read_to_string(path)
            .map_err(|e| usage(format!("`--mix {}`: cannot read it: {e}", path.display())))?;
        work::parse_mix(&path.display().to_string(), &text).map_err(usage)?
    } else {
        let method = args.method.clone().unwrap_or_default();
        match method.as_str() {
            "tools/call" => {
                return Err(usage(
                    "`--method tools/call`: use `--tool NAME --args JSON` to call a tool",
                ));
            }
            _ => {
                work::check_method(&method)
                    .map_err(|why| usage(format!("`--method {method}`: {why}")))?;
                vec![Call::method(&method)]
            }
        }
    };
    if let Some(&bad) = args
        .concurrency
        .iter()
        .find(|&&c| c == 0 || c > MAX_CONCURRENCY)
    {
        return Err(usage(format!(
            "`-c {bad}`: concurrency must be between 1 and {MAX_CONCURRENCY}"
        )));
    }
    if args.requests == Some(0) {
        return Err(usage("`-n 0`: ask for at least one request"));
    }
    let mut duration_window = args
        .duration
        .as_deref()
        .map(|d| duration("--duration", d))
        .transpose()?;
    if duration_window == Some(Duration::ZERO) {
        return Err(usage("`--duration` must be longer than 0s"));
    }
    if duration_window.is_none() && args.requests.is_none() {
        duration_window = Some(Duration::from_secs(10));
    }
    let timeout = duration("--timeout", &args.timeout)?;
    if timeout.is_zero() {
        return Err(usage("`--timeout` must be longer than 0s"));
    }
    let rate = match &args.rate {
        None => None,
        Some(text) => {
            let t = text.trim();
            let t = t.strip_suffix("/s").unwrap_or(t);
            let r = t
                .parse::<f64>()
                .ok()
                .filter(|r| r.is_finite() && *r > 0.0 && *r <= 10_000_000.0)
                .ok_or_else(|| {
                    usage(format!(
                        "`--rate {text}`: expected requests per second, like `--rate 500` or `--rate 500/s`"
                    ))
                })?;
            Some(r)
        }
    };
    let budgets = args
        .fail_if
        .as_deref()
        .map(budget::parse)
        .transpose()
        .map_err(usage)?;
    if let Some(b) = budgets.iter().flatten().find(|b| b.relative)
        && args.compare.is_none()
    {
        return Err(usage(format!(
            "`--fail-if {}` is a change against a baseline: add `--compare FILE` (written by `--save-baseline`)",
            b.text
        )));
    }
    if let Some(path) = &args.save_baseline {
        writable(path).map_err(usage)?;
    }
    let baseline = match &args.compare {
        None => None,
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                usage(format!(
                    "`--compare {}`: cannot read it: {e}",
                    path.display()
                ))
            })?;
            Some(compare::parse_baseline(&path.display().to_string(), &text).map_err(usage)?)
        }
    };
    Ok(Plan {
        target,
        protocol,
        calls,
        levels: args.concurrency.clone(),
        requests: args.requests,
        duration: duration_window,
        warmup: duration("--warmup", &args.warmup)?,
        rate,
        timeout,
        budgets,
        baseline,
    })
}

/// Whether `--save-baseline PATH` can be written, checked before any load is sent so a run
/// is not thrown away at the end. Creates nothing: the file is only written after the report.
fn writable(path: &std::path::Path) -> Result<(), String> {
    let flag = format!("`--save-baseline {}`", path.display());
    if path.is_dir() {
        return Err(format!(
            "{flag} is a directory: name a file, e.g. bench.json"
        ));
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    };
    match std::fs::metadata(parent) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(format!(
                "{flag}: `{}` is not a directory; name a file in an existing directory",
                parent.display()
            ));
        }
        Err(e) => {
            return Err(format!(
                "{flag}: cannot use directory `{}`: {e}; create it first",
                parent.display()
            ));
        }
    }
    if let Ok(m) = std::fs::metadata(path)
        && m.permissions().readonly()
    {
        return Err(format!(
            "{flag} is read-only: make it writable or name another file"
        ));
    }
    Ok(())
}

pub fn run(args: &BenchArgs, config: Option<PathBuf>) -> anyhow::Result<Outcome> {
    let plan = resolve(args)?;
    let project = match plan.target {
        TargetPlan::Embedded => match super::valid_project(config)? {
            Ok(p) => Some(p),
            Err(outcome) => return Ok(outcome),
        },
        _ => None,
    };
    let rt = super::tokio()?;
    let result = rt.block_on(bench(args, &plan, project.as_ref()));
    // Workers' leftover connection tasks must not hold the process open.
    rt.shutdown_timeout(Duration::from_secs(1));
    result
}

/// A failure before any load: said on stderr, exit 1.
fn not_ready(message: &str) -> anyhow::Result<Outcome> {
    let _ = writeln!(std::io::stderr(), "error: {message}");
    Ok(Outcome::Findings)
}

async fn bench(
    args: &BenchArgs,
    plan: &Plan,
    project: Option<&crate::project::Project>,
) -> anyhow::Result<Outcome> {
    let mut _server = None;
    let (target, kind) = match &plan.target {
        TargetPlan::Url(url) => (
            Target::Http(Arc::new(HttpTarget::resolve(url).await.map_err(usage)?)),
            "http",
        ),
        TargetPlan::Stdio(argv) => (Target::Stdio(Arc::new(argv.clone())), "stdio"),
        TargetPlan::Embedded => {
            let Some(project) = project else {
                return Err(anyhow::anyhow!("--embedded without a project"));
            };
            let (url, stop) = lib::start_embedded(project)
                .await
                .map_err(|e| anyhow::anyhow!("starting the embedded server: {e}"))?;
            _server = Some(stop);
            (
                Target::Http(Arc::new(HttpTarget::resolve(&url).await.map_err(usage)?)),
                "embedded",
            )
        }
    };
    let era = match target::negotiate(&target, &plan.protocol, plan.timeout).await {
        Ok(era) => era,
        Err(f) => {
            let help = match target {
                Target::Http(_) => {
                    "is the server running and is that its MCP endpoint? (`--protocol` skips the era probe)"
                }
                Target::Stdio(_) => {
                    "run the command by hand: it must speak MCP (JSON-RPC lines) on stdin/stdout"
                }
            };
            return not_ready(&format!(
                "cannot bench `{}`: {}\nhelp: {help}",
                target.describe(),
                f.detail
            ));
        }
    };
    let templates: Arc<Vec<Template>> =
        Arc::new(plan.calls.iter().map(|c| Template::new(c, &era)).collect());
    let schedule = Arc::new(work::schedule(&plan.calls));
    if let Err(e) = lib::validate(&target, &era, &templates, plan.timeout).await {
        let hint = match e.failure.kind {
            crate::bench::stats::ErrorKind::Rpc(-32602) => {
                "\nhelp: check the tool name (`lynx tool:list --server URL`) and `--args`"
            }
            crate::bench::stats::ErrorKind::Rpc(-32601) => {
                "\nhelp: the server does not know that method; check `--method` (or the mix file's `method:`) and `--protocol`"
            }
            crate::bench::stats::ErrorKind::Tool => {
                "\nhelp: the tool ran and reported an error; check `--args`"
            }
            crate::bench::stats::ErrorKind::Connect => "\nhelp: is the server running there?",
            _ => "",
        };
        return not_ready(&format!(
            "the validation call failed, so no load was sent: `{}` → {}: {}{hint}",
            e.what,
            e.failure.kind.label(),
            e.failure.detail
        ));
    }
    let mut levels = Vec::with_capacity(plan.levels.len());
    for &c in &plan.levels {
        let level_plan = LevelPlan {
            concurrency: c,
            requests: plan.requests,
            duration: plan.duration,
            warmup: plan.warmup,
            rate: plan.rate,
            timeout: plan.timeout,
        };
        let progress = Arc::new(Progress::default());
        let bar = progress_bar(&level_plan, args.format);
        let ticker = tokio::spawn(tick(bar.clone(), progress.clone(), level_plan.clone()));
        let result = load::run_level(
            &target,
            &era,
            templates.clone(),
            schedule.clone(),
            &level_plan,
            progress,
        )
        .await;
        ticker.abort();
        bar.finish_and_clear();
        match result {
            Ok(level) => levels.push(level),
            Err(f) => {
                return not_ready(&format!(
                    "level c={c}: {}\nhelp: lower `-c`, or raise the server's connection/session limits",
                    f.detail
                ));
            }
        }
    }
    let report = Report {
        schema: lib::SCHEMA.into(),
        lynx_version: env!("CARGO_PKG_VERSION").into(),
        target: TargetInfo {
            kind: kind.into(),
            address: target.describe(),
            protocol: era.version().into(),
        },
        work: work::describe(&plan.calls),
        load: LoadInfo {
            mode: if plan.rate.is_some() {
                "open"
            } else {
                "closed"
            }
            .into(),
            requests: plan.requests,
            duration_s: plan.duration.map(|d| d.as_secs_f64()),
            warmup_s: plan.warmup.as_secs_f64(),
            rate: plan.rate,
            timeout_s: plan.timeout.as_secs_f64(),
        },
        levels,
    };
    let comparison: Option<Comparison> =
        plan.baseline.as_ref().map(|b| compare::compare(b, &report));
    let broken = plan.budgets.as_ref().map(|b| {
        let base = plan.baseline.as_ref().map(|r| r.levels.as_slice());
        budget::check(b, &report.levels, base)
    });
    let text = match args.format {
        DataFormat::Json => render::json(&JsonOut {
            report: &report,
            comparison: comparison.as_ref(),
            budgets_broken: broken.as_deref(),
        }),
        DataFormat::Human => render::human(
            &report,
            &Extras {
                comparison: comparison.as_ref(),
                broken: broken.as_deref(),
                histogram: args.histogram,
            },
        ),
    };
    // The report first: a baseline that cannot be written must not cost the run's results.
    super::print(&text)?;
    if let Some(path) = &args.save_baseline {
        let text = serde_json::to_string_pretty(&report)? + "\n";
        std::fs::write(path, text).map_err(|e| {
            anyhow::anyhow!(
                "`--save-baseline {}`: cannot write it: {e}; the report above is complete, run again with a writable path to save it",
                path.display()
            )
        })?;
        let _ = writeln!(
            std::io::stderr(),
            "baseline saved to `{}` (use it with `--compare`)",
            path.display()
        );
    }
    Ok(match broken {
        Some(b) if !b.is_empty() => Outcome::Findings,
        _ => Outcome::Success,
    })
}

fn progress_bar(plan: &LevelPlan, format: DataFormat) -> indicatif::ProgressBar {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    let visible = std::io::stderr().is_terminal() && format == DataFormat::Human;
    let (len, template) = match (plan.requests, plan.duration) {
        (Some(n), _) => (n, "{prefix} {bar:30.cyan/blue} {pos}/{len} requests  {msg}"),
        (None, Some(d)) => (
            u64::try_from(d.as_millis()).unwrap_or(u64::MAX),
            "{prefix} {bar:30.cyan/blue} {elapsed}  {msg}",
        ),
        (None, None) => (0, "{prefix} {msg}"),
    };
    let bar = ProgressBar::with_draw_target(
        Some(len),
        if visible {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        },
    );
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("█▉▊▋▌▍▎▏ "));
    }
    bar.set_prefix(format!("c={}", plan.concurrency));
    bar.set_message(if plan.warmup.is_zero() {
        "starting".to_string()
    } else {
        "warming up".to_string()
    });
    bar
}

/// Updates the bar five times a second: position, current rate and errors.
async fn tick(bar: indicatif::ProgressBar, progress: Arc<Progress>, plan: LevelPlan) {
    let mut every = tokio::time::interval(Duration::from_millis(200));
    let mut last = (tokio::time::Instant::now(), 0u64);
    let mut started: Option<tokio::time::Instant> = None;
    loop {
        every.tick().await;
        if !progress.measuring.load(Ordering::Relaxed) {
            continue;
        }
        let now = tokio::time::Instant::now();
        let start = *started.get_or_insert(now);
        let done = progress.done.load(Ordering::Relaxed);
        let errors = progress.errors.load(Ordering::Relaxed);
        let dt = now.duration_since(last.0).as_secs_f64();
        let rate = if dt > 0.0 {
            (done - last.1) as f64 / dt
        } else {
            0.0
        };
        last = (now, done);
        match plan.requests {
            Some(_) => bar.set_position(done),
            None => bar.set_position(
                u64::try_from(now.duration_since(start).as_millis()).unwrap_or(u64::MAX),
            ),
        }
        bar.set_message(format!("{rate:.0} req/s, {errors} errors"));
    }
}
