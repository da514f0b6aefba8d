//! Arbitrary bytes through the normaliser's shadow map: one in-order range
//! of the original per shadow char, shared only by the chars of one
//! rewritten form.
#![no_main]

#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::check_normalize_bytes(data));
