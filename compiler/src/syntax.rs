//! The parse query: the salsa-tracked bridge from a file's text to its syntax tree.

use std::sync::Arc;

use edict_grammar::ParsedFile;

use crate::db::{Db, SourceFile};

/// A file's syntax tree. After an edit, the items whose text the edit left alone are taken
/// from the parse before it (moved to where they now stand), and only the others are parsed:
/// the tree is the one a parse from scratch gives.
#[salsa::tracked(returns(ref))]
pub fn parse_file(db: &dyn Db, file: SourceFile) -> Arc<ParsedFile> {
    let text = file.text(db);
    Arc::new(match file.previous(db) {
        Some(p) => edict_grammar::parse_reusing(text, Some((&p.text, &p.parsed))),
        None => edict_grammar::parse(text),
    })
}
