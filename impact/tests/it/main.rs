//! The impact crate's integration tests, one binary: binding columns to inputs, deciding
//! batches, impact reports, SQL functions and the history cut.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bind;
mod common;
mod decide;
mod report;
mod sql;
