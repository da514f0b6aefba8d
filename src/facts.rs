//! Facts a rule's check reads out of a claim: the numbers of a price
//! statement (原价200打五折只要150), the value of a lottery prize. They decide
//! whether an arithmetic rule fires and travel with the finding
//! ([`crate::Finding::facts`]).

use crate::amount::{amount_at, discount_at};
use crate::rule::Check;
use serde::{Serialize, Serializer};
use std::ops::Range;

/// An amount of money, kept in fen (0.01 元) so facts compare exactly and
/// serialise the same way every time; serialised as a number of 元.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(u64);

impl Money {
    /// The amount in fen (0.01 元).
    pub fn fen(self) -> u64 {
        self.0
    }

    /// The amount in 元.
    pub fn yuan(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.yuan())
    }
}

/// A share of a price in basis points (五折 = 5000 = half the price paid);
/// serialised as a fraction (0.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Share(u32);

impl Share {
    /// The share in basis points (1/10000).
    pub fn basis_points(self) -> u32 {
        self.0
    }

    /// The share as a fraction between 0 and 1.
    pub fn fraction(self) -> f64 {
        f64::from(self.0) / 10_000.0
    }
}

impl Serialize for Share {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.fraction())
    }
}

/// What a check read out of the text around a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Facts {
    /// The numbers of a price statement.
    Price(PriceFacts),
    /// The value of a lottery prize.
    Prize(PrizeFacts),
}

/// The numbers of one price statement. Any of them may be missing.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct PriceFacts {
    /// The compared price (原价, 划线价, 专柜价 …).
    pub reference: Option<Money>,
    /// The words that introduced the compared price, as normalised.
    pub reference_label: Option<String>,
    /// The price asked now (只要, 到手, 现价 …).
    pub offer: Option<Money>,
    /// A stated discount: the share of the compared price paid (五折 = 0.5).
    pub discount: Option<Share>,
    /// A stated reduction (直降100, 立减50).
    pub reduction: Option<Money>,
    /// Coupons, bundles or other conditions (券后, 满减, 叠加, 第二件) stand
    /// between the numbers, so they need not add up.
    pub conditional: bool,
}

impl PriceFacts {
    /// The share of the compared price the offer asks (0.1 = a 90% discount).
    pub fn paid_share(&self) -> Option<Share> {
        let (reference, offer) = (self.reference?, self.offer?);
        let bp = (offer.fen() as f64 * 10_000.0 / reference.fen() as f64).round();
        Some(Share(bp.min(f64::from(u32::MAX)) as u32))
    }

    /// The offer that the stated discount or reduction implies.
    pub fn implied_offer(&self) -> Option<Money> {
        let reference = self.reference?;
        if let Some(d) = self.discount {
            let fen = (reference.fen() as f64 * d.fraction()).round() as u64;
            return Some(Money(fen));
        }
        self.reduction
            .filter(|r| r.fen() < reference.fen())
            .map(|r| Money(reference.fen() - r.fen()))
    }

    /// True when the offer asks more than the stated discount or reduction
    /// allows, by more than rounding (1 元 or 5%). Paying less than stated is
    /// no deception (明码标价和禁止价格欺诈规定 Art. 21(二)).
    pub fn contradicts(&self) -> bool {
        let (Some(implied), Some(offer)) = (self.implied_offer(), self.offer) else {
            return false;
        };
        let slack = (implied.fen() / 20).max(100);
        !self.conditional && offer.fen() > implied.fen() + slack
    }
}

/// The value of a lottery prize stated near a lottery word.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrizeFacts {
    /// The largest single prize value stated.
    pub value: Money,
}

/// The cap on the top prize of a lottery, 5万元 (反不正当竞争法 2025 Art. 11(四)).
pub const PRIZE_CAP: Money = Money(5_000_000);

/// Words after which the price asked now follows.
const OFFER_MARKERS: &[&str] = &[
    "到手价",
    "到手",
    "只要",
    "只需",
    "仅需",
    "仅要",
    "仅售",
    "现价",
    "现售价",
    "秒杀价",
    "活动价",
    "福利价",
    "特价",
    "特惠价",
    "直播价",
    "直播间价",
    "折后价",
    "折后",
    "券后价",
    "券后",
    "团购价",
    "专享价",
    "宠粉价",
    "一口价",
    "给到",
    "现在",
    "今天",
    "今晚",
    "直播间",
    "才",
    "就",
];

/// Words that make the numbers conditional: a coupon, a bundle, a threshold.
const CONDITIONS: &[&str] = &[
    "券",
    "满减",
    "叠加",
    "再减",
    "红包",
    "第二件",
    "两件",
    "多件",
    "买二",
    "拍二",
    "拍两",
    "组合",
    "套装",
    "会员",
    "积分",
    "补贴",
];

/// Words after which a reduction follows.
const REDUCTIONS: &[&str] = &[
    "直降",
    "立减",
    "立省",
    "便宜了",
    "便宜",
    "省了",
    "减了",
    "减",
];

/// How far, in characters, a price statement reaches after its label.
const STATEMENT_REACH: usize = 40;

/// How many characters may stand between a word and the amount it introduces
/// (原价是199, 平时我们都卖129).
const AMOUNT_GAP: usize = 6;

/// True when `c` can start an amount.
fn starts_amount(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '¥' | '$') || "零一二两三四五六七八九十百千".contains(c)
}

/// The first amount starting within `AMOUNT_GAP` characters of `from`,
/// before `limit` and before any clause break.
fn amount_near(text: &str, from: usize, limit: usize) -> Option<(usize, crate::amount::Amount)> {
    let mut at = from;
    for c in text[from..limit].chars().take(AMOUNT_GAP + 1) {
        if matches!(c, ',' | '。' | '!' | '?' | ';' | '，' | '\n') {
            return None;
        }
        if starts_amount(c) {
            return amount_at(&text[..limit], at).map(|a| (at, a));
        }
        at += c.len_utf8();
    }
    None
}

/// Reads the price statement whose compared price is introduced by the words
/// at `label`, within `sentence` of `text`. Returns its facts and the byte
/// range it spans, or `None` when no amount follows the label.
pub(crate) fn read_price(
    text: &str,
    sentence: &Range<usize>,
    label: &Range<usize>,
) -> Option<(PriceFacts, Range<usize>)> {
    let (_, reference) = amount_near(text, label.end, sentence.end)?;
    let mut facts = PriceFacts {
        reference: Some(Money(reference.fen)),
        reference_label: Some(text[label.clone()].to_string()),
        ..PriceFacts::default()
    };
    let mut span = label.start..reference.end;
    let limit = text[reference.end..sentence.end]
        .char_indices()
        .nth(STATEMENT_REACH)
        .map_or(sentence.end, |(i, _)| reference.end + i);
    let mut at = reference.end;
    while at < limit {
        let rest = &text[at..limit];
        if facts.discount.is_none() {
            if let Some((bp, end)) = discount_at(text, at).filter(|&(_, end)| end <= limit) {
                facts.discount = Some(Share(bp));
                span.end = span.end.max(end);
                at = end;
                continue;
            }
        }
        if facts.reduction.is_none() {
            if let Some(word) = REDUCTIONS.iter().find(|w| rest.starts_with(*w)) {
                if let Some((_, a)) = amount_near(text, at + word.len(), limit) {
                    facts.reduction = Some(Money(a.fen));
                    span.end = span.end.max(a.end);
                    at = a.end;
                    continue;
                }
            }
        }
        if CONDITIONS.iter().any(|w| rest.starts_with(w)) {
            facts.conditional = true;
        }
        if facts.offer.is_none() {
            if let Some(word) = OFFER_MARKERS.iter().find(|w| rest.starts_with(*w)) {
                if let Some((_, a)) = amount_near(text, at + word.len(), limit) {
                    facts.conditional |= word.starts_with('券');
                    facts.offer = Some(Money(a.fen));
                    span.end = span.end.max(a.end);
                    at = a.end;
                    continue;
                }
            }
        }
        at += rest.chars().next().map_or(1, char::len_utf8);
    }
    // The live price may come first: 今天只要59，专柜价都要199.
    if facts.offer.is_none() {
        let before = &text[sentence.start..label.start];
        let found = OFFER_MARKERS.iter().filter_map(|w| {
            let i = sentence.start + before.rfind(w)?;
            let (_, a) = amount_near(text, i + w.len(), label.start)?;
            Some((i, a))
        });
        if let Some((i, a)) = found.max_by_key(|(i, _)| *i) {
            facts.offer = Some(Money(a.fen));
            span.start = i;
        }
    }
    Some((facts, span))
}

/// Words that introduce a compared price, for finding the statement inside
/// a longer match (the reference-price pattern's).
const REFERENCE_LABELS: &[&str] = &[
    "原价",
    "原售价",
    "原零售价",
    "划线价",
    "专柜价",
    "专柜售价",
    "市场价",
    "市场售价",
    "市面价",
    "吊牌价",
    "标签价",
    "日常价",
    "日常售价",
    "平时价",
    "平日价",
    "门店价",
    "门市价",
    "实体店价",
    "官方价",
    "官方售价",
    "官方零售价",
    "官方指导价",
    "官网价",
    "官网售价",
    "建议零售价",
    "零售价",
    "指导价",
    "柜台价",
    "商场价",
    "正价",
    "平时卖",
    "平常卖",
    "原来卖",
    "之前卖",
    "以前卖",
    "日常卖",
    "平时都卖",
    "平时我们都卖",
    "平时我们卖",
];

/// Where the number that `at` may cut into ends: `at` itself unless the
/// character before it is a digit (ASCII or Chinese) and digits, a decimal
/// point followed by a digit, or 块/元 amounts of the same kind go on.
fn number_end(text: &str, at: usize) -> usize {
    let chinese = |c: char| "零一二两三四五六七八九十百千万".contains(c);
    let Some(before) = text[..at].chars().next_back() else {
        return at;
    };
    let same_kind = |c: char| {
        if before.is_ascii_digit() {
            c.is_ascii_digit()
        } else {
            chinese(c)
        }
    };
    if !(before.is_ascii_digit() || chinese(before)) {
        return at;
    }
    let mut end = at;
    let mut chars = text[at..].chars().peekable();
    while let Some(c) = chars.next() {
        let decimal =
            c == '.' && before.is_ascii_digit() && chars.peek().is_some_and(char::is_ascii_digit);
        if !same_kind(c) && !decimal {
            break;
        }
        end += c.len_utf8();
    }
    end
}

/// What a check decided about one match.
pub(crate) enum Outcome {
    /// Keep the match, with any facts read and the span to report.
    Keep(Option<Facts>, Range<usize>),
    /// The check does not hold: no finding.
    Drop,
}

/// Runs `check` on the match `claim` in `sentence` of `text`.
pub(crate) fn apply(
    check: Check,
    text: &str,
    sentence: &Range<usize>,
    claim: &Range<usize>,
) -> Outcome {
    let keep_all = |facts: Option<Facts>| Outcome::Keep(facts, claim.clone());
    match check {
        Check::PriceFacts => {
            let label = REFERENCE_LABELS
                .iter()
                .filter_map(|l| text[claim.clone()].find(l).map(|i| (i, l.len())))
                .min_by_key(|&(i, len)| (i, std::cmp::Reverse(len)));
            let read = label.and_then(|(i, len)| {
                let start = claim.start + i;
                read_price(text, sentence, &(start..start + len))
            });
            // The pattern may stop at the first digit of the live price
            // (原价199今天只要1|29): report the whole number it cut into.
            let end = number_end(text, claim.end).min(sentence.end.max(claim.end));
            Outcome::Keep(read.map(|(f, _)| Facts::Price(f)), claim.start..end)
        }
        Check::DeepDiscount => match read_price(text, sentence, claim) {
            Some((f, span)) if f.paid_share().is_some_and(|s| s.0 <= 1_000) => {
                Outcome::Keep(Some(Facts::Price(f)), span)
            }
            _ => Outcome::Drop,
        },
        Check::ContradictoryPrice => match read_price(text, sentence, claim) {
            Some((f, span)) if f.contradicts() => Outcome::Keep(Some(Facts::Price(f)), span),
            _ => Outcome::Drop,
        },
        Check::PrizeFacts => {
            keep_all(read_prize(text, sentence, claim).map(|(f, _)| Facts::Prize(f)))
        }
        Check::PrizeOverCap => match read_prize(text, sentence, claim) {
            Some((f, span)) if f.value > PRIZE_CAP => Outcome::Keep(Some(Facts::Prize(f)), span),
            _ => Outcome::Drop,
        },
    }
}

/// Words after which a prize value follows (价值5万的大奖, 奖金10万).
const PRIZE_VALUE_MARKERS: &[&str] = &["价值", "奖金", "现金", "红包", "高达", "总价"];

/// Words that mark the amount before them as a prize (10万元大奖, 6万现金).
const PRIZE_NOUNS: &[&str] = &[
    "大奖",
    "奖金",
    "现金",
    "红包",
    "的奖品",
    "的大奖",
    "元大奖",
    "元现金",
];

/// Reads the largest prize value stated in `sentence` around a lottery word
/// at `term`. Returns it and the byte range from the term to the amount.
pub(crate) fn read_prize(
    text: &str,
    sentence: &Range<usize>,
    term: &Range<usize>,
) -> Option<(PrizeFacts, Range<usize>)> {
    let mut best: Option<(u64, Range<usize>)> = None;
    let s = &text[sentence.clone()];
    let mut consider = |fen: u64, range: Range<usize>| {
        if best.as_ref().is_none_or(|(b, _)| fen > *b) {
            best = Some((fen, range));
        }
    };
    for (i, _) in s.char_indices() {
        let at = sentence.start + i;
        let rest = &text[at..sentence.end];
        if let Some(word) = PRIZE_VALUE_MARKERS.iter().find(|w| rest.starts_with(*w)) {
            if let Some((_, a)) = amount_near(text, at + word.len(), sentence.end) {
                consider(a.fen, at..a.end);
            }
        }
        if rest.starts_with(|c: char| c.is_ascii_digit() || "一二两三四五六七八九十".contains(c))
        {
            if let Some(a) = amount_at(&text[..sentence.end], at) {
                if PRIZE_NOUNS
                    .iter()
                    .any(|w| text[a.end..sentence.end].starts_with(w))
                {
                    consider(a.fen, at..a.end);
                }
            }
        }
    }
    let (fen, range) = best?;
    let span = term.start.min(range.start)..term.end.max(range.end);
    Some((PrizeFacts { value: Money(fen) }, span))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn price(text: &str, label: &str) -> (PriceFacts, String) {
        let start = text.find(label).unwrap();
        let (facts, span) = read_price(text, &(0..text.len()), &(start..start + label.len()))
            .unwrap_or_else(|| panic!("no price statement in {text}"));
        (facts, text[span].to_string())
    }

    fn yuan(m: Option<Money>) -> Option<f64> {
        m.map(Money::yuan)
    }

    #[test]
    fn reference_discount_and_offer() {
        let (f, span) = price("原价200打五折只要150，快来", "原价");
        assert_eq!(yuan(f.reference), Some(200.0));
        assert_eq!(f.discount.map(Share::fraction), Some(0.5));
        assert_eq!(yuan(f.offer), Some(150.0));
        assert_eq!(yuan(f.implied_offer()), Some(100.0));
        assert!(f.contradicts());
        assert_eq!(span, "原价200打五折只要150");
    }

    #[test]
    fn consistent_numbers_do_not_contradict() {
        let (f, _) = price("原价200打五折只要100", "原价");
        assert!(!f.contradicts());
        // A bigger discount than stated is no deception.
        let (f, _) = price("原价200打五折只要80", "原价");
        assert!(!f.contradicts());
        // Rounding: 9.9折 of 99 is 98.01.
        let (f, _) = price("原价99打九九折只要98", "原价");
        assert!(!f.contradicts());
    }

    #[test]
    fn coupons_make_the_numbers_conditional() {
        let (f, _) = price("原价200打五折，用券再减30，到手只要150", "原价");
        assert!(f.conditional);
        assert!(!f.contradicts());
    }

    #[test]
    fn reductions_and_chinese_numerals() {
        let (f, _) = price("吊牌价两千五，直降一千，到手一千九", "吊牌价");
        assert_eq!(yuan(f.reference), Some(2500.0));
        assert_eq!(yuan(f.reduction), Some(1000.0));
        assert_eq!(yuan(f.offer), Some(1900.0));
        assert!(f.contradicts());
    }

    #[test]
    fn deep_implied_discounts() {
        let (f, _) = price("专柜价999，今天直播间只要九块九", "专柜价");
        assert_eq!(yuan(f.offer), Some(9.9));
        assert_eq!(f.paid_share().map(Share::basis_points), Some(99));
    }

    #[test]
    fn the_live_price_may_come_first() {
        let (f, span) = price("今天只要59，专柜价都要199", "专柜价");
        assert_eq!(yuan(f.offer), Some(59.0));
        assert_eq!(yuan(f.reference), Some(199.0));
        assert_eq!(span, "只要59，专柜价都要199");
    }

    #[test]
    fn a_label_without_an_amount_is_no_statement() {
        let text = "恢复原价了";
        let i = text.find("原价").unwrap();
        assert!(read_price(text, &(0..text.len()), &(i..i + 6)).is_none());
    }

    #[test]
    fn prize_values() {
        let text = "今晚抽一等奖，价值6万的摩托车";
        let term = text.find("一等奖").unwrap()..text.find("一等奖").unwrap() + 9;
        let (f, span) = read_prize(text, &(0..text.len()), &term).unwrap();
        assert_eq!(f.value.yuan(), 60000.0);
        assert!(f.value > PRIZE_CAP);
        assert_eq!(&text[span], "一等奖，价值6万");
        let text = "抽奖送10万元大奖";
        let (f, _) = read_prize(text, &(0..text.len()), &(0..6)).unwrap();
        assert_eq!(f.value.yuan(), 100000.0);
        let text = "抽奖送保温杯";
        assert!(read_prize(text, &(0..text.len()), &(0..6)).is_none());
    }

    proptest::proptest! {
        /// Text made of the pieces price talk is made of: the readers must
        /// never panic, and what they return must lie inside the sentence.
        #[test]
        fn readers_never_panic_and_stay_in_the_sentence(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "原价", "划线价", "只要", "到手", "打", "折", "五", "八", "两", "千", "百", "十",
                "万", "点", "块", "九", "元", "米", "1", "9", "0", ".", "¥", "w", "直降", "券",
                "，", "。", "抽奖", "价值", "大奖", "现金", "零", "x", "%", "件", "😀", "a",
            ]), 0..24),
            split in 0usize..24,
        ) {
            let text: String = pieces.concat();
            let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            let sentence = 0..text.len();
            for &at in &bounds {
                let _ = amount_at(&text, at);
                let _ = discount_at(&text, at);
            }
            let a = bounds[split.min(bounds.len() - 1)];
            for &b in bounds.iter().filter(|&&b| b >= a).take(4) {
                if let Some((_, span)) = read_price(&text, &sentence, &(a..b)) {
                    proptest::prop_assert!(span.start <= span.end && span.end <= text.len());
                    proptest::prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
                }
                if let Some((_, span)) = read_prize(&text, &sentence, &(a..b)) {
                    proptest::prop_assert!(span.start <= span.end && span.end <= text.len());
                    proptest::prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
                }
            }
        }
    }
}
