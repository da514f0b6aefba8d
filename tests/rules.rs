//! Runs every built-in rule's own examples: `flag` sentences must get a
//! finding from that rule at its severity, `warn`/`info` at that severity,
//! `pass` sentences none from that rule.

use adcop::{RuleSet, Scanner};

#[test]
fn every_rule_passes_its_own_examples() {
    let (failures, checked) = adcop::check_examples(&Scanner::new());
    assert!(checked > 100, "only {checked} examples");
    let failures: Vec<String> = failures.iter().map(ToString::to_string).collect();
    assert!(
        failures.is_empty(),
        "{} of {checked} rule examples failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_rule_has_examples_that_flag_and_pass() {
    // Three of each: one example shows a rule works, three show its reach.
    for rule in RuleSet::builtin().rules() {
        let t = &rule.tests;
        let flagging = t.flag.len() + t.warn.len() + t.info.len();
        assert!(
            flagging >= 3,
            "{} has {flagging} examples that must flag",
            rule.id
        );
        assert!(
            t.pass.len() >= 3,
            "{} has {} examples that must pass",
            rule.id,
            t.pass.len()
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
