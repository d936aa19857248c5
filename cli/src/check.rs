//! `edict check`: load a workspace, print its diagnostics, decide the exit code.

use std::path::PathBuf;

use edict_compiler::load::collect_files;
use edict_compiler::render::summary;
use edict_compiler::Analysis;

use crate::output::stderr;
use crate::{Format, Outcome};

/// Loads every policy file under `paths` into a fresh analysis; on failure the error is
/// printed and the outcome (a usage or I/O error) returned.
pub fn load(paths: &[PathBuf]) -> Result<(Analysis, usize), Outcome> {
    load_files(paths).map_err(|e| {
        stderr(&format!("error: {e}\n"));
        Outcome::UsageOrIo
    })
}

fn load_files(paths: &[PathBuf]) -> Result<(Analysis, usize), String> {
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
        Err(o) => return o,
    };
    let diags = analysis.check();
    let sources = analysis.sources();
    crate::report::emit(&diags, &sources, format, color, "edict check");
    if format == Format::Human {
        stderr(&format!("{}\n", summary(&diags, count)));
    }
    crate::report::outcome(&diags, deny_warnings)
}
