//! `edict doc`: write the policy's site (see the `edict-site` crate and docs/site.md).

use std::path::{Path, PathBuf};

use edict_compiler::render::{render_human, summary};

use crate::output::stderr;
use crate::Outcome;

pub fn run(paths: &[PathBuf], out: &Path, color: bool) -> Outcome {
    let loaded = match crate::check::load(paths, "doc") {
        Ok(x) => x,
        Err(o) => return o,
    };
    let (analysis, count) = (&loaded.analysis, loaded.workspace.files.len());
    let diags = analysis.diagnostics();
    if diags.iter().any(|d| d.is_error()) {
        stderr(&render_human(&diags, &analysis.sources(), color));
        stderr(&format!("{}\n", summary(&diags, count)));
        return Outcome::PolicyErrors;
    }
    let started = std::time::Instant::now();
    let site = match edict_site::build(analysis) {
        Ok(s) => s,
        Err(e) => {
            stderr(&format!("error: {e}\n"));
            return Outcome::PolicyErrors;
        }
    };
    if let Err(e) = edict_site::write(&site, out) {
        stderr(&format!("error: {e}\n"));
        return Outcome::UsageOrIo;
    }
    stderr(&format!(
        "wrote {} pages to {} in {:.2?}; open {}\n",
        site.pages().count(),
        out.display(),
        started.elapsed(),
        out.join("index.html").display()
    ));
    Outcome::Ok
}
