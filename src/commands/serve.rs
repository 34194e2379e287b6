//! `lynx serve`: resolve settings, build the runtime, run a transport until told to stop.

use crate::cli::ServeArgs;
use crate::exit::{Outcome, UsageError};
use crate::project::model::Dur;
use crate::project::{LoadOptions, Project, Scope};
use crate::runtime::catalog::Catalog;
use crate::runtime::engine::Runtime;
use crate::runtime::http::{self, HttpSettings, HttpState};
use crate::runtime::pipeline::Pipeline;
use crate::runtime::protocol::{Dispatcher, ServerInfo};
use serde_json::Value;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// `lynx serve`'s settings, resolved: flag > `LYNX_*` > lynx.toml `[server]` > default.
struct Settings {
    stdio: bool,
    listen: SocketAddr,
    http: HttpSettings,
    shutdown_timeout: Duration,
    watch: bool,
}

fn resolve(args: &ServeArgs, server: &Value) -> anyhow::Result<Settings> {
    let cfg_str = |k: &str| server.get(k).and_then(Value::as_str).map(str::to_owned);
    let cfg_list = |k: &str| -> Vec<String> {
        server
            .get(k)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let cfg_usize = |k: &str| server.get(k).and_then(Value::as_u64).map(|n| n as usize);
    let dur = |flag: Option<&String>, key: &str, default: Duration| -> anyhow::Result<Duration> {
        match flag.cloned().or_else(|| cfg_str(key)) {
            Some(text) => Dur::parse(&text).map(|d| d.0).ok_or_else(|| {
                UsageError::new(format!("`{key}`: `{text}` is not a duration like `10s`")).into()
            }),
            None => Ok(default),
        }
    };
    let listen_text = args
        .listen
        .clone()
        .or_else(|| cfg_str("listen"))
        .unwrap_or_else(|| "127.0.0.1:7878".into());
    let listen: SocketAddr = listen_text.parse().map_err(|_| {
        UsageError::new(format!(
            "`--listen {listen_text}`: expected HOST:PORT with an IP address, like 127.0.0.1:7878"
        ))
    })?;
    let allow_remote = args.allow_remote
        || server
            .get("allow_remote")
            .and_then(Value::as_bool)
            .unwrap_or(false);
    if !args.stdio && !listen.ip().is_loopback() && !allow_remote {
        return Err(UsageError::new(format!(
            "refusing to listen on {listen}: it is not a loopback address and lynx has no authentication yet\nhelp: pass `--allow-remote` if anyone who can reach this port may call every tool"
        ))
        .into());
    }
    let defaults = HttpSettings::default();
    let path = cfg_str("path").unwrap_or(defaults.path.clone());
    Ok(Settings {
        stdio: args.stdio,
        listen,
        http: HttpSettings {
            path,
            allowed_hosts: cfg_list("allowed_hosts"),
            allowed_origins: cfg_list("allowed_origins"),
            max_body_bytes: cfg_usize("max_body_bytes").unwrap_or(defaults.max_body_bytes),
            max_sessions: cfg_usize("max_sessions").unwrap_or(defaults.max_sessions),
            session_idle: dur(None, "session_idle_timeout", defaults.session_idle)?,
            max_concurrency: cfg_usize("max_concurrency").unwrap_or(defaults.max_concurrency),
        },
        shutdown_timeout: dur(
            args.shutdown_timeout.as_ref(),
            "shutdown_timeout",
            Duration::from_secs(10),
        )?,
        watch: !args.no_watch,
    })
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("LYNX_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // Logs go to stderr, always: in stdio mode stdout carries MCP messages only.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(super::color_enabled(
            crate::cli::ColorChoice::Auto,
            std::io::IsTerminal::is_terminal(&std::io::stderr()),
        ))
        .with_target(false)
        .try_init();
}

/// A long-running server keeps small pages. mimalloc backs its arenas with transparent huge
/// pages, which suits one-shot commands (`tool:validate` is a third slower without them) but
/// leaves an idle server holding ~10 MiB more than it uses (docs/benchmarks.md). mimalloc reads
/// the switch only at process start, before `main`, so `serve` re-executes itself once with it
/// set; the pid, arguments and file descriptors stay the same. If that fails the server runs
/// on, with huge pages.
fn prefer_small_pages() {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        const SWITCH: &str = "MIMALLOC_ALLOW_THP";
        if std::env::var_os(SWITCH).is_some() {
            return;
        }
        if let Ok(exe) = std::env::current_exe() {
            // `exec` returns only when it failed.
            let _ = std::process::Command::new(exe)
                .args(std::env::args_os().skip(1))
                .env(SWITCH, "0")
                .exec();
        }
    }
}

pub fn run(args: &ServeArgs, config: Option<PathBuf>) -> anyhow::Result<Outcome> {
    prefer_small_pages();
    let project = match super::valid_project(config.clone())? {
        Ok(p) => p,
        Err(outcome) => return Ok(outcome),
    };
    let settings = resolve(args, &project.config.server)?;
    init_logging();
    let catalog = Catalog::build(&project);
    for (id, why) in &catalog.skipped {
        tracing::warn!("`{id}` is not served: {why}");
    }
    let tools = catalog.tools().len();
    let runtime = Arc::new(Runtime::new(catalog, Pipeline::standard()));
    let info = ServerInfo {
        name: "lynx".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    };
    let conformance = args.conformance_fixtures;
    let rt = super::tokio()?;
    rt.block_on(async move {
        if settings.watch || cfg!(unix) {
            tokio::spawn(reload_loop(runtime.clone(), project, settings.watch));
        }
        let mut dispatcher = Dispatcher::new(runtime.clone(), info);
        if conformance {
            dispatcher = dispatcher.with_extension(Arc::new(
                crate::runtime::fixtures::ConformanceFixtures::default().with_runtime(runtime),
            ));
        }
        if settings.stdio {
            tracing::info!("serving {tools} tools on stdio");
            crate::runtime::stdio::serve(
                Arc::new(dispatcher),
                tokio::io::stdin(),
                tokio::io::stdout(),
            )
            .await;
            return Ok(Outcome::Success);
        }
        let listener = tokio::net::TcpListener::bind(settings.listen)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.listen))?;
        let bound = listener.local_addr()?;
        let path = settings.http.path.clone();
        let runtime = dispatcher.runtime.clone();
        let state = Arc::new(HttpState::new(dispatcher, settings.http, bound));
        eprintln!("lynx serve: {tools} tools on http://{bound}{path} (Ctrl-C to stop)");
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(http::serve(listener, state, async move {
            let _ = stop_rx.await;
        }));
        shutdown_signal().await;
        tracing::info!(
            "shutting down: draining calls in flight (up to {:?})",
            settings.shutdown_timeout
        );
        // Ends the long-lived notification streams, which would otherwise hold the drain open.
        runtime.close();
        let _ = stop_tx.send(());
        match tokio::time::timeout(settings.shutdown_timeout, server).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(e))) => return Err(anyhow::anyhow!("server error: {e}")),
            Ok(Err(e)) => return Err(anyhow::anyhow!("server task failed: {e}")),
            Err(_) => tracing::warn!(
                "calls still in flight after {:?}: cancelled",
                settings.shutdown_timeout
            ),
        }
        Ok(Outcome::Success)
    })
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).ok();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending().await } } => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

/// What a project's files look like on disk: a change means "reload".
fn fingerprint(project: &Project) -> Vec<(PathBuf, Option<std::time::SystemTime>, u64)> {
    let mut paths: Vec<PathBuf> = project.files.iter().map(|f| f.path.clone()).collect();
    if let Some(root) = &project.root {
        let globs: Vec<String> = project
            .config
            .project
            .tools
            .iter()
            .chain(&project.config.project.workflows)
            .cloned()
            .collect();
        let mut b = globset::GlobSetBuilder::new();
        for g in &globs {
            if let Ok(g) = globset::Glob::new(g) {
                b.add(g);
            }
        }
        if let Ok(set) = b.build() {
            paths.extend(crate::project::walk(root, |p| {
                p.strip_prefix(root).is_ok_and(|r| set.is_match(r))
            }));
        }
    }
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .map(|p| {
            let meta = std::fs::metadata(&p).ok();
            let modified = meta.as_ref().and_then(|m| m.modified().ok());
            let len = meta.map_or(0, |m| m.len());
            (p, modified, len)
        })
        .collect()
}

/// Reloads on SIGHUP and (with `watch`) when a project file changes: the new project is
/// validated first; if it has errors the old catalog keeps serving and the errors are logged.
async fn reload_loop(runtime: Arc<Runtime>, mut project: Project, watch: bool) {
    let config = project
        .docs
        .first()
        .map(|d| project.files[d.file.0].path.clone());
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut seen = fingerprint(&project);
    #[cfg(unix)]
    let mut hup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok();
    loop {
        let forced;
        #[cfg(unix)]
        {
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(1)), if watch => { forced = false; }
                _ = async { match hup.as_mut() { Some(h) => { h.recv().await; } None => std::future::pending().await } } => { forced = true; }
            }
        }
        #[cfg(not(unix))]
        {
            if !watch {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
            forced = false;
        }
        let now = fingerprint(&project);
        if !forced && now == seen {
            continue;
        }
        seen = now;
        let opts = LoadOptions {
            cwd: cwd.clone(),
            config: config.clone(),
            extra: Vec::new(),
            context: Scope::All,
        };
        let next = tokio::task::spawn_blocking(move || {
            let p = Project::load(&opts);
            let errors: Vec<String> = crate::lint::check(&p, None)
                .into_iter()
                .filter(|d| d.severity == crate::lint::diagnostic::Severity::Error)
                .map(|d| {
                    let f = p.file(d.file);
                    let at = d
                        .span
                        .map(|s| f.line_col(s.start))
                        .map_or(String::new(), |lc| format!(":{}:{}", lc.line, lc.column));
                    format!("{}{at}: {} [{}]", f.display, d.message, d.rule)
                })
                .collect();
            (p, errors)
        })
        .await;
        let Ok((next, errors)) = next else { continue };
        if !errors.is_empty() {
            tracing::warn!(
                "reload refused, still serving the previous tools: {} error(s)",
                errors.len()
            );
            for e in errors.iter().take(20) {
                tracing::warn!("  {e}");
            }
            continue;
        }
        let catalog = Catalog::build(&next);
        for (id, why) in &catalog.skipped {
            tracing::warn!("`{id}` is not served: {why}");
        }
        tracing::info!("reloaded: {} tools", catalog.tools().len());
        runtime.swap(catalog);
        project = next;
    }
}
