//! Shared helpers: run the real `lynx` binary in a temp project with an isolated environment.

#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The repository root (where `fixtures/` and `schemas/` live).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `lynx` with a clean environment: no colour, no `LYNX_*` from the developer's shell.
pub fn lynx() -> Command {
    let mut cmd = Command::cargo_bin("lynx").expect("lynx binary is built");
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("LYNX_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("NO_COLOR", "1").env_remove("CI");
    cmd
}

/// A temporary project folder with files written from `(path, contents)` pairs.
pub struct TempProject {
    pub dir: tempfile::TempDir,
}

impl TempProject {
    pub fn new(files: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let p = Self { dir };
        for (path, text) in files {
            p.write(path, text);
        }
        p
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, path: &str, text: impl AsRef<[u8]>) {
        let full = self.dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }

    /// `lynx ARGS…` run inside the project.
    pub fn lynx(&self, args: &[&str]) -> Command {
        let mut cmd = lynx();
        cmd.current_dir(self.path()).args(args);
        cmd
    }
}

/// The HTTP transport's state for a temp project, as `lynx serve` builds it (optionally with
/// an extension such as the conformance fixtures), bound to 127.0.0.1:7878 for `Host` checks.
pub fn http_state(
    p: &TempProject,
    extension: Option<std::sync::Arc<dyn lynx::runtime::protocol::Extension>>,
) -> std::sync::Arc<lynx::runtime::http::HttpState> {
    http_state_with(p, extension, lynx::runtime::http::HttpSettings::default())
}

/// [`http_state`] with other HTTP settings.
pub fn http_state_with(
    p: &TempProject,
    extension: Option<std::sync::Arc<dyn lynx::runtime::protocol::Extension>>,
    settings: lynx::runtime::http::HttpSettings,
) -> std::sync::Arc<lynx::runtime::http::HttpState> {
    use lynx::project::{LoadOptions, Project, Scope};
    use lynx::runtime::{catalog::Catalog, engine::Runtime, pipeline::Pipeline, protocol};
    let project = Project::load(&LoadOptions {
        cwd: p.path().to_path_buf(),
        config: Some(p.path().join("lynx.toml")),
        extra: Vec::new(),
        context: Scope::All,
    });
    let runtime = std::sync::Arc::new(Runtime::new(Catalog::build(&project), Pipeline::standard()));
    let info = protocol::ServerInfo {
        name: "lynx".into(),
        version: "test".into(),
    };
    let mut dispatcher = protocol::Dispatcher::new(runtime, info);
    if let Some(ext) = extension {
        dispatcher = dispatcher.with_extension(ext);
    }
    std::sync::Arc::new(lynx::runtime::http::HttpState::new(
        dispatcher,
        settings,
        "127.0.0.1:7878".parse().expect("a socket address"),
    ))
}

/// A `lynx serve` child on a free port (the address read from its announcement on stderr),
/// killed on drop.
pub struct ServeChild {
    pub child: std::process::Child,
    pub addr: String,
    /// Everything the server logged so far.
    pub stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

impl ServeChild {
    pub fn start(p: &TempProject, extra: &[&str]) -> ServeChild {
        use std::io::{BufRead, BufReader};
        let bin = assert_cmd::cargo::cargo_bin("lynx");
        let mut child = std::process::Command::new(bin)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(extra)
            .current_dir(p.path())
            .env("NO_COLOR", "1")
            .env("LYNX_LOG", "info")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("http://").nth(1) {
                    let _ = tx.send(rest.split('/').next().unwrap_or_default().to_owned());
                }
                sink.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let addr = rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("server announced its address");
        ServeChild {
            child,
            addr,
            stderr: log,
        }
    }

    /// The MCP endpoint.
    pub fn url(&self) -> String {
        format!("http://{}/mcp", self.addr)
    }

    /// SIGTERM, then the exit status (within 20 s).
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        // SAFETY: sending a signal to our own child process.
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM);
        }
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "lynx serve did not stop after SIGTERM"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

impl Drop for ServeChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Serves `router` on 127.0.0.1:0 from a thread of its own (so the blocking CLI runs can
/// talk to it); returns the address and a count of accepted connections.
pub fn spawn_stub(
    router: axum::Router,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let (tx, rx) = std::sync::mpsc::channel();
    let connections = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = connections.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap().to_string()).unwrap();
            use axum::serve::ListenerExt;
            let listener = listener.tap_io(move |_| {
                counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            });
            axum::serve(listener, router).await.unwrap();
        });
    });
    let addr = rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap();
    (addr, connections)
}
