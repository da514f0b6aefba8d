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

/// True when `fold` would change something in `text`. A byte scan, so that
/// the common case (nothing to fold) costs no copy and no map.
fn needs_folding(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'A'..=b'Z' => return true,
            // U+FF01..U+FF7F is EF BC xx / EF BD xx; U+FFE5 is EF BF A5.
            0xEF if matches!(b.get(i + 1), Some(0xBC | 0xBD))
                || (b.get(i + 1) == Some(&0xBF) && b.get(i + 2) == Some(&0xA5)) =>
            {
                return true
            }
            // U+3000 is E3 80 80.
            0xE3 if b.get(i + 1) == Some(&0x80) && b.get(i + 2) == Some(&0x80) => return true,
            _ => {}
        }
        i += 1;
    }
    false
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

/// One shadow character and the original bytes it stands for.
#[derive(Debug, Clone, Copy)]
struct MapEntry {
    norm: u32,
    orig_start: u32,
    orig_end: u32,
}

/// The shadow text plus its map back to the original.
///
/// Offsets are `u32`: the scanner feeds text in chunks far below 4 GiB.
#[derive(Debug)]
pub(crate) struct Normalized<'a> {
    text: std::borrow::Cow<'a, str>,
    /// `None` when the shadow text is the original (byte-identical).
    map: Option<Vec<MapEntry>>,
}

impl<'a> Normalized<'a> {
    /// Builds the shadow text of `original`.
    pub(crate) fn new(original: &'a str) -> Normalized<'a> {
        if !needs_folding(original) {
            return Normalized {
                text: std::borrow::Cow::Borrowed(original),
                map: None,
            };
        }
        let mut text = String::with_capacity(original.len());
        let mut map = Vec::with_capacity(original.len() / 2);
        for (i, c) in original.char_indices() {
            map.push(MapEntry {
                norm: text.len() as u32,
                orig_start: i as u32,
                orig_end: (i + c.len_utf8()) as u32,
            });
            text.push(fold(c));
        }
        Normalized {
            text: std::borrow::Cow::Owned(text),
            map: Some(map),
        }
    }

    /// The shadow text.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// Maps a byte range of the shadow text (on char boundaries) to the byte
    /// range of the original characters it was made from.
    pub(crate) fn to_original(&self, start: usize, end: usize) -> (usize, usize) {
        let Some(map) = &self.map else {
            return (start, end);
        };
        if start >= end {
            let s = self.orig_at(map, start);
            return (s, s);
        }
        let first = map.partition_point(|e| (e.norm as usize) < start);
        let last = map
            .partition_point(|e| (e.norm as usize) < end)
            .saturating_sub(1);
        let s = map
            .get(first)
            .map_or(self.orig_len(map), |e| e.orig_start as usize);
        let e = map.get(last).map_or(s, |e| e.orig_end as usize);
        (s, e.max(s))
    }

    fn orig_at(&self, map: &[MapEntry], pos: usize) -> usize {
        let i = map.partition_point(|e| (e.norm as usize) < pos);
        map.get(i)
            .map_or(self.orig_len(map), |e| e.orig_start as usize)
    }

    fn orig_len(&self, map: &[MapEntry]) -> usize {
        map.last().map_or(0, |e| e.orig_end as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_when_nothing_to_fold() {
        let n = Normalized::new("全网最低价。最后三单");
        assert!(n.map.is_none());
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
    fn ideographic_space_and_yen() {
        let n = Normalized::new("原价\u{3000}￥99");
        assert_eq!(n.text(), "原价 ¥99");
    }
}
