//! `edict doc` as readers meet it: the site of `policies/` in headless Chromium (Debian's,
//! driven by playwright-core, with axe-core; `tools/vscode/setup.sh` installs them when absent): every page
//! loads from disk with no console error, no link is broken, no page scrolls sideways at 390 or
//! 1400 px and axe-core finds no violation on any, the search works from the keyboard and finds
//! a port by its Chinese name, the date control changes the table shown, and served by
//! `edict serve --docs`, the form asks the decision service. The history example's site has
//! its dated values and relations.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::BufRead;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::common::{edict, root, tempdir};

/// Node, playwright-core and Chromium, as `tools/vscode/setup.sh` installs them.
fn browser_tools() -> Option<PathBuf> {
    crate::common::installed("EDICT_VSCODE", "tools/vscode/setup.sh")
}

struct Served(std::process::Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_site_of_the_policies_in_a_browser() {
    let Some(tools) = browser_tools() else { return };
    let dir = tempdir("site");
    let site = dir.join("site");
    let (code, _, err) = edict(&["doc", "policies", "-o", site.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("wrote 121 pages"), "{err}");
    // Served, with its forms asking the service, which wants a decision token.
    let token = "a-gate-token-for-the-site-test";
    let mut child = Command::new(env!("CARGO_BIN_EXE_edict"))
        .args([
            "serve",
            "policies",
            "--listen",
            "127.0.0.1:0",
            "--no-decision-log",
            "--decision-token-env",
            "EDICT_SITE_TOKEN",
            "--docs",
        ])
        .arg(&site)
        .env("EDICT_SITE_TOKEN", token)
        .current_dir(root())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let served = Served(child);
    let mut lines = std::io::BufReader::new(stderr).lines();
    let addr = loop {
        let line = lines.next().expect("the service starts").unwrap();
        if let Some(a) = line.split("listening on http://").nth(1) {
            break a.split(',').next().unwrap().to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let mut check = Command::new(tools.join("node24/package/bin/node"));
    check
        .arg(root().join("tools/site/check.mjs"))
        .env("SITE", &site)
        .env("SERVED", format!("http://{addr}"))
        .env(
            "REQUEST",
            root().join("policies/requests/us_national_at_hengqin.json"),
        )
        .env(
            "REQUEST_AIRSIDE",
            root().join("policies/requests/airside_at_tianjin_binhai.json"),
        )
        .env("TOKEN", token)
        .env("TOOLS", tools.join("tools"))
        .env("OUT", &out);
    if let Some(shots) = std::env::var_os("EDICT_SITE_SHOTS") {
        check.env("SHOTS", shots);
    }
    let run = check.output().unwrap();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(run.status.success(), "{log}");
    drop(served);
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    assert_eq!(r["pages"], 121, "{r:#}");
    assert_eq!(r["consoleErrors"], serde_json::json!([]), "{r:#}");
    assert_eq!(r["brokenLinks"], serde_json::json!([]), "{r:#}");
    // No page scrolls sideways on a phone or a wide screen, and axe-core finds nothing, on
    // every page at both widths.
    assert_eq!(r["tooWide"], serde_json::json!([]), "{r:#}");
    assert_eq!(r["axe"], serde_json::json!([]), "{r:#}");
    // Every page but the entries' (two of each type of entry, one template): 23 + 8.
    assert_eq!(r["axePages"], 31, "{r:#}");
    assert_eq!(r["axeRuns"], 62, "{r:#}");
    // Three questions, two clicks each from the index: the day, then the port.
    let q = &r["questions"];
    let said = |key: &str| {
        q[key]["said"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        q["hengqin"]["clicks"],
        serde_json::json!(["changes/2025-11-05.html", "entries/Port/hengqin.html"]),
        "{r:#}"
    );
    // A traveller at Hengqin from 2025-11-05: visa-free transit, 240 hours, item 4.
    assert!(
        said("hengqin")[0].contains("from 2025-11-05 On the authority of nia_2025_11 item 4")
            && said("hengqin")[0].contains("max_stay: 240h"),
        "{r:#}"
    );
    // Changing planes airside at Tianjin Binhai: exempt from inspection under item 3.
    assert!(
        said("tianjin")
            .iter()
            .any(|s| s.contains("nia_2025_11 item 3")
                && s.contains("direct_transit_24h")
                && s.contains("exempt_from_inspection")),
        "{r:#}"
    );
    // At Shanghai Hongqiao: the smart e-gates under item 2.
    assert!(
        said("hongqiao")
            .iter()
            .any(|s| s.contains("nia_2025_11 item 2") && s.contains("smart_egate")),
        "{r:#}"
    );
    // The source's page quotes item 4, which designated Hengqin, in both languages.
    let item4 = r["item4"].as_array().unwrap();
    assert_eq!(item4.len(), 2, "{r:#}");
    assert_eq!(item4[0]["lang"], "", "{r:#}");
    assert!(
        item4[0]["text"].as_str().unwrap().contains("Hengqin"),
        "{r:#}"
    );
    assert_eq!(item4[1]["lang"], "zh", "{r:#}");
    assert!(item4[1]["text"].as_str().unwrap().contains("横琴"), "{r:#}");
    // The search from the keyboard alone reaches the port's page, which says what applies
    // there, since when and on whose authority.
    let keys = &r["keyboardSearch"];
    assert_eq!(keys["focused"], "hengqin (Hengqin)", "{r:#}");
    assert_eq!(keys["landed"], "entries/Port/hengqin.html", "{r:#}");
    assert_eq!(
        keys["said"],
        serde_json::json!([
            "In transit_ports from 2025-11-05 On the authority of nia_2025_11 item 4: Additional Ports for 144-Hour Visa-Free Transit. Counts for rule visa_free_transit of transit_entry (from 2024-12-17): status: visa_free_transit, max_stay: 240h"
        ]),
        "{r:#}"
    );
    // A code finds its entry.
    assert_eq!(
        r["searchCode"],
        serde_json::json!(["us (United States)"]),
        "{r:#}"
    );
    assert!(
        r["search"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s.as_str().unwrap().starts_with("hengqin")),
        "{r:#}"
    );
    // Why the table changes, day by day, and when each rule is in force.
    assert_eq!(
        r["changeDays"],
        serde_json::json!([
            "2024-12-17: rule visa_free_transit begins, reading transit_stay_limit = 240h; set transit_ports has 13 members (nia_2024_12_17)",
            "2025-11-05: set transit_ports has 18 members (nia_2025_11 item 4)"
        ]),
        "{r:#}"
    );
    assert_eq!(
        r["timelineLanes"],
        serde_json::json!(["visa_free_transit"]),
        "{r:#}"
    );
    let dc = &r["dateControl"];
    // The rows shown on a day: the transit rule with the ports listed that day, and otherwise.
    let rows = |when: &str| -> Vec<String> {
        dc[when]
            .as_array()
            .unwrap_or_else(|| panic!("{r:#}"))
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    let ports = |when: &str| -> Vec<String> {
        rows(when)
            .iter()
            .map(|row| row.split(" | ").nth(2).unwrap_or("").to_string())
            .collect()
    };
    for when in ["initial", "after"] {
        assert_eq!(ports(when), ["in transit_ports (18)", "-"], "{when}: {r:#}");
        assert!(rows(when)[0].ends_with("from 2025-11-05"), "{r:#}");
    }
    assert_eq!(ports("before"), ["in transit_ports (13)", "-"], "{r:#}");
    assert!(
        rows("before")[0].ends_with("from 2024-12-17 until 2025-11-05 (not on that day)"),
        "{r:#}"
    );
    assert!(rows("before")[1].ends_with("always"), "{r:#}");
    assert_eq!(
        dc["beforeLabel"], "showing 2 rows, the table from 2024-12-17 until 2025-11-05",
        "{r:#}"
    );
    assert_eq!(
        dc["formOffline"], true,
        "from disk the form cannot ask: {r:#}"
    );
    assert_eq!(
        r["expectedErrors"],
        serde_json::json!([
            "served form: Failed to load resource: the server responded with a status of 401 (Unauthorized)"
        ]),
        "{r:#}"
    );
    assert_eq!(
        r["served"]["refused"],
        "Unauthorized: this endpoint needs a bearer token (send `Authorization: Bearer TOKEN`)",
        "{r:#}"
    );
    let heading = r["served"]["heading"].as_str().unwrap();
    assert!(
        heading.contains("decided")
            && heading.contains("visa_free_transit")
            && heading.contains("visa_free_transit"),
        "{heading}"
    );
    assert_eq!(r["served"]["noteHidden"], true);
    // Asked from the keyboard alone, an answer quotes the item its rule cites, in both
    // languages: an airside transfer at Tianjin Binhai within 24 hours, exempt from inspection
    // under item 3.
    let airside = &r["served"]["airside"];
    assert_eq!(airside["onButton"], "ask-button", "{r:#}");
    assert!(
        airside["heading"]
            .as_str()
            .unwrap()
            .contains("exempt_from_inspection"),
        "{r:#}"
    );
    assert_eq!(
        airside["quoted"],
        serde_json::json!([
            { "lang": "", "heading": "More 24-Hour Direct Transit Ports" },
            { "lang": "zh", "heading": "增加24小时直接过境口岸" }
        ]),
        "{r:#}"
    );
    assert_eq!(
        r["served"]["rules"],
        serde_json::json!(["visa_free_transit: applies"]),
        "the explanation in words: {r:#}"
    );
}

#[test]
fn the_history_site_has_its_values_and_relations() {
    let dir = tempdir("site-history");
    let site = dir.join("site");
    let (code, _, err) = edict(&[
        "doc",
        "examples/visa-free-history",
        "-o",
        site.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let values: Vec<_> = std::fs::read_dir(site.join("values")).unwrap().collect();
    assert_eq!(values.len(), 3, "{values:?}");
    let stay = std::fs::read_to_string(site.join("values/transit_stay_limit.html")).unwrap();
    assert!(stay.contains("<svg class=\"timeline\""), "a chart");
    for v in ["72h", "144h", "240h"] {
        assert!(stay.contains(v), "{v} in the relation's page");
    }
    // The decision that reads the relation says why its table changes on each day, and draws
    // the stay each stretch reads.
    let decision = std::fs::read_to_string(site.join("decisions/transit_stay.html")).unwrap();
    let changes: Vec<String> = decision
        .split("<li><a href=\"#table\" data-asof=")
        .skip(1)
        .map(|li| {
            let li = li.split("</li>").next().unwrap_or("");
            // The text without tags.
            let mut text = String::new();
            let mut tag = false;
            for ch in li.chars() {
                match ch {
                    '<' => tag = true,
                    '>' => tag = false,
                    c if !tag => text.push(c),
                    _ => {}
                }
            }
            text
        })
        .collect();
    assert_eq!(
        changes,
        [
            "\"2013-01-01\"2013-01-01: rule transit_within_the_limit begins, reading transit_stay_limit[v.entry_port] = 72h for beijing_capital, transit_stay_limit[v.entry_port] = 72h for shanghai_hongqiao, shanghai_pudong",
            "\"2016-01-30\"2016-01-30: rule transit_within_the_limit reads transit_stay_limit[v.entry_port] = 144h for shanghai_hongqiao, shanghai_pudong",
            "\"2017-12-28\"2017-12-28: rule transit_within_the_limit reads transit_stay_limit[v.entry_port] = 144h for beijing_capital",
            "\"2019-01-01\"2019-01-01: rule transit_within_the_limit reads transit_stay_limit[v.entry_port] = 144h for kunming_changshui",
            "\"2024-07-15\"2024-07-15: rule transit_within_the_limit reads transit_stay_limit[v.entry_port] = 144h for lijiang_sanyi, mohan_railway_port, zhengzhou_xinzheng",
            "\"2024-12-17\"2024-12-17: rule transit_within_the_limit reads transit_stay_limit[v.entry_port] = 240h for 7 keys",
            "\"2025-11-05\"2025-11-05: rule transit_within_the_limit reads transit_stay_limit[v.entry_port] = 240h for 5 keys",
        ]
    );
    for stay in ["72h", "72h / 144h", "144h", "240h"] {
        assert!(
            decision.contains(&format!(": {stay}</title></rect>")),
            "{stay} on the rule's timeline"
        );
    }
    // Writing again replaces the site whole; nothing is left beside it.
    let (code, _, _) = edict(&[
        "doc",
        "examples/visa-free-history",
        "-o",
        site.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let beside: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(beside, ["site"]);
    // A policy with errors writes no site.
    let bad = dir.join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("a.edict"), "set s: Nope { x }\n").unwrap();
    let (code, _, err) = edict(&[
        "doc",
        bad.to_str().unwrap(),
        "-o",
        dir.join("bad-site").to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("E0101"), "{err}");
    assert!(!dir.join("bad-site").exists());
}
