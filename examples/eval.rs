//! Quality report against a labelled development set.
//!
//! ```text
//! cargo run --release --example eval -- ../shared/eval/dev.jsonl \
//!     [-v] [--min-severity info|warning|error] [--category ABS]
//! ```
//!
//! Scoring follows `shared/eval/README.md`: a finding is a (category, span)
//! on a line; spans are compared in bytes ([`Finding::span`] against
//! `text.find(trigger)`), by overlap.
//!
//! * true positive: an `expect` trigger overlapped by a finding (each trigger
//!   counts once, however many findings overlap it);
//! * false negative: an `expect` trigger no finding overlaps;
//! * neutral: a finding overlapping an `allow` span and no `expect` span;
//! * false positive: any other finding (every finding on a clean line).
//!
//! Borderline lines are scored apart. Per-category figures count a hit only
//! when the category matches (ABS is accepted for a PRICE trigger).
//!
//! Exits 0 whatever the scores; 2 when the file cannot be read or the
//! arguments are wrong.

use adcop::{Category, Finding, Scanner, Severity};
use serde_json::Value;
use std::collections::{BTreeSet, HashSet};
use std::io::Write;
use std::ops::Range;
use std::process::ExitCode;

/// Eval category codes, in the order the README lists them.
const CODES: &[&str] = &[
    "ABS",
    "PRICE",
    "URGENCY",
    "PRIZE",
    "MED",
    "HEALTH",
    "COSM",
    "GUAR",
    "DATA",
    "STATE",
    "PATENT",
    "EDU",
    "FIN",
    "OTHER",
    "RETURN",
    "OFFPLATFORM",
    "DISP",
    "SUPER",
];

/// `println!` into a `String` buffer.
macro_rules! say {
    ($out:expr, $($arg:tt)*) => {{
        $out.push_str(&format!($($arg)*));
        $out.push('\n');
    }};
}

const USAGE: &str = "usage: eval <dev.jsonl> [-v] [--min-severity info|warning|error] [--category CODE] [--rules DIR]...";

fn main() -> ExitCode {
    let opts = match Options::parse(std::env::args().skip(1)) {
        Ok(opts) => opts,
        Err(msg) => {
            eprintln!("eval: {msg}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let raw = match std::fs::read_to_string(&opts.path) {
        Ok(raw) => raw,
        Err(e) => {
            eprintln!("eval: cannot read {}: {e}", opts.path);
            return ExitCode::from(2);
        }
    };
    let (lines, skipped) = parse_lines(&raw);
    let scanner = match build_scanner(&opts.rule_dirs) {
        Ok(scanner) => scanner,
        Err(e) => {
            eprintln!("eval: {e}");
            return ExitCode::from(2);
        }
    };
    let outcomes: Vec<LineOutcome> = lines
        .iter()
        .map(|line| score_line(line, &scanner.scan(&line.text), opts.min_severity))
        .collect();
    report(&opts, &lines, &outcomes, skipped);
    ExitCode::SUCCESS
}

// ---------------------------------------------------------------------------
// Options

/// The built-in pack plus the packs in `dirs`, for trying rules before they
/// join the built-in pack.
fn build_scanner(dirs: &[String]) -> Result<Scanner, adcop::Error> {
    let mut set = adcop::RuleSet::builtin();
    for dir in dirs {
        set = set.merge(adcop::RuleSet::from_dir(dir)?)?;
    }
    Scanner::builder().rules(set).build()
}

struct Options {
    rule_dirs: Vec<String>,
    path: String,
    verbose: bool,
    min_severity: Severity,
    category: Option<&'static str>,
}

impl Options {
    fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
        let mut path = None;
        let mut opts = Options {
            rule_dirs: Vec::new(),
            path: String::new(),
            verbose: false,
            min_severity: Severity::Warning,
            category: None,
        };
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
                _ => (arg.clone(), None),
            };
            let mut value = |name: &str| {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .ok_or_else(|| format!("{name} needs a value"))
            };
            match flag.as_str() {
                "-v" | "--verbose" => opts.verbose = true,
                "--min-severity" => opts.min_severity = value("--min-severity")?.parse()?,
                "--category" => opts.category = Some(parse_code(&value("--category")?)?),
                "--rules" => opts.rule_dirs.push(value("--rules")?),
                "-h" | "--help" => {
                    println!("{USAGE}");
                    std::process::exit(0);
                }
                f if f.starts_with('-') => return Err(format!("unknown option '{f}'")),
                _ if path.is_none() => path = Some(arg),
                _ => return Err(format!("unexpected argument '{arg}'")),
            }
        }
        opts.path = path.ok_or("missing the path to a .jsonl file")?;
        Ok(opts)
    }
}

fn parse_code(s: &str) -> Result<&'static str, String> {
    let upper = s.to_ascii_uppercase();
    CODES
        .iter()
        .find(|c| **c == upper)
        .copied()
        .ok_or_else(|| format!("unknown category '{s}' (one of {})", CODES.join(", ")))
}

// ---------------------------------------------------------------------------
// Input

/// A labelled span: eval category code and byte range in the line's text.
struct Label {
    code: String,
    trigger: String,
    span: Range<usize>,
}

struct Line {
    id: String,
    text: String,
    expect: Vec<Label>,
    allow: Vec<Label>,
    borderline: bool,
}

impl Line {
    fn is_clean(&self) -> bool {
        self.expect.is_empty() && !self.borderline
    }
}

/// Parses every non-empty line; malformed lines are reported on stderr and
/// counted as skipped.
fn parse_lines(raw: &str) -> (Vec<Line>, usize) {
    let mut lines = Vec::new();
    let mut skipped = 0;
    for (n, src) in raw
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        match parse_line(src) {
            Ok(line) => lines.push(line),
            Err(msg) => {
                eprintln!("eval: line {}: {msg}; skipped", n + 1);
                skipped += 1;
            }
        }
    }
    (lines, skipped)
}

fn parse_line(src: &str) -> Result<Line, String> {
    let v: Value = serde_json::from_str(src).map_err(|e| e.to_string())?;
    let field = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let id = field("id").ok_or("no 'id'")?;
    let text = field("text").ok_or("no 'text'")?;
    let expect = parse_labels(&v, "expect", &text)?;
    let allow = parse_labels(&v, "allow", &text)?;
    let borderline = v
        .get("borderline")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    Ok(Line {
        id,
        text,
        expect,
        allow,
        borderline,
    })
}

fn parse_labels(v: &Value, key: &str, text: &str) -> Result<Vec<Label>, String> {
    let Some(items) = v.get(key) else {
        return Ok(Vec::new());
    };
    let items = items.as_array().ok_or(format!("'{key}' is not a list"))?;
    items
        .iter()
        .map(|item| parse_label(item, key, text))
        .collect()
}

fn parse_label(item: &Value, key: &str, text: &str) -> Result<Label, String> {
    let get = |k: &str| item.get(k).and_then(Value::as_str);
    let code = get("category").ok_or(format!("{key} item without 'category'"))?;
    let trigger = get("trigger").ok_or(format!("{key} item without 'trigger'"))?;
    let start = text
        .find(trigger)
        .ok_or(format!("{key} trigger '{trigger}' not in text"))?;
    Ok(Label {
        code: code.to_ascii_uppercase(),
        trigger: trigger.to_string(),
        span: start..start + trigger.len(),
    })
}

// ---------------------------------------------------------------------------
// Scoring

/// The eval code an adcop category is scored as.
fn eval_code(category: Category) -> &'static str {
    match category {
        Category::Absolute => "ABS",
        Category::Price => "PRICE",
        Category::Urgency => "URGENCY",
        Category::Prize => "PRIZE",
        Category::Medical => "MED",
        Category::Health => "HEALTH",
        Category::Cosmetics => "COSM",
        Category::Guarantee => "GUAR",
        Category::Data => "DATA",
        Category::Authority => "STATE",
        Category::Patent => "PATENT",
        Category::Education => "EDU",
        Category::Finance => "FIN",
        Category::Aftersales => "RETURN",
        Category::Offplatform => "OFFPLATFORM",
        Category::Disparagement => "DISP",
        Category::Superstition => "SUPER",
        _ => "OTHER",
    }
}

/// Whether a finding scored as `found` counts for a trigger labelled
/// `expected`. Lowest-price wording is both ABS and PRICE, so ABS is
/// accepted for PRICE (not the other way round).
fn accepts(expected: &str, found: &str) -> bool {
    expected == found || (expected == "PRICE" && found == "ABS")
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Overlaps an `expect` trigger.
    Hit,
    /// Overlaps only an `allow` span.
    Neutral,
    /// Anything else.
    False,
}

/// One scored finding.
struct Scored {
    code: &'static str,
    span: Range<usize>,
    rule: String,
    matched: String,
    kind: Kind,
    /// Indices of the line's expect triggers it overlaps with an accepted category.
    credits: Vec<usize>,
}

impl Scored {
    /// Overlaps an expected trigger, but none of an accepted category.
    fn mislabelled(&self) -> bool {
        self.kind == Kind::Hit && self.credits.is_empty()
    }
}

/// What happened on one line.
struct LineOutcome {
    findings: Vec<Scored>,
    /// For each expect trigger: overlapped by any finding.
    hit: Vec<bool>,
    /// For each expect trigger: overlapped by a finding of an accepted category.
    cat_hit: Vec<bool>,
    /// Findings below the severity floor, not scored.
    unscored: usize,
}

fn score_line(line: &Line, findings: &[Finding], floor: Severity) -> LineOutcome {
    let (kept, low): (Vec<&Finding>, Vec<&Finding>) =
        findings.iter().partition(|f| f.severity() >= floor);
    let findings: Vec<Scored> = kept.into_iter().map(|f| score_finding(line, f)).collect();
    let hit = line
        .expect
        .iter()
        .map(|l| findings.iter().any(|s| overlaps(&s.span, &l.span)))
        .collect();
    let cat_hit = (0..line.expect.len())
        .map(|i| findings.iter().any(|s| s.credits.contains(&i)))
        .collect();
    LineOutcome {
        findings,
        hit,
        cat_hit,
        unscored: low.len(),
    }
}

fn score_finding(line: &Line, f: &Finding) -> Scored {
    let span = f.span().start..f.span().end;
    let code = eval_code(f.category());
    let on_expect = line.expect.iter().any(|l| overlaps(&l.span, &span));
    let on_allow = line.allow.iter().any(|l| overlaps(&l.span, &span));
    let kind = match (on_expect, on_allow) {
        (true, _) => Kind::Hit,
        (false, true) => Kind::Neutral,
        (false, false) => Kind::False,
    };
    let credits = (0..line.expect.len())
        .filter(|&i| overlaps(&line.expect[i].span, &span) && accepts(&line.expect[i].code, code))
        .collect();
    Scored {
        code,
        span,
        rule: f.rule_id().to_string(),
        matched: f.matched().to_string(),
        kind,
        credits,
    }
}

// ---------------------------------------------------------------------------
// Aggregation

/// Recall, precision and F1 from raw counts.
#[derive(Default, Clone, Copy)]
struct Counts {
    /// Expected triggers found.
    tp: usize,
    /// Expected triggers.
    expected: usize,
    /// Findings counted against precision.
    fp: usize,
    /// Findings on allow spans only.
    neutral: usize,
}

impl Counts {
    fn recall(&self) -> Option<f64> {
        ratio(self.tp, self.expected)
    }
    fn precision(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fp)
    }
}

fn ratio(num: usize, den: usize) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// The lines of one group (main or borderline) with their outcomes.
type Group<'a> = Vec<(&'a Line, &'a LineOutcome)>;

/// Category-blind span-level counts.
fn span_counts(group: &Group) -> Counts {
    let mut c = Counts::default();
    for (line, out) in group {
        c.expected += line.expect.len();
        c.tp += out.hit.iter().filter(|h| **h).count();
        c.fp += out
            .findings
            .iter()
            .filter(|s| s.kind == Kind::False)
            .count();
        c.neutral += out
            .findings
            .iter()
            .filter(|s| s.kind == Kind::Neutral)
            .count();
    }
    c
}

/// Recall over triggers labelled `code`, counting a trigger found only by a
/// finding of an accepted category.
fn category_recall(group: &Group, code: &str) -> Counts {
    let mut c = Counts::default();
    for (line, out) in group {
        for (i, label) in line.expect.iter().enumerate() {
            if label.code == code {
                c.expected += 1;
                c.tp += usize::from(out.cat_hit[i]);
            }
        }
    }
    c
}

/// Precision of findings scored as `code`: triggers they found with an
/// accepted category, against their false alarms and mislabels (findings on
/// a trigger of another category).
fn category_precision(group: &Group, code: &str) -> Counts {
    let mut c = Counts::default();
    for (n, (_, out)) in group.iter().enumerate() {
        let mine = out.findings.iter().filter(|s| s.code == code);
        let mut credited = HashSet::new();
        for s in mine {
            credited.extend(s.credits.iter().map(|i| (n, *i)));
            c.fp += usize::from(s.kind == Kind::False || s.mislabelled());
            c.neutral += usize::from(s.kind == Kind::Neutral);
        }
        c.tp += credited.len();
    }
    c
}

/// Codes that appear as a trigger or as a finding in the group.
fn codes_present(group: &Group) -> Vec<&'static str> {
    let mut seen = BTreeSet::new();
    for (line, out) in group {
        seen.extend(line.expect.iter().map(|l| l.code.as_str()));
        seen.extend(out.findings.iter().map(|s| s.code));
    }
    CODES.iter().copied().filter(|c| seen.contains(c)).collect()
}

// ---------------------------------------------------------------------------
// Report

/// Writes the whole report to stdout at once; a closed pipe (`| head`) is
/// not an error.
fn report(opts: &Options, lines: &[Line], outcomes: &[LineOutcome], skipped: usize) {
    let mut out = String::new();
    build_report(&mut out, opts, lines, outcomes, skipped);
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
}

fn build_report(
    out: &mut String,
    opts: &Options,
    lines: &[Line],
    outcomes: &[LineOutcome],
    skipped: usize,
) {
    let all: Group = lines.iter().zip(outcomes).collect();
    let (border, main): (Group, Group) = all.iter().copied().partition(|(l, _)| l.borderline);
    print_header(out, opts, &all, skipped);
    print_group(out, "Main set (violating + clean lines)", opts, &main);
    print_clean_share(out, opts, &main);
    print_group(
        out,
        "Borderline lines (scored apart; either outcome is acceptable)",
        opts,
        &border,
    );
    if opts.verbose {
        print_details(out, "main set", opts, &main);
        print_details(out, "borderline lines", opts, &border);
    }
}

fn print_header(out: &mut String, opts: &Options, all: &Group, skipped: usize) {
    let violating = all
        .iter()
        .filter(|(l, _)| !l.borderline && !l.expect.is_empty())
        .count();
    let clean = all.iter().filter(|(l, _)| l.is_clean()).count();
    let border = all.iter().filter(|(l, _)| l.borderline).count();
    let unscored: usize = all.iter().map(|(_, o)| o.unscored).sum();
    say!(out, "adcop eval: {}", opts.path);
    say!(
        out,
        "{} lines: {violating} violating, {clean} clean, {border} borderline ({skipped} skipped)",
        all.len()
    );
    say!(out, "{}", severity_note(opts.min_severity, unscored));
    say!(
        out,
        "Span overlap in bytes. TP: expected trigger overlapped (once each); FN: not overlapped;"
    );
    say!(
        out,
        "neutral: finding on an allow span only; FP: any other finding."
    );
    say!(
        out,
        "Per category: a hit counts only when the category matches (ABS accepted for PRICE);"
    );
    say!(
        out,
        "precision of a category counts its findings on another category's trigger as wrong."
    );
    if let Some(code) = opts.category {
        say!(out, "Summary restricted to category {code}.");
    }
}

/// Which findings are scored; info findings are hints.
fn severity_note(floor: Severity, unscored: usize) -> String {
    match floor {
        Severity::Info => "Scoring findings at every severity, info hints included.".to_string(),
        _ => format!(
            "Scoring findings at {floor} and above; {unscored} findings below {floor} \
             (info findings are hints) are not scored."
        ),
    }
}

fn print_group(out: &mut String, title: &str, opts: &Options, group: &Group) {
    say!(out, "\n{title}: {} lines", group.len());
    match opts.category {
        None => {
            let c = span_counts(group);
            print_summary(out, &c, &c, "triggers");
        }
        Some(code) => {
            let r = category_recall(group, code);
            let p = category_precision(group, code);
            print_summary(out, &r, &p, &format!("{code} triggers"));
        }
    }
    print_category_table(out, opts, group);
}

/// Prints recall from `r`, precision from `p` and the F1 of the two.
fn print_summary(out: &mut String, r: &Counts, p: &Counts, what: &str) {
    let recall = r.recall();
    let precision = p.precision();
    let f1 = match (precision, recall) {
        (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
        _ => None,
    };
    say!(
        out,
        "  recall     {}  ({}/{} {what})",
        fmt(recall),
        r.tp,
        r.expected
    );
    say!(
        out,
        "  precision  {}  ({} TP, {} FP, {} neutral)",
        fmt(precision),
        p.tp,
        p.fp,
        p.neutral
    );
    say!(out, "  F1         {}", fmt(f1));
}

fn print_category_table(out: &mut String, opts: &Options, group: &Group) {
    let codes = match opts.category {
        Some(code) => vec![code],
        None => codes_present(group),
    };
    if codes.is_empty() {
        return;
    }
    say!(out, "  {:<12} {:<18} precision", "category", "recall");
    for code in codes {
        let r = category_recall(group, code);
        let p = category_precision(group, code);
        say!(
            out,
            "  {:<12} {:<18} {}",
            code,
            fraction(r.tp, r.expected),
            fraction(p.tp, p.tp + p.fp)
        );
    }
}

fn print_clean_share(out: &mut String, opts: &Options, main: &Group) {
    let clean: Vec<_> = main.iter().filter(|(l, _)| l.is_clean()).collect();
    let flagged = clean.iter().filter(|(_, o)| !o.findings.is_empty()).count();
    say!(
        out,
        "  clean lines with any finding: {}",
        fraction(flagged, clean.len())
    );
    if let Some(code) = opts.category {
        let with_code = clean
            .iter()
            .filter(|(_, o)| o.findings.iter().any(|s| s.code == code))
            .count();
        say!(
            out,
            "  clean lines with a finding of category {code}: {}",
            fraction(with_code, clean.len())
        );
    }
}

fn print_details(out: &mut String, title: &str, opts: &Options, group: &Group) {
    say!(out, "\nMisses, {title} (id, category, trigger, text):");
    for (line, res) in group {
        for (i, label) in line.expect.iter().enumerate() {
            let missed = match opts.category {
                None => !res.hit[i],
                Some(code) => label.code == code && !res.cat_hit[i],
            };
            if missed {
                say!(
                    out,
                    "  {}  {}  {}  | {}",
                    line.id,
                    label.code,
                    label.trigger,
                    line.text
                );
            }
        }
    }
    say!(out, "\nFalse alarms, {title} (id, rule, matched, text):");
    for (line, res) in group {
        for s in res.findings.iter().filter(|s| is_alarm(opts, s)) {
            let note = if s.mislabelled() {
                " [wrong category]"
            } else {
                ""
            };
            say!(
                out,
                "  {}  {}  {}{note}  | {}",
                line.id,
                s.rule,
                s.matched,
                line.text
            );
        }
    }
}

/// Whether a finding is listed as a false alarm: an FP in the span-level
/// summary, or in a category view any wrong finding of that category.
fn is_alarm(opts: &Options, s: &Scored) -> bool {
    match opts.category {
        None => s.kind == Kind::False,
        Some(code) => s.code == code && (s.kind == Kind::False || s.mislabelled()),
    }
}

fn fmt(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_string(), |x| format!("{x:.3}"))
}

fn fraction(num: usize, den: usize) -> String {
    match ratio(num, den) {
        Some(r) => format!("{num}/{den} = {r:.2}"),
        None => "-".to_string(),
    }
}
