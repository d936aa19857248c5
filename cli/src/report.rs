//! Printing diagnostics in the format CI asked for: human, JSON, GitHub annotations, SARIF.

use std::collections::BTreeMap;

use edict_compiler::render::{render_github, render_human, render_json, render_sarif};
use edict_compiler::{Diagnostic, Severity};

use crate::output::{stderr, stdout};
use crate::Outcome;

#[derive(Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// Readable text with source excerpts (standard error).
    Human,
    /// One JSON document (schema in docs/cli.md).
    Json,
    /// GitHub Actions workflow commands: `::error file=...,line=...,col=...::message`.
    Github,
    /// A SARIF 2.1.0 log.
    Sarif,
}

pub fn emit(
    diags: &[Diagnostic],
    sources: &BTreeMap<String, String>,
    format: Format,
    color: bool,
    tool: &str,
) {
    match format {
        Format::Human => stderr(&render_human(diags, sources, color)),
        Format::Json => stdout(&format!("{}\n", render_json(diags, sources))),
        Format::Github => stdout(&render_github(diags, sources)),
        Format::Sarif => stdout(&format!("{}\n", render_sarif(diags, sources, tool))),
    }
}

/// 1 on errors (or on warnings with `deny_warnings`), else 0.
pub fn outcome(diags: &[Diagnostic], deny_warnings: bool) -> Outcome {
    let errors = diags.iter().any(|d| d.severity == Severity::Error);
    let warnings = diags.iter().any(|d| d.severity == Severity::Warning);
    if errors || (deny_warnings && warnings) {
        Outcome::PolicyErrors
    } else {
        Outcome::Ok
    }
}
