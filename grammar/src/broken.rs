//! What an item that does not parse still says: the name its header declares and the names
//! it mentions, so that its error is the only one it causes.
//!
//! A rule whose condition has a typo is an [`crate::ItemKind::Error`] item, yet its header
//! (`rule visa_free_transit for transit_entry {`) is intact. The checker uses [`header`] to
//! know that `visa_free_transit` is declared, only broken, and [`words`] to know which names
//! the broken text uses, instead of reporting them unknown or unused.

use crate::syntax::{Ident, Span};

/// Whether an item keyword declares a name right after it (a catalogue and an amendment name
/// what they add to).
fn declares(keyword: &str) -> bool {
    !matches!(keyword, "catalogue" | "amend")
}

/// The keyword and declared name of an item's text that starts at `base` in its file, when
/// its first two words are a declaring keyword and a name.
pub fn header(text: &str, base: usize) -> Option<(&'static str, Ident)> {
    let mut words = words_at(text);
    let (first_at, first) = words.next()?;
    let keyword = crate::ITEM_KEYWORDS
        .iter()
        .copied()
        .find(|k| *k == first && declares(k))?;
    let (at, name) = words.next()?;
    // Only when the name follows the keyword with nothing but blanks between them.
    let between = &text[first_at + first.len()..at];
    if !between.chars().all(char::is_whitespace) || crate::RESERVED_WORDS.contains(&name) {
        return None;
    }
    Some((
        keyword,
        Ident {
            name: name.to_string(),
            span: Span::new(base + at, base + at + name.len()),
        },
    ))
}

/// The words of `text` that could be names, outside comments and strings.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    words_at(text).map(|(_, w)| w)
}

fn words_at(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            } else if b == b'"' {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            } else if b.is_ascii_alphabetic() || b == b'_' {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                return Some((start, &text[start..i]));
            } else if b.is_ascii_digit() {
                // `72h`, `2025-11-05`: a number with its unit is not a name.
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
            } else {
                i += 1;
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_header_survives_a_broken_body() {
        let text = "rule visa_free for transit {\n  when t.stay <= 72 h\n}";
        let (kw, name) = header(text, 10).unwrap();
        assert_eq!((kw, name.name.as_str()), ("rule", "visa_free"));
        assert_eq!(name.span, Span::new(15, 24));
        let w: Vec<&str> = words(text).collect();
        assert_eq!(
            w,
            [
                "rule",
                "visa_free",
                "for",
                "transit",
                "when",
                "t",
                "stay",
                "h"
            ]
        );
    }

    #[test]
    fn no_header_without_a_name_right_after_the_keyword() {
        assert_eq!(
            header("request base for d { given", 0).map(|h| h.0),
            Some("request")
        );
        assert_eq!(header("rule { }", 0), None);
        assert_eq!(header("catalogue Port { x }", 0), None);
        assert_eq!(header("rule when", 0), None);
        assert_eq!(
            header("// rule\nset s: T {", 0).map(|h| h.1.name),
            Some("s".into())
        );
    }

    #[test]
    fn comments_and_strings_hold_no_words() {
        let w: Vec<&str> = words("a // b c\n\"d \\\" e\" f").collect();
        assert_eq!(w, ["a", "f"]);
    }
}
