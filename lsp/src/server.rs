//! The main loop: owns the database, applies edits, hands requests to workers on snapshots.
//!
//! Edits are applied on this thread. Setting a file's text makes salsa cancel every query
//! running on an older snapshot (the worker unwinds with `salsa::Cancelled` and the request
//! is answered `ContentModified`) and wait for those snapshots to be dropped. Diagnostics
//! are computed by a worker too, the edited file first, then every other file of the
//! workspace; results of a superseded generation are dropped, so nothing stale is published.
//!
//! The server holds several workspaces apart, each with its own database: the folders holding
//! an `edict.toml` found in the client's folders, and those of files opened elsewhere
//! (`edict_compiler::load` states the rule). A request runs on the workspace of its document.

use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;

use crossbeam_channel::{select, unbounded, Receiver, Sender};
use edict_compiler::load;
use jiff::civil::Date;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::Url;

use crate::convert::{path_of, Snapshot};
use crate::handlers;
use crate::position::{Encoding, LineIndex};

mod roots;

use roots::Root;

/// A unit of work for the worker threads.
type Job = Box<dyn FnOnce() + Send>;

/// Messages from workers back to the main loop.
enum Event {
    Diagnostics {
        root: usize,
        generation: u64,
        uri: Url,
        diagnostics: Vec<lsp::Diagnostic>,
    },
    /// Policy files changed on disk, seen by the server's own watcher.
    FilesChanged(Vec<String>),
}

struct Server {
    sender: Sender<Message>,
    /// The workspaces, each apart from the others.
    roots: Vec<Root>,
    /// Paths of the documents the client has open, with their versions.
    open: HashMap<String, i32>,
    encoding: Encoding,
    today: Today,
    /// The client's workspace folders (or `rootUri`), where workspaces are looked for.
    folders: Vec<PathBuf>,
    /// The server's own watch of the workspaces, when the client cannot watch files for it.
    watcher: Option<notify::RecommendedWatcher>,
    jobs: Sender<Job>,
    events: Sender<Event>,
    /// The cancel flag of each request running on a worker: whoever sets it first answers.
    running: HashMap<RequestId, Arc<AtomicBool>>,
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
        let today = match options
            .and_then(|o| o.get("today"))
            .and_then(|t| t.as_str())
            .and_then(|t| t.parse::<Date>().ok())
        {
            Some(day) => Today::Fixed(day),
            None => Today::Clock(today_utc),
        };
        #[allow(deprecated)] // `root_uri` is still what many clients send.
        let mut folders: Vec<PathBuf> = init
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| f.uri.to_file_path().ok())
            .collect();
        #[allow(deprecated)]
        if folders.is_empty() {
            if let Some(p) = init.root_uri.as_ref().and_then(|u| u.to_file_path().ok()) {
                folders.push(p);
            }
        }
        let can_watch = init
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        Server {
            sender,
            roots: Vec::new(),
            open: HashMap::new(),
            encoding: if offers_utf8 {
                Encoding::Utf8
            } else {
                Encoding::Utf16
            },
            today,
            folders,
            jobs,
            events,
            running: HashMap::new(),
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

    /// An informational line in the client's log of the server.
    fn info(&self, message: &str) {
        self.send(Notification::new(
            lsp::notification::LogMessage::METHOD.into(),
            lsp::LogMessageParams {
                typ: lsp::MessageType::INFO,
                message: message.to_string(),
            },
        ));
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

    fn snapshot(&self, root: usize) -> Snapshot {
        let r = &self.roots[root];
        Snapshot {
            db: r.analysis.db().clone(),
            ws: r.analysis.workspace(),
            paths: Arc::clone(&r.paths),
            bad_utf8: Arc::clone(&r.bad_utf8),
            encoding: self.encoding,
            today: self.today.date(),
        }
    }

    // ----- diagnostics -----

    /// Recomputes a workspace's diagnostics on a worker: the files in `first` before all
    /// others.
    fn publish(&mut self, root: usize, first: Vec<String>) {
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

    fn publish_all(&mut self) {
        for root in 0..self.roots.len() {
            self.publish(root, Vec::new());
        }
    }

    fn event(&mut self, ev: Event) {
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

    fn publish_changed(&mut self, changed: Vec<(usize, String)>) {
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
                let all: Vec<usize> = (0..self.roots.len()).collect();
                self.run_on::<r::WorkspaceSymbolRequest>(req, all, handlers::workspace_symbols)
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
                let root = self.root_of_request(&req.params);
                let width = self.roots[root].manifest.as_ref().and_then(|m| m.width);
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

    /// The workspace a request is about: that of its document (`textDocument.uri`, or the
    /// `uri` of a command's argument), else the first one.
    fn root_of_request(&mut self, params: &serde_json::Value) -> usize {
        let uri = params
            .pointer("/textDocument/uri")
            .or_else(|| params.pointer("/arguments/0/uri"))
            .and_then(|u| u.as_str())
            .and_then(|u| Url::parse(u).ok());
        if let Some(uri) = uri {
            let path = path_of(&uri);
            if let Some(i) = self.roots.iter().position(|r| r.holds(&path)) {
                return i;
            }
        }
        if self.roots.is_empty() {
            self.roots.push(Root::new(None, None));
        }
        0
    }

    /// Runs a handler on a worker, on a snapshot of the request's workspace.
    fn run<R>(
        &mut self,
        req: Request,
        handler: impl FnOnce(&Snapshot, R::Params) -> handlers::Result<R::Result> + Send + 'static,
    ) where
        R: lsp::request::Request,
        R::Params: Send + 'static,
    {
        let root = self.root_of_request(&req.params);
        self.run_on::<R>(req, vec![root], move |snaps, p| handler(&snaps[0], p));
    }

    /// Runs a handler on a worker, on snapshots of the given workspaces; answers once,
    /// whatever happens.
    fn run_on<R>(
        &mut self,
        req: Request,
        roots: Vec<usize>,
        handler: impl FnOnce(&[Snapshot], R::Params) -> handlers::Result<R::Result> + Send + 'static,
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
        let snaps: Vec<Snapshot> = roots.into_iter().map(|r| self.snapshot(r)).collect();
        let sender = self.sender.clone();
        let id = req.id;
        self.spawn(Box::new(move || {
            if answered.load(Ordering::Relaxed) {
                return; // cancelled before it started
            }
            let outcome = catch_unwind(AssertUnwindSafe(|| handler(&snaps, params)));
            drop(snaps);
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
                    let root = self.root_for(&path, Some(&p.text_document.uri));
                    self.set_text(
                        root,
                        &path,
                        p.text_document.text,
                        Some(&p.text_document.uri),
                    );
                    self.publish(root, vec![path]);
                }
            }
            nt::DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidChangeTextDocumentParams>(n.params)
                {
                    let path = path_of(&p.text_document.uri);
                    let held = self.roots.iter().position(|r| r.holds(&path));
                    let (Some(root), Some(mut text)) = (held, self.text_of(&path)) else {
                        self.log(&format!(
                            "a change to `{path}`, which is not open, was ignored"
                        ));
                        return false;
                    };
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
                    self.set_text(root, &path, text, Some(&p.text_document.uri));
                    self.publish(root, vec![path]);
                }
            }
            nt::DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidCloseTextDocumentParams>(n.params) {
                    let path = path_of(&p.text_document.uri);
                    self.open.remove(&path);
                    let held = self.roots.iter().position(|r| r.holds(&path));
                    if let Some(root) = held {
                        let on_disk = p.text_document.uri.scheme() == "file"
                            && std::path::Path::new(&path).exists();
                        // A file read from disk stays if its workspace has it; a document
                        // that is not (or no longer) one of its files goes.
                        let belongs = on_disk
                            && self.roots[root].dir.as_ref().is_some_and(|d| {
                                load::belongs_to(
                                    d,
                                    self.roots[root].manifest.as_ref(),
                                    std::path::Path::new(&path),
                                )
                            });
                        if belongs {
                            self.reload(&path);
                        } else {
                            self.remove(root, &path);
                        }
                        self.publish(root, vec![path]);
                    }
                }
            }
            nt::DidChangeWatchedFiles::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidChangeWatchedFilesParams>(n.params)
                {
                    let paths: Vec<String> = p
                        .changes
                        .iter()
                        .map(|c| path_of(&c.uri))
                        .filter(|p| p.ends_with(".edict") || p.ends_with(load::MANIFEST))
                        .collect();
                    self.event(Event::FilesChanged(paths));
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
                watchers: vec![
                    lsp::FileSystemWatcher {
                        glob_pattern: lsp::GlobPattern::String("**/*.edict".into()),
                        kind: None,
                    },
                    lsp::FileSystemWatcher {
                        glob_pattern: lsp::GlobPattern::String("**/edict.toml".into()),
                        kind: None,
                    },
                ],
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

/// The day hover, inlay hints, completion and tables show: the client's `today`, else the
/// clock's, read for each request (a server left running past midnight shows the new day).
#[derive(Clone, Copy)]
enum Today {
    Fixed(Date),
    Clock(fn() -> Date),
}

impl Today {
    fn date(self) -> Date {
        match self {
            Today::Fixed(day) => day,
            Today::Clock(clock) => clock(),
        }
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

#[cfg(test)]
mod today_tests {
    use std::sync::atomic::{AtomicI64, Ordering};

    use super::*;

    static DAY: AtomicI64 = AtomicI64::new(20_400);

    fn clock() -> Date {
        edict_runtime::value::days_to_date(DAY.load(Ordering::Relaxed)).unwrap_or_default()
    }

    /// Without a `today` from the client, each snapshot reads the clock: after midnight the
    /// server shows the new day (it used to keep the day it started on).
    #[test]
    fn the_day_follows_the_clock_past_midnight() {
        let today = Today::Clock(clock);
        let first = today.date();
        DAY.fetch_add(1, Ordering::Relaxed);
        assert_eq!(today.date(), first.tomorrow().unwrap());
        let fixed = Today::Fixed(first);
        DAY.fetch_add(1, Ordering::Relaxed);
        assert_eq!(fixed.date(), first);
    }
}
