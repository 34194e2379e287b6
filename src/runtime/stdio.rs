//! MCP over stdio: newline-delimited JSON-RPC on stdin/stdout. Nothing but MCP messages is
//! written to stdout (logs go to stderr; handler processes never inherit stdout). Lines are
//! capped; requests are handled concurrently; the server exits when stdin closes.

use super::protocol::{
    Dispatcher, Envelope, Era, INVALID_REQUEST, Message, PARSE_ERROR, Reply, RpcError,
};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

/// Longest request line accepted; longer ones are answered with a parse error and skipped.
pub const MAX_LINE: usize = 4 * 1024 * 1024;

/// Calls handled at once on one stdio connection.
pub const MAX_IN_FLIGHT: usize = 256;

/// `subscriptions/listen` streams open at once on one stdio connection.
pub const MAX_LISTENERS: usize = 16;

/// Serves until `input` closes, then waits for the calls in flight and returns.
pub async fn serve(
    dispatcher: Arc<Dispatcher>,
    input: impl AsyncRead + Unpin,
    output: impl AsyncWrite + Unpin + Send + 'static,
) {
    let (tx, mut rx) = mpsc::channel::<Vec<u8>>(256);
    let writer = tokio::spawn(async move {
        let mut output = output;
        while let Some(mut line) = rx.recv().await {
            line.push(b'\n');
            if output.write_all(&line).await.is_err() || output.flush().await.is_err() {
                return;
            }
        }
    });
    // After a reload, tell a legacy client its tool list changed (it was promised this when
    // `initialize` advertised `tools.listChanged`). Modern clients get it only on the
    // `subscriptions/listen` streams they open: nothing unasked for.
    let legacy = Arc::new(AtomicBool::new(false));
    let mut changes = dispatcher.runtime.subscribe();
    let notes = tx.clone();
    let announce = legacy.clone();
    let announcer = tokio::spawn(async move {
        loop {
            match changes.recv().await {
                Ok(()) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    if announce.load(Ordering::Relaxed) {
                        send(
                            &notes,
                            json!({"jsonrpc": "2.0", "method": "notifications/tools/list_changed"}),
                        )
                        .await;
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            }
        }
    });
    // Requests in flight by id, so `notifications/cancelled` can stop one; listen streams are
    // also stopped when stdin closes (they would never end by themselves).
    let in_flight: InFlight = Arc::new(Mutex::new(HashMap::new()));
    let mut reader = BufReader::new(input);
    let mut tasks = tokio::task::JoinSet::new();
    let mut line = Vec::new();
    // The legacy session's state, as the HTTP transport keeps it per session.
    let mut version: Option<String> = None;
    let mut client_capabilities: Option<Value> = None;
    let mut log_level: Option<String> = None;
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_IN_FLIGHT));
    let listeners = Arc::new(tokio::sync::Semaphore::new(MAX_LISTENERS));
    loop {
        line.clear();
        let n = match (&mut reader)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut line)
            .await
        {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if n > MAX_LINE && !line.ends_with(b"\n") {
            let mut rest = Vec::new();
            let _ = reader.read_until(b'\n', &mut rest).await;
            send(
                &tx,
                RpcError::new(
                    PARSE_ERROR,
                    format!("Parse error: message longer than {MAX_LINE} bytes"),
                    400,
                )
                .to_json(&Value::Null),
            )
            .await;
            continue;
        }
        let text = String::from_utf8_lossy(&line);
        if text.trim().is_empty() {
            continue;
        }
        let value: Value = match serde_json::from_str(text.trim()) {
            Ok(v) => v,
            Err(e) => {
                send(
                    &tx,
                    RpcError::new(PARSE_ERROR, format!("Parse error: {e}"), 400)
                        .to_json(&Value::Null),
                )
                .await;
                continue;
            }
        };
        let msg = match Message::parse(value) {
            Ok(m) => m,
            Err((id, e)) => {
                send(&tx, e.to_json(&id)).await;
                continue;
            }
        };
        if msg.method == "initialize" && msg.era() == Era::Legacy {
            if let Some(id) = &msg.id {
                let (v, result) = dispatcher.initialize_result(&msg.params);
                version = Some(v);
                client_capabilities = Some(
                    msg.params
                        .get("capabilities")
                        .cloned()
                        .unwrap_or_else(|| json!({})),
                );
                legacy.store(true, Ordering::Relaxed);
                send(&tx, json!({ "jsonrpc": "2.0", "id": id, "result": result })).await;
            }
            continue;
        }
        if msg.method == "notifications/cancelled" && msg.id.is_none() {
            // The request's answer is no longer wanted: stop it (its handler process group is
            // killed on drop) and send nothing for it.
            if let Some(key) = msg.params.get("requestId").map(Value::to_string)
                && let Some((task, _)) = lock(&in_flight).remove(&key)
            {
                task.abort();
            }
            continue;
        }
        if msg.method == "logging/setLevel"
            && version.is_some()
            && let Some(level) = msg.params.get("level").and_then(Value::as_str)
            && super::protocol::log_level_rank(level).is_some()
        {
            log_level = Some(level.to_owned());
        }
        let env = Envelope {
            session_version: version.clone(),
            client_capabilities: client_capabilities.clone(),
            log_level: log_level.clone(),
            ..Envelope::default()
        };
        let era = msg.era();
        let key = msg.id.as_ref().map(Value::to_string);
        let listen = msg.method == "subscriptions/listen";
        let dispatcher = dispatcher.clone();
        let tx = tx.clone();
        // Backpressure: at most MAX_IN_FLIGHT calls at once; reading waits for a free slot.
        // A listen stream never ends by itself, so it takes a listener slot instead, refused
        // when none is free (waiting for one would stop reading, cancellations included).
        let permit = if listen {
            match listeners.clone().try_acquire_owned() {
                Ok(p) => p,
                Err(_) => {
                    if let Some(id) = &msg.id {
                        let e = RpcError::new(
                            INVALID_REQUEST,
                            format!(
                                "too many subscriptions/listen streams ({MAX_LISTENERS}); cancel one first"
                            ),
                            400,
                        );
                        send(&tx, e.to_json(id)).await;
                    }
                    continue;
                }
            }
        } else {
            let Ok(permit) = slots.clone().acquire_owned().await else {
                break;
            };
            permit
        };
        let registry = in_flight.clone();
        let registered = key.clone();
        // Holding the lock across `spawn` means the task's own removal (below) cannot run
        // before its registration.
        let mut table = lock(&in_flight);
        let task = tasks.spawn(async move {
            let _permit = permit;
            let _done = registered.map(|key| Unregister(registry, key));
            // Notifications of a call go out as their own lines, before its response.
            let (ntx, mut nrx) = tokio::sync::mpsc::unbounded_channel::<Value>();
            let call = dispatcher.handle(msg, era, &env, Some(&ntx));
            tokio::pin!(call);
            let reply = loop {
                tokio::select! {
                    biased;
                    Some(note) = nrx.recv() => send(&tx, note).await,
                    reply = &mut call => break reply,
                }
            };
            while let Ok(note) = nrx.try_recv() {
                send(&tx, note).await;
            }
            if let Reply::Response { body, .. } = reply {
                send(&tx, body).await;
            }
        });
        if let Some(key) = key {
            table.insert(key, (task, listen));
        }
        drop(table);
        // Reap finished calls as we go so the set does not grow with the session.
        while tasks.try_join_next().is_some() {}
    }
    for (task, listen) in lock(&in_flight).values() {
        if *listen {
            task.abort();
        }
    }
    while tasks.join_next().await.is_some() {}
    announcer.abort();
    drop(tx);
    let _ = writer.await;
}

/// Requests in flight by JSON id (as text): the task and whether it is a listen stream.
type InFlight = Arc<Mutex<HashMap<String, (tokio::task::AbortHandle, bool)>>>;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Removes a finished request from the in-flight table (also when it was aborted).
struct Unregister(InFlight, String);

impl Drop for Unregister {
    fn drop(&mut self) {
        lock(&self.0).remove(&self.1);
    }
}

async fn send(tx: &mpsc::Sender<Vec<u8>>, value: Value) {
    if let Ok(bytes) = serde_json::to_vec(&value) {
        let _ = tx.send(bytes).await;
    }
}
