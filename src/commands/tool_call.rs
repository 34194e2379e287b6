//! `lynx tool:call ID --args JSON`: one call through the serving pipeline, in process.

use crate::cli::{DataFormat, ToolCallArgs};
use crate::exit::{Outcome, UsageError};
use crate::runtime::call::CallContext;
use crate::runtime::catalog::Catalog;
use crate::runtime::engine::{Runtime, tool_result};
use crate::runtime::pipeline::Pipeline;
use serde_json::{Map, Value};
use std::io::Read;
use std::path::PathBuf;

/// `--args` as a JSON object: inline, `@file`, or `@-` for stdin.
fn parse_args(raw: &str) -> anyhow::Result<Map<String, Value>> {
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

#[cfg(test)]
mod tests {
    use super::parse_args;

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
