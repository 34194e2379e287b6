//! The load loops. Each worker owns one connection and one [`Recorder`]; nothing is shared per
//! request but two relaxed counters for the progress bar (and, with `-n`, the ticket counter).
//!
//! - **Closed loop**: a worker sends its next request when the previous one is answered.
//! - **Open loop** (`--rate R`): request *k* of worker *w* is due at
//!   `start + (w + k·c) / R`; latency is measured from that slot, not from when the request
//!   actually left, so a stalled server cannot hide its queueing (coordinated omission): when
//!   the previous answer on the connection arrives after the next slot, the next request is
//!   timed from its slot. When the worker was idle, the request is timed from when it left, so
//!   the timer's resolution (about 1 ms in tokio) is not charged to the server. Late sends
//!   (busy at the slot, or woken more than 2 ms late) are counted and reported.
//!
//! Every loop is bounded: by `-n`, by `-d` (requests in flight at the deadline are aborted and
//! reported apart from errors), and each request by `--timeout`.

use super::stats::{ErrorKind, Failure, Level, Recorder, summarize};
use super::target::{Conn, Target};
use super::work::{Era, Template};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::time::{Instant, Sleep};

/// How one level runs.
#[derive(Clone, Debug)]
pub struct LevelPlan {
    pub concurrency: usize,
    /// Requests in the measured window (closed loop: shared by the workers).
    pub requests: Option<u64>,
    /// Length of the measured window.
    pub duration: Option<Duration>,
    /// Load before the measured window, not counted.
    pub warmup: Duration,
    /// Open loop: requests per second, all workers together.
    pub rate: Option<f64>,
    /// Per-request bound.
    pub timeout: Duration,
}

/// Live counters for the progress display (measured window only).
#[derive(Debug, Default)]
pub struct Progress {
    pub done: AtomicU64,
    pub errors: AtomicU64,
    /// Set when the measured window starts.
    pub measuring: std::sync::atomic::AtomicBool,
}

struct Ctx {
    templates: Arc<Vec<Template>>,
    schedule: Arc<Vec<usize>>,
    plan: LevelPlan,
    tickets: AtomicU64,
    progress: Arc<Progress>,
}

/// How long a worker waits after a failed connect before trying again, so a dead server is
/// not hammered in a tight loop.
const CONNECT_BACKOFF: Duration = Duration::from_millis(10);
/// Lateness of an idle worker's timer above which the generator itself is falling behind.
const TIMER_SLACK: Duration = Duration::from_millis(2);

/// Opens `concurrency` connections (handshakes included, outside the window), runs the load,
/// closes them, and summarizes. An error means a connection could not be set up.
pub async fn run_level(
    target: &Target,
    era: &Era,
    templates: Arc<Vec<Template>>,
    schedule: Arc<Vec<usize>>,
    plan: &LevelPlan,
    progress: Arc<Progress>,
) -> Result<Level, Failure> {
    let c = plan.concurrency.max(1);
    let opened = futures_util::future::join_all((0..c).map(|w| Conn::open(target, era, w))).await;
    let mut conns = Vec::with_capacity(c);
    let mut first_error = None;
    for r in opened {
        match r {
            Ok(conn) => conns.push(conn),
            Err(f) => {
                first_error.get_or_insert(f);
            }
        }
    }
    if let Some(f) = first_error {
        close_all(conns).await;
        return Err(Failure::new(
            f.kind,
            format!("opening {c} connections: {}", f.detail),
        ));
    }
    let ctx = Arc::new(Ctx {
        templates,
        schedule,
        plan: plan.clone(),
        tickets: AtomicU64::new(0),
        progress,
    });
    let start = Instant::now();
    let measure_start = start + plan.warmup;
    let end = plan.duration.map(|d| measure_start + d);
    let mut tasks = Vec::with_capacity(c);
    for (w, conn) in conns.into_iter().enumerate() {
        let ctx = ctx.clone();
        tasks.push(tokio::spawn(worker(
            conn,
            w,
            ctx,
            start,
            measure_start,
            end,
        )));
    }
    let mut total = Recorder::new();
    let mut last = measure_start;
    let mut conns = Vec::with_capacity(c);
    for t in tasks {
        if let Ok((rec, conn, finished)) = t.await {
            total.merge(rec);
            last = last.max(finished);
            conns.push(conn);
        }
    }
    close_all(conns).await;
    // A timed level's window is its duration (unless `-n` ended it first).
    let ran = last.saturating_duration_since(measure_start);
    let mut window = match (plan.duration, plan.requests) {
        (Some(d), None) => d,
        (Some(d), Some(_)) => ran.min(d),
        (None, _) => ran,
    };
    // An open loop's `-n` requests are scheduled over n/R seconds: a window that ended at the
    // last (fast) answer would be shorter, and report a rate above the one asked.
    if let (Some(rate), Some(n)) = (plan.rate, plan.requests) {
        let scheduled = Duration::from_secs_f64(n as f64 / rate.max(1e-6));
        window = window.max(plan.duration.map_or(scheduled, |d| scheduled.min(d)));
    }
    let mut level = summarize(c, plan.rate, window, &total);
    let labels: Vec<String> = ctx.templates.iter().map(|t| t.label.clone()).collect();
    level.calls = super::stats::per_call(&total, &labels);
    Ok(level)
}

async fn close_all(conns: Vec<Conn>) {
    futures_util::future::join_all(conns.into_iter().map(Conn::close)).await;
}

/// One worker: the warm-up, then the measured window. Returns its tally, its connection and
/// when it finished. The warm-up stops sending at the window's start but lets its request in
/// flight finish (bounded by `--timeout`) into the discarded tally: aborting it would drop the
/// connection, and the first measured request would pay for a new one.
async fn worker(
    mut conn: Conn,
    w: usize,
    ctx: Arc<Ctx>,
    start: Instant,
    measure_start: Instant,
    end: Option<Instant>,
) -> (Recorder, Conn, Instant) {
    let mut cursor = w;
    if measure_start > start {
        let mut discard = Recorder::new();
        match ctx.plan.rate {
            Some(rate) => {
                open_loop(
                    &mut conn,
                    w,
                    &ctx,
                    &mut cursor,
                    start,
                    Some(measure_start),
                    None,
                    rate,
                    &mut discard,
                    false,
                )
                .await;
            }
            None => {
                closed_loop(
                    &mut conn,
                    &ctx,
                    &mut cursor,
                    Some(measure_start),
                    false,
                    &mut discard,
                    false,
                )
                .await;
            }
        }
    }
    // A warm-up request that timed out dropped the connection: reconnect now, outside the
    // window.
    conn.reconnect().await;
    ctx.progress.measuring.store(true, Ordering::Relaxed);
    let mut rec = Recorder::with_calls(ctx.templates.len());
    match ctx.plan.rate {
        Some(rate) => {
            let c = ctx.plan.concurrency.max(1) as u64;
            let quota = ctx
                .plan
                .requests
                .map(|n| n / c + u64::from((w as u64) < n % c));
            open_loop(
                &mut conn,
                w,
                &ctx,
                &mut cursor,
                measure_start,
                end,
                quota,
                rate,
                &mut rec,
                true,
            )
            .await;
        }
        None => {
            closed_loop(&mut conn, &ctx, &mut cursor, end, true, &mut rec, true).await;
        }
    }
    let finished = match end {
        Some(e) => Instant::now().min(e),
        None => Instant::now(),
    };
    (rec, conn, finished)
}

/// The next template in the worker's cycle through the mix.
fn next<'a>(ctx: &'a Ctx, cursor: &mut usize) -> (usize, &'a Template) {
    let i = ctx.schedule[*cursor % ctx.schedule.len()];
    *cursor = cursor.wrapping_add(1);
    (i, &ctx.templates[i])
}

/// A worker's two timers, registered once per phase rather than once per request: the
/// phase's deadline, and a `--timeout` watchdog that is only pushed forward when it fires
/// early (so a request costs no timer-wheel registration in the common case).
struct Timers {
    end: Pin<Box<Sleep>>,
    has_end: bool,
    /// The phase's deadline itself: the `end` timer fires on a ~1 ms tick and, when the
    /// generator is busy, later still, so an answer that resolves first may already be late.
    deadline: Option<Instant>,
    watchdog: Pin<Box<Sleep>>,
}

impl Timers {
    fn new(end: Option<Instant>, timeout: Duration) -> Self {
        let far = Instant::now() + Duration::from_secs(365 * 86_400);
        Timers {
            end: Box::pin(tokio::time::sleep_until(end.unwrap_or(far))),
            has_end: end.is_some(),
            deadline: end,
            watchdog: Box::pin(tokio::time::sleep_until(Instant::now() + timeout)),
        }
    }
}

/// One request bounded by `--timeout` and the deadline: `None` when the deadline passed first,
/// including when the answer resolved only after it (a late answer is not an in-window success).
async fn exchange(
    conn: &mut Conn,
    t: &Template,
    timeout: Duration,
    timers: &mut Timers,
) -> Option<super::stats::Outcome> {
    let limit = Instant::now() + timeout;
    let timed_out = {
        let call = conn.call(t);
        tokio::pin!(call);
        loop {
            tokio::select! {
                biased;
                outcome = &mut call => {
                    if timers.deadline.is_some_and(|e| Instant::now() >= e) {
                        // The exchange completed, so the connection stays usable.
                        return None;
                    }
                    return Some(outcome);
                }
                () = timers.end.as_mut(), if timers.has_end => break false,
                () = timers.watchdog.as_mut() => {
                    if Instant::now() >= limit {
                        timers.watchdog.as_mut().reset(limit + timeout);
                        break true;
                    }
                    timers.watchdog.as_mut().reset(limit);
                }
            }
        }
    };
    conn.reset();
    if !timed_out {
        return None;
    }
    Some((
        Err(Failure::new(
            ErrorKind::Timeout,
            format!("no answer to `{}` within {timeout:?} (--timeout)", t.label),
        )),
        None,
    ))
}

fn count(ctx: &Ctx, ok: bool, live: bool) {
    if live {
        ctx.progress.done.fetch_add(1, Ordering::Relaxed);
        if !ok {
            ctx.progress.errors.fetch_add(1, Ordering::Relaxed);
        }
    }
}

async fn backoff_after(outcome: &super::stats::Outcome, end: Option<Instant>) {
    if matches!(&outcome.0, Err(f) if f.kind == ErrorKind::Connect) {
        let wake = Instant::now() + CONNECT_BACKOFF;
        tokio::time::sleep_until(end.map_or(wake, |e| e.min(wake))).await;
    }
}

async fn closed_loop(
    conn: &mut Conn,
    ctx: &Ctx,
    cursor: &mut usize,
    end: Option<Instant>,
    counted: bool,
    rec: &mut Recorder,
    live: bool,
) {
    let limit = if counted { ctx.plan.requests } else { None };
    let mut timers = Timers::new(if live { end } else { None }, ctx.plan.timeout);
    loop {
        if let Some(n) = limit
            && ctx.tickets.fetch_add(1, Ordering::Relaxed) >= n
        {
            return;
        }
        if end.is_some_and(|e| Instant::now() >= e) {
            return;
        }
        let (call, t) = next(ctx, cursor);
        let sent = Instant::now();
        let Some(outcome) = exchange(conn, t, ctx.plan.timeout, &mut timers).await else {
            rec.aborted += 1;
            return;
        };
        let latency = sent.elapsed();
        count(ctx, outcome.0.is_ok(), live);
        backoff_after(&outcome, end).await;
        rec.record_call(call, outcome, latency);
    }
}

#[allow(clippy::too_many_arguments)]
async fn open_loop(
    conn: &mut Conn,
    w: usize,
    ctx: &Ctx,
    cursor: &mut usize,
    start: Instant,
    end: Option<Instant>,
    quota: Option<u64>,
    rate: f64,
    rec: &mut Recorder,
    live: bool,
) {
    let c = ctx.plan.concurrency.max(1) as f64;
    let rate = rate.max(1e-6);
    let mut k: u64 = 0;
    let mut timers = Timers::new(if live { end } else { None }, ctx.plan.timeout);
    loop {
        if quota.is_some_and(|q| k >= q) {
            return;
        }
        let offset = Duration::from_secs_f64((w as f64 + k as f64 * c) / rate);
        let slot = start + offset;
        if end.is_some_and(|e| slot >= e) {
            return;
        }
        // Busy past the slot: the previous answer came late, and this request's wait counts
        // (coordinated-omission correction). Idle: it leaves when the timer fires, and the
        // timer's own lateness is the generator's, not the server's.
        let busy = k > 0 && Instant::now() > slot;
        if !busy {
            tokio::time::sleep_until(slot).await;
        }
        let sent = Instant::now();
        let lag = sent.saturating_duration_since(slot);
        rec.sent += 1;
        if busy || lag > TIMER_SLACK {
            rec.late += 1;
        }
        rec.max_lag_us = rec
            .max_lag_us
            .max(u64::try_from(lag.as_micros()).unwrap_or(u64::MAX));
        let (call, t) = next(ctx, cursor);
        let Some(outcome) = exchange(conn, t, ctx.plan.timeout, &mut timers).await else {
            rec.aborted += 1;
            return;
        };
        let latency = if busy { slot.elapsed() } else { sent.elapsed() };
        count(ctx, outcome.0.is_ok(), live);
        rec.record_call(call, outcome, latency);
        k += 1;
    }
}
