//! Property tests for `Scanner::scan`: whatever the input, scanning never
//! panics and every finding is well formed (spans on char and grapheme
//! boundaries, consistent char and UTF-16 spans, sorted, above the minimum
//! severity), deterministic, and independent of unrelated text around it.
//!
//! Most properties run against both the built-in pack (whatever it holds
//! today) and a custom pack defined below, whose rules are chosen to stress
//! the pipeline: single-character terms, word-boundary checks, next-word
//! extension, full-width folding, and patterns that match single code points
//! inside grapheme clusters (combining marks, ZWJ, keycaps, flags).

use adcop::{Finding, RuleSet, Scanner, Severity};
use proptest::prelude::*;
use std::sync::LazyLock;
use std::time::Instant;
use unicode_segmentation::UnicodeSegmentation;

// ---------------------------------------------------------------------------
// Fixtures

/// A custom pack with rules picked to exercise every stage of the scanner.
const STRESS_PACK: &str = r#"
[[exemptions]]
category = "custom"
why = "time and order words"
phrases = ["最近", "第一次"]

[[rule]]
id = "USR001"
name = "superlative-zui"
category = "custom"
severity = "error"
terms = ["最好", "最"]
qualifiers = ["自家"]
extend = "next-word"
message = "绝对化用语「{matched}」"
suggestion = "改为具体描述"
basis = "test"
[rule.docs]
what = "w"
why = "y"
example = "e"
instead = "i"

[[rule]]
id = "USR002"
name = "first-only"
category = "custom"
severity = "error"
terms = ["第一", "唯一", "国家级"]
qualifiers = ["之一"]
qualified = "info"
boundary = "always"
message = "m {matched}"
suggestion = "s"
basis = "b"
[rule.docs]
what = "w"
why = "y"
example = "e"
instead = "i"

[[rule]]
id = "USR003"
name = "lowest-price"
category = "custom"
severity = "error"
terms = ["全网最低价"]
message = "m {matched}"
suggestion = "s"
basis = "b"
[rule.docs]
what = "w"
why = "y"
example = "e"
instead = "i"

[[rule]]
id = "USR004"
name = "number-one"
category = "custom"
severity = "error"
terms = ["no.1", "top1"]
boundary = "never"
message = "m {matched}"
suggestion = "s"
basis = "b"
[rule.docs]
what = "w"
why = "y"
example = "e"
instead = "i"

[[rule]]
id = "USR005"
name = "percent"
category = "custom"
severity = "warning"
pattern = '[0-9]+%'
qualifiers = ["纯棉"]
qualified = "info"
message = "m {matched}"
suggestion = "s"
basis = "b"
[rule.docs]
what = "w"
why = "y"
example = "e"
instead = "i"

[[rule]]
id = "USR006"
name = "ji"
category = "custom"
severity = "info"
terms = ["极"]
boundary = "never"
message = "m {matched}"
suggestion = "s"
basis = "b"
[rule.docs]
what = "w"
why = "y"
example = "e"
instead = "i"

[[rule]]
id = "USR007"
name = "latin-word"
category = "custom"
severity = "info"
pattern = '[a-z]+'
message = "m {matched}"
suggestion = "s"
basis = "b"
[rule.docs]
what = "w"
why = "y"
example = "e"
instead = "i"

[[rule]]
id = "USR008"
name = "cluster-part"
category = "custom"
severity = "info"
pattern = '\p{M}|\x{200D}|\x{FE0F}|\x{20E3}|\p{Extended_Pictographic}|[\x{1F1E6}-\x{1F1FF}]'
message = "m {matched}"
suggestion = "s"
basis = "b"
[rule.docs]
what = "w"
why = "y"
example = "e"
instead = "i"

[[rule]]
id = "USR009"
name = "digit"
category = "custom"
severity = "warning"
pattern = '[0-9]'
message = "m {matched}"
suggestion = "s"
basis = "b"
[rule.docs]
what = "w"
why = "y"
example = "e"
instead = "i"

[[rule]]
id = "USR010"
name = "price-char"
category = "custom"
severity = "warning"
terms = ["价"]
message = "m {matched}"
suggestion = "s"
basis = "b"
[rule.docs]
what = "w"
why = "y"
example = "e"
instead = "i"
"#;

/// A pack with one rule, `USR001` for 全网最低价: used where the expected
/// findings must be known exactly.
const PRICE_PACK: &str = r#"
[[rule]]
id = "USR001"
name = "lowest-price"
category = "custom"
severity = "error"
terms = ["全网最低价"]
message = "m {matched}"
suggestion = "s"
basis = "b"
[rule.docs]
what = "w"
why = "y"
example = "e"
instead = "i"
"#;

/// A scanner for a pack of `custom` error rules, each given as its ID and
/// the TOML lines that say what it matches.
fn custom_scanner(rules: &[(&str, &str)]) -> Scanner {
    let mut toml = String::new();
    for (id, body) in rules {
        toml.push_str(&format!(
            "[[rule]]\nid = \"{id}\"\nname = \"rule-{}\"\ncategory = \"custom\"\n\
             severity = \"error\"\n{body}\nmessage = \"m\"\nsuggestion = \"s\"\nbasis = \"b\"\n\
             [rule.docs]\nwhat = \"w\"\nwhy = \"y\"\nexample = \"e\"\ninstead = \"i\"\n\n",
            id.to_lowercase()
        ));
    }
    let set = RuleSet::from_toml("custom.toml", &toml).unwrap_or_else(|e| panic!("{e}\n{toml}"));
    // Text as written: some of these rules target the joiners and combining
    // marks that evasion handling drops.
    Scanner::builder()
        .rules(set)
        .evasion(false)
        .build()
        .unwrap()
}

fn stress_set() -> RuleSet {
    RuleSet::from_toml("stress.toml", STRESS_PACK).expect("stress pack loads")
}

static BUILTIN: LazyLock<Scanner> = LazyLock::new(Scanner::new);

/// The built-in pack at each minimum severity, indexed by `sev_index`.
static BUILTIN_MIN: LazyLock<[Scanner; 3]> =
    LazyLock::new(|| SEVERITIES.map(|min| Scanner::builder().min_severity(min).build().unwrap()));

const SEVERITIES: [Severity; 3] = [Severity::Info, Severity::Warning, Severity::Error];

fn sev_index(min: Severity) -> usize {
    SEVERITIES.iter().position(|s| *s == min).unwrap()
}

fn builtin(min: Severity) -> &'static Scanner {
    &BUILTIN_MIN[sev_index(min)]
}

/// The stress pack at each minimum severity, indexed by `sev_index`.
static STRESS: LazyLock<[Scanner; 3]> = LazyLock::new(|| {
    SEVERITIES.map(|min| {
        Scanner::builder()
            .rules(stress_set())
            .min_severity(min)
            .build()
            .expect("stress scanner builds")
    })
});

static PRICE: LazyLock<Scanner> = LazyLock::new(|| {
    Scanner::builder()
        .rules(RuleSet::from_toml("price.toml", PRICE_PACK).unwrap())
        .build()
        .unwrap()
});

/// The stress pack matching text as written, for rules that target the
/// variation selectors, keycaps and joiners evasion handling drops.
static STRESS_AS_WRITTEN: LazyLock<Scanner> = LazyLock::new(|| {
    Scanner::builder()
        .rules(stress_set())
        .evasion(false)
        .build()
        .expect("stress scanner builds")
});

fn stress(min: Severity) -> &'static Scanner {
    &STRESS[sev_index(min)]
}

// ---------------------------------------------------------------------------
// Invariants

/// Asserts every documented invariant of `scan`'s output for `text`.
///
/// Linear in the text and the findings, so it can check megabytes.
fn check_findings(text: &str, findings: &[Finding], min: Severity) {
    for w in findings.windows(2) {
        let (a, b) = (w[0].span(), w[1].span());
        assert!(
            (a.start, a.end) <= (b.start, b.end),
            "findings out of order: {:?} then {:?}",
            w[0],
            w[1]
        );
    }
    let graphemes: Vec<usize> = text
        .grapheme_indices(true)
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    // Running char and UTF-16 counts of text[..pos]; findings are sorted by start.
    let (mut pos, mut chars, mut units) = (0usize, 0usize, 0usize);
    for f in findings {
        let s = f.span();
        assert!(
            s.start < s.end && s.end <= text.len(),
            "span {s:?} empty or out of range for text of {} bytes: {f:?}",
            text.len()
        );
        assert!(
            text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
            "span {s:?} not on char boundaries: {f:?}"
        );
        assert_eq!(
            &text[s.start..s.end],
            f.matched(),
            "matched differs from text[span]"
        );
        assert!(
            graphemes.binary_search(&s.start).is_ok(),
            "span start {} splits a grapheme cluster: {f:?}",
            s.start
        );
        assert!(
            graphemes.binary_search(&s.end).is_ok(),
            "span end {} splits a grapheme cluster: {f:?}",
            s.end
        );
        let gap = &text[pos..s.start];
        chars += gap.chars().count();
        units += gap.encode_utf16().count();
        pos = s.start;
        let body = &text[s.start..s.end];
        let c = f.char_span();
        assert_eq!(
            (c.start, c.end),
            (chars, chars + body.chars().count()),
            "char_span: {f:?}"
        );
        let u = f.utf16_span();
        assert_eq!(
            (u.start, u.end),
            (units, units + body.encode_utf16().count()),
            "utf16_span: {f:?}"
        );
        assert!(
            f.severity() >= min,
            "severity {} below minimum {min}: {f:?}",
            f.severity()
        );
        assert!(!f.rule_id().is_empty() && !f.name().is_empty());
    }
}

/// Spot-checks `check_findings`' running counts against counting from the
/// start of the text, for small texts.
fn check_offsets_naively(text: &str, findings: &[Finding]) {
    for f in findings {
        let (s, c, u) = (f.span(), f.char_span(), f.utf16_span());
        assert_eq!(c.start, text[..s.start].chars().count());
        assert_eq!(c.end, text[..s.end].chars().count());
        assert_eq!(u.start, text[..s.start].encode_utf16().count());
        assert_eq!(u.end, text[..s.end].encode_utf16().count());
    }
}

/// The parts of a finding that must move with its text, shifted by `bytes`,
/// `chars` and `units` (UTF-16 code units).
type Key = (
    String,
    Severity,
    (usize, usize),
    (usize, usize),
    (usize, usize),
    String,
);

fn key(f: &Finding, bytes: usize, chars: usize, units: usize) -> Key {
    let (s, c, u) = (f.span(), f.char_span(), f.utf16_span());
    (
        f.rule_id().to_string(),
        f.severity(),
        (s.start + bytes, s.end + bytes),
        (c.start + chars, c.end + chars),
        (u.start + units, u.end + units),
        f.matched().to_string(),
    )
}

fn keys_shifted(findings: &[Finding], before: &str) -> Vec<Key> {
    let (b, c, u) = (
        before.len(),
        before.chars().count(),
        before.encode_utf16().count(),
    );
    findings.iter().map(|f| key(f, b, c, u)).collect()
}

// ---------------------------------------------------------------------------
// Strategies

/// Fragments that carry risk for a scanner: rule terms and their near misses,
/// full-width forms, quotes, sentence ends, line ends, emoji sequences,
/// combining marks, zero-width and control characters, other scripts.
const VOCAB: &[&str] = &[
    "最",
    "最好",
    "最近",
    "最好冷藏",
    "第一",
    "第一次",
    "之一",
    "全网最低价",
    "全网",
    "最低价",
    "ＮＯ．１",
    "NO.1",
    "No.1",
    "no.",
    "TOP1",
    "ＴＯＰ１",
    "top 1",
    "極",
    "极",
    "极品",
    "唯一",
    "国家级",
    "国家",
    "级别",
    "100%",
    "１００％",
    "纯棉",
    "自家",
    "不是",
    "警惕",
    "家人们",
    "这款",
    "面膜",
    "价",
    "霸道",
    "，",
    "。",
    "！",
    "？",
    "、",
    "…",
    "\n",
    "\r\n",
    "\r",
    "\t",
    " ",
    "“",
    "”",
    "\"",
    "「",
    "」",
    "《",
    "》",
    "'",
    "👍🏻",
    "👍",
    "🏻",
    "1️⃣",
    "#️⃣",
    "\u{20e3}",
    "👨‍👩‍👧",
    "👨",
    "🇨🇳",
    "🇺",
    "e\u{301}",
    "\u{301}",
    "\u{302}",
    "\u{200b}",
    "\u{200d}",
    "\u{fe0f}",
    "\u{feff}",
    "\u{0}",
    "\u{7}",
    "\u{1b}",
    "\u{7f}",
    "Ａ",
    "ａ",
    "Ｚ",
    "\u{3000}",
    "￥",
    "¥",
    "ع",
    "\u{600}",
    "\u{915}\u{94d}",
    "한",
    "\u{1100}\u{1161}\u{11a8}",
    "a",
    "Z",
    "9",
    "0",
    "%",
    ".",
    "-",
    "_",
    "#",
    "&",
    "+",
];

/// Single characters from ranges that matter: combining marks, full-width
/// forms, CJK, emoji, regional indicators, variation selectors, Hangul jamo.
fn interesting_char() -> impl Strategy<Value = char> {
    prop_oneof![
        proptest::char::range('\u{300}', '\u{36f}'),
        proptest::char::range('\u{ff01}', '\u{ff5e}'),
        proptest::char::range('\u{4e00}', '\u{9fd5}'),
        proptest::char::range('\u{1f300}', '\u{1faff}'),
        proptest::char::range('\u{1f1e6}', '\u{1f1ff}'),
        proptest::char::range('\u{fe00}', '\u{fe0f}'),
        proptest::char::range('\u{1100}', '\u{11ff}'),
        proptest::char::range('\u{2000}', '\u{206f}'),
        proptest::char::range('\u{0}', '\u{7f}'),
    ]
}

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => proptest::sample::select(VOCAB).prop_map(String::from),
        1 => any::<char>().prop_map(String::from),
        2 => interesting_char().prop_map(String::from),
    ]
}

/// Text of up to `max` fragments.
fn fragments(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(fragment(), 0..max).prop_map(|v| v.concat())
}

/// A mix of arbitrary Unicode and fragment soup.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => any::<String>(),
        1 => proptest::collection::vec(interesting_char(), 0..64)
            .prop_map(|v| v.into_iter().collect::<String>()),
        4 => fragments(64),
    ]
}

fn severity() -> impl Strategy<Value = Severity> {
    prop_oneof![
        Just(Severity::Info),
        Just(Severity::Warning),
        Just(Severity::Error)
    ]
}

// ---------------------------------------------------------------------------
// Properties

proptest! {
    #[test]
    fn builtin_findings_are_well_formed(text in text()) {
        let findings = BUILTIN.scan(&text);
        check_findings(&text, &findings, Severity::Info);
        check_offsets_naively(&text, &findings);
    }

    #[test]
    fn stress_findings_are_well_formed(text in text(), min in severity()) {
        let findings = stress(min).scan(&text);
        check_findings(&text, &findings, min);
        check_offsets_naively(&text, &findings);
    }

    #[test]
    fn builtin_min_severity_is_respected(text in fragments(64), min in severity()) {
        check_findings(&text, &builtin(min).scan(&text), min);
    }

    #[test]
    fn scanning_is_deterministic(text in text()) {
        prop_assert_eq!(BUILTIN.scan(&text), BUILTIN.scan(&text));
        let stress = stress(Severity::Info);
        let first = stress.scan(&text);
        prop_assert_eq!(&first, &stress.scan(&text));
        prop_assert_eq!(&first, &stress.clone().scan(&text));
    }

    /// A finding's position moves with the text before it, and text on the
    /// far side of a line end and a 。 changes nothing about it.
    #[test]
    fn findings_shift_with_the_text_around_them(prefix in text(), suffix in text()) {
        // The line ends keep grapheme clusters and sentences of the prefix
        // and suffix apart from the middle; 。 keeps words apart.
        let middle = "\n。全网最低价。\n";
        let combined = format!("{prefix}{middle}{suffix}");
        for scanner in [&*PRICE, stress(Severity::Info)] {
            let mut expected = keys_shifted(&scanner.scan(&prefix), "");
            expected.extend(keys_shifted(&scanner.scan(middle), &prefix));
            expected.extend(keys_shifted(&scanner.scan(&suffix), &format!("{prefix}{middle}")));
            let got = keys_shifted(&scanner.scan(&combined), "");
            prop_assert_eq!(&got, &expected);
            // And the middle itself yields the lowest-price finding at the shifted offset.
            let at = prefix.len() + "\n。".len();
            let chars = prefix.chars().count() + 2;
            let units = prefix.encode_utf16().count() + 2;
            let hit = got.iter().find(|k| k.2 == (at, at + "全网最低价".len()));
            prop_assert!(hit.is_some(), "no finding at {}..{} in {:?}", at, at + 15, got);
            let hit = hit.unwrap();
            prop_assert_eq!(hit.3, (chars, chars + 5));
            prop_assert_eq!(hit.4, (units, units + 5));
            prop_assert_eq!(hit.5.as_str(), "全网最低价");
        }
    }

    /// Same with the built-in pack, whose contents change: only require the
    /// inserted phrase to be found at the shifted offset when the pack flags
    /// it on its own.
    #[test]
    fn builtin_finding_shifts_with_prefix(prefix in text(), suffix in text()) {
        let middle = "\n。全网最低价。\n";
        let alone: Vec<(usize, usize, String)> = BUILTIN
            .scan(middle)
            .iter()
            .map(|f| (f.span().start, f.span().end, f.rule_id().to_string()))
            .collect();
        let combined = format!("{prefix}{middle}{suffix}");
        let got = BUILTIN.scan(&combined);
        check_findings(&combined, &got, Severity::Info);
        for (s, e, rule) in alone {
            let (s, e) = (s + prefix.len(), e + prefix.len());
            prop_assert!(
                got.iter().any(|f| f.span().start == s && f.span().end == e && f.rule_id() == rule),
                "{} at {}..{} missing from {:?}", rule, s, e, got
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    /// Texts beyond the scanner's chunk size (1 MiB), so chunk cuts land
    /// at arbitrary places (after a line end, after a 。, or anywhere when
    /// the seed has neither): invariants still hold. Risky fragments are
    /// diluted in innocent filler to keep the run time down.
    #[test]
    fn big_texts_are_well_formed(
        seed in fragments(64),
        filler in 1usize..40,
        target in 1_100_000usize..1_600_000,
    ) {
        let unit = format!("{seed}{}", FILLER.repeat(filler));
        let text = unit.repeat(target / unit.len());
        check_findings(&text, &stress(Severity::Info).scan(&text), Severity::Info);
        check_findings(&text, &BUILTIN.scan(&text), Severity::Info);
    }
}

// ---------------------------------------------------------------------------
// Deterministic edge cases

#[test]
fn the_middle_of_the_shift_test_yields_one_finding() {
    let f = PRICE.scan("\n。全网最低价。\n");
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].span().start, f[0].span().end), (4, 19));
    let f = stress(Severity::Info).scan("\n。全网最低价。\n");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].rule_id(), "USR003");
}

#[test]
fn empty_text_has_no_findings() {
    assert!(BUILTIN.scan("").is_empty());
    assert!(stress(Severity::Info).scan("").is_empty());
    assert!(PRICE.scan("").is_empty());
}

/// Innocent text without punctuation: no finding from the stress pack.
const FILLER: &str = "大家好欢迎来到直播间今天给大家带来一款面膜";

#[test]
fn filler_is_innocent() {
    assert!(stress(Severity::Info).scan(FILLER).is_empty());
}

/// Size of the "10 MB" inputs.
const BIG: usize = 10 * 1024 * 1024;

/// One line with violations for the stress pack and innocent text.
const LINE: &str = "家人们，这款面膜是全网最低价！我们是第一品牌，最近卖得很火。开封后放冰箱，纯棉面料100%舒服👍🏻 ＮＯ．１ 谢谢大家\n";

fn assert_repeats(scanner: &Scanner, line: &str, min_per_line: usize) {
    let per_line = scanner.scan(line);
    assert!(
        per_line.len() >= min_per_line,
        "line findings: {per_line:?}"
    );
    check_findings(line, &per_line, Severity::Info);
    let lines = BIG / line.len();
    let text = line.repeat(lines);
    let t = Instant::now();
    let findings = scanner.scan(&text);
    eprintln!(
        "scanned {} bytes ({lines} lines) in {:?}: {} findings",
        text.len(),
        t.elapsed(),
        findings.len()
    );
    assert_eq!(
        findings.len(),
        per_line.len() * lines,
        "chunking lost or added findings"
    );
    let (b, c, u) = (
        line.len(),
        line.chars().count(),
        line.encode_utf16().count(),
    );
    for (i, f) in findings.iter().enumerate() {
        let (n, k) = (i / per_line.len(), i % per_line.len());
        assert_eq!(
            key(f, 0, 0, 0),
            key(&per_line[k], n * b, n * c, n * u),
            "finding {i} (line {n})"
        );
    }
    check_findings(&text, &findings, Severity::Info);
}

/// 10 MB of repeated lines: every line's findings come back, at the right
/// offsets, so cutting the text into chunks loses nothing.
#[test]
fn ten_megabytes_of_lines_lose_no_finding() {
    assert_repeats(stress(Severity::Info), LINE, 5);
}

#[test]
fn ten_megabytes_of_lines_builtin() {
    assert_repeats(&BUILTIN, LINE, 1);
}

/// Scans one line of `BIG` (10 MiB) bytes with neither newline nor
/// punctuation: every chunk is cut mid-sentence; nothing panics, every span
/// is valid, and no 全网最低价 goes without a finding.
fn scan_one_big_line(scanner: &Scanner) {
    let unit = "家人们这款面膜是全网最低价我们是第一品牌最近卖得很火开封后放冰箱纯棉面料百分百舒服";
    let text = unit.repeat(BIG / unit.len());
    let t = Instant::now();
    let findings = scanner.scan(&text);
    eprintln!(
        "scanned {} bytes in one line in {:?}: {} findings",
        text.len(),
        t.elapsed(),
        findings.len()
    );
    check_findings(&text, &findings, Severity::Info);
    assert!(!findings.is_empty());
    // When the unit on its own gets a finding over its 全网最低价, so does
    // every 全网最低价 of the line.
    let at = unit.find("全网最低价").unwrap();
    let flagged = scanner
        .scan(unit)
        .iter()
        .any(|f| f.span().start <= at && f.span().end >= at + 15);
    if !flagged {
        return;
    }
    let lowest: Vec<usize> = text.match_indices("全网最低价").map(|(i, _)| i).collect();
    let mut at = 0;
    for f in &findings {
        while at < lowest.len() && lowest[at] + 15 <= f.span().end && lowest[at] >= f.span().start {
            at += 1;
        }
    }
    assert_eq!(at, lowest.len(), "a 全网最低价 got no finding");
}

#[test]
fn big_line_without_newline_or_punctuation_builtin() {
    scan_one_big_line(&BUILTIN);
}

#[test]
fn big_line_without_newline_or_punctuation_stress() {
    scan_one_big_line(stress(Severity::Info));
}

/// A term straddling a chunk cut in a text without line or sentence ends
/// must still be found: every 全网最低价 of a long unbroken run is a finding.
#[test]
fn terms_straddling_a_chunk_cut_are_found() {
    let reps = 250_000; // 3.75 MB: several 1 MiB chunk cuts, some inside a term
    let text = "全网最低价".repeat(reps);
    let findings = PRICE.scan(&text);
    check_findings(&text, &findings, Severity::Info);
    assert_eq!(findings.len(), reps);
}

#[test]
fn only_emoji() {
    let text = "👍🏻1️⃣👨‍👩‍👧🇨🇳#️⃣👍".repeat(50);
    check_findings(&text, &BUILTIN.scan(&text), Severity::Info);
    check_findings(&text, &stress(Severity::Info).scan(&text), Severity::Info);
    let findings = STRESS_AS_WRITTEN.scan(&text);
    check_findings(&text, &findings, Severity::Info);
    // Patterns hit single code points inside each cluster; the spans widen to
    // whole clusters.
    let clusters: Vec<&str> = text.graphemes(true).collect();
    for f in &findings {
        assert!(
            clusters.contains(&f.matched()),
            "{:?} is not one whole cluster",
            f.matched()
        );
    }
    for cluster in ["1️⃣", "👨‍👩‍👧", "🇨🇳", "👍🏻", "#️⃣"] {
        assert!(
            findings.iter().any(|f| f.matched() == cluster),
            "no finding for {cluster}"
        );
    }
}

#[test]
fn only_separators_and_punctuation() {
    let text = "，。！？、；：…—·“”‘’「」《》（）【】,.!?;:()[]{}<>/\\|-_=+*&^%$#@~` \t\r\n\u{3000}\u{200b}\u{a0}".repeat(100);
    let f = BUILTIN.scan(&text);
    check_findings(&text, &f, Severity::Info);
    assert!(f.is_empty(), "{f:?}");
    let f = stress(Severity::Info).scan(&text);
    check_findings(&text, &f, Severity::Info);
    assert!(f.is_empty(), "{f:?}");
}

#[test]
fn nul_bytes_and_control_characters() {
    let text = "\0全网最低价\0\u{7}\0";
    let f = PRICE.scan(text);
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].span().start, f[0].span().end), (1, 16));
    assert_eq!((f[0].char_span().start, f[0].char_span().end), (1, 6));
    let text = "\0".repeat(10_000) + "全网最低价" + &"\u{1}\u{7f}\u{1b}".repeat(1000);
    for scanner in [&*BUILTIN, stress(Severity::Info), &*PRICE] {
        check_findings(&text, &scanner.scan(&text), Severity::Info);
    }
    assert_eq!(PRICE.scan(&text)[0].span().start, 10_000);
}

/// Full-width forms are folded for matching, but spans point at the original
/// full-width characters.
#[test]
fn full_width_spans_map_back_to_the_original() {
    let text = "销量ＮＯ．１！全网ＴＯＰ１，Ｎｏ．１和no.1，ａ１００％Ｂ";
    let f = stress(Severity::Info).scan(text);
    check_findings(text, &f, Severity::Info);
    let got: Vec<(&str, &str)> = f.iter().map(|f| (f.rule_id(), f.matched())).collect();
    assert_eq!(
        got,
        [
            ("USR004", "ＮＯ．１"),
            ("USR004", "ＴＯＰ１"),
            ("USR004", "Ｎｏ．１"),
            ("USR004", "no.1"),
            ("USR007", "ａ"),
            ("USR005", "１００％"),
            ("USR007", "Ｂ"),
        ]
    );
    let first = &f[0];
    assert_eq!((first.span().start, first.span().end), (6, 18));
    assert_eq!((first.char_span().start, first.char_span().end), (2, 6));
    assert_eq!((first.utf16_span().start, first.utf16_span().end), (2, 6));
}

/// A grapheme cluster longer than a chunk (a base letter with 600 000
/// combining marks, 1.2 MB, no line end): the chunk cut falls inside the
/// cluster, and a finding on either side of the cut widens to the whole
/// cluster.
#[test]
fn cluster_longer_than_a_chunk() {
    // Only two candidates: the letter, and the one U+0302 at the far end.
    let scanner = custom_scanner(&[
        ("USR001", "pattern = '[a-z]'"),
        ("USR002", r"pattern = '\x{302}'"),
    ]);
    let marks = "\u{301}".repeat(600_000);
    let text = format!("。a{marks}\u{302}。");
    let cluster = &text["。".len()..text.len() - "。".len()];
    assert_eq!(text.graphemes(true).count(), 3);
    let findings = scanner.scan(&text);
    check_findings(&text, &findings, Severity::Info);
    let got: Vec<(&str, usize, usize)> = findings
        .iter()
        .map(|f| (f.rule_id(), f.span().start, f.span().end))
        .collect();
    let (s, e) = (3, 3 + cluster.len());
    assert_eq!(got, [("USR001", s, e), ("USR002", s, e)]);
}

/// Two candidates of one rule in one grapheme cluster (👨 and 👧 of a ZWJ
/// family, or two combining marks) are widened to the same span after
/// `drop_contained` ran, so the same finding comes back several times.
#[test]
fn no_duplicate_findings_after_grapheme_widening() {
    let scanner = stress(Severity::Info);
    for text in [
        "👨\u{200d}👩\u{200d}👧",
        "e\u{301}\u{302}",
        "1\u{fe0f}\u{20e3}",
    ] {
        let findings = scanner.scan(text);
        check_findings(text, &findings, Severity::Info);
        let mut keys: Vec<(&str, usize, usize)> = findings
            .iter()
            .map(|f| (f.rule_id(), f.span().start, f.span().end))
            .collect();
        let all = keys.len();
        keys.dedup();
        assert_eq!(
            keys.len(),
            all,
            "duplicate findings for {text:?}: {findings:?}"
        );
    }
}
