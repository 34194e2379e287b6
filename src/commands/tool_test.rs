//! `lynx tool:test [IDS…]`: run the `tests:` cases of tool files.

use crate::cli::{TestFormat, ToolTestArgs};
use crate::exit::{Outcome, UsageError};
use crate::runtime::catalog::Catalog;
use crate::runtime::engine::Runtime;
use crate::runtime::pipeline::Pipeline;
use crate::runtime::testing::{self, CaseResult};
use std::path::PathBuf;

pub fn run(args: &ToolTestArgs, config: Option<PathBuf>) -> anyhow::Result<Outcome> {
    let project = match super::valid_project(config)? {
        Ok(p) => p,
        Err(outcome) => return Ok(outcome),
    };
    let catalog = Catalog::build(&project);
    for id in &args.ids {
        if catalog.get(id).is_none() {
            return Err(UsageError::new(format!(
                "unknown tool `{id}`\nhelp: `lynx tool:list` shows the tools"
            ))
            .into());
        }
    }
    let runtime = Runtime::new(catalog, Pipeline::standard());
    let results = super::tokio()?.block_on(testing::run(&runtime, &args.ids));
    let failed = results.iter().filter(|r| !r.passed).count();
    let text = match args.format {
        TestFormat::Human => human(&results),
        TestFormat::Json => {
            serde_json::to_string_pretty(&serde_json::json!({
                "passed": results.len() - failed,
                "failed": failed,
                "cases": results,
            }))? + "\n"
        }
        TestFormat::Junit => junit(&results)?,
    };
    super::print(&text)?;
    Ok(if failed == 0 {
        Outcome::Success
    } else {
        Outcome::Findings
    })
}

fn pretty(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default() + "\n"
}

fn human(results: &[CaseResult]) -> String {
    let mut out = String::new();
    for r in results {
        let mark = if r.passed { "ok  " } else { "FAIL" };
        out.push_str(&format!(
            "{mark} {} › {} ({:.0} ms)\n",
            r.tool, r.case, r.duration_ms
        ));
        if let Some(f) = &r.failure {
            out.push_str(&format!("     {}\n", f.message));
            if let (Some(e), Some(a)) = (&f.expected, &f.actual) {
                let diff = similar::TextDiff::from_lines(&pretty(e), &pretty(a))
                    .unified_diff()
                    .header("expected", "actual")
                    .to_string();
                for line in diff.lines() {
                    out.push_str(&format!("     {line}\n"));
                }
            }
        }
    }
    let failed = results.iter().filter(|r| !r.passed).count();
    out.push_str(&format!(
        "\n{} passed, {failed} failed\n",
        results.len() - failed
    ));
    out
}

fn junit(results: &[CaseResult]) -> anyhow::Result<String> {
    use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
    let mut report = Report::new("lynx tool:test");
    let mut suite = TestSuite::new("lynx tool:test");
    for r in results {
        let status = match &r.failure {
            None => TestCaseStatus::success(),
            Some(f) => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_message(f.message.clone());
                s.set_description(format!(
                    "expected: {}\nactual: {}",
                    f.expected
                        .as_ref()
                        .map(|v| v.to_string())
                        .unwrap_or_default(),
                    f.actual.as_ref().map(|v| v.to_string()).unwrap_or_default()
                ));
                s
            }
        };
        let mut case = TestCase::new(r.case.clone(), status);
        case.set_classname(r.tool.clone());
        case.set_time(std::time::Duration::from_secs_f64(r.duration_ms / 1000.0));
        suite.add_test_case(case);
    }
    report.add_test_suite(suite);
    Ok(report.to_string()?)
}
