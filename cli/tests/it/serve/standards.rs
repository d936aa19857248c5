//! The service as integrators hold it to standards: its OpenAPI document passes an independent
//! validator and a common client generator makes a working client from it.

use std::process::Command;

use super::{http, Server};
use crate::common::{installed, root, tempdir};

/// `/openapi.json` is valid OpenAPI 3.1 by PyPI's `openapi-spec-validator` (and a planted
/// broken `$ref` is not); `openapi-python-client` generates a client from it, and that client
/// asks the service and reads its answer.
#[test]
fn the_openapi_document_validates_and_generates_a_working_client() {
    let Some(bin) = installed("EDICT_OPENAPI_BIN", "tools/openapi/setup.sh") else {
        return;
    };
    let s = Server::start(&["policies"], &[]);
    let api = http(&s.addr, "GET", "/openapi.json", &[], b"").json();
    let dir = tempdir("serve-openapi");
    let doc = dir.join("openapi.json");
    std::fs::write(&doc, serde_json::to_vec_pretty(&api).unwrap()).unwrap();
    let validate = |path: &std::path::Path| {
        Command::new(bin.join("openapi-spec-validator"))
            .arg(path)
            .output()
            .unwrap()
    };
    let out = validate(&doc);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The validator is not a rubber stamp: a reference to nowhere in a schema (where the
    // `$defs` references of earlier versions pointed) fails it.
    let mut broken = api.clone();
    broken["components"]["schemas"]["TransitTraveller"]["properties"]["nationality"]["$ref"] =
        "#/components/schemas/Nowhere".into();
    let planted = dir.join("broken.json");
    std::fs::write(&planted, serde_json::to_vec(&broken).unwrap()).unwrap();
    let out = validate(&planted);
    assert!(!out.status.success(), "a broken $ref passed the validator");
    // A client generated from the document, used as a client author would use it.
    let config = dir.join("config.json");
    std::fs::write(
        &config,
        r#"{"literal_enums": true, "project_name_override": "edict-client", "package_name_override": "edict_client"}"#,
    )
    .unwrap();
    let client = dir.join("client");
    let out = Command::new(bin.join("openapi-python-client"))
        .args(["generate", "--path"])
        .arg(&doc)
        .arg("--output-path")
        .arg(&client)
        .arg("--config")
        .arg(&config)
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let script = format!(
        r#"
import json
from edict_client import Client
from edict_client.api.default import post_v1_decisions_transit_entry as decide
from edict_client.models.a_request_for_transit_entry import ARequestForTransitEntry
request = json.load(open({request:?}))
answer = decide.sync(client=Client(base_url="http://{addr}"), body=ARequestForTransitEntry.from_dict(request))
print(json.dumps(answer.to_dict()))
"#,
        request = root()
            .join("policies/requests/us_national_at_hengqin.json")
            .display()
            .to_string(),
        addr = s.addr,
    );
    let out = Command::new(bin.join("python"))
        .arg("-c")
        .arg(script)
        .current_dir(&client)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["status"], "decided", "{answer}");
    assert_eq!(answer["outcome"]["status"], "visa_free_transit", "{answer}");
}

/// A reload of a version whose own tests fail is refused like one that does not compile: the
/// old version keeps answering, and `/v1/policy` names the failing test. With
/// `--allow-failing-tests` the same version is served.
#[test]
fn a_version_whose_own_tests_fail_is_refused() {
    let (_scratch, dir) = super::policies_copy("serve-tested");
    let d = dir.to_str().unwrap();
    let s = Server::start(&[d, "--no-decision-log"], &[]);
    let a = s.addr.clone();
    let before = http(&a, "GET", "/v1/policy", &[], b"").json()["artifact_sha256"].clone();
    // The test now expects what the policy does not answer (a well-formed, failing test).
    let transit = dir.join("transit.edict");
    let text = std::fs::read_to_string(&transit).unwrap();
    let failing = text.replacen(
        "expect { status: visa_free_transit",
        "expect { status: visa_required",
        1,
    );
    assert_ne!(text, failing, "the fixture moved");
    std::fs::write(&transit, &failing).unwrap();
    super::wait_for("the refused reload", || {
        !http(&a, "GET", "/v1/policy", &[], b"").json()["last_reload_error"].is_null()
    });
    let p = http(&a, "GET", "/v1/policy", &[], b"").json();
    assert_eq!(p["artifact_sha256"], before, "{p}");
    let error = &p["last_reload_error"];
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("the policy's own tests fail: 1 of"),
        "{error}"
    );
    assert!(
        error["details"][0]
            .as_str()
            .unwrap()
            .contains("test `us_national_at_hengqin_to_japan` of `transit_entry`"),
        "{error}"
    );
    // The old version still answers.
    let r = http(
        &a,
        "POST",
        "/v1/decisions/transit_entry",
        &[super::JSON],
        &super::request_body(),
    );
    assert_eq!((r.status, &r.json()["artifact_sha256"]), (200, &before));
    drop(s);
    // Asked to, the service serves the version anyway.
    let s = Server::start(&[d, "--no-decision-log", "--allow-failing-tests"], &[]);
    let p = http(&s.addr, "GET", "/v1/policy", &[], b"").json();
    assert_ne!(p["artifact_sha256"], before, "{p}");
}

/// HTTP as the RFCs say: the auth scheme in any letter case; a `Content-Type` with
/// parameters; `GET /` says where everything is (a page for a browser, JSON otherwise); a page
/// of the site that is not there is a page for a browser, a problem for an API client.
#[test]
fn http_as_the_rfcs_say() {
    let site = tempdir("serve-rfc-site");
    let (code, _, err) = crate::common::edict(&["doc", "policies", "-o", site.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let token = "0123456789abcdef-token";
    let s = Server::start(
        &[
            "policies",
            "--no-decision-log",
            "--decision-token-env",
            "T",
            "--docs",
            site.to_str().unwrap(),
        ],
        &[("T", token)],
    );
    let a = s.addr.clone();
    let body = super::request_body();
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let auth = format!("{scheme} {token}");
        let r = http(
            &a,
            "POST",
            "/v1/decisions/transit_entry",
            &[
                ("Authorization", auth.as_str()),
                ("Content-Type", "application/json; charset=utf-8"),
            ],
            &body,
        );
        assert_eq!(r.status, 200, "{scheme}: {r:?}");
    }
    let r = http(
        &a,
        "POST",
        "/v1/decisions/transit_entry",
        &[("Authorization", "Basic Zm9vOmJhcg==")],
        &body,
    );
    assert_eq!(r.status, 401, "{r:?}");
    // Where everything is.
    let root = http(&a, "GET", "/", &[], b"");
    assert_eq!(root.status, 200);
    let links = &root.json()["links"];
    assert_eq!(links["openapi"], "/openapi.json");
    assert_eq!(links["site"], "/docs/");
    let page = http(&a, "GET", "/", &[("Accept", "text/html,*/*;q=0.8")], b"");
    let text = String::from_utf8(page.body.clone()).unwrap();
    assert!(text.contains("<a href=\"/openapi.json\">"), "{text}");
    // A missing page: a page for a browser, a problem for an API client.
    let missing = http(
        &a,
        "GET",
        "/docs/nope.html",
        &[("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")],
        b"",
    );
    assert_eq!(missing.status, 404);
    let text = String::from_utf8(missing.body.clone()).unwrap();
    assert!(text.starts_with("<!doctype html>"), "{text}");
    assert!(text.contains("the site is at /docs/index.html"), "{text}");
    let missing = http(&a, "GET", "/docs/nope.html", &[], b"");
    assert_eq!(missing.json()["status"], 404);
}

/// Date-times with `Z` or an offset are read as Beijing civil time (the corpus's `zone`), one
/// request and in a batch; the answer says the civil time used.
#[test]
fn instants_decide_as_civil_time_at_the_port() {
    let s = Server::start(&["policies", "--no-decision-log"], &[]);
    let request = |arrival: &str| {
        format!(
            r#"{{"t": {{"nationality": "us", "origin": "us", "arrival_port": "hengqin", "arrival": "{arrival}", "onward_destination": "jp", "onward_departure": "2025-11-08T10:00:00+08:00"}}}}"#
        )
    };
    let r = http(
        &s.addr,
        "POST",
        "/v1/decisions/transit_entry",
        &[super::JSON],
        request("2025-11-04T16:00:00Z").as_bytes(),
    );
    assert_eq!(r.status, 200, "{r:?}");
    let j = r.json();
    assert_eq!(j["as_of"], "2025-11-05");
    assert_eq!(j["outcome"]["status"], "visa_free_transit");
    assert_eq!(j["civil_time"]["t.arrival"], "2025-11-05T00:00:00");
    assert_eq!(j["civil_time"]["zone"], "Asia/Shanghai");
    let body = format!(
        "{}\n{}\n",
        request("2025-11-04T15:59:59Z"),
        request("2025-11-05T00:00:00+08:00")
    );
    let answers = super::batch(&s.addr, body.as_bytes());
    assert_eq!(answers[0]["as_of"], "2025-11-04");
    assert_eq!(answers[0]["outcome"]["status"], "visa_required");
    assert_eq!(answers[1]["as_of"], "2025-11-05");
    assert_eq!(answers[1]["outcome"]["status"], "visa_free_transit");
}
