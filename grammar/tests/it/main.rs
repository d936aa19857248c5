//! The grammar's integration tests: the parser on the corpus and fixtures, the formatter's laws
//! and snapshots.
//!
//! One test binary for the crate (as rust-analyzer has it): each file of this folder is a
//! module, and the crate links once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod format;
mod parser;
mod reparse;
