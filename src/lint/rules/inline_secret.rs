//! A secret written into a file: a value under a secret-sounding key (`password`, `token`,
//! `api_key`, `secret`, `Authorization`, …) or a value shaped like a known credential (AWS
//! access key, GitHub/Slack/OpenAI-style tokens, private key blocks, passwords inside URLs).
//!
//! **Why:** tool files and `lynx.toml` are committed; a committed secret is a leaked secret.
//! Name the environment variable that holds it instead: keys ending in `_env` in `lynx.toml`,
//! `handler.env` for handlers. Schemas (`input_schema`, `output_schema`) and descriptions are
//! not checked.
//!
//! **Example:**
//! ```toml
//! [upstreams.crm]
//! url = "https://bot:hunter2@crm.internal/mcp"    # → api_key_env = "CRM_API_KEY"
//! ```

use crate::lint::context::Context;
use crate::lint::diagnostic::{Diagnostic, RuleMeta, Severity};
use crate::project::FileKind;
use crate::project::node::{Node, Value};
use rayon::prelude::*;

pub static META: RuleMeta = RuleMeta {
    name: "inline-secret",
    severity: Severity::Error,
    summary: "a secret is written in the file instead of named by an environment variable",
};

const SECRET_KEYS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "access_key",
    "private_key",
    "client_secret",
    "credential",
    "credentials",
    "authorization",
    "auth_token",
    "bearer",
];

/// Subtrees that describe data rather than hold it.
const SKIPPED: &[&str] = &[
    "input_schema",
    "output_schema",
    "description",
    "title",
    "examples",
    "tests",
];

fn key_is_secret(key: &str) -> bool {
    // Compare `_`-separated words without allocating: this runs on every key of every file.
    let k = key.as_bytes();
    let lower_eq = |a: &[u8], b: &str| {
        a.len() == b.len()
            && a.iter().zip(b.bytes()).all(|(x, y)| {
                let x = x.to_ascii_lowercase();
                x == y || (x == b'-' && y == b'_')
            })
    };
    let ends = |s: &str| k.len() >= s.len() && lower_eq(&k[k.len() - s.len()..], s);
    if ends("_env") || lower_eq(k, "env") || ends("_file") {
        return false;
    }
    SECRET_KEYS.iter().any(|s| {
        let n = s.len();
        lower_eq(k, s)
            || (k.len() > n
                && lower_eq(&k[k.len() - n..], s)
                && matches!(k[k.len() - n - 1], b'_' | b'-'))
            || (k.len() > n && lower_eq(&k[..n], s) && matches!(k[n], b'_' | b'-'))
    })
}

/// Whether a value is shaped like a credential, whatever its key.
pub fn looks_like_credential(v: &str) -> Option<&'static str> {
    let v = v.trim();
    let prefixed = |prefix: &str, min: usize| {
        v.starts_with(prefix)
            && v.len() >= prefix.len() + min
            && v[prefix.len()..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    if v.contains("-----BEGIN") && v.contains("PRIVATE KEY") {
        return Some("a private key");
    }
    if v.len() == 20
        && v.starts_with("AKIA")
        && v[4..]
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return Some("an AWS access key id");
    }
    if prefixed("ghp_", 30) || prefixed("github_pat_", 30) || prefixed("gho_", 30) {
        return Some("a GitHub token");
    }
    if prefixed("xoxb-", 20) || prefixed("xoxp-", 20) || prefixed("xoxa-", 20) {
        return Some("a Slack token");
    }
    if prefixed("sk-", 24) || prefixed("sk_live_", 16) || prefixed("rk_live_", 16) {
        return Some("an API secret key");
    }
    if let Some(rest) = v.strip_prefix("Bearer ")
        && rest.len() >= 16
        && !rest.contains("{{")
        && !rest.contains("${")
    {
        return Some("a bearer token");
    }
    // scheme://user:password@host
    if let Some((_, after)) = v.split_once("://") {
        let authority = after.split(['/', '?', '#']).next().unwrap_or("");
        if let Some((userinfo, _)) = authority.rsplit_once('@')
            && userinfo
                .split_once(':')
                .is_some_and(|(_, pw)| !pw.is_empty() && !pw.starts_with("${"))
        {
            return Some("a password inside a URL");
        }
    }
    None
}

fn is_placeholder(v: &str) -> bool {
    let v = v.trim();
    v.is_empty()
        || v.starts_with("${")
        || v.starts_with("{{")
        || v.starts_with('<')
        || v.chars().all(|c| c == '*' || c == 'x' || c == 'X')
}

fn scan(node: &Node, key: Option<&str>, hits: &mut Vec<(crate::project::source::Span, String)>) {
    match &node.value {
        Value::Map(entries) => {
            for e in entries {
                if SKIPPED.contains(&e.key.as_str()) {
                    continue;
                }
                scan(&e.value, Some(&e.key), hits);
            }
        }
        Value::Seq(items) => {
            for item in items {
                scan(item, key, hits);
            }
        }
        Value::String(s) => {
            if let Some(what) = looks_like_credential(s) {
                hits.push((node.span, format!("this value looks like {what}")));
            } else if let Some(k) = key.filter(|k| key_is_secret(k))
                && !is_placeholder(s)
            {
                hits.push((node.span, format!("`{k}` holds a literal secret")));
            }
        }
        _ => {}
    }
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let found: Vec<Diagnostic> = cx
        .project
        .docs
        .par_iter()
        .filter(|d| cx.is_target(d.file))
        .flat_map_iter(|doc| {
            let mut hits = Vec::new();
            if let Some(root) = &doc.root {
                scan(root, None, &mut hits);
            }
            let help = match doc.kind {
                FileKind::Config => {
                    "put the secret in an environment variable and name it with a key ending in `_env` (e.g. `api_key_env = \"CRM_API_KEY\"`)"
                }
                _ => "put the secret in an environment variable and list it in `handler.env`",
            };
            hits.into_iter()
                .map(move |(span, message)| Diagnostic::at(&META, doc.file, span, message).with_help(help))
        })
        .collect();
    out.extend(found);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_credential_shapes() {
        assert!(looks_like_credential("AKIAIOSFODNN7EXAMPLE").is_some());
        assert!(looks_like_credential(&format!("ghp_{}", "a".repeat(36))).is_some());
        assert!(looks_like_credential("https://bot:hunter2@crm.internal/mcp").is_some());
        assert!(looks_like_credential("Bearer abcdefghijklmnopqrstuvwxyz").is_some());
        assert!(looks_like_credential("https://crm.internal/mcp").is_none());
        assert!(looks_like_credential("https://user@host/x").is_none());
        assert!(looks_like_credential("Bearer {{ inputs.token }}").is_none());
        assert!(looks_like_credential("sk-short").is_none());
    }

    #[test]
    fn secret_keys_but_not_env_names() {
        assert!(key_is_secret("password"));
        assert!(key_is_secret("slack_token"));
        assert!(key_is_secret("Authorization"));
        assert!(!key_is_secret("api_key_env"));
        assert!(!key_is_secret("key_file"));
        assert!(!key_is_secret("tokens_total"));
        assert!(key_is_secret("X-Api-Key".trim_start_matches("X-")));
        assert!(key_is_secret("db-password"));
        assert!(!key_is_secret("passwords_reset_url_env"));
        assert!(!key_is_secret("tokenizer"));
    }
}
