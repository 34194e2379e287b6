//! `--compare BASELINE`: each level's figures against the baseline's level of the same
//! concurrency (and mode), as a signed change. Pure.

use super::Report;
use super::budget::Metric;
use serde::{Deserialize, Serialize};

/// The metrics compared, in table order.
pub const METRICS: [Metric; 8] = [
    Metric::Rps,
    Metric::P50,
    Metric::P90,
    Metric::P99,
    Metric::P999,
    Metric::Max,
    Metric::Mean,
    Metric::ErrorRate,
];

/// One metric, then and now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Delta {
    pub metric: String,
    pub baseline: f64,
    pub current: f64,
    /// `(current - baseline) / baseline × 100`; absent when the baseline is 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_pct: Option<f64>,
    /// `better`, `worse` or `same` (within 1 %).
    pub verdict: String,
}

/// One level against the baseline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LevelDelta {
    pub concurrency: usize,
    pub deltas: Vec<Delta>,
}

/// A comparison, plus what could not be compared.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub levels: Vec<LevelDelta>,
    /// Things that make the comparison weaker (different target, work, load).
    pub notes: Vec<String>,
}

/// Reads a baseline file's text.
pub fn parse_baseline(display: &str, text: &str) -> Result<Report, String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        format!(
            "`--compare {display}` is not JSON ({e}); baselines are written by `--save-baseline`"
        )
    })?;
    match value.get("schema").and_then(serde_json::Value::as_str) {
        Some(super::SCHEMA) => {}
        Some(other) => {
            return Err(format!(
                "`--compare {display}` is a `{other}` report; this lynx reads `{}` (save a new baseline)",
                super::SCHEMA
            ));
        }
        None => {
            return Err(format!(
                "`--compare {display}` is not a lynx bench report (no `schema`); write one with `--save-baseline`"
            ));
        }
    }
    serde_json::from_value(value)
        .map_err(|e| format!("`--compare {display}`: not a valid report: {e}"))
}

pub fn compare(baseline: &Report, current: &Report) -> Comparison {
    let mut notes = Vec::new();
    if baseline.target.address != current.target.address {
        notes.push(format!(
            "the baseline measured {} ({}), this run {} ({})",
            baseline.target.address,
            baseline.target.kind,
            current.target.address,
            current.target.kind
        ));
    }
    if baseline.work != current.work {
        notes.push(format!(
            "the baseline's work was `{}`, this run's `{}`",
            baseline.work, current.work
        ));
    }
    if baseline.load.mode != current.load.mode || baseline.load.rate != current.load.rate {
        notes.push("the baseline used a different load model (closed loop vs --rate)".into());
    }
    let mut levels = Vec::new();
    for now in &current.levels {
        let Some(then) = baseline
            .levels
            .iter()
            .find(|l| l.concurrency == now.concurrency && l.mode == now.mode)
        else {
            notes.push(format!(
                "the baseline has no {} level with concurrency {}",
                super::budget::load_model(&now.mode),
                now.concurrency
            ));
            continue;
        };
        let deltas = METRICS
            .iter()
            .map(|&m| {
                let (b, c) = (m.of(then), m.of(now));
                let change_pct = (b != 0.0).then(|| (c - b) / b * 100.0);
                let verdict = match change_pct {
                    _ if b == c => "same",
                    Some(p) if p.abs() < 1.0 => "same",
                    _ if (c > b) == m.higher_is_better() => "better",
                    _ => "worse",
                };
                Delta {
                    metric: m.name().into(),
                    baseline: b,
                    current: c,
                    change_pct,
                    verdict: verdict.into(),
                }
            })
            .collect();
        levels.push(LevelDelta {
            concurrency: now.concurrency,
            deltas,
        });
    }
    Comparison { levels, notes }
}

/// `+12.3%`, `-4.0%`, `n/a`.
pub fn fmt_change(d: &Delta) -> String {
    match d.change_pct {
        Some(p) => format!("{p:+.1}%"),
        None if d.current == d.baseline => "±0".into(),
        None => "n/a".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::stats::{Recorder, summarize};
    use crate::bench::{LoadInfo, TargetInfo};
    use std::time::Duration;

    fn report(requests: u64, ms: u64) -> Report {
        let mut r = Recorder::new();
        for _ in 0..requests {
            r.record((Ok(()), None), Duration::from_millis(ms));
        }
        Report {
            schema: crate::bench::SCHEMA.into(),
            lynx_version: "test".into(),
            target: TargetInfo {
                kind: "http".into(),
                address: "http://127.0.0.1:1/mcp".into(),
                protocol: "2026-07-28".into(),
            },
            work: "tools/call echo".into(),
            load: LoadInfo {
                mode: "closed".into(),
                requests: None,
                duration_s: Some(1.0),
                warmup_s: 0.0,
                rate: None,
                timeout_s: 30.0,
            },
            levels: vec![summarize(4, None, Duration::from_secs(1), &r)],
        }
    }

    #[test]
    fn changes_are_signed_and_judged() {
        let c = compare(&report(1000, 10), &report(1100, 12));
        assert!(c.notes.is_empty(), "{:?}", c.notes);
        let d = &c.levels[0].deltas;
        assert_eq!(d[0].metric, "rps");
        assert_eq!(fmt_change(&d[0]), "+10.0%");
        assert_eq!(d[0].verdict, "better");
        assert_eq!(d[1].metric, "p50");
        assert_eq!(fmt_change(&d[1]), "+20.0%");
        assert_eq!(d[1].verdict, "worse");
        let er = d.iter().find(|d| d.metric == "error_rate").unwrap();
        assert_eq!(fmt_change(er), "±0");
        assert_eq!(er.verdict, "same");
    }

    #[test]
    fn mismatches_are_noted() {
        let mut other = report(100, 1);
        other.levels[0].concurrency = 64;
        other.work = "tools/list".into();
        let c = compare(&report(100, 1), &other);
        assert!(c.levels.is_empty());
        assert_eq!(c.notes.len(), 2, "{:?}", c.notes);
    }

    #[test]
    fn baselines_round_trip_and_bad_files_are_explained() {
        let r = report(10, 1);
        let text = serde_json::to_string(&r).unwrap();
        assert_eq!(parse_baseline("b.json", &text).unwrap(), r);
        assert!(
            parse_baseline("b.json", "nope")
                .unwrap_err()
                .contains("--save-baseline")
        );
        assert!(
            parse_baseline("b.json", "{}")
                .unwrap_err()
                .contains("no `schema`")
        );
        assert!(
            parse_baseline("b.json", r#"{"schema":"lynx-bench/9"}"#)
                .unwrap_err()
                .contains("lynx-bench/9")
        );
        assert!(
            parse_baseline("b.json", r#"{"schema":"lynx-bench/1"}"#)
                .unwrap_err()
                .contains("not a valid report")
        );
    }
}
