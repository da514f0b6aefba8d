//! Live scanning of an ASR stream: partial hypotheses come in every few
//! hundred milliseconds and a final text per utterance. A [`StreamScanner`]
//! rescans the end of what was said plus the current hypothesis on every
//! push and reports what changed as events, with stable finding IDs, so a
//! console can update in place.
//!
//! Only a bounded tail of final text is kept (enough for the longest claim
//! and its sentence), so memory stays flat over a stream of any length.

use crate::finding::{Finding, Span};
use crate::rule::{Category, Severity};
use crate::scanner::{ceil_char_boundary, Scanner};
use aho_corasick::AhoCorasick;
use std::collections::VecDeque;

/// Final text kept for context, in bytes: a sentence window (80 chars each
/// side) plus the longest claim, in CJK bytes, with room to spare.
const DEFAULT_TAIL_BYTES: usize = 1024;

/// Most final text before the newest segment rescanned on a push, in
/// bytes. Findings that start before the rescanned text are settled.
const RESCAN_CONTEXT_BYTES: usize = 384;

/// Earlier segments are rescanned until at least this much context is in:
/// the longest claim split across several short segments.
const RESCAN_MIN_CONTEXT_BYTES: usize = 48;

/// Words that call for an order, and words that announce a draw: the two
/// halves of a draw tied to buying (rule PRZ009) said in separate utterances.
const ORDER_CALLS: &[&str] = &[
    "下单",
    "拍下",
    "拍一单",
    "去拍",
    "拍起来",
    "付款",
    "购买",
    "上车",
    "抢购",
    "小黄车",
    "点链接",
];
const DRAW_WORDS: &[&str] = &["抽奖", "福袋", "抽免单", "锦鲤", "开奖"];

/// The rule a draw near an order call is reported under.
const PRIZE_PURCHASE_RULE: &str = "PRZ009";

/// How many finalised segment IDs are remembered to drop duplicates.
const REMEMBERED_FINALS: usize = 256;

/// What changed, as a console would show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamEvent {
    /// A new finding.
    Found(StreamFinding),
    /// A finding already reported changed: its span, wording or severity
    /// (the hypothesis changed under it, or later words qualified it).
    Revised(StreamFinding),
    /// A finding no longer holds: the ASR corrected itself.
    Retracted {
        /// The ID it was reported with.
        id: u64,
    },
}

/// A finding in the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamFinding {
    /// Stable ID: revisions and retractions refer to it.
    pub id: u64,
    /// The finding. Its spans count from the start of the text of segment
    /// `segment_id` and may run on into the following segments.
    pub finding: Finding,
    /// The segment the finding starts in.
    pub segment_id: u64,
    /// The segments it touches, in order.
    pub segment_ids: Vec<u64>,
    /// Start of the first of those segments, in milliseconds.
    pub start_ms: u64,
    /// End of the last of those segments, in milliseconds.
    pub end_ms: u64,
    /// True when every segment it touches is final.
    pub confirmed: bool,
}

/// One segment of text as the ASR gave it.
#[derive(Debug, Clone)]
struct Segment {
    id: u64,
    text: String,
    start_ms: u64,
    end_ms: u64,
    is_final: bool,
}

/// A finding reported and still open to change.
#[derive(Debug, Clone)]
struct Live {
    reported: StreamFinding,
    /// Char range in its start segment, for matching across rescans.
    chars: std::ops::Range<usize>,
    /// Raised by a session rule: rescans keep the raise.
    raised: bool,
}

/// Scans one live room's ASR stream. Cheap to create: one per room, built
/// from a shared [`Scanner`].
#[derive(Debug, Clone)]
pub struct StreamScanner {
    scanner: Scanner,
    tail_bytes: usize,
    /// Final segments kept for context, oldest first.
    tail: VecDeque<Segment>,
    /// The current hypothesis, if any.
    partial: Option<Segment>,
    /// Recently finalised IDs, to drop duplicates and stale partials.
    finals: VecDeque<u64>,
    live: Vec<Live>,
    next_id: u64,
    session: Session,
}

/// State of the rules that only make sense over time.
#[derive(Debug, Clone)]
struct Session {
    /// A draw within this long of an order call is tied to buying.
    prize_window_ms: u64,
    /// More repeats than this of one urgency phrase within `urgency_window_ms`
    /// raise its severity.
    urgency_limit: usize,
    urgency_window_ms: u64,
    words: Option<AhoCorasick>,
    /// When the last order call and the last draw were said (final text).
    last_order_ms: Option<u64>,
    last_draw_ms: Option<u64>,
    /// Urgency findings said recently: (rule, matched, time), oldest first.
    urgency: VecDeque<(String, String, u64)>,
}

impl Session {
    fn new() -> Session {
        let words: Vec<&str> = ORDER_CALLS.iter().chain(DRAW_WORDS).copied().collect();
        Session {
            prize_window_ms: 60_000,
            urgency_limit: 3,
            urgency_window_ms: 600_000,
            words: AhoCorasick::new(words).ok(),
            last_order_ms: None,
            last_draw_ms: None,
            urgency: VecDeque::new(),
        }
    }
}

impl StreamScanner {
    /// A stream scanner using `scanner`'s rules and options.
    pub fn new(scanner: &Scanner) -> StreamScanner {
        StreamScanner {
            scanner: scanner.clone(),
            tail_bytes: DEFAULT_TAIL_BYTES,
            tail: VecDeque::new(),
            partial: None,
            finals: VecDeque::new(),
            live: Vec::new(),
            next_id: 1,
            session: Session::new(),
        }
    }

    /// A draw (抽奖, 福袋) said within `ms` of an order call (下单, 拍下,
    /// 付款) in another utterance is reported as a draw tied to buying
    /// (PRZ009, when the scanner has it). Default: 60 s; 0 turns it off.
    pub fn with_prize_purchase_window(mut self, ms: u64) -> StreamScanner {
        self.session.prize_window_ms = ms;
        self
    }

    /// The same urgency phrase (最后三单, 手慢无) said more than `limit` times
    /// within `window_ms` is reported one severity step higher from then on.
    /// Default: 3 times in ten minutes.
    pub fn with_urgency_repeats(mut self, limit: usize, window_ms: u64) -> StreamScanner {
        self.session.urgency_limit = limit;
        self.session.urgency_window_ms = window_ms;
        self
    }

    /// Keeps at most about `bytes` of final text for context (default 1024).
    /// A claim longer than the tail, or whose sentence reaches further back,
    /// is judged on what is kept.
    pub fn with_tail_bytes(mut self, bytes: usize) -> StreamScanner {
        self.tail_bytes = bytes.max(1);
        self
    }

    /// Bytes of text held now: the tail, the hypothesis and the open findings.
    /// Stays bounded however long the stream runs.
    pub fn retained_bytes(&self) -> usize {
        let segments: usize = self.tail.iter().map(|s| s.text.len()).sum();
        let partial = self.partial.as_ref().map_or(0, |s| s.text.len());
        let live: usize = self
            .live
            .iter()
            .map(|l| l.reported.finding.matched().len())
            .sum();
        segments + partial + live
    }

    /// A partial hypothesis for segment `segment_id`; it replaces the
    /// previous hypothesis. Ignored for a segment already final, or older
    /// than the current hypothesis.
    pub fn push_partial(
        &mut self,
        segment_id: u64,
        text: &str,
        start_ms: u64,
        end_ms: u64,
    ) -> Vec<StreamEvent> {
        let stale = self.partial.as_ref().is_some_and(|p| segment_id < p.id);
        if self.finals.contains(&segment_id) || stale {
            return Vec::new();
        }
        self.partial = Some(Segment {
            id: segment_id,
            text: text.to_string(),
            start_ms,
            end_ms,
            is_final: false,
        });
        self.rescan()
    }

    /// The final text of segment `segment_id`. A duplicate final is ignored;
    /// a final replaces any hypothesis for the same or an earlier segment.
    pub fn push_final(
        &mut self,
        segment_id: u64,
        text: &str,
        start_ms: u64,
        end_ms: u64,
    ) -> Vec<StreamEvent> {
        if self.finals.contains(&segment_id) {
            return Vec::new();
        }
        if self.partial.as_ref().is_some_and(|p| p.id <= segment_id) {
            self.partial = None;
        }
        self.finals.push_back(segment_id);
        if self.finals.len() > REMEMBERED_FINALS {
            self.finals.pop_front();
        }
        self.tail.push_back(Segment {
            id: segment_id,
            text: text.to_string(),
            start_ms,
            end_ms,
            is_final: true,
        });
        let mut events = self.rescan();
        self.repeated_urgency(segment_id, &mut events, end_ms);
        self.draw_near_order(segment_id, text, start_ms, end_ms, &mut events);
        self.trim_tail();
        events
    }

    /// Counts the urgency findings this final confirms, and raises one
    /// whose phrase was said more than the limit within the window; a
    /// finding already reported is revised.
    fn repeated_urgency(&mut self, segment_id: u64, events: &mut Vec<StreamEvent>, now_ms: u64) {
        let session = &mut self.session;
        while session
            .urgency
            .front()
            .is_some_and(|(_, _, t)| t + session.urgency_window_ms < now_ms)
        {
            session.urgency.pop_front();
        }
        for live in self.live.iter_mut() {
            let f = &mut live.reported;
            if f.segment_id != segment_id
                || !f.confirmed
                || f.finding.category() != Category::Urgency
            {
                continue;
            }
            let rule = f.finding.rule_id().to_string();
            let matched = f.finding.matched().to_string();
            let said = session
                .urgency
                .iter()
                .filter(|(r, m, _)| *r == rule && *m == matched)
                .count();
            session.urgency.push_back((rule, matched, now_ms));
            if said < session.urgency_limit || f.finding.severity == Severity::Error {
                continue;
            }
            f.finding.severity = f.finding.severity.raised();
            live.raised = true;
            let f = &live.reported;
            let found_now = events.iter_mut().find_map(|e| match e {
                StreamEvent::Found(g) | StreamEvent::Revised(g) if g.id == f.id => Some(g),
                _ => None,
            });
            match found_now {
                Some(g) => g.finding.severity = f.finding.severity,
                None => events.push(StreamEvent::Revised(f.clone())),
            }
        }
    }

    /// Reports a draw said in this final within the window of an order call
    /// said before it, or an order call within the window after a draw.
    fn draw_near_order(
        &mut self,
        segment_id: u64,
        text: &str,
        start_ms: u64,
        end_ms: u64,
        events: &mut Vec<StreamEvent>,
    ) {
        let session = &mut self.session;
        let Some(words) = &session.words else { return };
        if session.prize_window_ms == 0 {
            return;
        }
        let mut draw = None;
        let mut order = None;
        for m in words.find_iter(text) {
            let word = &text[m.range()];
            if DRAW_WORDS.contains(&word) {
                draw.get_or_insert(m.range());
            } else {
                order.get_or_insert(m.range());
            }
        }
        let within = |t: Option<u64>| {
            t.is_some_and(|t| start_ms.saturating_sub(t) <= session.prize_window_ms)
        };
        // Both in one utterance is the rule's own (static) matter.
        let tied = match (&draw, &order) {
            (Some(d), None) if within(session.last_order_ms) => Some(d.clone()),
            (None, Some(o)) if within(session.last_draw_ms) => Some(o.clone()),
            _ => None,
        };
        if order.is_some() {
            session.last_order_ms = Some(end_ms);
        }
        if draw.is_some() {
            session.last_draw_ms = Some(end_ms);
        }
        let Some(range) = tied else { return };
        let Some((rule, texts)) = self.scanner.rule_with_texts(PRIZE_PURCHASE_RULE) else {
            return;
        };
        let mut finding = Finding::of_rule(
            texts,
            rule.severity,
            Span {
                start: range.start,
                end: range.end,
            },
            &text[range.clone()],
            None,
        );
        finding.place(text, range);
        let reported = StreamFinding {
            id: self.next_id,
            finding,
            segment_id,
            segment_ids: vec![segment_id],
            start_ms,
            end_ms,
            confirmed: true,
        };
        self.next_id += 1;
        events.push(StreamEvent::Found(reported));
    }

    /// Ends the stream: a hypothesis still open is taken as final. Returns
    /// its events; the scanner is then empty and can start a new stream.
    pub fn finish(&mut self) -> Vec<StreamEvent> {
        let events = match self.partial.take() {
            Some(p) => self.push_final(p.id, &p.text, p.start_ms, p.end_ms),
            None => Vec::new(),
        };
        self.tail.clear();
        self.live.clear();
        self.finals.clear();
        events
    }

    /// Drops the oldest final segments beyond the tail size, and the findings
    /// that started in them: they are settled.
    fn trim_tail(&mut self) {
        let mut total: usize = self.tail.iter().map(|s| s.text.len()).sum();
        while self.tail.len() > 1 && total > self.tail_bytes {
            if let Some(old) = self.tail.pop_front() {
                total -= old.text.len();
                self.live.retain(|l| l.reported.segment_id != old.id);
            }
        }
    }

    /// Scans the tail and the hypothesis, and turns the difference with what
    /// was reported into events.
    fn rescan(&mut self) -> Vec<StreamEvent> {
        let segments: Vec<&Segment> = self.tail.iter().chain(self.partial.as_ref()).collect();
        let mut text = String::new();
        let mut starts = Vec::with_capacity(segments.len());
        for s in &segments {
            starts.push(text.len());
            text.push_str(&s.text);
        }
        // Rescan the newest segment (the hypothesis, or the final just
        // pushed) and whole earlier segments back to at least
        // `RESCAN_MIN_CONTEXT_BYTES` of context, at most
        // `RESCAN_CONTEXT_BYTES`: a claim split across short segments is
        // found, and settled utterances are not judged again on every push.
        let newest = starts.last().copied().unwrap_or(0);
        let floor = newest.saturating_sub(RESCAN_CONTEXT_BYTES);
        let from = starts
            .iter()
            .rev()
            .copied()
            .find(|&s| newest - s >= RESCAN_MIN_CONTEXT_BYTES)
            .unwrap_or(0)
            .max(floor);
        let from = ceil_char_boundary(&text, from);
        let start_of = |id: u64| segments.iter().position(|s| s.id == id).map(|i| starts[i]);
        // Findings that start before the rescanned part stay as they are.
        let (settled, open): (Vec<Live>, Vec<Live>) =
            std::mem::take(&mut self.live).into_iter().partition(|l| {
                start_of(l.reported.segment_id)
                    .is_some_and(|s| s + l.reported.finding.span().start < from)
            });
        self.live = open;
        let found = self.scanner.scan(&text[from..]);

        let mut events = Vec::new();
        let mut matched_live = vec![false; self.live.len()];
        let mut next_live = settled;
        for f in found {
            let span = Span {
                start: f.span().start + from,
                end: f.span().end + from,
            };
            let first = starts
                .partition_point(|&s| s <= span.start)
                .saturating_sub(1);
            let last = starts
                .partition_point(|&s| s < span.end)
                .saturating_sub(1)
                .max(first);
            let seg = segments[first];
            let base = starts[first];
            let chars_before = text[base..span.start].chars().count();
            let chars = chars_before..chars_before + f.matched().chars().count();
            let touched = &segments[first..=last];
            let candidate = StreamFinding {
                id: 0,
                finding: relative(f, &text[base..], span.start - base),
                segment_id: seg.id,
                segment_ids: touched.iter().map(|s| s.id).collect(),
                start_ms: seg.start_ms,
                end_ms: touched.last().map_or(seg.end_ms, |s| s.end_ms),
                confirmed: touched.iter().all(|s| s.is_final),
            };
            // The same finding as before: same rule, same start segment,
            // overlapping characters.
            let previous = self.live.iter().enumerate().position(|(i, l)| {
                !matched_live[i]
                    && l.reported.segment_id == candidate.segment_id
                    && l.reported.finding.rule_id() == candidate.finding.rule_id()
                    && l.chars.start < chars.end
                    && chars.start < l.chars.end
            });
            match previous {
                Some(i) => {
                    matched_live[i] = true;
                    let raised = self.live[i].raised;
                    let old = &self.live[i].reported;
                    let mut reported = StreamFinding {
                        id: old.id,
                        ..candidate
                    };
                    if raised {
                        reported.finding.severity = reported.finding.severity.raised();
                    }
                    let changed = old.finding.matched() != reported.finding.matched()
                        || old.finding.severity() != reported.finding.severity()
                        || old.segment_ids != reported.segment_ids;
                    if changed {
                        events.push(StreamEvent::Revised(reported.clone()));
                    }
                    next_live.push(Live {
                        reported,
                        chars,
                        raised,
                    });
                }
                None => {
                    let reported = StreamFinding {
                        id: self.next_id,
                        ..candidate
                    };
                    self.next_id += 1;
                    events.push(StreamEvent::Found(reported.clone()));
                    next_live.push(Live {
                        reported,
                        chars,
                        raised: false,
                    });
                }
            }
        }
        for (i, l) in self.live.iter().enumerate() {
            if !matched_live[i] {
                events.push(StreamEvent::Retracted { id: l.reported.id });
            }
        }
        self.live = next_live;
        events
    }
}

/// `f` with its spans counted from the start of its segment: `segment` is
/// the text from there on, and the finding starts at byte `start` of it.
fn relative(mut f: Finding, segment: &str, start: usize) -> Finding {
    let len = f.span.end - f.span.start;
    f.place(segment, start..start + len);
    f
}

impl StreamFinding {
    /// Shorthand for `self.finding.severity()`.
    pub fn severity(&self) -> Severity {
        self.finding.severity()
    }
}
