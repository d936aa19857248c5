//! What the server offers the client (`initialize`'s capabilities), and the file watchers it
//! asks a client that can watch files to register.

use lsp_server::Request;
use lsp_types as lsp;
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;

use crate::handlers;
use crate::position::Encoding;

use super::Server;

impl Server {
    pub(super) fn capabilities(&self) -> lsp::ServerCapabilities {
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

    /// Asks the client to tell us when `.edict` files change on disk, if it can.
    pub(super) fn watch_files(&mut self) {
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
