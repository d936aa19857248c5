//! Hostile input: deep nesting, huge and empty files, random bytes. A diagnostic or a result,
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! never a panic or a stack overflow.

use edict_compiler::{Analysis, Code};
use proptest::prelude::*;

fn diags(text: &str) -> Vec<edict_compiler::Diagnostic> {
    let mut a = Analysis::default();
    a.set_file("x.edict", text.to_string());
    a.diagnostics()
}

#[test]
fn ten_thousand_nested_parentheses() {
    let text = format!(
        "rule r for d {{\n  when {}x{}\n  then {{}}\n}}\n",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    let d = diags(&text);
    assert!(d.iter().any(|d| d.code == Code::E0002), "{d:?}");
}

#[test]
fn ten_thousand_nested_braces_and_unclosed() {
    let d = diags(&format!("set s: T {}", "{".repeat(10_000)));
    assert!(d.iter().any(|d| d.code == Code::E0002));
}

#[test]
fn a_very_long_chain_of_conditions() {
    let chain = vec!["t.a == 1"; 5_000].join(" and ");
    let text = format!("rule r for d {{\n  when {chain}\n  then {{}}\n}}\n");
    let d = diags(&text);
    assert!(
        d.iter().any(|d| d.code == Code::E0002),
        "{:?}",
        &d[..d.len().min(3)]
    );
}

#[test]
fn an_empty_file_is_clean() {
    assert!(diags("").is_empty());
    assert!(diags("\n\n// only a comment\n").is_empty());
}

#[test]
fn a_ten_megabyte_file() {
    let mut text = String::from(
        "source nia { title: \"NIA\", published: 2025-11-05 }\nentity Country { name: Text }\n",
    );
    let mut i = 0;
    while text.len() < 10 * 1024 * 1024 {
        text.push_str(&format!(
            "catalogue Country {{ c{i} {{ name: \"Country number {i}\" }} }}\n"
        ));
        i += 1;
    }
    let d = diags(&text);
    // Every entry is fine; only the unused source is reported.
    assert_eq!(d.len(), 1, "{:?}", &d[..d.len().min(3)]);
    assert_eq!(d[0].code, Code::W0501);
}

#[test]
fn random_bytes_from_a_fixed_seed() {
    // A cheap, deterministic pseudo-random generator (xorshift) so the test is reproducible.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..200 {
        let mut bytes = Vec::with_capacity(512);
        for _ in 0..512 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            bytes.push((state & 0xFF) as u8);
        }
        let mut a = Analysis::default();
        a.set_file_bytes("random.edict", bytes);
        let _ = a.diagnostics();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        let _ = diags(&text);
    }

    #[test]
    fn policy_like_text_never_panics(
        parts in prop::collection::vec(prop::sample::select(vec![
            "rule ", "set ", "amend ", "decision ", "test ", "entity ", "catalogue ", "record ",
            "{", "}", "(", ")", "when ", "then ", "in ", "and ", "or ", "not ", "t.a", " x ",
            "2025-11-05", "2025-02-30", "144h", "1y..5y", "\"横琴 🎉\"", "\"open", "\n", ",", ":",
            "from ", "until ", "cite ", "item ", "4", "99999999999999999999", "// c\n", "/// d\n",
            " for ", "r ", "d ", "==", "<=", "-", "+", "add ", "remove ", "announced ",
        ]), 0..80)
    ) {
        let text: String = parts.concat();
        let _ = diags(&text);
    }
}

/// The committed fuzz seeds of the text targets, run through the same entry points.
#[test]
fn fuzz_seeds_parse_check_and_format() {
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds");
    let mut n = 0;
    for target in ["parse", "fmt"] {
        for entry in std::fs::read_dir(seeds.join(target)).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let _ = diags(&text);
            if let Ok(once) = edict_grammar::format(&text, edict_grammar::FormatOptions::default())
            {
                let twice =
                    edict_grammar::format(&once.text, edict_grammar::FormatOptions::default())
                        .unwrap();
                assert_eq!(once.text, twice.text);
            }
            n += 1;
        }
    }
    assert!(n >= 10, "{n} seeds");
}
