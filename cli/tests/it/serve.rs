//! `edict serve` as operators run it: the real binary on a loopback port. Every endpoint and
//! every error status; reloads (good and corrupt, by file change and by the admin endpoint)
//! while clients keep asking, each answer from exactly one version; SIGTERM with a batch in
//! flight; `kill -9` while logging, after which the log still reads line by line.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "serve/replay.rs"]
mod replay;
#[path = "serve/standards.rs"]
mod standards;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common::{copy_dir, root, tempdir, TempDir};
use serde_json::{json, Value};

/// A running `edict serve`, stopped (SIGKILL) when dropped.
struct Server {
    child: Child,
    addr: String,
    stderr: Arc<std::sync::Mutex<String>>,
}

impl Server {
    fn start(args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_edict"));
        cmd.arg("serve")
            .args(args)
            .args(["--listen", "127.0.0.1:0"])
            .current_dir(root())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let err = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let log = Arc::new(std::sync::Mutex::new(String::new()));
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                if let Some(at) = line
                    .split("listening on http://")
                    .nth(1)
                    .or_else(|| line.split("listening on https://").nth(1))
                {
                    let _ = tx.send(at.split(',').next().unwrap().to_string());
                }
                let mut s = sink.lock().unwrap();
                s.push_str(&line);
                s.push('\n');
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("the server did not start: {}", log.lock().unwrap()));
        Server {
            child,
            addr,
            stderr: log,
        }
    }

    fn pid(&self) -> String {
        self.child.id().to_string()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP/1.1 answer.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One request on a new connection (`Connection: close`), read to the end.
fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    parse_reply(&raw)
}

fn parse_reply(raw: &[u8]) -> Reply {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a full head");
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        let mut out = Vec::new();
        let mut rest = &body[..];
        loop {
            let nl = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let size = usize::from_str_radix(std::str::from_utf8(&rest[..nl]).unwrap().trim(), 16)
                .unwrap();
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[nl + 2..nl + 2 + size]);
            rest = &rest[nl + 2 + size + 2..];
        }
        body = out;
    }
    Reply {
        status,
        headers,
        body,
    }
}

const JSON: (&str, &str) = ("Content-Type", "application/json");

/// Posts a batch of transit requests and reads back its JSON lines.
fn batch(addr: &str, body: &[u8]) -> Vec<Value> {
    let r = http(
        addr,
        "POST",
        "/v1/decisions/transit_entry/batch",
        &[("Content-Type", "application/x-ndjson")],
        body,
    );
    assert_eq!(r.status, 200, "{r:?}");
    String::from_utf8(r.body)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn request_body() -> Vec<u8> {
    std::fs::read(root().join("policies/requests/us_national_at_hengqin.json")).unwrap()
}

/// Problem details with what changes between runs taken out, for snapshots.
fn problem(r: &Reply) -> Value {
    assert_eq!(
        r.header("content-type"),
        Some("application/problem+json"),
        "{r:?}"
    );
    let mut j = r.json();
    assert_eq!(j["status"], r.status);
    if let Some(o) = j.as_object_mut() {
        o.remove("serving");
    }
    j
}

#[test]
fn every_endpoint_and_every_error_status() {
    let s = Server::start(
        &[
            "policies",
            "--no-decision-log",
            "--max-body-bytes",
            "4096",
            "--admin-token-env",
            "EDICT_TEST_ADMIN",
            "--no-watch",
        ],
        &[("EDICT_TEST_ADMIN", "an-admin-token-of-some-length")],
    );
    let a = &s.addr;
    // A decision, as `edict eval` answers it, with the artifact's SHA-256.
    let r = http(
        a,
        "POST",
        "/v1/decisions/transit_entry",
        &[JSON],
        &request_body(),
    );
    assert_eq!(r.status, 200, "{r:?}");
    let answer = r.json();
    let (_, eval, _) = crate::common::edict(&[
        "eval",
        "policies",
        "--decision",
        "transit_entry",
        "--input",
        "policies/requests/us_national_at_hengqin.json",
    ]);
    let mut expected: Value = serde_json::from_str(&eval).unwrap();
    let sha = answer["artifact_sha256"].as_str().unwrap().to_string();
    assert_eq!(sha.len(), 64);
    expected["artifact_sha256"] = json!(sha);
    assert_eq!(answer, expected);
    assert!(r.header("x-request-id").is_some());
    // The request id given is the one answered with.
    let r = http(
        a,
        "POST",
        "/v1/decisions/transit_entry",
        &[JSON, ("X-Request-Id", "gate-7-000042")],
        &request_body(),
    );
    assert_eq!(r.header("x-request-id"), Some("gate-7-000042"));
    // With the explanation.
    let r = http(
        a,
        "POST",
        "/v1/decisions/transit_entry?explain=true",
        &[JSON],
        &request_body(),
    );
    assert_eq!(r.status, 200);
    let j = r.json();
    assert_eq!(j["rule"], expected["rule"]);
    assert!(j["explanation"].is_object(), "{j}");
    // A batch: in order, one answer per line, errors in place.
    let lines =
        std::fs::read_to_string(root().join("policies/requests/transit_batch.jsonl")).unwrap();
    let batch = format!("{lines}{{\"t\": 1}}\nnot json\n");
    let r = http(
        a,
        "POST",
        "/v1/decisions/transit_entry/batch",
        &[("Content-Type", "application/x-ndjson")],
        batch.as_bytes(),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-edict-artifact-sha256"), Some(sha.as_str()));
    let out: Vec<Value> = String::from_utf8(r.body.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let n = lines.lines().count();
    assert_eq!(out.len(), n + 2);
    let (_, cli, _) = crate::common::edict(&[
        "eval",
        "policies",
        "--decision",
        "transit_entry",
        "--batch",
        "policies/requests/transit_batch.jsonl",
    ]);
    let cli: Vec<Value> = cli
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        out[..n],
        cli[..],
        "the batch answers as `edict eval --batch` does"
    );
    insta::assert_json_snapshot!("batch_error_lines", &out[n..]);
    // The descriptions.
    let r = http(a, "GET", "/v1/decisions", &[], b"");
    let d = r.json();
    let names: Vec<&str> = d["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "clearance_lane",
            "direct_transit",
            "talent_visa",
            "transit_entry"
        ]
    );
    // The request and answer schemas hold for the request and the answer.
    let transit = d["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "transit_entry")
        .unwrap();
    let valid = |schema: &Value, v: &Value| {
        let mut schemas = boon::Schemas::new();
        let mut c = boon::Compiler::new();
        c.add_resource("mem://s", schema.clone()).unwrap();
        let id = c.compile("mem://s", &mut schemas).unwrap();
        schemas.validate(v, id).map_err(|e| e.to_string())
    };
    valid(
        &transit["request_schema"],
        &serde_json::from_slice(&request_body()).unwrap(),
    )
    .unwrap();
    valid(&transit["answer_schema"], &expected).unwrap();
    assert!(valid(
        &transit["request_schema"],
        &json!({ "t": { "nationality": 7 } })
    )
    .is_err());
    let p = http(a, "GET", "/v1/policy", &[], b"").json();
    assert_eq!(p["artifact_sha256"], json!(sha));
    assert_eq!(p["counts"]["decisions"], 4);
    assert_eq!(p["last_reload_error"], Value::Null);
    assert_eq!(http(a, "GET", "/healthz", &[], b"").status, 200);
    assert_eq!(
        http(a, "GET", "/readyz", &[], b"").json()["status"],
        "ready"
    );
    // The OpenAPI document names every route of the table and every decision.
    let api = http(a, "GET", "/openapi.json", &[], b"").json();
    assert_eq!(api["openapi"], "3.1.0");
    for route in edict_server::api::ROUTES {
        assert!(
            api["paths"][route.path][route.method.to_lowercase()].is_object(),
            "{} {}",
            route.method,
            route.path
        );
    }
    for name in &names {
        assert!(api["paths"][format!("/v1/decisions/{name}")]["post"].is_object());
    }
    // Errors: every status, as problem details with the CLI's messages and hints.
    let mut problems = serde_json::Map::new();
    let mut add = |what: &str, r: Reply, status: u16| {
        assert_eq!(r.status, status, "{what}: {r:?}");
        problems.insert(what.to_string(), problem(&r));
    };
    add(
        "400 bad JSON",
        http(
            a,
            "POST",
            "/v1/decisions/transit_entry",
            &[JSON],
            b"{\"t\": ",
        ),
        400,
    );
    add(
        "400 bad request",
        http(
            a,
            "POST",
            "/v1/decisions/transit_entry",
            &[JSON],
            br#"{"t": {"nationality": "atlantis"}}"#,
        ),
        400,
    );
    add(
        "404 unknown decision",
        http(a, "POST", "/v1/decisions/transit_entri", &[JSON], b"{}"),
        404,
    );
    add(
        "404 no endpoint",
        http(a, "GET", "/v2/anything", &[], b""),
        404,
    );
    add(
        "405 wrong method",
        http(a, "GET", "/v1/decisions/transit_entry", &[], b""),
        405,
    );
    add(
        "413 too large",
        http(
            a,
            "POST",
            "/v1/decisions/transit_entry",
            &[JSON],
            &vec![b' '; 5000],
        ),
        413,
    );
    add(
        "415 wrong type",
        http(
            a,
            "POST",
            "/v1/decisions/transit_entry",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            b"t=1",
        ),
        415,
    );
    add(
        "401 no token",
        http(a, "POST", "/v1/admin/reload", &[], b""),
        401,
    );
    add(
        "401 wrong token",
        http(
            a,
            "POST",
            "/v1/admin/reload",
            &[("Authorization", "Bearer not-the-admin-token-at-all")],
            b"",
        ),
        401,
    );
    insta::assert_json_snapshot!("problems", Value::Object(problems));
    let r = http(a, "GET", "/v1/decisions/transit_entry", &[], b"");
    assert_eq!(r.header("allow"), Some("POST"));
    let r = http(a, "PUT", "/v1/policy", &[], b"");
    assert_eq!((r.status, r.header("allow")), (405, Some("GET, HEAD")));
    // HEAD answers as GET does, without the body.
    let (get, head) = (
        http(a, "GET", "/v1/policy", &[], b""),
        http(a, "HEAD", "/v1/policy", &[], b""),
    );
    assert_eq!(head.status, 200, "{head:?}");
    assert!(head.body.is_empty(), "{head:?}");
    assert_eq!(
        head.header("content-length"),
        Some(get.body.len().to_string().as_str())
    );
    assert_eq!(head.header("content-type"), get.header("content-type"));
    // An admin reload with the token: nothing changed, the same version.
    let r = http(
        a,
        "POST",
        "/v1/admin/reload",
        &[("Authorization", "Bearer an-admin-token-of-some-length")],
        b"",
    );
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.json()["policy"]["artifact_sha256"], json!(sha));
    // Metrics count all of it.
    let m = String::from_utf8(http(a, "GET", "/metrics", &[], b"").body).unwrap();
    for needle in [
        "edict_requests_total{endpoint=\"decision\",decision=\"transit_entry\",status=\"200\"} 3",
        "edict_requests_total{endpoint=\"decision\",decision=\"\",status=\"404\"} 1",
        "edict_requests_total{endpoint=\"decision\",decision=\"transit_entry\",status=\"413\"} 1",
        "edict_request_duration_seconds_count{decision=\"transit_entry\"}",
        "edict_reloads_total 1",
        "edict_reload_failures_total 0",
        "edict_decision_log_dropped_total 0",
    ] {
        assert!(m.contains(needle), "no `{needle}` in\n{m}");
    }
}

/// Copies `policies/` into a fresh folder: the scratch folder (removed when dropped) and the
/// copy in it.
fn policies_copy(name: &str) -> (TempDir, PathBuf) {
    let scratch = tempdir(name);
    let dir = scratch.join("policies");
    copy_dir(&root().join("policies"), &dir);
    (scratch, dir)
}

/// Clients asking without pause until `stop`; every answer is checked by `check`.
fn clients(
    addr: &str,
    n: usize,
    stop: &Arc<AtomicBool>,
    check: Arc<dyn Fn(&Value) + Send + Sync>,
) -> (Vec<std::thread::JoinHandle<()>>, Arc<AtomicUsize>) {
    let done = Arc::new(AtomicUsize::new(0));
    let handles = (0..n)
        .map(|_| {
            let (addr, stop, check, done) = (
                addr.to_string(),
                Arc::clone(stop),
                Arc::clone(&check),
                Arc::clone(&done),
            );
            std::thread::spawn(move || {
                let body = request_body();
                while !stop.load(Ordering::Relaxed) {
                    let r = http(&addr, "POST", "/v1/decisions/transit_entry", &[JSON], &body);
                    assert_eq!(r.status, 200, "a request failed during a reload: {r:?}");
                    check(&r.json());
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    (handles, done)
}

fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn reloads_while_clients_ask_serve_one_version_per_answer() {
    let (_scratch, dir) = policies_copy("serve-reload");
    let transit = dir.join("transit.edict");
    let original = std::fs::read_to_string(&transit).unwrap();
    assert!(original.contains("  240h from 2024-12-17 cite"));
    let d = dir.to_str().unwrap().to_string();
    // The change below (240h to 250h) fails the policy's own tests, which a service refuses
    // by default (tested in `standards`); this test is about reloading, so it serves it.
    let s = Server::start(&[&d, "--no-decision-log", "--allow-failing-tests"], &[]);
    let a = s.addr.clone();
    let first = http(
        &a,
        "POST",
        "/v1/decisions/transit_entry",
        &[JSON],
        &request_body(),
    )
    .json();
    let sha1 = first["artifact_sha256"].as_str().unwrap().to_string();
    // The answer each version gives, by its SHA-256: filled in as versions appear.
    let versions: Arc<std::sync::Mutex<Vec<(String, String)>>> = Arc::new(std::sync::Mutex::new(
        vec![(sha1.clone(), first["outcome"]["max_stay"].to_string())],
    ));
    let known = Arc::clone(&versions);
    let check: Arc<dyn Fn(&Value) + Send + Sync> = Arc::new(move |j: &Value| {
        let sha = j["artifact_sha256"].as_str().unwrap().to_string();
        let stay = j["outcome"]["max_stay"].to_string();
        let v = known.lock().unwrap();
        match v.iter().find(|(s, _)| *s == sha) {
            Some((_, expected)) => assert_eq!(&stay, expected, "version {sha} answered {stay}"),
            // A version not seen yet: the new one, whose limit is 250h.
            None => assert_eq!(stay, "\"250h\"", "an answer from an unknown version: {j}"),
        }
    });
    let stop = Arc::new(AtomicBool::new(false));
    let (handles, done) = clients(&a, 4, &stop, check);
    wait_for("the first answers", || done.load(Ordering::Relaxed) > 50);
    // A good change on disk: the stay limit becomes 250 hours.
    std::fs::write(
        &transit,
        original.replace("  240h from 2024-12-17 cite", "  250h from 2024-12-17 cite"),
    )
    .unwrap();
    let mut sha2 = String::new();
    wait_for("the reload", || {
        sha2 = http(&a, "GET", "/v1/policy", &[], b"").json()["artifact_sha256"]
            .as_str()
            .unwrap()
            .to_string();
        sha2 != sha1
    });
    versions
        .lock()
        .unwrap()
        .push((sha2.clone(), "\"250h\"".to_string()));
    let before = done.load(Ordering::Relaxed);
    wait_for("answers from the new version", || {
        done.load(Ordering::Relaxed) > before + 50
    });
    // A broken change: refused, the good version keeps serving, the failure is shown.
    std::fs::write(&transit, original.replace("rule ", "rul ")).unwrap();
    wait_for("the refused reload", || {
        !http(&a, "GET", "/v1/policy", &[], b"").json()["last_reload_error"].is_null()
    });
    let p = http(&a, "GET", "/v1/policy", &[], b"").json();
    assert_eq!(p["artifact_sha256"], json!(sha2));
    let err = &p["last_reload_error"];
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("does not compile"),
        "{err}"
    );
    assert!(
        err["details"][0]
            .as_str()
            .unwrap()
            .contains("transit.edict"),
        "{err}"
    );
    let m = String::from_utf8(http(&a, "GET", "/metrics", &[], b"").body).unwrap();
    assert!(m.contains("edict_reload_failures_total 1"), "{m}");
    let before = done.load(Ordering::Relaxed);
    wait_for("answers after the refused reload", || {
        done.load(Ordering::Relaxed) > before + 50
    });
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        h.join().expect("no client saw a failed or mixed answer");
    }
    assert!(s
        .stderr
        .lock()
        .unwrap()
        .contains("reload refused, still serving artifact"));
}

/// `edict serve FILE` serves the workspace the file is in (the editor's rule) and watches all
/// of it: a mistake made in another of its files is a refused reload.
#[test]
fn a_file_serves_its_whole_workspace_and_its_other_files_are_watched() {
    let (_scratch, dir) = policies_copy("serve-a-file");
    let transit = dir.join("transit.edict");
    let s = Server::start(&[transit.to_str().unwrap(), "--no-decision-log"], &[]);
    let a = s.addr.clone();
    // `transit_entry` reads sets and types declared in the other files.
    let r = http(
        &a,
        "POST",
        "/v1/decisions/transit_entry",
        &[JSON],
        &request_body(),
    );
    assert_eq!(r.status, 200, "{r:?}");
    assert!(http(&a, "GET", "/v1/policy", &[], b"").json()["last_reload_error"].is_null());
    let ports = dir.join("ports.edict");
    let text = std::fs::read_to_string(&ports).unwrap();
    std::fs::write(&ports, format!("{text}\nenum Broken {{ a, a }}\n")).unwrap();
    wait_for("the refused reload", || {
        !http(&a, "GET", "/v1/policy", &[], b"").json()["last_reload_error"].is_null()
    });
    let r = http(
        &a,
        "POST",
        "/v1/decisions/transit_entry",
        &[JSON],
        &request_body(),
    );
    assert_eq!(r.status, 200, "the last good version still answers: {r:?}");
}

#[test]
fn an_artifact_is_reloaded_when_replaced_and_a_corrupt_one_is_refused() {
    let dir = tempdir("serve-artifact");
    let a1 = dir.join("policy.bin");
    let (code, _, err) = crate::common::edict(&["build", "policies", "-o", a1.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let s = Server::start(
        &[
            "--artifact",
            a1.to_str().unwrap(),
            "--no-decision-log",
            "--admin-token-env",
            "T",
        ],
        &[("T", "0123456789abcdef0123")],
    );
    let a = s.addr.clone();
    let sha1 = http(&a, "GET", "/v1/policy", &[], b"").json()["artifact_sha256"].clone();
    let good = std::fs::read(&a1).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let expected = sha1.clone();
    let (handles, done) = clients(
        &a,
        2,
        &stop,
        Arc::new(move |j: &Value| assert_eq!(j["artifact_sha256"], expected)),
    );
    // Corrupt bytes replace the artifact (atomically, as `edict build` writes it).
    let mut bad = good.clone();
    let mid = bad.len() / 2;
    bad[mid] ^= 0xff;
    let tmp = dir.join(".policy.bin.tmp");
    std::fs::write(&tmp, &bad).unwrap();
    std::fs::rename(&tmp, &a1).unwrap();
    wait_for("the refused reload", || {
        !http(&a, "GET", "/v1/policy", &[], b"").json()["last_reload_error"].is_null()
    });
    let p = http(&a, "GET", "/v1/policy", &[], b"").json();
    assert_eq!(p["artifact_sha256"], sha1);
    // The admin endpoint says why, and the old version still answers.
    let r = http(
        &a,
        "POST",
        "/v1/admin/reload",
        &[("Authorization", "Bearer 0123456789abcdef0123")],
        b"",
    );
    assert_eq!(r.status, 422, "{r:?}");
    assert_eq!(r.json()["title"], "Reload refused");
    let before = done.load(Ordering::Relaxed);
    wait_for("answers after the corrupt artifact", || {
        done.load(Ordering::Relaxed) > before + 20
    });
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        h.join().expect("every answer came from the good version");
    }
    // The good artifact back: loaded, the error cleared.
    std::fs::write(&tmp, &good).unwrap();
    std::fs::rename(&tmp, &a1).unwrap();
    wait_for("the good artifact", || {
        http(&a, "GET", "/v1/policy", &[], b"").json()["last_reload_error"].is_null()
    });
}

#[test]
fn sigterm_drains_then_lets_a_batch_in_flight_finish_and_flushes_the_log() {
    let dir = tempdir("serve-sigterm");
    let log = dir.join("decisions.jsonl");
    let s = Server::start(
        &[
            "policies",
            "--decision-log",
            log.to_str().unwrap(),
            "--drain-seconds",
            "2",
        ],
        &[],
    );
    assert_eq!(http(&s.addr, "GET", "/readyz", &[], b"").status, 200);
    let line = String::from_utf8(request_body()).unwrap().replace('\n', "");
    let lines = 100_000;
    let body = format!("{line}\n").repeat(lines);
    let addr = s.addr.clone();
    let (half_sent, half_sent_rx) = std::sync::mpsc::channel();
    let (go_on, go_on_rx) = std::sync::mpsc::channel::<()>();
    let batch = std::thread::spawn(move || {
        let mut st = TcpStream::connect(&addr).unwrap();
        st.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
        let mut writer = st.try_clone().unwrap();
        // The answers stream back while the body goes up: write on one thread, read on this.
        let upload = std::thread::spawn(move || {
            let head = format!("POST /v1/decisions/transit_entry/batch HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-ndjson\r\nContent-Length: {}\r\n\r\n", body.len());
            writer.write_all(head.as_bytes()).unwrap();
            // Half now (the request is in flight), the rest after SIGTERM.
            let (a, b) = body.as_bytes().split_at(body.len() / 2);
            writer.write_all(a).unwrap();
            half_sent.send(()).unwrap();
            go_on_rx.recv().unwrap();
            writer.write_all(b).unwrap();
        });
        let mut raw = Vec::new();
        st.read_to_end(&mut raw).unwrap();
        upload.join().unwrap();
        parse_reply(&raw)
    });
    half_sent_rx.recv().unwrap();
    let status = Command::new("kill")
        .args(["-TERM", &s.pid()])
        .status()
        .unwrap();
    assert!(status.success());
    let signalled = Instant::now();
    // Draining, as a load balancer expects: for `--drain-seconds`, new connections are still
    // taken, `/readyz` answers 503 and requests are answered.
    wait_for("/readyz to answer 503", || {
        http(&s.addr, "GET", "/readyz", &[], b"").status == 503
    });
    let r = http(
        &s.addr,
        "POST",
        "/v1/decisions/transit_entry",
        &[JSON],
        &request_body(),
    );
    assert_eq!(r.status, 200, "{r:?}");
    assert!(
        signalled.elapsed() < Duration::from_secs(2),
        "the checks took the whole drain period"
    );
    // Then new connections are no longer taken.
    wait_for("the listener to close", || {
        TcpStream::connect(&s.addr).is_err()
    });
    assert!(signalled.elapsed() >= Duration::from_secs(2));
    go_on.send(()).unwrap();
    let r = batch.join().unwrap();
    assert_eq!(r.status, 200);
    let answers = String::from_utf8(r.body).unwrap();
    assert_eq!(
        answers.lines().count(),
        lines,
        "every line of the batch was answered"
    );
    assert!(answers
        .lines()
        .all(|l| l.contains("\"status\":\"decided\"")));
    let mut s = s;
    let exit = s.child.wait().unwrap();
    assert!(exit.success(), "{exit}: {}", s.stderr.lock().unwrap());
    // The log holds every decision: the batch's, and the one asked while draining.
    let text = std::fs::read_to_string(&log).unwrap();
    assert_eq!(text.lines().count(), lines + 1);
}

#[test]
fn kill_9_while_logging_leaves_a_log_that_reads_line_by_line() {
    let dir = tempdir("serve-kill9");
    let log = dir.join("decisions.jsonl");
    let s = Server::start(
        &[
            "policies",
            "--decision-log",
            log.to_str().unwrap(),
            "--log-max-bytes",
            "200000",
            "--log-keep",
            "50",
        ],
        &[],
    );
    let stop = Arc::new(AtomicBool::new(false));
    let (handles, done) = clients(&s.addr, 4, &stop, Arc::new(|_: &Value| {}));
    wait_for("decisions logged", || done.load(Ordering::Relaxed) > 2000);
    let status = Command::new("kill")
        .args(["-KILL", &s.pid()])
        .status()
        .unwrap();
    assert!(status.success());
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        let _ = h.join(); // the clients see the server go away
    }
    drop(s);
    // Every file, rotated or not, reads line by line as JSON.
    let mut lines = 0;
    let mut files = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        files += 1;
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(
            text.is_empty() || text.ends_with('\n'),
            "{} ends in a partial line",
            p.display()
        );
        for l in text.lines() {
            let j: Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("{}: {e}: {l}", p.display()));
            assert_eq!(j["decision"], "transit_entry");
            assert!(j["answer"]["rule"]["citation"].is_object(), "{j}");
            lines += 1;
        }
    }
    assert!(files >= 2, "the log rotated");
    assert!(lines > 1000, "{lines}");
    // Starting again appends after the last whole line.
    let s = Server::start(&["policies", "--decision-log", log.to_str().unwrap()], &[]);
    assert_eq!(
        http(
            &s.addr,
            "POST",
            "/v1/decisions/transit_entry",
            &[JSON],
            &request_body()
        )
        .status,
        200
    );
}

#[test]
fn https_with_a_certificate_and_a_decision_token() {
    // A self-signed certificate for localhost (openssl), and curl as the client.
    let dir = tempdir("serve-tls");
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let status = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-keyout",
        ])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let token = dir.join("token");
    std::fs::write(&token, "gate-systems-token-0001\n").unwrap();
    let s = Server::start(
        &[
            "policies",
            "--no-decision-log",
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
            "--decision-token-file",
            token.to_str().unwrap(),
        ],
        &[],
    );
    let port = s.addr.rsplit(':').next().unwrap().to_string();
    let url = format!("https://localhost:{port}/v1/decisions/transit_entry");
    let curl = |extra: &[&str]| {
        let out = Command::new("curl")
            .args([
                "-sS",
                "--cacert",
                cert.to_str().unwrap(),
                "-H",
                "Content-Type: application/json",
                "--data-binary",
                "@policies/requests/us_national_at_hengqin.json",
                "-w",
                "\n%{http_code} %{http_version}",
            ])
            .args(extra)
            .arg(&url)
            .current_dir(root())
            .output()
            .unwrap();
        format!(
            "{}{}",
            String::from_utf8(out.stderr).unwrap(),
            String::from_utf8(out.stdout).unwrap()
        )
    };
    let with = curl(&["-H", "Authorization: Bearer gate-systems-token-0001"]);
    assert!(with.ends_with("200 2"), "HTTP/2 over TLS: {with}");
    assert!(with.contains("\"status\":\"decided\""), "{with}");
    let http1 = curl(&[
        "--http1.1",
        "-H",
        "Authorization: Bearer gate-systems-token-0001",
    ]);
    assert!(http1.ends_with("200 1.1"), "{http1}");
    let without = curl(&[]);
    assert!(without.ends_with("401 2"), "{without}");
    assert!(without.contains("needs a bearer token"), "{without}");
}

#[test]
fn an_idle_connection_is_closed_and_a_busy_one_is_not() {
    let s = Server::start(
        &["policies", "--no-decision-log", "--idle-timeout", "1"],
        &[],
    );
    // A connection that sends nothing is closed after about a second.
    let mut idle = TcpStream::connect(&s.addr).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 16];
    let n = idle.read(&mut buf).unwrap_or(0);
    assert_eq!(n, 0, "the server closed the idle connection");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(5),
        "{waited:?}"
    );
    // A keep-alive connection that keeps asking stays open past the timeout.
    let mut busy = TcpStream::connect(&s.addr).unwrap();
    busy.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let body = request_body();
    let until = Instant::now() + Duration::from_millis(2500);
    let mut answered = 0;
    while Instant::now() < until {
        let head = format!("POST /v1/decisions/transit_entry HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n", body.len());
        busy.write_all(head.as_bytes()).unwrap();
        busy.write_all(&body).unwrap();
        // Read one answer: the head, then as many bytes as it says.
        let mut raw = Vec::new();
        let mut byte = [0u8; 1];
        while !raw.ends_with(b"\r\n\r\n") {
            assert_eq!(
                busy.read(&mut byte).unwrap(),
                1,
                "the busy connection was closed"
            );
            raw.push(byte[0]);
        }
        let head = String::from_utf8_lossy(&raw).to_lowercase();
        let len: usize = head
            .split("content-length: ")
            .nth(1)
            .unwrap()
            .split("\r\n")
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let mut rest = vec![0u8; len];
        busy.read_exact(&mut rest).unwrap();
        answered += 1;
        std::thread::sleep(Duration::from_millis(300));
    }
    assert!(answered >= 5, "{answered}");
}

#[test]
fn a_batch_over_its_limits_answers_what_fits_then_says_it_stopped() {
    let s = Server::start(
        &[
            "policies",
            "--no-decision-log",
            "--max-batch-lines",
            "3",
            "--max-body-bytes",
            "300",
        ],
        &[],
    );
    let lines: Vec<&str> = Vec::from_iter(std::iter::repeat_n(r#"{"t": 1}"#, 5));
    let body = format!("{}\n", lines.join("\n"));
    let out = batch(&s.addr, body.as_bytes());
    let numbers: Vec<&Value> = out.iter().map(|o| &o["line"]).collect();
    assert_eq!(
        numbers,
        [&json!(1), &json!(2), &json!(3), &json!(4)],
        "{out:?}"
    );
    assert_eq!(out[3]["stopped"], true);
    assert_eq!(out[3]["error"], "the batch has more than 3 lines");
    // A line over the size limit is an error in its place; CRLF and blank lines are fine.
    let long = format!("{{\"t\": {{\"nationality\": \"{}\"}}}}", "x".repeat(400));
    let body = format!("{{\"t\": 1}}\r\n\r\n{long}\r\n");
    let out = batch(&s.addr, body.as_bytes());
    assert_eq!(out.len(), 2, "{out:?}");
    assert_eq!(out[1]["line"], 3);
    assert_eq!(out[1]["error"], "this line is larger than 300 bytes");
    // A last line that never ends is not held: its error comes as soon as it is too long.
    let body = format!("{{\"t\": 1}}\n{}", "x".repeat(100_000));
    let out = batch(&s.addr, body.as_bytes());
    assert_eq!(out.len(), 2, "{out:?}");
    assert_eq!(
        (&out[1]["line"], &out[1]["error"]),
        (&json!(2), &json!("this line is larger than 300 bytes"))
    );
}
