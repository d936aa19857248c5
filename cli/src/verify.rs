//! `edict verify`: static analysis of the compiled tables (overlaps, gaps, dead, shadowed and
//! subsumed rules), reported as diagnostics, for each workspace the paths name.

use crate::check::{report_each, Findings, ReportArgs};
use crate::Outcome;

pub fn run(args: &ReportArgs, color: bool) -> Outcome {
    report_each(args, color, "edict verify", |l| match l.analysis.verify() {
        Ok(all) => Findings {
            all,
            prefix: "verified: ",
            fails: false,
        },
        Err(all) => Findings {
            all,
            prefix: "",
            fails: true,
        },
    })
}
