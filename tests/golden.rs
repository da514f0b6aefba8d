//! Golden tests: the findings on the shipped sample transcript, one line
//! each, compared with `tests/golden/facecream_snacks.txt`; and the event
//! sequence of the shipped live ASR log replayed through a `StreamScanner`,
//! compared with `tests/golden/live_asr.events`. After a deliberate rule
//! change, regenerate with `ADCOP_BLESS=1 cargo test --test golden` and
//! review the diff like code.

use adcop::{Scanner, StreamEvent, StreamScanner};
use serde_json::Value;
use std::path::Path;

/// Compares `got` with the golden file, or writes it when blessing.
fn check_golden(name: &str, got: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("ADCOP_BLESS").is_some() {
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        got, want,
        "{name} changed; review and re-bless with ADCOP_BLESS=1"
    );
}

#[test]
fn live_asr_log_gives_the_golden_event_sequence() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let log = std::fs::read_to_string(root.join("examples/sample/live_asr.jsonl")).unwrap();
    let scanner = Scanner::new();
    let mut live = StreamScanner::new(&scanner);
    let mut out = String::new();
    let mut render = |at: u64, events: Vec<StreamEvent>| {
        for e in events {
            let mark = match e {
                StreamEvent::Found(_) => "+",
                StreamEvent::Revised(_) => "~",
                StreamEvent::Retracted { .. } => "-",
            };
            let line = match e {
                StreamEvent::Found(f) | StreamEvent::Revised(f) => format!(
                    "{mark}\t#{}\t{}\t{}\t{}\t{:?}\t{}",
                    f.id,
                    f.finding.rule_id(),
                    f.severity(),
                    f.finding.matched(),
                    f.segment_ids,
                    if f.confirmed { "final" } else { "partial" }
                ),
                StreamEvent::Retracted { id } => format!("{mark}\t#{id}"),
            };
            out.push_str(&format!("{at}\t{line}\n"));
        }
    };
    for line in log.lines().filter(|l| !l.trim().is_empty()) {
        let m: Value = serde_json::from_str(line).unwrap();
        let (id, start, end) = (
            m["segment_id"].as_u64().unwrap(),
            m["start_ms"].as_u64().unwrap(),
            m["end_ms"].as_u64().unwrap(),
        );
        let text = m["text"].as_str().unwrap();
        let events = if m["final"].as_bool().unwrap_or(false) {
            live.push_final(id, text, start, end)
        } else {
            live.push_partial(id, text, start, end)
        };
        render(end, events);
    }
    render(0, live.finish());
    check_golden("live_asr.events", &out);
}

fn render(text: &str) -> String {
    let scanner = Scanner::new();
    let mut out = String::new();
    for f in scanner.scan(text) {
        let line = text[..f.span().start].matches('\n').count() + 1;
        out.push_str(&format!(
            "{line}\t{}\t{}\t{}\n",
            f.rule_id(),
            f.severity(),
            f.matched()
        ));
    }
    out
}

#[test]
fn sample_transcript_matches_golden_findings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("examples/sample/facecream_snacks.txt")).unwrap();
    check_golden("facecream_snacks.txt", &render(&text));
}

#[test]
fn innocent_sample_lines_stay_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("examples/sample/facecream_snacks.txt")).unwrap();
    let scanner = Scanner::new();
    let innocent = [
        "最近",
        "第一次",
        "第一步",
        "首先",
        "最多可叠加",
        "最好冷藏",
        "第一个链接",
        "唯一的要求",
        "100%纯棉",
    ];
    for line in text.lines() {
        if innocent.iter().any(|w| line.contains(w)) {
            for f in scanner.scan(line) {
                assert!(
                    !innocent
                        .iter()
                        .any(|w| w.contains(f.matched()) || f.matched().contains(w)),
                    "{line:?}: innocent phrase flagged as {} {:?}",
                    f.rule_id(),
                    f.matched()
                );
            }
        }
    }
}
