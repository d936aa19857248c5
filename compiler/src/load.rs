//! Finding the `.edict` files of a workspace on disk.

use std::path::{Path, PathBuf};

/// The extension of policy files.
pub const EXTENSION: &str = "edict";

/// Expands paths (files or directories, searched recursively) into a sorted list of policy
/// files. Hidden directories and `target/` are skipped. Errors name the path that failed.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        let meta =
            std::fs::metadata(p).map_err(|e| format!("cannot read `{}`: {e}", p.display()))?;
        if meta.is_dir() {
            walk(p, &mut out)?;
        } else {
            out.push(p.clone());
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read directory `{}`: {e}", dir.display()))?;
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" {
                walk(&path, out)?;
            }
        } else if path.extension().and_then(|e| e.to_str()) == Some(EXTENSION) {
            out.push(path);
        }
    }
    Ok(())
}

/// The width from `edict.toml` (`width = N`, at top level or under `[format]`) in `dir`.
pub fn format_width(dir: &Path) -> Result<Option<usize>, String> {
    let path = dir.join("edict.toml");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(None);
    };
    let mut section = String::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.starts_with('[') {
            section = line.trim_matches(['[', ']']).trim().to_string();
            continue;
        }
        if let Some((key, value)) = line.split_once('=') {
            if key.trim() == "width" && (section.is_empty() || section == "format") {
                return match value.trim().parse::<usize>() {
                    Ok(w) if (20..=1000).contains(&w) => Ok(Some(w)),
                    _ => Err(format!(
                        "{}:{}: `width` must be a number from 20 to 1000",
                        path.display(),
                        n + 1
                    )),
                };
            }
        }
    }
    Ok(None)
}
