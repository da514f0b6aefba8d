//! What a scan reports: one [`Finding`] per flagged phrase.

use crate::evasion::EvasionKind;
use crate::facts::Facts;
use crate::rule::{Category, Rule, Severity};
use serde::Serialize;
use std::sync::Arc;

/// A half-open range `[start, end)` into the original text, in one unit
/// (bytes, chars or UTF-16 code units).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    /// First unit of the range.
    pub start: usize,
    /// One past the last unit of the range.
    pub end: usize,
}

impl Span {
    /// Length of the range in its unit.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True when the range is empty.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// One flagged phrase.
///
/// Every span points into the ORIGINAL text passed to
/// [`crate::Scanner::scan`], lies on character (and grapheme-cluster)
/// boundaries, and `&text[span.start..span.end] == matched`.
///
/// Serialised field by field:
///
/// | field | meaning |
/// |---|---|
/// | `rule` | stable rule ID (`ABS001`) |
/// | `name` | kebab-case rule name |
/// | `category` | category machine name (`absolute`) |
/// | `severity` | `info`, `warning` or `error` |
/// | `span` | `{start, end}` in bytes of the UTF-8 input |
/// | `char_span` | `{start, end}` in Unicode scalar values |
/// | `utf16_span` | `{start, end}` in UTF-16 code units (for JavaScript callers) |
/// | `matched` | the original text of the span |
/// | `message` | what is wrong, in plain Chinese |
/// | `basis` | the law and article |
/// | `suggestion` | a compliant rewording |
/// | `facts` | numbers a check read (prices, prize value); absent when none |
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub(crate) rule: Arc<str>,
    pub(crate) name: Arc<str>,
    pub(crate) category: Category,
    pub(crate) severity: Severity,
    pub(crate) span: Span,
    pub(crate) char_span: Span,
    pub(crate) utf16_span: Span,
    pub(crate) matched: String,
    pub(crate) message: Arc<str>,
    pub(crate) basis: Arc<str>,
    pub(crate) suggestion: Arc<str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) facts: Option<Facts>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) evasion: Vec<EvasionKind>,
}

/// A rule's texts, made once and shared by all its findings: most findings
/// copy nothing but their matched text.
#[derive(Debug, Clone)]
pub(crate) struct RuleTexts {
    id: Arc<str>,
    name: Arc<str>,
    category: Category,
    message: Template,
    basis: Arc<str>,
    suggestion: Template,
}

/// A message cut at its `{matched}` placeholders, once, when the scanner is
/// built.
#[derive(Debug, Clone)]
struct Template {
    whole: Arc<str>,
    /// The text between placeholders; one part when there is none.
    parts: Vec<String>,
}

impl Template {
    fn new(template: &str) -> Template {
        Template {
            whole: template.into(),
            parts: template.split("{matched}").map(String::from).collect(),
        }
    }

    /// The template with `matched` in each placeholder; a template without
    /// one is shared as it is.
    fn fill(&self, matched: &str) -> Arc<str> {
        let Some((first, rest)) = self.parts.split_first().filter(|(_, r)| !r.is_empty()) else {
            return Arc::clone(&self.whole);
        };
        let mut out = String::with_capacity(self.whole.len() + rest.len() * matched.len());
        out.push_str(first);
        for part in rest {
            out.push_str(matched);
            out.push_str(part);
        }
        out.into()
    }
}

impl RuleTexts {
    /// The texts of `rule`.
    pub(crate) fn of(rule: &Rule) -> RuleTexts {
        RuleTexts {
            id: rule.id.as_str().into(),
            name: rule.name.as_str().into(),
            category: rule.category,
            message: Template::new(&rule.message),
            basis: rule.basis.as_str().into(),
            suggestion: Template::new(&rule.suggestion),
        }
    }
}

impl Finding {
    /// A finding of the rule with `texts` over `matched`, found at byte
    /// `span`. Char and UTF-16 spans are left empty for the caller to fill.
    pub(crate) fn of_rule(
        texts: &RuleTexts,
        severity: Severity,
        span: Span,
        matched: &str,
        facts: Option<Facts>,
    ) -> Finding {
        Finding {
            rule: Arc::clone(&texts.id),
            name: Arc::clone(&texts.name),
            category: texts.category,
            severity,
            span,
            char_span: Span { start: 0, end: 0 },
            utf16_span: Span { start: 0, end: 0 },
            matched: matched.to_string(),
            message: texts.message.fill(matched),
            basis: Arc::clone(&texts.basis),
            suggestion: texts.suggestion.fill(matched),
            facts,
            evasion: Vec::new(),
        }
    }

    /// Moves all three spans later by the given counts of bytes, chars and
    /// UTF-16 units: for findings in a piece of a longer input.
    pub(crate) fn shift(&mut self, bytes: usize, chars: usize, units: usize) {
        for (span, by) in [
            (&mut self.span, bytes),
            (&mut self.char_span, chars),
            (&mut self.utf16_span, units),
        ] {
            span.start += by;
            span.end += by;
        }
    }

    /// Sets the byte, char and UTF-16 spans to byte range `range` of `text`,
    /// counting from the start of `text`.
    pub(crate) fn place(&mut self, text: &str, range: std::ops::Range<usize>) {
        let (chars, units) = count_units(&text.as_bytes()[..range.start]);
        let (c, u) = count_units(&text.as_bytes()[range.clone()]);
        self.span = Span {
            start: range.start,
            end: range.end,
        };
        self.char_span = Span {
            start: chars,
            end: chars + c,
        };
        self.utf16_span = Span {
            start: units,
            end: units + u,
        };
    }

    /// Stable rule ID, e.g. `ABS001`.
    pub fn rule_id(&self) -> &str {
        &self.rule
    }
    /// Kebab-case rule name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The rule's category.
    pub fn category(&self) -> Category {
        self.category
    }
    /// Severity after context (qualifiers, negation, quotation) was weighed.
    pub fn severity(&self) -> Severity {
        self.severity
    }
    /// Byte range in the original text.
    pub fn span(&self) -> Span {
        self.span
    }
    /// Range in chars (Unicode scalar values) of the original text.
    pub fn char_span(&self) -> Span {
        self.char_span
    }
    /// Range in UTF-16 code units of the original text.
    pub fn utf16_span(&self) -> Span {
        self.utf16_span
    }
    /// The original text of the span.
    pub fn matched(&self) -> &str {
        &self.matched
    }
    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
    /// The legal basis.
    pub fn basis(&self) -> &str {
        &self.basis
    }
    /// A compliant rewording.
    pub fn suggestion(&self) -> &str {
        &self.suggestion
    }
    /// Numbers the rule's check read around the match (reference and offer
    /// price, discount, prize value), when it has a check and found them.
    pub fn facts(&self) -> Option<&Facts> {
        self.facts.as_ref()
    }

    /// How the matched text dodged the plain term (full-width, traditional,
    /// separators, pinyin…), in [`EvasionKind`] order; empty when it is
    /// written as the rule names it.
    pub fn evasion(&self) -> &[EvasionKind] {
        &self.evasion
    }
}

/// Sorts findings by position (then rule, most severe first) and keeps one
/// per span and rule: widening to grapheme clusters can give two matches of
/// one rule the same span, reported once at the highest severity.
pub(crate) fn sort_and_dedup(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        (
            a.span.start,
            a.span.end,
            &a.rule,
            std::cmp::Reverse(a.severity),
        )
            .cmp(&(
                b.span.start,
                b.span.end,
                &b.rule,
                std::cmp::Reverse(b.severity),
            ))
    });
    findings.dedup_by(|b, a| a.span == b.span && a.rule == b.rule);
}

/// Chars and UTF-16 code units in valid UTF-8 bytes: every byte that is not a
/// continuation byte starts a char, and a 4-byte char takes two code units.
pub(crate) fn count_units(bytes: &[u8]) -> (usize, usize) {
    let (mut chars, mut astral) = (0usize, 0usize);
    // Byte-wide counters over short blocks let the loop run on whole vectors.
    for block in bytes.chunks(255) {
        let (mut c, mut a) = (0u8, 0u8);
        for &b in block {
            c += u8::from((b as i8) >= -0x40);
            a += u8::from(b >= 0xF0);
        }
        chars += usize::from(c);
        astral += usize::from(a);
    }
    (chars, chars + astral)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_every_placeholder_and_share_the_rest() {
        let t = Template::new("「{matched}」是绝对化用语，删去{matched}。");
        assert_eq!(&*t.fill("最好"), "「最好」是绝对化用语，删去最好。");
        let t = Template::new("{matched}");
        assert_eq!(&*t.fill("第一"), "第一");
        let plain = Template::new("不得使用绝对化用语");
        let filled = plain.fill("最好");
        assert_eq!(&*filled, "不得使用绝对化用语");
        assert!(Arc::ptr_eq(&filled, &plain.whole));
        assert_eq!(&*Template::new("").fill("x"), "");
    }
}
