//! The public API: thread-safety of `Scanner`, builder options (`select`,
//! `ignore`, `min_severity`, `allow`, `rules`), the shape of a serialised
//! `Finding`, and the small value types.
//!
//! Tests whose meaning would depend on what the built-in pack holds use a
//! custom pack instead; the few that use the built-in pack only check
//! relations between two scans.

use adcop::{
    Category, Error, Facts, Finding, Profile, RuleSet, Scanner, ScannerBuilder, Severity, Span,
};
use std::collections::BTreeSet;

// ---------------------------------------------------------------------------
// Fixtures

/// A rule in TOML: `id`, `category`, `severity` and the lines saying what it matches.
fn rule(id: &str, category: &str, severity: &str, body: &str) -> String {
    format!(
        "[[rule]]\n\
         id = \"{id}\"\n\
         name = \"rule-{lower}\"\n\
         category = \"{category}\"\n\
         severity = \"{severity}\"\n\
         {body}\n\
         message = \"{id}：「{{matched}}」\"\n\
         suggestion = \"别说「{{matched}}」\"\n\
         basis = \"basis of {id}\"\n\
         [rule.docs]\n\
         what = \"w\"\n\
         why = \"y\"\n\
         example = \"e\"\n\
         instead = \"i\"\n\n",
        lower = id.to_lowercase()
    )
}

/// A pack with rules in three categories and at two severities. Every term
/// skips the word-boundary check, so findings do not depend on the segmenter.
fn pack() -> RuleSet {
    RuleSet::from_toml("pack.toml", &pack_text()).unwrap_or_else(|e| panic!("{e}"))
}

fn pack_text() -> String {
    [
        rule(
            "ABS901",
            "absolute",
            "error",
            "terms = [\"最好\"]\nboundary = \"never\"",
        ),
        rule(
            "ABS902",
            "absolute",
            "warning",
            "terms = [\"顶级\"]\nboundary = \"never\"",
        ),
        rule("PRC901", "price", "error", "terms = [\"全网最低价\"]"),
        rule("PRC902", "price", "warning", "pattern = '原价[0-9]+'"),
        rule(
            "USR001",
            "custom",
            "error",
            "terms = [\"至尊\"]\nboundary = \"never\"",
        ),
        rule(
            "USR002",
            "custom",
            "info",
            "terms = [\"躺赚\"]\nboundary = \"never\"",
        ),
    ]
    .concat()
}

/// One finding per rule of `pack`, in this order.
const TEXT: &str = "这是最好的面膜，顶级原料，全网最低价，原价199元，至尊套餐，躺赚。";

fn with_pack() -> ScannerBuilder {
    Scanner::builder().rules(pack())
}

fn ids(findings: &[Finding]) -> Vec<&str> {
    findings.iter().map(|f| f.rule_id()).collect()
}

// ---------------------------------------------------------------------------
// Scanner is shareable

fn assert_send_sync_clone<T: Send + Sync + Clone + 'static>() {}
fn assert_send_sync<T: Send + Sync + 'static>() {}

#[test]
fn types_are_send_sync_clone() {
    assert_send_sync_clone::<Scanner>();
    assert_send_sync_clone::<ScannerBuilder>();
    assert_send_sync_clone::<RuleSet>();
    assert_send_sync_clone::<Finding>();
    assert_send_sync::<Error>();
    fn is_error<E: std::error::Error + Send + Sync + 'static>() {}
    is_error::<Error>();
}

#[test]
fn scanner_is_shared_across_threads() {
    let scanner = with_pack().build().unwrap();
    let expected = scanner.scan(TEXT);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let clone = scanner.clone();
                let by_ref = &scanner;
                s.spawn(move || (clone.scan(TEXT), by_ref.scan(TEXT)))
            })
            .collect();
        for h in handles {
            let (a, b) = h.join().unwrap();
            assert_eq!(a, expected);
            assert_eq!(b, expected);
        }
    });
}

#[test]
fn building_twice_gives_equal_results() {
    let a = with_pack().build().unwrap();
    let b = with_pack().build().unwrap();
    assert_eq!(a.scan(TEXT), b.scan(TEXT));
    assert_eq!(
        ids(&a.scan(TEXT)),
        ["ABS901", "ABS902", "PRC901", "PRC902", "USR001", "USR002"]
    );

    let text = "家人们，这是全网最低价！我们是第一品牌，最好的面膜，原价199现价99。";
    assert_eq!(Scanner::new().scan(text), Scanner::new().scan(text));
    assert_eq!(Scanner::new().scan(text), Scanner::default().scan(text));
    let builder = Scanner::builder().min_severity(Severity::Warning);
    assert_eq!(
        builder.clone().build().unwrap().scan(text),
        builder.build().unwrap().scan(text)
    );
}

// ---------------------------------------------------------------------------
// select / ignore

#[test]
fn select_keeps_only_the_selected_rules() {
    let abs = with_pack().select("ABS").build().unwrap();
    assert_eq!(ids(&abs.scan(TEXT)), ["ABS901", "ABS902"]);
    // By category name, by full ID, in any case, and repeated.
    let by_name = with_pack().select("absolute").build().unwrap();
    assert_eq!(by_name.scan(TEXT), abs.scan(TEXT));
    let one = with_pack().select("abs902").build().unwrap();
    assert_eq!(ids(&one.scan(TEXT)), ["ABS902"]);
    let two = with_pack()
        .select("ABS901")
        .select("custom")
        .build()
        .unwrap();
    assert_eq!(ids(&two.scan(TEXT)), ["ABS901", "USR001", "USR002"]);
    // active_rules is the selection; rule_set is everything loaded.
    let active: Vec<&str> = abs.active_rules().map(|r| r.id.as_str()).collect();
    assert_eq!(active, ["ABS901", "ABS902"]);
    assert_eq!(abs.rule_set().len(), 6);
}

#[test]
fn select_abs_on_the_builtin_pack_yields_only_abs_findings() {
    let text =
        "家人们，这是全网最低价！我们是第一品牌，最好的面膜，国家级品质，原价199现价99，最后三单。";
    let all = Scanner::new().scan(text);
    let abs = Scanner::builder().select("ABS").build().unwrap().scan(text);
    assert!(
        abs.iter().all(|f| f.rule_id().starts_with("ABS")),
        "{abs:?}"
    );
    assert!(abs.iter().all(|f| f.category() == Category::Absolute));
    // The ABS findings are the ones the full scan has (other rules can only
    // have won overlaps there).
    let from_all: Vec<&Finding> = all
        .iter()
        .filter(|f| f.rule_id().starts_with("ABS"))
        .collect();
    for f in &from_all {
        assert!(abs.contains(f), "{f:?} missing with select(\"ABS\")");
    }
    let active = Scanner::builder().select("ABS").build().unwrap();
    assert!(active.active_rules().all(|r| r.id.starts_with("ABS")));
    assert!(active.active_rules().count() > 0);
}

#[test]
fn ignore_drops_the_ignored_rules() {
    let no_price = with_pack().ignore("PRC").build().unwrap();
    assert_eq!(
        ids(&no_price.scan(TEXT)),
        ["ABS901", "ABS902", "USR001", "USR002"]
    );
    let by_name = with_pack().ignore("price").build().unwrap();
    assert_eq!(by_name.scan(TEXT), no_price.scan(TEXT));
    // 全网最低价 contains 最低 but not 最好: nothing else takes its place.
    let text = "全网最低价";
    assert!(no_price.scan(text).is_empty());
    // select and ignore together: ignore wins.
    let some = with_pack().select("PRC").ignore("PRC902").build().unwrap();
    assert_eq!(ids(&some.scan(TEXT)), ["PRC901"]);
}

#[test]
fn ignore_prc_on_the_builtin_pack_drops_price_findings() {
    let text = "家人们，这是全网最低价！原价199现价99，史上最低价，最好的面膜。";
    let scanner = Scanner::builder().ignore("PRC").build().unwrap();
    let findings = scanner.scan(text);
    assert!(
        findings.iter().all(|f| !f.rule_id().starts_with("PRC")),
        "{findings:?}"
    );
    assert!(findings.iter().all(|f| f.category() != Category::Price));
    assert!(scanner
        .active_rules()
        .all(|r| r.category != Category::Price));
}

// ---------------------------------------------------------------------------
// min_severity

#[test]
fn min_severity_drops_lower_findings() {
    let all = with_pack().build().unwrap().scan(TEXT);
    let severities: Vec<Severity> = all.iter().map(Finding::severity).collect();
    use Severity::*;
    assert_eq!(severities, [Error, Warning, Error, Warning, Error, Info]);

    let warn = with_pack()
        .min_severity(Warning)
        .build()
        .unwrap()
        .scan(TEXT);
    assert_eq!(
        ids(&warn),
        ["ABS901", "ABS902", "PRC901", "PRC902", "USR001"]
    );
    let err = with_pack().min_severity(Error).build().unwrap().scan(TEXT);
    assert_eq!(ids(&err), ["ABS901", "PRC901", "USR001"]);
    let info = with_pack().min_severity(Info).build().unwrap().scan(TEXT);
    assert_eq!(info, all);
}

#[test]
fn min_severity_error_on_the_builtin_pack() {
    let text = "家人们，这是全网最低价！我们是第一品牌，最好的面膜，原价199现价99，仅剩最后三单，销量第一。";
    let findings = Scanner::builder()
        .min_severity(Severity::Error)
        .build()
        .unwrap()
        .scan(text);
    assert!(
        findings.iter().all(|f| f.severity() == Severity::Error),
        "{findings:?}"
    );
}

// ---------------------------------------------------------------------------
// allow

#[test]
fn allow_suppresses_findings_inside_an_allowed_phrase() {
    let text = "今天上新至尊披萨，至尊品质。";
    let plain = with_pack().build().unwrap().scan(text);
    assert_eq!(ids(&plain), ["USR001", "USR001"]);

    let allowed = with_pack().allow(["至尊披萨"]).build().unwrap().scan(text);
    assert_eq!(ids(&allowed), ["USR001"]);
    assert_eq!(
        allowed[0], plain[1],
        "the finding outside 至尊披萨 stays as it was"
    );
    assert_eq!(allowed[0].matched(), "至尊");
    assert_eq!(allowed[0].span().start, text.rfind("至尊").unwrap());

    // Several phrases, given as Strings; blanks are ignored.
    let phrases = vec![
        String::from("至尊披萨"),
        String::from("  "),
        String::new(),
        String::from("至尊品质"),
    ];
    assert!(with_pack()
        .allow(phrases)
        .build()
        .unwrap()
        .scan(text)
        .is_empty());

    // A phrase that only overlaps the finding does not cover it.
    let partial = with_pack().allow(["尊披萨"]).build().unwrap().scan(text);
    assert_eq!(partial, plain);

    // Phrases are matched on normalised text: full-width and case fold.
    let text = "ＶＩＰ至尊卡";
    assert_eq!(ids(&with_pack().build().unwrap().scan(text)), ["USR001"]);
    assert!(with_pack()
        .allow(["vip至尊卡"])
        .build()
        .unwrap()
        .scan(text)
        .is_empty());
    assert!(with_pack()
        .allow(["VIP至尊"])
        .build()
        .unwrap()
        .scan(text)
        .is_empty());

    // allow does not change other rules' findings.
    let all = with_pack().allow(["至尊套餐"]).build().unwrap().scan(TEXT);
    assert_eq!(
        ids(&all),
        ["ABS901", "ABS902", "PRC901", "PRC902", "USR002"]
    );
}

/// Same with the built-in pack, when it flags 至尊 at all.
#[test]
fn allow_on_the_builtin_pack() {
    let text = "今天上新至尊披萨，至尊品质。";
    let pizza = text.find("至尊披萨").unwrap()..text.find("至尊披萨").unwrap() + "至尊披萨".len();
    let plain = Scanner::new().scan(text);
    let allowed = Scanner::builder()
        .allow(["至尊披萨"])
        .build()
        .unwrap()
        .scan(text);
    let outside = |f: &&Finding| f.span().end <= pizza.start || f.span().start >= pizza.end;
    // Everything outside the phrase is unchanged; nothing inside is left.
    assert_eq!(
        allowed.iter().filter(outside).collect::<Vec<_>>(),
        plain.iter().filter(outside).collect::<Vec<_>>()
    );
    let inside = |f: &&Finding| f.span().start >= pizza.start && f.span().end <= pizza.end;
    assert_eq!(allowed.iter().filter(inside).count(), 0, "{allowed:?}");
}

// ---------------------------------------------------------------------------
// rules()

#[test]
fn rules_replace_the_builtin_pack_and_merge_when_repeated() {
    // With a custom set, built-in rules are not applied.
    let scanner = with_pack().build().unwrap();
    assert_eq!(scanner.rule_set().len(), 6);
    assert!(scanner
        .active_rules()
        .all(|r| r.id.ends_with(|c: char| c.is_ascii_digit())));
    assert!(scanner.scan("第一品牌，史上最低价").is_empty());

    // Two sets merge.
    let extra = RuleSet::from_toml(
        "extra.toml",
        &rule(
            "USR003",
            "custom",
            "warning",
            "terms = [\"稳赚\"]\nboundary = \"never\"",
        ),
    )
    .unwrap();
    let both = with_pack().rules(extra.clone()).build().unwrap();
    assert_eq!(both.rule_set().len(), 7);
    assert_eq!(ids(&both.scan("稳赚，至尊")), ["USR003", "USR001"]);
    assert_eq!(both.rule_set().origin("USR003"), Some(("extra.toml", 1)));

    // The built-in pack merged with a user set.
    let merged = RuleSet::builtin().merge(extra).unwrap();
    let scanner = Scanner::builder().rules(merged).build().unwrap();
    assert!(scanner.scan("稳赚").iter().any(|f| f.rule_id() == "USR003"));

    // An empty set: no rule, no finding.
    let none = Scanner::builder().rules(RuleSet::empty()).build().unwrap();
    assert!(none.scan(TEXT).is_empty());
    assert_eq!(none.active_rules().count(), 0);
}

// ---------------------------------------------------------------------------
// Findings

#[test]
fn finding_accessors() {
    let text = "ＡＢ，这是最好的";
    let f = &with_pack().select("ABS901").build().unwrap().scan(text)[0];
    assert_eq!(f.rule_id(), "ABS901");
    assert_eq!(f.name(), "rule-abs901");
    assert_eq!(f.category(), Category::Absolute);
    assert_eq!(f.severity(), Severity::Error);
    let start = text.find("最好").unwrap();
    assert_eq!(
        f.span(),
        Span {
            start,
            end: start + 6
        }
    );
    assert_eq!(f.char_span(), Span { start: 5, end: 7 });
    assert_eq!(f.utf16_span(), Span { start: 5, end: 7 });
    assert_eq!(f.matched(), "最好");
    assert_eq!(f.message(), "ABS901：「最好」");
    assert_eq!(f.suggestion(), "别说「最好」");
    assert_eq!(f.basis(), "basis of ABS901");
}

#[test]
fn finding_serialises_to_a_flat_object() {
    // An astral character before the finding makes the three spans differ.
    let text = "😀ＡＢ至尊";
    let findings = with_pack().build().unwrap().scan(text);
    assert_eq!(findings.len(), 1);
    let value = serde_json::to_value(&findings[0]).unwrap();
    let object = value.as_object().expect("a JSON object");
    let keys: BTreeSet<&str> = object.keys().map(String::as_str).collect();
    let expected: BTreeSet<&str> = [
        "rule",
        "name",
        "category",
        "severity",
        "span",
        "char_span",
        "utf16_span",
        "matched",
        "message",
        "basis",
        "suggestion",
    ]
    .into_iter()
    .collect();
    assert_eq!(keys, expected);
    assert_eq!(
        value,
        serde_json::json!({
            "rule": "USR001",
            "name": "rule-usr001",
            "category": "custom",
            "severity": "error",
            "span": {"start": 10, "end": 16},
            "char_span": {"start": 3, "end": 5},
            "utf16_span": {"start": 4, "end": 6},
            "matched": "至尊",
            "message": "USR001：「至尊」",
            "basis": "basis of USR001",
            "suggestion": "别说「至尊」",
        })
    );
    // A list of findings is an array of such objects.
    let list = serde_json::to_value(&findings).unwrap();
    assert_eq!(list.as_array().map(Vec::len), Some(1));
}

#[test]
fn severity_and_category_names_serialise_in_lower_case() {
    for (severity, name) in [
        (Severity::Info, "info"),
        (Severity::Warning, "warning"),
        (Severity::Error, "error"),
    ] {
        assert_eq!(serde_json::to_value(severity).unwrap(), name);
        assert_eq!(severity.as_str(), name);
        assert_eq!(severity.to_string(), name);
        assert_eq!(name.parse::<Severity>(), Ok(severity));
        assert_eq!(name.to_uppercase().parse::<Severity>(), Ok(severity));
    }
    assert_eq!("warn".parse::<Severity>(), Ok(Severity::Warning));
    let err = "fatal".parse::<Severity>().unwrap_err();
    assert!(err.contains("fatal"), "{err}");
    assert!(Severity::Info < Severity::Warning && Severity::Warning < Severity::Error);
    assert_eq!(Severity::Error.lowered(), Severity::Warning);
    assert_eq!(Severity::Warning.lowered(), Severity::Info);
    assert_eq!(Severity::Info.lowered(), Severity::Info);

    let mut prefixes = BTreeSet::new();
    for &c in Category::ALL {
        assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        assert_eq!(c.to_string(), c.as_str());
        assert_eq!(c.prefix().len(), 3);
        assert!(c.prefix().bytes().all(|b| b.is_ascii_uppercase()));
        assert!(
            prefixes.insert(c.prefix()),
            "prefix {} used twice",
            c.prefix()
        );
    }
    assert_eq!(Category::Custom.prefix(), "USR");
    assert_eq!(Category::Absolute.prefix(), "ABS");
    assert_eq!(Category::Price.prefix(), "PRC");
}

#[test]
fn span_helpers() {
    let s = Span { start: 3, end: 9 };
    assert_eq!(s.len(), 6);
    assert!(!s.is_empty());
    assert!(Span { start: 4, end: 4 }.is_empty());
    assert_eq!(
        serde_json::to_value(s).unwrap(),
        serde_json::json!({"start": 3, "end": 9})
    );
}

#[test]
fn rule_set_lookup_and_explain() {
    let set = pack();
    assert_eq!(set.len(), 6);
    assert!(!set.is_empty());
    assert!(RuleSet::empty().is_empty());
    let r = set.get("prc902").expect("lookup ignores case");
    assert_eq!(r.id, "PRC902");
    assert_eq!(r.category, Category::Price);
    let text = pack_text();
    let header = text[..text.find("id = \"PRC902\"").unwrap()]
        .matches('\n')
        .count();
    assert_eq!(set.origin("PRC902"), Some(("pack.toml", header)));
    assert!(set.get("PRC903").is_none());
    let md = r.explain();
    assert!(md.starts_with("# PRC902 (rule-prc902)"), "{md}");
    assert!(md.contains("Category: price · Severity: warning"), "{md}");
    // Terms were normalised at load time.
    let set = RuleSet::from_toml(
        "n.toml",
        &rule("USR001", "custom", "error", "terms = [\"ＴＯＰ１\"]"),
    )
    .unwrap();
    assert_eq!(set.get("USR001").unwrap().terms, ["top1"]);
    // Every built-in rule has the documentation explain() needs.
    for r in RuleSet::builtin().rules() {
        assert!(r.explain().contains(&r.id));
    }
    adcop::warm_up();
}

// ---------------------------------------------------------------------------
// Pattern rules keep regex semantics

/// A pattern with a look-behind assertion (`\b`, `^`) is judged with the text
/// before the match, not on a slice starting at the match.
#[test]
fn pattern_assertions_see_the_text_before_the_match() {
    let set = RuleSet::from_toml(
        "p.toml",
        &[
            rule(
                "USR001",
                "custom",
                "error",
                "pattern = '\\bno\\.1'\nboundary = \"never\"",
            ),
            rule(
                "USR002",
                "custom",
                "error",
                "pattern = '(?m)^最好'\nboundary = \"never\"",
            ),
        ]
        .concat(),
    )
    .unwrap();
    let scanner = Scanner::builder().rules(set).build().unwrap();
    let spans = |text: &str| -> Vec<(String, usize, usize)> {
        scanner
            .scan(text)
            .iter()
            .map(|f| (f.rule_id().to_string(), f.span().start, f.span().end))
            .collect()
    };
    assert_eq!(spans("no.1"), [("USR001".to_string(), 0, 4)]);
    assert_eq!(spans("a no.1"), [("USR001".to_string(), 2, 6)]);
    assert!(spans("xno.1").is_empty(), "{:?}", spans("xno.1"));
    assert_eq!(spans("最好"), [("USR002".to_string(), 0, 6)]);
    assert_eq!(spans("第一\n最好"), [("USR002".to_string(), 7, 13)]);
    assert!(spans("这是最好").is_empty(), "{:?}", spans("这是最好"));
}

// ---------------------------------------------------------------------------
// Overlapping findings
// ---------------------------------------------------------------------------

/// Inside a longer claim, an absolute term is the same wording and is
/// dropped; a claim of another category is a claim of its own and stays.
#[test]
fn contained_findings_drop_within_a_category_and_for_absolute_terms() {
    let text = [
        rule("ABS901", "absolute", "error", "terms = [\"最低\"]\nboundary = \"never\""),
        rule(
            "PRC901",
            "price",
            "warning",
            "pattern = '原价[0-9]+.{0,8}只要[0-9]+'\nterms = [\"全网最低价\"]\nboundary = \"never\"",
        ),
        rule("PRC902", "price", "warning", "terms = [\"原价\"]\nboundary = \"never\""),
        rule("COS901", "cosmetics", "error", "terms = [\"祛斑\"]\nboundary = \"never\""),
    ]
    .concat();
    let scanner = Scanner::builder()
        .rules(RuleSet::from_toml("overlap.toml", &text).unwrap())
        .build()
        .unwrap();
    let found = |s: &str| -> Vec<(String, String)> {
        scanner
            .scan(s)
            .iter()
            .map(|f| (f.rule_id().to_string(), f.matched().to_string()))
            .collect()
    };
    assert_eq!(
        found("全网最低价"),
        [("PRC901".into(), "全网最低价".into())]
    );
    assert_eq!(
        found("原价299的祛斑霜只要99"),
        [
            ("PRC901".to_string(), "原价299的祛斑霜只要99".to_string()),
            ("COS901".to_string(), "祛斑".to_string()),
        ]
    );
}

// ---------------------------------------------------------------------------
// Product profiles and checks

/// A health-function rule whose severity depends on the product profile.
fn profiled() -> RuleSet {
    let text = rule(
        "HLT901",
        "health",
        "error",
        "terms = [\"增强免疫力\"]\nprofiles = { health-food = \"info\", drug-or-device = \"warning\" }",
    );
    RuleSet::from_toml("profiled.toml", &text).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn profiles_change_severity_and_default_to_ordinary_goods() {
    let text = "这款饮料能增强免疫力";
    let severity = |profile: Option<Profile>| {
        let mut b = Scanner::builder().rules(profiled());
        if let Some(p) = profile {
            b = b.profile(p);
        }
        let found = b.build().unwrap().scan(text);
        assert_eq!(found.len(), 1, "{found:?}");
        found[0].severity()
    };
    assert_eq!(severity(None), Severity::Error);
    assert_eq!(severity(Some(Profile::OrdinaryGoods)), Severity::Error);
    assert_eq!(severity(Some(Profile::HealthFood)), Severity::Info);
    assert_eq!(severity(Some(Profile::DrugOrDevice)), Severity::Warning);
    // A profile the rule does not name keeps the rule's own severity.
    assert_eq!(severity(Some(Profile::Cosmetics)), Severity::Error);
}

#[test]
fn a_profile_below_min_severity_drops_the_finding() {
    let s = Scanner::builder()
        .rules(profiled())
        .profile(Profile::HealthFood)
        .min_severity(Severity::Warning)
        .build()
        .unwrap();
    assert!(s.scan("这款饮料能增强免疫力").is_empty());
}

#[test]
fn profile_names_round_trip() {
    for p in Profile::ALL {
        assert_eq!(p.as_str().parse::<Profile>(), Ok(*p));
    }
    assert!("pet-food".parse::<Profile>().is_err());
}

/// A rule that fires on 原价 only when the check holds.
fn checked(check: &str) -> Scanner {
    let text = rule(
        "PRC901",
        "price",
        "error",
        &format!("pattern = '原价|吊牌价|抽奖'\ncheck = \"{check}\""),
    );
    let set = RuleSet::from_toml("checked.toml", &text).unwrap_or_else(|e| panic!("{e}"));
    Scanner::builder().rules(set).build().unwrap()
}

#[test]
fn contradictory_numbers_fire_with_their_facts_and_span() {
    let s = checked("contradictory-price");
    let text = "家人们，原价三百，今天八折，到手两百八！";
    let found = s.scan(text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].matched(), "原价三百，今天八折，到手两百八");
    let Some(Facts::Price(f)) = found[0].facts() else {
        panic!("no price facts: {:?}", found[0]);
    };
    assert_eq!(f.reference.map(|m| m.fen()), Some(30_000));
    assert_eq!(f.discount.map(|d| d.basis_points()), Some(8_000));
    assert_eq!(f.offer.map(|m| m.fen()), Some(28_000));
    assert_eq!(f.implied_offer().map(|m| m.fen()), Some(24_000));
    // The same statement with numbers that add up, or with a coupon, passes.
    assert!(s.scan("原价三百，今天八折，到手两百四").is_empty());
    assert!(s.scan("原价三百，今天八折，再用券，到手两百八").is_empty());
}

#[test]
fn deep_discounts_fire_only_below_a_tenth() {
    let s = checked("deep-discount");
    assert_eq!(s.scan("吊牌价1999元，直播间只要99元").len(), 1);
    assert!(s.scan("吊牌价1999元，直播间只要999元").is_empty());
    assert!(s.scan("吊牌价很高").is_empty());
}

#[test]
fn prize_values_over_the_cap_fire() {
    let s = checked("prize-over-cap");
    let found = s.scan("今晚抽奖，一等奖奖金6万元");
    assert_eq!(found.len(), 1, "{found:?}");
    let Some(Facts::Prize(p)) = found[0].facts() else {
        panic!("no prize facts: {:?}", found[0]);
    };
    assert_eq!(p.value.yuan(), 60_000.0);
    assert!(s.scan("今晚抽奖，一等奖奖金5万元").is_empty());
    assert!(s.scan("今晚抽奖，奖品是一箱牛奶").is_empty());
}

#[test]
fn facts_are_serialised_with_the_finding_and_only_when_present() {
    let s = checked("price-facts");
    let found = s.scan("原价199，现在只要99");
    let json = serde_json::to_value(&found[0]).unwrap();
    assert_eq!(json["facts"]["kind"], "price");
    assert_eq!(json["facts"]["reference"], 199.0);
    assert_eq!(json["facts"]["offer"], 99.0);
    let found = s.scan("恢复原价了");
    assert_eq!(found.len(), 1, "price-facts never drops a match");
    let json = serde_json::to_value(&found[0]).unwrap();
    assert!(json.get("facts").is_none(), "{json}");
}
