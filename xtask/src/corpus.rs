//! A generated lynx project for benchmarks: realistic, valid tool and workflow files, written
//! as block YAML (for lynx and check-jsonschema) and as JSON (for ajv, which cannot read YAML)
//! from the same values.
//!
//! Generation is deterministic: the same `files` gives the same bytes.

use anyhow::{Context as _, Result};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A generated value: like JSON, but maps keep their order so the YAML reads like a person
/// wrote it (`id` first, `tests` last).
#[derive(Clone, Debug, PartialEq)]
pub enum Y {
    Bool(bool),
    Int(i64),
    Num(f64),
    Str(String),
    Seq(Vec<Y>),
    Map(Vec<(String, Y)>),
}

fn s(v: impl Into<String>) -> Y {
    Y::Str(v.into())
}

fn strs(items: &[&str]) -> Y {
    Y::Seq(items.iter().map(|i| s(*i)).collect())
}

/// `map![("k", v), …]`
macro_rules! map {
    ($(($k:expr, $v:expr)),* $(,)?) => { Y::Map(vec![$(($k.to_string(), $v)),*]) };
}

impl Y {
    fn push(&mut self, key: &str, value: Y) {
        if let Y::Map(entries) = self {
            entries.push((key.to_string(), value));
        }
    }

    fn is_scalar(&self) -> bool {
        !matches!(self, Y::Seq(_) | Y::Map(_))
    }

    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Y::Bool(b) => J::Bool(*b),
            Y::Int(i) => J::from(*i),
            Y::Num(n) => J::from(*n),
            Y::Str(s) => J::String(s.clone()),
            Y::Seq(items) => J::Array(items.iter().map(Y::to_json).collect()),
            Y::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A tiny YAML emitter for the values above: block style, with short scalar-only collections in
// flow style (`[a, b]`, `{ type: string }`) as people write them.

const RESERVED: &[&str] = &[
    "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~",
];

/// Whether `v` can be written as a plain (unquoted) scalar in block and flow context alike.
fn plain_ok(v: &str) -> bool {
    let Some(first) = v.chars().next() else {
        return false;
    };
    (first.is_ascii_alphanumeric() || first == '_' || first == '/' || first == '.')
        && !v.ends_with(' ')
        && v.chars().all(|c| c.is_ascii_alphanumeric() || " _./-+()".contains(c))
        && !RESERVED.contains(&v.to_ascii_lowercase().as_str())
        && v.parse::<f64>().is_err()
        && !v.starts_with("0x")
        && !v.starts_with("0o")
        // YAML 1.1 readers take `2024-01-31` for a date and `1:30` for a number.
        && !(first.is_ascii_digit() && v.contains(['-', ':']))
}

fn scalar(v: &Y) -> String {
    match v {
        Y::Bool(b) => b.to_string(),
        Y::Int(i) => i.to_string(),
        Y::Num(n) => format!("{n:?}"),
        Y::Str(s) if plain_ok(s) => s.clone(),
        // A JSON string is a valid YAML double-quoted scalar.
        Y::Str(s) => serde_json::to_string(s).unwrap_or_default(),
        Y::Seq(_) | Y::Map(_) => unreachable!("not a scalar"),
    }
}

/// The flow form of a short collection of scalars, if it has one.
fn flow(v: &Y) -> Option<String> {
    let text = match v {
        Y::Seq(items) if items.iter().all(Y::is_scalar) => {
            format!(
                "[{}]",
                items.iter().map(scalar).collect::<Vec<_>>().join(", ")
            )
        }
        Y::Map(entries) if entries.is_empty() => "{}".to_string(),
        Y::Map(entries) if entries.len() <= 3 && entries.iter().all(|(_, v)| v.is_scalar()) => {
            let inner: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}: {}", key(k), scalar(v)))
                .collect();
            format!("{{ {} }}", inner.join(", "))
        }
        _ => return None,
    };
    (text.len() <= 72).then_some(text)
}

fn key(k: &str) -> String {
    if plain_ok(k) {
        k.to_string()
    } else {
        serde_json::to_string(k).unwrap_or_default()
    }
}

fn emit_map(entries: &[(String, Y)], indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    for (k, v) in entries {
        let _ = write!(out, "{pad}{}:", key(k));
        if v.is_scalar() {
            let _ = writeln!(out, " {}", scalar(v));
        } else if let Some(f) = flow(v) {
            let _ = writeln!(out, " {f}");
        } else {
            out.push('\n');
            match v {
                Y::Map(m) => emit_map(m, indent + 2, out),
                Y::Seq(items) => emit_seq(items, indent + 2, out),
                _ => {}
            }
        }
    }
}

fn emit_seq(items: &[Y], indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    for item in items {
        match item {
            Y::Map(m) if flow(item).is_none() => {
                // The first entry goes on the dash line: `- id: x`.
                let mut block = String::new();
                emit_map(m, indent + 2, &mut block);
                let _ = write!(out, "{pad}- {}", &block[indent + 2..]);
            }
            Y::Seq(inner) if flow(item).is_none() => {
                let _ = writeln!(out, "{pad}-");
                emit_seq(inner, indent + 2, out);
            }
            _ => {
                let text = flow(item).unwrap_or_else(|| scalar(item));
                let _ = writeln!(out, "{pad}- {text}");
            }
        }
    }
}

/// Block YAML for a document that is a map.
pub fn to_yaml(doc: &Y, header: &str) -> String {
    let mut out = String::from(header);
    if let Y::Map(m) = doc {
        emit_map(m, 0, &mut out);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness (SplitMix64): no dependency, same corpus on every machine.

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.range(0, items.len() - 1)]
    }

    /// `k` distinct indices of `0..n`, in increasing order.
    fn sample(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut chosen = BTreeSet::new();
        while chosen.len() < k.min(n) {
            chosen.insert(self.range(0, n - 1));
        }
        chosen.into_iter().collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary. A property name always has the same type, so workflows can pass a workflow input
// of that name to any tool that takes it.

enum Kind {
    Str {
        pattern: Option<&'static str>,
        max: Option<i64>,
        example: &'static str,
    },
    Enum(&'static [&'static str]),
    Int {
        min: i64,
        max: i64,
        example: i64,
    },
    Num {
        min: f64,
        example: f64,
    },
    Bool(bool),
    List(&'static str),
}

struct Prop {
    name: &'static str,
    description: &'static str,
    kind: Kind,
}

const PROPS: &[Prop] = &[
    Prop {
        name: "account",
        description: "Account id, like A-1.",
        kind: Kind::Str {
            pattern: Some("^A-[0-9]+$"),
            max: None,
            example: "A-1042",
        },
    },
    Prop {
        name: "customer_id",
        description: "Customer id, like C-77.",
        kind: Kind::Str {
            pattern: Some("^C-[0-9]+$"),
            max: None,
            example: "C-77",
        },
    },
    Prop {
        name: "order_id",
        description: "Order number.",
        kind: Kind::Str {
            pattern: Some("^O-[0-9]{6}$"),
            max: None,
            example: "O-004211",
        },
    },
    Prop {
        name: "sku",
        description: "Stock keeping unit.",
        kind: Kind::Str {
            pattern: Some("^[A-Z]{3}-[0-9]{4}$"),
            max: None,
            example: "KBD-0042",
        },
    },
    Prop {
        name: "query",
        description: "Free-text search query.",
        kind: Kind::Str {
            pattern: None,
            max: Some(200),
            example: "overdue invoices",
        },
    },
    Prop {
        name: "note",
        description: "A note stored with the change, for auditors.",
        kind: Kind::Str {
            pattern: None,
            max: Some(500),
            example: "requested by the customer",
        },
    },
    Prop {
        name: "email",
        description: "E-mail address of the person concerned.",
        kind: Kind::Str {
            pattern: Some("^[^@]+@[^@]+$"),
            max: Some(254),
            example: "alice@example.com",
        },
    },
    Prop {
        name: "since",
        description: "Start date, YYYY-MM-DD.",
        kind: Kind::Str {
            pattern: Some("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
            max: None,
            example: "2024-01-01",
        },
    },
    Prop {
        name: "until",
        description: "End date, YYYY-MM-DD.",
        kind: Kind::Str {
            pattern: Some("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
            max: None,
            example: "2024-03-31",
        },
    },
    Prop {
        name: "currency",
        description: "ISO 4217 currency code.",
        kind: Kind::Enum(&["USD", "EUR", "GBP", "JPY"]),
    },
    Prop {
        name: "region",
        description: "Region the data lives in.",
        kind: Kind::Enum(&["us-east", "us-west", "eu-central", "ap-south"]),
    },
    Prop {
        name: "priority",
        description: "How urgent the request is.",
        kind: Kind::Enum(&["low", "normal", "high"]),
    },
    Prop {
        name: "channel",
        description: "Where to send the message.",
        kind: Kind::Enum(&["email", "slack", "sms"]),
    },
    Prop {
        name: "limit",
        description: "Maximum number of items to return.",
        kind: Kind::Int {
            min: 1,
            max: 1000,
            example: 50,
        },
    },
    Prop {
        name: "page",
        description: "Page number, from 1.",
        kind: Kind::Int {
            min: 1,
            max: 10000,
            example: 1,
        },
    },
    Prop {
        name: "quantity",
        description: "Number of units.",
        kind: Kind::Int {
            min: 1,
            max: 100000,
            example: 3,
        },
    },
    Prop {
        name: "amount_usd",
        description: "Amount in US dollars.",
        kind: Kind::Num {
            min: 0.0,
            example: 125.5,
        },
    },
    Prop {
        name: "threshold",
        description: "Alert threshold.",
        kind: Kind::Num {
            min: 0.0,
            example: 0.75,
        },
    },
    Prop {
        name: "include_closed",
        description: "Also return closed items.",
        kind: Kind::Bool(false),
    },
    Prop {
        name: "dry_run",
        description: "Report what would change without changing it.",
        kind: Kind::Bool(true),
    },
    Prop {
        name: "notify_owner",
        description: "Tell the owner about the change.",
        kind: Kind::Bool(true),
    },
    Prop {
        name: "labels",
        description: "Labels to attach.",
        kind: Kind::List("urgent"),
    },
    Prop {
        name: "fields",
        description: "Fields to include in the result.",
        kind: Kind::List("status"),
    },
    Prop {
        name: "reason",
        description: "Why the change is made.",
        kind: Kind::Str {
            pattern: None,
            max: Some(300),
            example: "duplicate entry",
        },
    },
];

fn prop_schema(p: &Prop) -> Y {
    let mut m = match &p.kind {
        Kind::Str { pattern, max, .. } => {
            let mut m = map![("type", s("string"))];
            if let Some(pat) = pattern {
                m.push("pattern", s(*pat));
            }
            if let Some(max) = max {
                m.push("maxLength", Y::Int(*max));
            }
            m
        }
        Kind::Enum(values) => map![("type", s("string")), ("enum", strs(values))],
        Kind::Int { min, max, .. } => map![
            ("type", s("integer")),
            ("minimum", Y::Int(*min)),
            ("maximum", Y::Int(*max))
        ],
        Kind::Num { min, .. } => map![("type", s("number")), ("minimum", Y::Num(*min))],
        Kind::Bool(default) => map![("type", s("boolean")), ("default", Y::Bool(*default))],
        Kind::List(_) => map![
            ("type", s("array")),
            ("items", map![("type", s("string"))]),
            ("maxItems", Y::Int(20))
        ],
    };
    m.push("description", s(p.description));
    m
}

fn prop_example(p: &Prop) -> Y {
    match &p.kind {
        Kind::Str { example, .. } => s(*example),
        Kind::Enum(values) => s(values[0]),
        Kind::Int { example, .. } => Y::Int(*example),
        Kind::Num { example, .. } => Y::Num(*example),
        Kind::Bool(b) => Y::Bool(!b),
        Kind::List(item) => strs(&[item]),
    }
}

/// Output properties: `status` always first, so workflows can branch on it.
const OUT_PROPS: &[(&str, &str)] = &[
    ("total", "number"),
    ("count", "integer"),
    ("updated_at", "string"),
    ("owner", "string"),
    ("items", "array"),
    ("balance_usd", "number"),
    ("message", "string"),
    ("changed", "boolean"),
];

const DOMAINS: &[&str] = &[
    "finance",
    "billing",
    "crm",
    "inventory",
    "shipping",
    "hr",
    "support",
    "analytics",
    "identity",
    "marketing",
];
const NOUNS: &[&str] = &[
    "ledger", "invoice", "customer", "order", "report", "ticket", "account", "shipment",
];
const READ_VERBS: &[&str] = &["read", "list", "search", "summarize", "lookup"];
const WRITE_VERBS: &[&str] = &["update", "create", "close", "refund", "approve", "sync"];

/// The verb of a tool id as the first word of its description.
fn verb_phrase(verb: &str) -> &'static str {
    match verb {
        "read" => "Reads",
        "list" => "Lists",
        "search" => "Searches",
        "summarize" => "Summarizes",
        "lookup" => "Looks up",
        "update" => "Updates",
        "create" => "Creates",
        "close" => "Closes",
        "refund" => "Refunds",
        "approve" => "Approves",
        _ => "Synchronises",
    }
}
const LAYERS: &[&str] = &["domain", "cluster", "cell"];

/// What a workflow needs to know about a generated tool.
pub struct ToolInfo {
    pub id: String,
    /// Indices into `PROPS`, and whether each is required.
    inputs: Vec<(usize, bool)>,
    has_status: bool,
}

fn title_case(words: &str) -> String {
    let mut c = words.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

fn tool(n: usize, rng: &mut Rng) -> (Y, ToolInfo) {
    let domain = *rng.pick(DOMAINS);
    let noun = *rng.pick(NOUNS);
    let layer = LAYERS[[0, 0, 0, 1, 1, 2, 2][rng.range(0, 6)]];
    let writes = layer == "cell" || (layer == "cluster" && rng.chance(40));
    let verb = if writes {
        *rng.pick(WRITE_VERBS)
    } else {
        *rng.pick(READ_VERBS)
    };
    let id = format!("{domain}.{layer}.{noun}_{n:04}.{verb}");
    let risk = match (layer, writes) {
        ("cell", _) if rng.chance(35) => "high",
        (_, true) => "medium",
        _ => "low",
    };

    let mut t = map![
        ("id", s(&id)),
        ("title", s(format!("{} {verb} {n}", title_case(noun)))),
        (
            "description",
            s(format!(
                "{} {noun} records in the {domain} domain. {}",
                verb_phrase(verb),
                if writes {
                    "Changes are audited."
                } else {
                    "Read-only."
                }
            ))
        ),
        ("layer", s(layer)),
        ("risk", s(risk)),
        ("domain", s(domain)),
    ];

    // Handler: exec 35 %, worker 20 %, http 20 %, builtin 15 %, Python module 10 %.
    let roll = rng.range(0, 99);
    let mut builtin_echo = false;
    let handler = if roll < 35 {
        let mut h = map![
            ("kind", s("exec")),
            (
                "command",
                strs(&["python3", &format!("handlers/{domain}_{noun}.py"), verb])
            ),
            (
                "env",
                Y::Seq(vec![s(format!("{}_API_URL", domain.to_ascii_uppercase()))])
            ),
            ("timeout", s(*rng.pick(&["5s", "10s", "30s"]))),
        ];
        if rng.chance(30) {
            h.push("max_output", s("1MiB"));
        }
        h
    } else if roll < 55 {
        map![
            ("kind", s("worker")),
            (
                "command",
                strs(&["python3", &format!("handlers/{domain}_worker.py")])
            ),
            ("concurrency", Y::Int(*rng.pick(&[2, 4, 8]))),
            ("timeout", s("30s")),
        ]
    } else if roll < 75 {
        let mut h = map![
            ("kind", s("http")),
            (
                "url",
                s(format!("http://127.0.0.1:9000/{domain}/{noun}/{verb}"))
            )
        ];
        if rng.chance(50) {
            h.push("headers", map![("X-Team", s(domain))]);
        }
        h.push("timeout", s("10s"));
        h
    } else if roll < 90 {
        if rng.chance(70) {
            builtin_echo = true;
            map![("kind", s("builtin")), ("name", s("echo"))]
        } else {
            map![
                ("kind", s("builtin")),
                ("name", s("sleep")),
                ("duration", s(*rng.pick(&["10ms", "50ms", "1s"])))
            ]
        }
    } else {
        s(format!("handlers.{domain}:{verb}_{noun}"))
    };
    t.push("handler", handler);

    // Input schema: 3–8 properties, 1–3 of them required.
    let count = rng.range(3, 8);
    let chosen = rng.sample(PROPS.len(), count);
    let n_required = rng.range(1, 3.min(count));
    let required: BTreeSet<usize> = rng
        .sample(count, n_required)
        .into_iter()
        .map(|i| chosen[i])
        .collect();
    let mut props = Vec::new();
    for &i in &chosen {
        props.push((PROPS[i].name.to_string(), prop_schema(&PROPS[i])));
    }
    let mut input = map![("type", s("object")), ("properties", Y::Map(props))];
    input.push(
        "required",
        Y::Seq(
            chosen
                .iter()
                .filter(|i| required.contains(i))
                .map(|&i| s(PROPS[i].name))
                .collect(),
        ),
    );
    if rng.chance(60) {
        input.push("additionalProperties", Y::Bool(false));
    }
    t.push("input_schema", input);

    // Output schema for most tools (not for echo, which returns its arguments).
    let has_status = !builtin_echo && rng.chance(75);
    if has_status {
        let mut props = vec![(
            "status".to_string(),
            map![
                ("type", s("string")),
                ("enum", strs(&["ok", "degraded", "failed"]))
            ],
        )];
        let n_out = rng.range(2, 5);
        for i in rng.sample(OUT_PROPS.len(), n_out) {
            let (name, ty) = OUT_PROPS[i];
            let schema = if ty == "array" {
                map![("type", s("array")), ("items", map![("type", s("object"))])]
            } else {
                map![("type", s(ty))]
            };
            props.push((name.to_string(), schema));
        }
        t.push(
            "output_schema",
            map![
                ("type", s("object")),
                ("properties", Y::Map(props)),
                ("required", strs(&["status"]))
            ],
        );
    }

    let access_verb = if writes { "write" } else { "read" };
    let mut roles = vec![s(format!("{domain}-admin"))];
    if !writes {
        roles.insert(0, s(format!("{domain}-analyst")));
    }
    t.push(
        "access",
        map![
            ("roles", Y::Seq(roles)),
            ("scopes", Y::Seq(vec![s(format!("{domain}:{access_verb}"))]))
        ],
    );

    let read_only = !writes;
    let idempotent = read_only || rng.chance(50);
    t.push(
        "annotations",
        map![
            ("readOnlyHint", Y::Bool(read_only)),
            ("destructiveHint", Y::Bool(writes && rng.chance(50))),
            ("idempotentHint", Y::Bool(idempotent)),
            ("openWorldHint", Y::Bool(rng.chance(20))),
        ],
    );
    if read_only && rng.chance(50) {
        t.push(
            "cache",
            map![("ttl", s(*rng.pick(&["30s", "1m", "5m", "1h"])))],
        );
    }
    if idempotent && rng.chance(40) {
        t.push(
            "retry",
            map![("attempts", Y::Int(3)), ("backoff", s("200ms"))],
        );
    }
    if risk == "high" || (risk == "medium" && rng.chance(30)) {
        t.push(
            "approval",
            map![
                ("required", Y::Bool(true)),
                (
                    "approvers",
                    Y::Seq(vec![s(format!("role:{domain}-admin")), s("user:alice")])
                ),
                ("notify", Y::Seq(vec![s(format!("{domain}-approvals"))])),
                ("expires", s("24h")),
            ],
        );
    }
    if rng.chance(50) {
        t.push(
            "rate_limit",
            s(*rng.pick(&["100/hour", "10/s burst 100", "1000/day", "60/min"])),
        );
    }
    t.push(
        "tags",
        Y::Seq(vec![s(domain), s(if writes { "write" } else { "read" })]),
    );
    t.push("version", s(format!("1.{}.0", rng.range(0, 9))));

    // Tests: arguments that satisfy the input schema.
    let mut tests = Vec::new();
    for k in 0..rng.range(1, 3) {
        let mut args = Vec::new();
        for &i in &chosen {
            if required.contains(&i) || (k > 0 && rng.chance(50)) {
                args.push((PROPS[i].name.to_string(), prop_example(&PROPS[i])));
            }
        }
        let args = Y::Map(args);
        let mut case = map![
            (
                "name",
                s(if k == 0 {
                    "succeeds with the required arguments".to_string()
                } else {
                    format!("case {k}")
                })
            ),
            ("args", args.clone())
        ];
        if k == 0 && rng.chance(40) {
            case.push(
                "context",
                map![("tenant_id", s("acme")), ("user_id", s("alice"))],
            );
        }
        if builtin_echo {
            case.push("expect", map![("output", args)]);
        } else if has_status && rng.chance(50) {
            case.push("expect", map![("output", map![("status", s("ok"))])]);
        } else {
            case.push("expect", map![("is_error", Y::Bool(false))]);
        }
        tests.push(case);
    }
    t.push("tests", Y::Seq(tests));

    let info = ToolInfo {
        id,
        inputs: chosen.iter().map(|&i| (i, required.contains(&i))).collect(),
        has_status,
    };
    (t, info)
}

const STEP_IDS: &[&str] = &["fetch", "check", "enrich", "apply", "notify"];

fn workflow(n: usize, tools: &[ToolInfo], rng: &mut Rng) -> Y {
    let steps_n = rng.range(2, 4);
    let picked: Vec<&ToolInfo> = (0..steps_n)
        .map(|_| &tools[rng.range(0, tools.len() - 1)])
        .collect();

    // The workflow takes every required input of its steps; a name always has one type.
    let mut inputs: BTreeSet<usize> = BTreeSet::new();
    for t in &picked {
        inputs.extend(t.inputs.iter().filter(|(_, req)| *req).map(|(i, _)| *i));
    }
    let props: Vec<(String, Y)> = inputs
        .iter()
        .map(|&i| (PROPS[i].name.to_string(), prop_schema(&PROPS[i])))
        .collect();
    let required = Y::Seq(inputs.iter().map(|&i| s(PROPS[i].name)).collect());

    let mut steps = Vec::new();
    for (k, t) in picked.iter().enumerate() {
        let id = STEP_IDS[k];
        let mut step = map![("id", s(id)), ("tool", s(&t.id))];
        if k > 0 {
            step.push("needs", Y::Seq(vec![s(STEP_IDS[k - 1])]));
            if picked[k - 1].has_status && rng.chance(60) {
                step.push(
                    "when",
                    s(format!("steps.{}.output.status == 'ok'", STEP_IDS[k - 1])),
                );
            }
        }
        let with: Vec<(String, Y)> = t
            .inputs
            .iter()
            .filter(|(_, req)| *req)
            .map(|&(i, _)| {
                (
                    PROPS[i].name.to_string(),
                    s(format!("{{{{ inputs.{} }}}}", PROPS[i].name)),
                )
            })
            .collect();
        step.push("with", Y::Map(with));
        if k == 0 && rng.chance(30) {
            step.push("timeout", s("30s"));
        }
        steps.push(step);
    }

    let domain = t_domain(&picked[0].id);
    let mut wf = map![
        ("name", s(format!("{domain}_flow_{n:04}"))),
        (
            "description",
            s(format!(
                "Runs {} {domain} steps in order and returns the last result.",
                steps_n
            ))
        ),
        (
            "input_schema",
            map![
                ("type", s("object")),
                ("properties", Y::Map(props)),
                ("required", required)
            ]
        ),
        ("timeout", s(*rng.pick(&["1m", "5m", "15m"]))),
    ];
    if rng.chance(30) {
        wf.push("max_parallel", Y::Int(4));
    }
    wf.push("steps", Y::Seq(steps));
    wf.push(
        "output",
        s(format!("{{{{ steps.{}.output }}}}", STEP_IDS[steps_n - 1])),
    );
    wf
}

fn t_domain(id: &str) -> &str {
    id.split('.').next().unwrap_or("x")
}

/// What [`write`] produced.
pub struct Corpus {
    /// The lynx project (holds `lynx.toml`).
    pub project: PathBuf,
    /// YAML tool and workflow files, relative to `project`.
    pub tool_files: Vec<PathBuf>,
    pub workflow_files: Vec<PathBuf>,
    /// Folders holding the JSON copies for ajv.
    pub json_tools: PathBuf,
    pub json_workflows: PathBuf,
    pub tools: usize,
}

const TOOL_HEADER: &str = "# yaml-language-server: $schema=https://lynx.dev/schemas/tool.schema.json\n# Generated by `cargo xtask bench-validate`.\n";
const WORKFLOW_HEADER: &str = "# yaml-language-server: $schema=https://lynx.dev/schemas/workflow.schema.json\n# Generated by `cargo xtask bench-validate`.\n";

/// Write a corpus of `files` files (about 10 % workflows) into `dir`, replacing what was there.
pub fn write(dir: &Path, files: usize) -> Result<Corpus> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    let project = dir.join("project");
    let json_tools = dir.join("json/tools");
    let json_workflows = dir.join("json/workflows");
    for d in [
        project.join("tools"),
        project.join("workflows"),
        project.join("handlers"),
        json_tools.clone(),
        json_workflows.clone(),
    ] {
        std::fs::create_dir_all(&d).with_context(|| format!("creating {}", d.display()))?;
    }

    let files = files.max(2);
    let n_workflows = (files / 10).max(1);
    let n_tool_files = files - n_workflows;
    let mut rng = Rng::new(0x6C79_6E78);
    let mut infos = Vec::new();
    let mut tool_files = Vec::new();
    let mut n_tool = 0;

    for f in 1..=n_tool_files {
        // About 5 % of the files use the `tools:` list form with 2–3 tools (never the first).
        let list = f > 1 && rng.chance(5);
        let doc = if list {
            let mut defs = Vec::new();
            for _ in 0..rng.range(2, 3) {
                n_tool += 1;
                let (t, info) = tool(n_tool, &mut rng);
                defs.push(t);
                infos.push(info);
            }
            map![("tools", Y::Seq(defs))]
        } else {
            n_tool += 1;
            let (t, info) = tool(n_tool, &mut rng);
            infos.push(info);
            t
        };
        let name = format!("t{f:04}");
        let rel = PathBuf::from(format!("tools/{name}.yaml"));
        write_file(&project.join(&rel), &to_yaml(&doc, TOOL_HEADER))?;
        write_file(&json_tools.join(format!("{name}.json")), &json(&doc))?;
        tool_files.push(rel);
    }

    let mut workflow_files = Vec::new();
    for w in 1..=n_workflows {
        let doc = workflow(w, &infos, &mut rng);
        let name = format!("w{w:04}");
        let rel = PathBuf::from(format!("workflows/{name}.yaml"));
        write_file(&project.join(&rel), &to_yaml(&doc, WORKFLOW_HEADER))?;
        write_file(&json_workflows.join(format!("{name}.json")), &json(&doc))?;
        workflow_files.push(rel);
    }

    // Handler files the tools point at, and the project config.
    let py = "import json, sys\n\n\ndef main():\n    request = json.load(sys.stdin)\n    json.dump({\"status\": \"ok\", \"echo\": request.get(\"arguments\", {})}, sys.stdout)\n\n\nif __name__ == \"__main__\":\n    main()\n";
    write_file(&project.join("handlers/__init__.py"), "")?;
    for domain in DOMAINS {
        write_file(&project.join(format!("handlers/{domain}_worker.py")), py)?;
        let mut module = String::new();
        for verb in READ_VERBS.iter().chain(WRITE_VERBS) {
            for noun in NOUNS {
                let _ = write!(
                    module,
                    "def {verb}_{noun}(args, ctx):\n    return {{\"status\": \"ok\"}}\n\n\n"
                );
            }
        }
        write_file(
            &project.join(format!("handlers/{domain}.py")),
            module.trim_end(),
        )?;
        for noun in NOUNS {
            write_file(&project.join(format!("handlers/{domain}_{noun}.py")), py)?;
        }
    }
    write_file(&project.join("lynx.toml"), &config())?;

    Ok(Corpus {
        project,
        tool_files,
        workflow_files,
        json_tools,
        json_workflows,
        tools: n_tool,
    })
}

fn config() -> String {
    let mut c = String::from(
        "# Generated by `cargo xtask bench-validate`.\n\n[project]\nname = \"bench\"\ntools = [\"tools/**/*.yaml\"]\nworkflows = [\"workflows/**/*.yaml\"]\n\n[lint]\nstrict = false\n",
    );
    for domain in DOMAINS {
        let _ = write!(
            c,
            "\n[notify.{domain}-approvals]\nkind = \"slack\"\nurl_env = \"{}_SLACK_WEBHOOK_URL\"\nchannel = \"#{domain}-approvals\"\n",
            domain.to_ascii_uppercase()
        );
    }
    c
}

fn json(doc: &Y) -> String {
    let mut text = serde_json::to_string_pretty(&doc.to_json()).unwrap_or_default();
    text.push('\n');
    text
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_scalars_avoid_yaml_pitfalls() {
        for bad in [
            "",
            "yes",
            "No",
            "1.0",
            "12",
            "{{ x }}",
            "a: b",
            "a #b",
            "role:admin",
            "-x",
            "a,b",
            "[x]",
            "2024-01-31",
            "1:30",
        ] {
            assert!(!plain_ok(bad), "{bad:?} must be quoted");
        }
        for good in [
            "python3",
            "handlers/a.py",
            "1.2.0",
            "10/s burst 100",
            "5m",
            "Read ledger 4",
        ] {
            assert!(plain_ok(good), "{good:?} can be plain");
        }
    }

    #[test]
    fn emits_block_yaml_with_flow_leaves() {
        let doc = map![
            ("id", s("a.domain.b")),
            (
                "handler",
                map![("kind", s("exec")), ("command", strs(&["python3", "h.py"]))]
            ),
            (
                "tests",
                Y::Seq(vec![map![
                    ("name", s("x")),
                    ("args", map![("a", Y::Int(1))]),
                    ("expect", map![("is_error", Y::Bool(false))])
                ]])
            ),
        ];
        let yaml = to_yaml(&doc, "");
        assert_eq!(
            yaml,
            "id: a.domain.b\nhandler:\n  kind: exec\n  command: [python3, h.py]\ntests:\n  - name: x\n    args: { a: 1 }\n    expect: { is_error: false }\n"
        );
    }

    #[test]
    fn corpus_is_deterministic() {
        let base =
            std::env::temp_dir().join(format!("lynx-xtask-corpus-test-{}", std::process::id()));
        let a = write(&base.join("a"), 40).unwrap();
        let b = write(&base.join("b"), 40).unwrap();
        assert_eq!(a.tool_files.len(), 36);
        assert_eq!(a.workflow_files.len(), 4);
        for rel in a.tool_files.iter().chain(&a.workflow_files) {
            let x = std::fs::read_to_string(a.project.join(rel)).unwrap();
            let y = std::fs::read_to_string(b.project.join(rel)).unwrap();
            assert_eq!(x, y);
        }
        std::fs::remove_dir_all(&base).unwrap();
    }
}
