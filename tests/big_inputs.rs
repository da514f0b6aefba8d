//! Inputs a transcript pipeline meets in the wild: nothing but emoji or
//! punctuation, control characters and NUL bytes, GBK files, files cut off
//! mid-character, and one very long line fed through the streaming reader.
//! None of them may panic; each gives findings at the right place or a
//! clear error.

use adcop::{decode, Error, Finding, ReadSummary, Scanner, TextEncoding, Transcript};
use serde_json::Value;

use std::ops::ControlFlow;
use std::path::PathBuf;

use std::sync::OnceLock;

mod support;
use support::{jsonl, run_scan};

/// The scanner's piece size: texts longer than this are cut.
const PIECE: usize = 1024 * 1024;

/// What the `scan` example streams instead of reading whole.
const STREAM_ABOVE: usize = 4 << 20;

fn scanner() -> &'static Scanner {
    static SCANNER: OnceLock<Scanner> = OnceLock::new();
    SCANNER.get_or_init(Scanner::new)
}

/// Findings and summary of `scan_reader` over `bytes`.
fn read(scanner: &Scanner, bytes: &[u8]) -> adcop::Result<(Vec<Finding>, ReadSummary)> {
    let mut found = Vec::new();
    let summary = scanner.scan_reader("input", bytes, |f| {
        found.push(f.finding);
        ControlFlow::Continue(())
    })?;
    assert_eq!(summary.findings, found.len());
    Ok((found, summary))
}

/// Every span lies on char boundaries and covers its `matched` text, in
/// bytes, chars and UTF-16 units.
fn assert_spans_valid(text: &str, findings: &[Finding]) {
    for f in findings {
        let s = f.span();
        assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        assert_eq!(&text[s.start..s.end], f.matched());
        assert_eq!(f.char_span().start, text[..s.start].chars().count());
        assert_eq!(f.char_span().len(), f.matched().chars().count());
        assert_eq!(f.utf16_span().start, text[..s.start].encode_utf16().count());
        assert_eq!(f.utf16_span().len(), f.matched().encode_utf16().count());
    }
}

/// Scans `text` whole and streamed; both must agree and be well formed.
fn scan_both_ways(text: &str) -> Vec<Finding> {
    let whole = scanner().scan(text);
    assert_spans_valid(text, &whole);
    let (streamed, summary) = read(scanner(), text.as_bytes()).expect("UTF-8 text reads");
    assert_eq!(streamed, whole);
    assert_eq!(summary.chars, text.chars().count() as u64);
    assert_eq!(summary.bytes, text.len() as u64);
    whole
}

fn rules_and_spans(findings: &[Finding]) -> Vec<(String, usize, usize)> {
    findings
        .iter()
        .map(|f| (f.rule_id().to_string(), f.span().start, f.span().end))
        .collect()
}

// ---------------------------------------------------------------------------
// Emoji, separators, control characters
// ---------------------------------------------------------------------------

/// ZWJ families and professions, skin tones, keycaps, flags (regional
/// indicator pairs and a tag sequence), a lone regional indicator, text and
/// emoji presentation selectors.
const EMOJI: &str = "😀👍🏽👨‍👩‍👧‍👦👩🏾‍💻🏳️‍🌈❤️‍🔥1️⃣#️⃣*️⃣🔟🇨🇳🇺🇸🇯🇵🏴󠁧󠁢󠁳󠁣󠁴󠁿🇦☺︎☺️🫶🏻";

#[test]
fn a_file_of_only_emoji_scans_clean() {
    // Longer than a piece, with no line end: cuts fall inside clusters.
    let text = EMOJI.repeat(2 * PIECE / EMOJI.len() + 3);
    assert!(scan_both_ways(&text).is_empty());
    let lines = format!("{EMOJI}\n").repeat(50);
    assert!(scan_both_ways(&lines).is_empty());
}

#[test]
fn emoji_around_a_violation_do_not_move_it() {
    let text = format!("{EMOJI}全网最低价{EMOJI}\n🇨🇳最好用👍🏽");
    let found = scan_both_ways(&text);
    let matched: Vec<&str> = found.iter().map(Finding::matched).collect();
    assert!(matched.contains(&"全网最低价"), "{matched:?}");
}

#[test]
fn a_file_of_only_separators_scans_clean() {
    let separators = " \t\r\n，。！？、；：“”‘’（）【】《》…—·～　,.!?;:'\"()[]<>-_/\\|@#$%^&*+=~`\u{200b}\u{2028}\u{3000}\u{feff}";
    let text = separators.repeat(2 * PIECE / separators.len() + 1);
    assert!(scan_both_ways(&text).is_empty());
    let spaces = " ".repeat(PIECE + 17);
    assert!(scan_both_ways(&spaces).is_empty());
    let newlines = "\n".repeat(PIECE + 17);
    assert!(scan_both_ways(&newlines).is_empty());
}

#[test]
fn nul_and_control_characters_around_a_violation() {
    let controls = "\0\u{1}\u{7}\u{8}\u{b}\u{c}\u{1b}[31m\u{7f}\u{85}\u{200e}";
    let text = format!("{controls}家人们\0这是全网最低价\0{controls}\r\n\0\0最后三单\u{1b}[0m");
    let found = scan_both_ways(&text);
    for phrase in ["全网最低价", "最后三单"] {
        let start = text.find(phrase).unwrap();
        assert!(
            found
                .iter()
                .any(|f| f.span().start == start && f.matched() == phrase),
            "{phrase} at {start}: {:?}",
            rules_and_spans(&found)
        );
    }
    // The same text as bytes of a file: NUL is text, not the end of it.
    let (text2, encoding) = decode("nul.txt", text.as_bytes()).unwrap();
    assert_eq!(
        (text2.as_str(), encoding),
        (text.as_str(), TextEncoding::Utf8)
    );
}

// ---------------------------------------------------------------------------
// Encodings and truncated files
// ---------------------------------------------------------------------------

const LIVE: &str = "家人们，这是全网最低价！\n开封后最好冷藏。\n这款面霜最好用，最后三单。\n";

#[test]
fn gbk_that_is_not_utf8_is_decoded_and_spans_follow_the_decoded_text() {
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(LIVE);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&gbk).is_err());
    let (text, encoding) = decode("live.txt", &gbk).unwrap();
    assert_eq!((text.as_str(), encoding), (LIVE, TextEncoding::Gb18030));
    let found = scanner().scan(&text);
    assert_spans_valid(&text, &found);
    let start = text.find("全网最低价").unwrap();
    assert!(found.iter().any(|f| f.span().start == start));

    let (streamed, summary) = read(scanner(), &gbk).unwrap();
    assert_eq!(summary.encoding, TextEncoding::Gb18030);
    assert_eq!(summary.bytes, gbk.len() as u64);
    assert_eq!(streamed, found);

    // Long enough that the encoding is judged on the first MiB only.
    let long = LIVE.repeat(3 * (1 << 20) / LIVE.len());
    let (gbk, _, _) = encoding_rs::GBK.encode(&long);
    let (streamed, summary) = read(scanner(), &gbk).unwrap();
    assert_eq!(summary.encoding, TextEncoding::Gb18030);
    assert_eq!(summary.chars, long.chars().count() as u64);
    assert_eq!(streamed, scanner().scan(&long));
}

#[test]
fn utf8_cut_mid_char_is_an_error_at_the_cut_or_decodes_whole() {
    // Cut inside the last char, 1 and 2 bytes in.
    for keep in [1, 2] {
        let text = "家人们，这是全网最低价！最后三单";
        let cut = text.len() - "单".len();
        let bytes = &text.as_bytes()[..cut + keep];
        let decoded = decode("cut.txt", bytes);
        let streamed = read(scanner(), bytes);
        match (&decoded, &streamed) {
            (Err(Error::Utf8 { byte_offset: a, .. }), Err(Error::Utf8 { byte_offset: b, .. })) => {
                assert_eq!((*a, *b), (cut, cut))
            }
            // Judged whole, the bytes may also be valid GB18030.
            (Ok((t, TextEncoding::Gb18030)), Ok((_, summary))) => {
                assert_eq!(summary.encoding, TextEncoding::Gb18030);
                assert_spans_valid(t, &scanner().scan(t));
            }
            other => panic!("{other:?}"),
        }
    }
    // A long UTF-8 input is read as UTF-8 from its first MiB; a char cut at
    // its end is an error at the cut, after the findings before it.
    let long = LIVE.repeat(3 * (1 << 20) / LIVE.len());
    let mut bytes = long.as_bytes().to_vec();
    bytes.extend_from_slice(&"单".as_bytes()[..2]);
    let mut found = 0;
    let err = scanner()
        .scan_reader("cut.txt", &bytes[..], |_| {
            found += 1;
            ControlFlow::Continue(())
        })
        .unwrap_err();
    assert!(
        matches!(err, Error::Utf8 { byte_offset, .. } if byte_offset == long.len()),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!("cut.txt: not valid UTF-8 at byte {}", long.len())
    );
    assert!(found > 0);
}

#[test]
fn gbk_cut_mid_char_is_an_error() {
    let (gbk, _, _) = encoding_rs::GBK.encode(LIVE.trim_end());
    let bytes = &gbk[..gbk.len() - 1];
    // Neither UTF-8 nor GB18030: `decode` names where each stops, the
    // GB18030 one at the cut char, and so does the streaming reader, which
    // judges it whole too.
    let first_not_utf8 = std::str::from_utf8(bytes).unwrap_err().valid_up_to();
    let expected = format!(
        "neither UTF-8 (invalid at byte {first_not_utf8}) nor GB18030 (invalid at byte {})",
        bytes.len() - 1
    );
    match (decode("cut.txt", bytes), read(scanner(), bytes)) {
        (Err(Error::Decode { message: a, .. }), Err(Error::Decode { message: b, .. })) => {
            assert_eq!(
                (a.as_str(), b.as_str()),
                (expected.as_str(), expected.as_str())
            )
        }
        other => panic!("{other:?}"),
    }
    // Long enough to be judged on its first MiB: the cut is named.
    let long = LIVE.repeat(3 * (1 << 20) / LIVE.len());
    let (gbk, _, _) = encoding_rs::GBK.encode(&long);
    let mut bytes = gbk.to_vec();
    bytes.push(0xB5);
    let err = read(scanner(), &bytes).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("input: invalid GB18030 at byte {}", gbk.len())
    );
}

#[test]
fn utf16_cut_mid_unit_is_an_error() {
    let mut bytes = vec![0xFF, 0xFE];
    for u in LIVE.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let (found, summary) = read(scanner(), &bytes).unwrap();
    assert_eq!(summary.encoding, TextEncoding::Utf16Le);
    assert_eq!(found, scanner().scan(LIVE));
    bytes.pop();
    assert!(matches!(
        decode("cut.txt", &bytes),
        Err(Error::Decode { .. })
    ));
    let err = read(scanner(), &bytes).unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains(&format!("at byte {}", bytes.len() - 1)),
        "{err}"
    );
}

/// An SRT file cut off at each byte: parsing either fails with an error that
/// names the file and a line, or gives cues whose findings lie in the text.
#[test]
fn truncated_srt_parses_or_fails_cleanly_at_every_cut() {
    let srt = "1\n00:00:01,000 --> 00:00:03,000\n家人们晚上好\n\n2\n00:12:03,400 --> 00:12:05,000\n这是全网最\n\n3\n00:12:05,000 --> 00:12:07,000\n低价，最后三单\n";
    for cut in 1..srt.len() {
        let Ok((text, _)) = decode("cut.srt", &srt.as_bytes()[..cut]) else {
            continue; // cut inside a char: an error, as tested above
        };
        for lenient in [false, true] {
            match Transcript::parse(
                "cut.srt",
                &text,
                Some(adcop::TranscriptFormat::Srt),
                lenient,
            ) {
                Ok(t) => {
                    for f in t.scan(scanner()) {
                        let s = f.source_span;
                        assert!(s.start <= s.end && s.end <= text.len());
                        assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
                        assert!(f.line >= 1 && f.line <= text.lines().count().max(1));
                    }
                }
                Err(e) => {
                    let msg = e.to_string();
                    assert!(msg.starts_with("cut.srt:"), "cut at {cut}: {msg}");
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// One long line, streamed
// ---------------------------------------------------------------------------

/// Where `scan` cuts a text without line or sentence ends: every `PIECE`
/// bytes, moved back to a char boundary.
fn hard_cuts(text: &str) -> Vec<usize> {
    let mut cuts = Vec::new();
    let mut at = 0;
    while at + PIECE < text.len() {
        at += PIECE;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        cuts.push(at);
    }
    cuts
}

/// About `bytes` bytes on one line with no sentence end: mostly clean
/// sales talk, a violation every few KB, and one across each place where
/// `scan` cuts the text.
fn long_line(bytes: usize) -> String {
    let clean = "今天给大家介绍一款面霜，质地清爽，适合干皮，";
    let claims = [
        "全网最低价",
        "这款面霜最好用",
        "原价199今天只要99",
        "最后三单",
        "开封后最好冷藏",
    ];
    let across = ["全网最低价", "最后三单"];
    let mut text = String::new();
    let mut next_cut = PIECE;
    let mut i = 0;
    while text.len() < bytes {
        let claim = claims[i % claims.len()];
        if text.len() + 200 >= next_cut {
            // Pad with ASCII so a claim's middle lies on the cut, then find
            // where `scan` really cuts: back to a char boundary.
            let claim = across[i % 2];
            let pad = (next_cut - claim.len() / 2).saturating_sub(text.len());
            text.push_str(&"x".repeat(pad));
            text.push_str(claim);
            let mut cut = next_cut;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            next_cut = cut + PIECE;
        } else if i % 50 == 0 {
            text.push_str(claim);
            text.push('，');
        }
        text.push_str(clean);
        text.push_str(&"好".repeat(i % 3));
        i += 1;
    }
    text
}

#[test]
fn a_long_line_streamed_gives_the_findings_of_scan() {
    let text = long_line(3 << 20);
    assert!(!text.contains(['\n', '。', '！', '？', '!', '?', '；']));
    let whole = scanner().scan(&text);
    assert_spans_valid(&text, &whole);
    // The cuts fall inside findings, so the boundary is really exercised.
    let cuts = hard_cuts(&text);
    let straddling = cuts
        .iter()
        .filter(|&&c| whole.iter().any(|f| f.span().start < c && c < f.span().end))
        .count();
    assert_eq!(
        straddling,
        cuts.len(),
        "only {straddling} of {} cuts inside a finding",
        cuts.len()
    );

    let (streamed, summary) = read(scanner(), text.as_bytes()).unwrap();
    assert_eq!(summary.encoding, TextEncoding::Utf8);
    assert_eq!(summary.chars, text.chars().count() as u64);
    assert_eq!(streamed.len(), whole.len());
    assert_eq!(rules_and_spans(&streamed), rules_and_spans(&whole));
    assert_eq!(streamed, whole);
}

#[test]
fn lines_columns_and_excerpts_of_a_streamed_input() {
    let mut text = long_line(PIECE + 1000);
    text.push_str("\r\n第二行全网最低价\r\n");
    let start = text.rfind("全网最低价").unwrap();
    let mut seen = None;
    scanner()
        .scan_reader("input", text.as_bytes(), |f| {
            if f.finding.span().start == start {
                seen = Some((f.line, f.column, f.excerpt.to_string(), f.excerpt_start));
            }
            // Long-line excerpts are cut near the span, on char boundaries.
            let s = f.finding.span();
            assert!(f.excerpt_start <= s.start);
            assert!(f.excerpt_start + f.excerpt.len() >= s.end);
            assert!(f.excerpt.len() <= s.len() + 2 * 1024 + 8);
            assert_eq!(
                &f.excerpt[s.start - f.excerpt_start..s.end - f.excerpt_start],
                f.finding.matched()
            );
            ControlFlow::Continue(())
        })
        .unwrap();
    let line2_start = text.find("\r\n").unwrap() + 2;
    assert_eq!(
        seen,
        Some((2, 4, "第二行全网最低价".to_string(), line2_start))
    );
}

// ---------------------------------------------------------------------------
// The `scan` example
// ---------------------------------------------------------------------------

/// A file in a fresh directory, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, bytes: &[u8]) -> TempFile {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "adcop-big-{}-{}",
            std::process::id(),
            N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        TempFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// (rule, byte_start, byte_end, char_start, utf16_start, line, column) of
/// each jsonl record.
fn record_places(records: &[Value]) -> Vec<(String, u64, u64, u64, u64, u64, u64)> {
    records
        .iter()
        .map(|r| {
            let n = |k: &str| r[k].as_u64().unwrap_or_else(|| panic!("{k} in {r}"));
            (
                r["rule"].as_str().unwrap().to_string(),
                n("byte_start"),
                n("byte_end"),
                n("char_start"),
                n("utf16_start"),
                n("line"),
                n("column"),
            )
        })
        .collect()
}

/// The records the example should print for plain `text`, from `scan`.
fn expected_places(
    text: &str,
    findings: &[Finding],
) -> Vec<(String, u64, u64, u64, u64, u64, u64)> {
    findings
        .iter()
        .filter(|f| f.severity() >= adcop::Severity::Warning)
        .map(|f| {
            let s = f.span();
            let before = &text[..s.start];
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            (
                f.rule_id().to_string(),
                s.start as u64,
                s.end as u64,
                f.char_span().start as u64,
                f.utf16_span().start as u64,
                before.matches('\n').count() as u64 + 1,
                text[line_start..s.start].chars().count() as u64 + 1,
            )
        })
        .collect()
}

#[test]
fn cli_emoji_separators_and_control_characters() {
    for (name, text) in [
        ("emoji.txt", EMOJI.repeat(100)),
        ("separators.txt", "，。！？、…—　\t \r\n".repeat(100)),
        ("controls.txt", "\0\u{1}\u{1b}[31m".repeat(100)),
    ] {
        let file = TempFile::new(name, text.as_bytes());
        let run = run_scan(&["--format", "jsonl", file.path()], b"");
        assert_eq!(
            (run.code, run.stdout.as_str()),
            (0, ""),
            "{name}: {}",
            run.stderr
        );
        assert!(run.stderr.is_empty(), "{name}: {}", run.stderr);
    }
    let text = "\0\u{7}家人们\0这是全网最低价\0\u{1b}[0m\n";
    let run = run_scan(&["--format", "jsonl"], text.as_bytes());
    assert_eq!(run.code, 1, "{}", run.stderr);
    let records = jsonl(&run.stdout);
    let start = text.find("全网最低价").unwrap() as u64;
    assert!(records
        .iter()
        .any(|r| r["byte_start"] == start && r["matched"] == "全网最低价"));
    // Text output must not pass control characters through to the terminal.
    let run = run_scan(&[], text.as_bytes());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stdout.contains('\u{1b}'), "{}", run.stdout);
}

#[test]
fn cli_gbk_and_truncated_files() {
    let (gbk, _, _) = encoding_rs::GBK.encode(LIVE);
    let file = TempFile::new("live.txt", &gbk);
    let run = run_scan(&["--format", "jsonl", file.path()], b"");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("read as GB18030"), "{}", run.stderr);
    let found = scanner().scan(LIVE);
    assert_eq!(
        record_places(&jsonl(&run.stdout)),
        expected_places(LIVE, &found)
    );

    // Cut mid-char: exit 2 and one line naming the file (and, for UTF-8,
    // the byte).
    let utf8 = LIVE.as_bytes();
    for (bytes, names_the_byte) in [(utf8, true), (&gbk[..], false)] {
        let cut = TempFile::new("cut.txt", &bytes[..bytes.len() - 2]);
        let run = run_scan(&[cut.path()], b"");
        assert_eq!(run.code, 2, "{}", run.stdout);
        assert!(
            run.stderr.starts_with(&format!("error: {}: ", cut.path())),
            "{}",
            run.stderr
        );
        if names_the_byte {
            assert!(run.stderr.contains("at byte"), "{}", run.stderr);
        }
    }

    // A truncated SRT: the last cue lost its text and its timing's end.
    let srt = "1\n00:00:01,000 --> 00:00:03,000\n全网最低价\n\n2\n00:00:03,000 --> 00:00:0";
    let file = TempFile::new("cut.srt", srt.as_bytes());
    let run = run_scan(&["--format", "jsonl", file.path()], b"");
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.starts_with(&format!("error: {}:", file.path())),
        "{}",
        run.stderr
    );
    let run = run_scan(&["--lenient", "--format", "jsonl", file.path()], b"");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(jsonl(&run.stdout)[0]["matched"], "全网最低价");
}

/// A plain file over the streaming threshold, on one line, through the
/// example: the same records as `scan` gives, from a file and from stdin.
#[test]
fn cli_streams_a_long_line_with_the_findings_of_scan() {
    let scanner = Scanner::builder()
        .select("PRC")
        .select("URG")
        .build()
        .unwrap();
    let mut text = long_line(STREAM_ABOVE + (1 << 20));
    text.push_str("\n第二行全网最低价\n");
    let found = scanner.scan(&text);
    let expected = expected_places(&text, &found);
    assert!(expected.len() > 1000);
    let file = TempFile::new("long.txt", text.as_bytes());
    let args = ["--format", "jsonl", "--select", "PRC,URG"];
    let run = run_scan(&[&args[..], &[file.path()]].concat(), b"");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(record_places(&jsonl(&run.stdout)), expected);
    let run = run_scan(&args, text.as_bytes());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(record_places(&jsonl(&run.stdout)), expected);
    // Text output shows the long line cut near each span.
    let run = run_scan(&["--select", "PRC,URG", file.path()], b"");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.contains(&format!("{}:2:4", file.path())),
        "{}",
        &run.stdout[run.stdout.len() - 2000..]
    );
    assert!(run.stdout.lines().all(|l| l.len() < 8 * 1024));
}
