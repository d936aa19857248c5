//! `edict build`: compile a workspace into an artifact, written atomically.

use std::io::Write;
use std::path::{Path, PathBuf};

use edict_compiler::render::{render_human, summary};
use edict_runtime::Artifact;

use crate::check::load;
use crate::output::stderr;
use crate::Outcome;

#[derive(Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum ArtifactFormat {
    /// Compact binary (postcard, with a header and a checksum).
    Binary,
    /// The same content as readable JSON.
    Json,
}

/// Checks and compiles the policies under `paths`, printing diagnostics on failure.
/// With `quiet`, warnings are summed up in one line instead of shown.
pub fn compile(
    paths: &[PathBuf],
    command: &str,
    color: bool,
    quiet: bool,
) -> Result<Artifact, Outcome> {
    let loaded = load(paths, command)?;
    let (analysis, count) = (&loaded.analysis, loaded.workspace.files.len());
    match analysis.build() {
        Ok(a) => {
            let diags = analysis.diagnostics();
            if !diags.is_empty() && !quiet {
                stderr(&render_human(&diags, &analysis.sources(), color));
            }
            stderr(&format!("checked: {}\n", summary(&diags, count)));
            Ok(a)
        }
        Err(diags) => {
            stderr(&render_human(&diags, &analysis.sources(), color));
            stderr(&format!("{}\n", summary(&diags, count)));
            Err(Outcome::PolicyErrors)
        }
    }
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename, so a
/// reader never sees a half-written artifact and a failed write leaves the old file intact.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomically_with(path, |f| f.write_all(bytes))
}

pub use edict_runtime::store::write_atomically_with;

pub fn run(paths: &[PathBuf], out: &Path, format: ArtifactFormat, color: bool) -> Outcome {
    let artifact = match compile(paths, "build", color, false) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let bytes = match format {
        ArtifactFormat::Binary => match artifact.to_bytes() {
            Ok(b) => b,
            Err(e) => {
                stderr(&format!("error: cannot encode the artifact: {e}\n"));
                return Outcome::UsageOrIo;
            }
        },
        ArtifactFormat::Json => format!("{}\n", artifact.to_json()).into_bytes(),
    };
    if let Err(e) = write_atomically(out, &bytes) {
        stderr(&format!("error: cannot write `{}`: {e}\n", out.display()));
        return Outcome::UsageOrIo;
    }
    let rules: usize = artifact.decisions.iter().map(|d| d.rules.len()).sum();
    stderr(&format!(
        "built {} ({} bytes): {} decisions, {} rules\n",
        out.display(),
        bytes.len(),
        artifact.decisions.len(),
        rules
    ));
    Outcome::Ok
}
