//! The service's fast path (`Engine::decide_json`) gives what the general path gives: the same
//! input values or the same error (message and hint) for every request, valid or broken, and
//! byte for byte the answer `answer_json` prints. Requests are random inputs of the shipped
//! policies and of random workspaces, written as JSON in both request forms, then broken in the
//! ways clients break them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use edict_compiler::load::collect_files;
use edict_compiler::Analysis;
use edict_runtime::{Engine, JsonRequestError, Value};
use edict_testkit::random::{random_inputs, random_workspace};
use edict_testkit::Rng;
use proptest::prelude::*;
use serde_json::{json, Value as Json};

/// The general path: a JSON tree, then `parse_request`.
fn general(engine: &Engine, d: u32, bytes: &[u8]) -> Result<Vec<Value>, JsonRequestError> {
    let json: Json =
        serde_json::from_slice(bytes).map_err(|e| JsonRequestError::Syntax(e.to_string()))?;
    engine
        .parse_request(d, &json)
        .map_err(JsonRequestError::Request)
}

/// Ways clients break requests, applied to the text or the tree.
fn variants(engine: &Engine, d: u32, request: &Json, rng: &mut Rng) -> Vec<Vec<u8>> {
    let text = request.to_string();
    let mut out = vec![text.clone().into_bytes()];
    let table = engine.decision(d).unwrap();
    // The direct form for one record input.
    if let ([(name, _)], Some(inner)) = (table.params.as_slice(), request.as_object()) {
        if let Some(record) = inner.get(name) {
            out.push(record.to_string().into_bytes());
        }
    }
    let strings: Vec<(usize, usize)> = {
        let b = text.as_bytes();
        let mut v = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'"' {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                v.push((start, i.min(b.len() - 1)));
            }
            i += 1;
        }
        v
    };
    let mut mutate = |f: &dyn Fn(&str, (usize, usize)) -> String, rng: &mut Rng| {
        if !strings.is_empty() {
            let s = strings[rng.below(strings.len())];
            out.push(f(&text, s).into_bytes());
        }
    };
    for _ in 0..6 {
        // A string in upper case, in lower case, with a letter escaped, emptied, with a tab,
        // as a number.
        mutate(
            &|t, (a, b)| format!("{}{}{}", &t[..a], t[a..=b].to_uppercase(), &t[b + 1..]),
            rng,
        );
        mutate(
            &|t, (a, b)| format!("{}{}{}", &t[..a], t[a..=b].to_lowercase(), &t[b + 1..]),
            rng,
        );
        mutate(
            &|t, (a, b)| {
                let inner = &t[a + 1..b];
                match inner.chars().next() {
                    Some(c) if c.is_ascii_alphanumeric() => {
                        format!(
                            "{}\"\\u{:04X}{}\"{}",
                            &t[..a],
                            c as u32,
                            &inner[1..],
                            &t[b + 1..]
                        )
                    }
                    _ => t.to_string(),
                }
            },
            rng,
        );
        mutate(&|t, (a, b)| format!("{}\"\"{}", &t[..a], &t[b + 1..]), rng);
        // A raw control character in a string, which JSON refuses (the fast reader looks for
        // one only where it could pass).
        mutate(&|t, (a, _)| format!("{}\t{}", &t[..=a], &t[a + 1..]), rng);
        mutate(&|t, (a, b)| format!("{}1.0{}", &t[..a], &t[b + 1..]), rng);
        mutate(&|t, (a, b)| format!("{}null{}", &t[..a], &t[b + 1..]), rng);
        mutate(
            &|t, (a, b)| format!("{}9223372036854775808{}", &t[..a], &t[b + 1..]),
            rng,
        );
    }
    // A key twice, an unknown key, a missing key, nothing, a list, trailing bytes, cut short.
    if let Some(first) = text.find(':') {
        let key_end = first;
        let key_start = text[..key_end]
            .rfind('"')
            .and_then(|e| text[..e].rfind('"'));
        if let Some(ks) = key_start {
            let dup = format!("{{{}:null,{}", &text[ks..key_end], &text[1..]);
            out.push(dup.into_bytes());
        }
    }
    out.push(
        text.replacen('{', "{\"nationalty\":\"us\",", 1)
            .into_bytes(),
    );
    if let Some(obj) = request.as_object() {
        for k in obj.keys() {
            let mut o = obj.clone();
            o.remove(k);
            out.push(Json::Object(o).to_string().into_bytes());
            if let Some(Json::Object(inner)) = obj.get(k) {
                for f in inner.keys().take(3) {
                    let mut i = inner.clone();
                    i.remove(f);
                    let mut o = obj.clone();
                    o.insert(k.clone(), Json::Object(i));
                    out.push(Json::Object(o).to_string().into_bytes());
                }
            }
        }
    }
    out.push(b"{}".to_vec());
    out.push(b"[]".to_vec());
    out.push(format!("{text} x").into_bytes());
    out.push(text.as_bytes()[..text.len() / 2].to_vec());
    out.push(format!("  \n{text}\n ").into_bytes());
    out
}

/// Checks every variant of `n` random requests per decision; returns (requests, fast ones).
fn agree(analysis: &Analysis, n: usize, seed: u64) -> (usize, usize) {
    let artifact = analysis.build().unwrap();
    let engine = Engine::new(artifact.clone()).unwrap();
    let mut rng = Rng::new(seed);
    let (mut total, mut fast) = (0, 0);
    for (i, table) in artifact.decisions.iter().enumerate() {
        let d = i as u32;
        for _ in 0..n {
            let inputs = random_inputs(&artifact, table, &mut rng);
            let request = engine.request_json(d, &inputs);
            // The request as written reads back as the inputs it was made from.
            assert_eq!(
                engine.decode_request(d, request.to_string().as_bytes()),
                Ok(inputs.clone()),
                "{request}"
            );
            for bytes in variants(&engine, d, &request, &mut rng) {
                total += 1;
                let shown = String::from_utf8_lossy(&bytes);
                let expected = general(&engine, d, &bytes);
                assert_eq!(engine.decode_request(d, &bytes), expected, "{shown}");
                if engine.decode_fast(d, &bytes).is_some() {
                    fast += 1;
                }
                let mut out = Vec::new();
                match (engine.decide_json(d, &bytes, &mut out), expected) {
                    (Ok(answer), Ok(values)) => {
                        assert_eq!(Ok(answer.clone()), engine.decide(d, &values));
                        let slow = serde_json::to_vec(&engine.answer_json(&answer)).unwrap();
                        assert_eq!(
                            String::from_utf8(out).unwrap(),
                            String::from_utf8(slow).unwrap()
                        );
                    }
                    (Err(JsonRequestError::Eval(e)), Ok(values)) => {
                        assert_eq!(engine.decide(d, &values), Err(e));
                    }
                    (Err(a), Err(b)) => assert_eq!(a, b),
                    (a, b) => panic!("{shown}: fast path {a:?}, general path {b:?}"),
                }
            }
        }
    }
    (total, fast)
}

/// The shipped `policies/`, checked.
fn policies() -> Analysis {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut analysis = Analysis::default();
    for f in collect_files(&[root.join("policies")]).unwrap() {
        analysis.set_file(
            &f.display().to_string(),
            std::fs::read_to_string(&f).unwrap(),
        );
    }
    analysis
}

/// The engine of the shipped policies, built once.
fn shipped() -> &'static Engine {
    static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    ENGINE.get_or_init(|| Engine::new(policies().build().unwrap()).unwrap())
}

#[test]
fn the_fast_path_agrees_on_the_shipped_policies() {
    let policies = policies();
    let (total, fast) = agree(&policies, 300, 11);
    assert!(total > 10_000, "{total}");
    // The fast path is taken, not only the general one.
    assert!(
        fast * 10 > total,
        "{fast} of {total} requests took the fast path"
    );
}

#[test]
fn a_plain_transit_request_takes_the_fast_path() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let engine = shipped();
    let d = engine.decision_id("transit_entry").unwrap();
    let request =
        std::fs::read(root.join("policies/requests/us_national_at_hengqin.json")).unwrap();
    assert!(engine.decode_fast(d, &request).is_some());
    let mut out = Vec::new();
    engine.decide_json(d, &request, &mut out).unwrap();
    let answer: Json = serde_json::from_slice(&out).unwrap();
    assert_eq!(answer["status"], json!("decided"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Any bytes at all, and valid requests with bytes flipped, cut or inserted: no panic,
    /// and both paths agree.
    #[test]
    fn any_bytes_get_the_same_result_on_both_paths(seed in any::<u64>(), junk in proptest::collection::vec(any::<u8>(), 0..64)) {
        let engine = shipped();
        let d = engine.decision_id("transit_entry").unwrap();
        let mut rng = Rng::new(seed);
        let inputs = random_inputs(engine.artifact(), engine.decision(d).unwrap(), &mut rng);
        let valid = engine.request_json(d, &inputs).to_string().into_bytes();
        let mut cases = vec![junk.clone()];
        for _ in 0..20 {
            let mut b = valid.clone();
            let at = rng.below(b.len());
            match rng.below(3) {
                0 => b[at] = junk.first().copied().unwrap_or(b'"'),
                1 => b.truncate(at),
                _ => b.splice(at..at, junk.iter().copied()).for_each(drop),
            }
            cases.push(b);
        }
        for bytes in cases {
            prop_assert_eq!(engine.decode_request(d, &bytes), general(engine, d, &bytes));
        }
    }

    #[test]
    fn the_fast_path_agrees_on_random_workspaces(workspace in any::<u64>(), requests in any::<u64>()) {
        let mut a = Analysis::default();
        for (name, text) in random_workspace(workspace) {
            a.set_file(&name, text);
        }
        let (total, _) = agree(&a, 60, requests);
        prop_assert!(total > 0);
    }
}

/// A raw control character in a string is refused by JSON: the fast reader, which looks for
/// one only where it could pass unnoticed (in text, in a name that holds one), agrees.
#[test]
fn a_raw_control_character_in_text_is_refused_on_both_paths() {
    let mut analysis = Analysis::default();
    analysis.set_file(
        "note.edict",
        r#"source s { title: "S", published: 2025-01-01 }
enum Status { ok, no }
record Note { text: Text, day: Date }
record Out { status: Status }
decision noted(n: Note) -> Out {
  as of n.day
  otherwise { status: no }
}
rule plain for noted {
  cite s
  when n.day >= 2025-01-01
  then { status: ok }
}
"#
        .to_string(),
    );
    let engine = Engine::new(analysis.build().unwrap()).unwrap();
    let d = engine.decision_id("noted").unwrap();
    let plain = br#"{"n":{"text":"a b","day":"2025-11-05"}}"#;
    assert!(engine.decode_fast(d, plain).is_some());
    for bad in [
        &b"{\"n\":{\"text\":\"a\tb\",\"day\":\"2025-11-05\"}}"[..],
        b"{\"n\":{\"text\":\"a\nb\",\"day\":\"2025-11-05\"}}",
    ] {
        let shown = String::from_utf8_lossy(bad);
        assert!(engine.decode_fast(d, bad).is_none(), "{shown}");
        assert!(general(&engine, d, bad).is_err(), "{shown}");
        assert_eq!(engine.decode_request(d, bad), general(&engine, d, bad));
    }
}
