//! A real policy history read commit by commit: China's visa-free transit 2013-2025
//! (`cli/tests/data/history/`, from examples/research/visa-free-history.md), one git commit per
//! announcement. Ports and provinces enter the catalogue with the announcement that designates
//! them; a relation gives each port its permitted area; Beijing's airport moves from the 72-hour
//! set into the 144-hour one; both sets end when 240 hours replace them. At every commit the
//! policy is clean (`check --deny-warnings`, `fmt --check`, `verify`), `diff . .` is empty and
//! `verify`'s findings agree with `eval` over every port, province, period boundary and stay; the
//! diff of each pair names exactly the ports, catalogue entries and relation keys the
//! announcement changed.

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::{edict, root, tempdir};

const HISTORY: [&str; 6] = ["v1", "v2", "v3", "v4", "v5", "v6"];

/// What each announcement changes, as the research notes state it.
struct Announcement {
    /// Ports whose answers change for requests both versions can read.
    ports: &'static [&'static str],
    /// Entries the catalogues gain: ports, then provinces.
    new_ports: &'static [&'static str],
    new_provinces: &'static [&'static str],
    /// Relation keys whose permitted area changes.
    area_keys: &'static [&'static str],
}

const ANNOUNCEMENTS: [Announcement; 5] = [
    // 2016-01-30 (T4, T4b): 144 hours at Shanghai's airports, Nanjing and Hangzhou.
    Announcement {
        ports: &["shanghai_hongqiao", "shanghai_pudong"],
        new_ports: &["hangzhou_xiaoshan", "nanjing_lukou"],
        new_provinces: &["jiangsu", "zhejiang"],
        area_keys: &[
            "hangzhou_xiaoshan",
            "nanjing_lukou",
            "shanghai_hongqiao",
            "shanghai_pudong",
        ],
    },
    // 2017-12-28 (T5): Beijing moves to 144 hours, with Tianjin and Hebei.
    Announcement {
        ports: &["beijing_capital"],
        new_ports: &[],
        new_provinces: &["hebei", "tianjin"],
        area_keys: &["beijing_capital"],
    },
    // 2024-07-15 (T13): Zhengzhou, Lijiang, Mohan, all new.
    Announcement {
        ports: &[],
        new_ports: &["lijiang_sanyi", "mohan_railway_port", "zhengzhou_xinzheng"],
        new_provinces: &["henan", "yunnan"],
        area_keys: &["zhengzhou_xinzheng"],
    },
    // 2024-12-17 (T14): 240 hours at every port; the per-port areas end.
    Announcement {
        ports: &[
            "beijing_capital",
            "hangzhou_xiaoshan",
            "lijiang_sanyi",
            "mohan_railway_port",
            "nanjing_lukou",
            "shanghai_hongqiao",
            "shanghai_pudong",
            "zhengzhou_xinzheng",
        ],
        new_ports: &[],
        new_provinces: &[],
        area_keys: &[
            "beijing_capital",
            "hangzhou_xiaoshan",
            "nanjing_lukou",
            "shanghai_hongqiao",
            "shanghai_pudong",
            "zhengzhou_xinzheng",
        ],
    },
    // 2025-11-05 (T16): five Guangdong ports, all new.
    Announcement {
        ports: &[],
        new_ports: &[
            "guangzhou_pazhou",
            "hengqin",
            "hzmb",
            "west_kowloon",
            "zhongshan_port",
        ],
        new_provinces: &[],
        area_keys: &[],
    },
];

/// The entries of a catalogue as a version's `places.edict` writes them.
fn catalogue(version: &Path, ty: &str) -> Vec<String> {
    let text = std::fs::read_to_string(version.join("places.edict")).unwrap();
    let start = text.find(&format!("catalogue {ty} {{")).unwrap();
    let body = &text[start..];
    let body = &body[body.find('\n').unwrap() + 1..body.find("\n}").unwrap()];
    body.lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| w.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .map(str::to_string)
        .collect()
}

fn names(v: &serde_json::Value) -> BTreeSet<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The ports a change's region covers: the values its port column lists (or leaves out), else
/// every port (the region does not restrict the port).
fn region_ports(change: &serde_json::Value, ports: &[String]) -> BTreeSet<String> {
    let all: BTreeSet<String> = ports.iter().cloned().collect();
    for r in change["region"].as_array().unwrap() {
        if !r["column"].as_str().unwrap().ends_with("port") {
            continue;
        }
        if r["kind"] == "set_on_each_day" {
            let mut out = BTreeSet::new();
            for s in r["stretches"].as_array().unwrap() {
                out.extend(names(&s["members"]));
            }
            return out;
        }
        if r.get("all_but").is_some() {
            return all.difference(&names(&r["all_but"])).cloned().collect();
        }
        return names(&r["members"]);
    }
    all
}

fn strings(v: &[&str]) -> BTreeSet<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Every transit and area request over the version's ports and provinces, on each period
/// boundary of the history and the day before it, for stays around each limit.
fn grid(version: &Path) -> (Vec<String>, Vec<String>) {
    let days = [
        "2012-12-31",
        "2013-01-01",
        "2016-01-29",
        "2016-01-30",
        "2017-12-27",
        "2017-12-28",
        "2024-07-14",
        "2024-07-15",
        "2024-12-16",
        "2024-12-17",
        "2025-11-04",
        "2025-11-05",
    ];
    let stays = [0, 1, 72, 73, 144, 145, 240, 241];
    let (ports, provinces) = (catalogue(version, "Port"), catalogue(version, "Province"));
    let mut transit = Vec::new();
    let mut area = Vec::new();
    for day in days {
        for port in &ports {
            for hours in stays {
                let arrival = format!("{day}T08:00:00");
                let departure = arrival
                    .parse::<jiff::civil::DateTime>()
                    .unwrap()
                    .checked_add(jiff::Span::new().hours(hours))
                    .unwrap();
                transit.push(
                    serde_json::json!({ "t": {
                        "arrival_port": port, "arrival": arrival,
                        "onward_departure": departure.to_string(),
                    }})
                    .to_string(),
                );
            }
            for province in &provinces {
                area.push(
                    serde_json::json!({ "a": {
                        "entry_port": port, "destination": province, "day": day,
                    }})
                    .to_string(),
                );
            }
        }
    }
    (transit, area)
}

/// `verify` finds nothing at this version; `eval` agrees: no request of the grid is a
/// conflict or unanswered, and every rule in the version decides some request.
fn verify_agrees_with_eval(version: &Path, scratch: &Path) {
    let dir = version.to_str().unwrap();
    let (code, json, stderr) = edict(&["verify", dir, "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["diagnostics"], serde_json::json!([]), "{dir}: {json}");
    let (transit, area) = grid(version);
    for (decision, requests) in [("transit", transit), ("transit_area", area)] {
        let batch = scratch.join(format!("{decision}.jsonl"));
        std::fs::write(&batch, requests.join("\n")).unwrap();
        let (code, out, stderr) = edict(&[
            "eval",
            dir,
            "--decision",
            decision,
            "--batch",
            batch.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{dir} {decision}: {stderr}");
        let mut fired = BTreeSet::new();
        for line in out.lines() {
            let answer: serde_json::Value = serde_json::from_str(line).unwrap();
            let status = answer["status"].as_str().unwrap_or_default();
            assert!(
                status == "decided" || status == "otherwise",
                "{dir} {decision}: verify found no overlap or gap, eval says {line}"
            );
            if let Some(rule) = answer["rule"]["name"].as_str() {
                fired.insert(rule.to_string());
            }
        }
        assert_eq!(out.lines().count(), requests.len());
        let text = std::fs::read_to_string(version.join("transit.edict")).unwrap();
        let rules: BTreeSet<String> = text
            .lines()
            .filter_map(|l| l.strip_prefix("rule "))
            .filter(|l| l.contains(&format!(" for {decision} ")))
            .map(|l| l.split_whitespace().next().unwrap().to_string())
            .collect();
        assert_eq!(
            fired, rules,
            "{dir} {decision}: verify found no dead rule, so eval fires every rule"
        );
    }
}

#[test]
fn a_history_diffed_commit_by_commit_names_exactly_what_each_announcement_changed() {
    let repo = tempdir("history");
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args([
                "-c",
                "user.name=edict",
                "-c",
                "user.email=edict@example.invalid",
            ])
            .args(args)
            .current_dir(&repo)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q"]);
    let policies = repo.join("policies");
    let p = policies.to_str().unwrap();
    let scratch = repo.join("scratch");
    std::fs::create_dir_all(&scratch).unwrap();
    for (i, version) in HISTORY.iter().enumerate() {
        let _ = std::fs::remove_dir_all(&policies);
        std::fs::create_dir_all(&policies).unwrap();
        let from = root().join("cli/tests/data/history").join(version);
        for entry in std::fs::read_dir(&from).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, policies.join(path.file_name().unwrap())).unwrap();
        }
        git(&["add", "-A"]);
        git(&["commit", "-qm", version]);
        // Clean as CI would have it.
        for args in [
            vec!["check", p, "--deny-warnings"],
            vec!["fmt", "--check", p],
        ] {
            let (code, _, stderr) = edict(&args);
            assert_eq!(code, 0, "{version}: {args:?}: {stderr}");
        }
        let (code, same, stderr) = edict(&["diff", p, p]);
        assert_eq!(
            (code, same.as_str()),
            (0, "no decision changes\n"),
            "{stderr}"
        );
        verify_agrees_with_eval(&policies, &scratch);
        if i == 0 {
            continue;
        }
        let (code, out, stderr) = edict(&["diff", "--old-rev", "HEAD~1", p]);
        assert_eq!(code, 1, "{stderr}");
        insta::assert_snapshot!(format!("history_{}_to_{version}", HISTORY[i - 1]), out);
        let (_, json, _) = edict(&["diff", "--old-rev", "HEAD~1", p, "--format", "json"]);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let expected = &ANNOUNCEMENTS[i - 1];
        let ports = catalogue(&from, "Port");
        // Ports answered differently on both sides, and entries new in the catalogue.
        let (mut changed, mut new_entries) = (BTreeSet::new(), BTreeSet::new());
        for d in v["decisions"].as_array().unwrap() {
            assert_eq!(d["kind"], "changed", "{version}: {d}");
            for c in d["changes"].as_array().unwrap() {
                let refused = c["before"]["status"] == "not_in_catalogue"
                    || c["after"]["status"] == "not_in_catalogue";
                for r in c["region"].as_array().unwrap() {
                    new_entries.extend(names(&r["new_in_catalogue"]));
                }
                if !refused {
                    changed.extend(region_ports(c, &ports));
                    assert!(
                        !c["because"].as_array().unwrap().is_empty(),
                        "{version}: a change with no cause: {c}"
                    );
                }
            }
        }
        assert_eq!(changed, strings(expected.ports), "{version}: ports");
        let catalogue_new: BTreeSet<String> = strings(expected.new_ports)
            .union(&strings(expected.new_provinces))
            .cloned()
            .collect();
        assert_eq!(new_entries, catalogue_new, "{version}: new entries");
        // The summary: the catalogues' growth and the relation keys that change.
        let mut added = BTreeSet::new();
        let mut keys = BTreeSet::new();
        for s in v["sources"].as_array().unwrap() {
            match s["kind"].as_str().unwrap() {
                "catalogue_changed" => added.extend(names(&s["added"])),
                "value_changed" if s["value"] == "permitted_area" => {
                    keys.insert(s["key"].as_str().unwrap().to_string());
                }
                _ => {}
            }
        }
        assert_eq!(added, catalogue_new, "{version}: catalogue");
        assert_eq!(
            keys,
            strings(expected.area_keys),
            "{version}: relation keys"
        );
    }
    // The whole history at once: every announcement since 2016, read in order.
    let (_, out, _) = edict(&["diff", "--old-rev", "HEAD~5", p, "--from", "2016-01-01"]);
    insta::assert_snapshot!("history_v1_to_v6_since_2016", out);
}
