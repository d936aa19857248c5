//! Fuzz target: the formatter round trip: never a panic, never an unsound result, idempotent.
#![no_main]

use edict_grammar::{format, FormatOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: (u8, &str)| {
    let (w, text) = data;
    let options = FormatOptions { width: 20 + usize::from(w) };
    // An unsound result is caught before anything is written, but it is a formatter bug.
    let once = format(text, options).expect("sound");
    let twice = format(&once.text, options).expect("formatted text formats");
    assert_eq!(once.text, twice.text, "not idempotent");
});
