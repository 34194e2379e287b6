//! One small project per lint rule and case, under `fixtures/lint/<rule>/<case>/`.
//!
//! Each case is validated as a whole project (`lynx tool:validate` run inside the case folder, no
//! paths), and its human output is snapshotted as `it__rule_fixtures__<rule>__<case>.snap`.
//! Beside the snapshot, each case must:
//! - exit 1 when it reports an error, 0 when it reports only warnings or nothing;
//! - report the rule its folder is named after (`--format json`, `diagnostics[].rule`), except
//!   the `suppression` cases, which must report nothing at all;
//! - print no absolute path of this machine.
//!
//! Every rule listed by `lynx tool:validate --list-rules` must have a fixture folder, and every
//! fixture folder must have a test function here, so a new rule cannot ship without a fixture.
//!
//! Update the snapshots with `INSTA_UPDATE=always cargo test --test it rule_fixtures`, then read them.

use crate::support::{lynx, repo};
use serde_json::Value;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// The folder of cases whose findings are all silenced on purpose.
const SUPPRESSION: &str = "suppression";

macro_rules! rule_tests {
    ($($test:ident => $rule:literal),* $(,)?) => {
        $(
            #[test]
            fn $test() {
                check_rule($rule);
            }
        )*
        /// The fixture folders that have a test function above.
        const TESTED: &[&str] = &[$($rule),*];
    };
}

rule_tests! {
    io_error => "io-error",
    encoding => "encoding",
    input_limit => "input-limit",
    empty_file => "empty-file",
    yaml_syntax => "yaml-syntax",
    toml_syntax => "toml-syntax",
    duplicate_key => "duplicate-key",
    schema => "schema",
    id_format => "id-format",
    id_layer_mismatch => "id-layer-mismatch",
    id_domain_mismatch => "id-domain-mismatch",
    duplicate_id => "duplicate-id",
    invalid_input_schema => "invalid-input-schema",
    handler_not_found => "handler-not-found",
    cache_not_read_only => "cache-not-read-only",
    retry_not_idempotent => "retry-not-idempotent",
    risk_without_approval => "risk-without-approval",
    inline_secret => "inline-secret",
    unknown_reference => "unknown-reference",
    workflow_cycle => "workflow-cycle",
    unknown_tool => "unknown-tool",
    unknown_step => "unknown-step",
    step_args_mismatch => "step-args-mismatch",
    invalid_expression => "invalid-expression",
    suppression => "suppression",
}

fn fixtures() -> PathBuf {
    repo().join("fixtures").join("lint")
}

/// Sorted names of the sub-folders of `dir`.
fn subdirs(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry"))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `lynx tool:validate --format FORMAT` run inside `dir`: (exit code, stdout).
fn validate(dir: &Path, format: &str) -> (Option<i32>, String) {
    let out = lynx()
        .current_dir(dir)
        .args(["tool:validate", "--format", format])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("run lynx");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Replaces this machine's absolute paths of the case folder by `[CASE_DIR]`.
fn redact_case_dir(text: &str, dir: &Path) -> String {
    let mut text = text.to_owned();
    let mut forms = vec![dir.to_path_buf()];
    if let Ok(c) = dir.canonicalize() {
        forms.push(c);
    }
    for form in forms {
        text = text.replace(&*form.to_string_lossy(), "[CASE_DIR]");
    }
    text
}

/// Absolute paths of this machine that must never appear in a snapshot.
fn machine_paths() -> Vec<String> {
    let mut paths = vec![
        repo().to_string_lossy().into_owned(),
        std::env::temp_dir().to_string_lossy().into_owned(),
    ];
    if let Ok(c) = repo().canonicalize() {
        paths.push(c.to_string_lossy().into_owned());
    }
    if let Some(home) = std::env::var_os("HOME").filter(|h| h.len() > 1) {
        paths.push(home.to_string_lossy().into_owned());
    }
    paths
}

/// Checks one case; returns what is wrong with it (empty when all is well).
fn check_case(rule: &str, case: &str) -> Vec<String> {
    let dir = fixtures().join(rule).join(case);
    let mut problems = Vec::new();
    if !dir.join("lynx.toml").is_file() {
        problems.push("has no lynx.toml".to_owned());
    }

    // Human output: exit code and snapshot.
    let (code, stdout) = validate(&dir, "human");
    let has_error = stdout.lines().any(|l| l.starts_with("error["));
    let expected = if has_error { 1 } else { 0 };
    if code != Some(expected) {
        problems.push(format!(
            "exit code {code:?}, expected {expected} ({})",
            if has_error {
                "it reports an error"
            } else {
                "it reports no error"
            }
        ));
    }
    let output = redact_case_dir(&stdout, &dir);
    for p in machine_paths() {
        if output.contains(&p) {
            problems.push(format!("its output holds the machine-specific path `{p}`"));
        }
    }

    // JSON output: which rules were reported.
    let (json_code, json) = validate(&dir, "json");
    if json_code != code {
        problems.push(format!(
            "exit code {json_code:?} with --format json but {code:?} with --format human"
        ));
    }
    match serde_json::from_str::<Value>(&json) {
        Err(e) => problems.push(format!("--format json is not JSON ({e}): {json}")),
        Ok(report) => {
            let diagnostics = report["diagnostics"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let rules: Vec<&str> = diagnostics
                .iter()
                .filter_map(|d| d["rule"].as_str())
                .collect();
            if rule == SUPPRESSION {
                if !diagnostics.is_empty() {
                    problems.push(format!(
                        "a suppression case must report nothing, but reports {rules:?}"
                    ));
                }
            } else if !rules.contains(&rule) {
                problems.push(format!("does not report `{rule}` (reports {rules:?})"));
            }
            for d in &diagnostics {
                let file = d["file"].as_str().unwrap_or("");
                if file.is_empty() || Path::new(file).is_absolute() {
                    problems.push(format!(
                        "diagnostic file `{file}` is not a path relative to the project"
                    ));
                }
            }
        }
    }

    // Snapshot last, so that a changed snapshot does not hide the checks above.
    let snapshot = catch_unwind(AssertUnwindSafe(|| {
        let mut settings = insta::Settings::clone_current();
        settings.set_description(format!(
            "fixtures/lint/{rule}/{case}: lynx tool:validate --format human"
        ));
        settings.set_omit_expression(true);
        settings.bind(|| insta::assert_snapshot!(format!("{rule}__{case}"), output));
    }));
    if snapshot.is_err() {
        problems.push("snapshot differs (see the diff above; `cargo insta review`)".to_owned());
    }
    problems
}

/// Checks every case of one rule folder, and fails listing the cases that are wrong.
fn check_rule(rule: &str) {
    let dir = fixtures().join(rule);
    assert!(dir.is_dir(), "no fixture folder {}", dir.display());
    let cases = subdirs(&dir);
    assert!(
        !cases.is_empty(),
        "fixtures/lint/{rule}/ has no case folder"
    );
    let failures: Vec<String> = cases
        .iter()
        .flat_map(|case| {
            check_case(rule, case)
                .into_iter()
                .map(move |p| format!("  fixtures/lint/{rule}/{case}: {p}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} problem(s) in the `{rule}` fixtures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_rule_has_a_fixture() {
    let out = lynx()
        .args(["tool:validate", "--list-rules", "--format", "json"])
        .output()
        .expect("run lynx");
    assert_eq!(
        out.status.code(),
        Some(0),
        "--list-rules failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rules: Value =
        serde_json::from_slice(&out.stdout).expect("--list-rules --format json is JSON");
    let names: Vec<&str> = rules
        .as_array()
        .expect("a list of rules")
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    assert!(names.len() > 10, "suspiciously few rules: {names:?}");
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|name| {
            let dir = fixtures().join(name);
            !dir.is_dir() || subdirs(&dir).is_empty() || !TESTED.contains(name)
        })
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a fixture under fixtures/lint/<rule>/<case>/ (and a `rule_tests!` entry in tests/it/rule_fixtures.rs): {missing:?}"
    );
}

#[test]
fn every_fixture_folder_is_tested() {
    let untested: Vec<String> = subdirs(&fixtures())
        .into_iter()
        .filter(|f| !TESTED.contains(&f.as_str()))
        .collect();
    assert!(
        untested.is_empty(),
        "fixture folders without a `rule_tests!` entry in tests/it/rule_fixtures.rs (or named after no rule): {untested:?}"
    );
}
