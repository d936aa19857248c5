//! The formatter's proof: the formatted text parses to the same tree (spans aside), with the
//! same comments and the same syntax errors, or formatting is refused as unsound.

use crate::parser::parse;
use crate::syntax::ParsedFile;

use super::Unsound;

/// The tree of a file without spans, as JSON, with its comments: what formatting must keep.
fn shape(file: &ParsedFile) -> Result<(serde_json::Value, Vec<String>, usize), Unsound> {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m)
                if m.len() == 2 && m.contains_key("start") && m.contains_key("end") =>
            {
                // A bare span (inside a tuple, or marking a word such as `partial`): its
                // presence is part of the shape, its position is not.
                *v = serde_json::Value::Bool(true);
            }
            serde_json::Value::Object(m) => {
                m.remove("span");
                m.remove("item_span");
                if let Some(serde_json::Value::Array(r)) = m.get_mut("repeated") {
                    let n = r.len();
                    *r = vec![serde_json::Value::from(n)];
                }
                m.values_mut().for_each(strip);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    // A tree that does not serialise cannot be compared: that is a failed check, not two
    // `null`s found equal.
    let mut items = tree_value(serde_json::to_value(&file.items))?;
    strip(&mut items);
    let comments = file
        .comments
        .iter()
        .map(|c| c.text.trim_end().to_string())
        .collect();
    Ok((items, comments, file.errors.len()))
}

/// The serialised tree, or why formatting cannot be checked.
fn tree_value(
    value: Result<serde_json::Value, serde_json::Error>,
) -> Result<serde_json::Value, Unsound> {
    value.map_err(|e| Unsound(format!("the syntax tree cannot be compared: {e}")))
}

pub(super) fn check(before: &ParsedFile, src: &str, text: &str) -> Result<(), Unsound> {
    let after = parse(text);
    let (a, ac, ae) = shape(before)?;
    let (b, bc, be) = shape(&after)?;
    if ac != bc {
        return Err(Unsound("the comments differ".into()));
    }
    if ae != be {
        return Err(Unsound(format!("{ae} syntax errors before, {be} after")));
    }
    if a != b {
        return Err(Unsound("the syntax tree differs".into()));
    }
    let _ = src;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree that fails to serialise fails the check (it was read as `null`, equal to any
    /// other `null`, and the check passed without comparing anything).
    #[test]
    fn a_tree_that_cannot_be_serialised_fails_the_check() {
        let broken: Result<serde_json::Value, serde_json::Error> =
            Err(serde::ser::Error::custom("a map with a non-string key"));
        let e = tree_value(broken).unwrap_err();
        assert!(e.0.contains("cannot be compared"), "{e}");
        assert_eq!(
            tree_value(Ok(serde_json::json!([1]))),
            Ok(serde_json::json!([1]))
        );
    }
}
