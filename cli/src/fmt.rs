//! `edict fmt`: rewrite policy files in the canonical layout, atomically; or check, or diff.

use std::io::Read;
use std::path::PathBuf;

use edict_grammar::{format, FormatOptions};

use crate::build::write_atomically;
use crate::output::{stderr, stdout};
use crate::Outcome;

/// The layout options: the given width, else the `width` of the nearest `edict.toml` of the
/// first path that exists (or of the current directory), else the default.
pub(crate) fn options(paths: &[PathBuf], width: Option<usize>) -> Result<FormatOptions, String> {
    if let Some(w) = width {
        return Ok(FormatOptions { width: w });
    }
    // The width of the workspace the first path belongs to (the nearest `edict.toml`).
    let mut places: Vec<PathBuf> = paths.iter().filter(|p| p.exists()).cloned().collect();
    places.push(PathBuf::from("."));
    for d in places {
        if let Some(w) = edict_compiler::load::format_width(&d)? {
            return Ok(FormatOptions { width: w });
        }
    }
    Ok(FormatOptions::default())
}

/// A unified diff of two texts, three lines of context.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    diff.unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

pub fn run(paths: &[PathBuf], check: bool, diff: bool, width: Option<usize>) -> Outcome {
    let options = match options(paths, width) {
        Ok(o) => o,
        Err(e) => {
            stderr(&format!("error: {e}\n"));
            return Outcome::UsageOrIo;
        }
    };
    if paths.len() == 1 && paths[0].as_os_str() == "-" {
        let mut text = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut text) {
            stderr(&format!("error: cannot read standard input: {e}\n"));
            return Outcome::UsageOrIo;
        }
        return match format(&text, options) {
            Ok(f) => {
                report_kept("<stdin>", &text, &f.kept, f.text.len());
                stdout(&f.text);
                Outcome::Ok
            }
            Err(e) => {
                stderr(&format!("error: {e}\n"));
                stdout(&text);
                Outcome::PolicyErrors
            }
        };
    }
    // Each file at the width of its own workspace (`width` in its edict.toml), unless given.
    let found = match edict_compiler::workspaces::find(paths) {
        Ok(w) => w,
        Err(e) => {
            stderr(&format!("error: {e}\n"));
            return Outcome::UsageOrIo;
        }
    };
    let files: Vec<(PathBuf, FormatOptions)> = found
        .iter()
        .flat_map(|ws| {
            let options = FormatOptions {
                width: width
                    .or_else(|| ws.manifest.as_ref().and_then(|m| m.width))
                    .unwrap_or(FormatOptions::default().width),
            };
            ws.reported().map(move |f| (f.clone(), options))
        })
        .collect();
    let mut changed = 0;
    let mut failed = false;
    for (file, options) in &files {
        let options = *options;
        let name = file.display().to_string();
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                stderr(&format!("error: cannot read `{name}`: {e}\n"));
                failed = true;
                continue;
            }
        };
        let formatted = match format(&text, options) {
            Ok(f) => f,
            Err(e) => {
                stderr(&format!("error: `{name}`: {e}\n"));
                failed = true;
                continue;
            }
        };
        report_kept(&name, &text, &formatted.kept, formatted.text.len());
        if formatted.text == text {
            continue;
        }
        changed += 1;
        if diff {
            stdout(&unified_diff(&name, &text, &formatted.text));
        }
        if check {
            if !diff {
                stdout(&format!("{name}\n"));
            }
        } else if !diff {
            if let Err(e) = write_atomically(file, formatted.text.as_bytes()) {
                stderr(&format!("error: cannot write `{name}`: {e}\n"));
                failed = true;
            }
        }
    }
    if failed {
        return Outcome::PolicyErrors;
    }
    if check || diff {
        if changed > 0 {
            stderr(&format!(
                "{changed} of {} files would be reformatted\n",
                files.len()
            ));
            return Outcome::PolicyErrors;
        }
        return Outcome::Ok;
    }
    stderr(&format!(
        "formatted {} files, {changed} changed\n",
        files.len()
    ));
    Outcome::Ok
}

/// Says which items were kept as they were because they do not parse.
fn report_kept(name: &str, text: &str, kept: &[edict_grammar::Span], _len: usize) {
    for span in kept {
        let (line, _) = edict_compiler::render::line_col(text, span.start as usize);
        let first = text
            .get(span.range())
            .and_then(|t| t.lines().next())
            .unwrap_or("");
        stderr(&format!("note: {name}:{line}: `{first}` was left as it was (it does not parse, writes a clause twice, or has a comment inside an expression)\n"));
    }
}
