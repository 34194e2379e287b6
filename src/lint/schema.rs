//! The embedded JSON Schemas and the translation of their errors into findings a person can act
//! on: at the right span, in words, with the allowed values and a "did you mean".
//!
//! Schemas are compiled once per process (lazily, so `lynx --version` pays nothing) and shared
//! by all validation threads.

use super::diagnostic::{Diagnostic, FileId};
use super::rules::schema::META;
use super::suggest::{clip, did_you_mean, one_of};
use crate::project::node::{Node, escape};
use crate::project::source::Span;
use crate::project::{Document, FileKind, Project};
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{ValidationError, Validator};
use serde_json::Value;
use std::sync::OnceLock;

pub const TOOL: &str = include_str!("../../schemas/tool.schema.json");
pub const WORKFLOW: &str = include_str!("../../schemas/workflow.schema.json");
pub const CONFIG: &str = include_str!("../../schemas/config.schema.json");

/// The schema text for a kind of file, as shipped in `schemas/`.
pub fn text(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Tool => TOOL,
        FileKind::Workflow => WORKFLOW,
        FileKind::Config => CONFIG,
    }
}

struct Compiled {
    schema: Value,
    validator: Validator,
}

fn compiled(kind: FileKind) -> &'static Compiled {
    static CELLS: [OnceLock<Compiled>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let i = kind as usize;
    CELLS[i].get_or_init(|| {
        let schema: Value = serde_json::from_str(text(kind)).expect("embedded schema is JSON");
        let validator = jsonschema::draft202012::new(&schema).expect("embedded schema compiles");
        Compiled { schema, validator }
    })
}

/// Whether `value` satisfies the schema of `kind` (used by tests and by `tool:create`).
pub fn is_valid(kind: FileKind, value: &Value) -> bool {
    compiled(kind).validator.is_valid(value)
}

/// Validates one parsed document against its schema.
pub fn check_document(project: &Project, doc: &Document) -> Vec<Diagnostic> {
    let (Some(root), Some(json)) = (&doc.root, &doc.json) else {
        return Vec::new();
    };
    let c = compiled(doc.kind);
    let mut out = Vec::new();
    let t = Translator {
        root,
        schema: &c.schema,
        file: doc.file,
        kind: doc.kind,
    };
    // Most files are valid: the boolean check is much cheaper than collecting errors.
    let errors = if c.validator.is_valid(json) {
        Vec::new()
    } else {
        c.validator.iter_errors(json).collect()
    };
    for e in errors {
        t.translate(&e, &mut out);
    }
    // A definition the schema accepts must load into the typed model; if it does not, the two
    // have drifted — say so rather than silently skip the semantic rules.
    if out.is_empty() {
        let typed_ok = match doc.kind {
            FileKind::Tool => project
                .tools
                .iter()
                .filter(|t| t.file == doc.file)
                .all(|t| t.def.is_some()),
            FileKind::Workflow => project
                .workflows
                .iter()
                .filter(|w| w.file == doc.file)
                .all(|w| w.def.is_some()),
            FileKind::Config => true,
        };
        if !typed_ok {
            out.push(
                Diagnostic::at(
                    &META,
                    doc.file,
                    root.span,
                    "this definition passes the schema but lynx cannot load it",
                )
                .with_help("this is a bug in lynx: please report it with the file"),
            );
        }
    }
    out
}

struct Translator<'a> {
    root: &'a Node,
    schema: &'a Value,
    file: FileId,
    kind: FileKind,
}

/// `/handler/command/0` → `handler.command[0]`.
pub fn field_name(pointer: &str) -> String {
    let mut out = String::new();
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        if token.parse::<usize>().is_ok() {
            out.push_str(&format!("[{token}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&token);
        }
    }
    out
}

/// Resolves a schema location, following `$ref`s inside the same document.
fn schema_at<'s>(root: &'s Value, path: &str) -> Option<&'s Value> {
    let mut node = root;
    for token in path.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        if token == "$ref" {
            let target = node.get("$ref")?.as_str()?.strip_prefix('#')?;
            node = root.pointer(target)?;
            continue;
        }
        node = match node {
            Value::Object(m) => m.get(&token)?,
            Value::Array(a) => a.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    // A bare `$ref` node stands for its target.
    if let Some(target) = node
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
    {
        return root.pointer(target);
    }
    Some(node)
}

fn parent(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

fn first_sentence(text: &str) -> String {
    let end = text.find(". ").map_or(text.len(), |i| i + 1);
    text[..end].trim().to_owned()
}

/// A schema description as a `help:` line: its first sentence, in the lowercase, no-full-stop
/// style of the other help lines.
fn help_text(description: &str) -> String {
    lowercase_first(first_sentence(description).trim_end_matches('.'))
}

/// A value as quoted in a message, cut short if long.
fn render_value(v: &Value) -> String {
    match v {
        Value::String(s) => clip(s, 80).into_owned(),
        other => clip(&other.to_string(), 80).into_owned(),
    }
}

fn type_words(kind: &TypeKind) -> String {
    let word = |t: &str| -> &'static str {
        match t {
            "string" => "a string",
            "integer" => "an integer",
            "number" => "a number",
            "boolean" => "a boolean (`true` or `false`)",
            "array" => "a list",
            "object" => "a mapping",
            "null" => "null",
            _ => "a value",
        }
    };
    match kind {
        TypeKind::Single(t) => word(&t.to_string()).to_owned(),
        TypeKind::Multiple(set) => {
            let words: Vec<&str> = set.iter().map(|t| word(&t.to_string())).collect();
            words.join(" or ")
        }
    }
}

impl Translator<'_> {
    fn value_span(&self, pointer: &str) -> Span {
        self.root
            .pointer(pointer)
            .map_or(self.root.span, |n| n.span)
    }

    fn key_span(&self, pointer: &str) -> Span {
        if pointer.is_empty() {
            // The whole document: point at its first line rather than underlining everything.
            return self
                .root
                .entries()
                .first()
                .map_or(Span::new(self.root.span.start, self.root.span.start), |e| {
                    e.key_span
                });
        }
        self.root.key_span(pointer).unwrap_or(self.root.span)
    }

    fn subject(&self, pointer: &str) -> String {
        if pointer.is_empty() {
            format!(
                "the {}",
                match self.kind {
                    FileKind::Tool => "tool",
                    FileKind::Workflow => "workflow",
                    FileKind::Config => "config",
                }
            )
        } else {
            format!("`{}`", field_name(pointer))
        }
    }

    /// The description of the schema node that produced an error, as a hint.
    fn describe(&self, schema_path: &str) -> Option<String> {
        let node = schema_at(self.schema, parent(schema_path))?;
        node.get("description")
            .and_then(Value::as_str)
            .map(help_text)
    }

    fn translate(&self, e: &ValidationError<'_>, out: &mut Vec<Diagnostic>) {
        let ptr = e.instance_path().as_str();
        let schema_path = e.schema_path().as_str();
        let d = |span: Span, msg: String| Diagnostic::at(&META, self.file, span, msg);
        match e.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected }
            | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
                let known: Vec<&str> = schema_at(self.schema, parent(schema_path))
                    .and_then(|s| s.get("properties"))
                    .and_then(Value::as_object)
                    .map(|m| m.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                for key in unexpected {
                    let at = format!("{ptr}/{}", escape(key));
                    let place = if ptr.is_empty() {
                        String::new()
                    } else {
                        format!(" in `{}`", field_name(ptr))
                    };
                    let mut diag = d(self.key_span(&at), format!("unknown field `{key}`{place}"));
                    diag = match did_you_mean(key, known.iter().copied()) {
                        Some(s) => diag.with_help(format!("did you mean `{s}`?")),
                        None if !known.is_empty() && known.len() <= 24 => {
                            diag.with_help(format!("expected one of {}", one_of(&known)))
                        }
                        None => diag,
                    };
                    out.push(diag);
                }
            }
            ValidationErrorKind::Required { property } => {
                let name = render_value(property);
                let mut diag = d(
                    self.key_span(ptr),
                    format!(
                        "{} is missing the required field `{name}`",
                        self.subject(ptr)
                    ),
                );
                // The property may be declared on an enclosing schema (an `if`/`then` adds only
                // `required`): look outward until a `properties` names it.
                let mut at = parent(schema_path);
                let prop_schema = loop {
                    let found = schema_at(self.schema, at)
                        .and_then(|s| s.get("properties"))
                        .and_then(|p| p.get(&name));
                    if found.is_some() || at.is_empty() {
                        break found;
                    }
                    at = parent(at);
                };
                let prop_schema =
                    prop_schema.and_then(|s| match s.get("$ref").and_then(Value::as_str) {
                        Some(r) => r
                            .strip_prefix('#')
                            .and_then(|r| self.schema.pointer(r))
                            .or(Some(s)),
                        None => Some(s),
                    });
                if let Some(desc) = prop_schema
                    .and_then(|s| s.get("description"))
                    .and_then(Value::as_str)
                {
                    let desc = first_sentence(desc).trim_end_matches('.').to_owned();
                    // "Duration: a whole number…" under `duration` would say it twice.
                    let desc = match desc.split_once(": ") {
                        Some((head, rest))
                            if head.eq_ignore_ascii_case(&name) || head == "Duration" =>
                        {
                            rest.to_owned()
                        }
                        _ => lowercase_first(&desc),
                    };
                    diag = diag.with_help(format!("add `{name}`: {desc}"));
                }
                out.push(diag);
            }
            ValidationErrorKind::Enum { options } => {
                let allowed: Vec<String> = options
                    .as_array()
                    .map(|a| a.iter().map(render_value).collect())
                    .unwrap_or_default();
                let value = render_value(e.instance());
                let mut diag = d(
                    self.value_span(ptr),
                    format!("`{value}` is not a valid value for {}", self.subject(ptr)),
                );
                let allowed_ref: Vec<&str> = allowed.iter().map(String::as_str).collect();
                diag = match did_you_mean(&value, allowed_ref.iter().copied()) {
                    Some(s) => {
                        diag.with_help(format!("did you mean `{s}`? expected {}", one_of(&allowed)))
                    }
                    None => diag.with_help(format!("expected {}", one_of(&allowed))),
                };
                out.push(diag);
            }
            ValidationErrorKind::Constant { expected_value } => {
                out.push(d(
                    self.value_span(ptr),
                    format!(
                        "{} must be `{}`",
                        self.subject(ptr),
                        render_value(expected_value)
                    ),
                ));
            }
            ValidationErrorKind::Type { kind } => {
                let found = self.root.pointer(ptr).map_or("a value", Node::type_name);
                let mut diag = d(
                    self.value_span(ptr),
                    format!(
                        "{} must be {}, not {found}",
                        self.subject(ptr),
                        type_words(kind)
                    ),
                );
                if let Some(desc) = self.describe(schema_path) {
                    diag = diag.with_help(desc);
                }
                out.push(diag);
            }
            ValidationErrorKind::Pattern { .. } => {
                let value = render_value(e.instance());
                let mut diag = d(
                    self.value_span(ptr),
                    format!(
                        "`{value}` is not in the expected format for {}",
                        self.subject(ptr)
                    ),
                );
                if let Some(desc) = self.describe(schema_path) {
                    diag = diag.with_help(desc);
                }
                out.push(diag);
            }
            ValidationErrorKind::AnyOf { context }
            | ValidationErrorKind::OneOfNotValid { context } => {
                // Show the one branch that came closest, not a wall of every branch's errors.
                match best_branch(context) {
                    Some(branch) => {
                        for inner in branch {
                            self.translate(inner, out);
                        }
                    }
                    None => out.push(d(
                        self.value_span(ptr),
                        format!("{} does not match any allowed form", self.subject(ptr)),
                    )),
                }
            }
            ValidationErrorKind::FalseSchema => {
                out.push(d(
                    self.key_span(ptr),
                    format!("{} is not allowed here", self.subject(ptr)),
                ));
            }
            ValidationErrorKind::Not { schema } => {
                // `not: {required: [x]}` forbids a field in this combination: point at it.
                let forbidden: Vec<&str> = schema
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let (span, message) = match forbidden.first() {
                    Some(field) => (
                        self.key_span(&format!("{ptr}/{}", escape(field))),
                        format!(
                            "{} cannot set `{field}` together with the fields it already has",
                            self.subject(ptr)
                        ),
                    ),
                    None => (
                        self.key_span(ptr),
                        format!(
                            "{} combines fields that cannot be used together",
                            self.subject(ptr)
                        ),
                    ),
                };
                let mut diag = d(span, message);
                if let Some(desc) = schema_at(self.schema, parent(parent(schema_path)))
                    .and_then(|s| s.get("description"))
                    .and_then(Value::as_str)
                {
                    diag = diag.with_help(help_text(desc));
                }
                out.push(diag);
            }
            _ => {
                let mut diag = d(
                    self.value_span(ptr),
                    format!(
                        "{}: {}",
                        self.subject(ptr),
                        e.to_string().trim_end_matches('.')
                    ),
                );
                if let Some(desc) = self.describe(schema_path) {
                    diag = diag.with_help(desc);
                }
                out.push(diag);
            }
        }
    }
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if !s.starts_with("MCP") && !s.starts_with("JSON") => {
            c.to_lowercase().chain(chars).collect()
        }
        _ => s.to_owned(),
    }
}

/// The branch with the deepest errors (it got furthest), then the fewest.
fn best_branch<'e>(
    branches: &'e [Vec<ValidationError<'static>>],
) -> Option<&'e Vec<ValidationError<'static>>> {
    branches.iter().filter(|b| !b.is_empty()).max_by_key(|b| {
        let depth = b
            .iter()
            .map(|e| e.instance_path().as_str().matches('/').count())
            .max()
            .unwrap_or(0);
        (depth, std::cmp::Reverse(b.len()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_schemas_compile() {
        for kind in [FileKind::Tool, FileKind::Workflow, FileKind::Config] {
            let _ = compiled(kind);
        }
    }

    #[test]
    fn field_names_read_like_paths() {
        assert_eq!(field_name("/handler/command/0"), "handler.command[0]");
        assert_eq!(field_name("/tools/2/risk"), "tools[2].risk");
        assert_eq!(field_name("/a~1b"), "a/b");
    }

    #[test]
    fn schema_paths_follow_refs() {
        let s: Value = serde_json::from_str(TOOL).unwrap();
        let tool = schema_at(&s, "/else/$ref").unwrap();
        assert!(tool.get("properties").unwrap().get("risk").is_some());
        assert!(schema_at(&s, "/$defs/tool/properties/risk").is_some());
    }
}
