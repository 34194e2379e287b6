//! `worker`: a long-lived process speaking JSON lines. Many calls are in flight at once,
//! matched by `id`. The process starts on the first call; if it exits, every call in flight gets
//! a clear error and the process is restarted with exponential backoff.

use super::Handler;
use super::exec::Command;
use super::protocol::{Request, answer};
use crate::runtime::call::{CallOutcome, CallRequest, ToolError};
use futures_util::future::BoxFuture;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::sync::{mpsc, oneshot};

/// Longest line accepted from a worker; longer ones are dropped as garbage.
const MAX_LINE: usize = 8 * 1024 * 1024;
const BACKOFF_START: Duration = Duration::from_millis(100);
const BACKOFF_MAX: Duration = Duration::from_secs(5);

type Pending = Arc<Mutex<HashMap<u64, oneshot::Sender<CallOutcome>>>>;

#[derive(Debug)]
pub struct Worker {
    name: String,
    command: Command,
    next_id: AtomicU64,
    pending: Pending,
    /// Lines to write; the supervisor task owns the receiving end.
    tx: Mutex<Option<mpsc::Sender<Vec<u8>>>>,
}

impl Worker {
    pub fn new(name: impl Into<String>, command: Command) -> Self {
        Self {
            name: name.into(),
            command,
            next_id: AtomicU64::new(1),
            pending: Arc::default(),
            tx: Mutex::new(None),
        }
    }

    /// The sender to the running supervisor, starting it on first use.
    fn sender(&self) -> mpsc::Sender<Vec<u8>> {
        let mut slot = self.tx.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(tx) = slot.as_ref().filter(|tx| !tx.is_closed()) {
            return tx.clone();
        }
        let (tx, rx) = mpsc::channel(1024);
        tokio::spawn(supervise(
            self.name.clone(),
            self.command.clone(),
            rx,
            self.pending.clone(),
        ));
        *slot = Some(tx.clone());
        tx
    }
}

/// Removes a call's pending entry however the call ends (answer, timeout, client gone).
struct PendingGuard<'a> {
    pending: &'a Pending,
    id: u64,
}

impl Drop for PendingGuard<'_> {
    fn drop(&mut self) {
        self.pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.id);
    }
}

impl Handler for Worker {
    fn call<'a>(&'a self, req: &'a CallRequest) -> BoxFuture<'a, CallOutcome> {
        Box::pin(async move {
            let id = self.next_id.fetch_add(1, Ordering::Relaxed);
            let mut line = serde_json::to_vec(&Request {
                id: Some(id),
                tool: &req.tool.name,
                args: &req.args,
                context: &req.context,
            })
            .map_err(|e| ToolError::Unavailable(e.to_string()))?;
            line.push(b'\n');
            let (done, answer) = oneshot::channel();
            self.pending
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(id, done);
            let _guard = PendingGuard {
                pending: &self.pending,
                id,
            };
            if self.sender().send(line).await.is_err() {
                return Err(ToolError::Unavailable(format!(
                    "worker for `{}` is not running",
                    self.name
                )));
            }
            answer.await.unwrap_or_else(|_| {
                Err(ToolError::Unavailable(format!(
                    "worker for `{}` stopped",
                    self.name
                )))
            })
        })
    }
}

/// Fails every call in flight: their answers are lost with the process.
fn fail_all(pending: &Pending, why: &str) {
    let calls: Vec<_> = pending
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .drain()
        .collect();
    for (_, done) in calls {
        let _ = done.send(Err(ToolError::Unavailable(why.to_owned())));
    }
}

/// Runs the worker process, restarting it with backoff, until every sender is gone.
async fn supervise(
    name: String,
    command: Command,
    mut rx: mpsc::Receiver<Vec<u8>>,
    pending: Pending,
) {
    let mut backoff = BACKOFF_START;
    loop {
        let started = Instant::now();
        let mut child = match command.to_tokio().spawn() {
            Ok(c) => c,
            Err(e) => {
                let why = format!(
                    "cannot start the worker for `{name}` (`{}`): {e}",
                    command.program.display()
                );
                tracing::warn!("{why}");
                fail_all(&pending, &why);
                // Calls arriving meanwhile fail fast rather than wait out the backoff.
                let deadline = tokio::time::sleep(backoff);
                tokio::pin!(deadline);
                loop {
                    tokio::select! {
                        _ = &mut deadline => break,
                        line = rx.recv() => match line {
                            None => return,
                            Some(_) => fail_all(&pending, &why),
                        },
                    }
                }
                backoff = (backoff * 2).min(BACKOFF_MAX);
                continue;
            }
        };
        let mut stdin = child.stdin.take().expect("stdin is piped");
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr = child.stderr.take().expect("stderr is piped");
        let log_name = name.clone();
        let logger = tokio::spawn(async move {
            let mut lines = BufReader::new(stderr).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                tracing::info!(tool = %log_name, "worker: {line}");
            }
        });
        let reader = tokio::spawn(read_answers(name.clone(), stdout, pending.clone()));
        tokio::pin!(reader);
        let why = loop {
            tokio::select! {
                line = rx.recv() => match line {
                    None => {
                        // Every handle is gone (catalog replaced): stop the process.
                        let _ = child.start_kill();
                        let _ = child.wait().await;
                        logger.abort();
                        return;
                    }
                    Some(line) => {
                        if let Err(e) = stdin.write_all(&line).await {
                            break format!("the worker for `{name}` stopped reading its input ({e})");
                        }
                    }
                },
                _ = &mut reader => {
                    let status = child.wait().await.map(|s| s.to_string()).unwrap_or_else(|e| e.to_string());
                    break format!("the worker for `{name}` exited ({status}); the call was lost");
                }
            }
        };
        let _ = child.start_kill();
        let _ = child.wait().await;
        logger.abort();
        tracing::warn!("{why}");
        fail_all(&pending, &why);
        if started.elapsed() > Duration::from_secs(10) {
            backoff = BACKOFF_START;
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(BACKOFF_MAX);
    }
}

/// Reads answer lines until the worker's stdout closes, resolving the matching calls.
async fn read_answers(name: String, stdout: tokio::process::ChildStdout, pending: Pending) {
    let mut reader = BufReader::new(stdout);
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = match (&mut reader)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut line)
            .await
        {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        if n > MAX_LINE && !line.ends_with(b"\n") {
            tracing::warn!(tool = %name, "worker printed a line over {MAX_LINE} bytes; dropped");
            // Skip the rest of the oversized line.
            let mut rest = Vec::new();
            if reader.read_until(b'\n', &mut rest).await.unwrap_or(0) == 0 {
                return;
            }
            continue;
        }
        let Ok(mut value) = serde_json::from_slice::<Value>(&line) else {
            tracing::warn!(tool = %name, "worker printed a line that is not JSON; ignored");
            continue;
        };
        let Some(id) = value.get("id").and_then(Value::as_u64) else {
            tracing::warn!(tool = %name, "worker answer without a numeric `id`; ignored");
            continue;
        };
        if let Some(map) = value.as_object_mut() {
            map.remove("id");
        }
        let done = pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
        if let Some(done) = done {
            let _ = done.send(answer(value));
        }
    }
}
