//! The fixture tools, resources and prompts that the official MCP conformance suite calls
//! (`lynx serve --conformance-fixtures`), era by era:
//!
//! - **both eras**: the content tools (`test_simple_text` … `test_error_handling`), progress and
//!   logging, the `test://` resources and template, the prompts, `completion/complete`;
//! - **legacy** (2025-11-25 and older): sampling and elicitation as server→client requests on
//!   the call's SSE stream (only when the session's client declared the capability),
//!   `resources/subscribe` / `unsubscribe`;
//! - **modern** (2026-07-28): the diagnostic tools of `server-stateless` and the multi-round
//!   (`input_required`, SEP-2322) tools and prompt, whose `requestState` is integrity-protected,
//!   and `test_trigger_tool_change`, which mutates the tool list so `subscriptions/listen`
//!   streams get `notifications/tools/list_changed`.
//!
//! Names, texts and shapes follow the suite's reference server
//! (`examples/servers/typescript/everything-server.ts`) and its scenario descriptions.

use super::engine::Runtime;
use super::protocol::{
    Envelope, Era, Extension, INVALID_PARAMS, LOG_LEVELS, META_LOG_LEVEL, MISSING_CAPABILITY,
    Message, Notifier, RpcError, log_level_rank,
};
use futures_util::future::BoxFuture;
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::oneshot;

/// A 1×1 red PNG.
pub const TEST_IMAGE_BASE64: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
/// A minimal WAV file.
pub const TEST_AUDIO_BASE64: &str = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

/// How long a server→client request (legacy sampling/elicitation) waits for the answer.
const CLIENT_ANSWER_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a `requestState` stays valid.
const STATE_MAX_AGE_SECS: u64 = 600;
/// Pause between the steps of the progress and logging tools.
const STEP: Duration = Duration::from_millis(50);

type Pending = Mutex<HashMap<String, oneshot::Sender<Result<Value, Value>>>>;

/// The fixtures. Holds the per-process key that signs `requestState` and the server→client
/// requests waiting for the client's answer.
pub struct ConformanceFixtures {
    /// SipHash with a random per-process key: a keyed PRF, used as the MAC of `requestState`
    /// (std only; good enough for test fixtures, not a general-purpose MAC).
    key: RandomState,
    next_request: AtomicU64,
    pending: Pending,
    /// Whether `test_trigger_tool_change` has added its tool (it toggles it on each call).
    added_tool: AtomicBool,
    /// Where a tool-list change is announced (set by [`ConformanceFixtures::with_runtime`]).
    runtime: Option<Arc<Runtime>>,
}

impl Default for ConformanceFixtures {
    fn default() -> Self {
        Self {
            key: RandomState::new(),
            next_request: AtomicU64::new(1),
            pending: Mutex::new(HashMap::new()),
            added_tool: AtomicBool::new(false),
            runtime: None,
        }
    }
}

impl ConformanceFixtures {
    /// Announces the fixtures' own tool-list changes through `runtime`'s change channel, the
    /// one reloads use.
    pub fn with_runtime(mut self, runtime: Arc<Runtime>) -> Self {
        self.runtime = Some(runtime);
        self
    }
}

impl std::fmt::Debug for ConformanceFixtures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConformanceFixtures")
            .finish_non_exhaustive()
    }
}

/// Tools of both eras, in listing order (`test_simple_text` first: takes no arguments).
const COMMON_TOOLS: &[&str] = &[
    "test_simple_text",
    "test_image_content",
    "test_audio_content",
    "test_embedded_resource",
    "test_multiple_content_types",
    "test_error_handling",
    "test_tool_with_progress",
    "test_tool_with_logging",
];
/// Tools that send server→client requests: legacy only.
const LEGACY_TOOLS: &[&str] = &[
    "test_sampling",
    "test_elicitation",
    "test_elicitation_sep1034_defaults",
    "test_elicitation_sep1330_enums",
];
/// Diagnostic and multi-round tools: modern only.
const MODERN_TOOLS: &[&str] = &[
    "test_missing_capability",
    "test_streaming_elicitation",
    "test_logging_tool",
    "test_input_required_result_elicitation",
    "test_input_required_result_sampling",
    "test_input_required_result_list_roots",
    "test_input_required_result_request_state",
    "test_input_required_result_multiple_inputs",
    "test_input_required_result_multi_round",
    "test_input_required_result_tampered_state",
    "test_input_required_result_capabilities",
    TRIGGER_TOOL,
];
/// Mutates the tool list (adds or removes [`ADDED_TOOL`]) and announces the change.
const TRIGGER_TOOL: &str = "test_trigger_tool_change";
const ADDED_TOOL: &str = "test_added_tool";
const SCHEMA_TOOL: &str = "json_schema_2020_12_tool";

const MRTR_PROMPT: &str = "test_input_required_result_prompt";
const TEMPLATE: &str = "test://template/{id}/data";

fn tool_names(era: Era) -> impl Iterator<Item = &'static str> {
    let extra = match era {
        Era::Legacy => LEGACY_TOOLS,
        Era::Modern => MODERN_TOOLS,
    };
    COMMON_TOOLS
        .iter()
        .chain(extra)
        .copied()
        .chain(std::iter::once(SCHEMA_TOOL))
}

fn no_args() -> Value {
    json!({ "type": "object", "properties": {} })
}

fn tool_listing(name: &str) -> Value {
    let (description, schema) = match name {
        "test_simple_text" => ("Tests simple text content response", no_args()),
        "test_image_content" => ("Tests image content response", no_args()),
        "test_audio_content" => ("Tests audio content response", no_args()),
        "test_embedded_resource" => ("Tests embedded resource content response", no_args()),
        "test_multiple_content_types" => (
            "Tests response with multiple content types (text, image, resource)",
            no_args(),
        ),
        "test_error_handling" => ("Tests error response handling", no_args()),
        "test_tool_with_progress" => ("Tests tool that reports progress notifications", no_args()),
        "test_tool_with_logging" => (
            "Tests tool that emits log messages during execution",
            no_args(),
        ),
        "test_sampling" => (
            "Tests server-initiated sampling (LLM completion request)",
            json!({
                "type": "object",
                "properties": { "prompt": { "type": "string", "description": "The prompt to send to the LLM" } },
                "required": ["prompt"]
            }),
        ),
        "test_elicitation" => (
            "Tests server-initiated elicitation (user input request)",
            json!({
                "type": "object",
                "properties": { "message": { "type": "string", "description": "The message to show the user" } },
                "required": ["message"]
            }),
        ),
        "test_elicitation_sep1034_defaults" => (
            "Tests elicitation with default values for all primitive types (SEP-1034)",
            no_args(),
        ),
        "test_elicitation_sep1330_enums" => (
            "Tests elicitation with enum schema variants (SEP-1330)",
            no_args(),
        ),
        "test_missing_capability" => (
            "Test tool requiring the sampling client capability",
            no_args(),
        ),
        "test_streaming_elicitation" => (
            "Diagnostic tool validating response progress streams",
            no_args(),
        ),
        "test_logging_tool" => ("Diagnostic logging validator tool", no_args()),
        "test_input_required_result_elicitation" => (
            "MRTR: returns InputRequiredResult with elicitation request",
            no_args(),
        ),
        "test_input_required_result_sampling" => (
            "MRTR: returns InputRequiredResult with sampling request",
            no_args(),
        ),
        "test_input_required_result_list_roots" => (
            "MRTR: returns InputRequiredResult with roots/list request",
            no_args(),
        ),
        "test_input_required_result_request_state" => (
            "MRTR: returns InputRequiredResult with requestState",
            no_args(),
        ),
        "test_input_required_result_multiple_inputs" => (
            "MRTR: returns InputRequiredResult with multiple input requests",
            no_args(),
        ),
        "test_input_required_result_multi_round" => {
            ("MRTR: multi-round InputRequiredResult workflow", no_args())
        }
        "test_input_required_result_tampered_state" => {
            ("MRTR: integrity-protected requestState test", no_args())
        }
        "test_input_required_result_capabilities" => (
            "MRTR: respects client capabilities in inputRequests",
            no_args(),
        ),
        TRIGGER_TOOL => (
            "Diagnostic hook: adds or removes `test_added_tool` and notifies listen streams",
            no_args(),
        ),
        ADDED_TOOL => (
            "Present after an odd number of tool-list triggers",
            no_args(),
        ),
        _ => (
            "Tool with a JSON Schema 2020-12 input schema (preserved as written)",
            json_schema_2020_12(),
        ),
    };
    json!({ "name": name, "description": description, "inputSchema": schema })
}

fn json_schema_2020_12() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "$defs": {
            "address": {
                "$anchor": "addressDef",
                "type": "object",
                "properties": { "street": { "type": "string" }, "city": { "type": "string" } }
            }
        },
        "properties": {
            "name": { "type": "string" },
            "address": { "$ref": "#/$defs/address" },
            "contactMethod": { "type": "string", "enum": ["phone", "email"] },
            "phone": { "type": "string" },
            "email": { "type": "string" }
        },
        "allOf": [{ "anyOf": [{ "required": ["phone"] }, { "required": ["email"] }] }],
        "if": { "properties": { "contactMethod": { "const": "phone" } }, "required": ["contactMethod"] },
        "then": { "required": ["phone"] },
        "else": { "required": ["email"] },
        "additionalProperties": false
    })
}

fn text(t: impl Into<String>) -> Value {
    json!({ "type": "text", "text": t.into() })
}

fn tool_text(t: impl Into<String>) -> Value {
    json!({ "content": [text(t)] })
}

fn tool_error(t: impl Into<String>) -> Value {
    json!({ "content": [text(t)], "isError": true })
}

/// -32602 with the status each era wants (400 modern, 200 legacy).
fn invalid(era: Era, message: impl Into<String>) -> RpcError {
    RpcError::new(
        INVALID_PARAMS,
        message,
        if era == Era::Modern { 400 } else { 200 },
    )
}

/// -32021 naming the client capabilities the request lacks.
fn missing_capability(missing: &[&str]) -> RpcError {
    let required: Map<String, Value> = missing
        .iter()
        .map(|c| ((*c).to_owned(), json!({})))
        .collect();
    RpcError::new(
        MISSING_CAPABILITY,
        format!("Missing required client capability: {}", missing.join(", ")),
        400,
    )
    .with_data(json!({ "requiredCapabilities": required }))
}

fn elicit_request(message: &str, properties: Value, required: &[&str]) -> Value {
    json!({
        "method": "elicitation/create",
        "params": {
            "message": message,
            "requestedSchema": { "type": "object", "properties": properties, "required": required }
        }
    })
}

fn sampling_request(prompt: &str, max_tokens: u64) -> Value {
    json!({
        "method": "sampling/createMessage",
        "params": {
            "messages": [{ "role": "user", "content": { "type": "text", "text": prompt } }],
            "maxTokens": max_tokens
        }
    })
}

fn roots_request() -> Value {
    json!({ "method": "roots/list", "params": {} })
}

fn input_required(requests: Value, state: Option<String>) -> Value {
    let mut result = json!({ "resultType": "input_required", "inputRequests": requests });
    if let Some(state) = state {
        result["requestState"] = json!(state);
    }
    result
}

/// What kind of answer an input request expects.
#[derive(Clone, Copy)]
enum Answer {
    Elicit,
    Sample,
    Roots,
}

/// `params.inputResponses`: absent → `None`; present but not an object → -32602.
fn input_responses(msg: &Message, era: Era) -> Result<Option<&Map<String, Value>>, RpcError> {
    match msg.params.get("inputResponses") {
        None => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(_) => Err(invalid(
            era,
            "Invalid params: `inputResponses` must be an object keyed like `inputRequests`",
        )),
    }
}

/// One answer out of `inputResponses`: absent → `None`; malformed → -32602.
fn answer<'m>(
    responses: Option<&'m Map<String, Value>>,
    key: &str,
    kind: Answer,
    era: Era,
) -> Result<Option<&'m Value>, RpcError> {
    let Some(v) = responses.and_then(|m| m.get(key)) else {
        return Ok(None);
    };
    let ok = match kind {
        Answer::Elicit => {
            v.get("action")
                .and_then(Value::as_str)
                .is_some_and(|a| matches!(a, "accept" | "decline" | "cancel"))
                && v.get("content").is_none_or(Value::is_object)
        }
        Answer::Sample => {
            v.get("role").is_some_and(Value::is_string)
                && v.get("content")
                    .is_some_and(|c| c.is_object() || c.is_array())
        }
        Answer::Roots => v.get("roots").and_then(Value::as_array).is_some_and(|r| {
            r.iter()
                .all(|root| root.get("uri").is_some_and(Value::is_string))
        }),
    };
    if ok {
        Ok(Some(v))
    } else {
        let what = match kind {
            Answer::Elicit => {
                "an ElicitResult ({\"action\": \"accept\"|\"decline\"|\"cancel\", \"content\"?: {…}})"
            }
            Answer::Sample => "a CreateMessageResult ({\"role\", \"content\", \"model\"})",
            Answer::Roots => "a ListRootsResult ({\"roots\": [{\"uri\"}]})",
        };
        Err(invalid(
            era,
            format!("Invalid params: inputResponses.{key} must be {what}"),
        ))
    }
}

/// An accepted elicitation's string field.
fn accepted_field<'v>(answer: &'v Value, field: &str) -> Option<&'v str> {
    if answer.get("action").and_then(Value::as_str) != Some("accept") {
        return None;
    }
    answer
        .get("content")
        .and_then(|c| c.get(field))
        .and_then(Value::as_str)
}

fn sampled_text(answer: &Value) -> String {
    let content = answer.get("content");
    let first = match content {
        Some(Value::Array(items)) => items.first(),
        other => other,
    };
    first
        .and_then(|c| c.get("text"))
        .and_then(Value::as_str)
        .unwrap_or("(no text)")
        .to_owned()
}

fn client_caps(msg: &Message, era: Era, env: &Envelope) -> Value {
    match era {
        Era::Modern => msg
            .meta()
            .and_then(|m| m.get(super::protocol::META_CAPABILITIES))
            .cloned()
            .unwrap_or(Value::Null),
        Era::Legacy => env.client_capabilities.clone().unwrap_or(Value::Null),
    }
}

fn has_cap(caps: &Value, name: &str) -> bool {
    caps.get(name).is_some_and(|c| !c.is_null())
}

/// Fails with -32021 unless the client declared all of `needed`.
fn require(caps: &Value, needed: &[&str]) -> Result<(), RpcError> {
    let missing: Vec<&str> = needed
        .iter()
        .copied()
        .filter(|c| !has_cap(caps, c))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(missing_capability(&missing))
    }
}

/// The level below which `notifications/message` is not sent for this request, or `None` if
/// none may be sent: modern → only with `_meta[logLevel]`; legacy → the session's
/// `logging/setLevel`, else everything from `info` up.
fn log_threshold(msg: &Message, era: Era, env: &Envelope) -> Option<usize> {
    match era {
        Era::Modern => msg
            .meta()
            .and_then(|m| m.get(META_LOG_LEVEL))
            .and_then(Value::as_str)
            .and_then(log_level_rank),
        Era::Legacy => Some(
            env.log_level
                .as_deref()
                .and_then(log_level_rank)
                .unwrap_or(1),
        ),
    }
}

fn log(notify: Option<&Notifier>, threshold: Option<usize>, level: &str, data: &str) {
    let rank = log_level_rank(level).unwrap_or(LOG_LEVELS.len());
    if let (Some(n), Some(t)) = (notify, threshold)
        && rank >= t
    {
        let _ = n.send(json!({
            "jsonrpc": "2.0",
            "method": "notifications/message",
            "params": { "level": level, "logger": "lynx-conformance", "data": data }
        }));
    }
}

fn progress_token(msg: &Message) -> Option<Value> {
    msg.meta()
        .and_then(|m| m.get("progressToken"))
        .filter(|t| t.is_string() || t.is_i64() || t.is_u64())
        .cloned()
}

fn progress(notify: Option<&Notifier>, token: Option<&Value>, done: u64, total: u64) {
    if let (Some(n), Some(token)) = (notify, token) {
        let _ = n.send(json!({
            "jsonrpc": "2.0",
            "method": "notifications/progress",
            "params": {
                "progressToken": token,
                "progress": done,
                "total": total,
                "message": format!("Completed step {done} of {total}")
            }
        }));
    }
}

/// Removes a server→client request from the pending map when its waiter goes away (answered,
/// timed out, or the call was cancelled because the client disconnected).
struct PendingGuard<'a> {
    pending: &'a Pending,
    id: String,
}

impl Drop for PendingGuard<'_> {
    fn drop(&mut self) {
        lock(self.pending).remove(&self.id);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl ConformanceFixtures {
    /// A 128-bit tag of `payload` (two domain-separated keyed SipHash outputs).
    fn tag(&self, payload: &str) -> String {
        let a = self.key.hash_one((0u8, payload));
        let b = self.key.hash_one((1u8, payload));
        format!("{a:016x}{b:016x}")
    }

    /// `requestState`: the state as JSON, then `.` and its tag. `kind` binds it to one fixture.
    fn sign(&self, kind: &str, mut state: Value) -> String {
        state["kind"] = json!(kind);
        state["iat"] = json!(unix_now());
        state["nonce"] = json!(format!(
            "{:016x}",
            self.key
                .hash_one((2u8, self.next_request.fetch_add(1, Ordering::Relaxed)))
        ));
        let payload = state.to_string();
        let tag = self.tag(&payload);
        format!("{payload}.{tag}")
    }

    /// The state behind a `requestState`, if this process issued it for `kind` recently.
    fn verify(&self, kind: &str, state: &str, era: Era) -> Result<Value, RpcError> {
        let fail = || invalid(era, "requestState integrity check failed");
        let (payload, tag) = state.rsplit_once('.').ok_or_else(fail)?;
        if tag.len() != 32 || !constant_time_eq(self.tag(payload).as_bytes(), tag.as_bytes()) {
            return Err(fail());
        }
        let value: Value = serde_json::from_str(payload).map_err(|_| fail())?;
        if value.get("kind").and_then(Value::as_str) != Some(kind) {
            return Err(invalid(
                era,
                "requestState was issued for a different request",
            ));
        }
        let iat = value.get("iat").and_then(Value::as_u64).unwrap_or(0);
        if unix_now().saturating_sub(iat) > STATE_MAX_AGE_SECS {
            return Err(invalid(era, "requestState has expired; start over"));
        }
        Ok(value)
    }

    /// The verified `requestState` of a retry, or `None` when the request carries none.
    fn state(&self, msg: &Message, kind: &str, era: Era) -> Result<Option<Value>, RpcError> {
        match msg.params.get("requestState") {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => self.verify(kind, s, era).map(Some),
            Some(_) => Err(invalid(
                era,
                "Invalid params: `requestState` must be a string",
            )),
        }
    }

    /// Sends a server→client request on the call's stream (legacy era) and waits for the
    /// client's answer, which arrives as a separate POST ([`Extension::client_response`]).
    async fn ask(
        &self,
        notify: Option<&Notifier>,
        method: &str,
        params: Value,
    ) -> Result<Value, String> {
        let notify = notify.ok_or("this transport cannot carry server→client requests")?;
        let n = self.next_request.fetch_add(1, Ordering::Relaxed);
        // Unguessable, so another session cannot answer in this one's place.
        let id = format!("lynx-{n}-{:016x}", self.key.hash_one((3u8, n)));
        let (tx, rx) = oneshot::channel();
        lock(&self.pending).insert(id.clone(), tx);
        let _guard = PendingGuard {
            pending: &self.pending,
            id: id.clone(),
        };
        notify
            .send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }))
            .map_err(|_| "the client went away".to_owned())?;
        match tokio::time::timeout(CLIENT_ANSWER_TIMEOUT, rx).await {
            Ok(Ok(Ok(result))) => Ok(result),
            Ok(Ok(Err(error))) => Err(format!(
                "the client answered {method} with an error: {}",
                error
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("(no message)")
            )),
            Ok(Err(_)) => Err("the client went away".into()),
            Err(_) => Err(format!(
                "the client did not answer {method} within {}s",
                CLIENT_ANSWER_TIMEOUT.as_secs()
            )),
        }
    }

    fn owns(&self, msg: &Message, era: Era) -> bool {
        match msg.method.as_str() {
            "tools/call" => msg
                .params
                .get("name")
                .and_then(Value::as_str)
                .is_some_and(|n| {
                    tool_names(era).any(|t| t == n)
                        || (n == ADDED_TOOL
                            && era == Era::Modern
                            && self.added_tool.load(Ordering::SeqCst))
                }),
            "resources/list"
            | "resources/templates/list"
            | "resources/read"
            | "prompts/list"
            | "prompts/get"
            | "completion/complete" => true,
            "resources/subscribe" | "resources/unsubscribe" => era == Era::Legacy,
            _ => false,
        }
    }

    async fn dispatch(
        &self,
        msg: &Message,
        era: Era,
        env: &Envelope,
        notify: Option<&Notifier>,
    ) -> Result<Value, RpcError> {
        match msg.method.as_str() {
            "tools/call" => self.call(msg, era, env, notify).await,
            "resources/list" => Ok(json!({ "resources": resources() })),
            "resources/templates/list" => Ok(json!({ "resourceTemplates": [{
                "name": "template",
                "uriTemplate": TEMPLATE,
                "title": "Resource Template",
                "description": "A resource template with parameter substitution",
                "mimeType": "application/json"
            }] })),
            "resources/read" => read_resource(msg, era),
            "resources/subscribe" | "resources/unsubscribe" => {
                let uri = msg.params.get("uri").and_then(Value::as_str);
                match uri {
                    Some(uri) if known_resource(uri) => Ok(json!({})),
                    _ => Err(unknown_resource(msg, era)),
                }
            }
            "prompts/list" => Ok(json!({ "prompts": prompts(era) })),
            "prompts/get" => self.get_prompt(msg, era),
            "completion/complete" => complete(msg, era),
            other => Err(invalid(era, format!("not a fixture method: {other}"))),
        }
    }

    async fn call(
        &self,
        msg: &Message,
        era: Era,
        env: &Envelope,
        notify: Option<&Notifier>,
    ) -> Result<Value, RpcError> {
        let name = msg.params.get("name").and_then(Value::as_str).unwrap_or("");
        let args = match msg.params.get("arguments") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(m)) => m.clone(),
            Some(_) => {
                return Err(invalid(
                    era,
                    "Invalid params: `arguments` must be an object",
                ));
            }
        };
        let caps = client_caps(msg, era, env);
        match name {
            "test_simple_text" => Ok(tool_text("This is a simple text response for testing.")),
            TRIGGER_TOOL => {
                let added = !self.added_tool.fetch_xor(true, Ordering::SeqCst);
                if let Some(runtime) = &self.runtime {
                    runtime.announce_change();
                }
                Ok(tool_text(if added {
                    "Added `test_added_tool`; the tool list changed."
                } else {
                    "Removed `test_added_tool`; the tool list changed."
                }))
            }
            ADDED_TOOL => Ok(tool_text("The added tool answered.")),
            "test_image_content" => Ok(json!({ "content": [
                { "type": "image", "data": TEST_IMAGE_BASE64, "mimeType": "image/png" }
            ] })),
            "test_audio_content" => Ok(json!({ "content": [
                { "type": "audio", "data": TEST_AUDIO_BASE64, "mimeType": "audio/wav" }
            ] })),
            "test_embedded_resource" => Ok(json!({ "content": [{ "type": "resource", "resource": {
                "uri": "test://embedded-resource",
                "mimeType": "text/plain",
                "text": "This is an embedded resource content."
            } }] })),
            "test_multiple_content_types" => Ok(json!({ "content": [
                text("Multiple content types test:"),
                { "type": "image", "data": TEST_IMAGE_BASE64, "mimeType": "image/png" },
                { "type": "resource", "resource": {
                    "uri": "test://mixed-content-resource",
                    "mimeType": "application/json",
                    "text": "{\"test\":\"data\",\"value\":123}"
                } }
            ] })),
            "test_error_handling" => Ok(tool_error(
                "This tool intentionally returns an error for testing",
            )),
            "test_tool_with_progress" => {
                let token = progress_token(msg);
                for (i, done) in [0, 50, 100].into_iter().enumerate() {
                    if i > 0 {
                        tokio::time::sleep(STEP).await;
                    }
                    progress(notify, token.as_ref(), done, 100);
                }
                let label = match &token {
                    Some(Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                    None => "done".into(),
                };
                Ok(tool_text(label))
            }
            "test_tool_with_logging" => {
                let threshold = log_threshold(msg, era, env);
                for (i, line) in [
                    "Tool execution started",
                    "Tool processing data",
                    "Tool execution completed",
                ]
                .into_iter()
                .enumerate()
                {
                    if i > 0 {
                        tokio::time::sleep(STEP).await;
                    }
                    log(notify, threshold, "info", line);
                }
                Ok(tool_text("Tool with logging executed successfully"))
            }
            "test_logging_tool" => {
                log(
                    notify,
                    log_threshold(msg, era, env),
                    "info",
                    "Diagnostic trace logging activated",
                );
                Ok(tool_text("Logging evaluated"))
            }
            "test_missing_capability" => {
                require(&caps, &["sampling"])?;
                Ok(tool_text("Success"))
            }
            "test_streaming_elicitation" => {
                // Streams only notifications (never a server→client request), then the result.
                let token = progress_token(msg);
                progress(notify, token.as_ref(), 50, 100);
                Ok(tool_text("Streaming complete"))
            }
            "test_sampling" => {
                let Some(prompt) = args.get("prompt").and_then(Value::as_str) else {
                    return Err(invalid(
                        era,
                        "Invalid params: `prompt` (string) is required",
                    ));
                };
                if !has_cap(&caps, "sampling") {
                    return Ok(tool_error(
                        "The client did not declare the `sampling` capability",
                    ));
                }
                let params = sampling_request(prompt, 100)["params"].clone();
                Ok(
                    match self.ask(notify, "sampling/createMessage", params).await {
                        Ok(answer) => tool_text(format!("LLM response: {}", sampled_text(&answer))),
                        Err(why) => tool_error(format!("Sampling failed: {why}")),
                    },
                )
            }
            "test_elicitation" => {
                let Some(message) = args.get("message").and_then(Value::as_str) else {
                    return Err(invalid(
                        era,
                        "Invalid params: `message` (string) is required",
                    ));
                };
                let params = elicit_request(
                    message,
                    json!({
                        "username": { "type": "string", "description": "User's response" },
                        "email": { "type": "string", "description": "User's email address" }
                    }),
                    &["username", "email"],
                )["params"]
                    .clone();
                self.legacy_elicit(&caps, notify, params, "User response")
                    .await
            }
            "test_elicitation_sep1034_defaults" => {
                let params = elicit_request(
                    "Please review and update the form fields with defaults",
                    json!({
                        "name": { "type": "string", "description": "User name", "default": "John Doe" },
                        "age": { "type": "integer", "description": "User age", "default": 30 },
                        "score": { "type": "number", "description": "User score", "default": 95.5 },
                        "status": {
                            "type": "string",
                            "description": "User status",
                            "enum": ["active", "inactive", "pending"],
                            "default": "active"
                        },
                        "verified": { "type": "boolean", "description": "Verification status", "default": true }
                    }),
                    &[],
                )["params"]
                    .clone();
                self.legacy_elicit(&caps, notify, params, "Elicitation completed")
                    .await
            }
            "test_elicitation_sep1330_enums" => {
                let params = elicit_request(
                    "Please select options from the enum fields",
                    json!({
                        "untitledSingle": {
                            "type": "string",
                            "description": "Select one option",
                            "enum": ["option1", "option2", "option3"]
                        },
                        "titledSingle": {
                            "type": "string",
                            "description": "Select one option with titles",
                            "oneOf": [
                                { "const": "value1", "title": "First Option" },
                                { "const": "value2", "title": "Second Option" },
                                { "const": "value3", "title": "Third Option" }
                            ]
                        },
                        "legacyEnum": {
                            "type": "string",
                            "description": "Select one option (legacy)",
                            "enum": ["opt1", "opt2", "opt3"],
                            "enumNames": ["Option One", "Option Two", "Option Three"]
                        },
                        "untitledMulti": {
                            "type": "array",
                            "description": "Select multiple options",
                            "minItems": 1,
                            "maxItems": 3,
                            "items": { "type": "string", "enum": ["option1", "option2", "option3"] }
                        },
                        "titledMulti": {
                            "type": "array",
                            "description": "Select multiple options with titles",
                            "minItems": 1,
                            "maxItems": 3,
                            "items": { "anyOf": [
                                { "const": "value1", "title": "First Choice" },
                                { "const": "value2", "title": "Second Choice" },
                                { "const": "value3", "title": "Third Choice" }
                            ] }
                        }
                    }),
                    &[],
                )["params"]
                    .clone();
                self.legacy_elicit(&caps, notify, params, "Elicitation completed")
                    .await
            }
            SCHEMA_TOOL => Ok(json!({
                "content": [text(format!("Received: {}", Value::Object(args.clone())))]
            })),
            _ => self.call_mrtr(name, msg, era, &caps),
        }
    }

    async fn legacy_elicit(
        &self,
        caps: &Value,
        notify: Option<&Notifier>,
        params: Value,
        label: &str,
    ) -> Result<Value, RpcError> {
        if !has_cap(caps, "elicitation") {
            return Ok(tool_error(
                "The client did not declare the `elicitation` capability",
            ));
        }
        Ok(match self.ask(notify, "elicitation/create", params).await {
            Ok(answer) => {
                let action = answer.get("action").and_then(Value::as_str).unwrap_or("");
                let content = answer.get("content").cloned().unwrap_or(json!({}));
                tool_text(format!("{label}: action={action}, content={content}"))
            }
            Err(why) => tool_error(format!("Elicitation failed: {why}")),
        })
    }

    /// The multi-round (SEP-2322) tools: round 1 returns `input_required`; a retry carrying
    /// the answers (and the signed `requestState`) completes. Missing answers are asked for
    /// again; malformed ones and bad states are JSON-RPC errors.
    fn call_mrtr(
        &self,
        name: &str,
        msg: &Message,
        era: Era,
        caps: &Value,
    ) -> Result<Value, RpcError> {
        let responses = input_responses(msg, era)?;
        let name_request = || {
            elicit_request(
                "What is your name?",
                json!({ "name": { "type": "string" } }),
                &["name"],
            )
        };
        let confirm_request = || {
            elicit_request(
                "Please confirm",
                json!({ "ok": { "type": "boolean" } }),
                &["ok"],
            )
        };
        match name {
            "test_input_required_result_elicitation" => {
                require(caps, &["elicitation"])?;
                match answer(responses, "user_name", Answer::Elicit, era)? {
                    Some(a) => Ok(match accepted_field(a, "name") {
                        Some(n) => tool_text(format!("Hello, {n}!")),
                        None => tool_text("No name was given."),
                    }),
                    None => Ok(input_required(json!({ "user_name": name_request() }), None)),
                }
            }
            "test_input_required_result_sampling" => {
                require(caps, &["sampling"])?;
                match answer(responses, "capital_question", Answer::Sample, era)? {
                    Some(a) => Ok(tool_text(format!("Sampling result: {}", sampled_text(a)))),
                    None => Ok(input_required(
                        json!({ "capital_question": sampling_request("What is the capital of France?", 100) }),
                        None,
                    )),
                }
            }
            "test_input_required_result_list_roots" => {
                require(caps, &["roots"])?;
                match answer(responses, "client_roots", Answer::Roots, era)? {
                    Some(a) => {
                        let n = a["roots"].as_array().map_or(0, Vec::len);
                        Ok(tool_text(format!("Found {n} root(s)")))
                    }
                    None => Ok(input_required(
                        json!({ "client_roots": roots_request() }),
                        None,
                    )),
                }
            }
            "test_input_required_result_request_state"
            | "test_input_required_result_tampered_state" => {
                require(caps, &["elicitation"])?;
                let kind = if name.ends_with("request_state") {
                    "request-state"
                } else {
                    "tamper-test"
                };
                let state = self.state(msg, kind, era)?;
                match (state, answer(responses, "confirm", Answer::Elicit, era)?) {
                    (Some(_), Some(a)) => {
                        let ok = a.get("action").and_then(Value::as_str) == Some("accept")
                            && a.pointer("/content/ok") == Some(&json!(true));
                        let prefix = if kind == "request-state" {
                            "state-ok: requestState validated"
                        } else {
                            "integrity-ok: state verified"
                        };
                        Ok(tool_text(if ok {
                            prefix.to_owned()
                        } else {
                            format!("{prefix}; not confirmed")
                        }))
                    }
                    _ => Ok(input_required(
                        json!({ "confirm": confirm_request() }),
                        Some(self.sign(kind, json!({}))),
                    )),
                }
            }
            "test_input_required_result_multiple_inputs" => {
                require(caps, &["elicitation", "sampling", "roots"])?;
                let state = self.state(msg, "multiple-inputs", era)?;
                let user = answer(responses, "user_name", Answer::Elicit, era)?;
                let greeting = answer(responses, "greeting", Answer::Sample, era)?;
                let roots = answer(responses, "client_roots", Answer::Roots, era)?;
                match (state, user, greeting, roots) {
                    (Some(_), Some(u), Some(g), Some(r)) => Ok(tool_text(format!(
                        "Name: {}; Greeting: {}; Roots: {}",
                        accepted_field(u, "name").unwrap_or("(none)"),
                        sampled_text(g),
                        r["roots"].as_array().map_or(0, Vec::len)
                    ))),
                    _ => Ok(input_required(
                        json!({
                            "user_name": name_request(),
                            "greeting": sampling_request("Generate a greeting", 50),
                            "client_roots": roots_request()
                        }),
                        Some(self.sign("multiple-inputs", json!({}))),
                    )),
                }
            }
            "test_input_required_result_multi_round" => {
                require(caps, &["elicitation"])?;
                let step1 = || {
                    input_required(
                        json!({ "step1": elicit_request(
                            "Step 1: What is your name?",
                            json!({ "name": { "type": "string" } }),
                            &["name"],
                        ) }),
                        Some(self.sign("multi-round", json!({ "round": 1 }))),
                    )
                };
                let Some(state) = self.state(msg, "multi-round", era)? else {
                    return Ok(step1());
                };
                match state.get("round").and_then(Value::as_u64) {
                    Some(1) => match answer(responses, "step1", Answer::Elicit, era)? {
                        Some(a) => {
                            let name = accepted_field(a, "name").unwrap_or("friend");
                            Ok(input_required(
                                json!({ "step2": elicit_request(
                                    "Step 2: What is your favorite color?",
                                    json!({ "color": { "type": "string" } }),
                                    &["color"],
                                ) }),
                                Some(self.sign("multi-round", json!({ "round": 2, "name": name }))),
                            ))
                        }
                        None => Ok(step1()),
                    },
                    Some(2) => {
                        match answer(responses, "step2", Answer::Elicit, era)? {
                            Some(a) => Ok(tool_text(format!(
                                "Multi-round complete for {} who likes {}",
                                state["name"].as_str().unwrap_or("friend"),
                                accepted_field(a, "color").unwrap_or("no colour in particular")
                            ))),
                            None => Ok(input_required(
                                json!({ "step2": elicit_request(
                                "Step 2: What is your favorite color?",
                                json!({ "color": { "type": "string" } }),
                                &["color"],
                            ) }),
                                Some(self.sign(
                                    "multi-round",
                                    json!({ "round": 2, "name": state["name"] }),
                                )),
                            )),
                        }
                    }
                    _ => Ok(step1()),
                }
            }
            "test_input_required_result_capabilities" => {
                // Ask only for what this request's client capabilities declare.
                let mut requests = Map::new();
                if has_cap(caps, "elicitation") {
                    requests.insert(
                        "elicit_input".into(),
                        elicit_request(
                            "Elicitation input",
                            json!({ "value": { "type": "string" } }),
                            &["value"],
                        ),
                    );
                }
                if has_cap(caps, "sampling") {
                    requests.insert(
                        "sample_input".into(),
                        sampling_request("Sample request", 50),
                    );
                }
                if has_cap(caps, "roots") {
                    requests.insert("roots_input".into(), roots_request());
                }
                if requests.is_empty() {
                    return Ok(tool_text(
                        "No client capability declared that this tool could ask for",
                    ));
                }
                let state = self.state(msg, "capabilities-test", era)?;
                let mut received = Vec::new();
                for (key, kind) in [
                    ("elicit_input", Answer::Elicit),
                    ("sample_input", Answer::Sample),
                    ("roots_input", Answer::Roots),
                ] {
                    if requests.contains_key(key) && answer(responses, key, kind, era)?.is_some() {
                        received.push(key);
                    }
                }
                if state.is_some() && received.len() == requests.len() {
                    Ok(tool_text(format!(
                        "capabilities-ok: received {}",
                        received.join(",")
                    )))
                } else {
                    Ok(input_required(
                        Value::Object(requests),
                        Some(self.sign("capabilities-test", json!({}))),
                    ))
                }
            }
            other => Err(invalid(era, format!("Unknown tool: {other}"))),
        }
    }

    fn get_prompt(&self, msg: &Message, era: Era) -> Result<Value, RpcError> {
        let name = msg.params.get("name").and_then(Value::as_str).unwrap_or("");
        let args = msg.params.get("arguments").cloned().unwrap_or(json!({}));
        let arg = |key: &str| -> Result<String, RpcError> {
            args.get(key)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| {
                    invalid(
                        era,
                        format!("Invalid params: prompt `{name}` needs the argument `{key}`"),
                    )
                })
        };
        let user = |content: Value| json!({ "role": "user", "content": content });
        match name {
            "test_simple_prompt" => Ok(json!({
                "description": "A simple prompt without arguments",
                "messages": [user(text("This is a simple prompt for testing."))]
            })),
            "test_prompt_with_arguments" => {
                let (a1, a2) = (arg("arg1")?, arg("arg2")?);
                Ok(json!({
                    "description": "A prompt with required arguments",
                    "messages": [user(text(format!("Prompt with arguments: arg1='{a1}', arg2='{a2}'")))]
                }))
            }
            "test_prompt_with_embedded_resource" => {
                let uri = arg("resourceUri")?;
                Ok(json!({
                    "description": "A prompt that includes an embedded resource",
                    "messages": [
                        user(json!({ "type": "resource", "resource": {
                            "uri": uri,
                            "mimeType": "text/plain",
                            "text": "Embedded resource content for testing."
                        } })),
                        user(text("Please process the embedded resource above."))
                    ]
                }))
            }
            "test_prompt_with_image" => Ok(json!({
                "description": "A prompt that includes image content",
                "messages": [
                    user(json!({ "type": "image", "data": TEST_IMAGE_BASE64, "mimeType": "image/png" })),
                    user(text("Please analyze the image above."))
                ]
            })),
            MRTR_PROMPT if era == Era::Modern => {
                let caps = msg
                    .meta()
                    .and_then(|m| m.get(super::protocol::META_CAPABILITIES))
                    .cloned()
                    .unwrap_or(Value::Null);
                require(&caps, &["elicitation"])?;
                let responses = input_responses(msg, era)?;
                match answer(responses, "user_context", Answer::Elicit, era)? {
                    Some(a) => Ok(json!({
                        "description": "MRTR: prompt that requires elicitation input",
                        "messages": [user(text(format!(
                            "Prompt with context: {}",
                            accepted_field(a, "context").unwrap_or("(none given)")
                        )))]
                    })),
                    None => Ok(input_required(
                        json!({ "user_context": elicit_request(
                            "What context should the prompt use?",
                            json!({ "context": { "type": "string" } }),
                            &["context"],
                        ) }),
                        None,
                    )),
                }
            }
            _ => {
                Err(invalid(era, format!("Unknown prompt: {name}"))
                    .with_data(json!({ "name": name })))
            }
        }
    }
}

/// Constant-time comparison of two tags.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn resources() -> Value {
    json!([
        {
            "uri": "test://static-text",
            "name": "static-text",
            "title": "Static Text Resource",
            "description": "A static text resource for testing",
            "mimeType": "text/plain"
        },
        {
            "uri": "test://static-binary",
            "name": "static-binary",
            "title": "Static Binary Resource",
            "description": "A static binary resource (image) for testing",
            "mimeType": "image/png"
        },
        {
            "uri": "test://watched-resource",
            "name": "watched-resource",
            "title": "Watched Resource",
            "description": "A resource that can be subscribed to",
            "mimeType": "text/plain"
        }
    ])
}

fn template_id(uri: &str) -> Option<&str> {
    uri.strip_prefix("test://template/")
        .and_then(|rest| rest.strip_suffix("/data"))
        .filter(|id| !id.is_empty() && !id.contains('/'))
}

fn known_resource(uri: &str) -> bool {
    matches!(
        uri,
        "test://static-text" | "test://static-binary" | "test://watched-resource"
    ) || template_id(uri).is_some()
}

fn unknown_resource(msg: &Message, era: Era) -> RpcError {
    let uri = msg.params.get("uri").cloned().unwrap_or(Value::Null);
    invalid(
        era,
        format!("Resource not found: {}", uri.as_str().unwrap_or("")),
    )
    .with_data(json!({ "uri": uri }))
}

fn read_resource(msg: &Message, era: Era) -> Result<Value, RpcError> {
    let uri = msg.params.get("uri").and_then(Value::as_str).unwrap_or("");
    let content = match uri {
        "test://static-text" => json!({
            "uri": uri, "mimeType": "text/plain",
            "text": "This is the content of the static text resource."
        }),
        "test://static-binary" => json!({
            "uri": uri, "mimeType": "image/png", "blob": TEST_IMAGE_BASE64
        }),
        "test://watched-resource" => json!({
            "uri": uri, "mimeType": "text/plain",
            "text": "Watched resource content"
        }),
        _ => match template_id(uri) {
            Some(id) => json!({
                "uri": uri, "mimeType": "application/json",
                "text": json!({ "id": id, "templateTest": true, "data": format!("Data for ID: {id}") }).to_string()
            }),
            None => return Err(unknown_resource(msg, era)),
        },
    };
    Ok(json!({ "contents": [content] }))
}

fn prompts(era: Era) -> Value {
    let mut list = vec![
        json!({
            "name": "test_simple_prompt",
            "title": "Simple Test Prompt",
            "description": "A simple prompt without arguments"
        }),
        json!({
            "name": "test_prompt_with_arguments",
            "title": "Prompt With Arguments",
            "description": "A prompt with required arguments",
            "arguments": [
                { "name": "arg1", "description": "First test argument", "required": true },
                { "name": "arg2", "description": "Second test argument", "required": true }
            ]
        }),
        json!({
            "name": "test_prompt_with_embedded_resource",
            "title": "Prompt With Embedded Resource",
            "description": "A prompt that includes an embedded resource",
            "arguments": [
                { "name": "resourceUri", "description": "URI of the resource to embed", "required": true }
            ]
        }),
        json!({
            "name": "test_prompt_with_image",
            "title": "Prompt With Image",
            "description": "A prompt that includes image content"
        }),
    ];
    if era == Era::Modern {
        list.push(json!({
            "name": MRTR_PROMPT,
            "description": "MRTR: prompt that requires elicitation input"
        }));
    }
    Value::Array(list)
}

/// `completion/complete` for the fixture prompts' arguments and the template's `{id}`:
/// candidates that start with what the user typed.
fn complete(msg: &Message, era: Era) -> Result<Value, RpcError> {
    let reference = msg.params.get("ref").cloned().unwrap_or(Value::Null);
    let argument = msg.params.get("argument").cloned().unwrap_or(Value::Null);
    let (Some(arg), Some(typed)) = (
        argument.get("name").and_then(Value::as_str),
        argument.get("value").and_then(Value::as_str),
    ) else {
        return Err(invalid(
            era,
            "Invalid params: `argument` needs `name` and `value` strings",
        ));
    };
    let candidates: &[&str] = match (
        reference.get("type").and_then(Value::as_str),
        reference
            .get("name")
            .or_else(|| reference.get("uri"))
            .and_then(Value::as_str),
    ) {
        (Some("ref/prompt"), Some("test_prompt_with_arguments")) => match arg {
            "arg1" => &["testValue1", "testAlpha", "example"],
            "arg2" => &["testValue2", "testBeta", "sample"],
            _ => &[],
        },
        (Some("ref/prompt"), Some("test_prompt_with_embedded_resource")) => {
            &["test://static-text", "test://watched-resource"]
        }
        (Some("ref/prompt"), Some("test_simple_prompt" | "test_prompt_with_image")) => &[],
        (Some("ref/resource"), Some(TEMPLATE)) if arg == "id" => &["123", "456"],
        _ => {
            return Err(invalid(
                era,
                "Invalid params: `ref` names no fixture prompt or resource template",
            )
            .with_data(json!({ "ref": reference })));
        }
    };
    let values: Vec<&str> = candidates
        .iter()
        .copied()
        .filter(|c| c.starts_with(typed))
        .collect();
    Ok(json!({ "completion": { "values": values, "total": values.len(), "hasMore": false } }))
}

impl Extension for ConformanceFixtures {
    /// Legacy: resources with `subscribe` (the fixtures never change, so there is never an
    /// update to send), prompts, logging (`logging/setLevel`), completions. Modern: the same
    /// without `subscribe`; `listChanged` is never advertised (no `subscriptions/listen`).
    fn capabilities(&self, era: Era) -> Value {
        match era {
            Era::Legacy => json!({
                "resources": { "subscribe": true },
                "prompts": {},
                "logging": {},
                "completions": {}
            }),
            Era::Modern => json!({
                "resources": {},
                "prompts": {},
                "logging": {},
                "completions": {}
            }),
        }
    }

    fn tools(&self, era: Era) -> Vec<Value> {
        let mut tools: Vec<Value> = tool_names(era).map(tool_listing).collect();
        if era == Era::Modern && self.added_tool.load(Ordering::SeqCst) {
            tools.push(tool_listing(ADDED_TOOL));
        }
        tools
    }

    fn handle<'a>(
        &'a self,
        msg: &'a Message,
        era: Era,
        env: &'a Envelope,
        notify: Option<&'a Notifier>,
    ) -> Option<BoxFuture<'a, Result<Value, RpcError>>> {
        if !self.owns(msg, era) {
            return None;
        }
        Some(Box::pin(self.dispatch(msg, era, env, notify)))
    }

    fn client_response(&self, response: &Value) {
        let Some(id) = response.get("id").and_then(Value::as_str) else {
            return;
        };
        let Some(tx) = lock(&self.pending).remove(id) else {
            return;
        };
        let outcome = match (response.get("result"), response.get("error")) {
            (Some(result), _) => Ok(result.clone()),
            (None, Some(error)) => Err(error.clone()),
            (None, None) => Err(json!({ "message": "empty response" })),
        };
        let _ = tx.send(outcome);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, params: Value) -> Message {
        let mut p = params;
        p["name"] = json!(name);
        Message {
            id: Some(json!(1)),
            method: "tools/call".into(),
            params: p,
        }
    }

    fn modern(params: Value, caps: Value) -> Value {
        let mut p = params;
        p["_meta"] = json!({
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": caps
        });
        p
    }

    fn run(f: &ConformanceFixtures, msg: &Message, era: Era) -> Result<Value, RpcError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        rt.block_on(f.handle(msg, era, &Envelope::EMPTY, None).unwrap())
    }

    #[test]
    fn request_state_is_signed_and_tampering_is_rejected() {
        let f = ConformanceFixtures::default();
        let all = json!({ "elicitation": {}, "sampling": {}, "roots": {} });
        let name = "test_input_required_result_tampered_state";
        let r1 = run(&f, &call(name, modern(json!({}), all.clone())), Era::Modern).unwrap();
        assert_eq!(r1["resultType"], "input_required");
        let state = r1["requestState"].as_str().unwrap().to_owned();
        let retry = |state: &str| {
            call(
                name,
                modern(
                    json!({
                        "requestState": state,
                        "inputResponses": { "confirm": { "action": "accept", "content": { "ok": true } } }
                    }),
                    all.clone(),
                ),
            )
        };
        let ok = run(&f, &retry(&state), Era::Modern).unwrap();
        assert!(
            ok["content"][0]["text"]
                .as_str()
                .unwrap()
                .contains("integrity-ok")
        );
        let bad = run(&f, &retry(&format!("{state}-TAMPERED")), Era::Modern).unwrap_err();
        assert_eq!(bad.code, INVALID_PARAMS);
        // A state from another process (another key) does not verify either.
        let other = ConformanceFixtures::default();
        assert!(run(&other, &retry(&state), Era::Modern).is_err());
        // Nor does a state issued for another fixture.
        let foreign = f.sign("request-state", json!({}));
        assert!(run(&f, &retry(&foreign), Era::Modern).is_err());
    }

    #[test]
    fn multi_round_moves_through_two_states() {
        let f = ConformanceFixtures::default();
        let caps = json!({ "elicitation": {} });
        let name = "test_input_required_result_multi_round";
        let r1 = run(
            &f,
            &call(name, modern(json!({}), caps.clone())),
            Era::Modern,
        )
        .unwrap();
        let s1 = r1["requestState"].clone();
        let r2 = run(
            &f,
            &call(
                name,
                modern(
                    json!({ "requestState": s1, "inputResponses": { "step1": { "action": "accept", "content": { "name": "Ada" } } } }),
                    caps.clone(),
                ),
            ),
            Era::Modern,
        )
        .unwrap();
        assert_eq!(r2["resultType"], "input_required");
        assert!(r2["inputRequests"].get("step2").is_some());
        assert_ne!(r2["requestState"], s1);
        let r3 = run(
            &f,
            &call(
                name,
                modern(
                    json!({ "requestState": r2["requestState"], "inputResponses": { "step2": { "action": "accept", "content": { "color": "green" } } } }),
                    caps,
                ),
            ),
            Era::Modern,
        )
        .unwrap();
        assert_eq!(
            r3["content"][0]["text"],
            "Multi-round complete for Ada who likes green"
        );
    }

    #[test]
    fn input_responses_are_validated_and_missing_ones_asked_again() {
        let f = ConformanceFixtures::default();
        let caps = json!({ "elicitation": {} });
        let name = "test_input_required_result_elicitation";
        let with = |responses: Value| {
            call(
                name,
                modern(json!({ "inputResponses": responses }), caps.clone()),
            )
        };
        assert!(run(&f, &with(json!(null)), Era::Modern).is_err());
        assert!(run(&f, &with(json!({ "user_name": 12345 })), Era::Modern).is_err());
        let again = run(
            &f,
            &with(json!({ "wrong_key": { "action": "accept" } })),
            Era::Modern,
        )
        .unwrap();
        assert_eq!(again["resultType"], "input_required");
        let done = run(
            &f,
            &with(json!({ "user_name": { "action": "accept", "content": { "name": "Alice" } }, "extra": 1 })),
            Era::Modern,
        )
        .unwrap();
        assert_eq!(done["content"][0]["text"], "Hello, Alice!");
        // Without the capability: -32021.
        let e = run(&f, &call(name, modern(json!({}), json!({}))), Era::Modern).unwrap_err();
        assert_eq!(e.code, MISSING_CAPABILITY);
        assert_eq!(
            e.data.unwrap()["requiredCapabilities"],
            json!({ "elicitation": {} })
        );
    }

    #[test]
    fn capability_check_asks_only_for_declared_capabilities() {
        let f = ConformanceFixtures::default();
        let name = "test_input_required_result_capabilities";
        let r = run(
            &f,
            &call(name, modern(json!({}), json!({ "sampling": {} }))),
            Era::Modern,
        )
        .unwrap();
        let requests = r["inputRequests"].as_object().unwrap();
        assert_eq!(requests.len(), 1);
        assert_eq!(requests["sample_input"]["method"], "sampling/createMessage");
    }

    #[test]
    fn missing_capability_is_a_json_rpc_error() {
        let f = ConformanceFixtures::default();
        let e = run(
            &f,
            &call("test_missing_capability", modern(json!({}), json!({}))),
            Era::Modern,
        )
        .unwrap_err();
        assert_eq!((e.code, e.http_status), (MISSING_CAPABILITY, 400));
        assert_eq!(
            e.data.unwrap(),
            json!({ "requiredCapabilities": { "sampling": {} } })
        );
        let ok = run(
            &f,
            &call(
                "test_missing_capability",
                modern(json!({}), json!({ "sampling": {} })),
            ),
            Era::Modern,
        )
        .unwrap();
        assert_eq!(ok["content"][0]["text"], "Success");
    }

    #[test]
    fn resources_and_templates_read() {
        let f = ConformanceFixtures::default();
        let read = |uri: &str| Message {
            id: Some(json!(1)),
            method: "resources/read".into(),
            params: json!({ "uri": uri }),
        };
        let r = run(&f, &read("test://template/123/data"), Era::Legacy).unwrap();
        assert!(r["contents"][0]["text"].as_str().unwrap().contains("123"));
        let e = run(&f, &read("test://nope"), Era::Modern).unwrap_err();
        assert_eq!((e.code, e.http_status), (INVALID_PARAMS, 400));
        assert_eq!(e.data.unwrap()["uri"], "test://nope");
    }

    #[test]
    fn modern_logging_needs_a_log_level() {
        let f = ConformanceFixtures::default();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let count = |meta_level: Option<&str>| {
            let mut params = modern(json!({}), json!({}));
            if let Some(l) = meta_level {
                params["_meta"][META_LOG_LEVEL] = json!(l);
            }
            let msg = call("test_tool_with_logging", params);
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
            rt.block_on(
                f.handle(&msg, Era::Modern, &Envelope::EMPTY, Some(&tx))
                    .unwrap(),
            )
            .unwrap();
            let mut n = 0;
            while rx.try_recv().is_ok() {
                n += 1;
            }
            n
        };
        assert_eq!(count(None), 0);
        assert_eq!(count(Some("debug")), 3);
        assert_eq!(count(Some("error")), 0);
    }

    #[test]
    fn legacy_requests_are_answered_through_client_response() {
        let f = ConformanceFixtures::default();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let env = Envelope {
            client_capabilities: Some(json!({ "sampling": {} })),
            ..Envelope::default()
        };
        let msg = call("test_sampling", json!({ "arguments": { "prompt": "hi" } }));
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Value>();
        let result = rt.block_on(async {
            let call = f.handle(&msg, Era::Legacy, &env, Some(&tx)).unwrap();
            let answer = async {
                let request = rx.recv().await.unwrap();
                assert_eq!(request["method"], "sampling/createMessage");
                f.client_response(&json!({
                    "id": request["id"],
                    "result": { "role": "assistant", "content": { "type": "text", "text": "Paris" }, "model": "m" }
                }));
            };
            let (result, ()) = tokio::join!(call, answer);
            result
        });
        assert_eq!(result.unwrap()["content"][0]["text"], "LLM response: Paris");
        assert!(lock(&f.pending).is_empty());
    }
}
