//! Word segmentation with jieba-rs, behind a small private API.
//!
//! Only the run of word characters around a candidate is ever segmented:
//! jieba cuts each run of CJK and alphanumeric characters on its own, so the
//! tokens of the run are the tokens a whole-text cut would give.

use jieba_rs::Jieba;
use std::ops::Range;
use std::sync::OnceLock;

/// Most characters taken on each side of a candidate; keeps the cost of one
/// candidate bounded inside a long run without punctuation. Six segment the
/// words at a candidate as eight did on the whole benchmark corpus (five
/// changed two findings), for a quarter less of jieba's time.
const RUN_REACH: usize = 6;

/// The process-wide segmenter. Loading its dictionary takes ~100 ms and 36 MB,
/// so every scanner shares one.
pub(crate) fn jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(Jieba::new)
}

/// A token: byte range in the scanned text and, from [`tagged`], whether
/// jieba tags it as a place name (`ns`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) range: Range<usize>,
    pub(crate) place: bool,
}

/// Characters jieba keeps together in one run (its own `re_han` class).
fn is_run_char(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FD5}' | 'a'..='z' | 'A'..='Z' | '0'..='9' | '+' | '#' | '&' | '.' | '_' | '%' | '-')
}

/// The run of word characters that contains `range`, at most `RUN_REACH`
/// characters beyond it on each side.
pub(crate) fn run_around(text: &str, range: Range<usize>) -> Range<usize> {
    crate::context::widen(text, range, RUN_REACH, |c| !is_run_char(c))
}

/// Segments `text[range]`; offsets are into `text`. No part of speech.
pub(crate) fn tokens(text: &str, range: Range<usize>) -> Vec<Token> {
    let base = range.start;
    jieba()
        .cut(&text[range], true)
        .into_iter()
        .map(|t| Token {
            range: base + t.byte_start..base + t.byte_end,
            place: false,
        })
        .collect()
}

/// Segments `text[range]` and tags place names (slower than [`tokens`]).
pub(crate) fn tagged(text: &str, range: Range<usize>) -> Vec<Token> {
    let base = range.start;
    jieba()
        .tag(&text[range], true)
        .into_iter()
        .map(|t| Token {
            range: base + t.byte_start..base + t.byte_end,
            place: t.tag == "ns",
        })
        .collect()
}
