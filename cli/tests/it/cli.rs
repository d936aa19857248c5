//! The `edict` binary run as a user runs it: output and exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use crate::common::{edict, root, tempdir};

const THREE: &str = "compiler/tests/diagnostics/three_independent_mistakes.edict";

#[test]
fn check_reports_three_independent_mistakes_and_exits_1() {
    let (code, stdout, stderr) = edict(&["check", THREE]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    insta::assert_snapshot!(stderr);
    for needle in [
        "three_independent_mistakes.edict:20:41",
        "three_independent_mistakes.edict:26:18",
        "three_independent_mistakes.edict:32:8",
        "did you mean `transit_144h_ports`?",
    ] {
        assert!(stderr.contains(needle), "missing {needle}");
    }
}

#[test]
fn check_json_goes_to_stdout() {
    let (code, stdout, _) = edict(&["check", "--format", "json", THREE]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["errors"], 3);
    let first = &v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "E0101")
        .unwrap();
    assert_eq!(first["primary"]["start"]["line"], 26);
    assert_eq!(first["primary"]["start"]["column"], 18);
}

#[test]
fn shipped_policies_check_clean() {
    let (code, _, stderr) = edict(&["check", "policies"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("0 errors"), "{stderr}");
}

#[test]
fn deny_warnings_turns_warnings_into_failure() {
    let (code, _, _) = edict(&[
        "check",
        "--deny-warnings",
        "compiler/tests/diagnostics/W0501_unused_declaration.edict",
    ]);
    assert_eq!(code, 1);
    let (code, _, _) = edict(&[
        "check",
        "compiler/tests/diagnostics/W0501_unused_declaration.edict",
    ]);
    assert_eq!(code, 0);
}

#[test]
fn usage_and_io_errors_exit_2() {
    let (code, _, stderr) = edict(&["check", "no/such/dir"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read `no/such/dir`"), "{stderr}");
    let (code, _, _) = edict(&["check", "--format", "yaml"]);
    assert_eq!(code, 2);
    let (code, _, stderr) = edict(&["check", "docs"]);
    assert_eq!(code, 2, "{stderr}");
}

const HENGQIN: &str = "policies/requests/us_national_at_hengqin.json";

fn edict_stdin(args: &[&str], stdin: &str) -> (i32, String, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_edict"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn eval_answers_as_json_with_the_citation() {
    let (code, stdout, stderr) = edict(&[
        "eval",
        "policies",
        "--decision",
        "transit_entry",
        "--input",
        HENGQIN,
    ]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!(stdout);
}

#[test]
fn explain_says_why_for_every_rule() {
    let (code, stdout, _) = edict(&[
        "explain",
        "policies",
        "--decision",
        "transit_entry",
        "--input",
        HENGQIN,
    ]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("explain_text", stdout);
    let early = std::fs::read_to_string(root().join(HENGQIN))
        .unwrap()
        .replace("2025-11-10T10:00", "2025-11-04T10:00");
    let (code, stdout, _) = edict_stdin(
        &[
            "explain",
            "policies",
            "--decision",
            "transit_entry",
            "--format",
            "json",
        ],
        &early,
    );
    assert_eq!(code, 0);
    insta::assert_snapshot!("explain_json_before_designation", stdout);
}

#[test]
fn batch_streams_jsonl() {
    let (code, stdout, _) = edict(&[
        "eval",
        "policies",
        "--decision",
        "transit_entry",
        "--batch",
        "policies/requests/transit_batch.jsonl",
    ]);
    assert_eq!(code, 0);
    let statuses: Vec<String> = stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["status"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(statuses, ["decided", "otherwise", "otherwise", "decided"]);
}

#[test]
fn tables_of_every_decision() {
    for d in [
        "transit_entry",
        "direct_transit",
        "clearance_lane",
        "talent_visa",
    ] {
        let (code, stdout, stderr) = edict(&["table", "policies", "--decision", d]);
        assert_eq!(code, 0, "{stderr}");
        insta::assert_snapshot!(format!("table_{d}"), stdout);
    }
    let (_, before, _) = edict(&[
        "table",
        "policies",
        "--decision",
        "transit_entry",
        "--as-of",
        "2025-11-04",
    ]);
    insta::assert_snapshot!("table_transit_entry_before", before);
    for (f, name) in [("md", "md"), ("csv", "csv"), ("html", "html")] {
        let (code, stdout, _) = edict(&[
            "table",
            "policies",
            "--decision",
            "talent_visa",
            "--format",
            f,
        ]);
        assert_eq!(code, 0);
        insta::assert_snapshot!(format!("table_talent_visa_{name}"), stdout);
    }
}

#[test]
fn each_request_error_names_the_field() {
    let base = std::fs::read_to_string(root().join(HENGQIN)).unwrap();
    let cases = [
        ("missing_field", base.replace("\"origin\": \"us\",", "")),
        (
            "wrong_type",
            base.replace("\"2025-11-10T10:00\"", "20251110"),
        ),
        ("unknown_port", base.replace("\"hengqin\"", "\"hengqn\"")),
        ("unknown_country", base.replace("\"jp\"", "\"japn\"")),
        (
            "impossible_date",
            base.replace("2025-11-10T10:00", "2025-02-30T10:00"),
        ),
        (
            "malformed_datetime",
            base.replace("2025-11-10T10:00", "10 November"),
        ),
        ("unknown_field", base.replace("\"origin\"", "\"orign\"")),
        ("not_json", "{\"t\": ".to_string()),
        ("not_an_object", "[1, 2]".to_string()),
    ];
    for (name, request) in cases {
        let (code, stdout, stderr) = edict_stdin(
            &["eval", "policies", "--decision", "transit_entry"],
            &request,
        );
        assert_eq!(code, 1, "{name}: {stdout}");
        let err: String = stderr
            .lines()
            .filter(|l| !l.starts_with("checked:"))
            .map(|l| format!("{l}\n"))
            .collect();
        insta::assert_snapshot!(format!("request_error_{name}"), err);
    }
}

#[test]
fn policy_tests_pass_in_every_format() {
    let (code, stdout, _) = edict(&["test", "policies"]);
    assert_eq!(code, 0, "{stdout}");
    insta::assert_snapshot!("test_human", stdout);
    let (_, junit, _) = edict(&["test", "policies", "--format", "junit"]);
    insta::assert_snapshot!("test_junit", junit);
    let (_, json, _) = edict(&["test", "policies", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["failed"], 0);
    assert!(v["passed"].as_u64().unwrap() >= 14);
}

#[test]
fn a_failing_test_shows_expected_and_actual() {
    let dir = tempdir("failing");
    let policies = root().join("policies");
    for p in edict_compiler::load::collect_files(std::slice::from_ref(&policies)).unwrap() {
        let text = std::fs::read_to_string(&p).unwrap().replace(
            "expect { status: eligible, validity",
            "expect { status: not_eligible, validity",
        );
        let to = dir.join(p.strip_prefix(&policies).unwrap());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::write(to, text).unwrap();
    }
    let (code, stdout, _) = edict(&["test", dir.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains(&format!(
            "FAILED  applicant_in_suzhou (talent_visa) at {}:",
            dir.join("talent_visa.edict").display()
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("status: expected not_eligible, got eligible"),
        "{stdout}"
    );
}

#[test]
fn build_writes_an_artifact_that_eval_loads() {
    let dir = tempdir("build");
    let out = dir.join("policies.edictc");
    let (code, _, stderr) = edict(&["build", "policies", "-o", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let first = std::fs::read(&out).unwrap();
    let (code, _, _) = edict(&["build", "policies", "-o", out.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::read(&out).unwrap(),
        first,
        "two builds give identical bytes"
    );
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    let (code, stdout, _) = edict(&[
        "eval",
        "--artifact",
        out.to_str().unwrap(),
        "--decision",
        "transit_entry",
        "--input",
        HENGQIN,
    ]);
    assert_eq!(code, 0);
    assert!(stdout.contains("\"visa_free_transit\""));
    // A damaged artifact is refused with a reason.
    let mut damaged = first.clone();
    let mid = damaged.len() / 2;
    damaged[mid] ^= 0xFF;
    std::fs::write(&out, &damaged).unwrap();
    let (code, _, stderr) = edict(&[
        "eval",
        "--artifact",
        out.to_str().unwrap(),
        "--decision",
        "transit_entry",
        "--input",
        HENGQIN,
    ]);
    assert_eq!(code, 1);
    assert!(stderr.contains("checksum does not match"), "{stderr}");
    // A failed build leaves the existing file as it was.
    let (code, _, _) = edict(&["build", THREE, "-o", out.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(std::fs::read(&out).unwrap(), damaged);
}

#[test]
fn fmt_check_diff_write_and_stdin() {
    let dir = tempdir("fmt");
    let file = dir.join("ugly.edict");
    let ugly = "enum   Status{yes,no}\nset s : Status {yes}\n";
    std::fs::write(&file, ugly).unwrap();
    let path = file.to_str().unwrap();
    let (code, stdout, _) = edict(&["fmt", "--check", path]);
    assert_eq!(code, 1);
    assert_eq!(stdout.trim(), path);
    let (code, stdout, _) = edict(&["fmt", "--diff", path]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("fmt_diff", stdout.replace(path, "ugly.edict"));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        ugly,
        "--check and --diff write nothing"
    );
    let (code, _, _) = edict(&["fmt", path]);
    assert_eq!(code, 0);
    let formatted = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        formatted,
        "enum Status { yes, no }\nset s: Status { yes }\n"
    );
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        1,
        "no temporary file left"
    );
    let (code, stdout, _) = edict_stdin(&["fmt", "-"], ugly);
    assert_eq!(code, 0);
    assert_eq!(stdout, formatted);
    // The width comes from edict.toml at the workspace root.
    std::fs::write(dir.join("edict.toml"), "[format]\nwidth = 24\n").unwrap();
    std::fs::write(&file, "set s: Status { yes, no, maybe, perhaps }\n").unwrap();
    let (code, _, _) = edict(&["fmt", dir.to_str().unwrap()]);
    assert_eq!(code, 0);
    let narrow = std::fs::read_to_string(&file).unwrap();
    assert!(narrow.lines().all(|l| l.chars().count() <= 24), "{narrow}");
    assert_eq!(
        edict(&["fmt", "--check", "policies"]).0,
        0,
        "the shipped policies are formatted"
    );
}

#[test]
fn verify_and_check_in_ci_formats() {
    let (code, stdout, _) = edict(&[
        "verify",
        "compiler/tests/verify/planted.edict",
        "--format",
        "github",
    ]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("verify_github", stdout);
    let (code, stdout, _) = edict(&["check", THREE, "--format", "github"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("check_github", stdout);
    let (code, stdout, _) = edict(&["verify", "policies"]);
    assert_eq!((code, stdout.as_str()), (0, ""));
}

#[test]
fn columns_count_characters_in_every_format() {
    // `😀` is 4 bytes and `横琴` 6: the date's column is 38 in characters, 46 in bytes.
    let dir = tempdir("columns");
    std::fs::write(
        dir.join("e.edict"),
        "source s { title: \"😀 横琴\", published: 2025-13-01 }\n",
    )
    .unwrap();
    let d = dir.to_str().unwrap();
    let (_, _, human) = edict(&["check", d]);
    assert!(human.contains("e.edict:1:38]"), "{human}");
    let (_, json, _) = edict(&["check", d, "--format", "json"]);
    assert!(json.contains("\"column\": 38"), "{json}");
    let (_, github, _) = edict(&["check", d, "--format", "github"]);
    assert!(github.contains("line=1,col=38,"), "{github}");
}

#[test]
fn a_folder_is_read_by_the_workspace_rule() {
    // `edict.toml` marks the workspace: its `exclude` patterns hold, and a folder with its own
    // `edict.toml` is a workspace apart (here it would declare `Status` twice).
    let dir = tempdir("workspace-rule");
    let write = |p: &str, t: &str| {
        let p = dir.join(p);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, t).unwrap();
    };
    write("edict.toml", "exclude = [\"drafts/**\"]\n");
    write(
        "types.edict",
        "enum Status { ok }\nset statuses: Status { ok }\n",
    );
    write("drafts/wip.edict", "set wip: Nope { x }\n");
    write("other/edict.toml", "");
    write("other/types.edict", "enum Status { fine }\n");
    let d = dir.to_str().unwrap();
    let (code, _, stderr) = edict(&["check", d]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("1 file"), "{stderr}");
    // Naming a subfolder reads the workspace it is in and reports on the subfolder's files,
    // with the workspace's patterns.
    let (code, _, stderr) = edict(&["check", dir.join("drafts").to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("no `.edict` files found"), "{stderr}");
    // A file named on the command line is always read.
    let wip = dir.join("drafts/wip.edict");
    let (code, stdout, _) = edict(&["check", d, wip.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("E0101"), "{stdout}");
    // A mistake in `edict.toml` is an error naming its line, not a silent default.
    write("edict.toml", "width = 100\nexlcude = [\"drafts/**\"]\n");
    let (code, _, stderr) = edict(&["check", d]);
    assert_eq!(code, 2, "{stderr}");
    insta::assert_snapshot!("manifest_error", stderr.replace(d, "$DIR"));
}

/// What the tables cannot represent is reported by `check`, not first by `test` or `build`: a
/// workspace `check` accepts can answer every well-typed request.
#[test]
fn check_reports_what_the_tables_cannot_represent() {
    let (code, _, stderr) = edict(&[
        "check",
        "compiler/tests/diagnostics/E0601_not_compilable_into_a_table.edict",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("E0601"), "{stderr}");
    assert!(
        stderr.contains("`v.name == \"Ada\"` cannot be compiled into a decision table"),
        "{stderr}"
    );
}

/// A rule whose named condition fails says which part of the condition failed, not only the
/// condition's name.
#[test]
fn explain_names_the_part_of_a_named_condition_that_fails() {
    let dir = tempdir("explain_named_condition");
    std::fs::write(
        dir.join("entry.edict"),
        r#"entity Country {
  name: Text
}

catalogue Country {
  fr { name: "France" }
  us { name: "United States" }
}

set eligible_countries: Country { fr }

record Traveller {
  nationality: Country
  arrival: Date
  stay: Duration
}

enum Status { visa_free, visa_required }

record Answer {
  status: Status
}

decision entry(t: Traveller) -> Answer {
  as of t.arrival
  otherwise { status: visa_required }
}

condition short_stay_of_an_eligible_national for entry {
  when t.nationality in eligible_countries and t.stay <= 30d
}

rule visa_free_entry for entry {
  when short_stay_of_an_eligible_national
  then { status: visa_free }
}
"#,
    )
    .unwrap();
    let request = r#"{"t": {"nationality": "fr", "arrival": "2026-01-10", "stay": "40d"}}"#;
    let (code, stdout, stderr) = edict_stdin(
        &["explain", dir.to_str().unwrap(), "--decision", "entry"],
        request,
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("the part that fails: t.stay"), "{stdout}");
    assert!(!stdout.contains("t.nationality in"), "{stdout}");
    insta::assert_snapshot!("explain_named_condition_part", stdout);
}

/// A request may give instants (`Z`, or an offset): they are read as civil times in the
/// decision's `zone`. At the day boundary: 2025-11-04T16:00Z is 2025-11-05 00:00 in Beijing, the
/// day Hengqin was designated; a second earlier is still 2025-11-04. The answer says the civil
/// times used.
#[test]
fn instants_are_read_as_civil_times_of_the_decision_zone() {
    let ask = |arrival: &str, departure: &str| {
        let request = format!(
            r#"{{"t": {{"nationality": "us", "origin": "us", "arrival_port": "hengqin",
                "arrival": "{arrival}", "onward_destination": "jp", "onward_departure": "{departure}"}}}}"#
        );
        let (code, out, err) = edict_stdin(
            &["eval", "policies", "--decision", "transit_entry"],
            &request,
        );
        assert_eq!(code, 0, "{err}");
        serde_json::from_str::<serde_json::Value>(&out).unwrap()
    };
    let at_midnight = ask("2025-11-04T16:00:00Z", "2025-11-08T10:00:00+08:00");
    assert_eq!(at_midnight["as_of"], "2025-11-05");
    assert_eq!(at_midnight["outcome"]["status"], "visa_free_transit");
    assert_eq!(
        at_midnight["civil_time"],
        serde_json::json!({
            "zone": "Asia/Shanghai",
            "t.arrival": "2025-11-05T00:00:00",
            "t.onward_departure": "2025-11-08T10:00:00",
        })
    );
    let a_second_before = ask("2025-11-04T15:59:59Z", "2025-11-08T10:00:00+08:00");
    assert_eq!(a_second_before["as_of"], "2025-11-04");
    assert_eq!(a_second_before["outcome"]["status"], "visa_required");
    // The same instant with an offset; and a civil date-time keeps its meaning.
    let offset = ask("2025-11-05T00:00:00+08:00", "2025-11-08T10:00");
    assert_eq!(offset["as_of"], "2025-11-05");
    assert_eq!(offset["civil_time"]["t.arrival"], "2025-11-05T00:00:00");
    assert!(offset["civil_time"].get("t.onward_departure").is_none());
    let civil = ask("2025-11-05T00:00", "2025-11-08T10:00");
    assert_eq!(civil["outcome"], at_midnight["outcome"]);
    assert!(civil.get("civil_time").is_none(), "{civil}");
}

/// Where a country spans several zones, the zone is the port's: the same instant is one day
/// at one port and the day before at the other. A decision that states no zone refuses
/// instants with a hint.
#[test]
fn a_zone_per_port_and_a_decision_without_one() {
    let dir = tempdir("zone_per_port");
    let policy = r#"source s { title: "A test fixture", published: 2026-01-01 }
entity Port {
  name: Text
  time_zone: Text
}
catalogue Port {
  lisbon { name: "Lisbon", time_zone: "Europe/Lisbon" }
  ponta_delgada { name: "Ponta Delgada", time_zone: "Atlantic/Azores" }
}
record Arrival { port: Port, at: DateTime }
enum Status { open, closed }
record Answer { status: Status }
decision entry(a: Arrival) -> Answer {
  as of a.at
  zone a.port.time_zone
  otherwise { status: closed }
}
rule open_from_march for entry {
  from 2026-03-01
  cite s
  when a.port in [lisbon, ponta_delgada]
  then { status: open }
}
decision unzoned(a: Arrival) -> Answer {
  as of a.at
  otherwise { status: closed }
}
"#;
    std::fs::write(dir.join("w.edict"), policy).unwrap();
    let w = dir.to_str().unwrap();
    let ask = |decision: &str, port: &str| {
        let request = format!(r#"{{"a": {{"port": "{port}", "at": "2026-03-01T00:30:00Z"}}}}"#);
        edict_stdin(&["eval", w, "--decision", decision], &request)
    };
    let (code, out, err) = ask("entry", "lisbon");
    assert_eq!(code, 0, "{err}");
    let lisbon: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (&lisbon["as_of"], &lisbon["outcome"]["status"]),
        (&"2026-03-01".into(), &"open".into())
    );
    let (code, out, err) = ask("entry", "ponta_delgada");
    assert_eq!(code, 0, "{err}");
    let azores: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(azores["civil_time"]["zone"], "Atlantic/Azores");
    assert_eq!(azores["civil_time"]["a.at"], "2026-02-28T23:30:00");
    assert_eq!(azores["outcome"]["status"], "closed");
    let (code, _, err) = ask("unzoned", "lisbon");
    assert_eq!(code, 1);
    assert!(err.contains("states no time zone"), "{err}");
    assert!(err.contains("zone \"Asia/Shanghai\""), "{err}");
    // A zone attribute that names no zone is refused when the policy is checked.
    std::fs::write(
        dir.join("w.edict"),
        policy.replace("\"Atlantic/Azores\"", "\"Atlantic/Azore\""),
    )
    .unwrap();
    let (code, _, err) = edict(&["check", w]);
    assert_eq!(code, 1);
    assert!(err.contains("the time zone `Atlantic/Azore`"), "{err}");
}
