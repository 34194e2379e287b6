//! `tool:create`: a resolved [`ToolSpec`] (checked against the id rules) becomes a tool file and
//! its handler.

use super::plan::{Plan, clean_relative};
use super::templates::render;
use super::{SpecError, names, schema_ref};
use crate::lint::rules::id_format;
use serde::Serialize;
use serde_json::{Value as Json, json};

/// How the generated tool runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HandlerLang {
    /// `exec`: a Python script run once per call (stdlib only).
    Python,
    /// `worker`: a long-lived Python process answering JSON lines (stdlib only).
    PythonWorker,
    /// `exec`: a Node.js script run once per call (no npm packages).
    Node,
    /// `exec`: a bash script run once per call (uses `jq` when installed).
    Bash,
    /// `http`: lynx POSTs each call to a URL; a stdlib Python service is generated beside it.
    Http,
    /// `builtin` echo: needs no runtime; a placeholder to replace.
    Builtin,
}

impl HandlerLang {
    pub const ALL: [HandlerLang; 6] = [
        HandlerLang::Python,
        HandlerLang::PythonWorker,
        HandlerLang::Node,
        HandlerLang::Bash,
        HandlerLang::Http,
        HandlerLang::Builtin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            HandlerLang::Python => "python",
            HandlerLang::PythonWorker => "python-worker",
            HandlerLang::Node => "node",
            HandlerLang::Bash => "bash",
            HandlerLang::Http => "http",
            HandlerLang::Builtin => "builtin",
        }
    }

    /// What this kind generates, in one place so paths, handler blocks and templates agree.
    fn kind(self) -> Kind {
        let k = |handler, interpreter, suffix, template| Kind {
            handler,
            interpreter,
            suffix,
            template,
        };
        match self {
            HandlerLang::Python => k("exec", "python3", ".py", "handlers/python_exec.py"),
            HandlerLang::PythonWorker => k("worker", "python3", ".py", "handlers/python_worker.py"),
            HandlerLang::Node => k("exec", "node", ".mjs", "handlers/node_exec.mjs"),
            HandlerLang::Bash => k("exec", "bash", ".sh", "handlers/bash_exec.sh"),
            // `-` cannot occur in an id, so the service never shares a name with another
            // tool's handler.
            HandlerLang::Http => k("http", "python3", "-server.py", "handlers/http_server.py"),
            HandlerLang::Builtin => k("builtin", "", "", ""),
        }
    }

    /// The interpreter the generated handler (or service) runs on, if any.
    pub fn interpreter(self) -> Option<&'static str> {
        Some(self.kind().interpreter).filter(|i| !i.is_empty())
    }
}

/// A handler kind's generated parts (`""` where it has none).
struct Kind {
    /// `handler.kind` in the tool file.
    handler: &'static str,
    interpreter: &'static str,
    /// The handler file's name after the id (`handlers/<id><suffix>`).
    suffix: &'static str,
    template: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LayerArg {
    Domain,
    Cluster,
    Cell,
}

impl LayerArg {
    pub fn as_str(self) -> &'static str {
        match self {
            LayerArg::Domain => "domain",
            LayerArg::Cluster => "cluster",
            LayerArg::Cell => "cell",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "domain" => Some(LayerArg::Domain),
            "cluster" => Some(LayerArg::Cluster),
            "cell" => Some(LayerArg::Cell),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RiskArg {
    #[default]
    Low,
    Medium,
    High,
}

impl RiskArg {
    pub fn as_str(self) -> &'static str {
        match self {
            RiskArg::Low => "low",
            RiskArg::Medium => "medium",
            RiskArg::High => "high",
        }
    }
}

/// What the user asked for, before defaults and checks.
#[derive(Clone, Debug, Default)]
pub struct ToolRequest {
    pub id: String,
    pub layer: Option<LayerArg>,
    pub domain: Option<String>,
    pub risk: RiskArg,
    pub title: Option<String>,
    pub description: Option<String>,
    pub read_only: bool,
    pub destructive: bool,
    /// Folder of the tool file, relative to the project root.
    pub dir: Option<String>,
    /// The folder when `dir` is not given (from `[project] tools`; `tools` when `None`).
    pub default_dir: Option<String>,
    /// `http` only: the URL lynx POSTs to.
    pub url: Option<String>,
}

/// A tool ready to render: every value decided and checked.
#[derive(Clone, Debug)]
pub struct ToolSpec {
    pub id: String,
    pub layer: LayerArg,
    pub domain: String,
    pub risk: RiskArg,
    pub title: String,
    pub description: String,
    pub handler: HandlerLang,
    pub read_only: bool,
    pub destructive: bool,
    pub dir: String,
    pub url: String,
}

pub const DEFAULT_URL: &str = "http://127.0.0.1:8080/";

/// The domain and layer an id names (its first two segments; `domain` when the second is not
/// a layer, which `id_problem` reports first).
pub fn domain_and_layer(id: &str) -> (String, LayerArg) {
    let mut parts = id.split('.');
    let domain = parts.next().unwrap_or_default().to_owned();
    let layer = parts
        .next()
        .and_then(LayerArg::parse)
        .unwrap_or(LayerArg::Domain);
    (domain, layer)
}

/// Why `id` cannot be a tool id, in the words of the `id-format` rule.
pub fn id_problem(id: &str) -> Option<String> {
    if id.trim().is_empty() {
        return Some("the id is empty; ids look like `finance.domain.health.read`".into());
    }
    id_format::problem(id)
        .map(|why| format!("`{id}` {why}; ids look like `finance.domain.health.read`"))
}

impl ToolSpec {
    /// Applies the defaults (layer and domain from the id, title from its name) and checks that
    /// explicit values agree with the id.
    pub fn resolve(req: ToolRequest, handler: HandlerLang) -> Result<ToolSpec, SpecError> {
        if let Some(why) = id_problem(&req.id) {
            return Err(SpecError::new("--id", why));
        }
        let (id_domain, id_layer) = domain_and_layer(&req.id);
        let layer = match req.layer {
            Some(l) if l != id_layer => {
                return Err(SpecError::new(
                    "--layer",
                    format!(
                        "`{}` disagrees with the id `{}`, whose second segment is `{}`\nhelp: drop `--layer` (it defaults from the id) or change the id",
                        l.as_str(),
                        req.id,
                        id_layer.as_str()
                    ),
                ));
            }
            _ => id_layer,
        };
        let domain = match req.domain {
            Some(d) if d != id_domain => {
                return Err(SpecError::new(
                    "--domain",
                    format!(
                        "`{d}` disagrees with the id `{}`, whose first segment is `{id_domain}`\nhelp: drop `--domain` (it defaults from the id) or change the id",
                        req.id
                    ),
                ));
            }
            _ => id_domain,
        };
        if req.read_only && req.destructive {
            return Err(SpecError::new(
                "--destructive",
                "a tool cannot be both `--read-only` and `--destructive`",
            ));
        }
        let dir = match &req.dir {
            None => req.default_dir.clone().unwrap_or_else(|| "tools".to_owned()),
            // The project root itself.
            Some(d) if d.is_empty() || d == "." => String::new(),
            Some(d) => clean_relative(d).ok_or_else(|| {
                SpecError::new(
                    "--dir",
                    format!("`{d}` is not a folder inside the project; give a relative path like `tools/finance`"),
                )
            })?,
        };
        if req.url.is_some() && handler != HandlerLang::Http {
            return Err(SpecError::new("--url", "only applies to `--handler http`"));
        }
        let url = req.url.unwrap_or_else(|| DEFAULT_URL.to_owned());
        if url.starts_with("https://") {
            return Err(SpecError::new(
                "--url",
                format!(
                    "`{url}`: the generated service speaks plain HTTP, so it needs an http:// URL\nhelp: pass an http:// URL; to serve it over TLS, put a TLS proxy in front and then set `handler.url` to the proxy's https:// URL"
                ),
            ));
        }
        if !url.starts_with("http://") {
            return Err(SpecError::new(
                "--url",
                format!("`{url}` is not an http:// URL; give one like `{DEFAULT_URL}`"),
            ));
        }
        if req
            .title
            .as_deref()
            .is_some_and(|t| t.contains(['\n', '\r']))
        {
            return Err(SpecError::new(
                "--title",
                "is one line; drop the line break (put details in `--description`)",
            ));
        }
        let title = req
            .title
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| names::title_from_id(&req.id));
        let description = req
            .description
            .filter(|d| !d.trim().is_empty())
            .unwrap_or_else(|| default_description(&title, handler));
        Ok(ToolSpec {
            id: req.id,
            layer,
            domain,
            risk: req.risk,
            title,
            description,
            handler,
            read_only: req.read_only,
            destructive: req.destructive,
            dir,
            url,
        })
    }

    /// Where the tool file goes.
    pub fn tool_path(&self) -> String {
        super::in_dir(&self.dir, &format!("{}.yaml", names::file_stem(&self.id)))
    }

    /// Where the handler file goes (none for builtins).
    pub fn handler_path(&self) -> Option<String> {
        let suffix = self.handler.kind().suffix;
        (!suffix.is_empty()).then(|| format!("handlers/{}{suffix}", names::file_stem(&self.id)))
    }

    /// Whether calls need an approval: high risk, or destructive.
    pub fn needs_approval(&self) -> bool {
        self.risk == RiskArg::High || self.destructive
    }
}

fn default_description(title: &str, handler: HandlerLang) -> String {
    match handler {
        HandlerLang::Builtin => format!("{title}: returns its arguments unchanged, for now."),
        _ => format!("{title}: greets someone by name, for now."),
    }
}

/// A property of a generated schema.
#[derive(Clone, Debug, Serialize)]
pub struct Property {
    pub name: String,
    pub schema: Json,
}

#[derive(Clone, Debug, Serialize)]
pub struct ObjectSchema {
    pub properties: Vec<Property>,
    pub required: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TestCase {
    pub name: String,
    pub args: Json,
    pub expect: Json,
}

/// Everything `tool.yaml` renders.
#[derive(Clone, Debug, Serialize)]
pub struct ToolDoc {
    pub schema: String,
    pub comment: Vec<String>,
    pub id: String,
    pub title: String,
    pub description: String,
    pub layer: &'static str,
    pub risk: &'static str,
    pub domain: String,
    pub handler: Json,
    pub input: ObjectSchema,
    pub output: Option<ObjectSchema>,
    pub annotations: Json,
    pub approval: Option<Json>,
    pub tests: Vec<TestCase>,
}

fn name_property() -> Property {
    Property {
        name: "name".into(),
        schema: json!({"type": "string", "description": "Who to greet."}),
    }
}

/// The `input_schema` every generated tool starts with, as JSON (what `tool.yaml` renders
/// from [`name_property`]), for a workflow built in the same run as the tool.
pub fn input_schema() -> serde_json::Map<String, Json> {
    let p = name_property();
    let mut properties = serde_json::Map::new();
    properties.insert(p.name.clone(), p.schema);
    let schema = json!({
        "type": "object",
        "properties": properties,
        "required": [p.name],
        "additionalProperties": false,
    });
    match schema {
        Json::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}

fn annotations(read_only: bool, destructive: bool) -> Json {
    json!({
        "read_only": read_only,
        "destructive": destructive,
        "idempotent": read_only,
    })
}

/// The rendered tool file and handler for `spec`: `(path, contents, executable)`.
pub fn files(
    spec: &ToolSpec,
    local_schemas: bool,
) -> Result<Vec<(String, String, bool)>, SpecError> {
    let tool_path = spec.tool_path();
    let handler_path = spec.handler_path();
    let script = handler_path.clone().unwrap_or_default();
    let kind = spec.handler.kind();
    let (handler, mut comment): (Json, Vec<String>) = match kind.handler {
        "exec" => (
            json!({"kind": "exec", "command": [kind.interpreter, script]}),
            vec![
                "An `exec` tool: lynx runs the handler once per call (no shell in between), writes the".into(),
                "request JSON to its stdin and reads the result JSON from its stdout. Paths are relative".into(),
                "to the project root.".into(),
            ],
        ),
        "worker" => (
            json!({"kind": "worker", "command": [kind.interpreter, script]}),
            vec![
                "A `worker` tool: one long-lived process answers many calls as JSON lines on".into(),
                "stdin/stdout; lynx restarts it if it exits.".into(),
            ],
        ),
        "http" => (
            json!({"kind": "http", "url": spec.url}),
            vec![
                "An `http` tool: lynx POSTs the request JSON to `handler.url` and reads the result JSON".into(),
                format!(
                    "from the response. `{script}` is a matching service: `{} {script}`.",
                    kind.interpreter
                ),
                "`lynx tool:test` passes only while that service is running.".into(),
            ],
        ),
        _ => (
            json!({"kind": "builtin"}),
            vec![
                "A `builtin` tool: `echo` returns its arguments and needs no runtime. Replace the".into(),
                "handler when the tool does real work (`lynx tool:create --help` lists the kinds).".into(),
            ],
        ),
    };
    let approval = spec.needs_approval().then(|| {
        comment.push(if spec.destructive {
            "Destructive, so calls need a person's approval (enforced once lynx's approval gate ships).".into()
        } else {
            "High risk, so calls need a person's approval (enforced once lynx's approval gate ships).".into()
        });
        json!({"approvers": [format!("role:{}-admin", spec.domain)]})
    });
    let (output, tests) = if spec.handler == HandlerLang::Builtin {
        (
            ObjectSchema {
                properties: vec![Property {
                    name: "name".into(),
                    schema: json!({"type": "string"}),
                }],
                required: vec!["name".into()],
            },
            vec![TestCase {
                name: "echoes its arguments".into(),
                args: json!({"name": "world"}),
                expect: json!({"output": {"name": "world"}}),
            }],
        )
    } else {
        (
            ObjectSchema {
                properties: vec![Property {
                    name: "message".into(),
                    schema: json!({"type": "string"}),
                }],
                required: vec!["message".into()],
            },
            vec![
                TestCase {
                    name: "greets by name".into(),
                    args: json!({"name": "world"}),
                    expect: json!({"output": {"message": "Hello, world!"}}),
                },
                TestCase {
                    name: "an empty name is a tool error".into(),
                    args: json!({"name": ""}),
                    expect: json!({"is_error": true, "error": "non-empty string"}),
                },
            ],
        )
    };
    let doc = ToolDoc {
        schema: schema_ref("tool", &tool_path, local_schemas),
        comment,
        id: spec.id.clone(),
        title: spec.title.clone(),
        description: spec.description.clone(),
        layer: spec.layer.as_str(),
        risk: spec.risk.as_str(),
        domain: spec.domain.clone(),
        handler,
        input: ObjectSchema {
            properties: vec![name_property()],
            required: vec!["name".into()],
        },
        output: Some(output),
        annotations: annotations(spec.read_only, spec.destructive),
        approval,
        tests,
    };
    let mut out = vec![(tool_path, render("tool.yaml", &doc)?, false)];
    if let Some(path) = handler_path {
        let ctx = json!({"id": spec.id, "path": path, "port": port_of(&spec.url)});
        out.push((path, render(kind.template, &ctx)?, true));
    }
    Ok(out)
}

/// The port of an `http://host:port/…` URL (8080 when it has none).
fn port_of(url: &str) -> u16 {
    let authority = url
        .split("://")
        .nth(1)
        .unwrap_or_default()
        .split('/')
        .next()
        .unwrap_or_default();
    authority
        .rsplit_once(':')
        .and_then(|(_, p)| p.parse().ok())
        .unwrap_or(8080)
}

/// The plan for one tool under `root`.
pub fn plan(
    root: &std::path::Path,
    spec: &ToolSpec,
    local_schemas: bool,
) -> Result<Plan, SpecError> {
    let mut plan = Plan::new(root);
    for (path, text, exec) in files(spec, local_schemas)? {
        plan.add(&path, text, exec)?;
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(id: &str) -> ToolRequest {
        ToolRequest {
            id: id.into(),
            ..ToolRequest::default()
        }
    }

    #[test]
    fn layer_and_domain_default_from_the_id() {
        let spec =
            ToolSpec::resolve(req("finance.cell.payment.approve"), HandlerLang::Python).unwrap();
        assert_eq!(spec.layer, LayerArg::Cell);
        assert_eq!(spec.domain, "finance");
        assert_eq!(spec.title, "Payment approve");
        assert_eq!(spec.tool_path(), "tools/finance.cell.payment.approve.yaml");
        assert_eq!(
            spec.handler_path().as_deref(),
            Some("handlers/finance.cell.payment.approve.py")
        );
    }

    #[test]
    fn mismatches_and_bad_ids_name_the_flag() {
        let mut r = req("finance.cell.payment.approve");
        r.layer = Some(LayerArg::Domain);
        let e = ToolSpec::resolve(r, HandlerLang::Python).unwrap_err();
        assert_eq!(e.flag, "--layer");
        assert!(e.message.contains("`cell`"), "{e}");
        let mut r = req("finance.cell.payment.approve");
        r.domain = Some("billing".into());
        assert_eq!(
            ToolSpec::resolve(r, HandlerLang::Python).unwrap_err().flag,
            "--domain"
        );
        let e = ToolSpec::resolve(req("Finance.health"), HandlerLang::Python).unwrap_err();
        assert_eq!(e.flag, "--id");
        let mut r = req("a.domain.b");
        r.dir = Some("../outside".into());
        assert_eq!(
            ToolSpec::resolve(r, HandlerLang::Python).unwrap_err().flag,
            "--dir"
        );
        let mut r = req("a.domain.b");
        r.url = Some("http://x/".into());
        assert_eq!(
            ToolSpec::resolve(r, HandlerLang::Python).unwrap_err().flag,
            "--url"
        );
        let mut r = req("a.domain.b");
        r.url = Some("https://x/".into());
        let e = ToolSpec::resolve(r, HandlerLang::Http).unwrap_err();
        assert!(e.flag == "--url" && e.message.contains("TLS proxy"), "{e}");
        let e = ToolSpec::resolve(req(""), HandlerLang::Python).unwrap_err();
        assert!(e.message.contains("the id is empty"), "{e}");
        let mut r = req("a.domain.b");
        r.title = Some("two\nlines".into());
        let e = ToolSpec::resolve(r, HandlerLang::Python).unwrap_err();
        assert!(e.flag == "--title" && e.message.contains("one line"), "{e}");
        let mut r = req("a.domain.b");
        r.read_only = true;
        r.destructive = true;
        assert!(ToolSpec::resolve(r, HandlerLang::Python).is_err());
    }

    #[test]
    fn risky_tools_get_an_approval_block_and_read_only_tools_the_hint() {
        let mut r = req("ops.cell.db.drop");
        r.destructive = true;
        let spec = ToolSpec::resolve(r, HandlerLang::Bash).unwrap();
        let text = &files(&spec, false).unwrap()[0].1;
        assert!(text.contains("approval:"), "{text}");
        assert!(
            !text.contains("lynx approvals") && !text.contains("waits for"),
            "no promises of commands that do not exist yet: {text}"
        );
        assert!(text.contains("destructiveHint: true"));
        let mut r = req("ops.domain.db.read");
        r.read_only = true;
        let spec = ToolSpec::resolve(r, HandlerLang::Bash).unwrap();
        let text = &files(&spec, false).unwrap()[0].1;
        assert!(!text.contains("approval:"));
        assert!(text.contains("readOnlyHint: true"));
        let mut r = req("ops.domain.db.read");
        r.risk = RiskArg::High;
        let spec = ToolSpec::resolve(r, HandlerLang::Builtin).unwrap();
        assert!(
            files(&spec, false).unwrap()[0]
                .1
                .contains("approvers: [\"role:ops-admin\"]")
        );
    }

    #[test]
    fn an_http_tool_says_its_tests_need_the_service() {
        let spec = ToolSpec::resolve(req("ops.domain.db.read"), HandlerLang::Http).unwrap();
        let text = &files(&spec, false).unwrap()[0].1;
        assert!(
            text.contains("`lynx tool:test` passes only while that service is running"),
            "{text}"
        );
    }

    #[test]
    fn ports_come_from_the_url() {
        assert_eq!(port_of("http://127.0.0.1:9000/x"), 9000);
        assert_eq!(port_of("http://localhost/"), 8080);
        assert_eq!(port_of("http://h"), 8080);
    }
}
