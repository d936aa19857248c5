//! The main loop: owns the database, applies edits, hands requests to workers on snapshots.
//!
//! Edits are applied on this thread. Setting a file's text makes salsa cancel every query
//! running on an older snapshot (the worker unwinds with `salsa::Cancelled` and the request
//! is answered `ContentModified`) and wait for those snapshots to be dropped. Diagnostics
//! are computed by a worker too, the edited file first, then every other file of the
//! workspace; results of a superseded generation are dropped, so nothing stale is published.

use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;

use crossbeam_channel::{select, unbounded, Receiver, Sender};
use edict_compiler::Analysis;
use jiff::civil::Date;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::Url;

use crate::convert::{path_of, Paths, Snapshot};
use crate::handlers;
use crate::position::{Encoding, LineIndex};

/// A unit of work for the worker threads.
type Job = Box<dyn FnOnce() + Send>;

/// Messages from workers back to the main loop.
enum Event {
    Diagnostics {
        generation: u64,
        uri: Url,
        diagnostics: Vec<lsp::Diagnostic>,
    },
    /// Policy files changed on disk, seen by the server's own watcher.
    FilesChanged(Vec<String>),
}

struct Server {
    sender: Sender<Message>,
    analysis: Analysis,
    paths: Arc<Paths>,
    bad_utf8: Arc<HashMap<String, usize>>,
    /// Paths of the documents the client has open, with their versions.
    open: HashMap<String, i32>,
    encoding: Encoding,
    today: Date,
    roots: Vec<PathBuf>,
    /// The server's own watch of the roots, when the client cannot watch files for it.
    watcher: Option<notify::RecommendedWatcher>,
    format_width: Option<usize>,
    jobs: Sender<Job>,
    events: Sender<Event>,
    /// The cancel flag of each request running on a worker: whoever sets it first answers.
    running: HashMap<RequestId, Arc<AtomicBool>>,
    generation: u64,
    /// What was last published for each URI, to publish only changes.
    published: HashMap<Url, Vec<lsp::Diagnostic>>,
    shutting_down: bool,
    /// Can the client watch files for us (dynamic registration of `didChangeWatchedFiles`)?
    can_watch: bool,
    next_request: i32,
}

/// Serves one client on `connection` until `exit` (or until the client goes away).
pub fn run(connection: Connection) -> Result<(), String> {
    let (jobs, job_queue) = unbounded::<Job>();
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let queue: Receiver<Job> = job_queue.clone();
            thread::spawn(move || {
                for job in queue {
                    job();
                }
            })
        })
        .collect();
    let (events, event_queue) = unbounded::<Event>();
    let result = serve(&connection, jobs, events, &event_queue);
    // Dropping the server closed the job queue; the workers finish what they hold.
    for w in workers {
        let _ = w.join();
    }
    result
}

fn serve(
    connection: &Connection,
    jobs: Sender<Job>,
    events: Sender<Event>,
    event_queue: &Receiver<Event>,
) -> Result<(), String> {
    // The handshake: answer everything but `initialize` with `ServerNotInitialized`.
    let (id, params) = loop {
        match connection.receiver.recv() {
            Ok(Message::Request(req)) if req.method == lsp::request::Initialize::METHOD => {
                break (req.id, req.params)
            }
            Ok(Message::Request(req)) => {
                let _ = connection.sender.send(
                    Response::new_err(
                        req.id,
                        ErrorCode::ServerNotInitialized as i32,
                        "the server is not initialized yet: send `initialize` first".into(),
                    )
                    .into(),
                );
            }
            Ok(Message::Notification(n)) if n.method == "exit" => return Ok(()),
            Ok(_) => {}
            Err(_) => return Ok(()),
        }
    };
    let init: lsp::InitializeParams = match serde_json::from_value(params) {
        Ok(p) => p,
        Err(e) => {
            let _ = connection.sender.send(
                Response::new_err(
                    id,
                    ErrorCode::InvalidParams as i32,
                    format!("bad `initialize` parameters: {e}"),
                )
                .into(),
            );
            return Err(format!("bad initialize parameters: {e}"));
        }
    };
    let mut server = Server::new(connection.sender.clone(), jobs, events, &init);
    let result = lsp::InitializeResult {
        capabilities: server.capabilities(),
        server_info: Some(lsp::ServerInfo {
            name: "edict".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    let _ = connection.sender.send(Response::new_ok(id, result).into());
    server.load_roots();
    server.watch_disk();
    server.publish_all();
    loop {
        select! {
            recv(connection.receiver) -> msg => {
                let Ok(msg) = msg else { return Ok(()) };
                let exit = catch_unwind(AssertUnwindSafe(|| server.handle(msg)));
                match exit {
                    Ok(true) => return Ok(()),
                    Ok(false) => {}
                    // A bug while handling one message: keep serving the others.
                    Err(_) => server.log("internal error while handling a message; see stderr"),
                }
            }
            recv(event_queue) -> ev => {
                if let Ok(ev) = ev {
                    server.event(ev);
                }
            }
        }
    }
}

impl Server {
    fn new(
        sender: Sender<Message>,
        jobs: Sender<Job>,
        events: Sender<Event>,
        init: &lsp::InitializeParams,
    ) -> Server {
        let offers_utf8 = init
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|encs| encs.contains(&lsp::PositionEncodingKind::UTF8));
        let options = init.initialization_options.as_ref();
        let today = options
            .and_then(|o| o.get("today"))
            .and_then(|t| t.as_str())
            .and_then(|t| t.parse::<Date>().ok())
            .unwrap_or_else(today_utc);
        #[allow(deprecated)] // `root_uri` is still what many clients send.
        let mut roots: Vec<PathBuf> = init
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| f.uri.to_file_path().ok())
            .collect();
        #[allow(deprecated)]
        if roots.is_empty() {
            if let Some(p) = init.root_uri.as_ref().and_then(|u| u.to_file_path().ok()) {
                roots.push(p);
            }
        }
        let can_watch = init
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        let format_width = roots
            .iter()
            .find_map(|r| edict_compiler::load::format_width(r).ok().flatten());
        Server {
            sender,
            analysis: Analysis::default(),
            paths: Arc::default(),
            bad_utf8: Arc::default(),
            open: HashMap::new(),
            encoding: if offers_utf8 {
                Encoding::Utf8
            } else {
                Encoding::Utf16
            },
            today,
            roots,
            format_width,
            jobs,
            events,
            running: HashMap::new(),
            generation: 0,
            published: HashMap::new(),
            shutting_down: false,
            can_watch,
            next_request: 0,
            watcher: None,
        }
    }

    fn capabilities(&self) -> lsp::ServerCapabilities {
        lsp::ServerCapabilities {
            position_encoding: Some(match self.encoding {
                Encoding::Utf8 => lsp::PositionEncodingKind::UTF8,
                Encoding::Utf16 => lsp::PositionEncodingKind::UTF16,
            }),
            text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
                lsp::TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                    save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
                    ..Default::default()
                },
            )),
            hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
            definition_provider: Some(lsp::OneOf::Left(true)),
            references_provider: Some(lsp::OneOf::Left(true)),
            rename_provider: Some(lsp::OneOf::Right(lsp::RenameOptions {
                prepare_provider: Some(true),
                work_done_progress_options: Default::default(),
            })),
            completion_provider: Some(lsp::CompletionOptions {
                trigger_characters: Some(vec![".".into(), ":".into(), " ".into()]),
                ..Default::default()
            }),
            document_symbol_provider: Some(lsp::OneOf::Left(true)),
            workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
            semantic_tokens_provider: Some(
                lsp::SemanticTokensServerCapabilities::SemanticTokensOptions(
                    lsp::SemanticTokensOptions {
                        legend: lsp::SemanticTokensLegend {
                            token_types: handlers::TOKEN_TYPES.to_vec(),
                            token_modifiers: handlers::TOKEN_MODIFIERS.to_vec(),
                        },
                        full: Some(lsp::SemanticTokensFullOptions::Bool(true)),
                        range: None,
                        work_done_progress_options: Default::default(),
                    },
                ),
            ),
            code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
                lsp::CodeActionOptions {
                    code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
                    ..Default::default()
                },
            )),
            inlay_hint_provider: Some(lsp::OneOf::Left(true)),
            code_lens_provider: Some(lsp::CodeLensOptions {
                resolve_provider: Some(false),
            }),
            execute_command_provider: Some(lsp::ExecuteCommandOptions {
                commands: vec![handlers::RUN_TESTS.into(), handlers::SHOW_TABLE.into()],
                work_done_progress_options: Default::default(),
            }),
            document_formatting_provider: Some(lsp::OneOf::Left(true)),
            ..Default::default()
        }
    }

    fn send(&self, msg: impl Into<Message>) {
        // A closed channel means the client is gone; the loop ends at the next receive.
        let _ = self.sender.send(msg.into());
    }

    fn log(&self, message: &str) {
        self.send(Notification::new(
            lsp::notification::LogMessage::METHOD.into(),
            lsp::LogMessageParams {
                typ: lsp::MessageType::WARNING,
                message: message.to_string(),
            },
        ));
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            db: self.analysis.db().clone(),
            ws: self.analysis.workspace(),
            paths: Arc::clone(&self.paths),
            bad_utf8: Arc::clone(&self.bad_utf8),
            encoding: self.encoding,
            today: self.today,
        }
    }

    // ----- files -----

    fn load_roots(&mut self) {
        let files = edict_compiler::load::collect_files(&self.roots).unwrap_or_default();
        for path in files {
            if let Ok(bytes) = std::fs::read(&path) {
                self.set_bytes(&path.display().to_string(), bytes);
            }
        }
    }

    /// A file opened outside every root (the client found no `edict.toml` or `.git` above it,
    /// so it gave no root) brings its workspace: the nearest folder above it holding an
    /// `edict.toml`, else its own folder. Its other files are read, so names declared beside
    /// it resolve.
    fn adopt_workspace_of(&mut self, path: &str) {
        let file = PathBuf::from(path);
        if self.roots.iter().any(|r| file.starts_with(r)) {
            return;
        }
        let Some(folder) = file.parent() else { return };
        let root = folder
            .ancestors()
            .find(|d| d.join("edict.toml").is_file())
            .unwrap_or(folder)
            .to_path_buf();
        self.log(&format!("workspace of {path}: {}", root.display()));
        let files =
            edict_compiler::load::collect_files(std::slice::from_ref(&root)).unwrap_or_default();
        for f in files {
            let p = f.display().to_string();
            if self.open.contains_key(&p) {
                continue;
            }
            if let Ok(bytes) = std::fs::read(&f) {
                self.set_bytes(&p, bytes);
            }
        }
        self.roots.push(root);
        if self.watcher.is_some() || !self.can_watch {
            self.watcher = None;
            self.watch_disk();
        }
    }

    fn set_bytes(&mut self, path: &str, bytes: Vec<u8>) {
        match String::from_utf8(bytes) {
            Ok(text) => self.set_text(path, text, None),
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                self.set_text(path, text, None);
                Arc::make_mut(&mut self.bad_utf8).insert(path.to_string(), offset);
            }
        }
    }

    /// Sets a file's text (cancelling requests on older snapshots) and records its path.
    fn set_text(&mut self, path: &str, text: String, uri: Option<&Url>) {
        if self.bad_utf8.contains_key(path) {
            Arc::make_mut(&mut self.bad_utf8).remove(path);
        }
        self.analysis.set_file(path, text);
        if !self.paths.by_path.contains_key(path) || uri.is_some_and(|u| u.scheme() != "file") {
            let file = self.analysis.file(path);
            let paths = Arc::make_mut(&mut self.paths);
            if let Some(f) = file {
                paths.by_path.insert(path.to_string(), f);
            }
            if let Some(u) = uri.filter(|u| u.scheme() != "file") {
                paths.uri_of.insert(path.to_string(), u.clone());
            }
        }
    }

    fn remove(&mut self, path: &str) {
        self.analysis.remove_file(path);
        let paths = Arc::make_mut(&mut self.paths);
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

    /// Reads a file that is not open (again) from disk, or forgets it when it is gone.
    fn reload(&mut self, path: &str) {
        if self.open.contains_key(path) {
            return;
        }
        match std::fs::read(path) {
            Ok(bytes) => self.set_bytes(path, bytes),
            Err(_) => {
                if self.paths.by_path.contains_key(path) {
                    self.remove(path);
                }
            }
        }
    }

    // ----- diagnostics -----

    /// Recomputes diagnostics on a worker: the files in `first` before all others.
    fn publish(&mut self, first: Vec<String>) {
        self.generation += 1;
        let generation = self.generation;
        let snap = self.snapshot();
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

    fn publish_all(&mut self) {
        self.publish(Vec::new());
    }

    fn event(&mut self, ev: Event) {
        match ev {
            Event::Diagnostics {
                generation,
                uri,
                diagnostics,
            } => {
                if generation != self.generation {
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
                // Only files whose text really changed (an editor's own save is seen too).
                let before: Vec<Option<String>> = paths
                    .iter()
                    .map(|p| {
                        self.analysis
                            .file(p)
                            .map(|f| f.text(self.analysis.db()).clone())
                    })
                    .collect();
                for p in &paths {
                    self.reload(p);
                }
                let changed: Vec<String> = paths
                    .into_iter()
                    .zip(before)
                    .filter(|(p, old)| {
                        self.analysis
                            .file(p)
                            .map(|f| f.text(self.analysis.db()).clone())
                            != *old
                    })
                    .map(|(p, _)| p)
                    .collect();
                if !changed.is_empty() {
                    self.publish(changed);
                }
            }
        }
    }

    /// Watches the roots for changed policy files itself when the client cannot (Neovim on
    /// Linux offers no dynamic registration of file watchers): a file changed by `git
    /// checkout` or `sed` is read again and the diagnostics follow.
    fn watch_disk(&mut self) {
        use notify::Watcher as _;
        if self.can_watch || self.roots.is_empty() {
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
                    p.extension().and_then(|e| e.to_str()) == Some(edict_compiler::load::EXTENSION)
                })
                .map(|p| p.display().to_string())
                .collect();
            if !paths.is_empty() {
                let _ = events.send(Event::FilesChanged(paths));
            }
        };
        match notify::recommended_watcher(handler) {
            Ok(mut watcher) => {
                for root in &self.roots {
                    if let Err(e) = watcher.watch(root, notify::RecursiveMode::Recursive) {
                        self.log(&format!("cannot watch {}: {e}", root.display()));
                    }
                }
                self.watcher = Some(watcher);
            }
            Err(e) => self.log(&format!("cannot watch files: {e}")),
        }
    }

    fn spawn(&self, job: Job) {
        let _ = self.jobs.send(job);
    }

    // ----- messages -----

    /// Handles one message; `true` when the server should stop.
    fn handle(&mut self, msg: Message) -> bool {
        match msg {
            Message::Request(req) => self.request(req),
            Message::Notification(n) => return self.notification(n),
            Message::Response(_) => {}
        }
        false
    }

    fn request(&mut self, req: Request) {
        use lsp::request as r;
        if self.shutting_down {
            self.send(Response::new_err(
                req.id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".into(),
            ));
            return;
        }
        match req.method.as_str() {
            r::Shutdown::METHOD => {
                self.shutting_down = true;
                self.send(Response::new_ok(req.id, ()));
            }
            r::Initialize::METHOD => {
                self.send(Response::new_err(
                    req.id,
                    ErrorCode::InvalidRequest as i32,
                    "the server is already initialized".into(),
                ));
            }
            r::HoverRequest::METHOD => self.run::<r::HoverRequest>(req, handlers::hover),
            r::GotoDefinition::METHOD => self.run::<r::GotoDefinition>(req, handlers::definition),
            r::References::METHOD => self.run::<r::References>(req, handlers::references),
            r::PrepareRenameRequest::METHOD => {
                self.run::<r::PrepareRenameRequest>(req, handlers::prepare_rename)
            }
            r::Rename::METHOD => self.run::<r::Rename>(req, handlers::rename),
            r::Completion::METHOD => self.run::<r::Completion>(req, handlers::completion),
            r::DocumentSymbolRequest::METHOD => {
                self.run::<r::DocumentSymbolRequest>(req, handlers::document_symbols)
            }
            r::WorkspaceSymbolRequest::METHOD => {
                self.run::<r::WorkspaceSymbolRequest>(req, handlers::workspace_symbols)
            }
            r::SemanticTokensFullRequest::METHOD => {
                self.run::<r::SemanticTokensFullRequest>(req, handlers::semantic_tokens)
            }
            r::CodeActionRequest::METHOD => {
                self.run::<r::CodeActionRequest>(req, handlers::code_actions)
            }
            r::InlayHintRequest::METHOD => {
                self.run::<r::InlayHintRequest>(req, handlers::inlay_hints)
            }
            r::CodeLensRequest::METHOD => {
                self.run::<r::CodeLensRequest>(req, handlers::code_lenses)
            }
            r::ExecuteCommand::METHOD => {
                self.run::<r::ExecuteCommand>(req, handlers::execute_command)
            }
            r::Formatting::METHOD => {
                let width = self.format_width;
                self.run::<r::Formatting>(req, move |snap, p| handlers::formatting(snap, p, width));
            }
            _ => self.send(Response::new_err(
                req.id,
                ErrorCode::MethodNotFound as i32,
                format!(
                    "`{}` is not supported by the Edict language server",
                    req.method
                ),
            )),
        }
    }

    /// Runs a handler on a worker, on a snapshot; answers once, whatever happens.
    fn run<R>(
        &mut self,
        req: Request,
        handler: impl FnOnce(&Snapshot, R::Params) -> handlers::Result<R::Result> + Send + 'static,
    ) where
        R: lsp::request::Request,
        R::Params: Send + 'static,
    {
        let params: R::Params = match serde_json::from_value(req.params) {
            Ok(p) => p,
            Err(e) => {
                self.send(Response::new_err(
                    req.id,
                    ErrorCode::InvalidParams as i32,
                    format!("bad parameters for `{}`: {e}", req.method),
                ));
                return;
            }
        };
        let answered = Arc::new(AtomicBool::new(false));
        self.running.retain(|_, flag| !flag.load(Ordering::Relaxed));
        self.running.insert(req.id.clone(), Arc::clone(&answered));
        let snap = self.snapshot();
        let sender = self.sender.clone();
        let id = req.id;
        self.spawn(Box::new(move || {
            if answered.load(Ordering::Relaxed) {
                return; // cancelled before it started
            }
            let outcome = catch_unwind(AssertUnwindSafe(|| handler(&snap, params)));
            drop(snap);
            let response = match outcome {
                Ok(Ok(result)) => Response::new_ok(id, result),
                Ok(Err(e)) => Response {
                    id,
                    response_result: Err(e),
                },
                Err(payload) if payload.is::<salsa::Cancelled>() => Response::new_err(
                    id,
                    ErrorCode::ContentModified as i32,
                    "the document changed while this was computed; ask again".into(),
                ),
                Err(payload) => {
                    let why = payload
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    Response::new_err(
                        id,
                        ErrorCode::InternalError as i32,
                        format!("internal error: {why}"),
                    )
                }
            };
            if !answered.swap(true, Ordering::AcqRel) {
                let _ = sender.send(response.into());
            }
        }));
    }

    fn notification(&mut self, n: Notification) -> bool {
        use lsp::notification as nt;
        match n.method.as_str() {
            nt::Exit::METHOD => return true,
            nt::Initialized::METHOD => self.watch_files(),
            nt::Cancel::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::CancelParams>(n.params) {
                    let id: RequestId = match p.id {
                        lsp::NumberOrString::Number(n) => n.into(),
                        lsp::NumberOrString::String(s) => s.into(),
                    };
                    if let Some(flag) = self.running.remove(&id) {
                        if !flag.swap(true, Ordering::AcqRel) {
                            self.send(Response::new_err(
                                id,
                                ErrorCode::RequestCanceled as i32,
                                "cancelled".into(),
                            ));
                        }
                    }
                }
            }
            nt::DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidOpenTextDocumentParams>(n.params) {
                    let path = path_of(&p.text_document.uri);
                    self.open.insert(path.clone(), p.text_document.version);
                    self.set_text(&path, p.text_document.text, Some(&p.text_document.uri));
                    self.adopt_workspace_of(&path);
                    self.publish(vec![path]);
                }
            }
            nt::DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidChangeTextDocumentParams>(n.params)
                {
                    let path = path_of(&p.text_document.uri);
                    let Some(file) = self.analysis.file(&path) else {
                        self.log(&format!(
                            "a change to `{path}`, which is not open, was ignored"
                        ));
                        return false;
                    };
                    let mut text = file.text(self.analysis.db()).clone();
                    for change in p.content_changes {
                        match change.range {
                            Some(range) => {
                                let index = LineIndex::new(&text, self.encoding);
                                let start = index.offset_clamped(range.start);
                                let end = index.offset_clamped(range.end).max(start);
                                text.replace_range(start..end, &change.text);
                            }
                            None => text = change.text,
                        }
                    }
                    self.open.insert(path.clone(), p.text_document.version);
                    self.set_text(&path, text, Some(&p.text_document.uri));
                    self.publish(vec![path]);
                }
            }
            nt::DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidCloseTextDocumentParams>(n.params) {
                    let path = path_of(&p.text_document.uri);
                    self.open.remove(&path);
                    if p.text_document.uri.scheme() == "file"
                        && std::path::Path::new(&path).exists()
                    {
                        self.reload(&path);
                    } else if self.paths.by_path.contains_key(&path) {
                        self.remove(&path);
                    }
                    self.publish(vec![path]);
                }
            }
            nt::DidChangeWatchedFiles::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidChangeWatchedFilesParams>(n.params)
                {
                    let mut changed = Vec::new();
                    for c in p.changes {
                        let path = path_of(&c.uri);
                        if path.ends_with(".edict") {
                            self.reload(&path);
                            changed.push(path);
                        }
                    }
                    self.publish(changed);
                }
            }
            _ => {} // other notifications (didSave, setTrace, ...) need nothing
        }
        false
    }

    /// Asks the client to tell us when `.edict` files change on disk, if it can.
    fn watch_files(&mut self) {
        if !self.can_watch {
            return;
        }
        self.next_request += 1;
        let registration = lsp::Registration {
            id: "edict-watch".into(),
            method: lsp::notification::DidChangeWatchedFiles::METHOD.into(),
            register_options: serde_json::to_value(lsp::DidChangeWatchedFilesRegistrationOptions {
                watchers: vec![lsp::FileSystemWatcher {
                    glob_pattern: lsp::GlobPattern::String("**/*.edict".into()),
                    kind: None,
                }],
            })
            .ok(),
        };
        self.send(Request::new(
            format!("edict-{}", self.next_request).into(),
            lsp::request::RegisterCapability::METHOD.into(),
            lsp::RegistrationParams {
                registrations: vec![registration],
            },
        ));
    }
}

/// Today's date in UTC, from the system clock.
fn today_utc() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    edict_runtime::value::days_to_date(days).unwrap_or_default()
}
