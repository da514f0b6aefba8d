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

/// Loads jieba's dictionary, and its part-of-speech model by tagging
/// characters it has no word for: jieba unpacks that model on the first such
/// tag, which would otherwise fall inside a scan.
pub(crate) fn warm_up() {
    let _ = jieba().tag("丄丅", true);
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

/// Tells which tokens of a cut of `text[window]` jieba tags as place names,
/// without tagging the whole window: jieba tags a token by its text alone
/// (its dictionary entry, or a guess for a word it does not know), so one
/// word is tagged on its own. Only when cutting the word alone splits it
/// differently is the window tagged, once.
pub(crate) struct PlaceNames<'a> {
    text: &'a str,
    window: Range<usize>,
    tagged: Option<Vec<Token>>,
}

impl<'a> PlaceNames<'a> {
    pub(crate) fn new(text: &'a str, window: Range<usize>) -> PlaceNames<'a> {
        PlaceNames {
            text,
            window,
            tagged: None,
        }
    }

    /// Whether `token`, a token of the window's cut, is a place name.
    pub(crate) fn is_place(&mut self, token: &Token) -> bool {
        let word = &self.text[token.range.clone()];
        if let [only] = jieba().tag(word, true).as_slice() {
            return only.tag == "ns";
        }
        let (text, window) = (self.text, self.window.clone());
        self.tagged
            .get_or_insert_with(|| tagged(text, window))
            .iter()
            .any(|t| t.range == token.range && t.place)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_tagged_alone_are_tagged_as_in_their_window() {
        let mut places_seen = 0;
        for text in [
            "丹阳是全国最大的眼镜基地",
            "超越去年排名第一的广东和浙江",
            "义乌小商品市场是全球最大的批发市场",
            "景德镇瓷器，北京烤鸭，长白山人参最正宗",
            "福利价只要九块九，张家口的朋友们冲",
            "这款面霜是我们家卖得最好的一款",
        ] {
            let window = 0..text.len();
            let whole = tagged(text, window.clone());
            let mut places = PlaceNames::new(text, window.clone());
            let cut = tokens(text, window);
            assert_eq!(cut.len(), whole.len(), "{text}: cut and tagged alike");
            for (cut, tag) in cut.iter().zip(&whole) {
                assert_eq!(cut.range, tag.range, "{text}");
                assert_eq!(
                    places.is_place(cut),
                    tag.place,
                    "{text}: {:?}",
                    &text[cut.range.clone()]
                );
                places_seen += usize::from(tag.place);
            }
        }
        assert!(places_seen >= 3, "the texts name places jieba knows");
    }
}
