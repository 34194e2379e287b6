//! `lynx bench` against in-process servers on 127.0.0.1: a stub that answers each error kind on
//! purpose (and counts what it received, so the report's counts can be checked exactly),
//! `lynx serve`'s own HTTP router (legacy sessions), a `lynx serve --stdio` child, and
//! `--embedded`. Every run is bounded by `-n` or a short `-d`.

use crate::support::{TempProject, http_state, lynx, spawn_stub};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const ECHO: &str = "id: demo.domain.echo.run\ndescription: Echoes.\nhandler: { kind: builtin, name: echo }\ninput_schema:\n  type: object\n  properties: { message: { type: string } }\n";

fn project() -> TempProject {
    TempProject::new(&[("lynx.toml", ""), ("tools/echo.yaml", ECHO)])
}

/// Calls received per tool name.
type Seen = Arc<Mutex<BTreeMap<String, u64>>>;

/// A stateless modern-era server whose tools fail on purpose — after their first call, so
/// the validation call passes: `ok`, `sse` (answers on an event stream, after a
/// notification), `tool_error` (`isError: true`), `rpc_error` (-32001), `http_503`, `slow`
/// (2 s), `wrong_id` (answers another id), `hang` (3 s), `ten_ms` (10 ms).
async fn purpose(State(seen): State<Seen>, body: Bytes) -> Response {
    let Ok(req) = serde_json::from_slice::<Value>(&body) else {
        return (StatusCode::BAD_REQUEST, "not JSON").into_response();
    };
    let id = req["id"].clone();
    let answer = |result: Value| json!({ "jsonrpc": "2.0", "id": id, "result": result });
    let json_response =
        |v: Value| ([(header::CONTENT_TYPE, "application/json")], v.to_string()).into_response();
    if req["method"] == "server/discover" {
        return json_response(answer(json!({ "supportedVersions": ["2026-07-28"] })));
    }
    let tool = req["params"]["name"]
        .as_str()
        .unwrap_or(req["method"].as_str().unwrap_or(""))
        .to_owned();
    let n = {
        let mut seen = seen.lock().unwrap();
        let n = seen.entry(tool.clone()).or_insert(0);
        *n += 1;
        *n
    };
    let ok = answer(json!({ "content": [{ "type": "text", "text": "ok" }], "isError": false }));
    if n == 1 && tool != "sse" {
        return json_response(ok);
    }
    match tool.as_str() {
        "tool_error" => json_response(answer(
            json!({ "content": [{ "type": "text", "text": "no" }], "isError": true }),
        )),
        "rpc_error" => json_response(
            json!({ "jsonrpc": "2.0", "id": id, "error": { "code": -32001, "message": "on purpose" } }),
        ),
        "http_503" => (StatusCode::SERVICE_UNAVAILABLE, "busy").into_response(),
        "slow" => {
            tokio::time::sleep(Duration::from_secs(2)).await;
            json_response(ok)
        }
        "hang" => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            json_response(ok)
        }
        "ten_ms" => {
            tokio::time::sleep(Duration::from_millis(10)).await;
            json_response(ok)
        }
        "wrong_id" => json_response(json!({
            "jsonrpc": "2.0", "id": id.as_u64().unwrap_or(0) + 1, "result": { "content": [] }
        })),
        "sse" => {
            let note =
                json!({ "jsonrpc": "2.0", "method": "notifications/progress", "params": {} });
            let body = format!("event: message\ndata: {note}\n\nevent: message\ndata: {ok}\n\n");
            ([(header::CONTENT_TYPE, "text/event-stream")], body).into_response()
        }
        _ => json_response(ok),
    }
}

fn purpose_server() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let router = Router::new()
        .route("/mcp", post(purpose))
        .with_state(seen.clone());
    (format!("http://{}/mcp", spawn_stub(router).0), seen)
}

fn json_out(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn bench(args: &[&str]) -> std::process::Output {
    lynx()
        .arg("bench")
        .args(args)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap()
}

fn kinds(level: &Value) -> BTreeMap<String, (u64, Option<i64>)> {
    level["errors_by_kind"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_owned(),
                (e["count"].as_u64().unwrap(), e["code"].as_i64()),
            )
        })
        .collect()
}

#[test]
fn counts_add_up_and_every_error_kind_is_classified() {
    let (url, seen) = purpose_server();
    let p = TempProject::new(&[(
        "mix.yaml",
        "- tool: ok\n- tool: sse\n- tool: tool_error\n- tool: rpc_error\n- tool: http_503\n- tool: slow\n- tool: wrong_id\n",
    )]);
    let mix = p.path().join("mix.yaml");
    let out = bench(&[
        "--url",
        &url,
        "--mix",
        mix.to_str().unwrap(),
        "-n",
        "140",
        "-c",
        "2",
        "--timeout",
        "200ms",
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json_out(&out);
    let level = &report["levels"][0];
    let n = |k: &str| level[k].as_u64().unwrap();
    assert_eq!(n("requests"), 140);
    assert_eq!(n("successes") + n("errors"), n("requests"));
    assert_eq!(n("aborted"), 0);
    // What the server received, less each tool's validation call.
    let seen = seen.lock().unwrap().clone();
    let got = |tool: &str| seen.get(tool).copied().unwrap_or(0) - 1;
    let kinds = kinds(level);
    assert_eq!(kinds["tool_error"], (got("tool_error"), None));
    assert_eq!(kinds["jsonrpc_error"], (got("rpc_error"), Some(-32001)));
    assert_eq!(kinds["http_status"], (got("http_503"), Some(503)));
    assert_eq!(kinds["timeout"], (got("slow"), None));
    assert_eq!(kinds["protocol"], (got("wrong_id"), None));
    assert_eq!(kinds.len(), 5, "{kinds:?}");
    assert_eq!(n("successes"), got("ok") + got("sse"));
    for k in [
        "tool_error",
        "jsonrpc_error",
        "http_status",
        "timeout",
        "protocol",
    ] {
        assert!(kinds[k].0 > 0, "no {k} in {kinds:?}");
    }
    let ct = &level["content_types"];
    assert_eq!(ct["sse"].as_u64().unwrap(), got("sse"));
    assert_eq!(
        ct["json"].as_u64().unwrap(),
        got("ok") + got("tool_error") + got("rpc_error") + got("wrong_id")
    );
    // The 503 came as text/plain.
    assert_eq!(ct["other"].as_u64().unwrap(), got("http_503"));
    assert!((level["error_rate"].as_f64().unwrap() - n("errors") as f64 / 140.0).abs() < 1e-9);
    // Each call of the mix on its own.
    let calls = level["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 7);
    for c in calls {
        let tool = c["call"]
            .as_str()
            .unwrap()
            .strip_prefix("tools/call ")
            .unwrap();
        assert_eq!(c["requests"].as_u64().unwrap(), got(tool), "{c}");
        let failing = !matches!(tool, "ok" | "sse");
        assert_eq!(c["errors"] == c["requests"], failing, "{c}");
    }
}

#[test]
fn the_human_report_lists_errors_by_kind() {
    let (url, _) = purpose_server();
    let out = bench(&["--url", &url, "--tool", "rpc_error", "-n", "20", "-c", "1"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("errors: 20 × JSON-RPC error -32001"),
        "{text}"
    );
    assert!(text.contains("20 (100%)"), "{text}");
    assert!(text.contains("responses: 20 application/json"), "{text}");
}

#[test]
fn the_warm_up_is_not_counted_and_the_histogram_is_printed() {
    let (url, seen) = purpose_server();
    let out = bench(&[
        "--url",
        &url,
        "--tool",
        "ok",
        "--warmup",
        "300ms",
        "-n",
        "25",
        "-c",
        "2",
        "--histogram",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("25 requests per level"), "{text}");
    assert!(text.contains("responses: 25 application/json"), "{text}");
    assert!(
        text.contains("latency distribution (successful calls):"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("≤ ") && l.contains('■')),
        "{text}"
    );
    // The server saw the validation call, the warm-up and the 25 measured calls.
    let calls = seen.lock().unwrap()["ok"];
    assert!(calls > 1 + 25, "{calls} calls");
}

#[test]
fn in_flight_requests_at_the_deadline_are_aborts_not_errors() {
    let (url, _) = purpose_server();
    let out = bench(&[
        "--url", &url, "--tool", "hang", "-d", "1s", "-c", "2", "--format", "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let level = &json_out(&out)["levels"][0];
    assert_eq!(level["aborted"], 2);
    assert_eq!(level["requests"], 0);
    assert_eq!(level["errors"], 0);
    assert_eq!(level["duration_s"], 1.0);
}

#[test]
fn answers_after_the_deadline_are_aborts_not_successes() {
    // Enough workers that the generator is busy when the deadline passes: the answers that
    // resolve before the deadline's timer is polled are late, and must not count.
    let (url, _) = purpose_server();
    let c = 1000;
    let out = bench(&[
        "--url",
        &url,
        "--tool",
        "ten_ms",
        "-d",
        "1s",
        "-c",
        &c.to_string(),
        "--timeout",
        "20s",
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let level = &json_out(&out)["levels"][0];
    // In a closed loop every worker has a request in flight at the deadline, bar the few
    // that are between an in-window answer and their next send.
    let aborted = level["aborted"].as_u64().unwrap();
    assert!(aborted * 100 >= c * 95, "{aborted} of {c} aborted: {level}");
    assert_eq!(level["errors"], 0, "{level}");
}

#[test]
fn a_baseline_that_cannot_be_written_keeps_the_report() {
    // /dev/full passes the up-front check but refuses the write: the report is printed first.
    let (url, _) = purpose_server();
    let out = bench(&[
        "--url",
        &url,
        "--tool",
        "ok",
        "-n",
        "5",
        "--format",
        "json",
        "--save-baseline",
        "/dev/full",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("`--save-baseline /dev/full`: cannot write it"),
        "{err}"
    );
    assert_eq!(json_out(&out)["levels"][0]["successes"], 5);
}

#[test]
fn the_protocol_probe_is_bounded_by_timeout() {
    // A server that accepts and never answers: the era probe gives up after --timeout, not
    // after its own 10 s set-up bound.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().take(16) {
            held.push(stream);
        }
    });
    let started = std::time::Instant::now();
    let out = bench(&[
        "--url",
        &format!("http://{addr}/mcp"),
        "--tool",
        "x",
        "-n",
        "1",
        "--timeout",
        "1s",
    ]);
    let took = started.elapsed();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot bench"), "{err}");
    assert!(took < Duration::from_secs(5), "took {took:?}: {err}");
}

#[test]
fn json_output_has_the_documented_shape() {
    let (url, _) = purpose_server();
    let out = bench(&[
        "--url",
        &url,
        "--tool",
        "ok",
        "-n",
        "30",
        "-c",
        "1,2",
        "--format",
        "json",
        "--fail-if",
        "p99>60s",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let report = json_out(&out);
    assert_eq!(report["schema"], "lynx-bench/1");
    assert_eq!(report["levels"].as_array().unwrap().len(), 2);
    assert_eq!(report["levels"][1]["concurrency"], 2);
    assert_eq!(report["budgets_broken"], json!([]));
    /// Every value replaced by its type: the layout docs/bench.md documents.
    fn shape(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                Value::Object(m.iter().map(|(k, v)| (k.clone(), shape(v))).collect())
            }
            Value::Array(a) => Value::Array(a.first().map(shape).into_iter().collect()),
            Value::Number(_) => json!("number"),
            Value::String(_) => json!("string"),
            Value::Bool(_) => json!("bool"),
            Value::Null => json!("null"),
        }
    }
    insta::assert_json_snapshot!(shape(&report));
}

#[test]
fn fail_if_exits_1_only_when_a_budget_is_broken() {
    let (url, _) = purpose_server();
    let met = bench(&[
        "--url",
        &url,
        "--tool",
        "ok",
        "-n",
        "20",
        "--fail-if",
        "p99>60s,error_rate>0.1%",
    ]);
    assert_eq!(met.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&met.stdout).contains("budgets: all met"));
    let broken = bench(&[
        "--url",
        &url,
        "--tool",
        "ok",
        "-n",
        "20",
        "--fail-if",
        "rps<1000000000,p50>0us",
    ]);
    assert_eq!(broken.status.code(), Some(1));
    let text = String::from_utf8_lossy(&broken.stdout);
    assert!(
        text.contains("budget broken (c=16): rps<1000000000 — measured"),
        "{text}"
    );
    assert!(text.contains("budget broken (c=16): p50>0ms"), "{text}");
    let errors = bench(&[
        "--url",
        &url,
        "--tool",
        "tool_error",
        "-n",
        "20",
        "-c",
        "1",
        "--fail-if",
        "error_rate>10%",
        "--format",
        "json",
    ]);
    assert_eq!(errors.status.code(), Some(1));
    let report = json_out(&errors);
    assert_eq!(report["budgets_broken"][0]["budget"], "error_rate>10%");
    assert_eq!(report["budgets_broken"][0]["actual"], "100%");
    let bad = bench(&[
        "--url",
        &url,
        "--tool",
        "ok",
        "-n",
        "1",
        "--fail-if",
        "p98>1ms",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown metric `p98`"));
}

#[test]
fn budgets_do_not_pass_against_a_failing_server() {
    // Every measured call fails: latencies read 0 and `rps` counts the errors, so neither may
    // let the gate pass.
    for budget in ["p99>50ms", "ok_rps<1"] {
        // A fresh server each time: its first call (the validation call) succeeds.
        let (url, _) = purpose_server();
        let out = bench(&[
            "--url",
            &url,
            "--tool",
            "http_503",
            "-n",
            "20",
            "-c",
            "1",
            "--fail-if",
            budget,
        ]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{budget}: {text}");
        assert!(
            text.contains(&format!("budget broken (c=1): {budget}")),
            "{text}"
        );
    }
}

#[test]
fn compare_reports_the_change_per_metric() {
    let (url, _) = purpose_server();
    let p = TempProject::new(&[]);
    let base = p.path().join("base.json");
    let base = base.to_str().unwrap();
    let first = bench(&[
        "--url",
        &url,
        "--tool",
        "ok",
        "-n",
        "40",
        "-c",
        "2",
        "--save-baseline",
        base,
    ]);
    assert_eq!(first.status.code(), Some(0));
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(base).unwrap()).unwrap();
    assert_eq!(saved["schema"], "lynx-bench/1");
    assert_eq!(saved["levels"][0]["requests"], 40);
    let second = bench(&[
        "--url",
        &url,
        "--tool",
        "ok",
        "-n",
        "40",
        "-c",
        "2",
        "--compare",
        base,
    ]);
    assert_eq!(second.status.code(), Some(0));
    let text = String::from_utf8_lossy(&second.stdout);
    assert!(text.contains("compared with the baseline (c=2):"), "{text}");
    for metric in ["rps", "p50", "p99.9", "error_rate"] {
        assert!(
            text.lines().any(|l| l.contains(&format!("│ {metric} "))),
            "{metric}: {text}"
        );
    }
    let json = bench(&[
        "--url",
        &url,
        "--tool",
        "ok",
        "-n",
        "40",
        "-c",
        "2",
        "--compare",
        base,
        "--format",
        "json",
    ]);
    let report = json_out(&json);
    let deltas = report["comparison"]["levels"][0]["deltas"]
        .as_array()
        .unwrap();
    assert_eq!(deltas.len(), 8);
    assert_eq!(deltas[0]["metric"], "rps");
    assert_eq!(deltas[0]["baseline"], saved["levels"][0]["rps"]);
    // Another level is noted, not compared.
    let other = bench(&[
        "--url",
        &url,
        "--tool",
        "ok",
        "-n",
        "10",
        "-c",
        "3",
        "--compare",
        base,
    ]);
    assert!(
        String::from_utf8_lossy(&other.stdout)
            .contains("note: the baseline has no closed-loop level with concurrency 3")
    );
    // A relative budget with nothing to compare with is not judged, and the gate fails.
    let vacuous = bench(&[
        "--url",
        &url,
        "--tool",
        "ok",
        "-n",
        "10",
        "-c",
        "3",
        "--compare",
        base,
        "--fail-if",
        "p50>+100000%",
    ]);
    let text = String::from_utf8_lossy(&vacuous.stdout);
    assert_eq!(vacuous.status.code(), Some(1), "{text}");
    assert!(
        text.contains("not judged: the baseline has no closed-loop level with c=3"),
        "{text}"
    );
    // Relative budgets judge the change against the baseline.
    let met = bench(&[
        "--url",
        &url,
        "--tool",
        "ok",
        "-n",
        "40",
        "-c",
        "2",
        "--compare",
        base,
        "--fail-if",
        "p50>+100000%",
    ]);
    assert_eq!(
        met.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&met.stdout)
    );
    let broken = bench(&[
        "--url",
        &url,
        "--tool",
        "ok",
        "-n",
        "40",
        "-c",
        "2",
        "--compare",
        base,
        "--fail-if",
        "rps>-100%",
    ]);
    assert_eq!(broken.status.code(), Some(1));
    let text = String::from_utf8_lossy(&broken.stdout);
    assert!(
        text.contains("budget broken (c=2): rps>-100% — measured"),
        "{text}"
    );
    assert!(text.contains("% from "), "{text}");
    let alone = bench(&[
        "--url",
        &url,
        "--tool",
        "ok",
        "-n",
        "1",
        "--fail-if",
        "p99>+10%",
    ]);
    assert_eq!(alone.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&alone.stderr).contains("add `--compare FILE`"));
    std::fs::write(base, "{}").unwrap();
    let bad = bench(&["--url", &url, "--tool", "ok", "-n", "1", "--compare", base]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--save-baseline"));
}

#[test]
fn open_loop_holds_the_asked_rate() {
    let (url, _) = purpose_server();
    let out = bench(&[
        "--url", &url, "--tool", "ok", "--rate", "200", "-d", "2s", "-c", "4", "--format", "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let level = &json_out(&out)["levels"][0];
    assert_eq!(level["mode"], "open");
    let ol = &level["open_loop"];
    assert_eq!(ol["asked_rate"], 200.0);
    let sent = ol["sent_rate"].as_f64().unwrap();
    let rps = level["rps"].as_f64().unwrap();
    assert!((sent - 200.0).abs() <= 10.0, "sent {sent} req/s");
    assert!((rps - 200.0).abs() <= 10.0, "answered {rps} req/s");
    assert_eq!(level["errors"], 0);
    // With -n, the window spans the n/R seconds the requests were scheduled over, not just
    // up to the last answer (10 requests at 20/s: the last leaves at 0.45 s).
    let out = bench(&[
        "--url", &url, "--tool", "ok", "--rate", "20", "-n", "10", "-c", "2", "--format", "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let level = &json_out(&out)["levels"][0];
    assert_eq!(level["successes"], 10, "{level}");
    let rps = level["rps"].as_f64().unwrap();
    let sent = level["open_loop"]["sent_rate"].as_f64().unwrap();
    assert!(rps <= 20.0 + 1e-9 && rps > 18.0, "{level}");
    assert!(sent <= 20.0 + 1e-9, "{level}");
}

#[test]
fn legacy_sessions_are_opened_per_connection_and_closed() {
    let p = project();
    let state = http_state(&p, None);
    let server_state = state.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap().to_string()).unwrap();
            let _ =
                lynx::runtime::http::serve(listener, server_state, std::future::pending()).await;
        });
    });
    let addr = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    // `http_state` allows the Host 127.0.0.1:7878; any loopback name passes too.
    let url = format!("http://{addr}/mcp");
    for (protocol, expect) in [
        ("2025-11-25", "2025-11-25"),
        ("2025-06-18", "2025-06-18"),
        ("auto", "2026-07-28"),
    ] {
        let out = bench(&[
            "--url",
            &url,
            "--protocol",
            protocol,
            "--tool",
            "demo.domain.echo.run",
            "--args",
            r#"{"message":"hi"}"#,
            "-n",
            "30",
            "-c",
            "3",
            "--format",
            "json",
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{protocol}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report = json_out(&out);
        assert_eq!(report["target"]["protocol"], expect);
        assert_eq!(report["levels"][0]["successes"], 30, "{protocol}");
        // Every session was deleted at the end.
        assert_eq!(state.session_count(), 0, "{protocol}");
    }
}

#[test]
fn stdio_servers_are_spawned_per_worker_in_either_era() {
    let p = project();
    let bin = assert_cmd::cargo::cargo_bin("lynx");
    let cmd = format!("'{}' serve --stdio", bin.display());
    for (protocol, expect) in [("auto", "2026-07-28"), ("2025-11-25", "2025-11-25")] {
        let out = p
            .lynx(&[
                "bench",
                "--stdio",
                &cmd,
                "--protocol",
                protocol,
                "--tool",
                "demo.domain.echo.run",
                "-n",
                "40",
                "-c",
                "2",
                "--format",
                "json",
            ])
            .env("LYNX_LOG", "error")
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report = json_out(&out);
        assert_eq!(report["target"]["kind"], "stdio");
        assert_eq!(report["target"]["protocol"], expect);
        let level = &report["levels"][0];
        assert_eq!(level["successes"], 40);
        assert_eq!(level["content_types"]["stdio"], 40);
    }
    let missing = bench(&[
        "--stdio",
        "/nonexistent/server --stdio",
        "--tool",
        "x",
        "-n",
        "1",
    ]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot start `--stdio` server"));
    // A server that fails at start-up says why, in either era (a fixed one skips the probe,
    // so the validation call is the first to start it).
    for protocol in ["2026-07-28", "2025-11-25"] {
        let boom = bench(&[
            "--stdio",
            "sh -c 'echo boom >&2; exit 3'",
            "--protocol",
            protocol,
            "--tool",
            "x",
            "-n",
            "1",
        ]);
        let err = String::from_utf8_lossy(&boom.stderr);
        assert_eq!(boom.status.code(), Some(1), "{err}");
        assert!(err.contains("boom"), "{protocol}: {err}");
    }
}

#[test]
fn a_stdio_servers_start_up_is_not_measured() {
    // The server takes 300 ms to start; neither its start-up nor a restart after the warm-up
    // may land in a measured request.
    let p = project();
    let cmd = format!(
        "sh -c \"sleep 0.3; exec '{}' serve --stdio\"",
        env!("CARGO_BIN_EXE_lynx")
    );
    for warmup in ["0s", "500ms"] {
        let out = p
            .lynx(&[
                "bench",
                "--stdio",
                &cmd,
                "--tool",
                "demo.domain.echo.run",
                "--warmup",
                warmup,
                "-n",
                "20",
                "-c",
                "2",
                "--format",
                "json",
            ])
            .env("LYNX_LOG", "error")
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let level = &json_out(&out)["levels"][0];
        assert_eq!(level["successes"], 20, "{level}");
        let max = level["latency"]["max_ms"].as_f64().unwrap();
        assert!(
            max < 150.0,
            "warm-up {warmup}: max latency {max} ms: {level}"
        );
    }
}

#[test]
fn embedded_benches_the_current_project() {
    let p = project();
    let out = p
        .lynx(&[
            "bench",
            "--embedded",
            "--tool",
            "demo.domain.echo.run",
            "-n",
            "50",
            "-c",
            "4",
            "--format",
            "json",
        ])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json_out(&out);
    assert_eq!(report["target"]["kind"], "embedded");
    assert_eq!(report["target"]["protocol"], "2026-07-28");
    assert_eq!(report["levels"][0]["successes"], 50);
    assert_eq!(report["levels"][0]["content_types"]["json"], 50);
}

#[test]
fn a_failing_validation_call_sends_no_load_and_exits_1() {
    let p = project();
    let out = p
        .lynx(&[
            "bench",
            "--embedded",
            "--tool",
            "demo.domain.nope.run",
            "-n",
            "50",
        ])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the validation call failed, so no load was sent"),
        "{err}"
    );
    assert!(err.contains("JSON-RPC error -32602"), "{err}");
    assert!(out.stdout.is_empty());
    let out = p
        .lynx(&["bench", "--embedded", "--method", "nope/list", "-n", "5"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("JSON-RPC error -32601"), "{err}");
    assert!(
        err.contains("help: the server does not know that method"),
        "{err}"
    );
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().to_string()
    };
    let out = bench(&[
        "--url",
        &format!("http://{closed}/mcp"),
        "--tool",
        "x",
        "-n",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot bench `http://"), "{err}");
}

#[test]
fn usage_mistakes_exit_2_naming_the_flag() {
    for (args, needle) in [
        (
            vec!["--url", "http://127.0.0.1:1/mcp", "--tool", "x", "-c", "0"],
            "`-c 0`",
        ),
        (
            vec![
                "--url",
                "http://127.0.0.1:1/mcp",
                "--tool",
                "x",
                "-d",
                "soon",
            ],
            "`--duration soon`",
        ),
        (
            vec![
                "--url",
                "http://127.0.0.1:1/mcp",
                "--tool",
                "x",
                "--rate",
                "fast",
            ],
            "`--rate fast`",
        ),
        (
            vec![
                "--url",
                "http://127.0.0.1:1/mcp",
                "--tool",
                "x",
                "--args",
                "[1]",
            ],
            "`--args`",
        ),
        (
            vec![
                "--url",
                "http://127.0.0.1:1/mcp",
                "--mix",
                "/nonexistent.yaml",
            ],
            "`--mix /nonexistent.yaml`",
        ),
        (
            vec!["--url", "http://127.0.0.1:1/mcp", "--method", "tools/call"],
            "--tool NAME",
        ),
        (
            vec!["--url", "http://127.0.0.1:1/mcp", "--method", "initialize"],
            "`--method initialize`: `initialize` cannot be benched",
        ),
        (vec!["--url", "ftp://x/", "--tool", "x"], "http://"),
        (
            vec![
                "--url",
                "http://127.0.0.1:1/mcp",
                "--tool",
                "x",
                "--save-baseline",
                "/nonexistent-dir/base.json",
            ],
            "`--save-baseline /nonexistent-dir/base.json`: cannot use directory",
        ),
        (vec!["--tool", "x"], "--url"),
        (vec!["--url", "http://127.0.0.1:1/mcp"], "--tool"),
    ] {
        let out = bench(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

/// A raw HTTP server: answers the first request (the validation call), then closes each
/// connection on the next request without answering, and stops listening after `closes`.
fn closing_server(closes: usize) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        let mut answered = false;
        let mut closed = 0;
        while closed < closes {
            let Ok((mut s, _)) = listener.accept() else {
                return;
            };
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            loop {
                let mut buf = vec![0u8; 64 * 1024];
                let n = match s.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                if answered {
                    closed += 1;
                    break; // drops the socket: no answer
                }
                let text = String::from_utf8_lossy(&buf[..n]);
                let body = text.split("\r\n\r\n").nth(1).unwrap_or("{}");
                let id =
                    serde_json::from_str::<Value>(body).map_or(Value::Null, |v| v["id"].clone());
                let out =
                    json!({ "jsonrpc": "2.0", "id": id, "result": { "content": [] } }).to_string();
                let resp = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{out}",
                    out.len()
                );
                s.write_all(resp.as_bytes()).unwrap();
                answered = true;
            }
        }
        // The listener is dropped here: later connects are refused.
    });
    addr
}

#[test]
fn broken_and_refused_connections_are_classified() {
    let addr = closing_server(5);
    let url = format!("http://{addr}/mcp");
    let out = bench(&[
        "--url",
        &url,
        "--protocol",
        "2026-07-28",
        "--tool",
        "x",
        "-n",
        "20",
        "-c",
        "1",
        "--timeout",
        "2s",
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let level = &json_out(&out)["levels"][0];
    let kinds = kinds(level);
    assert_eq!(level["requests"], 20);
    assert_eq!(level["successes"], 0);
    // Five closed without an answer; one more connect may still land in the listener's
    // backlog as it closes (then reset: a broken connection, not a refused one).
    let (transport, connect) = (kinds["transport"].0, kinds["connect"].0);
    assert!((5..=6).contains(&transport), "{kinds:?}");
    assert_eq!(transport + connect, 20, "{kinds:?}");
    assert_eq!(kinds.len(), 2, "{kinds:?}");
}

/// Sessions a legacy-only stub opened and deleted.
#[derive(Default)]
struct Sessions {
    opened: std::sync::atomic::AtomicU64,
    deleted: std::sync::atomic::AtomicU64,
    calls_without_session: std::sync::atomic::AtomicU64,
}

/// A server of the handshake era only: `server/discover` is an unknown method, `tools/call`
/// needs the session from `initialize`.
async fn legacy_only(
    State(s): State<Arc<Sessions>>,
    method: axum::http::Method,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Response {
    use std::sync::atomic::Ordering::SeqCst;
    if method == axum::http::Method::DELETE {
        s.deleted.fetch_add(1, SeqCst);
        return StatusCode::NO_CONTENT.into_response();
    }
    let req: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let id = req["id"].clone();
    let json = |status: StatusCode, v: Value| {
        (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            v.to_string(),
        )
            .into_response()
    };
    match req["method"].as_str().unwrap_or("") {
        "initialize" => {
            let n = s.opened.fetch_add(1, SeqCst);
            let mut resp = json(
                StatusCode::OK,
                json!({ "jsonrpc": "2.0", "id": id, "result": {
                    "protocolVersion": "2025-11-25", "capabilities": { "tools": {} },
                    "serverInfo": { "name": "legacy-stub", "version": "1" } } }),
            );
            resp.headers_mut()
                .insert("mcp-session-id", format!("s{n}").parse().unwrap());
            resp
        }
        "notifications/initialized" => StatusCode::ACCEPTED.into_response(),
        "tools/call" if headers.contains_key("mcp-session-id") => json(
            StatusCode::OK,
            json!({ "jsonrpc": "2.0", "id": id, "result": { "content": [] } }),
        ),
        "tools/call" => {
            s.calls_without_session.fetch_add(1, SeqCst);
            json(
                StatusCode::BAD_REQUEST,
                json!({ "jsonrpc": "2.0", "id": id, "error": { "code": -32600, "message": "no session" } }),
            )
        }
        _ => json(
            StatusCode::NOT_FOUND,
            json!({ "jsonrpc": "2.0", "id": id, "error": { "code": -32601, "message": "Method not found" } }),
        ),
    }
}

#[test]
fn auto_falls_back_to_the_handshake_and_deletes_every_session() {
    use std::sync::atomic::Ordering::SeqCst;
    let sessions = Arc::new(Sessions::default());
    let router = Router::new()
        .route("/mcp", post(legacy_only).delete(legacy_only))
        .with_state(sessions.clone());
    let url = format!("http://{}/mcp", spawn_stub(router).0);
    let out = bench(&[
        "--url", &url, "--tool", "echo", "-n", "30", "-c", "3", "--format", "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json_out(&out);
    assert_eq!(report["target"]["protocol"], "2025-11-25");
    assert_eq!(report["levels"][0]["successes"], 30);
    assert_eq!(sessions.calls_without_session.load(SeqCst), 0);
    // The probe's, the validation call's and one per worker; all deleted at the end.
    assert_eq!(sessions.opened.load(SeqCst), 1 + 1 + 3);
    assert_eq!(sessions.deleted.load(SeqCst), sessions.opened.load(SeqCst));
}
