//! Transcripts: each format, encodings, cues split across lines and
//! segments, malformed input (strict and lenient), and the mapping of
//! findings back to cues, times, speakers and file positions.

use adcop::{
    decode, Error, Scanner, TextEncoding, Transcript, TranscriptFinding, TranscriptFormat,
};
use std::sync::OnceLock;

fn scanner() -> &'static Scanner {
    static S: OnceLock<Scanner> = OnceLock::new();
    S.get_or_init(|| {
        Scanner::builder()
            .select("PRC001")
            .build()
            .expect("built-in pack")
    })
}

fn parse(text: &str, format: Option<TranscriptFormat>) -> Transcript {
    Transcript::parse("t", text, format, false).unwrap_or_else(|e| panic!("{e}"))
}

/// The one finding of `t`, asserting there is exactly one.
fn only(t: &Transcript) -> TranscriptFinding {
    let found = t.scan(scanner());
    assert_eq!(found.len(), 1, "{found:#?}\ntext: {:?}", t.text());
    found.into_iter().next().unwrap()
}

fn source_of<'a>(t: &'a Transcript, f: &TranscriptFinding) -> &'a str {
    &t.source()[f.source_span.start..f.source_span.end]
}

const SRT: &str = "1\n00:00:01,000 --> 00:00:03,500\n家人们晚上好\n\n2\n00:00:03,500 --> 00:00:06,000\n这是<i>全网最低价</i>\n\n";

#[test]
fn srt_findings_carry_times_and_file_positions() {
    let t = parse(SRT, None);
    assert_eq!(t.format(), TranscriptFormat::Srt);
    assert_eq!(t.cues().len(), 2);
    assert_eq!(t.cues()[1].start_ms, Some(3_500));
    let f = only(&t);
    assert_eq!(f.finding.matched(), "全网最低价");
    assert_eq!(f.cues, 1..2);
    assert_eq!((f.start_ms, f.end_ms), (Some(3_500), Some(6_000)));
    assert_eq!(source_of(&t, &f), "全网最低价");
    assert_eq!((f.line, f.column), (7, 6));
}

#[test]
fn srt_with_crlf_and_bom_and_a_cue_on_two_lines() {
    let text = "\u{feff}1\r\n00:00:01,000 --> 00:00:04,000\r\n今天全网\r\n最低价\r\n\r\n";
    let t = parse(text, Some(TranscriptFormat::Srt));
    let f = only(&t);
    assert_eq!(f.finding.matched(), "全网最低价");
    // The span in the file runs across the line break.
    assert_eq!(source_of(&t, &f), "全网\r\n最低价");
    assert_eq!(f.line, 3);
}

#[test]
fn a_phrase_split_across_two_cues_is_found_in_both() {
    let text = "1\n00:00:01,000 --> 00:00:02,000\n这是全网最\n\n2\n00:00:02,000 --> 00:00:03,000\n低价哦\n";
    let t = parse(text, None);
    let f = only(&t);
    assert_eq!(f.cues, 0..2);
    assert_eq!((f.start_ms, f.end_ms), (Some(1_000), Some(3_000)));
    let src = source_of(&t, &f);
    assert!(
        src.starts_with("全网最") && src.ends_with("低价"),
        "{src:?}"
    );
}

#[test]
fn webvtt_headers_notes_settings_voices_and_entities() {
    let text = "WEBVTT - 直播回放\nKind: captions\n\nSTYLE\n::cue { color: red }\n\nNOTE 这段不扫描：全网最低价\n\nintro\n00:01.000 --> 00:04.000 align:start position:10%\n<v 主播>家人们，<c.yellow>全网最低价</c> &amp; 包邮</v>\n\n00:00:04.000 --> 00:00:05.000\n<v 助播>好的</v>\n";
    let t = parse(text, None);
    assert_eq!(t.format(), TranscriptFormat::WebVtt);
    assert_eq!(t.cues().len(), 2);
    assert_eq!(t.cue_text(0), "家人们，全网最低价 & 包邮");
    assert_eq!(t.cue_text(9), "");
    let f = only(&t);
    assert_eq!(f.speaker.as_deref(), Some("主播"));
    assert_eq!((f.start_ms, f.end_ms), (Some(1_000), Some(4_000)));
    assert_eq!(source_of(&t, &f), "全网最低价");
    assert_eq!(f.line, 11);
}

#[test]
fn jsonl_segments_with_speakers() {
    let text = "{\"start_ms\": 0, \"end_ms\": 1800, \"text\": \"家人们\", \"speaker\": \"host\"}\n\n{\"start_ms\": 1800, \"end_ms\": 4000, \"text\": \"全网最低价\", \"speaker\": \"host\", \"confidence\": 0.9}\n";
    let t = parse(text, None);
    assert_eq!(t.format(), TranscriptFormat::Jsonl);
    let f = only(&t);
    assert_eq!(f.speaker.as_deref(), Some("host"));
    assert_eq!((f.start_ms, f.end_ms), (Some(1_800), Some(4_000)));
    assert_eq!(source_of(&t, &f), "全网最低价");
    assert_eq!(f.line, 3);
}

#[test]
fn a_change_of_speaker_breaks_the_text() {
    let text = "{\"text\": \"全网最\", \"speaker\": \"host\"}\n{\"text\": \"低价吗？\", \"speaker\": \"viewer\"}\n";
    let t = parse(text, None);
    assert!(t.scan(scanner()).is_empty(), "{:?}", t.text());
}

#[test]
fn out_of_order_and_overlapping_times_are_kept_as_given() {
    let text =
        "2\n00:00:05,000 --> 00:00:09,000\n全网最低价\n\n1\n00:00:01,000 --> 00:00:06,000\n好的\n";
    let t = parse(text, None);
    assert_eq!(t.cues()[0].start_ms, Some(5_000));
    assert_eq!(t.cues()[1].start_ms, Some(1_000));
    assert_eq!(only(&t).start_ms, Some(5_000));
}

#[test]
fn plain_text_lines() {
    let t = parse("第一行\n\n全网最低价\n", Some(TranscriptFormat::Plain));
    let f = only(&t);
    assert_eq!((f.start_ms, f.speaker.clone()), (None, None));
    assert_eq!((f.line, f.column), (3, 1));
}

#[test]
fn empty_files_have_no_cues() {
    for format in [
        None,
        Some(TranscriptFormat::Plain),
        Some(TranscriptFormat::Srt),
        Some(TranscriptFormat::Jsonl),
    ] {
        let t = parse("", format);
        assert!(t.cues().is_empty());
        assert!(t.scan(scanner()).is_empty());
    }
    // A WebVTT file needs at least its header.
    assert!(Transcript::parse("e.vtt", "", Some(TranscriptFormat::WebVtt), false).is_err());
    assert!(parse("WEBVTT\n", None).cues().is_empty());
}

fn transcript_error(text: &str, format: TranscriptFormat) -> (usize, String) {
    match Transcript::parse("bad.srt", text, Some(format), false) {
        Err(Error::Transcript {
            origin,
            line,
            message,
        }) => {
            assert_eq!(origin, "bad.srt");
            (line, message)
        }
        other => panic!("expected a transcript error, got {other:?}"),
    }
}

#[test]
fn malformed_cues_name_their_line() {
    let bad_time =
        "1\n00:00:01,000 --> 00:00:03,500\n好\n\n2\n00:00:0x,500 --> 00:00:06,000\n全网最低价\n";
    let (line, message) = transcript_error(bad_time, TranscriptFormat::Srt);
    assert_eq!(line, 6);
    assert!(message.contains("timestamp"), "{message}");

    let no_timing = "1\n这不是时间\n全网最低价\n";
    assert_eq!(transcript_error(no_timing, TranscriptFormat::Srt).0, 2);

    let bad_json = "{\"text\": \"好\"}\n{\"text\": 全网最低价}\n";
    assert_eq!(transcript_error(bad_json, TranscriptFormat::Jsonl).0, 2);

    let no_header = "00:01.000 --> 00:02.000\n好\n";
    assert_eq!(transcript_error(no_header, TranscriptFormat::WebVtt).0, 1);
}

#[test]
fn lenient_mode_skips_the_bad_cue_and_keeps_the_rest() {
    let text = "1\n00:00:0x,000 --> 00:00:03,500\n坏的一条\n\n2\n00:00:03,500 --> 00:00:06,000\n全网最低价\n";
    let t = Transcript::parse("bad.srt", text, Some(TranscriptFormat::Srt), true).unwrap();
    assert_eq!(t.cues().len(), 1);
    assert_eq!(t.warnings().len(), 1);
    assert_eq!(t.warnings()[0].line, 2);
    assert_eq!(only(&t).start_ms, Some(3_500));
}

#[test]
fn gbk_and_utf16_files_decode_and_scan() {
    let (gbk, _, _) = encoding_rs::GBK.encode(SRT);
    let (text, encoding) = decode("gbk.srt", &gbk).unwrap();
    assert_eq!(encoding, TextEncoding::Gb18030);
    assert_eq!(only(&parse(&text, None)).start_ms, Some(3_500));

    let vtt = "WEBVTT\n\n00:01.000 --> 00:02.000\n全网最低价\n";
    let mut utf16 = vec![0xFF, 0xFE];
    for u in vtt.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let (text, encoding) = decode("u16.vtt", &utf16).unwrap();
    assert_eq!(encoding, TextEncoding::Utf16Le);
    assert_eq!(only(&parse(&text, None)).start_ms, Some(1_000));
}

#[test]
fn formats_from_extensions_and_names() {
    use std::path::Path;
    assert_eq!(
        TranscriptFormat::from_extension(Path::new("a.SRT")),
        Some(TranscriptFormat::Srt)
    );
    assert_eq!(
        TranscriptFormat::from_extension(Path::new("a.vtt")),
        Some(TranscriptFormat::WebVtt)
    );
    assert_eq!(
        TranscriptFormat::from_extension(Path::new("a.jsonl")),
        Some(TranscriptFormat::Jsonl)
    );
    assert_eq!(
        TranscriptFormat::from_extension(Path::new("a.txt")),
        Some(TranscriptFormat::Plain)
    );
    assert_eq!(TranscriptFormat::from_extension(Path::new("a.doc")), None);
    for f in [
        TranscriptFormat::Plain,
        TranscriptFormat::Srt,
        TranscriptFormat::WebVtt,
        TranscriptFormat::Jsonl,
    ] {
        assert_eq!(f.name().parse::<TranscriptFormat>(), Ok(f));
    }
}

proptest::proptest! {
    /// Any text, in any format, strict or lenient: parsing never panics, and
    /// every finding maps to char boundaries of the decoded file, inside it.
    #[test]
    fn any_text_parses_or_fails_cleanly_and_spans_stay_in_the_file(
        pieces in proptest::collection::vec(proptest::sample::select(vec![
            "1", "\n", "\r\n", "00:00:01,000 --> 00:00:02,000", "00:01.000 --> 00:02.000 align:start",
            "WEBVTT", "NOTE", "<v 主播>", "</v>", "<c.x>", "&amp;", "&lt", "全网", "最低价", "最",
            "{\"text\": \"全网最低价\", \"start_ms\": 5}", "{\"text\": 1}", "\u{feff}", "😀", "-->", " ",
        ]), 0..30),
        lenient in proptest::bool::ANY,
    ) {
        let text: String = pieces.concat();
        for format in [None, Some(TranscriptFormat::Plain), Some(TranscriptFormat::Srt), Some(TranscriptFormat::WebVtt), Some(TranscriptFormat::Jsonl)] {
            if let Ok(t) = Transcript::parse("p", &text, format, lenient) {
                for f in t.scan(scanner()) {
                    let s = f.source_span;
                    proptest::prop_assert!(s.start <= s.end && s.end <= t.source().len());
                    proptest::prop_assert!(t.source().is_char_boundary(s.start) && t.source().is_char_boundary(s.end));
                    proptest::prop_assert!(f.cues.start < f.cues.end && f.cues.end <= t.cues().len());
                    proptest::prop_assert!(f.line >= 1 && f.column >= 1);
                }
            }
        }
    }
}

#[test]
fn a_jsonl_finding_points_at_the_text_value_not_a_key_with_the_same_words() {
    let source =
        "{\"speaker\":\"全网最低价\",\"start_ms\":0,\"end_ms\":900,\"text\":\"全网最低价\"}\n";
    let t = parse(source, Some(TranscriptFormat::Jsonl));
    let f = only(&t);
    assert_eq!(source_of(&t, &f), "全网最低价");
    let text_at = source.rfind("全网最低价").expect("text value");
    assert_eq!(f.source_span.start, text_at);
}
