//! Reports for people (a comfy-table per run, error breakdowns, warnings, the latency
//! distribution, the comparison with a baseline) and for machines (JSON). Pure `fn -> String`.

use super::Report;
use super::budget::{Broken, Metric};
use super::compare::{Comparison, fmt_change};
use super::stats::{Level, fmt_ms};
use comfy_table::{CellAlignment, ContentArrangement, Table, presets};
use serde::Serialize;
use std::fmt::Write as _;

/// What is shown besides the levels.
#[derive(Default)]
pub struct Extras<'a> {
    pub comparison: Option<&'a Comparison>,
    pub broken: Option<&'a [Broken]>,
    pub histogram: bool,
}

fn table() -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    t
}

fn right(t: &mut Table, from: usize) {
    for i in from..t.column_count() {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
}

pub fn human(r: &Report, extras: &Extras) -> String {
    let mut out = String::new();
    let load = match r.load.rate {
        Some(rate) => format!("open loop at {} req/s", super::stats::fmt_num(rate)),
        None => "closed loop".into(),
    };
    let span = match (r.load.requests, r.load.duration_s) {
        (Some(n), Some(d)) => format!("{n} requests or {}s per level", super::stats::fmt_num(d)),
        (Some(n), None) => format!("{n} requests per level"),
        (None, Some(d)) => format!("{}s per level", super::stats::fmt_num(d)),
        (None, None) => String::new(),
    };
    let _ = writeln!(
        out,
        "{} → {} ({}, {}), {load}, {span}",
        r.work, r.target.address, r.target.kind, r.target.protocol
    );
    let mut t = table();
    t.set_header([
        "c",
        "req/s",
        "requests",
        "errors",
        "aborted",
        "p50",
        "p90",
        "p99",
        "p99.9",
        "max",
        "mean ± stddev",
    ]);
    for l in &r.levels {
        let lat = &l.latency;
        t.add_row([
            l.concurrency.to_string(),
            format!("{:.0}", l.rps),
            l.requests.to_string(),
            if l.errors == 0 {
                "0".into()
            } else {
                format!("{} ({})", l.errors, Metric::ErrorRate.show(l.error_rate))
            },
            l.aborted.to_string(),
            fmt_ms(lat.p50_ms),
            fmt_ms(lat.p90_ms),
            fmt_ms(lat.p99_ms),
            fmt_ms(lat.p999_ms),
            fmt_ms(lat.max_ms),
            format!("{} ± {}", fmt_ms(lat.mean_ms), fmt_ms(lat.stddev_ms)),
        ]);
    }
    right(&mut t, 0);
    let _ = writeln!(out, "{t}");
    for l in &r.levels {
        let tag = if r.levels.len() > 1 {
            format!(" (c={})", l.concurrency)
        } else {
            String::new()
        };
        if let Some(ol) = &l.open_loop {
            let _ = writeln!(
                out,
                "open loop{tag}: asked {} req/s, sent {:.0} req/s, {} sends late (max lag {})",
                super::stats::fmt_num(ol.asked_rate),
                ol.sent_rate,
                ol.late_sends,
                fmt_ms(ol.max_send_lag_ms)
            );
        }
        for e in &l.errors_by_kind {
            // One label for a kind, whether read from this run or from a saved report.
            let kind = super::stats::ErrorKind::from_name(&e.kind, e.code)
                .map_or_else(|| e.kind.clone(), |k| k.label());
            let _ = writeln!(
                out,
                "errors{tag}: {} × {kind} — e.g. {}",
                e.count, e.example
            );
        }
        let ct = &l.content_types;
        let mut parts = Vec::new();
        for (n, name) in [
            (ct.json, "application/json"),
            (ct.sse, "text/event-stream"),
            (ct.stdio, "stdio"),
            (ct.other, "other"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {name}"));
            }
        }
        if !parts.is_empty() {
            let _ = writeln!(out, "responses{tag}: {}", parts.join(", "));
        }
        if !l.calls.is_empty() {
            let _ = writeln!(out, "per call{tag}:");
            let mut t = table();
            t.set_header(["call", "requests", "errors", "p50", "p99"]);
            for c in &l.calls {
                t.add_row([
                    c.call.clone(),
                    c.requests.to_string(),
                    c.errors.to_string(),
                    fmt_ms(c.p50_ms),
                    fmt_ms(c.p99_ms),
                ]);
            }
            right(&mut t, 1);
            let _ = writeln!(out, "{t}");
        }
        for w in &l.warnings {
            let _ = writeln!(out, "warning{tag}: {w}");
        }
        if extras.histogram {
            out.push_str(&histogram(l, &tag));
        }
    }
    if let Some(c) = extras.comparison {
        out.push_str(&comparison(c));
    }
    if let Some(broken) = extras.broken {
        if broken.is_empty() {
            out.push_str("budgets: all met\n");
        }
        for b in broken {
            let _ = if b.not_judged {
                writeln!(
                    out,
                    "budget {} (c={}): {}; compare with a baseline that ran this level",
                    b.budget, b.concurrency, b.actual
                )
            } else {
                writeln!(
                    out,
                    "budget broken (c={}): {} — measured {}",
                    b.concurrency, b.budget, b.actual
                )
            };
        }
    }
    out
}

/// The latency distribution as a bar chart.
pub fn histogram(l: &Level, tag: &str) -> String {
    let mut out = format!("latency distribution{tag} (successful calls):\n");
    let max = l.histogram.iter().map(|b| b.count).max().unwrap_or(0);
    if max == 0 {
        out.push_str("  (no successful calls)\n");
        return out;
    }
    let width = l
        .histogram
        .iter()
        .map(|b| b.count.to_string().len())
        .max()
        .unwrap_or(1);
    for b in &l.histogram {
        let bar = ((b.count as f64 / max as f64) * 40.0).ceil() as usize;
        let _ = writeln!(
            out,
            "  ≤ {:>9}  {:>width$}  {}",
            fmt_ms(b.le_ms),
            b.count,
            "■".repeat(bar.max(1)),
        );
    }
    out
}

pub fn comparison(c: &Comparison) -> String {
    let mut out = String::new();
    for l in &c.levels {
        let _ = writeln!(out, "compared with the baseline (c={}):", l.concurrency);
        let mut t = table();
        t.set_header(["metric", "baseline", "now", "change", ""]);
        for d in &l.deltas {
            let m = Metric::parse(&d.metric).unwrap_or(Metric::Rps);
            t.add_row([
                d.metric.clone(),
                m.show(d.baseline),
                m.show(d.current),
                fmt_change(d),
                d.verdict.clone(),
            ]);
        }
        right(&mut t, 1);
        let _ = writeln!(out, "{t}");
    }
    for n in &c.notes {
        let _ = writeln!(out, "note: {n}");
    }
    out
}

/// `--format json`: the report, plus the comparison and budget results when asked for.
#[derive(Serialize)]
pub struct JsonOut<'a> {
    #[serde(flatten)]
    pub report: &'a Report,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison: Option<&'a Comparison>,
    /// Present with `--fail-if`: the broken budgets (empty when all are met).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budgets_broken: Option<&'a [Broken]>,
}

pub fn json(out: &JsonOut) -> String {
    serde_json::to_string_pretty(out).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::stats::{Content, ErrorKind, Failure, Recorder, summarize};
    use crate::bench::{LoadInfo, TargetInfo};
    use std::time::Duration;

    fn report() -> Report {
        let mut r = Recorder::new();
        for i in 0..990u64 {
            r.record(
                (Ok(()), Some(Content::Json)),
                Duration::from_micros(400 + i),
            );
        }
        for _ in 0..10 {
            r.record(
                (
                    Err(Failure::new(
                        ErrorKind::Tool,
                        r#"{"result":{"isError":true}}"#,
                    )),
                    Some(Content::Sse),
                ),
                Duration::ZERO,
            );
        }
        r.aborted = 3;
        Report {
            schema: crate::bench::SCHEMA.into(),
            lynx_version: "test".into(),
            target: TargetInfo {
                kind: "http".into(),
                address: "http://127.0.0.1:7878/mcp".into(),
                protocol: "2026-07-28".into(),
            },
            work: "tools/call demo.echo".into(),
            load: LoadInfo {
                mode: "closed".into(),
                requests: None,
                duration_s: Some(2.0),
                warmup_s: 0.0,
                rate: None,
                timeout_s: 30.0,
            },
            levels: vec![summarize(16, None, Duration::from_secs(2), &r)],
        }
    }

    #[test]
    fn human_report_snapshot() {
        let r = report();
        let broken = super::super::budget::check(
            &super::super::budget::parse("p99>1ms,rps<100").unwrap(),
            &r.levels,
            None,
        );
        let text = human(
            &r,
            &Extras {
                comparison: None,
                broken: Some(&broken),
                histogram: true,
            },
        );
        insta::assert_snapshot!(text);
    }

    #[test]
    fn comparison_snapshot() {
        let base = report();
        let mut now = report();
        now.levels[0].rps *= 1.1;
        now.levels[0].latency.p99_ms *= 0.5;
        let c = super::super::compare::compare(&base, &now);
        insta::assert_snapshot!(comparison(&c));
    }
}
