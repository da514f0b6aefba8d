//! Long inputs are scanned in pieces; a phrase at or across a cut must be
//! found once, whole, at the right offset.

use adcop::Scanner;

/// The scanner's piece size: a phrase placed at this offset straddles a cut.
const PIECE: usize = 1024 * 1024;

fn lowest_price_spans(scanner: &Scanner, text: &str) -> Vec<(String, usize, usize)> {
    scanner
        .scan(text)
        .into_iter()
        .map(|f| (f.rule_id().to_string(), f.span().start, f.span().end))
        .collect()
}

#[test]
fn phrase_across_a_hard_cut_is_found_whole() {
    let scanner = Scanner::new();
    let phrase = "全网最低价";
    // No line or sentence end anywhere: the cut falls inside runs of 'x'.
    for before in (PIECE - 20..PIECE + 4).step_by(1) {
        let text = format!("{}{phrase}，谢谢", "x".repeat(before));
        let got = lowest_price_spans(&scanner, &text);
        assert_eq!(
            got,
            vec![("PRC001".to_string(), before, before + phrase.len())],
            "phrase at byte {before}"
        );
    }
}

#[test]
fn an_early_line_end_does_not_force_a_hard_cut() {
    let scanner = Scanner::new();
    let text = format!(
        "a\n{}。{}全网最低价，谢谢",
        "x".repeat(PIECE - 100),
        "y".repeat(89)
    );
    let start = text.find("全网最低价").unwrap();
    assert_eq!(
        lowest_price_spans(&scanner, &text),
        vec![("PRC001".to_string(), start, start + "全网最低价".len())]
    );
}

#[test]
fn findings_repeat_exactly_across_many_pieces() {
    let scanner = Scanner::new();
    let line = "家人们这是全网最低价，最近很多人问，开封后最好冷藏，这款面霜最好用。\n";
    let per_line = scanner.scan(line).len();
    assert_eq!(per_line, 2);
    let lines = 3 * PIECE / line.len();
    let text = line.repeat(lines);
    let findings = scanner.scan(&text);
    assert_eq!(findings.len(), per_line * lines);
    for f in &findings {
        assert_eq!(&text[f.span().start..f.span().end], f.matched());
    }
}

#[test]
fn dense_candidates_in_one_long_line_stay_valid() {
    // Every character is a candidate: this must finish (it used to be
    // quadratic in the piece) and give well-formed spans.
    let scanner = Scanner::new();
    for unit in ["最", "第一", "最好"] {
        let text = unit.repeat(PIECE / unit.len() + 7);
        for f in scanner.scan(&text) {
            assert!(text.is_char_boundary(f.span().start));
            assert_eq!(&text[f.span().start..f.span().end], f.matched());
        }
    }
}
