//! What rules see: the loaded project plus indexes built once per run.

use super::diagnostic::FileId;
use crate::project::model::{Preset, Tool, Workflow};
use crate::project::node::Node;
use crate::project::source::Span;
use crate::project::{Project, ToolEntry, WorkflowEntry};
use std::collections::{HashMap, HashSet};

pub struct Context<'a> {
    pub project: &'a Project,
    /// The files whose findings are wanted (`None`: all). The rest is context: known ids, tool
    /// schemas, declared names.
    pub targets: Option<&'a HashSet<FileId>>,
    /// Every loaded tool by id (more than one entry means a duplicate).
    pub tools_by_id: HashMap<&'a str, Vec<(&'a ToolEntry, &'a Tool)>>,
    pub workflows_by_name: HashMap<&'a str, Vec<(&'a WorkflowEntry, &'a Workflow)>>,
}

impl<'a> Context<'a> {
    pub fn new(project: &'a Project, targets: Option<&'a HashSet<FileId>>) -> Self {
        let mut tools_by_id: HashMap<&str, Vec<_>> = HashMap::new();
        for (entry, tool) in project.tool_defs() {
            tools_by_id
                .entry(tool.id.as_str())
                .or_default()
                .push((entry, tool));
        }
        let mut workflows_by_name: HashMap<&str, Vec<_>> = HashMap::new();
        for (entry, wf) in project.workflow_defs() {
            workflows_by_name
                .entry(wf.name.as_str())
                .or_default()
                .push((entry, wf));
        }
        Self {
            project,
            targets,
            tools_by_id,
            workflows_by_name,
        }
    }

    pub fn is_target(&self, file: FileId) -> bool {
        self.targets.is_none_or(|t| t.contains(&file))
    }

    /// The loaded tools whose findings are wanted.
    pub fn tools(&self) -> impl Iterator<Item = (&'a ToolEntry, &'a Tool)> + '_ {
        self.project
            .tool_defs()
            .filter(|(e, _)| self.is_target(e.file))
    }

    /// The loaded workflows whose findings are wanted.
    pub fn workflows(&self) -> impl Iterator<Item = (&'a WorkflowEntry, &'a Workflow)> + '_ {
        self.project
            .workflow_defs()
            .filter(|(e, _)| self.is_target(e.file))
    }

    pub fn sox(&self) -> bool {
        self.project.config.compliance.preset == Some(Preset::Sox)
    }

    pub fn tool(&self, id: &str) -> Option<&'a Tool> {
        self.tools_by_id
            .get(id)
            .and_then(|v| v.first())
            .map(|(_, t)| *t)
    }

    pub fn tool_node(&self, entry: &ToolEntry) -> Option<&'a Node> {
        self.project.tool_node(entry)
    }

    /// The span of the value at `pointer` inside a tool (falling back to the tool itself).
    pub fn tool_span(&self, entry: &ToolEntry, pointer: &str) -> Span {
        let node = self.tool_node(entry);
        node.and_then(|n| n.pointer(pointer))
            .or(node)
            .map_or(Span::default(), |n| n.span)
    }

    /// The span of the key holding the value at `pointer` inside a tool.
    pub fn tool_key_span(&self, entry: &ToolEntry, pointer: &str) -> Span {
        let node = self.tool_node(entry);
        node.and_then(|n| n.key_span(pointer))
            .or(node.map(|n| n.span))
            .unwrap_or_default()
    }

    pub fn workflow_node(&self, entry: &WorkflowEntry) -> Option<&'a Node> {
        self.project.workflow_node(entry)
    }

    pub fn workflow_span(&self, entry: &WorkflowEntry, pointer: &str) -> Span {
        let node = self.workflow_node(entry);
        node.and_then(|n| n.pointer(pointer))
            .or(node)
            .map_or(Span::default(), |n| n.span)
    }

    pub fn workflow_key_span(&self, entry: &WorkflowEntry, pointer: &str) -> Span {
        let node = self.workflow_node(entry);
        node.and_then(|n| n.key_span(pointer))
            .or(node.map(|n| n.span))
            .unwrap_or_default()
    }

    /// `lynx.toml`'s file and tree, when the project has one that parsed.
    pub fn config(&self) -> Option<(FileId, &'a Node)> {
        let doc = &self.project.docs[self.project.config_doc?];
        Some((doc.file, doc.root.as_ref()?))
    }
}
