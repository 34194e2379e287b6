//! YAML and TOML text → a spanned [`Node`] tree plus the problems found on the way.
//!
//! YAML goes through `saphyr-parser`'s event stream rather than a serde deserialiser: a linter
//! needs every key's span, duplicate keys reported (not silently merged), alias expansion
//! counted against a budget ("billion laughs") and nesting bounded — all before any value is
//! built. TOML goes through `toml`'s spanned `DeTable`. Invariant: never panics, never recurses
//! deeper than [`Limits::max_depth`], never builds more than [`Limits::max_nodes`] nodes.

use super::node::{Entry, Limits, Node, Value};
use super::source::{SourceFile, Span};
use saphyr_parser::{Event, Marker, Parser, ScalarStyle};
use serde_json::Number;
use std::collections::HashMap;

/// What kind of problem a parser found; the linter maps each to a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IssueKind {
    Syntax,
    DuplicateKey,
    Limit,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Issue {
    pub kind: IssueKind,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
    /// Another place the finding refers to (the first occurrence of a duplicate key).
    pub related: Option<(Span, String)>,
}

impl Issue {
    fn new(kind: IssueKind, span: Span, message: impl Into<String>) -> Self {
        Self {
            kind,
            span,
            message: message.into(),
            help: None,
            related: None,
        }
    }
}

/// A parsed document: `root` is `None` for an empty file or when parsing stopped early.
#[derive(Debug, Default)]
pub struct Parsed {
    pub root: Option<Node>,
    pub issues: Vec<Issue>,
}

// ---------------------------------------------------------------------------------------------
// YAML

enum Frame {
    Seq {
        start: usize,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        anchor: usize,
        entries: Vec<Entry>,
        key: Option<(String, Span)>,
        seen: HashMap<String, Span>,
    },
}

struct Builder<'a> {
    file: &'a SourceFile,
    ascii: bool,
    limits: Limits,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Node, usize)>,
    nodes: usize,
    issues: Vec<Issue>,
    root: Option<Node>,
}

impl Builder<'_> {
    fn offset(&self, m: &Marker) -> usize {
        if self.ascii {
            m.index().min(self.file.text.len())
        } else {
            self.file.offset_of(m.line(), m.col())
        }
    }

    fn span(&self, s: &saphyr_parser::Span) -> Span {
        let start = self.offset(&s.start);
        Span::new(start, self.offset(&s.end).max(start))
    }

    /// Adds `count` nodes to the budget; `false` (with an issue) once it is spent.
    fn spend(&mut self, count: usize, span: Span) -> bool {
        self.nodes = self.nodes.saturating_add(count);
        if self.nodes > self.limits.max_nodes {
            let mut issue = Issue::new(
                IssueKind::Limit,
                span,
                format!(
                    "document expands to more than {} values; aliases may be nested to blow up its size",
                    self.limits.max_nodes
                ),
            );
            issue.help = Some("remove the nested aliases (`*name`) or split the file".into());
            self.issues.push(issue);
            return false;
        }
        true
    }

    /// Hands a finished node to its parent; `false` stops the parse.
    fn complete(&mut self, node: Node, anchor: usize) -> bool {
        if anchor != 0 {
            let size = count_nodes(&node);
            self.anchors.insert(anchor, (node.clone(), size));
        }
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries, key, seen, ..
            }) => match key.take() {
                None => match node.value {
                    Value::String(s) => *key = Some((s, node.span)),
                    Value::Bool(_) | Value::Number(_) | Value::Null => {
                        let text = scalar_text(&node.value);
                        *key = Some((text, node.span));
                    }
                    Value::Seq(_) | Value::Map(_) => {
                        self.issues.push(Issue::new(
                            IssueKind::Syntax,
                            node.span,
                            "mapping keys must be plain scalars, not lists or mappings",
                        ));
                        return false;
                    }
                },
                Some((k, key_span)) => {
                    if let Some(first) = seen.get(&k) {
                        let mut issue = Issue::new(
                            IssueKind::DuplicateKey,
                            key_span,
                            format!("key `{k}` is defined twice in this mapping"),
                        );
                        issue.help =
                            Some("remove one of them; YAML loaders silently keep only the last".into());
                        issue.related = Some((*first, "first defined here".into()));
                        self.issues.push(issue);
                    } else {
                        seen.insert(k.clone(), key_span);
                    }
                    entries.push(Entry {
                        key: k,
                        key_span,
                        value: node,
                    });
                }
            },
        }
        true
    }

    fn scalar(&mut self, text: &str, style: ScalarStyle, tag: Option<&saphyr_parser::Tag>, span: Span) -> Option<Value> {
        let tag = tag.filter(|t| t.handle == "tag:yaml.org,2002:" || t.handle == "!!").map(|t| t.suffix.as_str());
        if style != ScalarStyle::Plain || tag == Some("str") {
            return Some(Value::String(text.to_owned()));
        }
        match resolve_plain(text) {
            Ok(v) => Some(v),
            Err(message) => {
                let mut issue = Issue::new(IssueKind::Syntax, span, message);
                issue.help = Some("quote the value to keep it as a string".into());
                self.issues.push(issue);
                Some(Value::String(text.to_owned()))
            }
        }
    }
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Seq(_) | Value::Map(_) => String::new(),
    }
}

fn count_nodes(node: &Node) -> usize {
    1 + match &node.value {
        Value::Seq(items) => items.iter().map(count_nodes).sum(),
        Value::Map(entries) => entries.iter().map(|e| count_nodes(&e.value)).sum(),
        _ => 0,
    }
}

/// YAML 1.2 core schema resolution of a plain scalar.
fn resolve_plain(text: &str) -> Result<Value, String> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Value::Null),
        "true" | "True" | "TRUE" => return Ok(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Ok(Value::Bool(false)),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => {
            return Err(format!("`{text}` is not a number JSON can hold"));
        }
        _ => {}
    }
    let bytes = text.as_bytes();
    let digits = bytes.strip_prefix(b"-").or_else(|| bytes.strip_prefix(b"+")).unwrap_or(bytes);
    if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) {
        if let Ok(i) = text.parse::<i64>() {
            return Ok(Value::Number(i.into()));
        }
        if let Ok(u) = text.trim_start_matches('+').parse::<u64>() {
            return Ok(Value::Number(u.into()));
        }
        return float(text);
    }
    for (prefix, radix) in [("0o", 8), ("0x", 16)] {
        if let Some(rest) = text.strip_prefix(prefix) {
            if !rest.is_empty() && rest.chars().all(|c| c.is_digit(radix)) {
                return match u64::from_str_radix(rest, radix) {
                    Ok(u) => Ok(Value::Number(u.into())),
                    Err(_) => Err(format!("`{text}` is too large for a 64-bit integer")),
                };
            }
        }
    }
    if looks_like_float(digits) {
        return float(text);
    }
    Ok(Value::String(text.to_owned()))
}

fn looks_like_float(b: &[u8]) -> bool {
    // [0-9]*(\.[0-9]*)?([eE][-+]?[0-9]+)? with at least one digit in the mantissa
    let mut i = 0;
    let mut mantissa = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        mantissa += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            mantissa += 1;
        }
    }
    if mantissa == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let exp = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp {
            return false;
        }
    }
    i == b.len()
}

fn float(text: &str) -> Result<Value, String> {
    match text.parse::<f64>().ok().and_then(Number::from_f64) {
        Some(n) => Ok(Value::Number(n)),
        None => Err(format!("`{text}` is out of range for a number")),
    }
}

/// Parses the one YAML document of `file`.
pub fn yaml(file: &SourceFile, limits: Limits) -> Parsed {
    let mut b = Builder {
        file,
        ascii: file.text.is_ascii(),
        limits,
        stack: Vec::new(),
        anchors: HashMap::new(),
        nodes: 0,
        issues: Vec::new(),
        root: None,
    };
    let mut documents = 0;
    for item in Parser::new_from_str(&file.text) {
        let (event, span) = match item {
            Ok(pair) => pair,
            Err(e) => {
                let at = b.offset(e.marker());
                b.issues.push(Issue::new(
                    IssueKind::Syntax,
                    Span::new(at, at),
                    e.info().to_owned(),
                ));
                return Parsed { root: None, issues: b.issues };
            }
        };
        let sp = b.span(&span);
        let keep_going = match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    let mut issue = Issue::new(
                        IssueKind::Syntax,
                        sp,
                        "a second YAML document starts here; a lynx file holds one document",
                    );
                    issue.help = Some("move the second document into a file of its own".into());
                    b.issues.push(issue);
                    false
                } else {
                    true
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                b.spend(1, sp)
                    && match b.scalar(&text, style, tag.as_deref(), sp) {
                        Some(v) => b.complete(Node::new(sp, v), anchor),
                        None => false,
                    }
            }
            Event::Alias(id) => match b.anchors.get(&id).cloned() {
                Some((node, size)) => b.spend(size, sp) && b.complete(Node::new(sp, node.value), 0),
                None => {
                    b.issues.push(Issue::new(IssueKind::Syntax, sp, "alias refers to an unknown anchor"));
                    false
                }
            },
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if b.stack.len() >= limits.max_depth {
                    let mut issue = Issue::new(
                        IssueKind::Limit,
                        sp,
                        format!("nesting is deeper than {} levels", limits.max_depth),
                    );
                    issue.help = Some("flatten the structure; no lynx file needs this depth".into());
                    b.issues.push(issue);
                    false
                } else if b.spend(1, sp) {
                    b.stack.push(if matches!(event, Event::SequenceStart(..)) {
                        Frame::Seq { start: sp.start, anchor, items: Vec::new() }
                    } else {
                        Frame::Map {
                            start: sp.start,
                            anchor,
                            entries: Vec::new(),
                            key: None,
                            seen: HashMap::new(),
                        }
                    });
                    true
                } else {
                    false
                }
            }
            Event::SequenceEnd | Event::MappingEnd => match b.stack.pop() {
                Some(Frame::Seq { start, anchor, items }) => {
                    let end = items.last().map_or(sp.end, |n| n.span.end).max(start);
                    b.complete(Node::new(Span::new(start, end), Value::Seq(items)), anchor)
                }
                Some(Frame::Map { start, anchor, entries, .. }) => {
                    let end = entries.last().map_or(sp.end, |e| e.value.span.end).max(start);
                    b.complete(Node::new(Span::new(start, end), Value::Map(entries)), anchor)
                }
                None => true,
            },
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => true,
        };
        if !keep_going {
            return Parsed { root: None, issues: b.issues };
        }
    }
    Parsed { root: b.root, issues: b.issues }
}

// ---------------------------------------------------------------------------------------------
// TOML

/// Parses `file` as TOML. Duplicate keys are syntax errors in TOML, reported by the parser.
pub fn toml(file: &SourceFile, limits: Limits) -> Parsed {
    use toml::de::{DeTable, DeValue};
    let (table, errors) = DeTable::parse_recoverable(&file.text);
    let mut issues: Vec<Issue> = errors
        .iter()
        .map(|e| {
            let span = e.span().map_or(Span::default(), |r| Span::new(r.start, r.end));
            let kind = if e.message().contains("duplicate key") {
                IssueKind::DuplicateKey
            } else {
                IssueKind::Syntax
            };
            Issue::new(kind, span, e.message().trim().to_owned())
        })
        .collect();
    if !issues.is_empty() {
        return Parsed { root: None, issues };
    }

    fn convert(
        value: &DeValue<'_>,
        span: Span,
        depth: usize,
        limits: Limits,
        issues: &mut Vec<Issue>,
    ) -> Option<Node> {
        if depth > limits.max_depth {
            issues.push(Issue::new(
                IssueKind::Limit,
                span,
                format!("nesting is deeper than {} levels", limits.max_depth),
            ));
            return None;
        }
        let v = match value {
            DeValue::String(s) => Value::String(s.to_string()),
            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) => Value::Number(n.into()),
                Err(_) => {
                    issues.push(Issue::new(IssueKind::Syntax, span, "integer out of range"));
                    return None;
                }
            },
            DeValue::Float(f) => match f.as_str().parse::<f64>().ok().and_then(Number::from_f64) {
                Some(n) => Value::Number(n),
                None => {
                    issues.push(Issue::new(
                        IssueKind::Syntax,
                        span,
                        format!("`{}` is not a number JSON can hold", f.as_str()),
                    ));
                    return None;
                }
            },
            DeValue::Boolean(b) => Value::Bool(*b),
            DeValue::Datetime(d) => Value::String(d.to_string()),
            DeValue::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    let s = item.span();
                    out.push(convert(item.get_ref(), Span::new(s.start, s.end), depth + 1, limits, issues)?);
                }
                Value::Seq(out)
            }
            DeValue::Table(table) => {
                let mut entries = Vec::with_capacity(table.len());
                for (k, v) in table.iter() {
                    let ks = k.span();
                    let vs = v.span();
                    entries.push(Entry {
                        key: k.get_ref().to_string(),
                        key_span: Span::new(ks.start, ks.end),
                        value: convert(v.get_ref(), Span::new(vs.start, vs.end), depth + 1, limits, issues)?,
                    });
                }
                entries.sort_by_key(|e| e.key_span.start);
                Value::Map(entries)
            }
        };
        Some(Node::new(span, v))
    }

    let span = table.span();
    let root = DeValue::Table(table.into_inner());
    let root = convert(&root, Span::new(span.start, span.end), 0, limits, &mut issues);
    Parsed { root, issues }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("t".into(), "t".into(), text.into())
    }

    fn yaml_of(text: &str) -> Parsed {
        yaml(&file(text), Limits::default())
    }

    #[test]
    fn resolves_core_schema_scalars() {
        let p = yaml_of("a: 1\nb: -2.5\nc: true\nd: ~\ne: '1'\nf: 0x1F\ng: hello\nh: 1e3\n");
        assert!(p.issues.is_empty(), "{:?}", p.issues);
        assert_eq!(
            p.root.unwrap().to_json(),
            serde_json::json!({"a":1,"b":-2.5,"c":true,"d":null,"e":"1","f":31,"g":"hello","h":1000.0})
        );
    }

    #[test]
    fn spans_point_at_keys_and_values() {
        let f = file("id: x\nhandler:\n  kind: exec\n");
        let root = yaml(&f, Limits::default()).root.unwrap();
        let kind = root.pointer("/handler/kind").unwrap();
        assert_eq!(&f.text[kind.span.range()], "exec");
        let key = root.key_span("/handler/kind").unwrap();
        assert_eq!(&f.text[key.range()], "kind");
        assert_eq!(f.line_col(key.start).line, 3);
    }

    #[test]
    fn non_ascii_spans_are_byte_ranges() {
        let f = file("título: \"ünïcode\"\nnext: 1\n");
        let root = yaml(&f, Limits::default()).root.unwrap();
        let n = root.pointer("/next").unwrap();
        assert_eq!(&f.text[n.span.range()], "1");
    }

    #[test]
    fn duplicate_keys_are_reported_with_both_places() {
        let p = yaml_of("a: 1\nb: 2\na: 3\n");
        assert_eq!(p.issues.len(), 1);
        let issue = &p.issues[0];
        assert_eq!(issue.kind, IssueKind::DuplicateKey);
        assert_eq!(issue.span, Span::new(10, 11));
        assert_eq!(issue.related.as_ref().unwrap().0, Span::new(0, 1));
    }

    #[test]
    fn alias_bomb_is_stopped_by_the_budget() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let refs = vec![format!("*a{}", i - 1); 9].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let p = yaml_of(&text);
        assert!(p.root.is_none());
        assert_eq!(p.issues[0].kind, IssueKind::Limit);
    }

    #[test]
    fn deep_nesting_is_refused_without_recursion() {
        let text = "[".repeat(10_000) + &"]".repeat(10_000);
        let p = yaml_of(&text);
        assert!(p.root.is_none());
        assert!(!p.issues.is_empty());
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let p = yaml_of("a: [1, 2\nb: 3\n");
        assert_eq!(p.issues[0].kind, IssueKind::Syntax);
        assert!(p.root.is_none());
    }

    #[test]
    fn second_document_is_an_error() {
        let p = yaml_of("a: 1\n---\nb: 2\n");
        assert_eq!(p.issues[0].kind, IssueKind::Syntax);
    }

    #[test]
    fn infinity_and_huge_numbers_are_reported() {
        let p = yaml_of("a: .inf\nb: 1e999\nc: 123456789012345678901234567890\n");
        assert_eq!(p.issues.len(), 2, "{:?}", p.issues);
        let root = p.root.unwrap();
        assert!(root.pointer("/c").unwrap().to_json().is_f64());
    }

    #[test]
    fn empty_file_has_no_root() {
        let p = yaml_of("# only a comment\n");
        assert!(p.root.is_none() && p.issues.is_empty());
    }

    #[test]
    fn toml_keeps_spans_and_order() {
        let f = file("[server]\nlisten = \"127.0.0.1:1\"\n\n[project]\nname = \"x\"\n");
        let p = toml(&f, Limits::default());
        assert!(p.issues.is_empty());
        let root = p.root.unwrap();
        assert_eq!(root.entries()[0].key, "server");
        let listen = root.pointer("/server/listen").unwrap();
        assert_eq!(&f.text[listen.span.range()], "\"127.0.0.1:1\"");
    }

    #[test]
    fn toml_duplicate_key_is_its_own_kind() {
        let p = toml(&file("a = 1\na = 2\n"), Limits::default());
        assert_eq!(p.issues[0].kind, IssueKind::DuplicateKey);
    }
}
