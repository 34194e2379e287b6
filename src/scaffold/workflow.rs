//! `workflow:create`: a workflow from one of the [`WorkflowTemplate`]s (with builtin-echo stub
//! tools for the steps the project does not have yet), or a chain of the project's own tools
//! (`--steps`) whose `with:` is filled from their `input_schema`.

use super::plan::Plan;
use super::templates::render;
use super::tool::{ObjectSchema, Property, TestCase, ToolDoc};
use super::{SpecError, names, schema_ref};
use serde::Serialize;
use serde_json::{Map, Value as Json, json};
use std::collections::BTreeMap;

/// Ready-made workflows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WorkflowTemplate {
    /// Build, test, then deploy when the tests pass.
    CiCd,
    /// Snapshot a database, upload the snapshot, verify the copy.
    Backup,
    /// Scan dependencies and secrets in parallel, then compile a report.
    SecurityAudit,
    /// Diagnose a service, restart it for severe incidents (approved), post a status update.
    IncidentResponse,
    /// Query metrics and traces in parallel, then analyse the bottleneck.
    PerfInvestigation,
    /// Build a site, publish it to the CDN, purge the CDN cache.
    ContentDeployment,
    /// A reviewer, then a manager approve a request before it is carried out.
    ApprovalChain,
    /// One call per item of a list in parallel (`for_each`), then collect the results.
    FanOut,
}

impl WorkflowTemplate {
    pub const ALL: [WorkflowTemplate; 8] = [
        WorkflowTemplate::CiCd,
        WorkflowTemplate::Backup,
        WorkflowTemplate::SecurityAudit,
        WorkflowTemplate::IncidentResponse,
        WorkflowTemplate::PerfInvestigation,
        WorkflowTemplate::ContentDeployment,
        WorkflowTemplate::ApprovalChain,
        WorkflowTemplate::FanOut,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WorkflowTemplate::CiCd => "ci-cd",
            WorkflowTemplate::Backup => "backup",
            WorkflowTemplate::SecurityAudit => "security-audit",
            WorkflowTemplate::IncidentResponse => "incident-response",
            WorkflowTemplate::PerfInvestigation => "perf-investigation",
            WorkflowTemplate::ContentDeployment => "content-deployment",
            WorkflowTemplate::ApprovalChain => "approval-chain",
            WorkflowTemplate::FanOut => "fan-out",
        }
    }

    /// The description a workflow gets when `--description` is not given.
    pub fn description(self) -> &'static str {
        match self {
            WorkflowTemplate::CiCd => "Builds and tests a revision, then deploys it.",
            WorkflowTemplate::Backup => "Backs up a database and verifies the copy.",
            WorkflowTemplate::SecurityAudit => {
                "Scans dependencies and secrets, then compiles an audit report."
            }
            WorkflowTemplate::IncidentResponse => {
                "Diagnoses an incident, restarts the service when severe, posts a status update."
            }
            WorkflowTemplate::PerfInvestigation => {
                "Gathers metrics and traces of a slow service and finds the bottleneck."
            }
            WorkflowTemplate::ContentDeployment => {
                "Builds content, publishes it to the CDN and purges the CDN cache."
            }
            WorkflowTemplate::ApprovalChain => {
                "Gets a request approved by a reviewer and a manager, then carries it out."
            }
            WorkflowTemplate::FanOut => {
                "Sends a message to every target in parallel and collects the results."
            }
        }
    }

    /// The tools the template's steps call.
    pub fn tools(self) -> Vec<Stub> {
        match self {
            WorkflowTemplate::CiCd => cicd(),
            WorkflowTemplate::Backup => backup(),
            WorkflowTemplate::SecurityAudit => security(),
            WorkflowTemplate::IncidentResponse => incident(),
            WorkflowTemplate::PerfInvestigation => perf(),
            WorkflowTemplate::ContentDeployment => content(),
            WorkflowTemplate::ApprovalChain => approval(),
            WorkflowTemplate::FanOut => fanout(),
        }
    }
}

/// How a stub tool behaves (its annotations and risk).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nature {
    /// Reads only: `readOnlyHint`, idempotent, low risk.
    Read,
    /// Changes something; repeatable without harm (idempotent), medium risk.
    Change,
    /// High risk: gets an `approval:` block.
    Approve,
}

/// A tool a template calls, generated as a builtin-echo stub when the project lacks it.
#[derive(Debug)]
pub struct Stub {
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub nature: Nature,
    /// `(name, JSON schema, sample value)`; every property is required.
    pub props: Vec<(&'static str, Json, Json)>,
}

fn cicd() -> Vec<Stub> {
    vec![
        Stub {
            id: "cicd.cell.build.run",
            title: "Build",
            description: "Builds a revision of a repository.",
            nature: Nature::Change,
            props: vec![
                ("repository", json!({"type": "string"}), json!("web")),
                ("ref", json!({"type": "string"}), json!("main")),
            ],
        },
        Stub {
            id: "cicd.cell.test.run",
            title: "Test",
            description: "Runs the test suite against a build artifact.",
            nature: Nature::Change,
            props: vec![("artifact", json!({"type": "string"}), json!("main"))],
        },
        Stub {
            id: "cicd.cell.deploy.run",
            title: "Deploy",
            description: "Deploys a build artifact to an environment.",
            nature: Nature::Approve,
            props: vec![
                ("artifact", json!({"type": "string"}), json!("main")),
                (
                    "environment",
                    json!({"type": "string", "enum": ["staging", "production"]}),
                    json!("staging"),
                ),
            ],
        },
    ]
}
fn backup() -> Vec<Stub> {
    vec![
        Stub {
            id: "backup.cell.snapshot.create",
            title: "Create snapshot",
            description: "Takes a consistent snapshot of a database.",
            nature: Nature::Change,
            props: vec![("database", json!({"type": "string"}), json!("orders"))],
        },
        Stub {
            id: "backup.cell.snapshot.upload",
            title: "Upload snapshot",
            description: "Uploads a snapshot to a storage bucket.",
            nature: Nature::Change,
            props: vec![
                ("snapshot", json!({"type": "string"}), json!("orders")),
                ("bucket", json!({"type": "string"}), json!("backups")),
            ],
        },
        Stub {
            id: "backup.domain.snapshot.verify",
            title: "Verify snapshot",
            description: "Checks that a stored snapshot restores.",
            nature: Nature::Read,
            props: vec![
                ("snapshot", json!({"type": "string"}), json!("orders")),
                ("bucket", json!({"type": "string"}), json!("backups")),
            ],
        },
    ]
}
fn security() -> Vec<Stub> {
    vec![
        Stub {
            id: "security.domain.dependencies.scan",
            title: "Scan dependencies",
            description: "Lists dependencies with known vulnerabilities.",
            nature: Nature::Read,
            props: vec![("target", json!({"type": "string"}), json!("web"))],
        },
        Stub {
            id: "security.domain.secrets.scan",
            title: "Scan for secrets",
            description: "Finds credentials committed by mistake.",
            nature: Nature::Read,
            props: vec![("target", json!({"type": "string"}), json!("web"))],
        },
        Stub {
            id: "security.domain.report.compile",
            title: "Compile report",
            description: "Compiles scan results into one audit report.",
            nature: Nature::Read,
            props: vec![
                ("target", json!({"type": "string"}), json!("web")),
                ("dependencies", json!({"type": "object"}), json!({})),
                ("secrets", json!({"type": "object"}), json!({})),
            ],
        },
    ]
}
fn incident() -> Vec<Stub> {
    vec![
        Stub {
            id: "incident.domain.service.diagnose",
            title: "Diagnose service",
            description: "Collects the health, recent errors and changes of a service.",
            nature: Nature::Read,
            props: vec![("service", json!({"type": "string"}), json!("checkout"))],
        },
        Stub {
            id: "incident.cell.service.restart",
            title: "Restart service",
            description: "Restarts every instance of a service.",
            nature: Nature::Approve,
            props: vec![("service", json!({"type": "string"}), json!("checkout"))],
        },
        Stub {
            id: "incident.cell.status.notify",
            title: "Post status update",
            description: "Posts an incident status update.",
            nature: Nature::Change,
            props: vec![
                ("service", json!({"type": "string"}), json!("checkout")),
                (
                    "summary",
                    json!({"type": "string"}),
                    json!("high incident on checkout"),
                ),
            ],
        },
    ]
}
fn perf() -> Vec<Stub> {
    vec![
        Stub {
            id: "perf.domain.metrics.query",
            title: "Query metrics",
            description: "Reads latency and error metrics of a service.",
            nature: Nature::Read,
            props: vec![
                ("service", json!({"type": "string"}), json!("checkout")),
                ("window", json!({"type": "string"}), json!("1h")),
            ],
        },
        Stub {
            id: "perf.domain.traces.query",
            title: "Query traces",
            description: "Reads the slowest traces of a service.",
            nature: Nature::Read,
            props: vec![
                ("service", json!({"type": "string"}), json!("checkout")),
                ("window", json!({"type": "string"}), json!("1h")),
            ],
        },
        Stub {
            id: "perf.domain.bottleneck.analyse",
            title: "Analyse bottleneck",
            description: "Finds the likely bottleneck from metrics and traces.",
            nature: Nature::Read,
            props: vec![
                ("service", json!({"type": "string"}), json!("checkout")),
                ("metrics", json!({"type": "object"}), json!({})),
                ("traces", json!({"type": "object"}), json!({})),
            ],
        },
    ]
}
fn content() -> Vec<Stub> {
    vec![
        Stub {
            id: "content.cell.site.build",
            title: "Build site",
            description: "Builds static content from its source.",
            nature: Nature::Change,
            props: vec![("source", json!({"type": "string"}), json!("docs"))],
        },
        Stub {
            id: "content.cell.cdn.publish",
            title: "Publish to CDN",
            description: "Publishes a built site to the CDN.",
            nature: Nature::Change,
            props: vec![
                ("artifact", json!({"type": "string"}), json!("docs")),
                ("site", json!({"type": "string"}), json!("docs.example.com")),
            ],
        },
        Stub {
            id: "content.cell.cdn.purge",
            title: "Purge CDN cache",
            description: "Purges the CDN cache of a site.",
            nature: Nature::Change,
            props: vec![("site", json!({"type": "string"}), json!("docs.example.com"))],
        },
    ]
}
fn approval() -> Vec<Stub> {
    vec![
        Stub {
            id: "approval.cell.request.review",
            title: "Review request",
            description: "A reviewer checks a request.",
            nature: Nature::Approve,
            props: vec![
                ("request_id", json!({"type": "string"}), json!("R-1")),
                (
                    "amount_usd",
                    json!({"type": "number", "exclusiveMinimum": 0}),
                    json!(120.5),
                ),
            ],
        },
        Stub {
            id: "approval.cell.request.approve",
            title: "Approve request",
            description: "A manager approves a reviewed request.",
            nature: Nature::Approve,
            props: vec![("request_id", json!({"type": "string"}), json!("R-1"))],
        },
        Stub {
            id: "approval.cell.request.execute",
            title: "Carry out request",
            description: "Carries out an approved request.",
            nature: Nature::Change,
            props: vec![("request_id", json!({"type": "string"}), json!("R-1"))],
        },
    ]
}
fn fanout() -> Vec<Stub> {
    vec![
        Stub {
            id: "fanout.cell.message.send",
            title: "Send message",
            description: "Sends a message to one target.",
            nature: Nature::Change,
            props: vec![
                ("target", json!({"type": "string"}), json!("alice")),
                ("message", json!({"type": "string"}), json!("hello")),
            ],
        },
        Stub {
            id: "fanout.domain.results.collect",
            title: "Collect results",
            description: "Summarises the results of a fan-out.",
            nature: Nature::Read,
            props: vec![("results", json!({"type": "array"}), json!([]))],
        },
    ]
}

/// A tool of the project that `--steps` names: its id and `input_schema`.
#[derive(Clone, Debug)]
pub struct StepTool {
    pub id: String,
    pub input_schema: Option<Map<String, Json>>,
}

/// Where the steps come from.
#[derive(Clone, Debug)]
pub enum Source {
    Template(WorkflowTemplate),
    Steps(Vec<StepTool>),
}

#[derive(Clone, Debug)]
pub struct WorkflowSpec {
    pub name: String,
    /// Where the workflow file goes, relative to the project root (`""` is the root).
    pub workflows_dir: String,
    /// Where stub tools go.
    pub tools_dir: String,
    pub description: Option<String>,
    pub source: Source,
}

impl WorkflowSpec {
    /// Where the stub tool `id` goes.
    pub fn stub_path(&self, id: &str) -> String {
        super::in_dir(&self.tools_dir, &format!("{}.yaml", names::file_stem(id)))
    }

    pub fn path(&self) -> String {
        super::in_dir(
            &self.workflows_dir,
            &format!("{}.yaml", names::file_stem(&self.name)),
        )
    }
}

/// The stub tool file of a template step, as `tool.yaml` renders it.
fn stub_doc(stub: &Stub, path: &str, local_schemas: bool) -> ToolDoc {
    let (domain, layer) = super::tool::domain_and_layer(stub.id);
    let properties: Vec<Property> = stub
        .props
        .iter()
        .map(|(name, schema, _)| Property {
            name: (*name).into(),
            schema: schema.clone(),
        })
        .collect();
    let args: Map<String, Json> = stub
        .props
        .iter()
        .map(|(name, _, sample)| ((*name).to_owned(), sample.clone()))
        .collect();
    let mut comment = vec![
        "A stub: the builtin `echo` handler returns the arguments. Give it a real handler".into(),
        "(`exec`, `worker`, `http`, …) and outputs; the workflow calling it stays the same.".into(),
    ];
    let approval = (stub.nature == Nature::Approve).then(|| {
        comment.push(
            "High risk, so calls need a person's approval (enforced once lynx's approval gate ships).".into(),
        );
        json!({"approvers": [format!("role:{domain}-admin")]})
    });
    ToolDoc {
        schema: schema_ref("tool", path, local_schemas),
        comment,
        id: stub.id.into(),
        title: stub.title.into(),
        description: stub.description.into(),
        layer: layer.as_str(),
        risk: match stub.nature {
            Nature::Read => "low",
            Nature::Change => "medium",
            Nature::Approve => "high",
        },
        domain,
        handler: json!({"kind": "builtin"}),
        input: ObjectSchema {
            required: properties.iter().map(|p| p.name.clone()).collect(),
            properties,
        },
        output: None,
        annotations: json!({
            "read_only": stub.nature == Nature::Read,
            "destructive": false,
            "idempotent": stub.nature != Nature::Approve,
        }),
        approval,
        tests: vec![TestCase {
            name: "echoes its arguments".into(),
            args: Json::Object(args.clone()),
            expect: json!({"output": args}),
        }],
    }
}

/// Why the arguments a template passes to `stub` (exactly its `props`) do not fit an existing
/// tool's `input_schema`, judged as the `step-args-mismatch` rule does: a required property
/// left out, or one it does not know under `additionalProperties: false`.
fn args_misfit(stub: &Stub, schema: Option<&Map<String, Json>>) -> Option<String> {
    let schema = schema?;
    let props = schema.get("properties").and_then(Json::as_object)?;
    let passed: Vec<&str> = stub.props.iter().map(|(n, _, _)| *n).collect();
    let missing: Vec<String> = schema
        .get("required")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
        .filter(|r| !passed.contains(r))
        .map(|r| format!("`{r}`"))
        .collect();
    if !missing.is_empty() {
        return Some(format!("also requires {}", missing.join(", ")));
    }
    if schema.get("additionalProperties") == Some(&Json::Bool(false)) {
        let unknown: Vec<String> = passed
            .iter()
            .filter(|n| !props.contains_key(**n))
            .map(|n| format!("`{n}`"))
            .collect();
        if !unknown.is_empty() {
            return Some(format!(
                "does not accept {} (`additionalProperties: false`)",
                unknown.join(", ")
            ));
        }
    }
    None
}

/// A step of a `--steps` chain, as `workflows/steps.yaml` renders it.
#[derive(Serialize)]
struct ChainStep {
    id: String,
    tool: String,
    needs: String,
    with: Vec<WithArg>,
    optional: Vec<String>,
}

/// `name: "{{ inputs.<input> }}"` in a step's `with:`.
#[derive(Serialize)]
struct WithArg {
    name: String,
    input: String,
}

/// `schema` with its local `$ref`s (`#/…`, against the tool's `input_schema` `doc`) replaced by
/// what they point at, since they would not resolve inside the workflow; a `$ref` that does not
/// resolve there either, or that nests too deep (a recursive schema), becomes `{}` (anything).
fn inline_refs(schema: &Json, doc: &Json, depth: usize) -> Json {
    const MAX_DEPTH: usize = 16;
    match schema {
        Json::Object(map) => {
            if let Some(r) = map.get("$ref") {
                let target = r
                    .as_str()
                    .and_then(|r| r.strip_prefix('#'))
                    .filter(|_| depth < MAX_DEPTH)
                    .and_then(|pointer| doc.pointer(pointer));
                return match target {
                    Some(t) => inline_refs(t, doc, depth + 1),
                    None => json!({}),
                };
            }
            Json::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), inline_refs(v, doc, depth)))
                    .collect(),
            )
        }
        Json::Array(items) => {
            Json::Array(items.iter().map(|v| inline_refs(v, doc, depth)).collect())
        }
        other => other.clone(),
    }
}

/// The project's tool ids with their `input_schema`s.
pub type ToolSchemas = BTreeMap<String, Option<Map<String, Json>>>;

/// The plan for a workflow. `existing` maps the project's tool ids and workflow names to the
/// file defining them: a template reuses a tool the project already has instead of writing a
/// stub (when the tool's `input_schema`, from `schemas`, takes the template's arguments), and
/// the new workflow's name must be free.
pub fn plan(
    root: &std::path::Path,
    spec: &WorkflowSpec,
    existing: &BTreeMap<String, String>,
    schemas: &ToolSchemas,
    local_schemas: bool,
) -> Result<Plan, SpecError> {
    if let Some(why) = names::workflow_name_problem(&spec.name) {
        return Err(SpecError::new("--name", format!("`{}` {why}", spec.name)));
    }
    let path = spec.path();
    if let Some(file) = existing.get(&spec.name)
        && file != &path
    {
        return Err(SpecError::new(
            "--name",
            format!(
                "`{}` is already defined in `{file}`; tool ids and workflow names share one namespace\nhelp: pick another name",
                spec.name
            ),
        ));
    }
    if let Some((other, _)) = existing
        .iter()
        .find(|(name, file)| *file == &path && **name != spec.name)
    {
        return Err(SpecError::new(
            "--name",
            format!(
                "`{path}` holds `{other}`, not `{}`; even with `--force` lynx does not replace another workflow\nhelp: pick another name, or move that workflow to another file",
                spec.name
            ),
        ));
    }
    let mut plan = Plan::new(root);
    let schema = schema_ref("workflow", &path, local_schemas);
    match &spec.source {
        Source::Template(t) => {
            let ctx = json!({
                "schema": schema,
                "name": spec.name,
                "description": spec.description.as_deref().unwrap_or(t.description()),
            });
            plan.add(
                &path,
                render(&format!("workflows/{}.yaml", t.as_str()), &ctx)?,
                false,
            )?;
            for stub in &t.tools() {
                let tool_path = spec.stub_path(stub.id);
                // A tool the project already has is used as it is, wherever it lives: planning
                // its stub again would clash with the user's edits (or, with `--force`, undo them).
                match existing.get(stub.id) {
                    Some(file) => {
                        if let Some(schema) = schemas.get(stub.id)
                            && let Some(why) = args_misfit(stub, schema.as_ref())
                        {
                            return Err(SpecError::new(
                                "--template",
                                format!(
                                    "the `{}` template calls `{}` with {}, but the project's `{}` (in `{file}`) {why}\nhelp: give that tool the arguments the template passes, rename it, or chain your own tools with `--steps`",
                                    t.as_str(),
                                    stub.id,
                                    stub.props
                                        .iter()
                                        .map(|(n, _, _)| format!("`{n}`"))
                                        .collect::<Vec<_>>()
                                        .join(", "),
                                    stub.id
                                ),
                            ));
                        }
                        plan.notes.push(format!(
                            "uses the existing tool `{}` from `{file}`",
                            stub.id
                        ));
                    }
                    None => {
                        let doc = stub_doc(stub, &tool_path, local_schemas);
                        plan.add(&tool_path, render("tool.yaml", &doc)?, false)?;
                    }
                }
            }
        }
        Source::Steps(tools) => {
            if tools.is_empty() {
                return Err(SpecError::new(
                    "--steps",
                    "names no tool; give ids like `a.domain.x.read,a.cell.y.write`",
                ));
            }
            let mut inputs: Vec<Property> = Vec::new();
            let mut steps: Vec<ChainStep> = Vec::new();
            for tool in tools {
                let schema = tool.input_schema.clone().unwrap_or_default();
                let props = schema.get("properties").and_then(Json::as_object);
                let required: Vec<String> = schema
                    .get("required")
                    .and_then(Json::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect();
                let optional: Vec<String> = props
                    .into_iter()
                    .flat_map(|p| p.keys())
                    .filter(|k| !required.contains(k))
                    .cloned()
                    .collect();
                let base = names::step_id(&tool.id);
                let mut id = base.clone();
                let mut n = 2;
                while steps.iter().any(|s| s.id == id) {
                    id = format!("{base}_{n}");
                    n += 1;
                }
                let mut with = Vec::new();
                for name in &required {
                    let schema = props
                        .and_then(|p| p.get(name))
                        .map(|p| inline_refs(p, &Json::Object(schema.clone()), 0))
                        .filter(Json::is_object)
                        .unwrap_or_else(|| json!({}));
                    // One workflow input serves every step whose argument has the same name and
                    // schema; a different schema under the same name gets an input of its own.
                    let mut input = name.clone();
                    let mut n = 1;
                    loop {
                        match inputs.iter().find(|p| p.name == input) {
                            Some(p) if p.schema == schema => break,
                            None => {
                                inputs.push(Property {
                                    name: input.clone(),
                                    schema,
                                });
                                break;
                            }
                            Some(_) => {
                                input = match n {
                                    1 => format!("{id}_{name}"),
                                    _ => format!("{id}_{name}_{n}"),
                                };
                                n += 1;
                            }
                        }
                    }
                    with.push(WithArg {
                        name: name.clone(),
                        input,
                    });
                }
                steps.push(ChainStep {
                    needs: steps.last().map(|s| s.id.clone()).unwrap_or_default(),
                    id,
                    tool: tool.id.clone(),
                    with,
                    optional,
                });
            }
            let names_list: Vec<&str> = tools.iter().map(|t| t.id.as_str()).collect();
            let description = spec
                .description
                .clone()
                .unwrap_or_else(|| format!("Calls {} in turn.", names_list.join(", then ")));
            // Input names become `{{ inputs.NAME }}`: keep only names minijinja can read.
            if let Some(bad) = inputs.iter().find(|p| names::segment(&p.name) != p.name) {
                return Err(SpecError::new(
                    "--steps",
                    format!(
                        "the required argument `{}` is not a plain name (`a-z`, `0-9`, `_`), so it cannot be filled from `{{{{ inputs.{} }}}}`; write this step's `with:` by hand",
                        bad.name, bad.name
                    ),
                ));
            }
            let ctx = json!({
                "schema": schema,
                "name": spec.name,
                "description": description,
                "inputs": inputs,
                "last": steps.last().map(|s| s.id.clone()).unwrap_or_default(),
                "steps": steps,
            });
            plan.add(&path, render("workflows/steps.yaml", &ctx)?, false)?;
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_calls_only_its_own_tools() {
        for t in WorkflowTemplate::ALL {
            let spec = WorkflowSpec {
                workflows_dir: "workflows".into(),
                tools_dir: "tools".into(),
                name: "w".into(),
                description: None,
                source: Source::Template(t),
            };
            let plan = plan(
                std::path::Path::new("/nonexistent"),
                &spec,
                &BTreeMap::new(),
                &ToolSchemas::new(),
                false,
            )
            .unwrap();
            let wf = &plan.files[0].contents;
            let called: Vec<&str> = wf
                .lines()
                .filter_map(|l| l.trim().strip_prefix("tool: "))
                .collect();
            assert!(!called.is_empty());
            for id in &called {
                assert!(
                    t.tools().iter().any(|s| s.id == *id),
                    "{}: {id}",
                    t.as_str()
                );
            }
            assert_eq!(
                called.len(),
                t.tools().len(),
                "{}: every stub is used",
                t.as_str()
            );
            assert_eq!(plan.files.len(), 1 + t.tools().len());
        }
    }

    #[test]
    fn stub_schemas_and_samples_are_real_json() {
        for t in WorkflowTemplate::ALL {
            for stub in t.tools() {
                let (_, layer) = crate::scaffold::tool::domain_and_layer(stub.id);
                assert_eq!(
                    stub.id.split('.').nth(1),
                    Some(layer.as_str()),
                    "{}",
                    stub.id
                );
                for (name, schema, sample) in &stub.props {
                    assert!(schema["type"].is_string(), "{}.{name}: {schema}", stub.id);
                    assert!(!sample.is_null(), "{}.{name}", stub.id);
                }
            }
        }
    }

    #[test]
    fn a_template_reuses_tools_the_project_has() {
        let spec = WorkflowSpec {
            workflows_dir: "workflows".into(),
            tools_dir: "tools".into(),
            name: "release".into(),
            description: None,
            source: Source::Template(WorkflowTemplate::CiCd),
        };
        let existing: BTreeMap<_, _> = [(
            "cicd.cell.build.run".to_owned(),
            "tools/build.yaml".to_owned(),
        )]
        .into();
        let p = plan(
            std::path::Path::new("/x"),
            &spec,
            &existing,
            &ToolSchemas::new(),
            false,
        )
        .unwrap();
        assert_eq!(p.files.len(), 3);
        assert!(p.notes[0].contains("tools/build.yaml"));

        // At its default path too: the stub is never planned over the user's tool.
        let existing: BTreeMap<_, _> = [(
            "cicd.cell.build.run".to_owned(),
            "tools/cicd.cell.build.run.yaml".to_owned(),
        )]
        .into();
        let p = plan(
            std::path::Path::new("/x"),
            &spec,
            &existing,
            &ToolSchemas::new(),
            false,
        )
        .unwrap();
        assert_eq!(p.files.len(), 3, "{:?}", p.files);
        assert!(p.file("tools/cicd.cell.build.run.yaml").is_none());
    }

    #[test]
    fn a_template_refuses_an_existing_tool_whose_schema_does_not_take_its_arguments() {
        let spec = WorkflowSpec {
            workflows_dir: "workflows".into(),
            tools_dir: "tools".into(),
            name: "release".into(),
            description: None,
            source: Source::Template(WorkflowTemplate::CiCd),
        };
        let existing: BTreeMap<_, _> = [(
            "cicd.cell.build.run".to_owned(),
            "tools/build.yaml".to_owned(),
        )]
        .into();
        let with = |schema: Json| -> ToolSchemas {
            [(
                "cicd.cell.build.run".to_owned(),
                schema.as_object().cloned(),
            )]
            .into()
        };
        let root = std::path::Path::new("/x");
        let needs_more = with(
            json!({"type": "object", "properties": {"repository": {}, "ref": {}, "branch": {}}, "required": ["branch"]}),
        );
        let e = plan(root, &spec, &existing, &needs_more, false).unwrap_err();
        assert_eq!(e.flag, "--template");
        assert!(
            e.message
                .contains("`cicd.cell.build.run` (in `tools/build.yaml`) also requires `branch`"),
            "{e}"
        );
        let closed = with(
            json!({"type": "object", "properties": {"repository": {}}, "additionalProperties": false}),
        );
        let e = plan(root, &spec, &existing, &closed, false).unwrap_err();
        assert!(e.message.contains("does not accept `ref`"), "{e}");
        let fits = with(
            json!({"type": "object", "properties": {"repository": {}, "ref": {}, "tag": {}}, "required": ["ref"]}),
        );
        assert!(plan(root, &spec, &existing, &fits, false).is_ok());
    }

    #[test]
    fn steps_fill_with_from_required_properties() {
        let schema = |v: Json| v.as_object().cloned();
        let spec = WorkflowSpec {
            workflows_dir: "workflows".into(),
            tools_dir: "tools".into(),
            name: "chain".into(),
            description: None,
            source: Source::Steps(vec![
                StepTool {
                    id: "a.domain.x.read".into(),
                    input_schema: schema(
                        json!({"type": "object", "properties": {"account": {"type": "string"}, "days": {"type": "integer"}}, "required": ["account"]}),
                    ),
                },
                StepTool {
                    id: "a.domain.x.read".into(),
                    input_schema: None,
                },
            ]),
        };
        let plan = plan(
            std::path::Path::new("/x"),
            &spec,
            &BTreeMap::new(),
            &ToolSchemas::new(),
            false,
        )
        .unwrap();
        let wf = &plan.files[0].contents;
        assert!(wf.contains("account: \"{{ inputs.account }}\""), "{wf}");
        assert!(wf.contains("# optional: days"), "{wf}");
        assert!(wf.contains("- id: x_read_2"), "{wf}");
        assert!(wf.contains("needs: [x_read]"), "{wf}");
        assert!(
            wf.contains("output: \"{{ steps.x_read_2.output }}\""),
            "{wf}"
        );
    }

    #[test]
    fn steps_give_a_clashing_input_its_own_name_and_inline_local_refs() {
        let schema = |v: Json| v.as_object().cloned();
        let spec = WorkflowSpec {
            workflows_dir: "workflows".into(),
            tools_dir: "tools".into(),
            name: "chain".into(),
            description: None,
            source: Source::Steps(vec![
                StepTool {
                    id: "a.domain.hand.one".into(),
                    input_schema: schema(json!({
                        "type": "object",
                        "$defs": {"acct": {"type": "string", "pattern": "^A-"}},
                        "properties": {
                            "count": {"type": "string"},
                            "account": {"$ref": "#/$defs/acct"},
                            "true": {"type": "boolean"},
                            "far": {"$ref": "https://example.com/x.json"}
                        },
                        "required": ["count", "account", "true", "far"]
                    })),
                },
                StepTool {
                    id: "a.domain.hand.two".into(),
                    input_schema: schema(json!({
                        "type": "object",
                        "properties": {"count": {"type": "integer"}, "true": {"type": "boolean"}},
                        "required": ["count", "true"]
                    })),
                },
            ]),
        };
        let plan = plan(
            std::path::Path::new("/x"),
            &spec,
            &BTreeMap::new(),
            &ToolSchemas::new(),
            false,
        )
        .unwrap();
        let wf = &plan.files[0].contents;
        assert!(wf.contains("    count: { type: string }\n"), "{wf}");
        assert!(
            wf.contains("    hand_two_count: { type: integer }\n"),
            "{wf}"
        );
        assert!(
            wf.contains("count: \"{{ inputs.hand_two_count }}\""),
            "{wf}"
        );
        assert!(!wf.contains("$ref"), "{wf}");
        assert!(wf.contains("account: { type: string, pattern: "), "{wf}");
        assert!(wf.contains("    far: {}\n"), "{wf}");
        assert!(wf.contains("    \"true\": { type: boolean }\n"), "{wf}");
        assert!(wf.contains("      \"true\": \"{{ inputs.true }}\""), "{wf}");
        assert!(
            !wf.contains("hand_two_true"),
            "same schema, one input: {wf}"
        );
    }

    #[test]
    fn names_are_checked() {
        let spec = WorkflowSpec {
            workflows_dir: "workflows".into(),
            tools_dir: "tools".into(),
            name: "Bad Name".into(),
            description: None,
            source: Source::Template(WorkflowTemplate::FanOut),
        };
        let e = plan(
            std::path::Path::new("/x"),
            &spec,
            &BTreeMap::new(),
            &ToolSchemas::new(),
            false,
        )
        .unwrap_err();
        assert_eq!(e.flag, "--name");
        let spec = WorkflowSpec {
            workflows_dir: "workflows".into(),
            tools_dir: "tools".into(),
            name: "taken".into(),
            ..spec
        };
        let existing: BTreeMap<_, _> =
            [("taken".to_owned(), "workflows/other.yaml".to_owned())].into();
        let e = plan(
            std::path::Path::new("/x"),
            &spec,
            &existing,
            &ToolSchemas::new(),
            false,
        )
        .unwrap_err();
        assert!(e.message.contains("workflows/other.yaml"));
    }
}
