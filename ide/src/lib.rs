//! Editor features over the salsa database, in plain data with byte spans.
//!
//! The language server (`lsp/`) converts these to LSP types and positions; nothing here knows
//! about the protocol, so the features are tested and benchmarked without a client.

pub mod complete;
pub mod fixes;
pub mod highlights;
pub mod hover;
pub mod inlay;
pub mod lenses;
pub mod lex;
pub mod rename;
pub mod resolve;
pub mod symbols;
pub mod values;

pub use complete::{complete, expects_name_after_space, CompletionItem, CompletionKind};
pub use fixes::{fixes, Edit, Fix};
pub use highlights::{highlights, Highlight, TokenClass};
pub use hover::{hover, Hover};
pub use inlay::{inlay_hints, InlayHint};
pub use lenses::{code_lenses, CodeLens, LensCommand};
pub use rename::{prepare_rename, rename, RenameError};
pub use resolve::{definition, file_symbols, references, FileSymbols, Occurrence, Target};
pub use symbols::{document_symbols, workspace_symbols, Symbol, SymbolKind, WorkspaceSymbol};
