//! `edict diff OLD NEW`: which decisions change between two versions of the policies.

use std::path::{Path, PathBuf};
use std::process::Command;

use edict_runtime::diff::{diff, Change, DecisionDiff};
use edict_runtime::value::format_date;
use edict_runtime::{Artifact, Engine};

use crate::output::{stderr, stdout};
use crate::report::Format;
use crate::Outcome;

/// Loads one side: an artifact file, or policy files compiled.
fn side(path: &Path, color: bool) -> Result<Engine, Outcome> {
    if path.is_file() && path.extension().is_none_or(|e| e != "edict") {
        let source = crate::eval::Source {
            artifact: Some(path),
            paths: &[],
        };
        return crate::eval::engine(&source, color);
    }
    let artifact = crate::build::compile(&[path.to_path_buf()], color, true)?;
    to_engine(artifact)
}

fn to_engine(artifact: Artifact) -> Result<Engine, Outcome> {
    Engine::new(artifact).map_err(|e| {
        stderr(&format!("error: {e}\n"));
        Outcome::PolicyErrors
    })
}

/// The policy files under `path` as they were at git revision `rev`, compiled.
fn side_at_revision(rev: &str, path: &Path, color: bool) -> Result<Engine, Outcome> {
    let fail = |msg: String| {
        stderr(&format!("error: {msg}\n"));
        Outcome::UsageOrIo
    };
    let dir = if path.is_dir() {
        path
    } else {
        path.parent().unwrap_or(Path::new("."))
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

fn period(c: &Change) -> String {
    match (c.from, c.until) {
        (None, None) => "at all times".into(),
        (Some(a), None) => format!("from {}", format_date(a)),
        (None, Some(b)) => format!("before {}", format_date(b)),
        (Some(a), Some(b)) => format!("from {} to {}", format_date(a), format_date(b)),
    }
}

fn answer(s: &edict_runtime::diff::Side) -> String {
    match s.status.as_str() {
        "decided" => format!("{} (rule {})", s.outcome, s.rules.join(", ")),
        "otherwise" => format!("{} (otherwise)", s.outcome),
        "conflict" => format!("conflict between rules {}", s.rules.join(", ")),
        "collected" => format!("{} (rules {})", s.outcome, s.rules.join(", ")),
        _ => "no rule applies".into(),
    }
}

pub fn human(diffs: &[DecisionDiff]) -> String {
    let mut out = String::new();
    for d in diffs {
        match d {
            DecisionDiff::Added(n) => out.push_str(&format!("decision `{n}` is new\n\n")),
            DecisionDiff::Removed(n) => out.push_str(&format!("decision `{n}` is removed\n\n")),
            DecisionDiff::Incomparable { decision, why } => out.push_str(&format!(
                "decision `{decision}` cannot be compared: {why}\n\n"
            )),
            DecisionDiff::Changed { decision, changes } => {
                let n = changes.len();
                out.push_str(&format!(
                    "decision `{decision}`: {n} change{}\n",
                    if n == 1 { "" } else { "s" }
                ));
                for c in changes {
                    out.push_str(&format!("  {}, where\n", period(c)));
                    if c.region.is_empty() {
                        out.push_str("      (every request)\n");
                    }
                    for (col, vals) in &c.region {
                        out.push_str(&format!("      {col}: {vals}\n"));
                    }
                    out.push_str(&format!("    before: {}\n", answer(&c.before)));
                    out.push_str(&format!("    after:  {}\n", answer(&c.after)));
                    out.push_str(&format!("    for example: {}\n", c.example));
                }
                out.push('\n');
            }
        }
    }
    out.push_str(&summary(diffs));
    out.push('\n');
    out
}

fn summary(diffs: &[DecisionDiff]) -> String {
    let changed = diffs
        .iter()
        .filter(|d| matches!(d, DecisionDiff::Changed { .. }))
        .count();
    let regions: usize = diffs
        .iter()
        .map(|d| {
            if let DecisionDiff::Changed { changes, .. } = d {
                changes.len()
            } else {
                0
            }
        })
        .sum();
    let added = diffs
        .iter()
        .filter(|d| matches!(d, DecisionDiff::Added(_)))
        .count();
    let removed = diffs
        .iter()
        .filter(|d| matches!(d, DecisionDiff::Removed(_)))
        .count();
    let incomparable = diffs.len() - changed - added - removed;
    if diffs.is_empty() {
        return "no decision changes".into();
    }
    let mut s = format!(
        "{changed} decision{} change{} ({regions} region{})",
        if changed == 1 { "" } else { "s" },
        if changed == 1 { "s" } else { "" },
        if regions == 1 { "" } else { "s" }
    );
    s.push_str(&format!(", {added} added, {removed} removed"));
    if incomparable > 0 {
        s.push_str(&format!(", {incomparable} not comparable"));
    }
    s
}

fn change_json(c: &Change) -> serde_json::Value {
    let side = |s: &edict_runtime::diff::Side| {
        serde_json::json!({
            "status": s.status,
            "outcome": serde_json::from_str::<serde_json::Value>(&s.outcome).unwrap_or(serde_json::Value::Null),
            "rules": s.rules,
        })
    };
    serde_json::json!({
        "from": c.from.map(format_date),
        "until": c.until.map(format_date),
        "region": c.region.iter().map(|(k, v)| serde_json::json!({ "column": k, "values": v })).collect::<Vec<_>>(),
        "before": side(&c.before),
        "after": side(&c.after),
        "example": c.example,
    })
}

pub fn json(diffs: &[DecisionDiff]) -> String {
    let decisions: Vec<serde_json::Value> = diffs
        .iter()
        .map(|d| match d {
            DecisionDiff::Added(n) => serde_json::json!({ "decision": n, "kind": "added" }),
            DecisionDiff::Removed(n) => serde_json::json!({ "decision": n, "kind": "removed" }),
            DecisionDiff::Incomparable { decision, why } => {
                serde_json::json!({ "decision": decision, "kind": "incomparable", "why": why })
            }
            DecisionDiff::Changed { decision, changes } => serde_json::json!({
                "decision": decision,
                "kind": "changed",
                "changes": changes.iter().map(change_json).collect::<Vec<_>>(),
            }),
        })
        .collect();
    serde_json::to_string_pretty(
        &serde_json::json!({ "version": 1, "decisions": decisions, "summary": summary(diffs) }),
    )
    .unwrap_or_default()
}

fn escape(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

pub fn github(diffs: &[DecisionDiff]) -> String {
    let mut out = String::new();
    for d in diffs {
        let (title, body) = match d {
            DecisionDiff::Added(n) => (
                format!("decision {n} added"),
                format!("decision `{n}` is new"),
            ),
            DecisionDiff::Removed(n) => (
                format!("decision {n} removed"),
                format!("decision `{n}` is removed"),
            ),
            DecisionDiff::Incomparable { decision, why } => {
                (format!("decision {decision} not comparable"), why.clone())
            }
            DecisionDiff::Changed { decision, .. } => (
                format!("decision {decision} changes"),
                human(std::slice::from_ref(d))
                    .lines()
                    .take_while(|l| !l.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n")
                    .replace(&format!("decision `{decision}`: "), ""),
            ),
        };
        out.push_str(&format!(
            "::notice title={}::{}\n",
            escape(&title).replace(':', "%3A").replace(',', "%2C"),
            escape(&body)
        ));
    }
    out
}

pub fn sarif(diffs: &[DecisionDiff]) -> String {
    let results: Vec<serde_json::Value> = diffs
        .iter()
        .map(|d| {
            let text = human(std::slice::from_ref(d)).trim_end().to_string();
            serde_json::json!({ "ruleId": "decision-change", "level": "note", "message": { "text": text } })
        })
        .collect();
    edict_compiler::render::sarif_log(
        "edict diff",
        vec![
            serde_json::json!({ "id": "decision-change", "shortDescription": { "text": "a decision's answer changes" } }),
        ],
        results,
    )
}

pub fn run(
    old: Option<&Path>,
    new: &Path,
    old_rev: Option<&str>,
    format: Format,
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
    let diffs = diff(&old_engine, &new_engine);
    match format {
        Format::Human => stdout(&human(&diffs)),
        Format::Json => stdout(&format!("{}\n", json(&diffs))),
        Format::Github => stdout(&github(&diffs)),
        Format::Sarif => stdout(&format!("{}\n", sarif(&diffs))),
    }
    if diffs.is_empty() || exit_zero {
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
