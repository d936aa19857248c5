//! The command line's integration tests, against the real binary: every command and output
//! format, diff on real histories, the service over loopback, impact on a Ballista cluster of
//! the binary's own processes, the site in headless Chromium,
//! Neovim and VS Code end to end.
//!
//! One test binary for the crate (as rust-analyzer has it): each file of this folder is a
//! module, and the crate links once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli;
mod cluster;
mod common;
mod diff;
mod impact;
mod lsp_stdio;
mod neovim;
mod refdata;
mod sarif;
mod serve;
mod site;
mod vscode;
mod workspaces;
