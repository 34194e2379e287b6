//! Typed definitions of tools, workflows and `lynx.toml`, deserialised from the spanned tree.
//!
//! The JSON Schemas in `schemas/` are the contract users and editors see; these types are what
//! the runtime uses. `tests/it/schema_agreement.rs` proves they accept exactly the same files.
//! Unknown keys are rejected here too, except `x-` extension keys where the schema allows them.

use serde::Deserialize;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::time::Duration;

/// A duration written as `500ms`, `5s`, `2m`, `24h` or `7d`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dur(pub Duration);

impl Dur {
    pub fn parse(text: &str) -> Option<Self> {
        let split = text.find(|c: char| !c.is_ascii_digit())?;
        let (digits, unit) = text.split_at(split);
        let n: u64 = digits.parse().ok()?;
        let ms = match unit {
            "ms" => n,
            "s" => n.checked_mul(1_000)?,
            "m" => n.checked_mul(60_000)?,
            "h" => n.checked_mul(3_600_000)?,
            "d" => n.checked_mul(86_400_000)?,
            _ => return None,
        };
        Some(Dur(Duration::from_millis(ms)))
    }
}

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Dur::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{s}` is not a duration like `500ms`, `5s`, `2m`, `24h`"
            ))
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Layer {
    Domain,
    Cluster,
    Cell,
}

impl Layer {
    pub const ALL: [&'static str; 3] = ["domain", "cluster", "cell"];

    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Domain => "domain",
            Layer::Cluster => "cluster",
            Layer::Cell => "cell",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    #[default]
    Low,
    Medium,
    High,
}

/// Fields an object may carry beyond its known ones: only `x-` extension keys are allowed.
pub type Extensions = BTreeMap<String, Json>;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    pub id: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub layer: Option<Layer>,
    #[serde(default)]
    pub risk: Risk,
    pub domain: Option<String>,
    pub handler: Handler,
    pub input_schema: Option<serde_json::Map<String, Json>>,
    pub output_schema: Option<serde_json::Map<String, Json>>,
    #[serde(default)]
    pub access: Access,
    /// Seed alias of `access.roles`.
    pub required_role: Option<OneOrMany>,
    /// Seed alias of `access.scopes`.
    pub required_scope: Option<OneOrMany>,
    #[serde(default)]
    pub annotations: Annotations,
    pub cache: Option<Cache>,
    pub rate_limit: Option<String>,
    pub retry: Option<Retry>,
    pub approval: Option<Approval>,
    #[serde(default)]
    pub tests: Vec<TestCase>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub version: Option<String>,
}

impl Tool {
    /// Roles from `access.roles` and the seed's `required_role`.
    pub fn roles(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.access.roles.iter().map(String::as_str).collect();
        if let Some(r) = &self.required_role {
            out.extend(r.iter());
        }
        out
    }

    pub fn scopes(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.access.scopes.iter().map(String::as_str).collect();
        if let Some(s) = &self.required_scope {
            out.extend(s.iter());
        }
        out
    }

    pub fn read_only(&self) -> bool {
        self.annotations.read_only_hint == Some(true)
    }

    pub fn idempotent(&self) -> bool {
        self.annotations.idempotent_hint == Some(true) || self.read_only()
    }

    /// MCP's default for `destructiveHint` is true unless the tool is read-only.
    pub fn destructive(&self) -> bool {
        self.annotations.destructive_hint == Some(true)
    }
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let slice: &[String] = match self {
            OneOrMany::One(s) => std::slice::from_ref(s),
            OneOrMany::Many(v) => v,
        };
        slice.iter().map(String::as_str)
    }
}

/// How a tool runs. The string form `module.path:func` is a Python function run by lynx's
/// bundled worker runner.
#[derive(Clone, Debug)]
pub enum Handler {
    Module(String),
    Spec(Box<HandlerSpec>),
}

/// Whether `s` is a `module.path:function` entry point (the schema's pattern, checked here so the
/// model accepts exactly what the schema does).
pub fn is_module_path(s: &str) -> bool {
    let ident = |p: &str| {
        let mut c = p.chars();
        c.next()
            .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
            && c.all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    match s.split_once(':') {
        Some((module, func)) => module.split('.').all(ident) && ident(func),
        None => false,
    }
}

impl<'de> Deserialize<'de> for Handler {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Module(String),
            Spec(Box<HandlerSpec>),
        }
        match Raw::deserialize(d)? {
            Raw::Module(m) if is_module_path(&m) => Ok(Handler::Module(m)),
            Raw::Module(m) => Err(serde::de::Error::custom(format!(
                "`{m}` is not a `module.path:function` entry point"
            ))),
            Raw::Spec(s) => match s.missing_field() {
                None => Ok(Handler::Spec(s)),
                Some(field) => Err(serde::de::Error::missing_field(field)),
            },
        }
    }
}

impl HandlerSpec {
    /// The field this kind of handler needs but lacks (the schema's `if`/`then` rules).
    pub fn missing_field(&self) -> Option<&'static str> {
        match self.kind {
            HandlerKind::Exec | HandlerKind::Worker if self.command.is_empty() => Some("command"),
            HandlerKind::Http if self.url.is_none() => Some("url"),
            HandlerKind::Mcp if self.upstream.is_none() => Some("upstream"),
            HandlerKind::Workflow if self.workflow.is_none() => Some("workflow"),
            HandlerKind::Builtin if self.name.is_none() => Some("name"),
            HandlerKind::Builtin
                if self.name == Some(Builtin::Sleep) && self.duration.is_none() =>
            {
                Some("duration")
            }
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HandlerKind {
    Exec,
    Worker,
    Http,
    Mcp,
    Workflow,
    Builtin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Builtin {
    Echo,
    Sleep,
    Fail,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandlerSpec {
    pub kind: HandlerKind,
    #[serde(default)]
    pub command: Vec<String>,
    #[serde(default)]
    pub env: Vec<String>,
    pub cwd: Option<String>,
    pub timeout: Option<Dur>,
    pub max_output: Option<String>,
    pub concurrency: Option<u32>,
    pub url: Option<String>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    pub upstream: Option<String>,
    pub tool: Option<String>,
    pub workflow: Option<String>,
    pub name: Option<Builtin>,
    pub duration: Option<Dur>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Access {
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub scopes: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Annotations {
    pub title: Option<String>,
    pub read_only_hint: Option<bool>,
    pub destructive_hint: Option<bool>,
    pub idempotent_hint: Option<bool>,
    pub open_world_hint: Option<bool>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cache {
    pub ttl: Dur,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retry {
    pub attempts: u32,
    pub backoff: Option<Dur>,
    pub max_backoff: Option<Dur>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    pub required: bool,
    #[serde(default)]
    pub approvers: Vec<String>,
    #[serde(default)]
    pub notify: Vec<String>,
    pub expires: Option<Dur>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestCase {
    pub name: String,
    pub args: serde_json::Map<String, Json>,
    #[serde(default)]
    pub context: CallContext,
    #[serde(default)]
    pub expect: Expect,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallContext {
    pub tenant_id: Option<String>,
    pub user_id: Option<String>,
    pub trace_id: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub output: Option<Json>,
    pub error: Option<String>,
    pub is_error: Option<bool>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workflow {
    pub name: String,
    pub description: Option<String>,
    pub input_schema: Option<serde_json::Map<String, Json>>,
    pub output: Option<Json>,
    pub max_parallel: Option<u32>,
    pub timeout: Option<Dur>,
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub id: String,
    pub tool: String,
    pub upstream: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub needs: Vec<String>,
    #[serde(default, rename = "with")]
    pub with: serde_json::Map<String, Json>,
    pub when: Option<String>,
    pub for_each: Option<Json>,
    pub max_parallel: Option<u32>,
    pub retry: Option<Retry>,
    pub timeout: Option<Dur>,
    #[serde(default)]
    pub continue_on_error: bool,
}

// ---------------------------------------------------------------------------------------------
// lynx.toml

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub project: ProjectSection,
    #[serde(default)]
    pub server: Json,
    #[serde(default)]
    pub auth: Json,
    #[serde(default)]
    pub tenants: BTreeMap<String, Json>,
    #[serde(default)]
    pub pricing: BTreeMap<String, Json>,
    #[serde(default)]
    pub compliance: Compliance,
    #[serde(default)]
    pub audit: Json,
    #[serde(default)]
    pub state: Json,
    #[serde(default)]
    pub telemetry: Json,
    #[serde(default)]
    pub upstreams: BTreeMap<String, Json>,
    #[serde(default)]
    pub notify: BTreeMap<String, Json>,
    #[serde(default)]
    pub lint: LintSection,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectSection {
    pub name: Option<String>,
    #[serde(default = "default_tool_globs")]
    pub tools: Vec<String>,
    #[serde(default = "default_workflow_globs")]
    pub workflows: Vec<String>,
}

impl Default for ProjectSection {
    fn default() -> Self {
        Self {
            name: None,
            tools: default_tool_globs(),
            workflows: default_workflow_globs(),
        }
    }
}

fn default_tool_globs() -> Vec<String> {
    vec!["tools/**/*.yaml".into(), "tools/**/*.yml".into()]
}

fn default_workflow_globs() -> Vec<String> {
    vec!["workflows/**/*.yaml".into(), "workflows/**/*.yml".into()]
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    Sox,
    Hipaa,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Compliance {
    pub preset: Option<Preset>,
    pub retention_days: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    Error,
    Warning,
    Info,
    Off,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LintSection {
    pub strict: Option<bool>,
    #[serde(default)]
    pub rules: BTreeMap<String, RuleLevel>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(Dur::parse("200ms"), Some(Dur(Duration::from_millis(200))));
        assert_eq!(Dur::parse("5m"), Some(Dur(Duration::from_secs(300))));
        assert_eq!(Dur::parse("7d"), Some(Dur(Duration::from_secs(604_800))));
        assert_eq!(Dur::parse("5"), None);
        assert_eq!(Dur::parse("ms"), None);
        assert_eq!(Dur::parse("99999999999999999999s"), None);
        assert_eq!(Dur::parse("5 s"), None);
    }

    #[test]
    fn module_paths_follow_the_schema_pattern() {
        assert!(is_module_path("handlers.ledger:sync"));
        assert!(is_module_path("_m:_f1"));
        assert!(!is_module_path("not a module"));
        assert!(!is_module_path("a..b:f"));
        assert!(!is_module_path("a.b"));
        assert!(!is_module_path("a:1f"));
        let bad = serde_json::from_value::<Handler>(serde_json::json!("a b:c"));
        assert!(bad.is_err());
    }

    #[test]
    fn each_handler_kind_needs_its_field() {
        let load = |v| serde_json::from_value::<Handler>(v);
        assert!(load(serde_json::json!({"kind": "exec"})).is_err());
        assert!(load(serde_json::json!({"kind": "exec", "command": ["x"]})).is_ok());
        assert!(load(serde_json::json!({"kind": "builtin", "name": "sleep"})).is_err());
        assert!(
            load(serde_json::json!({"kind": "builtin", "name": "sleep", "duration": "1ms"}))
                .is_ok()
        );
        assert!(load(serde_json::json!({"kind": "http"})).is_err());
    }

    #[test]
    fn handler_string_is_a_module_path() {
        let h: Handler = serde_json::from_value(serde_json::json!("pkg.mod:run")).unwrap();
        assert!(matches!(h, Handler::Module(m) if m == "pkg.mod:run"));
    }
}
