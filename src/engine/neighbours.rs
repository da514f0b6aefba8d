//! What may stand right before and right after a placed pattern's literal
//! inside a match.
//!
//! A user-count pattern reads a number before 万 and a word for people after
//! it; 万 is everywhere (千万, 万一, 万能), a number before it rarely. Where
//! the characters around a literal cannot be part of any match through it,
//! the pattern need not run there: a check of two characters instead of a
//! regex run. A windowed pattern's sides come from its syntax tree, an
//! anchored pattern's next characters from its DFA.

use super::pair_index::char_len;
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::hybrid::LazyStateID;
use regex_automata::{Anchored, Input};
use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind};
use std::ops::Range;
use std::sync::Arc;

/// The characters that may stand on each side of a literal in a match;
/// `None` when any character (or none, at the edge of the text) may.
#[derive(Debug, Clone, Default)]
pub(crate) struct Neighbours {
    pub(crate) before: Option<ClassUnicode>,
    pub(crate) after: Option<ClassUnicode>,
    /// What a match has right before the literal, as far as known: the
    /// parts before it in the sequences it is part of, innermost last.
    /// Unions leave it out: it belongs to one place of the literal.
    pub(crate) leading: Option<Arc<Hir>>,
    /// What a match has right after the literal, likewise.
    pub(crate) trailing: Option<Arc<Hir>>,
}

impl Neighbours {
    /// No constraint on either side.
    pub(crate) fn any() -> Neighbours {
        Neighbours::default()
    }

    /// Allows what either allows.
    pub(crate) fn union(&mut self, other: &Neighbours) {
        for (mine, theirs) in [
            (&mut self.before, &other.before),
            (&mut self.after, &other.after),
        ] {
            match (mine.as_mut(), theirs) {
                (Some(m), Some(t)) => m.union(t),
                _ => *mine = None,
            }
        }
        self.leading = None;
        self.trailing = None;
    }

    /// False when no match can run through the literal at `range` of
    /// `text`: the character before or after it is not one a match has
    /// there (or there is none).
    pub(crate) fn allow(&self, text: &str, range: &Range<usize>) -> bool {
        let fits = |class: &Option<ClassUnicode>, c: Option<char>| match class {
            None => true,
            Some(class) => c.is_some_and(|c| contains(class, c)),
        };
        fits(&self.before, text[..range.start].chars().next_back())
            && fits(&self.after, text[range.end..].chars().next())
    }
}

fn contains(class: &ClassUnicode, c: char) -> bool {
    let ranges = class.ranges();
    let i = ranges.partition_point(|r| r.end() < c);
    ranges.get(i).is_some_and(|r| r.start() <= c)
}

/// The sides of a literal that is the whole match of `parts[i]` of a
/// sequence: the last characters the parts before it can match and the first
/// the parts after it can, unless those parts may match nothing.
pub(crate) fn around_part(parts: &[Hir], i: usize) -> Neighbours {
    let before = &parts[..i];
    let after = &parts[i + 1..];
    Neighbours {
        before: (!nullable(before))
            .then(|| edge_chars(before.iter().rev(), Edge::Last, 0))
            .flatten(),
        after: (!nullable(after))
            .then(|| edge_chars(after.iter(), Edge::First, 0))
            .flatten(),
        ..Neighbours::any()
    }
}

/// True when `hir` matches exactly the strings of a set of literals (a
/// literal, a class, an alternation of them): nothing of the match stands
/// beside the literal.
pub(crate) fn is_literal_set(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Literal(_) | HirKind::Class(Class::Unicode(_)) => true,
        HirKind::Capture(cap) => is_literal_set(&cap.sub),
        HirKind::Alternation(subs) => subs.iter().all(is_literal_set),
        _ => false,
    }
}

/// True when the sequence `parts` may match the empty string.
fn nullable(parts: &[Hir]) -> bool {
    parts
        .iter()
        .all(|p| p.properties().minimum_len() == Some(0))
}

#[derive(Clone, Copy)]
enum Edge {
    First,
    Last,
}

/// The characters a non-empty match of the sequence of `parts` (given in
/// the order they are met from `edge`) can have at that edge; `None` when
/// unknown.
fn edge_chars<'h>(
    parts: impl Iterator<Item = &'h Hir>,
    edge: Edge,
    depth: usize,
) -> Option<ClassUnicode> {
    let mut all = ClassUnicode::empty();
    for part in parts {
        all.union(&chars_at(part, edge, depth)?);
        if part.properties().minimum_len() != Some(0) {
            break;
        }
    }
    Some(all)
}

/// The characters a non-empty match of `hir` can start (or end) with.
fn chars_at(hir: &Hir, edge: Edge, depth: usize) -> Option<ClassUnicode> {
    if depth > 32 {
        return None;
    }
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(ClassUnicode::empty()),
        HirKind::Literal(lit) => {
            let s = std::str::from_utf8(&lit.0).ok()?;
            let c = match edge {
                Edge::First => s.chars().next(),
                Edge::Last => s.chars().next_back(),
            }?;
            Some(ClassUnicode::new([ClassUnicodeRange::new(c, c)]))
        }
        HirKind::Class(Class::Unicode(class)) => Some(class.clone()),
        HirKind::Class(Class::Bytes(_)) => None,
        HirKind::Repetition(rep) => chars_at(&rep.sub, edge, depth + 1),
        HirKind::Capture(cap) => chars_at(&cap.sub, edge, depth + 1),
        HirKind::Alternation(subs) => {
            let mut all = ClassUnicode::empty();
            for sub in subs {
                all.union(&chars_at(sub, edge, depth + 1)?);
            }
            Some(all)
        }
        HirKind::Concat(subs) => match edge {
            Edge::First => edge_chars(subs.iter(), edge, depth + 1),
            Edge::Last => edge_chars(subs.iter().rev(), edge, depth + 1),
        },
    }
}

/// Most characters [`after_prefix`] lists before it gives up: a literal
/// that many characters may follow gains little from the check.
const MOST_AFTER: usize = 64;

/// Most DFA steps [`after_prefix`] takes for one literal, so loading the
/// rules stays quick.
const STEP_BUDGET: usize = 4096;

/// The characters that may follow `literal` in a match of the anchored
/// regex `dfa` that starts with it; `None` when the literal may end a match
/// (anything may follow) or when there are too many to list.
pub(crate) fn after_prefix(dfa: &DFA, cache: &mut Cache, literal: &str) -> Option<ClassUnicode> {
    let start = dfa
        .start_state_forward(cache, &Input::new(literal).anchored(Anchored::Yes))
        .ok()?;
    let mut budget = STEP_BUDGET;
    let mut step = |cache: &mut Cache, from: LazyStateID, b: u8| {
        budget = budget.checked_sub(1)?;
        dfa.next_state(cache, from, b).ok()
    };
    let mut at = start;
    for &b in literal.as_bytes() {
        at = step(cache, at, b)?;
        if at.is_dead() {
            return Some(ClassUnicode::empty());
        }
        if at.is_quit() || at.is_unknown() {
            return None;
        }
    }
    if dfa.next_eoi_state(cache, at).ok()?.is_match() {
        return None;
    }
    // Depth-first over the UTF-8 bytes of a next character, one DFA step
    // per class of bytes the DFA does not tell apart. A state reached is a
    // match one byte late: a match there ended with the literal.
    let classes = dfa.byte_classes();
    let mut chars = Vec::new();
    // A state and the bytes of the character read so far (`len` of them).
    let mut stack: Vec<(LazyStateID, [u8; 4], usize)> = vec![(at, [0; 4], 0)];
    while let Some((state, prefix, len)) = stack.pop() {
        let range = if len == 0 { 0..=0xF4 } else { 0x80..=0xBF };
        let mut seen = [false; 256];
        for rep in classes.representatives(range.clone()) {
            let Some(b) = rep.as_u8() else { continue };
            let class = classes.get(b);
            if std::mem::replace(&mut seen[usize::from(class)], true) {
                continue;
            }
            let next = step(cache, state, b)?;
            if next.is_match() && len == 0 {
                return None;
            }
            if next.is_dead() || next.is_quit() {
                continue;
            }
            for x in range.clone().filter(|&x| classes.get(x) == class) {
                let mut bytes = prefix;
                bytes[len] = x;
                let need = char_len(bytes[0]);
                if len + 1 < need {
                    stack.push((next, bytes, len + 1));
                } else if let Some(c) = std::str::from_utf8(&bytes[..need])
                    .ok()
                    .and_then(|s| s.chars().next())
                {
                    chars.push(c);
                    if chars.len() > MOST_AFTER {
                        return None;
                    }
                }
            }
        }
    }
    chars.sort_unstable();
    chars.dedup();
    Some(ClassUnicode::new(
        chars.into_iter().map(|c| ClassUnicodeRange::new(c, c)),
    ))
}

/// The sides of each kept literal. A literal dropped because a kept one
/// occurs inside it (专柜价 for 专柜) lends its own characters around that
/// occurrence, or its sides where the occurrence reaches its edge.
pub(crate) fn for_kept(all: &[(String, Neighbours)], kept: &[String]) -> Vec<(String, Neighbours)> {
    kept.iter()
        .map(|k| {
            let mut sides: Option<Neighbours> = None;
            for (lit, n) in all {
                for (at, _) in lit.match_indices(k.as_str()) {
                    let end = at + k.len();
                    let char_class = |c: Option<char>| {
                        c.map(|c| ClassUnicode::new([ClassUnicodeRange::new(c, c)]))
                    };
                    let here = Neighbours {
                        before: match at {
                            0 => n.before.clone(),
                            _ => char_class(lit[..at].chars().next_back()),
                        },
                        after: match end == lit.len() {
                            true => n.after.clone(),
                            false => char_class(lit[end..].chars().next()),
                        },
                        ..Neighbours::any()
                    };
                    match sides.as_mut() {
                        Some(s) => s.union(&here),
                        None => sides = Some(here),
                    }
                }
            }
            (k.clone(), sides.unwrap_or_else(Neighbours::any))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(pattern: &str) -> Vec<Hir> {
        let hir = regex_syntax::Parser::new().parse(pattern).unwrap();
        match hir.kind() {
            HirKind::Concat(subs) => subs.clone(),
            _ => vec![hir],
        }
    }

    #[test]
    fn a_number_must_stand_before_and_a_word_after() {
        let p = parts("[0-9]+(?:万|千)(?:人|用户)");
        let n = around_part(&p, 1);
        assert!(n.allow("3万人", &(1..4)));
        assert!(!n.allow("千万人", &(3..6)));
        assert!(!n.allow("3万能", &(1..4)));
        // Nothing before the literal at the start of the text.
        assert!(!n.allow("万人", &(0..3)));
    }

    #[test]
    fn optional_parts_let_the_next_ones_decide_and_empty_sides_allow_all() {
        let p = parts("(?:约)?[0-9]*分钟(?:车程)?");
        let n = around_part(&p, 2);
        assert!(n.before.is_none() && n.after.is_none());
        assert!(n.allow("分钟", &(0..6)));
        let p = parts("[0-9]\\s*(?:个)?分钟");
        let n = around_part(&p, 3);
        assert!(n.allow("5个分钟", &(4..10)));
        assert!(n.allow("5 分钟", &(2..8)));
        assert!(!n.allow("几分钟", &(3..9)));
    }

    #[test]
    fn dropped_literals_lend_their_inner_neighbours() {
        let around = Neighbours {
            before: Some(ClassUnicode::new([ClassUnicodeRange::new('0', '9')])),
            ..Neighbours::any()
        };
        let all = vec![
            ("专柜价".to_string(), around.clone()),
            ("专柜".to_string(), around),
        ];
        let kept = for_kept(&all, &["专柜".to_string()]);
        let n = &kept[0].1;
        assert!(n.after.is_none());
        assert!(n.allow("9专柜", &(1..7)));
        assert!(!n.allow("的专柜", &(3..9)));
    }

    #[test]
    fn unions_widen_and_none_wins() {
        let one = |c| Some(ClassUnicode::new([ClassUnicodeRange::new(c, c)]));
        let mut a = Neighbours {
            before: one('a'),
            after: one('x'),
            ..Neighbours::any()
        };
        a.union(&Neighbours {
            before: one('b'),
            ..Neighbours::any()
        });
        assert!(a.allow("bq", &(1..2)) && a.allow("aqz", &(1..2)));
        assert!(!a.allow("cq", &(1..2)));
        assert!(a.after.is_none());
    }
}
