//! Arbitrary bytes loaded as a rule file: no panic while loading, building
//! a scanner or scanning with it.
#![no_main]

#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::check_rules_bytes(data));
