//! The impact crate's integration tests, one binary: binding columns to inputs, deciding
//! batches, impact reports and their counts carried as text, SQL functions and the history cut.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bind;
mod common;
mod counts;
mod decide;
mod report;
mod sql;
