//! A decision's inputs as the columns of a table: each leaf of its records (`t.nationality`) is
//! fed by one column, found by its path (`t.nationality`, `t_nationality`), its last name
//! (`nationality`, when no other leaf has it) or a rename, and checked for a type that can
//! carry it.

use std::collections::BTreeMap;
use std::fmt;

use datafusion::arrow::datatypes::{DataType, Schema};
use edict_runtime::{Engine, TypeDesc};

/// One leaf input of a decision: a scalar field of a record parameter, or a scalar parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leaf {
    /// As a request writes it: `t.nationality`.
    pub path: String,
    /// The type, with `Optional` kept when the leaf (or a record around it) may be missing.
    pub ty: TypeDesc,
    /// Whether the leaf may be missing (it, or a record it is in, is optional).
    pub optional: bool,
}

/// The leaves of a decision's parameters, in declaration order.
pub fn leaves(engine: &Engine, decision: u32) -> Vec<Leaf> {
    let mut out = Vec::new();
    if let Some(d) = engine.decision(decision) {
        for (name, ty) in &d.params {
            walk(engine, name, ty, false, 0, &mut out);
        }
    }
    out
}

fn walk(
    engine: &Engine,
    path: &str,
    ty: &TypeDesc,
    optional: bool,
    depth: usize,
    out: &mut Vec<Leaf>,
) {
    let records = &engine.artifact().records;
    match ty {
        TypeDesc::Optional(inner) if matches!(**inner, TypeDesc::Record(_)) => {
            walk(engine, path, inner, true, depth, out)
        }
        TypeDesc::Record(r) if depth < 8 => {
            if let Some(rec) = records.get(*r as usize) {
                for (field, fty) in &rec.fields {
                    walk(
                        engine,
                        &format!("{path}.{field}"),
                        fty,
                        optional,
                        depth + 1,
                        out,
                    );
                }
            }
        }
        _ => out.push(Leaf {
            path: path.to_string(),
            ty: ty.clone(),
            optional: optional || matches!(ty, TypeDesc::Optional(_)),
        }),
    }
}

/// A column that cannot feed the input it is bound to, or an input no column feeds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BindError {
    /// A required input has no column.
    Missing {
        input: String,
        expected: String,
        /// Columns the table has, for the hint.
        columns: Vec<String>,
    },
    /// A column's type cannot carry the input's values.
    WrongType {
        column: String,
        input: String,
        found: String,
        expected: String,
    },
    /// `--column INPUT=COLUMN` names an input the decision does not have, or a column the
    /// table does not have.
    BadRename { rename: String, why: String },
}

impl fmt::Display for BindError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BindError::Missing {
                input,
                expected,
                columns,
            } => {
                let last = input.rsplit('.').next().unwrap_or(input);
                write!(
                    f,
                    "no column feeds the input `{input}`, which takes {expected}; name a column \
                     `{input}` or `{last}`, or map one with `--column {input}=COLUMN`; the table \
                     has {}",
                    list(columns)
                )
            }
            BindError::WrongType {
                column,
                input,
                found,
                expected,
            } => write!(
                f,
                "column `{column}` is {found}, but it feeds the input `{input}`, which takes \
                 {expected}"
            ),
            BindError::BadRename { rename, why } => write!(f, "`--column {rename}`: {why}"),
        }
    }
}

impl std::error::Error for BindError {}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        return "no columns".into();
    }
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a leaf's column may be, in words, for errors.
pub fn expected(engine: &Engine, ty: &TypeDesc) -> String {
    let cat = &engine.artifact().catalogue;
    match ty.without_optional() {
        TypeDesc::Bool => "true/false (a boolean column)".into(),
        TypeDesc::Int => "whole numbers (an integer column)".into(),
        TypeDesc::Date => "dates (a date or timestamp column, or text such as 2025-11-05)".into(),
        TypeDesc::DateTime => {
            "date-times (a timestamp column, or text such as 2025-11-10T10:00)".into()
        }
        TypeDesc::Duration => "durations (text such as 240h, or an Arrow duration)".into(),
        TypeDesc::Entity(t) => format!(
            "names of `{}` entries (a text column)",
            cat.entity_types
                .get(*t as usize)
                .map_or("?", |t| t.name.as_str())
        ),
        TypeDesc::Enum(e) => format!(
            "names of `{}` values (a text column)",
            cat.enums.get(*e as usize).map_or("?", |e| e.name.as_str())
        ),
        _ => "text".into(),
    }
}

/// Whether an Arrow type can carry a leaf's values.
fn carries(ty: &TypeDesc, dt: &DataType) -> bool {
    use DataType as D;
    let text = |dt: &DataType| match dt {
        D::Utf8 | D::LargeUtf8 | D::Utf8View => true,
        D::Dictionary(_, v) => matches!(**v, D::Utf8 | D::LargeUtf8 | D::Utf8View),
        _ => false,
    };
    if matches!(dt, D::Null) {
        return true;
    }
    match ty.without_optional() {
        TypeDesc::Bool => matches!(dt, D::Boolean),
        TypeDesc::Int => dt.is_integer(),
        TypeDesc::Date => matches!(dt, D::Date32 | D::Date64 | D::Timestamp(..)) || text(dt),
        TypeDesc::DateTime => matches!(dt, D::Timestamp(..) | D::Date32 | D::Date64) || text(dt),
        TypeDesc::Duration => matches!(dt, D::Duration(_)) || text(dt),
        _ => text(dt),
    }
}

/// Which column feeds each leaf: its index in the schema, `None` for an optional leaf no
/// column feeds (always missing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    pub leaves: Vec<Leaf>,
    pub columns: Vec<Option<usize>>,
}

impl Binding {
    /// Binds a decision's leaves to a table's columns. `renames` maps an input's path to a
    /// column's name.
    pub fn new(
        engine: &Engine,
        decision: u32,
        schema: &Schema,
        renames: &BTreeMap<String, String>,
    ) -> Result<Binding, BindError> {
        let leaves = leaves(engine, decision);
        let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
        for (input, column) in renames {
            if !leaves.iter().any(|l| &l.path == input) {
                let inputs: Vec<String> = leaves.iter().map(|l| l.path.clone()).collect();
                return Err(BindError::BadRename {
                    rename: format!("{input}={column}"),
                    why: format!(
                        "the decision has no input `{input}`; it has {}",
                        list(&inputs)
                    ),
                });
            }
            if !names.contains(column) {
                return Err(BindError::BadRename {
                    rename: format!("{input}={column}"),
                    why: format!(
                        "the table has no column `{column}`; it has {}",
                        list(&names)
                    ),
                });
            }
        }
        let mut columns = Vec::with_capacity(leaves.len());
        for leaf in &leaves {
            let last = leaf.path.rsplit('.').next().unwrap_or(&leaf.path);
            let unique_last = leaves
                .iter()
                .filter(|l| l.path.rsplit('.').next() == Some(last))
                .count()
                == 1;
            let underscored = leaf.path.replace('.', "_");
            let candidates: Vec<&str> = match renames.get(&leaf.path) {
                Some(c) => vec![c.as_str()],
                None => {
                    let mut c = vec![leaf.path.as_str(), underscored.as_str()];
                    if unique_last {
                        c.push(last);
                    }
                    c
                }
            };
            let found = candidates
                .iter()
                .find_map(|c| names.iter().position(|n| n == c));
            match found {
                Some(i) => {
                    let field = schema.field(i);
                    if !carries(&leaf.ty, field.data_type()) {
                        return Err(BindError::WrongType {
                            column: field.name().clone(),
                            input: leaf.path.clone(),
                            found: type_words(field.data_type()),
                            expected: expected(engine, &leaf.ty),
                        });
                    }
                    columns.push(Some(i));
                }
                None if leaf.optional => columns.push(None),
                None => {
                    return Err(BindError::Missing {
                        input: leaf.path.clone(),
                        expected: expected(engine, &leaf.ty),
                        columns: names,
                    })
                }
            }
        }
        Ok(Binding { leaves, columns })
    }

    /// The column feeding each leaf, by name.
    pub fn column_names(&self, schema: &Schema) -> Vec<Option<String>> {
        self.columns
            .iter()
            .map(|c| c.map(|i| schema.field(i).name().clone()))
            .collect()
    }
}

/// An Arrow type as a reader would name it: `text`, `a 64-bit integer`.
pub fn type_words(dt: &DataType) -> String {
    use DataType as D;
    match dt {
        D::Utf8 | D::LargeUtf8 | D::Utf8View => "text".into(),
        D::Dictionary(_, v) => format!("dictionary-encoded {}", type_words(v)),
        D::Boolean => "true/false".into(),
        D::Int8 | D::Int16 | D::Int32 | D::Int64 => {
            format!("a {}-bit integer", dt.primitive_width().unwrap_or(8) * 8)
        }
        D::UInt8 | D::UInt16 | D::UInt32 | D::UInt64 => {
            format!(
                "an unsigned {}-bit integer",
                dt.primitive_width().unwrap_or(8) * 8
            )
        }
        D::Float16 | D::Float32 | D::Float64 => "a floating-point number".into(),
        D::Date32 | D::Date64 => "a date".into(),
        D::Timestamp(_, None) => "a timestamp".into(),
        D::Timestamp(_, Some(tz)) => format!("a timestamp in {tz}"),
        other => format!("{other}"),
    }
}

/// The one decision whose inputs the table's columns feed, when `--decision` is not given.
pub fn fitting(
    engine: &Engine,
    schema: &Schema,
    renames: &BTreeMap<String, String>,
) -> Result<String, String> {
    let names: Vec<&str> = engine
        .artifact()
        .decisions
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    let fits: Vec<&str> = names
        .iter()
        .enumerate()
        .filter(|(i, _)| Binding::new(engine, *i as u32, schema, renames).is_ok())
        .map(|(_, n)| *n)
        .collect();
    match fits.as_slice() {
        [one] => Ok(one.to_string()),
        [] => {
            // The decision most of whose inputs have a column of their name: most likely the
            // one meant, and what it lacks is the error to show.
            let columns: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
            let closest = (0..names.len())
                .map(|i| (named_inputs(engine, i as u32, &columns), i))
                .filter(|((found, total), _)| *found > 0 && 2 * found >= *total)
                .max_by_key(|((found, total), i)| {
                    (*found, std::cmp::Reverse(*total), std::cmp::Reverse(*i))
                });
            let mut why = format!(
                "the table's columns feed none of the decisions ({})",
                names.join(", ")
            );
            match closest {
                Some(((found, total), i)) => {
                    if let Err(e) = Binding::new(engine, i as u32, schema, renames) {
                        why.push_str(&format!(
                            "; the closest is `{}` ({found} of its {total} inputs have a column), and {e}",
                            names[i]
                        ));
                    }
                }
                None => why.push_str("; name one with `--decision` to see what is missing"),
            }
            Err(why)
        }
        many => Err(format!(
            "the table's columns feed several decisions ({}); name one with `--decision`",
            many.join(", ")
        )),
    }
}

/// How many of a decision's leaf inputs have a column named after them, of how many.
fn named_inputs(engine: &Engine, decision: u32, columns: &[&str]) -> (usize, usize) {
    let leaves = leaves(engine, decision);
    let found = leaves
        .iter()
        .filter(|l| {
            let last = l.path.rsplit('.').next().unwrap_or(&l.path);
            let underscored = l.path.replace('.', "_");
            columns
                .iter()
                .any(|c| *c == l.path || *c == underscored || *c == last)
        })
        .count();
    (found, leaves.len())
}
