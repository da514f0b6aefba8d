//! Transcripts: plain text, SRT, WebVTT and JSON Lines ASR segments.
//!
//! A transcript is parsed into cues (text with optional start and end times
//! and speaker), and the cues are joined into one text to scan, so a phrase
//! the ASR split across two cues (全网最 | 低价) is still found. Each finding
//! maps back to the cues it came from and to its place in the file.
//!
//! All offsets refer to the decoded text of the file (see [`crate::decode`]),
//! not to its bytes on disk when it was UTF-16 or GB18030.

use crate::error::{Error, Result};
use crate::finding::{Finding, Span};
use crate::scanner::Scanner;
use std::borrow::Cow;
use std::ops::Range;

/// The format of a transcript file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TranscriptFormat {
    /// Plain text, one utterance per line, without times.
    Plain,
    /// SubRip subtitles (`.srt`).
    Srt,
    /// WebVTT subtitles (`.vtt`).
    WebVtt,
    /// JSON Lines ASR segments: `{"start_ms": 0, "end_ms": 1800, "text": "…", "speaker": "host"}`.
    Jsonl,
}

impl TranscriptFormat {
    /// The format a file name's extension names (`.srt`, `.vtt`, `.jsonl`,
    /// `.ndjson`, `.txt`), if any.
    pub fn from_extension(path: &std::path::Path) -> Option<TranscriptFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "srt" => TranscriptFormat::Srt,
            "vtt" | "webvtt" => TranscriptFormat::WebVtt,
            "jsonl" | "ndjson" => TranscriptFormat::Jsonl,
            "txt" | "text" => TranscriptFormat::Plain,
            _ => return None,
        })
    }

    /// The format the content looks like: a `WEBVTT` header, a cue number
    /// followed by a timing line, a JSON object per line, else plain text.
    pub fn detect(text: &str) -> TranscriptFormat {
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        let first = lines.next().unwrap_or("");
        if first.starts_with("WEBVTT") {
            return TranscriptFormat::WebVtt;
        }
        let second = lines.next().unwrap_or("");
        if (first.chars().all(|c| c.is_ascii_digit()) && second.contains("-->"))
            || first.contains("-->") && parse_timing(first).is_some()
        {
            return TranscriptFormat::Srt;
        }
        if first.starts_with('{')
            && serde_json::from_str::<Segment>(first).is_ok_and(|s| s.text.is_some())
        {
            return TranscriptFormat::Jsonl;
        }
        TranscriptFormat::Plain
    }

    /// The format's name: `plain`, `srt`, `webvtt`, `jsonl`.
    pub fn name(self) -> &'static str {
        match self {
            TranscriptFormat::Plain => "plain",
            TranscriptFormat::Srt => "srt",
            TranscriptFormat::WebVtt => "webvtt",
            TranscriptFormat::Jsonl => "jsonl",
        }
    }
}

impl std::str::FromStr for TranscriptFormat {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        Ok(match s {
            "plain" | "text" | "txt" => TranscriptFormat::Plain,
            "srt" => TranscriptFormat::Srt,
            "webvtt" | "vtt" => TranscriptFormat::WebVtt,
            "jsonl" | "ndjson" => TranscriptFormat::Jsonl,
            other => {
                return Err(format!(
                    "unknown transcript format '{other}' (expected plain, srt, webvtt or jsonl)"
                ))
            }
        })
    }
}

/// One cue: what was said, when and by whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cue {
    /// Start time in milliseconds, when the format has times.
    pub start_ms: Option<u64>,
    /// End time in milliseconds, when the format has times.
    pub end_ms: Option<u64>,
    /// The speaker (`<v Host>` in WebVTT, `speaker` in JSON Lines).
    pub speaker: Option<String>,
    /// Byte range of the cue's text (markup removed, lines joined) in
    /// [`Transcript::text`]; [`Transcript::cue_text`] gives the text.
    pub range: Range<usize>,
    /// 1-based line of the file where the cue starts.
    pub line: usize,
}

/// A cue the lenient mode skipped, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranscriptWarning {
    /// 1-based line of the problem.
    pub line: usize,
    /// What was wrong.
    pub message: String,
}

/// A finding in a transcript: where in the scanned text, in which cues and
/// at which time, and where in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranscriptFinding {
    /// The finding; its spans refer to [`Transcript::text`].
    pub finding: Finding,
    /// Indices of the cues the finding overlaps.
    pub cues: Range<usize>,
    /// Start of the first of those cues, in milliseconds.
    pub start_ms: Option<u64>,
    /// End of the last of those cues, in milliseconds.
    pub end_ms: Option<u64>,
    /// Speaker of the first of those cues.
    pub speaker: Option<String>,
    /// Byte range in the decoded file.
    pub source_span: Span,
    /// 1-based line of the finding's start in the file.
    pub line: usize,
    /// 1-based column of the finding's start, in chars.
    pub column: usize,
}

/// A parsed transcript.
#[derive(Debug, Clone)]
pub struct Transcript {
    format: TranscriptFormat,
    source: String,
    cues: Vec<Cue>,
    text: String,
    /// Pieces of `text` and the part of `source` each came from.
    pieces: Vec<Piece>,
    warnings: Vec<TranscriptWarning>,
    /// Byte offset of each line start in `source`.
    line_starts: Vec<usize>,
}

/// A stretch of the joined text and the stretch of the file it came from.
#[derive(Debug, Clone)]
struct Piece {
    joined: Range<usize>,
    source: Range<usize>,
    /// Copied byte for byte, rather than a replacement (an entity, an
    /// escaped JSON string) that maps as a whole.
    copied: bool,
}

/// One JSON Lines segment.
#[derive(serde::Deserialize)]
struct Segment {
    start_ms: Option<u64>,
    end_ms: Option<u64>,
    text: Option<String>,
    speaker: Option<String>,
}

/// A cue while it is being read: its text as pieces of the file.
#[derive(Default)]
struct Draft<'a> {
    start_ms: Option<u64>,
    end_ms: Option<u64>,
    speaker: Option<String>,
    line: usize,
    /// (text, source range, copied verbatim)
    parts: Vec<(Cow<'a, str>, Range<usize>, bool)>,
}

impl Transcript {
    /// Parses `source`, the decoded text of the file named `origin`. With
    /// `format` `None` the format is detected from the content. A malformed
    /// cue is an error naming the file and line; with `lenient` it is
    /// skipped and reported in [`Transcript::warnings`] instead.
    pub fn parse(
        origin: &str,
        source: &str,
        format: Option<TranscriptFormat>,
        lenient: bool,
    ) -> Result<Transcript> {
        let format = format.unwrap_or_else(|| TranscriptFormat::detect(source));
        let mut warnings = Vec::new();
        let drafts = match format {
            TranscriptFormat::Plain => plain(source),
            TranscriptFormat::Srt => subtitles(origin, source, false, lenient, &mut warnings)?,
            TranscriptFormat::WebVtt => subtitles(origin, source, true, lenient, &mut warnings)?,
            TranscriptFormat::Jsonl => jsonl(origin, source, lenient, &mut warnings)?,
        };
        Ok(Transcript::join(format, source, drafts, warnings))
    }

    /// Joins cues into one text. Cues of one speaker run on without a break,
    /// so a phrase split across them is found; a change of speaker, and each
    /// line of a plain file, starts a new line.
    fn join(
        format: TranscriptFormat,
        source: &str,
        drafts: Vec<Draft>,
        warnings: Vec<TranscriptWarning>,
    ) -> Transcript {
        let mut text = String::with_capacity(source.len());
        let mut pieces = Vec::with_capacity(drafts.len());
        let mut cues = Vec::with_capacity(drafts.len());
        let mut previous_speaker: Option<Option<String>> = None;
        for draft in drafts {
            if let Some(prev) = &previous_speaker {
                if format == TranscriptFormat::Plain || *prev != draft.speaker {
                    text.push('\n');
                }
            }
            let start = text.len();
            for (part, range, verbatim) in &draft.parts {
                if needs_space(&text[start..], part) {
                    text.push(' ');
                }
                if part.is_empty() {
                    continue;
                }
                let joined = text.len()..text.len() + part.len();
                text.push_str(part);
                pieces.push(Piece {
                    joined,
                    source: range.clone(),
                    copied: *verbatim,
                });
            }
            previous_speaker = Some(draft.speaker.clone());
            cues.push(Cue {
                start_ms: draft.start_ms,
                end_ms: draft.end_ms,
                speaker: draft.speaker,
                range: start..text.len(),
                line: draft.line,
            });
        }
        let line_starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Transcript {
            format,
            source: source.to_string(),
            cues,
            text,
            pieces,
            warnings,
            line_starts,
        }
    }

    /// The format the transcript was read as.
    pub fn format(&self) -> TranscriptFormat {
        self.format
    }

    /// The cues, in file order (times may overlap or run backwards: ASR
    /// segments do).
    pub fn cues(&self) -> &[Cue] {
        &self.cues
    }

    /// The text of cue `i`, markup removed; empty when there is no such cue.
    pub fn cue_text(&self, i: usize) -> &str {
        self.cues
            .get(i)
            .and_then(|c| self.text.get(c.range.clone()))
            .unwrap_or_default()
    }

    /// The joined text that is scanned.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The decoded file.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Cues the lenient mode skipped.
    pub fn warnings(&self) -> &[TranscriptWarning] {
        &self.warnings
    }

    /// Scans the transcript and places each finding in its cues and file.
    pub fn scan(&self, scanner: &Scanner) -> Vec<TranscriptFinding> {
        scanner
            .scan(&self.text)
            .into_iter()
            .map(|f| self.place(f))
            .collect()
    }

    /// Maps a finding on the joined text to cues, times and the file.
    fn place(&self, finding: Finding) -> TranscriptFinding {
        let span = finding.span();
        let first = self
            .cues
            .partition_point(|c| c.range.end <= span.start)
            .min(self.cues.len().saturating_sub(1));
        let last = self
            .cues
            .partition_point(|c| c.range.start < span.end)
            .max(first + 1)
            .min(self.cues.len());
        let cues = first..last;
        let (start_ms, end_ms, speaker) =
            match (self.cues.get(first), self.cues.get(last.saturating_sub(1))) {
                (Some(a), Some(b)) => (a.start_ms, b.end_ms, a.speaker.clone()),
                _ => (None, None, None),
            };
        let source_span = Span {
            start: self.to_source(span.start, false),
            end: self.to_source(span.end, true),
        };
        let source_span = Span {
            start: source_span.start,
            end: source_span.end.max(source_span.start),
        };
        let line = self
            .line_starts
            .partition_point(|&s| s <= source_span.start);
        let line_start = self.line_starts[line - 1];
        let column = self.source[line_start..source_span.start].chars().count() + 1;
        TranscriptFinding {
            finding,
            cues,
            start_ms,
            end_ms,
            speaker,
            source_span,
            line,
            column,
        }
    }

    /// The file offset of joined offset `at`: exact inside copied text; a
    /// replaced piece or a separator maps to a piece's edge (its start for a
    /// span's start, its end for a span's end).
    fn to_source(&self, at: usize, is_end: bool) -> usize {
        let i = self
            .pieces
            .partition_point(|p| p.joined.end < at + usize::from(!is_end));
        let Some(p) = self.pieces.get(i).or_else(|| self.pieces.last()) else {
            return 0;
        };
        if at < p.joined.start {
            // In a separator: a start belongs to the next piece, an end to
            // the previous one.
            return match (is_end, i.checked_sub(1).and_then(|j| self.pieces.get(j))) {
                (true, Some(prev)) => prev.source.end,
                _ => p.source.start,
            };
        }
        if at >= p.joined.end {
            return p.source.end;
        }
        if p.copied {
            let s = p.source.start + (at - p.joined.start);
            if self.source.is_char_boundary(s) {
                return s;
            }
        }
        if is_end {
            p.source.end
        } else {
            p.source.start
        }
    }
}

/// A space between two runs of text that would otherwise glue two ASCII
/// words together (`hello` + `world`); CJK runs on without one.
fn needs_space(before: &str, next: &str) -> bool {
    let a = before.chars().next_back();
    let b = next.chars().next();
    matches!((a, b), (Some(a), Some(b)) if a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric())
}

/// Lines of the file with their byte offsets, line ends removed.
fn lines(source: &str) -> impl Iterator<Item = (usize, usize, &str)> {
    let mut offset = 0;
    source
        .split_inclusive('\n')
        .enumerate()
        .map(move |(i, raw)| {
            let mut start = offset;
            offset += raw.len();
            let mut line = raw.strip_suffix('\n').unwrap_or(raw);
            line = line.strip_suffix('\r').unwrap_or(line);
            // A byte-order mark left at the start of the text is no content.
            if let Some(rest) = line.strip_prefix('\u{feff}').filter(|_| i == 0) {
                start += '\u{feff}'.len_utf8();
                line = rest;
            }
            (i + 1, start, line)
        })
}

/// Plain text: each non-empty line is a cue.
fn plain(source: &str) -> Vec<Draft<'_>> {
    lines(source)
        .filter(|(_, _, l)| !l.trim().is_empty())
        .map(|(n, start, l)| Draft {
            line: n,
            parts: vec![(Cow::Borrowed(l), start..start + l.len(), true)],
            ..Draft::default()
        })
        .collect()
}

/// A timestamp `HH:MM:SS,mmm` (SRT) or `[HH:]MM:SS.mmm` (WebVTT), in ms.
/// Either decimal mark is accepted; fields have one to three digits.
fn parse_time(s: &str) -> Option<u64> {
    let b = s.trim().as_bytes();
    let mut fields = [0u64; 3];
    let mut n = 0;
    let mut i = 0;
    loop {
        let start = i;
        let mut v = 0u64;
        while let Some(d) = b.get(i).filter(|c| c.is_ascii_digit()) {
            // A fourth digit: no field is that long, and a long run of
            // digits would overflow `v`.
            if i - start == 3 {
                return None;
            }
            v = v * 10 + u64::from(d - b'0');
            i += 1;
        }
        if !(1..=3).contains(&(i - start)) || n == 3 {
            return None;
        }
        fields[n] = v;
        n += 1;
        match b.get(i) {
            Some(b':') => i += 1,
            Some(b',' | b'.') => {
                i += 1;
                break;
            }
            _ => return None,
        }
    }
    let millis = &b[i..];
    if millis.len() != 3 || !millis.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let ms = millis
        .iter()
        .fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0'));
    let (h, m, sec) = match n {
        3 => (fields[0], fields[1], fields[2]),
        2 => (0, fields[0], fields[1]),
        _ => return None,
    };
    if m >= 60 || sec >= 60 {
        return None;
    }
    Some(((h * 60 + m) * 60 + sec) * 1000 + ms)
}

/// A timing line `start --> end [settings]`.
fn parse_timing(line: &str) -> Option<(u64, u64)> {
    let (a, rest) = line.split_once("-->")?;
    let b = rest.split_whitespace().next()?;
    Some((parse_time(a)?, parse_time(b)?))
}

/// SRT or WebVTT cue blocks.
fn subtitles<'a>(
    origin: &str,
    source: &'a str,
    vtt: bool,
    lenient: bool,
    warnings: &mut Vec<TranscriptWarning>,
) -> Result<Vec<Draft<'a>>> {
    let all: Vec<(usize, usize, &str)> = lines(source).collect();
    // Blocks are separated by blank lines.
    let mut blocks: Vec<&[(usize, usize, &str)]> = Vec::new();
    let mut i = 0;
    while i < all.len() {
        if all[i].2.trim().is_empty() {
            i += 1;
            continue;
        }
        let j = i + all[i..]
            .iter()
            .take_while(|l| !l.2.trim().is_empty())
            .count();
        blocks.push(&all[i..j]);
        i = j;
    }
    let mut drafts = Vec::new();
    let mut blocks = blocks.into_iter();
    if vtt {
        match blocks.next() {
            Some(header)
                if header[0]
                    .2
                    .trim_start_matches('\u{feff}')
                    .starts_with("WEBVTT") => {}
            _ => {
                return Err(Error::Transcript {
                    origin: origin.to_string(),
                    line: 1,
                    message: "a WebVTT file must start with WEBVTT".into(),
                })
            }
        }
    }
    for block in blocks {
        let first = block[0].2.trim();
        if vtt && (first.starts_with("NOTE") || first == "STYLE" || first == "REGION") {
            continue;
        }
        match cue(block, vtt) {
            Ok(Some(draft)) => drafts.push(draft),
            Ok(None) => {}
            Err((line, message)) if lenient => warnings.push(TranscriptWarning { line, message }),
            Err((line, message)) => {
                return Err(Error::Transcript {
                    origin: origin.to_string(),
                    line,
                    message,
                })
            }
        }
    }
    Ok(drafts)
}

/// One cue block: an optional number or identifier, a timing line, text.
fn cue<'a>(
    block: &[(usize, usize, &'a str)],
    vtt: bool,
) -> std::result::Result<Option<Draft<'a>>, (usize, String)> {
    let timing_at = if block[0].2.contains("-->") { 0 } else { 1 };
    let Some(&(n, _, timing)) = block.get(timing_at) else {
        return Err((block[0].0, "a cue without a timing line".into()));
    };
    if !vtt && timing_at == 1 && !block[0].2.trim().bytes().all(|b| b.is_ascii_digit()) {
        return Err((
            block[0].0,
            format!("expected a cue number, found {:?}", block[0].2.trim()),
        ));
    }
    if !timing.contains("-->") {
        return Err((
            n,
            format!(
                "expected a timing line 'start --> end', found {:?}",
                timing.trim()
            ),
        ));
    }
    let (start, end) = parse_timing(timing)
        .ok_or_else(|| (n, format!("malformed timestamp in {:?}", timing.trim())))?;
    let mut draft = Draft {
        start_ms: Some(start),
        end_ms: Some(end),
        line: block[0].0,
        ..Draft::default()
    };
    for &(_, offset, line) in &block[timing_at + 1..] {
        strip_markup(line, offset, &mut draft);
    }
    Ok(Some(draft))
}

/// Adds the text of one cue line to `draft`, without tags (`<v Host>`, `<c>`,
/// `<i>`, `<00:00:01.000>`) and with entities decoded; the first voice tag
/// names the speaker.
fn strip_markup<'a>(line: &'a str, offset: usize, draft: &mut Draft<'a>) {
    let mut i = 0;
    let mut run_start = 0;
    let flush = |draft: &mut Draft<'a>, from: usize, to: usize| {
        if to > from {
            draft.parts.push((
                Cow::Borrowed(&line[from..to]),
                offset + from..offset + to,
                true,
            ));
        }
    };
    while i < line.len() {
        // Jump to the next place markup can start.
        match line[i..].find(['<', '&']) {
            Some(j) => i += j,
            None => break,
        }
        let rest = &line[i..];
        if rest.starts_with('<') {
            if let Some(close) = rest.find('>') {
                flush(draft, run_start, i);
                let tag = &rest[1..close];
                if let Some(voice) = tag.strip_prefix('v').filter(|t| t.starts_with([' ', '.'])) {
                    let name = voice.trim_start_matches(|c: char| c != ' ').trim();
                    if draft.speaker.is_none() && !name.is_empty() {
                        draft.speaker = Some(name.to_string());
                    }
                }
                i += close + 1;
                run_start = i;
                continue;
            }
        }
        if rest.starts_with('&') {
            let entity = [
                ("&amp;", "&"),
                ("&lt;", "<"),
                ("&gt;", ">"),
                ("&nbsp;", " "),
                ("&lrm;", ""),
                ("&rlm;", ""),
                ("&quot;", "\""),
            ]
            .into_iter()
            .find(|(e, _)| rest.starts_with(e));
            if let Some((e, r)) = entity {
                flush(draft, run_start, i);
                draft
                    .parts
                    .push((Cow::Borrowed(r), offset + i..offset + i + e.len(), false));
                i += e.len();
                run_start = i;
                continue;
            }
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    flush(draft, run_start, line.len());
}

/// JSON Lines segments.
fn jsonl<'a>(
    origin: &str,
    source: &'a str,
    lenient: bool,
    warnings: &mut Vec<TranscriptWarning>,
) -> Result<Vec<Draft<'a>>> {
    let mut drafts = Vec::new();
    for (n, offset, line) in lines(source) {
        let trimmed = line.trim_start_matches('\u{feff}');
        if trimmed.trim().is_empty() {
            continue;
        }
        let segment = serde_json::from_str::<Segment>(trimmed)
            .map_err(|e| format!("not a JSON segment: {e}"))
            .and_then(|s| match s.text {
                Some(_) => Ok(s),
                None => Err("a segment without \"text\"".to_string()),
            });
        let segment = match segment {
            Ok(s) => s,
            Err(message) if lenient => {
                warnings.push(TranscriptWarning { line: n, message });
                continue;
            }
            Err(message) => {
                return Err(Error::Transcript {
                    origin: origin.to_string(),
                    line: n,
                    message,
                })
            }
        };
        let text = segment.text.unwrap_or_default();
        let skipped = line.len() - trimmed.len();
        // The text as written in the line when it has no escapes, else the line.
        let range = match text_value_at(trimmed, &text) {
            Some(i) if !text.is_empty() => {
                let s = offset + skipped + i;
                (s..s + text.len(), true)
            }
            _ => (offset..offset + line.len(), false),
        };
        drafts.push(Draft {
            start_ms: segment.start_ms,
            end_ms: segment.end_ms,
            speaker: segment.speaker,
            line: n,
            parts: vec![(Cow::Owned(text), range.0, range.1)],
        });
    }
    Ok(drafts)
}

/// Where in a JSON line the value of a `"text"` key is written exactly as
/// `text` (no escapes): the byte after its opening quote. Another key's
/// value with the same words (`"speaker":"低价"`) is not it: an unescaped
/// `"text"` followed by a colon can only be a key.
fn text_value_at(line: &str, text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(k) = line[from..].find("\"text\"") {
        let key_end = from + k + "\"text\"".len();
        from = key_end;
        let rest = line[key_end..].trim_start();
        let Some(rest) = rest.strip_prefix(':') else {
            continue;
        };
        let rest = rest.trim_start();
        let Some(value) = rest.strip_prefix('"') else {
            continue;
        };
        if value.starts_with(text) && value[text.len()..].starts_with('"') {
            return Some(line.len() - value.len());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_value_is_found_not_another_key_with_the_same_words() {
        let line = r#"{"speaker":"低价","note":"text","text" : "低价","x":1}"#;
        let at = text_value_at(line, "低价").expect("found");
        assert_eq!(&line[at - 1..at + "低价".len() + 1], "\"低价\"");
        assert!(at > line.find("\"text\" :").unwrap());
        assert_eq!(text_value_at(r#"{"text":"a\"b"}"#, "a\"b"), None);
    }

    #[test]
    fn timestamps() {
        assert_eq!(parse_time("00:01:02,345"), Some(62_345));
        assert_eq!(parse_time("01:02.345"), Some(62_345));
        assert_eq!(parse_time(" 10:00:00.000 "), Some(36_000_000));
        for bad in [
            "",
            "1:2",
            "00:61:00,000",
            "00:00:00,12",
            "aa:bb:cc,ddd",
            "00:00:00",
            "1:00:00:00,000",
            "00:00:00,1234",
            "0000:00:00,000",
            "88888888888888888888",
            "99999999999999999999:00,000",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn detection() {
        assert_eq!(
            TranscriptFormat::detect("WEBVTT\n\n00:01.000 --> 00:02.000\n好"),
            TranscriptFormat::WebVtt
        );
        assert_eq!(
            TranscriptFormat::detect("1\n00:00:01,000 --> 00:00:02,000\n好\n"),
            TranscriptFormat::Srt
        );
        assert_eq!(
            TranscriptFormat::detect("{\"text\": \"好\", \"start_ms\": 0}\n"),
            TranscriptFormat::Jsonl
        );
        assert_eq!(
            TranscriptFormat::detect("家人们好\n"),
            TranscriptFormat::Plain
        );
        assert_eq!(TranscriptFormat::detect(""), TranscriptFormat::Plain);
    }

    #[test]
    fn markup_is_removed_and_the_voice_names_the_speaker() {
        let mut d = Draft::default();
        let line = "<v.loud 主播 小王><c.red>全网</c>最低&amp;价</v>";
        strip_markup(line, 100, &mut d);
        let text: String = d.parts.iter().map(|p| p.0.as_ref()).collect();
        assert_eq!(text, "全网最低&价");
        assert_eq!(d.speaker.as_deref(), Some("主播 小王"));
        // Copied parts point at their bytes in the line.
        for (t, r, verbatim) in &d.parts {
            if *verbatim {
                assert_eq!(&line[r.start - 100..r.end - 100], t);
            }
        }
    }
}
