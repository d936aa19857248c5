//! `verify` on planted problems: each is found, and each counterexample request, evaluated by
//! the runtime, really exhibits the problem.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use edict_compiler::render::render_human;
use edict_compiler::{Analysis, Code};
use edict_runtime::verify::FindingKind;
use edict_runtime::{Engine, Verdict};

fn planted() -> Analysis {
    let mut a = Analysis::default();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/verify/planted.edict"
    ))
    .unwrap();
    a.set_file("planted.edict", text);
    a
}

#[test]
fn every_planted_problem_is_reported() {
    let a = planted();
    let diags = a.verify().unwrap();
    let codes: Vec<(Code, String)> = diags.iter().map(|d| (d.code, d.message.clone())).collect();
    insta::assert_debug_snapshot!(codes);
    insta::assert_snapshot!(render_human(&diags, &a.sources(), false));
    for code in [
        Code::E0701,
        Code::W0702,
        Code::W0703,
        Code::W0704,
        Code::H0705,
    ] {
        assert!(diags.iter().any(|d| d.code == code), "{code} not reported");
    }
}

#[test]
fn counterexamples_exhibit_the_problem() {
    let engine = Engine::new(planted().build().unwrap()).unwrap();
    let findings = engine.verify();
    let mut checked = 0;
    for f in &findings {
        let id = engine.decision_id(&f.decision).unwrap();
        let Some(example) = &f.example else { continue };
        let inputs = engine.parse_request(id, example).unwrap();
        let verdict = engine.decide(id, &inputs).unwrap().verdict;
        match f.kind {
            FindingKind::Overlap => {
                let Verdict::Conflict(rules) = verdict else {
                    panic!("{example} does not overlap: {verdict:?}")
                };
                assert!(f.rules.iter().all(|r| rules.contains(r)));
            }
            FindingKind::Gap => assert_eq!(verdict, Verdict::NoMatch, "{example}"),
            _ => {}
        }
        checked += 1;
    }
    // Two overlaps (different outcomes, and equal ones) and a gap.
    assert_eq!(checked, 3);
    // A shadowed rule matches a request on its own, yet the earlier rule answers it.
    let ordered = engine.decision_id("ordered").unwrap();
    let req = serde_json::json!({"t": {"nationality": "jp", "port": "p1", "arrival": "2025-06-01T10:00", "departure": "2025-06-01T12:00"}});
    let inputs = engine.parse_request(ordered, &req).unwrap();
    assert_eq!(
        engine.decide(ordered, &inputs).unwrap().verdict,
        Verdict::Rule(0)
    );
}

#[test]
fn the_shipped_policies_verify_clean() {
    let mut a = Analysis::default();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap();
    for f in edict_compiler::load::collect_files(&[root.join("policies")]).unwrap() {
        a.set_file(
            &f.display().to_string(),
            std::fs::read_to_string(&f).unwrap(),
        );
    }
    assert_eq!(a.verify().unwrap(), Vec::new());
}

/// Two relations read with the same key make only versions whose keys agree: none that can
/// never apply reaches the table, and `verify` finds nothing wrong with a rule its tests pass.
#[test]
fn relations_read_with_one_key_make_only_versions_that_agree() {
    let mut a = Analysis::default();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/verify/two_relations_one_key.edict"
    ))
    .unwrap();
    a.set_file("two_relations_one_key.edict", text);
    let artifact = a.build().unwrap();
    let d = artifact.decisions.iter().find(|d| d.name == "d").unwrap();
    // Before 2020 both read `otherwise`; from 2020 each port's two entries, and `otherwise`
    // for the other ports: 1 + 3 versions, not 1 + 3 × 3.
    assert_eq!(
        d.rules.len(),
        4,
        "{:#?}",
        d.rules.iter().map(|r| &r.bindings).collect::<Vec<_>>()
    );
    let diags = a.verify().unwrap();
    assert!(diags.is_empty(), "{diags:#?}");
}
