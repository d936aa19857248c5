//! Fuzz target: artifact decoding and loading from arbitrary bytes, and from a real artifact
//! with bytes changed (the checksum is recomputed, so the decoder and validator are reached).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn valid() -> &'static Vec<u8> {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let mut a = edict_compiler::Analysis::default();
        for (name, text) in edict_testkit::random::random_workspace(7) {
            a.set_file(&name, text);
        }
        a.build().expect("builds").to_bytes().expect("encodes")
    })
}

fuzz_target!(|data: (Vec<u8>, Vec<(u16, u8)>)| {
    let (raw, edits) = data;
    let _ = edict_runtime::Engine::from_bytes(&raw);
    // Edit the payload of a real artifact, then fix the header and checksum around it.
    let bytes = valid();
    let mut payload = bytes[20..bytes.len() - 32].to_vec();
    for (at, value) in edits.iter().take(16) {
        let i = *at as usize % payload.len().max(1);
        if let Some(b) = payload.get_mut(i) {
            *b = *value;
        }
    }
    if let Ok(artifact) = postcard_roundtrip(&payload) {
        let _ = edict_runtime::Engine::new(artifact);
    }
});

fn postcard_roundtrip(payload: &[u8]) -> Result<edict_runtime::Artifact, String> {
    let mut framed = b"EDICTART".to_vec();
    framed.extend_from_slice(&edict_runtime::artifact::FORMAT_VERSION.to_le_bytes());
    framed.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    framed.extend_from_slice(payload);
    framed.extend_from_slice(&edict_runtime::artifact::sha256(payload));
    edict_runtime::Artifact::from_bytes(&framed).map_err(|e| e.to_string())
}
