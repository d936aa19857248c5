//! The analysis of decision tables that `verify` and `diff` share: each slice's columns
//! partitioned into classes (`classes`), a concrete request built for chosen column values
//! (`witness`), and the types of numeric columns (`types`). Both are clients of this layer and
//! of the engine's evaluation; neither imports the other.

pub(crate) mod classes;
pub(crate) mod types;
pub(crate) mod witness;

pub(crate) use classes::{classes, number_range, Class};
pub use types::number_type;
