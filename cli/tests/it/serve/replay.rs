//! `edict replay` on logs `edict serve` wrote, as an auditor runs it: a log written across a
//! reload replays clean; one line altered by hand is found, and only it; a cut-off last line,
//! a line that is not a log line and a version missing from the store are counted with their
//! places. The decision log's durabilities: `wait` drops nothing under overload and says so
//! in its metrics; `sync` (used here) has every answer given on the disk.

use super::*;

/// `edict ARGS` run in `dir`: exit code, stdout, stderr.
fn edict_in(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_edict"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Posts the corpus's four transit requests as one batch with a given request id.
fn fixed_batch(addr: &str, id: &str) -> Vec<Value> {
    let body = std::fs::read(root().join("policies/requests/transit_batch.jsonl")).unwrap();
    let r = http(
        addr,
        "POST",
        "/v1/decisions/transit_entry/batch",
        &[
            ("Content-Type", "application/x-ndjson"),
            ("X-Request-Id", id),
        ],
        &body,
    );
    assert_eq!(r.status, 200, "{r:?}");
    String::from_utf8(r.body)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn policy_sha(addr: &str) -> String {
    http(addr, "GET", "/v1/policy", &[], b"").json()["artifact_sha256"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Changes the transit stay limit from 240 to 250 hours on disk and waits for the reload.
fn reload_to_250h(addr: &str, transit: &std::path::Path) -> String {
    let before = policy_sha(addr);
    let text = std::fs::read_to_string(transit).unwrap();
    std::fs::write(
        transit,
        text.replace("  240h from 2024-12-17 cite", "  250h from 2024-12-17 cite"),
    )
    .unwrap();
    let mut after = String::new();
    wait_for("the reload", || {
        after = policy_sha(addr);
        after != before
    });
    after
}

fn replay_json(dir: &std::path::Path, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["replay", "--format", "json"];
    all.extend_from_slice(args);
    let (code, out, err) = edict_in(dir, &all);
    let report = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, report)
}

#[test]
fn a_log_written_across_a_reload_replays_clean_and_an_altered_line_is_found() {
    let (scratch, dir) = policies_copy("replay-reload");
    let logs = scratch.join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let log = logs.join("decisions.jsonl");
    let s = Server::start(
        &[
            dir.to_str().unwrap(),
            "--allow-failing-tests",
            "--decision-log",
            log.to_str().unwrap(),
            // Small files: the log rotates, and replay reads the rotated files too.
            "--log-max-bytes",
            "20000",
            "--log-keep",
            "1000",
            "--decision-log-durability",
            "sync",
            "--artifact-store",
            scratch.join("store").to_str().unwrap(),
        ],
        &[],
    );
    let a = s.addr.clone();
    let sha1 = policy_sha(&a);
    let stop = Arc::new(AtomicBool::new(false));
    let (handles, done) = clients(&a, 4, &stop, Arc::new(|_: &Value| {}));
    wait_for("answers", || done.load(Ordering::Relaxed) > 100);
    let mut first = fixed_batch(&a, "before");
    // An answer with its explanation, and a request with instants in UTC (answered with the
    // civil times they became): replayed field by field, and byte for byte.
    let explained = http(
        &a,
        "POST",
        "/v1/decisions/transit_entry?explain=true",
        &[JSON],
        &request_body(),
    );
    assert_eq!(explained.status, 200, "{explained:?}");
    assert!(explained.json()["explanation"].is_object());
    let utc = String::from_utf8(request_body())
        .unwrap()
        .replace("2025-11-10T10:00", "2025-11-10T02:00:00Z")
        .replace("2025-11-15T08:00", "2025-11-15T00:00:00Z");
    let instants = http(
        &a,
        "POST",
        "/v1/decisions/transit_entry",
        &[JSON],
        utc.as_bytes(),
    );
    assert_eq!(instants.status, 200, "{instants:?}");
    assert!(
        instants.json()["civil_time"].is_object(),
        "{:?}",
        instants.json()
    );
    first.push(explained.json());
    first.push(instants.json());
    let sha2 = reload_to_250h(&a, &dir.join("transit.edict"));
    let then = done.load(Ordering::Relaxed);
    wait_for("answers from the new version", || {
        done.load(Ordering::Relaxed) > then + 100
    });
    let second = fixed_batch(&a, "after");
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        h.join().unwrap();
    }
    // Every answer given is on the disk (durability `sync`), so every one is in the log.
    let answered = done.load(Ordering::Relaxed) + first.len() + second.len();
    drop(s);
    let files = std::fs::read_dir(&logs).unwrap().count();
    assert!(files >= 3, "the log rotated into {files} files");

    let (code, r) = replay_json(&scratch, &["logs", "--store", "store"]);
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(r["lines"], answered, "{r:#}");
    assert_eq!(r["same"], answered);
    assert_eq!(r["differences"], json!([]));
    assert_eq!(r["skipped"], json!([]));
    // The versions in the order they answered, each with its lines.
    let versions = r["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2, "{versions:?}");
    assert_eq!(versions[0]["artifact_sha256"], sha1);
    assert_eq!(versions[1]["artifact_sha256"], sha2);
    let (lines1, lines2) = (
        versions[0]["lines"].as_u64().unwrap(),
        versions[1]["lines"].as_u64().unwrap(),
    );
    assert!(lines1 > 100 && lines2 > 100, "{versions:?}");

    // One line altered by hand: exactly that line is reported.
    let (path, number) = first_line_with(&logs, "\"max_stay\":\"240h\"");
    let text = std::fs::read_to_string(&path).unwrap();
    let altered: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i + 1 == number {
                l.replace("\"max_stay\":\"240h\"", "\"max_stay\":\"24h\"")
            } else {
                l.to_string()
            }
        })
        .collect();
    std::fs::write(&path, altered.join("\n") + "\n").unwrap();
    let (code, r) = replay_json(&scratch, &["logs", "--store", "store"]);
    assert_eq!(code, 1, "{r:#}");
    let diffs = r["differences"].as_array().unwrap();
    assert_eq!(diffs.len(), 1, "{r:#}");
    let name = path.file_name().unwrap().to_str().unwrap();
    assert_eq!(diffs[0]["at"], format!("logs/{name}:{number}"));
    assert_eq!(diffs[0]["fields"], json!(["outcome"]));
    assert_eq!(diffs[0]["replayed"]["outcome"]["max_stay"], "240h");
    assert_eq!(r["same"], answered - 1);

    // A version missing from the store: its lines are counted, not replayed.
    std::fs::remove_file(scratch.join("store").join(format!("{sha1}.edictc"))).unwrap();
    let (code, r) = replay_json(&scratch, &["logs", "--store", "store"]);
    assert_eq!(code, 1);
    let skipped = r["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{r:#}");
    assert!(
        skipped[0]["reason"]
            .as_str()
            .unwrap()
            .contains(&format!("the artifact {sha1} is not in the store")),
        "{r:#}"
    );
    assert_eq!(skipped[0]["lines"], lines1);
    assert_eq!(r["same"], lines2);
}

/// The first log line (in the order written) that contains `needle`: its file and number.
fn first_line_with(logs: &std::path::Path, needle: &str) -> (PathBuf, usize) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(logs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    // Oldest first: the highest rotation number, the live file last.
    files.sort_by_key(|p| {
        let n = p.extension().and_then(|e| e.to_str()?.parse::<u64>().ok());
        std::cmp::Reverse(n.unwrap_or(0))
    });
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        if let Some(i) = text.lines().position(|l| l.contains(needle)) {
            return (f, i + 1);
        }
    }
    panic!("no line with {needle}");
}

#[test]
fn replay_reports_in_every_format() {
    let (scratch, dir) = policies_copy("replay-formats");
    let transit = dir.join("transit.edict");
    let original = std::fs::read_to_string(&transit).unwrap();
    let s = Server::start(
        &[
            dir.to_str().unwrap(),
            "--allow-failing-tests",
            "--decision-log",
            scratch.join("decisions.jsonl").to_str().unwrap(),
            "--decision-log-durability",
            "sync",
            "--artifact-store",
            scratch.join("store").to_str().unwrap(),
        ],
        &[],
    );
    let sha1 = policy_sha(&s.addr);
    fixed_batch(&s.addr, "first");
    let sha2 = reload_to_250h(&s.addr, &transit);
    fixed_batch(&s.addr, "second");
    drop(s);
    // The 240h version again, for `--under`.
    std::fs::write(&transit, &original).unwrap();

    // Line 1 altered; a line that is not a log line; a cut-off last line.
    let log = scratch.join("decisions.jsonl");
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 8, "{text}");
    assert!(lines[0].contains("\"max_stay\":\"240h\""), "{}", lines[0]);
    let mut edited = vec![lines[0].replace("\"max_stay\":\"240h\"", "\"max_stay\":\"24h\"")];
    edited.extend(lines[1..].iter().map(|l| l.to_string()));
    edited.push("written by hand".into());
    let cut = &lines[1][..60];
    std::fs::write(&log, edited.join("\n") + "\n" + cut).unwrap();

    let redact = |s: &str| {
        s.replace(&sha1, "<240h version>")
            .replace(&sha1[..12], "<240h>")
            .replace(&sha2, "<250h version>")
            .replace(&sha2[..12], "<250h>")
    };
    let (code, human, err) = edict_in(&scratch, &["replay", "decisions.jsonl", "--store", "store"]);
    assert_eq!(code, 1, "{err}");
    insta::assert_snapshot!("replay_human", redact(&human));

    let (code, md, err) = edict_in(
        &scratch,
        &[
            "replay",
            "decisions.jsonl",
            "--store",
            "store",
            "--format",
            "md",
            "--under",
            "policies",
        ],
    );
    assert_eq!(code, 1, "{err}");
    insta::assert_snapshot!("replay_under_md", redact(&md));

    let (code, mut j) = replay_json(
        &scratch,
        &["decisions.jsonl", "--store", "store", "--under", "policies"],
    );
    assert_eq!(code, 1);
    for d in j["differences"].as_array_mut().unwrap() {
        d["time"] = json!("<time>");
    }
    insta::assert_snapshot!(
        "replay_under_json",
        redact(&serde_json::to_string_pretty(&j).unwrap())
    );

    // A store that is not there is a clear error.
    let (code, _, err) = edict_in(
        &scratch,
        &["replay", "decisions.jsonl", "--store", "nowhere"],
    );
    assert_eq!(code, 2);
    insta::assert_snapshot!("replay_no_store", err);
}

/// Durability `wait`: a queue of one line, a batch of thousands and clients at once; no line is
/// dropped, requests waited, and the metrics say so.
#[test]
fn the_wait_durability_drops_no_line_under_overload() {
    let dir = tempdir("serve-log-wait");
    let log = dir.join("decisions.jsonl");
    let s = Server::start(
        &[
            "policies",
            "--decision-log",
            log.to_str().unwrap(),
            "--log-queue",
            "1",
            "--decision-log-durability",
            "wait",
        ],
        &[],
    );
    let stop = Arc::new(AtomicBool::new(false));
    let (handles, done) = clients(&s.addr, 4, &stop, Arc::new(|_: &Value| {}));
    let line = String::from_utf8(request_body())
        .unwrap()
        .replace('\n', " ");
    let body = format!("{line}\n").repeat(20_000);
    let answers = batch(&s.addr, body.as_bytes());
    assert_eq!(answers.len(), 20_000);
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        h.join().unwrap();
    }
    let decided = done.load(Ordering::Relaxed) + answers.len();
    let metric = |m: &str, name: &str| -> f64 {
        m.lines()
            .find_map(|l| l.strip_prefix(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no {name} in {m}"))
            .parse()
            .unwrap()
    };
    let mut m = String::new();
    wait_for("every line written", || {
        m = String::from_utf8(http(&s.addr, "GET", "/metrics", &[], b"").body).unwrap();
        metric(&m, "edict_decision_log_written_total") as usize == decided
    });
    assert_eq!(metric(&m, "edict_decision_log_dropped_total"), 0.0, "{m}");
    assert!(metric(&m, "edict_decision_log_waits_total") > 0.0, "{m}");
    assert!(
        metric(&m, "edict_decision_log_wait_seconds_total") > 0.0,
        "{m}"
    );
    let text = std::fs::read_to_string(&log).unwrap();
    assert_eq!(text.lines().count(), decided);
}
