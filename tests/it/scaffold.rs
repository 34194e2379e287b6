//! `lynx init`, `tool:create` and `workflow:create`: the generated trees (snapshots), that they
//! validate with no findings and run, and the safety rules (dry run, idempotency, conflicts,
//! `--force`, paths that escape, no prompts without a terminal, prompts with one).

use crate::support::{TempProject, lynx};
use std::path::{Path, PathBuf};
use std::process::Stdio;

const INIT_TEMPLATES: [&str; 3] = ["minimal", "python", "node"];
const HANDLERS: [&str; 6] = ["python", "python-worker", "node", "bash", "http", "builtin"];
const WORKFLOW_TEMPLATES: [&str; 8] = [
    "ci-cd",
    "backup",
    "security-audit",
    "incident-response",
    "perf-investigation",
    "content-deployment",
    "approval-chain",
    "fan-out",
];

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every file under `dir` (sorted), with its contents; the schema copies are checked against the
/// embedded schemas and shown by name only.
fn tree(dir: &Path) -> String {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().map(Result::unwrap) {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut out = String::new();
    for path in files {
        let rel = path
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let body = std::fs::read_to_string(&path).unwrap();
        if let Some(kind) = rel
            .strip_prefix("schemas/")
            .and_then(|n| n.strip_suffix(".schema.json"))
        {
            let embedded = text(&lynx().args(["schema", kind]).output().unwrap().stdout);
            assert_eq!(body.trim(), embedded.trim(), "{rel} is the embedded schema");
            out.push_str(&format!("=== {rel} (the `lynx schema {kind}` output)\n"));
            continue;
        }
        out.push_str(&format!("=== {rel}\n{body}"));
    }
    out
}

/// A fresh project made by `lynx init --template TEMPLATE` in a temp dir.
fn init(template: &str) -> TempProject {
    let p = TempProject::new(&[]);
    p.lynx(&[
        "init",
        "--name",
        "demo",
        "--template",
        template,
        "--no-input",
    ])
    .assert()
    .success();
    p
}

/// `tool:validate --strict` finds nothing.
fn assert_clean(p: &TempProject) {
    let out = p.lynx(&["tool:validate", "--strict"]).output().unwrap();
    assert!(
        out.status.success() && text(&out.stdout).contains("no problems found"),
        "tool:validate found problems:\n{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

fn on_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

/// Whether the interpreter a handler kind needs is here; prints the skip otherwise.
fn have(handler: &str) -> bool {
    let program = match handler {
        "python" | "python-worker" | "http" => "python3",
        "node" => "node",
        "bash" => "bash",
        _ => return true,
    };
    let found = on_path(program).is_some();
    if !found {
        println!("skipped: `{program}` is not installed, so the {handler} handler was not run");
    }
    found
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A generated HTTP service, stopped on drop.
struct Service(std::process::Child);

impl Service {
    fn start(p: &TempProject, script: &str, port: u16) -> Service {
        let child = std::process::Command::new("python3")
            .arg(script)
            .env("PORT", port.to_string())
            .current_dir(p.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "the service did not start"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Service(child)
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn init_trees() {
    for template in INIT_TEMPLATES {
        let p = init(template);
        insta::assert_snapshot!(format!("init_{template}"), tree(p.path()));
        assert_clean(&p);
    }
}

#[test]
fn tool_create_trees() {
    for handler in HANDLERS {
        let p = TempProject::new(&[("lynx.toml", "[project]\nname = \"t\"\n")]);
        p.lynx(&[
            "tool:create",
            "--id",
            "finance.domain.health.read",
            "--handler",
            handler,
            "--read-only",
            "--title",
            "Finance health",
            "--description",
            "Reads the health summary of a finance account.",
        ])
        .assert()
        .success();
        insta::assert_snapshot!(format!("tool_create_{handler}"), tree(p.path()));
        assert_clean(&p);
    }
}

#[test]
fn workflow_create_trees() {
    for template in WORKFLOW_TEMPLATES {
        let p = TempProject::new(&[("lynx.toml", "[project]\nname = \"t\"\n")]);
        p.lynx(&["workflow:create", "--name", "flow", "--template", template])
            .assert()
            .success();
        insta::assert_snapshot!(format!("workflow_create_{template}"), tree(p.path()));
        assert_clean(&p);
        // The stubs are builtins: their own tests pass with no runtime at all.
        p.lynx(&["tool:test"]).assert().success();
    }
}

/// The whole first five minutes: init, a tool of every kind (and every risk shape), workflows
/// from every template and from `--steps`, then validation with no findings — for each init
/// template.
#[test]
fn everything_generated_validates() {
    for template in INIT_TEMPLATES {
        let p = init(template);
        for (i, handler) in HANDLERS.iter().enumerate() {
            let id = format!("demo.cell.kind{i}.run");
            p.lynx(&["tool:create", "--id", &id, "--handler", handler])
                .assert()
                .success();
        }
        for extra in [
            vec![
                "--id",
                "demo.cell.db.drop",
                "--handler",
                "bash",
                "--destructive",
            ],
            vec![
                "--id",
                "demo.cluster.pay.send",
                "--handler",
                "python",
                "--risk",
                "high",
            ],
            vec![
                "--id",
                "demo.domain.report.read",
                "--handler",
                "node",
                "--read-only",
                "--risk",
                "medium",
                "--dir",
                "tools/reports",
                "--layer",
                "domain",
                "--domain",
                "demo",
            ],
        ] {
            let mut args = vec!["tool:create"];
            args.extend(extra);
            p.lynx(&args).assert().success();
        }
        for wf in WORKFLOW_TEMPLATES {
            let name = format!("flow_{}", wf.replace('-', "_"));
            p.lynx(&["workflow:create", "--name", &name, "--template", wf])
                .assert()
                .success();
        }
        // A chain through a tool of every handler kind, and one tool twice.
        let mut chain: Vec<String> = vec!["demo.domain.hello.greet".into()];
        chain.extend((0..HANDLERS.len()).map(|i| format!("demo.cell.kind{i}.run")));
        chain.push("demo.domain.hello.greet".into());
        p.lynx(&[
            "workflow:create",
            "--name",
            "chain",
            "--steps",
            &chain.join(","),
            "--description",
            "Greets through every kind of handler.",
        ])
        .assert()
        .success();
        let chain = std::fs::read_to_string(p.path().join("workflows/chain.yaml")).unwrap();
        assert!(chain.contains("name: \"{{ inputs.name }}\""), "{chain}");
        assert!(chain.contains("- id: hello_greet_2"), "{chain}");
        assert_clean(&p);
    }
}

/// Every generated handler answers through lynx: `tool:call` and the generated `tests:`.
#[test]
fn generated_tools_run_and_pass_their_tests() {
    let p = init("minimal");
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/");
    let mut ids = Vec::new();
    for handler in HANDLERS {
        if !have(handler) {
            continue;
        }
        let id = format!("demo.domain.{}.greet", handler.replace('-', "_"));
        let mut args = vec!["tool:create", "--id", &id, "--handler", handler];
        if handler == "http" {
            args.extend(["--url", &url]);
        }
        p.lynx(&args).assert().success();
        ids.push((handler, id));
    }
    let _service =
        have("http").then(|| Service::start(&p, "handlers/demo.domain.http.greet-server.py", port));
    for (handler, id) in &ids {
        let out = p
            .lynx(&[
                "tool:call",
                id,
                "--args",
                r#"{"name": "Ada"}"#,
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        let stdout = text(&out.stdout);
        assert!(
            out.status.success(),
            "{handler}: {stdout}{}",
            text(&out.stderr)
        );
        let result: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let expected = if *handler == "builtin" {
            serde_json::json!({"name": "Ada"})
        } else {
            serde_json::json!({"message": "Hello, Ada!"})
        };
        assert_eq!(result["structuredContent"], expected, "{handler}");
        assert_eq!(result["isError"], serde_json::json!(false), "{handler}");
    }
    let mut test = vec!["tool:test"];
    test.extend(ids.iter().map(|(_, id)| id.as_str()));
    let out = p.lynx(&test).output().unwrap();
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    let cases = if ids.iter().any(|(h, _)| *h == "builtin") {
        2 * ids.len() - 1
    } else {
        2 * ids.len()
    };
    assert!(
        stdout.contains(&format!("{cases} passed, 0 failed")),
        "{stdout}"
    );
    // The init project's own example and workflow tests pass too.
    p.lynx(&["tool:test", "demo.domain.hello.greet"])
        .assert()
        .success();
}

/// Runs `program script` with `stdin`, returning stdout as JSON.
fn run_handler(
    dir: &Path,
    program: &Path,
    script: &str,
    stdin: &str,
    path: Option<&str>,
) -> serde_json::Value {
    use std::io::Write;
    let mut cmd = std::process::Command::new(program);
    cmd.arg(script)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(path) = path {
        cmd.env("PATH", path);
    }
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{script}: {}", text(&out.stderr));
    let line = text(&out.stdout);
    serde_json::from_str(line.trim()).unwrap_or_else(|e| panic!("{script} printed {line:?}: {e}"))
}

/// Each handler program on its own, with a sample request of its protocol (DESIGN §2.1).
#[test]
fn generated_handlers_speak_their_protocols() {
    let p = TempProject::new(&[("lynx.toml", "# not JSON\n")]);
    for handler in ["python", "python-worker", "node", "bash", "http"] {
        let id = format!("demo.domain.{}.greet", handler.replace('-', "_"));
        p.lynx(&["tool:create", "--id", &id, "--handler", handler])
            .assert()
            .success();
    }
    let request = r#"{"tool": "demo.domain.x.greet", "args": {"name": "Ada"}, "context": {"tenant_id": "acme", "user_id": "u", "trace_id": "t"}}"#;
    let ok = serde_json::json!({"output": {"message": "Hello, Ada!"}});
    let empty = r#"{"tool": "x", "args": {"name": ""}, "context": {}}"#;
    let exec = [
        ("python", "python3", "handlers/demo.domain.python.greet.py"),
        ("node", "node", "handlers/demo.domain.node.greet.mjs"),
        ("bash", "bash", "handlers/demo.domain.bash.greet.sh"),
    ];
    for (handler, program, script) in exec {
        let Some(program) = have(handler).then(|| on_path(program)).flatten() else {
            continue;
        };
        assert_eq!(
            run_handler(p.path(), &program, script, request, None),
            ok,
            "{handler}"
        );
        let err = run_handler(p.path(), &program, script, empty, None);
        assert!(
            err["error"]["message"]
                .as_str()
                .unwrap()
                .contains("non-empty string"),
            "{handler}: {err}"
        );
        if handler == "bash" && on_path("jq").is_none() {
            continue; // without jq the bash handler cannot tell bad JSON from a missing name
        }
        // A request that is not JSON: a tool error on stdout and a non-zero exit.
        let out = std::process::Command::new(&program)
            .arg(script)
            .current_dir(p.path())
            .stdin(std::fs::File::open(p.path().join("lynx.toml")).unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{handler}");
        let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(
            answer["error"]["message"]
                .as_str()
                .unwrap()
                .contains("invalid request JSON"),
            "{handler}: {answer}"
        );
    }
    if have("bash") {
        // Without jq on PATH the bash handler falls back to plain bash.
        let bash = on_path("bash").unwrap();
        let script = "handlers/demo.domain.bash.greet.sh";
        assert_eq!(run_handler(p.path(), &bash, script, request, Some("")), ok);
        let err = run_handler(p.path(), &bash, script, empty, Some(""));
        assert!(
            err["error"]["message"]
                .as_str()
                .unwrap()
                .contains("non-empty")
        );
        if on_path("jq").is_none() {
            println!("skipped: `jq` is not installed, so the bash handler's jq branch was not run");
        }
    }
    if have("python-worker") {
        use std::io::{BufRead, BufReader, Write};
        let mut child = std::process::Command::new("python3")
            .arg("handlers/demo.domain.python_worker.greet.py")
            .current_dir(p.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        writeln!(
            stdin,
            r#"{{"id": 7, "tool": "x", "args": {{"name": "Ada"}}, "context": {{}}}}"#
        )
        .unwrap();
        stdin.flush().unwrap();
        let first: serde_json::Value =
            serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
        assert_eq!(
            first,
            serde_json::json!({"id": 7, "output": {"message": "Hello, Ada!"}})
        );
        writeln!(stdin, "not json\n{{\"id\": 8, \"args\": {{}}}}").unwrap();
        stdin.flush().unwrap();
        let second: serde_json::Value =
            serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
        assert_eq!(
            second["id"], 8,
            "a bad line is skipped and the worker lives on"
        );
        assert!(
            second["error"]["message"]
                .as_str()
                .unwrap()
                .contains("non-empty")
        );
        drop(stdin);
        assert!(child.wait().unwrap().success());
    }
    if have("http") {
        let port = free_port();
        let _service = Service::start(&p, "handlers/demo.domain.http.greet-server.py", port);
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        use std::io::{Read, Write};
        write!(
            stream,
            "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{request}",
            request.len()
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let body = response.split("\r\n\r\n").nth(1).unwrap();
        assert_eq!(serde_json::from_str::<serde_json::Value>(body).unwrap(), ok);
    }
}

fn snapshot_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>, std::time::SystemTime)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().map(Result::unwrap) {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let meta = std::fs::metadata(&path).unwrap();
                out.push((
                    path.clone(),
                    std::fs::read(&path).unwrap(),
                    meta.modified().unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn running_twice_changes_nothing_and_says_so() {
    let p = init("python");
    let before = snapshot_files(p.path());
    let out = p
        .lynx(&[
            "init",
            "--name",
            "demo",
            "--template",
            "python",
            "--no-input",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        text(&out.stdout).contains("nothing to do"),
        "{}",
        text(&out.stdout)
    );
    let create = [
        "tool:create",
        "--id",
        "demo.cell.x.run",
        "--handler",
        "bash",
    ];
    p.lynx(&create).assert().success();
    let wf = ["workflow:create", "--name", "w", "--template", "fan-out"];
    p.lynx(&wf).assert().success();
    let middle = snapshot_files(p.path());
    for args in [&create[..], &wf[..]] {
        let out = p.lynx(args).output().unwrap();
        assert!(out.status.success());
        assert!(
            text(&out.stdout).starts_with("nothing to do"),
            "{}",
            text(&out.stdout)
        );
    }
    assert_eq!(snapshot_files(p.path()), middle, "no file touched");
    assert!(middle.len() > before.len());
    assert!(
        before.iter().all(|f| middle.contains(f)),
        "init's files untouched"
    );
}

#[test]
fn dry_run_prints_the_plan_and_writes_nothing() {
    let p = TempProject::new(&[]);
    let out = p
        .lynx(&[
            "init",
            "new",
            "--name",
            "demo",
            "--template",
            "node",
            "--dry-run",
            "--no-input",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    insta::assert_snapshot!("init_dry_run", text(&out.stdout));
    assert!(!p.path().join("new").exists());

    let p = init("minimal");
    p.write("handlers/demo.cell.x.run.sh", "#!/bin/sh\necho mine\n");
    let before = snapshot_files(p.path());
    let out = p
        .lynx(&[
            "tool:create",
            "--id",
            "demo.cell.x.run",
            "--handler",
            "bash",
            "--dry-run",
        ])
        .output()
        .unwrap();
    // It exits as the real run would.
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("pass `--force`"));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("create    tools/demo.cell.x.run.yaml"),
        "{stdout}"
    );
    assert!(
        stdout.contains("conflict  handlers/demo.cell.x.run.sh  (exists with other contents; `--force` overwrites it)"),
        "{stdout}"
    );
    let out = p
        .lynx(&[
            "workflow:create",
            "--name",
            "w",
            "--template",
            "backup",
            "--dry-run",
        ])
        .output()
        .unwrap();
    assert!(text(&out.stdout).contains("create    tools/backup.cell.snapshot.create.yaml"));
    assert_eq!(snapshot_files(p.path()), before);
}

#[test]
fn conflicts_stop_the_run_and_force_overwrites_only_planned_files() {
    let p = init("minimal");
    p.write("handlers/demo.cell.x.run.py", "print('mine')\n");
    let args = [
        "tool:create",
        "--id",
        "demo.cell.x.run",
        "--handler",
        "python",
    ];
    let out = p.lynx(&args).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("`handlers/demo.cell.x.run.py`") && stderr.contains("--force"),
        "{stderr}"
    );
    assert!(
        !p.path().join("tools/demo.cell.x.run.yaml").exists(),
        "nothing written"
    );
    assert_eq!(
        std::fs::read_to_string(p.path().join("handlers/demo.cell.x.run.py")).unwrap(),
        "print('mine')\n"
    );
    let mut forced = args.to_vec();
    forced.push("--force");
    let out = p.lynx(&forced).output().unwrap();
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("replaced  handlers/demo.cell.x.run.py"));
    assert_clean(&p);

    // init refuses a non-empty folder; with --force it adds the project, replaces only the files
    // in its plan and leaves the others alone.
    let p = TempProject::new(&[("notes.txt", "keep me\n"), ("README.md", "old\n")]);
    let init_args = [
        "init",
        "--name",
        "demo",
        "--template",
        "minimal",
        "--no-input",
    ];
    let out = p.lynx(&init_args).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("is not empty")
            && stderr.contains("`notes.txt`")
            && stderr.contains("--force"),
        "{stderr}"
    );
    assert!(!p.path().join("lynx.toml").exists());
    // Its dry run shows the plan and fails the same way.
    let out = p
        .lynx(&[&init_args[..], &["--dry-run"]].concat())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("create    lynx.toml"));
    assert!(text(&out.stderr).contains("is not empty"));
    assert!(!p.path().join("lynx.toml").exists());
    let mut forced = init_args.to_vec();
    forced.push("--force");
    let out = p.lynx(&forced).output().unwrap();
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("replaced  README.md"));
    assert_eq!(
        std::fs::read_to_string(p.path().join("notes.txt")).unwrap(),
        "keep me\n"
    );
    assert_clean(&p);

    // A fresh git repository counts as empty.
    let p = TempProject::new(&[(".git/HEAD", "ref: refs/heads/main\n")]);
    p.lynx(&init_args).assert().success();
}

#[test]
fn paths_never_escape_the_project() {
    let p = init("minimal");
    for dir in ["../outside", "/tmp/abs", "tools/../../x"] {
        let out = p
            .lynx(&[
                "tool:create",
                "--id",
                "demo.cell.x.run",
                "--handler",
                "builtin",
                "--dir",
                dir,
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{dir}");
        assert!(
            text(&out.stderr).contains("`--dir`"),
            "{}",
            text(&out.stderr)
        );
    }
    // A folder the project's globs do not match would hide the tool from lynx.
    let out = p
        .lynx(&[
            "tool:create",
            "--id",
            "demo.cell.x.run",
            "--handler",
            "builtin",
            "--dir",
            "elsewhere",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("[project] tools"));
    #[cfg(unix)]
    {
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), p.path().join("tools/linked")).unwrap();
        let out = p
            .lynx(&[
                "tool:create",
                "--id",
                "demo.cell.x.run",
                "--handler",
                "builtin",
                "--dir",
                "tools/linked",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(
            text(&out.stderr).contains("outside the project folder"),
            "{}",
            text(&out.stderr)
        );
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    }
    // Ids cannot smuggle paths: they must be ids, and become file names.
    let out = p
        .lynx(&[
            "tool:create",
            "--id",
            "../../etc.domain.x",
            "--handler",
            "builtin",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("`--id`"));
    let out = p
        .lynx(&[
            "workflow:create",
            "--name",
            "../evil",
            "--template",
            "fan-out",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("`--name`"));
}

#[test]
fn bad_values_name_their_flag() {
    let p = init("minimal");
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "tool:create",
                "--id",
                "demo.cell.x.run",
                "--handler",
                "bash",
                "--layer",
                "domain",
            ],
            "`--layer`: `domain` disagrees with the id",
        ),
        (
            &[
                "tool:create",
                "--id",
                "demo.cell.x.run",
                "--handler",
                "bash",
                "--domain",
                "other",
            ],
            "`--domain`: `other` disagrees with the id",
        ),
        (
            &["tool:create", "--id", "Demo.x", "--handler", "bash"],
            "`--id`: `Demo.x`",
        ),
        (
            &[
                "tool:create",
                "--id",
                "demo.domain.hello.greet",
                "--handler",
                "bash",
                "--dir",
                "tools/more",
            ],
            "already defined in `tools/demo.domain.hello.greet.yaml`",
        ),
        (
            &[
                "tool:create",
                "--id",
                "demo.cell.x.run",
                "--handler",
                "bash",
                "--url",
                "http://x/",
            ],
            "`--url`: only applies",
        ),
        (
            &[
                "workflow:create",
                "--name",
                "w",
                "--steps",
                "demo.domain.hello.gret",
            ],
            "did you mean `demo.domain.hello.greet`?",
        ),
        (
            &[
                "workflow:create",
                "--name",
                "demo.domain.hello.greet",
                "--template",
                "fan-out",
            ],
            "already defined in `tools/demo.domain.hello.greet.yaml`",
        ),
    ];
    for (args, message) in cases {
        let out = p.lynx(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            text(&out.stderr).contains(message),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    let out = p
        .lynx(&["tool:create", "--read-only", "--destructive"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "clap refuses the pair");
    let out = TempProject::new(&[])
        .lynx(&["tool:create", "--id", "a.domain.b", "--handler", "bash"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("lynx init"));
}

/// Without a terminal (the tests' stdin is not one), with `--no-input` or with `CI` set, a
/// missing value is an error naming its flag — never a prompt.
#[test]
fn no_prompt_without_a_terminal() {
    let p = init("minimal");
    let cases: &[(&[&str], &str)] = &[
        (&["init", "fresh"], "missing `--template`"),
        (&["tool:create", "--handler", "bash"], "missing `--id`"),
        (
            &["tool:create", "--id", "demo.cell.x.run"],
            "missing `--handler`",
        ),
        (
            &["workflow:create", "--template", "fan-out"],
            "missing `--name`",
        ),
        (&["workflow:create", "--name", "w"], "missing `--template`"),
    ];
    for (args, message) in cases {
        for env in [None, Some(("CI", "true"))] {
            let mut cmd = p.lynx(args);
            if let Some((k, v)) = env {
                cmd.env(k, v);
            }
            let out = cmd.write_stdin("").output().unwrap();
            assert_eq!(out.status.code(), Some(2), "{args:?}");
            let stderr = text(&out.stderr);
            assert!(
                stderr.contains(message) && stderr.contains("help: pass"),
                "{args:?}: {stderr}"
            );
        }
    }
    assert!(!p.path().join("fresh").exists());
}

/// Drives `lynx ARGS…` in `dir` under a pseudo-terminal (python3's `pty`): for each
/// `(text, keys)` waits until `text` appears on the terminal, then types `keys`. Returns the exit
/// status and everything the terminal showed, or `None` when python3 is missing.
fn at_a_terminal(dir: &Path, args: &[&str], script: &[(&str, &str)]) -> Option<(i32, String)> {
    if on_path("python3").is_none() {
        println!("skipped: `python3` is not installed, so the pseudo-terminal run was not made");
        return None;
    }
    let driver = r#"
import json, os, pty, select, sys, time
lynx, cwd, args, script = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])
pid, fd = pty.fork()
if pid == 0:
    os.chdir(cwd)
    os.environ.pop("CI", None)
    os.environ["NO_COLOR"] = "1"
    os.execv(lynx, [lynx] + args)
seen, pending = b"", b""
def read(timeout):
    global seen, pending
    r, _, _ = select.select([fd], [], [], timeout)
    if not r:
        return True
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        return False
    seen += chunk
    pending += chunk
    return bool(chunk)
for text, keys in script:
    deadline = time.time() + 20
    while text.encode() not in pending:
        if time.time() > deadline or not read(0.2):
            sys.stdout.write(seen.decode("utf-8", "replace"))
            sys.stdout.write("\n[timed out waiting for %r]\n" % text)
            os.kill(pid, 9)
            sys.exit(97)
    pending = pending[pending.index(text.encode()) + len(text):]
    time.sleep(0.1)
    os.write(fd, keys.encode())
while read(20):
    pass
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode("utf-8", "replace"))
sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 98)
"#;
    let bin = assert_cmd::cargo::cargo_bin("lynx");
    let script: Vec<[&str; 2]> = script.iter().map(|(t, k)| [*t, *k]).collect();
    let out = std::process::Command::new("python3")
        .args(["-c", driver])
        .arg(&bin)
        .arg(dir)
        .arg(serde_json::to_string(args).unwrap())
        .arg(serde_json::to_string(&script).unwrap())
        .output()
        .unwrap();
    Some((out.status.code().unwrap_or(-1), text(&out.stdout)))
}

const DOWN: &str = "\x1b[B";
const UP: &str = "\x1b[A";

/// Real interactive runs: each command under a pseudo-terminal, prompts answered by keystrokes
/// (a wrong id is refused with the rule's words and asked again).
#[test]
fn commands_prompt_at_a_terminal() {
    let p = init("minimal");
    let bash = format!("{DOWN}{DOWN}{DOWN}\r");
    let medium = format!("{DOWN}\r");
    let fix = format!("{}demo.domain.pty.read\r", "\x7f".repeat(6));
    let Some((status, screen)) = at_a_terminal(
        p.path(),
        &["tool:create", "--read-only"],
        &[
            ("Tool id", "Bad Id\r"),
            ("segment", &fix),
            ("Handler", &bash),
            ("Risk", &medium),
            ("Description", "Reads through a terminal.\r"),
        ],
    ) else {
        return;
    };
    assert_eq!(status, 0, "{screen}");
    let tool = std::fs::read_to_string(p.path().join("tools/demo.domain.pty.read.yaml")).unwrap();
    assert!(
        tool.contains("command: [bash, handlers/demo.domain.pty.read.sh]"),
        "{tool}"
    );
    assert!(tool.contains("risk: medium"), "{tool}");
    assert!(
        tool.contains("description: Reads through a terminal."),
        "{tool}"
    );
    assert!(tool.contains("readOnlyHint: true"), "{tool}");

    // workflow:create: a name, then "steps" (the last entry of the list) and the ids to chain.
    let steps = format!("{}\r", DOWN.repeat(8));
    let (status, screen) = at_a_terminal(
        p.path(),
        &["workflow:create"],
        &[
            ("Workflow name", "nightly\r"),
            ("Start from", &steps),
            (
                "Tool ids to chain",
                "demo.domain.pty.read,demo.domain.hello.greet\r",
            ),
        ],
    )
    .unwrap();
    assert_eq!(status, 0, "{screen}");
    let wf = std::fs::read_to_string(p.path().join("workflows/nightly.yaml")).unwrap();
    assert!(
        wf.contains("tool: demo.domain.pty.read") && wf.contains("needs: [pty_read]"),
        "{wf}"
    );
    assert_clean(&p);

    // Ctrl-C in a list prompt: lynx ends by SIGINT (the driver reports 98), shows the cursor the
    // list had hidden, and writes nothing.
    let (status, screen) = at_a_terminal(
        p.path(),
        &["tool:create"],
        &[("Tool id", "demo.cell.gone.run\r"), ("Handler", "\x03")],
    )
    .unwrap();
    assert_eq!(status, 98, "{screen}");
    let hidden = screen
        .rfind("\x1b[?25l")
        .expect("the list hides the cursor");
    assert!(
        screen[hidden..].contains("\x1b[?25h"),
        "cursor shown again: {screen:?}"
    );
    assert!(!p.path().join("tools/demo.cell.gone.run.yaml").exists());

    // init: accept the folder's name, pick `minimal` (one up from the default `python`).
    let q = TempProject::new(&[]);
    let minimal = format!("{UP}\r");
    let (status, screen) = at_a_terminal(
        q.path(),
        &["init", "fresh"],
        &[("Project name", "\r"), ("Example tool", &minimal)],
    )
    .unwrap();
    assert_eq!(status, 0, "{screen}");
    let tool = std::fs::read_to_string(q.path().join("fresh/tools/fresh.domain.hello.greet.yaml"))
        .unwrap();
    assert!(tool.contains("kind: builtin"), "{tool}");
}

#[test]
fn completions_are_printed_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = lynx().args(["completions", shell]).output().unwrap();
        assert!(out.status.success());
        let script = text(&out.stdout);
        assert!(
            script.contains("tool:create") && script.contains("workflow:create"),
            "{shell}"
        );
    }
}

/// `COMPLETE=bash lynx …` completes tool ids from the project (what the shell's registration
/// script, `source <(COMPLETE=bash lynx)`, asks for).
#[test]
fn tool_ids_complete_dynamically() {
    let p = init("minimal");
    p.lynx(&[
        "tool:create",
        "--id",
        "demo.cell.db.drop",
        "--handler",
        "builtin",
    ])
    .assert()
    .success();
    let complete = |index: &str, words: &[&str]| {
        let mut args = vec!["--", "lynx"];
        args.extend(words);
        let out = p
            .lynx(&args)
            .env("COMPLETE", "bash")
            .env("_CLAP_COMPLETE_INDEX", index)
            .env("_CLAP_COMPLETE_COMP_TYPE", "9")
            .env("_CLAP_COMPLETE_SPACE", "true")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        let mut found: Vec<String> = text(&out.stdout)
            .split(['\n', '\u{b}'])
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        found.sort();
        found
    };
    assert_eq!(
        complete("2", &["tool:call", "demo."]),
        ["demo.cell.db.drop", "demo.domain.hello.greet"]
    );
    assert_eq!(
        complete("3", &["tool:test", "demo.cell.db.drop", "demo.d"]),
        ["demo.domain.hello.greet"]
    );
    assert_eq!(
        complete(
            "3",
            &[
                "workflow:create",
                "--steps",
                "demo.domain.hello.greet,demo.c"
            ]
        ),
        ["demo.domain.hello.greet,demo.cell.db.drop"]
    );
    let script = p.lynx(&[]).env("COMPLETE", "bash").output().unwrap();
    assert!(text(&script.stdout).contains("_clap_complete_lynx"));
}

/// `--format json`: the plan as data — each path with its action, and whether anything changed.
#[test]
fn the_plan_as_json() {
    let p = init("minimal");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "tool:create",
            "--id",
            "demo.cell.j.run",
            "--handler",
            "node",
            "--format",
            "json",
        ];
        args.extend(extra);
        let out = p.lynx(&args).output().unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let actions = |v: &serde_json::Value| -> Vec<String> {
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {}",
                    f["action"].as_str().unwrap(),
                    f["path"].as_str().unwrap()
                )
            })
            .collect()
    };
    let dry = run(&["--dry-run"]);
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["changed"], false);
    assert_eq!(
        actions(&dry),
        [
            "create tools/demo.cell.j.run.yaml",
            "create handlers/demo.cell.j.run.mjs"
        ]
    );
    let first = run(&[]);
    assert_eq!(first["changed"], true);
    assert!(
        first["next"]
            .as_str()
            .unwrap()
            .contains("lynx tool:test demo.cell.j.run")
    );
    let second = run(&[]);
    assert_eq!(second["changed"], false);
    assert_eq!(
        actions(&second),
        [
            "skip tools/demo.cell.j.run.yaml",
            "skip handlers/demo.cell.j.run.mjs"
        ]
    );
}

#[test]
fn ids_that_differ_only_in_dots_and_underscores_get_their_own_files() {
    let p = init("minimal");
    for id in ["p1.domain.b_c", "p1.domain.b.c"] {
        p.lynx(&["tool:create", "--id", id, "--handler", "bash", "--no-input"])
            .assert()
            .success();
    }
    for id in ["p1.domain.b_c", "p1.domain.b.c"] {
        let tool = std::fs::read_to_string(p.path().join(format!("tools/{id}.yaml"))).unwrap();
        assert!(tool.contains(&format!("id: {id}\n")), "{tool}");
        assert!(p.path().join(format!("handlers/{id}.sh")).is_file());
    }
    assert_clean(&p);

    // A hand-named file holding another id is never replaced, even with `--force`.
    std::fs::rename(
        p.path().join("tools/p1.domain.b_c.yaml"),
        p.path().join("tools/p1.domain.x.y.yaml"),
    )
    .unwrap();
    let out = p
        .lynx(&[
            "tool:create",
            "--id",
            "p1.domain.x.y",
            "--handler",
            "bash",
            "--force",
            "--no-input",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("`tools/p1.domain.x.y.yaml` holds `p1.domain.b_c`"),
        "{stderr}"
    );
}

#[test]
fn a_second_workflow_from_a_template_keeps_the_users_tools() {
    let p = init("minimal");
    p.lynx(&[
        "workflow:create",
        "--name",
        "nightly",
        "--template",
        "backup",
        "--no-input",
    ])
    .assert()
    .success();
    let stub = p.path().join("tools/backup.cell.snapshot.create.yaml");
    let edited = std::fs::read_to_string(&stub).unwrap() + "# mine\n";
    std::fs::write(&stub, &edited).unwrap();
    for force in [false, true] {
        let mut args = vec![
            "workflow:create",
            "--name",
            "weekly",
            "--template",
            "backup",
            "--no-input",
        ];
        if force {
            args.push("--force");
        }
        let out = p.lynx(&args).output().unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(std::fs::read_to_string(&stub).unwrap(), edited);
    }
    assert_clean(&p);
}

#[test]
fn a_template_refuses_an_existing_tool_it_cannot_call() {
    let p = init("minimal");
    p.lynx(&[
        "tool:create",
        "--id",
        "cicd.cell.build.run",
        "--handler",
        "builtin",
        "--no-input",
    ])
    .assert()
    .success();
    let out = p
        .lynx(&[
            "workflow:create",
            "--name",
            "release",
            "--template",
            "ci-cd",
            "--no-input",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("`--template`")
            && stderr.contains("`cicd.cell.build.run`")
            && stderr.contains("`repository`"),
        "{stderr}"
    );
    assert!(!p.path().join("workflows/release.yaml").exists());
    assert_clean(&p);
}

#[test]
fn new_files_go_where_the_project_globs_load_them() {
    let p = init("minimal");
    let toml = std::fs::read_to_string(p.path().join("lynx.toml"))
        .unwrap()
        .replace(
            r#"tools = ["tools/**/*.yaml", "tools/**/*.yml"]"#,
            r#"tools = ["tools/**/*.yaml", "src/mcp/tools/**/*.yaml"]"#,
        )
        .replace(
            r#"workflows = ["workflows/**/*.yaml", "workflows/**/*.yml"]"#,
            r#"workflows = ["flows/*.yaml"]"#,
        );
    p.write("lynx.toml", toml);
    std::fs::rename(p.path().join("workflows"), p.path().join("flows")).unwrap();
    p.lynx(&[
        "workflow:create",
        "--name",
        "nightly",
        "--template",
        "backup",
        "--no-input",
    ])
    .assert()
    .success();
    assert!(p.path().join("flows/nightly.yaml").is_file());
    assert!(
        p.path()
            .join("tools/backup.cell.snapshot.create.yaml")
            .is_file()
    );
    assert_clean(&p);

    let toml = std::fs::read_to_string(p.path().join("lynx.toml"))
        .unwrap()
        .replace(r#""tools/**/*.yaml", "#, "");
    p.write("lynx.toml", toml);
    std::fs::rename(p.path().join("tools"), p.path().join("src/mcp/tools")).unwrap_or_else(|_| {
        std::fs::create_dir_all(p.path().join("src/mcp")).unwrap();
        std::fs::rename(p.path().join("tools"), p.path().join("src/mcp/tools")).unwrap();
    });
    p.lynx(&[
        "tool:create",
        "--id",
        "demo.cell.x.run",
        "--handler",
        "bash",
        "--no-input",
    ])
    .assert()
    .success();
    assert!(
        p.path()
            .join("src/mcp/tools/demo.cell.x.run.yaml")
            .is_file()
    );
    assert_clean(&p);

    let out = p
        .lynx(&[
            "tool:create",
            "--id",
            "demo.cell.y.run",
            "--handler",
            "bash",
            "--dir",
            "tools",
            "--no-input",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("`--dir tools`: `tools/demo.cell.y.run.yaml` would not be loaded")
            && stderr.contains("src/mcp/tools/**/*.yaml"),
        "{stderr}"
    );
}

#[test]
fn dir_is_relative_to_the_working_directory() {
    let p = init("minimal");
    std::fs::create_dir_all(p.path().join("tools/ops")).unwrap();
    let mut cmd = p.lynx(&[
        "tool:create",
        "--id",
        "demo.cell.a.run",
        "--handler",
        "builtin",
        "--dir",
        ".",
        "--no-input",
    ]);
    cmd.current_dir(p.path().join("tools/ops"));
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(p.path().join("tools/ops/demo.cell.a.run.yaml").is_file());

    p.lynx(&[
        "tool:create",
        "--id",
        "demo.cell.b.run",
        "--handler",
        "builtin",
        "--dir",
        "tools/../tools",
        "--no-input",
    ])
    .assert()
    .success();
    assert!(p.path().join("tools/demo.cell.b.run.yaml").is_file());

    let out = p
        .lynx(&[
            "tool:create",
            "--id",
            "demo.cell.c.run",
            "--handler",
            "builtin",
            "--dir",
            "../elsewhere",
            "--no-input",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("outside the project root `"), "{stderr}");
    assert_clean(&p);
}

#[test]
fn something_in_the_way_that_force_cannot_replace_is_named() {
    let p = init("minimal");
    // A file where the handlers folder should be.
    p.write("handlers", "not a folder\n");
    let args = [
        "tool:create",
        "--id",
        "demo.cell.x.run",
        "--handler",
        "bash",
        "--no-input",
        "--force",
    ];
    let out = p
        .lynx(&[&args[..], &["--dry-run"]].concat())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("blocked"));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("`handlers` is a file, not a folder")
            && stdout.contains("even with `--force`"),
        "{stdout}"
    );
    let out = p.lynx(&args).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("`handlers` is a file where `handlers/demo.cell.x.run.sh` needs a folder")
            && stderr.contains("move it away"),
        "{stderr}"
    );
    assert!(
        !p.path().join("tools/demo.cell.x.run.yaml").exists(),
        "nothing half-written"
    );

    // A folder where the tool file should be.
    std::fs::remove_file(p.path().join("handlers")).unwrap();
    std::fs::create_dir_all(p.path().join("tools/demo.cell.x.run.yaml")).unwrap();
    let out = p
        .lynx(&[&args[..], &["--dry-run"]].concat())
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("not a regular file") && !stdout.contains("`--force` overwrites it"),
        "{stdout}"
    );
    let out = p.lynx(&args).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("`tools/demo.cell.x.run.yaml` is not a regular file")
            && !stderr.contains("pass `--force`"),
        "{stderr}"
    );
}

/// Valid JSON that is not an object (`null`, a list, `args` a string) is a tool error, not a
/// crash; the worker skips such lines.
#[test]
fn generated_handlers_answer_json_that_is_not_an_object() {
    use std::io::Write;
    let p = TempProject::new(&[("lynx.toml", "# a project\n")]);
    for handler in ["python", "python-worker", "node", "bash", "http"] {
        let id = format!("demo.domain.{}.greet", handler.replace('-', "_"));
        p.lynx(&["tool:create", "--id", &id, "--handler", handler])
            .assert()
            .success();
    }
    let answer = |program: &Path, script: &str, stdin: &str, path: Option<&str>| {
        let mut cmd = std::process::Command::new(program);
        cmd.arg(script)
            .current_dir(p.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(path) = path {
            cmd.env("PATH", path);
        }
        let mut child = cmd.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let stdout = text(&out.stdout);
        let json: serde_json::Value = serde_json::from_str(stdout.trim())
            .unwrap_or_else(|e| panic!("{script} printed {stdout:?} ({}): {e}", text(&out.stderr)));
        json["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    for (handler, program, script) in [
        ("python", "python3", "handlers/demo.domain.python.greet.py"),
        ("node", "node", "handlers/demo.domain.node.greet.mjs"),
    ] {
        let Some(program) = have(handler).then(|| on_path(program)).flatten() else {
            continue;
        };
        for request in ["null", "[1]", r#"{"args": "x"}"#] {
            let message = answer(&program, script, request, None);
            assert!(
                message.contains("must be JSON objects"),
                "{handler} {request}: {message}"
            );
        }
    }
    if have("bash") {
        let bash = on_path("bash").unwrap();
        let message = answer(
            &bash,
            "handlers/demo.domain.bash.greet.sh",
            r#"{"args": {"name": "O\"Brien"}}"#,
            Some(""),
        );
        assert!(message.contains("install jq"), "{message}");
    }
    if have("python-worker") {
        use std::io::{BufRead, BufReader};
        let mut child = std::process::Command::new("python3")
            .arg("handlers/demo.domain.python_worker.greet.py")
            .current_dir(p.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        writeln!(stdin, "null\n[1]\n{{\"id\": 3, \"args\": [1]}}\n{{\"id\": 4, \"args\": {{\"name\": \"Ada\"}}}}").unwrap();
        drop(stdin);
        let first: serde_json::Value =
            serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
        assert_eq!(first["id"], 3, "{first}");
        assert!(
            first["error"]["message"]
                .as_str()
                .unwrap()
                .contains("JSON object")
        );
        let second: serde_json::Value =
            serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
        assert_eq!(second["output"]["message"], "Hello, Ada!");
        assert!(child.wait().unwrap().success());
    }
    if have("http") {
        use std::io::Read;
        let port = free_port();
        let _service = Service::start(&p, "handlers/demo.domain.http.greet-server.py", port);
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(
            stream,
            "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\nConnection: close\r\n\r\nnull"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        assert!(response.contains("must be JSON objects"), "{response}");
    }
}

#[test]
fn json_plan_says_what_blocks_a_path() {
    let p = init("minimal");
    std::fs::create_dir_all(p.path().join("tools/demo.cell.x.run.yaml")).unwrap();
    let out = p
        .lynx(&[
            "tool:create",
            "--id",
            "demo.cell.x.run",
            "--handler",
            "builtin",
            "--no-input",
            "--dry-run",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let file = plan["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "tools/demo.cell.x.run.yaml")
        .unwrap_or_else(|| panic!("{plan}"));
    assert_eq!(file["blocked_by"], "not a regular file", "{plan}");
}
