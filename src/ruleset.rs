//! Loading and validating rule packs: the built-in one and users' own.

use crate::engine::pattern::RulePattern;
use crate::error::{Error, Result};
use crate::normalize::{normalize_pattern, normalize_term};
use crate::rule::{Category, CategoryExemptions, Rule};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

/// Most bytes a compiled rule regex may take; keeps a hostile pack from eating memory.
pub(crate) const REGEX_SIZE_LIMIT: usize = 2 * 1024 * 1024;

/// Most phrases in one list: a rule's terms, exemptions or qualifiers, or a
/// category's exemption phrases. The built-in pack's longest has 144.
pub(crate) const MAX_PHRASES: usize = 10_000;

/// Longest phrase, in characters. The built-in pack's longest has 14.
pub(crate) const MAX_PHRASE_CHARS: usize = 64;

/// Checks a phrase list against the limits before any work is done on it,
/// so a hostile pack fails fast instead of loading slowly.
fn check_phrases(key: &str, phrases: &[String]) -> std::result::Result<(), String> {
    if phrases.len() > MAX_PHRASES {
        return Err(format!(
            "'{key}' has {} phrases; at most {MAX_PHRASES} are allowed",
            phrases.len()
        ));
    }
    if let Some(p) = phrases
        .iter()
        .find(|p| p.chars().count() > MAX_PHRASE_CHARS)
    {
        let head: String = p.chars().take(16).collect();
        return Err(format!(
            "'{key}' has a phrase of {} characters ({head:?}…); at most {MAX_PHRASE_CHARS} are allowed",
            p.chars().count()
        ));
    }
    Ok(())
}

/// A built-in rule file: its name and its text, embedded at compile time.
macro_rules! builtin {
    ($name:literal) => {
        (
            concat!("rules/", $name, ".toml"),
            include_str!(concat!("../rules/", $name, ".toml")),
        )
    };
}

/// The built-in rule files, embedded at compile time.
const BUILTIN: &[(&str, &str)] = &[
    builtin!("absolute"),
    builtin!("price"),
    builtin!("price_reference"),
    builtin!("urgency"),
    builtin!("prize"),
    builtin!("medical"),
    builtin!("health"),
    builtin!("cosmetics"),
    builtin!("guarantee"),
    builtin!("infant"),
    builtin!("endorsement"),
    builtin!("education"),
    builtin!("finance"),
    builtin!("realestate"),
    builtin!("aftersales"),
    builtin!("offplatform"),
    builtin!("data"),
    builtin!("authority"),
    builtin!("disparagement"),
    builtin!("superstition"),
    builtin!("patent"),
    builtin!("alcohol"),
    builtin!("tobacco"),
    builtin!("agriculture"),
    builtin!("public"),
];

/// A rule together with where it came from and its compiled regexes.
#[derive(Debug, Clone)]
pub(crate) struct LoadedRule {
    pub(crate) rule: Rule,
    pub(crate) origin: String,
    pub(crate) line: usize,
    pub(crate) compiled: CompiledRegexes,
}

/// A rule's regexes, compiled once when the rule is loaded (validation needs
/// them anyway) and shared by every scanner built from it: compiling them
/// is most of what building a scanner would otherwise cost.
#[derive(Debug, Clone, Default)]
pub(crate) struct CompiledRegexes {
    pub(crate) pattern: Option<RulePattern>,
    pub(crate) exempt: Option<regex::Regex>,
    pub(crate) qualifier: Option<regex::Regex>,
}

/// A validated collection of rules and category exemptions.
///
/// Build one with [`RuleSet::builtin`], [`RuleSet::from_toml`],
/// [`RuleSet::from_file`] or [`RuleSet::from_dir`], combine them with
/// [`RuleSet::merge`], then hand it to [`crate::Scanner::builder`].
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub(crate) rules: Vec<LoadedRule>,
    pub(crate) exemptions: Vec<CategoryExemptions>,
    /// Per `[[exemptions]]` block with patterns: its category and its
    /// patterns compiled as one alternation.
    pub(crate) exemption_res: Vec<(Category, regex::Regex)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rule: Vec<toml::Spanned<Rule>>,
    #[serde(default)]
    exemptions: Vec<toml::Spanned<CategoryExemptions>>,
}

impl RuleSet {
    /// The rule pack that ships with adcop (everything under `rules/`).
    ///
    /// Parsed once per process; later calls clone the cached set.
    pub fn builtin() -> RuleSet {
        static BUILTIN_SET: OnceLock<RuleSet> = OnceLock::new();
        BUILTIN_SET
            .get_or_init(|| {
                let mut set = RuleSet::default();
                for (origin, text) in BUILTIN {
                    let pack = RuleSet::from_toml(origin, text)
                        .unwrap_or_else(|e| panic!("built-in rule pack is broken: {e}"));
                    set = set
                        .merge(pack)
                        .unwrap_or_else(|e| panic!("built-in rule pack is broken: {e}"));
                }
                set
            })
            .clone()
    }

    /// An empty set, to which packs can be merged.
    pub fn empty() -> RuleSet {
        RuleSet::default()
    }

    /// Parses and validates one rule file's text. `origin` names it in errors.
    pub fn from_toml(origin: &str, text: &str) -> Result<RuleSet> {
        let file: RuleFile = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
            Error::Parse {
                origin: origin.to_string(),
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })?;
        let mut set = RuleSet::default();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for spanned in file.rule {
            let line = line_col(text, spanned.span().start).0;
            let mut rule = spanned.into_inner();
            let compiled = validate(&mut rule, origin, line)?;
            if let Some(first) = seen.insert(rule.id.clone(), line) {
                return Err(Error::DuplicateId {
                    origin: origin.to_string(),
                    line,
                    rule: rule.id,
                    first_origin: origin.to_string(),
                    first_line: first,
                });
            }
            set.rules.push(LoadedRule {
                rule,
                origin: origin.to_string(),
                line,
                compiled,
            });
        }
        for spanned in file.exemptions {
            let line = line_col(text, spanned.span().start).0;
            let mut ex = spanned.into_inner();
            let fail = |message: String| Error::InvalidRule {
                origin: origin.to_string(),
                line,
                rule: format!("[[exemptions]] {}", ex.category),
                message,
            };
            check_phrases("phrases", &ex.phrases).map_err(fail)?;
            ex.phrases = clean_phrases(&ex.phrases);
            for p in &ex.patterns {
                if matches_empty(p).map_err(fail)? {
                    return Err(fail(format!("pattern {p:?} matches the empty string")));
                }
            }
            if !ex.patterns.is_empty() {
                let alternation: Vec<String> =
                    ex.patterns.iter().map(|p| format!("(?:{p})")).collect();
                let re = compile(&alternation.join("|")).map_err(fail)?;
                set.exemption_res.push((ex.category, re));
            }
            set.exemptions.push(ex);
        }
        Ok(set)
    }

    /// Reads and validates one rule file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<RuleSet> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let origin = path.display().to_string();
        let text = std::str::from_utf8(&bytes).map_err(|e| Error::Utf8 {
            origin: origin.clone(),
            byte_offset: e.valid_up_to(),
        })?;
        RuleSet::from_toml(&origin, text)
    }

    /// Reads every `*.toml` file in a directory (not recursively), in name order.
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<RuleSet> {
        let dir = dir.as_ref();
        let io = |source| Error::Io {
            path: dir.to_path_buf(),
            source,
        };
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if path.is_file() && path.extension().is_some_and(|e| e == "toml") {
                paths.push(path);
            }
        }
        paths.sort();
        let mut set = RuleSet::default();
        for path in paths {
            set = set.merge(RuleSet::from_file(&path)?)?;
        }
        Ok(set)
    }

    /// Combines two sets. Fails if a rule ID appears in both.
    pub fn merge(mut self, other: RuleSet) -> Result<RuleSet> {
        for loaded in other.rules {
            if let Some(first) = self.rules.iter().find(|r| r.rule.id == loaded.rule.id) {
                return Err(Error::DuplicateId {
                    origin: loaded.origin,
                    line: loaded.line,
                    rule: loaded.rule.id,
                    first_origin: first.origin.clone(),
                    first_line: first.line,
                });
            }
            self.rules.push(loaded);
        }
        self.exemptions.extend(other.exemptions);
        self.exemption_res.extend(other.exemption_res);
        Ok(self)
    }

    /// The rules, in load order.
    pub fn rules(&self) -> impl ExactSizeIterator<Item = &Rule> {
        self.rules.iter().map(|r| &r.rule)
    }

    /// The rule with this ID, if any.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules().find(|r| r.id.eq_ignore_ascii_case(id))
    }

    /// Where a rule was loaded from: file name and 1-based line.
    pub fn origin(&self, id: &str) -> Option<(&str, usize)> {
        self.rules
            .iter()
            .find(|r| r.rule.id.eq_ignore_ascii_case(id))
            .map(|r| (r.origin.as_str(), r.line))
    }

    /// Category-wide exemption blocks.
    pub fn exemptions(&self) -> &[CategoryExemptions] {
        &self.exemptions
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when the set holds no rule.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

/// 1-based line and column (in chars) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Compiles a rule regex against normalised text (see [`normalize_pattern`]).
pub(crate) fn compile(pattern: &str) -> std::result::Result<regex::Regex, String> {
    regex::RegexBuilder::new(&normalize_pattern(pattern))
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| format!("bad regex: {e}"))
}

/// Normalises phrases the way the scanner sees text, dropping blanks and repeats.
fn clean_phrases(phrases: &[String]) -> Vec<String> {
    let mut seen = std::collections::HashSet::with_capacity(phrases.len());
    let mut out: Vec<String> = Vec::with_capacity(phrases.len());
    for p in phrases {
        let n = normalize_term(p);
        if !n.trim().is_empty() && seen.insert(n.clone()) {
            out.push(n);
        }
    }
    out
}

fn is_kebab(name: &str) -> bool {
    !name.is_empty()
        && name.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Whether a pattern can match the empty string, from its syntax alone.
fn matches_empty(pattern: &str) -> std::result::Result<bool, String> {
    let hir = regex_syntax::Parser::new()
        .parse(&normalize_pattern(pattern))
        .map_err(|e| format!("bad regex: {e}"))?;
    Ok(hir.properties().minimum_len() == Some(0))
}

/// Checks a rule, normalises its phrases and compiles its regexes.
fn validate(rule: &mut Rule, origin: &str, line: usize) -> Result<CompiledRegexes> {
    let fail = |message: String| Error::InvalidRule {
        origin: origin.to_string(),
        line,
        rule: if rule.id.is_empty() {
            "?".into()
        } else {
            rule.id.clone()
        },
        message,
    };
    let prefix = rule.category.prefix();
    let digits = rule.id.get(3..).unwrap_or("");
    if !rule.id.starts_with(prefix)
        || digits.len() != 3
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(fail(format!(
            "ID must be the {} prefix '{prefix}' and three digits (e.g. {prefix}001)",
            rule.category
        )));
    }
    if !is_kebab(&rule.name) {
        return Err(fail(format!("name '{}' is not kebab-case", rule.name)));
    }
    for (key, value) in [
        ("message", &rule.message),
        ("suggestion", &rule.suggestion),
        ("basis", &rule.basis),
        ("docs.what", &rule.docs.what),
        ("docs.why", &rule.docs.why),
        ("docs.example", &rule.docs.example),
        ("docs.instead", &rule.docs.instead),
    ] {
        if value.trim().is_empty() {
            return Err(fail(format!("'{key}' is missing or empty")));
        }
    }
    for (key, list) in [
        ("terms", &rule.terms),
        ("exempt", &rule.exempt),
        ("qualifiers", &rule.qualifiers),
    ] {
        check_phrases(key, list).map_err(fail)?;
    }
    let mut terms: Vec<String> = Vec::with_capacity(rule.terms.len());
    let mut seen = std::collections::HashSet::with_capacity(rule.terms.len());
    for t in &rule.terms {
        let n = normalize_term(t);
        if n.trim().is_empty() || n.chars().all(|c| !c.is_alphanumeric()) {
            return Err(fail(format!(
                "term {t:?} has no letter or digit: it would match punctuation everywhere"
            )));
        }
        if !seen.insert(n.clone()) {
            return Err(fail(format!("term {t:?} is listed twice")));
        }
        terms.push(n);
    }
    rule.terms = terms;
    rule.exempt = clean_phrases(&rule.exempt);
    rule.qualifiers = clean_phrases(&rule.qualifiers);
    if rule.terms.is_empty() && rule.pattern.as_deref().is_none_or(|p| p.trim().is_empty()) {
        return Err(fail("rule has neither terms nor a pattern".into()));
    }
    let checked = |key: &str, pat: &Option<String>| -> Result<Option<String>> {
        let Some(p) = pat else { return Ok(None) };
        // An empty match flags nothing, exempts nothing and would qualify
        // every sentence.
        if matches_empty(p).map_err(|m| fail(format!("{key}: {m}")))? {
            return Err(fail(format!("{key} matches the empty string")));
        }
        Ok(Some(p.clone()))
    };
    let compiled_as = |key: &str, p: Option<String>| -> Result<Option<regex::Regex>> {
        p.map(|p| compile(&p).map_err(|m| fail(format!("{key}: {m}"))))
            .transpose()
    };
    let pattern = match checked("pattern", &rule.pattern)? {
        Some(p) => Some(
            RulePattern::compile(&normalize_pattern(&p))
                .map_err(|m| fail(format!("pattern: {m}")))?,
        ),
        None => None,
    };
    Ok(CompiledRegexes {
        pattern,
        exempt: compiled_as(
            "exempt_pattern",
            checked("exempt_pattern", &rule.exempt_pattern)?,
        )?,
        qualifier: compiled_as(
            "qualifier_pattern",
            checked("qualifier_pattern", &rule.qualifier_pattern)?,
        )?,
    })
}

/// True when `id` equals `selector` or starts with it (case-insensitive):
/// `ABS` selects every absolute-term rule, `ABS001` one rule.
pub(crate) fn selector_matches(selector: &str, id: &str) -> bool {
    id.len() >= selector.len() && id[..selector.len()].eq_ignore_ascii_case(selector)
}

/// Categories a selector may name by machine name (`price`) instead of prefix.
pub(crate) fn selector_category(selector: &str) -> Option<Category> {
    Category::ALL
        .iter()
        .copied()
        .find(|c| c.as_str().eq_ignore_ascii_case(selector))
}
