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
    assert!(err.contains("wrote 242 pages"), "{err}");
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
    // Every page in English and in Chinese.
    assert_eq!(r["pages"], 242, "{r:#}");
    assert_eq!(r["consoleErrors"], serde_json::json!([]), "{r:#}");
    assert_eq!(r["brokenLinks"], serde_json::json!([]), "{r:#}");
    // No page scrolls sideways on a phone or a wide screen, and axe-core finds nothing, on
    // every page at both widths, in both languages.
    assert_eq!(r["tooWide"], serde_json::json!([]), "{r:#}");
    assert_eq!(r["axe"], serde_json::json!([]), "{r:#}");
    // Every page but the entries' (two of each type of entry, one template): (23 + 8) × 2.
    assert_eq!(r["axePages"], 62, "{r:#}");
    assert_eq!(r["axeRuns"], 124, "{r:#}");
    // Three questions, two clicks each from the index in each language: the day, then the
    // port; the port's page answers in words, with the item that made it so.
    let q = &r["questions"];
    let said = |lang: &str, key: &str| {
        q[lang][key]["said"]
            .as_array()
            .unwrap_or_else(|| panic!("{r:#}"))
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    for (lang, prefix) in [("en", ""), ("zh", "zh/")] {
        assert_eq!(
            q[lang]["hengqin"]["clicks"],
            serde_json::json!([
                format!("{prefix}changes/2025-11-05.html"),
                format!("{prefix}entries/Port/hengqin.html")
            ]),
            "{r:#}"
        );
        assert_eq!(
            q[lang]["hengqin"]["lang"],
            if lang == "en" { "en" } else { "zh-Hans" }
        );
    }
    // A traveller at Hengqin from 2025-11-05: visa-free transit, 240 hours (10 days), item 4.
    assert_eq!(
        said("en", "hengqin"),
        ["In the ports designated for visa-free transit from 5 November 2025 On the authority of nia_2025_11 item 4: Additional Ports for 144-Hour Visa-Free Transit. Visa-free transit, by the rule Visa-free transit at a designated port (from 17 December 2024): Entry: visa-free transit; Longest stay: 240 hours (10 days)"],
        "{r:#}"
    );
    assert_eq!(
        said("zh", "hengqin"),
        ["自2025年11月5日起列入免签过境指定口岸 依据 nia_2025_11 第4项：增加144小时免签过境口岸。 免签过境，依规则“指定口岸免签过境”（自2024年12月17日起）：入境：可免签过境；最长停留：240小时（10天）"],
        "{r:#}"
    );
    // Changing planes airside at Tianjin Binhai: exempt from inspection under item 3.
    assert!(
        said("en", "tianjin")
            .iter()
            .any(|s| s.contains("nia_2025_11 item 3")
                && s.contains("24-hour direct transit without leaving the terminal")
                && s.contains("Inspection: exempt from standard immigration inspection")),
        "{r:#}"
    );
    assert!(
        said("zh", "tianjin")
            .iter()
            .any(|s| s.contains("nia_2025_11 第3项") && s.contains("检查：免于标准出入境检查")),
        "{r:#}"
    );
    // At Shanghai Hongqiao: the smart e-gates under item 2.
    assert!(
        said("en", "hongqiao")
            .iter()
            .any(|s| s.contains("nia_2025_11 item 2") && s.contains("Lane: smart e-gate")),
        "{r:#}"
    );
    assert!(
        said("zh", "hongqiao")
            .iter()
            .any(|s| s.contains("nia_2025_11 第2项") && s.contains("通道：智能电子门")),
        "{r:#}"
    );
    // The switch leads to the same page in the other language (`hreflang` on both), and the
    // choice is kept: the index follows it until the reader switches back.
    assert_eq!(
        r["languageSwitch"],
        serde_json::json!({
            "alternates": [["en", "site/decisions/transit_entry.html"], ["zh-Hans", "zh/decisions/transit_entry.html"]],
            "to": "zh/decisions/transit_entry.html",
            "lang": "zh-Hans",
            "h1": "免签过境",
            "indexAfter": "zh/index.html",
            "back": "index.html",
            "indexAfterBack": "index.html"
        }),
        "{r:#}"
    );
    // The source's page quotes item 4, which designated Hengqin, in both languages.
    let item4 = r["item4"].as_array().unwrap();
    assert_eq!(item4.len(), 2, "{r:#}");
    assert_eq!(item4[0]["lang"], "en", "{r:#}");
    assert!(
        item4[0]["text"].as_str().unwrap().contains("Hengqin"),
        "{r:#}"
    );
    assert_eq!(item4[1]["lang"], "zh-Hans", "{r:#}");
    assert!(item4[1]["text"].as_str().unwrap().contains("横琴"), "{r:#}");
    // The search from the keyboard alone reaches the port's page, which says what applies
    // there, since when and on whose authority.
    let keys = &r["keyboardSearch"];
    assert_eq!(keys["focused"], "Hengqin", "{r:#}");
    assert_eq!(keys["landed"], "entries/Port/hengqin.html", "{r:#}");
    assert_eq!(
        keys["said"],
        serde_json::json!(said("en", "hengqin")),
        "{r:#}"
    );
    // A code finds its entry; a Chinese name finds it on an English page, an English name on a
    // Chinese page, and a label's words find the decision and the lists.
    assert_eq!(
        r["searchCode"],
        serde_json::json!(["United States"]),
        "{r:#}"
    );
    assert_eq!(r["search"], serde_json::json!(["Hengqin"]), "{r:#}");
    assert_eq!(
        r["searchZh"],
        serde_json::json!([["横琴", "entries/Port/hengqin.html"]]),
        "{r:#}"
    );
    assert_eq!(
        r["searchZhLabel"],
        serde_json::json!([
            "免签过境",
            "免签过境适用国家",
            "免签过境指定口岸",
            "免签过境停留时限"
        ]),
        "{r:#}"
    );
    // Why the table changes, day by day, and when each rule is in force.
    assert_eq!(
        r["changeDays"],
        serde_json::json!([
            "17 December 2024: rule Visa-free transit at a designated port begins, reading transit_stay_limit = 240h; ports designated for visa-free transit has 13 members (nia_2024_12_17)",
            "5 November 2025: ports designated for visa-free transit has 18 members (nia_2025_11 item 4)"
        ]),
        "{r:#}"
    );
    assert_eq!(
        r["timelineLanes"],
        serde_json::json!(["Visa-free transit at a designated port"]),
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
        assert!(rows(when)[0].ends_with("from 5 November 2025"), "{r:#}");
    }
    assert_eq!(ports("before"), ["in transit_ports (13)", "-"], "{r:#}");
    assert!(
        rows("before")[0]
            .ends_with("from 17 December 2024 until 5 November 2025 (not on that day)"),
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
    // The answer in words, in the page's language.
    assert_eq!(
        r["served"]["heading"],
        "Entry: visa-free transit; Longest stay: 240 hours (10 days) (by the rule “Visa-free transit at a designated port”)",
        "{r:#}"
    );
    assert_eq!(
        r["served"]["zh"]["heading"],
        "入境：可免签过境；最长停留：240小时（10天）（依据规则“指定口岸免签过境”）",
        "{r:#}"
    );
    assert_eq!(r["served"]["noteHidden"], true);
    // Asked from the keyboard alone, an answer quotes the item its rule cites, in both
    // languages: an airside transfer at Tianjin Binhai within 24 hours, exempt from inspection
    // under item 3.
    let airside = &r["served"]["airside"];
    assert_eq!(airside["onButton"], "ask-button", "{r:#}");
    assert_eq!(
        airside["heading"],
        "Inspection: exempt from standard immigration inspection (by the rule “24-hour direct transit without leaving the terminal”)",
        "{r:#}"
    );
    assert_eq!(
        airside["quoted"],
        serde_json::json!([
            { "lang": "en", "heading": "More 24-Hour Direct Transit Ports" },
            { "lang": "zh-Hans", "heading": "增加24小时直接过境口岸" }
        ]),
        "{r:#}"
    );
    assert_eq!(
        r["served"]["rules"],
        serde_json::json!(["Visa-free transit at a designated port: applies"]),
        "the explanation in words: {r:#}"
    );
    assert_eq!(
        r["served"]["zh"]["rules"],
        serde_json::json!(["指定口岸免签过境：适用"]),
        "{r:#}"
    );
    // Check your trip, from disk: nothing filled in; every question asks for its answer and
    // the first takes the focus; a name not in the list is refused; answered, the request and
    // the command that answers it.
    let trip = &r["trip"];
    assert_eq!(trip["prefilled"], serde_json::json!([]), "{r:#}");
    assert_eq!(
        trip["errors"],
        serde_json::json!(vec!["Please answer this question."; 6]),
        "{r:#}"
    );
    assert_eq!(trip["focused"], "trip-t-nationality", "{r:#}");
    assert_eq!(
        trip["unknownPort"],
        serde_json::json!(["Choose one from the list."]),
        "{r:#}"
    );
    assert!(
        trip["offline"]["said"]
            .as_str()
            .unwrap()
            .ends_with("edict eval policies --decision transit_entry --input request.json"),
        "{r:#}"
    );
    assert_eq!(
        trip["offline"]["request"],
        serde_json::json!({ "t": {
            "nationality": "us", "origin": "us", "arrival_port": "hengqin",
            "arrival": "2025-11-06T10:00", "onward_destination": "jp",
            "onward_departure": "2025-11-11T09:00"
        }}),
        "{r:#}"
    );
    // From the keyboard alone, the same request.
    assert_eq!(trip["keyboard"]["onButton"], "trip-button", "{r:#}");
    assert_eq!(
        trip["keyboard"]["request"], trip["offline"]["request"],
        "{r:#}"
    );
    // Served, in both languages: a US citizen at Hengqin for five days from 2025-11-06, an
    // airside transfer at Tianjin Binhai within 24 hours, a Hong Kong resident at Shanghai
    // Hongqiao's e-gates; each answered in words, with the cited item's words.
    assert_eq!(
        r["served"]["trip"],
        serde_json::json!({
            "en": {
                "transit_entry": {
                    "heading": "Entry: visa-free transit; Longest stay: 240 hours (10 days) (by the rule “Visa-free transit at a designated port”)",
                    "quoted": []
                },
                "direct_transit": {
                    "heading": "Inspection: exempt from standard immigration inspection (by the rule “24-hour direct transit without leaving the terminal”)",
                    "quoted": ["en: More 24-Hour Direct Transit Ports", "zh-Hans: 增加24小时直接过境口岸"]
                },
                "clearance_lane": {
                    "heading": "Lane: smart e-gate (by the rule “Smart e-gates at the newly equipped ports”)",
                    "quoted": ["en: Wider Adoption of Smart Border Clearance", "zh-Hans: 更广泛采用智能边境通关"]
                }
            },
            "zh": {
                "transit_entry": {
                    "heading": "入境：可免签过境；最长停留：240小时（10天）（依据规则“指定口岸免签过境”）",
                    "quoted": []
                },
                "direct_transit": {
                    "heading": "检查：免于标准出入境检查（依据规则“24小时直接过境（不出航站楼）”）",
                    "quoted": ["zh-Hans: 增加24小时直接过境口岸", "en: More 24-Hour Direct Transit Ports"]
                },
                "clearance_lane": {
                    "heading": "通道：智能电子门（依据规则“新增口岸的智能电子门”）",
                    "quoted": ["zh-Hans: 更广泛采用智能边境通关", "en: Wider Adoption of Smart Border Clearance"]
                }
            }
        }),
        "{r:#}"
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
            "\"2013-01-01\"1 January 2013: rule transit_within_the_limit begins, reading transit_stay_limit[v.entry_port] = 72h for Beijing Capital International Airport, transit_stay_limit[v.entry_port] = 72h for Shanghai Hongqiao Airport, Shanghai Pudong International Airport",
            "\"2016-01-30\"30 January 2016: rule transit_within_the_limit reads transit_stay_limit[v.entry_port] = 144h for Shanghai Hongqiao Airport, Shanghai Pudong International Airport",
            "\"2017-12-28\"28 December 2017: rule transit_within_the_limit reads transit_stay_limit[v.entry_port] = 144h for Beijing Capital International Airport",
            "\"2019-01-01\"1 January 2019: rule transit_within_the_limit reads transit_stay_limit[v.entry_port] = 144h for Kunming Changshui Airport",
            "\"2024-07-15\"15 July 2024: rule transit_within_the_limit reads transit_stay_limit[v.entry_port] = 144h for Lijiang Sanyi International Airport, Mohan Railway Port, Zhengzhou Xinzheng International Airport",
            "\"2024-12-17\"17 December 2024: rule transit_within_the_limit reads transit_stay_limit[v.entry_port] = 240h for 7 keys",
            "\"2025-11-05\"5 November 2025: rule transit_within_the_limit reads transit_stay_limit[v.entry_port] = 240h for 5 keys",
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
