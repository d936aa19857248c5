//! The Edict grammar for tree-sitter: the language, its node types and its queries.
//!
//! ```
//! let mut parser = tree_sitter::Parser::new();
//! parser.set_language(&tree_sitter_edict::LANGUAGE.into()).unwrap();
//! let tree = parser.parse("set ports: Port { hengqin }\n", None).unwrap();
//! assert!(!tree.root_node().has_error());
//! ```

use tree_sitter_language::LanguageFn;

extern "C" {
    fn tree_sitter_edict() -> *const ();
}

/// The tree-sitter language of Edict.
// SAFETY: `tree_sitter_edict` is the generated parser's entry point, which returns a pointer
// to a static `TSLanguage` and has no preconditions.
#[allow(unsafe_code)]
pub const LANGUAGE: LanguageFn = unsafe { LanguageFn::from_raw(tree_sitter_edict) };

/// The node types, as JSON (`src/node-types.json`).
pub const NODE_TYPES: &str = include_str!("../../src/node-types.json");

/// Highlights (`queries/highlights.scm`).
pub const HIGHLIGHTS_QUERY: &str = include_str!("../../queries/highlights.scm");

/// Scopes, definitions and references (`queries/locals.scm`).
pub const LOCALS_QUERY: &str = include_str!("../../queries/locals.scm");

/// Folds (`queries/folds.scm`).
pub const FOLDS_QUERY: &str = include_str!("../../queries/folds.scm");
