//! A format-neutral, spanned document tree: what YAML and TOML files parse into.
//!
//! Every value remembers where it was written, so any finding — a JSON Schema error addressed by
//! a JSON pointer, a semantic rule on a typed field — can point at the exact `line:col`.
//! Invariant: a tree is bounded in depth and size by the parsers that build it (see
//! [`Limits`]), so walking it recursively is safe.

use super::source::Span;
use serde_json::{Map, Number, Value as Json};
use std::collections::HashMap;
use std::sync::OnceLock;

/// Bounds that keep hostile files from exhausting the stack or memory.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest allowed nesting of sequences and mappings.
    pub max_depth: usize,
    /// Most nodes a document may expand to (aliases count every time they are used).
    pub max_nodes: usize,
    /// Most bytes of scalar text a document may expand to: with aliases, a few repeats of one
    /// large string would otherwise take gigabytes while staying under `max_nodes`.
    pub max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 128,
            max_nodes: 250_000,
            max_bytes: 16 * 1024 * 1024,
        }
    }
}

#[derive(Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: Value,
    /// Key lookups in large mappings go through this index, so a file with 100,000 keys costs
    /// linear time however many findings look keys up (each JSON-pointer lookup was a scan).
    index: KeyIndex,
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node")
            .field("span", &self.span)
            .field("value", &self.value)
            .finish()
    }
}

/// Mappings with more entries than this get a hash index on first lookup; smaller ones are
/// scanned.
const INDEX_ABOVE: usize = 16;

/// A lazily built index from key to its first entry. It is invisible to equality and is not
/// cloned (a clone builds its own when needed); it remembers which entry list it was built for
/// and is ignored if `value` has been replaced since.
#[derive(Default)]
struct KeyIndex(OnceLock<Box<Lookup>>);

struct Lookup {
    /// Address and length of the entry list the index was built from.
    entries: usize,
    len: usize,
    first: HashMap<String, usize>,
}

impl Clone for KeyIndex {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl PartialEq for KeyIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
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
        Self {
            span,
            value,
            index: KeyIndex::default(),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// The first entry named `key` (the `duplicate-key` rule reports any later ones).
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        let Value::Map(entries) = &self.value else {
            return None;
        };
        if entries.len() <= INDEX_ABOVE {
            return entries.iter().find(|e| e.key == key);
        }
        let lookup = self.index.0.get_or_init(|| {
            let mut first = HashMap::with_capacity(entries.len());
            for (i, e) in entries.iter().enumerate() {
                first.entry(e.key.clone()).or_insert(i);
            }
            Box::new(Lookup {
                entries: entries.as_ptr() as usize,
                len: entries.len(),
                first,
            })
        });
        let fresh = lookup.entries == entries.as_ptr() as usize && lookup.len == entries.len();
        match lookup
            .first
            .get(key)
            .map(|&i| &entries[i.min(entries.len() - 1)])
        {
            Some(e) if fresh && e.key == key => Some(e),
            None if fresh => None,
            // The tree was edited after the index was built: scan.
            _ => entries.iter().find(|e| e.key == key),
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
            Value::Map(_) => self.get(token),
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
                Entry {
                    key: "k".into(),
                    key_span: Span::default(),
                    value: n(1, Value::Bool(true)),
                },
                Entry {
                    key: "k".into(),
                    key_span: Span::default(),
                    value: n(2, Value::Bool(false)),
                },
            ]),
        );
        assert_eq!(root.to_json(), serde_json::json!({"k": false}));
    }

    fn big_map(n: usize) -> Node {
        let entries = (0..n)
            .map(|i| Entry {
                key: format!("k{}", i % (n - 1)), // the last key repeats the first
                key_span: Span::new(i, i + 1),
                value: n_at(i),
            })
            .collect();
        Node::new(Span::default(), Value::Map(entries))
    }

    fn n_at(i: usize) -> Node {
        Node::new(Span::new(i, i + 1), Value::Null)
    }

    /// Regression: every key lookup scanned the mapping, so a file with 100,000 unknown keys
    /// (one schema finding each, each looking its key up) took minutes.
    #[test]
    fn lookups_in_large_mappings_are_indexed() {
        let root = big_map(100_000);
        let started = std::time::Instant::now();
        for i in 0..100_000 {
            let key = format!("k{}", 99_999 - i % 99_999);
            assert!(root.get(&key).is_some() || key == "k99999");
            assert!(root.key_span(&format!("/{key}")).is_some() || key == "k99999");
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
        // The first of duplicate keys is the one found, as with a scan.
        assert_eq!(root.entry("k0").unwrap().key_span, Span::new(0, 1));
        assert!(root.get("nope").is_none());
        // Equality and clones ignore the index.
        let copy = root.clone();
        assert_eq!(copy, big_map(100_000));
        assert_eq!(copy.get("k5").unwrap().span, Span::new(5, 6));
    }

    #[test]
    fn an_edited_tree_is_not_misled_by_a_stale_index() {
        let mut root = big_map(40);
        assert_eq!(root.get("k3").unwrap().span, Span::new(3, 4));
        if let Value::Map(entries) = &mut root.value {
            entries.swap(3, 4);
            entries.push(Entry {
                key: "new".into(),
                key_span: Span::default(),
                value: n_at(99),
            });
        }
        assert_eq!(root.get("k3").unwrap().span, Span::new(3, 4));
        assert_eq!(root.get("new").unwrap().span, Span::new(99, 100));
    }
}
