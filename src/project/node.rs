//! A format-neutral, spanned document tree: what YAML and TOML files parse into.
//!
//! Every value remembers where it was written, so any finding — a JSON Schema error addressed by
//! a JSON pointer, a semantic rule on a typed field — can point at the exact `line:col`.
//! Invariant: a tree is bounded in depth and size by the parsers that build it (see
//! [`Limits`]), so walking it recursively is safe.

use super::source::Span;
use serde_json::{Map, Number, Value as Json};

/// Bounds that keep hostile files from exhausting the stack or memory.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest allowed nesting of sequences and mappings.
    pub max_depth: usize,
    /// Most nodes a document may expand to (aliases count every time they are used).
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 128,
            max_nodes: 250_000,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

impl Node {
    pub fn new(span: Span, value: Value) -> Self {
        Self { span, value }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    /// The node at a JSON pointer (`/handler/command/0`), as reported by JSON Schema errors.
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        let mut node = self;
        for token in pointer_tokens(pointer) {
            node = node.child(&token)?;
        }
        Some(node)
    }

    /// The span of the key that holds the value at `pointer`, falling back to the value itself:
    /// "unknown field" findings read best on the key.
    pub fn key_span(&self, pointer: &str) -> Option<Span> {
        let (parent, last) = match pointer.rfind('/') {
            Some(i) => (&pointer[..i], unescape(&pointer[i + 1..])),
            None => return Some(self.span),
        };
        let parent = self.pointer(parent)?;
        match parent.entry(&last) {
            Some(e) => Some(e.key_span),
            None => parent.child(&last).map(|n| n.span),
        }
    }

    fn child(&self, token: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == token).map(|e| &e.value),
            Value::Seq(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        }
    }

    /// Plain JSON for schema validation and typed deserialisation. Duplicate keys keep the
    /// last value, as YAML loaders do (the `duplicate-key` rule reports them).
    pub fn to_json(&self) -> Json {
        match &self.value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => Json::Number(n.clone()),
            Value::String(s) => Json::String(s.clone()),
            Value::Seq(items) => Json::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => {
                let mut map = Map::with_capacity(entries.len());
                for e in entries {
                    map.insert(e.key.clone(), e.value.to_json());
                }
                Json::Object(map)
            }
        }
    }

    /// Calls `f` on this node and every node below it, with its JSON pointer.
    pub fn walk(&self, f: &mut dyn FnMut(&str, &Node)) {
        fn go(node: &Node, path: &mut String, f: &mut dyn FnMut(&str, &Node)) {
            f(path, node);
            let len = path.len();
            match &node.value {
                Value::Map(entries) => {
                    for e in entries {
                        path.push('/');
                        path.push_str(&escape(&e.key));
                        go(&e.value, path, f);
                        path.truncate(len);
                    }
                }
                Value::Seq(items) => {
                    for (i, item) in items.iter().enumerate() {
                        path.push('/');
                        path.push_str(&i.to_string());
                        go(item, path, f);
                        path.truncate(len);
                    }
                }
                _ => {}
            }
        }
        go(self, &mut String::new(), f);
    }

    /// A short name of the value's type, as a user would say it.
    pub fn type_name(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(n) if n.is_f64() => "a number",
            Value::Number(_) => "an integer",
            Value::String(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

fn pointer_tokens(pointer: &str) -> impl Iterator<Item = String> + '_ {
    pointer.split('/').skip(1).map(unescape)
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(start: usize, value: Value) -> Node {
        Node::new(Span::new(start, start + 1), value)
    }

    fn sample() -> Node {
        n(
            0,
            Value::Map(vec![Entry {
                key: "a/b".into(),
                key_span: Span::new(1, 4),
                value: n(
                    5,
                    Value::Seq(vec![n(6, Value::Bool(true)), n(7, Value::Null)]),
                ),
            }]),
        )
    }

    #[test]
    fn pointer_follows_escaped_keys_and_indexes() {
        let root = sample();
        assert_eq!(root.pointer("/a~1b/1").unwrap().span.start, 7);
        assert!(root.pointer("/a~1b/2").is_none());
        assert_eq!(root.pointer("").unwrap().span.start, 0);
    }

    #[test]
    fn key_span_prefers_the_key() {
        let root = sample();
        assert_eq!(root.key_span("/a~1b"), Some(Span::new(1, 4)));
        assert_eq!(root.key_span("/a~1b/0"), Some(Span::new(6, 7)));
    }

    #[test]
    fn walk_visits_every_node_with_its_pointer() {
        let mut seen = Vec::new();
        sample().walk(&mut |p, _| seen.push(p.to_string()));
        assert_eq!(seen, ["", "/a~1b", "/a~1b/0", "/a~1b/1"]);
    }

    #[test]
    fn to_json_keeps_last_duplicate() {
        let root = n(
            0,
            Value::Map(vec![
                Entry { key: "k".into(), key_span: Span::default(), value: n(1, Value::Bool(true)) },
                Entry { key: "k".into(), key_span: Span::default(), value: n(2, Value::Bool(false)) },
            ]),
        );
        assert_eq!(root.to_json(), serde_json::json!({"k": false}));
    }
}
