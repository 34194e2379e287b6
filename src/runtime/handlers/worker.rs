//! `worker`: a long-lived process speaking JSON lines. Many calls are in flight at once,
//! matched by `id`. The process starts on the first call; if it exits, every call in flight gets
//! a clear [`ToolError::Unavailable`] (with the tail of its stderr) and the process is restarted
//! with exponential backoff. Lines that are not JSON or carry no known `id` are logged and
//! ignored. A call that was abandoned (timeout, client gone) or already failed is never written
//! to the process, so a restarted worker does not run work its caller was told was lost.

use super::Handler;
use super::exec::{Command, GroupGuard, log_tail};
use super::protocol::{Request, answer};
use crate::runtime::call::{CallOutcome, CallRequest, ToolError};
use futures_util::future::BoxFuture;
use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::sync::{mpsc, oneshot};

/// Longest line accepted from a worker when no `max_output` is given.
pub const DEFAULT_MAX_LINE: usize = 8 * 1024 * 1024;
/// Longest stderr line kept for the log (longer ones are cut).
const MAX_LOG_LINE: usize = 4 * 1024;
/// stderr lines kept for the error message when the worker dies.
const LOG_TAIL_LINES: usize = 5;
const BACKOFF_START: Duration = Duration::from_millis(100);
const BACKOFF_MAX: Duration = Duration::from_secs(5);
/// A worker that ran this long before exiting is considered healthy: backoff starts over.
const HEALTHY_AFTER: Duration = Duration::from_secs(10);

type Pending = Arc<Mutex<HashMap<u64, oneshot::Sender<CallOutcome>>>>;
type LogTail = Arc<Mutex<VecDeque<String>>>;

/// One request line for the supervisor to write, with the call it belongs to.
struct Line {
    id: u64,
    bytes: Vec<u8>,
}

#[derive(Debug)]
pub struct Worker {
    name: String,
    command: Command,
    max_line: usize,
    next_id: AtomicU64,
    pending: Pending,
    /// Lines to write; the supervisor task owns the receiving end.
    tx: Mutex<Option<mpsc::Sender<Line>>>,
    /// `handler.concurrency`: calls beyond it wait (within their timeout) for one to finish.
    slots: Option<tokio::sync::Semaphore>,
}

impl Worker {
    pub fn new(name: impl Into<String>, command: Command) -> Self {
        Self::with_max_line(name, command, DEFAULT_MAX_LINE)
    }

    /// A worker whose answer lines may be at most `max_line` bytes (`handler.max_output`).
    pub fn with_max_line(name: impl Into<String>, command: Command, max_line: usize) -> Self {
        Self {
            name: name.into(),
            command,
            max_line,
            next_id: AtomicU64::new(1),
            pending: Arc::default(),
            tx: Mutex::new(None),
            slots: None,
        }
    }

    /// At most `limit` calls in flight in the process at once (`None`: no limit).
    pub fn with_concurrency(mut self, limit: Option<u32>) -> Self {
        self.slots = limit.map(|n| tokio::sync::Semaphore::new(n.max(1) as usize));
        self
    }

    /// The sender to the running supervisor, starting it on first use (or again if the
    /// runtime it ran on has gone).
    fn sender(&self) -> mpsc::Sender<Line> {
        let mut slot = self.tx.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(tx) = slot.as_ref().filter(|tx| !tx.is_closed()) {
            return tx.clone();
        }
        let (tx, rx) = mpsc::channel(1024);
        tokio::spawn(supervise(Supervisor {
            name: self.name.clone(),
            command: self.command.clone(),
            max_line: self.max_line,
            rx,
            pending: self.pending.clone(),
        }));
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
            let _slot = match &self.slots {
                Some(slots) => Some(slots.acquire().await.map_err(|_| {
                    ToolError::Unavailable(format!("the worker for `{}` stopped", self.name))
                })?),
                None => None,
            };
            let id = self.next_id.fetch_add(1, Ordering::Relaxed);
            let mut bytes = serde_json::to_vec(&Request {
                id: Some(id),
                tool: &req.tool.name,
                args: &req.args,
                context: &req.context,
            })
            .map_err(|e| ToolError::Unavailable(e.to_string()))?;
            bytes.push(b'\n');
            let (done, answer) = oneshot::channel();
            self.pending
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(id, done);
            let _guard = PendingGuard {
                pending: &self.pending,
                id,
            };
            if self.sender().send(Line { id, bytes }).await.is_err() {
                return Err(ToolError::Unavailable(format!(
                    "the worker for `{}` is not running",
                    self.name
                )));
            }
            answer.await.unwrap_or_else(|_| {
                Err(ToolError::Unavailable(format!(
                    "the worker for `{}` stopped",
                    self.name
                )))
            })
        })
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Fails every call in flight: their answers are lost with the process.
fn fail_all(pending: &Pending, why: &str) {
    let calls: Vec<_> = lock(pending).drain().collect();
    for (_, done) in calls {
        let _ = done.send(Err(ToolError::Unavailable(why.to_owned())));
    }
}

struct Supervisor {
    name: String,
    command: Command,
    max_line: usize,
    rx: mpsc::Receiver<Line>,
    pending: Pending,
}

/// Runs the worker process, restarting it with backoff, until every sender is gone.
async fn supervise(mut s: Supervisor) {
    let name = s.name.clone();
    let mut backoff = BACKOFF_START;
    loop {
        let started = Instant::now();
        let mut child = match s.command.to_tokio().spawn() {
            Ok(c) => c,
            Err(e) => {
                let why = format!(
                    "cannot start the worker for `{name}` (`{}`): {e}",
                    s.command.program.display()
                );
                tracing::warn!("{why}");
                fail_all(&s.pending, &why);
                // Calls arriving meanwhile fail fast rather than wait out the backoff.
                let deadline = tokio::time::sleep(backoff);
                tokio::pin!(deadline);
                loop {
                    tokio::select! {
                        _ = &mut deadline => break,
                        line = s.rx.recv() => match line {
                            None => return,
                            Some(_) => fail_all(&s.pending, &why),
                        },
                    }
                }
                backoff = (backoff * 2).min(BACKOFF_MAX);
                continue;
            }
        };
        // Declared after `child`: dropping the supervisor kills the group first.
        let mut group = GroupGuard::new(child.id());
        let mut stdin = child.stdin.take().expect("stdin is piped");
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr = child.stderr.take().expect("stderr is piped");
        let tail: LogTail = Arc::default();
        let logger = tokio::spawn(log_stderr(name.clone(), stderr, tail.clone()));
        let reader = tokio::spawn(read_answers(
            name.clone(),
            stdout,
            s.pending.clone(),
            s.max_line,
        ));
        tokio::pin!(reader);
        let why = loop {
            tokio::select! {
                line = s.rx.recv() => match line {
                    None => {
                        // Every handle is gone (catalog replaced): stop the process.
                        group.kill();
                        let _ = child.start_kill();
                        let _ = child.wait().await;
                        logger.abort();
                        return;
                    }
                    Some(line) => {
                        // Skip calls that ended already (timed out, or failed with a crash).
                        if !lock(&s.pending).contains_key(&line.id) {
                            continue;
                        }
                        if let Err(e) = stdin.write_all(&line.bytes).await {
                            break format!("the worker for `{name}` stopped reading its input ({e})");
                        }
                    }
                },
                _ = &mut reader => {
                    let status = tokio::time::timeout(Duration::from_secs(1), child.wait())
                        .await
                        .map_or_else(|_| "closed its output".to_owned(), |s| {
                            s.map_or_else(|e| e.to_string(), |s| s.to_string())
                        });
                    break format!("the worker for `{name}` exited ({status}); the call was lost");
                }
            }
        };
        group.kill();
        let _ = child.start_kill();
        let _ = child.wait().await;
        // Let the logger take the last lines the process wrote before it died.
        let _ = tokio::time::timeout(Duration::from_millis(200), logger).await;
        let tail = log_tail(&lock(&tail).iter().cloned().collect::<Vec<_>>().join("\n"));
        let why = if tail.is_empty() {
            why
        } else {
            format!("{why}; its stderr ends with:\n{tail}")
        };
        tracing::warn!("{why}");
        fail_all(&s.pending, &why);
        if started.elapsed() > HEALTHY_AFTER {
            backoff = BACKOFF_START;
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(BACKOFF_MAX);
        if s.rx.is_closed() {
            return;
        }
    }
}

/// Reads one line of at most `cap` bytes into `line` (without the newline). `Ok(None)` at end
/// of input; `Ok(Some(false))` for a line that was longer (the rest is skipped, `line` holds its
/// start).
async fn read_line_capped(
    r: &mut (impl AsyncBufRead + Unpin),
    line: &mut Vec<u8>,
    cap: usize,
) -> std::io::Result<Option<bool>> {
    line.clear();
    let n = r.take(cap as u64 + 1).read_until(b'\n', line).await?;
    if n == 0 {
        return Ok(None);
    }
    if line.last() == Some(&b'\n') {
        line.pop();
        return Ok(Some(true));
    }
    if n <= cap {
        return Ok(Some(true)); // the last line, without a newline
    }
    // Skip the rest of the oversized line without keeping it.
    loop {
        let buf = r.fill_buf().await?;
        if buf.is_empty() {
            return Ok(Some(false));
        }
        if let Some(i) = buf.iter().position(|&b| b == b'\n') {
            r.consume(i + 1);
            return Ok(Some(false));
        }
        let len = buf.len();
        r.consume(len);
    }
}

/// Logs the worker's stderr line by line, keeping the last lines for error messages.
async fn log_stderr(name: String, stderr: tokio::process::ChildStderr, tail: LogTail) {
    let mut reader = BufReader::new(stderr);
    let mut line = Vec::new();
    while let Ok(Some(_)) = read_line_capped(&mut reader, &mut line, MAX_LOG_LINE).await {
        let text = String::from_utf8_lossy(&line).into_owned();
        tracing::info!(tool = %name, "worker: {text}");
        let mut tail = lock(&tail);
        if tail.len() == LOG_TAIL_LINES {
            tail.pop_front();
        }
        tail.push_back(text);
    }
}

/// The `id` at the start of an answer line too long to parse (`{"id": 12, …`).
fn leading_id(line: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(&line[..line.len().min(64)]).ok()?;
    let rest = text.trim_start().strip_prefix('{')?.trim_start();
    let rest = rest
        .strip_prefix("\"id\"")?
        .trim_start()
        .strip_prefix(':')?;
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Reads answer lines until the worker's stdout closes, resolving the matching calls.
async fn read_answers(
    name: String,
    stdout: tokio::process::ChildStdout,
    pending: Pending,
    max_line: usize,
) {
    let mut reader = BufReader::new(stdout);
    let mut line = Vec::new();
    loop {
        let complete = match read_line_capped(&mut reader, &mut line, max_line).await {
            Ok(Some(complete)) => complete,
            Ok(None) | Err(_) => return,
        };
        if !complete {
            tracing::warn!(tool = %name, "worker printed a line over {max_line} bytes; dropped");
            if let Some(id) = leading_id(&line)
                && let Some(done) = lock(&pending).remove(&id)
            {
                let _ = done.send(Err(ToolError::Tool(format!(
                    "the worker's answer is larger than {max_line} bytes; raise `handler.max_output` or answer less"
                ))));
            }
            continue;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
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
        let done = lock(&pending).remove(&id);
        if let Some(done) = done {
            let _ = done.send(answer(value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_id_at_the_start_of_a_long_line() {
        assert_eq!(leading_id(br#"{"id": 12, "output": "xxxx"#), Some(12));
        assert_eq!(leading_id(br#"{"id":7,"#), Some(7));
        assert_eq!(leading_id(br#"{"output": 1, "id": 7}"#), None);
        assert_eq!(leading_id(b"garbage"), None);
    }

    #[tokio::test]
    async fn long_lines_are_cut_and_skipped() {
        let input: &[u8] = b"short\nthis line is too long\nnext\nlast";
        let mut r = BufReader::new(input);
        let mut line = Vec::new();
        assert_eq!(
            read_line_capped(&mut r, &mut line, 8).await.unwrap(),
            Some(true)
        );
        assert_eq!(line, b"short");
        assert_eq!(
            read_line_capped(&mut r, &mut line, 8).await.unwrap(),
            Some(false)
        );
        assert_eq!(
            read_line_capped(&mut r, &mut line, 8).await.unwrap(),
            Some(true)
        );
        assert_eq!(line, b"next");
        assert_eq!(
            read_line_capped(&mut r, &mut line, 8).await.unwrap(),
            Some(true)
        );
        assert_eq!(line, b"last");
        assert_eq!(read_line_capped(&mut r, &mut line, 8).await.unwrap(), None);
    }
}
