//! `edict verify`: static analysis of the compiled tables (overlaps, gaps, dead, shadowed and
//! subsumed rules), reported as diagnostics.

use std::path::PathBuf;

use edict_compiler::render::summary;

use crate::check::load;
use crate::output::stderr;
use crate::report::{emit, Format};
use crate::Outcome;

pub fn run(paths: &[PathBuf], format: Format, deny_warnings: bool, color: bool) -> Outcome {
    let (analysis, count) = match load(paths) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let sources = analysis.sources();
    let diags = match analysis.verify() {
        Ok(d) => d,
        Err(d) => {
            emit(&d, &sources, format, color, "edict verify");
            stderr(&format!("{}\n", summary(&d, count)));
            return Outcome::PolicyErrors;
        }
    };
    emit(&diags, &sources, format, color, "edict verify");
    if format == Format::Human {
        stderr(&format!("verified: {}\n", summary(&diags, count)));
    }
    crate::report::outcome(&diags, deny_warnings)
}
