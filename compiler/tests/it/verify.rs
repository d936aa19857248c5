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

/// The laws of `verify` against the runtime, on generated workspaces: every request the runtime
/// answers `conflict` lies in an overlap `verify` reports (each rule of the conflict is named by
/// an overlap finding); a rule `verify` calls dead matches no request; every "can be removed"
/// hint, applied, leaves a workspace whose diff against the original is empty. And the law of
/// `check`: a workspace `check` accepts builds, and every well-typed request gets an answer (a
/// condition the tables cannot represent is planted in half the cases). `EDICT_VERIFY_CASES`
/// sets the number of workspaces (16).
mod laws {
    use edict_compiler::Analysis;
    use edict_runtime::diff::diff;
    use edict_runtime::verify::FindingKind;
    use edict_runtime::Engine;
    use edict_runtime::RuleStatus;
    use edict_testkit::random::{random_inputs, random_workspace};
    use edict_testkit::Rng;
    use proptest::prelude::*;

    fn analysis(text: &str) -> Analysis {
        let mut a = Analysis::default();
        a.set_file("random.edict", text.to_string());
        a
    }

    /// The text without rule `name` (its lines up to its closing brace).
    fn without_rule(text: &str, name: &str) -> String {
        let lines: Vec<&str> = text.lines().collect();
        let header = format!("rule {name} for ");
        let Some(start) = lines.iter().position(|l| l.starts_with(&header)) else {
            return text.to_string();
        };
        let end = (start..lines.len())
            .find(|&i| lines[i] == "}")
            .unwrap_or(start);
        let mut out: Vec<&str> = lines[..start].to_vec();
        out.extend(&lines[end + 1..]);
        out.join("\n") + "\n"
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: std::env::var("EDICT_VERIFY_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(16),
            max_shrink_iters: 0,
            ..ProptestConfig::default()
        })]

        #[test]
        fn verify_agrees_with_the_runtime(seed in any::<u64>()) {
            let text = random_workspace(seed)[0].1.clone();
            let a = analysis(&text);
            let Ok(artifact) = a.build() else { return Ok(()) };
            let engine = Engine::new(artifact).unwrap();
            let findings = engine.verify();
            let mut rng = Rng::new(seed);
            for (id, d) in engine.artifact().decisions.iter().enumerate() {
                let id = id as u32;
                let name = |r: u32| d.rules[r as usize].name.clone();
                for _ in 0..1_000 {
                    let inputs = random_inputs(engine.artifact(), d, &mut rng);
                    let explained = engine.explain(id, &inputs).unwrap();
                    if let edict_runtime::Verdict::Conflict(rs) = &explained.answer.verdict {
                        for r in rs {
                            prop_assert!(
                                findings.iter().any(|f| f.kind == FindingKind::Overlap
                                    && f.decision == d.name
                                    && f.rules.iter().any(|x| name(*x) == name(*r))),
                                "the runtime answers conflict between {:?} and verify reports no overlap of `{}`: {}\n{text}",
                                rs.iter().map(|r| name(*r)).collect::<Vec<_>>(),
                                name(*r),
                                engine.request_json(id, &inputs)
                            );
                        }
                    }
                    for (r, status) in &explained.rules {
                        if *status == RuleStatus::Matched {
                            let rule = name(*r);
                            prop_assert!(
                                !findings.iter().any(|f| f.kind == FindingKind::Dead
                                    && f.decision == d.name
                                    && name(f.rules[0]) == rule),
                                "rule `{rule}` is called dead, and {} matches it\n{text}",
                                engine.request_json(id, &inputs)
                            );
                        }
                    }
                }
            }
            // A hint that a rule can be removed, applied, changes no answer.
            for f in findings.iter().filter(|f| f.kind == FindingKind::Subsumed) {
                let d = engine.artifact().decisions.iter().find(|d| d.name == f.decision).unwrap();
                let rule = d.rules[f.rules[0] as usize].name.clone();
                let removed = analysis(&without_rule(&text, &rule)).build();
                let Ok(removed) = removed else { continue };
                let changes = diff(&engine, &Engine::new(removed).unwrap());
                prop_assert!(changes.is_empty(), "removing `{rule}` as hinted changes answers: {changes:#?}\n{text}");
            }
        }

        #[test]
        fn what_check_accepts_answers_every_request(seed in any::<u64>()) {
            let mut text = random_workspace(seed)[0].1.clone();
            match seed % 3 {
                // A range whose end is an input: well typed, but no table can test it.
                0 => text = text.replacen("  when ", "  when t.count in 0..t.count or ", 1),
                // An input inside another input: spelt out over the catalogue.
                1 => text = text.replacen("  when ", "  when t.port in t.city or ", 1),
                _ => {}
            }
            let a = analysis(&text);
            if a.check().iter().any(|d| d.is_error()) {
                return Ok(());
            }
            let artifact = a.build();
            prop_assert!(artifact.is_ok(), "check accepts what build refuses: {:?}", artifact.err());
            let engine = Engine::new(artifact.unwrap()).unwrap();
            let mut rng = Rng::new(seed);
            for (id, d) in engine.artifact().decisions.iter().enumerate() {
                for _ in 0..500 {
                    let inputs = random_inputs(engine.artifact(), d, &mut rng);
                    let answer = engine.decide(id as u32, &inputs);
                    prop_assert!(answer.is_ok(), "{answer:?}");
                }
            }
        }

        /// Lowering builds only versions a request can select: where a rule reads several
        /// relations by the same key, the keys its version tests on one column agree (planted
        /// mutation: versions built as the product of the relations' entries fail this).
        #[test]
        fn every_version_of_a_rule_can_be_selected(seed in any::<u64>()) {
            use edict_runtime::artifact::{Column, Domain, Test};
            let text = random_workspace(seed)[0].1.clone();
            let Ok(artifact) = analysis(&text).build() else { return Ok(()) };
            let catalogue = &artifact.catalogue;
            for d in &artifact.decisions {
                for rule in d.rules.iter() {
                    let mut by_column: std::collections::BTreeMap<u32, Vec<&Test>> =
                        std::collections::BTreeMap::new();
                    for c in rule.conditions.iter().filter(|c| c.selects.is_some()) {
                        for atom in c.dnf.iter().flatten() {
                            by_column.entry(atom.column).or_default().push(&atom.test);
                        }
                    }
                    for (column, tests) in by_column {
                        let size = match &d.columns[column as usize] {
                            Column::Category { domain: Domain::Entity(t), .. } => {
                                catalogue.entity_types[*t as usize].entities.len()
                            }
                            Column::Category { domain: Domain::Enum(e), .. } => {
                                catalogue.enums[*e as usize].variants.len()
                            }
                            _ => continue,
                        };
                        let selectable = (0..size as u32).any(|v| {
                            tests.iter().all(|t| match t {
                                Test::OneOf { values, negate } => values.contains(&v) != *negate,
                                _ => true,
                            })
                        });
                        prop_assert!(
                            selectable,
                            "a version of `{}` in `{}` tests keys no request can have: {:?}\n{text}",
                            rule.name, d.name, tests
                        );
                    }
                }
            }
        }
    }
}
