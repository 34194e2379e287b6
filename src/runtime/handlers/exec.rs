//! `exec`: one process per call. The request JSON goes to stdin, the result JSON comes from
//! stdout, stderr is the handler's log. No shell; the program is resolved once when the catalog
//! is built; only allow-listed environment variables pass. A timeout (or any drop of the call)
//! kills the whole process group, and output beyond the cap is refused.
//!
//! Failure modes and what the caller gets: a non-zero exit or a signal without an `{"error"}`
//! answer is [`ToolError::Retryable`] with the tail of stderr; garbage or nothing on stdout, or
//! more than `max_output` bytes (the process is killed at once), is [`ToolError::Tool`]; a
//! program that cannot be started is [`ToolError::Unavailable`]. When the handler exits, whatever
//! it left running in its process group is killed.

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

/// Kills the handler's process group: on drop when the call ends early (timeout, client gone),
/// since `kill_on_drop` alone reaches only the direct child, and explicitly once the handler
/// exits, so nothing it left running in the background outlives the call.
pub(crate) struct GroupGuard {
    pgid: Option<i32>,
}

impl GroupGuard {
    pub(crate) fn new(pid: Option<u32>) -> Self {
        Self {
            pgid: pid.and_then(|p| i32::try_from(p).ok()).filter(|&p| p > 0),
        }
    }

    /// Kills the group now (the leader may already have exited) and forgets it.
    pub(crate) fn kill(&mut self) {
        #[cfg(unix)]
        if let Some(pgid) = self.pgid.take() {
            // SAFETY: killpg only sends a signal; a group that is gone fails with ESRCH.
            unsafe {
                libc::killpg(pgid, libc::SIGKILL);
            }
        }
    }
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        self.kill();
    }
}

/// How long the pipes may stay open after the handler exited (something it started outside its
/// process group still holds them); then the output read so far is the answer.
const PIPE_GRACE: std::time::Duration = std::time::Duration::from_millis(500);

/// The output went past `handler.max_output`.
struct Overflow;

/// Reads into `buf` until end of file; `Err(Overflow)` as soon as there is more than `cap`.
async fn read_capped(
    mut r: impl AsyncRead + Unpin,
    cap: usize,
    buf: &mut Vec<u8>,
) -> Result<(), Overflow> {
    let mut chunk = [0u8; 16 * 1024];
    loop {
        match r.read(&mut chunk).await {
            Ok(0) | Err(_) => return Ok(()),
            Ok(n) if buf.len() + n > cap => return Err(Overflow),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Reads everything (so a handler flooding its log never blocks), keeping the last `cap` bytes.
async fn read_tail(mut r: impl AsyncRead + Unpin, cap: usize, tail: &mut Vec<u8>) {
    let mut chunk = [0u8; 16 * 1024];
    loop {
        match r.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                tail.extend_from_slice(&chunk[..n]);
                if tail.len() > 2 * cap {
                    tail.drain(..tail.len() - cap);
                }
            }
        }
    }
}

/// The last lines of a handler's log, short enough for an error message.
pub(crate) fn log_tail(log: &str) -> String {
    const LINES: usize = 5;
    const CHARS: usize = 1000;
    let lines: Vec<&str> = log
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .collect();
    let tail = lines[lines.len().saturating_sub(LINES)..].join("\n");
    let count = tail.chars().count();
    if count > CHARS {
        let kept: String = tail.chars().skip(count - CHARS).collect();
        format!("…{kept}")
    } else {
        tail
    }
}

/// "status 3", "signal 9 (SIGKILL)".
fn describe(status: std::process::ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("status {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            let name = match sig {
                libc::SIGKILL => " (SIGKILL)",
                libc::SIGTERM => " (SIGTERM)",
                libc::SIGSEGV => " (SIGSEGV)",
                libc::SIGABRT => " (SIGABRT)",
                libc::SIGPIPE => " (SIGPIPE)",
                libc::SIGINT => " (SIGINT)",
                _ => "",
            };
            return format!("signal {sig}{name}");
        }
    }
    status.to_string()
}

impl Handler for Exec {
    fn call<'a>(&'a self, req: &'a CallRequest) -> BoxFuture<'a, CallOutcome> {
        Box::pin(async move {
            let name = self.command.program.display();
            let request = serde_json::to_vec(&Request {
                id: None,
                tool: &req.tool.name,
                args: &req.args,
                context: &req.context,
            })
            .map_err(|e| ToolError::Unavailable(e.to_string()))?;
            let mut child = self
                .command
                .to_tokio()
                .spawn()
                .map_err(|e| ToolError::Unavailable(format!("cannot start `{name}`: {e}")))?;
            // Declared after `child`, so on an early drop the group is killed before the
            // leader is reaped.
            let mut group = GroupGuard::new(child.id());
            let mut stdin = child.stdin.take().expect("stdin is piped");
            let stdout = child.stdout.take().expect("stdout is piped");
            let stderr = child.stderr.take().expect("stderr is piped");
            let mut out = Vec::new();
            let mut err = Vec::new();
            let status = {
                // Write, read stdout and drain stderr at once: a handler that answers before
                // reading all of its input, or floods its log, must not deadlock us; a flood of
                // stdout ends the call at once.
                let write = async move {
                    let _ = stdin.write_all(&request).await;
                    let _ = stdin.shutdown().await;
                    Ok::<(), Overflow>(())
                };
                let read_out = read_capped(stdout, self.max_output, &mut out);
                let read_err = async {
                    read_tail(stderr, STDERR_CAP, &mut err).await;
                    Ok::<(), Overflow>(())
                };
                let io = async { tokio::try_join!(write, read_out, read_err).map(|_| ()) };
                tokio::pin!(io);
                let overflow = || {
                    ToolError::Tool(format!(
                        "the handler printed more than {} bytes; raise `handler.max_output` or print less",
                        self.max_output
                    ))
                };
                tokio::select! {
                    done = &mut io => {
                        done.map_err(|_| overflow())?;
                        child.wait().await
                    }
                    status = child.wait() => {
                        // The handler is gone: end whatever it left behind, then take what
                        // is still in the pipes.
                        group.kill();
                        if let Ok(Err(Overflow)) = tokio::time::timeout(PIPE_GRACE, &mut io).await {
                            return Err(overflow());
                        }
                        status
                    }
                }
            }
            .map_err(|e| ToolError::Unavailable(format!("waiting for `{name}`: {e}")))?;
            group.kill();
            let log = String::from_utf8_lossy(&err);
            let log = log.trim();
            if !log.is_empty() {
                tracing::debug!(tool = %req.tool.name, "handler stderr: {log}");
            }
            let tail = log_tail(log);
            if !status.success() {
                // An `{"error": …}` answer explains itself; otherwise show the log's tail.
                if let Ok(v) = parse(&out)
                    && let Err(e) = answer(v)
                {
                    return Err(e);
                }
                let code = describe(status);
                return Err(ToolError::Retryable(if tail.is_empty() {
                    format!("the handler exited with {code}")
                } else {
                    format!("the handler exited with {code}: {tail}")
                }));
            }
            match parse(&out) {
                Ok(v) => answer(v),
                Err(ToolError::Tool(m)) if !tail.is_empty() => Err(ToolError::Tool(format!(
                    "{m}\nits stderr ends with:\n{tail}"
                ))),
                Err(e) => Err(e),
            }
        })
    }
}
