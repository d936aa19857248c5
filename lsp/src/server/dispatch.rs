//! Dispatch: each request and notification from the client, to the main loop's own handling
//! (documents opened, changed, closed) or to a worker on a snapshot of its workspace.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use edict_compiler::load;
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::Url;

use crate::convert::{path_of, Snapshot};
use crate::handlers;
use crate::position::LineIndex;

use super::roots::Root;
use super::{Event, Server};

impl Server {
    /// Handles one message; `true` when the server should stop.
    pub(super) fn handle(&mut self, msg: Message) -> bool {
        match msg {
            Message::Request(req) => self.request(req),
            Message::Notification(n) => return self.notification(n),
            Message::Response(_) => {}
        }
        false
    }

    pub(super) fn request(&mut self, req: Request) {
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
    pub(super) fn root_of_request(&mut self, params: &serde_json::Value) -> usize {
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
    pub(super) fn run<R>(
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
    pub(super) fn run_on<R>(
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

    pub(super) fn notification(&mut self, n: Notification) -> bool {
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
}
