//! Laws of `edict diff` on generated workspaces: a workspace compared with itself has no change
//! (also when sets cover whole catalogues); after a random edit, every sampled request the two
//! versions answer differently lies in a reported region, and every region's example request
//! really is answered differently. 100,000 sampled requests by default
//! (`EDICT_DIFF_LAW_REQUESTS` changes it) over 40 edits (`EDICT_DIFF_LAW_EDITS`).
//!
//! The same laws on generated histories (`random_history`): announcements that add ports and
//! countries to the catalogue and designate them in the same change, end members, change dated
//! values and relation entries, add and end rules; each consecutive pair is diffed, with
//! requests drawn over the new catalogue (entries new in it included). 4 histories of 4 steps
//! by default (`EDICT_HISTORIES`, `EDICT_HISTORY_STEPS`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use edict_compiler::Analysis;
use edict_runtime::diff::{diff, DecisionDiff};
use edict_runtime::{Answer, Engine};
use edict_testkit::random::{random_edit, random_history, random_inputs, random_workspace};
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

proptest! {
    // A seed names a whole history: shrinking it finds nothing smaller, so it is not tried.
    #![proptest_config(ProptestConfig {
        cases: setting("EDICT_HISTORIES", 4),
        max_shrink_iters: 0,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_announcement_of_a_history_is_diffed_exactly(seed in any::<u64>()) {
        let steps = setting("EDICT_HISTORY_STEPS", 4) as usize;
        let versions = random_history(seed, steps, |t| engine(t).is_some());
        for pair in versions.windows(2) {
            history_step(&pair[0], &pair[1])?;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// `diff` moves requests between its sides with `translate_request`, not JSON: it reads
    /// each request as `parse_request` reads the other side's `request_json`, in both
    /// directions, over announcements that add entries to the catalogue and edits that change
    /// the inputs' shape.
    #[test]
    fn a_request_translated_reads_as_its_json(seed in any::<u64>(), edit in any::<u64>()) {
        let before = random_workspace(seed)[0].1.clone();
        let mut rng = Rng::new(edit);
        let afters = [
            random_edit(&before, &mut rng),
            random_history(edit, 1, |t| engine(t).is_some()).pop().unwrap(),
        ];
        for after in afters {
            let (Some(a), Some(b)) = (engine(&before), engine(&after)) else {
                continue;
            };
            for (from, to) in [(&a, &b), (&b, &a)] {
                for (fid, d) in from.artifact().decisions.iter().enumerate() {
                    let Some(tid) = to.decision_id(&d.name) else {
                        continue;
                    };
                    let params = &to.decision(tid).unwrap().params;
                    // A single input under another name is read as the request itself: the
                    // translation leaves that to the JSON path.
                    let renamed = params.len() == 1 && !d.params.iter().any(|(n, _)| *n == params[0].0);
                    for _ in 0..200 {
                        let inputs = random_inputs(from.artifact(), d, &mut rng);
                        let json = to.parse_request(tid, &from.request_json(fid as u32, &inputs));
                        let translated = to.translate_request(tid, from, fid as u32, &inputs);
                        if renamed {
                            prop_assert!(translated.is_none());
                        } else {
                            prop_assert_eq!(&translated, &json.as_ref().ok().cloned(), "{:?}", json);
                        }
                    }
                }
            }
        }
    }
}

/// The regions of decision `name` (none when it does not change); a decision the two versions
/// cannot compare fails the law.
fn changes_of<'a>(diffs: &'a [DecisionDiff], name: &str) -> &'a [edict_runtime::diff::Change] {
    diffs
        .iter()
        .find_map(|x| match x {
            DecisionDiff::Changed { decision, changes } if decision == name => {
                Some(changes.as_slice())
            }
            DecisionDiff::Incomparable { why, .. } => panic!("not comparable: {why}"),
            _ => None,
        })
        .unwrap_or(&[])
}

/// What the old version answers to a request drawn from the new one, as `diff` compares it:
/// its answer; or, when the request names an entry only the new catalogue has, in a column
/// both versions test, `not_in_catalogue` (the old version refuses it); or, when the entry is
/// in an input the old version does not test as such, its answer with the entry renamed to a
/// known one that no other input names and that has the same attributes (the answer cannot
/// depend on which; `None` when the old catalogue has none such).
fn old_answer(
    old: &Engine,
    oid: u32,
    new: &Engine,
    nid: u32,
    request: &Json,
) -> Option<Result<(Json, Json), String>> {
    let od = old.decision(oid)?;
    let nd = new.decision(nid)?;
    let tested_by_both = |field: &str| {
        let cat = |d: &edict_runtime::artifact::DecisionTable| {
            d.columns.iter().any(|c| {
                matches!(c, edict_runtime::artifact::Column::Category { path, .. } if path.text == field)
            })
        };
        cat(od) && cat(nd)
    };
    let mut request = request.clone();
    for _ in 0..8 {
        match old.parse_request(oid, &request) {
            Ok(oi) => {
                let oa = old.decide(oid, &oi).ok()?;
                return Some(Ok(compared(old, &oa)));
            }
            Err(e) => {
                if tested_by_both(&e.field) {
                    return Some(Err(e.field));
                }
                rename_unknown(old, new, &mut request, &e.field)?;
            }
        }
    }
    None
}

/// Renames the entry at `field` (`t.port`) of `request` to one the old catalogue has, of the
/// same type and attributes, named by no other input.
fn rename_unknown(old: &Engine, new: &Engine, request: &mut Json, field: &str) -> Option<()> {
    let mut path = field.split('.');
    let param = path.next()?;
    let name = path.next()?;
    let slot = request.get_mut(param)?.get_mut(name)?;
    let unknown = slot.as_str()?.to_string();
    let (na, oa) = (new.artifact(), old.artifact());
    let (nt, entity) = na.catalogue.entity_types.iter().find_map(|t| {
        t.entities
            .iter()
            .find(|e| e.name == unknown)
            .map(|e| (t, e))
    })?;
    let ot = oa
        .catalogue
        .entity_types
        .iter()
        .find(|t| t.name == nt.name)?;
    let used: Vec<String> = request[param]
        .as_object()?
        .values()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    let known = ot.entities.iter().find(|e| {
        e.attributes == entity.attributes && e.parent == entity.parent && !used.contains(&e.name)
    })?;
    request[param][name] = Json::String(known.name.clone());
    Some(())
}

/// The diff law on one announcement of a history: every request answered differently (entries
/// new in the catalogue included) lies in a region; every region's example is answered as it
/// says on both sides.
fn history_step(before: &str, after: &str) -> Result<(), TestCaseError> {
    let (old, new) = (engine(before).unwrap(), engine(after).unwrap());
    let diffs = diff(&old, &new);
    for (nid, d) in new.artifact().decisions.iter().enumerate() {
        let nid = nid as u32;
        let oid = old.decision_id(&d.name).unwrap();
        let changes = changes_of(&diffs, &d.name);
        for c in changes {
            let ni = new.parse_request(nid, &c.example).unwrap();
            let na = compared(&new, &new.decide(nid, &ni).unwrap());
            if c.before.status == "not_in_catalogue" {
                prop_assert!(old.parse_request(oid, &c.example).is_err(), "{c:?}");
                prop_assert_eq!(&na.0, &Json::String(c.after.status.clone()));
                continue;
            }
            let oi = old.parse_request(oid, &c.example).unwrap();
            let oa = compared(&old, &old.decide(oid, &oi).unwrap());
            prop_assert_ne!(&oa, &na, "example of {:?}", c);
        }
        let mut rng = Rng::new(before.len() as u64 ^ after.len() as u64);
        for _ in 0..2_000 {
            let ni = random_inputs(new.artifact(), d, &mut rng);
            let request = new.request_json(nid, &ni);
            let na = compared(&new, &new.decide(nid, &ni).unwrap());
            let Some(oa) = old_answer(&old, oid, &new, nid, &request) else {
                continue;
            };
            let in_region = match &oa {
                // Refused by the old version: a region of entries new in the catalogue.
                Err(_) => changes.iter().any(|c| {
                    c.before.status == "not_in_catalogue" && c.contains_on_new_side(&new, nid, &ni)
                }),
                Ok(oa) if *oa == na => continue,
                Ok(_) => match old.parse_request(oid, &request) {
                    Ok(oi) => changes
                        .iter()
                        .any(|c| c.contains((&old, oid, &oi), (&new, nid, &ni))),
                    // Renamed for the old side: the region is judged on the new side's
                    // columns.
                    Err(_) => changes
                        .iter()
                        .any(|c| c.contains_on_new_side(&new, nid, &ni)),
                },
            };
            prop_assert!(
                in_region,
                "decision `{}`: {request} is answered {:?} before and {:?} after, in no region\nbefore:\n{before}\nafter:\n{after}\nregions: {changes:#?}",
                d.name, oa, na
            );
        }
    }
    Ok(())
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
            let changes = changes_of(&diffs, &d.name);
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
