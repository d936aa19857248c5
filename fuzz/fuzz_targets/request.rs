//! Fuzz target: request decoding: arbitrary JSON text against the shipped decisions.
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

fuzz_target!(|data: (u8, &str)| {
    let (which, text) = data;
    let engine = engine();
    let n = engine.artifact().decisions.len() as u32;
    let id = u32::from(which) % n.max(1);
    let Ok(json) = serde_json::from_str::<serde_json::Value>(text) else { return };
    if let Ok(inputs) = engine.parse_request(id, &json) {
        let answer = engine.decide(id, &inputs);
        if let Ok(a) = answer {
            let _ = engine.answer_json(&a);
        }
        let _ = engine.explain(id, &inputs);
    }
});
