//! `lynx tool:call ID --args JSON`: one call through the serving pipeline, in process — or with
//! `--server URL`, a `tools/call` to any running MCP server.

use crate::cli::{DataFormat, ToolCallArgs};
use crate::exit::{Outcome, UsageError};
use crate::runtime::call::CallContext;
use crate::runtime::catalog::Catalog;
use crate::runtime::client::{self, ClientError, ClientOptions, McpClient};
use crate::runtime::engine::{Runtime, tool_result};
use crate::runtime::pipeline::Pipeline;
use serde_json::{Map, Value};
use std::io::Read;
use std::path::PathBuf;

/// `--args` as a JSON object: inline, `@file`, or `@-` for stdin.
pub(super) fn parse_args(raw: &str) -> anyhow::Result<Map<String, Value>> {
    let text = match raw.strip_prefix('@') {
        Some("-") => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s)?;
            s
        }
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| UsageError::new(format!("`--args @{path}`: {e}")))?,
        None => raw.to_owned(),
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(UsageError::new(format!(
            "`--args` must be a JSON object like '{{\"account\": \"A-1\"}}', not {}",
            match other {
                Value::Array(_) => "a list",
                Value::String(_) => "a string",
                _ => "a scalar",
            }
        ))
        .into()),
        Err(e) => Err(UsageError::new(format!("`--args` is not valid JSON: {e}")).into()),
    }
}

pub fn run(args: &ToolCallArgs, config: Option<PathBuf>) -> anyhow::Result<Outcome> {
    let call_args = parse_args(&args.args)?;
    if let Some(server) = &args.server {
        return remote(args, server, call_args);
    }
    let project = match super::valid_project(config)? {
        Ok(p) => p,
        Err(outcome) => return Ok(outcome),
    };
    let catalog = Catalog::build(&project);
    if catalog.get(&args.id).is_none() {
        let known: Vec<&str> = catalog.tools().iter().map(|t| t.name.as_str()).collect();
        let hint = crate::lint::suggest::did_you_mean(&args.id, known.iter().copied())
            .map(|s| format!("\nhelp: did you mean `{s}`?"))
            .unwrap_or_else(|| "\nhelp: `lynx tool:list` shows the tools".into());
        let why = catalog
            .skipped
            .iter()
            .find(|(id, _)| id == &args.id)
            .map(|(_, why)| format!(": it is not served ({why})"))
            .unwrap_or_default();
        return Err(UsageError::new(format!("unknown tool `{}`{why}{hint}", args.id)).into());
    }
    let runtime = Runtime::new(catalog, Pipeline::standard());
    let context = CallContext {
        tenant_id: args.tenant.clone(),
        user_id: args.user.clone(),
        trace_id: None,
    };
    let outcome = super::tokio()?.block_on(runtime.call(&args.id, call_args, context))?;
    match args.format {
        DataFormat::Json => {
            super::print(&(serde_json::to_string_pretty(&tool_result(&outcome))? + "\n"))?;
        }
        DataFormat::Human => match &outcome {
            Ok(out) => super::print(&(serde_json::to_string_pretty(&out.value)? + "\n"))?,
            Err(e) => {
                use std::io::Write;
                let _ = writeln!(std::io::stderr(), "error: `{}` failed: {e}", args.id);
            }
        },
    }
    Ok(if outcome.is_ok() {
        Outcome::Success
    } else {
        Outcome::Findings
    })
}

/// A client failure as the command's error (exit 3), with a hint where one helps.
pub(super) fn client_error(e: ClientError) -> anyhow::Error {
    match &e {
        ClientError::Connect { .. } => anyhow::anyhow!(
            "{e}\nhelp: is an MCP server (e.g. `lynx serve`) running there? `--server` takes its endpoint URL"
        ),
        _ => anyhow::anyhow!("{e}"),
    }
}

/// `--server URL`: `tools/call` on the server. Human output is the structured content (or the
/// text content); JSON output is the MCP result as the server sent it. Exit 1 on `isError` and
/// on a JSON-RPC error (e.g. -32602 for an unknown tool); exit 3 when the server cannot be
/// reached or answers nonsense.
fn remote(
    args: &ToolCallArgs,
    server: &str,
    call_args: Map<String, Value>,
) -> anyhow::Result<Outcome> {
    use std::io::Write;
    let url = client::parse_server_url(server).map_err(UsageError::new)?;
    let outcome = super::tokio()?.block_on(async {
        let client = McpClient::connect(url, ClientOptions::default()).await?;
        let result = client.call_tool(&args.id, call_args).await;
        client.close().await;
        result
    });
    let result = match outcome {
        Ok(result) => result,
        Err(ClientError::Rpc {
            code,
            message,
            data,
            ..
        }) => {
            if args.format == DataFormat::Json {
                let mut error = serde_json::json!({ "code": code, "message": message });
                if let Some(data) = data {
                    error["data"] = data;
                }
                super::print(
                    &(serde_json::to_string_pretty(&serde_json::json!({ "error": error }))? + "\n"),
                )?;
            }
            let hint = if code == crate::runtime::protocol::INVALID_PARAMS {
                format!(
                    "\nhelp: `lynx tool:list --server {server}` shows the server's tools and their input schemas"
                )
            } else {
                String::new()
            };
            let _ = writeln!(
                std::io::stderr(),
                "error: the server refused `{}`: {message} (JSON-RPC error {code}){hint}",
                args.id
            );
            return Ok(Outcome::Findings);
        }
        Err(e) => return Err(client_error(e)),
    };
    let is_error = result.get("isError").and_then(Value::as_bool) == Some(true);
    match args.format {
        DataFormat::Json => {
            super::print(&(serde_json::to_string_pretty(&result)? + "\n"))?;
        }
        DataFormat::Human if is_error => {
            let _ = writeln!(
                std::io::stderr(),
                "error: `{}` failed: {}",
                args.id,
                content_text(&result)
            );
        }
        DataFormat::Human => {
            let text = match result.get("structuredContent") {
                Some(v) if !v.is_null() => serde_json::to_string_pretty(v)?,
                _ => content_text(&result),
            };
            super::print(&(text + "\n"))?;
        }
    }
    Ok(if is_error {
        Outcome::Findings
    } else {
        Outcome::Success
    })
}

/// A result's content for a person: text blocks as they are, anything else as JSON.
fn content_text(result: &Value) -> String {
    result
        .get("content")
        .and_then(Value::as_array)
        .map(|blocks| {
            blocks
                .iter()
                .map(
                    |b| match (b.get("type").and_then(Value::as_str), b.get("text")) {
                        (Some("text"), Some(Value::String(t))) => t.clone(),
                        _ => b.to_string(),
                    },
                )
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::{content_text, parse_args};

    #[test]
    fn content_text_joins_text_blocks() {
        let r = serde_json::json!({"content": [{"type": "text", "text": "a"}, {"type": "image", "data": "x"}]});
        assert_eq!(content_text(&r), "a\n{\"data\":\"x\",\"type\":\"image\"}");
    }

    #[test]
    fn args_must_be_a_json_object() {
        assert_eq!(parse_args("{\"a\": 1}").unwrap()["a"], 1);
        assert!(
            parse_args("[1]")
                .unwrap_err()
                .to_string()
                .contains("a list")
        );
        assert!(
            parse_args("{")
                .unwrap_err()
                .to_string()
                .contains("not valid JSON")
        );
        assert!(
            parse_args("@/no/such/file")
                .unwrap_err()
                .to_string()
                .contains("@/no/such/file")
        );
    }
}
