//! Golden test: the findings on the shipped sample transcript, one line each,
//! compared with `tests/golden/facecream_snacks.txt`. After a deliberate
//! rule change, regenerate with `ADCOP_BLESS=1 cargo test --test golden` and
//! review the diff like code.

use adcop::Scanner;
use std::path::Path;

fn render(text: &str) -> String {
    let scanner = Scanner::new();
    let mut out = String::new();
    for f in scanner.scan(text) {
        let line = text[..f.span().start].matches('\n').count() + 1;
        out.push_str(&format!(
            "{line}\t{}\t{}\t{}\n",
            f.rule_id(),
            f.severity(),
            f.matched()
        ));
    }
    out
}

#[test]
fn sample_transcript_matches_golden_findings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("examples/sample/facecream_snacks.txt")).unwrap();
    let golden_path = root.join("tests/golden/facecream_snacks.txt");
    let got = render(&text);
    if std::env::var_os("ADCOP_BLESS").is_some() {
        std::fs::write(&golden_path, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&golden_path).unwrap_or_default();
    assert_eq!(
        got, want,
        "findings on the sample changed; review and re-bless with ADCOP_BLESS=1"
    );
}

#[test]
fn innocent_sample_lines_stay_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("examples/sample/facecream_snacks.txt")).unwrap();
    let scanner = Scanner::new();
    let innocent = [
        "最近",
        "第一次",
        "第一步",
        "首先",
        "最多可叠加",
        "最好冷藏",
        "第一个链接",
        "唯一的要求",
        "100%纯棉",
    ];
    for line in text.lines() {
        if innocent.iter().any(|w| line.contains(w)) {
            for f in scanner.scan(line) {
                assert!(
                    !innocent
                        .iter()
                        .any(|w| w.contains(f.matched()) || f.matched().contains(w)),
                    "{line:?}: innocent phrase flagged as {} {:?}",
                    f.rule_id(),
                    f.matched()
                );
            }
        }
    }
}
