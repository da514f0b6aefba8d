//! One `Scanner` shared by eight threads gives exactly the findings a single
//! thread gives, document by document, on the whole shared corpus
//! (`../shared/corpus/*.jsonl`, skipped with a message when absent); eight
//! `StreamScanner`s on eight threads give what each gives alone.

use adcop::{Finding, Scanner, StreamEvent, StreamScanner};
use serde_json::Value;
use std::path::Path;

/// The `text` field of every line of every corpus file, in file order.
fn corpus_documents() -> Option<Vec<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    let mut docs = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).ok()?;
        for line in text.lines() {
            if let Ok(Value::Object(doc)) = serde_json::from_str(line) {
                if let Some(Value::String(t)) = doc.get("text") {
                    docs.push(t.clone());
                }
            }
        }
    }
    (!docs.is_empty()).then_some(docs)
}

#[test]
fn eight_threads_find_exactly_what_one_thread_finds() {
    let Some(docs) = corpus_documents() else {
        eprintln!("no corpus in ../shared/corpus; skipped");
        return;
    };
    let scanner = Scanner::new();
    let serial: Vec<Vec<Finding>> = docs.iter().map(|d| scanner.scan(d)).collect();
    assert!(
        serial.iter().any(|f| !f.is_empty()),
        "the corpus gave no findings"
    );

    const THREADS: usize = 8;
    let parallel: Vec<Vec<(usize, Vec<Finding>)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let (scanner, docs) = (&scanner, &docs);
                // Each thread takes every eighth document, back to front, so
                // threads interleave differently from the serial order.
                s.spawn(move || {
                    (0..docs.len())
                        .rev()
                        .filter(|i| i % THREADS == t)
                        .map(|i| (i, scanner.scan(&docs[i])))
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread panicked"))
            .collect()
    });
    let mut seen = 0;
    for (i, found) in parallel.into_iter().flatten() {
        assert_eq!(found, serial[i], "document {i} differs across threads");
        seen += 1;
    }
    assert_eq!(seen, docs.len());
}

/// Replays `docs` as a live stream: each document a partial hypothesis of
/// its first half, then its final text, two seconds apart.
fn replay(scanner: &Scanner, docs: &[String]) -> Vec<StreamEvent> {
    let mut stream = StreamScanner::new(scanner);
    let mut events = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        let (id, start) = (i as u64, i as u64 * 2_000);
        let half: String = doc.chars().take(doc.chars().count() / 2).collect();
        events.extend(stream.push_partial(id, &half, start, start + 1_000));
        events.extend(stream.push_final(id, doc, start, start + 2_000));
    }
    events.extend(stream.finish());
    events
}

#[test]
fn stream_scanners_on_eight_threads_are_independent() {
    let Some(docs) = corpus_documents() else {
        eprintln!("no corpus in ../shared/corpus; skipped");
        return;
    };
    // Eight streams of 400 documents each, from spread-out parts of the corpus.
    const THREADS: usize = 8;
    let step = docs.len() / THREADS;
    let streams: Vec<&[String]> = (0..THREADS)
        .map(|t| &docs[t * step..(t * step + 400).min(docs.len())])
        .collect();
    let scanner = Scanner::new();
    let alone: Vec<Vec<StreamEvent>> = streams.iter().map(|d| replay(&scanner, d)).collect();
    assert!(
        alone.iter().any(|e| !e.is_empty()),
        "no stream found anything"
    );
    let together: Vec<Vec<StreamEvent>> = std::thread::scope(|s| {
        let handles: Vec<_> = streams
            .iter()
            .map(|d| {
                let scanner = &scanner;
                s.spawn(move || replay(scanner, d))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread panicked"))
            .collect()
    });
    for (t, (a, b)) in alone.iter().zip(&together).enumerate() {
        assert_eq!(a, b, "stream {t} differs when run beside the others");
    }
}
