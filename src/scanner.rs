//! `Scanner`: the pipeline from raw text to findings.

use crate::context::{
    clause_around, is_about_a_place, is_negated, is_reported, may_be_about_a_place, next_word_end,
    on_word_boundaries, place_window, sentence_around, window_around,
};
use crate::engine::dict::{covered_by, Dict, DictBuilder, Hits, Use};
use crate::engine::pattern::Patterns;
use crate::error::{Error, Result};
use crate::evasion::{CompiledForms, EvasionForms, EvasionKind};
use crate::facts::{apply, Facts, Outcome};
use crate::finding::{count_units, sort_and_dedup, Finding, RuleTexts, Span};
use crate::normalize::{normalize_term, Normalized, WordPairs};
use crate::rule::{Boundary, Category, EvasionSeverity, Extend, Profile, Rule, Severity};
use crate::ruleset::{selector_category, selector_matches, LoadedRule, RuleSet};
use crate::segment::{run_around, tokens, PlaceNames, Token};
use aho_corasick::AhoCorasick;
use regex::Regex;
use std::ops::Range;
use std::sync::Arc;
use unicode_segmentation::GraphemeCursor;

/// Texts longer than this are scanned in pieces cut at line or sentence ends,
/// so memory stays proportional to the piece, not the input. Each step of a
/// scan runs over a whole piece, so a larger piece brings each pattern's
/// tables into the cache fewer times; at 1 MiB the piece is still a few MiB
/// of memory.
const CHUNK: usize = 1024 * 1024;

/// Each piece is scanned with this much of its neighbours on either side, so
/// a phrase or its context across a cut is still seen; a finding belongs to
/// the piece its start lies in.
const OVERLAP: usize = 1024;

/// Finds rule violations in text. Built once, shared freely: it is
/// `Send + Sync`, and cloning it is cheap (an `Arc` inside).
///
/// ```
/// let scanner = adcop::Scanner::new();
/// let findings = scanner.scan("家人们，这是全网最低价！开封后最好冷藏。");
/// assert_eq!(findings.len(), 1);
/// assert_eq!(findings[0].matched(), "全网最低价");
/// ```
#[derive(Debug, Clone)]
pub struct Scanner {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    rules: Vec<CompiledRule>,
    /// Category exemption patterns, shared by the rules of their category:
    /// one regex, so one lazily built DFA that warms up for all of them.
    exemption_res: Vec<Regex>,
    dict: Dict,
    patterns: Patterns,
    allow: Option<AhoCorasick>,
    /// Longest allowed phrase, in bytes.
    allow_longest: usize,
    min_severity: Severity,
    profile: Profile,
    ruleset: RuleSet,
    /// Evasive forms to see through; `None` matches text as written.
    evasion: Option<Arc<CompiledForms>>,
    /// Adjacent character pairs of every phrase: where a separator may matter.
    word_pairs: WordPairs,
}

#[derive(Debug)]
struct CompiledRule {
    rule: Rule,
    exempt_re: Option<Regex>,
    /// The category's exemption patterns (one alternation per rule file),
    /// as indices into `Inner::exemption_res`.
    category_exempt_res: Vec<usize>,
    qualifier_re: Option<Regex>,
    /// The rule's qualifier phrases, searched in a candidate's sentence.
    qualifier_ac: Option<AhoCorasick>,
    /// The texts every finding of the rule carries.
    texts: RuleTexts,
}

/// Configures and builds a [`Scanner`].
#[derive(Debug, Clone, Default)]
pub struct ScannerBuilder {
    rules: Vec<RuleSet>,
    min_severity: Option<Severity>,
    select: Vec<String>,
    ignore: Vec<String>,
    allow: Vec<String>,
    profile: Profile,
    plain: bool,
    forms: Option<EvasionForms>,
}

impl ScannerBuilder {
    /// Adds a rule set. Called more than once, the sets are merged (duplicate
    /// IDs fail at `build`). Without any call, the built-in pack is used.
    pub fn rules(mut self, set: RuleSet) -> Self {
        self.rules.push(set);
        self
    }

    /// Drops findings below this severity (default: report everything).
    pub fn min_severity(mut self, severity: Severity) -> Self {
        self.min_severity = Some(severity);
        self
    }

    /// Says what kind of product the text sells (default: ordinary goods).
    /// Rules that judge a claim differently for that kind of product (a
    /// health-function claim for a registered health food) change severity.
    pub fn profile(mut self, profile: Profile) -> Self {
        self.profile = profile;
        self
    }

    /// Whether to see through evasive spellings (default: on): full-width
    /// and other compatibility forms, traditional characters, separators
    /// inside a term, stuttered characters, letter and pinyin spellings,
    /// homophones. Off, text is matched as written (after folding full-width
    /// ASCII and case).
    pub fn evasion(mut self, on: bool) -> Self {
        self.plain = !on;
        self
    }

    /// Replaces the built-in table of evasive forms (merge your entries into
    /// [`EvasionForms::builtin`] to extend it).
    pub fn evasion_forms(mut self, forms: EvasionForms) -> Self {
        self.forms = Some(forms);
        self
    }

    /// Keeps only rules whose ID starts with `selector` (`ABS`, `ABS001`) or
    /// whose category is named `selector` (`absolute`). May be called repeatedly.
    pub fn select(mut self, selector: impl Into<String>) -> Self {
        self.select.push(selector.into());
        self
    }

    /// Drops rules selected the same way as [`ScannerBuilder::select`].
    pub fn ignore(mut self, selector: impl Into<String>) -> Self {
        self.ignore.push(selector.into());
        self
    }

    /// Declares phrases fine (brand and product names such as 第一坊 or
    /// 至尊披萨): any finding inside an occurrence of one is dropped.
    pub fn allow<I, S>(mut self, phrases: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.allow.extend(
            phrases
                .into_iter()
                .map(|p| p.as_ref().trim().to_string())
                .filter(|p| !p.is_empty()),
        );
        self
    }

    /// Compiles the scanner. Fails on duplicate rule IDs or a selector that
    /// names no rule.
    pub fn build(self) -> Result<Scanner> {
        let set = if self.rules.is_empty() {
            RuleSet::builtin()
        } else {
            self.rules
                .into_iter()
                .try_fold(RuleSet::empty(), RuleSet::merge)?
        };
        let matches = |sel: &str, rule: &Rule| {
            selector_matches(sel, &rule.id) || selector_category(sel) == Some(rule.category)
        };
        for sel in self.select.iter().chain(&self.ignore) {
            if !set.rules().any(|r| matches(sel, r)) {
                return Err(Error::UnknownSelector {
                    selector: sel.clone(),
                });
            }
        }
        let chosen: Vec<&LoadedRule> = set
            .rules
            .iter()
            .filter(|l| self.select.is_empty() || self.select.iter().any(|s| matches(s, &l.rule)))
            .filter(|l| !self.ignore.iter().any(|s| matches(s, &l.rule)))
            .collect();

        let mut dict = DictBuilder::default();
        let mut word_pairs = WordPairs::default();
        // Exemptions of categories with no active rule would only slow the pass.
        let active = |c: Category| chosen.iter().any(|l| l.rule.category == c);
        for ex in set.exemptions().iter().filter(|ex| active(ex.category)) {
            for p in &ex.phrases {
                dict.add(p, Use::CategoryExempt(ex.category));
                word_pairs.add(p);
            }
        }
        let mut pattern_rules = Vec::new();
        let mut rules = Vec::with_capacity(chosen.len());
        for (i, loaded) in chosen.into_iter().enumerate() {
            let (i, rule) = (i as u32, &loaded.rule);
            for t in &rule.terms {
                dict.add(t, Use::Term(i));
                word_pairs.add(t);
            }
            for p in &rule.exempt {
                dict.add(p, Use::Exempt(i));
                word_pairs.add(p);
            }
            // Adjacent characters in a regex's source are literal sequences
            // (or a class, which only adds pairs).
            if let Some(p) = &rule.pattern {
                word_pairs.add(p);
            }
            // Regexes were compiled when the rules were loaded; cloning one
            // shares it.
            let compiled = loaded.compiled.clone();
            if let Some(p) = compiled.pattern {
                pattern_rules.push((i, p));
            }
            rules.push(CompiledRule {
                exempt_re: compiled.exempt,
                category_exempt_res: set
                    .exemption_res
                    .iter()
                    .enumerate()
                    .filter(|(_, (c, _))| *c == rule.category)
                    .map(|(i, _)| i)
                    .collect(),
                qualifier_re: compiled.qualifier,
                qualifier_ac: (!rule.qualifiers.is_empty())
                    .then(|| AhoCorasick::new(&rule.qualifiers).ok())
                    .flatten(),
                texts: RuleTexts::of(rule),
                rule: rule.clone(),
            });
        }
        let (patterns, lookups) = Patterns::new(pattern_rules);
        for (what, literals) in &lookups {
            for lit in literals {
                dict.add(lit, *what);
            }
        }
        let allow_phrases: Vec<String> = self.allow.iter().map(|p| normalize_term(p)).collect();
        let allow = if allow_phrases.is_empty() {
            None
        } else {
            AhoCorasick::new(&allow_phrases).ok()
        };
        Ok(Scanner {
            inner: Arc::new(Inner {
                rules,
                exemption_res: set.exemption_res.iter().map(|(_, re)| re.clone()).collect(),
                dict: dict.build(),
                patterns,
                allow,
                allow_longest: allow_phrases.iter().map(String::len).max().unwrap_or(0),
                min_severity: self.min_severity.unwrap_or(Severity::Info),
                profile: self.profile,
                ruleset: set,
                word_pairs,
                evasion: match (self.plain, self.forms) {
                    (true, _) => None,
                    (false, None) => Some(CompiledForms::builtin()),
                    (false, Some(forms)) => Some(Arc::new(CompiledForms::new(&forms))),
                },
            }),
        })
    }
}

/// A candidate that survived exemptions and boundary checks.
#[derive(Debug, Clone)]
struct Candidate {
    rule: u32,
    /// Where the rule term or pattern match that started it begins.
    term_start: usize,
    /// Byte range in the normalised chunk (after extension).
    range: Range<usize>,
    /// The sentence around the term, where qualifiers are looked for.
    sentence: Range<usize>,
    /// Length of the rule term or pattern match that started it, in bytes:
    /// between overlapping findings the longer term wins.
    term_len: usize,
    /// Set by [`Scanner::grade`].
    severity: Severity,
    /// Numbers the rule's check read.
    facts: Option<Facts>,
    /// [`EvasionKind`] bits of the text it covers, set by [`Scanner::grade`].
    evasion: u8,
    /// Found by a check that decides on its own (price arithmetic, prize
    /// cap): it neither swallows nor is swallowed by other findings.
    standalone: bool,
}

impl Default for Scanner {
    fn default() -> Self {
        Scanner::new()
    }
}

impl Scanner {
    /// A scanner with the built-in rule pack and default options.
    pub fn new() -> Scanner {
        Scanner::builder()
            .build()
            .unwrap_or_else(|e| panic!("built-in rule pack is broken: {e}"))
    }

    /// Starts configuring a scanner.
    pub fn builder() -> ScannerBuilder {
        ScannerBuilder::default()
    }

    /// The rules this scanner was built from (before `select`/`ignore`).
    pub fn rule_set(&self) -> &RuleSet {
        &self.inner.ruleset
    }

    /// The rules this scanner applies.
    pub fn active_rules(&self) -> impl Iterator<Item = &Rule> {
        self.inner.rules.iter().map(|r| &r.rule)
    }

    /// The active rule with ID `id` and the texts its findings carry.
    pub(crate) fn rule_with_texts(&self, id: &str) -> Option<(&Rule, &RuleTexts)> {
        self.inner
            .rules
            .iter()
            .find(|r| r.rule.id == id)
            .map(|r| (&r.rule, &r.texts))
    }

    /// Scans `text` and returns its findings, sorted by position. Never fails.
    pub fn scan(&self, text: &str) -> Vec<Finding> {
        self.scan_range(text, 0..text.len())
    }

    /// Scans `text`, keeping only findings that start inside `keep`; the rest
    /// of `text` is context. Spans are offsets into `text`. For callers that
    /// feed a long input through a bounded buffer.
    pub(crate) fn scan_range(&self, text: &str, keep: Range<usize>) -> Vec<Finding> {
        let mut findings = Vec::with_capacity(keep.len() / 2048);
        let mut offset = ceil_char_boundary(text, keep.start);
        let stop = ceil_char_boundary(text, keep.end);
        while offset < stop {
            let end = chunk_end(text, offset).min(stop);
            let window = floor_char_boundary(text, offset.saturating_sub(OVERLAP))
                ..ceil_char_boundary(text, end + OVERLAP);
            self.scan_chunk(text, window, offset..end, &mut findings);
            offset = end;
        }
        sort_and_dedup(&mut findings);
        fill_unit_offsets(text, &mut findings);
        findings
    }

    /// Scans `text[chunk]`, keeping the findings that start inside `keep`.
    fn scan_chunk(
        &self,
        text: &str,
        chunk: Range<usize>,
        keep: Range<usize>,
        out: &mut Vec<Finding>,
    ) {
        let inner = &*self.inner;
        let original = &text[chunk.clone()];
        let norm = match &inner.evasion {
            Some(forms) => Normalized::with_forms(original, forms, Some(&inner.word_pairs)),
            None => Normalized::new(original),
        };
        let n = norm.text();

        let mut hits = inner.dict.hits(n);
        let terms = &mut hits.terms;
        inner
            .patterns
            .find_anchored(n, &hits.anchors, &hits.anchor_confirms, |r, start, end| {
                terms.push((r, start..end))
            });
        inner
            .patterns
            .find_windowed(n, &hits.windows, &hits.window_confirms, |r, start, end| {
                terms.push((r, start..end))
            });
        inner
            .patterns
            .find_free(n, |r, start, end| hits.terms.push((r, start..end)));
        if hits.terms.is_empty() {
            return;
        }

        // In order of start, so the segmenter's cache only holds runs that a
        // later term can still share.
        hits.terms.sort_by_key(|(_, r)| (r.start, r.end));
        let mut token_cache: Vec<(Range<usize>, Vec<Token>)> = Vec::new();
        // Which candidates stay depends on their spans, terms and rules, not
        // on severity: when none is filtered out, grading waits for the
        // candidates that stay.
        let grade_late = inner.min_severity == Severity::Info;
        let sentences = self.unexempted(n, &hits);
        let mut candidates = Vec::new();
        for ((rule_idx, term), sentence) in hits.terms.iter().zip(sentences) {
            let Some(sentence) = sentence else {
                continue;
            };
            token_cache.retain(|(run, _)| run.end > term.start);
            let Some(mut c) = self.claim(n, *rule_idx, term.clone(), sentence, &mut token_cache)
            else {
                continue;
            };
            if !grade_late {
                self.grade(&norm, &mut c);
                if c.severity < inner.min_severity {
                    continue;
                }
            }
            candidates.push(c);
        }
        drop_contained(&mut candidates, |r| inner.rules[r as usize].rule.category);

        let mut allowed: Vec<((), Range<usize>)> = inner
            .allow
            .as_ref()
            .map(|ac| {
                ac.find_overlapping_iter(n)
                    .map(|m| ((), m.start()..m.end()))
                    .collect()
            })
            .unwrap_or_default();
        allowed.sort_by_key(|(_, r)| (r.start, r.end));

        for mut c in candidates {
            if covered_by(&allowed, inner.allow_longest, &c.range, |_| true) {
                continue;
            }
            let (s, e) = norm.to_original(c.range.start, c.range.end);
            // The piece that owns the match decides, before widening: a
            // cluster may reach back into the previous piece.
            if !keep.contains(&(chunk.start + s)) {
                continue;
            }
            let (s, e) = grapheme_bounds(text, chunk.start + s, chunk.start + e);
            if grade_late {
                self.grade(&norm, &mut c);
            }
            let mut finding = Finding::of_rule(
                &inner.rules[c.rule as usize].texts,
                c.severity,
                Span { start: s, end: e },
                &text[s..e],
                c.facts,
            );
            finding.evasion = EvasionKind::from_bits(c.evasion);
            out.push(finding);
        }
    }

    /// The sentence around each term of `hits` that no exemption covers,
    /// `None` for the rest. Terms are checked rule by rule, each rule's in
    /// order of start: one exemption regex runs many times in a row, its
    /// lazy DFA staying in the processor's cache instead of being fetched
    /// again for every candidate.
    fn unexempted(&self, n: &str, hits: &Hits) -> Vec<Option<Range<usize>>> {
        let inner = &*self.inner;
        let mut order: Vec<u32> = (0..hits.terms.len() as u32).collect();
        order.sort_by_key(|&i| hits.terms[i as usize].0);
        let mut sentences = vec![None; hits.terms.len()];
        for i in order {
            let (rule_idx, term) = &hits.terms[i as usize];
            let compiled = &inner.rules[*rule_idx as usize];
            if hits.exempts(*rule_idx, compiled.rule.category, term) {
                continue;
            }
            let sentence = sentence_around(n, term.clone());
            // Exemption patterns are short: look only near the term.
            let window = window_around(n, &sentence, term);
            let covers = |m: regex::Match| {
                window.start + m.start() <= term.start && window.start + m.end() >= term.end
            };
            // Most windows hold no exemption at all: a match test is
            // cheaper than finding where matches are.
            let exempt_near = |re: &Regex| {
                let near = &n[window.clone()];
                re.is_match(near) && re.find_iter(near).any(covers)
            };
            if compiled.exempt_re.as_ref().is_some_and(exempt_near)
                || compiled
                    .category_exempt_res
                    .iter()
                    .any(|&i| exempt_near(&inner.exemption_res[i]))
            {
                continue;
            }
            sentences[i as usize] = Some(sentence);
        }
        sentences
    }

    /// Decides whether one term match that no exemption covers is a claim,
    /// and what text it claims; [`Scanner::grade`] says how serious it is.
    fn claim(
        &self,
        n: &str,
        rule_idx: u32,
        term: Range<usize>,
        sentence: Range<usize>,
        token_cache: &mut Vec<(Range<usize>, Vec<Token>)>,
    ) -> Option<Candidate> {
        let inner = &*self.inner;
        let compiled = &inner.rules[rule_idx as usize];
        let rule = &compiled.rule;

        let check_boundary = match rule.boundary {
            Boundary::Auto => n[term.clone()].chars().count() <= 2,
            Boundary::Always => true,
            Boundary::Never => false,
        };
        let mut end = term.end;
        if check_boundary || rule.extend == Extend::NextWord {
            let run = run_around(n, term.clone());
            let toks = match token_cache.iter().position(|(r, _)| *r == run) {
                Some(i) => &token_cache[i].1,
                None => {
                    token_cache.push((run.clone(), tokens(n, run)));
                    &token_cache[token_cache.len() - 1].1
                }
            };
            if check_boundary && !on_word_boundaries(toks, &term) {
                return None;
            }
            if rule.extend == Extend::NextWord {
                end = next_word_end(n, toks, &term).max(term.end);
                // A term that grades the next word and is followed by none
                // (最。, 哪个最？, an utterance cut off) claims nothing.
                if end == term.end {
                    return None;
                }
            }
        }
        let mut claim = term.start..end;
        let mut facts = None;
        if let Some(check) = rule.check {
            match apply(check, n, &sentence, &claim) {
                Outcome::Keep(read, span) => {
                    facts = read;
                    claim = span;
                }
                Outcome::Drop => return None,
            }
        }

        Some(Candidate {
            rule: rule_idx,
            term_start: term.start,
            term_len: term.len(),
            range: claim,
            sentence,
            severity: rule.severity,
            facts,
            evasion: 0,
            standalone: rule.check.is_some_and(|c| c.filters()),
        })
    }

    /// Sets how serious claim `c` is, and the evasions in its text: the
    /// rule's severity for the profile, lowered by what the sentence says
    /// around it (a qualifier, a negation, a place, a quotation).
    fn grade(&self, norm: &Normalized, c: &mut Candidate) {
        let inner = &*self.inner;
        let n = norm.text();
        let compiled = &inner.rules[c.rule as usize];
        let rule = &compiled.rule;
        let (sentence, claim) = (&c.sentence, &c.range);
        let mut severity = rule
            .profiles
            .get(&inner.profile)
            .copied()
            .unwrap_or(rule.severity);
        let qualified = compiled
            .qualifier_ac
            .as_ref()
            .is_some_and(|ac| ac.is_match(&n[sentence.clone()]))
            || compiled
                .qualifier_re
                .as_ref()
                .is_some_and(|re| re.is_match(&n[sentence.clone()]));
        if qualified {
            severity = severity.min(rule.qualified);
        }
        if is_negated(n, sentence, c.term_start) {
            severity = severity.lowered();
        }
        // Only superlatives and price claims describe places (全国最大的眼镜基地);
        // jieba also tags some common words as places (福利).
        if severity > Severity::Info
            && matches!(rule.category, Category::Absolute | Category::Price)
        {
            let clause = clause_around(n, claim.clone());
            if may_be_about_a_place(n, &clause, claim) {
                let window = place_window(n, &clause, claim);
                let mut places = PlaceNames::new(n, window.clone());
                if is_about_a_place(n, &tokens(n, window), claim, |t| places.is_place(t)) {
                    severity = Severity::Info;
                }
            }
        }
        if is_reported(n, sentence, claim) {
            severity = Severity::Info;
        }
        c.evasion = norm.kinds(claim.start, claim.end);
        if c.evasion & EvasionKind::LOWERING_BITS != 0
            && rule.evasion_severity == EvasionSeverity::Lower
        {
            severity = severity.lowered();
        }
        c.severity = severity;
    }
}

/// Keeps one finding per stretch of text and category: a candidate inside a
/// longer one of its category is dropped, and on equal spans the longer term,
/// then the earlier rule, wins. An absolute term inside any longer claim is
/// dropped too (最低 inside 全网最低价): it is the same wording. Claims of
/// other categories stay (祛斑 inside 原价299的祛斑霜今天只要99).
fn drop_contained(cands: &mut Vec<Candidate>, category_of: impl Fn(u32) -> Category) {
    let (standalone, rest): (Vec<Candidate>, Vec<Candidate>) =
        cands.drain(..).partition(|c| c.standalone);
    *cands = rest;
    cands.sort_by(|a, b| {
        (
            a.range.start,
            std::cmp::Reverse(a.range.end),
            std::cmp::Reverse(a.term_len),
            a.rule,
        )
            .cmp(&(
                b.range.start,
                std::cmp::Reverse(b.range.end),
                std::cmp::Reverse(b.term_len),
                b.rule,
            ))
    });
    let mut kept: Vec<(Category, Candidate)> = Vec::with_capacity(cands.len());
    // Kept spans per category. Sorted by start, then longest first: only a
    // kept span of the same category can contain `c`, and since none of those
    // contains another, their ends grow along each list.
    let mut by_category: Vec<(Category, Vec<Range<usize>>)> = Vec::new();
    let mut rule_ends: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    for c in cands.drain(..) {
        let category = category_of(c.rule);
        let spans = match by_category.iter().position(|(k, _)| *k == category) {
            Some(i) => &mut by_category[i].1,
            None => {
                by_category.push((category, Vec::new()));
                &mut by_category.last_mut().expect("just pushed").1
            }
        };
        let inside = spans
            .iter()
            .rev()
            .take_while(|k| k.end > c.range.start || k.start == c.range.start)
            .any(|k| k.start <= c.range.start && k.end >= c.range.end);
        // Two matches of one rule that overlap are one claim read twice
        // (价格绝对是全网最低 | 全网最低价): the earlier, longer one stays.
        let rule_end = rule_ends.entry(c.rule).or_insert(0);
        if !inside && c.range.start >= *rule_end {
            *rule_end = c.range.end;
            spans.push(c.range.clone());
            kept.push((category, c));
        }
    }
    // Absolute terms inside a claim of another category.
    let others: Vec<Range<usize>> = kept
        .iter()
        .filter(|(k, _)| *k != Category::Absolute)
        .map(|(_, c)| c.range.clone())
        .collect();
    let mut reach = Vec::with_capacity(others.len());
    let mut furthest = 0;
    for r in &others {
        furthest = furthest.max(r.end);
        reach.push(furthest);
    }
    kept.retain(|(k, c)| {
        if *k != Category::Absolute {
            return true;
        }
        let before = others.partition_point(|r| r.start <= c.range.start);
        before == 0 || reach[before - 1] < c.range.end
    });
    *cands = kept.into_iter().map(|(_, c)| c).collect();
    // Two triggers of one check in a sentence (抽奖 … 一等奖 … 价值6万) read
    // the same numbers: of overlapping findings of one rule keep the first.
    let mut standalone = standalone;
    standalone.sort_by_key(|c| (c.rule, c.range.start, std::cmp::Reverse(c.range.end)));
    let mut last: Option<(u32, usize)> = None;
    for c in standalone {
        if last.is_some_and(|(rule, end)| rule == c.rule && c.range.start < end) {
            continue;
        }
        last = Some((c.rule, c.range.end));
        cands.push(c);
    }
}

/// The char boundary at or before byte `i` (clamped to the text).
pub(crate) fn floor_char_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The char boundary at or after byte `i` (clamped to the text).
pub(crate) fn ceil_char_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// How much text either side of a kept range [`Scanner::scan_range`] reads as
/// context.
pub(crate) const CONTEXT_BYTES: usize = OVERLAP;

/// Where a piece of `text` starting at `start` is best cut: see [`chunk_end`].
pub(crate) fn cut_point(text: &str, start: usize) -> usize {
    chunk_end(text, start)
}

/// Where the chunk starting at `start` should end: within `CHUNK` bytes, just
/// after a line end or sentence end when there is one, else at a char boundary.
fn chunk_end(text: &str, start: usize) -> usize {
    let hard = start + CHUNK;
    if hard >= text.len() {
        return text.len();
    }
    let cut = floor_char_boundary(text, hard);
    let window = &text[start..cut];
    let soft = window
        .rfind(['\n', '。', '！', '？', '!', '?', '；'])
        .map(|i| start + i + window[i..].chars().next().map_or(1, char::len_utf8));
    match soft {
        Some(s) if s > start + CHUNK / 2 => s,
        _ => cut,
    }
}

/// Widens a byte range to grapheme-cluster boundaries so a span never splits
/// a keycap, an emoji sequence or a base letter from its combining marks.
fn grapheme_bounds(text: &str, start: usize, end: usize) -> (usize, usize) {
    let mut s = start;
    let mut cursor = GraphemeCursor::new(s, text.len(), true);
    if !cursor.is_boundary(text, 0).unwrap_or(true) {
        s = cursor.prev_boundary(text, 0).ok().flatten().unwrap_or(s);
    }
    let mut e = end;
    let mut cursor = GraphemeCursor::new(e, text.len(), true);
    if !cursor.is_boundary(text, 0).unwrap_or(true) {
        e = cursor.next_boundary(text, 0).ok().flatten().unwrap_or(e);
    }
    (s, e.max(s))
}

/// Fills char and UTF-16 spans from byte spans, in one pass over the text
/// (findings are sorted by start).
fn fill_unit_offsets(text: &str, findings: &mut [Finding]) {
    let (mut pos, mut chars, mut units) = (0usize, 0usize, 0usize);
    for f in findings.iter_mut() {
        let (c, u) = count_units(&text.as_bytes()[pos..f.span.start]);
        chars += c;
        units += u;
        pos = f.span.start;
        let (c, u) = count_units(&text.as_bytes()[f.span.start..f.span.end]);
        f.char_span = Span {
            start: chars,
            end: chars + c,
        };
        f.utf16_span = Span {
            start: units,
            end: units + u,
        };
    }
}
