//! Regex rules: one `RegexSet` pass says which patterns occur at all; only
//! those are then run to find where.

use regex::{Regex, RegexSet, RegexSetBuilder};

use crate::ruleset::REGEX_SIZE_LIMIT;

/// The compiled pattern rules.
#[derive(Debug, Clone, Default)]
pub(crate) struct Patterns {
    set: Option<RegexSet>,
    each: Vec<(u32, Regex)>,
}

impl Patterns {
    /// `rules` pairs a rule index with its compiled pattern.
    pub(crate) fn new(rules: Vec<(u32, Regex)>) -> Patterns {
        if rules.is_empty() {
            return Patterns::default();
        }
        let set = RegexSetBuilder::new(rules.iter().map(|(_, r)| r.as_str()))
            .size_limit(REGEX_SIZE_LIMIT * 8)
            .dfa_size_limit(REGEX_SIZE_LIMIT * 8)
            .build()
            .ok();
        Patterns { set, each: rules }
    }

    /// Calls `found(rule, start, end)` for every pattern match in `text`.
    pub(crate) fn find(&self, text: &str, mut found: impl FnMut(u32, usize, usize)) {
        let run = |rule: u32, re: &Regex, found: &mut dyn FnMut(u32, usize, usize)| {
            for m in re.find_iter(text) {
                if !m.is_empty() {
                    found(rule, m.start(), m.end());
                }
            }
        };
        match &self.set {
            Some(set) => {
                for i in set.matches(text).iter() {
                    let (rule, re) = &self.each[i];
                    run(*rule, re, &mut found);
                }
            }
            // The set outgrew its size limit: run each pattern on its own.
            None => {
                for (rule, re) in &self.each {
                    run(*rule, re, &mut found);
                }
            }
        }
    }
}
