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

/// What `fold` makes of the character starting at byte `i`, when it changes
/// it, and how many original bytes that character takes. The byte-level twin
/// of [`fold`], for the scan's hot path.
#[inline]
fn fold_at(b: &[u8], i: usize) -> Option<(char, usize)> {
    match b[i] {
        c @ b'A'..=b'Z' => Some(((c + 32) as char, 1)),
        0xEF => {
            let (b1, b2) = (*b.get(i + 1)?, *b.get(i + 2)?);
            // U+FF01..=U+FF5E is EF BC 81..BF, EF BD 80..9E.
            let cp = 0xF000 | ((b1 as u32 & 0x3F) << 6) | (b2 as u32 & 0x3F);
            if (0xFF01..=0xFF5E).contains(&cp) {
                let ascii = ((cp - 0xFEE0) as u8).to_ascii_lowercase();
                Some((ascii as char, 3))
            } else if cp == 0xFFE5 {
                Some(('¥', 3))
            } else {
                None
            }
        }
        // U+3000 is E3 80 80.
        0xE3 if b.get(i + 1) == Some(&0x80) && b.get(i + 2) == Some(&0x80) => Some((' ', 3)),
        _ => None,
    }
}

/// Bytes that may start a character `fold` changes: ASCII capitals, and the
/// lead bytes of U+3000 (0xE3) and of the full-width forms (0xEF).
const MAY_FOLD: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = b'A';
    while c <= b'Z' {
        table[c as usize] = true;
        c += 1;
    }
    table[0xE3] = true;
    table[0xEF] = true;
    table
};

/// Byte offset of the next character `fold` would change, from `from` on.
fn next_foldable(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i < b.len() {
        let j = i + b[i..].iter().position(|&c| MAY_FOLD[c as usize])?;
        if fold_at(b, j).is_some() {
            return Some(j);
        }
        i = j + 1;
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
        // Built from slices of the original and folded characters, so no
        // UTF-8 validation of the whole is needed.
        let mut text = String::with_capacity(original.len());
        let mut anchors = vec![Anchor { norm: 0, orig: 0 }];
        let mut copied = 0;
        let mut i = first;
        // One plain pass: folds are frequent (every Chinese comma), so
        // restarting a search after each costs more than it saves.
        while i < b.len() {
            if !MAY_FOLD[b[i] as usize] {
                i += 1;
                continue;
            }
            let Some((folded, replaced)) = fold_at(b, i) else {
                i += 1;
                continue;
            };
            text.push_str(original.get(copied..i).unwrap_or_default());
            text.push(folded);
            i += replaced;
            copied = i;
            if folded.len_utf8() != replaced {
                anchors.push(Anchor {
                    norm: text.len() as u32,
                    orig: copied as u32,
                });
            }
        }
        text.push_str(original.get(copied..).unwrap_or_default());
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

/// The shadow text of `original` and, for each shadow character in order,
/// the byte range of the original characters it stands for. A debugging and
/// fuzzing view of the normaliser; not a stable API.
#[doc(hidden)]
pub fn shadow_map(original: &str) -> (String, Vec<std::ops::Range<usize>>) {
    let n = Normalized::new(original);
    let ranges = n
        .text()
        .char_indices()
        .map(|(i, c)| {
            let (a, b) = n.to_original(i, i + c.len_utf8());
            a..b
        })
        .collect();
    (n.text().to_string(), ranges)
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
    fn byte_folding_agrees_with_char_folding_for_every_char() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let text = format!("a{c}b");
            assert_eq!(
                Normalized::new(&text).text(),
                normalize_term(&text),
                "{c:?} U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn ideographic_space_and_yen() {
        let n = Normalized::new("原价\u{3000}￥99");
        assert_eq!(n.text(), "原价 ¥99");
    }
}
