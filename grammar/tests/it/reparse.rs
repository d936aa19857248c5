//! A re-parse that reuses the unchanged items of the previous parse gives the tree a parse
//! from scratch gives, over random edits of generated policies and of the shipped ones.

use edict_grammar::{parse, parse_reusing};
use proptest::prelude::*;

/// Pieces an edit inserts: whitespace, comments and doc comments (which move or attach to the
/// next item), brackets and keywords (which merge or split items), tokens, a quote.
const PIECES: &[&str] = &[
    "",
    " ",
    "\n",
    "\n\n",
    "x",
    "_2",
    "// note\n",
    "/// doc\n",
    "{",
    "}",
    "(",
    ")",
    "\"",
    "rule r_new for transit_entry {\n  cite src item 1\n  when true\n  then { status: yes }\n}\n",
    "set s: Country = { us }\n",
    "24h",
    "2025-11-05",
    " and ",
    "not ",
    "é",
    "中",
];

/// `text` with `len` bytes from `at` replaced by `piece`, `at` and `len` moved back to
/// character boundaries.
fn edit(text: &str, at: usize, len: usize, piece: &str) -> String {
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(at);
    let end = floor(start + len).max(start);
    format!("{}{piece}{}", &text[..start], &text[end..])
}

/// Applies the edits one after another, each time comparing the reusing parse (from the
/// previous text and its reusing parse) with a parse from scratch.
fn check_edits(text: &str, edits: &[(usize, usize, usize)]) -> Result<(), TestCaseError> {
    let mut old_text = text.to_string();
    let mut old = parse(&old_text);
    for &(at, len, piece) in edits {
        let at = if old_text.is_empty() {
            0
        } else {
            at % (old_text.len() + 1)
        };
        let new_text = edit(&old_text, at, len, PIECES[piece % PIECES.len()]);
        let reused = parse_reusing(&new_text, Some((&old_text, &old)));
        let fresh = parse(&new_text);
        prop_assert_eq!(
            &reused,
            &fresh,
            "edit at {} of {} bytes: {:?}",
            at,
            len,
            &new_text
        );
        old_text = new_text;
        old = reused;
    }
    Ok(())
}

fn edits() -> impl Strategy<Value = Vec<(usize, usize, usize)>> {
    prop::collection::vec((any::<usize>(), 0usize..40, any::<usize>()), 1..6)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn reusing_items_parses_as_from_scratch_on_generated_policies(seed in any::<u64>(), edits in edits()) {
        for (_, text) in edict_testkit::random::random_workspace(seed) {
            check_edits(&text, &edits)?;
        }
    }

    #[test]
    fn reusing_items_parses_as_from_scratch_on_the_shipped_policies(file in 0usize..64, edits in edits()) {
        let paths = crate::shipped_policies();
        let text = std::fs::read_to_string(&paths[file % paths.len()]).unwrap();
        check_edits(&text, &edits)?;
    }
}

/// Moving an item (an edit before it changes its offset) shifts every span in it: the reused
/// tree of a file whose first line grew equals a fresh parse, item for item.
#[test]
fn an_edit_at_the_top_moves_every_later_item() {
    for path in crate::shipped_policies() {
        let text = std::fs::read_to_string(&path).unwrap();
        let old = parse(&text);
        let new_text = format!("// one more line at the top\n{text}");
        assert_eq!(
            parse_reusing(&new_text, Some((&text, &old))),
            parse(&new_text),
            "{}",
            path.display()
        );
    }
}
