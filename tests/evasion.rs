//! Evasive spellings are seen through, findings say how the text dodged the
//! word list, and spans cover exactly the original characters of the form.

use adcop::{Error, EvasionForms, EvasionKind, Finding, RuleSet, Scanner, Severity};
use proptest::prelude::*;
use std::sync::OnceLock;

fn scanner() -> &'static Scanner {
    static SCANNER: OnceLock<Scanner> = OnceLock::new();
    SCANNER.get_or_init(Scanner::new)
}

fn plain_scanner() -> &'static Scanner {
    static SCANNER: OnceLock<Scanner> = OnceLock::new();
    SCANNER.get_or_init(|| Scanner::builder().evasion(false).build().expect("builds"))
}

/// The finding of `rule` in `text`, if any.
fn finding(scanner: &Scanner, text: &str, rule: &str) -> Option<Finding> {
    scanner.scan(text).into_iter().find(|f| f.rule_id() == rule)
}

use EvasionKind::*;

#[test]
fn each_kind_is_seen_at_the_span_of_its_form() {
    let cases: &[(&str, &str, &str, &[EvasionKind])] = &[
        (
            "这款精华是国货ＮＯ．１，放心买",
            "ＮＯ．１",
            "ABS003",
            &[Width, Spelling],
        ),
        ("这款精华是国货𝐍𝐎.𝟏哦", "𝐍𝐎.𝟏", "ABS003", &[Width, Spelling]),
        ("这款是国货No 1哦", "No 1", "ABS003", &[Spelling]),
        ("零食界的Top.1就是它", "Top.1", "ABS003", &[Spelling]),
        (
            "今天全網最低價，只有今天",
            "全網最低價",
            "PRC001",
            &[Traditional],
        ),
        ("这是國家級配方", "國家級", "ABS005", &[Traditional]),
        ("这款面霜最*好用", "最*好用", "ABS001", &[Separator]),
        (
            "今天全网最|低价，只有今天",
            "全网最|低价",
            "PRC001",
            &[Separator],
        ),
        (
            "今天全网最\u{200B}低价，只有今天",
            "全网最\u{200B}低价",
            "PRC001",
            &[Separator],
        ),
        ("这款是销量第-一的面霜", "第-一", "ABS003", &[Separator]),
        ("最最最好用的面霜来了", "最最最好用", "ABS001", &[Repeat]),
        ("这是全网zuì hǎo用的面霜", "zuì hǎo用", "ABS001", &[Pinyin]),
        (
            "这是全网ZUI4 HAO3用的面霜",
            "ZUI4 HAO3用",
            "ABS001",
            &[Pinyin],
        ),
        ("这是全网蕞好用的面霜", "蕞好用", "ABS001", &[Homophone]),
        ("我们家销量弟一", "弟一", "ABS003", &[Homophone]),
        ("这款茶能治聊失眠", "治聊失眠", "MED001", &[Homophone]),
    ];
    for &(text, form, rule, kinds) in cases {
        let f = finding(scanner(), text, rule)
            .unwrap_or_else(|| panic!("{rule} not found in {text:?}: {:?}", scanner().scan(text)));
        let at = text.find(form).expect("form in text");
        assert!(
            f.span().start <= at && f.span().end >= at + form.len(),
            "{text:?}: span {:?} ({:?}) does not cover {form:?}",
            f.span(),
            f.matched()
        );
        assert_eq!(&text[f.span().start..f.span().end], f.matched());
        assert_eq!(f.evasion(), kinds, "{text:?}");
    }
}

#[test]
fn text_as_written_carries_no_evasion() {
    for text in ["今天全网最低价", "这款面霜最好用", "国货NO.1"] {
        let found = scanner().scan(text);
        assert!(!found.is_empty(), "{text:?}");
        for f in found {
            let expected: &[EvasionKind] = if f.matched().contains("NO") {
                &[Spelling]
            } else {
                &[]
            };
            assert_eq!(f.evasion(), expected, "{text:?}: {f:?}");
        }
    }
}

#[test]
fn homophones_and_pinyin_are_one_step_lower() {
    let plain = finding(scanner(), "这是全网最好用的面霜", "ABS001").expect("plain");
    for text in ["这是全网蕞好用的面霜", "这是全网zui hao用的面霜"] {
        let f = finding(scanner(), text, "ABS001").expect(text);
        assert_eq!(f.severity(), plain.severity().lowered(), "{text:?}");
    }
    // Separators and traditional characters hide nothing: same severity.
    for text in ["这是全网最*好用的面霜", "這是全網最好用的面霜"] {
        let f = finding(scanner(), text, "ABS001").expect(text);
        assert_eq!(f.severity(), plain.severity(), "{text:?}");
    }
}

#[test]
fn a_rule_can_keep_its_severity_for_homophones() {
    let pack = r#"
[[rule]]
id = "USR001"
name = "secret-remedy"
category = "custom"
severity = "error"
terms = ["神药"]
evasion_severity = "keep"
message = "用语「{matched}」"
suggestion = "删去"
basis = "test"
[rule.docs]
what = "what"
why = "why"
example = "example"
instead = "instead"
"#;
    let forms = EvasionForms::builtin()
        .merge(
            EvasionForms::from_toml(
                "mine.toml",
                "[[variant]]\nform = \"神要\"\nmeans = \"神药\"\nsource = \"deliberate\"\nexample = \"这是神要\"\n",
            )
            .expect("loads"),
        );
    let s = Scanner::builder()
        .rules(RuleSet::from_toml("mine.toml", pack).expect("pack"))
        .evasion_forms(forms)
        .build()
        .expect("builds");
    let f = finding(&s, "这可是神要啊", "USR001").expect("found");
    assert_eq!(f.severity(), Severity::Error);
    assert_eq!(f.evasion(), &[Homophone]);
    assert_eq!(f.matched(), "神要");
}

#[test]
fn no_evasion_across_clauses_delimiters_or_words() {
    // (text, rule that must not fire)
    let clean: &[(&str, &str)] = &[
        ("这个最。好的东西留给你", "ABS001"),
        ("兄弟一起来直播间", "ABS003"),
        ("弟弟一直在用这款", "ABS003"),
        ("唯唯诺诺的性格", "ABS004"),
        ("抵价券可以叠加使用", "PRC001"),
        ("品质最 ，好评多", "ABS001"),
    ];
    for &(text, rule) in clean {
        assert!(
            finding(scanner(), text, rule).is_none(),
            "{text:?}: {:?}",
            scanner().scan(text)
        );
    }
    // Symbols used as list delimiters, and spaces between words, are gaps.
    for text in [
        "信用贷款.无抵押.无担保.利息低",
        "天然不含激素~美白去斑",
        "面霜 最新款 保湿 补水",
        "版本1.5升级，容量2.5升",
        "best selling stainless steel bowl",
        "马克·吐温的小说",
    ] {
        let evasive: Vec<Finding> = scanner()
            .scan(text)
            .into_iter()
            .filter(|f| !f.evasion().is_empty())
            .collect();
        assert!(evasive.is_empty(), "{text:?}: {evasive:?}");
    }
}

#[test]
fn evasion_can_be_turned_off() {
    assert!(finding(plain_scanner(), "今天全網最低價", "PRC001").is_none());
    assert!(finding(plain_scanner(), "这是全网蕞好用的面霜", "ABS001").is_none());
    let f = finding(plain_scanner(), "今天全网最低价", "PRC001").expect("plain term");
    assert!(f.evasion().is_empty());
}

#[test]
fn every_table_example_is_flagged_with_its_kind() {
    let forms = EvasionForms::builtin();
    let mut n = 0;
    for (example, form, kind) in forms.examples() {
        n += 1;
        let found = scanner().scan(example);
        assert!(
            found.iter().any(|f| f.evasion().contains(&kind)),
            "{example:?} (form {form:?}, {kind}): {found:?}"
        );
        let plain = plain_scanner().scan(example);
        assert!(
            plain.len() < found.len() || plain.iter().all(|p| p.evasion().is_empty()),
            "{example:?}"
        );
    }
    assert!(n >= 30, "only {n} examples");
}

#[test]
fn bad_form_tables_name_the_file_and_line() {
    let text = "repeat = [\"最\"]\n\n[[latin]]\nmeans = \"第一\"\nkind = \"homophone\"\nforms = [\"di yi\"]\nexample = \"x\"\n";
    match EvasionForms::from_toml("forms.toml", text) {
        Err(Error::InvalidForm {
            origin, line, form, ..
        }) => {
            assert_eq!(
                (origin.as_str(), line, form.as_str()),
                ("forms.toml", 3, "第一")
            );
        }
        other => panic!("{other:?}"),
    }
    let text = "[[variant]]\nform = \"\"\nmeans = \"最\"\nsource = \"asr\"\nexample = \"x\"\n";
    assert!(matches!(
        EvasionForms::from_toml("forms.toml", text),
        Err(Error::InvalidForm { line: 1, .. })
    ));
    let text = "repeat = [\"最好\"]\n";
    let e = EvasionForms::from_toml("forms.toml", text).expect_err("two chars");
    assert!(e.to_string().starts_with("forms.toml:1:"), "{e}");
    let text = "[[variant]]\nform = \"蕞\"\nmeans = \"最\"\nsource = \"maybe\"\nexample = \"x\"\n";
    let e = EvasionForms::from_toml("forms.toml", text).expect_err("bad source");
    assert!(e.to_string().starts_with("forms.toml:"), "{e}");
}

#[test]
fn shadow_map_covers_each_evasive_form_whole() {
    let text = "全網最*低價，zuì hǎo，ＮＯ．１";
    let (shadow, ranges) = adcop::shadow_map(text);
    assert_eq!(shadow.chars().count(), ranges.len());
    assert!(shadow.starts_with("全网最低价"), "{shadow}");
    assert!(shadow.contains("最好"), "{shadow}");
    let zui = shadow.chars().position(|c| c == '好').expect("好");
    assert_eq!(&text[ranges[zui - 1].start..ranges[zui].end], "zuì hǎo");
}

// ---------------------------------------------------------------------------
// Properties

/// Clean sentences a claim is inserted between.
const FILLER: &[&str] = &[
    "家人们晚上好",
    "今天给大家带来一款面霜",
    "质地很清爽",
    "我自己用了三个月",
    "下单记得看好规格",
    "有问题随时问客服",
    "这个颜色很百搭",
    "包装是玻璃瓶",
];

/// A claim whose key word can be spelled evasively: the text before and
/// after the word, the word, its rule, and its evasive spellings by kind.
struct Claim {
    before: &'static str,
    word: &'static str,
    after: &'static str,
    rule: &'static str,
    /// Char positions inside the word where a separator splits one jieba
    /// word (全网|最低价: not between 网 and 最).
    gaps: &'static [usize],
    traditional: Option<&'static str>,
    width: Option<&'static str>,
    spelling: Option<&'static str>,
    pinyin: Option<&'static str>,
    homophone: Option<&'static str>,
}

const CLAIMS: &[Claim] = &[
    Claim {
        before: "这款是销量",
        word: "第一",
        after: "的精华",
        rule: "ABS003",
        gaps: &[1],
        traditional: None,
        width: None,
        spelling: None,
        pinyin: Some("di yi"),
        homophone: Some("递一"),
    },
    Claim {
        before: "今天",
        word: "全网最低价",
        after: "只有这一次",
        rule: "PRC001",
        gaps: &[1, 3, 4],
        traditional: Some("全網最低價"),
        width: None,
        spelling: None,
        pinyin: Some("全网zui di jia"),
        homophone: Some("全网醉低价"),
    },
    Claim {
        before: "这是",
        word: "国家级",
        after: "配方",
        rule: "ABS005",
        gaps: &[1, 2],
        traditional: Some("國家級"),
        width: None,
        spelling: None,
        pinyin: Some("guo jia ji"),
        homophone: Some("囯家级"),
    },
    Claim {
        before: "这个茶喝了能",
        word: "排毒",
        after: "养颜",
        rule: "HLT007",
        gaps: &[1],
        traditional: None,
        width: None,
        spelling: None,
        pinyin: None,
        homophone: None,
    },
    Claim {
        before: "这款精华是国货",
        word: "NO.1",
        after: "哦",
        rule: "ABS003",
        gaps: &[],
        traditional: None,
        width: Some("ＮＯ．１"),
        spelling: Some("Top 1"),
        pinyin: None,
        homophone: None,
    },
    Claim {
        before: "销量",
        word: "第1",
        after: "的精华",
        rule: "ABS003",
        gaps: &[],
        traditional: None,
        width: Some("第①"),
        spelling: None,
        pinyin: None,
        homophone: None,
    },
];

const SEPARATORS: &[&str] = &[
    "*", ".", "-", "|", "_", "/", "~", "·", "＊", "\u{200B}", "\u{200D}", "\u{2060}", "\u{0301}",
];

/// The evasive spelling of `claim.word` under `kind`, `pick` choosing among
/// separators and positions.
fn evade(claim: &Claim, kind: EvasionKind, pick: usize) -> Option<String> {
    let chars: Vec<char> = claim.word.chars().collect();
    match kind {
        Separator if !claim.gaps.is_empty() => {
            let gap = claim.gaps[pick % claim.gaps.len()];
            let sep = SEPARATORS[pick % SEPARATORS.len()];
            let mut s: String = chars[..gap].iter().collect();
            s.push_str(sep);
            s.extend(&chars[gap..]);
            Some(s)
        }
        Repeat => (chars[0] == '第' || chars[0] == '最').then(|| {
            let mut s = chars[0].to_string().repeat(1 + pick % 3);
            s.push_str(claim.word);
            s
        }),
        Traditional => claim.traditional.map(str::to_string),
        Width => claim.width.map(str::to_string),
        Spelling => claim.spelling.map(str::to_string),
        Pinyin => claim.pinyin.map(str::to_string),
        Homophone => claim.homophone.map(str::to_string),
        _ => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A claim inserted anywhere between clean sentences and spelled
    /// evasively is found by the same rule, with a span that covers the
    /// evasive form exactly as far as the plain claim's span covers the word.
    #[test]
    fn an_inserted_evasive_claim_is_found_at_the_right_span(
        fillers in proptest::collection::vec(0..FILLER.len(), 0..6),
        at in 0usize..6,
        which in 0..CLAIMS.len(),
        kind in prop::sample::select(EvasionKind::ALL.to_vec()),
        pick in 0usize..1000,
    ) {
        let claim = &CLAIMS[which];
        let Some(form) = evade(claim, kind, pick) else { return Ok(()) };
        let sentences: Vec<&str> = fillers.iter().map(|&i| FILLER[i]).collect();
        let at = at.min(sentences.len());
        let build = |word: &str| {
            let mut text = String::new();
            for s in &sentences[..at] {
                text.push_str(s);
                text.push('。');
            }
            let start = text.len() + claim.before.len();
            text.push_str(claim.before);
            text.push_str(word);
            text.push_str(claim.after);
            text.push('。');
            for s in &sentences[at..] {
                text.push_str(s);
                text.push('。');
            }
            (text, start)
        };
        let (plain_text, word_at) = build(claim.word);
        let plain = finding(scanner(), &plain_text, claim.rule)
            .unwrap_or_else(|| panic!("plain claim not found in {plain_text:?}"));
        let (text, _) = build(&form);
        let found = finding(scanner(), &text, claim.rule);
        prop_assert!(found.is_some(), "{:?} not found in {:?}: {:?}", form, text, scanner().scan(&text));
        let f = found.unwrap();
        let grow = form.len() as isize - claim.word.len() as isize;
        let word_end = word_at + claim.word.len();
        let expect_start = plain.span().start;
        let expect_end = if plain.span().end >= word_end {
            (plain.span().end as isize + grow) as usize
        } else {
            plain.span().end
        };
        prop_assert_eq!((f.span().start, f.span().end), (expect_start, expect_end),
            "{:?} in {:?}: {:?}", form, text, f.matched());
        prop_assert!(f.evasion().contains(&kind), "{:?}: {:?}", form, f.evasion());
        prop_assert!(text.is_char_boundary(f.span().start) && text.is_char_boundary(f.span().end));
    }

    /// Whatever the input, every shadow character maps to a non-empty range
    /// of whole original characters, in order.
    #[test]
    fn shadow_ranges_fall_on_char_boundaries(s in "\\PC{0,40}|[最第好一*.\\- 　\u{200B}①ＮＯ．１zuihao]{0,40}") {
        let (shadow, ranges) = adcop::shadow_map(&s);
        prop_assert_eq!(shadow.chars().count(), ranges.len());
        // Characters of one replaced form share its range; otherwise ranges
        // follow each other without overlap.
        let mut last: Option<std::ops::Range<usize>> = None;
        for r in &ranges {
            prop_assert!(r.start < r.end && r.end <= s.len());
            prop_assert!(s.is_char_boundary(r.start) && s.is_char_boundary(r.end));
            if let Some(l) = &last {
                prop_assert!(r == l || r.start >= l.end, "{:?} after {:?}", r, l);
            }
            last = Some(r.clone());
        }
    }
}
