//! Regex rules. A pattern whose matches must start with one of a small set of
//! literals (价格, 年度, 100% …) is anchored: its literals join the dictionary
//! pass, and the regex runs only where one of them occurs. The rest run as one
//! `RegexSet` pass that says which patterns occur at all.

use regex::{Regex, RegexSet, RegexSetBuilder};
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Look, LookSet};

use crate::ruleset::REGEX_SIZE_LIMIT;

/// More prefix literals than this and the dictionary is better off without them.
const MAX_ANCHORS: usize = 256;

/// Anchor literals are cut to this many characters: shorter literals mean
/// fewer of them, and three CJK characters are rare enough to anchor on.
const ANCHOR_CHARS: usize = 3;

/// How far an anchored pattern may match from its literal, in bytes.
const ANCHORED_REACH: usize = 512;

/// One rule's pattern, compiled for how it will be searched.
#[derive(Debug, Clone)]
pub(crate) enum RulePattern {
    /// Run at each occurrence of one of `literals`, anchored there.
    Anchored {
        regex: Regex,
        literals: Vec<String>,
        /// The pattern asserts the end of the text (`$`): search to it.
        to_end: bool,
    },
    /// Searched over the whole text.
    Free(Regex),
}

impl RulePattern {
    /// Compiles a normalised pattern, anchored when it has few literal prefixes.
    pub(crate) fn compile(pattern: &str) -> Result<RulePattern, String> {
        let build = crate::ruleset::compile;
        match prefix_literals(pattern) {
            Some(literals) => Ok(RulePattern::Anchored {
                regex: build(&format!(r"\A(?:{pattern})"))?,
                literals,
                to_end: ends_text(pattern),
            }),
            None => Ok(RulePattern::Free(build(pattern)?)),
        }
    }
}

/// The compiled pattern rules.
#[derive(Debug, Clone, Default)]
pub(crate) struct Patterns {
    /// Per anchored pattern: its rule, the regex anchored at the start, and
    /// whether it must see the text to its end.
    anchored: Vec<(u32, Regex, bool)>,
    /// Patterns without usable literals, searched over the whole text.
    set: Option<RegexSet>,
    free: Vec<(u32, Regex)>,
}

/// A pattern and the literals one of which starts each of its matches.
pub(crate) struct Anchors {
    /// Index into the anchored patterns, for [`Patterns::find_at`].
    pub(crate) pattern: u32,
    pub(crate) literals: Vec<String>,
}

/// The assertions an anchored pattern may use: the end of the text.
fn end_of_text() -> LookSet {
    LookSet::singleton(Look::End)
        .insert(Look::EndLF)
        .insert(Look::EndCRLF)
}

/// True when the pattern asserts the end of the text somewhere.
fn ends_text(pattern: &str) -> bool {
    regex_syntax::Parser::new().parse(pattern).is_ok_and(|hir| {
        !hir.properties()
            .look_set()
            .intersect(end_of_text())
            .is_empty()
    })
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
    let seq = Extractor::new()
        .kind(ExtractKind::Prefix)
        .limit_total(16 * MAX_ANCHORS)
        .extract(&hir);
    let mut literals = std::collections::BTreeSet::new();
    for lit in seq.literals()? {
        // Any prefix of a prefix literal is one too: cut each to a few whole
        // characters (the extractor may also have cut one inside a character).
        let bytes = lit.as_bytes();
        let valid = match std::str::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).ok()?,
        };
        let short: String = valid.chars().take(ANCHOR_CHARS).collect();
        if short.is_empty() {
            return None;
        }
        literals.insert(short);
    }
    (!literals.is_empty() && literals.len() <= MAX_ANCHORS).then(|| literals.into_iter().collect())
}

impl Patterns {
    /// `rules` pairs a rule index with its compiled pattern. Returns the
    /// patterns and the literals to add to the dictionary.
    pub(crate) fn new(rules: Vec<(u32, RulePattern)>) -> (Patterns, Vec<Anchors>) {
        let mut patterns = Patterns::default();
        let mut anchors = Vec::new();
        for (rule, pattern) in rules {
            match pattern {
                RulePattern::Anchored {
                    regex,
                    literals,
                    to_end,
                } => {
                    anchors.push(Anchors {
                        pattern: patterns.anchored.len() as u32,
                        literals,
                    });
                    patterns.anchored.push((rule, regex, to_end));
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
        (patterns, anchors)
    }

    /// Runs anchored pattern `pattern` at byte `start` of `text`; returns its
    /// rule and the match end.
    pub(crate) fn find_at(&self, text: &str, pattern: u32, start: usize) -> Option<(u32, usize)> {
        let (rule, re, to_end) = self.anchored.get(pattern as usize)?;
        let reach = if *to_end {
            text.len()
        } else {
            start + ANCHORED_REACH
        };
        let mut end = reach.min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        re.find(&text[start..end])
            .filter(|m| !m.is_empty())
            .map(|m| (*rule, start + m.end()))
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
        let RulePattern::Anchored { to_end, .. } = &p else {
            panic!("not anchored: {p:?}");
        };
        assert!(to_end);
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
}
