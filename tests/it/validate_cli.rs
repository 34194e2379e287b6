//! `lynx tool:validate` as a user runs it: exit codes, formats, settings precedence, paths.

use crate::support::{TempProject, lynx, repo};
use predicates::str::contains;

const GOOD_TOOL: &str =
    "id: demo.domain.echo.run\ndescription: Echoes.\nhandler: { kind: builtin, name: echo }\n";
const WARN_TOOL: &str =
    "id: demo.cell.wipe.run\nrisk: high\nhandler: { kind: builtin, name: echo }\n";
const BAD_TOOL: &str =
    "id: demo.domain.echo.run\nrsik: high\nhandler: { kind: builtin, name: echo }\n";

fn json_of(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

fn rules_of(out: &std::process::Output) -> Vec<String> {
    json_of(out)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn example_project_is_clean() {
    lynx()
        .current_dir(repo().join("fixtures/example"))
        .arg("tool:validate")
        .assert()
        .code(0)
        .stdout(contains("no problems"));
}

#[test]
fn findings_exit_1_with_location_and_rule() {
    let p = TempProject::new(&[("lynx.toml", ""), ("tools/a.yaml", BAD_TOOL)]);
    p.lynx(&["tool:validate"])
        .assert()
        .code(1)
        .stdout(contains("error[schema]: unknown field `rsik`"))
        .stdout(contains("tools/a.yaml:2:1"))
        .stdout(contains("did you mean `risk`?"));
}

#[test]
fn usage_errors_exit_2() {
    lynx()
        .args(["tool:validate", "--format", "yaml"])
        .assert()
        .code(2);
    lynx()
        .args(["tool:validate", "--no-such-flag"])
        .assert()
        .code(2);
    let empty = tempfile::tempdir().unwrap();
    lynx()
        .current_dir(empty.path())
        .arg("tool:validate")
        .assert()
        .code(2)
        .stderr(contains("no `lynx.toml`"));
    lynx()
        .current_dir(empty.path())
        .args(["tool:validate", "--config", "missing.toml"])
        .assert()
        .code(2)
        .stderr(contains("--config"));
    lynx()
        .current_dir(empty.path())
        .args(["tool:validate", "tools/*.yaml"])
        .assert()
        .code(2)
        .stderr(contains("matches no files"));
}

#[test]
fn warnings_pass_unless_strict_from_flag_env_or_config() {
    let p = TempProject::new(&[("lynx.toml", ""), ("tools/a.yaml", WARN_TOOL)]);
    p.lynx(&["tool:validate"])
        .assert()
        .code(0)
        .stdout(contains("warning[risk-without-approval]"));
    p.lynx(&["tool:validate", "--strict"]).assert().code(1);
    // A bare `--strict` does not take the path after it as its value.
    p.lynx(&["tool:validate", "--strict", "tools/a.yaml"])
        .assert()
        .code(1)
        .stdout(contains("warning[risk-without-approval]"));
    p.lynx(&["tool:validate"])
        .env("LYNX_STRICT", "true")
        .assert()
        .code(1);
    p.write("lynx.toml", "[lint]\nstrict = true\n");
    p.lynx(&["tool:validate"]).assert().code(1);
    // flag > environment > lynx.toml
    p.lynx(&["tool:validate"])
        .env("LYNX_STRICT", "false")
        .assert()
        .code(0);
    p.lynx(&["tool:validate", "--strict=false"])
        .env("LYNX_STRICT", "true")
        .assert()
        .code(0);
}

#[test]
fn rule_severity_can_be_changed_or_turned_off() {
    let p = TempProject::new(&[
        (
            "lynx.toml",
            "[lint.rules]\nrisk-without-approval = \"error\"\n",
        ),
        ("tools/a.yaml", WARN_TOOL),
    ]);
    p.lynx(&["tool:validate"])
        .assert()
        .code(1)
        .stdout(contains("error[risk-without-approval]"));
    p.write(
        "lynx.toml",
        "[lint.rules]\nrisk-without-approval = \"off\"\n",
    );
    p.lynx(&["tool:validate"])
        .assert()
        .code(0)
        .stdout(contains("no problems"));
}

#[test]
fn format_from_environment_and_machine_formats_parse() {
    let p = TempProject::new(&[("lynx.toml", ""), ("tools/a.yaml", BAD_TOOL)]);
    let out = p
        .lynx(&["tool:validate"])
        .env("LYNX_FORMAT", "json")
        .output()
        .unwrap();
    let json = json_of(&out);
    assert_eq!(json["summary"]["errors"], 1);
    let d = &json["diagnostics"][0];
    assert_eq!(
        (d["file"].as_str(), d["line"].as_u64(), d["column"].as_u64()),
        (Some("tools/a.yaml"), Some(2), Some(1))
    );

    let out = p
        .lynx(&["tool:validate", "--format", "sarif"])
        .output()
        .unwrap();
    let sarif = json_of(&out);
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "schema");

    p.lynx(&["tool:validate", "--format", "github"])
        .assert()
        .code(1)
        .stdout(contains("::error file=tools/a.yaml,line=2,col=1"));
    p.lynx(&["tool:validate", "--format", "junit"])
        .assert()
        .code(1)
        .stdout(contains("<testsuites"))
        .stdout(contains("<failure"));
}

#[test]
fn named_paths_are_checked_with_the_project_as_context() {
    let p = TempProject::new(&[
        ("lynx.toml", ""),
        ("tools/good.yaml", GOOD_TOOL),
        (
            "tools/bad.yaml",
            "id: demo.domain.other.run\nrsik: 1\nhandler: { kind: builtin, name: echo }\n",
        ),
        (
            "workflows/w.yaml",
            "name: wf\nsteps:\n  - id: one\n    tool: demo.domain.echo.run\n",
        ),
    ]);
    // Only the named file's findings; the tool it calls lives in another file.
    p.lynx(&["tool:validate", "workflows/w.yaml"])
        .assert()
        .code(0);
    p.lynx(&["tool:validate", "tools/good.yaml"])
        .assert()
        .code(0);
    p.lynx(&["tool:validate", "--path", "tools/bad.yaml"])
        .assert()
        .code(1);
    // A glob and a folder.
    let out = p
        .lynx(&["tool:validate", "--format", "json", "tools/*.yaml"])
        .output()
        .unwrap();
    assert_eq!(json_of(&out)["summary"]["files"], 2);
    assert_eq!(rules_of(&out), ["schema"]);
    p.lynx(&["tool:validate", "tools"]).assert().code(1);
    // A path that does not exist is reported, not ignored.
    p.lynx(&["tool:validate", "tools/nope.yaml"])
        .assert()
        .code(1)
        .stdout(contains("io-error"));
}

#[test]
fn kind_override_applies_to_named_files() {
    let p = TempProject::new(&[("lynx.toml", ""), ("x/flow.yaml", "name: wf\nsteps: []\n")]);
    let out = p
        .lynx(&[
            "tool:validate",
            "--format",
            "json",
            "--kind",
            "tool",
            "x/flow.yaml",
        ])
        .output()
        .unwrap();
    assert!(rules_of(&out).contains(&"schema".to_owned()));
    let out = p
        .lynx(&["tool:validate", "--format", "json", "x/flow.yaml"])
        .output()
        .unwrap();
    // Sniffed as a workflow from its `steps:` key: only "steps must not be empty".
    let json = json_of(&out);
    assert!(
        json["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("steps"),
        "{json}"
    );
}

#[test]
fn list_rules_names_every_rule() {
    let out = lynx()
        .args(["tool:validate", "--list-rules", "--format", "json"])
        .output()
        .unwrap();
    let rules = json_of(&out);
    let names: Vec<&str> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    for expected in [
        "schema",
        "yaml-syntax",
        "duplicate-id",
        "workflow-cycle",
        "inline-secret",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    lynx()
        .args(["validate", "--list-rules"])
        .assert()
        .code(0)
        .stdout(contains("handler-not-found"));
}

#[test]
fn version_and_completions() {
    lynx()
        .arg("--version")
        .assert()
        .code(0)
        .stdout(contains(env!("CARGO_PKG_VERSION")));
    lynx()
        .args(["completions", "bash"])
        .assert()
        .code(0)
        .stdout(contains("tool:validate"));
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let p = TempProject::new(&[("lynx.toml", ""), ("tools/a.yaml", BAD_TOOL)]);
    let plain = p.lynx(&["tool:validate"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&plain.stdout).contains('\x1b'));
    let coloured = p
        .lynx(&["tool:validate", "--color", "always"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&coloured.stdout).contains('\x1b'));
}

#[test]
fn named_files_still_see_collisions_and_callees_in_unnamed_files() {
    let dup = "id: demo.domain.echo.run\nhandler: { kind: builtin, name: fail }\n";
    let p = TempProject::new(&[
        ("lynx.toml", ""),
        ("tools/a_first.yaml", GOOD_TOOL),
        ("tools/b_second.yaml", dup),
        // Written in flow style, which the quick scan cannot read: lynx must load everything
        // rather than call the tool unknown.
        (
            "tools/flow.yaml",
            "{ id: demo.domain.flow.run, handler: { kind: builtin, name: echo } }\n",
        ),
        (
            "workflows/w.yaml",
            "name: wf\nsteps:\n  - id: one\n    tool: demo.domain.flow.run\n  - id: two\n    tool: demo.domain.echo.run\n    with: { x: 1 }\n",
        ),
    ]);
    for named in ["tools/a_first.yaml", "tools/b_second.yaml"] {
        let out = p
            .lynx(&["tool:validate", "--format", "json", named])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{named}");
        let json = json_of(&out);
        assert_eq!(
            json["diagnostics"][0]["rule"], "duplicate-id",
            "{named}: {json}"
        );
        assert_eq!(json["diagnostics"][0]["file"], named);
    }
    // The workflow's callees are found (one by the scan, one by the fallback): no unknown-tool.
    let out = p
        .lynx(&["tool:validate", "--format", "json", "workflows/w.yaml"])
        .output()
        .unwrap();
    assert_eq!(
        rules_of(&out),
        Vec::<String>::new(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
