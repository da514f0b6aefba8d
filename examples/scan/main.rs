//! `scan`: a small command-line front end for adcop.
//!
//! ```text
//! cargo run --release --example scan -- [OPTIONS] [FILE|-]...
//! ```
//!
//! Exit status follows grep: 0 when nothing at or above `--fail-on` was
//! found, 1 when something was, 2 on a usage or I/O error. Arguments are
//! parsed by hand to keep the dependency list short.

mod sarif;

use adcop::{
    Facts, Finding, Profile, Rule, RuleSet, Scanner, Severity, Span, TextEncoding, Transcript,
    TranscriptFinding, TranscriptFormat,
};
use annotate_snippets::{
    normalize_untrusted_str, AnnotationKind, Level, Origin, Renderer, Snippet,
};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{self, IsTerminal, Read, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Plain-text inputs larger than this are scanned as they are read, one at
/// a time, instead of being read whole and scanned in parallel.
const STREAM_ABOVE: u64 = 4 << 20;

/// Bytes read to tell the format of a large input without an extension.
const SNIFF: usize = 64 * 1024;

const HELP: &str = "\
scan: flag Chinese advertising-law violations in live-stream sales text

USAGE:
    cargo run --example scan -- [OPTIONS] [FILE|-]...

Reads each FILE, each transcript file under a DIRECTORY (recursively), or
standard input when FILE is '-' or no file is given. A file is plain text
(one utterance per line), SRT, WebVTT or JSON Lines ASR segments
({\"start_ms\": 0, \"end_ms\": 1800, \"text\": \"...\", \"speaker\": \"host\"}),
told by its extension or, failing that, its content. It may be UTF-8
(with or without BOM), UTF-16 with a BOM, or GBK/GB18030; finding offsets
count in the decoded text, after any BOM (the byte offset in an
invalid-UTF-8 error counts from the start of the file).

Plain text over 4 MiB (a file, or standard input) is scanned as it is read,
in memory that does not grow with its size or its line length, and with
text or jsonl output its findings are written as they are found; such
inputs are scanned one at a time, smaller ones in parallel. The encoding of
a streamed input is judged on its first non-ASCII MiB, and a decoding error
later on is reported after the findings before it. SRT, WebVTT and JSON
Lines transcripts are always read whole: their cues are parsed and joined
before scanning. json and sarif output hold every finding (not the text)
until the end.

OPTIONS:
    --format FORMAT           text, jsonl, json or sarif (SARIF 2.1.0, for
                              code-scanning viewers) [default: text]
    --input-format FORMAT     Read every input as plain, srt, webvtt or jsonl
                              [default: from the extension, else the content]
    --ext LIST                Extensions to scan inside directories
                              [default: txt,srt,vtt,jsonl,ndjson]
    --lenient                 Skip malformed cues with a warning on stderr
                              instead of failing the file
    -j, --jobs N              Scan N files at a time [default: one per core];
                              output keeps the input order either way
    --color auto|always|never When to colour text output [default: auto;
                              auto means: stdout is a terminal and NO_COLOR
                              is unset]
    --min-severity LEVEL      Drop findings below info|warning|error
                              [default: warning; info adds hints]
    --no-evasion              Match text as written: do not see through
                              full-width, traditional, split, pinyin or
                              homophone spellings
    --profile KIND            What is sold: ordinary-goods, health-food,
                              cosmetics, drug-or-device, infant-formula,
                              finance, education [default: ordinary-goods];
                              some claims are judged differently per kind
    --select ID_OR_PREFIX     Only run these rules (ABS, ABS001, absolute);
                              repeatable and comma-separated
    --ignore ID_OR_PREFIX     Skip these rules; same syntax as --select
    --rules DIR               Load every *.toml rule file in DIR and add it
                              to the built-in pack; repeatable
    --no-builtin              Use only the rules given with --rules
    --allow FILE              Phrases to accept (brand names...), one per
                              line; lines starting with '#' are comments;
                              repeatable
    --fail-on LEVEL           Exit 1 when a finding at or above
                              info|warning|error is found, or never
                              [default: warning]
    --list-rules              Print the active rules and exit
    --test-rules              Run the active rules' own examples
                              ([rule.tests]); exit 1 if any fails
    --explain ID              Print a rule's documentation and exit
    -h, --help                Print this help and exit
    -V, --version             Print the version and exit

OUTPUT (jsonl: one object per finding; json: {\"findings\": [...],
\"summary\": {...}}). Each finding has path ('-' for stdin), line and
column (1-based, column in chars), byte_start/byte_end, char_start/char_end
and utf16_start/utf16_end (half-open, over the whole input), rule, name,
category, severity, matched, message, basis and suggestion, start_ms,
end_ms and speaker (null for plain text), plus facts (the numbers a price
or prize check read) and evasion (how the text dodged the plain term:
width, traditional, separator, repeat, spelling, pinyin, homophone) when
there are any.

EXIT STATUS:
    0  nothing at or above --fail-on was found
    1  something was
    2  usage error, unreadable input or a broken rule file
";

fn main() -> ExitCode {
    match run(std::env::args_os().skip(1).collect()) {
        Ok(code) => ExitCode::from(code),
        // The reader went away (`scan big.txt | head`): nothing left to say.
        Err(Fail::Pipe) => ExitCode::SUCCESS,
        Err(Fail::Msg(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}

/// Why the run stopped early.
enum Fail {
    /// A one-line message for stderr; exit status 2.
    Msg(String),
    /// Standard output was closed.
    Pipe,
}

impl From<io::Error> for Fail {
    /// Only output errors travel through `?`: inputs report their own.
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Fail::Pipe
        } else {
            Fail::Msg(format!("cannot write output: {}", io_message(&e)))
        }
    }
}

impl From<adcop::Error> for Fail {
    /// Rule-loading errors already name file:line:rule in their Display.
    fn from(e: adcop::Error) -> Self {
        Fail::Msg(e.to_string())
    }
}

fn run(args: Vec<OsString>) -> Result<u8, Fail> {
    let opts = parse_args(args).map_err(Fail::Msg)?;
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match opts.action {
        Action::Help => out.write_all(HELP.as_bytes())?,
        Action::Version => writeln!(out, "scan (adcop) {}", env!("CARGO_PKG_VERSION"))?,
        Action::Explain(ref id) => explain(&mut out, &load_rules(&opts)?, id)?,
        Action::ListRules => list_rules(&mut out, &build_scanner(&opts)?)?,
        Action::TestRules => {
            // Every example counts, whatever --min-severity says.
            let opts = Options {
                min_severity: None,
                ..opts
            };
            let code = test_rules(&mut out, &build_scanner(&opts)?)?;
            out.flush()?;
            return Ok(code);
        }
        Action::Scan => {
            let scanner = build_scanner(&opts)?;
            let code = scan_inputs(&mut out, &scanner, &opts)?;
            out.flush()?;
            return Ok(code);
        }
    }
    out.flush()?;
    Ok(0)
}

// ---------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Text,
    Jsonl,
    Json,
    Sarif,
}

enum Action {
    Scan,
    ListRules,
    TestRules,
    Explain(String),
    Help,
    Version,
}

struct Options {
    action: Action,
    format: Format,
    color: bool,
    min_severity: Option<Severity>,
    profile: Profile,
    no_evasion: bool,
    select: Vec<String>,
    ignore: Vec<String>,
    rule_dirs: Vec<PathBuf>,
    no_builtin: bool,
    allow_files: Vec<PathBuf>,
    /// `None` means `--fail-on never`.
    fail_on: Option<Severity>,
    /// `None` stands for standard input.
    inputs: Vec<Option<PathBuf>>,
    input_format: Option<TranscriptFormat>,
    extensions: Vec<String>,
    lenient: bool,
    /// Threads to scan files with; `None`: one per core.
    jobs: Option<usize>,
}

fn parse_args(args: Vec<OsString>) -> Result<Options, String> {
    let mut opts = Options {
        action: Action::Scan,
        format: Format::Text,
        color: false,
        // Info findings are hints (quoted, negated, slang); ask for them.
        min_severity: Some(Severity::Warning),
        profile: Profile::default(),
        no_evasion: false,
        select: Vec::new(),
        ignore: Vec::new(),
        rule_dirs: Vec::new(),
        no_builtin: false,
        allow_files: Vec::new(),
        fail_on: Some(Severity::Warning),
        inputs: Vec::new(),
        input_format: None,
        extensions: ["txt", "srt", "vtt", "jsonl", "ndjson"]
            .map(String::from)
            .to_vec(),
        lenient: false,
        jobs: None,
    };
    let mut color = "auto".to_string();
    let mut args = args.into_iter();
    let mut only_files = false;
    while let Some(arg) = args.next() {
        // File names need not be UTF-8; option names must be.
        let text = match arg.to_str() {
            Some(t) if !only_files && t.starts_with('-') && t != "-" => t.to_string(),
            _ => {
                opts.inputs.push((arg != "-").then(|| PathBuf::from(arg)));
                continue;
            }
        };
        // Accept both `--opt value` and `--opt=value`.
        let (name, inline) = match text.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (text.clone(), None),
        };
        // Values stay OsStrings until we know they are not paths.
        let mut raw_value = || -> Result<OsString, String> {
            match inline.clone() {
                Some(v) => Ok(v.into()),
                None => args
                    .next()
                    .ok_or_else(|| format!("option '{name}' needs a value")),
            }
        };
        let mut value = || raw_value().map(|v| v.to_string_lossy().into_owned());
        match name.as_str() {
            "--" => only_files = true,
            "-h" | "--help" => opts.action = Action::Help,
            "-V" | "--version" => opts.action = Action::Version,
            "--list-rules" => opts.action = Action::ListRules,
            "--test-rules" => opts.action = Action::TestRules,
            "--explain" => opts.action = Action::Explain(value()?),
            "--no-builtin" => opts.no_builtin = true,
            "--no-evasion" => opts.no_evasion = true,
            "--lenient" => opts.lenient = true,
            "--jobs" | "-j" => {
                let v = value()?;
                opts.jobs = Some(v.parse().ok().filter(|&n| n > 0).ok_or_else(|| {
                    format!("invalid value '{v}' for '--jobs' (expected a number above 0)")
                })?)
            }
            "--input-format" => {
                opts.input_format = Some(
                    value()?
                        .parse()
                        .map_err(|e| format!("invalid value for '--input-format': {e}"))?,
                )
            }
            "--ext" => {
                opts.extensions = split_list(&value()?)
                    .map(|e| e.trim_start_matches('.').to_ascii_lowercase())
                    .collect()
            }
            "--format" => opts.format = parse_format(&value()?)?,
            "--color" | "--colour" => color = value()?,
            "--min-severity" => opts.min_severity = Some(parse_severity(&name, &value()?)?),
            "--fail-on" => opts.fail_on = parse_fail_on(&value()?)?,
            "--profile" => {
                opts.profile = value()?
                    .parse()
                    .map_err(|e| format!("invalid value for '--profile': {e}"))?
            }
            "--select" => opts.select.extend(split_list(&value()?)),
            "--ignore" => opts.ignore.extend(split_list(&value()?)),
            "--rules" => opts.rule_dirs.push(raw_value()?.into()),
            "--allow" => opts.allow_files.push(raw_value()?.into()),
            _ => return Err(format!("unknown option '{name}'")),
        }
        if inline.is_some() && !takes_value(&name) {
            return Err(format!("option '{name}' takes no value"));
        }
    }
    opts.color = use_color(&color)?;
    if opts.no_builtin && opts.rule_dirs.is_empty() {
        return Err("--no-builtin needs at least one --rules DIR".into());
    }
    if opts.inputs.is_empty() {
        opts.inputs.push(None);
    }
    Ok(opts)
}

fn takes_value(name: &str) -> bool {
    matches!(
        name,
        "--explain"
            | "--format"
            | "--color"
            | "--colour"
            | "--min-severity"
            | "--profile"
            | "--input-format"
            | "--ext"
            | "--jobs"
            | "-j"
            | "--fail-on"
            | "--select"
            | "--ignore"
            | "--rules"
            | "--allow"
    )
}

fn split_list(value: &str) -> impl Iterator<Item = String> + '_ {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

fn parse_format(value: &str) -> Result<Format, String> {
    match value {
        "text" => Ok(Format::Text),
        "jsonl" => Ok(Format::Jsonl),
        "json" => Ok(Format::Json),
        "sarif" => Ok(Format::Sarif),
        _ => Err(format!(
            "invalid value '{value}' for '--format' (expected text, jsonl, json or sarif)"
        )),
    }
}

fn parse_severity(option: &str, value: &str) -> Result<Severity, String> {
    value.parse().map_err(|_| {
        format!("invalid value '{value}' for '{option}' (expected info, warning or error)")
    })
}

fn parse_fail_on(value: &str) -> Result<Option<Severity>, String> {
    if value.eq_ignore_ascii_case("never") {
        return Ok(None);
    }
    value.parse().map(Some).map_err(|_| {
        format!("invalid value '{value}' for '--fail-on' (expected info, warning, error or never)")
    })
}

/// `--color auto` colours only a terminal, and NO_COLOR (https://no-color.org)
/// turns that off; an explicit `always` wins over both.
fn use_color(choice: &str) -> Result<bool, String> {
    match choice {
        "always" => Ok(true),
        "never" => Ok(false),
        "auto" => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            Ok(!no_color && io::stdout().is_terminal())
        }
        _ => Err(format!(
            "invalid value '{choice}' for '--color' (expected auto, always or never)"
        )),
    }
}

// ---------------------------------------------------------------------------
// Rules and scanner
// ---------------------------------------------------------------------------

/// The built-in pack (unless `--no-builtin`) merged with every `--rules` dir.
fn load_rules(opts: &Options) -> Result<RuleSet, Fail> {
    let mut set = if opts.no_builtin {
        RuleSet::empty()
    } else {
        RuleSet::builtin()
    };
    for dir in &opts.rule_dirs {
        set = set.merge(RuleSet::from_dir(dir)?)?;
    }
    Ok(set)
}

fn build_scanner(opts: &Options) -> Result<Scanner, Fail> {
    let mut builder = Scanner::builder()
        .rules(load_rules(opts)?)
        .profile(opts.profile)
        .evasion(!opts.no_evasion);
    if let Some(min) = opts.min_severity {
        builder = builder.min_severity(min);
    }
    for s in &opts.select {
        builder = builder.select(s.as_str());
    }
    for s in &opts.ignore {
        builder = builder.ignore(s.as_str());
    }
    for path in &opts.allow_files {
        builder = builder.allow(read_allow_file(path)?);
    }
    Ok(builder.build()?)
}

/// One phrase per line. Only whole-line comments: a phrase may itself
/// contain '#' (hashtags such as #好物推荐# are common in live-stream copy).
fn read_allow_file(path: &PathBuf) -> Result<Vec<String>, Fail> {
    let text = read_text(path.display().to_string().as_str(), std::fs::read(path))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect())
}

/// The active rules, grouped by category under a heading each.
fn list_rules(out: &mut impl Write, scanner: &Scanner) -> io::Result<()> {
    let mut rules: Vec<&Rule> = scanner.active_rules().collect();
    rules.sort_by(|a, b| (a.category, &a.id).cmp(&(b.category, &b.id)));
    let mut current = None;
    for rule in rules {
        if current != Some(rule.category) {
            if current.is_some() {
                writeln!(out)?;
            }
            writeln!(out, "{} ({})", rule.category, rule.category.prefix())?;
            current = Some(rule.category);
        }
        writeln!(
            out,
            "  {:<7} {:<8} {}",
            rule.id,
            rule.severity.as_str(),
            rule.name
        )?;
    }
    Ok(())
}

/// Runs the active rules' own examples; exit 1 when any fails.
fn test_rules(out: &mut impl Write, scanner: &Scanner) -> io::Result<u8> {
    let (failures, checked) = adcop::check_examples(scanner);
    for f in &failures {
        writeln!(out, "FAIL {f}")?;
    }
    writeln!(
        out,
        "{} passed, {} failed",
        checked - failures.len(),
        failures.len()
    )?;
    Ok(u8::from(!failures.is_empty()))
}

fn explain(out: &mut impl Write, rules: &RuleSet, id: &str) -> Result<(), Fail> {
    let rule: &Rule = rules
        .get(id)
        .ok_or_else(|| Fail::Msg(format!("unknown rule ID '{id}'")))?;
    out.write_all(rule.explain().as_bytes())?;
    if let Some((file, line)) = rules.origin(&rule.id) {
        writeln!(out, "\nDefined in {file}:{line}")?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Reading input
// ---------------------------------------------------------------------------

/// `name` as shown in messages and in the `path` field.
fn display_name(input: &Option<PathBuf>) -> String {
    match input {
        Some(p) => p.display().to_string(),
        None => "-".to_string(),
    }
}

/// Decodes a file's bytes: UTF-8 (a BOM is skipped), UTF-16 with a BOM, or
/// GB18030 when the bytes are not UTF-8.
fn decode_bytes(
    name: &str,
    bytes: io::Result<Vec<u8>>,
) -> Result<(String, adcop::TextEncoding), Fail> {
    let bytes =
        bytes.map_err(|e| Fail::Msg(format!("cannot read '{name}': {}", io_message(&e))))?;
    adcop::decode(name, &bytes).map_err(|e| match e {
        // Offsets in error messages count from the start of the file, BOM
        // included, so they match what a hex editor shows.
        adcop::Error::Utf8 { byte_offset, .. } => {
            Fail::Msg(format!("{name}: invalid UTF-8 at byte {byte_offset}"))
        }
        other => Fail::Msg(other.to_string()),
    })
}

/// Decodes a file that must be text (an allow list).
fn read_text(name: &str, bytes: io::Result<Vec<u8>>) -> Result<String, Fail> {
    decode_bytes(name, bytes).map(|(text, _)| text)
}

/// The inputs with directories replaced by the files under them whose
/// extension is in `extensions`, in sorted order so output is stable.
fn expand_inputs(inputs: &[Option<PathBuf>], extensions: &[String]) -> Vec<Option<PathBuf>> {
    let mut out = Vec::new();
    for input in inputs {
        match input {
            Some(path) if path.is_dir() => walk(path, extensions, &mut out),
            other => out.push(other.clone()),
        }
    }
    out
}

fn walk(dir: &std::path::Path, extensions: &[String], out: &mut Vec<Option<PathBuf>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        // Reported when read as a file: "cannot read".
        out.push(Some(dir.to_path_buf()));
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            walk(&path, extensions, out);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
        {
            out.push(Some(path));
        }
    }
}

/// An I/O error's text without the " (os error 2)" tail.
fn io_message(e: &io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

// ---------------------------------------------------------------------------
// Scanning and reporting
// ---------------------------------------------------------------------------

/// One finding as written by `--format jsonl` and `--format json`.
#[derive(Serialize)]
struct Record {
    path: String,
    line: usize,
    column: usize,
    byte_start: usize,
    byte_end: usize,
    char_start: usize,
    char_end: usize,
    utf16_start: usize,
    utf16_end: usize,
    start_ms: Option<u64>,
    end_ms: Option<u64>,
    speaker: Option<String>,
    rule: String,
    name: String,
    category: &'static str,
    severity: &'static str,
    matched: String,
    message: String,
    basis: String,
    suggestion: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    facts: Option<Facts>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    evasion: Vec<&'static str>,
}

/// The whole `--format json` output.
#[derive(Serialize)]
struct Document<'a> {
    findings: &'a [Record],
    summary: &'a Summary,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    findings: usize,
    by_severity: BTreeMap<&'static str, usize>,
    by_category: BTreeMap<&'static str, usize>,
    /// One entry per file read, in input order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    per_file: Vec<FileSummary>,
}

/// Counts for one file, and how it was read.
#[derive(Serialize)]
struct FileSummary {
    path: String,
    format: &'static str,
    encoding: &'static str,
    findings: usize,
    by_severity: BTreeMap<&'static str, usize>,
    by_category: BTreeMap<&'static str, usize>,
}

impl Summary {
    fn new() -> Summary {
        let by_severity = [Severity::Error, Severity::Warning, Severity::Info]
            .iter()
            .map(|s| (s.as_str(), 0))
            .collect();
        Summary {
            files: 0,
            findings: 0,
            by_severity,
            by_category: BTreeMap::new(),
            per_file: Vec::new(),
        }
    }

    fn count(&mut self, f: &Finding) {
        self.findings += 1;
        *self.by_severity.entry(f.severity().as_str()).or_default() += 1;
        *self.by_category.entry(f.category().as_str()).or_default() += 1;
    }

    /// `3 findings (1 error, 2 warnings) in 1 file`
    fn line(&self) -> String {
        format!(
            "{} in {}",
            self.counts(),
            plural(self.files, "file", "files")
        )
    }

    /// `3 findings (1 error, 2 warnings)`
    fn counts(&self) -> String {
        let mut parts = Vec::new();
        for (sev, one, many) in [
            ("error", "error", "errors"),
            ("warning", "warning", "warnings"),
            ("info", "info", "info"),
        ] {
            let n = self.by_severity[sev];
            if n > 0 {
                parts.push(format!("{n} {}", if n == 1 { one } else { many }));
            }
        }
        let detail = if parts.is_empty() {
            String::new()
        } else {
            format!(" ({})", parts.join(", "))
        };
        format!("{}{detail}", plural(self.findings, "finding", "findings"))
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Where a finding is shown from: the text of its lines and its place in
/// units other than bytes.
struct Place<'a> {
    /// The lines the finding touches (for a streamed input, cut to about
    /// 1 KiB either side of the span when a line is longer).
    lines: &'a str,
    /// Byte offset of `lines` in the decoded file.
    lines_start: usize,
    /// `lines` starts after the start of its first line.
    clipped: bool,
    /// The finding's span in chars and UTF-16 units of the decoded file.
    chars: Span,
    utf16: Span,
    /// 1-based line and column (chars) just after the finding's end.
    end_line: usize,
    end_column: usize,
    /// The text of the file the finding covers.
    snippet: &'a str,
}

/// Where findings go: written as they come, or collected for JSON and SARIF,
/// and counted.
struct Report<'a, W: Write> {
    out: &'a mut W,
    opts: &'a Options,
    renderer: Renderer,
    summary: Summary,
    collected: Vec<Record>,
    sarif: sarif::Sarif,
    worst: Option<Severity>,
}

impl<W: Write> Report<'_, W> {
    /// Counts one finding of the file `name` and writes or keeps it.
    fn finding(
        &mut self,
        name: &str,
        file: &mut Summary,
        tf: &TranscriptFinding,
        place: &Place,
    ) -> io::Result<()> {
        self.summary.count(&tf.finding);
        file.count(&tf.finding);
        self.worst = self.worst.max(Some(tf.finding.severity()));
        match self.opts.format {
            Format::Text => write_text(self.out, &self.renderer, name, place, tf)?,
            Format::Jsonl => {
                serde_json::to_writer(&mut *self.out, &record(name, place, tf))
                    .map_err(io::Error::from)?;
                self.out.write_all(b"\n")?;
            }
            Format::Json => self.collected.push(record(name, place, tf)),
            Format::Sarif => {
                let region = sarif::Region {
                    start_line: tf.line,
                    start_column: tf.column,
                    end_line: place.end_line,
                    end_column: place.end_column,
                    snippet: place.snippet.to_string(),
                };
                self.sarif.add(name, tf, region);
            }
        }
        Ok(())
    }
}

/// Scans every input, writes findings as they come (JSON waits for the
/// end), and returns the exit status. An unreadable input is reported and
/// skipped, like grep does; it makes the status 2.
fn scan_inputs(out: &mut impl Write, scanner: &Scanner, opts: &Options) -> Result<u8, Fail> {
    let mut report = Report {
        out,
        opts,
        renderer: if opts.color {
            Renderer::styled()
        } else {
            Renderer::plain()
        },
        summary: Summary::new(),
        collected: Vec::new(),
        sarif: sarif::Sarif::new(scanner),
        worst: None,
    };
    let mut failed = false;
    let inputs = expand_inputs(&opts.inputs, &opts.extensions);
    // Files are read and scanned in parallel; results are written in input
    // order, so the output is the same as a serial run's. Large plain-text
    // inputs are only looked at here and scanned when their turn comes.
    let outcomes: Vec<Outcome> = {
        let progress = progress_bar(inputs.len());
        let work = || {
            inputs
                .par_iter()
                .map(|input| {
                    let outcome = process(input, scanner, opts);
                    progress.inc(1);
                    outcome
                })
                .collect()
        };
        let outcomes = match opts.jobs {
            Some(n) => rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| Fail::Msg(format!("cannot start {n} threads: {e}")))?
                .install(work),
            None => work(),
        };
        progress.finish_and_clear();
        outcomes
    };
    for (input, outcome) in inputs.iter().zip(outcomes) {
        let name = outcome.name;
        let mut file = Summary::new();
        file.files = 1;
        let (format, encoding) = match outcome.result {
            Ok(Scanned::Whole(transcript, encoding, findings)) => {
                report.out.flush()?;
                if encoding != TextEncoding::Utf8 {
                    eprintln!("note: {name}: read as {encoding}");
                }
                for w in transcript.warnings() {
                    eprintln!("warning: {name}:{}: skipped: {}", w.line, w.message);
                }
                let text = transcript.source();
                let lines = LineIndex::new(text);
                let mut units = UnitCounter::new(text);
                for f in &findings {
                    let span = f.source_span;
                    let (first, last) = lines.lines_around(span.start, span.end);
                    let (char_start, utf16_start) = units.at(span.start);
                    let (char_end, utf16_end) = units.at(span.end);
                    let (end_line, end_column) = lines.line_col(span.end);
                    let place = Place {
                        lines: &text[first..last],
                        lines_start: first,
                        clipped: false,
                        chars: Span {
                            start: char_start,
                            end: char_end,
                        },
                        utf16: Span {
                            start: utf16_start,
                            end: utf16_end,
                        },
                        end_line,
                        end_column,
                        snippet: &text[span.start..span.end],
                    };
                    report.finding(&name, &mut file, f, &place)?;
                }
                (transcript.format().name(), encoding)
            }
            Ok(Scanned::Stream(head)) => {
                match stream_input(&mut report, scanner, &name, input, head, &mut file)? {
                    Ok(encoding) => {
                        report.out.flush()?;
                        if encoding != TextEncoding::Utf8 {
                            eprintln!("note: {name}: read as {encoding}");
                        }
                        (TranscriptFormat::Plain.name(), encoding)
                    }
                    Err(msg) => {
                        // The findings before the error stay reported.
                        report.out.flush()?;
                        eprintln!("error: {msg}");
                        failed = true;
                        continue;
                    }
                }
            }
            Err(msg) => {
                // Keep stdout and stderr in order on a terminal.
                report.out.flush()?;
                eprintln!("error: {msg}");
                failed = true;
                continue;
            }
        };
        report.summary.files += 1;
        if matches!(opts.format, Format::Text) && inputs.len() > 1 {
            writeln!(report.out, "{name}: {}\n", file.counts())?;
        }
        report.summary.per_file.push(FileSummary {
            path: name,
            format,
            encoding: encoding.name(),
            findings: file.findings,
            by_severity: file.by_severity,
            by_category: file.by_category,
        });
    }
    let Report {
        out,
        summary,
        collected,
        sarif,
        worst,
        ..
    } = report;
    match opts.format {
        // With every input unreadable there is nothing to sum up.
        Format::Text if summary.files > 0 => writeln!(out, "{}", summary.line())?,
        Format::Text => {}
        Format::Jsonl => {}
        Format::Json => {
            let doc = Document {
                findings: &collected,
                summary: &summary,
            };
            serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::from)?;
            out.write_all(b"\n")?;
        }
        Format::Sarif => {
            serde_json::to_writer_pretty(&mut *out, &sarif.document()).map_err(io::Error::from)?;
            out.write_all(b"\n")?;
        }
    }
    Ok(if failed {
        2
    } else if opts.fail_on.is_some_and(|t| worst >= Some(t)) {
        1
    } else {
        0
    })
}

/// Scans a large plain-text input as it is read, reporting each finding as
/// it comes. Returns the encoding it was read in, or why it could not be
/// read to the end; an output error is the outer `Err`.
fn stream_input<W: Write>(
    report: &mut Report<W>,
    scanner: &Scanner,
    name: &str,
    input: &Option<PathBuf>,
    head: Option<Vec<u8>>,
    file: &mut Summary,
) -> Result<Result<TextEncoding, String>, Fail> {
    let cannot = |e: &io::Error| format!("cannot read '{name}': {}", io_message(e));
    let reader: Box<dyn Read> = match input {
        Some(path) => match std::fs::File::open(path) {
            Ok(f) => Box::new(f),
            Err(e) => return Ok(Err(cannot(&e))),
        },
        None => Box::new(io::stdin().lock()),
    };
    // Standard input's first bytes were read to size it up.
    let reader = io::Cursor::new(head.unwrap_or_default()).chain(reader);
    let mut write_error = None;
    let result = scanner.scan_reader(name, reader, |rf| {
        let tf = TranscriptFinding {
            source_span: rf.finding.span(),
            line: rf.line,
            column: rf.column,
            finding: rf.finding,
            cues: 0..0,
            start_ms: None,
            end_ms: None,
            speaker: None,
        };
        let matched = tf.finding.matched();
        let (end_line, end_column) = match matched.rfind('\n') {
            Some(i) => (
                tf.line + matched.matches('\n').count(),
                matched[i + 1..].chars().count() + 1,
            ),
            None => (tf.line, tf.column + matched.chars().count()),
        };
        let before = rf
            .excerpt
            .get(..tf.source_span.start.saturating_sub(rf.excerpt_start))
            .unwrap_or_default();
        let place = Place {
            lines: rf.excerpt,
            lines_start: rf.excerpt_start,
            clipped: before.chars().count() + 1 != tf.column,
            chars: tf.finding.char_span(),
            utf16: tf.finding.utf16_span(),
            end_line,
            end_column,
            snippet: matched,
        };
        match report.finding(name, file, &tf, &place) {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                write_error = Some(e);
                ControlFlow::Break(())
            }
        }
    });
    if let Some(e) = write_error {
        return Err(Fail::from(e));
    }
    Ok(match result {
        Ok(summary) => Ok(summary.encoding),
        Err(adcop::Error::Utf8 { byte_offset, .. }) => {
            Err(format!("{name}: invalid UTF-8 at byte {byte_offset}"))
        }
        Err(adcop::Error::Io { source, .. }) => Err(cannot(&source)),
        Err(e) => Err(e.to_string()),
    })
}

/// What reading one input gave.
struct Outcome {
    name: String,
    result: Result<Scanned, String>,
}

/// An input read and scanned whole, or one to scan as it is read.
enum Scanned {
    Whole(Transcript, TextEncoding, Vec<TranscriptFinding>),
    /// A large plain-text input; for standard input, the bytes already read.
    Stream(Option<Vec<u8>>),
}

/// Reads, decodes, parses and scans one input, or tells that it is large
/// plain text to be scanned as it is read.
fn process(input: &Option<PathBuf>, scanner: &Scanner, opts: &Options) -> Outcome {
    let name = display_name(input);
    let format = opts
        .input_format
        .or_else(|| input.as_deref().and_then(TranscriptFormat::from_extension));
    let result = read_or_defer(input, format)
        .and_then(|source| match source {
            Source::Bytes(bytes) => {
                let (text, encoding) = decode_bytes(&name, Ok(bytes))?;
                let t = Transcript::parse(&name, &text, format, opts.lenient)
                    .map_err(|e| Fail::Msg(e.to_string()))?;
                let findings = t.scan(scanner);
                Ok(Scanned::Whole(t, encoding, findings))
            }
            Source::Stream(head) => Ok(Scanned::Stream(head)),
        })
        .map_err(|e| match e {
            Fail::Msg(msg) => msg,
            Fail::Pipe => format!("cannot read '{name}'"),
        });
    Outcome { name, result }
}

/// An input's bytes, or word that it is large plain text.
enum Source {
    Bytes(Vec<u8>),
    /// For standard input, the bytes already read.
    Stream(Option<Vec<u8>>),
}

/// Reads an input whole unless it is plain text over `STREAM_ABOVE` bytes.
fn read_or_defer(
    input: &Option<PathBuf>,
    format: Option<TranscriptFormat>,
) -> Result<Source, Fail> {
    let name = display_name(input);
    let cannot = |e: io::Error| Fail::Msg(format!("cannot read '{name}': {}", io_message(&e)));
    let plain = |head: &[u8]| match format {
        Some(f) => f == TranscriptFormat::Plain,
        None => sniff(&head[..head.len().min(SNIFF)]) == Some(TranscriptFormat::Plain),
    };
    match input {
        Some(path) => {
            let large =
                std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() > STREAM_ABOVE);
            let head = match (large, format) {
                (true, None) => read_head(path).map_err(cannot)?,
                _ => Vec::new(),
            };
            if large && plain(&head) {
                return Ok(Source::Stream(None));
            }
            std::fs::read(path).map(Source::Bytes).map_err(cannot)
        }
        None => {
            let mut stdin = io::stdin().lock();
            let mut head = Vec::new();
            (&mut stdin)
                .take(STREAM_ABOVE + 1)
                .read_to_end(&mut head)
                .map_err(cannot)?;
            if head.len() as u64 > STREAM_ABOVE && plain(&head) {
                return Ok(Source::Stream(Some(head)));
            }
            stdin.read_to_end(&mut head).map_err(cannot)?;
            Ok(Source::Bytes(head))
        }
    }
}

/// The first `SNIFF` bytes of a file.
fn read_head(path: &Path) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(SNIFF);
    std::fs::File::open(path)?
        .take(SNIFF as u64)
        .read_to_end(&mut head)?;
    Ok(head)
}

/// The format the first bytes of a longer input show, or `None` when they
/// cannot tell: the second line decides whether a first line of digits
/// starts an SRT cue, and a JSON object must be read to its end.
fn sniff(head: &[u8]) -> Option<TranscriptFormat> {
    let text = match encoding_rs::Encoding::for_bom(head) {
        Some((encoding, bom)) => encoding.decode_without_bom_handling(&head[bom..]).0,
        None => String::from_utf8_lossy(head),
    };
    let complete = match text.rfind('\n') {
        Some(i) => &text[..=i],
        None => {
            // One line longer than what was read.
            let first = text.trim();
            let marker = first.starts_with('{')
                || first.starts_with("WEBVTT")
                || first.contains("-->")
                || first.chars().all(|c| c.is_ascii_digit());
            return (!marker).then_some(TranscriptFormat::Plain);
        }
    };
    let mut lines = complete.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or("");
    if lines.next().is_none() && first.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(TranscriptFormat::detect(complete))
}

/// A progress bar on a terminal's stderr; hidden when stderr is piped, in
/// CI, or for a single input.
fn progress_bar(len: usize) -> indicatif::ProgressBar {
    let visible = len > 1 && io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    if !visible {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} files {elapsed}")
    {
        bar.set_style(style);
    }
    bar
}

fn record(path: &str, place: &Place, tf: &TranscriptFinding) -> Record {
    let f: &Finding = &tf.finding;
    let span = tf.source_span;
    Record {
        path: path.to_string(),
        line: tf.line,
        column: tf.column,
        byte_start: span.start,
        byte_end: span.end,
        char_start: place.chars.start,
        char_end: place.chars.end,
        utf16_start: place.utf16.start,
        utf16_end: place.utf16.end,
        start_ms: tf.start_ms,
        end_ms: tf.end_ms,
        speaker: tf.speaker.clone(),
        rule: f.rule_id().to_string(),
        name: f.name().to_string(),
        category: f.category().as_str(),
        severity: f.severity().as_str(),
        matched: f.matched().to_string(),
        message: f.message().to_string(),
        basis: f.basis().to_string(),
        suggestion: f.suggestion().to_string(),
        facts: f.facts().cloned(),
        evasion: f.evasion().iter().map(|k| k.as_str()).collect(),
    }
}

/// Char and UTF-16 offsets of byte offsets, counted forward from the last
/// one asked for (findings come in order), from the start when asked for
/// an earlier one.
struct UnitCounter<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
    utf16: usize,
}

impl<'a> UnitCounter<'a> {
    fn new(text: &'a str) -> Self {
        UnitCounter {
            text,
            byte: 0,
            chars: 0,
            utf16: 0,
        }
    }

    fn at(&mut self, byte: usize) -> (usize, usize) {
        if byte < self.byte {
            *self = UnitCounter::new(self.text);
        }
        for c in self.text[self.byte..byte].chars() {
            self.chars += 1;
            self.utf16 += c.len_utf16();
        }
        self.byte = byte;
        (self.chars, self.utf16)
    }
}

/// Byte offsets of line starts, so each finding's line is a binary search
/// instead of a rescan of the text.
struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    /// 0-based line index holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    /// 1-based line, and 1-based column counted in chars.
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.line_of(offset);
        let column = self.text[self.starts[line]..offset].chars().count() + 1;
        (line + 1, column)
    }

    /// The byte range of the whole lines a span touches, without the final
    /// line break (and its '\r', for CRLF files).
    fn lines_around(&self, start: usize, end: usize) -> (usize, usize) {
        let first = self.starts[self.line_of(start)];
        let last = self.text[end..]
            .find('\n')
            .map_or(self.text.len(), |i| end + i);
        let trimmed = self.text[first..last]
            .strip_suffix('\r')
            .map_or(last, |t| first + t.len());
        (first, trimmed.max(end))
    }
}

/// Milliseconds as `HH:MM:SS.mmm`.
fn clock(ms: u64) -> String {
    let (h, rest) = (ms / 3_600_000, ms % 3_600_000);
    let (m, rest) = (rest / 60_000, rest % 60_000);
    format!("{h:02}:{m:02}:{:02}.{:03}", rest / 1000, rest % 1000)
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

/// One finding in the style of rustc, underlined by annotate-snippets,
/// which measures double-width CJK characters correctly.
fn write_text(
    out: &mut impl Write,
    renderer: &Renderer,
    path: &str,
    place: &Place,
    tf: &TranscriptFinding,
) -> io::Result<()> {
    let f = &tf.finding;
    let span = tf.source_span;
    let (first, line) = (place.lines_start, tf.line);
    // Where in the recording: [00:12:03.400] and the speaker, when known.
    let mut title = String::new();
    if let Some(ms) = tf.start_ms {
        title.push_str(&format!("[{}] ", clock(ms)));
    }
    if let Some(speaker) = &tf.speaker {
        title.push_str(&format!("{}: ", normalize_untrusted_str(speaker)));
    }
    title.push_str(f.message());
    // The header reads `error[ABS001] superlative-zui: message`, so the rule
    // ID and name go into the level's label.
    let header = format!("{}[{}] {}", f.severity(), f.rule_id(), f.name());
    let title = level(f.severity()).with_name(header).primary_title(title);
    let snippet = Snippet::source(place.lines)
        .line_start(line)
        .annotation(AnnotationKind::Primary.span(span.start - first..span.end - first));
    let group = if place.clipped {
        // A line cut short on the left: the renderer would count the column
        // from the cut, so the place is given apart.
        title
            .element(Origin::path(path).line(tf.line).char_column(tf.column))
            .element(snippet)
    } else {
        title.element(snippet.path(path))
    };
    let group = if f.evasion().is_empty() {
        group
    } else {
        let kinds: Vec<&str> = f.evasion().iter().map(|k| k.as_str()).collect();
        group.element(
            Level::NOTE
                .with_name("evasion")
                .message(format!("seen through {}", kinds.join(", "))),
        )
    };
    let report = &[group
        // Rule files are user input: strip control characters from text
        // the renderer would otherwise print verbatim.
        .element(
            Level::NOTE
                .with_name("basis")
                .message(normalize_untrusted_str(f.basis())),
        )
        .element(Level::HELP.message(normalize_untrusted_str(f.suggestion())))];
    writeln!(out, "{}\n", renderer.render(report))
}
