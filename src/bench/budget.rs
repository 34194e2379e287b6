//! `--fail-if "p99>20ms,error_rate>0.1%,rps<5000"`: budgets that fail a CI run (exit 1) when
//! any load level breaks one. Pure.

use super::stats::{Level, fmt_ms, fmt_num};
use serde::{Deserialize, Serialize};

/// A measurable figure of a level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    Rps,
    /// Successes per second: unlike `rps`, a server answering only errors scores 0.
    OkRps,
    Min,
    Mean,
    Stddev,
    P50,
    P90,
    P99,
    P999,
    Max,
    ErrorRate,
    Errors,
    Aborted,
}

/// Every metric name accepted, for help texts.
pub const NAMES: &str =
    "rps, ok_rps, p50, p90, p99, p99.9, max, min, mean, stddev, error_rate, errors, aborted";

impl Metric {
    pub fn parse(name: &str) -> Option<Metric> {
        Some(match name {
            "rps" => Metric::Rps,
            "ok_rps" => Metric::OkRps,
            "min" => Metric::Min,
            "mean" => Metric::Mean,
            "stddev" => Metric::Stddev,
            "p50" => Metric::P50,
            "p90" => Metric::P90,
            "p99" => Metric::P99,
            "p99.9" | "p999" => Metric::P999,
            "max" => Metric::Max,
            "error_rate" => Metric::ErrorRate,
            "errors" => Metric::Errors,
            "aborted" => Metric::Aborted,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Metric::Rps => "rps",
            Metric::OkRps => "ok_rps",
            Metric::Min => "min",
            Metric::Mean => "mean",
            Metric::Stddev => "stddev",
            Metric::P50 => "p50",
            Metric::P90 => "p90",
            Metric::P99 => "p99",
            Metric::P999 => "p99.9",
            Metric::Max => "max",
            Metric::ErrorRate => "error_rate",
            Metric::Errors => "errors",
            Metric::Aborted => "aborted",
        }
    }

    fn is_latency(self) -> bool {
        matches!(
            self,
            Metric::Min
                | Metric::Mean
                | Metric::Stddev
                | Metric::P50
                | Metric::P90
                | Metric::P99
                | Metric::P999
                | Metric::Max
        )
    }

    /// The figure in its canonical unit: ms for latencies, a fraction for `error_rate`.
    pub fn of(self, l: &Level) -> f64 {
        let t = &l.latency;
        match self {
            Metric::Rps => l.rps,
            Metric::OkRps => {
                if l.duration_s > 0.0 {
                    l.successes as f64 / l.duration_s
                } else {
                    0.0
                }
            }
            Metric::Min => t.min_ms,
            Metric::Mean => t.mean_ms,
            Metric::Stddev => t.stddev_ms,
            Metric::P50 => t.p50_ms,
            Metric::P90 => t.p90_ms,
            Metric::P99 => t.p99_ms,
            Metric::P999 => t.p999_ms,
            Metric::Max => t.max_ms,
            Metric::ErrorRate => l.error_rate,
            Metric::Errors => l.errors as f64,
            Metric::Aborted => l.aborted as f64,
        }
    }

    /// A value of this metric for people.
    pub fn show(self, v: f64) -> String {
        if self.is_latency() {
            fmt_ms(v)
        } else if self == Metric::ErrorRate {
            format!("{}%", significant(v * 100.0))
        } else if matches!(self, Metric::Rps | Metric::OkRps) {
            format!("{v:.0}")
        } else {
            fmt_num(v)
        }
    }

    /// Whether a larger value is better (throughput) or worse (latency, errors).
    pub fn higher_is_better(self) -> bool {
        matches!(self, Metric::Rps | Metric::OkRps)
    }
}

/// `v` to 3 significant digits (at most 4 decimals), trailing zeros dropped: a rate reads
/// `95.7%`, not `95.6522%`, and a small one `0.0123%`, not `0%`.
fn significant(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return trim(v);
    }
    let magnitude = v.abs().log10().floor() as i32;
    let decimals = (2 - magnitude).clamp(0, 4) as usize;
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

fn trim(v: f64) -> String {
    let s = format!("{v:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Gt,
    Ge,
    Lt,
    Le,
}

impl Op {
    fn text(self) -> &'static str {
        match self {
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
        }
    }

    fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Op::Gt => a > b,
            Op::Ge => a >= b,
            Op::Lt => a < b,
            Op::Le => a <= b,
        }
    }
}

/// One failure condition: the run fails if `metric op value` holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Budget {
    pub metric: Metric,
    pub op: Op,
    /// In the metric's canonical unit; for a relative budget, the change in percent.
    pub value: f64,
    /// `p99>+10%`: against the `--compare` baseline's level of the same concurrency.
    pub relative: bool,
    /// As written.
    pub text: String,
}

/// A budget broken at one level.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Broken {
    /// The condition as written, e.g. `p99>20ms`.
    pub budget: String,
    pub concurrency: usize,
    /// The measured value, for people (`23.1 ms`), or why the budget could not be judged.
    pub actual: String,
    /// A relative budget with no baseline level to compare with: a CI gate must not pass
    /// vacuously, so this counts as broken.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_judged: bool,
}

/// `closed-loop` or `open-loop`, for a level's mode (`closed`, `open`).
pub fn load_model(mode: &str) -> String {
    format!("{mode}-loop")
}

/// Parses the comma-separated conditions of `--fail-if`.
pub fn parse(text: &str) -> Result<Vec<Budget>, String> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        out.push(parse_one(part)?);
    }
    if out.is_empty() {
        return Err(format!(
            "`--fail-if {text}` has no conditions; write e.g. --fail-if \"p99>20ms,error_rate>0.1%,rps<5000\""
        ));
    }
    Ok(out)
}

fn parse_one(part: &str) -> Result<Budget, String> {
    let bad = |why: String| format!("`--fail-if`: `{part}`: {why}");
    let at = part
        .find(['<', '>'])
        .ok_or_else(|| bad("expected METRIC>VALUE or METRIC<VALUE, like p99>20ms".into()))?;
    let name = part[..at].trim();
    let rest = &part[at..];
    let (op, value) = if let Some(v) = rest.strip_prefix(">=") {
        (Op::Ge, v)
    } else if let Some(v) = rest.strip_prefix("<=") {
        (Op::Le, v)
    } else if let Some(v) = rest.strip_prefix('>') {
        (Op::Gt, v)
    } else {
        // `at` is the first `<` or `>`, so what is left starts with `<`.
        (Op::Lt, rest.strip_prefix('<').unwrap_or(rest))
    };
    let metric = Metric::parse(name)
        .ok_or_else(|| bad(format!("unknown metric `{name}` (one of: {NAMES})")))?;
    let value = value.trim();
    // `+10%` / `-5%`: a change against the baseline.
    if let Some(signed) = value.strip_suffix('%')
        && (signed.starts_with('+') || signed.starts_with('-'))
    {
        let pct = signed
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| bad(format!("`{value}` is not a change like `+10%`")))?;
        return Ok(Budget {
            metric,
            op,
            value: pct,
            relative: true,
            text: format!("{}{}{}%", metric.name(), op.text(), trim_signed(pct)),
        });
    }
    let number = |s: &str| -> Result<f64, String> {
        s.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| bad(format!("`{value}` is not a number")))
    };
    let value = if metric.is_latency() {
        let (digits, scale) = if let Some(v) = value.strip_suffix("ms") {
            (v, 1.0)
        } else if let Some(v) = value
            .strip_suffix("us")
            .or_else(|| value.strip_suffix("µs"))
        {
            (v, 0.001)
        } else if let Some(v) = value.strip_suffix('s') {
            (v, 1000.0)
        } else {
            number(value)?;
            return Err(bad(format!(
                "give the latency a unit: `{value}ms`, `{value}us` or `{value}s`"
            )));
        };
        number(digits)? * scale
    } else if metric == Metric::ErrorRate {
        match value.strip_suffix('%') {
            Some(v) => number(v)? / 100.0,
            None => {
                let v = number(value)?;
                if v > 1.0 {
                    return Err(bad(format!(
                        "error_rate is a fraction (0.001) or a percentage (0.1%); `{value}` is neither"
                    )));
                }
                v
            }
        }
    } else {
        number(value)?
    };
    Ok(Budget {
        metric,
        op,
        value,
        relative: false,
        text: format!(
            "{}{}{}",
            metric.name(),
            op.text(),
            value_text(metric, value)
        ),
    })
}

fn trim_signed(v: f64) -> String {
    let sign = if v < 0.0 { "-" } else { "+" };
    format!("{sign}{}", trim(v.abs()))
}

fn value_text(metric: Metric, v: f64) -> String {
    if metric.is_latency() {
        format!("{}ms", trim(v))
    } else if metric == Metric::ErrorRate {
        format!("{}%", trim(v * 100.0))
    } else {
        fmt_num(v)
    }
}

/// Every (budget, level) pair where the condition holds. Relative budgets compare with the
/// `baseline` level of the same concurrency and mode; a level the baseline lacks is reported
/// as not judged (and counts as broken).
pub fn check(budgets: &[Budget], levels: &[Level], baseline: Option<&[Level]>) -> Vec<Broken> {
    let mut out = Vec::new();
    for level in levels {
        let then = baseline.and_then(|b| {
            b.iter()
                .find(|l| l.concurrency == level.concurrency && l.mode == level.mode)
        });
        for b in budgets {
            // Latencies are of successes: with none, they read 0 and would pass any bound.
            if b.metric.is_latency() && level.successes == 0 {
                out.push(Broken {
                    budget: b.text.clone(),
                    concurrency: level.concurrency,
                    actual: "nothing (no successful request to measure)".into(),
                    not_judged: false,
                });
                continue;
            }
            let actual = b.metric.of(level);
            let (measured, shown) = if b.relative {
                let Some(then) = then else {
                    if baseline.is_some() {
                        out.push(Broken {
                            budget: b.text.clone(),
                            concurrency: level.concurrency,
                            actual: format!(
                                "not judged: the baseline has no {} level with c={}",
                                load_model(&level.mode),
                                level.concurrency
                            ),
                            not_judged: true,
                        });
                    }
                    continue;
                };
                let base = b.metric.of(then);
                let change = if base == 0.0 {
                    if actual == 0.0 { 0.0 } else { f64::INFINITY }
                } else {
                    (actual - base) / base * 100.0
                };
                (
                    change,
                    format!(
                        "{} ({:+.1}% from {})",
                        b.metric.show(actual),
                        change,
                        b.metric.show(base)
                    ),
                )
            } else {
                (actual, b.metric.show(actual))
            };
            if b.op.holds(measured, b.value) {
                out.push(Broken {
                    budget: b.text.clone(),
                    concurrency: level.concurrency,
                    actual: shown,
                    not_judged: false,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::stats::{Recorder, summarize};
    use std::time::Duration;

    fn level(rps_requests: u64, p_ms: u64, errors: u64) -> Level {
        let mut r = Recorder::new();
        for _ in 0..rps_requests - errors {
            r.record((Ok(()), None), Duration::from_millis(p_ms));
        }
        for _ in 0..errors {
            r.record(
                (
                    Err(crate::bench::stats::Failure::new(
                        crate::bench::stats::ErrorKind::Timeout,
                        "",
                    )),
                    None,
                ),
                Duration::ZERO,
            );
        }
        summarize(8, None, Duration::from_secs(1), &r)
    }

    #[test]
    fn parses_the_issue_example() {
        let b = parse("p99>20ms, error_rate>0.1%,rps<5000").unwrap();
        assert_eq!(b.len(), 3);
        assert_eq!(
            (b[0].metric, b[0].op, b[0].value),
            (Metric::P99, Op::Gt, 20.0)
        );
        assert_eq!(b[1].metric, Metric::ErrorRate);
        assert!((b[1].value - 0.001).abs() < 1e-12);
        assert_eq!(
            (b[2].metric, b[2].op, b[2].value),
            (Metric::Rps, Op::Lt, 5000.0)
        );
        assert_eq!(b[0].text, "p99>20ms");
        assert_eq!(b[1].text, "error_rate>0.1%");
        let b = parse("p99.9>=1.5s,p50<=250us,error_rate>0.02").unwrap();
        assert_eq!(b[0].value, 1500.0);
        assert_eq!(b[0].op, Op::Ge);
        assert_eq!(b[1].value, 0.25);
        assert_eq!(b[2].value, 0.02);
    }

    #[test]
    fn relative_budgets_compare_with_the_baseline() {
        let base = level(1_000, 10, 0);
        let slower = level(800, 12, 0);
        let budgets = parse("p50>+10%,rps<-5%,p99>+50%").unwrap();
        assert!(budgets.iter().all(|b| b.relative));
        assert_eq!(budgets[1].text, "rps<-5%");
        // Without a baseline, relative budgets judge nothing.
        assert!(check(&budgets, std::slice::from_ref(&slower), None).is_empty());
        let broken = check(
            &budgets,
            std::slice::from_ref(&slower),
            Some(std::slice::from_ref(&base)),
        );
        let texts: Vec<&str> = broken.iter().map(|b| b.budget.as_str()).collect();
        assert_eq!(texts, ["p50>+10%", "rps<-5%"]);
        assert_eq!(broken[0].actual, "12.0 ms (+20.0% from 10.0 ms)");
        assert!(
            check(
                &budgets,
                std::slice::from_ref(&base),
                Some(std::slice::from_ref(&base))
            )
            .is_empty()
        );
    }

    #[test]
    fn a_relative_budget_with_no_baseline_level_is_not_judged_and_broken() {
        let base = level(1_000, 10, 0);
        let mut other = level(1_000, 10, 0);
        other.concurrency = base.concurrency + 1;
        let budgets = parse("p50>+10%,rps<10").unwrap();
        let broken = check(
            &budgets,
            std::slice::from_ref(&other),
            Some(std::slice::from_ref(&base)),
        );
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert!(broken[0].not_judged);
        assert_eq!(broken[0].budget, "p50>+10%");
        assert_eq!(
            broken[0].actual,
            format!(
                "not judged: the baseline has no closed-loop level with c={}",
                other.concurrency
            )
        );
    }

    #[test]
    fn a_failing_server_breaks_latency_and_ok_rps_budgets() {
        let failing = level(1_000, 10, 1_000);
        assert_eq!(failing.successes, 0);
        let budgets = parse("p99>20ms,ok_rps<1,rps<1").unwrap();
        let broken = check(&budgets, std::slice::from_ref(&failing), None);
        let texts: Vec<String> = broken
            .iter()
            .map(|b| format!("{} {}", b.budget, b.actual))
            .collect();
        assert_eq!(
            texts,
            [
                "p99>20ms nothing (no successful request to measure)",
                "ok_rps<1 0"
            ]
        );
        let good = level(1_000, 10, 0);
        assert!(check(&budgets, std::slice::from_ref(&good), None).is_empty());
    }

    #[test]
    fn error_rates_read_to_3_significant_digits() {
        let show = |v: f64| Metric::ErrorRate.show(v);
        assert_eq!(show(44.0 / 46.0), "95.7%");
        assert_eq!(show(1.0), "100%");
        assert_eq!(show(0.01), "1%");
        assert_eq!(show(0.000_123_45), "0.0123%");
        assert_eq!(show(0.0), "0%");
    }

    #[test]
    fn mistakes_are_explained() {
        for (text, needle) in [
            ("", "no conditions"),
            ("p99", "expected METRIC>VALUE"),
            ("p98>1ms", "unknown metric `p98`"),
            ("p99>20", "give the latency a unit"),
            ("p99>fast", "not a number"),
            ("error_rate>5", "fraction"),
            ("rps<-1", "not a number"),
            ("p99>+x%", "not a change"),
        ] {
            let e = parse(text).unwrap_err();
            assert!(e.contains(needle), "{text}: {e}");
            assert!(e.contains("--fail-if"), "{text}: {e}");
        }
    }

    #[test]
    fn broken_budgets_are_reported_per_level() {
        let good = level(10_000, 5, 0);
        let bad = level(1_000, 30, 10);
        let budgets = parse("p99>20ms,error_rate>0.1%,rps<5000").unwrap();
        assert!(check(&budgets, std::slice::from_ref(&good), None).is_empty());
        let broken = check(&budgets, &[good, bad], None);
        let texts: Vec<String> = broken
            .iter()
            .map(|b| format!("{} c={} {}", b.budget, b.concurrency, b.actual))
            .collect();
        assert_eq!(
            texts,
            [
                "p99>20ms c=8 30.0 ms",
                "error_rate>0.1% c=8 1%",
                "rps<5000 c=8 1000"
            ]
        );
    }
}
