//! Splits a file into top-level item chunks and collects its comments, without parsing.
//!
//! pest stops at the first error, so the parser never hands it a whole file. A new item starts
//! where a line begins (after indentation, or at column 0 whatever the bracket depth) with a
//! top-level keyword. Each chunk is then parsed on its own, so one broken item cannot hide
//! the others.

use crate::syntax::{Comment, CommentKind, Span};

/// The keywords that open a top-level item.
pub const ITEM_KEYWORDS: &[&str] = &[
    "source",
    "enum",
    "entity",
    "record",
    "catalogue",
    "set",
    "amend",
    "decision",
    "rule",
    "test",
    "condition",
    "value",
    "relation",
    "request",
    "labels",
];

/// A stretch of the file holding at most one item.
#[derive(Debug, Clone)]
pub struct Chunk {
    pub span: Span,
    /// Where the nesting first went past the limit, if it did.
    pub too_deep_at: Option<usize>,
    /// Does the chunk start with an item keyword (or is it stray text before the first item)?
    pub starts_item: bool,
}

#[derive(Debug, Default)]
pub struct Chunks {
    pub chunks: Vec<Chunk>,
    pub comments: Vec<Comment>,
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Does an item keyword start at `pos`?
fn keyword_at(bytes: &[u8], pos: usize) -> bool {
    ITEM_KEYWORDS.iter().any(|kw| {
        let end = pos + kw.len();
        bytes.get(pos..end) == Some(kw.as_bytes())
            && bytes.get(end).is_none_or(|b| !is_ident_byte(*b))
            // `value: Int` is a field, not an item.
            && bytes[end..]
                .iter()
                .find(|b| !matches!(b, b' ' | b'\t'))
                .is_none_or(|b| *b != b':')
    })
}

pub fn split(text: &str, max_nesting: usize) -> Chunks {
    let bytes = text.as_bytes();
    let mut out = Chunks::default();
    let mut starts: Vec<(usize, bool)> = Vec::new();
    let mut depths: Vec<(usize, Option<usize>)> = Vec::new();
    let mut depth = 0usize;
    let mut max_depth = 0usize;
    let mut too_deep_at = None;
    // A byte order mark (written by some Windows editors) is not text: the first line starts
    // after it.
    let mut i = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
    let mut line_start = true;
    let mut column0 = true;
    // Text before the first keyword forms a chunk of its own when it holds anything but
    // whitespace and comments.
    let mut stray_start: Option<usize> = None;

    while i < bytes.len() {
        let b = bytes[i];
        if line_start && !matches!(b, b' ' | b'\t' | b'\r' | b'\n') {
            if (column0 || depth == 0) && keyword_at(bytes, i) {
                if let Some(s) = stray_start.take() {
                    starts.push((s, false));
                }
                if !starts.is_empty() {
                    depths.push((max_depth, too_deep_at));
                }
                starts.push((i, true));
                depth = 0;
                max_depth = 0;
                too_deep_at = None;
            } else if starts.is_empty() && stray_start.is_none() && !text[i..].starts_with("//") {
                stray_start = Some(i);
            }
            line_start = false;
        }
        match b {
            b'\n' => {
                line_start = true;
                column0 = true;
                i += 1;
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
                let body = &text[i..end];
                let body = body.trim_end_matches('\r');
                let kind = if body.starts_with("///") && !body.starts_with("////") {
                    CommentKind::Doc
                } else {
                    CommentKind::Line
                };
                out.comments.push(Comment {
                    kind,
                    text: body.to_string(),
                    span: Span::new(i, i + body.len()),
                });
                i = end;
                continue;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' && bytes.get(i + 1).is_some_and(|c| *c != b'\n') {
                        2
                    } else {
                        1
                    };
                }
                if bytes.get(i) == Some(&b'"') {
                    i += 1;
                }
                column0 = false;
                continue;
            }
            b'{' | b'(' | b'[' => {
                depth += 1;
                max_depth = max_depth.max(depth);
                if depth > max_nesting && too_deep_at.is_none() {
                    too_deep_at = Some(i);
                }
            }
            b'}' | b')' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        column0 = false;
        i += 1;
    }
    if let Some(s) = stray_start.take() {
        starts.push((s, false));
    }
    if !starts.is_empty() {
        depths.push((max_depth, too_deep_at));
    }
    for (n, &(start, starts_item)) in starts.iter().enumerate() {
        let end = starts.get(n + 1).map_or(bytes.len(), |s| s.0);
        let too_deep_at = depths.get(n).and_then(|d| d.1);
        out.chunks.push(Chunk {
            span: Span::new(start, end),
            too_deep_at,
            starts_item,
        });
    }
    out
}
