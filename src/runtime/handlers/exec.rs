//! `exec`: one process per call. The request JSON goes to stdin, the result JSON comes from
//! stdout, stderr is the handler's log. No shell; the program is resolved once when the catalog
//! is built; only allow-listed environment variables pass. A timeout (or any drop of the call)
//! kills the whole process group, and output beyond the cap is refused.

use super::Handler;
use super::protocol::{Request, answer, parse};
use crate::runtime::call::{CallOutcome, CallRequest, ToolError};
use futures_util::future::BoxFuture;
use std::path::PathBuf;
use std::process::Stdio;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

/// stderr kept for the error message of a failed call.
const STDERR_CAP: usize = 16 * 1024;

#[derive(Debug, Clone)]
pub struct Command {
    pub program: PathBuf,
    pub args: Vec<String>,
    pub cwd: PathBuf,
    /// Allow-listed variables with the values lynx had when the catalog was built.
    pub env: Vec<(String, String)>,
}

impl Command {
    /// A `tokio` command with nothing of lynx's environment but the allow-list, in its own
    /// process group (so a timeout can kill grandchildren too), never sharing lynx's stdout.
    pub fn to_tokio(&self) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(&self.program);
        cmd.args(&self.args)
            .current_dir(&self.cwd)
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        #[cfg(unix)]
        cmd.process_group(0);
        cmd
    }
}

#[derive(Debug)]
pub struct Exec {
    pub command: Command,
    pub max_output: usize,
}

/// Kills the process group when the call ends early (timeout, client gone) — `kill_on_drop`
/// alone reaches only the direct child.
struct GroupGuard {
    pgid: Option<i32>,
}

impl GroupGuard {
    fn disarm(&mut self) {
        self.pgid = None;
    }
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(pgid) = self.pgid {
            // SAFETY: killpg only sends a signal; a stale group id at worst fails with ESRCH.
            unsafe {
                libc::killpg(pgid, libc::SIGKILL);
            }
        }
    }
}

/// Reads at most `cap` bytes; `Err(())` if there was more.
async fn read_capped(mut r: impl AsyncRead + Unpin, cap: usize) -> Result<Vec<u8>, ()> {
    let mut buf = Vec::new();
    let n = (&mut r)
        .take(cap as u64 + 1)
        .read_to_end(&mut buf)
        .await
        .unwrap_or(0);
    if n > cap { Err(()) } else { Ok(buf) }
}

impl Handler for Exec {
    fn call<'a>(&'a self, req: &'a CallRequest) -> BoxFuture<'a, CallOutcome> {
        Box::pin(async move {
            let name = self.command.program.display();
            let mut child = self
                .command
                .to_tokio()
                .spawn()
                .map_err(|e| ToolError::Unavailable(format!("cannot start `{name}`: {e}")))?;
            let mut guard = GroupGuard {
                pgid: child.id().map(|p| p as i32),
            };
            let request = serde_json::to_vec(&Request {
                id: None,
                tool: &req.tool.name,
                args: &req.args,
                context: &req.context,
            })
            .map_err(|e| ToolError::Unavailable(e.to_string()))?;
            let mut stdin = child.stdin.take().expect("stdin is piped");
            let stdout = child.stdout.take().expect("stdout is piped");
            let stderr = child.stderr.take().expect("stderr is piped");
            // Write, read stdout and read stderr at once: a handler that answers before reading
            // all of its input, or floods stderr, must not deadlock us.
            let write = async move {
                let _ = stdin.write_all(&request).await;
                let _ = stdin.shutdown().await;
            };
            let (_, out, err) = tokio::join!(
                write,
                read_capped(stdout, self.max_output),
                read_capped(stderr, STDERR_CAP)
            );
            let Ok(out) = out else {
                return Err(ToolError::Tool(format!(
                    "the handler printed more than {} bytes; raise `handler.max_output` or print less",
                    self.max_output
                )));
            };
            let status = child
                .wait()
                .await
                .map_err(|e| ToolError::Unavailable(format!("waiting for `{name}`: {e}")))?;
            guard.disarm();
            let log = String::from_utf8_lossy(&err.unwrap_or_default())
                .trim()
                .to_owned();
            if !log.is_empty() {
                tracing::debug!(tool = %req.tool.name, "handler stderr: {log}");
            }
            if !status.success() {
                // An `{"error": …}` answer explains itself; otherwise show the log's tail.
                if let Ok(v) = parse(&out)
                    && let Err(e) = answer(v)
                {
                    return Err(e);
                }
                let tail: String = log
                    .lines()
                    .rev()
                    .take(5)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect::<Vec<_>>()
                    .join("\n");
                let code = status
                    .code()
                    .map_or_else(|| "a signal".to_owned(), |c| format!("status {c}"));
                return Err(ToolError::Tool(if tail.is_empty() {
                    format!("the handler exited with {code}")
                } else {
                    format!("the handler exited with {code}: {tail}")
                }));
            }
            answer(parse(&out)?)
        })
    }
}
