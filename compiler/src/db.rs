//! The salsa database shared by the CLI and the language server: inputs and the query graph.
//!
//! Inputs: each [`SourceFile`]'s path and text (and its text before the last edit, with that
//! text's parse, which the parse of the new text reuses item by item), and the [`Workspace`]
//! (the list of files).
//! Everything else is a tracked query returning plain `PartialEq` data, so that an edit
//! re-runs only what depends on it and stops where a result comes out unchanged:
//!
//! ```text
//! parse_file(file) ─┬─ file_decls(file) ── workspace_index(ws) ─┬─ check_file(ws, file)
//!                   │                       set_timelines(ws) ───┤
//!                   └─ file_refs(file) ──── used_names(ws) ──────┴─ file_diagnostics(ws, file)
//!
//! parse_file, workspace_index, set_timelines ── decision_table(ws, name) ── compile(ws)
//! ```
//!
//! `file_decls` and `file_refs` hold no spans, so editing the body of a rule leaves them equal
//! and no other file is checked again.

use std::sync::{Arc, Mutex};

/// One `.edict` file: its path (as shown in diagnostics) and its text.
#[salsa::input(debug)]
pub struct SourceFile {
    #[returns(ref)]
    pub path: String,
    #[returns(ref)]
    pub text: String,
    /// The text before the last edit and its parse, for the parse of the new text to take
    /// the items the edit did not touch (see [`crate::syntax::parse_file`]).
    #[returns(ref)]
    pub previous: Option<Arc<Previous>>,
}

/// A file's text before its last edit, and the parse of that text.
pub struct Previous {
    pub text: String,
    pub parsed: Arc<edict_grammar::ParsedFile>,
}

impl std::fmt::Debug for Previous {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Previous")
            .field("bytes", &self.text.len())
            .field("items", &self.parsed.items.len())
            .finish()
    }
}

/// A directory of policy files is one workspace: declarations are visible across its files.
#[salsa::input(debug)]
pub struct Workspace {
    #[returns(ref)]
    pub files: Vec<SourceFile>,
    pub lints: Lints,
}

/// The lints a workspace turns on in its `edict.toml` (`[lints]`); each is off by default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Lints {
    /// `missing_labels = "warn"`: W0505 where the published site would show a name without
    /// a label in English and Chinese.
    pub missing_labels: bool,
}

/// The database trait queries are written against.
#[salsa::db]
pub trait Db: salsa::Database {}

#[salsa::db]
impl Db for Database {}

/// The concrete database. Cloning gives a snapshot that can run queries on another thread.
#[salsa::db]
#[derive(Clone)]
pub struct Database {
    storage: salsa::Storage<Self>,
    log: Option<Arc<Mutex<Vec<String>>>>,
}

impl Default for Database {
    fn default() -> Self {
        Database {
            storage: salsa::Storage::new(None),
            log: None,
        }
    }
}

#[salsa::db]
impl salsa::Database for Database {}

impl Database {
    /// A database that records the name of every query it executes (for incrementality tests).
    pub fn with_execution_log() -> Database {
        let log: Arc<Mutex<Vec<String>>> = Arc::default();
        let sink = Arc::clone(&log);
        let storage = salsa::Storage::new(Some(Box::new(move |event: salsa::Event| {
            if let salsa::EventKind::WillExecute { database_key } = event.kind {
                if let Ok(mut log) = sink.lock() {
                    log.push(format!("{database_key:?}"));
                }
            }
        })));
        Database {
            storage,
            log: Some(log),
        }
    }

    /// The queries executed since the last call, oldest first.
    pub fn take_execution_log(&self) -> Vec<String> {
        match &self.log {
            Some(log) => log
                .lock()
                .map(|mut l| std::mem::take(&mut *l))
                .unwrap_or_default(),
            None => Vec::new(),
        }
    }
}
