//! The workspaces the server holds: finding them, reading their files, watching the disk.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use edict_compiler::load::{self, Manifest};
use edict_compiler::Analysis;
use lsp_server::Notification;
use lsp_types as lsp;
use lsp_types::notification::Notification as _;
use lsp_types::Url;

use super::{Event, Server};
use crate::convert::Paths;

/// One workspace: its folder, its settings, and its own database of files.
pub(super) struct Root {
    /// The workspace folder; `None` for documents that are not files on disk (`untitled:`)
    /// and for a file outside every workspace.
    pub(super) dir: Option<PathBuf>,
    /// The file, for a file outside every workspace (checked on its own).
    pub(super) loose: Option<PathBuf>,
    /// Its `edict.toml`, when it has one.
    pub(super) manifest: Option<Manifest>,
    pub(super) analysis: Analysis,
    pub(super) paths: Arc<Paths>,
    pub(super) bad_utf8: Arc<HashMap<String, usize>>,
    /// Bumped by every publication; results of older ones are dropped.
    pub(super) generation: u64,
}

impl Root {
    pub(super) fn new(dir: Option<PathBuf>, manifest: Option<Manifest>) -> Root {
        let mut analysis = Analysis::default();
        analysis.set_lints(manifest.as_ref().map(|m| m.lints).unwrap_or_default());
        Root {
            dir,
            loose: None,
            manifest,
            analysis,
            paths: Arc::default(),
            bad_utf8: Arc::default(),
            generation: 0,
        }
    }

    pub(super) fn holds(&self, path: &str) -> bool {
        self.paths.by_path.contains_key(path)
    }
}

impl Server {
    // ----- workspaces and files -----

    /// Reads the workspaces found in the client's folders.
    pub(super) fn load_roots(&mut self) {
        let dirs: Vec<PathBuf> = self
            .folders
            .iter()
            .flat_map(|f| load::workspaces_in(f))
            .collect();
        for dir in dirs {
            self.add_root(dir);
        }
    }

    /// Adds the workspace at `dir` (unless held already) and reads its files.
    pub(super) fn add_root(&mut self, dir: PathBuf) -> usize {
        if let Some(i) = self.roots.iter().position(|r| r.dir.as_ref() == Some(&dir)) {
            return i;
        }
        let manifest = match Manifest::read(&dir) {
            Ok(m) => m,
            Err(e) => {
                self.log(&format!("{e}; the workspace is read without its patterns"));
                None
            }
        };
        self.info(&format!("workspace: {}", dir.display()));
        self.roots.push(Root::new(Some(dir.clone()), manifest));
        let root = self.roots.len() - 1;
        let files = load::collect_files(std::slice::from_ref(&dir)).unwrap_or_default();
        for f in files {
            let p = f.display().to_string();
            // An open document stays where it was opened, and a file another workspace holds
            // is not read twice (its diagnostics would then come from two databases).
            if self.open.contains_key(&p) || self.roots.iter().any(|r| r.holds(&p)) {
                continue;
            }
            if let Ok(bytes) = std::fs::read(&f) {
                self.set_bytes(root, &p, bytes);
            }
        }
        // The server's own watch covers every workspace (the first may come only now, with
        // the first document opened).
        if !self.can_watch {
            self.watcher = None;
            self.watch_disk();
        }
        root
    }

    /// The workspace a document belongs to, added if the server does not hold it yet: the
    /// nearest folder with an `edict.toml`; else a held workspace without one around it (a
    /// client folder with no `edict.toml` anywhere); else the document alone (a test fixture
    /// opened from a repository is not read with its folder), as `edict check FILE` reads it.
    /// Documents that are not files share one workspace of their own.
    pub(super) fn root_for(&mut self, path: &str, uri: Option<&Url>) -> usize {
        if let Some(i) = self.roots.iter().position(|r| r.holds(path)) {
            return i;
        }
        if uri.is_some_and(|u| u.scheme() != "file") {
            return match self
                .roots
                .iter()
                .position(|r| r.dir.is_none() && r.loose.is_none())
            {
                Some(i) => i,
                None => {
                    self.roots.push(Root::new(None, None));
                    self.roots.len() - 1
                }
            };
        }
        let file = PathBuf::from(path);
        if let Some(dir) = load::manifest_root(&file) {
            return self.add_root(dir);
        }
        let around = self
            .roots
            .iter()
            .enumerate()
            .filter(|(_, r)| r.manifest.is_none())
            .filter_map(|(i, r)| Some((i, r.dir.as_ref()?)))
            .filter(|(_, d)| file.starts_with(d))
            .max_by_key(|(_, d)| d.components().count())
            .map(|(i, _)| i);
        match around {
            Some(i) => i,
            None => {
                self.info(&format!(
                    "{} is in no workspace (no `edict.toml` above it): it is checked on its own",
                    file.display()
                ));
                let mut root = Root::new(None, None);
                root.loose = Some(file);
                self.roots.push(root);
                self.roots.len() - 1
            }
        }
    }

    /// The held workspace a file on disk that no workspace holds yet belongs to, if any.
    pub(super) fn root_admitting(&self, path: &str) -> Option<usize> {
        let file = PathBuf::from(path);
        self.roots
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Some((i, r.dir.as_ref()?, r.manifest.as_ref())))
            .filter(|(_, d, m)| load::belongs_to(d, *m, &file))
            .max_by_key(|(_, d, _)| d.components().count())
            .map(|(i, _, _)| i)
    }

    pub(super) fn set_bytes(&mut self, root: usize, path: &str, bytes: Vec<u8>) {
        match String::from_utf8(bytes) {
            Ok(text) => self.set_text(root, path, text, None),
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                self.set_text(root, path, text, None);
                Arc::make_mut(&mut self.roots[root].bad_utf8).insert(path.to_string(), offset);
            }
        }
    }

    /// Sets a file's text (cancelling requests on older snapshots) and records its path.
    pub(super) fn set_text(&mut self, root: usize, path: &str, text: String, uri: Option<&Url>) {
        let r = &mut self.roots[root];
        if r.bad_utf8.contains_key(path) {
            Arc::make_mut(&mut r.bad_utf8).remove(path);
        }
        r.analysis.set_file(path, text);
        if !r.paths.by_path.contains_key(path) || uri.is_some_and(|u| u.scheme() != "file") {
            let file = r.analysis.file(path);
            let paths = Arc::make_mut(&mut r.paths);
            if let Some(f) = file {
                paths.by_path.insert(path.to_string(), f);
            }
            if let Some(u) = uri.filter(|u| u.scheme() != "file") {
                paths.uri_of.insert(path.to_string(), u.clone());
            }
        }
    }

    pub(super) fn remove(&mut self, root: usize, path: &str) {
        let r = &mut self.roots[root];
        r.analysis.remove_file(path);
        let paths = Arc::make_mut(&mut r.paths);
        paths.by_path.remove(path);
        let uri = paths.uri_of.remove(path);
        if let Some(uri) = uri.or_else(|| Url::from_file_path(path).ok()) {
            self.published.remove(&uri);
            self.send(Notification::new(
                lsp::notification::PublishDiagnostics::METHOD.into(),
                lsp::PublishDiagnosticsParams {
                    uri,
                    diagnostics: Vec::new(),
                    version: None,
                },
            ));
        }
    }

    /// Reads a file that is not open (again) from disk, or forgets it when it is gone; a new
    /// file joins the workspace it belongs to, if the server holds it. Returns the workspace.
    pub(super) fn reload(&mut self, path: &str) -> Option<usize> {
        let held = self.roots.iter().position(|r| r.holds(path));
        if self.open.contains_key(path) {
            return held;
        }
        match std::fs::read(path) {
            Ok(bytes) => {
                let root = held.or_else(|| self.root_admitting(path))?;
                self.set_bytes(root, path, bytes);
                Some(root)
            }
            Err(_) => {
                let root = held?;
                self.remove(root, path);
                Some(root)
            }
        }
    }

    /// Reads a workspace's `edict.toml` again after it changed: files it now admits are read,
    /// files it no longer admits (and that are not open) are dropped.
    pub(super) fn reload_manifest(&mut self, root: usize) {
        let Some(dir) = self.roots[root].dir.clone() else {
            return;
        };
        match Manifest::read(&dir) {
            Ok(m) => {
                let lints = m.as_ref().map(|m| m.lints).unwrap_or_default();
                self.roots[root].analysis.set_lints(lints);
                self.roots[root].manifest = m;
            }
            Err(e) => {
                self.log(&format!("{e}; the previous settings are kept"));
                return;
            }
        }
        let files: HashSet<String> = load::collect_files(std::slice::from_ref(&dir))
            .unwrap_or_default()
            .iter()
            .map(|f| f.display().to_string())
            .collect();
        let held: Vec<String> = self.roots[root].paths.by_path.keys().cloned().collect();
        for p in held {
            if !files.contains(&p) && !self.open.contains_key(&p) {
                self.remove(root, &p);
            }
        }
        for p in files {
            if !self.roots[root].holds(&p) {
                if let Ok(bytes) = std::fs::read(&p) {
                    self.set_bytes(root, &p, bytes);
                }
            }
        }
        self.publish(root, Vec::new());
    }

    pub(super) fn text_of(&self, path: &str) -> Option<String> {
        self.roots.iter().find_map(|r| {
            r.analysis
                .file(path)
                .map(|f| f.text(r.analysis.db()).clone())
        })
    }

    /// Publishes the workspaces of changed files, those files first.
    /// Watches the workspaces for changed policy files itself when the client cannot (Neovim on
    /// Linux offers no dynamic registration of file watchers): a file changed by `git
    /// checkout` or `sed` is read again and the diagnostics follow.
    pub(super) fn watch_disk(&mut self) {
        use notify::Watcher as _;
        let dirs: Vec<PathBuf> = self.roots.iter().filter_map(|r| r.dir.clone()).collect();
        if self.can_watch || dirs.is_empty() {
            return;
        }
        let events = self.events.clone();
        let handler = move |res: notify::Result<notify::Event>| {
            let Ok(ev) = res else { return };
            // Reading a file is an event too (inotify's close-after-read): only writes,
            // creations, removals and renames change what the server knows.
            if !matches!(
                ev.kind,
                notify::EventKind::Create(_)
                    | notify::EventKind::Modify(_)
                    | notify::EventKind::Remove(_)
            ) {
                return;
            }
            let paths: Vec<String> = ev
                .paths
                .iter()
                .filter(|p| {
                    p.extension().and_then(|e| e.to_str()) == Some(load::EXTENSION)
                        || p.file_name().and_then(|n| n.to_str()) == Some(load::MANIFEST)
                })
                .map(|p| p.display().to_string())
                .collect();
            if !paths.is_empty() {
                let _ = events.send(Event::FilesChanged(paths));
            }
        };
        match notify::recommended_watcher(handler) {
            Ok(mut watcher) => {
                for dir in &dirs {
                    if let Err(e) = watcher.watch(dir, notify::RecursiveMode::Recursive) {
                        self.log(&format!("cannot watch {}: {e}", dir.display()));
                    }
                }
                self.watcher = Some(watcher);
            }
            Err(e) => self.log(&format!("cannot watch files: {e}")),
        }
    }
}
