//! Publishing diagnostics: each workspace's recomputed on a worker, the changed files first;
//! the events workers send back (diagnostics of a generation, files changed on disk).

use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use edict_compiler::load;
use lsp_server::Notification;
use lsp_types as lsp;
use lsp_types::notification::Notification as _;

use crate::convert::path_of;

use super::{Event, Job, Server};

impl Server {
    /// Recomputes a workspace's diagnostics on a worker: the files in `first` before all
    /// others.
    pub(super) fn publish(&mut self, root: usize, first: Vec<String>) {
        self.roots[root].generation += 1;
        let generation = self.roots[root].generation;
        let snap = self.snapshot(root);
        let events = self.events.clone();
        self.spawn(Box::new(move || {
            let _ = catch_unwind(AssertUnwindSafe(|| {
                let mut order: Vec<(String, edict_compiler::SourceFile)> = Vec::new();
                for p in &first {
                    if let Some(&f) = snap.paths.by_path.get(p) {
                        order.push((p.clone(), f));
                    }
                }
                let firsts: HashSet<&String> = first.iter().collect();
                let mut rest: Vec<(String, edict_compiler::SourceFile)> = snap
                    .paths
                    .by_path
                    .iter()
                    .filter(|(p, _)| !firsts.contains(p))
                    .map(|(p, f)| (p.clone(), *f))
                    .collect();
                rest.sort_by(|a, b| a.0.cmp(&b.0));
                order.extend(rest);
                for (path, file) in order {
                    let Some(uri) = snap.uri(&path) else { continue };
                    let diagnostics = snap.diagnostics(file);
                    if events
                        .send(Event::Diagnostics {
                            root,
                            generation,
                            uri,
                            diagnostics,
                        })
                        .is_err()
                    {
                        return;
                    }
                }
            }));
        }));
    }

    pub(super) fn publish_all(&mut self) {
        for root in 0..self.roots.len() {
            self.publish(root, Vec::new());
        }
    }

    pub(super) fn event(&mut self, ev: Event) {
        match ev {
            Event::Diagnostics {
                root,
                generation,
                uri,
                diagnostics,
            } => {
                if generation != self.roots[root].generation {
                    return;
                }
                // An open document always gets a first publication, even an empty one.
                let unchanged = match self.published.get(&uri) {
                    Some(old) => *old == diagnostics,
                    None => diagnostics.is_empty() && !self.open.contains_key(&path_of(&uri)),
                };
                if unchanged {
                    return;
                }
                let version = self.open.get(&path_of(&uri)).copied();
                self.published.insert(uri.clone(), diagnostics.clone());
                self.send(Notification::new(
                    lsp::notification::PublishDiagnostics::METHOD.into(),
                    lsp::PublishDiagnosticsParams {
                        uri,
                        diagnostics,
                        version,
                    },
                ));
            }
            Event::FilesChanged(mut paths) => {
                paths.sort();
                paths.dedup();
                let mut changed: Vec<(usize, String)> = Vec::new();
                for p in paths {
                    if p.ends_with(load::MANIFEST) {
                        // Its own workspace reads its patterns again, and so does every
                        // workspace around it (a new `edict.toml` takes its folder out of them).
                        let dir = std::path::Path::new(&p).parent().map(PathBuf::from);
                        let affected: Vec<usize> = (0..self.roots.len())
                            .filter(|&i| match (&self.roots[i].dir, &dir) {
                                (Some(r), Some(d)) => d.starts_with(r),
                                _ => false,
                            })
                            .collect();
                        for root in affected {
                            self.reload_manifest(root);
                        }
                        continue;
                    }
                    // Only files whose text really changed (an editor's own save is seen too).
                    let before = self.text_of(&p);
                    if let Some(root) = self.reload(&p) {
                        if self.text_of(&p) != before {
                            changed.push((root, p));
                        }
                    }
                }
                self.publish_changed(changed);
            }
        }
    }

    pub(super) fn publish_changed(&mut self, changed: Vec<(usize, String)>) {
        let mut by_root: Vec<(usize, Vec<String>)> = Vec::new();
        for (root, path) in changed {
            match by_root.iter_mut().find(|(r, _)| *r == root) {
                Some((_, paths)) => paths.push(path),
                None => by_root.push((root, vec![path])),
            }
        }
        for (root, paths) in by_root {
            self.publish(root, paths);
        }
    }

    pub(super) fn spawn(&self, job: Job) {
        let _ = self.jobs.send(job);
    }
}
