//! Every occurrence of every phrase of a large list, found by the first two
//! characters of each phrase.
//!
//! The phrases are Chinese words of two to four characters by the thousand,
//! so nearly every character of a text starts one of them: an aho-corasick
//! automaton over them is never at rest and walks each byte through a
//! structure larger than the CPU's cache. Two characters, though, rarely
//! start any phrase (about one position in fifteen of the corpus). So each
//! position's first two characters are hashed into a small bitset; only
//! where the bit is set are the few phrases starting with those characters
//! compared. Phrases of one character are looked up the same way by their
//! character alone.

use std::hash::Hasher;
use std::ops::Range;

/// log2 of the bits in each bitset: 2^16 bits (8 KiB) keep false hits to a
/// few percent for a few thousand keys and stay in the first-level cache.
const BITS_LOG2: u32 = 16;

const WORDS: usize = 1 << (BITS_LOG2 - 6);

/// Words of a bitset with one bit per value of two bytes.
const TWO_BYTE_WORDS: usize = 1 << (16 - 6);

/// Keys and what each stands for, found through a bitset over their hash:
/// a clear bit (nearly every lookup) answers at once, and a set bit sends
/// the lookup to an open-addressed table of the keys, where one read
/// usually finds the key and its phrases. Fixed sizes, so indexing the
/// bitset needs no check.
#[derive(Debug, Clone)]
struct Table {
    bits: Box<[u64; WORDS]>,
    /// Each key with the range of `PairIndex::entries` it stands for, at the
    /// slot its hash picks or the next free one after it; an empty range
    /// marks a free slot (every key has a phrase).
    slots: Vec<(Key, u32, u32)>,
    /// Slots less one (their number is a power of two).
    mask: usize,
}

impl Default for Table {
    fn default() -> Table {
        Table::new(Vec::new())
    }
}

impl Table {
    /// A table of `entries`, each key once.
    fn new(entries: Vec<(Key, Range<u32>)>) -> Table {
        let mut bits = Box::new([0; WORDS]);
        // At most half full, so a probe seldom reads past its first slot.
        let slots = (entries.len() * 2).next_power_of_two().max(2);
        let mut table = Vec::new();
        table.resize(slots, (0, 0, 0));
        let mask = slots - 1;
        for (k, range) in entries {
            let bit = bit_of(k);
            bits[bit / 64] |= 1 << (bit % 64);
            let mut i = slot_of(k) & mask;
            while table[i].1 != table[i].2 {
                i = (i + 1) & mask;
            }
            table[i] = (k, range.start, range.end);
        }
        Table {
            bits,
            slots: table,
            mask,
        }
    }

    /// Whether some key may be `k`: its bit is set.
    #[inline(always)]
    fn may_hold(&self, k: Key) -> bool {
        let bit = bit_of(k);
        self.bits[bit / 64] >> (bit % 64) & 1 == 1
    }

    /// What `k` stands for, if it is a key.
    #[inline]
    fn get(&self, k: Key) -> Option<Range<u32>> {
        let mut i = slot_of(k) & self.mask;
        loop {
            let &(key, start, end) = self.slots.get(i)?;
            if start == end {
                return None;
            }
            if key == k {
                return Some(start..end);
            }
            i = (i + 1) & self.mask;
        }
    }
}

/// The first one or two characters of a phrase or text position, as up to
/// eight UTF-8 bytes read little-endian (each character has at most four).
type Key = u64;

/// Finds all phrases of a list, overlaps included.
#[derive(Debug, Clone)]
pub(crate) struct PairIndex {
    /// Key → range of `entries`: the phrases that start with that key, for
    /// keys of two characters, then of one.
    pairs: Table,
    singles: Table,
    /// One bit per value of a position's first two bytes: set when a phrase
    /// of one character may start there. A handful of phrases are that
    /// short, so a clear bit (nearly every position) spares the lookup.
    single_starts: Box<[u64; TWO_BYTE_WORDS]>,
    /// The phrases of each key side by side, and the bytes after their key
    /// side by side in `tails`: a hit reads a line or two, not a pointer per
    /// phrase.
    entries: Vec<Entry>,
    tails: Vec<u8>,
}

impl Default for PairIndex {
    fn default() -> PairIndex {
        PairIndex {
            pairs: Table::default(),
            singles: Table::default(),
            single_starts: Box::new([0; TWO_BYTE_WORDS]),
            entries: Vec::new(),
            tails: Vec::new(),
        }
    }
}

/// One phrase under its key.
#[derive(Debug, Clone, Copy)]
struct Entry {
    id: u32,
    /// Where the bytes after the key start in `tails`, and how many there are.
    tail: u32,
    tail_len: u32,
    /// Length of the whole phrase in bytes.
    len: u32,
}

impl PairIndex {
    /// Indexes `phrases`; a phrase's position in the list is its id. Empty
    /// phrases are never found.
    pub(crate) fn new(phrases: &[String]) -> PairIndex {
        let mut keyed: Vec<(bool, Key, u32, usize)> = phrases
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.is_empty())
            .map(|(id, p)| {
                let first = char_len(p.as_bytes()[0]);
                let (pair, len) = match p.as_bytes().get(first) {
                    Some(&b) => (true, first + char_len(b)),
                    None => (false, first),
                };
                (pair, load(p.as_bytes(), 0) & mask(len), id as u32, len)
            })
            .collect();
        keyed.sort_unstable();
        let mut index = PairIndex::default();
        let mut pairs = Vec::new();
        let mut singles = Vec::new();
        for group in keyed.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
            let (pair, k, _, _) = group[0];
            let start = index.entries.len() as u32;
            for &(_, _, id, known) in group {
                let phrase = phrases[id as usize].as_bytes();
                let tail = &phrase[known..];
                index.entries.push(Entry {
                    id,
                    tail: index.tails.len() as u32,
                    tail_len: tail.len() as u32,
                    len: phrase.len() as u32,
                });
                index.tails.extend_from_slice(tail);
            }
            let range = start..index.entries.len() as u32;
            if pair {
                pairs.push((k, range));
            } else {
                singles.push((k, range));
            }
        }
        for (k, _) in &singles {
            let [b0, b1, ..] = k.to_le_bytes();
            // A character of one byte may have any byte after it.
            let seconds = if char_len(b0) == 1 { 0..=255 } else { b1..=b1 };
            for second in seconds {
                let at = usize::from(b0) | usize::from(second) << 8;
                index.single_starts[at / 64] |= 1 << (at % 64);
            }
        }
        index.pairs = Table::new(pairs);
        index.singles = Table::new(singles);
        index
    }

    /// Calls `found(id, range)` for every occurrence of every phrase in
    /// `text`, in order of start (phrases sharing a start in no set order).
    pub(crate) fn find_all(&self, text: &str, mut found: impl FnMut(u32, Range<usize>)) {
        if self.entries.is_empty() {
            return;
        }
        let bytes = text.as_bytes();
        let mut i = 0;
        // The length of the character at `i`, carried over from the step
        // before, which read it as the second character of its pair.
        let mut first = bytes.first().map_or(0, |&b| char_len(b));
        // While eight bytes remain, the next character's lead byte is in the
        // word already loaded and no read needs a bounds check.
        while let Some(eight) = bytes.get(i..i + 8) {
            let word = u64::from_le_bytes(eight.try_into().expect("eight bytes"));
            let second = char_len((word >> ((8 * first) & 63)) as u8);
            self.probe(bytes, i, word, first, second, &mut found);
            i += first;
            first = second;
        }
        while i < bytes.len() {
            let word = load(bytes, i);
            let second = bytes.get(i + first).map_or(0, |&b| char_len(b));
            self.probe(bytes, i, word, first, second, &mut found);
            i += first;
            first = second;
        }
    }

    /// Looks up the phrases starting at `at`, whose first two characters
    /// are `first` and `second` bytes long (`second` is 0 at the end of the
    /// text) and whose first eight bytes are `word`.
    #[inline(always)]
    fn probe(
        &self,
        bytes: &[u8],
        at: usize,
        word: u64,
        first: usize,
        second: usize,
        found: &mut impl FnMut(u32, Range<usize>),
    ) {
        if second != 0 {
            let len = first + second;
            let k = word & mask(len);
            if self.pairs.may_hold(k) {
                self.compare(bytes, at, len, self.pairs.get(k), found);
            }
        }
        let two = (word & 0xFFFF) as usize;
        if self.single_starts[two / 64] >> (two % 64) & 1 == 1 {
            let k = word & mask(first);
            if self.singles.may_hold(k) {
                self.compare(bytes, at, first, self.singles.get(k), found);
            }
        }
    }

    /// Reports the phrases of `entries` that occur at `at`, whose first
    /// `known` bytes are known to match.
    fn compare(
        &self,
        bytes: &[u8],
        at: usize,
        known: usize,
        entries: Option<Range<u32>>,
        found: &mut impl FnMut(u32, Range<usize>),
    ) {
        let Some(entries) = entries else { return };
        let rest = &bytes[at + known..];
        for e in &self.entries[entries.start as usize..entries.end as usize] {
            let tail = &self.tails[e.tail as usize..(e.tail + e.tail_len) as usize];
            // Tails are a few bytes: a loop beats a call to memcmp.
            if tail.len() <= rest.len() && tail.iter().zip(rest).all(|(a, b)| a == b) {
                found(e.id, at..at + e.len as usize);
            }
        }
    }
}

/// Length of the UTF-8 character that starts with each byte: a table, since
/// the pass asks twice per character.
const CHAR_LEN: [u8; 256] = {
    let mut table = [1u8; 256];
    let mut b = 0x80;
    while b < 256 {
        table[b] = if b < 0xE0 {
            2
        } else if b < 0xF0 {
            3
        } else {
            4
        };
        b += 1;
    }
    table
};

/// Length of the UTF-8 character that starts with `lead`.
pub(crate) fn char_len(lead: u8) -> usize {
    usize::from(CHAR_LEN[usize::from(lead)])
}

/// Eight bytes of `bytes` from `at`, zeros past its end, little-endian.
fn load(bytes: &[u8], at: usize) -> u64 {
    match bytes.get(at..at + 8) {
        Some(eight) => u64::from_le_bytes(eight.try_into().expect("eight bytes")),
        None => {
            let mut buf = [0u8; 8];
            buf[..bytes.len() - at].copy_from_slice(&bytes[at..]);
            u64::from_le_bytes(buf)
        }
    }
}

/// Keeps the first `len` bytes (one to eight) of a loaded word: the key.
fn mask(len: usize) -> Key {
    // Keys are at most eight bytes (two characters of four); the `& 63`
    // keeps the shift in range for any `len`, which debug builds check.
    debug_assert!((1..=8).contains(&len));
    u64::MAX >> ((64 - 8 * len) & 63)
}

fn bit_of(k: Key) -> usize {
    (k.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - BITS_LOG2)) as usize
}

/// Where a key's probe starts in a [`Table`] (before masking): the same
/// product as [`bit_of`], its high half folded into the low bits, which
/// alone see only the key's first bytes.
fn slot_of(k: Key) -> usize {
    let x = k.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (x ^ (x >> 32)) as usize
}

/// The same cheap mix as [`bit_of`], for maps keyed by the few bytes of a
/// pattern's literal (what may stand beside it, what its runs need) and by
/// the character pairs of a rule set's phrases: their keys are chosen by a
/// rule's author, not by the text, so they need no DoS-resistant hash.
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u64(&mut self, n: u64) {
        // Folded, so that the low bits a table indexes by see every input bit.
        let x = (self.0 ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = x ^ (x >> 32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::AhoCorasick;
    use proptest::prelude::*;

    fn all(phrases: &[&str], text: &str) -> Vec<(u32, Range<usize>)> {
        let owned: Vec<String> = phrases.iter().map(|p| p.to_string()).collect();
        let mut out = Vec::new();
        PairIndex::new(&owned).find_all(text, |id, r| out.push((id, r)));
        out.sort_by_key(|(id, r)| (r.start, r.end, *id));
        out
    }

    #[test]
    fn finds_overlapping_phrases_of_one_and_more_characters() {
        let found = all(&["最", "最低", "最低价", "低价", "价"], "全网最低价");
        let spans: Vec<_> = found.iter().map(|(id, r)| (*id, r.clone())).collect();
        assert_eq!(
            spans,
            vec![(0, 6..9), (1, 6..12), (2, 6..15), (3, 9..15), (4, 12..15)]
        );
    }

    #[test]
    fn text_ending_inside_a_phrase_finds_nothing_there() {
        assert!(all(&["最低价"], "最低").is_empty());
        assert_eq!(all(&["最低"], "最低").len(), 1);
        assert!(all(&[], "最低").is_empty());
        assert!(all(&["最低"], "").is_empty());
    }

    #[test]
    fn nul_and_mixed_width_characters_keep_keys_apart() {
        // "a\0" as bytes is a prefix of the key of "a" padded with zeros.
        assert_eq!(all(&["a\0", "a"], "ab").len(), 1);
        assert_eq!(all(&["a\0", "a"], "a\0").len(), 2);
        assert_eq!(all(&["é1", "😀最"], "é1😀最é").len(), 2);
    }

    proptest! {
        /// Same matches as an overlapping aho-corasick search, on any text.
        #[test]
        fn agrees_with_aho_corasick(
            phrases in prop::collection::vec("[最低价a1é😀\\x00]{1,4}", 0..12),
            text in "[最低价全网a1é😀\\x00 ]{0,40}",
        ) {
            let mut phrases = phrases;
            phrases.sort();
            phrases.dedup();
            let refs: Vec<&str> = phrases.iter().map(String::as_str).collect();
            let mut expected: Vec<(u32, Range<usize>)> = AhoCorasick::new(&phrases)
                .unwrap()
                .find_overlapping_iter(&text)
                .map(|m| (m.pattern().as_u32(), m.start()..m.end()))
                .collect();
            expected.sort_by_key(|(id, r)| (r.start, r.end, *id));
            prop_assert_eq!(all(&refs, &text), expected);
        }
    }
}
