//! Edict's compiler front end: the salsa database, name resolution, type and unit checking,
//! set timelines and diagnostics.
//!
//! [`Analysis`] is the entry point for tools: it owns a [`Database`], takes file texts, and
//! answers diagnostics and checked models through tracked queries.

mod analysis;
mod check;
pub mod db;
pub mod decls;
pub mod diagnostic;
pub mod interp;
pub mod labels;
pub mod lower;
pub mod testing;
pub use edict_runtime::fuzzy;
pub mod load;
pub mod refs;
pub mod render;
pub mod sets;
pub mod syntax;
pub mod time;
pub mod types;
pub mod values;
pub mod workspaces;

pub use analysis::{compile, file_diagnostics, utf8_diagnostic, Analysis};
pub use check::{check_file, decl_span, FileCheck, ModelItem};
pub use db::{Database, Db, Lints, SourceFile, Workspace};
pub use diagnostic::{Code, Diagnostic, Label, Severity, Suggestion};
