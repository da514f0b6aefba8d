//! The rest of a match on either side of a windowed pattern's literal.
//!
//! A windowed pattern runs over a few hundred bytes around each of its
//! literals, and most runs find nothing: 万 turns up with a number before
//! it far more often than in a count of users. What a match has right
//! before its literal is a small regex of its own, and so is what it has
//! right after; each is checked from the literal outwards, before it and
//! after it, and stops within a few characters where nothing fits. Where
//! either cannot match, no match runs through the literal and the window is
//! not searched.

use super::neighbours::Neighbours;
use super::pair_index::KeyHasher;
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson;
use regex_automata::{Anchored, Input, PatternID};
use regex_syntax::hir::Hir;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::ops::Range;
use std::sync::{Arc, Mutex};

/// Largest NFA built for one side of one pattern's literals; a larger
/// side goes unchecked.
const NFA_SIZE_LIMIT: usize = 1 << 20;

/// Room for the states the lazy DFAs of one side learn, per thread.
const CACHE_CAPACITY: usize = 1 << 20;

/// The sides of a windowed pattern's literals, as DFAs with one pattern per
/// place a literal has in the pattern: a reverse one for what stands
/// before, a forward one for what stands after.
#[derive(Debug, Clone)]
pub(crate) struct Ends {
    before: Option<DFA>,
    after: Option<DFA>,
    /// Per literal, its places: its pattern in `before` and in `after`,
    /// where that side is known. A literal with a place known on neither
    /// side is not listed.
    places: HashMap<Box<str>, Sides, BuildHasherDefault<KeyHasher>>,
}

/// The places of one literal.
#[derive(Debug, Clone)]
struct Sides {
    /// What stands beside the literal in any of its places.
    any: Place,
    /// Each place, when there is more than one.
    each: Box<[Place]>,
}

/// What stands on one side of a literal in one place, where known.
type Side = Option<Arc<Hir>>;

/// One place of a literal in a pattern: its sides' patterns in the DFAs.
#[derive(Debug, Clone, Copy)]
struct Place {
    before: Option<PatternID>,
    after: Option<PatternID>,
}

/// The lazy DFA caches of one pattern's [`Ends`].
#[derive(Debug)]
pub(crate) struct EndsCache {
    before: Option<Cache>,
    after: Option<Cache>,
}

impl Ends {
    /// The ends of each of the `kept` literals, from the places of all the
    /// pattern's literals in `all`: a kept literal inside a longer one has
    /// the rest of that one beside it. `None` when no literal has a known
    /// side in every place.
    pub(crate) fn new(all: &[(String, Neighbours)], kept: &[String]) -> Option<Ends> {
        let mut leading = Vec::new();
        let mut trailing = Vec::new();
        let mut places = HashMap::default();
        for k in kept {
            let mut here = Vec::new();
            for (lit, n) in all {
                for (at, _) in lit.match_indices(k.as_str()) {
                    let end = at + k.len();
                    let literal = |s: &str| Hir::literal(s.as_bytes());
                    let before = match at {
                        0 => n.leading.clone(),
                        _ => Some(Arc::new(Hir::concat(
                            n.leading
                                .iter()
                                .map(|h| Hir::clone(h))
                                .chain([literal(&lit[..at])])
                                .collect(),
                        ))),
                    };
                    let after = match end == lit.len() {
                        true => n.trailing.clone(),
                        false => Some(Arc::new(Hir::concat(
                            [literal(&lit[end..])]
                                .into_iter()
                                .chain(n.trailing.iter().map(|h| Hir::clone(h)))
                                .collect(),
                        ))),
                    };
                    // A side that may be empty rules nothing out.
                    let known =
                        |side: Side| side.filter(|h| h.properties().minimum_len() != Some(0));
                    let place = (known(before), known(after));
                    if !here.contains(&place) {
                        here.push(place);
                    }
                }
            }
            // A place with nothing known beside it lets every occurrence through.
            if here.is_empty() || here.iter().any(|(b, a)| b.is_none() && a.is_none()) {
                continue;
            }
            let id = |side: Side, list: &mut Vec<Hir>| {
                side.map(|hir| {
                    list.push(Hir::clone(&hir));
                    PatternID::new_unchecked(list.len() - 1)
                })
            };
            // Most occurrences fit no place: one walk each side over what
            // any place has there rules them out first.
            let union = |side: fn(&(Side, Side)) -> &Side| {
                let all: Option<Vec<Hir>> =
                    here.iter().map(|p| side(p).as_deref().cloned()).collect();
                all.map(|all| Arc::new(Hir::alternation(all)))
            };
            let any = match here.len() {
                1 => here[0].clone(),
                _ => (union(|p| &p.0), union(|p| &p.1)),
            };
            let mut place = |(b, a)| Place {
                before: id(b, &mut leading),
                after: id(a, &mut trailing),
            };
            let any = place(any);
            let each = match here.len() {
                1 => Box::default(),
                _ => here.into_iter().map(&mut place).collect(),
            };
            places.insert(k.as_str().into(), Sides { any, each });
        }
        if places.is_empty() {
            return None;
        }
        let before = build(&leading, true);
        let after = build(&trailing, false);
        if before.is_none() && after.is_none() {
            return None;
        }
        Some(Ends {
            before,
            after,
            places,
        })
    }

    /// Fresh caches for this pattern's DFAs.
    pub(crate) fn create_cache(&self) -> EndsCache {
        EndsCache {
            before: self.before.as_ref().map(DFA::create_cache),
            after: self.after.as_ref().map(DFA::create_cache),
        }
    }

    /// False when, in each place the literal at `literal` has in the
    /// pattern, what stands before or after it within `window` cannot be
    /// the rest of a match through it.
    pub(crate) fn fit(
        &self,
        cache: &mut EndsCache,
        text: &str,
        literal: &Range<usize>,
        window: &Range<usize>,
    ) -> bool {
        let Some(sides) = self.places.get(&text[literal.clone()]) else {
            return true;
        };
        let side =
            |dfa: &Option<DFA>, cache: &mut Option<Cache>, id, span: Range<usize>, reverse| {
                let (Some(dfa), Some(cache), Some(id)) = (dfa, cache.as_mut(), id) else {
                    return true;
                };
                walk(dfa, cache, text, span, id, reverse)
            };
        // The side after first: it mostly fails on the first character.
        let mut fits = |p: &Place| {
            side(
                &self.after,
                &mut cache.after,
                p.after,
                literal.end..window.end,
                false,
            ) && side(
                &self.before,
                &mut cache.before,
                p.before,
                window.start..literal.start,
                true,
            )
        };
        fits(&sides.any) && (sides.each.is_empty() || sides.each.iter().any(fits))
    }
}

/// Whether pattern `id` of `dfa` may match `text` from the end of `span`
/// backwards (`reverse`) or from its start forwards, staying inside it.
/// Stops at the first match or where none can follow; rules nothing out
/// where the DFA gives up.
fn walk(
    dfa: &DFA,
    cache: &mut Cache,
    text: &str,
    span: Range<usize>,
    id: PatternID,
    reverse: bool,
) -> bool {
    let input = Input::new(text)
        .range(span.clone())
        .anchored(Anchored::Pattern(id));
    let start = match reverse {
        true => dfa.start_state_reverse(cache, &input),
        false => dfa.start_state_forward(cache, &input),
    };
    let Ok(mut state) = start else {
        return true;
    };
    let bytes = text.as_bytes();
    let mut step = |state, b| dfa.next_state(cache, state, b).ok();
    let inside: &mut dyn Iterator<Item = &u8> = match reverse {
        true => &mut bytes[span.clone()].iter().rev(),
        false => &mut bytes[span.clone()].iter(),
    };
    for &b in inside {
        let Some(next) = step(state, b) else {
            return true;
        };
        state = next;
        if state.is_tagged() {
            if state.is_dead() {
                return false;
            }
            if state.is_match() || state.is_quit() {
                return true;
            }
        }
    }
    // A match may end at the edge of the span: the DFA sees it one byte
    // (or the end of the text) later.
    let beyond = match reverse {
        true => span.start.checked_sub(1).map(|at| bytes[at]),
        false => bytes.get(span.end).copied(),
    };
    let last = match beyond {
        Some(b) => dfa.next_state(cache, state, b),
        None => dfa.next_eoi_state(cache, state),
    };
    last.map_or(true, |s| s.is_match())
}

/// A DFA matching any of `hirs` (numbered in order), anchored at a chosen
/// one; reversed for the sides before literals.
fn build(hirs: &[Hir], reverse: bool) -> Option<DFA> {
    if hirs.is_empty() {
        return None;
    }
    let nfa = thompson::Compiler::new()
        .configure(
            thompson::Config::new()
                .reverse(reverse)
                .nfa_size_limit(Some(NFA_SIZE_LIMIT))
                .which_captures(thompson::WhichCaptures::None),
        )
        .build_many_from_hir(hirs)
        .ok()?;
    DFA::builder()
        .configure(
            DFA::config()
                .starts_for_each_pattern(true)
                .cache_capacity(CACHE_CAPACITY),
        )
        .build_from_nfa(nfa)
        .ok()
}

/// Caches kept between scans, one set per thread scanning at a time.
#[derive(Debug, Default)]
pub(crate) struct CacheStack<T>(Mutex<Vec<T>>);

impl<T> CacheStack<T> {
    /// A set of caches: one put back earlier, or a new one.
    pub(crate) fn take(&self, create: impl FnOnce() -> T) -> T {
        let kept = self.0.lock().map(|mut stack| stack.pop()).ok().flatten();
        kept.unwrap_or_else(create)
    }

    /// Keeps `caches` for the next scan.
    pub(crate) fn put(&self, caches: T) {
        if let Ok(mut stack) = self.0.lock() {
            stack.push(caches);
        }
    }
}

impl<T> Clone for CacheStack<T> {
    /// A clone learns its own states.
    fn clone(&self) -> Self {
        CacheStack(Mutex::new(Vec::new()))
    }
}
