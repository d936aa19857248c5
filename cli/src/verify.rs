//! `edict verify`: static analysis of the compiled tables (overlaps, gaps, dead, shadowed and
//! subsumed rules), reported as diagnostics, for each workspace the paths name.

use std::path::PathBuf;

use crate::check::{load_all, totals};
use crate::output::stderr;
use crate::report::{emit, Format};
use crate::Outcome;

pub fn run(paths: &[PathBuf], format: Format, deny_warnings: bool, color: bool) -> Outcome {
    let loaded = match load_all(paths) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let several = loaded.len() > 1;
    let mut shown = Vec::new();
    let mut reported = Vec::new();
    let mut sources = std::collections::BTreeMap::new();
    let mut failed = false;
    for l in &loaded {
        let s = l.analysis.sources();
        let (all, prefix) = match l.analysis.verify() {
            Ok(d) => (d, "verified: "),
            Err(d) => {
                failed = true;
                (d, "")
            }
        };
        let diags = l.narrow(all.clone());
        if format == Format::Human {
            emit(&diags, &s, format, color, "edict verify");
            stderr(&format!("{prefix}{}\n", l.summary(&all, several)));
        }
        sources.extend(s);
        reported.extend(diags.iter().cloned());
        shown.push(diags);
    }
    if format == Format::Human {
        if several {
            stderr(&format!("{}\n", totals(&shown, &loaded)));
        }
    } else {
        emit(&reported, &sources, format, color, "edict verify");
    }
    if failed {
        return Outcome::PolicyErrors;
    }
    crate::report::outcome(&reported, deny_warnings)
}
