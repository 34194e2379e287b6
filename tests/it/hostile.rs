//! Hostile input never crashes, hangs or eats memory, and each kind gets a clear diagnostic:
//! one regression test per case against the real binary, plus property tests over the
//! in-process parse → validate path.
//!
//! Every run has a 20 s hang guard (`assert_cmd`'s timeout kills the child); it is not a
//! performance assertion. No stderr may mention a panic.

use crate::support::TempProject;
use lynx::lint::diagnostic::Diagnostic;
use lynx::lint::render::{self, Format, RenderOptions};
use lynx::project::{LoadOptions, Project};
use proptest::prelude::*;
use serde_json::Value;
use std::time::{Duration, Instant};

const CONFIG: &str = "[project]\nname = \"hostile\"\n";

/// A tool that passes every rule.
const GOOD_TOOL: &str =
    "id: demo.domain.echo.run\ndescription: Echoes.\nhandler: { kind: builtin, name: echo }\n";

const HANG_GUARD: Duration = Duration::from_secs(20);

// ---------------------------------------------------------------------------------------------
// Helpers

/// A project holding `lynx.toml` and the given files.
fn project(files: &[(&str, &str)]) -> TempProject {
    let p = TempProject::new(&[("lynx.toml", CONFIG)]);
    std::fs::create_dir_all(p.path().join("tools")).unwrap();
    for (path, text) in files {
        p.write(path, text);
    }
    p
}

struct Run {
    code: i32,
    stdout: String,
}

/// `lynx tool:validate ARGS…` inside `p`, under the hang guard; never a panic.
fn run(p: &TempProject, args: &[&str]) -> Run {
    let mut cmd = p.lynx(&["tool:validate"]);
    cmd.args(args).timeout(HANG_GUARD);
    let started = Instant::now();
    let out = cmd.output().expect("lynx starts");
    let elapsed = started.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("overflowed its stack"),
        "lynx crashed:\n{stderr}"
    );
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("lynx was killed after {elapsed:?} (hang guard?): {stderr}"));
    Run { code, stdout }
}

/// `lynx tool:validate --format json ARGS…`: exit code and the parsed document.
fn json(p: &TempProject, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let r = run(p, &all);
    let doc: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", r.stdout));
    (r.code, doc)
}

fn diagnostics(doc: &Value) -> &[Value] {
    doc["diagnostics"].as_array().expect("diagnostics array")
}

/// The one diagnostic about `file` from `rule` (fails, showing everything, if there is none).
fn find<'a>(doc: &'a Value, file: &str, rule: &str) -> &'a Value {
    diagnostics(doc)
        .iter()
        .find(|d| d["file"] == file && d["rule"] == rule)
        .unwrap_or_else(|| {
            panic!(
                "no `{rule}` finding for {file} in\n{}",
                serde_json::to_string_pretty(doc).unwrap()
            )
        })
}

/// Asserts a finding's message contains `text` and, when given, where it starts.
fn check(d: &Value, text: &str, at: Option<(u64, u64)>) {
    let message = d["message"].as_str().unwrap();
    assert!(message.contains(text), "message {message:?} lacks {text:?}");
    match at {
        Some((line, column)) => {
            assert_eq!(
                (d["line"].as_u64(), d["column"].as_u64()),
                (Some(line), Some(column)),
                "position of {d}"
            );
        }
        None => assert!(d["line"].is_null(), "a whole-file finding has no line: {d}"),
    }
}

fn rules_for<'a>(doc: &'a Value, file: &str) -> Vec<&'a str> {
    diagnostics(doc)
        .iter()
        .filter(|d| d["file"] == file)
        .map(|d| d["rule"].as_str().unwrap())
        .collect()
}

#[cfg(unix)]
fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
}

// ---------------------------------------------------------------------------------------------
// Encoding

#[test]
fn invalid_utf8_in_the_middle_points_at_the_bad_byte() {
    let p = project(&[]);
    p.write(
        "tools/latin1.yaml",
        b"id: demo.domain.echo.run\ndescription: caf\xe9 au lait\nhandler: { kind: builtin, name: echo }\n",
    );
    let (code, doc) = json(&p, &[]);
    assert_eq!(code, 1);
    let d = find(&doc, "tools/latin1.yaml", "encoding");
    check(d, "not valid UTF-8", Some((2, 17)));
    assert_eq!(rules_for(&doc, "tools/latin1.yaml"), ["encoding"]);

    let human = run(&p, &[]);
    assert_eq!(human.code, 1);
    insta::assert_snapshot!("invalid_utf8", human.stdout);
}

#[test]
fn binary_file_is_an_encoding_error() {
    let p = project(&[]);
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0".to_vec();
    png.extend((0..=255u8).cycle().take(4096));
    p.write("tools/logo.yaml", &png);
    let (code, doc) = json(&p, &[]);
    assert_eq!(code, 1);
    let d = find(&doc, "tools/logo.yaml", "encoding");
    check(d, "binary", None);
    assert_eq!(rules_for(&doc, "tools/logo.yaml"), ["encoding"]);
}

#[test]
fn utf16_file_is_an_encoding_error_not_binary() {
    let p = project(&[]);
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(GOOD_TOOL.encode_utf16().flat_map(u16::to_le_bytes));
    p.write("tools/windows.yaml", &bytes);
    let (code, doc) = json(&p, &[]);
    assert_eq!(code, 1);
    let d = find(&doc, "tools/windows.yaml", "encoding");
    check(d, "not valid UTF-8", Some((1, 1)));
    assert_eq!(d["help"], "re-save the file as UTF-8");
}

#[test]
fn utf8_bom_keeps_columns_right() {
    let p = project(&[(
        "tools/bom.yaml",
        "\u{feff}risk: lowx\nid: demo.domain.echo.run\nhandler: { kind: builtin, name: echo }\n",
    )]);
    let (code, doc) = json(&p, &[]);
    assert_eq!(code, 1);
    check(
        find(&doc, "tools/bom.yaml", "schema"),
        "`lowx`",
        Some((1, 7)),
    );
}

#[test]
fn crlf_line_endings_keep_columns_right() {
    let text = GOOD_TOOL.replace('\n', "\r\n") + "risk: lowx\r\ntags: [a, b\r\n";
    let p = project(&[("tools/crlf.yaml", &text)]);
    let (code, doc) = json(&p, &[]);
    assert_eq!(code, 1);
    // The flow list is never closed: reported where the parser gave up, on a real line.
    let d = find(&doc, "tools/crlf.yaml", "yaml-syntax");
    assert!(d["line"].as_u64().unwrap() >= 5, "{d}");

    let text = GOOD_TOOL.replace('\n', "\r\n") + "risk: lowx\r\n";
    let p = project(&[("tools/crlf.yaml", &text)]);
    let (code, doc) = json(&p, &[]);
    assert_eq!(code, 1);
    let d = find(&doc, "tools/crlf.yaml", "schema");
    check(d, "`lowx`", Some((4, 7)));
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(4), Some(11))
    );
}

// ---------------------------------------------------------------------------------------------
// Size

#[test]
fn file_of_100_mb_is_refused_unread() {
    let p = project(&[]);
    let path = p.path().join("tools/huge.yaml");
    std::fs::File::create(&path)
        .and_then(|f| f.set_len(100 * 1024 * 1024))
        .unwrap();
    let (code, doc) = json(&p, &[]);
    assert_eq!(code, 1);
    let d = find(&doc, "tools/huge.yaml", "input-limit");
    check(d, "100.0 MiB, over the 4.0 MiB limit", None);
}

/// 3 MB on one line (under the 4 MiB limit): validated quickly, and the human output shows a
/// window of the line, not the line.
#[test]
fn very_long_line_is_fast_and_rendered_bounded() {
    let p = project(&[]);
    let text = format!(
        "id: demo.domain.echo.run\ndescrption: {}\nhandler: {{ kind: builtin, name: echo }}\n",
        "x".repeat(3_000_000)
    );
    p.write("tools/long.yaml", &text);
    let (code, doc) = json(&p, &[]);
    assert_eq!(code, 1);
    check(
        find(&doc, "tools/long.yaml", "schema"),
        "unknown field `descrption`",
        Some((2, 1)),
    );

    let human = run(&p, &[]);
    assert_eq!(human.code, 1);
    assert!(
        human.stdout.contains("tools/long.yaml:2:1"),
        "{}",
        &human.stdout[..2000.min(human.stdout.len())]
    );
    assert!(
        human.stdout.len() < 100_000,
        "{} bytes of output",
        human.stdout.len()
    );
}

/// The same with the 3 MB string quoted in the message itself (an invalid enum value, an
/// id): the message must not carry the whole value.
#[test]
fn very_long_value_is_not_quoted_whole() {
    let p = project(&[]);
    let long = "x".repeat(3_000_000);
    p.write(
        "tools/risk.yaml",
        format!(
            "id: demo.domain.echo.run\nhandler: {{ kind: builtin, name: echo }}\nrisk: {long}\n"
        ),
    );
    p.write(
        "tools/id.yaml",
        format!("id: {long}\nhandler: {{ kind: builtin, name: echo }}\n"),
    );
    let human = run(&p, &[]);
    assert_eq!(human.code, 1);
    assert!(
        human.stdout.len() < 100_000,
        "{} bytes of output",
        human.stdout.len()
    );
}

/// 100,000 keys in one mapping: duplicate detection and key lookups stay linear.
#[test]
fn mapping_with_100000_keys() {
    // Extension keys are allowed, so the one finding is the repeated key.
    let mut text = String::from(GOOD_TOOL);
    for i in 0..100_000 {
        text.push_str(&format!("x-k{i}: {i}\n"));
    }
    text.push_str("x-k7: again\n");
    let p = project(&[("tools/keys.yaml", &text)]);
    let (code, doc) = json(&p, &[]);
    assert_eq!(code, 1);
    assert_eq!(rules_for(&doc, "tools/keys.yaml"), ["duplicate-key"]);
    let d = find(&doc, "tools/keys.yaml", "duplicate-key");
    check(d, "key `x-k7` is defined twice", Some((100_004, 1)));
    assert_eq!(d["related"][0]["line"], 11);

    // 100,000 unknown keys: one schema finding each, each looking its key up.
    let text: String = (0..100_000).map(|i| format!("k{i}: {i}\n")).collect();
    let p = project(&[("tools/keys.yaml", &text)]);
    let (code, doc) = json(&p, &[]);
    assert_eq!(code, 1);
    let unknown = diagnostics(&doc)
        .iter()
        .filter(|d| d["message"].as_str().unwrap().starts_with("unknown field"))
        .count();
    assert_eq!(unknown, 100_000);
    check(
        &diagnostics(&doc)[99_999 + 2],
        "unknown field `k99999`",
        Some((100_000, 1)),
    );
}

// ---------------------------------------------------------------------------------------------
// Nesting

#[test]
fn deep_flow_nesting_is_an_input_limit() {
    let p = project(&[
        (
            "tools/seq.yaml",
            &("[".repeat(10_000) + &"]".repeat(10_000)),
        ),
        (
            "tools/map.yaml",
            &("{a: ".repeat(10_000) + "x" + &"}".repeat(10_000)),
        ),
    ]);
    let (code, doc) = json(&p, &[]);
    assert_eq!(code, 1);
    // The parser stops at its own limit (255 open brackets), deeper than lynx's 128.
    for (file, column) in [("tools/seq.yaml", 256), ("tools/map.yaml", 1021)] {
        assert_eq!(rules_for(&doc, file), ["input-limit"]);
        let d = find(&doc, file, "input-limit");
        check(d, "nesting is deeper than 128 levels", Some((1, column)));
    }

    let p = project(&[(
        "tools/seq.yaml",
        &("[".repeat(10_000) + &"]".repeat(10_000)),
    )]);
    let human = run(&p, &[]);
    assert_eq!(human.code, 1);
    insta::assert_snapshot!("deep_flow_nesting", human.stdout);
}

#[test]
fn deep_block_nesting_is_an_input_limit() {
    // `a:\n  a:\n    a: …`: 2,000 levels is as deep as a block mapping gets in 4 MiB.
    let text: String = (0..2_000)
        .map(|i| format!("{}a:\n", "  ".repeat(i)))
        .collect();
    assert!(text.len() < 4 * 1024 * 1024);
    // `- - - - x`: block sequences nest two bytes a level.
    let seqs = "- ".repeat(10_000) + "x\n";
    let p = project(&[("tools/map.yaml", &text), ("tools/seq.yaml", &seqs)]);
    let (code, doc) = json(&p, &[]);
    assert_eq!(code, 1);
    check(
        find(&doc, "tools/map.yaml", "input-limit"),
        "nesting is deeper than 128 levels",
        Some((129, 257)),
    );
    check(
        find(&doc, "tools/seq.yaml", "input-limit"),
        "nesting is deeper than 128 levels",
        Some((1, 257)),
    );

    // 10,000 levels of block mapping cannot be written under the size limit at all.
    let p = project(&[]);
    let mut big = String::with_capacity(100_040_000);
    for i in 0..10_000 {
        big.push_str(&"  ".repeat(i));
        big.push_str("a:\n");
    }
    p.write("tools/deep.yaml", &big);
    drop(big);
    let (code, doc) = json(&p, &[]);
    assert_eq!(code, 1);
    check(
        find(&doc, "tools/deep.yaml", "input-limit"),
        "over the 4.0 MiB limit",
        None,
    );
}

#[test]
fn deep_nesting_in_lynx_toml_is_an_input_limit() {
    // Deep arrays, deep inline tables, deep dotted keys, a deep table header; the TOML parser
    // stops at its own limit (80 levels), before lynx's.
    let cases = [
        (
            format!("a = {}{}\n", "[".repeat(10_000), "]".repeat(10_000)),
            85,
        ),
        (
            format!("a = {}1{}\n", "{ b = ".repeat(10_000), " }".repeat(10_000)),
            485,
        ),
        (format!("{} = 1\n", vec!["a"; 10_000].join(".")), 1),
        (format!("[{}]\n", vec!["a"; 10_000].join(".")), 1),
    ];
    for (text, column) in cases {
        let p = TempProject::new(&[("lynx.toml", &text), ("tools/ok.yaml", GOOD_TOOL)]);
        let (code, doc) = json(&p, &[]);
        assert_eq!(code, 1);
        assert_eq!(
            rules_for(&doc, "lynx.toml"),
            ["input-limit"],
            "{}",
            &text[..40]
        );
        check(
            find(&doc, "lynx.toml", "input-limit"),
            "nesting is too deep",
            Some((1, column)),
        );
        // The tools are still checked, against the default settings.
        assert!(rules_for(&doc, "tools/ok.yaml").is_empty());
    }
}

#[test]
fn deeply_nested_input_schema_is_an_input_limit() {
    let schema =
        "{type: object, properties: {a: ".repeat(200) + "{type: string}" + &"}}".repeat(200);
    let text = format!("{GOOD_TOOL}input_schema: {schema}\n");
    let p = project(&[("tools/schema.yaml", &text)]);
    let (code, doc) = json(&p, &[]);
    assert_eq!(code, 1);
    let d = find(&doc, "tools/schema.yaml", "input-limit");
    check(
        d,
        "nesting is deeper than 128 levels",
        Some((4, d["column"].as_u64().unwrap())),
    );
    assert_eq!(rules_for(&doc, "tools/schema.yaml"), ["input-limit"]);
}

// ---------------------------------------------------------------------------------------------
// Aliases

fn billion_laughs() -> String {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    text
}

#[test]
fn billion_laughs_is_stopped() {
    let p = project(&[("tools/lol.yaml", &billion_laughs())]);
    let (code, doc) = json(&p, &[]);
    assert_eq!(code, 1);
    assert_eq!(rules_for(&doc, "tools/lol.yaml"), ["input-limit"]);
    check(
        find(&doc, "tools/lol.yaml", "input-limit"),
        "expands to more than 250000 values",
        Some((6, 15)),
    );

    let human = run(&p, &[]);
    assert_eq!(human.code, 1);
    insta::assert_snapshot!("billion_laughs", human.stdout);
}

/// "Quadratic blowup": one large anchored value, aliased many times. Few values, but the text
/// would take gigabytes.
#[test]
fn one_huge_anchor_referenced_many_times_is_stopped() {
    let refs = vec!["*big"; 3_000].join(", ");
    let text = format!(
        "x-big: &big \"{}\"\nx-copies: [{refs}]\n",
        "y".repeat(1_000_000)
    );
    let p = project(&[("tools/quad.yaml", &text)]);
    let (code, doc) = json(&p, &[]);
    assert_eq!(code, 1);
    let d = find(&doc, "tools/quad.yaml", "input-limit");
    check(d, "MiB of text", Some((2, d["column"].as_u64().unwrap())));
    assert_eq!(rules_for(&doc, "tools/quad.yaml"), ["input-limit"]);
}

/// Each alias pasting a deep anchor inside more nesting: the tree's depth, not just the
/// parser's, is bounded (this overflowed the stack).
#[test]
fn aliases_nested_past_the_depth_limit_are_stopped() {
    let mut text = format!("a0: &a0 {}x{}\n", "[".repeat(120), "]".repeat(120));
    for i in 1..60 {
        let (open, close) = ("[".repeat(120), "]".repeat(120));
        text.push_str(&format!("a{i}: &a{i} {open}*a{}{close}\n", i - 1));
    }
    let p = project(&[("tools/deep.yaml", &text)]);
    let (code, doc) = json(&p, &[]);
    assert_eq!(code, 1);
    check(
        find(&doc, "tools/deep.yaml", "input-limit"),
        "nesting is deeper than 128 levels once this alias is expanded",
        Some((2, 129)),
    );
}

// ---------------------------------------------------------------------------------------------
// Numbers

#[test]
fn huge_numbers_in_yaml() {
    let text = format!(
        "{GOOD_TOOL}x-a: 1e999\nx-b: -.inf\nx-c: .nan\nx-d: 0x{}\n",
        "f".repeat(40)
    );
    let p = project(&[("tools/nums.yaml", &text)]);
    let (code, doc) = json(&p, &[]);
    assert_eq!(code, 1);
    let found: Vec<(&str, u64)> = diagnostics(&doc)
        .iter()
        .map(|d| (d["message"].as_str().unwrap(), d["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        found,
        [
            ("`1e999` is out of range for a number", 4),
            ("`-.inf` is not a number JSON can hold", 5),
            ("`.nan` is not a number JSON can hold", 6),
            (
                "`0xffffffffffffffffffffffffffffffffffffffff` is too large for a 64-bit integer",
                7
            ),
        ]
    );
    assert!(
        diagnostics(&doc)
            .iter()
            .all(|d| d["rule"] == "yaml-syntax" && d["column"] == 6)
    );

    // A huge decimal integer reads as a (lossy) number; the schema bounds it.
    let text = format!(
        "{GOOD_TOOL}annotations: {{ idempotentHint: true }}\nretry: {{ attempts: 123456789012345678901234567890, backoff: 1s }}\n"
    );
    let p = project(&[("tools/nums.yaml", &text)]);
    let (code, doc) = json(&p, &[]);
    assert_eq!(code, 1);
    check(
        find(&doc, "tools/nums.yaml", "schema"),
        "greater than the maximum of 10",
        Some((5, 20)),
    );
}

/// A huge integer where the schema sets no maximum but lynx reads a `u32`.
#[test]
fn huge_integer_without_a_schema_maximum() {
    let wf = "name: wf_huge\ndescription: d\nmax_parallel: 123456789012345678901234567890\nsteps:\n  - id: a\n    tool: demo.domain.echo.run\n";
    let p = project(&[("tools/echo.yaml", GOOD_TOOL), ("workflows/huge.yaml", wf)]);
    let (code, doc) = json(&p, &[]);
    assert_eq!(code, 1);
    let d = find(&doc, "workflows/huge.yaml", "schema");
    assert!(
        !d["message"].as_str().unwrap().contains("cannot load it"),
        "{d}"
    );
    check(d, "max_parallel", Some((3, 15)));
}

#[test]
fn huge_numbers_in_lynx_toml() {
    for (text, message) in [
        (
            "[project]\nname = \"x\"\nbig = 123456789012345678901234567890\n",
            "`123456789012345678901234567890` is too large for a 64-bit integer",
        ),
        (
            "[project]\nname = \"x\"\nbig = 1e999\n",
            "`1e999` is not a number JSON can hold",
        ),
        (
            "[project]\nname = \"x\"\nbig = -inf\n",
            "`-inf` is not a number JSON can hold",
        ),
    ] {
        let p = TempProject::new(&[("lynx.toml", text)]);
        let (code, doc) = json(&p, &[]);
        assert_eq!(code, 1);
        check(
            find(&doc, "lynx.toml", "toml-syntax"),
            message,
            Some((3, 7)),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Empty files

#[test]
fn empty_and_comment_only_files_warn_unless_strict() {
    let p = project(&[
        ("tools/empty.yaml", ""),
        ("tools/comments.yaml", "# TODO\n\n   # nothing yet\n"),
        ("tools/blank.yaml", "\n\n   \n"),
    ]);
    let (code, doc) = json(&p, &[]);
    assert_eq!(code, 0);
    for file in [
        "tools/empty.yaml",
        "tools/comments.yaml",
        "tools/blank.yaml",
    ] {
        let d = find(&doc, file, "empty-file");
        assert_eq!(d["severity"], "warning");
        check(d, "empty", None);
    }
    assert_eq!(json(&p, &["--strict"]).0, 1);
}

// ---------------------------------------------------------------------------------------------
// Not a regular file

#[test]
fn directory_named_like_a_tool_file() {
    let p = project(&[("tools/ok.yaml", GOOD_TOOL)]);
    std::fs::create_dir_all(p.path().join("tools/x.yaml")).unwrap();
    let (code, doc) = json(&p, &[]);
    assert_eq!(code, 1);
    check(
        find(&doc, "tools/x.yaml", "io-error"),
        "found a directory",
        None,
    );
    assert!(rules_for(&doc, "tools/ok.yaml").is_empty());

    let human = run(&p, &[]);
    assert_eq!(human.code, 1);
    insta::assert_snapshot!("directory", human.stdout);
}

/// A FIFO would block a reader forever: it is refused without being opened, found by the glob
/// or named on the command line.
#[cfg(unix)]
#[test]
fn fifo_is_reported_without_blocking() {
    let p = project(&[]);
    mkfifo(&p.path().join("tools/pipe.yaml"));
    for args in [&[][..], &["tools/pipe.yaml"][..]] {
        let (code, doc) = json(&p, args);
        assert_eq!(code, 1);
        check(
            find(&doc, "tools/pipe.yaml", "io-error"),
            "not a regular file",
            None,
        );
    }
}

/// The tests run as root, so an unreadable file is simulated by one that cannot be opened: a
/// dangling symlink, and a symlink loop.
#[cfg(unix)]
#[test]
fn dangling_symlink_and_symlink_loop_named_on_the_command_line() {
    use std::os::unix::fs::symlink;
    let p = project(&[]);
    let tools = p.path().join("tools");
    symlink("nowhere.yaml", tools.join("dangling.yaml")).unwrap();
    symlink("b.yaml", tools.join("a.yaml")).unwrap();
    symlink("a.yaml", tools.join("b.yaml")).unwrap();
    let (code, doc) = json(&p, &["tools/dangling.yaml", "tools/a.yaml"]);
    assert_eq!(code, 1);
    check(
        find(&doc, "tools/dangling.yaml", "io-error"),
        "no such file",
        None,
    );
    check(find(&doc, "tools/a.yaml", "io-error"), "symlink loop", None);
}

/// The same files found by the project's globs must be reported too, not skipped.
#[cfg(unix)]
#[test]
fn dangling_symlink_and_symlink_loop_in_the_project() {
    use std::os::unix::fs::symlink;
    let p = project(&[("tools/ok.yaml", GOOD_TOOL)]);
    let tools = p.path().join("tools");
    symlink("nowhere.yaml", tools.join("dangling.yaml")).unwrap();
    symlink("b.yaml", tools.join("a.yaml")).unwrap();
    symlink("a.yaml", tools.join("b.yaml")).unwrap();
    for args in [&[][..], &["tools/"][..]] {
        let (code, doc) = json(&p, args);
        assert_eq!(code, 1, "{args:?}");
        check(
            find(&doc, "tools/dangling.yaml", "io-error"),
            "no such file",
            None,
        );
        check(find(&doc, "tools/a.yaml", "io-error"), "symlink", None);
        check(find(&doc, "tools/b.yaml", "io-error"), "symlink", None);
    }
}

// ---------------------------------------------------------------------------------------------
// Odd but well-formed YAML

#[test]
fn tab_indentation_is_a_syntax_error_at_the_tab() {
    let p = project(&[(
        "tools/tabs.yaml",
        "id: demo.domain.echo.run\nhandler:\n\tkind: builtin\n\tname: echo\n",
    )]);
    let (code, doc) = json(&p, &[]);
    assert_eq!(code, 1);
    let d = find(&doc, "tools/tabs.yaml", "yaml-syntax");
    check(d, "tabs", Some((3, 1)));
    assert!(d["help"].as_str().unwrap().contains("spaces"));
}

#[test]
fn scalar_or_list_instead_of_a_mapping() {
    let p = project(&[
        ("tools/scalar.yaml", "just a sentence\n"),
        ("tools/number.yaml", "42\n"),
        ("tools/list.yaml", "- id: demo.domain.echo.run\n- b\n"),
    ]);
    let (code, doc) = json(&p, &[]);
    assert_eq!(code, 1);
    check(
        find(&doc, "tools/scalar.yaml", "schema"),
        "must be a mapping, not a string",
        Some((1, 1)),
    );
    check(
        find(&doc, "tools/number.yaml", "schema"),
        "must be a mapping, not an integer",
        Some((1, 1)),
    );
    check(
        find(&doc, "tools/list.yaml", "schema"),
        "must be a mapping, not a list",
        Some((1, 1)),
    );
}

#[test]
fn keys_that_are_not_strings() {
    let p = project(&[
        ("tools/complex.yaml", "? [a, b]\n: c\n"),
        ("tools/flowkey.yaml", "{[a]: b}\n"),
        ("tools/scalars.yaml", "1: x\nnull: y\ntrue: z\n2.5: w\n"),
    ]);
    let (code, doc) = json(&p, &[]);
    assert_eq!(code, 1);
    check(
        find(&doc, "tools/complex.yaml", "yaml-syntax"),
        "mapping keys must be plain scalars",
        Some((1, 3)),
    );
    check(
        find(&doc, "tools/flowkey.yaml", "yaml-syntax"),
        "mapping keys must be plain scalars",
        Some((1, 2)),
    );
    // Scalar keys read as their text.
    let unknown: Vec<&str> = diagnostics(&doc)
        .iter()
        .filter(|d| d["file"] == "tools/scalars.yaml")
        .filter_map(|d| d["message"].as_str())
        .filter(|m| m.starts_with("unknown field"))
        .collect();
    assert_eq!(
        unknown,
        [
            "unknown field `1`",
            "unknown field `null`",
            "unknown field `true`",
            "unknown field `2.5`"
        ]
    );
}

#[test]
fn tags_are_reported() {
    let p = project(&[(
        "tools/tags.yaml",
        "id: !!binary ZGVtby5kb21haW4uZWNoby5ydW4=\ndescription: !foo Echoes.\nhandler: !<tag:example.com,2000:h> { kind: builtin, name: echo }\n",
    )]);
    let (code, doc) = json(&p, &[]);
    assert_eq!(code, 1);
    let found: Vec<(&str, u64, u64)> = diagnostics(&doc)
        .iter()
        .filter(|d| d["rule"] == "yaml-syntax")
        .map(|d| {
            (
                d["message"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "the YAML tag `!!binary` is not supported in lynx files",
                1,
                5
            ),
            ("the YAML tag `!foo` is not supported in lynx files", 2, 14),
            (
                "the YAML tag `!<tag:example.com,2000:h>` is not supported in lynx files",
                3,
                10
            ),
        ]
    );
    // The rest of the file is still checked, as if untagged.
    check(
        find(&doc, "tools/tags.yaml", "id-format"),
        "ZGVtby5",
        Some((1, 5)),
    );

    // Core-schema tags are fine.
    let p = project(&[(
        "tools/core.yaml",
        "id: !!str demo.domain.echo.run\ndescription: !!str 42\nhandler: !!map { kind: builtin, name: echo }\ntags: !!seq [a]\n",
    )]);
    let (code, doc) = json(&p, &[]);
    assert_eq!(code, 0, "{doc}");
}

#[test]
fn multi_document_file() {
    let p = project(&[("tools/two.yaml", &format!("{GOOD_TOOL}---\n{GOOD_TOOL}"))]);
    let (code, doc) = json(&p, &[]);
    assert_eq!(code, 1);
    check(
        find(&doc, "tools/two.yaml", "yaml-syntax"),
        "a second YAML document",
        Some((4, 1)),
    );
    // `---` first, then one document, is a single document.
    let p = project(&[("tools/one.yaml", &format!("---\n{GOOD_TOOL}...\n"))]);
    assert_eq!(json(&p, &[]).0, 0);
}

// ---------------------------------------------------------------------------------------------
// Property tests over the in-process parse → validate path

const EXAMPLE_TOOL: &str = include_str!("../../fixtures/example/tools/finance_health_read.yaml");
const EXAMPLE_CONFIG: &str = include_str!("../../fixtures/example/lynx.toml");

/// One temp project reused across cases: `lynx.toml` plus `tools/x.yaml`.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("tools")).unwrap();
        Self { dir }
    }

    /// Writes the files, loads the project, lints and renders it; checks the invariants.
    fn check(&self, config: &[u8], tool: &[u8]) -> Result<(), TestCaseError> {
        let root = self.dir.path();
        std::fs::write(root.join("lynx.toml"), config).unwrap();
        std::fs::write(root.join("tools/x.yaml"), tool).unwrap();
        let project = Project::load(&LoadOptions {
            cwd: root.to_path_buf(),
            config: Some(root.join("lynx.toml")),
            extra: Vec::new(),
            context: lynx::project::Scope::All,
        });
        let diagnostics = lynx::lint::check(&project, None);
        for d in &diagnostics {
            spans_are_valid(&project, d)?;
        }
        let summary = lynx::lint::diagnostic::Summary::of(project.files.len(), &diagnostics);
        let rules = lynx::lint::rules::metas();
        let opts = RenderOptions {
            color: false,
            version: "0",
            rules: &rules,
        };
        for format in [
            Format::Human,
            Format::Json,
            Format::Sarif,
            Format::Github,
            Format::Junit,
        ] {
            render::render(format, &project.files, &diagnostics, &summary, &opts);
        }
        Ok(())
    }
}

fn spans_are_valid(project: &Project, d: &Diagnostic) -> Result<(), TestCaseError> {
    let spans = d
        .span
        .map(|s| (d.file, s))
        .into_iter()
        .chain(d.related.iter().map(|r| (r.file, r.span)));
    for (file, span) in spans {
        let text = &project.file(file).text;
        prop_assert!(
            span.start <= span.end && span.end <= text.len(),
            "{} span {span:?} outside {} bytes: {d:?}",
            d.rule,
            text.len()
        );
        prop_assert!(
            text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
            "{} span {span:?} splits a character: {d:?}",
            d.rule
        );
    }
    Ok(())
}

/// `cases` per property, unless `PROPTEST_CASES` asks for more (for a longer local fuzz run).
/// Failures are not persisted, so nothing is written into the repository.
fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// YAML-ish text: YAML punctuation, indentation, line breaks and a few non-ASCII characters.
fn yamlish_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => "[a-z0-9]{1,6}",
        2 => Just(": ".to_owned()),
        2 => Just("\n".to_owned()),
        2 => " {1,4}",
        1 => prop::sample::select(vec![
            "- ", "[", "]", "{", "}", ",", "&a ", "*a", "!!str ", "!x ", "? ", "|", ">", "'", "\"",
            "#", "\t", "---\n", "...\n", "%YAML 1.2\n", "\\", "é", "🦀", "\r\n", "~", ".inf", "1e999",
            "0x", "\u{feff}", "\u{85}", "\u{2028}",
        ])
        .prop_map(str::to_owned),
    ];
    prop::collection::vec(piece, 0..200).prop_map(|v| v.concat())
}

/// A YAML document built from a small grammar, rendered in block or flow style with random
/// indentation.
#[derive(Clone, Debug)]
enum Doc {
    Scalar(String),
    Seq(Vec<Doc>, bool),
    Map(Vec<(String, Doc)>, bool),
}

fn doc() -> impl Strategy<Value = Doc> {
    let scalar = prop_oneof![
        "[a-z][a-z0-9_.]{0,8}",
        "-?[0-9]{1,25}(\\.[0-9]{1,3})?(e[0-9]{1,4})?",
        Just("~".to_owned()),
        Just("true".to_owned()),
        Just("\"quoted: [x]\"".to_owned()),
        Just("'it''s'".to_owned()),
        Just("&a anchored".to_owned()),
        Just("*a".to_owned()),
        Just("!!str 1".to_owned()),
        Just("!!binary AA==".to_owned()),
        Just(".nan".to_owned()),
        Just("é漢".to_owned()),
    ]
    .prop_map(Doc::Scalar);
    let key = prop_oneof![
        4 => prop::sample::select(vec![
            "id", "description", "handler", "kind", "command", "input_schema", "type",
            "properties", "risk", "layer", "annotations", "cache", "retry", "tools", "steps",
        ])
        .prop_map(str::to_owned),
        1 => "[a-z]{1,5}",
        1 => Just("1".to_owned()),
        1 => Just("\"quoted key\"".to_owned()),
    ];
    scalar.prop_recursive(6, 64, 6, move |inner| {
        prop_oneof![
            (prop::collection::vec(inner.clone(), 0..6), any::<bool>())
                .prop_map(|(items, flow)| Doc::Seq(items, flow)),
            (
                prop::collection::vec((key.clone(), inner), 0..6),
                any::<bool>()
            )
                .prop_map(|(entries, flow)| Doc::Map(entries, flow)),
        ]
    })
}

impl Doc {
    fn render(&self, indent: usize, step: usize, out: &mut String) {
        match self {
            Doc::Scalar(s) => out.push_str(s),
            Doc::Seq(items, flow) if *flow || items.is_empty() => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.flow(out);
                }
                out.push(']');
            }
            Doc::Map(entries, flow) if *flow || entries.is_empty() => self.flow(out),
            Doc::Seq(items, _) => {
                for item in items {
                    out.push('\n');
                    out.push_str(&" ".repeat(indent));
                    out.push_str("- ");
                    item.render(indent + step, step, out);
                }
            }
            Doc::Map(entries, _) => {
                for (k, v) in entries {
                    out.push('\n');
                    out.push_str(&" ".repeat(indent));
                    out.push_str(k);
                    out.push_str(": ");
                    v.render(indent + step, step, out);
                }
            }
        }
    }

    fn flow(&self, out: &mut String) {
        match self {
            Doc::Scalar(s) => out.push_str(s),
            Doc::Seq(..) => self.render(0, 0, out),
            Doc::Map(entries, _) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(k);
                    out.push_str(": ");
                    v.flow(out);
                }
                out.push('}');
            }
        }
    }
}

#[derive(Clone, Debug)]
enum Mutation {
    Delete(prop::sample::Index),
    Insert(prop::sample::Index, &'static str),
    DuplicateLine(prop::sample::Index),
}

fn mutations(tokens: Vec<&'static str>) -> impl Strategy<Value = Vec<Mutation>> {
    let one = prop_oneof![
        any::<prop::sample::Index>().prop_map(Mutation::Delete),
        (any::<prop::sample::Index>(), prop::sample::select(tokens))
            .prop_map(|(at, token)| Mutation::Insert(at, token)),
        any::<prop::sample::Index>().prop_map(Mutation::DuplicateLine),
    ];
    prop::collection::vec(one, 1..6)
}

/// Applies `mutations` to `text`, at character boundaries.
fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let mut text = text.to_owned();
    for m in mutations {
        let bounds: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        match m {
            Mutation::Delete(at) if !text.is_empty() => {
                let i = at.index(bounds.len() - 1);
                text.replace_range(bounds[i]..bounds[i + 1], "");
            }
            Mutation::Delete(_) => {}
            Mutation::Insert(at, token) => text.insert_str(bounds[at.index(bounds.len())], token),
            Mutation::DuplicateLine(at) => {
                let lines: Vec<&str> = text.split_inclusive('\n').collect();
                if !lines.is_empty() {
                    let i = at.index(lines.len());
                    let mut copy: Vec<&str> = lines.clone();
                    copy.insert(i, lines[i]);
                    text = copy.concat();
                }
            }
        }
    }
    text
}

const GOOD_CONFIG: &[u8] = b"[project]\nname = \"prop\"\n";

proptest! {
    #![proptest_config(config(256))]

    /// (a) Arbitrary bytes as a tool file, and arbitrary YAML-ish or Unicode text.
    #[test]
    fn prop_arbitrary_input_never_panics(
        bytes in prop::collection::vec(any::<u8>(), 0..4096),
        text in yamlish_text(),
        unicode in ".{0,300}",
    ) {
        let sandbox = Sandbox::new();
        sandbox.check(GOOD_CONFIG, &bytes)?;
        sandbox.check(GOOD_CONFIG, text.as_bytes())?;
        sandbox.check(GOOD_CONFIG, unicode.as_bytes())?;
    }

    /// (b) Documents from a grammar, in random styles.
    #[test]
    fn prop_generated_documents_never_panic(d in doc(), step in 1usize..5) {
        let mut text = String::new();
        d.render(0, step, &mut text);
        Sandbox::new().check(GOOD_CONFIG, text.trim_start().as_bytes())?;
    }

    /// (b) Mutations of the good example tool.
    #[test]
    fn prop_mutated_example_tool_never_panics(m in mutations(vec![
        ":", ": ", "[", "]", "{", "}", "&a ", "*a", "\t", "\"", "'", "- ", "\n", "#", "? ", "!foo ",
        "é", "\r", "---\n", "  ",
    ])) {
        let text = mutate(EXAMPLE_TOOL, &m);
        Sandbox::new().check(GOOD_CONFIG, text.as_bytes())?;
    }

    /// (c) Mutations of the example `lynx.toml`.
    #[test]
    fn prop_mutated_example_config_never_panics(m in mutations(vec![
        "=", " = ", "[", "]", "[[", "{", "}", "\"", "'", "\"\"\"", ".", "\n", "#", "é", "1e999",
        "nan", "99999999999999999999", "a.b.c", "\t", ",",
    ])) {
        let text = mutate(EXAMPLE_CONFIG, &m);
        Sandbox::new().check(text.as_bytes(), GOOD_TOOL.as_bytes())?;
    }
}
