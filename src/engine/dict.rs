//! All literal phrases of a rule set (terms, exemptions, qualifiers) in one
//! aho-corasick automaton, so one pass over the text finds them all.

use crate::rule::Category;
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use std::collections::HashMap;

/// Above this many phrases the automaton is left to pick its own kind: a
/// forced DFA for a huge user pack would take too much memory.
const DFA_PHRASE_LIMIT: usize = 20_000;

/// What one phrase means to one rule or category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Use {
    /// A term of rule `n`.
    Term(u32),
    /// An exemption of rule `n`.
    Exempt(u32),
    /// An exemption for every rule of a category.
    CategoryExempt(Category),
    /// A qualifier of rule `n`.
    Qualifier(u32),
}

/// One hit of the dictionary pass.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) what: Use,
}

/// The dictionary automaton and, per phrase, its uses.
#[derive(Debug, Clone, Default)]
pub(crate) struct Dict {
    automaton: Option<AhoCorasick>,
    uses: Vec<Vec<Use>>,
}

/// Collects phrases before the automaton is built.
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
        if self.phrases.is_empty() {
            return Dict::default();
        }
        let kind = (self.phrases.len() <= DFA_PHRASE_LIMIT).then_some(AhoCorasickKind::DFA);
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(kind)
            .build(&self.phrases)
            .or_else(|_| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .build(&self.phrases)
            })
            .ok();
        Dict {
            automaton,
            uses: self.uses,
        }
    }
}

impl Dict {
    /// Every occurrence of every phrase, overlaps included, with each use.
    pub(crate) fn hits(&self, text: &str, out: &mut Vec<Hit>) {
        let Some(ac) = &self.automaton else { return };
        for m in ac.find_overlapping_iter(text) {
            for &what in &self.uses[m.pattern().as_usize()] {
                out.push(Hit {
                    start: m.start(),
                    end: m.end(),
                    what,
                });
            }
        }
    }
}
