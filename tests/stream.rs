//! Live scanning: partial hypotheses and finals, split phrases, revisions
//! and retractions, duplicates and stale segments, and flat memory over a
//! long stream.

use adcop::{Scanner, Severity, StreamEvent, StreamScanner};
use std::sync::OnceLock;

fn scanner() -> &'static Scanner {
    static S: OnceLock<Scanner> = OnceLock::new();
    S.get_or_init(|| {
        Scanner::builder()
            .select("PRC001")
            .select("URG001")
            .build()
            .expect("built-in pack")
    })
}

fn found(events: &[StreamEvent]) -> Vec<(u64, String)> {
    events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::Found(f) => Some((f.id, f.finding.matched().to_string())),
            _ => None,
        })
        .collect()
}

#[test]
fn a_phrase_split_across_two_finals_is_found_once() {
    let mut s = StreamScanner::new(scanner());
    assert!(s.push_final(1, "家人们这是全网最", 0, 1_500).is_empty());
    let events = s.push_final(2, "低价，赶紧拍", 1_500, 3_000);
    let f = match events.as_slice() {
        [StreamEvent::Found(f)] => f,
        other => panic!("{other:?}"),
    };
    assert_eq!(f.finding.matched(), "全网最低价");
    assert_eq!(f.segment_id, 1);
    assert_eq!(f.segment_ids, [1, 2]);
    assert_eq!((f.start_ms, f.end_ms), (0, 3_000));
    assert!(f.confirmed);
    // Spans count from the start of the segment the finding starts in.
    assert_eq!(f.finding.char_span().start, "家人们这是".chars().count());
    assert_eq!(&"家人们这是全网最"[f.finding.span().start..], "全网最");
    assert!(s.finish().is_empty());
}

#[test]
fn partial_then_final_with_the_same_text_reports_once() {
    let mut s = StreamScanner::new(scanner());
    assert!(s.push_partial(1, "这是全网", 0, 800).is_empty());
    let events = s.push_partial(1, "这是全网最低价", 0, 1_200);
    let ids = found(&events);
    assert_eq!(ids.len(), 1, "{events:?}");
    match s.push_partial(1, "这是全网最低价", 0, 1_200).as_slice() {
        [] => {}
        other => panic!("a repeated hypothesis changed nothing: {other:?}"),
    }
    let events = s.push_final(1, "这是全网最低价", 0, 1_300);
    assert!(
        events.is_empty(),
        "confirmed, never emitted twice: {events:?}"
    );
    assert!(s.finish().is_empty());
}

#[test]
fn a_corrected_hypothesis_retracts_the_finding() {
    let mut s = StreamScanner::new(scanner());
    let id = found(&s.push_partial(1, "这是全网最低价", 0, 1_000))[0].0;
    let events = s.push_partial(1, "这是全网都在用的", 0, 1_400);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, StreamEvent::Retracted { id: r } if *r == id)),
        "{events:?}"
    );
    assert!(s.push_final(1, "这是全网都在用的", 0, 1_500).is_empty());
}

#[test]
fn a_growing_claim_is_revised_under_the_same_id() {
    let mut s = StreamScanner::new(scanner());
    let events = s.push_partial(1, "最后三", 0, 500);
    let first = found(&events);
    let events = s.push_partial(1, "最后三单了家人们", 0, 900);
    let revised: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::Revised(f) => Some(f.clone()),
            _ => None,
        })
        .collect();
    if let Some((id, _)) = first.first() {
        assert_eq!(revised.len(), 1, "{events:?}");
        assert_eq!(revised[0].id, *id);
        assert_eq!(revised[0].finding.matched(), "最后三单");
    } else {
        assert_eq!(found(&events).len(), 1, "{events:?}");
    }
}

#[test]
fn duplicate_stale_and_out_of_order_segments_are_handled() {
    let mut s = StreamScanner::new(scanner());
    assert_eq!(found(&s.push_final(2, "全网最低价", 1_000, 2_000)).len(), 1);
    // The same final again, and a late partial for it: nothing.
    assert!(s.push_final(2, "全网最低价", 1_000, 2_000).is_empty());
    assert!(s.push_partial(2, "全网最低价吗", 1_000, 2_000).is_empty());
    // A hypothesis for segment 5, then a stale one for segment 4: ignored.
    s.push_partial(5, "大家", 5_000, 5_500);
    assert!(s.push_partial(4, "全网最低价", 4_000, 4_500).is_empty());
    // A final that arrives out of order is scanned where it arrives.
    let events = s.push_final(3, "今天全网最低价", 3_000, 4_000);
    assert_eq!(found(&events).len(), 1, "{events:?}");
}

#[test]
fn severity_follows_later_qualifying_words() {
    // Context after the claim in the same sentence can change its severity;
    // the change comes as a revision.
    let mut s = StreamScanner::new(scanner());
    let first = s.push_partial(1, "不是全网最低价", 0, 800);
    let f = match first.as_slice() {
        [StreamEvent::Found(f)] => f.clone(),
        other => panic!("{other:?}"),
    };
    assert!(f.severity() < Severity::Error, "negated: {f:?}");
}

#[test]
fn four_hours_of_speech_keep_memory_flat() {
    let mut s = StreamScanner::new(scanner());
    let lines = [
        "家人们晚上好，欢迎来到直播间",
        "这款面霜是全网最低价",
        "最后三单了，抓紧时间",
        "质地很清爽，不油腻",
    ];
    let mut peak = 0;
    let mut reported = 0;
    // One utterance every 2 s for four hours, each with two partials.
    for i in 0..7_200u64 {
        let text = lines[(i % 4) as usize];
        let cut = text.char_indices().nth(4).map_or(text.len(), |(b, _)| b);
        let (start, end) = (i * 2_000, i * 2_000 + 1_900);
        reported += found(&s.push_partial(i, &text[..cut], start, start + 900)).len();
        reported += found(&s.push_partial(i, text, start, end)).len();
        reported += found(&s.push_final(i, text, start, end)).len();
        peak = peak.max(s.retained_bytes());
    }
    assert!(reported >= 3_600, "{reported}");
    assert!(peak <= 4 * 1024, "retained {peak} bytes");
}

fn full() -> &'static Scanner {
    static S: OnceLock<Scanner> = OnceLock::new();
    S.get_or_init(Scanner::new)
}

fn rules_found(events: &[StreamEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::Found(f) => Some(f.finding.rule_id().to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_draw_soon_after_an_order_call_is_tied_to_buying() {
    let mut s = StreamScanner::new(full());
    s.push_final(1, "家人们赶紧去拍", 0, 2_000);
    let events = s.push_final(2, "等一下我们开福袋", 30_000, 32_000);
    assert!(
        rules_found(&events).contains(&"PRZ009".to_string()),
        "{events:?}"
    );
    let f = events
        .iter()
        .find_map(|e| match e {
            StreamEvent::Found(f) if f.finding.rule_id() == "PRZ009" => Some(f.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(f.finding.matched(), "福袋");
    assert_eq!(f.segment_id, 2);

    // Too far apart, or turned off: nothing.
    let mut s = StreamScanner::new(full());
    s.push_final(1, "家人们赶紧去拍", 0, 2_000);
    let events = s.push_final(2, "等一下我们开福袋", 300_000, 302_000);
    assert!(
        !rules_found(&events).contains(&"PRZ009".to_string()),
        "{events:?}"
    );
    let mut s = StreamScanner::new(full()).with_prize_purchase_window(0);
    s.push_final(1, "家人们赶紧去拍", 0, 2_000);
    let events = s.push_final(2, "等一下我们开福袋", 3_000, 4_000);
    assert!(
        !rules_found(&events).contains(&"PRZ009".to_string()),
        "{events:?}"
    );
}

#[test]
fn an_urgency_phrase_said_too_often_is_raised() {
    let mut s = StreamScanner::new(full()).with_urgency_repeats(2, 600_000);
    let mut severities = Vec::new();
    for i in 0..4u64 {
        let t = i * 60_000;
        // A hypothesis first, then the final: the raise comes with the final.
        let found = |events: Vec<StreamEvent>, into: &mut Vec<(u64, Severity)>| {
            for e in events {
                if let StreamEvent::Found(f) | StreamEvent::Revised(f) = e {
                    into.push((i, f.severity()));
                }
            }
        };
        found(
            s.push_partial(2 * i, "最后三单", t, t + 900),
            &mut severities,
        );
        found(
            s.push_final(2 * i, "最后三单", t, t + 1_000),
            &mut severities,
        );
        // A rescan of the same text keeps the raise: no revision back.
        let later = s.push_partial(2 * i + 1, "好的", t + 2_000, t + 2_500);
        assert!(later.is_empty(), "{later:?}");
    }
    let raised: Vec<u64> = severities
        .iter()
        .filter(|(_, sev)| *sev == Severity::Error)
        .map(|(i, _)| *i)
        .collect();
    assert_eq!(raised, [2, 3], "{severities:?}");
    // Each utterance was found once as a hypothesis, and revised only when raised.
    assert_eq!(severities.len(), 6, "{severities:?}");
}
