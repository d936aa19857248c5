//! The service as integrators hold it to standards: its OpenAPI document passes an independent
//! validator and a common client generator makes a working client from it.

use std::process::Command;

use crate::common::{installed, root, tempdir};
use crate::{http, Server};

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
