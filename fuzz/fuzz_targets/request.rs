//! Fuzz target: request decoding: arbitrary bytes against the shipped decisions, through the
//! service's fast path (`decode_request`, `decide_json`) and the general path
//! (`serde_json::Value`, `parse_request`), which must agree.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn engine() -> &'static edict_runtime::Engine {
    static ENGINE: OnceLock<edict_runtime::Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut a = edict_compiler::Analysis::default();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../policies");
        for f in edict_compiler::load::collect_files(&[dir.into()]).expect("policies") {
            a.set_file(&f.display().to_string(), std::fs::read_to_string(&f).expect("readable"));
        }
        edict_runtime::Engine::new(a.build().expect("builds")).expect("loads")
    })
}

fuzz_target!(|data: (u8, &[u8])| {
    let (which, bytes) = data;
    let engine = engine();
    let n = engine.artifact().decisions.len() as u32;
    let id = u32::from(which) % n.max(1);
    let fast = engine.decode_request(id, bytes);
    let general = serde_json::from_slice::<serde_json::Value>(bytes)
        .map_err(|e| edict_runtime::JsonRequestError::Syntax(e.to_string()))
        .and_then(|j| engine.parse_request(id, &j).map_err(edict_runtime::JsonRequestError::Request));
    assert_eq!(fast, general, "the fast path and the general path disagree");
    let mut out = Vec::new();
    if let Ok(a) = engine.decide_json(id, bytes, &mut out) {
        assert_eq!(out, serde_json::to_vec(&engine.answer_json(&a)).expect("encodes"));
    }
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(bytes) else { return };
    if let Ok(inputs) = engine.parse_request(id, &json) {
        let answer = engine.decide(id, &inputs);
        if let Ok(a) = answer {
            let _ = engine.answer_json(&a);
        }
        let _ = engine.explain(id, &inputs);
    }
});
