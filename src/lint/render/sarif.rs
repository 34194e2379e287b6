//! The SARIF format: a SARIF 2.1.0 log with one run, as GitHub code scanning accepts it.
//!
//! Columns are Unicode code points (`columnKind: unicodeCodePoints`), like everywhere else in
//! lynx. GitHub requires a region with `startLine` on every location, so findings about a whole
//! file point at line 1.

use std::fmt::Write;

use serde::Serialize;

use super::{RenderOptions, note_level, region, slash_path, source};
use crate::lint::diagnostic::{Diagnostic, FileId};
use crate::project::source::{SourceFile, Span};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/lynx-dev/lynx";
const RULES_DOC: &str = "https://github.com/lynx-dev/lynx/blob/main/docs/rules.md";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'a str,
    information_uri: &'static str,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    short_description: Text<'a>,
    default_configuration: Configuration,
    help_uri: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Text<'a> {
    text: std::borrow::Cow<'a, str>,
}

impl<'a> Text<'a> {
    fn new(text: impl Into<std::borrow::Cow<'a, str>>) -> Self {
        Self { text: text.into() }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text<'a>,
    locations: Vec<Location<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
}

pub(super) fn render(
    files: &[SourceFile],
    diagnostics: &[Diagnostic],
    opts: &RenderOptions,
) -> String {
    let mut rules: Vec<Rule> = opts
        .rules
        .iter()
        .map(|r| rule(r.name, r.summary, note_level(r.severity)))
        .collect();
    let mut results = Vec::with_capacity(diagnostics.len());
    for d in diagnostics {
        let rule_index = match rules.iter().position(|r| r.id == d.rule) {
            Some(i) => i,
            // A rule the caller did not list (an internal one such as `io`): describe it from the
            // finding so that `ruleIndex` stays valid.
            None => {
                rules.push(rule(d.rule, d.rule, note_level(d.severity)));
                rules.len() - 1
            }
        };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        results.push(SarifResult {
            rule_id: d.rule,
            rule_index,
            level: note_level(d.severity),
            message: Text::new(message),
            locations: vec![Location {
                id: None,
                physical_location: physical_location(files, d.file, d.span),
                message: None,
            }],
            related_locations: d
                .related
                .iter()
                .enumerate()
                .map(|(i, r)| Location {
                    id: Some(i),
                    physical_location: physical_location(files, r.file, Some(r.span)),
                    message: Some(Text::new(r.message.as_str())),
                })
                .collect(),
        });
    }
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "lynx",
                    version: opts.version,
                    information_uri: INFORMATION_URI,
                    rules,
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

fn rule<'a>(id: &'a str, summary: &'a str, level: &'static str) -> Rule<'a> {
    Rule {
        id,
        short_description: Text::new(summary),
        default_configuration: Configuration { level },
        help_uri: format!("{RULES_DOC}#{id}"),
    }
}

fn physical_location(files: &[SourceFile], file: FileId, span: Option<Span>) -> PhysicalLocation {
    let region = match (source(files, file), span) {
        (Some(f), Some(span)) => {
            let r = region(f, span);
            Region {
                start_line: r.start.line,
                start_column: Some(r.start.column),
                end_line: Some(r.end.line),
                end_column: Some(r.end.column),
            }
        }
        // The whole file: GitHub insists on a start line.
        _ => Region {
            start_line: 1,
            start_column: None,
            end_line: None,
            end_column: None,
        },
    };
    PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: uri(&slash_path(files, file)),
        },
        region,
    }
}

/// A path as a SARIF `uri`: relative paths stay relative (GitHub resolves them against the
/// repository root), absolute ones become `file://` URIs; anything outside the URI character set
/// is percent-encoded.
fn uri(path: &str) -> String {
    let bytes = path.as_bytes();
    let (prefix, rest, keep_colon) = if path.starts_with('/') {
        ("file://", path, false)
    } else if bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && &bytes[1..3] == b":/" {
        // a Windows drive: `C:/x` → `file:///C:/x`
        ("file:///", path, true)
    } else {
        ("", path, false)
    };
    let mut out = String::from(prefix);
    for (i, b) in rest.bytes().enumerate() {
        let plain = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'/'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
            )
            || (b == b':' && keep_colon && i == 1);
        if plain {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::render::{Format, fixture};
    use serde_json::Value;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(fixture::render(Format::Sarif));
    }

    /// The properties GitHub code scanning requires, with the types it checks.
    #[test]
    fn has_what_github_requires() {
        let log: Value = serde_json::from_str(&fixture::render(Format::Sarif)).unwrap();
        assert_eq!(log["$schema"], SCHEMA);
        assert_eq!(log["version"], "2.1.0");
        let runs = log["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 1);
        let run = &runs[0];
        let driver = &run["tool"]["driver"];
        assert_eq!(driver["name"], "lynx");
        assert_eq!(driver["version"], "0.1.0");
        assert_eq!(driver["informationUri"], INFORMATION_URI);
        let rules = driver["rules"].as_array().unwrap();
        let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        // the listed rules in order, then the unlisted `io-error`
        assert_eq!(
            ids,
            [
                "duplicate-key",
                "schema",
                "yaml-syntax",
                "duplicate-tool",
                "description-style",
                "io-error"
            ]
        );
        for r in rules {
            assert!(r["shortDescription"]["text"].is_string());
            let level = r["defaultConfiguration"]["level"].as_str().unwrap();
            assert!(["error", "warning", "note"].contains(&level));
            assert_eq!(
                r["helpUri"],
                format!("{RULES_DOC}#{}", r["id"].as_str().unwrap())
            );
        }
        assert_eq!(rules[4]["defaultConfiguration"]["level"], "note");

        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), fixture::diagnostics().len());
        for result in results {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], result["ruleId"]);
            assert!(["error", "warning", "note"].contains(&result["level"].as_str().unwrap()));
            assert!(result["message"]["text"].is_string());
            let locations = result["locations"].as_array().unwrap();
            assert_eq!(locations.len(), 1);
            for location in locations
                .iter()
                .chain(result["relatedLocations"].as_array().into_iter().flatten())
            {
                let physical = &location["physicalLocation"];
                let uri = physical["artifactLocation"]["uri"].as_str().unwrap();
                assert!(uri.starts_with("tools/") && !uri.contains('\\'));
                let region = &physical["region"];
                assert!(region["startLine"].as_u64().unwrap() >= 1);
                for key in ["startColumn", "endLine", "endColumn"] {
                    assert!(region[key].is_null() || region[key].as_u64().unwrap() >= 1);
                }
            }
        }
        assert_eq!(
            results[1]["message"]["text"],
            "unknown parameter type `strin`\nhelp: did you mean `string`?"
        );
        // the unreadable file: line 1, no columns
        assert_eq!(
            results[3]["locations"][0]["physicalLocation"]["region"],
            serde_json::json!({"startLine": 1})
        );
        assert_eq!(results[3]["ruleId"], "io-error");
        let related = &results[4]["relatedLocations"][0];
        assert_eq!(related["id"], 0);
        assert_eq!(related["message"]["text"], "first defined here");
        assert_eq!(
            related["physicalLocation"]["artifactLocation"]["uri"],
            "tools/echo.yaml"
        );
    }

    #[test]
    fn uris() {
        assert_eq!(uri("tools/echo.yaml"), "tools/echo.yaml");
        assert_eq!(uri("my tools/é#1.yaml"), "my%20tools/%C3%A9%231.yaml");
        assert_eq!(uri("a:b.yaml"), "a%3Ab.yaml");
        assert_eq!(uri("/srv/x y.yaml"), "file:///srv/x%20y.yaml");
        assert_eq!(uri("C:/repo/x.yaml"), "file:///C:/repo/x.yaml");
    }

    #[test]
    fn backslashes_become_slashes() {
        let files = [fixture::file("tools\\win.yaml", "a: 1\n")];
        let loc = physical_location(&files, FileId(0), Some(Span::new(0, 1)));
        assert_eq!(loc.artifact_location.uri, "tools/win.yaml");
    }
}
