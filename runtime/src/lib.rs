//! Edict's runtime: the compiled artifact, its loading and indexed evaluation, explanations.
//!
//! This crate depends on neither pest nor salsa nor the compiler: border systems embed it to
//! load an artifact built by `edict build` and answer questions from it.
//!
//! ```text
//! let engine = Engine::from_bytes(&bytes)?;
//! let d = engine.decision_id("transit_entry").unwrap();
//! let inputs = engine.parse_request(d, &json)?;
//! let answer = engine.decide(d, &inputs)?;
//! ```

pub mod analysis;
pub mod artifact;
pub mod bitset;
pub mod diff;
mod engine;
mod explain;
mod fast;
pub mod fuzzy;
mod history;
mod request;
mod schema;
pub mod store;
pub mod table;
mod translate;
pub mod validate;

pub mod value;
pub mod verify;
pub mod zone;

pub use artifact::{Artifact, LoadError};
pub use engine::{column_text, Answer, Engine, EvalError, Verdict};
pub use explain::{Explanation, RuleStatus};
pub use fast::JsonRequestError;
pub use request::RequestError;
pub use value::{TypeDesc, Value};
