//! The whole-file diagnostics query and [`Analysis`], the handle tools hold on the database.
//! The diagnostics come by kind from the modules below: syntax, sets and amendments, unused
//! declarations, what decision tables cannot hold, and verification's findings.

use std::collections::BTreeMap;
use std::sync::Arc;

use edict_grammar::Span;
use salsa::Setter;

use crate::check::{check_file, ModelItem};
use crate::db::{Database, Db, SourceFile, Workspace};
use crate::diagnostic::{Code, Diagnostic};

mod labels;
mod sets;
mod syntax;
mod tables;
mod unused;
mod verify;

use sets::set_diagnostics;
use syntax::syntax_diagnostics;
use tables::table_diagnostics;
use unused::unused_diagnostics;

/// Every diagnostic of one file, sorted by position.
#[salsa::tracked(returns(ref))]
pub fn file_diagnostics(db: &dyn Db, ws: Workspace, file: SourceFile) -> Arc<Vec<Diagnostic>> {
    let mut all = syntax_diagnostics(db, file);
    all.extend(check_file(db, ws, file).diagnostics.iter().cloned());
    all.extend(set_diagnostics(db, ws, file));
    all.extend(unused_diagnostics(db, ws, file));
    if ws.lints(db).missing_labels {
        all.extend(labels::missing_labels(db, ws, file));
    }
    all.sort_by_key(Diagnostic::sort_key);
    all.dedup();
    Arc::new(all)
}

/// `E0006` for a file whose bytes are not UTF-8 from `offset` on.
pub fn utf8_diagnostic(path: &str, offset: usize) -> Diagnostic {
    Diagnostic::new(
        Code::E0006,
        path,
        Span::new(offset, offset + 1),
        "this file is not valid UTF-8",
    )
    .label("this byte does not start a UTF-8 character")
    .help("save the file as UTF-8; Edict reads text in UTF-8 only")
}

/// The workspace lowered into decision tables, memoized like every other query: the language
/// server's "Show table" and "Run tests" reuse it until an edit changes what it read.
#[salsa::tracked(returns(ref))]
pub fn compile(
    db: &dyn Db,
    ws: Workspace,
) -> Arc<Result<edict_runtime::Artifact, Vec<crate::lower::LowerError>>> {
    Arc::new(crate::lower::Lowerer::new(db, ws).lower())
}

/// The threads a new analysis checks with: `EDICT_CHECK_THREADS`, else the machine's cores.
fn default_threads() -> usize {
    std::env::var("EDICT_CHECK_THREADS")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        })
        .clamp(1, 8)
}

/// The rounds of a parallel check.
#[derive(Clone, Copy)]
enum Round {
    Declarations,
    Diagnostics,
}

/// What the other threads of a parallel lowering do, one piece at a time.
enum Lowering<'a> {
    Table(&'a String),
    Durations(SourceFile),
}

/// Workspaces of at least this many files are checked on several threads.
const PARALLEL_FILES: usize = 16;

/// The handle a tool holds: a database, a workspace and its files by path.
pub struct Analysis {
    db: Database,
    ws: Workspace,
    files: BTreeMap<String, SourceFile>,
    /// Files that were not valid UTF-8: the offset of the first bad byte.
    bad_utf8: BTreeMap<String, usize>,
    /// How many threads check the files (see [`Analysis::set_threads`]).
    threads: usize,
}

impl Default for Analysis {
    fn default() -> Self {
        Analysis::new(Database::default())
    }
}

impl Analysis {
    pub fn new(db: Database) -> Analysis {
        let ws = Workspace::new(&db, Vec::new(), crate::db::Lints::default());
        Analysis {
            db,
            ws,
            files: BTreeMap::new(),
            bad_utf8: BTreeMap::new(),
            threads: default_threads(),
        }
    }

    /// Sets how many threads check the files (at least 1, at most 8). The default is the
    /// machine's cores, or `EDICT_CHECK_THREADS` when set (`1`: one thread). The diagnostics
    /// are the same whatever the number.
    pub fn set_threads(&mut self, threads: usize) {
        self.threads = threads.clamp(1, 8);
    }

    pub fn db(&self) -> &Database {
        &self.db
    }

    pub fn workspace(&self) -> Workspace {
        self.ws
    }

    /// Turns the workspace's lints on or off (from its `edict.toml`).
    pub fn set_lints(&mut self, lints: crate::db::Lints) {
        if *self.ws.lints(&self.db) != lints {
            self.ws.set_lints(&mut self.db).to(lints);
        }
    }

    /// Adds or replaces a file's text.
    pub fn set_file(&mut self, path: &str, text: String) {
        self.bad_utf8.remove(path);
        match self.files.get(path) {
            Some(&file) => {
                if file.text(&self.db) != &text {
                    // The parse of the text being replaced, for the new parse to reuse the
                    // items the edit did not touch.
                    let previous = crate::db::Previous {
                        text: file.text(&self.db).clone(),
                        parsed: Arc::clone(crate::syntax::parse_file(&self.db, file)),
                    };
                    file.set_previous(&mut self.db).to(Some(Arc::new(previous)));
                    file.set_text(&mut self.db).to(text);
                }
            }
            None => {
                let file = SourceFile::new(&self.db, path.to_string(), text, None);
                self.files.insert(path.to_string(), file);
                let list: Vec<SourceFile> = self.files.values().copied().collect();
                self.ws.set_files(&mut self.db).to(list);
            }
        }
    }

    /// Adds a file read from disk; bytes that are not UTF-8 give an `E0006` diagnostic.
    pub fn set_file_bytes(&mut self, path: &str, bytes: Vec<u8>) {
        match String::from_utf8(bytes) {
            Ok(text) => self.set_file(path, text),
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                self.set_file(path, text);
                self.bad_utf8.insert(path.to_string(), offset);
            }
        }
    }

    pub fn remove_file(&mut self, path: &str) {
        if self.files.remove(path).is_some() {
            let list: Vec<SourceFile> = self.files.values().copied().collect();
            self.ws.set_files(&mut self.db).to(list);
        }
    }

    pub fn file(&self, path: &str) -> Option<SourceFile> {
        self.files.get(path).copied()
    }

    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Every `labels` entry of the workspace: the words readers see for declared names.
    pub fn labels(&self) -> crate::labels::Labels {
        crate::labels::workspace_labels(&self.db, self.ws)
            .as_ref()
            .clone()
    }

    /// The text of every file, for renderers.
    pub fn sources(&self) -> BTreeMap<String, String> {
        self.files
            .iter()
            .map(|(p, f)| (p.clone(), f.text(&self.db).clone()))
            .collect()
    }

    /// The diagnostics of one file.
    pub fn file_diagnostics(&self, path: &str) -> Vec<Diagnostic> {
        let Some(&file) = self.files.get(path) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if let Some(&offset) = self.bad_utf8.get(path) {
            out.push(utf8_diagnostic(path, offset));
        }
        out.extend(file_diagnostics(&self.db, self.ws, file).iter().cloned());
        out
    }

    /// The diagnostics of every file: the syntax errors of every file first (a name error is
    /// often their consequence), then the others, each group in path order.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.warm_in_parallel();
        let mut all: Vec<Diagnostic> = self
            .files
            .keys()
            .flat_map(|p| self.file_diagnostics(p))
            .collect();
        all.sort_by_key(|d| !d.code.is_syntax());
        all
    }

    /// Runs every file's diagnostics query on the machine's cores before they are read in
    /// order: each thread holds a clone of the database (salsa runs each query once; a thread
    /// that needs a result another is computing waits for it) and takes the next file not yet
    /// taken, the longest first, so that the threads finish together. Parsing and checking the
    /// files, and the workspace-wide queries they share, spread over the cores. Results that
    /// are already memoized cost a lookup, so an incremental re-check redoes only what the
    /// edit changed. Small workspaces stay on one thread: starting threads would cost more.
    fn warm_in_parallel(&self) {
        let threads = self.threads;
        if threads < 2 || self.files.len() < PARALLEL_FILES {
            return;
        }
        let mut files: Vec<SourceFile> = self.files.values().copied().collect();
        files.sort_by_key(|f| std::cmp::Reverse(f.text(&self.db).len()));
        // Two rounds: first each file's own queries (parsing and its declarations, which the
        // workspace index reads from every file: left to the first file's check, one thread
        // would parse them all while the others wait), then each file's diagnostics.
        for round in [Round::Declarations, Round::Diagnostics] {
            let ws = self.ws;
            self.deal_out(
                threads,
                &files,
                |db, &file| match round {
                    Round::Declarations => {
                        crate::decls::file_decls(db, file);
                        crate::decls::file_refs(db, file);
                    }
                    Round::Diagnostics => {
                        file_diagnostics(db, ws, file);
                    }
                },
                || (),
            );
        }
    }

    /// The workspace lowered into tables (`compile`), on the machine's cores: while this
    /// thread runs `compile` (the catalogue, the sets and the sources first, then each
    /// decision's table in name order, then each file's lengths of time as written), the
    /// other threads lower decisions' tables from the other end, in reverse name order, so
    /// that `compile` meets them in the middle instead of waiting behind them at every
    /// decision; then they collect the files' lengths of time. A table another thread is
    /// lowering is waited for, never lowered twice, and `compile` records every table as its
    /// dependency, whichever thread lowered it. Small workspaces stay on one thread, as in
    /// [`Analysis::warm_in_parallel`].
    fn compiled(&self) -> &Arc<Result<edict_runtime::Artifact, Vec<crate::lower::LowerError>>> {
        let threads = self.threads;
        if threads < 2 || self.files.len() < PARALLEL_FILES {
            return compile(&self.db, self.ws);
        }
        let sites = crate::lower::decision_sites(&self.db, self.ws);
        let work: Vec<Lowering> = (sites.decisions.keys().rev().map(Lowering::Table))
            .chain(self.files.values().map(|&f| Lowering::Durations(f)))
            .collect();
        let ws = self.ws;
        self.deal_out(
            threads - 1,
            &work,
            |db, piece| match *piece {
                Lowering::Table(name) => {
                    crate::lower::decision_table(db, ws, name.clone());
                }
                Lowering::Durations(file) => {
                    crate::lower::file_durations(db, file);
                }
            },
            || compile(&self.db, ws),
        )
    }

    /// Runs `run` on every piece of `work` on `helpers` threads, each holding a clone of the
    /// database and taking the next piece not yet taken, while this thread runs `meanwhile`;
    /// returns what `meanwhile` returns once every piece is done.
    fn deal_out<T: Sync, R>(
        &self,
        helpers: usize,
        work: &[T],
        run: impl Fn(&Database, &T) + Sync,
        meanwhile: impl FnOnce() -> R,
    ) -> R {
        let next = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..helpers {
                let db = self.db.clone();
                let (next, run) = (&next, &run);
                scope.spawn(move || {
                    while let Some(piece) =
                        work.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
                    {
                        run(&db, piece);
                    }
                });
            }
            meanwhile()
        })
    }

    /// The checked model of one file.
    pub fn model(&self, path: &str) -> Vec<ModelItem> {
        match self.files.get(path) {
            Some(&file) => check_file(&self.db, self.ws, file).model.clone(),
            None => Vec::new(),
        }
    }

    /// Compiles the workspace into an artifact, or returns the diagnostics that prevent it
    /// (any error of `check`, or a construct the tables cannot represent: `E0601`).
    pub fn build(&self) -> Result<edict_runtime::Artifact, Vec<Diagnostic>> {
        let diags = self.diagnostics();
        if diags.iter().any(Diagnostic::is_error) {
            return Err(diags);
        }
        let compiled: &Result<_, _> = self.compiled();
        compiled.clone().map_err(table_diagnostics)
    }

    /// Everything `edict check` reports: the diagnostics of every file and, when none is an
    /// error, what the decision tables cannot represent (`E0601`), so that a workspace `check`
    /// accepts also builds, and `test` and the runtime can answer every well-typed request.
    pub fn check(&self) -> Vec<Diagnostic> {
        let mut diags = self.diagnostics();
        if !diags.iter().any(Diagnostic::is_error) {
            if let Err(errors) = self.compiled().as_ref() {
                diags.extend(table_diagnostics(errors.clone()));
            }
        }
        diags
    }

    /// A lowerer over the current workspace (for tests, the interpreter and `edict test`).
    pub fn lowerer(&self) -> crate::lower::Lowerer<'_> {
        crate::lower::Lowerer::new(&self.db, self.ws)
    }
}
