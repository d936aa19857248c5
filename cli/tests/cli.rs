//! The `edict` binary run as a user runs it: output and exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn edict(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_edict"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

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
