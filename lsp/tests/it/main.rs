//! The language server's integration tests: the protocol over stdio, every feature, workspace
//! roots, and the editors' configurations.
//!
//! One test binary for the crate (as rust-analyzer has it): each file of this folder is a
//! module, and the crate links once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod editors;
mod features;
mod protocol;
mod workspaces;
