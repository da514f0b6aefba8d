//! The fuzz targets' invariant checks, run by `cargo test` without a fuzzer.
//!
//! The checks live in `fuzz/checks.rs`, shared with the targets in
//! `fuzz/fuzz_targets/`, so both test exactly the same things. Two kinds of
//! input are replayed:
//!
//! * every seed under `fuzz/seeds/<target>/`, so a seed that breaks an
//!   invariant fails here before the fuzzer ever starts from it;
//! * every input a fuzzer once failed on, saved under
//!   `fuzz/regressions/<target>/`, so a fixed bug stays fixed.
//!
//! To add a regression, copy the fuzzer's artifact (minimised with
//! `cargo fuzz tmin`) to `fuzz/regressions/<target>/<short-name>`; see
//! `fuzz/README.md`.

#[allow(dead_code)]
#[path = "../fuzz/checks.rs"]
mod checks;

use std::path::{Path, PathBuf};

/// The files of `fuzz/<kind>/<target>/`, sorted, with their contents; none
/// when the directory does not exist (a target without regressions yet).
fn inputs(kind: &str, target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(kind)
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, bytes)
        })
        .collect()
}

/// Runs `check` on every seed and regression input of `target`, naming the
/// file that fails. Returns how many inputs ran.
fn replay(target: &str, check: fn(&[u8])) -> usize {
    let mut ran = 0;
    for kind in ["seeds", "regressions"] {
        for (path, bytes) in inputs(kind, target) {
            let result = std::panic::catch_unwind(|| check(&bytes));
            if let Err(e) = result {
                std::panic::resume_unwind(Box::new(format!(
                    "{}: {}",
                    path.display(),
                    panic_message(&e)
                )));
            }
            ran += 1;
        }
    }
    ran
}

/// The text of a caught panic.
fn panic_message(e: &Box<dyn std::any::Any + Send>) -> String {
    e.downcast_ref::<String>()
        .cloned()
        .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "non-string panic".into())
}

/// Seeds and regressions of the `scan` target: scanning and decoding.
#[test]
fn scan_inputs() {
    assert!(
        replay("scan", checks::check_scan_bytes) > 0,
        "no scan seeds"
    );
}

/// Seeds and regressions of the `transcript` target: parsing in every
/// format, strict and lenient, then scanning.
#[test]
fn transcript_inputs() {
    assert!(
        replay("transcript", checks::check_transcript_bytes) > 0,
        "no transcript seeds"
    );
}

/// Seeds and regressions of the `rules` target: loading rule files and
/// scanning with them.
#[test]
fn rules_inputs() {
    assert!(
        replay("rules", checks::check_rules_bytes) > 0,
        "no rules seeds"
    );
}

/// The rule seeds that are meant to load do load, so the `rules` target
/// starts from files that reach the scanner and not only the TOML parser.
#[test]
fn rule_seeds_load() {
    for (path, bytes) in inputs("seeds", "rules") {
        let text = String::from_utf8(bytes).expect("rule seeds are UTF-8");
        let loaded = adcop::RuleSet::from_toml("seed.toml", &text);
        let invalid = path.file_name().is_some_and(|n| n == "invalid.toml");
        assert_eq!(loaded.is_ok(), !invalid, "{}: {loaded:?}", path.display());
    }
}

/// Seeds and regressions of the `normalize` target: the shadow map.
#[test]
fn normalize_inputs() {
    assert!(
        replay("normalize", checks::check_normalize_bytes) > 0,
        "no normalize seeds"
    );
}

/// The checks themselves catch what they are meant to: a finding list from
/// another text fails, so a check that silently passes everything would not
/// go unnoticed.
#[test]
fn checks_reject_findings_of_another_text() {
    let text = "家人们，这是全网最低价！";
    let findings = checks::scanner().scan(text);
    assert!(!findings.is_empty());
    let shifted = format!("前缀{text}");
    let caught = std::panic::catch_unwind(|| checks::check_findings(&shifted, &findings));
    assert!(
        caught.is_err(),
        "findings of another text passed the checks"
    );
}

/// Found by the `transcript` target: a timestamp field of twenty digits
/// overflowed the parser's accumulator (a panic in debug builds) before its
/// length was checked. It is a malformed timestamp like any other.
#[test]
fn timing_with_a_very_long_field_is_malformed() {
    let source = "88888888888888888888-->8";
    let strict =
        adcop::Transcript::parse("t.srt", source, Some(adcop::TranscriptFormat::Srt), false);
    assert!(strict.is_err(), "{strict:?}");
    let lenient =
        adcop::Transcript::parse("t.srt", source, Some(adcop::TranscriptFormat::Srt), true)
            .expect("lenient parsing skips the cue");
    assert!(lenient.cues().is_empty());
    assert_eq!(lenient.warnings().len(), 1);
    checks::check_transcript_bytes(source.as_bytes());
}

/// Found by the `normalize` target, and by design: a form the normaliser
/// rewrites as a whole (唯壹 → 唯一, BEST beside Chinese → 最好, ⑩ → 10, no1
/// → no.1) maps every character it becomes to the whole form, so a match
/// over part of it reports all of it. The map must say exactly that.
#[test]
fn a_rewritten_form_maps_every_shadow_char_to_the_whole_form() {
    for (text, shadow, form) in [
        ("唯壹", "唯一", 0..6),
        ("递一", "第一", 0..6),
        ("价BEST", "价最好", 3..7),
        ("⑩", "10", 0..3),
        ("no1价", "no.1价", 0..3),
    ] {
        checks::check_shadow_map(text);
        let (got, ranges) = adcop::shadow_map(text);
        assert_eq!(got, shadow, "{text:?}");
        let shared = ranges.iter().filter(|r| **r == form).count();
        let rewritten =
            shadow.chars().count() - (text.chars().count() - text[form.clone()].chars().count());
        assert_eq!(shared, rewritten, "{text:?}: {ranges:?}");
    }
}
