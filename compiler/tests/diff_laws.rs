//! Laws of `edict diff` on generated workspaces: a workspace compared with itself has no change
//! (also when sets cover whole catalogues); after a random edit, every sampled request the two
//! versions answer differently lies in a reported region, and every region's example request
//! really is answered differently. 100,000 sampled requests by default
//! (`EDICT_DIFF_LAW_REQUESTS` changes it) over 40 edits (`EDICT_DIFF_LAW_EDITS`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use edict_compiler::Analysis;
use edict_runtime::diff::{diff, DecisionDiff};
use edict_runtime::{Answer, Engine};
use edict_testkit::random::{random_edit, random_inputs, random_workspace};
use edict_testkit::Rng;
use proptest::prelude::*;
use serde_json::Value as Json;

fn setting(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn edits() -> u32 {
    setting("EDICT_DIFF_LAW_EDITS", 40)
}

fn requests_per_edit() -> usize {
    (setting("EDICT_DIFF_LAW_REQUESTS", 100_000) / edits().max(1)) as usize
}

fn engine(text: &str) -> Option<Engine> {
    let mut analysis = Analysis::default();
    analysis.set_file("random.edict", text.to_string());
    let artifact = analysis.build().ok()?;
    Some(Engine::new(artifact).unwrap())
}

/// What `diff` compares of an answer: its status and outcome (not which rule gave it), and for
/// `hit collect` each outcome with the name of the rule that gave it.
fn compared(engine: &Engine, answer: &Answer) -> (Json, Json) {
    let j = engine.answer_json(answer);
    let outcome = match j.get("outcomes").and_then(Json::as_array) {
        Some(os) => os
            .iter()
            .map(|o| (o["outcome"].clone(), o["rule"]["name"].clone()))
            .map(|(o, r)| serde_json::json!([o, r]))
            .collect(),
        None => j.get("outcome").cloned().unwrap_or(Json::Null),
    };
    (j.get("status").cloned().unwrap_or(Json::Null), outcome)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn a_workspace_compared_with_itself_has_no_change(seed in any::<u64>()) {
        let text = &random_workspace(seed)[0].1;
        let (a, b) = (engine(text).unwrap(), engine(text).unwrap());
        let diffs = diff(&a, &b);
        prop_assert!(diffs.is_empty(), "{diffs:#?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: edits(), ..ProptestConfig::default() })]

    #[test]
    fn every_changed_request_lies_in_a_reported_region(seed in any::<u64>(), edit in any::<u64>()) {
        changes_lie_in_regions(seed, edit)?;
    }
}

/// Edits that once broke the law (seed, edit), kept as plain tests.
#[test]
fn regressions() {
    // A difference of two dates (`t.end - t.start`) whose classes' representatives were not
    // whole days.
    let cases: &[(u64, u64)] = &[
        (1_305_082_049_233_293_103, 2_025_330_188_350_256_447),
        (9_072_147_918_091_079_186, 17_436_748_823_505_354_429),
    ];
    for &(seed, edit) in cases {
        changes_lie_in_regions(seed, edit).unwrap();
    }
}

fn changes_lie_in_regions(seed: u64, edit: u64) -> Result<(), TestCaseError> {
    {
        let before = random_workspace(seed)[0].1.clone();
        let mut rng = Rng::new(edit);
        // An edit that leaves a workspace that checks (a few tries).
        let Some((after, new)) = (0..8)
            .map(|_| random_edit(&before, &mut rng))
            .find_map(|t| engine(&t).map(|e| (t, e)))
        else {
            return Ok(());
        };
        let old = engine(&before).unwrap();
        let diffs = diff(&old, &new);
        let per_decision = requests_per_edit() / new.artifact().decisions.len().max(1);
        for (nid, d) in new.artifact().decisions.iter().enumerate() {
            let nid = nid as u32;
            let oid = old.decision_id(&d.name).unwrap();
            let changes = diffs
                .iter()
                .find_map(|x| match x {
                    DecisionDiff::Changed { decision, changes } if *decision == d.name => {
                        Some(changes.as_slice())
                    }
                    DecisionDiff::Incomparable { why, .. } => panic!("not comparable: {why}"),
                    _ => None,
                })
                .unwrap_or(&[]);
            // Every region's example is answered differently.
            for c in changes {
                let ni = new.parse_request(nid, &c.example).unwrap();
                let oi = old.parse_request(oid, &c.example).unwrap();
                let (na, oa) = (new.decide(nid, &ni).unwrap(), old.decide(oid, &oi).unwrap());
                prop_assert_ne!(
                    compared(&old, &oa),
                    compared(&new, &na),
                    "example of {:?}",
                    c
                );
                prop_assert!(
                    c.contains((&old, oid, &oi), (&new, nid, &ni)),
                    "example outside its region: {:?}",
                    c
                );
            }
            // Every request answered differently lies in a region.
            let mut rng = Rng::new(seed ^ edit);
            for _ in 0..per_decision {
                let ni = random_inputs(new.artifact(), d, &mut rng);
                let request = new.request_json(nid, &ni);
                let oi = old.parse_request(oid, &request).unwrap();
                let (na, oa) = (new.decide(nid, &ni).unwrap(), old.decide(oid, &oi).unwrap());
                if compared(&old, &oa) != compared(&new, &na) {
                    prop_assert!(
                        changes.iter().any(|c| c.contains((&old, oid, &oi), (&new, nid, &ni))),
                        "decision `{}`: {request} is answered {:?} before and {:?} after, in no region\nbefore:\n{before}\nafter:\n{after}\nregions: {changes:#?}",
                        d.name, compared(&old, &oa), compared(&new, &na)
                    );
                }
            }
        }
    }
    Ok(())
}
