//! From the paths given to a command to the workspaces they name, by the rule the language
//! server follows (`docs/workspaces.md`), so that the command line reports what the editor
//! shows.
//!
//! - A **file** belongs to the workspace of the nearest `edict.toml` at or above it: the whole
//!   workspace is read (names declared in its other files are visible), and what the command
//!   reports is narrowed to the file. With no `edict.toml` above it, the file is a workspace
//!   of its own.
//! - A **folder** inside a workspace (at or below its `edict.toml`): the whole workspace is
//!   read, reports narrowed to the folder.
//! - A folder with **workspaces below it** and none around it: each of them, whole and on its
//!   own; files outside them (test fixtures, scratch files) are not read. The repository root
//!   names `policies/` and `examples/visa-free-history/`.
//! - A folder with no `edict.toml` at, above or below it: one workspace of all its files (a
//!   scratch folder, as the editor treats a folder it opened).

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use crate::load::{absolute, collect_files, manifest_root, Manifest, MANIFEST};

/// What makes a set of files a workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A folder holding an `edict.toml`.
    Manifest,
    /// A folder named on the command line with no `edict.toml` at, above or below it.
    Folder,
    /// A file named on the command line with no `edict.toml` above it.
    File,
}

/// One workspace a command runs on.
#[derive(Debug)]
pub struct Workspace {
    pub kind: Kind,
    /// The folder (or, for [`Kind::File`], the file) as shown: relative to where the command
    /// runs when the path was given that way.
    pub shown: PathBuf,
    /// The same, absolute.
    abs: PathBuf,
    pub manifest: Option<Manifest>,
    /// Every file of the workspace, as shown, sorted.
    pub files: Vec<PathBuf>,
    /// The files and folders named (absolute), when narrower than the workspace; reports are
    /// for the files in them.
    scope: Option<Vec<PathBuf>>,
    /// The files named (absolute): read even where the patterns exclude them.
    named: Vec<PathBuf>,
}

impl Workspace {
    /// Whether the command reports on `file` (one of [`Workspace::files`]).
    pub fn reports_on(&self, file: &Path) -> bool {
        match &self.scope {
            None => true,
            Some(scope) => {
                let file = absolute(file);
                scope.iter().any(|s| file.starts_with(s))
            }
        }
    }

    /// Whether reports are narrowed to part of the workspace.
    /// The lints its `edict.toml` turns on (none without one).
    pub fn lints(&self) -> crate::db::Lints {
        self.manifest.as_ref().map(|m| m.lints).unwrap_or_default()
    }

    pub fn is_narrowed(&self) -> bool {
        self.scope.is_some()
    }

    /// The files reported on.
    pub fn reported(&self) -> impl Iterator<Item = &PathBuf> {
        self.files.iter().filter(|f| self.reports_on(f))
    }

    /// How the workspace is named in reports: its folder with a final `/`, or the file.
    pub fn name(&self) -> String {
        match self.kind {
            Kind::File => self.shown.display().to_string(),
            _ => {
                let s = self.shown.display().to_string();
                if s.ends_with('/') {
                    s
                } else {
                    format!("{s}/")
                }
            }
        }
    }
}

/// The workspaces `paths` name, sorted by how they are shown. Errors name a path that cannot
/// be read or an `edict.toml` that is wrong.
pub fn find(paths: &[PathBuf]) -> Result<Vec<Workspace>, String> {
    let mut found: BTreeMap<(Kind, PathBuf), Workspace> = BTreeMap::new();
    let mut add = |kind: Kind, shown: PathBuf, abs: PathBuf, scope: Option<PathBuf>| {
        let ws = found
            .entry((kind, abs.clone()))
            .or_insert_with(|| Workspace {
                kind,
                shown,
                abs,
                manifest: None,
                files: Vec::new(),
                scope: Some(Vec::new()),
                named: Vec::new(),
            });
        if let Some(s) = scope.as_ref().filter(|s| s.is_file()) {
            ws.named.push(s.clone());
        }
        match (scope, &mut ws.scope) {
            (Some(s), Some(scope)) => scope.push(s),
            (None, scope) => *scope = None,
            (Some(_), None) => {}
        }
    };
    for p in paths {
        let meta =
            std::fs::metadata(p).map_err(|e| format!("cannot read `{}`: {e}", p.display()))?;
        let abs = absolute(p);
        let dir_abs = if meta.is_dir() {
            abs.clone()
        } else {
            abs.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        let dir_shown = if meta.is_dir() {
            p.clone()
        } else {
            p.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        if let Some(root) = manifest_root(&dir_abs) {
            let shown = up_to(&dir_shown, &dir_abs, &root);
            let scope = (meta.is_file() || abs != root).then_some(abs);
            add(Kind::Manifest, shown, root, scope);
        } else if meta.is_file() {
            add(Kind::File, p.clone(), abs, None);
        } else {
            let mut below = Vec::new();
            manifests_below(&abs, &mut below);
            if below.is_empty() {
                add(Kind::Folder, p.clone(), abs.clone(), None);
            }
            for root in below {
                let rel = root.strip_prefix(&abs).unwrap_or(&root).to_path_buf();
                let shown: PathBuf = p
                    .join(rel)
                    .components()
                    .filter(|c| *c != Component::CurDir)
                    .collect();
                add(Kind::Manifest, shown, root, None);
            }
        }
    }
    let mut out: Vec<Workspace> = found.into_values().collect();
    // A loose file inside a folder also named is read with that folder.
    let folders: Vec<PathBuf> = out
        .iter()
        .filter(|w| w.kind == Kind::Folder)
        .map(|w| w.abs.clone())
        .collect();
    out.retain(|w| w.kind != Kind::File || !folders.iter().any(|f| w.abs.starts_with(f)));
    for ws in &mut out {
        match ws.kind {
            Kind::File => ws.files = vec![ws.shown.clone()],
            Kind::Folder => ws.files = collect_files(std::slice::from_ref(&ws.shown))?,
            Kind::Manifest => {
                ws.manifest = Manifest::read(&ws.abs)?;
                ws.files = collect_files(std::slice::from_ref(&ws.shown))?;
                // A file named on the command line is read even where the patterns exclude it.
                for named in &ws.named {
                    if !ws.files.iter().any(|f| absolute(f) == *named) {
                        ws.files.push(shown_below(&ws.shown, &ws.abs, named));
                    }
                }
                ws.files.sort();
            }
        }
    }
    out.sort_by(|a, b| a.shown.cmp(&b.shown));
    Ok(out)
}

/// The one workspace a command that compiles (`build`, `doc`, `serve`, `eval`, ...) runs on;
/// an error when `paths` name none or several.
pub fn find_one(paths: &[PathBuf], command: &str) -> Result<Workspace, String> {
    let mut all = find(paths)?;
    match all.len() {
        1 => Ok(all.remove(0)),
        0 => Err(format!("no workspace found for `edict {command}`")),
        n => {
            let names: Vec<String> = all.iter().map(|w| format!("`{}`", w.name())).collect();
            Err(format!(
                "`edict {command}` compiles one workspace, and the paths given hold {n}: {}; \
                 name one of them",
                names.join(", ")
            ))
        }
    }
}

/// The folders below `dir` holding an `edict.toml`, outermost first (a workspace's own
/// subfolders with another `edict.toml` are workspaces too, found through it).
fn manifests_below(dir: &Path, out: &mut Vec<PathBuf>) {
    if dir.join(MANIFEST).is_file() {
        out.push(dir.to_path_buf());
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            !name.starts_with('.') && name != "target"
        })
        .collect();
    dirs.sort();
    for d in dirs {
        manifests_below(&d, out);
    }
}

/// `root` (an ancestor of `abs`) written the way `shown` (the form of `abs` given) was: the
/// last components dropped, or `..` added where the given form has none left.
fn up_to(shown: &Path, abs: &Path, root: &Path) -> PathBuf {
    let levels = abs
        .components()
        .count()
        .saturating_sub(root.components().count());
    let mut parts: Vec<Component> = shown
        .components()
        .filter(|c| *c != Component::CurDir)
        .collect();
    let mut ups = 0;
    for _ in 0..levels {
        match parts.last() {
            Some(Component::Normal(_)) => {
                parts.pop();
            }
            _ => ups += 1,
        }
    }
    let mut out: PathBuf = parts.iter().collect();
    for _ in 0..ups {
        out.push("..");
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// `file` (absolute, below the workspace at `abs`) written below `shown`.
fn shown_below(shown: &Path, abs: &Path, file: &Path) -> PathBuf {
    match file.strip_prefix(abs) {
        Ok(rel) => shown.join(rel),
        Err(_) => file.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_root_is_written_as_its_descendant_was() {
        let up = |shown: &str, abs: &str, root: &str| {
            up_to(Path::new(shown), Path::new(abs), Path::new(root))
                .display()
                .to_string()
        };
        assert_eq!(
            up("policies/sub", "/r/policies/sub", "/r/policies"),
            "policies"
        );
        assert_eq!(up("policies", "/r/policies", "/r/policies"), "policies");
        assert_eq!(up("sub", "/r/p/sub", "/r/p"), ".");
        assert_eq!(up(".", "/r/p/sub", "/r/p"), "..");
        assert_eq!(up("", "/r/p/sub/deeper", "/r/p"), "../..");
        assert_eq!(up("/r/p/sub", "/r/p/sub", "/r/p"), "/r/p");
    }
}
