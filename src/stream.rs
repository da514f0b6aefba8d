//! Live scanning of an ASR stream: partial hypotheses come in every few
//! hundred milliseconds and a final text per utterance. A [`StreamScanner`]
//! rescans the end of what was said plus the current hypothesis on every
//! push and reports what changed as events, with stable finding IDs, so a
//! console can update in place.
//!
//! Only a bounded tail of final text is kept (enough for the longest claim
//! and its sentence), so memory stays flat over a stream of any length.

use crate::finding::{Finding, Span};
use crate::rule::Severity;
use crate::scanner::Scanner;
use std::collections::VecDeque;

/// Final text kept for context, in bytes: a sentence window (80 chars each
/// side) plus the longest claim, in CJK bytes, with room to spare.
const DEFAULT_TAIL_BYTES: usize = 1024;

/// How much final text before the newest segment is rescanned on a push,
/// in bytes: a sentence window of context and the longest claim. Findings
/// that start before it are settled.
const RESCAN_CONTEXT_BYTES: usize = 384;

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
        }
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
        let events = self.rescan();
        self.trim_tail();
        events
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
        // Rescan from a little before the newest segment: the hypothesis, or
        // the final just pushed.
        let newest = starts.last().copied().unwrap_or(0);
        let mut from = newest.saturating_sub(RESCAN_CONTEXT_BYTES);
        while !text.is_char_boundary(from) {
            from += 1;
        }
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
                    let old = &self.live[i].reported;
                    let reported = StreamFinding {
                        id: old.id,
                        ..candidate
                    };
                    let changed = old.finding.matched() != reported.finding.matched()
                        || old.finding.severity() != reported.finding.severity()
                        || old.segment_ids != reported.segment_ids;
                    if changed {
                        events.push(StreamEvent::Revised(reported.clone()));
                    }
                    next_live.push(Live { reported, chars });
                }
                None => {
                    let reported = StreamFinding {
                        id: self.next_id,
                        ..candidate
                    };
                    self.next_id += 1;
                    events.push(StreamEvent::Found(reported.clone()));
                    next_live.push(Live { reported, chars });
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
    let before = &segment[..start];
    let len = f.span.end - f.span.start;
    let chars = before.chars().count();
    let units: usize = before.chars().map(char::len_utf16).sum();
    let matched_chars = f.char_span.end - f.char_span.start;
    let matched_units = f.utf16_span.end - f.utf16_span.start;
    f.span = Span {
        start,
        end: start + len,
    };
    f.char_span = Span {
        start: chars,
        end: chars + matched_chars,
    };
    f.utf16_span = Span {
        start: units,
        end: units + matched_units,
    };
    f
}

impl StreamFinding {
    /// Shorthand for `self.finding.severity()`.
    pub fn severity(&self) -> Severity {
        self.finding.severity()
    }
}
