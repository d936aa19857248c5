//! The types of a table's numeric columns: what a column such as
//! `t.onward_departure - t.arrival` counts (a difference of date-times is a duration).

use crate::artifact::{DecisionTable, NumExpr};
use crate::engine::Engine;
use crate::value::TypeDesc;

/// The type of a numeric column's values (a difference of date-times is a duration).
pub fn number_type(engine: &Engine, d: &DecisionTable, e: &NumExpr) -> Option<TypeDesc> {
    match e {
        NumExpr::Path(p) => engine.path_type(d, p).map(|t| t.without_optional().clone()),
        NumExpr::Const(_) => None,
        NumExpr::Sub(a, b) => match (number_type(engine, d, a), number_type(engine, d, b)) {
            (Some(TypeDesc::DateTime), Some(TypeDesc::DateTime))
            | (Some(TypeDesc::Date), Some(TypeDesc::Date)) => Some(TypeDesc::Duration),
            (Some(t), _) | (None, Some(t)) => Some(t),
            _ => None,
        },
        NumExpr::Add(a, b) => number_type(engine, d, a).or_else(|| number_type(engine, d, b)),
    }
}
