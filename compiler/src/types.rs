//! Edict's types and units, and how they relate (assignability, hierarchy, ordering).

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Ty {
    Bool,
    Int,
    Text,
    Date,
    DateTime,
    /// An exact length of time (`min`, `h`, `d`, `w`).
    Duration,
    /// A calendar length of time (`mo`, `y`): no exact number of hours.
    Period,
    Range(Box<Ty>),
    Entity(String),
    Enum(String),
    Record(String),
    /// The type of a named set of entities or enum values.
    Set(Box<Ty>),
    Optional(Box<Ty>),
    /// The type of something already reported as wrong; accepted everywhere so that one
    /// mistake gives one diagnostic.
    Error,
}

/// The names of the built-in types, for resolution and "did you mean".
pub const BUILTIN_TYPES: &[&str] = &[
    "Bool", "Int", "Text", "Date", "DateTime", "Duration", "Period", "Range",
];

impl Ty {
    pub fn builtin(name: &str) -> Option<Ty> {
        Some(match name {
            "Bool" => Ty::Bool,
            "Int" => Ty::Int,
            "Text" => Ty::Text,
            "Date" => Ty::Date,
            "DateTime" => Ty::DateTime,
            "Duration" => Ty::Duration,
            "Period" => Ty::Period,
            _ => return None,
        })
    }

    /// The type without an optional marker.
    pub fn strip_optional(&self) -> &Ty {
        match self {
            Ty::Optional(inner) => inner.strip_optional(),
            other => other,
        }
    }

    pub fn is_error(&self) -> bool {
        matches!(self.strip_optional(), Ty::Error)
    }

    /// Types whose values can be compared with `<`, `<=`, `>`, `>=` and form ranges.
    pub fn is_ordered(&self) -> bool {
        matches!(
            self.strip_optional(),
            Ty::Int | Ty::Date | Ty::DateTime | Ty::Duration | Ty::Period | Ty::Error
        )
    }

    /// Is this a length of time, and which kind?
    pub fn time_kind(&self) -> Option<&'static str> {
        match self.strip_optional() {
            Ty::Duration => Some("an exact duration (hours, days)"),
            Ty::Period => Some("a calendar period (months, years)"),
            _ => None,
        }
    }

    /// Words for messages: "a duration", "a `Port`".
    pub fn describe(&self) -> String {
        match self {
            Ty::Bool => "a true/false value".into(),
            Ty::Int => "a number".into(),
            Ty::Text => "text".into(),
            Ty::Date => "a date".into(),
            Ty::DateTime => "a date-time".into(),
            Ty::Duration => "a duration in exact units (`h`, `d`)".into(),
            Ty::Period => "a calendar period (`mo`, `y`)".into(),
            Ty::Range(t) => format!("a range of {}", t.describe_plain()),
            Ty::Entity(n) | Ty::Enum(n) | Ty::Record(n) => format!("a `{n}`"),
            Ty::Set(t) => format!("a set of `{}`", t),
            Ty::Optional(t) => format!("{} (or nothing)", t.describe()),
            Ty::Error => "an unknown value".into(),
        }
    }

    fn describe_plain(&self) -> String {
        match self {
            Ty::Duration => "durations".into(),
            Ty::Period => "periods".into(),
            Ty::Date => "dates".into(),
            Ty::DateTime => "date-times".into(),
            Ty::Int => "numbers".into(),
            other => format!("`{other}`"),
        }
    }
}

impl std::fmt::Display for Ty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ty::Bool => f.write_str("Bool"),
            Ty::Int => f.write_str("Int"),
            Ty::Text => f.write_str("Text"),
            Ty::Date => f.write_str("Date"),
            Ty::DateTime => f.write_str("DateTime"),
            Ty::Duration => f.write_str("Duration"),
            Ty::Period => f.write_str("Period"),
            Ty::Range(t) => write!(f, "Range<{t}>"),
            Ty::Entity(n) | Ty::Enum(n) | Ty::Record(n) => f.write_str(n),
            Ty::Set(t) => write!(f, "Set<{t}>"),
            Ty::Optional(t) => write!(f, "{t}?"),
            Ty::Error => f.write_str("{unknown}"),
        }
    }
}
