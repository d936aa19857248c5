//! Edict's syntax: the pest grammar, a parser that recovers at item level, and the syntax tree.
//!
//! Entry point: [`parse`], which never fails; see [`ParsedFile::errors`].

pub mod broken;
mod chunk;
pub mod format;
pub mod limits;
mod parser;
pub mod print;
mod shift;
pub mod syntax;

pub use chunk::ITEM_KEYWORDS;
pub use format::{format, FormatOptions, Formatted, Unsound};
pub use parser::{parse, parse_reusing, unescape};
pub use syntax::*;

/// Words that can never be names (they would make expressions ambiguous).
pub const RESERVED_WORDS: &[&str] = &[
    "and",
    "or",
    "not",
    "in",
    "true",
    "false",
    "add",
    "remove",
    "when",
    "then",
    "cite",
    "from",
    "until",
    "priority",
    "given",
    "expect",
    "otherwise",
    "announced",
    "hit",
    "but",
];
