//! SARIF 2.1.0 output, for GitHub code scanning and other SARIF viewers.
//! Columns count Unicode code points (`columnKind`), like the text output.

use adcop::{Rule, Scanner, Severity, TranscriptFinding};
use serde::Serialize;
use serde_json::{json, Value};

/// The findings of a run, collected until the end.
pub struct Sarif {
    /// Rule ID → index into the `rules` array.
    index: std::collections::HashMap<String, usize>,
    rules: Vec<Value>,
    results: Vec<Value>,
}

/// `severity` as a SARIF level.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A file path as a relative URI reference: `/` separators, and every byte
/// outside the unreserved set percent-encoded.
fn uri(path: &str) -> String {
    if path == "-" {
        return "stdin".to_string();
    }
    let path = path.replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn descriptor(rule: &Rule) -> Value {
    let markdown = rule.explain();
    json!({
        "id": rule.id,
        "name": rule.name,
        "shortDescription": { "text": rule.message.replace("{matched}", "…") },
        "fullDescription": { "text": rule.docs.what },
        "help": {
            "text": format!("{}\n\n{}\n\nInstead: {}", rule.docs.why, rule.basis, rule.docs.instead),
            "markdown": markdown,
        },
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": {
            "category": rule.category.as_str(),
            "basis": rule.basis,
            "tags": [rule.category.as_str()],
        },
    })
}

/// Where a finding is: 1-based line and column (code points) of its start
/// and of the point just after its end.
pub struct Region {
    pub start_line: usize,
    pub start_column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub snippet: String,
}

impl Sarif {
    /// Starts a log with the scanner's active rules as the tool's rules.
    pub fn new(scanner: &Scanner) -> Sarif {
        let mut rules: Vec<&Rule> = scanner.active_rules().collect();
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        Sarif {
            index: rules
                .iter()
                .enumerate()
                .map(|(i, r)| (r.id.clone(), i))
                .collect(),
            rules: rules.into_iter().map(descriptor).collect(),
            results: Vec::new(),
        }
    }

    /// Adds one finding of the file at `path`.
    pub fn add(&mut self, path: &str, f: &TranscriptFinding, region: Region) {
        let finding = &f.finding;
        let mut result = json!({
            "ruleId": finding.rule_id(),
            "level": level(finding.severity()),
            "message": { "text": finding.message() },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": { "uri": uri(path) },
                    "region": {
                        "startLine": region.start_line,
                        "startColumn": region.start_column,
                        "endLine": region.end_line,
                        "endColumn": region.end_column,
                        "snippet": { "text": region.snippet },
                    },
                },
            }],
            "properties": {
                "matched": finding.matched(),
                "suggestion": finding.suggestion(),
                "basis": finding.basis(),
                "category": finding.category().as_str(),
                "start_ms": f.start_ms,
                "end_ms": f.end_ms,
                "speaker": f.speaker,
                "facts": finding.facts(),
                "evasion": finding.evasion(),
            },
        });
        if let Some(i) = self.index.get(finding.rule_id()) {
            result["ruleIndex"] = json!(i);
        }
        self.results.push(result);
    }

    /// The whole log.
    pub fn document(self) -> impl Serialize {
        json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {
                    "driver": {
                        "name": "adcop",
                        "semanticVersion": env!("CARGO_PKG_VERSION"),
                        "rules": self.rules,
                    },
                },
                "columnKind": "unicodeCodePoints",
                "results": self.results,
            }],
        })
    }
}
