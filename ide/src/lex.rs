//! A forgiving tokenizer for editor features: it never fails, whatever the text.
//!
//! The parser works per item and stops at the first error; highlighting and completion need
//! tokens everywhere, including in text that does not parse yet. Tokens carry byte spans.

use edict_grammar::{Span, ITEM_KEYWORDS, RESERVED_WORDS};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Ident,
    /// `//` comment (not a doc comment).
    Comment,
    /// `///` doc comment.
    DocComment,
    Text,
    /// Integers, dates, date-times and durations: anything starting with a digit.
    Number,
    /// `{`, `}`, `(`, `)`, `:`, `,`, `=`, `.`, operators.
    Punct,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

/// Words that are keywords only where the grammar expects them (`cite s item 4`, `as of`,
/// `rule r for d`, `hit unique`, `announced 12 partial`, `= a union b`, `identified by`,
/// `zone "Asia/Shanghai"`, `until 2024-12-17 by src`, `covers transit_ports`).
const CONTEXTUAL_WORDS: &[&str] = &[
    "item",
    "says",
    "zone",
    "as",
    "of",
    "for",
    "unique",
    "first",
    "collect",
    "partial",
    "union",
    "intersect",
    "except",
    "move",
    "cases",
    "into",
    "identified",
    "by",
    "covers",
];

/// Every keyword of the language: item keywords, reserved words and contextual words.
pub fn keywords() -> impl Iterator<Item = &'static str> {
    ITEM_KEYWORDS
        .iter()
        .chain(RESERVED_WORDS)
        .chain(CONTEXTUAL_WORDS)
        .copied()
}

pub fn is_keyword(word: &str) -> bool {
    keywords().any(|k| k == word)
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Splits `text` into tokens; whitespace and unknown characters are skipped.
pub fn tokenize(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let start = i;
        let kind = if text[i..].starts_with("//") {
            let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
            let doc = text[i..].starts_with("///") && !text[i..].starts_with("////");
            i = end;
            if doc {
                TokenKind::DocComment
            } else {
                TokenKind::Comment
            }
        } else if c == '"' {
            i += 1;
            while i < text.len() {
                match bytes[i] {
                    b'\\' => i += 2,
                    b'"' => {
                        i += 1;
                        break;
                    }
                    b'\n' => break,
                    _ => i += 1,
                }
            }
            i = i.min(text.len());
            while !text.is_char_boundary(i) {
                i += 1;
            }
            TokenKind::Text
        } else if c.is_ascii_digit() {
            while i < text.len() {
                let b = bytes[i];
                let date_part =
                    (b == b'-' || b == b':') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
                if b.is_ascii_alphanumeric() || b == b'_' || date_part {
                    i += 1;
                } else {
                    break;
                }
            }
            TokenKind::Number
        } else if is_ident_start(c) {
            while i < text.len() && is_ident_char(bytes[i] as char) {
                i += 1;
            }
            TokenKind::Ident
        } else if c.is_whitespace() || !c.is_ascii() {
            i += c.len_utf8();
            continue;
        } else {
            i += 1;
            TokenKind::Punct
        };
        out.push(Token {
            kind,
            span: Span::new(start, i),
        });
    }
    out
}
