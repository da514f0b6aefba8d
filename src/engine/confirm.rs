//! A second literal a placed pattern's match must contain, looked up among
//! the dictionary pass's hits before the regex runs.
//!
//! An anchor or a window's literal says where a match may be; often it is a
//! word heard everywhere (宝宝 for an infant-formula claim, 手机 for a lottery
//! prize). The rest of the pattern usually needs a rarer word too (奶粉, 抽),
//! and the dictionary pass finds those for almost nothing. So each branch of
//! a pattern's top-level alternation gets its own confirming set, and a run
//! through a literal goes ahead only when one of the branches that literal
//! may start (or lie in) has a confirming literal inside the run's reach.

use super::dict::Grouped;
use super::pair_index::KeyHasher;
use super::pattern::{
    cost, ending_literals, fewest, placed_around, required_literals, starting_literals, texts,
    Placement, MAX_ANCHORS, MAX_REQUIRED,
};
use regex_syntax::hir::{Hir, HirKind};
use std::collections::{BTreeSet, HashMap};
use std::hash::BuildHasherDefault;
use std::ops::Range;

/// A confirming set as common as this (see [`cost`]) would add more
/// dictionary hits than the runs it saves.
const MAX_CONFIRM_COST: f64 = 12.0;

/// A confirming set must be this many times rarer than the placing one.
const CONFIRM_FACTOR: f64 = 2.0;

/// One branch of a pattern's top-level alternation (the whole pattern when
/// it has none), as far as confirming its runs goes.
#[derive(Debug, Clone)]
pub(crate) struct Branch {
    /// The literals a match of the branch starts with (anchored) or
    /// contains (windowed); `None` when not known, so any literal may
    /// place one.
    placing: Option<Vec<String>>,
    /// Literals one of which every match of the branch contains, other than
    /// the placing ones; `None` when no set is worth looking for.
    confirm: Option<Vec<String>>,
}

/// The branches of `hir` for a pattern placed by `placement`.
pub(crate) fn branches(hir: &Hir, placement: Placement) -> Vec<Branch> {
    let (alternatives, depth) = top_alternatives(hir, 0);
    alternatives
        .into_iter()
        .map(|branch| {
            let placing = match placement {
                Placement::Anchored => starting_literals(branch, MAX_ANCHORS),
                // The same call as for the whole pattern's literals, at the
                // same depth, so the branches' sets add up to them.
                Placement::Windowed => placed_around(branch, depth).map(|(l, _)| texts(&l)),
            };
            let confirm = confirming_literals(branch, placing.as_deref());
            Branch { placing, confirm }
        })
        .collect()
}

/// The alternatives of `hir` under any groups around them, with the depth
/// [`placed_around`] reaches them at.
fn top_alternatives(hir: &Hir, depth: usize) -> (Vec<&Hir>, usize) {
    match hir.kind() {
        HirKind::Capture(cap) => top_alternatives(&cap.sub, depth + 1),
        HirKind::Alternation(subs) => (subs.iter().collect(), depth + 1),
        _ => (vec![hir], depth),
    }
}

/// The rarest set of literals one of which every match of `hir` contains,
/// other than `placing`, if it is rare enough to look for.
fn confirming_literals(hir: &Hir, placing: Option<&[String]>) -> Option<Vec<String>> {
    let limit = placing.map_or(f64::INFINITY, |p| cost(p) / CONFIRM_FACTOR);
    let limit = limit.min(MAX_CONFIRM_COST);
    let placing: Option<BTreeSet<&str>> = placing.map(|p| p.iter().map(String::as_str).collect());
    let mut sets = vec![
        required_literals(hir, 0),
        ending_literals(hir),
        starting_literals(hir, MAX_REQUIRED),
    ];
    // Each part of a sequence is required on its own: 比 in 今天…比…便宜.
    if let HirKind::Concat(parts) = hir.kind() {
        sets.extend(parts.iter().map(|p| required_literals(p, 0)));
    }
    sets.into_iter()
        .flatten()
        .filter(|set| {
            let set: BTreeSet<&str> = set.iter().map(String::as_str).collect();
            !set.is_empty() && placing.as_ref() != Some(&set)
        })
        .map(|set| (cost(&set), set))
        .filter(|(c, _)| *c <= limit)
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, set)| set)
}

/// Numbers the distinct confirming sets of the patterns of one placement.
#[derive(Debug, Default)]
pub(crate) struct Groups {
    ids: HashMap<Vec<String>, u32>,
    /// Each new set with its number, for the dictionary.
    pub(crate) new: Vec<(u32, Vec<String>)>,
}

impl Groups {
    fn id(&mut self, set: &[String]) -> u32 {
        if let Some(&id) = self.ids.get(set) {
            return id;
        }
        let id = self.ids.len() as u32;
        self.ids.insert(set.to_vec(), id);
        // A literal that contains another of the set is found wherever
        // that one is: 婴儿奶粉 holds 奶粉.
        self.new
            .push((id, fewest(set.to_vec(), |l, o| l.contains(o))));
        id
    }
}

/// For each placing literal whose runs need confirming, the sets one
/// literal of which must lie inside the run.
#[derive(Debug, Clone, Default)]
pub(crate) struct Needs {
    map: HashMap<Box<str>, Box<[u32]>, BuildHasherDefault<KeyHasher>>,
}

impl Needs {
    /// What runs through each of the `kept` placing literals need.
    pub(crate) fn new(
        kept: &[String],
        branches: &[Branch],
        placement: Placement,
        groups: &mut Groups,
    ) -> Needs {
        let mut map = HashMap::default();
        for literal in kept {
            // A match through this literal is of one of these branches: it
            // starts with both the literal and one of the branch's
            // prefixes (so one starts with the other), or the literal lies
            // inside one of the branch's literals.
            let places = |b: &&Branch| {
                b.placing.as_ref().is_none_or(|placing| {
                    placing.iter().any(|p| match placement {
                        Placement::Anchored => {
                            p.starts_with(literal.as_str()) || literal.starts_with(p.as_str())
                        }
                        Placement::Windowed => p.contains(literal.as_str()),
                    })
                })
            };
            let mut sets = Vec::new();
            let mut unconfirmed = false;
            for branch in branches.iter().filter(places) {
                match &branch.confirm {
                    Some(set) => sets.push(groups.id(set)),
                    None => unconfirmed = true,
                }
            }
            if !unconfirmed && !sets.is_empty() {
                sets.sort_unstable();
                sets.dedup();
                map.insert(literal.as_str().into(), sets.into_boxed_slice());
            }
        }
        Needs { map }
    }

    /// Whether a run over `span` through the placing literal at `literal`
    /// may match: it needs nothing, or a literal of one of its confirming
    /// sets lies inside `span` (`hits` holds where they occur).
    pub(crate) fn met(
        &self,
        text: &str,
        literal: &Range<usize>,
        span: &Range<usize>,
        hits: &Grouped,
    ) -> bool {
        self.map.is_empty()
            || self
                .map
                .get(&text[literal.clone()])
                .is_none_or(|sets| sets.iter().any(|&set| any_inside(hits.of(set), span)))
    }
}

/// Whether one of `hits` (in order of start) lies inside `span`.
fn any_inside(hits: &[(u32, Range<usize>)], span: &Range<usize>) -> bool {
    let from = hits.partition_point(|(_, r)| r.start < span.start);
    hits[from..]
        .iter()
        .take_while(|(_, r)| r.start < span.end)
        .any(|(_, r)| r.end <= span.end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::dict::Use;
    use crate::engine::pattern::{Patterns, RulePattern};

    /// Two branches: a formula claim that starts with a word for babies
    /// (heard everywhere) and also needs 奶粉; and one that starts with the
    /// rare 配方奶 and needs nothing more.
    const FORMULA: &str = "(?:宝宝|婴儿)[^。]{0,6}奶粉[^。]{0,6}(?:益智|健脑)|配方奶(?:益智|健脑)";

    fn needs_of(pattern: &str, kept: &[&str]) -> (Needs, Groups) {
        let hir = regex_syntax::Parser::new().parse(pattern).unwrap();
        let kept: Vec<String> = kept.iter().map(|k| k.to_string()).collect();
        let mut groups = Groups::default();
        let needs = Needs::new(
            &kept,
            &branches(&hir, Placement::Anchored),
            Placement::Anchored,
            &mut groups,
        );
        (needs, groups)
    }

    /// Where each literal of each set occurs in `text`, under the set's number.
    fn occurrences(text: &str, sets: &[(u32, Vec<String>)]) -> Grouped {
        let mut hits: Vec<(u32, Range<usize>)> = sets
            .iter()
            .flat_map(|(set, literals)| {
                literals.iter().flat_map(move |l| {
                    text.match_indices(l.as_str())
                        .map(move |(i, m)| (*set, i..i + m.len()))
                })
            })
            .collect();
        hits.sort_by_key(|(_, r)| (r.start, r.end));
        Grouped::new(hits)
    }

    #[test]
    fn a_common_first_word_runs_only_with_the_rarer_one_in_reach() {
        let (needs, groups) = needs_of(FORMULA, &["宝宝", "婴儿", "配方奶"]);
        assert_eq!(groups.new.len(), 1, "{:?}", groups.new);
        assert!(groups.new[0].1.contains(&"奶粉".to_string()));
        let met = |text: &str, literal: &str, reach: usize| {
            let at = text.find(literal).unwrap();
            let span = at..(at + reach).min(text.len());
            needs.met(
                text,
                &(at..at + literal.len()),
                &span,
                &occurrences(text, &groups.new),
            )
        };
        assert!(!met("宝宝今天很开心", "宝宝", 60));
        assert!(met("宝宝喝的奶粉更健脑", "宝宝", 60));
        // Out of reach is as good as absent.
        assert!(!met("宝宝喝的奶粉更健脑", "宝宝", 9));
        // The other branch's start needs nothing.
        assert!(met("配方奶益智", "配方奶", 60));
    }

    #[test]
    fn a_literal_of_a_branch_without_a_rarer_word_always_runs() {
        // 宝宝 also starts a branch that needs no other literal: every run
        // through it goes ahead.
        let (needs, _) = needs_of("宝宝[^。]{0,6}奶粉|宝宝(?:益智|健脑)", &["宝宝"]);
        assert!(needs.map.is_empty(), "{needs:?}");
    }

    /// Every match of the only pattern of `patterns`, from each occurrence
    /// of its `literals`, with or without confirming.
    fn anchored_matches(pattern: &str, text: &str, confirm: bool) -> Vec<(u32, usize, usize)> {
        let compiled = RulePattern::compile(pattern).unwrap();
        let (mut patterns, lookups) = Patterns::new(vec![(0, compiled)]);
        if !confirm {
            patterns = patterns.without_confirming();
        }
        let mut literals = Vec::new();
        let mut sets = Vec::new();
        for (what, list) in lookups {
            match what {
                Use::Anchor(p) => literals.push((p, list)),
                Use::AnchorConfirm(set) => sets.push((set, list)),
                other => panic!("{pattern} is not anchored: {other:?}"),
            }
        }
        let mut found = Vec::new();
        patterns.find_anchored(
            text,
            &occurrences(text, &literals),
            &occurrences(text, &sets),
            |r, s, e| found.push((r, s, e)),
        );
        found
    }

    #[test]
    fn confirmed_runs_find_the_matches() {
        let text = "宝宝很乖。配方奶益智。宝宝喝奶粉更健脑";
        let found: Vec<&str> = anchored_matches(FORMULA, text, true)
            .iter()
            .map(|&(_, s, e)| &text[s..e])
            .collect();
        assert_eq!(found, ["配方奶益智", "宝宝喝奶粉更健脑"]);
    }

    proptest::proptest! {
        /// Runs skipped for want of a confirming literal would have found
        /// nothing.
        #[test]
        fn confirming_loses_no_match(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "宝宝", "婴儿", "奶粉", "配方奶", "益智", "健脑", "喝", "的",
                    "。", "很", "宝宝奶粉", "奶粉益智", "配方奶益智",
                ]),
                0..20,
            )
        ) {
            let text: String = words.concat();
            proptest::prop_assert_eq!(
                anchored_matches(FORMULA, &text, true),
                anchored_matches(FORMULA, &text, false)
            );
        }
    }
}
