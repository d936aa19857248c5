//! The compiler's integration tests: diagnostics fixtures, lowering, the artifact, the IDE
//! layer, incremental checking, verify and diff laws, the engine against a reference
//! interpreter.
//!
//! One test binary for the crate (as rust-analyzer has it): each file of this folder is a
//! module, and the crate links once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod artifact;
mod diagnostics;
mod diff_laws;
mod differential;
mod fast_path;
mod incremental;
mod lowering;
mod policies;
mod robustness;
mod verify;
