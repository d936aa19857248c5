//! The Edict language server: the compiler's salsa database behind the Language Server Protocol.
//!
//! Only this crate knows LSP types. [`server`] owns the database and the main loop (edits
//! are applied there, which cancels requests running on older snapshots); [`handlers`] answer
//! requests on snapshots in worker threads; [`convert`] turns `edict-ide`'s plain data into
//! protocol values; [`position`] converts offsets in the negotiated encoding; [`transport`]
//! frames messages on stdio.

pub mod convert;
pub mod handlers;
pub mod position;
pub mod server;
pub mod transport;

pub use server::run;

/// Serves one client on stdin/stdout until it sends `exit` or closes the stream.
pub fn run_stdio() -> Result<(), String> {
    let (connection, threads) = transport::stdio();
    let result = server::run(connection);
    threads.join();
    result
}
