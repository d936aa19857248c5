//! Fuzz target: the parser on arbitrary bytes (as UTF-8 text where they are).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = edict_grammar::parse(text);
    }
});
