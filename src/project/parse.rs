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

/// A sequence or mapping being built.
enum Collection {
    Seq(Vec<Node>),
    Map {
        entries: Vec<Entry>,
        key: Option<(String, Span)>,
        seen: Option<HashMap<String, Span>>,
    },
}

struct Frame {
    start: usize,
    anchor: usize,
    /// The deepest nesting among the finished children (0 while there are only scalars).
    height: usize,
    collection: Collection,
}

/// What the parse has built so far, or what one more copy of a node costs.
#[derive(Clone, Copy, Debug, Default)]
struct Cost {
    nodes: usize,
    /// Bytes of scalar text (keys included).
    bytes: usize,
}

/// An anchored node (`&name`), kept to expand its aliases (`*name`).
struct Anchored {
    node: Node,
    cost: Cost,
    /// How many levels of nesting the node adds where an alias puts it.
    height: usize,
}

struct Builder<'a> {
    file: &'a SourceFile,
    ascii: bool,
    limits: Limits,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    spent: Cost,
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

    /// Adds `cost` to the budget; `false` (with an issue) once it is spent. Anchors and aliases
    /// are charged for every copy they make (`copy`), so the budget bounds memory as well as
    /// time.
    fn spend(&mut self, cost: Cost, span: Span, copy: bool) -> bool {
        self.spent.nodes = self.spent.nodes.saturating_add(cost.nodes);
        self.spent.bytes = self.spent.bytes.saturating_add(cost.bytes);
        let aliases = copy || !self.anchors.is_empty();
        let (message, help) = if self.spent.nodes > self.limits.max_nodes {
            if aliases {
                (
                    format!(
                        "document expands to more than {} values; aliases may be nested to blow up its size",
                        self.limits.max_nodes
                    ),
                    "remove the nested aliases (`*name`) or split the file",
                )
            } else {
                (
                    format!("document holds more than {} values", self.limits.max_nodes),
                    "split the file; no lynx file needs this many values",
                )
            }
        } else if self.spent.bytes > self.limits.max_bytes {
            (
                format!(
                    "document expands to more than {} MiB of text; aliases repeat a large value too often",
                    self.limits.max_bytes / (1024 * 1024)
                ),
                "remove the aliases (`*name`) of large values, or split the file",
            )
        } else {
            return true;
        };
        let mut issue = Issue::new(IssueKind::Limit, span, message);
        issue.help = Some(help.into());
        self.issues.push(issue);
        false
    }

    fn too_deep(&mut self, span: Span, message: String) -> bool {
        let mut issue = Issue::new(IssueKind::Limit, span, message);
        issue.help = Some("flatten the structure; no lynx file needs this depth".into());
        self.issues.push(issue);
        false
    }

    /// Hands a finished node, `height` levels deep, to its parent; `false` stops the parse.
    fn complete(&mut self, node: Node, anchor: usize, height: usize) -> bool {
        if anchor != 0 {
            let cost = measure(&node);
            // Keeping the anchor is a copy: charge it, or nested anchors multiply memory.
            if !self.spend(cost, node.span, true) {
                return false;
            }
            let kept = Anchored {
                node: node.clone(),
                cost,
                height,
            };
            self.anchors.insert(anchor, kept);
        }
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(node);
            return true;
        };
        frame.height = frame.height.max(height);
        match &mut frame.collection {
            Collection::Seq(items) => items.push(node),
            Collection::Map { entries, key, seen } => match key.take() {
                None => match node.value {
                    Value::String(s) => *key = Some((s, node.span)),
                    Value::Bool(_) | Value::Number(_) | Value::Null => {
                        let text = scalar_text(&node.value);
                        *key = Some((text, node.span));
                    }
                    Value::Seq(_) | Value::Map(_) => {
                        let mut issue = Issue::new(
                            IssueKind::Syntax,
                            node.span,
                            "mapping keys must be plain scalars, not lists or mappings",
                        );
                        issue.help = Some("use a string key".into());
                        self.issues.push(issue);
                        return false;
                    }
                },
                Some((k, key_span)) => {
                    // Small mappings (nearly all) are scanned; a hash set is built only for
                    // large ones, so duplicate detection stays linear without a map per mapping.
                    if seen.is_none() && entries.len() >= 16 {
                        let mut map = HashMap::with_capacity(entries.len() * 2);
                        for e in entries.iter() {
                            map.entry(e.key.clone()).or_insert(e.key_span);
                        }
                        *seen = Some(map);
                    }
                    let first = match seen {
                        Some(map) => map.get(&k).copied(),
                        None => entries.iter().find(|e| e.key == k).map(|e| e.key_span),
                    };
                    if let Some(first) = first {
                        let mut issue = Issue::new(
                            IssueKind::DuplicateKey,
                            key_span,
                            format!("key `{k}` is defined twice in this mapping"),
                        );
                        issue.help = Some(
                            "remove one of them; YAML loaders silently keep only the last".into(),
                        );
                        issue.related = Some((first, "first defined here".into()));
                        self.issues.push(issue);
                    } else if let Some(map) = seen {
                        map.insert(k.clone(), key_span);
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

    /// A scalar's value: quoted and `!!str` scalars are strings, plain ones resolve by the
    /// YAML 1.2 core schema, other core tags are checked, and tags lynx cannot represent are
    /// reported (the value is then read as if untagged).
    fn scalar(
        &mut self,
        owned: std::borrow::Cow<'_, str>,
        style: ScalarStyle,
        tag: Option<&saphyr_parser::Tag>,
        span: Span,
    ) -> Value {
        let text: &str = &owned;
        let string = || Value::String(text.to_owned());
        if let Some(tag) = tag {
            match core_tag(tag) {
                Some("str") => return string(),
                Some(want @ ("int" | "float" | "bool" | "null")) => {
                    let v = resolve_plain(text).unwrap_or(Value::String(String::new()));
                    let v = match (want, v) {
                        ("int", v @ Value::Number(_)) if !is_float(&v) => Some(v),
                        ("float", Value::Number(n)) => {
                            n.as_f64().and_then(Number::from_f64).map(Value::Number)
                        }
                        ("bool", v @ Value::Bool(_)) | ("null", v @ Value::Null) => Some(v),
                        _ => None,
                    };
                    return match v {
                        Some(v) => v,
                        None => {
                            let mut issue = Issue::new(
                                IssueKind::Syntax,
                                span,
                                format!("`{text}` is not a valid `!!{want}`"),
                            );
                            issue.help =
                                Some(format!("fix the value, or remove the `!!{want}` tag"));
                            self.issues.push(issue);
                            string()
                        }
                    };
                }
                _ if is_non_specific(tag) => return string(),
                _ => self.unsupported_tag(tag, span),
            }
        }
        // Most scalars are strings: hand over the parser's buffer instead of copying it.
        if style != ScalarStyle::Plain || plain_is_string(text) {
            return Value::String(owned.into_owned());
        }
        match resolve_plain(text) {
            Ok(v) => v,
            Err(message) => {
                let mut issue = Issue::new(IssueKind::Syntax, span, message);
                issue.help = Some("quote the value to keep it as a string".into());
                self.issues.push(issue);
                string()
            }
        }
    }

    /// Checks the tag of a sequence or mapping (`!!seq`, `!!map` or none).
    fn collection_tag(&mut self, tag: Option<&saphyr_parser::Tag>, seq: bool, span: Span) {
        let Some(tag) = tag else { return };
        match core_tag(tag) {
            Some("seq") if seq => {}
            Some("map") if !seq => {}
            _ if is_non_specific(tag) => {}
            _ => self.unsupported_tag(tag, span),
        }
    }

    fn unsupported_tag(&mut self, tag: &saphyr_parser::Tag, span: Span) {
        let mut issue = Issue::new(
            IssueKind::Syntax,
            span,
            format!(
                "the YAML tag `{}` is not supported in lynx files",
                tag_name(tag)
            ),
        );
        issue.help = Some(
            "remove the tag; lynx files hold plain strings, numbers, booleans, lists and mappings"
                .into(),
        );
        self.issues.push(issue);
    }
}

/// The suffix of a YAML core schema tag (`!!int` → `int`).
fn core_tag(tag: &saphyr_parser::Tag) -> Option<&str> {
    const CORE: &str = "tag:yaml.org,2002:";
    match tag.handle.as_str() {
        CORE | "!!" => Some(tag.suffix.as_str()),
        // verbatim: `!<tag:yaml.org,2002:str>`
        "" => tag.suffix.strip_prefix(CORE),
        _ => None,
    }
}

/// The non-specific tag `!`, which only says "not resolved by content" (a string).
fn is_non_specific(tag: &saphyr_parser::Tag) -> bool {
    tag.handle.is_empty() && tag.suffix == "!"
}

/// A tag as the user wrote it (near enough): `!!binary`, `!foo`, `!<tag:example.com,2000:x>`
/// (verbatim tags have an empty handle; `%TAG` handles are shown expanded).
fn tag_name(tag: &saphyr_parser::Tag) -> String {
    if let Some(suffix) = core_tag(tag) {
        format!("!!{suffix}")
    } else if tag.handle == "!" {
        format!("!{}", tag.suffix)
    } else {
        format!("!<{}{}>", tag.handle, tag.suffix)
    }
}

fn is_float(v: &Value) -> bool {
    matches!(v, Value::Number(n) if n.is_f64())
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

/// Nodes and scalar bytes in a tree (its depth is bounded, so recursion is safe).
fn measure(node: &Node) -> Cost {
    let mut cost = Cost { nodes: 1, bytes: 0 };
    let mut add = |c: Cost| {
        cost.nodes = cost.nodes.saturating_add(c.nodes);
        cost.bytes = cost.bytes.saturating_add(c.bytes);
    };
    match &node.value {
        Value::Seq(items) => items.iter().for_each(|n| add(measure(n))),
        Value::Map(entries) => entries.iter().for_each(|e| {
            add(Cost {
                nodes: 1,
                bytes: e.key.len(),
            });
            add(measure(&e.value));
        }),
        Value::String(s) => add(Cost {
            nodes: 0,
            bytes: s.len(),
        }),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
    cost
}

/// YAML 1.2 core schema resolution of a plain scalar.
/// Whether a plain scalar is certainly a string under the core schema (cheap pre-check: it
/// starts with a letter other than those of `true`, `false`, `null` and their cases, and is not
/// empty).
fn plain_is_string(text: &str) -> bool {
    text.as_bytes().first().is_some_and(|b| {
        b.is_ascii_alphabetic() && !matches!(b, b't' | b'T' | b'f' | b'F' | b'n' | b'N')
            || *b == b'/'
            || *b == b'_'
    })
}

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
    let digits = bytes
        .strip_prefix(b"-")
        .or_else(|| bytes.strip_prefix(b"+"))
        .unwrap_or(bytes);
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
        if let Some(rest) = text.strip_prefix(prefix)
            && !rest.is_empty()
            && rest.chars().all(|c| c.is_digit(radix))
        {
            return match u64::from_str_radix(rest, radix) {
                Ok(u) => Ok(Value::Number(u.into())),
                Err(_) => Err(format!("`{text}` is too large for a 64-bit integer")),
            };
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
        spent: Cost::default(),
        issues: Vec::new(),
        root: None,
    };
    let mut documents = 0;
    for item in Parser::new_from_str(&file.text) {
        let (event, span) = match item {
            Ok(pair) => pair,
            Err(e) => {
                let at = b.offset(e.marker());
                b.issues.push(scan_error(&file.text, at, e.info(), limits));
                return Parsed {
                    root: None,
                    issues: b.issues,
                };
            }
        };
        let sp = b.span(&span);
        let seq = matches!(event, Event::SequenceStart(..));
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
                let cost = Cost {
                    nodes: 1,
                    bytes: text.len(),
                };
                if b.spend(cost, sp, false) {
                    let v = b.scalar(text, style, tag.as_deref(), sp);
                    b.complete(Node::new(sp, v), anchor, 0)
                } else {
                    false
                }
            }
            Event::Alias(id) => match b.anchors.get(&id) {
                Some(a) => {
                    let (cost, height) = (a.cost, a.height);
                    if b.stack.len() + height > limits.max_depth {
                        b.too_deep(
                            sp,
                            format!(
                                "nesting is deeper than {} levels once this alias is expanded",
                                limits.max_depth
                            ),
                        )
                    } else if b.spend(cost, sp, true) {
                        // Charged before copying: a rejected alias costs nothing.
                        let value = b.anchors[&id].node.value.clone();
                        b.complete(Node::new(sp, value), 0, height)
                    } else {
                        false
                    }
                }
                None => {
                    let mut issue =
                        Issue::new(IssueKind::Syntax, sp, "alias refers to an unknown anchor");
                    issue.help = Some(
                        "define the anchor (`&name`) before this alias, outside the value it names"
                            .into(),
                    );
                    b.issues.push(issue);
                    false
                }
            },
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) => {
                if b.stack.len() >= limits.max_depth {
                    b.too_deep(
                        sp,
                        format!("nesting is deeper than {} levels", limits.max_depth),
                    )
                } else if b.spend(Cost { nodes: 1, bytes: 0 }, sp, false) {
                    b.collection_tag(tag.as_deref(), seq, sp);
                    let collection = if seq {
                        Collection::Seq(Vec::new())
                    } else {
                        Collection::Map {
                            entries: Vec::new(),
                            key: None,
                            seen: None,
                        }
                    };
                    b.stack.push(Frame {
                        start: sp.start,
                        anchor,
                        height: 0,
                        collection,
                    });
                    true
                } else {
                    false
                }
            }
            Event::SequenceEnd | Event::MappingEnd => match b.stack.pop() {
                Some(frame) => {
                    let (end, value) = match frame.collection {
                        Collection::Seq(items) => {
                            (items.last().map(|n| n.span.end), Value::Seq(items))
                        }
                        Collection::Map { entries, .. } => (
                            entries.last().map(|e| e.value.span.end),
                            Value::Map(entries),
                        ),
                    };
                    let end = end.unwrap_or(sp.end).max(frame.start);
                    let node = Node::new(Span::new(frame.start, end), value);
                    b.complete(node, frame.anchor, frame.height + 1)
                }
                None => true,
            },
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => true,
        };
        if !keep_going {
            return Parsed {
                root: None,
                issues: b.issues,
            };
        }
    }
    Parsed {
        root: b.root,
        issues: b.issues,
    }
}

/// A scanner error as an issue: the parser's own nesting limit is an `input-limit` finding, and a
/// tab in indentation is pointed at the tab itself.
fn scan_error(text: &str, mut at: usize, info: &str, limits: Limits) -> Issue {
    if info.contains("recursion limit") {
        let mut issue = Issue::new(
            IssueKind::Limit,
            Span::new(at, at),
            format!("nesting is deeper than {} levels", limits.max_depth),
        );
        issue.help = Some("flatten the structure; no lynx file needs this depth".into());
        return issue;
    }
    let mut help = None;
    if info.contains("tab") {
        let bytes = text.as_bytes();
        while at > 0 && bytes.get(at - 1) == Some(&b'\t') {
            at -= 1;
        }
        help = Some("indent with spaces; YAML does not allow tabs in indentation".to_owned());
    }
    let mut issue = Issue::new(IssueKind::Syntax, Span::new(at, at), info.to_owned());
    issue.help = help;
    issue
}

// ---------------------------------------------------------------------------------------------
// TOML

/// A TOML duplicate key, named, with the earlier definition in the same table when it can be
/// found.
fn toml_duplicate(file: &SourceFile, span: Span) -> Issue {
    let key = file.text.get(span.range()).unwrap_or("").trim();
    let mut issue = Issue::new(
        IssueKind::DuplicateKey,
        span,
        format!("key `{key}` is defined twice"),
    );
    issue.help = Some("remove one of them; TOML does not allow a key twice".into());
    // Look back through the current table for the first definition.
    let line = file.line_col(span.start).line;
    for l in (1..line).rev() {
        let text = file.line_text(l).trim_start();
        if text.starts_with('[') && !key.starts_with('[') {
            break;
        }
        let defines = text
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with('=') || key.starts_with('['));
        if defines && !key.is_empty() {
            let start = file.offset_of(l, file.line_text(l).len() - text.len());
            issue.related = Some((
                Span::new(start, start + key.len()),
                "first defined here".into(),
            ));
            break;
        }
    }
    issue
}

/// A TOML syntax error; an unquoted string value gets the fix spelled out.
fn toml_syntax(file: &SourceFile, span: Span, message: &str) -> Issue {
    let mut issue = Issue::new(IssueKind::Syntax, span, message.to_owned());
    let line = file.line_col(span.start).line;
    let text = file.line_text(line);
    if let Some((key, value)) = text.split_once('=') {
        let value = value.split(" #").next().unwrap_or("").trim();
        let structured = value.starts_with(['"', '\'', '[', '{'])
            || matches!(value, "true" | "false")
            || value.parse::<f64>().is_ok();
        if !value.is_empty() && !structured {
            let line_start = file.offset_of(line, 0);
            if let Some(at) = text.find(value) {
                // Underline the whole value, not just where the parser gave up.
                issue.span = Span::new(line_start + at, line_start + at + value.len());
            }
            issue.message = format!("`{value}` is not a TOML value ({message})");
            issue.help = Some(format!(
                "strings need quotes: `{} = \"{value}\"`",
                key.trim()
            ));
        }
    }
    issue
}

/// Parses `file` as TOML. Duplicate keys are syntax errors in TOML, reported by the parser.
pub fn toml(file: &SourceFile, limits: Limits) -> Parsed {
    use toml::de::{DeTable, DeValue};
    let (table, errors) = DeTable::parse_recoverable(&file.text);
    let mut issues: Vec<Issue> = errors
        .iter()
        .map(|e| {
            let span = e
                .span()
                .map_or(Span::default(), |r| Span::new(r.start, r.end));
            let message = e.message().trim();
            if message.contains("recursion") {
                // The parser's own nesting limit (it stops before ours would).
                let mut issue = Issue::new(
                    IssueKind::Limit,
                    span,
                    format!("nesting is too deep for lynx to read ({message})"),
                );
                issue.help = Some("flatten the structure; no lynx file needs this depth".into());
                return issue;
            }
            if message.contains("duplicate key") {
                return toml_duplicate(file, span);
            }
            toml_syntax(file, span, message)
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
                    issues.push(Issue::new(
                        IssueKind::Syntax,
                        span,
                        format!("`{i}` is too large for a 64-bit integer"),
                    ));
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
                    out.push(convert(
                        item.get_ref(),
                        Span::new(s.start, s.end),
                        depth + 1,
                        limits,
                        issues,
                    )?);
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
                        value: convert(
                            v.get_ref(),
                            Span::new(vs.start, vs.end),
                            depth + 1,
                            limits,
                            issues,
                        )?,
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
    let root = convert(
        &root,
        Span::new(span.start, span.end),
        0,
        limits,
        &mut issues,
    );
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
        assert_eq!(p.issues[0].message, "key `a` is defined twice");
        assert_eq!(p.issues[0].related.as_ref().unwrap().0, Span::new(0, 1));
    }

    #[test]
    fn toml_unquoted_string_gets_the_fix() {
        let f = file("[server]\nlisten = 127.0.0.1:7878 # here\n");
        let p = toml(&f, Limits::default());
        let issue = &p.issues[0];
        assert_eq!(&f.text[issue.span.range()], "127.0.0.1:7878");
        assert_eq!(
            issue.help.as_deref(),
            Some("strings need quotes: `listen = \"127.0.0.1:7878\"`")
        );
    }

    fn depth(node: &Node) -> usize {
        match &node.value {
            Value::Seq(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
            Value::Map(entries) => 1 + entries.iter().map(|e| depth(&e.value)).max().unwrap_or(0),
            _ => 0,
        }
    }

    /// Regression: each alias pasted a 120-deep anchor inside another 120 levels, so the tree
    /// grew thousands of levels deep and walking it overflowed the stack.
    #[test]
    fn aliases_cannot_nest_past_the_depth_limit() {
        let mut text = format!("a0: &a0 {}x{}\n", "[".repeat(120), "]".repeat(120));
        for i in 1..60 {
            let (open, close) = ("[".repeat(120), "]".repeat(120));
            text.push_str(&format!("a{i}: &a{i} {open}*a{}{close}\n", i - 1));
        }
        let f = file(&text);
        let p = yaml(&f, Limits::default());
        assert!(p.root.is_none());
        let issue = &p.issues[0];
        assert_eq!(issue.kind, IssueKind::Limit);
        assert!(issue.message.contains("alias"), "{issue:?}");
        assert_eq!(&f.text[issue.span.range()], "*a0");

        // At the limit is fine: the tree is exactly as deep as allowed.
        let limits = Limits::default();
        let half = limits.max_depth / 2;
        let text = format!(
            "a: &a {}x{}\nb: {}*a{}\n",
            "[".repeat(half),
            "]".repeat(half),
            "[".repeat(limits.max_depth - half - 1),
            "]".repeat(limits.max_depth - half - 1),
        );
        let p = yaml_of(&text);
        assert!(p.issues.is_empty(), "{:?}", p.issues);
        assert_eq!(depth(&p.root.unwrap()), limits.max_depth);
    }

    /// Regression: 3,000 aliases of a 1 MB string stayed far under the node budget but took
    /// gigabytes; text is budgeted too.
    #[test]
    fn one_large_anchor_repeated_is_stopped_by_the_byte_budget() {
        let refs = vec!["*a"; 3000].join(", ");
        let text = format!("a: &a \"{}\"\nb: [{refs}]\n", "y".repeat(1_000_000));
        let p = yaml_of(&text);
        assert!(p.root.is_none());
        assert_eq!(p.issues.len(), 1);
        assert_eq!(p.issues[0].kind, IssueKind::Limit);
        assert!(
            p.issues[0].message.contains("MiB of text"),
            "{:?}",
            p.issues
        );
    }

    /// Regression: an alias was copied before the budget was checked, and keeping an anchor
    /// (a copy) was free, so 127 nested anchors around a large list multiplied memory.
    #[test]
    fn nested_anchors_are_charged_for_their_copies() {
        let opens: String = (0..100).map(|i| format!("&n{i} [")).collect();
        let text = format!(
            "a: {opens}{}{}\n",
            vec!["x"; 20_000].join(", "),
            "]".repeat(100)
        );
        let p = yaml_of(&text);
        assert!(p.root.is_none());
        assert_eq!(p.issues[0].kind, IssueKind::Limit);
        assert!(p.issues[0].message.contains("aliases"), "{:?}", p.issues);
        // A large plain list is named as such, without blaming aliases.
        let p = yaml_of(&format!("[{}]", vec!["x"; 300_000].join(",")));
        assert!(
            p.issues[0].message.contains("holds more than"),
            "{:?}",
            p.issues
        );
    }

    /// Regression: the scanner's own flow-nesting limit (255) surfaced as "recursion limit
    /// exceeded", a syntax error.
    #[test]
    fn scanner_nesting_limit_is_an_input_limit() {
        for text in ["[".repeat(10_000), "{a: ".repeat(10_000)] {
            let p = yaml_of(&text);
            assert!(p.root.is_none());
            assert_eq!(p.issues.len(), 1, "{:?}", p.issues);
            assert_eq!(p.issues[0].kind, IssueKind::Limit);
            assert_eq!(p.issues[0].message, "nesting is deeper than 128 levels");
        }
    }

    /// Regression: tags were silently dropped (`!!binary`, `!foo`) or ignored (`!!int x`).
    #[test]
    fn tags_are_checked() {
        let p = yaml_of("a: !!binary aGk=\nb: !foo bar\nc: !foo [1]\nd: 1\n");
        let messages: Vec<&str> = p.issues.iter().map(|i| i.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "the YAML tag `!!binary` is not supported in lynx files",
                "the YAML tag `!foo` is not supported in lynx files",
                "the YAML tag `!foo` is not supported in lynx files",
            ]
        );
        assert!(p.issues.iter().all(|i| i.kind == IssueKind::Syntax));
        // The document is still read, as if untagged.
        assert_eq!(p.root.unwrap().to_json()["d"], 1);

        let p = yaml_of(
            "a: !!str 1\nb: !!int \"2\"\nc: !!float 3\nd: !!bool true\ne: !!null ~\nf: ! 4\ng: !!seq [1]\nh: !!map {}\n",
        );
        assert!(p.issues.is_empty(), "{:?}", p.issues);
        assert_eq!(
            p.root.unwrap().to_json(),
            serde_json::json!({"a": "1", "b": 2, "c": 3.0, "d": true, "e": null, "f": "4", "g": [1], "h": {}})
        );

        let p = yaml_of("a: !!int x\nb: !!seq {}\n");
        assert_eq!(p.issues[0].message, "`x` is not a valid `!!int`");
        assert_eq!(
            p.issues[1].message,
            "the YAML tag `!!seq` is not supported in lynx files"
        );
    }

    /// Regression: a tab in indentation was reported one column after the tab.
    #[test]
    fn tab_indentation_points_at_the_tab() {
        let f = file("id: x\nhandler:\n\tkind: exec\n");
        let p = yaml(&f, Limits::default());
        let issue = &p.issues[0];
        assert_eq!(issue.kind, IssueKind::Syntax);
        assert_eq!(issue.span.start, f.text.find('\t').unwrap());
        assert!(issue.help.as_deref().unwrap().contains("spaces"));
    }

    /// Regression: TOML's parser limit surfaced as a syntax error, and a huge integer as
    /// "integer out of range" without the number.
    #[test]
    fn toml_nesting_and_huge_integers() {
        for text in [
            format!("a = {}{}", "[".repeat(10_000), "]".repeat(10_000)),
            format!("a = {}1{}", "{b = ".repeat(10_000), "}".repeat(10_000)),
            format!("{} = 1", vec!["a"; 10_000].join(".")),
        ] {
            let p = toml(&file(&text), Limits::default());
            assert!(p.root.is_none());
            assert_eq!(p.issues[0].kind, IssueKind::Limit, "{:?}", p.issues);
            assert!(p.issues[0].message.starts_with("nesting is too deep"));
        }
        let f = file("a = 123456789012345678901234567890\n");
        let p = toml(&f, Limits::default());
        assert_eq!(
            p.issues[0].message,
            "`123456789012345678901234567890` is too large for a 64-bit integer"
        );
        assert_eq!(
            &f.text[p.issues[0].span.range()],
            "123456789012345678901234567890"
        );
    }
}
