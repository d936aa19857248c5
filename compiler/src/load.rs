//! Finding the `.edict` files of a workspace on disk: the workspace rule and `edict.toml`.
//!
//! The rule, shared by the CLI and the language server (and documented in
//! `docs/workspaces.md`):
//!
//! - A **workspace** is a folder holding an `edict.toml`. Its files are the `.edict` files
//!   below it that match `include` (default: all) and no `exclude` pattern, skipping hidden
//!   folders, `target/`, and folders holding an `edict.toml` of their own (those are
//!   workspaces of their own).
//! - A file belongs to the workspace of the nearest `edict.toml` at or above its folder; with
//!   none, it is checked on its own (or with the folder the editor opened, or the command was
//!   given, when no `edict.toml` is at, above or below that folder).
//!
//! How the paths given to a command name workspaces is in [`crate::workspaces`].

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;

/// The extension of policy files.
pub const EXTENSION: &str = "edict";

/// The file that marks a workspace.
pub const MANIFEST: &str = "edict.toml";

/// A workspace's settings, read from its `edict.toml`.
#[derive(Clone, Debug, Default)]
pub struct Manifest {
    /// `edict fmt`'s line width (`width`, at top level or under `[format]`).
    pub width: Option<usize>,
    /// The lints turned on under `[lints]`.
    pub lints: crate::db::Lints,
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    width: Option<i64>,
    include: Option<Vec<String>>,
    exclude: Option<Vec<String>>,
    format: Option<RawFormat>,
    lints: Option<RawLints>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLints {
    missing_labels: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFormat {
    width: Option<i64>,
}

impl Manifest {
    /// Reads `dir/edict.toml`; `Ok(None)` when there is none. Errors name the file, the line
    /// and what is wrong.
    pub fn read(dir: &Path) -> Result<Option<Manifest>, String> {
        let path = dir.join(MANIFEST);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read `{}`: {e}", path.display())),
        };
        Manifest::parse(&text)
            .map(Some)
            .map_err(|(line, msg)| match line {
                Some(l) => format!("{}:{l}: {msg}", path.display()),
                None => format!("{}: {msg}", path.display()),
            })
    }

    /// Parses a manifest's text; errors carry the 1-based line when known.
    pub fn parse(text: &str) -> Result<Manifest, (Option<usize>, String)> {
        let raw: RawManifest = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            (line, e.message().trim_end().to_string())
        })?;
        let line_of = |key: &str| {
            text.lines()
                .position(|l| l.trim_start().starts_with(key))
                .map(|n| n + 1)
        };
        let width = match raw.width.or(raw.format.and_then(|f| f.width)) {
            None => None,
            Some(w) if (20..=1000).contains(&w) => usize::try_from(w).ok(),
            Some(_) => {
                return Err((
                    line_of("width"),
                    "`width` must be a number from 20 to 1000".into(),
                ))
            }
        };
        let globs = |key: &str, patterns: Option<Vec<String>>| {
            let Some(patterns) = patterns else {
                return Ok(None);
            };
            let mut set = GlobSetBuilder::new();
            for p in &patterns {
                let glob = Glob::new(p.trim_start_matches("./")).map_err(|e| {
                    (
                        line_of(key),
                        format!("`{key}`: `{p}` is not a glob pattern: {}", e.kind()),
                    )
                })?;
                set.add(glob);
            }
            set.build()
                .map(Some)
                .map_err(|e| (line_of(key), format!("`{key}`: {e}")))
        };
        let lint = |key: &str, level: Option<String>| match level.as_deref() {
            None | Some("allow") => Ok(false),
            Some("warn") => Ok(true),
            Some(other) => Err((
                line_of(key),
                format!("`{key}` is \"allow\" or \"warn\", not \"{other}\""),
            )),
        };
        let lints = crate::db::Lints {
            missing_labels: lint("missing_labels", raw.lints.and_then(|l| l.missing_labels))?,
        };
        Ok(Manifest {
            width,
            lints,
            include: globs("include", raw.include)?,
            exclude: globs("exclude", raw.exclude)?,
        })
    }

    /// Whether a file, given by its path relative to the workspace folder, is one of the
    /// workspace's files by the patterns.
    pub fn admits(&self, relative: &Path) -> bool {
        self.include.as_ref().is_none_or(|g| g.is_match(relative))
            && !self.exclude.as_ref().is_some_and(|g| g.is_match(relative))
    }
}

/// The nearest folder at or above `path` (a file's folder, or a folder) holding an
/// `edict.toml`.
pub fn manifest_root(path: &Path) -> Option<PathBuf> {
    let path = absolute(path);
    let start = if path.is_dir() {
        path.as_path()
    } else {
        path.parent()?
    };
    start
        .ancestors()
        .find(|d| d.join(MANIFEST).is_file())
        .map(Path::to_path_buf)
}

/// The workspaces inside a folder the editor opened: the folder's own (when an `edict.toml`
/// is at or above it), else every folder below it holding an `edict.toml`, outermost first,
/// else (no `edict.toml` anywhere) the folder itself. A repository opened at its root finds
/// `policies/` and `examples/*/`, not test fixtures.
pub fn workspaces_in(dir: &Path) -> Vec<PathBuf> {
    if let Some(root) = manifest_root(dir) {
        return vec![root];
    }
    let dir = absolute(dir);
    let mut out = Vec::new();
    find_manifests(&dir, &mut out);
    if out.is_empty() {
        out.push(dir);
    }
    out
}

fn find_manifests(dir: &Path, out: &mut Vec<PathBuf>) {
    if dir.join(MANIFEST).is_file() {
        out.push(dir.to_path_buf());
        return;
    }
    for sub in subfolders(dir) {
        find_manifests(&sub, out);
    }
}

fn subfolders(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir() && !skipped_folder(p))
        .collect();
    dirs.sort();
    dirs
}

fn skipped_folder(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.starts_with('.') || name == "target"
}

/// Whether `file` is one of the files of the workspace at `root` (with its manifest): below
/// it, not in a skipped or nested-workspace folder, and admitted by the patterns.
pub fn belongs_to(root: &Path, manifest: Option<&Manifest>, file: &Path) -> bool {
    let Ok(relative) = file.strip_prefix(root) else {
        return false;
    };
    if file.extension().and_then(|e| e.to_str()) != Some(EXTENSION) {
        return false;
    }
    let mut folder = file.parent();
    while let Some(f) = folder {
        if f == root {
            break;
        }
        if skipped_folder(f) || f.join(MANIFEST).is_file() {
            return false;
        }
        folder = f.parent();
    }
    manifest.is_none_or(|m| m.admits(relative))
}

/// Expands paths (files, or folders searched with the workspace rule) into a sorted list of
/// policy files. A folder is read with the patterns of the `edict.toml` at or above it;
/// folders holding their own `edict.toml` below it are skipped. Files named on the command
/// line are always read. Errors name the path that failed.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        let meta =
            std::fs::metadata(p).map_err(|e| format!("cannot read `{}`: {e}", p.display()))?;
        if meta.is_dir() {
            let root = manifest_root(p);
            let manifest = match &root {
                Some(r) => Manifest::read(r)?,
                None => None,
            };
            let base = absolute(p);
            let rel_root = root.unwrap_or_else(|| base.clone());
            walk(p, &base, &rel_root, manifest.as_ref(), &mut out)?;
        } else {
            out.push(p.clone());
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Walks `dir` (as given, for the paths reported) whose absolute form is `abs`.
fn walk(
    dir: &Path,
    abs: &Path,
    root: &Path,
    manifest: Option<&Manifest>,
    out: &mut Vec<PathBuf>,
) -> Result<(), String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read directory `{}`: {e}", dir.display()))?;
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_default();
        let abs_path = abs.join(&name);
        if path.is_dir() {
            if !skipped_folder(&path) && !path.join(MANIFEST).is_file() {
                walk(&path, &abs_path, root, manifest, out)?;
            }
        } else if path.extension().and_then(|e| e.to_str()) == Some(EXTENSION) {
            let relative = abs_path.strip_prefix(root).unwrap_or(&abs_path);
            if manifest.is_none_or(|m| m.admits(relative)) {
                out.push(path);
            }
        }
    }
    Ok(())
}

/// The width from the `edict.toml` of the workspace `path` belongs to.
pub fn format_width(path: &Path) -> Result<Option<usize>, String> {
    match manifest_root(path) {
        Some(root) => Ok(Manifest::read(&root)?.and_then(|m| m.width)),
        None => Ok(None),
    }
}

/// `path` made absolute against the current folder, without touching the disk (no symlinks
/// resolved), with `.` and `..` components folded.
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn manifest_patterns_and_width() {
        let m = Manifest::parse(
            "width = 90\ninclude = [\"**/*.edict\"]\nexclude = [\"drafts/**\", \"old_*.edict\"]\n",
        )
        .unwrap();
        assert_eq!(m.width, Some(90));
        assert!(m.admits(Path::new("ports.edict")));
        assert!(m.admits(Path::new("refdata/countries.edict")));
        assert!(!m.admits(Path::new("drafts/new.edict")));
        assert!(!m.admits(Path::new("old_rules.edict")));
        let m = Manifest::parse("[format]\nwidth = 80\n").unwrap();
        assert_eq!(m.width, Some(80));
        assert!(m.admits(Path::new("a/b.edict")));
    }

    #[test]
    fn manifest_errors_name_the_line() {
        let (line, msg) = Manifest::parse("width = 100\nexlude = [\"x\"]\n").unwrap_err();
        assert_eq!(line, Some(2));
        assert!(msg.contains("exlude"), "{msg}");
        let (line, msg) = Manifest::parse("\nwidth = 5\n").unwrap_err();
        assert_eq!(line, Some(2));
        assert!(msg.contains("20 to 1000"), "{msg}");
        let (_, msg) = Manifest::parse("exclude = [\"a/[\"]\n").unwrap_err();
        assert!(msg.contains("not a glob"), "{msg}");
    }
}
