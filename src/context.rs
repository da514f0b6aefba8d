//! Context around a candidate: word boundaries, the sentence it sits in,
//! negation and quotation.

use crate::segment::Token;
use aho_corasick::AhoCorasick;
use std::ops::Range;
use std::sync::OnceLock;

/// True when `hay` contains one of `words`. One automaton per word list,
/// built on first use: cheaper than a substring search per word, which this
/// runs for every candidate.
fn contains_any(cell: &'static OnceLock<Option<AhoCorasick>>, words: &[&str], hay: &str) -> bool {
    match cell.get_or_init(|| AhoCorasick::new(words).ok()) {
        Some(ac) => ac.is_match(hay),
        None => words.iter().any(|w| hay.contains(w)),
    }
}

/// Characters that end a sentence or an utterance. Commas do not: a
/// qualifier earlier in the same sentence still counts.
fn is_sentence_end(c: char) -> bool {
    !between_stops(c)
        && matches!(
            c,
            '。' | '！' | '？' | '!' | '?' | '；' | ';' | '\n' | '\r' | '…'
        )
}

/// Most characters a sentence window reaches on each side of a candidate.
const SENTENCE_REACH: usize = 80;

/// Widens `range` over neighbouring characters until `stops` says so, at most
/// `reach` characters on each side.
pub(crate) fn widen(
    text: &str,
    range: Range<usize>,
    reach: usize,
    stops: impl Fn(char) -> bool,
) -> Range<usize> {
    let mut start = range.start;
    for c in text[..range.start].chars().rev().take(reach) {
        if stops(c) {
            break;
        }
        start -= c.len_utf8();
    }
    let mut end = range.end;
    for c in text[range.end..].chars().take(reach) {
        if stops(c) {
            break;
        }
        end += c.len_utf8();
    }
    start..end
}

/// The sentence around `range`, bounded to `SENTENCE_REACH` chars each side.
pub(crate) fn sentence_around(text: &str, range: Range<usize>) -> Range<usize> {
    widen(text, range, SENTENCE_REACH, is_sentence_end)
}

/// Most characters an exemption pattern may reach beyond the term.
const EXEMPT_REACH: usize = 16;

/// The part of `sentence` within `EXEMPT_REACH` chars of `term`.
pub(crate) fn window_around(
    text: &str,
    sentence: &Range<usize>,
    term: &Range<usize>,
) -> Range<usize> {
    let inner = &text[..sentence.end];
    let w = widen(inner, term.clone(), EXEMPT_REACH, |_| false);
    w.start.max(sentence.start)..w.end
}

/// A term sits on word boundaries when a token starts where it starts and no
/// token that starts inside it runs past its end. A term may be the head of a
/// longer word (最低 in 最低价 is still a claim); it may not be the tail of one
/// (极品 in 南极|品种) or be glued to the next word (国家级 in 国家|级别).
pub(crate) fn on_word_boundaries(tokens: &[Token], term: &Range<usize>) -> bool {
    let starts_a_token = tokens.iter().any(|t| t.range.start == term.start);
    let tail_glued = tokens
        .iter()
        .any(|t| t.range.start > term.start && t.range.start < term.end && t.range.end > term.end);
    starts_a_token && !tail_glued
}

/// End of the word a bare term introduces: the token that starts with the
/// term when it is longer (最好), else the following token (最|霸道).
pub(crate) fn next_word_end(text: &str, tokens: &[Token], term: &Range<usize>) -> usize {
    let Some(head) = tokens.iter().position(|t| t.range.start == term.start) else {
        return term.end;
    };
    let mut end = tokens[head].range.end;
    if end > term.end && !LINKS.contains(&&text[term.end..end]) {
        return end;
    }
    // Step over linking words (最为|基础, 最|最|好) to the word that carries the claim.
    for next in &tokens[head + 1..] {
        if next.range.start != end {
            break;
        }
        end = next.range.end;
        if !LINKS.contains(&&text[next.range.clone()]) {
            break;
        }
    }
    end
}

/// Words between 最 and what it grades: 最为基础, 最是难忘, 最最好.
const LINKS: &[&str] = &["为", "是", "最", "最最"];

/// Characters that end a clause: sentence ends plus commas and enumeration marks.
fn is_clause_end(c: char) -> bool {
    !between_stops(c) && (is_sentence_end(c) || matches!(c, '，' | ',' | '、' | '：' | ':'))
}

/// Whether `c` lies between the CJK stops (up to 、 and 。) and the
/// full-width ones, where no sentence or clause ends: Han characters, nearly
/// every character asked about, are ruled out by this one test.
fn between_stops(c: char) -> bool {
    ('\u{3003}'..'\u{FF01}').contains(&c)
}

/// Most characters a clause window reaches on each side of a candidate.
const CLAUSE_REACH: usize = 32;

/// The clause around `range`, bounded to `CLAUSE_REACH` chars each side.
pub(crate) fn clause_around(text: &str, range: Range<usize>) -> Range<usize> {
    widen(text, range, CLAUSE_REACH, is_clause_end)
}

/// How far the place test looks before and after a claim, in characters:
/// a place name, a copula and up to three tokens before it; 的 and a place
/// after it. Tagging only this much keeps the part-of-speech pass short.
const PLACE_REACH_BEFORE: usize = 20;
const PLACE_REACH_AFTER: usize = 8;

/// The part of `clause` the place test needs around `claim`.
pub(crate) fn place_window(
    text: &str,
    clause: &Range<usize>,
    claim: &Range<usize>,
) -> Range<usize> {
    let inner = &text[..clause.end];
    let before = widen(inner, claim.start..claim.start, PLACE_REACH_BEFORE, |_| {
        false
    })
    .start;
    let after = widen(inner, claim.end..claim.end, PLACE_REACH_AFTER, |_| false).end;
    before.max(clause.start)..after
}

/// Verbs that make the place before them the subject of what follows.
const COPULAS: &[&str] = &[
    "是", "为", "成为", "跻身", "堪称", "号称", "作为", "乃", "列为",
];

/// Cheap test before segmenting: the claim can only be about a place when a
/// copula stands before it in the clause or 的 right after it.
pub(crate) fn may_be_about_a_place(
    text: &str,
    clause: &Range<usize>,
    claim: &Range<usize>,
) -> bool {
    // The copula must be close: at most four tokens may stand between it and
    // the claim, and tokens are rarely longer than three characters.
    let near = widen(text, claim.start..claim.start, 12, |_| false).start;
    let before = &text[near.max(clause.start)..claim.start];
    static AC: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    text[claim.end..clause.end].starts_with('的') || contains_any(&AC, COPULAS, before)
}

/// True when the claim describes a place rather than goods (guideline item
/// 五(三)): a place name is the subject (丹阳是全国最大的眼镜基地) or the thing
/// ranked (排名第一的广东). `tokens` are the clause's, with offsets into `text`;
/// `is_place` tells a place name among them, and is asked only about a token
/// in one of those two places.
pub(crate) fn is_about_a_place(
    text: &str,
    tokens: &[Token],
    claim: &Range<usize>,
    mut is_place: impl FnMut(&Token) -> bool,
) -> bool {
    let word = |t: &Token| &text[t.range.clone()];
    // A place, then a copula, then at most three tokens, then the claim.
    let before: Vec<&Token> = tokens
        .iter()
        .filter(|t| t.range.end <= claim.start)
        .collect();
    let subject = before
        .iter()
        .rposition(|t| COPULAS.contains(&word(t)))
        .is_some_and(|cop| before.len() - cop <= 4 && cop > 0 && is_place(before[cop - 1]));
    // The claim, 的, then a place.
    let after: Vec<&Token> = tokens
        .iter()
        .filter(|t| t.range.start >= claim.end)
        .take(2)
        .collect();
    let ranked = after.len() == 2 && word(after[0]) == "的" && is_place(after[1]);
    subject || ranked
}

/// Words that deny the claim right after them (不是最好的).
const NEGATORS: &[&str] = &[
    "不是",
    "并非",
    "不算",
    "算不上",
    "称不上",
    "谈不上",
    "不敢说",
    "不敢称",
    "不能算",
];

/// True when a negator ends at most three characters before `start` in the same clause.
pub(crate) fn is_negated(text: &str, sentence: &Range<usize>, start: usize) -> bool {
    let before = &text[sentence.start..start];
    // The last six characters.
    let tail = &before[before.char_indices().rev().nth(5).map_or(0, |(i, _)| i)..];
    static AC: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    if !contains_any(&AC, NEGATORS, tail) {
        return false;
    }
    NEGATORS.iter().any(|neg| {
        tail.rfind(neg).is_some_and(|i| {
            let gap = &tail[i + neg.len()..];
            gap.chars().count() <= 3 && !gap.chars().any(|c| matches!(c, ',' | '，' | '、'))
        })
    })
}

/// Words that show a quoted phrase is reported or warned against, not claimed.
const REPORTING: &[&str] = &[
    "警惕",
    "谨防",
    "当心",
    "小心",
    "禁止",
    "不得",
    "不能说",
    "不能用",
    "不要说",
    "违禁",
    "极限词",
    "违规",
    "违法",
    "广告法",
    "处罚",
    "被罚",
    "罚款",
    "举报",
    "投诉",
    "虚假宣传",
    "所谓",
];

/// Paired quotation marks. The ASCII `"` opens and closes, so it is counted.
const OPEN_QUOTES: &[char] = &['“', '「', '『', '‘', '《'];
const CLOSE_QUOTES: &[char] = &['”', '」', '』', '’', '》'];

/// True when `range` sits inside quotation marks in a sentence that reports
/// or warns against the wording (警惕“全网最低价”).
pub(crate) fn is_reported(text: &str, sentence: &Range<usize>, range: &Range<usize>) -> bool {
    let before = &text[sentence.start..range.start];
    let after = &text[range.end..sentence.end];
    let paired_open = before
        .rfind(OPEN_QUOTES)
        .is_some_and(|i| !before[i..].contains(CLOSE_QUOTES));
    let paired_close = after
        .find(CLOSE_QUOTES)
        .is_some_and(|i| !after[..i].contains(OPEN_QUOTES));
    let ascii_quoted = before.matches('"').count() % 2 == 1 && after.contains('"');
    if !((paired_open && paired_close) || ascii_quoted) {
        return false;
    }
    static AC: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    contains_any(&AC, REPORTING, &text[sentence.clone()])
}

#[cfg(test)]
mod tests {
    #[test]
    fn places_are_not_goods() {
        let about = |t: &str, c: Range<usize>| {
            let toks = crate::segment::tagged(t, 0..t.len());
            is_about_a_place(t, &toks, &c, |tok| tok.place)
        };
        let t = "丹阳是全国最大的眼镜基地";
        let c = t.find("最大").unwrap()..t.find("最大").unwrap() + 6;
        assert!(about(t, c));
        let t = "超越去年排名第一的广东";
        let c = t.find("排名").unwrap()..t.find("的").unwrap();
        assert!(about(t, c));
        let t = "我们店是全国最大的";
        let c = t.find("最大").unwrap()..t.find("最大").unwrap() + 6;
        assert!(!about(t, c));
    }

    use super::*;

    fn tok(r: Range<usize>) -> Token {
        Token {
            range: r,
            place: false,
        }
    }

    #[test]
    fn boundaries() {
        // 南极|品种: 极品 spans bytes 3..9 of "南极品种".
        let toks = [tok(0..6), tok(6..12)];
        assert!(!on_word_boundaries(&toks, &(3..9)));
        // 最低价 as one token: 最低 is its head.
        let toks = [tok(0..9)];
        assert!(on_word_boundaries(&toks, &(0..6)));
        // 国家|级别: 国家级 is glued to 别.
        let toks = [tok(0..6), tok(6..12)];
        assert!(!on_word_boundaries(&toks, &(0..9)));
    }

    #[test]
    fn negation_and_reporting() {
        let t = "这不是最好的";
        let s = 0..t.len();
        assert!(is_negated(t, &s, t.find("最").unwrap()));
        let t = "这是最好的";
        assert!(!is_negated(t, &(0..t.len()), t.find("最").unwrap()));
        let t = "警惕“全网最低价”等说法";
        let r = t.find("全网").unwrap()..t.find("”").unwrap();
        assert!(is_reported(t, &(0..t.len()), &r));
        let t = "我们是“全网最低价”";
        let r = t.find("全网").unwrap()..t.find("”").unwrap();
        assert!(!is_reported(t, &(0..t.len()), &r));
        // Quotes elsewhere in the sentence do not quote the claim.
        for t in [
            "他说\"好\"，这是全网最低价，不是\"违规\"的",
            "“爆款”来了，全网最低价，“小心”烫手",
        ] {
            let r = t.find("全网").unwrap()..t.find("全网").unwrap() + "全网最低价".len();
            assert!(!is_reported(t, &(0..t.len()), &r), "{t}");
        }
    }
}
