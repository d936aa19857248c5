//! Reloading when the policy changes on disk: the artifact file (replaced by `edict build`'s
//! atomic rename, so its folder is watched) or any `.edict` file or `edict.toml` under the
//! policy's paths. Changes are gathered for a moment, then one reload runs.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use notify::Watcher as _;

use crate::config::PolicySource;
use crate::state::Shared;

/// Changes this close together make one reload.
const SETTLE: Duration = Duration::from_millis(300);

/// Starts watching; the watcher lives as long as the returned value.
pub fn start(shared: Arc<Shared>) -> Result<notify::RecommendedWatcher, String> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let source = shared.config.source.clone();
    let wanted = source.clone();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        let Ok(ev) = res else { return };
        if !matches!(
            ev.kind,
            notify::EventKind::Create(_)
                | notify::EventKind::Modify(_)
                | notify::EventKind::Remove(_)
        ) {
            return;
        }
        if ev.paths.iter().any(|p| relevant(&wanted, p)) {
            let _ = tx.send(());
        }
    })
    .map_err(|e| format!("cannot watch the policy: {e}"))?;
    for (path, mode) in watched(&source) {
        watcher
            .watch(&path, mode)
            .map_err(|e| format!("cannot watch `{}`: {e}", path.display()))?;
    }
    tokio::spawn(async move {
        while rx.recv().await.is_some() {
            // Let a burst of writes (a `git checkout`, an editor's save) finish.
            tokio::time::sleep(SETTLE).await;
            while rx.try_recv().is_ok() {}
            let s = Arc::clone(&shared);
            let _ = tokio::task::spawn_blocking(move || s.reload()).await;
        }
    });
    Ok(watcher)
}

fn watched(source: &PolicySource) -> Vec<(PathBuf, notify::RecursiveMode)> {
    match source {
        PolicySource::Artifact(file) => {
            let dir = file
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            vec![(dir.to_path_buf(), notify::RecursiveMode::NonRecursive)]
        }
        // The workspace the paths name is watched whole (a file in a workspace is read with
        // it); a loose file through its folder: an editor's save renames a new file over it,
        // which would end a watch of the file itself.
        PolicySource::Paths(paths) => paths
            .iter()
            .map(|p| {
                let workspace =
                    edict_compiler::workspaces::find_one(std::slice::from_ref(p), "serve");
                match workspace {
                    Ok(w) if w.kind != edict_compiler::workspaces::Kind::File => {
                        (w.shown, notify::RecursiveMode::Recursive)
                    }
                    _ if p.is_dir() => (p.clone(), notify::RecursiveMode::Recursive),
                    _ => {
                        let dir = p
                            .parent()
                            .filter(|d| !d.as_os_str().is_empty())
                            .unwrap_or(Path::new("."));
                        (dir.to_path_buf(), notify::RecursiveMode::NonRecursive)
                    }
                }
            })
            .collect(),
    }
}

fn relevant(source: &PolicySource, changed: &Path) -> bool {
    match source {
        PolicySource::Artifact(file) => changed.file_name() == file.file_name(),
        PolicySource::Paths(_) => {
            changed.extension().and_then(|e| e.to_str()) == Some(edict_compiler::load::EXTENSION)
                || changed.file_name().and_then(|n| n.to_str())
                    == Some(edict_compiler::load::MANIFEST)
        }
    }
}
