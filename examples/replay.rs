//! replay: feed a JSON Lines ASR log to a StreamScanner, in real time or
//! faster, and print the events as they happen.
//!
//! ```sh
//! cargo run --release --example replay -- examples/sample/live_asr.jsonl --speed 10x
//! ```
//!
//! Each line is one ASR message: `{"segment_id": 3, "final": false,
//! "start_ms": 3200, "end_ms": 3900, "text": "…"}`; partial hypotheses have
//! `"final": false`. Messages are replayed at their `end_ms`, divided by the
//! speed (`--speed 1x`, `10x`, or `max` for no waiting).

use adcop::{Scanner, StreamEvent, StreamFinding};
use serde::Deserialize;
use std::io::{self, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

const HELP: &str = "\
replay: scan a JSON Lines ASR log as a live stream

USAGE:
    cargo run --example replay -- FILE [--speed 1x|10x|max]
";

#[derive(Deserialize)]
struct Message {
    segment_id: u64,
    #[serde(rename = "final", default)]
    is_final: bool,
    start_ms: u64,
    end_ms: u64,
    text: String,
}

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}

/// `None` means as fast as possible.
fn parse_speed(s: &str) -> Result<Option<f64>, String> {
    if s == "max" {
        return Ok(None);
    }
    s.trim_end_matches('x')
        .parse::<f64>()
        .ok()
        .filter(|v| *v > 0.0 && v.is_finite())
        .map(Some)
        .ok_or_else(|| format!("invalid value '{s}' for '--speed' (expected 1x, 10x or max)"))
}

fn run(args: Vec<String>) -> Result<(), String> {
    let mut file = None;
    let mut speed = Some(1.0);
    let mut args = args.into_iter();
    while let Some(a) = args.next() {
        match a.as_str() {
            "-h" | "--help" => {
                print!("{HELP}");
                return Ok(());
            }
            "--speed" => {
                speed = parse_speed(&args.next().ok_or("option '--speed' needs a value")?)?
            }
            _ if a.starts_with('-') => return Err(format!("unknown option '{a}'")),
            _ => file = Some(a),
        }
    }
    let file = file.ok_or("no ASR log given (see --help)")?;
    let text = std::fs::read(&file).map_err(|e| format!("cannot read '{file}': {e}"))?;
    let (text, _) = adcop::decode(&file, &text).map_err(|e| e.to_string())?;

    let scanner = Scanner::new();
    let mut live = adcop::StreamScanner::new(&scanner);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let began = Instant::now();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let m: Message = serde_json::from_str(line)
            .map_err(|e| format!("{file}:{}: not an ASR message: {e}", n + 1))?;
        if let Some(speed) = speed {
            let due = Duration::from_secs_f64(m.end_ms as f64 / 1000.0 / speed);
            if let Some(wait) = due.checked_sub(began.elapsed()) {
                std::thread::sleep(wait);
            }
        }
        let events = if m.is_final {
            live.push_final(m.segment_id, &m.text, m.start_ms, m.end_ms)
        } else {
            live.push_partial(m.segment_id, &m.text, m.start_ms, m.end_ms)
        };
        print_events(&mut out, m.end_ms, &events).map_err(|e| e.to_string())?;
    }
    let events = live.finish();
    print_events(&mut out, 0, &events).map_err(|e| e.to_string())?;
    Ok(())
}

/// One line per event: `[00:00:04.800] + #3 error PRC010 「原价一百二今天只要九块九」 seg 3`.
fn print_events(out: &mut impl Write, at_ms: u64, events: &[StreamEvent]) -> io::Result<()> {
    for e in events {
        let clock = clock(at_ms);
        match e {
            StreamEvent::Found(f) => writeln!(out, "[{clock}] + {}", describe(f))?,
            StreamEvent::Revised(f) => writeln!(out, "[{clock}] ~ {}", describe(f))?,
            StreamEvent::Retracted { id } => writeln!(out, "[{clock}] - #{id} retracted")?,
        }
    }
    out.flush()
}

/// Milliseconds as `HH:MM:SS.mmm`.
fn clock(ms: u64) -> String {
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

fn describe(f: &StreamFinding) -> String {
    let segments: Vec<String> = f.segment_ids.iter().map(u64::to_string).collect();
    format!(
        "#{} {} {} 「{}」 seg {}{}",
        f.id,
        f.severity(),
        f.finding.rule_id(),
        f.finding.matched(),
        segments.join("+"),
        if f.confirmed { "" } else { " (partial)" }
    )
}
