//! Normalisation: a shadow copy of the text that rules match against, with a
//! map from every shadow character back to the original bytes.

/// Folds one character: full-width ASCII to half-width, the ideographic space
/// to a space, the full-width yen sign to `¥`, ASCII capitals to lower case.
#[inline]
fn fold(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => {
            let half = char::from_u32(c as u32 - 0xFEE0).unwrap_or(c);
            half.to_ascii_lowercase()
        }
        '\u{3000}' => ' ',
        '\u{FFE5}' => '¥',
        'A'..='Z' => c.to_ascii_lowercase(),
        _ => c,
    }
}

/// True when one of the 8 bytes in `x` may start a foldable character: an
/// ASCII capital, or a lead byte 0xE3 (U+3000) or 0xEF (full-width forms).
/// Eight bytes at a time, since most text has nothing to fold.
#[inline]
fn may_hold_foldable(x: u64) -> bool {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let has_zero_byte = |v: u64| v.wrapping_sub(LO) & !v & HI != 0;
    if has_zero_byte(x ^ (0xEF * LO)) || has_zero_byte(x ^ (0xE3 * LO)) {
        return true;
    }
    // ASCII bytes (high bit clear) in 0x41..=0x5A. Seven-bit sums cannot
    // carry into the next byte.
    let low7 = x & !HI;
    let at_least_a = low7 + (0x80 - 0x41) * LO;
    let above_z = low7 + (0x80 - 0x5B) * LO;
    at_least_a & !above_z & !x & HI != 0
}

/// Byte offset of the next character `fold` would change, from `from` on.
fn next_foldable(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i + 8 <= b.len() {
        let word = u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or([0; 8]));
        if may_hold_foldable(word) {
            break;
        }
        i += 8;
    }
    while i < b.len() {
        match b[i] {
            b'A'..=b'Z' => return Some(i),
            // U+FF01..U+FF7F is EF BC xx / EF BD xx; U+FFE5 is EF BF A5.
            0xEF if matches!(b.get(i + 1), Some(0xBC | 0xBD))
                || (b.get(i + 1) == Some(&0xBF) && b.get(i + 2) == Some(&0xA5)) =>
            {
                return Some(i)
            }
            // U+3000 is E3 80 80.
            0xE3 if b.get(i + 1) == Some(&0x80) && b.get(i + 2) == Some(&0x80) => return Some(i),
            _ => {}
        }
        i += 1;
        // Back to whole words once past the flagged one.
        if i % 8 == 0 {
            while i + 8 <= b.len() {
                let word = u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or([0; 8]));
                if may_hold_foldable(word) {
                    break;
                }
                i += 8;
            }
        }
    }
    None
}

/// Normalises a rule regex: full-width characters fold like text does, but
/// ASCII is left alone, since upper case carries meaning in regex syntax
/// (`\P{Han}`, `\S`). Patterns must spell ASCII letters in lower case.
pub(crate) fn normalize_pattern(pattern: &str) -> String {
    pattern
        .chars()
        .map(|c| if c.is_ascii() { c } else { fold(c) })
        .collect()
}

/// Normalises a rule term or phrase the same way the scanner normalises text.
pub(crate) fn normalize_term(term: &str) -> String {
    term.chars().map(fold).collect()
}

/// From shadow offset `norm` on, shadow and original advance together
/// (same bytes) up to the next anchor, with the original at `orig`.
#[derive(Debug, Clone, Copy)]
struct Anchor {
    norm: u32,
    orig: u32,
}

/// The shadow text plus its map back to the original.
///
/// Every shadow character stands for exactly one original character. The map
/// keeps an anchor only where the two stop moving in step (a folded character
/// of another byte length), so text with few full-width characters costs
/// little. Offsets are `u32`: the scanner feeds text in chunks far below 4 GiB.
#[derive(Debug)]
pub(crate) struct Normalized<'a> {
    original: &'a str,
    text: std::borrow::Cow<'a, str>,
    anchors: Vec<Anchor>,
}

impl<'a> Normalized<'a> {
    /// Builds the shadow text of `original`.
    pub(crate) fn new(original: &'a str) -> Normalized<'a> {
        let b = original.as_bytes();
        let Some(first) = next_foldable(b, 0) else {
            return Normalized {
                original,
                text: std::borrow::Cow::Borrowed(original),
                anchors: Vec::new(),
            };
        };
        let mut text = String::with_capacity(original.len());
        let mut anchors = vec![Anchor { norm: 0, orig: 0 }];
        let mut copied = 0;
        let mut at = Some(first);
        while let Some(i) = at {
            text.push_str(&original[copied..i]);
            let c = original[i..].chars().next().unwrap_or(' ');
            let folded = fold(c);
            text.push(folded);
            copied = i + c.len_utf8();
            if folded.len_utf8() != c.len_utf8() {
                anchors.push(Anchor {
                    norm: text.len() as u32,
                    orig: copied as u32,
                });
            }
            at = next_foldable(b, copied);
        }
        text.push_str(&original[copied..]);
        Normalized {
            original,
            text: std::borrow::Cow::Owned(text),
            anchors,
        }
    }

    /// The shadow text.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// Original byte offset of the shadow character starting at `pos`.
    fn orig_of(&self, pos: usize) -> usize {
        if self.anchors.is_empty() {
            return pos;
        }
        let i = self
            .anchors
            .partition_point(|a| a.norm as usize <= pos)
            .saturating_sub(1);
        let a = self.anchors[i];
        a.orig as usize + (pos - a.norm as usize)
    }

    /// Maps a byte range of the shadow text (on char boundaries) to the byte
    /// range of the original characters it was made from.
    pub(crate) fn to_original(&self, start: usize, end: usize) -> (usize, usize) {
        if self.anchors.is_empty() {
            return (start, end);
        }
        let s = self.orig_of(start);
        if end <= start {
            return (s, s);
        }
        // The end is the end of the original of the last shadow character.
        let last = self.text[..end]
            .char_indices()
            .next_back()
            .map_or(start, |(i, _)| i);
        let o = self.orig_of(last);
        let len = self.original[o..].chars().next().map_or(0, char::len_utf8);
        (s, (o + len).max(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_when_nothing_to_fold() {
        let n = Normalized::new("全网最低价。最后三单");
        assert!(n.anchors.is_empty());
        assert_eq!(n.to_original(3, 9), (3, 9));
    }

    #[test]
    fn full_width_and_case_fold_with_offsets() {
        let s = "销量ＮＯ．１！Top";
        let n = Normalized::new(s);
        assert_eq!(n.text(), "销量no.1!top");
        let start = n.text().find("no.1").unwrap();
        let (a, b) = n.to_original(start, start + 4);
        assert_eq!(&s[a..b], "ＮＯ．１");
        let t = n.text().find("top").unwrap();
        let (a, b) = n.to_original(t, t + 3);
        assert_eq!(&s[a..b], "Top");
    }

    #[test]
    fn patterns_fold_full_width_but_keep_ascii_case() {
        assert_eq!(normalize_pattern(r"[^，。]\P{Han}Ａ"), r"[^,。]\P{Han}a");
    }

    #[test]
    fn every_character_maps_back() {
        let s = "Ａ价，ab。Ｃ\u{3000}￥9最Z！";
        let n = Normalized::new(s);
        for (i, c) in n.text().char_indices() {
            let (a, b) = n.to_original(i, i + c.len_utf8());
            let orig = &s[a..b];
            assert_eq!(orig.chars().count(), 1, "{c:?} maps to {orig:?}");
            assert_eq!(normalize_term(orig), c.to_string());
        }
    }

    #[test]
    fn word_test_agrees_with_byte_test() {
        let special = |b: u8| b.is_ascii_uppercase() || b == 0xE3 || b == 0xEF;
        for b in 0..=255u8 {
            for pos in 0..8 {
                let mut bytes = [b'a'; 8];
                bytes[pos] = b;
                let word = u64::from_le_bytes(bytes);
                assert_eq!(may_hold_foldable(word), special(b), "byte {b:#x} at {pos}");
            }
        }
    }

    #[test]
    fn ideographic_space_and_yen() {
        let n = Normalized::new("原价\u{3000}￥99");
        assert_eq!(n.text(), "原价 ¥99");
    }
}
