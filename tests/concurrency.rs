//! One `Scanner` shared by eight threads gives exactly the findings a single
//! thread gives, document by document, on the whole shared corpus
//! (`../shared/corpus/*.jsonl`, skipped with a message when absent).

use adcop::{Finding, Scanner};
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
