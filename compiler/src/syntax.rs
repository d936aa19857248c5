//! The parse query: the salsa-tracked bridge from a file's text to its syntax tree.

use std::sync::Arc;

use edict_grammar::ParsedFile;

use crate::db::{Db, SourceFile};

#[salsa::tracked(returns(ref))]
pub fn parse_file(db: &dyn Db, file: SourceFile) -> Arc<ParsedFile> {
    Arc::new(edict_grammar::parse(file.text(db)))
}
