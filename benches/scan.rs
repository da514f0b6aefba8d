//! Throughput benchmarks.
//!
//! * `build`: compiling the built-in scanner, and parsing the built-in rule
//!   pack on its own (jieba's dictionary is loaded before measuring).
//! * `corpus`: about 4 MB of real text from `../shared/corpus/`, scanned by
//!   adcop and by two baselines over the same text: a plain Aho-Corasick pass
//!   over the scanner's own terms (the floor for any dictionary scan) and a
//!   full jieba cut (the cost adcop avoids by segmenting only around
//!   candidates). Skipped, with a message, when the corpus is absent. The
//!   `_no_evasion` runs match text as written, so the cost of evasion
//!   handling (on by default) is the difference.
//!
//! * `transcript`: the same text as an SRT file, one document per cue, parsed
//!   and scanned end to end, next to parsing alone, so the share of parsing
//!   is visible.
//!
//! * `stream`: the latency of one `push_partial` of a typical 30-character
//!   hypothesis on a live stream with a full tail of earlier speech, and the
//!   sustained throughput of replaying the corpus as a stream of finals.
//!
//! `cargo bench --bench scan -- --quick` finishes in a minute or two.

use adcop::{RuleSet, Scanner, StreamScanner, Transcript, TranscriptFormat};
use aho_corasick::{AhoCorasick, MatchKind};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use jieba_rs::Jieba;
use serde_json::Value;
use std::fs::File;
use std::hint::black_box;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Bytes of text taken from the start of each corpus file. Two files hold
/// less (about 330 KB and 370 KB), so the mix comes to about 4 MB.
const PER_FILE: usize = 660_000;

fn build(c: &mut Criterion) {
    adcop::warm_up();
    let mut group = c.benchmark_group("build");
    group.measurement_time(Duration::from_secs(3));
    group.bench_function("scanner_builtin", |b| {
        b.iter(|| Scanner::builder().build().expect("built-in pack builds"))
    });
    group.bench_function("ruleset_builtin", |b| b.iter(RuleSet::builtin));
    group.finish();
}

fn corpus(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let text = match load_corpus(&dir) {
        Ok(text) if !text.is_empty() => text,
        Ok(_) => return eprintln!("corpus: no text in {}; skipped", dir.display()),
        Err(e) => return eprintln!("corpus: cannot read {}: {e}; skipped", dir.display()),
    };
    let scanner = Scanner::new();
    // The absolute-term and price packs alone, the rules the pipeline was
    // first measured with, next to the whole catalogue.
    let abs_price = Scanner::builder()
        .select("ABS")
        .select("PRC")
        .build()
        .expect("built-in pack");
    // The same, matching text as written: the cost of seeing through
    // evasive spellings is the difference.
    let as_written = Scanner::builder()
        .evasion(false)
        .build()
        .expect("built-in pack");
    let abs_price_as_written = Scanner::builder()
        .select("ABS")
        .select("PRC")
        .evasion(false)
        .build()
        .expect("built-in pack");
    adcop::warm_up();
    let terms = rule_terms(|_| true);
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&terms)
        .expect("terms compile");
    let abs_price_ac = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(rule_terms(|id| {
            id.starts_with("ABS") || id.starts_with("PRC")
        }))
        .expect("terms compile");
    let jieba = Jieba::new();
    eprintln!(
        "corpus: {} bytes of text from {}; {} distinct rule terms",
        text.len(),
        dir.display(),
        terms.len()
    );

    let mut group = c.benchmark_group("corpus");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("adcop_scan", |b| b.iter(|| scanner.scan(black_box(&text))));
    group.bench_function("adcop_scan_no_evasion", |b| {
        b.iter(|| as_written.scan(black_box(&text)))
    });
    group.bench_function("aho_corasick_terms", |b| {
        b.iter(|| ac.find_iter(black_box(&text)).count())
    });
    group.bench_function("adcop_scan_abs_price", |b| {
        b.iter(|| abs_price.scan(black_box(&text)))
    });
    group.bench_function("adcop_scan_abs_price_no_evasion", |b| {
        b.iter(|| abs_price_as_written.scan(black_box(&text)))
    });
    group.bench_function("aho_corasick_terms_abs_price", |b| {
        b.iter(|| abs_price_ac.find_iter(black_box(&text)).count())
    });
    group.bench_function("jieba_cut_all_text", |b| {
        b.iter(|| jieba.cut(black_box(&text), true).len())
    });
    group.finish();
}

/// Every literal term of the built-in rules whose ID `keep` accepts, deduplicated.
fn rule_terms(keep: impl Fn(&str) -> bool) -> Vec<String> {
    let mut terms: Vec<String> = RuleSet::builtin()
        .rules()
        .filter(|rule| keep(&rule.id))
        .flat_map(|rule| rule.terms.iter().cloned())
        .filter(|t| !t.is_empty())
        .collect();
    terms.sort();
    terms.dedup();
    terms
}

/// The first `PER_FILE` bytes of text of each `*.jsonl` file in `dir`
/// (sorted by name), documents joined with newlines.
fn load_corpus(dir: &Path) -> std::io::Result<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    let mut docs = Vec::new();
    for file in &files {
        docs.extend(head_texts(file, PER_FILE)?);
    }
    Ok(docs.join("\n"))
}

/// The `text` fields of the first lines of a JSON Lines file, until `limit`
/// bytes of text are collected. Lines that are not JSON objects with a
/// string `text` are skipped.
fn head_texts(file: &Path, limit: usize) -> std::io::Result<Vec<String>> {
    let mut texts = Vec::new();
    let mut taken = 0;
    for line in BufReader::new(File::open(file)?).lines() {
        if taken >= limit {
            break;
        }
        let Ok(Value::Object(doc)) = serde_json::from_str(&line?) else {
            continue;
        };
        if let Some(Value::String(text)) = doc.get("text") {
            taken += text.len() + 1;
            texts.push(text.clone());
        }
    }
    Ok(texts)
}

/// The corpus as SRT: one cue per document, two seconds each.
fn as_srt(text: &str) -> String {
    let clock = |ms: u64| {
        format!(
            "{:02}:{:02}:{:02},{:03}",
            ms / 3_600_000,
            ms / 60_000 % 60,
            ms / 1000 % 60,
            ms % 1000
        )
    };
    let mut srt = String::with_capacity(text.len() * 2);
    for (i, doc) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let start = i as u64 * 2000;
        srt.push_str(&format!(
            "{}\n{} --> {}\n{doc}\n\n",
            i + 1,
            clock(start),
            clock(start + 2000)
        ));
    }
    srt
}

fn transcript(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let text = match load_corpus(&dir) {
        Ok(text) if !text.is_empty() => text,
        _ => return eprintln!("transcript: no corpus in {}; skipped", dir.display()),
    };
    let srt = as_srt(&text);
    let scanner = Scanner::new();
    adcop::warm_up();
    let parse = || Transcript::parse("corpus.srt", &srt, Some(TranscriptFormat::Srt), false);
    let mut group = c.benchmark_group("transcript");
    group.throughput(Throughput::Bytes(srt.len() as u64));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("srt_parse", |b| b.iter(|| parse().map(|t| t.cues().len())));
    group.bench_function("srt_parse_and_scan", |b| {
        b.iter(|| parse().map(|t| t.scan(black_box(&scanner)).len()))
    });
    group.finish();
}

fn stream(c: &mut Criterion) {
    let scanner = Scanner::new();
    adcop::warm_up();
    let speech = [
        "家人们晚上好，欢迎新进来的宝宝们，先点个关注",
        "这款面霜是我们家卖得最好的一款，最近天气干",
        "今天直播间给到的价格是真的很划算，大家看一下",
        "质地很清爽，上脸一点都不油腻，敏感肌也可以用",
    ];
    let mut live = StreamScanner::new(&scanner);
    for (i, text) in speech.iter().cycle().take(40).enumerate() {
        let t = i as u64 * 3000;
        live.push_final(i as u64, text, t, t + 2900);
    }
    // Two hypotheses of one utterance, about 30 characters each, taking turns
    // so the stream's state does not grow.
    let hypotheses = [
        "今天这个价格绝对是全网最低价了，错过再等一年哦家人",
        "今天这个价格绝对是全网最低的了，错过再等一年哦家人",
    ];
    let mut group = c.benchmark_group("stream");
    group.sample_size(50);
    group.measurement_time(Duration::from_secs(3));
    let mut turn = 0;
    group.bench_function("push_partial_30_chars", |b| {
        b.iter(|| {
            turn ^= 1;
            live.push_partial(1000, black_box(hypotheses[turn]), 120_000, 122_000)
                .len()
        })
    });

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if let Ok(text) = load_corpus(&dir) {
        // A long replay: each corpus document as one final segment.
        let docs: Vec<&str> = text.lines().filter(|l| !l.is_empty()).take(5_000).collect();
        let bytes: usize = docs.iter().map(|d| d.len()).sum();
        group.throughput(Throughput::Bytes(bytes as u64));
        group.sample_size(10);
        group.bench_function("replay_finals", |b| {
            b.iter(|| {
                let mut s = StreamScanner::new(&scanner);
                let mut events = 0;
                for (i, d) in docs.iter().enumerate() {
                    let t = i as u64 * 2000;
                    events += s.push_final(i as u64, d, t, t + 1900).len();
                }
                events
            })
        });
    }
    group.finish();
}

criterion_group!(benches, build, corpus, transcript, stream);
criterion_main!(benches);
