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

#[test]
fn deeply_nested_values_in_an_artifact_are_refused_not_overflowed() {
    // A payload holding one value nested a million levels deep (Value::Record of one Record of
    // one ...), framed with a correct header and checksum so the decoder really reads it.
    let mut payload = Vec::new();
    for _ in 0..1_000_000 {
        payload.push(11); // variant index of `Value::Record`
        payload.push(1); // a list of one
    }
    payload.push(0); // `Value::Absent`
    let mut framed = b"EDICTART".to_vec();
    framed.extend_from_slice(&edict_runtime::artifact::FORMAT_VERSION.to_le_bytes());
    framed.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    framed.extend_from_slice(&payload);
    framed.extend_from_slice(&edict_runtime::artifact::sha256(&payload));
    assert!(Artifact::from_bytes(&framed).is_err());
    // The same nesting given straight to the value decoder: an error, not a stack overflow
    // (which would abort this test process).
    assert!(postcard_value(&payload).is_err());
    // A shallow nesting decodes.
    let shallow = [11, 1, 11, 1, 11, 1, 0];
    let v = postcard_value(&shallow).unwrap();
    let inner = edict_runtime::Value::Record(vec![edict_runtime::Value::Absent]);
    let expected = edict_runtime::Value::Record(vec![edict_runtime::Value::Record(vec![inner])]);
    assert_eq!(v, expected);
}

fn postcard_value(bytes: &[u8]) -> Result<edict_runtime::Value, String> {
    edict_runtime::artifact::decode_value(bytes)
}

#[test]
fn an_artifact_naming_an_input_or_a_field_twice_is_refused() {
    // Requests name inputs and fields: two of one name would make them ambiguous (the fast
    // and the general decoder could then read different values).
    let good = Artifact::from_bytes(&small()).unwrap();
    let mut twice = good.clone();
    let r = twice.decisions[0].output as usize;
    let first = twice.records[r].fields[0].clone();
    twice.records[r].fields.push(first);
    let err = Engine::new(twice).unwrap_err();
    // A typed error: the artifact decoded, and does not hold together.
    assert!(
        matches!(&err, edict_runtime::LoadError::Inconsistent(i) if i.0.contains("a field name twice")),
        "{err}"
    );
    let mut twice = good.clone();
    let first = twice.decisions[0].params[0].clone();
    twice.decisions[0].params.push(first);
    let err = Engine::new(twice).unwrap_err().to_string();
    assert!(err.contains("an input name twice"), "{err}");
    assert!(Engine::new(good).is_ok());
}
