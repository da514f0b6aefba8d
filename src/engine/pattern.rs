//! Regex rules, searched only where they can match. The dictionary pass
//! finds literals the pattern cannot match without:
//! - a pattern whose matches all start with one of a few literals (价格,
//!   年度, 100% …) is *anchored*: the regex runs from each occurrence;
//! - a pattern whose matches all contain one of a few rare literals (原价 in
//!   a reference-price pattern that starts with any number) is *windowed*:
//!   the regex runs over a short window around each occurrence;
//! - the rest run as one `RegexSet` pass that says which patterns occur at all.
//!
//! Which literals to use is a guess at how often they occur in speech: a
//! digit or a single common character is everywhere, two characters rarely.

use super::confirm::{self, Branch, Groups, Needs};
use super::dict::{Grouped, Use};
use super::ends::{CacheStack, Ends, EndsCache};
use super::pair_index::KeyHasher;
use regex::{Regex, RegexSet, RegexSetBuilder};
use regex_syntax::hir::literal::{ExtractKind, Extractor, Seq};
use regex_syntax::hir::{Class, Hir, HirKind, Look, LookSet};
use std::hash::BuildHasherDefault;
use std::ops::Range;
use std::sync::Arc;

use super::neighbours::{self, Neighbours};
use crate::ruleset::REGEX_SIZE_LIMIT;
use crate::scanner::floor_char_boundary;

/// More prefix literals than this and the dictionary is better off without them.
pub(super) const MAX_ANCHORS: usize = 256;

/// Anchor literals are cut to this many characters: shorter literals mean
/// fewer of them, and three CJK characters are rare enough to anchor on.
const ANCHOR_CHARS: usize = 3;

/// How far an anchored pattern may match from its literal, in bytes.
const ANCHORED_REACH: usize = 512;

/// In working out how far a match may reach from its literal, a repetition
/// without a bound (`[0-9]+`, `\s*`) counts as this many repetitions, and as
/// no more than `REPEAT_BYTES`: a longer number or run of spaces only
/// shortens the match that is reported.
const REPEAT_CAP: usize = 16;
const REPEAT_BYTES: usize = 64;

/// How far around a required literal a windowed pattern without a bound on
/// its length is searched at most, in bytes (about 85 CJK characters).
const UNBOUNDED_REACH: usize = 256;

/// Running a pattern over a window costs more than running it from an
/// anchor: a window's literals must be this many times rarer to be chosen.
const WINDOW_COST_FACTOR: f64 = 4.0;

/// Anchor literals this cheap (see [`cost`]) need no better alternative.
const GOOD_ENOUGH: f64 = 6.0;

/// More literals than this in a required set and it is not worth it.
pub(super) const MAX_REQUIRED: usize = 512;

/// How far, in bytes, a match may start before a literal occurrence's start
/// and end after its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Reach {
    pub(crate) before: usize,
    pub(crate) after: usize,
}

/// Where a placed pattern runs relative to its literals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placement {
    /// From each occurrence of a literal every match starts with.
    Anchored,
    /// Over a window around each occurrence of a literal every match contains.
    Windowed,
}

/// One rule's pattern, compiled for how it will be searched.
#[derive(Debug, Clone)]
pub(crate) enum RulePattern {
    /// Run only where one of `literals` occurs.
    Placed {
        placement: Placement,
        regex: Regex,
        literals: Vec<String>,
        /// How far a match may reach from its literal, in bytes.
        reach: Reach,
        /// How far the pattern must see for its end assertions.
        to_end: TextEnd,
        /// The branches of the pattern, each with the literals one of which
        /// every match of it contains besides those that place it.
        branches: Vec<Branch>,
        /// What may stand beside each literal in a match.
        sides: Vec<(String, Neighbours)>,
        /// For a windowed pattern, the rest of a match either side of each
        /// literal it keeps, shared by the scanners built from the rules.
        ends: Option<Arc<Ends>>,
    },
    /// Searched over the whole text.
    Free(Regex),
}

impl RulePattern {
    /// Compiles a normalised pattern for the cheapest search its literals allow.
    pub(crate) fn compile(pattern: &str) -> Result<RulePattern, String> {
        let build = crate::ruleset::compile;
        let hir = regex_syntax::Parser::new().parse(pattern).ok();
        let prefix = prefix_literals(pattern);
        let anchored_cost = prefix.as_ref().map_or(f64::INFINITY, |l| cost(l));
        // Rare prefixes are as good as it gets; looking further costs load time.
        let required = hir
            .as_ref()
            .filter(|_| anchored_cost > GOOD_ENOUGH)
            .and_then(windowed_literals);
        let window_cost = required
            .as_ref()
            .map_or(f64::INFINITY, |(l, _)| cost(&texts(l)) * WINDOW_COST_FACTOR);
        let longest = hir.as_ref().and_then(|h| h.properties().maximum_len());
        let branches = |placement| {
            hir.as_ref()
                .map_or_else(Vec::new, |h| confirm::branches(h, placement))
        };
        if let Some(literals) = prefix.filter(|_| anchored_cost <= window_cost) {
            let regex = build(&format!(r"\A(?:{pattern})"))?;
            // Read off the DFA once, when the rules load: scanners built
            // from them share the result.
            let sides = after_anchors(regex.as_str(), &literals);
            return Ok(RulePattern::Placed {
                placement: Placement::Anchored,
                regex,
                branches: branches(Placement::Anchored),
                literals,
                reach: Reach {
                    before: 0,
                    after: longest.unwrap_or(ANCHORED_REACH).clamp(1, ANCHORED_REACH),
                },
                to_end: ends_text(pattern),
                sides,
                ends: None,
            });
        }
        if let Some((lits, reach)) = required {
            let literals = texts(&lits);
            let sides = with_contexts(lits);
            // Built once, when the rules load, like the anchored patterns'
            // sides: scanners built from them share the DFAs.
            let kept = fewest(literals.clone(), implied(Placement::Windowed));
            let ends = Ends::new(&sides, &kept).map(Arc::new);
            return Ok(RulePattern::Placed {
                placement: Placement::Windowed,
                regex: build(pattern)?,
                branches: branches(Placement::Windowed),
                literals,
                reach,
                to_end: ends_text(pattern),
                sides,
                ends,
            });
        }
        Ok(RulePattern::Free(build(pattern)?))
    }
}

/// The characters that make up about a quarter of everyday Chinese text (the
/// head of any character frequency list): one of them is no rarer than a
/// digit.
const COMMONEST: &str = "的一是不了人我在有他这中大来上个们到说为子和你地出道也时年";

/// How often, roughly, one of `literals` turns up: each literal weighs by
/// its length, an ASCII character (a digit) most of all.
pub(super) fn cost(literals: &[String]) -> f64 {
    literals
        .iter()
        .map(|l| match l.chars().count() {
            0 => f64::INFINITY,
            1 if l.is_ascii() => 60.0,
            1 if COMMONEST.contains(l.as_str()) => 200.0,
            1 => 30.0,
            2 if l.is_ascii() => 6.0,
            2 => 1.0,
            _ => 0.25,
        })
        .sum()
}

/// Literals one of which every match of `hir` contains (see
/// [`required_literals`]), with how far a match reaches around one. A
/// pattern that is a sequence reaches before a literal only as far as the
/// parts before it (原价 in a reference-price pattern that starts with the
/// price: far before, little after), so its window is cut to fit.
fn windowed_literals(hir: &Hir) -> Option<(Vec<Lit<'_>>, Reach)> {
    let (literals, reach) = placed_around(hir, 0)?;
    // A pattern without a bound on its length was searched this far around
    // its literal before windows were fitted: never further.
    let limit = match hir.properties().maximum_len() {
        Some(_) => ANCHORED_REACH,
        None => UNBOUNDED_REACH,
    };
    let reach = Reach {
        before: reach.before.clamp(1, limit),
        after: reach.after.clamp(1, limit),
    };
    Some((literals, reach))
}

/// A literal one of which every match of a pattern contains, with what may
/// stand beside it in such a match.
#[derive(Debug, Clone)]
pub(super) struct Lit<'h> {
    text: String,
    sides: Neighbours,
    /// The parts a match has right before the literal, in order, where
    /// known (see [`Neighbours::leading`]); borrowed until one is chosen.
    leading: Option<Vec<&'h Hir>>,
    /// The parts a match has right after it, likewise.
    trailing: Option<Vec<&'h Hir>>,
}

impl Lit<'_> {
    /// Nothing stands beside this literal within the part it is all of.
    fn whole(mut self) -> Self {
        self.leading = Some(Vec::new());
        self.trailing = Some(Vec::new());
        self
    }
}

/// The distinct texts of `lits`, sorted.
pub(super) fn texts(lits: &[Lit<'_>]) -> Vec<String> {
    let set: std::collections::BTreeSet<&str> = lits.iter().map(|l| l.text.as_str()).collect();
    set.into_iter().map(String::from).collect()
}

/// Each literal with its sides, the parts around it made one regex each;
/// literals beside the same parts share them.
fn with_contexts(lits: Vec<Lit<'_>>) -> Vec<(String, Neighbours)> {
    let mut made: Vec<(Vec<*const Hir>, Arc<Hir>)> = Vec::new();
    let mut make = |parts: Option<Vec<&Hir>>| {
        let parts = parts?;
        let key: Vec<*const Hir> = parts.iter().map(|&h| h as *const Hir).collect();
        if let Some((_, hir)) = made.iter().find(|(k, _)| *k == key) {
            return Some(Arc::clone(hir));
        }
        let hir = Arc::new(Hir::concat(parts.into_iter().cloned().collect()));
        made.push((key, Arc::clone(&hir)));
        Some(hir)
    };
    lits.into_iter()
        .map(|l| {
            let mut sides = l.sides;
            sides.leading = make(l.leading);
            sides.trailing = make(l.trailing);
            (l.text, sides)
        })
        .collect()
}

/// Literals with nothing known of their sides.
fn unconstrained<'h>(literals: Vec<String>) -> Vec<Lit<'h>> {
    literals
        .into_iter()
        .map(|text| Lit {
            text,
            sides: Neighbours::any(),
            leading: None,
            trailing: None,
        })
        .collect()
}

/// [`windowed_literals`] before its limits: the union over the branches of
/// an alternation; for a sequence, any part's literals or the literals that
/// start any tail of it, whichever occur least (the narrower window on a
/// tie).
pub(super) fn placed_around<'h>(hir: &'h Hir, depth: usize) -> Option<(Vec<Lit<'h>>, Reach)> {
    let around = |literals: Vec<Lit<'h>>, before: usize, after: usize| {
        let shortest = literals.iter().map(|l| l.text.len()).min().unwrap_or(0);
        let reach = Reach {
            before: before.saturating_sub(shortest),
            after: after.saturating_sub(shortest),
        };
        (literals, reach)
    };
    // Rule patterns nest a few levels; a deeply nested one runs free.
    if depth > 32 {
        return None;
    }
    match hir.kind() {
        HirKind::Capture(cap) => placed_around(&cap.sub, depth + 1),
        HirKind::Alternation(subs) => {
            let mut all: Vec<Lit> = Vec::new();
            let mut distinct = std::collections::BTreeSet::new();
            let mut reach = Reach {
                before: 0,
                after: 0,
            };
            for sub in subs {
                let (literals, r) = placed_around(sub, depth + 1)?;
                distinct.extend(literals.iter().map(|l| l.text.clone()));
                if distinct.len() > MAX_REQUIRED {
                    return None;
                }
                all.extend(literals);
                reach.before = reach.before.max(r.before);
                reach.after = reach.after.max(r.after);
            }
            Some((all, reach))
        }
        HirKind::Concat(subs) => {
            let lens: Vec<usize> = subs.iter().map(capped_len).collect();
            let sum = |parts: &[usize]| parts.iter().fold(0, |a: usize, &b| a.saturating_add(b));
            let mut options = Vec::new();
            for (i, sub) in subs.iter().enumerate() {
                // A part's own literals: the part may run on either side of one.
                if let Some(mut l) = part_literals(sub, depth + 1) {
                    // A part that is nothing but its literals has the parts
                    // around it beside each one.
                    if neighbours::is_literal_set(sub) {
                        let sides = neighbours::around_part(subs, i);
                        for l in l.iter_mut() {
                            l.sides = sides.clone();
                            l.leading = Some(subs[..i].iter().collect());
                            l.trailing = Some(subs[i + 1..].iter().collect());
                        }
                    } else {
                        // What stands beside one inside the part has the
                        // parts around the part beside it in turn.
                        for l in l.iter_mut() {
                            l.leading = l
                                .leading
                                .take()
                                .map(|inner| subs[..i].iter().chain(inner).collect());
                            l.trailing = l
                                .trailing
                                .take()
                                .map(|inner| inner.into_iter().chain(&subs[i + 1..]).collect());
                        }
                    }
                    options.push(around(l, sum(&lens[..=i]), sum(&lens[i..])));
                }
                // The literals that start the rest of the sequence (胃癌|肺癌
                // from (?:胃|肺)癌): nothing of the rest comes before one.
                if depth < 2 && starts_literally(sub) {
                    let rest = Hir::concat(subs[i..].to_vec());
                    if let Some(l) = starting_literals(&rest, MAX_REQUIRED) {
                        let shortest = l.iter().map(String::len).min().unwrap_or(0);
                        // A literal that is the whole of this part has the
                        // next parts after it; of a longer one only what
                        // stands before it is known.
                        let whole = neighbours::around_part(subs, i);
                        let own = neighbours::is_literal_set(sub)
                            .then(|| required_literals(sub, depth + 1))
                            .flatten()
                            .unwrap_or_default();
                        let l = l
                            .into_iter()
                            .map(|text| {
                                let mut sides = whole.clone();
                                // A literal cut short of its part may go
                                // on in it.
                                let longer =
                                    |o: &String| o.len() > text.len() && o.starts_with(&text);
                                let cut = !own.contains(&text) || own.iter().any(longer);
                                if cut {
                                    sides.after = None;
                                }
                                Lit {
                                    text,
                                    sides,
                                    leading: Some(subs[..i].iter().collect()),
                                    trailing: (!cut).then(|| subs[i + 1..].iter().collect()),
                                }
                            })
                            .collect();
                        options.push(around(l, sum(&lens[..i]) + shortest, sum(&lens[i..])));
                    }
                }
            }
            options.into_iter().min_by(|(a, ra), (b, rb)| {
                cost(&texts(a))
                    .total_cmp(&cost(&texts(b)))
                    .then((ra.before + ra.after).cmp(&(rb.before + rb.after)))
            })
        }
        _ => {
            let len = capped_len(hir);
            let mut l = unconstrained(required_literals(hir, depth)?);
            // A literal that is the whole match has nothing beside it here.
            if neighbours::is_literal_set(hir) {
                l = l.into_iter().map(Lit::whole).collect();
            }
            Some(around(l, len, len))
        }
    }
}

/// The literals one of which every match of a part of a sequence contains,
/// with their sides inside the part where known. A repetition may repeat
/// what stands beside a literal, so its literals' sides are unknown.
fn part_literals(hir: &Hir, depth: usize) -> Option<Vec<Lit<'_>>> {
    match hir.kind() {
        HirKind::Capture(_) | HirKind::Alternation(_) | HirKind::Concat(_) => {
            placed_around(hir, depth).map(|(literals, _)| literals)
        }
        _ => required_literals(hir, depth).map(unconstrained),
    }
}

/// The longest match of `hir` in bytes, counting a repetition without a
/// bound as [`REPEAT_CAP`] repetitions or [`REPEAT_BYTES`], whichever is less.
fn capped_len(hir: &Hir) -> usize {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => 0,
        HirKind::Literal(lit) => lit.0.len(),
        HirKind::Class(Class::Unicode(c)) => c.maximum_len().unwrap_or(4),
        HirKind::Class(Class::Bytes(_)) => 1,
        HirKind::Repetition(rep) => match rep.max {
            Some(times) => (times as usize).saturating_mul(capped_len(&rep.sub)),
            None => REPEAT_CAP
                .saturating_mul(capped_len(&rep.sub))
                .min(REPEAT_BYTES),
        },
        HirKind::Capture(cap) => capped_len(&cap.sub),
        HirKind::Concat(subs) => subs.iter().map(capped_len).fold(0, usize::saturating_add),
        HirKind::Alternation(subs) => subs.iter().map(capped_len).max().unwrap_or(0),
    }
}

/// Literals one of which every match of `hir` contains, choosing the set
/// that occurs least (see [`cost`]); `None` when there is no small such set.
pub(super) fn required_literals(hir: &Hir, depth: usize) -> Option<Vec<String>> {
    // Rule patterns nest a few levels; a deeply nested one runs free.
    if depth > 32 {
        return None;
    }
    match hir.kind() {
        HirKind::Literal(lit) => {
            let s = std::str::from_utf8(&lit.0).ok()?;
            Some(vec![s.to_string()])
        }
        HirKind::Class(Class::Unicode(class)) => {
            let chars: Vec<String> = class
                .iter()
                .flat_map(|r| r.start()..=r.end())
                .take(9)
                .map(String::from)
                .collect();
            (chars.len() <= 8).then_some(chars)
        }
        HirKind::Repetition(rep) if rep.min >= 1 => required_literals(&rep.sub, depth + 1),
        // Groups, alternatives and sequences: the same choice as for a
        // window, without its reach.
        HirKind::Capture(_) | HirKind::Alternation(_) | HirKind::Concat(_) => {
            placed_around(hir, depth).map(|(literals, _)| texts(&literals))
        }
        _ => None,
    }
}

/// True when `hir` is a literal, or a class or alternation of literals.
fn starts_literally(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Literal(_) => true,
        HirKind::Class(Class::Unicode(c)) => c.ranges().len() <= 64,
        HirKind::Alternation(subs) => subs
            .iter()
            .all(|s| matches!(s.kind(), HirKind::Literal(_) | HirKind::Concat(_))),
        HirKind::Capture(cap) => starts_literally(&cap.sub),
        _ => false,
    }
}

/// The literals every match of `hir` starts with, cut to a few characters
/// (any prefix of a prefix literal is one too), if there are at most `max`
/// and none is empty.
pub(super) fn starting_literals(hir: &Hir, max: usize) -> Option<Vec<String>> {
    // Generous limits: a list of sixteen verbs is a class to the extractor,
    // and past its total it keeps only each literal's first bytes (一 of
    // 一用就), which occur everywhere. Cutting to whole characters is ours.
    extracted(hir, ExtractKind::Prefix, max)
}

/// The literals every match of `hir` ends with, cut to their last few
/// characters, if there are few and none is empty.
pub(super) fn ending_literals(hir: &Hir) -> Option<Vec<String>> {
    extracted(hir, ExtractKind::Suffix, MAX_REQUIRED)
}

/// The prefix or suffix literals of `hir`, each cut to its first (prefix) or
/// last (suffix) `ANCHOR_CHARS` whole characters, fewer when that leaves
/// more than `max`; `None` when there is no finite, non-empty set.
fn extracted(hir: &Hir, kind: ExtractKind, max: usize) -> Option<Vec<String>> {
    let prefix = matches!(kind, ExtractKind::Prefix);
    let seq: Seq = Extractor::new()
        .kind(kind)
        .limit_class(24)
        .limit_total(1 << 12)
        .extract(hir);
    let literals = seq.literals()?;
    for chars in (1..=ANCHOR_CHARS).rev() {
        let mut out = std::collections::BTreeSet::new();
        for lit in literals {
            let bytes = lit.as_bytes();
            // The extractor may cut a literal inside a character: at its end
            // for prefixes, at its start for suffixes.
            let whole = if prefix {
                whole_chars(bytes)?
            } else {
                (0..=bytes.len().min(3)).find_map(|k| std::str::from_utf8(&bytes[k..]).ok())?
            };
            let n = whole.chars().count();
            let skip = if prefix { 0 } else { n.saturating_sub(chars) };
            let short: String = whole.chars().skip(skip).take(chars).collect();
            if short.is_empty() {
                return None;
            }
            out.insert(short);
        }
        if out.len() <= max {
            return (!out.is_empty()).then(|| out.into_iter().collect());
        }
    }
    None
}

/// The longest prefix of `bytes` made of whole UTF-8 characters (the
/// extractor may cut a literal inside one).
fn whole_chars(bytes: &[u8]) -> Option<&str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Some(s),
        Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).ok(),
    }
}

/// One anchored or windowed pattern, ready to run.
#[derive(Debug, Clone)]
pub(crate) struct Search {
    rule: u32,
    regex: Regex,
    /// How far a match may reach around its literal, in bytes.
    reach: Reach,
    /// How far the pattern must see for its end assertions.
    to_end: TextEnd,
    /// What a run through each of its literals needs to find in reach.
    needs: Needs,
    /// What may stand beside each literal in a match (after it, for an
    /// anchored pattern); a literal not listed may have anything beside it.
    sides: std::collections::HashMap<Box<str>, Neighbours, BuildHasherDefault<KeyHasher>>,
    /// The rest of a match either side of each literal, for windowed patterns.
    ends: Option<Arc<Ends>>,
}

impl Search {
    fn new(
        rule: u32,
        regex: Regex,
        reach: Reach,
        to_end: TextEnd,
        needs: Needs,
        sides: Vec<(String, Neighbours)>,
        ends: Option<Arc<Ends>>,
    ) -> Search {
        Search {
            rule,
            regex,
            reach,
            to_end,
            needs,
            ends,
            sides: sides
                .into_iter()
                .filter(|(_, n)| n.before.is_some() || n.after.is_some())
                .map(|(l, n)| (l.into_boxed_str(), n))
                .collect(),
        }
    }

    /// The window a windowed pattern is searched over around the literal
    /// at `literal`: its reach either side (or as far as its end
    /// assertions must see), widened to char boundaries and past an ASCII
    /// word it would cut.
    fn window(&self, text: &str, literal: &Range<usize>) -> Range<usize> {
        let bytes = text.as_bytes();
        let start = floor_char_boundary(text, literal.start.saturating_sub(self.reach.before));
        let mut end = self
            .to_end
            .stretch(text, literal.end + self.reach.after)
            .min(text.len());
        while end < text.len()
            && (!text.is_char_boundary(end) || bytes[end].is_ascii_alphanumeric())
        {
            end += 1;
        }
        start..end
    }

    /// Runs this anchored pattern over `span`; where its match ends.
    fn run(&self, text: &str, span: Range<usize>) -> Option<usize> {
        let start = span.start;
        self.regex
            .find(&text[span])
            .filter(|m| !m.is_empty())
            .map(|m| start + m.end())
    }

    /// Where a run of this anchored pattern from `start` stops: its reach,
    /// or where its end assertions can be seen.
    fn end_of_run(&self, text: &str, start: usize) -> usize {
        let reach = self.to_end.stretch(text, start + self.reach.after);
        floor_char_boundary(text, reach)
    }

    /// False when no match can run through the literal occurrence at
    /// `range`: what stands beside it cannot stand there in a match.
    fn may_match_through(&self, text: &str, range: &Range<usize>) -> bool {
        self.sides.is_empty()
            || self
                .sides
                .get(&text[range.clone()])
                .is_none_or(|n| n.allow(text, range))
    }
}

/// The compiled pattern rules.
#[derive(Debug, Clone, Default)]
pub(crate) struct Patterns {
    /// Patterns run from each occurrence of one of their literals.
    anchored: Vec<Search>,
    /// Patterns run over a window around each occurrence of one of their literals.
    windowed: Vec<Search>,
    /// Patterns without usable literals, searched over the whole text.
    set: Option<RegexSet>,
    free: Vec<(u32, Regex)>,
    /// The caches of the windowed patterns' [`Ends`], by pattern.
    ends_caches: CacheStack<Vec<Option<EndsCache>>>,
}

/// Literals the dictionary pass must find for the patterns, each list with
/// what it is to them: the anchors or windows of a pattern (numbered among
/// the anchored or the windowed ones, as [`Patterns::find_anchored`] and
/// [`Patterns::find_windowed`] take them), or a confirming set (numbered
/// among the sets of its placement).
pub(crate) type Lookups = Vec<(Use, Vec<String>)>;

/// The assertions an anchored pattern may use: the end of the text.
fn end_of_text() -> LookSet {
    LookSet::singleton(Look::End)
        .insert(Look::EndLF)
        .insert(Look::EndCRLF)
}

/// How far past its reach a placed pattern must see for its end
/// assertions to hold where they hold in the whole text: the search stops
/// short of the text's end, and `$` would match there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextEnd {
    /// No end assertion: the reach is enough.
    Unasserted,
    /// Only `(?m:$)`: to the next line feed, where it holds.
    Line,
    /// `$` or `\z` (or CRLF mode): to the end of the text.
    Text,
}

impl TextEnd {
    /// The end of a slice that should stop at `end`.
    fn stretch(self, text: &str, end: usize) -> usize {
        match self {
            TextEnd::Unasserted => end,
            TextEnd::Line => text
                .as_bytes()
                .get(end..)
                .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
                .map_or(text.len(), |at| end + at),
            TextEnd::Text => text.len(),
        }
    }
}

/// Which end assertions the pattern makes.
fn ends_text(pattern: &str) -> TextEnd {
    let Ok(hir) = regex_syntax::Parser::new().parse(pattern) else {
        return TextEnd::Unasserted;
    };
    let looks = hir.properties().look_set();
    if looks.contains(Look::End) || looks.contains(Look::EndCRLF) {
        TextEnd::Text
    } else if looks.contains(Look::EndLF) {
        TextEnd::Line
    } else {
        TextEnd::Unasserted
    }
}

/// The literals every match of `re` starts with, if they are few and none is empty.
fn prefix_literals(pattern: &str) -> Option<Vec<String>> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    // Assertions (^, \b) would see the slice an anchored pattern runs on,
    // not the text: such patterns run over the whole text instead. `$` is
    // fine, as long as the slice runs to the end of the text (`ends_text`).
    if !hir
        .properties()
        .look_set()
        .subtract(end_of_text())
        .is_empty()
    {
        return None;
    }
    starting_literals(&hir, MAX_ANCHORS)
}

impl Patterns {
    /// `rules` pairs a rule index with its compiled pattern. Returns the
    /// patterns and the literals to add to the dictionary.
    pub(crate) fn new(rules: Vec<(u32, RulePattern)>) -> (Patterns, Lookups) {
        let mut patterns = Patterns::default();
        let mut lookups = Lookups::new();
        let mut anchor_sets = Groups::default();
        let mut window_sets = Groups::default();
        for (rule, pattern) in rules {
            match pattern {
                RulePattern::Placed {
                    placement,
                    regex,
                    literals,
                    reach,
                    to_end,
                    branches,
                    sides,
                    ends,
                } => {
                    let (list, sets) = match placement {
                        Placement::Anchored => (&mut patterns.anchored, &mut anchor_sets),
                        Placement::Windowed => (&mut patterns.windowed, &mut window_sets),
                    };
                    let kept = fewest(literals, implied(placement));
                    let sides = match placement {
                        Placement::Windowed => neighbours::for_kept(&sides, &kept),
                        // Every kept literal is one of the literals, each
                        // listed with what may follow it.
                        Placement::Anchored => sides
                            .into_iter()
                            .filter(|(l, _)| kept.contains(l))
                            .collect(),
                    };
                    let needs = Needs::new(&kept, &branches, placement, sets);
                    list.push(Search::new(rule, regex, reach, to_end, needs, sides, ends));
                    let index = list.len() as u32 - 1;
                    let what = match placement {
                        Placement::Anchored => Use::Anchor(index),
                        Placement::Windowed => Use::Window(index),
                    };
                    lookups.push((what, kept));
                }
                RulePattern::Free(regex) => patterns.free.push((rule, regex)),
            }
        }
        if !patterns.free.is_empty() {
            patterns.set = RegexSetBuilder::new(patterns.free.iter().map(|(_, r)| r.as_str()))
                .size_limit(REGEX_SIZE_LIMIT * 8)
                .dfa_size_limit(REGEX_SIZE_LIMIT * 8)
                .build()
                .ok();
        }
        lookups.extend(
            (anchor_sets.new.into_iter())
                .map(|(set, literals)| (Use::AnchorConfirm(set), literals)),
        );
        lookups.extend(
            (window_sets.new.into_iter())
                .map(|(set, literals)| (Use::WindowConfirm(set), literals)),
        );
        (patterns, lookups)
    }

    /// The same patterns, every run going ahead without confirming.
    #[cfg(test)]
    pub(crate) fn without_confirming(mut self) -> Patterns {
        for search in self.anchored.iter_mut().chain(self.windowed.iter_mut()) {
            search.needs = Needs::default();
        }
        self
    }

    /// Calls `found(rule, start, end)` for every match of an anchored
    /// pattern at one of its literals. `hits` pairs an anchored pattern
    /// with where one of its literals occurs, grouped by pattern, each
    /// group in order of start.
    pub(crate) fn find_anchored(
        &self,
        text: &str,
        hits: &Grouped,
        confirms: &Grouped,
        mut found: impl FnMut(u32, usize, usize),
    ) {
        for (pattern, group) in hits.groups() {
            let Some(search) = self.anchored.get(pattern as usize) else {
                continue;
            };
            // Literals of one pattern may share a start (年度, 年度最): run it
            // once there, if a match may start with one of them.
            for run in group.chunk_by(|a, b| a.1.start == b.1.start) {
                let start = run[0].1.start;
                let end = search.end_of_run(text, start);
                if !run.iter().any(|(_, literal)| {
                    search.may_match_through(text, literal)
                        && search.needs.met(text, literal, &(start..end), confirms)
                }) {
                    continue;
                }
                if let Some(m) = search.run(text, start..end) {
                    found(search.rule, start, m);
                }
            }
        }
    }

    /// False when no match of anchored pattern `pattern` can start with the
    /// occurrence of its literal at `literal`: the character after it
    /// cannot follow it in a match.
    #[cfg(test)]
    fn may_start_with(&self, text: &str, pattern: u32, literal: &Range<usize>) -> bool {
        self.anchored
            .get(pattern as usize)
            .is_none_or(|search| search.may_match_through(text, literal))
    }

    /// Runs anchored pattern `pattern` at byte `start` of `text`; returns its
    /// rule and the match end.
    #[cfg(test)]
    fn find_at(&self, text: &str, pattern: u32, start: usize) -> Option<(u32, usize)> {
        let search = self.anchored.get(pattern as usize)?;
        let end = search.end_of_run(text, start);
        search.run(text, start..end).map(|m| (search.rule, m))
    }

    /// Calls `found(rule, start, end)` for every match of a windowed pattern
    /// near one of its literals. `hits` pairs a windowed pattern with where
    /// one of its literals occurs, grouped by pattern, each group in order
    /// of start.
    pub(crate) fn find_windowed(
        &self,
        text: &str,
        hits: &Grouped,
        confirms: &Grouped,
        mut found: impl FnMut(u32, usize, usize),
    ) {
        let mut caches = self.ends_caches.take(|| {
            let create = |s: &Search| s.ends.as_deref().map(Ends::create_cache);
            self.windowed.iter().map(create).collect()
        });
        let mut spans: Vec<Range<usize>> = Vec::new();
        for (pattern, group) in hits.groups() {
            let Some(search) = self.windowed.get(pattern as usize) else {
                continue;
            };
            let mut cache = caches.get_mut(pattern as usize).and_then(Option::as_mut);
            let mut ends_fit = |r: &Range<usize>, w: &Range<usize>| match (
                search.ends.as_deref(),
                cache.as_deref_mut(),
            ) {
                (Some(ends), Some(cache)) => ends.fit(cache, text, r, w),
                _ => true,
            };
            let windows = group
                .iter()
                .filter(|(_, r)| search.may_match_through(text, r))
                .map(|(_, r)| (r, search.window(text, r)))
                .filter(|(r, w)| search.needs.met(text, r, w, confirms))
                .filter(|(r, w)| ends_fit(r, w))
                .map(|(_, w)| w);
            // Overlapping windows of one pattern merge, so no match is seen
            // twice. All are checked before any runs: the checks' DFAs and
            // the pattern's own stay in cache through their turn.
            spans.clear();
            for w in windows {
                match spans.last_mut() {
                    Some(current) if w.start <= current.end => current.end = current.end.max(w.end),
                    _ => spans.push(w),
                }
            }
            for w in spans.drain(..) {
                search_window(text, search, w, |s, e| found(search.rule, s, e));
            }
        }
        self.ends_caches.put(caches);
    }

    /// Calls `found(rule, start, end)` for every match of the patterns that
    /// have no anchors.
    pub(crate) fn find_free(&self, text: &str, mut found: impl FnMut(u32, usize, usize)) {
        let mut run = |rule: u32, re: &Regex| {
            for m in re.find_iter(text) {
                if !m.is_empty() {
                    found(rule, m.start(), m.end());
                }
            }
        };
        match &self.set {
            Some(set) => {
                for i in set.matches(text).iter() {
                    let (rule, re) = &self.free[i];
                    run(*rule, re);
                }
            }
            // The set outgrew its size limit: run each pattern on its own.
            None => {
                for (rule, re) in &self.free {
                    run(*rule, re);
                }
            }
        }
    }
}

/// What may follow each anchor literal of the anchored regex `pattern`
/// (which starts with `\A`) in a match; nothing where the DFA cannot be
/// built.
fn after_anchors(pattern: &str, literals: &[String]) -> Vec<(String, Neighbours)> {
    let Ok(dfa) = regex_automata::hybrid::dfa::DFA::new(pattern) else {
        return Vec::new();
    };
    let mut cache = dfa.create_cache();
    literals
        .iter()
        .map(|l| {
            let after = neighbours::after_prefix(&dfa, &mut cache, l);
            (
                l.clone(),
                Neighbours {
                    after,
                    ..Neighbours::any()
                },
            )
        })
        .collect()
}

/// Whether a literal that another literal finds adds nothing: 专柜价 starts
/// with (or, in a window, contains) 专柜.
fn implied(placement: Placement) -> fn(&str, &str) -> bool {
    match placement {
        Placement::Anchored => |l, o| l.starts_with(o),
        Placement::Windowed => |l, o| l.contains(o),
    }
}

/// Drops each literal that `implied(literal, other)` says another literal
/// already finds (专柜价 starts with 专柜): fewer dictionary hits, same windows.
pub(super) fn fewest(literals: Vec<String>, implied: impl Fn(&str, &str) -> bool) -> Vec<String> {
    literals
        .iter()
        .filter(|l| {
            !literals
                .iter()
                .any(|other| other.len() < l.len() && implied(l, other))
        })
        .cloned()
        .collect()
}

/// Runs the regex of `search` over `window` of `text` (see
/// [`Search::window`]); assertions (`^`, `\b`) still see the text before it.
fn search_window(
    text: &str,
    search: &Search,
    Range { start, end }: Range<usize>,
    mut found: impl FnMut(usize, usize),
) {
    let re = &search.regex;
    let haystack = &text[..end];
    let mut at = start;
    while let Some(m) = re.find_at(haystack, at) {
        if m.is_empty() {
            // Rules cannot match nothing; step past it all the same.
            match haystack[m.end()..].chars().next() {
                Some(c) => at = m.end() + c.len_utf8(),
                None => break,
            }
            continue;
        }
        found(m.start(), m.end());
        at = m.end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_prefixes_anchor_patterns() {
        let re = Regex::new("(?:年度|全年)最(?:大|强)的?(?:力度|优惠)|最大力度").unwrap();
        let lits = prefix_literals(re.as_str()).unwrap();
        assert!(lits.iter().all(|l| l.chars().count() <= ANCHOR_CHARS));
        for text in ["年度最大的力度", "全年最强优惠", "最大力度"] {
            assert!(re.is_match(text));
            assert!(
                lits.iter().any(|l| text.starts_with(l.as_str())),
                "{text} has no anchor in {lits:?}"
            );
        }
    }

    #[test]
    fn patterns_without_literal_prefixes_run_free() {
        assert!(prefix_literals(r"\p{Han}+价").is_none());
    }

    #[test]
    fn patterns_with_start_assertions_run_free() {
        for p in [r"^价格最低", r"\bsale", r"(?m)^最好"] {
            assert!(prefix_literals(p).is_none(), "{p}");
        }
    }

    #[test]
    fn patterns_asserting_the_end_are_anchored_and_see_the_end() {
        let p = RulePattern::compile("都在抢(?:[^劫]|$)").unwrap();
        let RulePattern::Placed {
            placement: Placement::Anchored,
            to_end,
            ..
        } = &p
        else {
            panic!("not anchored: {p:?}");
        };
        assert_eq!(*to_end, TextEnd::Text);
        let (patterns, _) = Patterns::new(vec![(7, p)]);
        let text = format!("大家都在抢{}", "x".repeat(600));
        assert_eq!(
            patterns.find_at(&text, 0, 6),
            Some((7, 6 + "都在抢x".len()))
        );
        let text = "大家都在抢";
        assert_eq!(patterns.find_at(text, 0, 6), Some((7, text.len())));
        assert_eq!(patterns.find_at("大家都在抢劫", 0, 6), None);
    }

    #[test]
    fn line_ends_are_seen_at_the_next_line_feed_only() {
        assert_eq!(ends_text("最后一单(?:了|(?m:$))"), TextEnd::Line);
        assert_eq!(ends_text("最后一单$"), TextEnd::Text);
        assert_eq!(ends_text("(?Rm)最后一单$"), TextEnd::Text);
        assert_eq!(ends_text("最后一单"), TextEnd::Unasserted);
        let text = "最后一单\n还有很多很多很多很多很多很多";
        assert_eq!(TextEnd::Line.stretch(text, 3), "最后一单".len());
        assert_eq!(TextEnd::Line.stretch(text, 20), text.len());
        assert_eq!(TextEnd::Text.stretch(text, 3), text.len());
        assert_eq!(TextEnd::Unasserted.stretch(text, 3), 3);
        // The anchored search sees the line end, not the end of its slice.
        let p = RulePattern::compile("最后一单(?:了|(?m:$))").unwrap();
        let (patterns, _) = Patterns::new(vec![(2, p)]);
        assert_eq!(patterns.find_at(text, 0, 0), Some((2, "最后一单".len())));
        let long = format!("最后一单{}", "还".repeat(300));
        assert_eq!(patterns.find_at(&long, 0, 0), None);
    }

    /// A pattern compiled as the only one of its rule, with the literals
    /// that place it and those that confirm its runs.
    struct Placed {
        literals: Vec<String>,
        patterns: Patterns,
        /// Each confirming set with its number.
        confirming: Vec<(u32, Vec<String>)>,
    }

    /// `pattern`, which must compile to `placement`, as the only pattern
    /// (of rule `rule`).
    fn placed(pattern: &str, placement: Placement, rule: u32) -> Placed {
        let p = RulePattern::compile(pattern).unwrap();
        let literals = match &p {
            RulePattern::Placed {
                placement: got,
                literals,
                ..
            } if *got == placement => literals.clone(),
            _ => panic!("not {placement:?}: {p:?}"),
        };
        let (patterns, lookups) = Patterns::new(vec![(rule, p)]);
        let confirming = lookups
            .into_iter()
            .filter_map(|(what, literals)| match what {
                Use::AnchorConfirm(set) | Use::WindowConfirm(set) => Some((set, literals)),
                _ => None,
            })
            .collect();
        Placed {
            literals,
            patterns,
            confirming,
        }
    }

    fn windowed(pattern: &str) -> Placed {
        placed(pattern, Placement::Windowed, 3)
    }

    /// Every occurrence in `text` of each of `literals`, under `key`.
    fn occurrences<'l>(
        text: &str,
        literals: impl IntoIterator<Item = (u32, &'l String)>,
    ) -> Grouped {
        let mut hits: Vec<(u32, Range<usize>)> = literals
            .into_iter()
            .flat_map(|(key, l)| {
                text.match_indices(l.as_str())
                    .map(move |(i, m)| (key, i..i + m.len()))
            })
            .collect();
        hits.sort_by_key(|(_, r)| (r.start, r.end));
        Grouped::new(hits)
    }

    /// Runs windowed pattern 0 of `placed` (or `patterns` in its place)
    /// around every occurrence of its literals, as the scanner does.
    fn search_with(placed: &Placed, patterns: &Patterns, text: &str) -> Vec<(u32, usize, usize)> {
        let hits = occurrences(text, placed.literals.iter().map(|l| (0, l)));
        let confirms = occurrences(
            text,
            placed
                .confirming
                .iter()
                .flat_map(|(set, literals)| literals.iter().map(move |l| (*set, l))),
        );
        let mut found = Vec::new();
        patterns.find_windowed(text, &hits, &confirms, |r, s, e| found.push((r, s, e)));
        found
    }

    fn search(placed: &Placed, text: &str) -> Vec<(u32, usize, usize)> {
        search_with(placed, &placed.patterns, text)
    }

    /// A claim of users in numbers: a number before 万 or 千, a word for
    /// people after it.
    const USERS: &str = "(?:[0-9]+|[一二三])\\s*(?:万|千)(?:人|用户)(?:都在用|推荐)|服务(?:了)?(?:[0-9]+|[一二三])(?:万|千)(?:家庭|人)";

    #[test]
    fn literals_with_nothing_fitting_beside_them_are_not_searched_around() {
        let placed = windowed(USERS);
        let search = &placed.patterns.windowed[0];
        let at = |text: &str, lit: &str| {
            let i = text.find(lit).unwrap();
            search.may_match_through(text, &(i..i + lit.len()))
        };
        // The rarest literals: words for people after 万 or 千, and 服务.
        assert!(at("3万人推荐", "人推荐"));
        assert!(at("三千用户都在用", "用户都"));
        assert!(!at("好人推荐", "人推荐"));
        assert!(!at("人推荐", "人推荐"));
        assert!(at("服务了3万家庭", "服务"));
        assert!(at("服务3万人", "服务"));
        assert!(!at("服务好", "服务"));
        assert!(!at("贴心服务", "服务"));
    }

    proptest::proptest! {
        /// Skipping literals whose neighbours cannot be part of a match
        /// finds the same matches as searching around every literal.
        #[test]
        fn skipping_literals_by_their_neighbours_loses_no_match(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "3", "12", "三", " ", "万", "千", "人", "用户", "都在用", "推荐",
                    "服务", "了", "家庭", "能", "3万人推荐", "服务了3万家庭",
                    "三千用户都在用", "服务一千人",
                ]),
                0..24,
            )
        ) {
            let text: String = words.concat();
            let placed = windowed(USERS);
            let mut unfiltered = placed.patterns.clone();
            unfiltered.windowed[0].sides.clear();
            unfiltered.windowed[0].needs = Needs::default();
            unfiltered.windowed[0].ends = None;
            proptest::prop_assert_eq!(
                search(&placed, &text),
                search_with(&placed, &unfiltered, &text)
            );
        }
    }

    /// Travel times and user shares: one literal (分钟) in several places,
    /// one (选择) inside a sequence inside an alternation.
    const TRAVEL: &str = "(?:距|距离)\\p{Han}{0,3}?(?:地铁|商场)(?:只需|约)*[0-9三]+(?:个)?(?:分钟|小时)|[0-9三]+(?:分钟|小时)(?:即可)?(?:直达|抵达)|[0-9]+%的?(?:用户|人)都?(?:选择了?|推荐)";

    #[test]
    fn windows_are_not_searched_where_the_rest_of_a_match_cannot_stand() {
        let placed = windowed(TRAVEL);
        let search = &placed.patterns.windowed[0];
        let ends = search
            .ends
            .as_ref()
            .expect("the sides of its literals are known");
        let mut cache = ends.create_cache();
        let mut fits = |text: &str, lit: &str| {
            let i = text.find(lit).unwrap();
            let literal = i..i + lit.len();
            ends.fit(&mut cache, text, &literal, &search.window(text, &literal))
        };
        assert!(fits("距离地铁约5分钟", "地铁"));
        assert!(fits("5分钟直达", "分钟直"));
        assert!(fits("50%的用户都选择了", "%的用"));
        // What stands before the literal must end a match's start...
        assert!(!fits("地铁约5分钟", "地铁"));
        assert!(!fits("等分钟直达", "分钟直"));
        assert!(!fits("%的用户都选择了", "%的用"));
        // ...and what follows it go on as a match goes on.
        assert!(!fits("距离地铁很远", "地铁"));
        assert!(!fits("距离商场三个钟头", "商场"));
    }

    proptest::proptest! {
        /// Skipping literals where no match can have the text on either
        /// side of them finds the same matches as searching around every one.
        #[test]
        fn skipping_literals_by_what_stands_around_them_loses_no_match(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "距离", "距", "地铁", "商场", "只需", "约", "5", "三", "个", "分钟",
                    "小时", "即可", "直达", "50%", "的", "用户", "人", "都", "选择",
                    "了", "推荐", "好", " ", ",", "距离地铁约5分钟", "3小时抵达",
                ]),
                0..24,
            )
        ) {
            let text: String = words.concat();
            let placed = windowed(TRAVEL);
            let mut unfiltered = placed.patterns.clone();
            unfiltered.windowed[0].sides.clear();
            unfiltered.windowed[0].needs = Needs::default();
            unfiltered.windowed[0].ends = None;
            proptest::prop_assert_eq!(
                search(&placed, &text),
                search_with(&placed, &unfiltered, &text)
            );
        }
    }

    #[test]
    fn patterns_starting_with_any_number_are_searched_around_a_rarer_word() {
        let placed = windowed(r"[0-9]+(?:块|元)?的?(?:原价|划线价)");
        assert_eq!(placed.literals, ["划线价", "原价"]);
        let text = "今天给到199元的原价，还有一个99块划线价";
        let found = search(&placed, text);
        let matched: Vec<&str> = found.iter().map(|&(_, s, e)| &text[s..e]).collect();
        assert_eq!(matched, ["199元的原价", "99块划线价"]);
        assert!(found.iter().all(|&(rule, _, _)| rule == 3));
    }

    fn reach_of(pattern: &str) -> Reach {
        match RulePattern::compile(pattern).unwrap() {
            RulePattern::Placed { reach, .. } => reach,
            p => panic!("not placed: {p:?}"),
        }
    }

    #[test]
    fn windows_reach_before_a_literal_only_as_far_as_the_parts_before_it() {
        // 原价 ends every match: nothing follows it, a number and 元 precede it.
        let reach = reach_of(r"[0-9]+(?:块|元)?的?(?:原价|划线价)");
        assert_eq!(
            reach.after,
            9 - 6,
            "划线价 runs 3 bytes past where 原价 ends"
        );
        assert_eq!(reach.before, 16 + 3 + 3);
        // Alternatives take the widest reach of their branches: up to 16
        // digits before 元原价 in one, 只要 and three digits after 原价 in
        // the other.
        let reach = reach_of(r"[0-9]+元(?:原价)|(?:原价)(?:只要|仅)?[0-9]{1,3}");
        assert_eq!(
            reach,
            Reach {
                before: 16,
                after: 6 + 3
            }
        );
    }

    #[test]
    fn unbounded_repetitions_count_as_a_few_characters() {
        let reach = reach_of(r"(?:[0-9]+(?:[.,][0-9]+)*)\s*万人(?:好评|回购)");
        // 16 digits, at most 64 bytes of more groups, 16 spaces of up to
        // 3 bytes (U+3000).
        assert_eq!(reach.before, 16 + 64 + 16 * 3);
        assert!(reach.after <= 6, "{reach:?}");
        // Five such runs would be 320 bytes: no further than before windows
        // were fitted.
        let reach = reach_of(r"[0-9]+[^,]*[^!]*[^?]*[^;]*[^:]*(?:原价|划线价)");
        assert_eq!(reach.before, UNBOUNDED_REACH);
    }

    #[test]
    fn the_commonest_characters_are_not_chosen_to_place_a_search() {
        assert!(cost(&["人".to_string()]) > cost(&["万".to_string(), "千".to_string()]));
        let placed = windowed(r"[0-9]+(?:万|千)[^,]{0,2}(?:人|用户)[^,]{0,2}");
        assert_eq!(placed.literals, ["万", "千"]);
    }

    #[test]
    fn nearby_literals_share_one_window_and_report_a_match_once() {
        let placed = windowed(r"[0-9]+(?:万|千)人(?:在用|好评)");
        let text = "10万人在用，人人都说好";
        let found = search(&placed, text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(&text[found[0].1..found[0].2], "10万人在用");
    }

    #[test]
    fn windowed_assertions_see_the_text_before_the_window() {
        // `^` must not match where a window happens to start.
        let placed = windowed(r"(?:^|[^0-9])[0-9]%好评率");
        let text = format!("{}199%好评率", "好".repeat(200));
        assert!(search(&placed, &text).is_empty());
        let found = search(&placed, "9%好评率");
        assert_eq!(found, [(3, 0, "9%好评率".len())]);
    }

    fn anchored(pattern: &str) -> Placed {
        placed(pattern, Placement::Anchored, 5)
    }

    /// Reference prices said against a rival shop.
    const CHEAPER: &str = "(?:今天|咱们)(?:比|就比)(?:京东|天猫)便宜|全网最低价?";

    #[test]
    fn anchors_followed_by_what_no_match_has_there_are_not_run() {
        let patterns = anchored(CHEAPER).patterns;
        let starts = |text: &str, lit: &str| {
            let i = text.find(lit).unwrap();
            patterns.may_start_with(text, 0, &(i..i + lit.len()))
        };
        // The literals are the first three characters of each branch.
        assert!(starts("今天比京东便宜", "今天比"));
        assert!(starts("咱们就比天猫便宜", "咱们就"));
        assert!(!starts("今天比较好", "今天比"));
        assert!(!starts("咱们就是", "咱们就"));
        assert!(!starts("今天比", "今天比"));
        assert!(starts("全网最低", "全网最"));
        assert!(!starts("全网最，", "全网最"));
    }

    #[test]
    fn literals_that_may_end_a_match_may_be_followed_by_anything() {
        let Placed {
            literals, patterns, ..
        } = anchored("(?:全网|全平台)(?:最低价)?");
        assert!(literals.contains(&"全网".to_string()), "{literals:?}");
        assert!(patterns.may_start_with("全网，", 0, &(0.."全网".len())));
        assert!(patterns.may_start_with("全网", 0, &(0.."全网".len())));
    }

    proptest::proptest! {
        /// An anchor skipped for what follows it never starts a match.
        #[test]
        fn skipped_anchors_start_no_match(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "今天", "咱们", "比", "就比", "京东", "天猫", "便宜", "全网", "最低",
                    "价", "家", "给", "今天比天猫便宜",
                ]),
                0..16,
            )
        ) {
            let text: String = words.concat();
            let Placed { literals, patterns, .. } = anchored(CHEAPER);
            for lit in &literals {
                for (i, _) in text.match_indices(lit.as_str()) {
                    if !patterns.may_start_with(&text, 0, &(i..i + lit.len())) {
                        proptest::prop_assert_eq!(patterns.find_at(&text, 0, i), None, "{} at {}", lit, i);
                    }
                }
            }
        }
    }

    #[test]
    fn rare_prefixes_stay_anchored() {
        let p = RulePattern::compile("(?:全网|全平台)最低价?").unwrap();
        assert!(
            matches!(
                p,
                RulePattern::Placed {
                    placement: Placement::Anchored,
                    ..
                }
            ),
            "{p:?}"
        );
    }

    #[test]
    fn long_lists_of_starting_words_anchor_on_whole_words() {
        // A list of sixteen verbs must not shrink to the bare 一.
        let p = RulePattern::compile("一(?:用|抹|涂|擦|洗|敷|贴|吃|喝|喷|泡|按|刷|戴|揉|搓)就好")
            .unwrap();
        let RulePattern::Placed {
            placement: Placement::Anchored,
            literals,
            ..
        } = &p
        else {
            panic!("not anchored: {p:?}");
        };
        assert!(
            literals.iter().all(|l| l.chars().count() == ANCHOR_CHARS),
            "{literals:?}"
        );
    }
}
