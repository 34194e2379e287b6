//! `lynx tool:validate [PATHS…]`: resolve settings, load the project, lint, render.

use crate::cli::ValidateArgs;
use crate::exit::{Outcome, UsageError};
use crate::lint::diagnostic::{Diagnostic, FileId, Severity, Summary};
use crate::lint::render::{self, Format, RenderOptions};
use crate::lint::{self, rules};
use crate::project::{self, LoadOptions, Project, Scope};
use anyhow::Context as _;
use globset::GlobBuilder;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Everything `tool:validate` needs, resolved from flags, environment and lynx.toml.
#[derive(Debug)]
struct Settings {
    load: LoadOptions,
    /// Only findings in these files are reported (`None`: the whole project).
    targets: Option<HashSet<PathBuf>>,
    format: Format,
    strict: Option<bool>,
    color: bool,
}

pub fn run(args: ValidateArgs, config: Option<PathBuf>, color: bool) -> anyhow::Result<Outcome> {
    if args.list_rules {
        return list_rules(args.format);
    }
    let settings = resolve(args, config, color)?;
    let project = Project::load(&settings.load);
    let targets: Option<HashSet<FileId>> = settings.targets.as_ref().map(|paths| {
        project
            .files
            .iter()
            .enumerate()
            .filter(|(_, f)| paths.contains(&project::normalize(f.path())))
            .map(|(i, _)| FileId(i))
            .collect()
    });
    let diagnostics = lint::check(&project, targets.as_ref());
    let checked = targets.as_ref().map_or(project.docs.len(), HashSet::len);

    let strict = settings
        .strict
        .or(project.config.lint.strict)
        .unwrap_or(false);
    let summary = Summary::of(checked, &diagnostics);
    let rules = rules::metas();
    let opts = RenderOptions {
        color: settings.color,
        version: env!("CARGO_PKG_VERSION"),
        rules: &rules,
    };
    let text = render::render(
        settings.format,
        &project.files,
        &diagnostics,
        &summary,
        &opts,
    );
    super::print(&text)?;
    let outcome = outcome(&diagnostics, strict);
    // Freeing thousands of parsed trees just before exit costs time and buys nothing.
    std::mem::forget(project);
    Ok(outcome)
}

fn outcome(diagnostics: &[Diagnostic], strict: bool) -> Outcome {
    let fails = |d: &Diagnostic| {
        d.severity == Severity::Error || (strict && d.severity == Severity::Warning)
    };
    if diagnostics.iter().any(fails) {
        Outcome::Findings
    } else {
        Outcome::Success
    }
}

fn resolve(args: ValidateArgs, config: Option<PathBuf>, color: bool) -> anyhow::Result<Settings> {
    let cwd = std::env::current_dir().context("reading the working directory")?;
    let given: Vec<PathBuf> = args.paths.into_iter().chain(args.path).collect();
    let mut files = Vec::new();
    for p in &given {
        files.extend(expand(&cwd, p)?);
    }

    let config = match config {
        Some(path) => {
            let path = cwd.join(path);
            if !path.is_file() {
                return Err(UsageError::new(format!(
                    "`--config {}`: no such file",
                    path.display()
                ))
                .into());
            }
            Some(path)
        }
        None => {
            // The project around the first path given, else around the working directory.
            let start = given.first().map(|p| cwd.join(p)).map_or(cwd.clone(), |p| {
                if p.is_dir() {
                    p
                } else {
                    p.parent().map_or(cwd.clone(), Path::to_path_buf)
                }
            });
            project::find_config(&start).or_else(|| project::find_config(&cwd))
        }
    };
    if given.is_empty() && config.is_none() {
        return Err(UsageError::new(format!(
            "no `lynx.toml` in `{}` or any parent folder\nhelp: run inside a lynx project, or name the files to check: `lynx tool:validate tools/`",
            cwd.display()
        ))
        .into());
    }
    let targets = (!given.is_empty()).then(|| {
        let mut set: HashSet<PathBuf> = files
            .iter()
            .map(|p| project::normalize(p))
            .collect::<HashSet<_>>();
        if let Some(c) = &config
            && files
                .iter()
                .any(|f| project::normalize(f) == project::normalize(c))
        {
            set.insert(project::normalize(c));
        }
        set
    });
    Ok(Settings {
        load: LoadOptions {
            cwd,
            config,
            context: if given.is_empty() {
                Scope::All
            } else {
                Scope::Referenced
            },
            extra: files.into_iter().map(|p| (p, args.kind)).collect(),
        },
        targets,
        format: args.format,
        strict: args.strict,
        color: color && args.format == Format::Human,
    })
}

fn is_lynx_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name == project::CONFIG_FILE || name.ends_with(".yaml") || name.ends_with(".yml")
}

/// A path argument → the files it names: itself, the lynx files under a folder, or a glob's
/// matches. A path that does not exist is kept, so the run reports it as unreadable.
fn expand(cwd: &Path, arg: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let text = arg.to_string_lossy();
    let path = cwd.join(arg);
    if path.is_dir() {
        return Ok(project::walk(&path, is_lynx_file));
    }
    if path.exists() || !text.contains(['*', '?', '[', '{']) {
        return Ok(vec![path]);
    }
    let glob = GlobBuilder::new(&text)
        .literal_separator(true)
        .build()
        .map_err(|e| UsageError::new(format!("`{text}` is not a valid glob: {e}")))?
        .compile_matcher();
    // Walk from the part of the pattern before the first wildcard.
    let base: PathBuf = arg
        .components()
        .take_while(|c| {
            !c.as_os_str()
                .to_string_lossy()
                .contains(['*', '?', '[', '{'])
        })
        .collect();
    let root = cwd.join(&base);
    let found = project::walk(&root, |p| {
        let rel = p.strip_prefix(cwd).unwrap_or(p);
        glob.is_match(rel) || glob.is_match(p)
    });
    if found.is_empty() {
        return Err(UsageError::new(format!("`{text}` matches no files")).into());
    }
    Ok(found)
}

fn list_rules(format: Format) -> anyhow::Result<Outcome> {
    let text = match format {
        Format::Json => {
            let rules: Vec<_> = rules::ALL
                .iter()
                .map(|r| serde_json::json!({"name": r.meta.name, "severity": r.meta.severity, "summary": r.meta.summary}))
                .collect();
            serde_json::to_string_pretty(&rules)? + "\n"
        }
        _ => {
            let width = rules::ALL
                .iter()
                .map(|r| r.meta.name.len())
                .max()
                .unwrap_or(0);
            rules::ALL
                .iter()
                .map(|r| {
                    format!(
                        "{:width$}  {:7}  {}\n",
                        r.meta.name,
                        r.meta.severity.as_str(),
                        r.meta.summary
                    )
                })
                .collect()
        }
    };
    super::print(&text)?;
    Ok(Outcome::Success)
}
