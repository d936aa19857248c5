//! Editor features over the salsa database, in plain data with byte spans.
//!
//! The language server (`lsp/`) converts these to LSP types and positions; nothing here knows
//! about the protocol, so the features are tested and benchmarked without a client.

pub mod complete;
pub mod features;
pub mod hover;
pub mod lex;
pub mod resolve;
pub mod values;

pub use complete::{complete, expects_name_after_space, CompletionItem, CompletionKind};
pub use features::{
    code_lenses, document_symbols, fixes, highlights, inlay_hints, prepare_rename, rename,
    workspace_symbols, CodeLens, Edit, Fix, Highlight, InlayHint, LensCommand, RenameError, Symbol,
    SymbolKind, TokenClass, WorkspaceSymbol,
};
pub use hover::{hover, Hover};
pub use resolve::{definition, file_symbols, references, FileSymbols, Occurrence, Target};
