//! `edict impact` past one machine, on an Apache DataFusion Ballista cluster: `udaf` is the
//! report as an aggregate function executors run, `spec` what travels in the plan for it,
//! `codec` the plan codecs that carry it, `process` the scheduler and executor processes, and
//! `client` the run that submits the job and renders the same report as the embedded one.

pub mod client;
pub mod codec;
pub mod process;
pub mod spec;
pub mod udaf;

pub use client::impact;
