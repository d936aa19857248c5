//! The artifact: deterministic bytes, and a load error (never a panic, never a silent success)
//! for every damaged, truncated or foreign input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use edict_compiler::Analysis;
use edict_runtime::artifact::{Artifact, LoadError};
use edict_runtime::Engine;
use edict_testkit::{generate, Shape};

fn build(files: &[(String, String)], prefix: &str, reverse: bool) -> Vec<u8> {
    let mut a = Analysis::default();
    let mut files: Vec<_> = files.to_vec();
    if reverse {
        files.reverse();
    }
    for (name, text) in files {
        a.set_file(&format!("{prefix}{name}"), text);
    }
    a.build()
        .unwrap_or_else(|d| panic!("{d:#?}"))
        .to_bytes()
        .unwrap()
}

fn small() -> Vec<u8> {
    build(&edict_testkit::random::random_workspace(3), "ws/", false)
}

#[test]
fn builds_are_byte_identical_whatever_the_file_order_or_location() {
    let files = generate(&Shape::with_rules(300));
    let a = build(&files, "/home/a/policies/", false);
    let b = build(&files, "elsewhere/", true);
    assert_eq!(a, b);
    assert_eq!(a, build(&files, "/home/a/policies/", false));
}

#[test]
fn the_binary_and_json_forms_round_trip() {
    let bytes = small();
    let artifact = Artifact::from_bytes(&bytes).unwrap();
    assert_eq!(Artifact::from_json(&artifact.to_json()).unwrap(), artifact);
    assert_eq!(artifact.to_bytes().unwrap(), bytes);
    Engine::new(artifact).unwrap();
}

#[test]
fn every_flipped_byte_is_a_load_error() {
    let bytes = small();
    for i in 0..bytes.len() {
        let mut damaged = bytes.clone();
        damaged[i] ^= 0x55;
        assert!(
            Engine::from_bytes(&damaged).is_err(),
            "flipping byte {i} went unnoticed"
        );
    }
}

#[test]
fn every_truncation_is_a_load_error() {
    let bytes = small();
    for len in 0..bytes.len() {
        assert!(
            Artifact::from_bytes(&bytes[..len]).is_err(),
            "truncation at {len} went unnoticed"
        );
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert_eq!(
        Artifact::from_bytes(&longer),
        Err(LoadError::TrailingBytes(1))
    );
}

#[test]
fn load_errors_say_what_is_wrong() {
    let bytes = small();
    let mut wrong_version = bytes.clone();
    wrong_version[8] = 9;
    let mut damaged = bytes.clone();
    let mid = bytes.len() / 2;
    damaged[mid] ^= 1;
    let messages: Vec<String> = [
        b"PK\x03\x04 not an artifact".to_vec(),
        bytes[..30].to_vec(),
        wrong_version,
        damaged,
        Vec::new(),
    ]
    .iter()
    .map(|b| Artifact::from_bytes(b).unwrap_err().to_string())
    .collect();
    insta::assert_yaml_snapshot!(messages);
}
