//! Runs every built-in rule's own examples: `flag` sentences must get a
//! finding from that rule at its severity, `warn`/`info` at that severity,
//! `pass` sentences none from that rule.

use adcop::{RuleSet, Scanner, Severity};

#[test]
fn every_rule_passes_its_own_examples() {
    let scanner = Scanner::new();
    let set = RuleSet::builtin();
    let mut failures = Vec::new();
    let mut checked = 0;
    for rule in set.rules() {
        let expectations = rule
            .tests
            .flag
            .iter()
            .map(|t| (t, Some(rule.severity)))
            .chain(rule.tests.warn.iter().map(|t| (t, Some(Severity::Warning))))
            .chain(rule.tests.info.iter().map(|t| (t, Some(Severity::Info))))
            .chain(rule.tests.pass.iter().map(|t| (t, None)));
        for (text, want) in expectations {
            checked += 1;
            let got: Vec<_> = scanner
                .scan(text)
                .into_iter()
                .filter(|f| f.rule_id() == rule.id)
                .map(|f| (f.severity(), f.matched().to_string()))
                .collect();
            let ok = match want {
                Some(sev) => got.iter().any(|(s, _)| *s == sev),
                None => got.is_empty(),
            };
            if !ok {
                let want = want.map_or("no finding".to_string(), |s| format!("a {s} finding"));
                failures.push(format!("{}: {text:?}: wanted {want}, got {got:?}", rule.id));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} rule examples failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_rule_has_examples_that_flag_and_pass() {
    for rule in RuleSet::builtin().rules() {
        let t = &rule.tests;
        assert!(
            !(t.flag.is_empty() && t.warn.is_empty() && t.info.is_empty()),
            "{} has no example that must flag",
            rule.id
        );
        assert!(
            !t.pass.is_empty(),
            "{} has no example that must pass",
            rule.id
        );
    }
}

#[test]
fn no_term_belongs_to_two_rules() {
    let set = RuleSet::builtin();
    let mut seen = std::collections::HashMap::new();
    for rule in set.rules() {
        for term in &rule.terms {
            if let Some(first) = seen.insert(term.clone(), rule.id.clone()) {
                panic!("term {term:?} is in both {first} and {}", rule.id);
            }
        }
    }
}

#[test]
fn absolute_pack_is_complete() {
    let set = RuleSet::builtin();
    let terms: usize = set
        .rules()
        .filter(|r| r.category == adcop::Category::Absolute)
        .map(|r| r.terms.len())
        .sum();
    assert!(terms >= 150, "the absolute pack has only {terms} terms");
}
