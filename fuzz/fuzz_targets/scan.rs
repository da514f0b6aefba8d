//! Arbitrary bytes, as lossy UTF-8 and through `adcop::decode`, scanned with
//! the built-in pack: no panic, and every finding well formed.
#![no_main]

#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::check_scan_bytes(data));
