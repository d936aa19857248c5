//! SARIF output of `check`, `verify`, `test` and `diff` validated against the SARIF 2.1.0
//! JSON schema (test data in `tests/data/`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

fn edict(args: &[&str]) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_edict"))
        .args(args)
        .current_dir(root)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

fn validate(sarif: &str) {
    let schema_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let instance: serde_json::Value =
        serde_json::from_str(sarif).unwrap_or_else(|e| panic!("not JSON: {e}\n{sarif}"));
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    let url = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json";
    compiler.add_resource(url, schema).unwrap();
    let index = compiler.compile(url, &mut schemas).unwrap();
    if let Err(e) = schemas.validate(&instance, index) {
        panic!("SARIF does not validate: {e:#}\n{sarif}");
    }
}

#[test]
fn check_verify_test_and_diff_emit_valid_sarif() {
    let three = "compiler/tests/diagnostics/three_independent_mistakes.edict";
    let outputs = [
        edict(&["check", three, "--format", "sarif"]),
        edict(&["check", "policies", "--format", "sarif"]),
        edict(&[
            "verify",
            "compiler/tests/verify/planted.edict",
            "--format",
            "sarif",
        ]),
        edict(&["test", "policies", "--format", "sarif"]),
        edict(&[
            "diff",
            "compiler/tests/diff/before",
            "policies",
            "--format",
            "sarif",
        ]),
    ];
    for o in &outputs {
        validate(o);
    }
    let v: serde_json::Value = serde_json::from_str(&outputs[0]).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(results
        .iter()
        .any(|r| r["ruleId"] == "E0101" && r["fixes"].is_array()));
}

#[test]
fn a_broken_log_does_not_validate() {
    let result =
        std::panic::catch_unwind(|| validate(r#"{"version": "2.1.0", "runs": [{"results": []}]}"#));
    assert!(result.is_err(), "a run without `tool` must be rejected");
}
