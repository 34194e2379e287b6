//! What a load level measured: per-worker [`Recorder`]s (no shared lock per request), merged
//! once at the end into a [`Level`] — throughput, latency percentiles from an HDR histogram,
//! errors by kind, content types, open-loop send lag and warnings.
//!
//! Invariant: pure (no IO, no clock reads); everything here is unit-tested.

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// Largest latency the histogram tells apart (longer ones are recorded as this), in µs.
pub const MAX_LATENCY_US: u64 = 3_600_000_000;

/// Why a request did not succeed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ErrorKind {
    /// The connection (or the `--stdio` server process) could not be set up.
    Connect,
    /// The connection broke during the exchange (reset, closed, process exited).
    Transport,
    /// No answer within the per-request `--timeout`.
    Timeout,
    /// An HTTP error status without a JSON-RPC error in the body.
    Http(u16),
    /// A JSON-RPC error response, by code.
    Rpc(i64),
    /// A `tools/call` result with `isError: true`.
    Tool,
    /// An answer that is not a JSON-RPC response to the request (unparseable, wrong id, …).
    Protocol,
}

impl ErrorKind {
    /// The kind's name in the JSON output.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Connect => "connect",
            ErrorKind::Transport => "transport",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Http(_) => "http_status",
            ErrorKind::Rpc(_) => "jsonrpc_error",
            ErrorKind::Tool => "tool_error",
            ErrorKind::Protocol => "protocol",
        }
    }

    /// The HTTP status or JSON-RPC code, for the kinds that have one.
    pub fn code(self) -> Option<i64> {
        match self {
            ErrorKind::Http(s) => Some(i64::from(s)),
            ErrorKind::Rpc(c) => Some(c),
            _ => None,
        }
    }

    /// The kind named `name` in the JSON output (with its `code`), for reports read back.
    pub fn from_name(name: &str, code: Option<i64>) -> Option<ErrorKind> {
        Some(match name {
            "connect" => ErrorKind::Connect,
            "transport" => ErrorKind::Transport,
            "timeout" => ErrorKind::Timeout,
            "http_status" => ErrorKind::Http(u16::try_from(code.unwrap_or(0)).unwrap_or(0)),
            "jsonrpc_error" => ErrorKind::Rpc(code.unwrap_or(0)),
            "tool_error" => ErrorKind::Tool,
            "protocol" => ErrorKind::Protocol,
            _ => return None,
        })
    }

    /// How the kind reads in the human table.
    pub fn label(self) -> String {
        match self {
            ErrorKind::Connect => "connect error".into(),
            ErrorKind::Transport => "connection broke".into(),
            ErrorKind::Timeout => "timeout".into(),
            ErrorKind::Http(s) => format!("HTTP {s}"),
            ErrorKind::Rpc(c) => format!("JSON-RPC error {c}"),
            ErrorKind::Tool => "tool error (isError)".into(),
            ErrorKind::Protocol => "not a JSON-RPC answer".into(),
        }
    }
}

/// A failed request: its kind and, for the report, what happened.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    pub kind: ErrorKind,
    pub detail: String,
}

impl Failure {
    pub fn new(kind: ErrorKind, detail: impl Into<String>) -> Self {
        Self {
            kind,
            detail: detail.into(),
        }
    }
}

/// How an answer arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Content {
    Json,
    Sse,
    /// A line on a `--stdio` server's stdout.
    Stdio,
    /// Any other (or no) content type.
    Other,
}

/// Answers seen per content type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentTypes {
    /// `application/json`.
    pub json: u64,
    /// `text/event-stream`.
    pub sse: u64,
    /// Lines from a `--stdio` server.
    pub stdio: u64,
    pub other: u64,
}

impl ContentTypes {
    fn add(&mut self, c: Content) {
        match c {
            Content::Json => self.json += 1,
            Content::Sse => self.sse += 1,
            Content::Stdio => self.stdio += 1,
            Content::Other => self.other += 1,
        }
    }

    fn merge(&mut self, o: &ContentTypes) {
        self.json += o.json;
        self.sse += o.sse;
        self.stdio += o.stdio;
        self.other += o.other;
    }
}

/// The outcome of one request.
pub type Outcome = (Result<(), Failure>, Option<Content>);

/// Mixes with more kinds of calls than this get no per-call figures.
pub const MAX_CALL_TALLIES: usize = 32;

/// One kind of call's tally in a mix.
pub struct CallTally {
    pub ok: u64,
    pub errors: u64,
    /// Latency of its successes, in µs (2 significant digits, grows as needed).
    pub hist: Histogram<u64>,
}

impl CallTally {
    fn new() -> Self {
        CallTally {
            ok: 0,
            errors: 0,
            hist: Histogram::new(2)
                .unwrap_or_else(|_| unreachable!("2 significant digits are valid")),
        }
    }
}

/// One worker's tally. Merged with the others' after the run.
pub struct Recorder {
    /// Per kind of call, when the work is a mix of several (else empty).
    pub calls: Vec<CallTally>,
    /// Latency of successful requests, in µs.
    pub hist: Histogram<u64>,
    pub ok: u64,
    pub errors: BTreeMap<ErrorKind, u64>,
    /// The first detail seen per kind.
    pub examples: BTreeMap<ErrorKind, String>,
    pub content: ContentTypes,
    /// In flight when the run's deadline passed (not errors).
    pub aborted: u64,
    /// Open loop: requests sent, sends later than their slot (beyond the timer's resolution),
    /// and the largest lag, in µs.
    pub sent: u64,
    pub late: u64,
    pub max_lag_us: u64,
}

impl Default for Recorder {
    fn default() -> Self {
        Self::new()
    }
}

impl Recorder {
    pub fn new() -> Self {
        Self {
            calls: Vec::new(),
            hist: new_histogram(),
            ok: 0,
            errors: BTreeMap::new(),
            examples: BTreeMap::new(),
            content: ContentTypes::default(),
            aborted: 0,
            sent: 0,
            late: 0,
            max_lag_us: 0,
        }
    }

    /// A tally that also keeps each of `kinds` calls apart (when there are 2 to
    /// [`MAX_CALL_TALLIES`]; larger mixes are reported as a whole, to bound memory).
    pub fn with_calls(kinds: usize) -> Self {
        let mut r = Self::new();
        if (2..=MAX_CALL_TALLIES).contains(&kinds) {
            r.calls = (0..kinds).map(|_| CallTally::new()).collect();
        }
        r
    }

    /// [`Recorder::record`] for the `call`-th kind of call of a mix.
    pub fn record_call(&mut self, call: usize, outcome: Outcome, latency: Duration) {
        if let Some(t) = self.calls.get_mut(call) {
            if outcome.0.is_ok() {
                t.ok += 1;
                let us = u64::try_from(latency.as_micros()).unwrap_or(MAX_LATENCY_US);
                let _ = t.hist.record(us.clamp(1, MAX_LATENCY_US));
            } else {
                t.errors += 1;
            }
        }
        self.record(outcome, latency);
    }

    /// Counts one finished request; `latency` is timed for successes only.
    pub fn record(&mut self, outcome: Outcome, latency: Duration) {
        if let Some(c) = outcome.1 {
            self.content.add(c);
        }
        match outcome.0 {
            Ok(()) => {
                self.ok += 1;
                let us = u64::try_from(latency.as_micros()).unwrap_or(MAX_LATENCY_US);
                // Grows the histogram as needed (the value is capped at an hour).
                let _ = self.hist.record(us.clamp(1, MAX_LATENCY_US));
            }
            Err(f) => {
                *self.errors.entry(f.kind).or_insert(0) += 1;
                self.examples.entry(f.kind).or_insert(f.detail);
            }
        }
    }

    pub fn errors_total(&self) -> u64 {
        self.errors.values().sum()
    }

    pub fn merge(&mut self, o: Recorder) {
        if self.calls.is_empty() {
            self.calls = o.calls;
        } else {
            for (mine, theirs) in self.calls.iter_mut().zip(o.calls) {
                mine.ok += theirs.ok;
                mine.errors += theirs.errors;
                let _ = mine.hist.add(&theirs.hist);
            }
        }
        let _ = self.hist.add(&o.hist);
        self.ok += o.ok;
        for (k, n) in o.errors {
            *self.errors.entry(k).or_insert(0) += n;
        }
        for (k, e) in o.examples {
            self.examples.entry(k).or_insert(e);
        }
        self.content.merge(&o.content);
        self.aborted += o.aborted;
        self.sent += o.sent;
        self.late += o.late;
        self.max_lag_us = self.max_lag_us.max(o.max_lag_us);
    }
}

/// The range a histogram covers before it first grows: 2^14 µs (16 ms) holds typical
/// latencies in the smallest size 3 significant digits allow.
const INITIAL_HIGHEST_US: u64 = 1 << 14;

fn new_histogram() -> Histogram<u64> {
    // 3 significant digits (exact below 2 ms, ±0.05 % above), up to an hour. Each worker has
    // one, so it starts small and grows to the slowest latency it records: sized for an hour
    // up front, thousands of workers would hold hundreds of MB of empty counters.
    let mut h = Histogram::new_with_bounds(1, INITIAL_HIGHEST_US, 3)
        .unwrap_or_else(|_| unreachable!("1 µs to 16 ms at 3 significant digits is valid"));
    h.auto(true);
    h
}

/// Latency figures of successful requests, in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    pub min_ms: f64,
    pub mean_ms: f64,
    pub stddev_ms: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    pub max_ms: f64,
}

/// One error kind's count.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorCount {
    /// `connect`, `transport`, `timeout`, `http_status`, `jsonrpc_error`, `tool_error` or
    /// `protocol`.
    pub kind: String,
    /// The HTTP status (`http_status`) or JSON-RPC code (`jsonrpc_error`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    pub count: u64,
    /// The first such error's detail.
    pub example: String,
}

/// Open-loop figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OpenLoop {
    /// `--rate`, requests per second.
    pub asked_rate: f64,
    /// Requests actually sent per second of the window.
    pub sent_rate: f64,
    /// Sends that could not leave at their slot: the connection was still busy with the
    /// previous request (the target could not keep up), or the generator's timer fired more
    /// than 2 ms late (the generator could not).
    pub late_sends: u64,
    pub max_send_lag_ms: f64,
}

/// One bucket of the latency distribution: successful requests with latency ≤ `le_ms` (and
/// above the previous bucket's bound).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    pub le_ms: f64,
    pub count: u64,
}

/// The results of one load level (one concurrency).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Level {
    /// Concurrent workers (connections, or `--stdio` server processes).
    pub concurrency: usize,
    /// `closed` (each worker sends its next request when the previous one is answered) or
    /// `open` (`--rate`: requests are sent on a fixed schedule).
    pub mode: String,
    /// The measured window (after the warm-up), in seconds.
    pub duration_s: f64,
    /// Requests that finished in the window: `successes + errors`.
    pub requests: u64,
    pub successes: u64,
    pub errors: u64,
    /// `errors / requests` (0 when there were no requests).
    pub error_rate: f64,
    /// In flight when the duration ended; neither successes nor errors.
    pub aborted: u64,
    /// `requests / duration_s`.
    pub rps: f64,
    pub latency: Latency,
    pub errors_by_kind: Vec<ErrorCount>,
    pub content_types: ContentTypes,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_loop: Option<OpenLoop>,
    /// Latency distribution (log-spaced buckets, empty ones left out).
    pub histogram: Vec<Bucket>,
    pub warnings: Vec<String>,
    /// With a mix of several calls: each call's share (absent otherwise).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calls: Vec<CallSummary>,
}

/// One kind of call of a mix, within a level.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallSummary {
    /// `tools/call NAME` or the method.
    pub call: String,
    pub requests: u64,
    pub errors: u64,
    /// Latency of its successful requests (2 significant digits).
    pub p50_ms: f64,
    pub p99_ms: f64,
}

/// Each kind of call's figures, labelled, from a merged tally (empty for single-call work).
pub fn per_call(rec: &Recorder, labels: &[String]) -> Vec<CallSummary> {
    rec.calls
        .iter()
        .zip(labels)
        .map(|(t, label)| {
            let q = |p: f64| {
                if t.hist.is_empty() {
                    0.0
                } else {
                    t.hist.value_at_quantile(p) as f64 / 1000.0
                }
            };
            CallSummary {
                call: label.clone(),
                requests: t.ok + t.errors,
                errors: t.errors,
                p50_ms: q(0.5),
                p99_ms: q(0.99),
            }
        })
        .collect()
}

/// Merges the workers' tallies into a level's results.
pub fn summarize(concurrency: usize, rate: Option<f64>, window: Duration, rec: &Recorder) -> Level {
    let secs = window.as_secs_f64();
    let errors = rec.errors_total();
    let requests = rec.ok + errors;
    let per_sec = |n: u64| if secs > 0.0 { n as f64 / secs } else { 0.0 };
    let h = &rec.hist;
    let ms = |us: u64| us as f64 / 1000.0;
    let latency = if h.is_empty() {
        Latency::default()
    } else {
        Latency {
            min_ms: ms(h.min()),
            mean_ms: h.mean() / 1000.0,
            stddev_ms: h.stdev() / 1000.0,
            p50_ms: ms(h.value_at_quantile(0.5)),
            p90_ms: ms(h.value_at_quantile(0.9)),
            p99_ms: ms(h.value_at_quantile(0.99)),
            p999_ms: ms(h.value_at_quantile(0.999)),
            max_ms: ms(h.max()),
        }
    };
    let errors_by_kind = rec
        .errors
        .iter()
        .map(|(k, n)| ErrorCount {
            kind: k.name().into(),
            code: k.code(),
            count: *n,
            example: rec.examples.get(k).cloned().unwrap_or_default(),
        })
        .collect();
    let open_loop = rate.map(|asked| OpenLoop {
        asked_rate: asked,
        sent_rate: per_sec(rec.sent),
        late_sends: rec.late,
        max_send_lag_ms: ms(rec.max_lag_us),
    });
    let mut warnings = Vec::new();
    if let Some(ol) = &open_loop
        && ol.sent_rate < ol.asked_rate * 0.95
    {
        warnings.push(format!(
            "could not keep up with --rate {}: sent {:.0} req/s with {concurrency} connections \
             ({} sends late, up to {:.1} ms); latency is counted from each request's slot, so it \
             includes the wait — raise -c or lower --rate",
            fmt_num(ol.asked_rate),
            ol.sent_rate,
            ol.late_sends,
            ol.max_send_lag_ms
        ));
    }
    let buckets = log_buckets(h);
    if let Some(w) = bimodal(&buckets, h.len()) {
        warnings.push(w);
    }
    Level {
        concurrency,
        mode: if rate.is_some() { "open" } else { "closed" }.into(),
        duration_s: secs,
        requests,
        successes: rec.ok,
        errors,
        error_rate: if requests == 0 {
            0.0
        } else {
            errors as f64 / requests as f64
        },
        aborted: rec.aborted,
        rps: per_sec(requests),
        latency,
        errors_by_kind,
        content_types: rec.content,
        open_loop,
        histogram: buckets,
        warnings,
        calls: Vec::new(),
    }
}

/// `5000` not `5000.0`, `2.5` as is.
pub fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}

/// Buckets per doubling of latency.
const PER_OCTAVE: f64 = 4.0;

/// The histogram in log-spaced buckets (four per doubling, from 1 µs), empty ones left out.
pub fn log_buckets(h: &Histogram<u64>) -> Vec<Bucket> {
    let mut counts: BTreeMap<u32, u64> = BTreeMap::new();
    for v in h.iter_recorded() {
        let us = v.value_iterated_to().max(1) as f64;
        let idx = (us.log2() * PER_OCTAVE).ceil().max(0.0) as u32;
        *counts.entry(idx).or_insert(0) += v.count_since_last_iteration();
    }
    counts
        .into_iter()
        .map(|(i, count)| Bucket {
            le_ms: (2f64.powf(f64::from(i) / PER_OCTAVE) / 1000.0 * 1000.0).round() / 1000.0,
            count,
        })
        .collect()
}

/// A warning when the distribution has two separate humps: a second mode at ≥ 4× the first
/// latency holding ≥ 1 % of requests, with a valley between them (below a tenth of the smaller
/// peak). The classic cause is the ~40 ms Nagle × delayed-ACK stall (MCP.md).
pub fn bimodal(buckets: &[Bucket], total: u64) -> Option<String> {
    if total < 100 || buckets.len() < 3 {
        return None;
    }
    // Dense bucket index → count (missing buckets are zeros).
    let index = |b: &Bucket| ((b.le_ms * 1000.0).log2() * PER_OCTAVE).round() as i64;
    let first = index(&buckets[0]);
    let last = index(&buckets[buckets.len() - 1]);
    let mut dense = vec![0u64; usize::try_from(last - first + 1).ok()?];
    for b in buckets {
        dense[usize::try_from(index(b) - first).ok()?] += b.count;
    }
    let (main, &main_count) = dense.iter().enumerate().max_by_key(|(_, c)| **c)?;
    let min_share = (total / 100).max(1);
    let octaves2 = (2.0 * PER_OCTAVE) as usize; // 4× apart
    // The biggest hump at least 4× away (either side) from the main one.
    let (other, &other_count) = dense
        .iter()
        .enumerate()
        .filter(|(i, c)| i.abs_diff(main) >= octaves2 && **c >= min_share)
        .max_by_key(|(_, c)| **c)?;
    let (lo, hi) = (main.min(other), main.max(other));
    let valley = dense[lo + 1..hi].iter().copied().min().unwrap_or(0);
    let smaller = main_count.min(other_count);
    if valley * 10 > smaller {
        return None;
    }
    let at = |i: usize| 2f64.powf((first + i as i64) as f64 / PER_OCTAVE) / 1000.0;
    let (fast, slow, slow_count) = if main < other {
        (at(main), at(other), other_count)
    } else {
        (at(other), at(main), main_count)
    };
    let share = slow_count as f64 * 100.0 / total as f64;
    let mut w = format!(
        "latency is bimodal: {share:.1} % of calls took about {} while most took about {}",
        fmt_ms(slow),
        fmt_ms(fast)
    );
    if (30.0..=60.0).contains(&slow) {
        w.push_str(
            "; a cluster near 40 ms is the signature of Nagle's algorithm meeting delayed ACKs \
             — the server should set TCP_NODELAY on its sockets",
        );
    }
    Some(w)
}

/// A latency in ms for people: `0.215 ms`, `12.3 ms`, `1.52 s`.
pub fn fmt_ms(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else if ms >= 10.0 {
        format!("{ms:.1} ms")
    } else if ms >= 1.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.3} ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok() -> Outcome {
        (Ok(()), Some(Content::Json))
    }

    #[test]
    fn a_workers_histogram_is_sized_by_what_it_records() {
        let counters = |r: &Recorder| r.hist.distinct_values() * std::mem::size_of::<u64>();
        let mut r = Recorder::new();
        // Typical latencies need 48 KB of counters (an hour's range took 188 KB).
        r.record(ok(), Duration::from_millis(10));
        assert!(counters(&r) <= 64 * 1024, "{} bytes", counters(&r));
        // A slow answer grows it, and is recorded exactly; so is the merged total.
        r.record(ok(), Duration::from_secs(30));
        assert!(r.hist.max() >= 29_990_000, "{}", r.hist.max());
        let mut total = Recorder::new();
        total.merge(r);
        assert_eq!(total.hist.len(), 2);
        assert!(total.hist.max() >= 29_990_000);
        // Beyond an hour, it is capped rather than lost.
        total.record(ok(), Duration::from_secs(7200));
        assert_eq!(total.hist.len(), 3);
        assert!(total.hist.max() >= MAX_LATENCY_US - MAX_LATENCY_US / 1000);
    }

    #[test]
    fn counts_add_up_and_merge() {
        let mut a = Recorder::new();
        a.record(ok(), Duration::from_millis(2));
        a.record(
            (
                Err(Failure::new(ErrorKind::Rpc(-32602), "unknown tool")),
                Some(Content::Json),
            ),
            Duration::ZERO,
        );
        let mut b = Recorder::new();
        b.record(ok(), Duration::from_millis(4));
        b.record(
            (
                Err(Failure::new(ErrorKind::Rpc(-32602), "second")),
                Some(Content::Sse),
            ),
            Duration::ZERO,
        );
        b.record(
            (Err(Failure::new(ErrorKind::Timeout, "slow")), None),
            Duration::ZERO,
        );
        b.aborted = 2;
        a.merge(b);
        let level = summarize(2, None, Duration::from_secs(2), &a);
        assert_eq!(level.requests, 5);
        assert_eq!(level.successes + level.errors, level.requests);
        assert_eq!(level.errors, 3);
        assert_eq!(level.aborted, 2);
        assert!((level.rps - 2.5).abs() < 1e-9);
        assert!((level.error_rate - 0.6).abs() < 1e-9);
        assert_eq!(level.content_types.json, 3);
        assert_eq!(level.content_types.sse, 1);
        assert_eq!(level.errors_by_kind.len(), 2);
        assert_eq!(level.errors_by_kind[0].kind, "timeout");
        assert_eq!(level.errors_by_kind[1].kind, "jsonrpc_error");
        assert_eq!(level.errors_by_kind[1].code, Some(-32602));
        assert_eq!(level.errors_by_kind[1].count, 2);
        assert_eq!(level.errors_by_kind[1].example, "unknown tool");
        assert!((level.latency.min_ms - 2.0).abs() < 0.01);
        assert!((level.latency.max_ms - 4.0).abs() < 0.01);
        assert!((level.latency.mean_ms - 3.0).abs() < 0.01);
    }

    #[test]
    fn mixes_are_tallied_per_call() {
        let mut a = Recorder::with_calls(2);
        a.record_call(0, ok(), Duration::from_millis(1));
        a.record_call(1, ok(), Duration::from_millis(8));
        let mut b = Recorder::with_calls(2);
        b.record_call(
            1,
            (Err(Failure::new(ErrorKind::Tool, "x")), None),
            Duration::ZERO,
        );
        b.record_call(0, ok(), Duration::from_millis(1));
        a.merge(b);
        let calls = per_call(&a, &["tools/call a".into(), "tools/list".into()]);
        assert_eq!(calls.len(), 2);
        assert_eq!((calls[0].requests, calls[0].errors), (2, 0));
        assert_eq!((calls[1].requests, calls[1].errors), (2, 1));
        assert!((calls[0].p50_ms - 1.0).abs() < 0.02, "{calls:?}");
        assert!((calls[1].p99_ms - 8.0).abs() < 0.1, "{calls:?}");
        // A single kind of call keeps no separate tally.
        assert!(Recorder::with_calls(1).calls.is_empty());
    }

    #[test]
    fn percentiles_come_from_the_histogram() {
        let mut r = Recorder::new();
        for i in 1..=1000u64 {
            r.record(ok(), Duration::from_micros(i * 10));
        }
        let l = summarize(1, None, Duration::from_secs(1), &r).latency;
        assert!((l.p50_ms - 5.0).abs() < 0.01, "{l:?}");
        assert!((l.p90_ms - 9.0).abs() < 0.01, "{l:?}");
        assert!((l.p99_ms - 9.9).abs() < 0.01, "{l:?}");
        assert!((l.max_ms - 10.0).abs() < 0.01, "{l:?}");
    }

    #[test]
    fn a_nagle_stall_is_flagged_as_bimodal() {
        let mut r = Recorder::new();
        for i in 0..950u64 {
            r.record(ok(), Duration::from_micros(200 + i % 50));
        }
        for i in 0..50u64 {
            r.record(ok(), Duration::from_micros(40_000 + i * 20));
        }
        let level = summarize(1, None, Duration::from_secs(1), &r);
        let w = level.warnings.join("\n");
        assert!(w.contains("bimodal"), "{w}");
        assert!(w.contains("5.0 %"), "{w}");
        assert!(w.contains("TCP_NODELAY"), "{w}");
    }

    #[test]
    fn a_single_hump_with_a_tail_is_not_bimodal() {
        let mut r = Recorder::new();
        for i in 0..2000u64 {
            // A smooth, long-tailed spread from 100 µs to ~20 ms.
            let us = 100.0 * (1.0 + (i as f64 / 2000.0) * 7.6).exp2();
            r.record(ok(), Duration::from_micros(us as u64));
        }
        for i in 0..5000u64 {
            r.record(ok(), Duration::from_micros(200 + i % 40));
        }
        let level = summarize(1, None, Duration::from_secs(1), &r);
        assert!(level.warnings.is_empty(), "{:?}", level.warnings);
    }

    #[test]
    fn open_loop_that_falls_behind_is_reported() {
        let mut r = Recorder::new();
        r.sent = 500;
        r.late = 300;
        r.max_lag_us = 12_000;
        let level = summarize(4, Some(1000.0), Duration::from_secs(1), &r);
        let ol = level.open_loop.unwrap();
        assert!((ol.sent_rate - 500.0).abs() < 1e-9);
        assert!(level.warnings[0].contains("could not keep up with --rate 1000"));
        r.sent = 990;
        let level = summarize(4, Some(1000.0), Duration::from_secs(1), &r);
        assert!(level.warnings.is_empty());
    }

    #[test]
    fn latency_formats() {
        assert_eq!(fmt_ms(0.2151), "0.215 ms");
        assert_eq!(fmt_ms(4.56789), "4.57 ms");
        assert_eq!(fmt_ms(42.0), "42.0 ms");
        assert_eq!(fmt_ms(250.4), "250 ms");
        assert_eq!(fmt_ms(1520.0), "1.52 s");
        assert_eq!(fmt_num(5000.0), "5000");
        assert_eq!(fmt_num(2.5), "2.5");
    }
}
