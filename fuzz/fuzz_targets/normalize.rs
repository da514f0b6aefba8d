//! Arbitrary bytes through the normaliser's shadow map: one in-order,
//! non-overlapping range of the original per shadow char.
#![no_main]

#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::check_normalize_bytes(data));
