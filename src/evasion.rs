//! Evasive spellings: how a finding's text dodged a plain word list, the
//! table of evasive forms (`rules/evasion/forms.toml`) and its compiled
//! lookups for the normaliser.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

/// How the text of a finding differs from the plain term a rule names.
///
/// A finding lists every kind its span went through, in this order; a
/// finding matched as written lists none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EvasionKind {
    /// Full-width, circled, superscript, mathematical or keycap forms (ＮＯ．１, ①, 𝐍𝐎.𝟏, 1️⃣).
    Width,
    /// Traditional characters (全網最低價).
    Traditional,
    /// Symbols, spaces, zero-width characters or combining marks inside a term (最*好).
    Separator,
    /// A character repeated to break a term (最最最好).
    Repeat,
    /// A letter or number spelling (NO.1, top1, best).
    Spelling,
    /// Pinyin for a term (zui hao, zuì hǎo).
    Pinyin,
    /// A homophone or variant character (蕞 for 最, 弟一 for 第一).
    Homophone,
}

impl EvasionKind {
    /// Every kind, in output order.
    pub const ALL: [EvasionKind; 7] = [
        EvasionKind::Width,
        EvasionKind::Traditional,
        EvasionKind::Separator,
        EvasionKind::Repeat,
        EvasionKind::Spelling,
        EvasionKind::Pinyin,
        EvasionKind::Homophone,
    ];

    /// The lowercase name used in output (`width`, `separator`…).
    pub fn as_str(self) -> &'static str {
        match self {
            EvasionKind::Width => "width",
            EvasionKind::Traditional => "traditional",
            EvasionKind::Separator => "separator",
            EvasionKind::Repeat => "repeat",
            EvasionKind::Spelling => "spelling",
            EvasionKind::Pinyin => "pinyin",
            EvasionKind::Homophone => "homophone",
        }
    }

    /// True for the kinds whose findings are one severity step lower unless
    /// the rule keeps its severity: a homophone or pinyin may be innocent.
    pub fn lowers_severity(self) -> bool {
        matches!(self, EvasionKind::Pinyin | EvasionKind::Homophone)
    }

    /// The bits of the kinds that [lower severity](Self::lowers_severity).
    pub(crate) const LOWERING_BITS: u8 =
        1 << EvasionKind::Pinyin as u8 | 1 << EvasionKind::Homophone as u8;

    pub(crate) fn bit(self) -> u8 {
        1 << self as u8
    }

    /// The kinds whose bits are set in `bits`, in order.
    pub(crate) fn from_bits(bits: u8) -> Vec<EvasionKind> {
        EvasionKind::ALL
            .into_iter()
            .filter(|k| bits & k.bit() != 0)
            .collect()
    }
}

impl fmt::Display for EvasionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who produces a variant form: a writer dodging a filter, or a speech
/// recogniser mishearing the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VariantSource {
    /// Written on purpose to dodge a word list.
    Deliberate,
    /// Produced by speech recognition.
    Asr,
}

/// One letter-and-number spelling or pinyin of a term.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatinForms {
    /// The term the forms stand for (`第一`).
    pub means: String,
    /// `spelling` or `pinyin`.
    pub kind: EvasionKind,
    /// The forms; a space stands for an optional separator run.
    pub forms: Vec<String>,
    /// A sentence using one of the forms, which must be flagged.
    pub example: String,
}

/// One homophone or variant-character form of a term.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariantForm {
    /// The form as written (`弟一`).
    pub form: String,
    /// The term it stands for (`第一`).
    pub means: String,
    /// Deliberate or produced by speech recognition.
    pub source: VariantSource,
    /// `homophone` (the default) or `pinyin` for mixed forms like 减fei.
    #[serde(default = "homophone")]
    pub kind: EvasionKind,
    /// Characters that, just before the form, make it part of an ordinary word.
    #[serde(default)]
    pub not_before: String,
    /// Characters that, just after the form, make it part of an ordinary word.
    #[serde(default)]
    pub not_after: String,
    /// A sentence using the form, which must be flagged.
    pub example: String,
}

fn homophone() -> EvasionKind {
    EvasionKind::Homophone
}

/// The table of evasive forms the normaliser sees through: letter and pinyin
/// spellings, homophones and variant characters, and characters stuttered on
/// purpose. Width, traditional characters and separators need no table.
///
/// [`EvasionForms::builtin`] is `rules/evasion/forms.toml`; merge your own
/// with [`EvasionForms::merge`] and hand the result to
/// [`crate::ScannerBuilder::evasion_forms`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvasionForms {
    /// Characters a run of which reads as one (最最最好 → 最好).
    #[serde(default)]
    pub repeat: Vec<String>,
    /// Letter and pinyin spellings.
    #[serde(default)]
    pub latin: Vec<LatinForms>,
    /// Homophones and variant characters.
    #[serde(default)]
    pub variant: Vec<VariantForm>,
}

/// Longest accepted form, in characters.
const MAX_FORM_CHARS: usize = 24;

impl EvasionForms {
    /// The table that ships with adcop (`rules/evasion/forms.toml`).
    pub fn builtin() -> EvasionForms {
        static BUILTIN_FORMS: OnceLock<EvasionForms> = OnceLock::new();
        BUILTIN_FORMS
            .get_or_init(|| {
                EvasionForms::from_toml(
                    "rules/evasion/forms.toml",
                    include_str!("../rules/evasion/forms.toml"),
                )
                .unwrap_or_else(|e| panic!("built-in evasion table is broken: {e}"))
            })
            .clone()
    }

    /// An empty table: only width, traditional and separator evasions are seen.
    pub fn empty() -> EvasionForms {
        EvasionForms::default()
    }

    /// Reads and validates a table in the format of `rules/evasion/forms.toml`.
    /// Errors name `origin` and the line of the bad entry.
    pub fn from_toml(origin: &str, text: &str) -> Result<EvasionForms> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            #[serde(default)]
            repeat: Vec<toml::Spanned<String>>,
            #[serde(default)]
            latin: Vec<toml::Spanned<LatinForms>>,
            #[serde(default)]
            variant: Vec<toml::Spanned<VariantForm>>,
        }
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let file: File = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            let line = line_of(offset);
            let column = text[..offset.min(text.len())]
                .rsplit('\n')
                .next()
                .map_or(0, |l| l.chars().count())
                + 1;
            Error::Parse {
                origin: origin.to_string(),
                line,
                column,
                message: e.message().to_string(),
            }
        })?;
        let bad = |offset: usize, form: &str, message: String| Error::InvalidForm {
            origin: origin.to_string(),
            line: line_of(offset),
            form: form.to_string(),
            message,
        };
        let mut out = EvasionForms::default();
        for r in file.repeat {
            let span = r.span();
            let c = r.into_inner();
            let mut chars = c.chars();
            match (chars.next(), chars.next()) {
                (Some(ch), None) if !ch.is_whitespace() => out.repeat.push(c),
                _ => {
                    return Err(bad(
                        span.start,
                        &c,
                        "a repeat entry is one character".into(),
                    ))
                }
            }
        }
        for l in file.latin {
            let span = l.span();
            let l = l.into_inner();
            if !matches!(l.kind, EvasionKind::Spelling | EvasionKind::Pinyin) {
                return Err(bad(
                    span.start,
                    &l.means,
                    format!("kind must be spelling or pinyin, not {}", l.kind),
                ));
            }
            check_means(&l.means).map_err(|m| bad(span.start, &l.means, m))?;
            if l.forms.is_empty() {
                return Err(bad(span.start, &l.means, "no forms".into()));
            }
            for f in &l.forms {
                let ok = !f.trim().is_empty()
                    && f.chars().count() <= MAX_FORM_CHARS
                    && f.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ')
                    && f.trim() == f;
                if !ok {
                    return Err(bad(
                        span.start,
                        f,
                        format!(
                            "a form is 1 to {MAX_FORM_CHARS} ASCII letters and digits, spaces between words"
                        ),
                    ));
                }
            }
            out.latin.push(l);
        }
        for v in file.variant {
            let span = v.span();
            let v = v.into_inner();
            if !matches!(v.kind, EvasionKind::Homophone | EvasionKind::Pinyin) {
                return Err(bad(
                    span.start,
                    &v.form,
                    format!("kind must be homophone or pinyin, not {}", v.kind),
                ));
            }
            check_means(&v.means).map_err(|m| bad(span.start, &v.form, m))?;
            let n = v.form.chars().count();
            let first_is_han = v.form.chars().next().is_some_and(is_han);
            if n == 0
                || n > MAX_FORM_CHARS
                || !first_is_han
                || v.form.chars().any(char::is_whitespace)
            {
                return Err(bad(
                    span.start,
                    &v.form,
                    format!("a form is 1 to {MAX_FORM_CHARS} characters, starting with a Chinese character, without spaces"),
                ));
            }
            if v.form == v.means {
                return Err(bad(
                    span.start,
                    &v.form,
                    "form and means are the same".into(),
                ));
            }
            out.variant.push(v);
        }
        Ok(out)
    }

    /// This table with `other`'s entries added after its own.
    pub fn merge(mut self, other: EvasionForms) -> EvasionForms {
        self.repeat.extend(other.repeat);
        self.latin.extend(other.latin);
        self.variant.extend(other.variant);
        self
    }

    /// Every entry's example: the sentence, the form it uses as written in
    /// the table, and the kind its finding must carry.
    pub fn examples(&self) -> impl Iterator<Item = (&str, &str, EvasionKind)> {
        let latin = self.latin.iter().map(|l| {
            let form = l.forms.first().map_or("", String::as_str);
            (l.example.as_str(), form, l.kind)
        });
        let variant = self
            .variant
            .iter()
            .map(|v| (v.example.as_str(), v.form.as_str(), v.kind));
        latin.chain(variant)
    }
}

fn check_means(means: &str) -> std::result::Result<(), String> {
    let n = means.chars().count();
    if n == 0 || n > MAX_FORM_CHARS || means.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "means is 1 to {MAX_FORM_CHARS} characters without spaces"
        ));
    }
    Ok(())
}

/// True for CJK unified ideographs (the BMP blocks) and compatibility ideographs.
#[inline]
pub(crate) fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

/// First code point of the dense Han tables.
pub(crate) const HAN_FIRST: u32 = 0x3400;
/// One past the last code point of the dense Han tables.
pub(crate) const HAN_END: u32 = 0xA000;

/// Traditional → simplified, one character for one character, for
/// U+3400..U+9FFF (0 = unchanged). From fast2s's MIT-licensed table, minus
/// every character that is itself in GB 2312's simplified set (著, 乾, 於):
/// those are ordinary simplified text and must not change.
pub(crate) fn t2s_table() -> &'static [u16] {
    static TABLE: OnceLock<Vec<u16>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = vec![0u16; (HAN_END - HAN_FIRST) as usize];
        // One conversion of every character, each on its own line, so no
        // neighbour changes how a character converts.
        let all: String = (HAN_FIRST..HAN_END)
            .filter_map(char::from_u32)
            .flat_map(|c| [c, '\n'])
            .collect();
        let converted = fast2s::convert(&all);
        for (from, to) in all.chars().zip(converted.chars()) {
            if from == to || from == '\n' {
                continue;
            }
            // Encoding to GBK is slow: only for the few characters that convert.
            if in_gb2312(from) && !TRADITIONAL_IN_GB2312.contains(&from) {
                continue;
            }
            let to = to as u32;
            if to <= u16::MAX as u32 && is_han(char::from_u32(to).unwrap_or('\0')) {
                table[(from as u32 - HAN_FIRST) as usize] = to as u16;
            }
        }
        table
    })
}

/// Characters GB 2312 includes that ordinary simplified text never uses:
/// they convert after all.
const TRADITIONAL_IN_GB2312: [char; 6] = ['後', '夥', '徵', '菸', '麴', '摺'];

/// True when `c` is one of GB 2312's Chinese characters: rows 16–87.
fn in_gb2312(c: char) -> bool {
    let mut buf = [0u8; 4];
    let s = c.encode_utf8(&mut buf);
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(s);
    !unmappable && bytes.len() == 2 && (0xB0..=0xF7).contains(&bytes[0]) && bytes[1] >= 0xA1
}

/// The forms table compiled for the normaliser's hot loop.
#[derive(Debug)]
pub(crate) struct CompiledForms {
    /// Per Han code point: bit 0, a variant form starts here; bit 1, a run of
    /// it reads as one; bit 2, it is traditional. 0: nothing to do.
    han_flags: Vec<u8>,
    /// One bit per character of three UTF-8 bytes (U+0800..U+FFFF, by code
    /// point): set unless it is a Han character whose flags are all clear.
    /// The normaliser asks for every character, and this fits the L1 cache.
    look: Box<[u64; LOOK_WORDS]>,
    /// Variant forms by first character (as simplified), longest first.
    variants: HashMap<char, Vec<CompiledVariant>>,
    /// Whether a Latin form may start with this ASCII letter.
    latin_first: [bool; 128],
    /// Per byte: an ASCII character the normaliser passes as it is (digits
    /// unless a keycap mark follows).
    ascii_pass: [bool; 256],
    /// Per full-width form U+FF00..U+FF7F, by its offset: the ASCII
    /// punctuation the normaliser folds it to and nothing more, or 0.
    full_width: [u8; 0x80],
    /// Whether a Latin form may start with this pair of ASCII characters
    /// (index `first * 128 + second`): most words are rejected here.
    latin_pairs: Vec<bool>,
    /// All Latin forms, anchored at the start, one capture group per entry,
    /// longest forms first.
    latin_re: Option<regex::Regex>,
    /// Per capture group: what it means and its kind.
    latin_groups: Vec<(String, EvasionKind)>,
}

#[derive(Debug)]
pub(crate) struct CompiledVariant {
    pub(crate) form: Vec<char>,
    pub(crate) means: String,
    pub(crate) kind: EvasionKind,
    pub(crate) not_before: Vec<char>,
    pub(crate) not_after: Vec<char>,
}

const VARIANT_START: u8 = 1;
const REPEATS: u8 = 2;
const TRADITIONAL: u8 = 4;

/// Words of the bitset over the code points below U+10000.
const LOOK_WORDS: usize = 0x10000 / 64;

/// Separators allowed between the words of a Latin form.
pub(crate) const LATIN_GAP: &str = r"[\s.\-_·•'/]{0,3}";

impl CompiledForms {
    pub(crate) fn new(forms: &EvasionForms) -> CompiledForms {
        let mut han_flags: Vec<u8> = t2s_table()
            .iter()
            .map(|&to| if to == 0 { 0 } else { TRADITIONAL })
            .collect();
        let mut flag = |c: char, bit: u8| {
            let cp = c as u32;
            if (HAN_FIRST..HAN_END).contains(&cp) {
                han_flags[(cp - HAN_FIRST) as usize] |= bit;
            }
        };
        for r in &forms.repeat {
            if let Some(c) = r.chars().next() {
                flag(c, REPEATS);
            }
        }
        let mut variants: HashMap<char, Vec<CompiledVariant>> = HashMap::new();
        for v in &forms.variant {
            let form: Vec<char> = v.form.chars().map(simplify).collect();
            let Some(&first) = form.first() else { continue };
            flag(first, VARIANT_START);
            variants.entry(first).or_default().push(CompiledVariant {
                form,
                means: v.means.clone(),
                kind: v.kind,
                not_before: v.not_before.chars().collect(),
                not_after: v.not_after.chars().collect(),
            });
        }
        for list in variants.values_mut() {
            list.sort_by_key(|v| std::cmp::Reverse(v.form.len()));
        }

        let mut latin_first = [false; 128];
        let mut latin_pairs = vec![false; 128 * 128];
        let mut alternatives: Vec<(usize, String, String, EvasionKind)> = Vec::new();
        for l in &forms.latin {
            for f in &l.forms {
                let lower = f.to_ascii_lowercase();
                let mut bytes = lower.bytes();
                if let Some(c) = bytes.next() {
                    latin_first[c as usize & 0x7F] = true;
                    match bytes.next() {
                        // A separator or a tone digit may come second.
                        Some(b' ') | None => {
                            for second in 0..128 {
                                latin_pairs[(c as usize & 0x7F) * 128 + second] = true;
                            }
                        }
                        Some(d) => {
                            latin_pairs[(c as usize & 0x7F) * 128 + (d as usize & 0x7F)] = true
                        }
                    }
                    if l.kind == EvasionKind::Pinyin {
                        for tone in b'1'..=b'5' {
                            latin_pairs[(c as usize & 0x7F) * 128 + tone as usize] = true;
                        }
                    }
                }
                let tone = if l.kind == EvasionKind::Pinyin {
                    "[1-5]?"
                } else {
                    ""
                };
                let words: Vec<String> = lower
                    .split(' ')
                    .map(|w| format!("{}{tone}", regex::escape(w)))
                    .collect();
                alternatives.push((lower.len(), words.join(LATIN_GAP), l.means.clone(), l.kind));
            }
        }
        alternatives.sort_by_key(|a| std::cmp::Reverse(a.0));
        let latin_re = (!alternatives.is_empty())
            .then(|| {
                let body: Vec<String> = alternatives.iter().map(|a| format!("({})", a.1)).collect();
                regex::Regex::new(&format!("^(?:{})", body.join("|"))).ok()
            })
            .flatten();
        let latin_groups = alternatives.into_iter().map(|a| (a.2, a.3)).collect();
        let mut look = Box::new([u64::MAX; LOOK_WORDS]);
        for (k, _) in han_flags.iter().enumerate().filter(|(_, &f)| f == 0) {
            let cp = HAN_FIRST as usize + k;
            look[cp / 64] &= !(1 << (cp % 64));
        }
        // Punctuation and symbols of three bytes pass as they are too (the
        // CJK stops, quotes, dashes), and need no look either.
        for cp in (0x800u32..0x10000).filter(|cp| !(HAN_FIRST..HAN_END).contains(cp)) {
            if char::from_u32(cp).is_some_and(crate::normalize::passes_as_is) {
                look[cp as usize / 64] &= !(1 << (cp % 64));
            }
        }
        let mut ascii_pass = [false; 256];
        for c in 0u8..0x80 {
            let letter_form = c.is_ascii_lowercase() && latin_first[usize::from(c)];
            ascii_pass[usize::from(c)] =
                crate::normalize::passes_as_is(char::from(c)) && !letter_form;
        }
        let mut full_width = [0u8; 0x80];
        for (k, slot) in full_width.iter_mut().enumerate() {
            *slot = char::from_u32(0xFF00 + k as u32)
                .and_then(crate::normalize::folds_to_punctuation)
                .unwrap_or(0);
        }
        CompiledForms {
            look,
            han_flags,
            variants,
            latin_first,
            ascii_pass,
            full_width,
            latin_pairs,
            latin_re,
            latin_groups,
        }
    }

    /// The shared compiled builtin table.
    pub(crate) fn builtin() -> std::sync::Arc<CompiledForms> {
        static COMPILED: OnceLock<std::sync::Arc<CompiledForms>> = OnceLock::new();
        COMPILED
            .get_or_init(|| std::sync::Arc::new(CompiledForms::new(&EvasionForms::builtin())))
            .clone()
    }

    /// Whether the character of three UTF-8 bytes `lead`, `b1`, `b2` needs
    /// a look: it is no Han character, or a traditional one, or it starts
    /// a variant form, or repeats. Read off the bytes, without decoding.
    #[inline(always)]
    pub(crate) fn needs_a_look(&self, lead: u8, b1: u8, b2: u8) -> bool {
        // The code point is (lead & 0x0F) << 12 | (b1 & 0x3F) << 6 | (b2 & 0x3F).
        let word = usize::from(lead & 0x0F) << 6 | usize::from(b1 & 0x3F);
        self.look[word] >> (b2 & 0x3F) & 1 == 1
    }

    #[inline]
    pub(crate) fn may_start_variant(&self, cp: u32) -> bool {
        (HAN_FIRST..HAN_END).contains(&cp)
            && self.han_flags[(cp - HAN_FIRST) as usize] & VARIANT_START != 0
    }

    #[inline]
    pub(crate) fn repeats(&self, c: char) -> bool {
        let cp = c as u32;
        (HAN_FIRST..HAN_END).contains(&cp)
            && self.han_flags[(cp - HAN_FIRST) as usize] & REPEATS != 0
    }

    pub(crate) fn variants_from(&self, first: char) -> &[CompiledVariant] {
        self.variants.get(&first).map_or(&[], Vec::as_slice)
    }

    /// Whether byte `b` is an ASCII character the normaliser passes as it
    /// is, unless it is a digit before a keycap mark.
    #[inline(always)]
    pub(crate) fn passes_ascii(&self, b: u8) -> bool {
        self.ascii_pass[usize::from(b)]
    }

    /// The ASCII punctuation full-width form U+FF00 + `offset` folds to,
    /// when that is all the normaliser does with it.
    #[inline(always)]
    pub(crate) fn full_width_punctuation(&self, offset: usize) -> Option<u8> {
        self.full_width.get(offset).copied().filter(|&b| b != 0)
    }

    #[inline]
    pub(crate) fn may_start_latin(&self, lower: u8) -> bool {
        self.latin_first[lower as usize & 0x7F]
    }

    #[inline]
    pub(crate) fn may_continue_latin(&self, first: u8, second: u8) -> bool {
        self.latin_pairs[(first as usize & 0x7F) * 128 + (second as usize & 0x7F)]
    }

    /// The Latin form at the start of `folded` (lower-case ASCII): its length
    /// in bytes, what it means and its kind.
    pub(crate) fn latin_at(&self, folded: &str) -> Option<(usize, &str, EvasionKind)> {
        let re = self.latin_re.as_ref()?;
        // A plain match first (a DFA); groups only for the rare hit.
        let m = re.find(folded)?;
        let caps = re.captures(&folded[..m.end()])?;
        let whole = caps.get(0)?;
        let group = (1..caps.len()).find(|&i| caps.get(i).is_some())?;
        let (means, kind) = self.latin_groups.get(group - 1)?;
        Some((whole.end(), means, *kind))
    }
}

/// The simplified form of a Han character, or the character itself.
#[inline]
pub(crate) fn simplify(c: char) -> char {
    let cp = c as u32;
    if (HAN_FIRST..HAN_END).contains(&cp) {
        let to = t2s_table()[(cp - HAN_FIRST) as usize];
        if to != 0 {
            return char::from_u32(to as u32).unwrap_or(c);
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowering_bits_are_the_kinds_that_lower() {
        for k in EvasionKind::ALL {
            assert_eq!(
                EvasionKind::LOWERING_BITS & k.bit() != 0,
                k.lowers_severity(),
                "{k}"
            );
            assert_eq!(EvasionKind::from_bits(k.bit()), [k]);
        }
    }

    #[test]
    fn the_builtin_table_loads_and_compiles() {
        let forms = EvasionForms::builtin();
        assert!(!forms.latin.is_empty() && !forms.variant.is_empty());
        let compiled = CompiledForms::new(&forms);
        assert_eq!(
            compiled.latin_at("zui4 hao3用"),
            Some(("zui4 hao3".len(), "最好", EvasionKind::Pinyin))
        );
        assert_eq!(
            compiled.latin_at("zuihaoyong"),
            Some((6, "最好", EvasionKind::Pinyin))
        );
        assert!(compiled.latin_at("zu hao").is_none());
    }
}
