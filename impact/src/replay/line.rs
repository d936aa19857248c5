//! One line of the decision log, as `edict serve` writes it:
//! `{"time","request_id","decision","artifact_sha256","input","answer"}`. The request and the
//! answer are kept as the bytes logged (the request is decided from them, the answer compared
//! with them), so a line is split, not parsed into a tree.

/// A log line's fields; `input` and `answer` are the JSON bytes as logged.
#[derive(Debug)]
pub struct Line<'a> {
    pub time: String,
    pub request_id: String,
    pub decision: String,
    pub artifact_sha256: String,
    pub input: &'a [u8],
    pub answer: &'a [u8],
}

/// Splits a line into its fields; the error says what is wrong with it.
pub fn split(b: &[u8]) -> Result<Line<'_>, String> {
    let mut fields: [Option<&[u8]>; 6] = [None; 6];
    const NAMES: [&str; 6] = [
        "time",
        "request_id",
        "decision",
        "artifact_sha256",
        "input",
        "answer",
    ];
    let mut i = skip_space(b, 0);
    if b.get(i) != Some(&b'{') {
        return Err("not a JSON object".into());
    }
    i = skip_space(b, i + 1);
    if b.get(i) == Some(&b'}') {
        i += 1;
    } else {
        loop {
            if b.get(i) != Some(&b'"') {
                return Err("not a JSON object: a field name is missing".into());
            }
            let key_end = string_end(b, i).ok_or("not whole JSON: a string is not closed")?;
            let key: String = serde_json::from_slice(&b[i..key_end])
                .map_err(|_| "not JSON: a field name is malformed".to_string())?;
            i = skip_space(b, key_end);
            if b.get(i) != Some(&b':') {
                return Err(format!("not JSON: `{key}` has no `:`"));
            }
            i = skip_space(b, i + 1);
            let end =
                value_end(b, i).ok_or_else(|| format!("not whole JSON: `{key}` is cut off"))?;
            if let Some(k) = NAMES.iter().position(|n| *n == key) {
                fields[k] = Some(&b[i..end]);
            }
            i = skip_space(b, end);
            match b.get(i) {
                Some(b',') => i = skip_space(b, i + 1),
                Some(b'}') => {
                    i += 1;
                    break;
                }
                _ => return Err("not whole JSON: the object is not closed".into()),
            }
        }
    }
    if skip_space(b, i) != b.len() {
        return Err("not one JSON object: something follows it".into());
    }
    let text = |k: usize| -> Result<String, String> {
        match fields[k] {
            Some(v) => {
                serde_json::from_slice(v).map_err(|_| format!("`{}` is not a string", NAMES[k]))
            }
            None => Err(format!("has no `{}`", NAMES[k])),
        }
    };
    let optional = |k: usize| -> Result<String, String> {
        if fields[k].is_none() {
            Ok(String::new())
        } else {
            text(k)
        }
    };
    Ok(Line {
        time: optional(0)?,
        request_id: optional(1)?,
        decision: text(2)?,
        artifact_sha256: text(3)?,
        input: fields[4].ok_or("has no `input`")?,
        answer: fields[5].ok_or("has no `answer`")?,
    })
}

fn skip_space(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\r' | b'\n')) {
        i += 1;
    }
    i
}

/// The end (one past the closing quote) of the string starting at `i`.
fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    loop {
        match b.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// The end of the JSON value starting at `i` (its syntax inside is checked by whoever
/// parses it).
fn value_end(b: &[u8], mut i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            loop {
                match b.get(i)? {
                    b'"' => {
                        i = string_end(b, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            let start = i;
            while let Some(c) = b.get(i) {
                if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n') {
                    break;
                }
                i += 1;
            }
            (i > start).then_some(i)
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_logged_line_splits_into_its_fields() {
        let l = split(
            br#"{"time":"2025-11-05T08:00:00.000Z","request_id":"r\"1","decision":"d","artifact_sha256":"ab","input":{"t":{"s":"}{"}},"answer":{"a":[1,{"b":null}]}}"#,
        )
        .unwrap();
        assert_eq!(l.request_id, "r\"1");
        assert_eq!(l.decision, "d");
        assert_eq!(l.input, br#"{"t":{"s":"}{"}}"#);
        assert_eq!(l.answer, br#"{"a":[1,{"b":null}]}"#);
    }

    #[test]
    fn what_is_wrong_with_a_line_is_said() {
        let e = |s: &str| split(s.as_bytes()).unwrap_err();
        assert_eq!(e("[1]"), "not a JSON object");
        assert_eq!(
            e(r#"{"decision":"d","input":{"a":"#),
            "not whole JSON: `input` is cut off"
        );
        assert_eq!(e(r#"{"decision":"d"}"#), "has no `artifact_sha256`");
        assert_eq!(
            e(r#"{"decision":1,"artifact_sha256":"x"}"#),
            "`decision` is not a string"
        );
        assert_eq!(
            e(r#"{"a":1} x"#),
            "not one JSON object: something follows it"
        );
    }
}
