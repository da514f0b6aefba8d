//! Amounts of money and discounts as hosts say them: 399, 19.9, ¥59, 1.5万,
//! 1.5w, 三百九十九, 两千五, 九块九, 9块9, 五十米 (米 is live-room slang for 元);
//! 打五折, 5折, 八五折, 半价. Parsing works on normalised text (half-width,
//! lower case) and never fails loudly: what it cannot read is `None`.

/// An amount read at some position: its value in fen (0.01 元) and the byte
/// where it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Amount {
    pub(crate) fen: u64,
    pub(crate) end: usize,
}

/// What follows a number that counts something other than money.
const NOT_MONEY: &[char] = &[
    '折', '%', '件', '个', '套', '瓶', '盒', '支', '片', '袋', '包', '斤', '克', '天', '次', '人',
    '年', '月', '日', '号', '点', '岁', '倍', '成', '分', '秒', '位', '名', '单', '台', '只', '双',
    '条', '张', '层', '款', '种', '期', '周', '小', '毫', '升', '米', 'g', 'm', 'l', 'x', '*',
];

/// Largest amount taken seriously (one hundred billion 元); beyond it the
/// digits are an ID or a phone number, not a price.
const MAX_FEN: f64 = 1e13;

fn chinese_digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' => 0,
        '一' | '壹' => 1,
        '二' | '两' | '贰' => 2,
        '三' | '叁' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

fn chinese_unit(c: char) -> Option<f64> {
    Some(match c {
        '十' | '拾' => 10.0,
        '百' | '佰' => 100.0,
        '千' | '仟' => 1_000.0,
        '万' => 10_000.0,
        '亿' => 100_000_000.0,
        _ => return None,
    })
}

/// A Chinese numeral at the start of `s`: its value and length in bytes.
/// Colloquial tails count as the next lower unit (两千五 = 2500, 一百五 = 150,
/// 三万五 = 35000); 零 stops that (一百零五 = 105).
fn chinese_number(s: &str) -> Option<(f64, usize)> {
    let (mut total, mut section) = (0.0f64, 0.0f64);
    let mut digit: Option<u32> = None;
    let mut last_unit = 1.0;
    let mut after_unit = false;
    let mut zero = false;
    let mut end = 0;
    let mut chars = s.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if let Some(d) = chinese_digit(c) {
            if digit.is_some_and(|prev| prev != 0) {
                break; // 一二 is a list, not a number
            }
            zero |= d == 0;
            digit = Some(d);
        } else if let Some(unit) = chinese_unit(c) {
            let d = f64::from(digit.unwrap_or(u32::from(unit == 10.0)));
            if unit >= 10_000.0 {
                total = (total + section + d) * unit;
                section = 0.0;
            } else {
                section += d * unit;
            }
            digit = None;
            zero = false;
            last_unit = unit;
            after_unit = true;
        } else if c == '点' && digit.is_some() {
            // 三点五: decimals, one digit each.
            let mut frac = 0.0;
            let mut scale = 0.1;
            let mut j = i + c.len_utf8();
            for d in s[j..].chars().map_while(chinese_digit) {
                frac += f64::from(d) * scale;
                scale /= 10.0;
                j += '一'.len_utf8();
            }
            if scale == 0.1 {
                break;
            }
            let value = total + section + f64::from(digit.unwrap_or(0)) + frac;
            return Some((value, j));
        } else {
            break;
        }
        end = i + c.len_utf8();
        chars.next();
    }
    if end == 0 {
        return None;
    }
    let tail = f64::from(digit.unwrap_or(0));
    let tail = if after_unit && !zero && digit.is_some() && last_unit >= 100.0 {
        tail * last_unit / 10.0
    } else {
        tail
    };
    Some((total + section + tail, end))
}

/// Arabic digits at the start of `s` (199, 19.9): value and length.
fn arabic_number(s: &str) -> Option<(f64, usize)> {
    let b = s.as_bytes();
    let int = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if int == 0 {
        return None;
    }
    let mut end = int;
    if b.get(int) == Some(&b'.') {
        let frac = b[int + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if frac > 0 {
            end = int + 1 + frac;
        }
    }
    s[..end].parse().ok().map(|v| (v, end))
}

/// A number, Arabic or Chinese, at the start of `s`.
fn number(s: &str) -> Option<(f64, usize)> {
    arabic_number(s).or_else(|| chinese_number(s))
}

/// Reads an amount of money at byte `at` of `text`: an optional currency
/// sign, a number, an optional magnitude (万, w, 千, k) and an optional unit
/// (元, 块, 块钱, 米, 圆) with its 角 (九块九 = 9.9). A bare number counts: the
/// caller reads only where a price is expected.
pub(crate) fn amount_at(text: &str, at: usize) -> Option<Amount> {
    let mut i = at;
    let rest = text.get(i..)?;
    let mut signed = false;
    for sign in ["¥", "$", "rmb"] {
        if let Some(r) = rest.strip_prefix(sign) {
            i += sign.len() + (r.len() - r.trim_start().len());
            signed = true;
            break;
        }
    }
    let (mut value, len) = number(text.get(i..)?)?;
    i += len;
    let rest = &text[i..];
    for (magnitude, factor) in [("万", 1e4), ("w", 1e4), ("千", 1e3), ("k", 1e3)] {
        if rest.starts_with(magnitude) {
            value *= factor;
            i += magnitude.len();
            break;
        }
    }
    // 多 and 来 make it approximate (八百多): the value stays a lower bound.
    for approx in ["多", "来"] {
        if text[i..].starts_with(approx) {
            i += approx.len();
        }
    }
    let mut unit = None;
    for u in ["块钱", "块", "元", "米", "圆"] {
        if text[i..].starts_with(u) {
            i += u.len();
            unit = Some(u);
            break;
        }
    }
    // A count or a discount, not money: 五折, 3件, 7天, 50%.
    if unit.is_none() && !signed && text[i..].starts_with(NOT_MONEY) {
        return None;
    }
    // 九块九, 9块9, 19元5: one more digit after the unit is 角.
    if unit.is_some_and(|u| u != "块钱") {
        let rest = &text[i..];
        let jiao = rest
            .chars()
            .next()
            .and_then(|c| c.to_digit(10).or_else(|| chinese_digit(c)));
        let next_is_number = rest.chars().nth(1).is_some_and(|c| {
            c.is_ascii_digit() || chinese_digit(c).is_some() || chinese_unit(c).is_some()
        });
        if let (Some(d), false) = (jiao, next_is_number) {
            value += f64::from(d) / 10.0;
            i += rest.chars().next().map_or(0, char::len_utf8);
            if let Some(r) = text[i..].strip_prefix(['毛', '角']) {
                i = text.len() - r.len();
            }
        }
    }
    let fen = (value * 100.0).round();
    (fen.is_finite() && fen > 0.0 && fen < MAX_FEN).then_some(Amount {
        fen: fen as u64,
        end: i,
    })
}

/// A discount at byte `at`: 打五折, 五折, 5折, 5.5折, 55折, 八五折, 半价, 对折.
/// Returns the share of the price paid, in basis points (五折 = 5000), and
/// where it ends.
pub(crate) fn discount_at(text: &str, at: usize) -> Option<(u32, usize)> {
    let mut i = at;
    let rest = text.get(i..)?;
    for whole in ["半价", "对折", "打对折"] {
        if rest.starts_with(whole) {
            return Some((5000, i + whole.len()));
        }
    }
    if let Some(r) = rest.strip_prefix('打') {
        i += rest.len() - r.len();
    }
    let rest = &text[i..];
    let (tenths, len) = if let Some((v, len)) = arabic_number(rest) {
        // 55折 is 5.5折; 0.5折 is one twentieth.
        let v = if v >= 10.0 && rest[..len].len() == 2 {
            v / 10.0
        } else {
            v
        };
        (v, len)
    } else {
        let mut chars = rest.chars();
        let first = chinese_digit(chars.next()?)?;
        match chars.next().and_then(chinese_digit) {
            // 八五折
            Some(second) => (
                f64::from(first) + f64::from(second) / 10.0,
                '八'.len_utf8() * 2,
            ),
            None => (f64::from(first), '八'.len_utf8()),
        }
    };
    let end = i + len;
    if !text[end..].starts_with('折') || !(0.0..10.0).contains(&tenths) || tenths == 0.0 {
        return None;
    }
    Some(((tenths * 1000.0).round() as u32, end + '折'.len_utf8()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yuan(s: &str) -> Option<f64> {
        amount_at(s, 0).map(|a| a.fen as f64 / 100.0)
    }

    #[test]
    fn arabic_amounts_with_signs_units_and_magnitudes() {
        assert_eq!(yuan("399"), Some(399.0));
        assert_eq!(yuan("19.9元"), Some(19.9));
        assert_eq!(yuan("¥ 59"), Some(59.0));
        assert_eq!(yuan("1.5万"), Some(15000.0));
        assert_eq!(yuan("1.5w"), Some(15000.0));
        assert_eq!(yuan("3k"), Some(3000.0));
        assert_eq!(yuan("99米"), Some(99.0));
        assert_eq!(yuan("9块9"), Some(9.9));
        assert_eq!(yuan("19元5"), Some(19.5));
        assert_eq!(yuan("100块钱"), Some(100.0));
    }

    #[test]
    fn chinese_numerals_including_colloquial_tails() {
        assert_eq!(yuan("三百九十九"), Some(399.0));
        assert_eq!(yuan("两千五"), Some(2500.0));
        assert_eq!(yuan("一百五"), Some(150.0));
        assert_eq!(yuan("三万五"), Some(35000.0));
        assert_eq!(yuan("一百零五块"), Some(105.0));
        assert_eq!(yuan("十五元"), Some(15.0));
        assert_eq!(yuan("二十九块九"), Some(29.9));
        assert_eq!(yuan("九块九"), Some(9.9));
        assert_eq!(yuan("八百多"), Some(800.0));
        assert_eq!(yuan("三点五万"), Some(35000.0));
        assert_eq!(yuan("十万"), Some(100000.0));
    }

    #[test]
    fn amounts_end_where_the_price_ends() {
        let text = "九块九包邮";
        let a = amount_at(text, 0).unwrap();
        assert_eq!(&text[a.end..], "包邮");
        let text = "199元的面霜";
        assert_eq!(&text[amount_at(text, 0).unwrap().end..], "的面霜");
        // The digit after 块 belongs to the next number here, not to 角.
        let text = "5块25个";
        assert_eq!(amount_at(text, 0).unwrap().fen, 500);
    }

    #[test]
    fn counts_and_discounts_are_not_money() {
        for s in ["五折", "3件", "7天", "50%", "两瓶", "500ml"] {
            assert_eq!(yuan(s), None, "{s}");
        }
        assert_eq!(yuan("¥3"), Some(3.0));
    }

    #[test]
    fn not_amounts() {
        for s in ["", "元", "xx元", "零", "abc", "¥"] {
            assert_eq!(yuan(s), None, "{s}");
        }
        assert_eq!(yuan("99999999999999999"), None);
    }

    #[test]
    fn discounts() {
        let d = |s: &str| discount_at(s, 0).map(|(bp, _)| bp);
        assert_eq!(d("打五折"), Some(5000));
        assert_eq!(d("5折"), Some(5000));
        assert_eq!(d("5.5折"), Some(5500));
        assert_eq!(d("55折"), Some(5500));
        assert_eq!(d("八五折"), Some(8500));
        assert_eq!(d("半价"), Some(5000));
        assert_eq!(d("0.5折"), Some(500));
        assert_eq!(d("打折"), None);
        assert_eq!(d("五件"), None);
        assert_eq!(d("15折"), Some(1500));
    }
}
