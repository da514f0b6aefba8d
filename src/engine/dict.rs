//! All literal phrases of a rule set (terms, exemptions, the literals that
//! place regex searches) in one index, so one pass over the text finds them
//! all. Qualifiers are not among them: they matter only in the sentence of a
//! candidate, and are looked for there.

use super::pair_index::PairIndex;
use crate::rule::Category;
use std::collections::HashMap;
use std::ops::Range;

/// What one phrase means to one rule or category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Use {
    /// A term of rule `n`.
    Term(u32),
    /// An exemption of rule `n`.
    Exempt(u32),
    /// An exemption for every rule of a category.
    CategoryExempt(Category),
    /// A literal that starts every match of anchored pattern `n`.
    Anchor(u32),
    /// A literal one of which every match of windowed pattern `n` contains.
    Window(u32),
    /// A literal one of which every match of anchored pattern `n` contains,
    /// rarer than its anchors: a run goes ahead only with one in reach.
    AnchorConfirm(u32),
    /// The same for windowed pattern `n`.
    WindowConfirm(u32),
}

/// Whom an exemption hit exempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// One rule.
    Rule(u32),
    /// Every rule of a category.
    Category(Category),
}

/// What the dictionary pass found in one piece of text, each list sorted by start.
#[derive(Debug, Default)]
pub(crate) struct Hits {
    /// Term matches: the candidates.
    pub(crate) terms: Vec<(u32, Range<usize>)>,
    /// Exemption phrase matches.
    pub(crate) exempts: Vec<(Scope, Range<usize>)>,
    /// Where an anchored pattern may match: pattern index and the literal
    /// its match would start with.
    pub(crate) anchors: Grouped,
    /// Where a windowed pattern may match around: pattern index and literal.
    pub(crate) windows: Grouped,
    /// Occurrences of the literals that confirm a run of an anchored or a
    /// windowed pattern.
    pub(crate) anchor_confirms: Grouped,
    pub(crate) window_confirms: Grouped,
    /// Longest exemption phrase, in bytes: how far back a covering one can start.
    longest_exempt: usize,
}

/// Literal occurrences grouped by pattern, each group in order of start.
#[derive(Debug, Default)]
pub(crate) struct Grouped {
    items: Vec<(u32, Range<usize>)>,
    /// The group of pattern `p` is `items[starts[p]..starts[p + 1]]`.
    starts: Vec<usize>,
}

impl Grouped {
    /// Groups `items`, which come in order of start, by pattern: a counting
    /// sort, since there are few patterns and many occurrences.
    pub(crate) fn new(items: Vec<(u32, Range<usize>)>) -> Grouped {
        let Some(last) = items.iter().map(|(p, _)| *p as usize).max() else {
            return Grouped::default();
        };
        let mut starts = vec![0usize; last + 2];
        for (p, _) in &items {
            starts[*p as usize + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut grouped = vec![(0, 0..0); items.len()];
        for item in items {
            let at = &mut next[item.0 as usize];
            grouped[*at] = item;
            *at += 1;
        }
        Grouped {
            items: grouped,
            starts,
        }
    }

    /// Every occurrence, grouped by pattern.
    #[cfg(test)]
    pub(crate) fn all(&self) -> &[(u32, Range<usize>)] {
        &self.items
    }

    /// Each pattern that has occurrences, with them.
    pub(crate) fn groups(&self) -> impl Iterator<Item = (u32, &[(u32, Range<usize>)])> {
        self.starts
            .windows(2)
            .enumerate()
            .filter(|(_, w)| w[0] < w[1])
            .map(|(p, w)| (p as u32, &self.items[w[0]..w[1]]))
    }

    /// The occurrences for `pattern`, in order of start.
    pub(crate) fn of(&self, pattern: u32) -> &[(u32, Range<usize>)] {
        let p = pattern as usize;
        match (self.starts.get(p), self.starts.get(p + 1)) {
            (Some(&a), Some(&b)) => &self.items[a..b],
            _ => &[],
        }
    }
}

impl Hits {
    /// True when an exemption of `rule` (or of its `category`) covers `term`.
    pub(crate) fn exempts(&self, rule: u32, category: Category, term: &Range<usize>) -> bool {
        covered_by(&self.exempts, self.longest_exempt, term, |scope| {
            *scope == Scope::Rule(rule) || *scope == Scope::Category(category)
        })
    }
}

/// True when an item of `items` (sorted by start, no range longer than
/// `longest` bytes) that `keep` accepts covers `range`. Only items starting
/// within `longest` before `range` can, so the look-back is short.
pub(crate) fn covered_by<T>(
    items: &[(T, Range<usize>)],
    longest: usize,
    range: &Range<usize>,
    keep: impl Fn(&T) -> bool,
) -> bool {
    let upto = items.partition_point(|(_, r)| r.start <= range.start);
    items[..upto]
        .iter()
        .rev()
        .take_while(|(_, r)| r.start + longest >= range.end)
        .any(|(t, r)| r.end >= range.end && keep(t))
}

/// True when `range` is one ASCII digit right after another.
fn inside_number(text: &str, range: &Range<usize>) -> bool {
    let b = text.as_bytes();
    range.len() == 1
        && b[range.start].is_ascii_digit()
        && range.start > 0
        && b[range.start - 1].is_ascii_digit()
}

/// The dictionary index and, per phrase, its uses.
#[derive(Debug, Clone, Default)]
pub(crate) struct Dict {
    index: PairIndex,
    /// The uses of phrase `i` are `uses[starts[i]..starts[i + 1]]`: one flat
    /// list, since the pass looks them up for every hit.
    starts: Vec<u32>,
    uses: Vec<Use>,
    longest_exempt: usize,
}

/// Collects phrases before the index is built.
#[derive(Default)]
pub(crate) struct DictBuilder {
    index: HashMap<String, usize>,
    phrases: Vec<String>,
    uses: Vec<Vec<Use>>,
}

impl DictBuilder {
    pub(crate) fn add(&mut self, phrase: &str, what: Use) {
        let i = *self.index.entry(phrase.to_string()).or_insert_with(|| {
            self.phrases.push(phrase.to_string());
            self.uses.push(Vec::new());
            self.phrases.len() - 1
        });
        if !self.uses[i].contains(&what) {
            self.uses[i].push(what);
        }
    }

    pub(crate) fn build(self) -> Dict {
        let longest_exempt = self
            .phrases
            .iter()
            .zip(&self.uses)
            .filter(|(_, uses)| {
                uses.iter()
                    .any(|u| matches!(u, Use::Exempt(_) | Use::CategoryExempt(_)))
            })
            .map(|(p, _)| p.len())
            .max()
            .unwrap_or(0);
        let index = PairIndex::new(&self.phrases);
        let mut starts = Vec::with_capacity(self.uses.len() + 1);
        starts.push(0);
        for u in &self.uses {
            starts.push(starts[starts.len() - 1] + u.len() as u32);
        }
        Dict {
            index,
            starts,
            uses: self.uses.into_iter().flatten().collect(),
            longest_exempt,
        }
    }
}

impl Dict {
    /// Every occurrence of every phrase, overlaps included, sorted by use.
    pub(crate) fn hits(&self, text: &str) -> Hits {
        // Sized for what a megabyte of speech holds, so the lists seldom
        // grow by copying.
        let room = |per: usize| text.len() / per;
        let mut hits = Hits {
            terms: Vec::with_capacity(room(512)),
            exempts: Vec::with_capacity(room(512)),
            longest_exempt: self.longest_exempt,
            ..Hits::default()
        };
        let mut anchors = Vec::with_capacity(room(128));
        let mut windows = Vec::with_capacity(room(256));
        let mut anchor_confirms = Vec::with_capacity(room(512));
        let mut window_confirms = Vec::with_capacity(room(512));
        self.index.find_all(text, |p, range| {
            let p = p as usize;
            let uses = &self.uses[self.starts[p] as usize..self.starts[p + 1] as usize];
            for &what in uses {
                match what {
                    Use::Term(r) => hits.terms.push((r, range.clone())),
                    Use::Exempt(r) => hits.exempts.push((Scope::Rule(r), range.clone())),
                    Use::CategoryExempt(c) => {
                        hits.exempts.push((Scope::Category(c), range.clone()))
                    }
                    // Inside a number, only its first digit may start a match:
                    // 15折 is not 5折, and numbers are everywhere.
                    Use::Anchor(_) if inside_number(text, &range) => {}
                    Use::Anchor(p) => anchors.push((p, range.clone())),
                    Use::Window(p) => windows.push((p, range.clone())),
                    Use::AnchorConfirm(p) => anchor_confirms.push((p, range.clone())),
                    Use::WindowConfirm(p) => window_confirms.push((p, range.clone())),
                }
            }
        });
        // Hits come in order of start, which is all exemption lookups need.
        debug_assert!(hits.exempts.is_sorted_by_key(|(_, r)| r.start));
        // Pattern searches go pattern by pattern, each in order of start.
        hits.anchors = Grouped::new(anchors);
        hits.windows = Grouped::new(windows);
        hits.anchor_confirms = Grouped::new(anchor_confirms);
        hits.window_confirms = Grouped::new(window_confirms);
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouping_by_pattern_keeps_the_order_within_each() {
        let items = [(2, 0), (0, 1), (2, 2), (1, 3), (0, 4), (2, 5)];
        let grouped = Grouped::new(items.iter().map(|&(p, s)| (p, s..s + 1)).collect());
        let starts = |group: &[(u32, Range<usize>)]| -> Vec<(u32, usize)> {
            group.iter().map(|(p, r)| (*p, r.start)).collect()
        };
        assert_eq!(
            starts(grouped.all()),
            [(0, 1), (0, 4), (1, 3), (2, 0), (2, 2), (2, 5)]
        );
        assert_eq!(starts(grouped.of(1)), [(1, 3)]);
        assert_eq!(starts(grouped.of(2)), [(2, 0), (2, 2), (2, 5)]);
        assert!(grouped.of(3).is_empty());
        let none = Grouped::new(Vec::new());
        assert!(none.all().is_empty() && none.of(0).is_empty());
        assert_eq!(none.groups().count(), 0);
        // Patterns without occurrences make no group.
        let sparse = Grouped::new(vec![(3, 0..1), (1, 2..3), (3, 4..5)]);
        let groups: Vec<(u32, Vec<(u32, usize)>)> =
            sparse.groups().map(|(p, g)| (p, starts(g))).collect();
        assert_eq!(groups, [(1, vec![(1, 2)]), (3, vec![(3, 0), (3, 4)])]);
    }

    #[test]
    fn hits_come_sorted_for_their_lookups() {
        let mut dict = DictBuilder::default();
        dict.add("最低", Use::Window(1));
        dict.add("最", Use::Anchor(0));
        dict.add("最低价", Use::Exempt(0));
        dict.add("低价", Use::CategoryExempt(Category::Price));
        dict.add("价", Use::Window(0));
        let hits = dict.build().hits("最低价，全网最低价");
        assert!(hits.exempts.is_sorted_by_key(|(_, r)| r.start));
        let starts = |grouped: &Grouped| -> Vec<(u32, usize)> {
            grouped.all().iter().map(|(p, r)| (*p, r.start)).collect()
        };
        assert_eq!(starts(&hits.anchors), [(0, 0), (0, 18)]);
        assert_eq!(starts(&hits.windows), [(0, 6), (0, 24), (1, 0), (1, 18)]);
    }
}
