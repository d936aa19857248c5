//! `edict diff` run as a reviewer runs it: the announcement read as a diff in every format, a
//! window of days, identical sides, sets that cover their whole catalogue (a regression: such
//! decisions were reported "cannot be compared"), and decisions that cannot be compared.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "diff/history.rs"]
mod history;

use crate::common::{corpus_before_the_announcement, edict, root, tempdir};

#[test]
fn diff_against_the_corpus_before_the_announcement_reports_exactly_the_announcement() {
    let before = corpus_before_the_announcement("diff_against_the_corpus_");
    let before = before.join("before");
    let before = before.to_str().unwrap();
    let (code, stdout, stderr) = edict(&["diff", before, "policies"]);
    assert_eq!(code, 1, "{stderr}");
    // The announcement's four measures, each under its citation, read in at most 60 lines (wrapped at 100 columns).
    assert!(stdout.lines().count() <= 60, "{stdout}");
    for item in 1..=4 {
        assert!(
            stdout.contains(&format!("  nia_2025_11 item {item}:\n")),
            "{stdout}"
        );
    }
    insta::assert_snapshot!("diff_announcement", stdout);
    let (code, json, _) = edict(&["diff", before, "policies", "--format", "json"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("diff_announcement_json", json);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["version"], 2);
    let changed: Vec<&str> = v["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["decision"].as_str().unwrap())
        .collect();
    assert_eq!(
        changed,
        [
            "clearance_lane",
            "direct_transit",
            "talent_visa",
            "transit_entry"
        ]
    );
    let transit = &v["decisions"][3]["changes"][0];
    assert_eq!(transit["from"], "2025-11-05");
    let port = &transit["region"][1];
    assert_eq!(port["column"], "t.arrival_port");
    assert_eq!(
        port["members"],
        serde_json::json!([
            "guangzhou_pazhou",
            "hengqin",
            "hzmb",
            "west_kowloon",
            "zhongshan_port"
        ])
    );
    assert_eq!(
        (port["count"].as_u64(), port["of"].as_u64()),
        (Some(5), Some(19))
    );
    assert_eq!(transit["region"][0]["set"], "transit_countries");
    assert_eq!(transit["after"]["rules"][0], "visa_free_transit");
    // The rule's own citation: the 240-hour scheme (the amendment that made hengqin a member
    // is in the summary above the regions).
    assert_eq!(transit["after"]["citations"][0], "nia_2024_12_17");
    let amended = v["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "set_changed")
        .unwrap();
    assert_eq!(amended["set"], "transit_ports");
    assert_eq!(amended["from"], "2025-11-05");
    assert_eq!(
        amended["announced"],
        serde_json::json!({ "before": 60, "after": 65 })
    );
    assert_eq!(amended["citation"], "nia_2025_11 item 4");
    let (_, github, _) = edict(&[
        "diff",
        before,
        "policies",
        "--format",
        "github",
        "--exit-zero",
    ]);
    insta::assert_snapshot!("diff_github", github);
    let (code, md, _) = edict(&["diff", before, "policies", "--format", "md"]);
    assert_eq!(code, 1);
    assert!(md.starts_with("<!-- edict-diff -->\n"), "{md}");
    insta::assert_snapshot!("diff_markdown", md);
}

#[test]
fn a_window_of_days_restricts_the_diff() {
    let before = corpus_before_the_announcement("a_window_of_days_restric");
    let before = before.join("before");
    let before = before.to_str().unwrap();
    // Everything the announcement changes starts on 2025-11-05.
    let (code, stdout, _) = edict(&["diff", before, "policies", "--until", "2025-11-05"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.ends_with("no decision changes\n"), "{stdout}");
    let (code, stdout, _) = edict(&[
        "diff",
        before,
        "policies",
        "--from",
        "2025-12-01",
        "--until",
        "2026-01-01",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["window"]["from"], "2025-12-01");
    for d in v["decisions"].as_array().unwrap() {
        for c in d["changes"].as_array().unwrap() {
            assert_eq!(
                (c["from"].as_str(), c["until"].as_str()),
                (Some("2025-12-01"), Some("2026-01-01"))
            );
            assert_eq!(c["period"], "2025-12-01 to 2025-12-31");
        }
    }
    let (code, _, stderr) = edict(&[
        "diff",
        before,
        "policies",
        "--from",
        "2026-01-01",
        "--until",
        "2025-01-01",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--from must be before --until"), "{stderr}");
    let (code, _, stderr) = edict(&["diff", before, "policies", "--from", "2025-13-01"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is not a date"), "{stderr}");
}

/// A catalogue whose every entry belongs to some set that a rule tests: the minimal shape of
/// the bug where `edict diff w w` said "cannot be compared".
const COVERED: &str = r#"source src { title: "S", published: 2024-01-01 }
entity Port { name: Text }
catalogue Port {
  a { name: "A" }
  b { name: "B" }
}
set s: Port { a, b }
record T { port: Port, day: Date }
record O { ok: Bool }
decision d(t: T) -> O {
  as of t.day
  otherwise { ok: false }
}
rule r for d {
  cite src
  when t.port in s
  then { ok: true }
}
"#;

#[test]
fn sets_covering_their_whole_catalogue_compare_and_report_nothing() {
    let dir = tempdir("covered");
    std::fs::write(dir.join("w.edict"), COVERED).unwrap();
    let w = dir.to_str().unwrap();
    let (code, stdout, stderr) = edict(&["diff", w, w]);
    assert_eq!(
        (code, stdout.as_str()),
        (0, "no decision changes\n"),
        "{stderr}"
    );
    // Dropping `b` from the set is one change, with `b` named.
    let other = tempdir("covered-less");
    std::fs::write(
        other.join("w.edict"),
        COVERED.replace("set s: Port { a, b }", "set s: Port { a }"),
    )
    .unwrap();
    let (code, stdout, _) = edict(&["diff", w, other.to_str().unwrap()]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("diff_covered_drop_b", stdout);
}

#[test]
fn a_decision_that_cannot_be_compared_fails_even_with_exit_zero() {
    let (old, new) = (tempdir("incomparable-old"), tempdir("incomparable-new"));
    std::fs::write(old.join("w.edict"), COVERED).unwrap();
    std::fs::write(
        new.join("w.edict"),
        COVERED
            .replace("port: Port", "gate: Port")
            .replace("t.port", "t.gate"),
    )
    .unwrap();
    let (code, stdout, _) = edict(&[
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--exit-zero",
    ]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("decision `d` cannot be compared"),
        "{stdout}"
    );
}

#[test]
fn diff_of_identical_policies_is_empty_and_exits_0() {
    let (code, stdout, _) = edict(&["diff", "policies", "policies"]);
    assert_eq!(code, 0);
    assert_eq!(stdout.trim(), "no decision changes");
    let dir = tempdir("diff");
    let art = dir.join("p.edictc");
    assert_eq!(
        edict(&["build", "policies", "-o", art.to_str().unwrap()]).0,
        0
    );
    assert_eq!(
        edict(&["diff", art.to_str().unwrap(), "policies"]).0,
        0,
        "an artifact against a directory"
    );
    assert_eq!(
        edict(&[
            "diff",
            "compiler/tests/diff/before",
            art.to_str().unwrap(),
            "--exit-zero"
        ])
        .0,
        0
    );
    // Against git: the committed policies (HEAD), when run inside a repository.
    if root().join(".git").exists() {
        let (code, _, stderr) = edict(&["diff", "--old-rev", "HEAD", "policies", "--exit-zero"]);
        assert_eq!(code, 0, "{stderr}");
    }
}

/// `edict diff X X` reports nothing for every workspace in the repository that builds: each
/// directory of policies that builds as a whole, else each of its files that builds alone.
#[test]
fn every_workspace_in_the_repository_is_unchanged_against_itself() {
    fn dirs(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if path.is_dir() && !name.starts_with('.') && name != "target" {
                dirs(&path, out);
            } else if name.ends_with(".edict") && !out.contains(&dir.to_path_buf()) {
                out.push(dir.to_path_buf());
            }
        }
    }
    let mut found = Vec::new();
    dirs(&root(), &mut found);
    let scratch = tempdir("every-workspace");
    let artifact = scratch.join("a.edictc");
    let builds = |w: &std::path::Path| {
        edict(&[
            "build",
            w.to_str().unwrap(),
            "-o",
            artifact.to_str().unwrap(),
        ])
        .0 == 0
    };
    let mut compared = 0;
    for dir in found {
        let mut workspaces = vec![dir.clone()];
        if !builds(&dir) {
            workspaces = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "edict"))
                .filter(|p| builds(p))
                .collect();
        }
        for w in workspaces {
            let w = w.to_str().unwrap();
            let (code, out, stderr) = edict(&["diff", w, w]);
            assert_eq!(
                (code, out.as_str()),
                (0, "no decision changes\n"),
                "{w}: {stderr}"
            );
            compared += 1;
        }
    }
    assert!(compared >= 10, "only {compared} workspaces compared");
}

/// Copies a workspace directory into a scratch one.
fn copy_workspace(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "edict") {
            std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
        }
    }
}

#[test]
fn a_changed_dated_value_and_relation_entry_are_changes_diff_reports() {
    // The visa-free history as published, and a draft that would make the stay 60 days from
    // 2026-01-01 and designate Hengqin from 2025-11-01 instead of 2025-11-05.
    let dir = tempdir("diff_values");
    let (before, after) = (dir.join("before"), dir.join("after"));
    let example = root().join("examples/visa-free-history");
    copy_workspace(&example, &before);
    copy_workspace(&example, &after);
    let unilateral = after.join("unilateral.edict");
    let text = std::fs::read_to_string(&unilateral).unwrap();
    let text = text.replace(
        "  30d from 2024-11-30 cite mfa_2024_11_22\n",
        "  30d from 2024-11-30 cite mfa_2024_11_22\n  60d from 2026-01-01 cite mfa_2025_11_03\n",
    );
    std::fs::write(&unilateral, text).unwrap();
    let transit = after.join("transit.edict");
    let text = std::fs::read_to_string(&transit).unwrap();
    let text = text.replace(
        "  guangzhou_pazhou, hengqin, hzmb, zhongshan_port, west_kowloon:\n    240h from 2025-11-05 cite nia_2025_11_03\n",
        "  guangzhou_pazhou, hzmb, zhongshan_port, west_kowloon: 240h from 2025-11-05 cite nia_2025_11_03\n  hengqin: 240h from 2025-11-01 cite nia_2025_11_03\n",
    );
    assert!(
        text.contains("hengqin: 240h from 2025-11-01"),
        "the fixture moved: {text}"
    );
    std::fs::write(&transit, text).unwrap();
    let (b, a) = (before.display().to_string(), after.display().to_string());
    let (code, stdout, stderr) = edict(&["diff", &b, &a]);
    assert_eq!(code, 1, "{stderr}");
    // Both changes, in the sources and as regions of the decisions.
    assert!(
        stdout.contains("value `visa_free_stay` from 2026-01-01: 30d → 60d"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "relation `transit_stay_limit` 2025-11-01 to 2025-11-04: is 240h for `hengqin`"
        ),
        "{stdout}"
    );
    insta::assert_snapshot!("diff_values_and_relations", stdout);
    let (code, json, _) = edict(&["diff", &b, &a, "--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let kinds: Vec<&str> = v["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"value_changed"), "{json}");
    // The longer stay over a set that gains and loses members: one region, the set as it
    // stands each day.
    let nationality = v["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["decision"] == "visa_free_entry")
        .flat_map(|d| d["changes"].as_array().unwrap())
        .flat_map(|c| c["region"].as_array().unwrap())
        .find(|r| r["column"] == "t.nationality")
        .cloned()
        .unwrap_or_else(|| panic!("{json}"));
    insta::assert_json_snapshot!("diff_json_set_on_each_day", nationality);
}

/// A port added to the catalogue and designated in the same change (the normal shape of an
/// announcement): the diff reports the requests that name it, which the old version refuses,
/// in every format; and the other way round, a port gone from the catalogue.
#[test]
fn entries_new_in_the_catalogue_are_part_of_the_diff() {
    let (old, new) = (
        "cli/tests/data/new_in_catalogue/old",
        "cli/tests/data/new_in_catalogue/new",
    );
    let (code, human, _) = edict(&["diff", old, new]);
    assert_eq!(code, 1, "{human}");
    assert!(!human.contains("no decision changes"), "{human}");
    assert!(
        human.contains("catalogue of `Port`: adds b_port (1)"),
        "{human}"
    );
    assert!(human.contains("all new in the catalogue"), "{human}");
    // The amendment states no count: it says nothing of one (not `announced 1 → none`).
    assert!(
        human.contains("the amendment states no count (was announced 1)"),
        "{human}"
    );
    insta::assert_snapshot!("new_in_catalogue_human", human);
    let (_, json, _) = edict(&["diff", old, new, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let changes = v["decisions"][0]["changes"].as_array().unwrap();
    // From the day it is designated, the new side answers yes where the old refused.
    let designated = changes.iter().find(|c| c["from"] == "2025-11-05").unwrap();
    assert_eq!(designated["before"]["status"], "not_in_catalogue");
    assert_eq!(designated["after"]["outcome"]["st"], "yes");
    assert_eq!(
        designated["region"][0]["new_in_catalogue"],
        serde_json::json!(["b_port"])
    );
    assert_eq!(designated["example"]["q"]["port"], "b_port");
    insta::assert_snapshot!("new_in_catalogue_json", json);
    let (_, md, _) = edict(&["diff", old, new, "--format", "md"]);
    insta::assert_snapshot!("new_in_catalogue_md", md);
    // Reversed: the port is gone from the new version's catalogue.
    let (code, gone, _) = edict(&["diff", new, old]);
    assert_eq!(code, 1, "{gone}");
    assert!(
        gone.contains("catalogue of `Port`: drops b_port (1)"),
        "{gone}"
    );
    assert!(gone.contains("all gone from the catalogue"), "{gone}");
    insta::assert_snapshot!("gone_from_catalogue_human", gone);
}

/// The summary says what a set made of others is (its formula and members), and a set that a
/// new version ends reads as ending, with its citation; the regions credit both.
#[test]
fn a_formula_set_and_a_set_that_ends_read_as_such() {
    let base =
        std::fs::read_to_string(root().join("cli/tests/data/new_in_catalogue/old/ports.edict"))
            .unwrap();
    let (old, new) = (tempdir("formula-old"), tempdir("formula-new"));
    std::fs::write(old.join("w.edict"), &base).unwrap();
    let changed = base
        .replace(
            "catalogue Port { a_port { name: \"A\" } }",
            "catalogue Port { a_port { name: \"A\" }, c_port { name: \"C\" } }",
        )
        .replace(
            "set ports: Port cite s1 announced 1 { a_port }",
            "set ports: Port until 2026-01-01 cite s1 announced 1 { a_port }\n\
             set more_ports: Port from 2025-11-05 cite s2 { c_port }\n\
             set all_ports: Port = ports union more_ports",
        )
        .replace("when q.port in ports\n", "when q.port in all_ports\n");
    assert!(
        changed.contains("all_ports"),
        "the fixture moved: {changed}"
    );
    std::fs::write(new.join("w.edict"), changed).unwrap();
    let (o, n) = (old.to_str().unwrap(), new.to_str().unwrap());
    let (code, human, stderr) = edict(&["diff", o, n]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        human.contains("set `all_ports` (= ports union more_ports) is new: a_port (1)"),
        "{human}"
    );
    assert!(
        human.contains("set `ports` ends from 2026-01-01: its one member leaves it (a_port)"),
        "{human}"
    );
    assert!(
        human.contains("because `ports` ends on 2026-01-01 (it held a_port), s1"),
        "{human}"
    );
    insta::assert_snapshot!("formula_and_ending_human", human);
    let (_, json, _) = edict(&["diff", o, n, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let sources = v["sources"].as_array().unwrap();
    let added = sources
        .iter()
        .find(|s| s["kind"] == "set_added" && s["set"] == "all_ports")
        .unwrap();
    assert_eq!(added["formula"], "ports union more_ports");
    let ended = sources.iter().find(|s| s["kind"] == "set_ended").unwrap();
    assert_eq!(
        (&ended["set"], &ended["from"], &ended["citation"]),
        (
            &serde_json::json!("ports"),
            &serde_json::json!("2026-01-01"),
            &serde_json::json!("s1")
        )
    );
}

/// A rule, a set and a relation entry ended by a later announcement (`until .. by SOURCE item
/// N`): the diff files each end under that announcement and credits it, `explain` says which
/// announcement ended the rule, `table` shows it in the period, and the site's source page
/// lists what the announcement ended.
#[test]
fn ends_by_a_later_announcement_are_cited_to_it() {
    let data = root().join("cli/tests/data/ended_by");
    let (old, new) = (data.join("old"), data.join("new"));
    let (o, n) = (old.to_str().unwrap(), new.to_str().unwrap());
    let (code, human, stderr) = edict(&["diff", o, n]);
    assert_eq!(code, 1, "{stderr}");
    for line in [
        "  s2024 item 1: set `ports_72h` ends from 2024-12-17",
        "  s2024 item 2: rule `transit_72h` of `transit` changes its period",
        "  s2024 item 3: relation `stay_limit` from 2024-12-17: no longer has a value",
        "because `ports_72h` ends on 2024-12-17 (it held pek, pvg), s2024 item 1",
        "because rule `transit_72h` ends on 2024-12-17, s2024 item 2",
        "because `stay_limit` for pek, pvg has no value from 2024-12-17, s2024 item 3",
    ] {
        assert!(human.contains(line), "{line}\n{human}");
    }
    insta::assert_snapshot!("ended_by_human", human);
    let (_, json, _) = edict(&["diff", o, n, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let because = &v["decisions"][0]["changes"][0]["because"];
    let rule = because
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "rule_ended")
        .unwrap();
    assert_eq!(
        (&rule["rules"], &rule["from"], &rule["citation"]),
        (
            &serde_json::json!(["transit_72h"]),
            &serde_json::json!("2024-12-17"),
            &serde_json::json!("s2024 item 2")
        )
    );

    let scratch = tempdir("ended-by-request");
    let request = scratch.join("r.json");
    std::fs::write(
        &request,
        r#"{"v":{"port":"pek","day":"2025-01-01","stay":"24h"}}"#,
    )
    .unwrap();
    let (code, explained, stderr) = edict(&[
        "explain",
        n,
        "--decision",
        "transit",
        "--input",
        request.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        explained
            .contains("transit_72h: not in force on that day: ended on 2024-12-17 by s2024 item 2"),
        "{explained}"
    );
    let (code, table, stderr) =
        edict(&["table", n, "--decision", "transit", "--as-of", "2024-12-01"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        table.contains("2013-01-01 → 2024-12-17 by s2024 item 2"),
        "{table}"
    );

    let site = tempdir("ended-by-site");
    let (code, _, stderr) = edict(&["doc", n, "--out", site.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let page = std::fs::read_to_string(site.join("sources/s2024.html")).unwrap();
    for what in ["the end of the rule transit_72h", "the end of <a"] {
        assert!(page.contains(what), "{what}\n{page}");
    }
    let page = std::fs::read_to_string(site.join("decisions/transit.html")).unwrap();
    assert!(page.contains("(ended by <a"), "{page}");
}
