//! `edict check`: load a workspace, print its diagnostics, decide the exit code.

use std::path::PathBuf;

use edict_compiler::load::collect_files;
use edict_compiler::render::{render_human, render_json, summary};
use edict_compiler::{Analysis, Severity};

use crate::output::{stderr, stdout};
use crate::{Format, Outcome};

/// Loads every policy file under `paths` into a fresh analysis.
pub fn load(paths: &[PathBuf]) -> Result<(Analysis, usize), String> {
    let files = collect_files(paths)?;
    if files.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
        return Err(format!("no `.edict` files found in {}", shown.join(", ")));
    }
    let mut analysis = Analysis::default();
    for f in &files {
        let bytes = std::fs::read(f).map_err(|e| format!("cannot read `{}`: {e}", f.display()))?;
        analysis.set_file_bytes(&f.display().to_string(), bytes);
    }
    Ok((analysis, files.len()))
}

pub fn run(paths: &[PathBuf], format: Format, deny_warnings: bool, color: bool) -> Outcome {
    let (analysis, count) = match load(paths) {
        Ok(x) => x,
        Err(e) => {
            stderr(&format!("error: {e}\n"));
            return Outcome::UsageOrIo;
        }
    };
    let diags = analysis.diagnostics();
    let sources = analysis.sources();
    match format {
        Format::Human => {
            stderr(&render_human(&diags, &sources, color));
            stderr(&format!("{}\n", summary(&diags, count)));
        }
        Format::Json => stdout(&format!("{}\n", render_json(&diags, &sources))),
    }
    let errors = diags.iter().any(|d| d.severity == Severity::Error);
    let warnings = diags.iter().any(|d| d.severity == Severity::Warning);
    if errors || (deny_warnings && warnings) {
        Outcome::PolicyErrors
    } else {
        Outcome::Ok
    }
}
