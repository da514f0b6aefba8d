//! Broken rule files: each must fail with the right `Error` variant, and the
//! message must say where the problem is: the file, the line (where the
//! format has one) and the rule ID.

use adcop::{Error, RuleSet, Scanner, Severity};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

// ---------------------------------------------------------------------------
// Helpers

/// A valid `custom` rule with ID `id`; `body` (TOML lines) goes after the
/// `severity` line. Starts with its `[[rule]]` header, ends with a newline.
fn rule(id: &str, body: &str) -> String {
    format!(
        "[[rule]]\n\
         id = \"{id}\"\n\
         name = \"rule-{lower}\"\n\
         category = \"custom\"\n\
         severity = \"error\"\n\
         {body}\n\
         message = \"用语「{{matched}}」\"\n\
         suggestion = \"改为具体描述\"\n\
         basis = \"test\"\n\
         [rule.docs]\n\
         what = \"what\"\n\
         why = \"why\"\n\
         example = \"example\"\n\
         instead = \"instead\"\n",
        lower = id.to_lowercase()
    )
}

/// 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in text"));
    text[..at].matches('\n').count() + 1
}

/// 1-based line of the `n`th (0-based) `[[rule]]` header.
fn rule_line(text: &str, n: usize) -> usize {
    let at = text
        .match_indices("[[rule]]")
        .nth(n)
        .expect("rule header")
        .0;
    text[..at].matches('\n').count() + 1
}

fn load_err(origin: &str, text: &str) -> Error {
    match RuleSet::from_toml(origin, text) {
        Ok(set) => panic!(
            "expected an error, loaded {} rules from:\n{text}",
            set.len()
        ),
        Err(e) => e,
    }
}

/// Asserts `e` is `InvalidRule` for `rule` at `line` of `origin`, that its
/// message contains every one of `words`, and that Display names all three.
fn assert_invalid(e: &Error, origin: &str, line: usize, rule: &str, words: &[&str]) {
    match e {
        Error::InvalidRule {
            origin: o,
            line: l,
            rule: r,
            message,
        } => {
            assert_eq!(o, origin, "{e}");
            assert_eq!(*l, line, "{e}");
            assert_eq!(r, rule, "{e}");
            for w in words {
                assert!(message.contains(w), "message lacks {w:?}: {e}");
            }
        }
        other => panic!("expected InvalidRule, got {other:?}"),
    }
    let shown = e.to_string();
    assert!(
        shown.starts_with(&format!("{origin}:{line}: ")),
        "Display does not start with file and line: {shown}"
    );
    assert!(
        shown.contains(rule),
        "Display does not name {rule}: {shown}"
    );
}

/// Asserts `e` is `Parse` at `line` of `origin` (column > 0), that its
/// message contains `word`, and that Display names file, line and column.
fn assert_parse(e: &Error, origin: &str, line: usize, word: &str) {
    match e {
        Error::Parse {
            origin: o,
            line: l,
            column,
            message,
        } => {
            assert_eq!(o, origin, "{e}");
            assert_eq!(*l, line, "{e}");
            assert!(*column > 0, "no column: {e}");
            assert!(message.contains(word), "message lacks {word:?}: {e}");
            assert!(
                e.to_string()
                    .starts_with(&format!("{origin}:{line}:{column}: ")),
                "{e}"
            );
        }
        other => panic!("expected Parse, got {other:?}"),
    }
}

/// A fresh, empty directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!(
            "adcop-load-errors-{tag}-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).expect("write temp file");
        path
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn the_helper_rule_is_valid() {
    let text = format!(
        "{}\n{}",
        rule("USR001", "terms = [\"至尊\"]"),
        rule("USR002", "pattern = '躺赚\\d+'")
    );
    let set = RuleSet::from_toml("ok.toml", &text).unwrap();
    assert_eq!(set.len(), 2);
    assert_eq!(set.origin("USR002"), Some(("ok.toml", rule_line(&text, 1))));
}

// ---------------------------------------------------------------------------
// TOML and format errors (Error::Parse)

#[test]
fn toml_syntax_error_names_file_line_and_column() {
    let text = format!(
        "{}\n[[rule]]\nid = \"USR002\nname = \"x\"\n",
        rule("USR001", "terms = [\"a\"]")
    );
    let e = load_err("syntax.toml", &text);
    assert_parse(&e, "syntax.toml", line_of(&text, "id = \"USR002"), "string");

    let text = "[[rule]\nid = \"USR001\"\n";
    let e = load_err("header.toml", text);
    assert!(matches!(e, Error::Parse { line: 1, .. }), "{e:?}");
    assert!(e.to_string().starts_with("header.toml:1:"), "{e}");
}

/// `deny_unknown_fields`: a typo is an error at the typo's line.
#[test]
fn unknown_key_in_a_rule_names_the_line_of_the_typo() {
    let text = rule("USR001", "term = [\"至尊\"]");
    let e = load_err("typo.toml", &text);
    assert_parse(&e, "typo.toml", line_of(&text, "term ="), "term");

    // In the second rule of a file.
    let text = format!(
        "{}\n{}",
        rule("USR001", "terms = [\"a\"]"),
        rule("USR002", "terms = [\"b\"]\nexemt = [\"bc\"]")
    );
    let e = load_err("typo2.toml", &text);
    assert_parse(&e, "typo2.toml", line_of(&text, "exemt"), "exemt");

    // In a rule's docs table.
    let text = rule("USR001", "terms = [\"a\"]").replace("why = ", "whyy = ");
    let e = load_err("docs.toml", &text);
    assert_parse(&e, "docs.toml", line_of(&text, "whyy"), "whyy");

    // In a rule's tests table.
    let text = format!(
        "{}[rule.tests]\nflags = [\"a\"]\n",
        rule("USR001", "terms = [\"a\"]")
    );
    let e = load_err("tests.toml", &text);
    assert_parse(&e, "tests.toml", line_of(&text, "flags"), "flags");

    // Unknown keys and a misspelt table name at the top level.
    let text = format!("version = 2\n{}", rule("USR001", "terms = [\"a\"]"));
    let e = load_err("top.toml", &text);
    assert_parse(&e, "top.toml", 1, "version");
    let text = "[[rules]]\nid = \"USR001\"\n";
    let e = load_err("top.toml", text);
    assert_parse(&e, "top.toml", 1, "rules");
}

#[test]
fn bad_enum_value_names_its_line() {
    let text =
        rule("USR001", "terms = [\"a\"]").replace("severity = \"error\"", "severity = \"fatal\"");
    let e = load_err("sev.toml", &text);
    assert_parse(&e, "sev.toml", line_of(&text, "fatal"), "fatal");

    let text = rule("USR001", "terms = [\"a\"]")
        .replace("category = \"custom\"", "category = \"nonsense\"");
    let e = load_err("cat.toml", &text);
    assert_parse(&e, "cat.toml", line_of(&text, "nonsense"), "nonsense");
}

#[test]
fn unknown_check_or_profile_names_its_line() {
    let text = rule("USR001", "terms = [\"a\"]\ncheck = \"guess-the-price\"");
    let e = load_err("check.toml", &text);
    assert_parse(
        &e,
        "check.toml",
        line_of(&text, "guess-the-price"),
        "guess-the-price",
    );

    let text = rule(
        "USR001",
        "terms = [\"a\"]\nprofiles = { pet-food = \"info\" }",
    );
    let e = load_err("profile.toml", &text);
    assert_parse(&e, "profile.toml", line_of(&text, "pet-food"), "pet-food");

    let text = rule(
        "USR001",
        "terms = [\"a\"]\nprofiles = { health-food = \"mild\" }",
    );
    let e = load_err("profile.toml", &text);
    assert_parse(&e, "profile.toml", line_of(&text, "mild"), "mild");
}

#[test]
fn missing_required_field_names_the_rules_line() {
    let text = format!(
        "{}\n{}",
        rule("USR001", "terms = [\"a\"]"),
        rule("USR002", "terms = [\"b\"]").replace("basis = \"test\"\n", "")
    );
    let e = load_err("missing.toml", &text);
    assert_parse(&e, "missing.toml", rule_line(&text, 1), "basis");
}

// ---------------------------------------------------------------------------
// Duplicate IDs (Error::DuplicateId)

#[test]
fn duplicate_id_within_a_file() {
    let text = format!(
        "{}\n{}",
        rule("USR001", "terms = [\"a\"]"),
        rule("USR001", "terms = [\"b\"]")
    );
    let e = load_err("dup.toml", &text);
    match &e {
        Error::DuplicateId {
            origin,
            line,
            rule,
            first_origin,
            ..
        } => {
            assert_eq!(origin, "dup.toml");
            assert_eq!(*line, rule_line(&text, 1));
            assert_eq!(rule, "USR001");
            assert_eq!(first_origin, "dup.toml");
        }
        other => panic!("expected DuplicateId, got {other:?}"),
    }
    assert_eq!(
        e.to_string(),
        format!(
            "dup.toml:{}: rule USR001: duplicate ID, first defined at dup.toml:{}",
            rule_line(&text, 1),
            rule_line(&text, 0)
        )
    );
}

#[test]
fn duplicate_id_across_merged_sets() {
    let a = RuleSet::from_toml("a.toml", &rule("USR001", "terms = [\"a\"]")).unwrap();
    let b_text = format!(
        "{}\n{}",
        rule("USR002", "terms = [\"b\"]"),
        rule("USR001", "terms = [\"c\"]")
    );
    let b = RuleSet::from_toml("b.toml", &b_text).unwrap();
    let e = a.merge(b).unwrap_err();
    match &e {
        Error::DuplicateId {
            origin,
            line,
            rule,
            first_origin,
            ..
        } => {
            assert_eq!(origin, "b.toml");
            assert_eq!(*line, rule_line(&b_text, 1));
            assert_eq!(rule, "USR001");
            assert_eq!(first_origin, "a.toml");
        }
        other => panic!("expected DuplicateId, got {other:?}"),
    }
    let shown = e.to_string();
    assert!(
        shown.starts_with(&format!("b.toml:{}: rule USR001", rule_line(&b_text, 1))),
        "{shown}"
    );
    assert!(shown.contains("a.toml"), "{shown}");
}

/// A user rule reusing a built-in ID clashes with the built-in pack.
#[test]
fn duplicate_id_with_the_builtin_pack() {
    let builtin = RuleSet::builtin();
    let taken = builtin
        .rules()
        .next()
        .expect("built-in pack has rules")
        .clone();
    let (builtin_origin, _) = builtin.origin(&taken.id).unwrap();
    let builtin_origin = builtin_origin.to_string();
    let text = rule(&taken.id, "terms = [\"至尊\"]").replace(
        "category = \"custom\"",
        &format!("category = \"{}\"", taken.category),
    );
    let user = RuleSet::from_toml("user.toml", &text).unwrap();
    let e = builtin.merge(user).unwrap_err();
    assert!(
        matches!(&e, Error::DuplicateId { origin, line: 1, rule, first_origin, .. }
            if origin == "user.toml" && *rule == taken.id && *first_origin == builtin_origin),
        "{e:?}"
    );
    assert!(e.to_string().contains(&builtin_origin), "{e}");
}

#[test]
fn duplicate_id_across_files_of_a_directory() {
    let dir = TempDir::new("dup-dir");
    let a = dir.write("a.toml", rule("USR001", "terms = [\"a\"]"));
    let b_text = format!("# second file\n\n{}", rule("USR001", "terms = [\"b\"]"));
    let b = dir.write("b.toml", &b_text);
    let e = RuleSet::from_dir(dir.path()).unwrap_err();
    match &e {
        Error::DuplicateId {
            origin,
            line,
            rule,
            first_origin,
            ..
        } => {
            assert_eq!(*origin, b.display().to_string());
            assert_eq!(*line, 3);
            assert_eq!(rule, "USR001");
            assert_eq!(*first_origin, a.display().to_string());
        }
        other => panic!("expected DuplicateId, got {other:?}"),
    }
    let shown = e.to_string();
    assert!(
        shown.starts_with(&format!("{}:3: rule USR001", b.display())),
        "{shown}"
    );
    assert!(shown.contains(&a.display().to_string()), "{shown}");
}

/// Two sets handed to one builder: the clash surfaces at `build`.
#[test]
fn duplicate_id_across_builder_rule_sets() {
    let a = RuleSet::from_toml("a.toml", &rule("USR001", "terms = [\"a\"]")).unwrap();
    let b = RuleSet::from_toml("b.toml", &rule("USR001", "terms = [\"b\"]")).unwrap();
    let e = Scanner::builder().rules(a).rules(b).build().unwrap_err();
    assert!(
        matches!(&e, Error::DuplicateId { origin, rule, first_origin, .. }
            if origin == "b.toml" && rule == "USR001" && first_origin == "a.toml"),
        "{e:?}"
    );
}

// ---------------------------------------------------------------------------
// Rule conventions (Error::InvalidRule)

#[test]
fn bad_regex_names_the_key() {
    for key in ["pattern", "exempt_pattern", "qualifier_pattern"] {
        let body = if key == "pattern" {
            "pattern = '(躺赚'".to_string()
        } else {
            format!("terms = [\"躺赚\"]\n{key} = '[a-'")
        };
        let text = format!(
            "{}\n{}",
            rule("USR001", "terms = [\"a\"]"),
            rule("USR002", &body)
        );
        let e = load_err("regex.toml", &text);
        assert_invalid(
            &e,
            "regex.toml",
            rule_line(&text, 1),
            "USR002",
            &[key, "regex"],
        );
    }
}

#[test]
fn rule_with_neither_terms_nor_pattern() {
    for body in [
        "",
        "terms = []",
        "pattern = '  '",
        "terms = []\npattern = ''",
    ] {
        let text = rule("USR007", body);
        let e = load_err("empty.toml", &text);
        assert_invalid(
            &e,
            "empty.toml",
            1,
            "USR007",
            &["neither terms nor a pattern"],
        );
    }
}

#[test]
fn missing_docs_and_texts() {
    let base = rule("USR003", "terms = [\"a\"]");
    for (key, find, replace) in [
        ("docs.what", "what = \"what\"", "what = \"\""),
        ("docs.what", "what = \"what\"", "what = \"  \\n \""),
        ("docs.why", "why = \"why\"", "why = \"\""),
        ("docs.example", "example = \"example\"", "example = \"\""),
        ("docs.instead", "instead = \"instead\"", "instead = \"\""),
        (
            "message",
            "message = \"用语「{matched}」\"",
            "message = \"\"",
        ),
        (
            "suggestion",
            "suggestion = \"改为具体描述\"",
            "suggestion = \" \"",
        ),
        ("basis", "basis = \"test\"", "basis = \"\""),
    ] {
        let text = base.replace(find, replace);
        assert_ne!(text, base);
        let e = load_err("docs.toml", &text);
        assert_invalid(
            &e,
            "docs.toml",
            1,
            "USR003",
            &[&format!("'{key}'"), "missing or empty"],
        );
    }
}

#[test]
fn id_must_match_the_category_prefix() {
    for id in [
        "ABS001",
        "usr001",
        "USR01",
        "USR0001",
        "USRabc",
        "USR00a",
        "XUSR001",
        "USR１２３",
    ] {
        let text = format!(
            "{}\n{}",
            rule("USR001", "terms = [\"a\"]"),
            rule(id, "terms = [\"b\"]")
        );
        let e = load_err("id.toml", &text);
        assert_invalid(
            &e,
            "id.toml",
            rule_line(&text, 1),
            id,
            &["'USR'", "three digits"],
        );
    }
    // The message names the category's own prefix.
    let text =
        rule("USR001", "terms = [\"a\"]").replace("category = \"custom\"", "category = \"price\"");
    let e = load_err("id.toml", &text);
    assert_invalid(&e, "id.toml", 1, "USR001", &["price", "'PRC'"]);
}

#[test]
fn empty_id_is_shown_as_a_question_mark() {
    let text = rule("USR001", "terms = [\"a\"]").replace("id = \"USR001\"", "id = \"\"");
    let e = load_err("noid.toml", &text);
    assert_invalid(&e, "noid.toml", 1, "?", &["three digits"]);
}

#[test]
fn name_must_be_kebab_case() {
    for name in [
        "Bad_Name",
        "bad_name",
        "BadName",
        "bad--name",
        "-bad",
        "bad-",
        "",
        "bad name",
        "坏名字",
    ] {
        let text = rule("USR004", "terms = [\"a\"]")
            .replace("name = \"rule-usr004\"", &format!("name = \"{name}\""));
        let e = load_err("name.toml", &text);
        assert_invalid(
            &e,
            "name.toml",
            1,
            "USR004",
            &["kebab-case", &format!("'{name}'")],
        );
    }
    for name in ["ok", "ok-2", "a-b-c", "x9"] {
        let text = rule("USR004", "terms = [\"a\"]")
            .replace("name = \"rule-usr004\"", &format!("name = \"{name}\""));
        RuleSet::from_toml("name.toml", &text).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn term_of_only_punctuation_or_whitespace() {
    for term in [
        "，",
        "。！？",
        " ",
        "   ",
        "\\t",
        "\\u3000",
        "！!",
        "——",
        "“”",
        "……",
        "",
    ] {
        let text = rule("USR005", &format!("terms = [\"至尊\", \"{term}\"]"));
        let e = load_err("terms.toml", &text);
        assert_invalid(&e, "terms.toml", 1, "USR005", &["no letter or digit"]);
    }
}

#[test]
fn duplicated_term() {
    // Listed twice as written, and twice after normalisation (full width, case).
    for terms in [
        r#"["至尊", "王者", "至尊"]"#,
        r#"["ab", "ＡＢ"]"#,
        r#"["Top1", "top1"]"#,
    ] {
        let text = rule("USR006", &format!("terms = {terms}"));
        let e = load_err("twice.toml", &text);
        assert_invalid(&e, "twice.toml", 1, "USR006", &["listed twice"]);
    }
}

#[test]
fn pattern_matching_the_empty_string() {
    for pattern in ["a*", "^", "$", "(?:)", "x?", "(?:躺赚)?", "|躺赚", r"\s*"] {
        let text = rule("USR008", &format!("pattern = '{pattern}'"));
        let e = load_err("empty-pattern.toml", &text);
        assert_invalid(&e, "empty-pattern.toml", 1, "USR008", &["empty string"]);
    }
}

// ---------------------------------------------------------------------------
// Files and directories (Error::Utf8, Error::Io)

#[test]
fn non_utf8_rule_file() {
    let dir = TempDir::new("utf8");
    let mut bytes = "# 规则\n".as_bytes().to_vec();
    let offset = bytes.len();
    bytes.extend_from_slice(&[0xE6, 0x9C]); // a truncated 最
    bytes.extend_from_slice(rule("USR001", "terms = [\"a\"]").as_bytes());
    let path = dir.write("latin.toml", &bytes);
    let e = RuleSet::from_file(&path).unwrap_err();
    match &e {
        Error::Utf8 {
            origin,
            byte_offset,
        } => {
            assert_eq!(*origin, path.display().to_string());
            assert_eq!(*byte_offset, offset);
        }
        other => panic!("expected Utf8, got {other:?}"),
    }
    assert_eq!(
        e.to_string(),
        format!("{}: not valid UTF-8 at byte {offset}", path.display())
    );

    // Through from_dir too.
    let e = RuleSet::from_dir(dir.path()).unwrap_err();
    assert!(
        matches!(e, Error::Utf8 { byte_offset, .. } if byte_offset == offset),
        "{e:?}"
    );

    // A lone 0xFF at the very start.
    let path = dir.write("ff.toml", [0xFF]);
    let e = RuleSet::from_file(&path).unwrap_err();
    assert!(matches!(e, Error::Utf8 { byte_offset: 0, .. }), "{e:?}");
}

#[test]
fn unreadable_paths_are_named() {
    let dir = TempDir::new("io");
    let missing = dir.path().join("no-such-file.toml");
    let e = RuleSet::from_file(&missing).unwrap_err();
    match &e {
        Error::Io { path, source } => {
            assert_eq!(path, &missing);
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("expected Io, got {other:?}"),
    }
    assert!(
        e.to_string()
            .starts_with(&format!("{}: ", missing.display())),
        "{e}"
    );
    assert!(std::error::Error::source(&e).is_some());

    let missing_dir = dir.path().join("no-such-dir");
    let e = RuleSet::from_dir(&missing_dir).unwrap_err();
    assert!(
        matches!(&e, Error::Io { path, .. } if *path == missing_dir),
        "{e:?}"
    );
    assert!(
        e.to_string().contains(&missing_dir.display().to_string()),
        "{e}"
    );

    // A directory is no rule file.
    let e = RuleSet::from_file(dir.path()).unwrap_err();
    assert!(
        matches!(&e, Error::Io { path, .. } if path == dir.path()),
        "{e:?}"
    );
}

#[test]
fn error_in_one_file_of_a_directory_names_that_file() {
    let dir = TempDir::new("dir-error");
    dir.write("a.toml", rule("USR001", "terms = [\"a\"]"));
    let text = format!(
        "{}\n{}",
        rule("USR002", "terms = [\"b\"]"),
        rule("USR003", "pattern = '('")
    );
    let b = dir.write("b.toml", &text);
    let e = RuleSet::from_dir(dir.path()).unwrap_err();
    assert_invalid(
        &e,
        &b.display().to_string(),
        rule_line(&text, 1),
        "USR003",
        &["regex"],
    );
}

// ---------------------------------------------------------------------------
// Scanner options (Error::UnknownSelector)

#[test]
fn unknown_selector() {
    for build in [
        Scanner::builder().select("ZZZ"),
        Scanner::builder().ignore("ZZZ"),
        Scanner::builder().select("ABS").select("ZZZ"),
    ] {
        let e = build.build().unwrap_err();
        assert!(
            matches!(&e, Error::UnknownSelector { selector } if selector == "ZZZ"),
            "{e:?}"
        );
        assert_eq!(e.to_string(), "no rule matches 'ZZZ'");
    }
    // Selectors are checked against the scanner's own rules.
    let user = RuleSet::from_toml("user.toml", &rule("USR001", "terms = [\"a\"]")).unwrap();
    let e = Scanner::builder()
        .rules(user.clone())
        .select("ABS")
        .build()
        .unwrap_err();
    assert!(
        matches!(&e, Error::UnknownSelector { selector } if selector == "ABS"),
        "{e:?}"
    );
    let e = Scanner::builder()
        .rules(user.clone())
        .select("USR002")
        .build()
        .unwrap_err();
    assert!(
        matches!(&e, Error::UnknownSelector { selector } if selector == "USR002"),
        "{e:?}"
    );
    // By ID, prefix, category name, any case.
    for sel in ["USR001", "USR", "usr", "custom", "CUSTOM", "usr001"] {
        Scanner::builder()
            .rules(user.clone())
            .select(sel)
            .build()
            .unwrap_or_else(|e| panic!("{sel}: {e}"));
    }
}

// ---------------------------------------------------------------------------
// A valid user pack

#[test]
fn user_rule_file_merges_with_the_builtin_pack() {
    let dir = TempDir::new("user");
    let text = format!(
        "# 我的规则\n\n{}\n{}",
        rule("USR001", "terms = [\"躺赚\", \"稳赚不赔\"]"),
        rule(
            "USR002",
            "pattern = '月入[0-9]+万'\nqualifiers = [\"据统计\"]"
        )
    );
    let path = dir.write("mine.toml", &text);
    let user = RuleSet::from_file(&path).unwrap();
    assert_eq!(user.len(), 2);
    let origin = path.display().to_string();
    assert_eq!(user.origin("USR001"), Some((origin.as_str(), 3)));
    assert_eq!(
        user.origin("usr002"),
        Some((origin.as_str(), rule_line(&text, 1)))
    );

    let builtin = RuleSet::builtin();
    let n = builtin.len();
    let merged = builtin.merge(user).unwrap();
    assert_eq!(merged.len(), n + 2);
    assert!(merged.get("USR001").is_some());

    let scanner = Scanner::builder().rules(merged).build().unwrap();
    let text = "家人们，跟着我躺赚，月入10万不是梦";
    let findings = scanner.scan(text);
    let user_findings: Vec<(&str, &str, Severity)> = findings
        .iter()
        .filter(|f| f.rule_id().starts_with("USR"))
        .map(|f| (f.rule_id(), f.matched(), f.severity()))
        .collect();
    assert_eq!(
        user_findings,
        [
            ("USR001", "躺赚", Severity::Error),
            ("USR002", "月入10万", Severity::Error)
        ]
    );
    let f = findings.iter().find(|f| f.rule_id() == "USR001").unwrap();
    assert_eq!(f.message(), "用语「躺赚」");
    assert_eq!(&text[f.span().start..f.span().end], "躺赚");

    // from_dir reads the same file (and skips files that are not *.toml).
    dir.write("notes.txt", "not a rule file");
    dir.write("broken.toml.bak", "[[rule");
    let from_dir = RuleSet::from_dir(dir.path()).unwrap();
    assert_eq!(from_dir.len(), 2);
}

// ---------------------------------------------------------------------------
// Bugs

/// An exemption block is a table with a line like any rule, but a bad
/// pattern in it is reported at line 0 (`origin:0: rule [[exemptions]] …`).
#[test]
fn bad_exemption_pattern_names_its_line() {
    let text = format!(
        "{}\n[[exemptions]]\ncategory = \"custom\"\nphrases = [\"最近\"]\npatterns = ['最(近']\n",
        rule("USR001", "terms = [\"最\"]")
    );
    let e = load_err("ex.toml", &text);
    let header = line_of(&text, "[[exemptions]]");
    match &e {
        Error::InvalidRule {
            origin, line, rule, ..
        } => {
            assert_eq!(origin, "ex.toml");
            assert!(rule.contains("exemptions"), "{e}");
            assert!(
                *line == header || *line == line_of(&text, "patterns ="),
                "line {line}, expected {header} or the patterns line: {e}"
            );
        }
        other => panic!("expected InvalidRule, got {other:?}"),
    }
}

/// `pattern` is refused when it matches the empty string, because it would
/// match everywhere; a `qualifier_pattern` that matches the empty string
/// matches every sentence too, and silently lowers every finding of the rule.
#[test]
fn qualifier_pattern_matching_the_empty_string_is_refused() {
    let text = rule(
        "USR001",
        "terms = [\"躺赚\"]\nqualifier_pattern = '(?:据统计)?'\nqualified = \"info\"",
    );
    let result = RuleSet::from_toml("q.toml", &text);
    if let Ok(set) = &result {
        // Show the effect: an unqualified claim comes back as info.
        let scanner = Scanner::builder().rules(set.clone()).build().unwrap();
        let f = scanner.scan("跟着我躺赚");
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].severity(),
            Severity::Info,
            "qualified although no qualifier is present"
        );
    }
    let e = result.expect_err("qualifier_pattern matching the empty string was accepted");
    assert_invalid(
        &e,
        "q.toml",
        1,
        "USR001",
        &["qualifier_pattern", "empty string"],
    );
}

#[test]
fn deeply_nested_toml_fails_cleanly() {
    let depth = 100_000;
    let text = format!(
        "{}\nx = {}{}",
        rule("USR001", "terms = [\"a\"]"),
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let e = load_err("deep.toml", &text);
    assert!(e.to_string().starts_with("deep.toml:"), "{e}");
}

#[test]
fn hostile_phrase_lists_fail_fast_with_the_limit() {
    // 100,000 distinct terms: refused before any work is done on them.
    let terms: Vec<String> = (0..100_000).map(|i| format!("\"t{i}\"")).collect();
    let text = rule("USR001", &format!("terms = [{}]", terms.join(",")));
    let started = std::time::Instant::now();
    let e = load_err("many.toml", &text);
    assert_invalid(&e, "many.toml", 1, "USR001", &["terms", "100000", "10000"]);
    assert!(started.elapsed() < std::time::Duration::from_secs(10));

    // 10,000 terms are allowed and load.
    let terms: Vec<String> = (0..10_000).map(|i| format!("\"t{i}\"")).collect();
    let text = rule("USR001", &format!("terms = [{}]", terms.join(",")));
    RuleSet::from_toml("ok.toml", &text).expect("at the limit");

    // A phrase too long to be a phrase.
    let long = "最".repeat(65);
    let text = rule("USR001", &format!("terms = [\"a\"]\nexempt = [\"{long}\"]"));
    let e = load_err("long.toml", &text);
    assert_invalid(&e, "long.toml", 1, "USR001", &["exempt", "65", "64"]);

    // The same limits hold for a category's exemption phrases.
    let phrases: Vec<String> = (0..10_001).map(|i| format!("\"p{i}\"")).collect();
    let text = format!(
        "[[exemptions]]\ncategory = \"custom\"\nwhy = \"w\"\nphrases = [{}]\n",
        phrases.join(",")
    );
    let e = load_err("ex.toml", &text);
    assert!(e.to_string().contains("at most 10000"), "{e}");
}
