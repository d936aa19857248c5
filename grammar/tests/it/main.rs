//! The grammar's integration tests: the parser on the corpus and fixtures, the formatter's laws
//! and snapshots.
//!
//! One test binary for the crate (as rust-analyzer has it): each file of this folder is a
//! module, and the crate links once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod format;
mod parser;
mod reparse;

/// The shipped policy files (`policies/*.edict`), in name order.
fn shipped_policies() -> Vec<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "edict"))
        .collect();
    paths.sort();
    paths
}
