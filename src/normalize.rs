//! Normalisation: a shadow copy of the text that rules match against, with a
//! map from every shadow character back to the original bytes.

use crate::evasion::{is_han, simplify, CompiledForms, EvasionKind, HAN_END, HAN_FIRST};

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

/// One place where shadow and original stop moving in step: shadow bytes
/// `norm..norm_end` stand for original bytes `orig..orig_end`. An empty
/// shadow range is a deletion (a separator, a repeated character). Between
/// edits the two advance byte for byte.
#[derive(Debug, Clone, Copy)]
struct Edit {
    norm: u32,
    norm_end: u32,
    orig: u32,
    orig_end: u32,
    /// [`EvasionKind`] bits, 0 for plain folds (a full-width comma).
    kinds: u8,
}

/// The shadow text plus its map back to the original.
///
/// Edits are kept only where shadow and original differ in more than ASCII
/// case, so text with few of them costs little. Offsets are `u32`: the
/// scanner feeds text in chunks far below 4 GiB.
#[derive(Debug)]
pub(crate) struct Normalized<'a> {
    original: &'a str,
    text: std::borrow::Cow<'a, str>,
    edits: Edits,
}

/// log2 of the shadow bytes per block of [`Edits::blocks`].
const BLOCK_LOG2: u32 = 9;

/// The edits in shadow order, with where each block of the shadow text
/// starts among them. A piece of text holds thousands of edits (every
/// full-width comma is one), and by the time findings are mapped back their
/// cache lines are cold: a lookup searches the few edits of one block
/// instead of halving the whole list.
#[derive(Debug, Default)]
struct Edits {
    list: Vec<Edit>,
    /// `blocks[k]` is the index of the first edit at or after shadow byte
    /// `k << BLOCK_LOG2`, up to the block past the end of the text.
    blocks: Vec<u32>,
}

impl Edits {
    /// `list` must be in shadow order, no edit reaching past the next's start.
    fn new(list: Vec<Edit>, text_len: usize) -> Edits {
        if list.is_empty() {
            return Edits::default();
        }
        let mut i = 0;
        let blocks = (0..(text_len >> BLOCK_LOG2) + 2)
            .map(|k| {
                while list
                    .get(i)
                    .is_some_and(|e| (e.norm as usize) < k << BLOCK_LOG2)
                {
                    i += 1;
                }
                i as u32
            })
            .collect();
        Edits { list, blocks }
    }

    fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Edits before the first returned index start before the block of
    /// `pos`; edits from the second on start in a later block.
    fn block_of(&self, pos: usize) -> (usize, usize) {
        let k = pos >> BLOCK_LOG2;
        let at = |k: usize| self.blocks.get(k).map_or(self.list.len(), |&i| i as usize);
        (at(k), at(k + 1))
    }

    /// How many edits start at or before `pos`.
    fn starting_by(&self, pos: usize) -> usize {
        let (lo, hi) = self.block_of(pos);
        lo + self.list[lo..hi].partition_point(|e| e.norm as usize <= pos)
    }

    /// How many edits end before `pos`. An edit that starts in an earlier
    /// block ends before the next one starts, so only the last of those
    /// may reach `pos`.
    fn ending_before(&self, pos: usize) -> usize {
        let (lo, hi) = self.block_of(pos);
        let lo = lo.saturating_sub(1);
        lo + self.list[lo..hi].partition_point(|e| (e.norm_end as usize) < pos)
    }
}

/// Builds a shadow text by copying runs of the original and splicing in
/// replacements.
struct Builder<'a> {
    original: &'a str,
    text: String,
    edits: Vec<Edit>,
    /// Original bytes before this are in `text`.
    copied: usize,
}

impl<'a> Builder<'a> {
    fn new(original: &'a str) -> Builder<'a> {
        Builder {
            original,
            text: String::with_capacity(original.len()),
            // About one edit in fifty bytes (every full-width comma is one),
            // twice that in dense text such as text messages: room for that
            // spares copying the list to grow it.
            edits: Vec::with_capacity(original.len() / 24),
            copied: 0,
        }
    }

    /// Original bytes `start..end` become `with` in the shadow.
    fn replace(&mut self, start: usize, end: usize, with: &str, kinds: u8) {
        self.text
            .push_str(self.original.get(self.copied..start).unwrap_or_default());
        let norm = self.text.len();
        // Most replacements are one ASCII character (a full-width comma, a
        // capital): a push, not a copy.
        match with.as_bytes() {
            &[b] if b.is_ascii() => self.text.push(char::from(b)),
            _ => self.text.push_str(with),
        }
        self.copied = end;
        // A same-length single character (ASCII case) keeps the byte map.
        let in_step = kinds == 0
            && with.len() == end - start
            && (with.len() == 1 || with.chars().nth(1).is_none());
        if in_step {
            return;
        }
        if with.is_empty() {
            if let Some(last) = self.edits.last_mut() {
                if last.norm == last.norm_end
                    && last.norm as usize == norm
                    && last.orig_end as usize == start
                {
                    last.orig_end = end as u32;
                    last.kinds |= kinds;
                    return;
                }
            }
        }
        self.edits.push(Edit {
            norm: norm as u32,
            norm_end: self.text.len() as u32,
            orig: start as u32,
            orig_end: end as u32,
            kinds,
        });
    }

    fn finish(mut self) -> Normalized<'a> {
        if self.copied == 0 && self.text.is_empty() {
            return Normalized {
                original: self.original,
                text: std::borrow::Cow::Borrowed(self.original),
                edits: Edits::default(),
            };
        }
        self.text
            .push_str(self.original.get(self.copied..).unwrap_or_default());
        let edits = Edits::new(self.edits, self.text.len());
        Normalized {
            original: self.original,
            text: std::borrow::Cow::Owned(self.text),
            edits,
        }
    }
}

impl<'a> Normalized<'a> {
    /// Builds the shadow text of `original` with plain folds only (width of
    /// ASCII forms, ASCII case, the ideographic space): no evasion handling.
    pub(crate) fn new(original: &'a str) -> Normalized<'a> {
        let b = original.as_bytes();
        let Some(first) = next_foldable(b, 0) else {
            return Builder::new(original).finish();
        };
        let mut out = Builder::new(original);
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
            let mut buf = [0u8; 4];
            out.replace(i, i + replaced, folded.encode_utf8(&mut buf), 0);
            i += replaced;
        }
        out.finish()
    }

    /// Builds the shadow text of `original`, seeing through the evasions in
    /// `forms` as well as width, traditional characters and separators.
    /// `pairs`, when given, are the pairs of adjacent characters in the
    /// rules' phrases: a separator between any other two characters cannot
    /// make a phrase whole, so it is kept without asking the segmenter.
    pub(crate) fn with_forms(
        original: &'a str,
        forms: &CompiledForms,
        pairs: Option<&WordPairs>,
    ) -> Normalized<'a> {
        Evasions::new(original, forms, pairs).run()
    }

    /// The shadow text.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// Original byte offset where the shadow character starting at `pos`
    /// begins (the start of a whole replaced form when `pos` is inside one).
    fn orig_start(&self, pos: usize) -> usize {
        let i = self.edits.starting_by(pos);
        let Some(e) = i.checked_sub(1).map(|i| self.edits.list[i]) else {
            return pos;
        };
        if pos < e.norm_end as usize {
            return e.orig as usize;
        }
        e.orig_end as usize + (pos - e.norm_end as usize)
    }

    /// Maps a byte range of the shadow text (on char boundaries) to the byte
    /// range of the original characters it was made from.
    pub(crate) fn to_original(&self, start: usize, end: usize) -> (usize, usize) {
        if self.edits.is_empty() {
            return (start, end);
        }
        let s = self.orig_start(start);
        if end <= start {
            return (s, s);
        }
        // The end is the end of the original of the last shadow character.
        let last = self.text[..end]
            .char_indices()
            .next_back()
            .map_or(start, |(i, _)| i);
        let i = self.edits.starting_by(last);
        let e = match i.checked_sub(1).map(|i| self.edits.list[i]) {
            Some(e) if last < e.norm_end as usize => e.orig_end as usize,
            _ => {
                let o = self.orig_start(last);
                o + self.original[o..].chars().next().map_or(0, char::len_utf8)
            }
        };
        (s, e.max(s))
    }

    /// The [`EvasionKind`] bits of the edits inside shadow range
    /// `start..end`: replaced characters it covers and deletions strictly
    /// between its characters.
    pub(crate) fn kinds(&self, start: usize, end: usize) -> u8 {
        let from = self.edits.ending_before(start);
        let mut bits = 0;
        for e in &self.edits.list[from..] {
            let (a, b) = (e.norm as usize, e.norm_end as usize);
            if a >= end {
                break;
            }
            let inside = if a == b {
                a > start && a < end
            } else {
                b > start
            };
            if inside {
                bits |= e.kinds;
            }
        }
        bits
    }
}

/// The pairs of adjacent Chinese characters in a rule set's phrases (terms,
/// exemptions, pattern literals, the meanings of evasive forms).
#[derive(Debug, Default)]
pub(crate) struct WordPairs(
    std::collections::HashSet<
        u64,
        std::hash::BuildHasherDefault<crate::engine::pair_index::KeyHasher>,
    >,
);

/// The two characters of a pair as one key.
fn pair_key(a: char, b: char) -> u64 {
    u64::from(a) << 32 | u64::from(b)
}

impl WordPairs {
    /// Adds the adjacent pairs of `phrase`.
    pub(crate) fn add(&mut self, phrase: &str) {
        let mut chars = phrase.chars().map(simplify).peekable();
        while let Some(a) = chars.next() {
            if let Some(&b) = chars.peek() {
                if is_han(a) && is_han(b) {
                    self.0.insert(pair_key(a, b));
                }
            }
        }
    }

    fn contains(&self, a: char, b: char) -> bool {
        self.0.contains(&pair_key(a, b))
    }
}

/// Characters that may split a term and are dropped between two Chinese
/// characters: ASCII symbols, the middle dots, and (when the term is spelled
/// out character by character) spaces.
fn separator_at(original: &str, i: usize) -> Option<(usize, bool)> {
    let c = original[i..].chars().next()?;
    let space = matches!(c, ' ' | '\t' | '\u{3000}' | '\u{A0}');
    (is_separator(c) || is_invisible(c)).then(|| (c.len_utf8(), space))
}

/// A visible separator: a space or one of the symbols that split terms.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t'
            | '\u{3000}'
            | '\u{A0}'
            | '*'
            | '.'
            | '-'
            | '|'
            | '_'
            | '/'
            | '\\'
            | '~'
            | '+'
            | '='
            | '#'
            | '^'
            | '`'
            | '\''
            | '"'
            | '·'
            | '•'
            | '・'
            | '‧'
            | '∙'
            | '⋅'
            | '＊'
            | '．'
            | '－'
            | '｜'
            | '＿'
            | '／'
            | '＼'
            | '～'
            | '＋'
            | '＝'
            | '＃'
            | '＾'
    )
}

/// The ASCII punctuation the general path folds `c`, which is no Han
/// character, to, when that is all it does: no evasion to record, nothing
/// to drop, join or spell out.
pub(crate) fn folds_to_punctuation(c: char) -> Option<u8> {
    if is_invisible(c) || is_separator(c) {
        return None;
    }
    match compat(c) {
        Some((out, 0)) if out.len == 1 && out.first().is_ascii_punctuation() => {
            Some(out.first() as u8)
        }
        _ => None,
    }
}

/// Whether the normaliser passes `c`, which is no Han character, as it
/// is: nothing to fold, drop or join across.
pub(crate) fn passes_as_is(c: char) -> bool {
    !c.is_ascii_uppercase() && !is_invisible(c) && !is_separator(c) && compat(c).is_none()
}

/// Characters with no visible form of their own that can hide inside a
/// term: zero-width characters, joiners, variation selectors, soft hyphens
/// and combining marks. They are dropped everywhere.
fn is_invisible(c: char) -> bool {
    let cp = c as u32;
    // Most characters asked about lie between the blocks below.
    if (0x2100..0xFE00).contains(&cp) || (0xFF00..0xE0100).contains(&cp) {
        return false;
    }
    matches!(cp,
        0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F
        | 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF
        | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F | 0xFEFF | 0xE0100..=0xE01EF)
}

/// The compatibility form `c` stands for, when it is one: full-width ASCII,
/// circled, parenthesised and enclosed numbers and letters, super- and
/// subscript digits, mathematical letters and digits, accented Latin vowels
/// (pinyin tone marks). With the evasion kind it counts as: `Width` for
/// letters and digits, none for punctuation and plain accents.
fn compat(c: char) -> Option<(CompatOut, u8)> {
    let cp = c as u32;
    let width = EvasionKind::Width.bit();
    let digit = |n: u32| CompatOut::number(n);
    let letter = |i: u32| CompatOut::one((b'a' + (i % 26) as u8) as char);
    Some(match cp {
        0xFF01..=0xFF5E => {
            let half = ((cp - 0xFEE0) as u8).to_ascii_lowercase() as char;
            let k = if half.is_ascii_alphanumeric() {
                width
            } else {
                0
            };
            (CompatOut::one(half), k)
        }
        0x3000 => (CompatOut::one(' '), 0),
        0xFFE5 => (CompatOut::one('¥'), 0),
        0x2460..=0x2473 => (digit(cp - 0x2460 + 1), width),
        0x2474..=0x2487 => (digit(cp - 0x2474 + 1), width),
        0x2488..=0x249B => (digit(cp - 0x2488 + 1), width),
        0x249C..=0x24B5 => (letter(cp - 0x249C), width),
        0x24B6..=0x24E9 => (letter(cp - 0x24B6), width),
        0x24EA | 0x24FF => (digit(0), width),
        0x24EB..=0x24F4 => (digit(cp - 0x24EB + 11), width),
        0x24F5..=0x24FE => (digit(cp - 0x24F5 + 1), width),
        0x2776..=0x277F => (digit(cp - 0x2776 + 1), width),
        0x2780..=0x2789 => (digit(cp - 0x2780 + 1), width),
        0x278A..=0x2793 => (digit(cp - 0x278A + 1), width),
        0x3220..=0x3229 => (CompatOut::one(HAN_DIGITS[(cp - 0x3220) as usize]), width),
        0x3280..=0x3289 => (CompatOut::one(HAN_DIGITS[(cp - 0x3280) as usize]), width),
        0x2070 => (digit(0), width),
        0x00B9 => (digit(1), width),
        0x00B2 => (digit(2), width),
        0x00B3 => (digit(3), width),
        0x2074..=0x2079 => (digit(cp - 0x2070), width),
        0x2080..=0x2089 => (digit(cp - 0x2080), width),
        0x2116 => (CompatOut::two('n', 'o'), width),
        // Mathematical alphanumerics: 13 letter styles of 52, then digits.
        0x1D400..=0x1D6A3 => (letter((cp - 0x1D400) % 52), width),
        0x1D7CE..=0x1D7FF => (digit((cp - 0x1D7CE) % 10), width),
        _ => return accent(c).map(|a| (CompatOut::one(a), 0)),
    })
}

const HAN_DIGITS: [char; 10] = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/// The base letter of an accented Latin vowel, as pinyin writes tones.
fn accent(c: char) -> Option<char> {
    Some(match c {
        'à' | 'á' | 'â' | 'ä' | 'ā' | 'ǎ' | 'À' | 'Á' | 'Ā' | 'Ǎ' => 'a',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ě' | 'È' | 'É' | 'Ē' | 'Ě' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ǐ' | 'Ì' | 'Í' | 'Ī' | 'Ǐ' => 'i',
        'ò' | 'ó' | 'ô' | 'ö' | 'ō' | 'ǒ' | 'Ò' | 'Ó' | 'Ō' | 'Ǒ' => 'o',
        'ù' | 'ú' | 'û' | 'ū' | 'ǔ' | 'Ù' | 'Ú' | 'Ū' | 'Ǔ' => 'u',
        'ü' | 'ǖ' | 'ǘ' | 'ǚ' | 'ǜ' | 'Ü' | 'Ǖ' | 'Ǘ' | 'Ǚ' | 'Ǜ' => 'v',
        _ => return None,
    })
}

/// The up-to-two-character text a compatibility form becomes.
#[derive(Clone, Copy)]
struct CompatOut {
    chars: [char; 2],
    len: usize,
}

impl CompatOut {
    fn one(c: char) -> CompatOut {
        CompatOut {
            chars: [c, '\0'],
            len: 1,
        }
    }

    fn two(a: char, b: char) -> CompatOut {
        CompatOut {
            chars: [a, b],
            len: 2,
        }
    }

    fn number(n: u32) -> CompatOut {
        match n {
            0..=9 => CompatOut::one(char::from_digit(n, 10).unwrap_or('0')),
            _ => CompatOut::two(
                char::from_digit((n / 10) % 10, 10).unwrap_or('0'),
                char::from_digit(n % 10, 10).unwrap_or('0'),
            ),
        }
    }

    fn first(&self) -> char {
        self.chars[0]
    }

    fn last(&self) -> char {
        self.chars[self.len - 1]
    }

    fn write<'b>(&self, buf: &'b mut [u8; 8]) -> &'b str {
        if self.len == 1 {
            return self.chars[0].encode_utf8(buf);
        }
        let mut n = 0;
        for c in &self.chars[..self.len] {
            n += c.encode_utf8(&mut buf[n..]).len();
        }
        std::str::from_utf8(&buf[..n]).unwrap_or_default()
    }
}

/// A keycap sequence at byte `i` (a digit, `#` or `*`, an optional
/// variation selector, U+20E3): its length in bytes.
fn keycap_len(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    if b.get(j..j + 3) == Some(&[0xEF, 0xB8, 0x8F]) {
        j += 3;
    }
    (b.get(j..j + 3) == Some(&[0xE2, 0x83, 0xA3])).then_some(j + 3 - i)
}

/// The evasion-aware normaliser: one pass over the original.
struct Evasions<'a, 'f> {
    out: Builder<'a>,
    forms: &'f CompiledForms,
    pairs: Option<&'f WordPairs>,
    /// The last character written to the shadow (`'\0'` at the start).
    prev: char,
    /// Scratch for [`Evasions::latin`]: a folded window and where in the
    /// original each of its bytes ends.
    folded: String,
    ends: Vec<usize>,
}

/// Characters either side of a separator that decide whether it splits a word.
const RECENT: usize = 4;

impl<'a, 'f> Evasions<'a, 'f> {
    fn new(
        original: &'a str,
        forms: &'f CompiledForms,
        pairs: Option<&'f WordPairs>,
    ) -> Evasions<'a, 'f> {
        Evasions {
            out: Builder::new(original),
            forms,
            pairs,
            prev: '\0',
            folded: String::new(),
            ends: Vec::new(),
        }
    }

    /// Records `c` as the last shadow character.
    #[inline]
    fn set_prev(&mut self, c: char) {
        self.prev = c;
    }

    /// The Chinese characters the shadow ends with before original byte
    /// `i`, up to [`RECENT`]: the left half of a word a separator may split.
    fn recent(&self, i: usize) -> String {
        let pending = self
            .out
            .original
            .get(self.out.copied..i)
            .unwrap_or_default();
        let tail = self.out.text.chars().rev();
        let mut back: Vec<char> = pending
            .chars()
            .rev()
            .chain(tail)
            .take_while(|&c| is_han(c))
            .take(RECENT)
            .collect();
        back.reverse();
        back.into_iter().collect()
    }

    fn run(mut self) -> Normalized<'a> {
        let original = self.out.original;
        let b = original.as_bytes();
        let mut i = 0;
        while i < b.len() {
            // Most text is Chinese characters with nothing to do: pass them
            // here, by their bytes, and note only the last one.
            let from = i;
            while let Some(&[lead @ 0xE0..=0xEF, b1, b2]) = b.get(i..i + 3) {
                if self.forms.needs_a_look(lead, b1, b2) {
                    break;
                }
                i += 3;
            }
            if i > from {
                self.prev = original[i - 3..i].chars().next().unwrap_or('\0');
                continue;
            }
            // Then ASCII that stays as it is: line ends, punctuation, digits.
            while let Some(&c) = b.get(i) {
                // A digit before a keycap mark is replaced.
                let keycap = || matches!(b.get(i + 1), Some(0xE2 | 0xEF));
                if !self.forms.passes_ascii(c) || (c.is_ascii_digit() && keycap()) {
                    break;
                }
                i += 1;
            }
            if i > from {
                self.prev = char::from(b[i - 1]);
                continue;
            }
            // Full-width punctuation (，！？：), the commonest character that
            // changes: to its ASCII form, as the general path would.
            if let Some(&[0xEF, b1 @ (0xBC | 0xBD), b2]) = b.get(i..i + 3) {
                let at = usize::from(b1 & 1) << 6 | usize::from(b2 & 0x3F);
                if let Some(half) = self.forms.full_width_punctuation(at) {
                    self.out
                        .replace(i, i + 3, char::from(half).encode_utf8(&mut [0; 4]), 0);
                    self.prev = char::from(half);
                    i += 3;
                    continue;
                }
            }
            i = if b[i] < 0x80 {
                self.ascii(i)
            } else {
                self.other(i)
            };
        }
        self.out.finish()
    }

    /// Handles the ASCII character at `i`; returns where the next one starts.
    fn ascii(&mut self, i: usize) -> usize {
        let b = self.out.original.as_bytes();
        let c = b[i];
        if c.is_ascii_alphabetic() {
            let lower = c.to_ascii_lowercase();
            if let Some(next) = self.latin(i, lower) {
                return next;
            }
            if c != lower {
                self.out
                    .replace(i, i + 1, (lower as char).encode_utf8(&mut [0; 4]), 0);
            }
            self.set_prev(lower as char);
            return i + 1;
        }
        if c.is_ascii_digit() || c == b'#' || c == b'*' {
            if let Some(len) = keycap_len(b, i) {
                let mut buf = [0u8; 4];
                let s = (c as char).encode_utf8(&mut buf);
                self.out.replace(i, i + len, s, EvasionKind::Width.bit());
                self.set_prev(c as char);
                return i + len;
            }
        }
        if is_separator(c as char) {
            if let Some(next) = self.separators(i) {
                return next;
            }
        }
        self.set_prev(c as char);
        i + 1
    }

    /// Handles the non-ASCII character at `i`.
    fn other(&mut self, i: usize) -> usize {
        let original = self.out.original;
        let Some(c) = original[i..].chars().next() else {
            return original.len();
        };
        let len = c.len_utf8();
        let cp = c as u32;
        if (HAN_FIRST..HAN_END).contains(&cp) {
            let s = simplify(c);
            if self.forms.may_start_variant(s as u32) {
                if let Some(next) = self.variant(i, s) {
                    return next;
                }
            }
            if s == self.prev && self.forms.repeats(s) {
                self.out.replace(i, i + len, "", EvasionKind::Repeat.bit());
                return i + len;
            }
            if s != c {
                let mut buf = [0u8; 4];
                self.out.replace(
                    i,
                    i + len,
                    s.encode_utf8(&mut buf),
                    EvasionKind::Traditional.bit(),
                );
            }
            self.set_prev(s);
            return i + len;
        }
        // CJK punctuation and kana, the commonest characters here after Han:
        // none is folded, dropped or a separator but the katakana middle dot.
        if (0x3001..0x3100).contains(&cp) && c != '・' {
            self.set_prev(c);
            return i + len;
        }
        if is_invisible(c) {
            self.out
                .replace(i, i + len, "", EvasionKind::Separator.bit());
            return i + len;
        }
        if is_separator(c) {
            if let Some(next) = self.separators(i) {
                return next;
            }
        }
        if let Some((out, kinds)) = compat(c) {
            if out.first().is_ascii_alphanumeric() && out.len == 1 {
                if let Some(next) = self.latin(i, out.first() as u8) {
                    return next;
                }
            }
            let mut buf = [0u8; 8];
            self.out.replace(i, i + len, out.write(&mut buf), kinds);
            self.set_prev(out.last());
            return i + len;
        }
        self.set_prev(c);
        i + len
    }

    /// A Latin spelling or pinyin starting at `i` (whose first letter folds
    /// to `lower`), replaced by what it means; the byte after it.
    fn latin(&mut self, i: usize, lower: u8) -> Option<usize> {
        if !self.forms.may_start_latin(lower) || self.prev.is_ascii_alphanumeric() {
            return None;
        }
        let original = self.out.original;
        let first_len = original[i..].chars().next().map_or(1, char::len_utf8);
        if let Some(&second) = original.as_bytes().get(i + first_len) {
            if second.is_ascii()
                && !self
                    .forms
                    .may_continue_latin(lower, second.to_ascii_lowercase())
            {
                return None;
            }
        }
        // Fold a short window to lower-case ASCII, remembering where in the
        // original each folded byte's character ends.
        let mut folded = std::mem::take(&mut self.folded);
        let mut ends = std::mem::take(&mut self.ends);
        folded.clear();
        ends.clear();
        let found = self.fold_window(i, &mut folded, &mut ends);
        let hit = found.and_then(|width| {
            let (n, means, kind) = self.forms.latin_at(&folded)?;
            if folded
                .as_bytes()
                .get(n)
                .is_some_and(u8::is_ascii_alphanumeric)
            {
                return None;
            }
            Some((
                *ends.get(n.checked_sub(1)?)?,
                means.to_string(),
                kind,
                width,
            ))
        });
        self.folded = folded;
        self.ends = ends;
        let (end, means, kind, width) = hit?;
        let means = means.as_str();
        // Spellings only inside Chinese text: in English, best and first are
        // just words. Pinyin is no English.
        let han_before = original[..i]
            .chars()
            .rev()
            .find(|&c| c != ' ')
            .is_some_and(is_han);
        let han_after = original[end..]
            .chars()
            .find(|&c| c != ' ')
            .is_some_and(is_han);
        if kind == EvasionKind::Spelling && !han_before && !han_after {
            return None;
        }
        self.out.replace(i, end, means, kind.bit() | width);
        for c in means.chars() {
            self.set_prev(c);
        }
        Some(end)
    }

    /// Folds the text from byte `i` to lower-case ASCII into `folded` (a
    /// short window, up to the first character that has no ASCII form),
    /// with the original end of each folded byte's character in `ends`.
    /// Returns the evasion bits of the folds.
    fn fold_window(&self, i: usize, folded: &mut String, ends: &mut Vec<usize>) -> Option<u8> {
        let original = self.out.original;
        let mut width = 0u8;
        let mut j = i;
        for c in original[i..].chars().take(48) {
            let end = j + c.len_utf8();
            j = end;
            if is_invisible(c) {
                continue;
            }
            let (out, kinds) = if c.is_ascii() {
                (CompatOut::one(c.to_ascii_lowercase()), 0)
            } else if let Some(x) = compat(c) {
                x
            } else {
                break;
            };
            if !out.chars[..out.len].iter().all(char::is_ascii) {
                break;
            }
            for ch in &out.chars[..out.len] {
                folded.push(*ch);
                ends.push(end);
            }
            width |= kinds;
            if folded.len() >= 40 {
                break;
            }
        }
        Some(width)
    }

    /// A homophone or variant form starting at `i` (whose first character
    /// simplifies to `first`), replaced by what it means; the byte after it.
    fn variant(&mut self, i: usize, first: char) -> Option<usize> {
        let original = self.out.original;
        let forms = self.forms;
        for v in forms.variants_from(first) {
            if v.not_before.contains(&self.prev) {
                continue;
            }
            let mut rest = original[i..].char_indices();
            let mut end = i;
            let matched = v.form.iter().all(|&f| {
                rest.next().is_some_and(|(k, c)| {
                    end = i + k + c.len_utf8();
                    simplify(c).to_ascii_lowercase() == f
                })
            });
            if !matched {
                continue;
            }
            let after = original[end..].chars().next().map(simplify);
            if after.is_some_and(|a| v.not_after.contains(&a)) {
                continue;
            }
            if self.ends_a_word(first) {
                continue;
            }
            self.out.replace(i, end, &v.means, v.kind.bit());
            for c in v.means.chars() {
                self.set_prev(c);
            }
            return Some(end);
        }
        None
    }

    /// Whether the form starting with `first` is the tail of an ordinary
    /// word that begins with the previous character: 递一 in 快递一流 (快递),
    /// 弟一 in 兄弟一起 (兄弟).
    fn ends_a_word(&self, first: char) -> bool {
        if !is_han(self.prev) {
            return false;
        }
        let prev = self.prev;
        let mut word = String::with_capacity(8);
        word.push(prev);
        word.push(first);
        crate::segment::jieba().has_word(&word)
    }

    /// A run of separators at `i` between a Chinese character and another
    /// (or a digit, for symbols), dropped; the byte after the run.
    fn separators(&mut self, i: usize) -> Option<usize> {
        if !is_han(self.prev) {
            return None;
        }
        let original = self.out.original;
        let mut j = i;
        let mut spaces = 0;
        let mut count = 0;
        while let Some((len, space)) = separator_at(original, j) {
            j += len;
            count += 1;
            spaces += usize::from(space);
            if count > 3 {
                return None;
            }
        }
        if count == 0 {
            return None;
        }
        let next = original[j..].chars().next()?;
        let joins = if is_han(next) {
            (spaces < count || self.spaced_out(i, j)) && self.splits_a_word(i, j)
        } else {
            spaces == 0 && next.is_ascii_digit()
        };
        if !joins {
            return None;
        }
        self.out.replace(i, j, "", EvasionKind::Separator.bit());
        Some(j)
    }

    /// Whether the Chinese characters just before the separators (the
    /// recent shadow characters) and from `j` on read as one word across
    /// the gap: 最|低价 and 排*毒 do, 无担保.利息低 and 激素~美白 do not (a
    /// symbol used as a list delimiter).
    fn splits_a_word(&self, i: usize, j: usize) -> bool {
        let original = self.out.original;
        if let Some(pairs) = self.pairs {
            let next = original[j..].chars().next().map_or('\0', simplify);
            if !pairs.contains(self.prev, next) {
                return false;
            }
        }
        let mut joined = self.recent(i);
        let gap = joined.len();
        joined.extend(
            original[j..]
                .chars()
                .take_while(|&c| is_han(c))
                .take(RECENT)
                .map(simplify),
        );
        for word in crate::segment::jieba().cut(&joined, true) {
            let at = word.byte_end;
            if at == gap {
                return false;
            }
            if at > gap {
                return true;
            }
        }
        false
    }

    /// Whether spaces at `i..j` split a term spelled out character by
    /// character (最 好 用, 全 网 最 低): the characters either side stand
    /// alone. A space between two words (面霜 最新款) is a real gap.
    fn spaced_out(&self, i: usize, j: usize) -> bool {
        let original = self.out.original;
        let before = original[..i].chars().rev().nth(1);
        let mut after = original[j..].chars();
        after.next();
        let lone = |c: Option<char>| !c.is_some_and(is_han);
        lone(before) || lone(after.next())
    }
}

/// The shadow text of `original` and, for each shadow character in order,
/// the byte range of the original characters it stands for. A debugging and
/// fuzzing view of the normaliser; not a stable API.
#[doc(hidden)]
pub fn shadow_map(original: &str) -> (String, Vec<std::ops::Range<usize>>) {
    let n = Normalized::with_forms(original, &CompiledForms::builtin(), None);
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
    fn block_lookups_agree_with_searching_the_whole_list() {
        // Edits of every shape, some blocks crowded, some empty, one edit
        // straddling a block boundary.
        let spans = [
            (1, 2),
            (5, 8),
            (8, 8),
            (708, 708),
            (710, 712),
            (1022, 1026),
            (1026, 1026),
            (1030, 1031),
            (2500, 2503),
            (2503, 2503),
        ];
        let list: Vec<Edit> = spans
            .iter()
            .map(|&(norm, norm_end)| Edit {
                norm,
                norm_end,
                orig: 0,
                orig_end: 0,
                kinds: 0,
            })
            .collect();
        let text_len = 2600;
        let edits = Edits::new(list.clone(), text_len);
        for pos in 0..=text_len + 600 {
            assert_eq!(
                edits.starting_by(pos),
                list.partition_point(|e| e.norm as usize <= pos),
                "starting by {pos}"
            );
            assert_eq!(
                edits.ending_before(pos),
                list.partition_point(|e| (e.norm_end as usize) < pos),
                "ending before {pos}"
            );
        }
    }

    #[test]
    fn identity_when_nothing_to_fold() {
        let n = Normalized::new("全网最低价。最后三单");
        assert!(n.edits.is_empty());
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

    fn evasive(s: &str) -> Normalized<'_> {
        Normalized::with_forms(s, &CompiledForms::builtin(), None)
    }

    #[test]
    fn what_passes_as_it_is_stays_and_the_rest_still_changes() {
        // Between Chinese characters, where separators and spellings count.
        for c in (1..0x10000u32).filter_map(char::from_u32) {
            if is_han(c) || !passes_as_is(c) {
                continue;
            }
            let text = format!("最{c}低{c}{c}价");
            let n = evasive(&text);
            assert_eq!(n.text(), text, "{c:?} U+{:04X}", c as u32);
            assert_eq!(n.kinds(0, n.text().len()), 0, "{c:?}");
        }
        // Next to those fast paths, what needs a change still gets one.
        let n = evasive("最，低A价3\u{FE0F}\u{20E3}最*低价（真）！？");
        assert_eq!(n.text(), "最,低a价3最低价(真)!?");
        assert_eq!(n.to_original(3, 4), (3, 6), "the comma maps back whole");
    }

    /// The shadow range of `part`, the original range it maps back to, and
    /// the evasion bits inside it.
    fn mapped(n: &Normalized, part: &str) -> ((usize, usize), u8) {
        let at = n.text().find(part).expect("part in shadow");
        let end = at + part.len();
        (n.to_original(at, end), n.kinds(at, end))
    }

    #[test]
    fn a_separator_counts_only_between_characters_of_a_match() {
        let s = "好*最*好";
        let n = evasive(s);
        // The first * parts two words (好|最好) and stays.
        assert_eq!(n.text(), "好*最好");
        // 最好 has the separator inside; 最 alone does not.
        let ((a, b), kinds) = mapped(&n, "最好");
        assert_eq!(&s[a..b], "最*好");
        assert_eq!(kinds, EvasionKind::Separator.bit());
        let ((a, b), kinds) = mapped(&n, "最");
        assert_eq!(&s[a..b], "最");
        assert_eq!(kinds, 0);
    }

    #[test]
    fn part_of_a_replaced_form_maps_to_the_whole_form() {
        let s = "国货ＮＯ．１呀";
        let n = evasive(s);
        assert_eq!(n.text(), "国货no.1呀");
        let ((a, b), kinds) = mapped(&n, "no");
        assert_eq!(&s[a..b], "ＮＯ．１");
        assert_eq!(
            kinds,
            EvasionKind::Spelling.bit() | EvasionKind::Width.bit()
        );
        let ((a, b), _) = mapped(&n, "呀");
        assert_eq!(&s[a..b], "呀");
    }

    #[test]
    fn traditional_repeat_and_keycap() {
        let s = "全網最最低價，1\u{FE0F}\u{20E3}号";
        let n = evasive(s);
        assert_eq!(n.text(), "全网最低价,1号");
        let ((a, b), kinds) = mapped(&n, "全网最低价");
        assert_eq!(&s[a..b], "全網最最低價");
        assert_eq!(
            kinds,
            EvasionKind::Traditional.bit() | EvasionKind::Repeat.bit()
        );
        let ((a, b), kinds) = mapped(&n, "1");
        assert_eq!(&s[a..b], "1\u{FE0F}\u{20E3}");
        assert_eq!(kinds, EvasionKind::Width.bit());
    }

    #[test]
    fn simplified_characters_never_change() {
        // In GB 2312 and ordinary simplified text, though a traditional
        // table maps them: 著名, 乾坤, 於 (a surname).
        let s = "著名的乾坤於先生";
        assert_eq!(evasive(s).text(), s);
    }
}
