//! `edict diff OLD NEW`: which decisions change between two versions of the policies. This
//! module finds the two sides; `render` prints what changed.

mod human;
mod render;
mod sources;

use std::path::{Path, PathBuf};
use std::process::Command;

use edict_runtime::diff::{diff_with, summarize, DecisionDiff, Options};
use edict_runtime::{Artifact, Engine};

use crate::output::{stderr, stdout};
use crate::Outcome;

/// How `edict diff` prints.
#[derive(Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum DiffFormat {
    /// Readable text.
    Human,
    /// One JSON document (schema in docs/cli.md).
    Json,
    /// Markdown for a pull-request comment: a summary, then a collapsible section per decision.
    Md,
    /// GitHub Actions notices, one per decision.
    Github,
    /// A SARIF 2.1.0 log.
    Sarif,
}

/// Loads one side: an artifact file, or policy files compiled.
pub(crate) fn side(path: &Path, color: bool) -> Result<Engine, Outcome> {
    if path.is_file() && path.extension().is_none_or(|e| e != "edict") {
        let source = crate::eval::Source {
            artifact: Some(path),
            paths: &[],
            command: "diff",
        };
        return crate::eval::engine(&source, color);
    }
    let artifact = crate::build::compile(&[path.to_path_buf()], "diff", color, true)?;
    to_engine(artifact)
}

fn to_engine(artifact: Artifact) -> Result<Engine, Outcome> {
    Engine::new(artifact).map_err(|e| {
        stderr(&format!("error: {e}\n"));
        Outcome::PolicyErrors
    })
}

/// The policy files under `path` as they were at git revision `rev`, compiled.
pub(crate) fn side_at_revision(rev: &str, path: &Path, color: bool) -> Result<Engine, Outcome> {
    let fail = |msg: String| {
        stderr(&format!("error: {msg}\n"));
        Outcome::UsageOrIo
    };
    // The workspace `path` names today, read as it was at `rev` (a loose file: that file).
    let workspace =
        edict_compiler::workspaces::find_one(&[path.to_path_buf()], "diff").map_err(&fail)?;
    let only = (workspace.kind == edict_compiler::workspaces::Kind::File)
        .then(|| path.file_name().map(|n| n.to_string_lossy().into_owned()))
        .flatten();
    let dir_buf = match &only {
        Some(_) => path.parent().unwrap_or(Path::new(".")).to_path_buf(),
        None => workspace.shown.clone(),
    };
    let dir = if dir_buf.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir_buf.as_path()
    };
    let top = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--show-prefix"])
        .output()
        .map_err(|e| fail(format!("cannot run git: {e}")))?;
    if !top.status.success() {
        return Err(fail(format!(
            "`{}` is not inside a git repository",
            dir.display()
        )));
    }
    let prefix = String::from_utf8_lossy(&top.stdout).trim().to_string();
    let listing = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["ls-tree", "-r", "--name-only", rev, "--", "."])
        .output()
        .map_err(|e| fail(format!("cannot run git: {e}")))?;
    if !listing.status.success() {
        return Err(fail(format!(
            "git cannot list `{}` at `{rev}`: {}",
            dir.display(),
            String::from_utf8_lossy(&listing.stderr).trim()
        )));
    }
    let mut analysis = edict_compiler::Analysis::default();
    let mut count = 0;
    for name in String::from_utf8_lossy(&listing.stdout)
        .lines()
        .filter(|n| n.ends_with(".edict"))
        .filter(|n| {
            only.as_ref()
                .is_none_or(|o| n.ends_with(&format!("/{o}")) || n == o)
        })
    {
        let rel = name.strip_prefix(&prefix).unwrap_or(name);
        let show = Command::new("git")
            .arg("-C")
            .arg(dir)
            .arg("show")
            .arg(format!("{rev}:./{rel}"))
            .output()
            .map_err(|e| fail(format!("cannot run git: {e}")))?;
        if !show.status.success() {
            return Err(fail(format!("git cannot show `{rel}` at `{rev}`")));
        }
        analysis.set_file_bytes(&format!("{}@{rev}", dir.join(rel).display()), show.stdout);
        count += 1;
    }
    if count == 0 {
        return Err(fail(format!(
            "no `.edict` files under `{}` at `{rev}`",
            dir.display()
        )));
    }
    match analysis.build() {
        Ok(a) => to_engine(a),
        Err(diags) => {
            stderr(&edict_compiler::render::render_human(
                &diags,
                &analysis.sources(),
                color,
            ));
            Err(Outcome::PolicyErrors)
        }
    }
}

pub fn run(
    old: Option<&Path>,
    new: &Path,
    old_rev: Option<&str>,
    window: Options,
    format: DiffFormat,
    exit_zero: bool,
    color: bool,
) -> Outcome {
    let old_engine = match (old_rev, old) {
        (Some(rev), _) => side_at_revision(rev, new, color),
        (None, Some(p)) => side(p, color),
        (None, None) => {
            stderr("error: give OLD and NEW, or NEW with --old-rev REV\n");
            return Outcome::UsageOrIo;
        }
    };
    let old_engine = match old_engine {
        Ok(e) => e,
        Err(o) => return o,
    };
    let new_engine = match side(new, color) {
        Ok(e) => e,
        Err(o) => return o,
    };
    let diffs = diff_with(&old_engine, &new_engine, window);
    let sources = summarize(&old_engine, &new_engine);
    match format {
        DiffFormat::Human => {
            // Wrapped at the width of the new side's workspace (`width` in its edict.toml).
            let width = crate::fmt::options(&[new.to_path_buf()], None).map_or(100, |o| o.width);
            stdout(&human::human(&diffs, &sources, width))
        }
        DiffFormat::Json => stdout(&format!("{}\n", render::json(&diffs, &sources, window))),
        DiffFormat::Md => stdout(&render::markdown(&diffs, &sources)),
        DiffFormat::Github => stdout(&render::github(&diffs)),
        DiffFormat::Sarif => stdout(&format!("{}\n", render::sarif(&diffs))),
    }
    // A decision that could not be compared is a failure to review, which `--exit-zero` (report
    // changes only) does not hide.
    let incomparable = diffs
        .iter()
        .any(|d| matches!(d, DecisionDiff::Incomparable { .. }));
    if diffs.is_empty() || (exit_zero && !incomparable) {
        Outcome::Ok
    } else {
        Outcome::PolicyErrors
    }
}

/// Paths given to `diff`: `OLD NEW`, or `NEW` alone with `--old-rev`.
pub fn split_paths(
    paths: &[PathBuf],
    old_rev: Option<&str>,
) -> Result<(Option<PathBuf>, PathBuf), String> {
    match (paths, old_rev) {
        ([new], Some(_)) => Ok((None, new.clone())),
        ([old, new], None) => Ok((Some(old.clone()), new.clone())),
        (_, Some(_)) => Err("with --old-rev, give only the NEW path".into()),
        _ => Err("give OLD and NEW (directories or artifacts)".into()),
    }
}
