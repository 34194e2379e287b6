//! `lynx bench`: a load generator that speaks MCP — protocol eras and sessions, stdio
//! servers, JSON-RPC and tool errors inside 200 responses, SSE answers.
//!
//! The flow (driven by `commands/bench.rs`): [`target::negotiate`] the era like a real client,
//! build the request [`work::Template`]s once, [`validate`] that each kind of call succeeds,
//! then [`load::run_level`] per concurrency level, and turn the merged tallies into a
//! [`Report`] ([`stats`]), checked against budgets ([`budget`]) and a baseline ([`compare`]),
//! rendered by [`render`].
//!
//! Invariant: no terminal IO here (the command owns the progress bar and the output); the
//! generator keeps per-request work to one body buffer and a borrowed parse of the answer.

pub mod budget;
pub mod classify;
pub mod compare;
pub mod load;
pub mod render;
pub mod stats;
pub mod target;
pub mod work;

use serde::{Deserialize, Serialize};
use stats::{Failure, Level};
use std::sync::Arc;
use std::time::Duration;
use target::{Conn, Target};
use work::{Era, Template};

/// The version of the JSON report (and baseline file) layout; see docs/bench.md.
pub const SCHEMA: &str = "lynx-bench/1";

/// What was measured and how: the whole output of a run (`--format json`, `--save-baseline`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Always `lynx-bench/1` for this layout.
    pub schema: String,
    pub lynx_version: String,
    pub target: TargetInfo,
    /// What each request does: `tools/call NAME`, `tools/list`, or `mix of N calls (…)`.
    pub work: String,
    pub load: LoadInfo,
    /// One entry per concurrency level, in the order run.
    pub levels: Vec<Level>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TargetInfo {
    /// `http`, `stdio` or `embedded`.
    pub kind: String,
    /// The URL or the command.
    pub address: String,
    /// The protocol version spoken (`2026-07-28`, or the handshake version).
    pub protocol: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoadInfo {
    /// `closed` or `open`.
    pub mode: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<f64>,
    pub warmup_s: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    pub timeout_s: f64,
}

/// Why a run could not start.
#[derive(Debug)]
pub struct NotReady {
    /// What was being tried: `connecting`, `tools/call demo.echo`, …
    pub what: String,
    pub failure: Failure,
}

/// One call of each kind must succeed before any load is sent.
pub async fn validate(
    target: &Target,
    era: &Era,
    templates: &[Template],
    timeout: Duration,
) -> Result<(), NotReady> {
    // Kept stderr: a stdio server that fails to start says why in the error.
    let mut conn = Conn::open_checked(target, era)
        .await
        .map_err(|failure| NotReady {
            what: "connecting".into(),
            failure,
        })?;
    let mut result = Ok(());
    for t in templates {
        let outcome = match tokio::time::timeout(timeout, conn.call(t)).await {
            Ok(o) => o.0,
            Err(_) => Err(Failure::new(
                stats::ErrorKind::Timeout,
                format!("no answer within {timeout:?} (--timeout)"),
            )),
        };
        if let Err(failure) = outcome {
            result = Err(NotReady {
                what: t.label.clone(),
                failure,
            });
            break;
        }
    }
    conn.close().await;
    result
}

/// An in-process `lynx serve` of `project` on 127.0.0.1 (a free port), for `--embedded`.
/// Returns its endpoint and a handle that stops it.
pub async fn start_embedded(
    project: &crate::project::Project,
) -> std::io::Result<(String, tokio::sync::oneshot::Sender<()>)> {
    use crate::runtime::{catalog::Catalog, engine::Runtime, http, pipeline::Pipeline, protocol};
    let runtime = Arc::new(Runtime::new(Catalog::build(project), Pipeline::standard()));
    let info = protocol::ServerInfo {
        name: "lynx".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    };
    let dispatcher = protocol::Dispatcher::new(runtime, info);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let bound = listener.local_addr()?;
    let settings = http::HttpSettings {
        // The generator decides the concurrency; the server should not refuse it.
        max_concurrency: 1 << 16,
        max_sessions: 1 << 16,
        ..http::HttpSettings::default()
    };
    let path = settings.path.clone();
    let state = Arc::new(http::HttpState::new(dispatcher, settings, bound));
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(http::serve(listener, state, async move {
        let _ = rx.await;
    }));
    Ok((format!("http://{bound}{path}"), tx))
}
