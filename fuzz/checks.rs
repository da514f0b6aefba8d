//! Invariant checks shared by the fuzz targets (`fuzz/fuzz_targets/*.rs`)
//! and by `tests/fuzz_regressions.rs`, which replays the seeds and every
//! input the fuzzers once crashed on. One copy of the checks means a seed
//! that passes `cargo test` passes the fuzzer's first run, and a crash the
//! fuzzer finds fails `cargo test` once its input is saved.
//!
//! Each check panics with the offending value when an invariant breaks.

use adcop::{Finding, RuleSet, Scanner, Transcript, TranscriptFormat};
use std::sync::OnceLock;
use unicode_segmentation::UnicodeSegmentation;

/// The scanner with the built-in pack, built once per process: building it
/// takes far longer than one fuzz iteration.
pub fn scanner() -> &'static Scanner {
    static SCANNER: OnceLock<Scanner> = OnceLock::new();
    SCANNER.get_or_init(Scanner::new)
}

/// A short sales sentence with several built-in violations, scanned with
/// each rule set the `rules` target loads so its rules meet real text.
pub const RULES_PROBE: &str =
    "家人们，全网最低价！最后三单，原价199今天只要99，ＮＯ．１，治疗宫寒，加微信下单😀。";

/// The `scan` target: decoding the raw bytes never panics, and every finding
/// on their lossy UTF-8 text (and on the decoded text, when that differs)
/// is well formed.
pub fn check_scan_bytes(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    check_findings(&text, &scanner().scan(&text));
    if let Some(decoded) = check_decode(bytes) {
        if decoded != text {
            check_findings(&decoded, &scanner().scan(&decoded));
        }
    }
}

/// `adcop::decode` returns text or an error, never panics; UTF-8 input comes
/// back unchanged (less a byte-order mark). Returns the text when it decoded.
pub fn check_decode(bytes: &[u8]) -> Option<String> {
    let (text, encoding) = adcop::decode("fuzz", bytes).ok()?;
    if encoding == adcop::TextEncoding::Utf8 {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        assert_eq!(text.as_bytes(), body, "UTF-8 input was altered by decode");
    }
    Some(text)
}

/// Every finding of a scan of `text`: its byte span lies inside the text on
/// char and grapheme-cluster boundaries, `matched()` is the text of the
/// span, the char and UTF-16 spans count the same text, and findings come
/// sorted by start.
pub fn check_findings(text: &str, findings: &[Finding]) {
    let graphemes: Vec<usize> = text
        .grapheme_indices(true)
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    for f in findings {
        let s = f.span();
        assert!(
            s.start <= s.end && s.end <= text.len(),
            "span {s:?} outside text of {} bytes: {f:?}",
            text.len()
        );
        assert!(
            text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
            "span {s:?} not on char boundaries: {f:?}"
        );
        assert!(
            graphemes.binary_search(&s.start).is_ok() && graphemes.binary_search(&s.end).is_ok(),
            "span {s:?} splits a grapheme cluster: {f:?}"
        );
        assert_eq!(
            f.matched(),
            &text[s.start..s.end],
            "matched() is not text[span]"
        );
        let before = &text[..s.start];
        let inside = &text[s.start..s.end];
        let chars = before.chars().count();
        let c = f.char_span();
        assert_eq!(
            (c.start, c.end),
            (chars, chars + inside.chars().count()),
            "char_span disagrees with the text: {f:?}"
        );
        let units = before.encode_utf16().count();
        let u = f.utf16_span();
        assert_eq!(
            (u.start, u.end),
            (units, units + inside.encode_utf16().count()),
            "utf16_span disagrees with the text: {f:?}"
        );
    }
    for w in findings.windows(2) {
        assert!(
            w[0].span().start <= w[1].span().start,
            "findings out of order: {:?} before {:?}",
            w[0],
            w[1]
        );
    }
}

/// The formats the `transcript` target forces, `None` meaning detection.
pub const FORMATS: [Option<TranscriptFormat>; 5] = [
    None,
    Some(TranscriptFormat::Plain),
    Some(TranscriptFormat::Srt),
    Some(TranscriptFormat::WebVtt),
    Some(TranscriptFormat::Jsonl),
];

/// The `transcript` target: parsing the lossy text of `bytes` in every
/// format, strict and lenient, never panics, and each transcript that parses
/// is consistent.
pub fn check_transcript_bytes(bytes: &[u8]) {
    let source = String::from_utf8_lossy(bytes);
    for format in FORMATS {
        for lenient in [false, true] {
            if let Ok(t) = Transcript::parse("fuzz", &source, format, lenient) {
                check_transcript(&t, &source);
            }
        }
    }
}

/// A parsed transcript: the source is kept as given; cue ranges lie inside
/// the joined text on char boundaries, in order; `cue_text` never panics;
/// a scan's findings are well formed on the joined text, name existing cues,
/// and their source spans lie inside the source on char boundaries with a
/// line and column that point at the span's start.
pub fn check_transcript(t: &Transcript, source: &str) {
    assert_eq!(t.source(), source, "source not kept as given");
    let text = t.text();
    let mut previous_end = 0;
    for (i, cue) in t.cues().iter().enumerate() {
        let r = &cue.range;
        assert!(
            r.start <= r.end && r.end <= text.len(),
            "cue {i} range {r:?} outside text of {} bytes",
            text.len()
        );
        assert!(
            text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
            "cue {i} range {r:?} not on char boundaries"
        );
        assert!(
            r.start >= previous_end,
            "cue {i} range {r:?} overlaps the one before"
        );
        previous_end = r.end;
        assert_eq!(t.cue_text(i), &text[r.clone()]);
        assert!(cue.line >= 1, "cue {i} on line 0");
    }
    assert_eq!(t.cue_text(t.cues().len()), "");
    let findings = t.scan(scanner());
    let plain: Vec<Finding> = findings.iter().map(|f| f.finding.clone()).collect();
    check_findings(text, &plain);
    for f in &findings {
        let s = f.source_span;
        assert!(
            s.start <= s.end && s.end <= source.len(),
            "source span {s:?} outside source of {} bytes: {f:?}",
            source.len()
        );
        assert!(
            source.is_char_boundary(s.start) && source.is_char_boundary(s.end),
            "source span {s:?} not on char boundaries: {f:?}"
        );
        if !t.cues().is_empty() {
            assert!(
                f.cues.start < f.cues.end && f.cues.end <= t.cues().len(),
                "cue range {:?} of {} cues: {f:?}",
                f.cues,
                t.cues().len()
            );
        }
        let before = &source[..s.start];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        assert_eq!(
            (f.line, f.column),
            (line, column),
            "line and column disagree with the source span: {f:?}"
        );
    }
}

/// The `rules` target: loading the lossy text of `bytes` as a rule file
/// never panics; a set that loads builds a scanner or fails cleanly, and
/// that scanner's findings on [`RULES_PROBE`] are well formed.
pub fn check_rules_bytes(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    check_rules(&text);
}

/// [`check_rules_bytes`] on text.
pub fn check_rules(text: &str) {
    let Ok(set) = RuleSet::from_toml("fuzz.toml", text) else {
        return;
    };
    let Ok(scanner) = Scanner::builder().rules(set).build() else {
        return;
    };
    check_findings(RULES_PROBE, &scanner.scan(RULES_PROBE));
}

/// The `normalize` target: `adcop::shadow_map` gives one non-empty range of
/// the original per shadow char, on char boundaries, strictly increasing and
/// not overlapping.
pub fn check_normalize_bytes(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    check_shadow_map(&text);
}

/// [`check_normalize_bytes`] on text.
pub fn check_shadow_map(original: &str) {
    let (shadow, ranges) = adcop::shadow_map(original);
    assert_eq!(
        shadow.chars().count(),
        ranges.len(),
        "{} shadow chars but {} ranges: shadow {shadow:?}, ranges {ranges:?}",
        shadow.chars().count(),
        ranges.len()
    );
    // The characters a form is rewritten to (唯壹 → 唯一, ⑩ → 10, zuì hǎo →
    // 最好) all stand for the whole form, so they share its range; any other
    // range starts where the one before ended or later.
    let mut previous: Option<&std::ops::Range<usize>> = None;
    for (i, r) in ranges.iter().enumerate() {
        assert!(
            r.start < r.end,
            "range {i} {r:?} is empty: original {original:?}, shadow {shadow:?}, ranges {ranges:?}"
        );
        assert!(
            r.end <= original.len(),
            "range {i} {r:?} outside original of {} bytes",
            original.len()
        );
        assert!(
            original.is_char_boundary(r.start) && original.is_char_boundary(r.end),
            "range {i} {r:?} not on char boundaries of {original:?}"
        );
        if let Some(p) = previous {
            assert!(
                r == p || r.start >= p.end,
                "range {i} {r:?} overlaps or precedes the one before ({p:?}) without being \
                 the same form: original {original:?}, shadow {shadow:?}, ranges {ranges:?}"
            );
        }
        previous = Some(r);
    }
}
