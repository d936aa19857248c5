//! Snapshot tests of every diagnostic: each fixture's source and its rendered report together.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use edict_compiler::render::{render_human, render_json};
use edict_compiler::{Analysis, Code};

/// The diagnostics of `check`, and when there are no errors, those of `build`.
fn check_one(name: &str, text: &str) -> (Analysis, Vec<edict_compiler::Diagnostic>) {
    let mut analysis = Analysis::default();
    // A lint's fixture runs as in a workspace whose `edict.toml` turns the lint on.
    if name.starts_with("W0505") {
        analysis.set_lints(edict_compiler::Lints {
            missing_labels: true,
        });
    }
    analysis.set_file(name, text.to_string());
    let mut diags = analysis.diagnostics();
    if !diags.iter().any(|d| d.is_error()) {
        if let Err(build) = analysis.build() {
            diags = build;
        }
    }
    (analysis, diags)
}

fn numbered(text: &str) -> String {
    text.lines()
        .enumerate()
        .map(|(i, l)| format!("{:>3} | {l}\n", i + 1))
        .collect()
}

#[test]
fn every_fixture_renders_as_snapshotted() {
    insta::glob!("../diagnostics", "*.edict", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let (analysis, diags) = check_one(&name, &text);
        let rendered = render_human(&diags, &analysis.sources(), false);
        insta::assert_snapshot!(format!("{}\n{}", numbered(&text), rendered));
        // A fixture named after a code must produce that code.
        let stem = name.split('_').next().unwrap();
        if let Some(code) = Code::ALL.iter().find(|c| c.as_str() == stem) {
            assert!(
                diags.iter().any(|d| d.code == *code),
                "{name} does not produce {stem}"
            );
        }
    });
}

#[test]
fn every_code_has_a_fixture_or_a_test() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diagnostics");
    let mut covered = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        covered.insert(name.split('_').next().unwrap().to_string());
    }
    // Covered by the tests below, which build their input in code.
    covered.insert("E0003".into());
    covered.insert("E0006".into());
    covered.insert("E0007".into());
    covered.insert("E0008".into());
    // Verification findings: `tests/verify.rs` plants one of each and snapshots them.
    for code in ["E0701", "W0702", "W0703", "W0704", "H0705"] {
        covered.insert(code.into());
    }
    for code in Code::ALL {
        assert!(covered.contains(code.as_str()), "no fixture for {code}");
    }
}

#[test]
fn e0003_file_too_large() {
    let text = format!(
        "// big\n{}",
        " ".repeat(edict_grammar::limits::MAX_FILE_BYTES)
    );
    let (_, diags) = check_one("huge.edict", &text);
    assert_eq!(diags.len(), 1);
    insta::assert_debug_snapshot!(diags[0]);
}

#[test]
fn e0006_not_utf8() {
    let mut analysis = Analysis::default();
    let mut bytes = b"source nia { title: \"ok\", published: 2025-11-05 }\n// caf".to_vec();
    bytes.extend([0xE9, b'\n']);
    analysis.set_file_bytes("latin1.edict", bytes);
    let diags = analysis.diagnostics();
    let rendered = render_human(&diags, &analysis.sources(), false);
    insta::assert_snapshot!(rendered);
    assert_eq!(diags[0].code, Code::E0006);
}

#[test]
fn json_format() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/diagnostics/three_independent_mistakes.edict");
    let text = std::fs::read_to_string(path).unwrap();
    let (analysis, diags) = check_one("three_independent_mistakes.edict", &text);
    insta::assert_snapshot!(render_json(&diags, &analysis.sources()));
}

#[test]
fn three_mistakes_each_reported_with_suggestion() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/diagnostics/three_independent_mistakes.edict");
    let text = std::fs::read_to_string(path).unwrap();
    let (_, diags) = check_one("t.edict", &text);
    let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
    let codes: Vec<&str> = errors.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["E0001", "E0101", "E0201"]);
    assert_eq!(
        errors[1].suggestion.as_ref().unwrap().replacement,
        "transit_144h_ports"
    );
    assert_eq!(&text[errors[1].primary.span.range()], "transit_144_ports");
    assert_eq!(&text[errors[0].primary.span.range()], "and");
}

#[test]
fn labels_land_under_the_right_text_after_cjk_and_emoji() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/diagnostics/labels_after_cjk_and_emoji.edict");
    let text = std::fs::read_to_string(path).unwrap();
    let (analysis, diags) = check_one("cjk.edict", &text);
    let d = diags
        .iter()
        .find(|d| d.code == Code::E0201 && text[d.primary.span.range()].starts_with("t.arrival"))
        .unwrap();
    assert_eq!(&text[d.primary.span.range()], "t.arrival");
    assert_eq!(&text[d.secondary[0].span.range()], "144h");
    // Columns count characters, so the emoji and CJK before count one each.
    let json: serde_json::Value =
        serde_json::from_str(&render_json(&diags, &analysis.sources())).unwrap();
    let col = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["code"] == "E0201"
                && d["primary"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("date-time")
        })
        .unwrap()["primary"]["start"]["column"]
        .as_u64()
        .unwrap();
    let line = text.lines().find(|l| l.contains("横琴")).unwrap();
    let expected = line[..line.find("t.arrival").unwrap()].chars().count() as u64 + 1;
    assert_eq!(col, expected);
}

#[test]
fn e0007_too_many_items() {
    let text = "enum E { a }\n".repeat(edict_grammar::limits::MAX_ITEMS + 1);
    let (_, diags) = check_one("many.edict", &text);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].code, Code::E0007);
    insta::assert_snapshot!(diags[0].message.clone());
}

#[test]
fn e0008_string_too_long() {
    let long = "x".repeat(edict_grammar::limits::MAX_STRING_BYTES + 1);
    let text = format!("source s {{ title: \"{long}\", published: 2025-11-05 }}\nenum E {{ a }}\n");
    let (_, diags) = check_one("long.edict", &text);
    let codes: Vec<Code> = diags.iter().map(|d| d.code).collect();
    assert!(codes.contains(&Code::E0008), "{codes:?}");
    let d = diags.iter().find(|d| d.code == Code::E0008).unwrap();
    insta::assert_snapshot!(format!(
        "{} @ {}..{}",
        d.message, d.primary.span.start, d.primary.span.end
    ));
}

/// A typo in a rule's condition: its syntax error comes first, from whichever file, and the
/// tests that name the rule do not add "unknown rule" errors; an unrelated mistake is still
/// reported, after it. The order is the same however the files are given.
#[test]
fn root_causes_first() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diagnostics/root_causes");
    let files = ["a_tests.edict", "z_rules.edict"];
    let mut orders = Vec::new();
    for order in [files, [files[1], files[0]]] {
        let mut analysis = Analysis::default();
        for name in order {
            analysis.set_file(name, std::fs::read_to_string(dir.join(name)).unwrap());
        }
        let diags = analysis.check();
        orders.push(render_human(&diags, &analysis.sources(), false));
        let codes: Vec<&str> = diags.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["E0001", "E0101"], "{}", orders.last().unwrap());
        assert!(diags[1].message.contains("`zz`"));
    }
    assert_eq!(orders[0], orders[1]);
    insta::assert_snapshot!(orders[0]);
}
