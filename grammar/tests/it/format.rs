//! The formatter: snapshots of the shipped policies and of ugly fixtures, and its laws
//! (the tree is unchanged, formatting is idempotent) over generated policies.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use edict_grammar::{format, parse, FormatOptions};
use proptest::prelude::*;

fn fmt(text: &str) -> String {
    format(text, FormatOptions::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .text
}

#[test]
fn the_shipped_policies_are_formatted() {
    for path in crate::shipped_policies() {
        let text = std::fs::read_to_string(&path).unwrap();
        let out = fmt(&text);
        assert_eq!(fmt(&out), out, "not idempotent on {}", path.display());
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        insta::assert_snapshot!(format!("policies_{name}"), out);
    }
}

#[test]
fn ugly_fixtures() {
    insta::glob!("../format", "*.edict", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let out = format(&text, FormatOptions::default()).unwrap();
        assert_eq!(fmt(&out.text), out.text, "not idempotent");
        let kept: Vec<String> = out
            .kept
            .iter()
            .map(|s| text[s.range()].lines().next().unwrap_or("").to_string())
            .collect();
        insta::assert_snapshot!(format!("{}\n---- kept as written: {kept:?}", out.text));
    });
}

#[test]
fn items_with_syntax_errors_are_kept_byte_for_byte() {
    let text = "enum   Status { yes,no }\nrule broken for entry {\n  when t.x in   and\n}\n";
    let out = format(text, FormatOptions::default()).unwrap();
    assert!(out
        .text
        .contains("rule broken for entry {\n  when t.x in   and\n}"));
    assert!(out.text.starts_with("enum Status { yes, no }\n"));
}

#[test]
fn width_is_honoured() {
    let text = "set s: T { alpha, beta, gamma, delta, epsilon, zeta, eta, theta }\n";
    let narrow = format(text, FormatOptions { width: 30 }).unwrap().text;
    assert!(narrow.lines().all(|l| l.chars().count() <= 30), "{narrow}");
    assert_eq!(
        format(text, FormatOptions { width: 100 }).unwrap().text,
        text
    );
}

/// Scatters extra spaces, blank lines and comments over a file without touching tokens.
fn roughen(text: &str, noise: &[u8]) -> String {
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let n = noise.get(i % noise.len().max(1)).copied().unwrap_or(0);
        let line = if n % 3 == 0 {
            line.replace(", ", " ,  ")
        } else {
            line.to_string()
        };
        out.push_str(&line);
        if n % 5 == 1 && !line.trim_start().starts_with("//") {
            out.push_str(&format!(" // note {i} 横琴 🎉"));
        }
        out.push('\n');
        if n % 7 == 2 {
            out.push_str("\n\n");
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn formatting_keeps_the_tree_and_is_idempotent(seed in any::<u64>(), noise in prop::collection::vec(any::<u8>(), 1..40), width in 40usize..140) {
        let files = edict_testkit::random::random_workspace(seed);
        for (_, text) in files {
            let rough = roughen(&text, &noise);
            let options = FormatOptions { width };
            // `format` itself re-parses its output and compares trees and comments.
            let once = format(&rough, options).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let twice = format(&once.text, options).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(&once.text, &twice.text);
            prop_assert_eq!(parse(&once.text).errors.len(), 0);
        }
    }
}

/// Inputs the `fmt` fuzz target found (first byte: width - 20; the rest: the text).
#[test]
fn fuzz_regressions() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/format_regressions");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let width = 20 + usize::from(data[0]);
        let text = match std::str::from_utf8(&data[1..]) {
            Ok(t) => t.to_string(),
            Err(e) => String::from_utf8_lossy(&data[1..1 + e.valid_up_to()]).into_owned(),
        };
        let options = FormatOptions { width };
        let once = format(&text, options).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let twice = format(&once.text, options).unwrap();
        assert_eq!(
            once.text,
            twice.text,
            "{} is not idempotent",
            path.display()
        );
    }
}

/// Adding an entry to a catalogue, a relation or a set changes only that entry's lines: no
/// neighbour is realigned or refilled (a review diff shows the change alone).
#[test]
fn adding_an_entry_changes_only_its_lines() {
    let before = fmt("catalogue Port {\n  pek { name: \"PEK\" }\n  hzmb { name: \"Bridge\" }\n}\n\
                      relation limit: Port -> Duration {\n  pek: 144h from 2016-01-30 cite a item 1\n  hzmb, pek: 240h from 2024-12-17 cite b item 2\n}\n\
                      set ports: Port {\n  // 2016\n  pek, // the capital\n  hzmb\n}\n");
    let after = fmt(&before
        .replace(
            "  hzmb { name: \"Bridge\" }\n",
            "  hzmb { name: \"Bridge\" }\n  guangzhou_baiyun_international { name: \"Guangzhou Baiyun\" }\n",
        )
        .replace(
            "  hzmb, pek: 240h",
            "  guangzhou_baiyun_international: 240h from 2025-11-05 cite c item 3\n  hzmb, pek: 240h",
        )
        .replace("  hzmb\n}", "  hzmb,\n  // 2025\n  guangzhou_baiyun_international\n}"));
    let old: Vec<&str> = before.lines().collect();
    let new: Vec<&str> = after.lines().collect();
    // Every old line is still there, in order, unchanged but for the comma a set's last
    // member gains when another follows it.
    let mut at = 0;
    for line in &old {
        let found = new[at..]
            .iter()
            .position(|n| n == line || *n == format!("{line},"))
            .unwrap_or_else(|| panic!("`{line}` changed:\n{after}"));
        at += found + 1;
    }
    assert_eq!(new.len(), old.len() + 4, "{after}");
}
