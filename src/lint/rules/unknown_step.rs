//! A workflow refers to a step that does not exist or may not have run yet: a `needs` entry
//! naming no step; `steps.X` in a `{{ … }}` template (`with:`, `for_each:`, `output:`) or a
//! `when:` expression where `X` is no step, or is a step that the referring step does not need
//! (directly or through the steps it needs); a step id used twice. Also other names a template
//! cannot see: variables other than `inputs`, `steps` (and `item`/`loop` inside a `for_each`
//! step), and `inputs.X` where the workflow's `input_schema` lists its `properties` and `X` is not
//! one of them.
//!
//! **Why:** steps without a `needs` path between them run in parallel, so a step reading the
//! output of one it does not need sees nothing — or something, depending on timing. Templates
//! are evaluated in strict mode: an unknown name fails the step at run time.
//!
//! **Example:**
//! ```yaml
//! steps:
//!   - id: draft
//!     tool: docs.cluster.draft.create
//!   - id: submit
//!     tool: docs.cell.draft.submit_for_approval
//!     with: { draft_id: "{{ steps.draft.output.id }}" }   # submit lacks `needs: [draft]`
//! ```

use super::invalid_expression::{Field, expressions, name_span, variables};
use crate::lint::context::Context;
use crate::lint::diagnostic::{Diagnostic, RuleMeta, Severity};
use crate::lint::suggest::{did_you_mean, one_of};
use crate::project::model::Workflow;
use minijinja::Environment;
use std::collections::{BTreeSet, HashMap};

pub static META: RuleMeta = RuleMeta {
    name: "unknown-step",
    severity: Severity::Error,
    summary: "a workflow refers to a step or input that does not exist or has not run yet, or reuses a step id",
};

/// Help for a step name that does not exist.
fn step_help(name: &str, ids: &[&str]) -> String {
    match did_you_mean(name, ids.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None if ids.len() <= 8 => format!("the steps are {}", one_of(ids).replace(" or ", " and ")),
        None => "name the `id` of a step of this workflow".to_owned(),
    }
}

/// For each step, the steps it needs directly or through the steps it needs.
fn upstream(wf: &Workflow, index: &HashMap<&str, usize>) -> Vec<BTreeSet<usize>> {
    (0..wf.steps.len())
        .map(|i| {
            let mut seen = BTreeSet::new();
            let mut todo = vec![i];
            while let Some(v) = todo.pop() {
                for n in &wf.steps[v].needs {
                    if let Some(&w) = index.get(n.as_str())
                        && seen.insert(w)
                    {
                        todo.push(w);
                    }
                }
            }
            seen
        })
        .collect()
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let env = Environment::new();
    let globals: BTreeSet<&str> = env.globals().map(|(name, _)| name).collect();
    for (entry, wf) in cx.workflows() {
        let file = entry.file;
        let ids: Vec<&str> = wf.steps.iter().map(|s| s.id.as_str()).collect();
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (i, id) in ids.iter().enumerate() {
            if let Some(&first) = index.get(id) {
                out.push(
                    Diagnostic::at(
                        &META,
                        file,
                        cx.workflow_span(entry, &format!("/steps/{i}/id")),
                        format!("step id `{id}` is used twice"),
                    )
                    .with_related(
                        file,
                        cx.workflow_span(entry, &format!("/steps/{first}/id")),
                        "first used here",
                    )
                    .with_help(
                        "rename one of the steps; `needs` and `steps.<id>` refer to steps by id",
                    ),
                );
            } else {
                index.insert(id, i);
            }
        }
        let mut distinct: Vec<&str> = index.keys().copied().collect();
        distinct.sort();

        for (i, step) in wf.steps.iter().enumerate() {
            for (k, name) in step.needs.iter().enumerate() {
                if !index.contains_key(name.as_str()) {
                    out.push(
                        Diagnostic::at(
                            &META,
                            file,
                            cx.workflow_span(entry, &format!("/steps/{i}/needs/{k}")),
                            format!(
                                "step `{}` needs `{name}`, which is no step of this workflow",
                                step.id
                            ),
                        )
                        .with_help(step_help(name, &distinct)),
                    );
                }
            }
        }

        let Some(root) = cx.workflow_node(entry) else {
            continue;
        };
        // With a duplicated `steps:` key the tree and the loaded definition disagree (the
        // `duplicate-key` rule reports it); references are checked only when they agree.
        let written = root.get("steps").map_or(&[][..], |n| n.items());
        let agree = written.len() == wf.steps.len()
            && written
                .iter()
                .zip(&wf.steps)
                .all(|(n, s)| n.get("id").and_then(|i| i.as_str()) == Some(s.id.as_str()));
        if !agree {
            continue;
        }
        let source = &cx.project.file(file).text;
        let before = upstream(wf, &index);
        // Steps a misspelt `needs` entry most likely means (reported above): references to them
        // are not reported again as "may not have run yet".
        let meant: Vec<Vec<&str>> = wf
            .steps
            .iter()
            .map(|s| {
                s.needs
                    .iter()
                    .filter(|n| !index.contains_key(n.as_str()))
                    .filter_map(|n| did_you_mean(n, distinct.iter().copied()))
                    .collect()
            })
            .collect();
        let inputs: Option<Vec<&str>> = wf
            .input_schema
            .as_ref()
            .and_then(|s| s.get("properties"))
            .and_then(|p| p.as_object())
            .map(|p| p.keys().map(String::as_str).collect());

        for e in expressions(root) {
            // Expressions that do not parse are `invalid-expression`'s finding.
            let Ok(names) = variables(&env, &e) else {
                continue;
            };
            let current = e.step.map(|i| &wf.steps[i]);
            let in_loop =
                current.is_some_and(|s| s.for_each.is_some()) && e.field != Field::ForEach;
            let mut reported: BTreeSet<String> = BTreeSet::new();
            for name in &names {
                let mut parts = name.split('.');
                let head = parts.next().unwrap_or_default();
                let second = parts.next();
                let (key, message, help) = match (head, second) {
                    ("steps", None) => continue,
                    ("steps", Some(x)) => match index.get(x) {
                        None => (
                            format!("steps.{x}"),
                            format!("no step `{x}` in this workflow"),
                            step_help(x, &distinct),
                        ),
                        Some(&j) => match e.step {
                            None => continue,
                            Some(i) if j == i => (
                                format!("steps.{x}"),
                                format!("step `{x}` refers to its own output"),
                                "a step sees only the outputs of the steps it `needs`".to_owned(),
                            ),
                            Some(i) if !before[i].contains(&j) && !meant[i].contains(&x) => {
                                let id = &wf.steps[i].id;
                                (
                                    format!("steps.{x}"),
                                    format!(
                                        "step `{x}` may not have run yet: `{id}` does not need it, directly or through its `needs`"
                                    ),
                                    format!("add `{x}` to `needs` of step `{id}`"),
                                )
                            }
                            Some(_) => continue,
                        },
                    },
                    ("inputs", Some(x)) => match &inputs {
                        Some(props) if !props.contains(&x) => {
                            let help = match did_you_mean(x, props.iter().copied()) {
                                Some(s) => format!("did you mean `{s}`?"),
                                None => format!(
                                    "add `{x}` to `properties` of the workflow's `input_schema`"
                                ),
                            };
                            (
                                format!("inputs.{x}"),
                                format!("workflow input `{x}` is not in `input_schema`"),
                                help,
                            )
                        }
                        _ => continue,
                    },
                    ("inputs", None) => continue,
                    ("item" | "loop", _) if in_loop => continue,
                    (g, _) if globals.contains(g) => continue,
                    (other, _) => {
                        let help = if other == "item" || other == "loop" {
                            if e.field == Field::ForEach {
                                format!(
                                    "`for_each:` itself is evaluated before the items exist; `{other}` is in scope in the step's `with:` and `when:`"
                                )
                            } else {
                                format!("`{other}` exists only in a step with `for_each:`")
                            }
                        } else {
                            match did_you_mean(other, ["inputs", "steps", "item", "loop"]) {
                                Some(s) => format!("did you mean `{s}`?"),
                                None => "read workflow input as `inputs.NAME` and results of earlier steps as `steps.ID.output`"
                                    .to_owned(),
                            }
                        };
                        (
                            other.to_owned(),
                            format!(
                                "`{other}` is not defined here; templates see `inputs`, `steps`, and inside `for_each` `item` and `loop`"
                            ),
                            help,
                        )
                    }
                };
                if !reported.insert(key.clone()) {
                    continue;
                }
                let span = name_span(source, e.span, e.text, &key);
                out.push(Diagnostic::at(&META, file, span, message).with_help(help));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::invalid_expression::test_support::lint;

    const RULE: &str = "unknown-step";

    fn found(wf: &str) -> Vec<(usize, String)> {
        lint(&[("workflows/w.yaml", wf)]).found(RULE)
    }

    #[test]
    fn the_design_example_passes() {
        let wf = r#"name: document_publish
input_schema: { type: object, properties: { title: { type: string }, channels: { type: array } }, required: [title] }
steps:
  - id: draft
    tool: docs.cluster.draft.create
    with: { title: "{{ inputs.title }}" }
  - id: submit
    tool: docs.cell.draft.submit_for_approval
    needs: [draft]
    with: { draft_id: "{{ steps.draft.output.id }}" }
  - id: publish
    tool: docs.cell.draft.publish
    needs: [submit]
    when: "steps.submit.output.approval_status == 'approved' and steps.draft.output.id"
  - id: notify_all
    tool: comms.cell.notify.send
    needs: [publish]
    for_each: "{{ inputs.channels }}"
    with: { channel: "{{ item }}", n: "{{ loop.index0 }}", all: "{{ range(3) | list }}" }
output: "{% for r in steps.notify_all.output %}{{ loop.index }}: {{ r }}{% endfor %}"
"#;
        assert_eq!(found(wf), []);
    }

    #[test]
    fn needs_naming_no_step() {
        let l = lint(&[(
            "workflows/w.yaml",
            "name: w\nsteps:\n  - id: draft\n    tool: t\n  - id: b\n    tool: t\n    needs: [draft, drat]\n",
        )]);
        let d = l.of(RULE);
        assert_eq!(
            l.found(RULE),
            [(
                7,
                "step `b` needs `drat`, which is no step of this workflow".to_string()
            )]
        );
        assert_eq!(l.text(d[0]), "drat");
        assert_eq!(d[0].help.as_deref(), Some("did you mean `draft`?"));
        // A reference to the step the typo means is not reported a second time.
        let l = lint(&[(
            "workflows/w.yaml",
            "name: w\nsteps:\n  - id: draft\n    tool: t\n  - id: b\n    tool: t\n    needs: [drat]\n    with: { x: \"{{ steps.draft.output }}\" }\n",
        )]);
        assert_eq!(l.found(RULE).len(), 1);
    }

    #[test]
    fn duplicate_step_ids() {
        let l = lint(&[(
            "workflows/w.yaml",
            "name: w\nsteps:\n  - id: a\n    tool: t\n  - id: a\n    tool: t\n",
        )]);
        assert_eq!(
            l.found(RULE),
            [(5, "step id `a` is used twice".to_string())]
        );
        assert_eq!(l.of(RULE)[0].related.len(), 1);
    }

    #[test]
    fn template_refs_to_steps_not_upstream() {
        let wf = "name: w\nsteps:\n  - id: a\n    tool: t\n  - id: b\n    tool: t\n    needs: [a]\n  - id: c\n    tool: t\n    needs: [b]\n    with: { x: \"{{ steps.a.output }}\", y: { z: \"n={{ steps.d.output.n }}\" } }\n  - id: d\n    tool: t\n    when: \"steps.c.output.ok\"\n    with: { me: \"{{ steps.d.output }}\", no: \"{{ steps.nope }}\" }\noutput: \"{{ steps.d.output }}\"\n";
        let l = lint(&[("workflows/w.yaml", wf)]);
        assert_eq!(
            l.found(RULE),
            [
                (11, "step `d` may not have run yet: `c` does not need it, directly or through its `needs`".to_string()),
                (14, "step `c` may not have run yet: `d` does not need it, directly or through its `needs`".to_string()),
                (15, "step `d` refers to its own output".to_string()),
                (15, "no step `nope` in this workflow".to_string()),
            ]
        );
        let d = l.of(RULE);
        assert_eq!(l.text(d[0]), "steps.d");
        assert_eq!(d[0].help.as_deref(), Some("add `d` to `needs` of step `c`"));
        assert_eq!(l.text(d[1]), "steps.c");
    }

    #[test]
    fn item_and_loop_only_inside_for_each() {
        let wf = "name: w\nsteps:\n  - id: a\n    tool: t\n    for_each: [1, 2]\n    with: { x: \"{{ item }}\", i: \"{{ loop.index0 }}\" }\n  - id: b\n    tool: t\n    with: { x: \"{{ item }}\" }\n  - id: c\n    tool: t\n    for_each: \"{{ item }}\"\n";
        let l = lint(&[("workflows/w.yaml", wf)]);
        let found = l.found(RULE);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, 9);
        assert!(
            found[0]
                .1
                .starts_with("`item` is not defined here; templates see `inputs`, `steps`")
        );
        assert_eq!(
            l.of(RULE)[0].help.as_deref(),
            Some("`item` exists only in a step with `for_each:`")
        );
        assert_eq!(found[1].0, 12);
    }

    #[test]
    fn unknown_variables_and_inputs() {
        let wf = "name: w\ninput_schema: { type: object, properties: { title: { type: string } } }\nsteps:\n  - id: a\n    tool: t\n    with: { x: \"{{ input.title }}\", y: \"{{ inputs.titel }}\", z: \"{{ inputs.title }}\" }\n";
        let l = lint(&[("workflows/w.yaml", wf)]);
        let d = l.of(RULE);
        assert_eq!(d.len(), 2, "{:?}", l.found(RULE));
        assert!(d[0].message.starts_with("`input` is not defined here"));
        assert_eq!(d[0].help.as_deref(), Some("did you mean `inputs`?"));
        assert_eq!(
            d[1].message,
            "workflow input `titel` is not in `input_schema`"
        );
        assert_eq!(d[1].help.as_deref(), Some("did you mean `title`?"));
        assert_eq!(l.text(d[1]), "inputs.titel");
    }

    #[test]
    fn inputs_unchecked_without_properties() {
        let wf =
            "name: w\nsteps:\n  - id: a\n    tool: t\n    with: { y: \"{{ inputs.anything }}\" }\n";
        assert_eq!(found(wf), []);
    }
}
