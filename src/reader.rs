//! Streaming scans of any [`std::io::Read`]: files of any size and lines of
//! any length, in memory that does not grow with the input.
//!
//! The bytes are decoded a block at a time with the policy of
//! [`crate::decode`], the text goes through a bounded buffer, and each piece
//! is scanned exactly where [`Scanner::scan`] would cut the whole text, with
//! the same context on either side, so the findings are the same.

use crate::decode::{byte_order_mark, decode_into, judge_unmarked, TextEncoding};
use crate::error::{Error, Result};
use crate::finding::{count_units, sort_and_dedup, Finding};
use crate::scanner::{ceil_char_boundary, cut_point, floor_char_boundary, Scanner, CONTEXT_BYTES};
use encoding_rs::{Decoder, Encoding};
use std::io::{ErrorKind, Read};
use std::ops::ControlFlow;

/// Bytes asked of the reader at a time; also the most bytes, counted from
/// the first non-ASCII byte, the encoding is judged on.
const BLOCK: usize = 1 << 20;

/// Text kept before the piece being scanned: the scanner's context, the
/// excerpt handed out with a finding, and room for a grapheme cluster that
/// a span is widened to.
const LEFT: usize = 2 * CONTEXT_BYTES;

/// Text read past the end of the piece before it is scanned: the scanner's
/// context, with the same room.
const RIGHT: usize = 2 * CONTEXT_BYTES;

/// The most text of a finding's lines an excerpt shows on either side of it.
const EXCERPT_REACH: usize = CONTEXT_BYTES;

/// Text no longer needed is dropped from the front of the buffer once there
/// is at least this much of it, so the rest is not moved for every piece.
const DRAIN_AT: usize = 512 * 1024;

/// A finding of [`Scanner::scan_reader`], with where it lies in the input.
#[derive(Debug)]
#[non_exhaustive]
pub struct ReadFinding<'a> {
    /// The finding. Its spans count from the start of the decoded text
    /// (after a byte-order mark), in bytes of UTF-8, chars and UTF-16 units,
    /// as if the whole input had been passed to [`Scanner::scan`].
    pub finding: Finding,
    /// 1-based line of the finding's start (lines end at `\n`).
    pub line: usize,
    /// 1-based column of the finding's start, in chars.
    pub column: usize,
    /// The lines the finding touches, without their final line break (and
    /// `\r`), cut to at most about 1 KiB of text on either side of the span
    /// when a line is longer; never split inside a char.
    pub excerpt: &'a str,
    /// Byte offset of `excerpt` in the decoded text.
    pub excerpt_start: usize,
}

/// What [`Scanner::scan_reader`] read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadSummary {
    /// Bytes taken from the reader, a byte-order mark included.
    pub bytes: u64,
    /// Chars of decoded text.
    pub chars: u64,
    /// The encoding the input was read in.
    pub encoding: TextEncoding,
    /// Findings handed to the callback.
    pub findings: usize,
    /// True when the callback asked to stop: the rest of the input was not
    /// read and `bytes` and `chars` count what was.
    pub stopped: bool,
}

impl Scanner {
    /// Scans everything `reader` yields, in memory that does not grow with
    /// the input (a few MiB however long the input or its lines), and hands
    /// each finding to `on_finding` as soon as the text after it has been
    /// read, in the order [`Scanner::scan`] returns them.
    ///
    /// The findings are those of [`Scanner::scan`] over the whole decoded
    /// text: the same rules, spans and order. (The one exception is a span
    /// widened to a grapheme cluster longer than the context kept, 2 KiB,
    /// which no real text has.)
    ///
    /// Bytes are decoded as [`crate::decode`] does: a byte-order mark
    /// decides (UTF-8, UTF-16LE, UTF-16BE); without one, text is UTF-8 when
    /// its first non-ASCII bytes (up to 1 MiB of them) are, else GB18030
    /// when they are that, else the scan fails with [`Error::Utf8`] at the
    /// first byte that is not UTF-8. An input that fits in that first
    /// 1 MiB is judged whole, exactly like `decode`. Bytes later in the
    /// input that are invalid in the chosen encoding, a char cut off at the
    /// end of the input included, fail the scan with [`Error::Utf8`] (UTF-8)
    /// or [`Error::Decode`] naming `origin` and the byte offset from the
    /// start of the input. A read error is [`Error::Io`] with `origin` as
    /// its path. Either way the findings in the text before the error are
    /// handed out first, as if the input ended there.
    ///
    /// `on_finding` returns [`ControlFlow::Break`] to stop reading (say, when
    /// the output it writes to was closed); the summary then has `stopped`
    /// set.
    ///
    /// ```
    /// use std::ops::ControlFlow;
    ///
    /// let scanner = adcop::Scanner::new();
    /// let input = "家人们，这是全网最低价！\n开封后最好冷藏。\n".repeat(3);
    /// let mut found = Vec::new();
    /// let summary = scanner
    ///     .scan_reader("live.txt", input.as_bytes(), |f| {
    ///         found.push((f.line, f.column, f.finding.matched().to_string()));
    ///         ControlFlow::Continue(())
    ///     })
    ///     .unwrap();
    /// assert_eq!(summary.findings, 3);
    /// assert_eq!(summary.encoding, adcop::TextEncoding::Utf8);
    /// assert_eq!(found[1], (3, 7, "全网最低价".to_string()));
    /// ```
    pub fn scan_reader<R: Read>(
        &self,
        origin: &str,
        reader: R,
        on_finding: impl FnMut(ReadFinding<'_>) -> ControlFlow<()>,
    ) -> Result<ReadSummary> {
        self.stream(origin, reader, on_finding)
            .map(|(summary, _)| summary)
    }

    /// [`Scanner::scan_reader`], also returning the largest capacity the
    /// text buffer reached.
    fn stream<R: Read>(
        &self,
        origin: &str,
        reader: R,
        mut on_finding: impl FnMut(ReadFinding<'_>) -> ControlFlow<()>,
    ) -> Result<(ReadSummary, usize)> {
        let mut input = Input::new(origin, reader);
        // Where `input.text` starts in the whole decoded text.
        let mut base = Position::default();
        let mut lines = LineCursor::default();
        // Findings waiting until no later piece can give one that sorts
        // before them; sorted as `scan` sorts.
        let mut pending: Vec<Finding> = Vec::new();
        // Start of the next piece, in `input.text`.
        let mut next = 0;
        let mut emitted = 0;
        let mut peak = 0;
        let mut failure = None;
        loop {
            while !input.eof && !ready(&input.text, next) {
                if let Err(e) = input.fill() {
                    // Scan the text read before the error, then report it.
                    failure = Some(e);
                    input.eof = true;
                }
                peak = peak.max(input.text.capacity());
            }
            if next >= input.text.len() {
                break;
            }
            let piece = next..cut_point(&input.text, next);
            for mut f in self.scan_range(&input.text, piece.clone()) {
                f.shift(base.bytes, base.chars, base.units);
                pending.push(f);
            }
            sort_and_dedup(&mut pending);
            // A later piece gives findings starting in it or, widened to a
            // grapheme cluster, just before it: all after this one's start.
            let ready_count = pending.partition_point(|f| f.span.start < base.bytes + piece.start);
            for f in pending.drain(..ready_count) {
                emitted += 1;
                if hand_out(f, &input.text, &base, &mut lines, &mut on_finding).is_break() {
                    return Ok((input.summary(base, emitted, true), peak));
                }
            }
            next = piece.end;
            // Keep the context of the piece just scanned: its findings are
            // handed out after the next one is scanned, with excerpts.
            let keep_from = floor_char_boundary(&input.text, piece.start.saturating_sub(LEFT));
            if keep_from >= DRAIN_AT {
                lines.advance(&input.text, &base, base.bytes + keep_from);
                let (chars, units) = count_units(&input.text.as_bytes()[..keep_from]);
                base.bytes += keep_from;
                base.chars += chars;
                base.units += units;
                input.text.drain(..keep_from);
                next -= keep_from;
            }
        }
        for f in std::mem::take(&mut pending) {
            emitted += 1;
            if hand_out(f, &input.text, &base, &mut lines, &mut on_finding).is_break() {
                return Ok((input.summary(base, emitted, true), peak));
            }
        }
        match failure {
            Some(e) => Err(e),
            None => Ok((input.summary(base, emitted, false), peak)),
        }
    }
}

/// True when the piece starting at `next` can be cut where `scan` would cut
/// the whole text (the cut lies before the end of the buffer, so more text
/// could not move it) and enough text follows the cut to serve as context.
fn ready(text: &str, next: usize) -> bool {
    let cut = cut_point(text, next);
    cut < text.len() && text.len() - cut >= RIGHT
}

/// Places `finding` in its line and text and hands it to the callback.
fn hand_out(
    finding: Finding,
    text: &str,
    base: &Position,
    lines: &mut LineCursor,
    on_finding: &mut impl FnMut(ReadFinding<'_>) -> ControlFlow<()>,
) -> ControlFlow<()> {
    lines.advance(text, base, finding.span.start);
    let column = finding
        .char_span
        .start
        .saturating_sub(lines.line_start_char)
        + 1;
    let start = finding
        .span
        .start
        .saturating_sub(base.bytes)
        .min(text.len());
    let end = finding
        .span
        .end
        .saturating_sub(base.bytes)
        .clamp(start, text.len());
    let (from, to) = excerpt_around(text, start, end);
    on_finding(ReadFinding {
        line: lines.line,
        column,
        excerpt: text.get(from..to).unwrap_or_default(),
        excerpt_start: base.bytes + from,
        finding,
    })
}

/// The lines of `text` that `start..end` touches, at most `EXCERPT_REACH`
/// bytes either side of it, without the final line break.
fn excerpt_around(text: &str, start: usize, end: usize) -> (usize, usize) {
    let lo = ceil_char_boundary(text, start.saturating_sub(EXCERPT_REACH));
    let first = text
        .get(lo..start)
        .and_then(|t| t.rfind('\n'))
        .map_or(lo, |i| lo + i + 1);
    let hi = floor_char_boundary(text, end.saturating_add(EXCERPT_REACH));
    let last = text
        .get(end..hi)
        .and_then(|t| t.find('\n'))
        .map_or(hi, |i| end + i);
    let trimmed = match text.get(first..last) {
        Some(t) if t.ends_with('\r') => last - 1,
        _ => last,
    };
    (first, trimmed.max(end))
}

/// A place in the whole decoded text, in each unit.
#[derive(Debug, Default, Clone, Copy)]
struct Position {
    bytes: usize,
    chars: usize,
    units: usize,
}

/// Counts lines up to a place in the text, moving forward only.
#[derive(Debug)]
struct LineCursor {
    /// Byte offset in the whole text counted up to.
    at: usize,
    /// Chars before `at`.
    chars: usize,
    /// 1-based line `at` lies in.
    line: usize,
    /// Chars before the start of that line.
    line_start_char: usize,
}

impl Default for LineCursor {
    fn default() -> Self {
        LineCursor {
            at: 0,
            chars: 0,
            line: 1,
            line_start_char: 0,
        }
    }
}

impl LineCursor {
    /// Counts on to byte `to` of the whole text; `text` starts at `base`.
    fn advance(&mut self, text: &str, base: &Position, to: usize) {
        if to <= self.at {
            return;
        }
        let from = self.at.saturating_sub(base.bytes);
        let upto = (to - base.bytes.min(to)).min(text.len());
        for &b in text.as_bytes().get(from..upto).unwrap_or_default() {
            // Every byte that is not a continuation byte starts a char.
            self.chars += usize::from((b as i8) >= -0x40);
            if b == b'\n' {
                self.line += 1;
                self.line_start_char = self.chars;
            }
        }
        self.at = base.bytes + upto.max(from);
    }
}

/// The reader and the decoded text not yet dropped.
struct Input<'o, R> {
    origin: &'o str,
    reader: R,
    block: Vec<u8>,
    /// Decoded text.
    text: String,
    /// Bytes read but not yet decoded: the sample the encoding is judged on.
    raw: Vec<u8>,
    /// Offset in the input of `raw[0]`, or of the next byte to decode.
    undecoded: u64,
    /// Bytes read so far.
    read: u64,
    eof: bool,
    /// Whether the first bytes were checked for a byte-order mark.
    bom_checked: bool,
    /// Set once the encoding is decided.
    decoder: Option<(TextEncoding, Decoder)>,
}

impl<'o, R: Read> Input<'o, R> {
    fn new(origin: &'o str, reader: R) -> Self {
        Input {
            origin,
            reader,
            block: vec![0; BLOCK],
            text: String::new(),
            raw: Vec::new(),
            undecoded: 0,
            read: 0,
            eof: false,
            bom_checked: false,
            decoder: None,
        }
    }

    /// Reads a block, or up to the end of the input, and decodes it.
    fn fill(&mut self) -> Result<()> {
        let mut n = 0;
        while n < self.block.len() {
            match self.reader.read(&mut self.block[n..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(got) => n += got.min(self.block.len() - n),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(source) => {
                    return Err(Error::Io {
                        path: self.origin.into(),
                        source,
                    })
                }
            }
        }
        self.read += n as u64;
        let block = std::mem::take(&mut self.block);
        let result = if self.decoder.is_some() {
            self.decode(&block[..n])
        } else {
            self.raw.extend_from_slice(&block[..n]);
            self.decide()
        };
        self.block = block;
        result
    }

    /// Decides the encoding once the bytes read allow it, the way
    /// [`crate::decode`] would, and decodes what was held back.
    fn decide(&mut self) -> Result<()> {
        if !self.bom_checked {
            if self.raw.len() < 3 && !self.eof {
                return Ok(());
            }
            self.bom_checked = true;
            if let Some((len, encoding, kind)) = byte_order_mark(&self.raw) {
                self.raw.drain(..len);
                self.undecoded += len as u64;
                return self.start_decoding(kind, encoding);
            }
        }
        // ASCII reads the same in UTF-8 and GB18030: pass it on undecided.
        let ascii = self
            .raw
            .iter()
            .position(|b| !b.is_ascii())
            .unwrap_or(self.raw.len());
        if let Ok(t) = std::str::from_utf8(&self.raw[..ascii]) {
            self.text.push_str(t);
        }
        self.raw.drain(..ascii);
        self.undecoded += ascii as u64;
        if self.raw.is_empty() {
            if self.eof {
                return self.start_decoding(TextEncoding::Utf8, encoding_rs::UTF_8);
            }
            return Ok(());
        }
        if self.raw.len() < BLOCK && !self.eof {
            return Ok(());
        }
        let sample = &self.raw[..self.raw.len().min(BLOCK)];
        // The sample ends the input: judge it whole, as `decode` does.
        let last = self.eof && sample.len() == self.raw.len();
        match judge_unmarked(self.origin, sample, self.undecoded, last)? {
            TextEncoding::Gb18030 => {
                self.start_decoding(TextEncoding::Gb18030, encoding_rs::GB18030)
            }
            _ => self.start_decoding(TextEncoding::Utf8, encoding_rs::UTF_8),
        }
    }

    /// Sets the encoding and decodes the bytes held back.
    fn start_decoding(&mut self, kind: TextEncoding, encoding: &'static Encoding) -> Result<()> {
        self.decoder = Some((kind, encoding.new_decoder_without_bom_handling()));
        let raw = std::mem::take(&mut self.raw);
        self.decode(&raw)
    }

    /// Decodes `bytes`, the next bytes of the input, onto the text.
    fn decode(&mut self, bytes: &[u8]) -> Result<()> {
        let Some((kind, decoder)) = self.decoder.as_mut() else {
            return Ok(());
        };
        let at = self.undecoded;
        self.undecoded += bytes.len() as u64;
        match decode_into(decoder, bytes, &mut self.text, self.eof) {
            Ok(()) => Ok(()),
            Err(back) => {
                let byte_offset = to_usize((at + bytes.len() as u64).saturating_sub(back));
                Err(match kind {
                    TextEncoding::Utf8 => Error::Utf8 {
                        origin: self.origin.to_string(),
                        byte_offset,
                    },
                    TextEncoding::Gb18030 => Error::Decode {
                        origin: self.origin.to_string(),
                        message: format!("invalid GB18030 at byte {byte_offset}"),
                    },
                    TextEncoding::Utf16Le | TextEncoding::Utf16Be => Error::Decode {
                        origin: self.origin.to_string(),
                        message: format!(
                            "invalid {kind} at byte {byte_offset} (odd length or unpaired surrogate)"
                        ),
                    },
                })
            }
        }
    }

    fn summary(&self, base: Position, findings: usize, stopped: bool) -> ReadSummary {
        let (chars, _) = count_units(self.text.as_bytes());
        ReadSummary {
            bytes: self.read,
            chars: (base.chars + chars) as u64,
            encoding: self
                .decoder
                .as_ref()
                .map_or(TextEncoding::Utf8, |(kind, _)| *kind),
            findings,
            stopped,
        }
    }
}

/// A byte offset for an error; saturates on a 32-bit target.
fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most `step` bytes per call.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    fn collect(scanner: &Scanner, bytes: &[u8], step: usize) -> Result<(Vec<Finding>, usize)> {
        let mut found = Vec::new();
        let (summary, peak) = scanner.stream("t", Trickle { bytes, step }, |f| {
            found.push(f.finding);
            ControlFlow::Continue(())
        })?;
        assert_eq!(summary.findings, found.len());
        Ok((found, peak))
    }

    #[test]
    fn reader_matches_scan_for_any_read_size() {
        let scanner = Scanner::new();
        let text = "家人们，这是全网最低价！😀开封后最好冷藏。\r\n最后三单，下播恢复原价，👨‍👩‍👧\n";
        for step in [1, 2, 3, 7, 4096] {
            let (found, _) = collect(&scanner, text.as_bytes(), step).unwrap();
            assert_eq!(found, scanner.scan(text), "step {step}");
        }
    }

    #[test]
    fn reader_matches_scan_across_pieces() {
        let scanner = Scanner::new();
        // Pieces are cut at line ends here, and hard inside the run of 'x'.
        let line = "这款面霜最好用，全网最低价，原价199今天只要99！\n";
        let mut text = line.repeat(40_000 / line.len() * 10);
        text.push_str(&"x".repeat(300_000));
        text.push_str("全网最低价");
        text.push_str(&line.repeat(5_000));
        let (found, peak) = collect(&scanner, text.as_bytes(), 65_536).unwrap();
        assert_eq!(found, scanner.scan(&text));
        assert!(peak < 4 << 20, "buffer grew to {peak}");
    }

    #[test]
    fn buffer_stays_bounded_on_one_long_line() {
        // One rule keeps this quick; the buffer does not depend on rules.
        let scanner = Scanner::builder().select("PRC001").build().unwrap();
        let text = "全网最低价，好物推荐".repeat(600_000); // 18 MB, no line end
        let (found, peak) = collect(&scanner, text.as_bytes(), BLOCK).unwrap();
        assert_eq!(found.len(), 600_000);
        assert!(peak < 4 << 20, "buffer grew to {peak}");
        assert_eq!(found[599_999].span.start, text.len() - 30);
        assert_eq!(found[599_999].char_span.start, 599_999 * 10);
    }

    #[test]
    fn encoding_is_decided_as_decode_does() {
        let scanner = Scanner::new();
        let (gbk, _, _) = encoding_rs::GBK.encode("家人们，全网最低价！");
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "全网最低价".encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        let mut long_ascii = b"a".repeat(3 * BLOCK);
        long_ascii.extend_from_slice(&gbk);
        let cases: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"\xEF\xBB".to_vec(),
            b"\xEF\xBB\xBF".to_vec(),
            b"ok\xFF\xFF".to_vec(),
            "全网最低价".as_bytes()[..7].to_vec(),
            gbk.to_vec(),
            gbk[..gbk.len() - 1].to_vec(),
            utf16.clone(),
            utf16[..utf16.len() - 1].to_vec(),
            long_ascii,
        ];
        for bytes in &cases {
            for step in [1, 5, BLOCK] {
                let streamed = scanner
                    .stream("t", Trickle { bytes, step }, |_| ControlFlow::Continue(()))
                    .map(|(s, _)| s);
                match (crate::decode("t", bytes), streamed) {
                    (Ok((t, enc)), Ok(summary)) => {
                        assert_eq!(summary.encoding, enc, "{bytes:?}");
                        assert_eq!(summary.chars, t.chars().count() as u64);
                        assert_eq!(summary.bytes, bytes.len() as u64);
                    }
                    (
                        Err(Error::Utf8 { byte_offset: a, .. }),
                        Err(Error::Utf8 { byte_offset: b, .. }),
                    ) => {
                        assert_eq!(a, b, "{bytes:?}")
                    }
                    (Err(Error::Decode { .. }), Err(Error::Decode { .. })) => {}
                    (a, b) => panic!("{bytes:?}: decode {a:?}, stream {b:?}"),
                }
            }
        }
    }

    #[test]
    fn invalid_bytes_late_in_the_input_name_their_offset() {
        let scanner = Scanner::new();
        let mut bytes = "全网最低价\n".repeat(BLOCK / 8).into_bytes();
        let bad = bytes.len() + 2;
        bytes.extend_from_slice(b"ok\xFF\xFEmore");
        match collect(&scanner, &bytes, 4096) {
            Err(Error::Utf8 {
                origin,
                byte_offset,
            }) => {
                assert_eq!(origin, "t");
                assert_eq!(byte_offset, bad);
            }
            other => panic!("{other:?}"),
        }
        // A char cut off at the end.
        let mut bytes = "全网最低价\n".repeat(BLOCK / 8).into_bytes();
        let cut = bytes.len();
        bytes.extend_from_slice(&"价".as_bytes()[..2]);
        match collect(&scanner, &bytes, 4096) {
            Err(Error::Utf8 { byte_offset, .. }) => assert_eq!(byte_offset, cut),
            other => panic!("{other:?}"),
        }
        // GB18030 chosen early, then a lone lead byte at the end.
        let lines = "全网最低价\n".repeat(BLOCK / 8);
        let (gbk, _, _) = encoding_rs::GBK.encode(&lines);
        let mut bytes = gbk.to_vec();
        bytes.push(0xC8);
        match collect(&scanner, &bytes, 4096) {
            Err(Error::Decode { message, .. }) => {
                assert_eq!(message, format!("invalid GB18030 at byte {}", gbk.len()))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn break_stops_reading() {
        let scanner = Scanner::new();
        let text = "全网最低价\n".repeat(500_000);
        let mut seen = 0;
        let summary = scanner
            .scan_reader("t", text.as_bytes(), |_| {
                seen += 1;
                if seen == 3 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            })
            .unwrap();
        assert!(summary.stopped);
        assert_eq!(summary.findings, 3);
        assert!(summary.bytes < text.len() as u64);
    }

    #[test]
    fn excerpts_are_the_lines_clipped_near_the_span() {
        let text = "第一行\r\n第二行全网最低价\r\n第三行";
        let s = text.find("全网").unwrap();
        let (a, b) = excerpt_around(text, s, s + "全网最低价".len());
        assert_eq!(&text[a..b], "第二行全网最低价");
        let long = format!("{}全网最低价{}", "最".repeat(2000), "低".repeat(2000));
        let s = long.find("全网").unwrap();
        let (a, b) = excerpt_around(&long, s, s + 15);
        assert!(s - a <= EXCERPT_REACH && b - s - 15 <= EXCERPT_REACH);
        assert!(long.is_char_boundary(a) && long.is_char_boundary(b));
    }
}
