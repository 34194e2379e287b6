//! Steps of a workflow whose `needs` form a cycle — `a` needs `b`, `b` needs `a` — including a
//! step that needs itself. Each cycle is reported once, at the `needs` entry that closes it.
//!
//! **Why:** a step starts only after every step it needs has finished; in a cycle each step
//! waits for another, so none of them ever runs.
//!
//! **Example:**
//! ```yaml
//! steps:
//!   - id: draft
//!     tool: docs.cluster.draft.create
//!     needs: [publish]           # draft → publish → draft
//!   - id: publish
//!     tool: docs.cell.draft.publish
//!     needs: [draft]
//! ```

use crate::lint::context::Context;
use crate::lint::diagnostic::{Diagnostic, RuleMeta, Severity};
use crate::project::model::Workflow;
use std::collections::HashMap;

pub static META: RuleMeta = RuleMeta {
    name: "workflow-cycle",
    severity: Severity::Error,
    summary: "the steps of a workflow depend on each other in a cycle",
};

/// A cycle found in a workflow's `needs`: the steps in order (each needs the next, the last
/// needs the first), and the closing entry `needs[k]` of the last step.
#[derive(Debug, PartialEq, Eq)]
struct Cycle {
    steps: Vec<usize>,
    step: usize,
    k: usize,
}

/// Every cycle closed by a back edge of a depth-first search over the steps in file order and
/// each step's `needs` in written order. Iterative, so long chains cannot exhaust the stack.
fn cycles(wf: &Workflow) -> Vec<Cycle> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, s) in wf.steps.iter().enumerate() {
        index.entry(s.id.as_str()).or_insert(i);
    }
    let n = wf.steps.len();
    let mut mark = vec![Mark::New; n];
    let mut found = Vec::new();
    // (step, next `needs` entry to follow)
    let mut frames: Vec<(usize, usize)> = Vec::new();
    for start in 0..n {
        if mark[start] != Mark::New {
            continue;
        }
        mark[start] = Mark::Open;
        frames.push((start, 0));
        while let Some(top) = frames.last_mut() {
            let (v, k) = *top;
            let needs = &wf.steps[v].needs;
            if k == needs.len() {
                mark[v] = Mark::Done;
                frames.pop();
                continue;
            }
            top.1 += 1;
            // A repeated entry would only report the same cycle again.
            if needs[..k].contains(&needs[k]) {
                continue;
            }
            let Some(&w) = index.get(needs[k].as_str()) else {
                continue;
            };
            match mark[w] {
                Mark::New => {
                    mark[w] = Mark::Open;
                    frames.push((w, 0));
                }
                Mark::Open => {
                    let from = frames.iter().position(|&(u, _)| u == w).unwrap_or(0);
                    found.push(Cycle {
                        steps: frames[from..].iter().map(|&(u, _)| u).collect(),
                        step: v,
                        k,
                    });
                }
                Mark::Done => {}
            }
        }
    }
    found
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (entry, wf) in cx.workflows() {
        for c in cycles(wf) {
            let span = cx.workflow_span(entry, &format!("/steps/{}/needs/{}", c.step, c.k));
            let id = &wf.steps[c.step].id;
            let d = if c.steps.len() == 1 {
                Diagnostic::at(&META, entry.file, span, format!("step `{id}` needs itself"))
                    .with_help(format!("remove `{id}` from its own `needs`"))
            } else {
                let mut path: Vec<&str> =
                    c.steps.iter().map(|&i| wf.steps[i].id.as_str()).collect();
                path.push(path[0]);
                Diagnostic::at(
                    &META,
                    entry.file,
                    span,
                    format!("`needs` form a cycle: {} (each step needs the next)", path.join(" → ")),
                )
                .with_help("remove one of these `needs` entries; a step runs only after all the steps it needs")
            };
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::invalid_expression::test_support::lint;

    const RULE: &str = "workflow-cycle";

    fn workflow(steps: &[(&str, &str)]) -> String {
        let mut s = String::from("name: w\nsteps:\n");
        for (id, needs) in steps {
            s.push_str(&format!(
                "  - id: {id}\n    tool: t\n    needs: [{needs}]\n"
            ));
        }
        s
    }

    #[test]
    fn a_dag_has_no_cycle() {
        let wf = workflow(&[("a", ""), ("b", "a"), ("c", "a, b"), ("d", "c, b, nope")]);
        assert_eq!(lint(&[("workflows/w.yaml", &wf)]).found(RULE), []);
    }

    #[test]
    fn self_loop() {
        let wf = workflow(&[("a", ""), ("b", "a, b")]);
        let l = lint(&[("workflows/w.yaml", &wf)]);
        assert_eq!(l.found(RULE), [(8, "step `b` needs itself".to_string())]);
        assert_eq!(l.text(l.of(RULE)[0]), "b");
    }

    #[test]
    fn cycle_of_two() {
        let wf = workflow(&[("a", "b"), ("b", "a")]);
        let l = lint(&[("workflows/w.yaml", &wf)]);
        assert_eq!(
            l.found(RULE),
            [(
                8,
                "`needs` form a cycle: a → b → a (each step needs the next)".to_string()
            )]
        );
    }

    #[test]
    fn cycle_of_three_reported_once() {
        let wf = workflow(&[("start", ""), ("a", "start, c"), ("b", "a, a"), ("c", "b")]);
        let l = lint(&[("workflows/w.yaml", &wf)]);
        assert_eq!(
            l.found(RULE),
            [(
                11,
                "`needs` form a cycle: a → c → b → a (each step needs the next)".to_string()
            )]
        );
        assert_eq!(l.text(l.of(RULE)[0]), "a");
    }

    #[test]
    fn two_separate_cycles_in_file_order() {
        let wf = workflow(&[("a", "b"), ("b", "a"), ("c", "c")]);
        let l = lint(&[("workflows/w.yaml", &wf)]);
        let lines: Vec<usize> = l.found(RULE).iter().map(|f| f.0).collect();
        assert_eq!(lines, [8, 11]);
    }
}
