//! Request handlers: each answers one LSP request from a database snapshot.
//!
//! They run on worker threads; a salsa cancellation (an edit arrived) unwinds out of them
//! and the server answers `ContentModified`. A document the server does not know, or a
//! position outside it, gives an empty result, never an error that stops the client.

use std::collections::HashMap;
use std::fmt::Write as _;

use edict_compiler::lower::Lowerer;
use edict_compiler::Diagnostic;
use edict_grammar::Span;
use edict_ide::{self as ide, CompletionKind, LensCommand, SymbolKind, TokenClass};
use lsp_server::{ErrorCode, ResponseError};
use lsp_types as lsp;
use lsp_types::Url;
use serde::Deserialize;
use serde_json::Value;

use crate::convert::Snapshot;

pub type Result<T> = std::result::Result<T, ResponseError>;

pub fn error(code: ErrorCode, message: impl Into<String>) -> ResponseError {
    ResponseError {
        code: code as i32,
        message: message.into(),
        data: None,
    }
}

/// The file and byte offset of a document position, if both exist.
fn locate(
    snap: &Snapshot,
    doc: &lsp::TextDocumentPositionParams,
) -> Option<(edict_compiler::SourceFile, usize)> {
    let file = snap.file(&doc.text_document.uri)?;
    let offset = snap.index(file).offset(doc.position)?;
    Some((file, offset))
}

pub fn hover(snap: &Snapshot, p: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
    let Some((file, offset)) = locate(snap, &p.text_document_position_params) else {
        return Ok(None);
    };
    Ok(
        ide::hover(&snap.db, snap.ws, file, offset, snap.today).map(|h| lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: h.markdown,
            }),
            range: Some(snap.range(file, h.span)),
        }),
    )
}

pub fn definition(
    snap: &Snapshot,
    p: lsp::GotoDefinitionParams,
) -> Result<Option<lsp::GotoDefinitionResponse>> {
    let Some((file, offset)) = locate(snap, &p.text_document_position_params) else {
        return Ok(None);
    };
    let symbols = ide::file_symbols(&snap.db, snap.ws, file);
    let Some(occ) = symbols.at(offset) else {
        return Ok(None);
    };
    Ok(ide::definition(&snap.db, snap.ws, &occ.target)
        .and_then(|(f, span)| snap.location(f, span))
        .map(lsp::GotoDefinitionResponse::Scalar))
}

pub fn references(snap: &Snapshot, p: lsp::ReferenceParams) -> Result<Option<Vec<lsp::Location>>> {
    let Some((file, offset)) = locate(snap, &p.text_document_position) else {
        return Ok(None);
    };
    let symbols = ide::file_symbols(&snap.db, snap.ws, file);
    let Some(occ) = symbols.at(offset) else {
        return Ok(None);
    };
    let include_def = p.context.include_declaration;
    Ok(Some(
        ide::references(&snap.db, snap.ws, &occ.target)
            .into_iter()
            .filter(|(_, o)| include_def || !o.def)
            .filter_map(|(f, o)| snap.location(f, o.span))
            .collect(),
    ))
}

pub fn prepare_rename(
    snap: &Snapshot,
    p: lsp::TextDocumentPositionParams,
) -> Result<Option<lsp::PrepareRenameResponse>> {
    let Some((file, offset)) = locate(snap, &p) else {
        return Ok(None);
    };
    match ide::prepare_rename(&snap.db, snap.ws, file, offset) {
        Ok((span, _)) => Ok(Some(lsp::PrepareRenameResponse::Range(
            snap.range(file, span),
        ))),
        Err(e) => Err(error(ErrorCode::RequestFailed, e.to_string())),
    }
}

fn workspace_edit(snap: &Snapshot, edits: &[ide::Edit]) -> lsp::WorkspaceEdit {
    let mut changes: HashMap<Url, Vec<lsp::TextEdit>> = HashMap::new();
    for e in edits {
        if let Some(uri) = snap.uri(e.file.path(&snap.db)) {
            changes.entry(uri).or_default().push(lsp::TextEdit {
                range: snap.range(e.file, e.span),
                new_text: e.text.clone(),
            });
        }
    }
    lsp::WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    }
}

pub fn rename(snap: &Snapshot, p: lsp::RenameParams) -> Result<Option<lsp::WorkspaceEdit>> {
    let Some((file, offset)) = locate(snap, &p.text_document_position) else {
        return Ok(None);
    };
    match ide::rename(&snap.db, snap.ws, file, offset, &p.new_name) {
        Ok(edits) => Ok(Some(workspace_edit(snap, &edits))),
        Err(e) => Err(error(ErrorCode::RequestFailed, e.to_string())),
    }
}

pub fn completion(
    snap: &Snapshot,
    p: lsp::CompletionParams,
) -> Result<Option<lsp::CompletionResponse>> {
    let Some((file, offset)) = locate(snap, &p.text_document_position) else {
        return Ok(None);
    };
    // A space is a trigger character only for the places where a name is expected after one;
    // anywhere else a pop-up after every space would be noise (and, in a client that inserts
    // its first item, garble what is typed).
    let by_space = p.context.as_ref().is_some_and(|c| {
        c.trigger_kind == lsp::CompletionTriggerKind::TRIGGER_CHARACTER
            && c.trigger_character.as_deref() == Some(" ")
    });
    if by_space && !ide::expects_name_after_space(snap.text(file), offset) {
        return Ok(None);
    }
    let (word, items) = ide::complete(&snap.db, snap.ws, file, offset, snap.today);
    let range = snap.range(file, word);
    // The server's ranking holds in every client: each item says its place (`sortText`,
    // zero-padded), what it is filtered by, and the first is preselected.
    let width = items.len().to_string().len();
    let items = items
        .into_iter()
        .enumerate()
        .map(|(rank, i)| lsp::CompletionItem {
            sort_text: Some(format!("{rank:0width$}")),
            filter_text: Some(i.label.clone()),
            preselect: (rank == 0).then_some(true),
            kind: Some(match i.kind {
                CompletionKind::Keyword => lsp::CompletionItemKind::KEYWORD,
                CompletionKind::Snippet => lsp::CompletionItemKind::SNIPPET,
                CompletionKind::Param => lsp::CompletionItemKind::VARIABLE,
                CompletionKind::Field => lsp::CompletionItemKind::FIELD,
                CompletionKind::Set => lsp::CompletionItemKind::CONSTANT,
                CompletionKind::Entity => lsp::CompletionItemKind::VALUE,
                CompletionKind::Variant => lsp::CompletionItemKind::ENUM_MEMBER,
                CompletionKind::Type => lsp::CompletionItemKind::CLASS,
                CompletionKind::Decision => lsp::CompletionItemKind::FUNCTION,
                CompletionKind::Rule => lsp::CompletionItemKind::METHOD,
                CompletionKind::Source => lsp::CompletionItemKind::REFERENCE,
                CompletionKind::Value => lsp::CompletionItemKind::CONSTANT,
            }),
            detail: i.detail,
            insert_text_format: Some(if i.snippet {
                lsp::InsertTextFormat::SNIPPET
            } else {
                lsp::InsertTextFormat::PLAIN_TEXT
            }),
            text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
                range,
                new_text: i.insert.unwrap_or_else(|| i.label.clone()),
            })),
            label: i.label,
            ..Default::default()
        })
        .collect();
    Ok(Some(lsp::CompletionResponse::List(lsp::CompletionList {
        is_incomplete: false,
        items,
    })))
}

fn symbol_kind(k: SymbolKind) -> lsp::SymbolKind {
    match k {
        SymbolKind::Source => lsp::SymbolKind::NAMESPACE,
        SymbolKind::Enum => lsp::SymbolKind::ENUM,
        SymbolKind::EntityType => lsp::SymbolKind::CLASS,
        SymbolKind::Record => lsp::SymbolKind::STRUCT,
        SymbolKind::Catalogue => lsp::SymbolKind::MODULE,
        SymbolKind::Entity => lsp::SymbolKind::CONSTANT,
        SymbolKind::Set => lsp::SymbolKind::ARRAY,
        SymbolKind::Amendment => lsp::SymbolKind::EVENT,
        SymbolKind::Decision => lsp::SymbolKind::FUNCTION,
        SymbolKind::Rule => lsp::SymbolKind::METHOD,
        SymbolKind::Test => lsp::SymbolKind::METHOD,
        SymbolKind::Field => lsp::SymbolKind::FIELD,
        SymbolKind::Variant => lsp::SymbolKind::ENUM_MEMBER,
        SymbolKind::Param => lsp::SymbolKind::VARIABLE,
        SymbolKind::Value => lsp::SymbolKind::CONSTANT,
        SymbolKind::Labels => lsp::SymbolKind::NAMESPACE,
        SymbolKind::Label => lsp::SymbolKind::STRING,
    }
}

#[allow(deprecated)] // `deprecated` is a required field of the protocol's struct.
fn document_symbol(
    snap: &Snapshot,
    file: edict_compiler::SourceFile,
    s: ide::Symbol,
) -> lsp::DocumentSymbol {
    lsp::DocumentSymbol {
        name: s.name,
        detail: s.detail,
        kind: symbol_kind(s.kind),
        tags: None,
        deprecated: None,
        range: snap.range(file, s.span),
        selection_range: snap.range(file, s.selection),
        children: (!s.children.is_empty()).then(|| {
            s.children
                .into_iter()
                .map(|c| document_symbol(snap, file, c))
                .collect()
        }),
    }
}

pub fn document_symbols(
    snap: &Snapshot,
    p: lsp::DocumentSymbolParams,
) -> Result<Option<lsp::DocumentSymbolResponse>> {
    let Some(file) = snap.file(&p.text_document.uri) else {
        return Ok(None);
    };
    let symbols = ide::document_symbols(&snap.db, file)
        .into_iter()
        .map(|s| document_symbol(snap, file, s))
        .collect();
    Ok(Some(lsp::DocumentSymbolResponse::Nested(symbols)))
}

#[allow(deprecated)] // `deprecated` is a required field of the protocol's struct.
/// Symbols matching the query in every workspace the server holds, best first in each.
pub fn workspace_symbols(
    snaps: &[Snapshot],
    p: lsp::WorkspaceSymbolParams,
) -> Result<Option<lsp::WorkspaceSymbolResponse>> {
    let mut out = Vec::new();
    for snap in snaps {
        let found = ide::workspace_symbols(&snap.db, snap.ws, &p.query, 200);
        out.extend(found.into_iter().filter_map(|s| {
            Some(lsp::SymbolInformation {
                name: s.name,
                kind: symbol_kind(s.kind),
                tags: None,
                deprecated: None,
                location: snap.location(s.file, s.span)?,
                container_name: s.container,
            })
        }));
    }
    out.truncate(200);
    Ok(Some(lsp::WorkspaceSymbolResponse::Flat(out)))
}

/// The token types of the semantic-tokens legend, in the order their indexes refer to.
pub const TOKEN_TYPES: &[lsp::SemanticTokenType] = &[
    lsp::SemanticTokenType::KEYWORD,
    lsp::SemanticTokenType::COMMENT,
    lsp::SemanticTokenType::STRING,
    lsp::SemanticTokenType::NUMBER,
    lsp::SemanticTokenType::TYPE,
    lsp::SemanticTokenType::ENUM,
    lsp::SemanticTokenType::STRUCT,
    lsp::SemanticTokenType::CLASS,
    lsp::SemanticTokenType::ENUM_MEMBER,
    lsp::SemanticTokenType::VARIABLE,
    lsp::SemanticTokenType::PARAMETER,
    lsp::SemanticTokenType::PROPERTY,
    lsp::SemanticTokenType::FUNCTION,
    lsp::SemanticTokenType::METHOD,
    lsp::SemanticTokenType::NAMESPACE,
];

/// The modifiers of the legend: bit 0 `declaration`, bit 1 `documentation`, bit 2 `readonly`.
pub const TOKEN_MODIFIERS: &[lsp::SemanticTokenModifier] = &[
    lsp::SemanticTokenModifier::DECLARATION,
    lsp::SemanticTokenModifier::DOCUMENTATION,
    lsp::SemanticTokenModifier::READONLY,
];

fn token_class(c: TokenClass) -> (u32, u32) {
    match c {
        TokenClass::Keyword => (0, 0),
        TokenClass::Comment => (1, 0),
        TokenClass::DocComment => (1, 0b10),
        TokenClass::String => (2, 0),
        TokenClass::Number => (3, 0),
        TokenClass::Type => (4, 0),
        TokenClass::Enum => (5, 0),
        TokenClass::Struct => (6, 0),
        TokenClass::Class => (7, 0),
        TokenClass::EnumMember => (8, 0),
        TokenClass::Variable => (9, 0),
        TokenClass::Constant => (9, 0b100),
        TokenClass::Parameter => (10, 0),
        TokenClass::Property => (11, 0),
        TokenClass::Function => (12, 0),
        TokenClass::Method => (13, 0),
        TokenClass::Namespace => (14, 0),
    }
}

pub fn semantic_tokens(
    snap: &Snapshot,
    p: lsp::SemanticTokensParams,
) -> Result<Option<lsp::SemanticTokensResult>> {
    let Some(file) = snap.file(&p.text_document.uri) else {
        return Ok(None);
    };
    let index = snap.index(file);
    let mut data = Vec::new();
    let (mut line, mut col) = (0u32, 0u32);
    for h in ide::highlights(&snap.db, snap.ws, file) {
        let start = index.position(h.span.start as usize);
        let end = index.position(h.span.end as usize);
        if end.line != start.line || end.character <= start.character {
            continue; // tokens never span lines in Edict; skip anything odd
        }
        let (ty, mut modifiers) = token_class(h.class);
        if h.definition {
            modifiers |= 1;
        }
        let delta_line = start.line - line;
        let delta_start = if delta_line == 0 {
            start.character - col
        } else {
            start.character
        };
        data.push(lsp::SemanticToken {
            delta_line,
            delta_start,
            length: end.character - start.character,
            token_type: ty,
            token_modifiers_bitset: modifiers,
        });
        line = start.line;
        col = start.character;
    }
    Ok(Some(lsp::SemanticTokensResult::Tokens(
        lsp::SemanticTokens {
            result_id: None,
            data,
        },
    )))
}

fn span_of(snap: &Snapshot, file: edict_compiler::SourceFile, range: lsp::Range) -> Span {
    let index = snap.index(file);
    Span::new(
        index.offset_clamped(range.start),
        index.offset_clamped(range.end),
    )
}

pub fn code_actions(
    snap: &Snapshot,
    p: lsp::CodeActionParams,
) -> Result<Option<lsp::CodeActionResponse>> {
    let Some(file) = snap.file(&p.text_document.uri) else {
        return Ok(None);
    };
    let range = span_of(snap, file, p.range);
    let diags: Vec<Diagnostic> = edict_compiler::file_diagnostics(&snap.db, snap.ws, file)
        .iter()
        .cloned()
        .collect();
    let actions = ide::fixes(&snap.db, snap.ws, file, &diags, range)
        .into_iter()
        .map(|fix| {
            lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: fix.title,
                kind: Some(lsp::CodeActionKind::QUICKFIX),
                diagnostics: fix.diagnostic.map(|d| vec![snap.diagnostic(file, &d)]),
                edit: Some(workspace_edit(snap, &fix.edits)),
                is_preferred: Some(fix.preferred),
                ..Default::default()
            })
        })
        .collect();
    Ok(Some(actions))
}

pub fn inlay_hints(
    snap: &Snapshot,
    p: lsp::InlayHintParams,
) -> Result<Option<Vec<lsp::InlayHint>>> {
    let Some(file) = snap.file(&p.text_document.uri) else {
        return Ok(None);
    };
    let range = span_of(snap, file, p.range);
    let index = snap.index(file);
    Ok(Some(
        ide::inlay_hints(&snap.db, snap.ws, file, range, snap.today)
            .into_iter()
            .map(|h| lsp::InlayHint {
                position: index.position(h.offset),
                label: lsp::InlayHintLabel::String(h.label),
                kind: None,
                text_edits: None,
                tooltip: h.tooltip.map(lsp::InlayHintTooltip::String),
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
            .collect(),
    ))
}

/// The commands code lenses run through `workspace/executeCommand`.
pub const RUN_TESTS: &str = "edict.runTests";
pub const SHOW_TABLE: &str = "edict.showTable";

pub fn code_lenses(snap: &Snapshot, p: lsp::CodeLensParams) -> Result<Option<Vec<lsp::CodeLens>>> {
    let Some(file) = snap.file(&p.text_document.uri) else {
        return Ok(None);
    };
    Ok(Some(
        ide::code_lenses(&snap.db, snap.ws, file)
            .into_iter()
            .map(|l| {
                let uri = p.text_document.uri.as_str();
                let (command, argument) = match &l.command {
                    LensCommand::RunTests { decision } => (
                        RUN_TESTS,
                        serde_json::json!({ "decision": decision, "uri": uri }),
                    ),
                    LensCommand::RunTest { test } => {
                        (RUN_TESTS, serde_json::json!({ "test": test, "uri": uri }))
                    }
                    LensCommand::ShowTable { decision } => (
                        SHOW_TABLE,
                        serde_json::json!({ "decision": decision, "uri": uri }),
                    ),
                };
                lsp::CodeLens {
                    range: snap.range(file, l.span),
                    command: Some(lsp::Command {
                        title: l.title,
                        command: command.to_string(),
                        arguments: Some(vec![argument]),
                    }),
                    data: None,
                }
            })
            .collect(),
    ))
}

/// A command's argument. Its `uri` (the document whose lens it came from) is read by the
/// server to pick the workspace, before the handler runs.
#[derive(Deserialize)]
struct CommandArgs {
    decision: Option<String>,
    test: Option<String>,
}

/// The compiled workspace, or the errors that stop it from compiling, in Markdown.
fn engine(snap: &Snapshot) -> std::result::Result<edict_runtime::Engine, String> {
    let mut errors = Vec::new();
    for &file in snap.ws.files(&snap.db) {
        for d in edict_compiler::file_diagnostics(&snap.db, snap.ws, file).iter() {
            if d.is_error() {
                errors.push(format!(
                    "- `{}` {}: {}",
                    d.code.as_str(),
                    d.primary.file,
                    d.message
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(format!(
            "The policies do not compile yet:\n\n{}",
            errors.join("\n")
        ));
    }
    let artifact = match edict_compiler::compile(&snap.db, snap.ws).as_ref() {
        Ok(a) => a.clone(),
        Err(errs) => {
            let list: Vec<String> = errs
                .iter()
                .map(|e| format!("- {}: {}", e.file, e.message))
                .collect();
            return Err(format!(
                "The policies cannot be compiled into tables:\n\n{}",
                list.join("\n")
            ));
        }
    };
    edict_runtime::Engine::new(artifact)
        .map_err(|e| format!("The compiled tables are inconsistent: {e}"))
}

pub fn execute_command(snap: &Snapshot, p: lsp::ExecuteCommandParams) -> Result<Option<Value>> {
    let args: CommandArgs = p
        .arguments
        .first()
        .cloned()
        .map(serde_json::from_value)
        .transpose()
        .map_err(|e| {
            error(
                ErrorCode::InvalidParams,
                format!("bad arguments for `{}`: {e}", p.command),
            )
        })?
        .unwrap_or(CommandArgs {
            decision: None,
            test: None,
        });
    match p.command.as_str() {
        RUN_TESTS => {
            let engine = match engine(snap) {
                Ok(e) => e,
                Err(md) => {
                    return Ok(Some(
                        serde_json::json!({ "title": "Tests not run", "markdown": md, "passed": 0, "failed": 0 }),
                    ))
                }
            };
            let lowerer = Lowerer::new(&snap.db, snap.ws);
            let results: Vec<_> = edict_compiler::testing::run_tests(&lowerer, &engine)
                .into_iter()
                .filter(|r| args.decision.as_ref().is_none_or(|d| *d == r.decision))
                .filter(|r| args.test.as_ref().is_none_or(|t| *t == r.name))
                .collect();
            let passed = results.iter().filter(|r| r.passed()).count();
            let failed = results.len() - passed;
            let what = match (&args.test, &args.decision) {
                (Some(t), _) => format!("test `{t}`"),
                (None, Some(d)) => format!("tests of `{d}`"),
                (None, None) => "all tests".to_string(),
            };
            let mut md = format!("**{what}: {passed} passed, {failed} failed**\n");
            for r in &results {
                let mark = if r.passed() { "✓" } else { "✗" };
                let _ = write!(md, "\n- {mark} `{}` ({}:{})", r.name, r.file, r.line);
                for f in &r.failures {
                    let _ = write!(
                        md,
                        "\n  - {}: expected `{}`, got `{}`",
                        f.what, f.expected, f.actual
                    );
                }
            }
            if results.is_empty() {
                md.push_str("\nNo test matched.");
            }
            Ok(Some(
                serde_json::json!({ "title": format!("Edict: {what}"), "markdown": md, "passed": passed, "failed": failed }),
            ))
        }
        SHOW_TABLE => {
            let Some(decision) = args.decision else {
                return Err(error(
                    ErrorCode::InvalidParams,
                    "`edict.showTable` needs `{\"decision\": name}`",
                ));
            };
            let engine = match engine(snap) {
                Ok(e) => e,
                Err(md) => {
                    return Ok(Some(
                        serde_json::json!({ "title": "Table not drawn", "markdown": md }),
                    ))
                }
            };
            let Some(id) = engine.decision_id(&decision) else {
                return Err(error(
                    ErrorCode::InvalidParams,
                    format!("there is no decision `{decision}`"),
                ));
            };
            let today = snap.today.to_string();
            let grid = edict_runtime::table::grid(&engine, id, Some(&today))
                .map_err(|e| error(ErrorCode::RequestFailed, e))?;
            let md = edict_runtime::table::render(&grid, edict_runtime::table::TableFormat::Md);
            Ok(Some(
                serde_json::json!({ "title": format!("Edict: table of `{decision}` on {today}"), "markdown": md }),
            ))
        }
        other => Err(error(
            ErrorCode::InvalidRequest,
            format!("unknown command `{other}`"),
        )),
    }
}

pub fn formatting(
    snap: &Snapshot,
    p: lsp::DocumentFormattingParams,
    width: Option<usize>,
) -> Result<Option<Vec<lsp::TextEdit>>> {
    let Some(file) = snap.file(&p.text_document.uri) else {
        return Ok(None);
    };
    let text = snap.text(file);
    let options = edict_grammar::FormatOptions {
        width: width.unwrap_or(edict_grammar::FormatOptions::default().width),
    };
    match edict_grammar::format(text, options) {
        Ok(f) if f.text == text => Ok(Some(Vec::new())),
        Ok(f) => {
            let mut range = snap.range(file, Span::new(0, text.len()));
            // Without a final newline, the edit ends past the last line: Neovim then drops the
            // empty line the formatted text's final newline would leave (it keeps `eol`
            // itself), where an edit ending on the last line made it save `}\n\n`. VS Code
            // takes the end of the document.
            if !text.ends_with('\n') {
                range.end = lsp::Position {
                    line: range.end.line + 1,
                    character: 0,
                };
            }
            Ok(Some(vec![lsp::TextEdit {
                range,
                new_text: f.text,
            }]))
        }
        Err(e) => Err(error(ErrorCode::RequestFailed, e.to_string())),
    }
}
