//! Edict's decisions over tables: traffic in Parquet, CSV or JSON lines, and the service's
//! decision log, read by Apache DataFusion into Arrow record batches and decided a column at a
//! time. `impact` re-decides traffic under two versions and credits each change to the diff's
//! region and citation; `replay` decides a decision log again under the versions that answered
//! it; `udf` exposes the decisions to SQL (`edict sql`); `source` reads files; `report` holds
//! what is counted; `render` writes reports; `chart` draws the changed decisions over time;
//! `counts` carries a part's counts to another process (a Ballista executor's, to the one that
//! merges them).

pub mod chart;
pub mod counts;
pub mod decide;
pub mod impact;
pub mod inputs;
pub mod render;
pub mod replay;
pub mod report;
pub mod source;
pub mod traffic;
pub mod udf;

use std::fmt;
use std::sync::atomic::AtomicU64;

pub use datafusion;
pub use impact::{impact, Options, Report, Sides, Tally};

/// How far a long run is: rows or lines done, and bytes read where the total is known in bytes.
/// Updated by the workers; read by a progress line.
#[derive(Debug, Default)]
pub struct Progress {
    pub items: AtomicU64,
    pub bytes: AtomicU64,
}

/// Why a command over tables could not run.
#[derive(Debug)]
pub enum ImpactError {
    /// A column cannot feed the decision, or none does.
    Bind(inputs::BindError),
    /// The query engine could not read or run (a file, a query).
    Query(datafusion::error::DataFusionError),
    /// An option or argument that does not fit the table or the policy.
    Usage(String),
}

impl fmt::Display for ImpactError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImpactError::Bind(e) => e.fmt(f),
            ImpactError::Query(e) => write!(f, "{}", e.message()),
            ImpactError::Usage(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for ImpactError {}

impl From<inputs::BindError> for ImpactError {
    fn from(e: inputs::BindError) -> Self {
        ImpactError::Bind(e)
    }
}

impl From<datafusion::error::DataFusionError> for ImpactError {
    fn from(e: datafusion::error::DataFusionError) -> Self {
        ImpactError::Query(e)
    }
}

impl From<datafusion::arrow::error::ArrowError> for ImpactError {
    fn from(e: datafusion::arrow::error::ArrowError) -> Self {
        ImpactError::Query(e.into())
    }
}
