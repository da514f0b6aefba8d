//! Running rules' own examples (`[rule.tests]`): the built-in pack's test
//! suite, and a check users can run on their own packs.

use crate::rule::Severity;
use crate::scanner::Scanner;
use std::fmt;

/// One rule example that did not behave as its rule file says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFailure {
    /// The rule whose example failed.
    pub rule: String,
    /// The example sentence.
    pub text: String,
    /// The severity the example asks for, or `None` for a `pass` example.
    pub expected: Option<Severity>,
    /// What this rule reported on the sentence: severity and matched text.
    pub got: Vec<(Severity, String)>,
}

impl fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let want = match self.expected {
            Some(s) => format!("a {s} finding"),
            None => "no finding".to_string(),
        };
        let got: Vec<String> = self
            .got
            .iter()
            .map(|(s, m)| format!("{s} 「{m}」"))
            .collect();
        write!(
            f,
            "{}: {:?}: wanted {want}, got {}",
            self.rule,
            self.text,
            if got.is_empty() {
                "none".to_string()
            } else {
                got.join(", ")
            }
        )
    }
}

/// Scans every example of every rule `scanner` applies and returns those that
/// fail, with the number of examples checked. `flag` examples must get a
/// finding from their rule at the rule's severity, `warn`/`info` examples at
/// that severity, `pass` examples none from their rule. The scanner's own
/// `min_severity` applies, so build it without one to check everything.
pub fn check_examples(scanner: &Scanner) -> (Vec<ExampleFailure>, usize) {
    let mut failures = Vec::new();
    let mut checked = 0;
    for rule in scanner.active_rules() {
        let t = &rule.tests;
        let examples = t
            .flag
            .iter()
            .map(|text| (text, Some(rule.severity)))
            .chain(t.warn.iter().map(|text| (text, Some(Severity::Warning))))
            .chain(t.info.iter().map(|text| (text, Some(Severity::Info))))
            .chain(t.pass.iter().map(|text| (text, None)));
        for (text, expected) in examples {
            checked += 1;
            let got: Vec<(Severity, String)> = scanner
                .scan(text)
                .into_iter()
                .filter(|f| f.rule_id() == rule.id)
                .map(|f| (f.severity(), f.matched().to_string()))
                .collect();
            let ok = match expected {
                Some(sev) => got.iter().any(|(s, _)| *s == sev),
                None => got.is_empty(),
            };
            if !ok {
                failures.push(ExampleFailure {
                    rule: rule.id.clone(),
                    text: text.clone(),
                    expected,
                    got,
                });
            }
        }
    }
    (failures, checked)
}
