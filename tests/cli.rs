//! End-to-end tests of the `scan` example binary (`examples/scan.rs`).
//!
//! `cargo test --test cli` builds only this test target, not the examples,
//! so the binary is built here once with `cargo build --example scan` and
//! located through cargo's JSON messages: that works whatever the target
//! directory (CARGO_TARGET_DIR, `build.target-dir`) or profile is.
//!
//! The built-in rule pack is growing while these tests are written, so they
//! assert properties (exit codes, field shapes, offsets), not finding counts.

use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

mod support;
use support::{jsonl, run_scan, scan_bin, Run};

const VIOLATING: &str = "家人们，这是全网最低价！";
const FIELDS: &[&str] = &[
    "path",
    "line",
    "column",
    "byte_start",
    "byte_end",
    "char_start",
    "char_end",
    "utf16_start",
    "utf16_end",
    "rule",
    "name",
    "category",
    "severity",
    "matched",
    "message",
    "basis",
    "suggestion",
];

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn scan(args: &[&str], stdin: &str) -> Run {
    scan_bytes(args, stdin.as_bytes())
}

fn scan_bytes(args: &[&str], stdin: &[u8]) -> Run {
    run_scan(args, stdin)
}

/// Asserts exit status 2 and a single `error: ` line on stderr; returns it.
fn assert_usage_error(run: &Run) -> &str {
    assert_eq!(run.code, 2, "stderr: {}", run.stderr);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "want one stderr line, got: {:?}",
        run.stderr
    );
    assert!(lines[0].starts_with("error: "), "got: {}", lines[0]);
    lines[0]
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("adcop-cli-{}-{nanos}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).expect("write temp file");
        path.to_str().expect("temp path is UTF-8").to_string()
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("temp path is UTF-8")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn user_rule(id: &str, term: &str) -> String {
    format!(
        r#"[[rule]]
id = "{id}"
name = "house-banned-word"
category = "custom"
severity = "warning"
terms = ["{term}"]
message = "内部禁用词「{{matched}}」"
suggestion = "改用产品备案名称"
basis = "公司直播话术规范"
[rule.docs]
what = "Flags a nickname the brand does not want used."
why = "House style."
example = "这瓶{term}真好用"
instead = "这瓶精华水真好用"
"#
    )
}

// ---------------------------------------------------------------------------
// Exit codes and the JSON Lines shape
// ---------------------------------------------------------------------------

#[test]
fn violating_stdin_exits_1_with_full_jsonl_record() {
    let run = scan(&["--format", "jsonl"], VIOLATING);
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    assert!(run.stderr.is_empty(), "stderr: {}", run.stderr);
    let records = jsonl(&run.stdout);
    assert!(!records.is_empty());
    for r in &records {
        for field in FIELDS {
            assert!(r.get(field).is_some(), "missing field {field} in {r}");
        }
        assert_eq!(r["path"], "-");
    }
    let price = records
        .iter()
        .find(|r| r["rule"] == "PRC001")
        .expect("PRC001 finding");
    assert_eq!(price["matched"], "全网最低价");
    assert_eq!(price["category"], "price");
    assert_eq!(price["line"], 1);
    assert_eq!(price["column"], 7);
    assert_eq!(price["char_start"], 6);
    assert_eq!(price["char_end"], 11);
}

#[test]
fn clean_lines_exit_0() {
    for clean in ["今天天气不错", "开封后最好冷藏"] {
        let run = scan(&["--format", "jsonl"], clean);
        assert_eq!(run.code, 0, "{clean}: {}", run.stdout);
        assert!(run.stdout.is_empty(), "{clean}: {}", run.stdout);
        assert!(run.stderr.is_empty(), "{clean}: {}", run.stderr);
    }
}

#[test]
fn dash_reads_stdin() {
    let run = scan(&["--format", "jsonl", "-"], "这是最好的面霜");
    assert_eq!(run.code, 1);
    let records = jsonl(&run.stdout);
    assert!(records
        .iter()
        .any(|r| r["rule"] == "ABS001" && r["path"] == "-"));
}

#[test]
fn fail_on_never_exits_0_with_findings() {
    let run = scan(&["--format", "jsonl", "--fail-on", "never"], VIOLATING);
    assert_eq!(run.code, 0);
    assert!(!jsonl(&run.stdout).is_empty());
}

#[test]
fn fail_on_is_a_threshold() {
    // The user rule is a warning: it fails at warning, not at error.
    let dir = TempDir::new();
    dir.write("house.toml", user_rule("USR001", "神仙水"));
    let args = |fail_on| vec!["--no-builtin", "--rules", dir.path(), "--fail-on", fail_on];
    assert_eq!(scan(&args("warning"), "这瓶神仙水").code, 1);
    assert_eq!(scan(&args("info"), "这瓶神仙水").code, 1);
    assert_eq!(scan(&args("error"), "这瓶神仙水").code, 0);
}

#[test]
fn min_severity_drops_findings() {
    let dir = TempDir::new();
    dir.write("house.toml", user_rule("USR001", "神仙水"));
    let run = scan(
        &[
            "--format",
            "jsonl",
            "--rules",
            dir.path(),
            "--min-severity",
            "error",
        ],
        "这瓶神仙水",
    );
    assert_eq!(run.code, 0);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

// ---------------------------------------------------------------------------
// Offsets
// ---------------------------------------------------------------------------

#[test]
fn jsonl_offsets_on_line_3_after_cjk() {
    let input =
        "家人们晚上好，欢迎来到直播间\n第一个链接是面霜，首先看包装\n这款面霜真的是最好的选择\n";
    let run = scan(&["--format", "jsonl"], input);
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    let records = jsonl(&run.stdout);
    let f = records
        .iter()
        .find(|r| r["rule"] == "ABS001")
        .unwrap_or_else(|| panic!("no ABS001 finding in {records:?}"));
    let n = |k: &str| f[k].as_u64().unwrap() as usize;
    let matched = f["matched"].as_str().unwrap();

    let chars: Vec<char> = input.chars().collect();
    let by_char: String = chars[n("char_start")..n("char_end")].iter().collect();
    assert_eq!(by_char, matched);
    assert_eq!(&input[n("byte_start")..n("byte_end")], matched);
    let units: Vec<u16> = input.encode_utf16().collect();
    assert_eq!(
        String::from_utf16(&units[n("utf16_start")..n("utf16_end")]).unwrap(),
        matched
    );

    assert_eq!(n("line"), 3);
    let line3 = input.lines().nth(2).unwrap();
    let col = line3
        .find(matched)
        .map(|b| line3[..b].chars().count() + 1)
        .unwrap();
    assert_eq!(n("column"), col);
    assert_eq!(n("column"), 8);
}

#[test]
fn bom_is_skipped_and_offsets_follow_it() {
    let dir = TempDir::new();
    let file = dir.write("bom.txt", "\u{feff}这是最好的面霜".as_bytes());
    let run = scan(&["--format", "jsonl", &file], "");
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    let r = jsonl(&run.stdout)
        .into_iter()
        .find(|r| r["rule"] == "ABS001")
        .expect("ABS001 finding");
    assert_eq!(r["path"], file.as_str());
    assert_eq!(r["byte_start"], 6);
    assert_eq!(r["char_start"], 2);
    assert_eq!(r["column"], 3);
}

#[test]
fn crlf_input_keeps_lines_and_columns() {
    let run = scan(&["--format", "jsonl"], "第一行\r\n第二行全网最低价\r\n");
    let r = jsonl(&run.stdout)
        .into_iter()
        .find(|r| r["rule"] == "PRC001")
        .expect("PRC001 finding");
    assert_eq!(r["line"], 2);
    assert_eq!(r["column"], 4);
}

// ---------------------------------------------------------------------------
// The JSON document
// ---------------------------------------------------------------------------

#[test]
fn json_document_summary_matches_findings() {
    let sample = "examples/sample/facecream_snacks.txt";
    let run = scan(&["--format", "json", sample, "-"], VIOLATING);
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    let doc: Value = serde_json::from_str(&run.stdout).expect("one JSON document");
    let findings = doc["findings"].as_array().expect("findings array");
    let summary = &doc["summary"];
    assert!(!findings.is_empty());
    assert_eq!(
        summary["findings"].as_u64().unwrap() as usize,
        findings.len()
    );
    assert_eq!(summary["files"], 2);
    let sum = |key: &str| -> u64 {
        summary[key]
            .as_object()
            .unwrap_or_else(|| panic!("{key} is an object"))
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum()
    };
    assert_eq!(sum("by_severity") as usize, findings.len());
    assert_eq!(sum("by_category") as usize, findings.len());
    for f in findings {
        for field in FIELDS {
            assert!(f.get(field).is_some(), "missing field {field} in {f}");
        }
    }
    assert!(findings.iter().any(|f| f["path"] == sample));
    assert!(findings.iter().any(|f| f["path"] == "-"));
}

#[test]
fn sample_findings_point_at_their_text() {
    let sample = "examples/sample/facecream_snacks.txt";
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(sample)).unwrap();
    let run = scan(&["--format", "jsonl", sample], "");
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    let records = jsonl(&run.stdout);
    assert!(records.iter().any(|r| r["rule"] == "PRC001"));
    let lines: Vec<&str> = text.lines().collect();
    for r in &records {
        let n = |k: &str| r[k].as_u64().unwrap() as usize;
        let matched = r["matched"].as_str().unwrap();
        assert_eq!(&text[n("byte_start")..n("byte_end")], matched, "{r}");
        let line = lines[n("line") - 1];
        let col: String = line
            .chars()
            .skip(n("column") - 1)
            .take(matched.chars().count())
            .collect();
        assert_eq!(col, matched, "{r}");
        // Rule ABS001 exempts storage advice.
        let around = &text[n("byte_start").saturating_sub(3)..];
        assert!(
            !around.starts_with("后最好冷藏"),
            "flagged storage advice: {r}"
        );
    }
}

// ---------------------------------------------------------------------------
// Text output
// ---------------------------------------------------------------------------

#[test]
fn text_output_has_header_underline_notes_and_summary() {
    let run = scan(&["--color", "never"], "欢迎\n这是最好的面霜\n");
    assert_eq!(run.code, 1);
    let out = &run.stdout;
    assert!(out.contains("error[ABS001] superlative-zui: "), "{out}");
    assert!(out.contains("--> -:2:3"), "{out}");
    // Two CJK chars before the match, each two columns wide: four spaces
    // after the gutter, then two carets per matched char.
    assert!(out.contains("2 | 这是最好的面霜\n  |     ^^^^\n"), "{out}");
    assert!(out.contains("  = basis: "), "{out}");
    assert!(out.contains("  = help: "), "{out}");
    assert!(!out.contains('\x1b'), "colour without a terminal: {out}");
    let last = out.lines().last().unwrap();
    assert!(last.ends_with("in 1 file"), "{last}");
    assert!(last.contains("error"), "{last}");
}

#[test]
fn color_always_styles_text() {
    let run = scan(&["--color", "always"], VIOLATING);
    assert!(run.stdout.contains('\x1b'), "{}", run.stdout);
}

// ---------------------------------------------------------------------------
// Usage and I/O errors
// ---------------------------------------------------------------------------

#[test]
fn missing_file_is_exit_2() {
    let run = scan(&["no-such-file-adcop.txt"], "");
    let line = assert_usage_error(&run);
    assert!(
        line.starts_with("error: cannot read 'no-such-file-adcop.txt': "),
        "{line}"
    );
}

#[test]
fn invalid_utf8_names_file_and_byte() {
    let dir = TempDir::new();
    let mut bytes = "第一行\n".as_bytes().to_vec(); // 10 bytes
    bytes.extend_from_slice(b"ab\xff\xfe");
    let file = dir.write("bad.txt", &bytes);
    let run = scan(&[&file], "");
    let line = assert_usage_error(&run);
    // Where UTF-8 stops, and where GB18030 (the other candidate) stops.
    assert_eq!(
        line,
        format!(
            "error: {file}: neither UTF-8 (invalid at byte 12) nor GB18030 (invalid at byte 8)"
        )
    );
}

#[test]
fn unknown_option_is_exit_2() {
    let run = scan(&["--frob"], "");
    assert_eq!(assert_usage_error(&run), "error: unknown option '--frob'");
}

#[test]
fn bad_option_values_are_exit_2() {
    for args in [
        &["--format", "xml"][..],
        &["--format"],
        &["--fail-on", "sometimes"],
        &["--min-severity", "loud"],
        &["--color", "purple"],
        &["--select", "XYZ"],
        &["--profile", "pet-food"],
    ] {
        let run = scan(args, "");
        assert_usage_error(&run);
    }
}

#[test]
fn profile_changes_severity_of_a_health_claim() {
    // A custom pack keeps the test independent of the built-in rules.
    let dir = TempDir::new();
    dir.write(
        "pack.toml",
        user_rule("USR901", "增强免疫").replace(
            "severity = \"warning\"",
            "severity = \"error\"\nprofiles = { health-food = \"info\" }",
        ),
    );
    let args = |profile: &'static str| {
        vec![
            "--no-builtin",
            "--rules",
            dir.path(),
            "--format",
            "jsonl",
            "--min-severity",
            "info",
            "--profile",
            profile,
        ]
    };
    let text = "这款牛奶能增强免疫力\n";
    let run = scan(&args("ordinary-goods"), text);
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    assert_eq!(jsonl(&run.stdout)[0]["severity"], "error");
    let run = scan(&args("health-food"), text);
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    assert_eq!(jsonl(&run.stdout)[0]["severity"], "info");
}

#[test]
fn price_facts_appear_in_jsonl() {
    let run = scan(
        &["--format", "jsonl", "--select", "PRC011"],
        "原价200，今天打五折，只要150\n",
    );
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    let records = jsonl(&run.stdout);
    assert_eq!(records.len(), 1, "{}", run.stdout);
    let facts = &records[0]["facts"];
    assert_eq!(facts["kind"], "price");
    assert_eq!(facts["reference"], 200.0);
    assert_eq!(facts["discount"], 0.5);
    assert_eq!(facts["offer"], 150.0);
}

#[test]
fn explain_unknown_id_is_exit_2() {
    let run = scan(&["--explain", "NOPE999"], "");
    assert_eq!(assert_usage_error(&run), "error: unknown rule ID 'NOPE999'");
}

// ---------------------------------------------------------------------------
// Rules: listing, explaining, selecting, user packs
// ---------------------------------------------------------------------------

#[test]
fn explain_prints_markdown_and_origin() {
    let run = scan(&["--explain", "ABS001"], "");
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    assert!(run.stdout.starts_with("# ABS001"), "{}", run.stdout);
    assert!(run.stdout.contains("## What it does"), "{}", run.stdout);
    assert!(
        run.stdout.contains("Defined in rules/absolute.toml:"),
        "{}",
        run.stdout
    );
}

#[test]
fn list_rules_lists_abs001_under_its_category() {
    let run = scan(&["--list-rules"], "");
    assert_eq!(run.code, 0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim_start().starts_with("ABS001"))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    let cols: Vec<&str> = lines[at].split_whitespace().collect();
    assert_eq!(cols, ["ABS001", "error", "superlative-zui"]);
    // The nearest heading above it names the category.
    let heading = lines[..at]
        .iter()
        .rev()
        .find(|l| !l.starts_with(' ') && !l.is_empty())
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert_eq!(*heading, "absolute (ABS)");
}

/// Every rule line of `--list-rules` (indented), as its ID.
fn listed_ids(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|l| l.starts_with(' '))
        .map(|l| l.split_whitespace().next().unwrap_or("").to_string())
        .collect()
}

#[test]
fn select_and_ignore_filter_rules() {
    let listed = |args: &[&str]| -> Vec<String> {
        let run = scan(args, "");
        assert_eq!(run.code, 0, "stderr: {}", run.stderr);
        listed_ids(&run.stdout)
    };
    let only_abs = listed(&["--list-rules", "--select", "ABS"]);
    assert!(only_abs.iter().all(|id| id.starts_with("ABS")) && !only_abs.is_empty());
    let both = listed(&["--list-rules", "--select", "ABS,PRC001"]);
    assert!(both.contains(&"PRC001".to_string()) && both.contains(&"ABS001".to_string()));
    let no_abs = listed(&["--list-rules", "--ignore", "absolute"]);
    assert!(!no_abs.iter().any(|id| id.starts_with("ABS")));

    let run = scan(&["--format", "jsonl", "--ignore", "PRC001"], VIOLATING);
    assert!(jsonl(&run.stdout).iter().all(|r| r["rule"] != "PRC001"));
}

#[test]
fn allow_file_accepts_phrases() {
    let dir = TempDir::new();
    dir.write("house.toml", user_rule("USR001", "神仙水"));
    let allow = dir.write("allow.txt", "# shop names\n\n  神仙水果店  \n");
    let input = "楼下的神仙水果店开业了";
    let base = ["--format", "jsonl", "--no-builtin", "--rules", dir.path()];
    let without = scan(&base, input);
    assert!(
        !without.stdout.is_empty(),
        "precondition: 神仙水 is flagged"
    );
    let with = scan(&[&base[..], &["--allow", &allow]].concat(), input);
    assert_eq!(with.code, 0, "{}", with.stdout);
    assert!(with.stdout.is_empty(), "{}", with.stdout);
}

#[test]
fn user_rules_dir_is_merged_with_builtin() {
    let dir = TempDir::new();
    dir.write("house.toml", user_rule("USR001", "神仙水"));
    let input = "这瓶神仙水是全网最低价";
    let run = scan(&["--format", "jsonl", "--rules", dir.path()], input);
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    let records = jsonl(&run.stdout);
    let usr = records
        .iter()
        .find(|r| r["rule"] == "USR001")
        .expect("USR001 finding");
    assert_eq!(usr["matched"], "神仙水");
    assert_eq!(usr["category"], "custom");
    assert!(
        records.iter().any(|r| r["rule"] == "PRC001"),
        "built-ins still run"
    );

    let only_user = scan(
        &["--format", "jsonl", "--no-builtin", "--rules", dir.path()],
        input,
    );
    assert!(jsonl(&only_user.stdout)
        .iter()
        .all(|r| r["rule"] == "USR001"));

    let explain = scan(&["--explain", "usr001", "--rules", dir.path()], "");
    assert!(
        explain.stdout.contains("house.toml:1"),
        "{}",
        explain.stdout
    );
}

#[test]
fn broken_user_rule_file_is_exit_2_naming_the_file() {
    let dir = TempDir::new();
    let file = dir.write("broken.toml", "[[rule]]\nid = \"USR001\nname = \"x\"\n");
    let run = scan(&["--rules", dir.path()], VIOLATING);
    let line = assert_usage_error(&run);
    assert!(line.contains(&file), "{line}");
}

#[test]
fn invalid_user_rule_names_file_line_and_rule() {
    let dir = TempDir::new();
    // A custom rule must use the USR prefix.
    let file = dir.write("house.toml", user_rule("ABS900", "神仙水"));
    let run = scan(&["--rules", dir.path()], VIOLATING);
    let line = assert_usage_error(&run);
    assert!(line.contains(&format!("{file}:1:")), "{line}");
    assert!(line.contains("ABS900"), "{line}");
}

#[test]
fn duplicate_user_rule_id_is_exit_2() {
    let dir = TempDir::new();
    dir.write("house.toml", user_rule("USR001", "神仙水"));
    let run = scan(&["--rules", dir.path(), "--rules", dir.path()], VIOLATING);
    let line = assert_usage_error(&run);
    assert!(line.contains("USR001"), "{line}");
}

// ---------------------------------------------------------------------------
// Misc
// ---------------------------------------------------------------------------

#[test]
fn help_and_version() {
    let help = scan(&["--help"], "");
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("--fail-on"));
    assert!(help.stdout.contains("BOM") || help.stdout.contains("byte-order mark"));
    let version = scan(&["-V"], "");
    assert_eq!(version.code, 0);
    assert!(version.stdout.contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn closed_stdout_exits_quietly() {
    let mut child = Command::new(scan_bin())
        .args(["--format", "jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn scan");
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    // Enough findings to overflow any pipe buffer; read one line and hang up.
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(format!("{VIOLATING}\n").repeat(1_000).as_bytes());
    });
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).unwrap();
    assert!(first.contains("PRC001"));
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0));
}

// ---------------------------------------------------------------------------
// Transcripts
// ---------------------------------------------------------------------------

const SRT: &str = "1\n00:00:01,000 --> 00:00:03,000\n家人们晚上好\n\n2\n00:12:03,400 --> 00:12:05,000\n这是全网最\n\n3\n00:12:05,000 --> 00:12:07,000\n低价\n";

#[test]
fn srt_findings_have_times_in_jsonl_and_text() {
    let dir = TempDir::new();
    let file = dir.write("live.srt", SRT);
    let run = scan(&["--format", "jsonl", "--select", "PRC001", &file], "");
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    let records = jsonl(&run.stdout);
    assert_eq!(records.len(), 1, "{}", run.stdout);
    let r = &records[0];
    assert_eq!(r["matched"], "全网最低价");
    assert_eq!(r["start_ms"], 723_400);
    assert_eq!(r["end_ms"], 727_000);
    assert!(r["speaker"].is_null());
    assert_eq!(
        (r["line"].clone(), r["column"].clone()),
        (7.into(), 3.into())
    );
    // The byte range runs from the first cue's text into the second's.
    let start = r["byte_start"].as_u64().unwrap() as usize;
    let end = r["byte_end"].as_u64().unwrap() as usize;
    assert!(SRT[start..end].starts_with("全网最") && SRT[start..end].ends_with("低价"));

    let run = scan(&["--select", "PRC001", &file], "");
    assert!(run.stdout.contains("[00:12:03.400]"), "{}", run.stdout);
}

#[test]
fn webvtt_speakers_reach_the_output() {
    let dir = TempDir::new();
    let file = dir.write(
        "live.vtt",
        "WEBVTT\n\n00:01.000 --> 00:03.000\n<v 主播>全网最低价</v>\n",
    );
    let run = scan(&["--format", "jsonl", "--select", "PRC001", &file], "");
    let r = &jsonl(&run.stdout)[0];
    assert_eq!(r["speaker"], "主播");
    assert_eq!(r["start_ms"], 1_000);
    let run = scan(&["--select", "PRC001", &file], "");
    assert!(
        run.stdout.contains("[00:00:01.000] 主播: "),
        "{}",
        run.stdout
    );
}

#[test]
fn directories_are_walked_with_an_extension_filter() {
    let dir = TempDir::new();
    std::fs::create_dir_all(std::path::Path::new(dir.path()).join("sub")).unwrap();
    let a = dir.write("a.srt", SRT);
    let b = dir.write(
        "sub/b.jsonl",
        "{\"text\": \"全网最低价\", \"start_ms\": 0}\n",
    );
    dir.write("notes.md", "全网最低价\n");
    let run = scan(&["--format", "jsonl", "--select", "PRC001", dir.path()], "");
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    let paths: Vec<String> = jsonl(&run.stdout)
        .iter()
        .map(|r| r["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(paths, [a.clone(), b]);
    let run = scan(
        &[
            "--format",
            "jsonl",
            "--ext",
            "srt",
            "--select",
            "PRC001",
            dir.path(),
        ],
        "",
    );
    let paths: Vec<Value> = jsonl(&run.stdout)
        .iter()
        .map(|r| r["path"].clone())
        .collect();
    assert_eq!(paths, [Value::from(a)]);
}

#[test]
fn gbk_transcripts_are_decoded_and_said_so() {
    let dir = TempDir::new();
    let (gbk, _, _) = encoding_rs::GBK.encode(SRT);
    let file = dir.write("gbk.srt", &gbk[..]);
    let run = scan(&["--format", "jsonl", "--select", "PRC001", &file], "");
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    assert_eq!(jsonl(&run.stdout)[0]["matched"], "全网最低价");
    assert!(run.stderr.contains("read as GB18030"), "{}", run.stderr);
}

#[test]
fn malformed_cues_fail_the_file_or_are_skipped_when_lenient() {
    let dir = TempDir::new();
    let text =
        "1\n00:00:0x,000 --> 00:00:03,000\n坏\n\n2\n00:00:03,000 --> 00:00:05,000\n全网最低价\n";
    let file = dir.write("bad.srt", text);
    let run = scan(&["--select", "PRC001", &file], "");
    let line = assert_usage_error(&run);
    assert!(line.starts_with(&format!("error: {file}:2: ")), "{line}");

    let run = scan(
        &[
            "--lenient",
            "--format",
            "jsonl",
            "--select",
            "PRC001",
            &file,
        ],
        "",
    );
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    assert!(
        run.stderr.contains(&format!("warning: {file}:2: skipped")),
        "{}",
        run.stderr
    );
    assert_eq!(jsonl(&run.stdout)[0]["start_ms"], 3_000);
}

#[test]
fn input_format_overrides_detection_for_stdin() {
    let segments =
        "{\"start_ms\": 500, \"end_ms\": 900, \"text\": \"全网最低价\", \"speaker\": \"host\"}\n";
    let run = scan(
        &[
            "--format",
            "jsonl",
            "--input-format",
            "jsonl",
            "--select",
            "PRC001",
            "-",
        ],
        segments,
    );
    assert_eq!(jsonl(&run.stdout)[0]["speaker"], "host");
    // Read as plain text, the same line is one utterance with no times.
    let run = scan(
        &[
            "--format",
            "jsonl",
            "--input-format",
            "plain",
            "--select",
            "PRC001",
            "-",
        ],
        segments,
    );
    assert!(jsonl(&run.stdout)[0]["start_ms"].is_null());
    let run = scan(&["--input-format", "docx"], "");
    assert_usage_error(&run);
}

// ---------------------------------------------------------------------------
// SARIF
// ---------------------------------------------------------------------------

/// The SARIF 2.1.0 JSON schema, as shipped inside the `serde-sarif` crate
/// (a dev-dependency), found through `cargo metadata`.
fn sarif_schema() -> Value {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .output()
        .expect("cargo metadata");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).expect("metadata JSON");
    let manifest = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "serde-sarif")
        .and_then(|p| p["manifest_path"].as_str())
        .expect("serde-sarif in the dependency graph");
    let schema = Path::new(manifest)
        .with_file_name("src")
        .join("schema.json");
    let text =
        std::fs::read_to_string(&schema).unwrap_or_else(|e| panic!("{}: {e}", schema.display()));
    serde_json::from_str(&text).expect("schema is JSON")
}

/// Replaces each `language` pattern of the published schema with the one
/// it means.
fn fix_language_patterns(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if key == "pattern" && value == "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$" {
                    *value = Value::from("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
                } else {
                    fix_language_patterns(value);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(fix_language_patterns),
        _ => {}
    }
}

#[test]
fn sarif_output_validates_against_the_sarif_schema() {
    let run = scan(
        &[
            "--format",
            "sarif",
            "examples/sample/lipstick_live.srt",
            "examples/sample/health_drink_live.vtt",
        ],
        "",
    );
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    let log: Value = serde_json::from_str(&run.stdout).expect("SARIF is JSON");

    let mut schema = sarif_schema();
    // The published schema's `language` pattern has a stray ']' that a
    // strict ECMA-262 check rejects when the schema itself is validated;
    // it is replaced by the pattern it means (our output has no `language`).
    fix_language_patterns(&mut schema);
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );
    // The validator does reject a broken log.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&broken));
    // The typed model generated from the same schema reads it back too.
    serde_json::from_value::<serde_sarif::sarif::Sarif>(log.clone()).expect("typed SARIF");

    let run0 = &log["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run0["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
        assert!(rules[i]["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## What it does"));
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
    }
    // Times and speakers travel in the properties.
    assert!(results.iter().any(|r| r["properties"]["speaker"] == "主播"));
    assert!(results
        .iter()
        .any(|r| r["properties"]["start_ms"] == 28_000));
}

#[test]
fn parallel_scanning_gives_the_serial_output_in_the_same_order() {
    let dir = TempDir::new();
    let samples = [
        std::fs::read_to_string("examples/sample/lipstick_live.srt").unwrap(),
        std::fs::read_to_string("examples/sample/health_drink_live.vtt").unwrap(),
        std::fs::read_to_string("examples/sample/facecream_snacks.txt").unwrap(),
    ];
    let ext = ["srt", "vtt", "txt"];
    for i in 0..24 {
        dir.write(&format!("f{i:02}.{}", ext[i % 3]), &samples[i % 3]);
    }
    for format in ["jsonl", "json", "sarif", "text"] {
        let serial = scan(&["--format", format, "--jobs", "1", dir.path()], "");
        let parallel = scan(&["--format", format, "--jobs", "4", dir.path()], "");
        assert_eq!(serial.code, 1, "stderr: {}", serial.stderr);
        assert_eq!(serial.stdout, parallel.stdout, "{format}");
    }
    let run = scan(&["--format", "json", dir.path()], "");
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    let per_file = doc["summary"]["per_file"].as_array().unwrap();
    assert_eq!(per_file.len(), 24);
    let total: u64 = per_file
        .iter()
        .map(|f| f["findings"].as_u64().unwrap())
        .sum();
    assert_eq!(total, doc["summary"]["findings"].as_u64().unwrap());
    assert_eq!(per_file[0]["format"], "srt");
    assert_eq!(per_file[1]["format"], "webvtt");
    let run = scan(&["--jobs", "0"], "");
    assert_usage_error(&run);
}

#[test]
fn empty_transcripts_scan_clean() {
    let dir = TempDir::new();
    for name in ["e.txt", "e.srt", "e.jsonl"] {
        let file = dir.write(name, "");
        let run = scan(&["--format", "jsonl", &file], "");
        assert_eq!(
            (run.code, run.stdout.as_str()),
            (0, ""),
            "{name}: {}",
            run.stderr
        );
    }
    // A WebVTT file without its header is malformed, even when empty.
    let file = dir.write("e.vtt", "");
    let run = scan(&[&file], "");
    let line = assert_usage_error(&run);
    assert!(line.contains("WEBVTT"), "{line}");
    let file = dir.write("h.vtt", "WEBVTT\n");
    assert_eq!(scan(&[&file], "").code, 0);
}

#[test]
fn json_output_is_byte_identical_across_runs() {
    let args = [
        "--format",
        "json",
        "--min-severity",
        "info",
        "examples/sample/lipstick_live.srt",
        "examples/sample/health_drink_live.vtt",
        "examples/sample/facecream_snacks.txt",
    ];
    let first = scan(&args, "");
    assert_eq!(first.code, 1, "stderr: {}", first.stderr);
    for _ in 0..3 {
        assert_eq!(scan(&args, "").stdout, first.stdout);
    }
}

#[test]
fn evasive_spellings_are_reported_with_their_kinds_unless_turned_off() {
    let text = "今天全網最*低價，这是國家級配方\n";
    let run = scan(&["--format", "jsonl"], text);
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    let records = jsonl(&run.stdout);
    let price = records
        .iter()
        .find(|r| r["rule"] == "PRC001")
        .expect("PRC001 finding");
    assert_eq!(price["matched"], "全網最*低價");
    assert_eq!(
        price["evasion"],
        serde_json::json!(["traditional", "separator"])
    );
    assert_eq!(price["char_start"], 2);
    assert_eq!(price["char_end"], 8);

    let text_run = scan(&["--color", "never"], text);
    assert!(
        text_run
            .stdout
            .contains("= evasion: seen through traditional, separator"),
        "{}",
        text_run.stdout
    );

    // As written, neither claim reads as one (a bare 最 at most).
    let plain = jsonl(&scan(&["--format", "jsonl", "--no-evasion"], text).stdout);
    assert!(
        plain
            .iter()
            .all(|r| r["rule"] != "PRC001" && r["rule"] != "ABS005" && r.get("evasion").is_none()),
        "{plain:?}"
    );
}
