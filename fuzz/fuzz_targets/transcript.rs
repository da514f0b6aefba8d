//! Arbitrary bytes parsed as a transcript in every format, strict and
//! lenient: no panic, and cues and findings point inside the text and file.
#![no_main]

#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::check_transcript_bytes(data));
