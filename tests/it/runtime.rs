//! The runtime's handlers under misbehaviour (issue 6, items 2, 3 and 7): every failure mode of
//! `exec`, `worker`, Python `module:func` and builtin handlers ends in a clear error, in bounded
//! time, without leaking processes — in process through `Runtime::call`, and for a few cases
//! through the real `lynx tool:call` / `tool:test`. The tools live in `fixtures/runtime/`.

use crate::support::{TempProject, lynx, repo};
use lynx::project::model::Tool;
use lynx::project::{LoadOptions, Project, Scope};
use lynx::runtime::call::{CallContext, CallOutcome, ToolError};
use lynx::runtime::catalog::{Catalog, RetryPolicy, ToolSpec, prepare};
use lynx::runtime::engine::{Runtime, tool_result};
use lynx::runtime::handlers::exec::Command;
use lynx::runtime::handlers::worker::Worker;
use lynx::runtime::pipeline::Pipeline;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Every call is bounded by this guard on top of the tool's own timeout.
const GUARD: Duration = Duration::from_secs(10);

fn fixture() -> PathBuf {
    repo().join("fixtures/runtime")
}

fn load(root: &Path) -> Project {
    Project::load(&LoadOptions {
        cwd: root.to_path_buf(),
        config: Some(root.join("lynx.toml")),
        extra: Vec::new(),
        context: Scope::All,
    })
}

fn runtime() -> Runtime {
    let catalog = Catalog::build(&load(&fixture()));
    assert!(catalog.skipped.is_empty(), "{:?}", catalog.skipped);
    Runtime::new(catalog, Pipeline::standard())
}

/// A runtime serving just `specs`.
fn runtime_of(specs: Vec<ToolSpec>) -> Runtime {
    Runtime::new(Catalog::from_specs(fixture(), specs), Pipeline::standard())
}

/// The fixture's definition of `id`.
fn fixture_def(id: &str) -> Tool {
    load(&fixture())
        .tool_defs()
        .map(|(_, t)| t)
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("no tool `{id}` in fixtures/runtime"))
        .clone()
}

/// A tool definition written inline (the YAML model, as JSON).
fn def(value: Value) -> Tool {
    serde_json::from_value(value).expect("a valid tool definition")
}

async fn call_ctx(rt: &Runtime, tool: &str, args: Value, context: CallContext) -> CallOutcome {
    let args = args.as_object().cloned().expect("args are an object");
    tokio::time::timeout(GUARD, rt.call(tool, args, context))
        .await
        .unwrap_or_else(|_| panic!("`{tool}` did not finish within {GUARD:?}"))
        .expect("the tool is in the catalog")
}

async fn call(rt: &Runtime, tool: &str, args: Value) -> CallOutcome {
    call_ctx(rt, tool, args, CallContext::default()).await
}

fn ok(outcome: CallOutcome) -> Value {
    match outcome {
        Ok(out) => out.value,
        Err(e) => panic!("expected success, got {e:?}"),
    }
}

fn err(outcome: CallOutcome) -> ToolError {
    match outcome {
        Ok(out) => panic!("expected an error, got {}", out.value),
        Err(e) => e,
    }
}

/// Whether `pid` is a live process (a zombie is dead: it only waits to be reaped, and PID 1 of
/// some containers never reaps orphans).
fn alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    if unsafe { libc::kill(pid, 0) } != 0 {
        return false;
    }
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => {
            let state = stat
                .rsplit(')')
                .next()
                .and_then(|r| r.split_whitespace().next());
            !matches!(state, Some("Z" | "X"))
        }
        Err(_) => !cfg!(target_os = "linux"),
    }
}

async fn dies_within(pid: i32, limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if !alive(pid) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    !alive(pid)
}

/// The pids a handler wrote to `path` (it writes the file atomically).
async fn read_pids(path: &Path) -> Vec<i32> {
    let start = Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(path) {
            return text
                .split_whitespace()
                .map(|p| p.parse().expect("a pid"))
                .collect();
        }
        assert!(start.elapsed() < GUARD, "the handler never wrote {path:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn big_args() -> Value {
    json!({ "big": "a".repeat(1_000_000) })
}

// ---------------------------------------------------------------------------------------------
// exec

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_crash_names_the_status_and_the_tail_of_stderr() {
    let rt = runtime();
    let e = err(call(&rt, "rt.domain.exec.crash", json!({})).await);
    let text = e.to_string();
    assert!(matches!(e, ToolError::Retryable(_)), "{e:?}");
    assert!(text.contains("exited with status 3"), "{text}");
    assert!(text.contains("boom: database exploded"), "{text}");
    // A crash is an `isError` result, not a protocol error.
    assert_eq!(tool_result(&Err(e))["isError"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_timeout_kills_the_whole_process_group() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("pids");
    let start = Instant::now();
    let e = err(call(
        &rt,
        "rt.domain.exec.hang",
        json!({ "pidfile": pidfile.to_str().unwrap() }),
    )
    .await);
    assert_eq!(e, ToolError::Timeout(Duration::from_millis(700)));
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    let pids = read_pids(&pidfile).await;
    assert_eq!(pids.len(), 2, "handler and grandchild: {pids:?}");
    for pid in pids {
        assert!(
            dies_within(pid, Duration::from_secs(1)).await,
            "process {pid} of the timed-out handler is still running"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_background_job_left_behind_neither_blocks_the_answer_nor_survives_it() {
    // Regression: the grandchild kept stdout open, so the call waited for the timeout.
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("pid");
    let start = Instant::now();
    let out = ok(call(
        &rt,
        "rt.domain.exec.leave_behind",
        json!({ "pidfile": pidfile.to_str().unwrap() }),
    )
    .await);
    assert_eq!(out, json!({ "ok": true }));
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    let pid = read_pids(&pidfile).await[0];
    assert!(
        dies_within(pid, Duration::from_secs(1)).await,
        "the background job {pid} outlived its call"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_garbage_and_silence_are_clear_errors() {
    let rt = runtime();
    let e = err(call(&rt, "rt.domain.exec.garbage", json!({})).await);
    assert!(matches!(e, ToolError::Tool(_)), "{e:?}");
    let text = e.to_string();
    assert!(text.contains("not JSON"), "{text}");
    assert!(text.contains("hello, this is not json"), "{text}");

    let e = err(call(&rt, "rt.domain.exec.nothing", json!({})).await);
    assert!(e.to_string().contains("printed nothing"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_stdout_flood_fails_fast_and_kills_the_handler() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("pid");
    let start = Instant::now();
    // The handler prints without end: only the cap can end the call before the 10 s timeout.
    let e = err(call(
        &rt,
        "rt.domain.exec.flood",
        json!({ "pidfile": pidfile.to_str().unwrap() }),
    )
    .await);
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    assert!(matches!(e, ToolError::Tool(_)), "{e:?}");
    assert!(e.to_string().contains("more than 1024 bytes"), "{e}");
    assert!(e.to_string().contains("max_output"), "{e}");
    let pid = read_pids(&pidfile).await[0];
    assert!(
        dies_within(pid, Duration::from_secs(1)).await,
        "flooder {pid} survived"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_stderr_flood_while_we_write_stdin_does_not_deadlock() {
    // Regression: stderr was read only up to 16 KiB and then closed, so a handler that kept
    // logging died of SIGPIPE. Draining it concurrently also keeps our write of the 1 MB
    // request from deadlocking against a handler blocked on a full stderr pipe.
    let rt = runtime();
    let start = Instant::now();
    let out = ok(call(&rt, "rt.domain.exec.flood_stderr", big_args()).await);
    assert!(out["read_bytes"].as_u64().unwrap() > 1_000_000, "{out}");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_answering_without_reading_stdin_is_fine() {
    let rt = runtime();
    let out = ok(call(&rt, "rt.domain.exec.no_stdin", big_args()).await);
    assert_eq!(out, json!({ "ok": true }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_answer_shapes() {
    let rt = runtime();
    assert_eq!(
        call(&rt, "rt.domain.exec.error_answer", json!({})).await,
        Err(ToolError::Tool("x".into()))
    );
    // The error answer explains a non-zero exit; it is the tool's answer, not retryable.
    assert_eq!(
        call(&rt, "rt.domain.exec.error_exit", json!({})).await,
        Err(ToolError::Tool("account frozen".into()))
    );
    assert_eq!(
        ok(call(&rt, "rt.domain.exec.output", json!({})).await),
        json!({ "a": 1 })
    );
    assert_eq!(
        ok(call(&rt, "rt.domain.exec.bare", json!({})).await),
        json!({ "a": 1 })
    );
    let scalar = call(&rt, "rt.domain.exec.scalar", json!({})).await;
    assert_eq!(ok(scalar.clone()), json!(42));
    assert_eq!(
        tool_result(&scalar)["structuredContent"],
        json!({ "result": 42 })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_gets_only_allow_listed_environment() {
    // Our own environment certainly has PATH; the handler must not see it.
    assert!(std::env::var_os("PATH").is_some());
    let rt = runtime();
    let out = ok(call(&rt, "rt.domain.exec.env", json!({})).await);
    let env = out["env"].as_object().unwrap();
    for name in env.keys() {
        // `sh` itself exports PWD.
        assert!(
            ["PWD", "RT_ALLOWED"].contains(&name.as_str()),
            "`{name}` leaked into the handler: {out}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_script_paths_stay_relative_to_the_root_under_cwd() {
    // Regression: with `cwd: handlers`, `sh handlers/cwd.sh` looked for handlers/handlers/cwd.sh.
    let rt = runtime();
    let out = ok(call(&rt, "rt.domain.exec.cwd", json!({})).await);
    let cwd = PathBuf::from(out["cwd"].as_str().unwrap());
    assert_eq!(
        cwd.canonicalize().unwrap(),
        fixture().join("handlers").canonicalize().unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_program_that_cannot_start_is_unavailable() {
    let mut spec = prepare(
        &def(json!({ "id": "rt.domain.exec.missing", "handler": "a.b:c" })),
        &fixture(),
    )
    .unwrap();
    spec.handler = Box::new(lynx::runtime::handlers::exec::Exec {
        command: Command {
            program: "/nonexistent/lynx-handler".into(),
            args: Vec::new(),
            cwd: fixture(),
            env: Vec::new(),
        },
        max_output: 1024,
    });
    let rt = runtime_of(vec![spec]);
    let e = err(call(&rt, "rt.domain.exec.missing", json!({})).await);
    assert!(matches!(e, ToolError::Unavailable(_)), "{e:?}");
    assert!(e.to_string().contains("/nonexistent/lynx-handler"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// worker

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn worker_answers_fifty_calls_in_flight_each_with_its_own_answer() {
    let rt = runtime();
    let calls = (0..50).map(|n| {
        let rt = &rt;
        async move { (n, call(rt, "rt.domain.worker.run", json!({ "n": n })).await) }
    });
    let results = futures_util::future::join_all(calls).await;
    let mut pids = std::collections::BTreeSet::new();
    for (n, outcome) in results {
        let out = ok(outcome);
        assert_eq!(out["echo"], json!({ "n": n }), "call {n} got {out}");
        pids.insert(out["pid"].as_i64().unwrap());
    }
    assert_eq!(
        pids.len(),
        1,
        "one worker process serves them all: {pids:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn worker_crash_fails_calls_in_flight_and_the_next_call_succeeds() {
    let rt = runtime();
    let first = ok(call(&rt, "rt.domain.worker.run", json!({})).await);
    let (slow, crash) = tokio::join!(
        call(
            &rt,
            "rt.domain.worker.run",
            json!({ "mode": "slow", "ms": 2000 })
        ),
        async {
            tokio::time::sleep(Duration::from_millis(100)).await;
            call(&rt, "rt.domain.worker.run", json!({ "mode": "crash" })).await
        }
    );
    for e in [err(slow), err(crash)] {
        assert!(matches!(e, ToolError::Unavailable(_)), "{e:?}");
        let text = e.to_string();
        assert!(text.contains("exited"), "{text}");
        assert!(text.contains("the call was lost"), "{text}");
        assert!(text.contains("crashing on purpose"), "stderr tail: {text}");
    }
    let start = Instant::now();
    let next = ok(call(&rt, "rt.domain.worker.run", json!({ "n": 2 })).await);
    assert_eq!(next["echo"], json!({ "n": 2 }));
    assert_ne!(next["pid"], first["pid"], "a new process");
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn worker_never_runs_a_call_its_caller_gave_up_on() {
    // Regression: a request queued while the worker restarted was written to the new process
    // even though its caller had gone (timed out, or told the call was lost).
    let rt = runtime();
    ok(call(&rt, "rt.domain.worker.run", json!({})).await);
    err(call(&rt, "rt.domain.worker.run", json!({ "mode": "crash" })).await);
    // The supervisor now waits out its backoff; this call gives up meanwhile.
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("ran");
    let args = json!({ "mode": "record", "file": marker.to_str().unwrap() })
        .as_object()
        .cloned()
        .unwrap();
    let abandoned = tokio::time::timeout(
        Duration::from_millis(30),
        rt.call("rt.domain.worker.run", args, CallContext::default()),
    )
    .await;
    assert!(abandoned.is_err(), "the call should still be waiting");
    // Once the restarted worker answers a later call, it has read everything queued before it.
    ok(call(&rt, "rt.domain.worker.run", json!({ "n": 1 })).await);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!marker.exists(), "the abandoned call ran anyway");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn worker_garbage_lines_are_ignored() {
    let rt = runtime();
    let out = ok(call(&rt, "rt.domain.worker.run", json!({ "mode": "garbage" })).await);
    assert_eq!(out, json!({ "echo": { "mode": "garbage" } }));
    let out = ok(call(&rt, "rt.domain.worker.run", json!({ "n": 1 })).await);
    assert_eq!(out["echo"], json!({ "n": 1 }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn worker_timeout_of_one_call_does_not_break_others() {
    let mut spec = prepare(&fixture_def("rt.domain.worker.run"), &fixture()).unwrap();
    spec.timeout = Duration::from_millis(500);
    let rt = runtime_of(vec![spec]);
    // Starting Python may take longer than the timeout on a loaded machine: warm up first.
    let mut warm = call(&rt, "rt.domain.worker.run", json!({})).await;
    for _ in 0..5 {
        if warm.is_ok() {
            break;
        }
        warm = call(&rt, "rt.domain.worker.run", json!({})).await;
    }
    let warm = ok(warm);
    let (hung, slow) = tokio::join!(
        call(&rt, "rt.domain.worker.run", json!({ "mode": "hang" })),
        call(
            &rt,
            "rt.domain.worker.run",
            json!({ "mode": "slow", "ms": 100 })
        ),
    );
    assert_eq!(err(hung), ToolError::Timeout(Duration::from_millis(500)));
    assert_eq!(ok(slow)["echo"]["mode"], "slow");
    let after = ok(call(&rt, "rt.domain.worker.run", json!({ "n": 3 })).await);
    assert_eq!(after["echo"], json!({ "n": 3 }));
    assert_eq!(after["pid"], warm["pid"], "the worker was not restarted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn worker_whose_program_does_not_exist_fails_fast_every_time() {
    let mut spec = prepare(&fixture_def("rt.domain.worker.run"), &fixture()).unwrap();
    spec.handler = Box::new(Worker::new(
        "rt.domain.worker.run",
        Command {
            program: "/nonexistent/lynx-worker".into(),
            args: Vec::new(),
            cwd: fixture(),
            env: Vec::new(),
        },
    ));
    let rt = runtime_of(vec![spec]);
    for _ in 0..3 {
        let start = Instant::now();
        let e = err(call(&rt, "rt.domain.worker.run", json!({})).await);
        assert!(matches!(e, ToolError::Unavailable(_)), "{e:?}");
        assert!(e.to_string().contains("cannot start the worker"), "{e}");
        assert!(e.to_string().contains("/nonexistent/lynx-worker"), "{e}");
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "{:?}",
            start.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn worker_that_dies_at_start_is_restarted_with_backoff_not_in_a_busy_loop() {
    let dir = tempfile::tempdir().unwrap();
    let starts = dir.path().join("starts");
    let spec = prepare(
        &def(json!({
            "id": "rt.domain.worker.crashloop",
            "handler": {
                "kind": "worker",
                "command": ["sh", "handlers/crashloop.sh", starts.to_str().unwrap()],
                "timeout": "3s",
            },
        })),
        &fixture(),
    )
    .unwrap();
    let rt = runtime_of(vec![spec]);
    let e = err(call(&rt, "rt.domain.worker.crashloop", json!({})).await);
    assert!(matches!(e, ToolError::Unavailable(_)), "{e:?}");
    assert!(
        e.to_string().contains("fatal: cannot connect to the queue"),
        "{e}"
    );
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let count = std::fs::read_to_string(&starts).unwrap().lines().count();
    // 100 ms, 200 ms, 400 ms, 800 ms … between starts.
    assert!((2..=6).contains(&count), "{count} starts in 1.2 s");
}

// ---------------------------------------------------------------------------------------------
// Python `module:func` handlers (the bundled runner)

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_function_gets_args_and_context() {
    let rt = runtime();
    let context = CallContext {
        tenant_id: Some("acme".into()),
        ..CallContext::default()
    };
    let out = ok(call_ctx(&rt, "rt.domain.py.add", json!({ "a": 2, "b": 3 }), context).await);
    assert_eq!(out, json!({ "sum": 5, "tenant": "acme" }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_exception_is_a_tool_error_with_its_text() {
    let rt = runtime();
    let e = err(call(&rt, "rt.domain.py.boom", json!({ "n": 42 })).await);
    assert_eq!(e, ToolError::Tool("ValueError: bad input 42".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_async_function_is_awaited() {
    let rt = runtime();
    let out = ok(call(&rt, "rt.domain.py.async_add", json!({ "a": 1, "b": 2 })).await);
    assert_eq!(out, json!({ "sum": 3, "async": true }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_print_does_not_corrupt_the_answers() {
    // Regression: `print(…, end="")` went to the protocol stream and glued itself to the answer.
    let rt = runtime();
    for _ in 0..2 {
        let out = ok(call(&rt, "rt.domain.py.noisy", json!({})).await);
        assert_eq!(out, json!({ "quiet": true }));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_sys_exit_is_a_tool_error_not_a_hang() {
    // Regression: SystemExit escaped `except Exception`, no answer was sent, the call hung.
    let rt = runtime();
    let start = Instant::now();
    let e = err(call(&rt, "rt.domain.py.bye", json!({})).await);
    assert_eq!(e, ToolError::Tool("SystemExit: 3".into()));
    assert!(start.elapsed() < Duration::from_secs(5));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_module_that_does_not_import_is_a_clear_error() {
    // Regression: the runner died at import, every call got "worker exited", restart loop.
    let spec = prepare(
        &def(json!({ "id": "rt.domain.py.missing", "handler": "handlers.nope:f" })),
        &fixture(),
    )
    .unwrap();
    let rt = runtime_of(vec![spec]);
    for _ in 0..2 {
        let e = err(call(&rt, "rt.domain.py.missing", json!({})).await);
        let text = e.to_string();
        assert!(matches!(e, ToolError::Tool(_)), "{e:?}");
        assert!(text.contains("cannot load `handlers.nope:f`"), "{text}");
        assert!(text.contains("ModuleNotFoundError"), "{text}");
    }
}

// ---------------------------------------------------------------------------------------------
// builtins and pipeline stages

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn builtins_echo_sleep_fail() {
    let rt = runtime();
    assert_eq!(
        ok(call(&rt, "rt.domain.builtin.echo", json!({ "message": "hi" })).await),
        json!({ "message": "hi" })
    );
    let start = Instant::now();
    assert_eq!(
        ok(call(&rt, "rt.domain.builtin.sleep", json!({ "x": 1 })).await),
        json!({ "x": 1 })
    );
    assert!(start.elapsed() >= Duration::from_millis(20));
    let e = err(call(&rt, "rt.domain.builtin.fail", json!({})).await);
    assert!(matches!(e, ToolError::Tool(_)), "{e:?}");
    assert!(e.to_string().contains("rt.domain.builtin.fail"), "{e}");
    let start = Instant::now();
    assert_eq!(
        err(call(&rt, "rt.domain.builtin.sleep_too_long", json!({})).await),
        ToolError::Timeout(Duration::from_millis(100))
    );
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn input_validation_names_the_field() {
    let rt = runtime();
    let cases = [
        (json!({}), "account"),
        (json!({ "account": 5 }), "`account`"),
        (
            json!({ "account": "A-1", "limits": { "daily": -1 } }),
            "`limits.daily`",
        ),
    ];
    for (args, field) in cases {
        let e = err(call(&rt, "rt.domain.builtin.validated", args.clone()).await);
        assert!(matches!(e, ToolError::InvalidInput(_)), "{args}: {e:?}");
        assert!(e.to_string().contains(field), "{args}: {e}");
    }
    assert!(
        call(
            &rt,
            "rt.domain.builtin.validated",
            json!({ "account": "A-1" })
        )
        .await
        .is_ok()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn output_schema_mismatch_is_invalid_output() {
    let rt = runtime();
    let e = err(call(&rt, "rt.domain.builtin.bad_output", json!({ "x": 1 })).await);
    assert!(matches!(e, ToolError::InvalidOutput(_)), "{e:?}");
    assert!(e.to_string().contains("status"), "{e}");
}

fn counter(dir: &tempfile::TempDir) -> (PathBuf, String) {
    let path = dir.path().join("count");
    let text = path.to_str().unwrap().to_owned();
    (path, text)
}

fn calls_made(path: &Path) -> u32 {
    std::fs::read_to_string(path)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_gets_an_idempotent_flaky_tool_through() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let (path, file) = counter(&dir);
    let out = ok(call(
        &rt,
        "rt.domain.exec.flaky",
        json!({ "counter": file, "fail_times": 2, "how": "crash" }),
    )
    .await);
    assert_eq!(out, json!({ "calls": 3 }));

    // At most `attempts` calls, then the last error.
    let dir = tempfile::tempdir().unwrap();
    let (path2, file) = counter(&dir);
    let e = err(call(
        &rt,
        "rt.domain.exec.flaky",
        json!({ "counter": file, "fail_times": 5, "how": "crash" }),
    )
    .await);
    assert!(
        e.to_string().contains("backend unreachable (call 3)"),
        "{e}"
    );
    assert_eq!(calls_made(&path2), 3);
    drop(path);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_skips_the_tools_own_error_answers() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let (path, file) = counter(&dir);
    let e = err(call(
        &rt,
        "rt.domain.exec.flaky",
        json!({ "counter": file, "fail_times": 1, "how": "answer" }),
    )
    .await);
    assert_eq!(e, ToolError::Tool("refused on call 1".into()));
    assert_eq!(
        calls_made(&path),
        1,
        "a deliberate error answer is not retried"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_never_repeats_a_tool_that_is_not_idempotent() {
    let policy = RetryPolicy {
        attempts: 3,
        backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
    };
    // The catalog drops a policy on a non-idempotent tool (the linter forbids writing one) …
    let mut unsafe_def = fixture_def("rt.domain.exec.flaky_unsafe");
    unsafe_def.retry = Some(lynx::project::model::Retry {
        attempts: 3,
        backoff: None,
        max_backoff: None,
    });
    assert_eq!(prepare(&unsafe_def, &fixture()).unwrap().retry, None);
    // … and the pipeline refuses to retry one even if a spec carries a policy.
    let mut spec = prepare(&unsafe_def, &fixture()).unwrap();
    spec.retry = Some(policy);
    let rt = runtime_of(vec![spec]);
    let dir = tempfile::tempdir().unwrap();
    let (path, file) = counter(&dir);
    let e = err(call(
        &rt,
        "rt.domain.exec.flaky_unsafe",
        json!({ "counter": file, "fail_times": 2, "how": "crash" }),
    )
    .await);
    assert!(e.is_transient(), "{e:?}");
    assert_eq!(calls_made(&path), 1, "a non-idempotent tool was retried");
}

// ---------------------------------------------------------------------------------------------
// through the real binary

#[test]
fn tool_call_crash_is_a_clear_error_on_stderr_and_exit_1() {
    let out = lynx()
        .current_dir(fixture())
        .args(["tool:call", "rt.domain.exec.crash"])
        .timeout(GUARD)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("exited with status 3"), "{stderr}");
    assert!(stderr.contains("boom: database exploded"), "{stderr}");
}

#[test]
fn tool_call_passes_only_allow_listed_environment() {
    let out = lynx()
        .current_dir(fixture())
        .args(["tool:call", "rt.domain.exec.env"])
        .env("RT_ALLOWED", "visible")
        .env("RT_SECRET", "hidden")
        .env("HOME", "/home/somebody")
        .timeout(GUARD)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    let env = value["env"].as_object().unwrap();
    assert_eq!(env.get("RT_ALLOWED"), Some(&json!("visible")));
    for hidden in ["RT_SECRET", "HOME", "PATH", "RT_NOT_SET_ANYWHERE"] {
        assert!(!env.contains_key(hidden), "`{hidden}` leaked: {value}");
    }
}

#[test]
fn tool_call_stdout_carries_only_the_result() {
    // The handler logs to stderr and leaves a job that prints later: none of it reaches lynx's
    // stdout, and lynx does not wait for the job.
    let start = Instant::now();
    let out = lynx()
        .current_dir(fixture())
        .args(["tool:call", "rt.domain.exec.noisy", "--format", "json"])
        .timeout(GUARD)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(start.elapsed() < Duration::from_secs(5));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        !stdout.contains("LOG-LINE") && !stdout.contains("LATE-NOISE"),
        "{stdout}"
    );
    let value: Value = serde_json::from_str(&stdout).expect("stdout is one JSON document");
    assert_eq!(value["structuredContent"], json!({ "ok": true }));
    assert_eq!(value["isError"], false);
}

const TESTED_TOOL: &str = r#"
id: demo.domain.echo.run
description: Echo with two test cases, one of them wrong.
layer: domain
risk: low
domain: demo
handler: { kind: builtin, name: echo }
tests:
  - name: passes
    args: { message: hi }
    expect: { output: { message: hi } }
  - name: expects the wrong thing
    args: { message: hi, n: 1 }
    expect: { output: { message: bye, n: 1 } }
"#;

fn tested_project() -> TempProject {
    TempProject::new(&[
        ("lynx.toml", "[project]\nname = \"t\"\n"),
        ("tools/echo.yaml", TESTED_TOOL),
    ])
}

#[test]
fn tool_test_failure_shows_a_diff_and_exits_1() {
    let p = tested_project();
    let out = p.lynx(&["tool:test"]).timeout(GUARD).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("ok   demo.domain.echo.run › passes"),
        "{text}"
    );
    assert!(
        text.contains("FAIL demo.domain.echo.run › expects the wrong thing"),
        "{text}"
    );
    assert!(text.contains("--- expected"), "{text}");
    assert!(text.contains("+++ actual"), "{text}");
    assert!(text.contains(r#"-  "message": "bye","#), "{text}");
    assert!(text.contains(r#"+  "message": "hi","#), "{text}");
    assert!(text.contains("1 passed, 1 failed"), "{text}");
}

#[test]
fn tool_test_json_and_junit_parse() {
    let p = tested_project();
    let out = p
        .lynx(&["tool:test", "--format", "json"])
        .timeout(GUARD)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["passed"], 1);
    assert_eq!(report["failed"], 1);
    let failed = &report["cases"][1];
    assert_eq!(failed["passed"], false);
    assert_eq!(failed["failure"]["expected"]["message"], "bye");
    assert_eq!(failed["failure"]["actual"]["message"], "hi");

    let out = p
        .lynx(&["tool:test", "--format", "junit"])
        .timeout(GUARD)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let xml = String::from_utf8(out.stdout).unwrap();
    let report = quick_junit::Report::deserialize_from_str(&xml).expect("JUnit XML");
    assert_eq!(report.tests, 2);
    assert_eq!(report.failures, 1);
    let cases = &report.test_suites[0].test_cases;
    assert_eq!(cases[1].name.as_str(), "expects the wrong thing");
    assert!(matches!(
        cases[1].status,
        quick_junit::TestCaseStatus::NonSuccess { .. }
    ));
}

#[test]
fn tool_test_runs_every_handler_kind_of_the_fixture() {
    let out = lynx()
        .current_dir(fixture())
        .args(["tool:test"])
        .timeout(GUARD)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("0 failed"), "{text}");
    for tool in [
        "rt.domain.builtin.fail",
        "rt.domain.exec.output",
        "rt.domain.worker.run",
        "rt.domain.py.add",
    ] {
        assert!(text.contains(tool), "{tool} not tested: {text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn worker_concurrency_caps_the_calls_in_flight() {
    async fn most_together(rt: &Runtime, tool: &str) -> i64 {
        let calls = (0..4).map(|n| call(rt, tool, json!({ "n": n })));
        let results = futures_util::future::join_all(calls).await;
        results
            .into_iter()
            .map(|o| ok(o)["together"].as_i64().unwrap())
            .max()
            .unwrap()
    }
    let rt = runtime();
    assert_eq!(most_together(&rt, "rt.domain.worker.batch").await, 2);
    // The same worker without the cap gets all four at once.
    let mut unlimited = fixture_def("rt.domain.worker.batch");
    unlimited.id = "rt.domain.worker.unlimited".into();
    match &mut unlimited.handler {
        lynx::project::model::Handler::Spec(spec) => spec.concurrency = None,
        other => panic!("a worker spec, got {other:?}"),
    }
    let rt = runtime_of(vec![prepare(&unlimited, &fixture()).unwrap()]);
    assert_eq!(most_together(&rt, "rt.domain.worker.unlimited").await, 4);
}
