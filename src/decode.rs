//! Bytes from a file to text: UTF-8 with or without a byte-order mark,
//! UTF-16 with one, and GBK/GB18030 (transcripts saved on Chinese Windows
//! machines) when the bytes are not UTF-8.

use crate::error::{Error, Result};

/// The encoding a file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextEncoding {
    /// UTF-8, with or without a byte-order mark.
    Utf8,
    /// UTF-16, little-endian, with a byte-order mark.
    Utf16Le,
    /// UTF-16, big-endian, with a byte-order mark.
    Utf16Be,
    /// GB18030, which includes GBK and GB2312.
    Gb18030,
}

impl TextEncoding {
    /// The encoding's usual name (`UTF-8`, `UTF-16LE`, `GB18030`).
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
            TextEncoding::Gb18030 => "GB18030",
        }
    }
}

impl std::fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Decodes `bytes` read from `origin`. A byte-order mark decides; without
/// one, valid UTF-8 is UTF-8 and anything else must be valid GB18030. Bytes
/// that are neither fail with an error naming `origin` and the byte offset
/// where UTF-8 decoding stopped. The mark is not part of the text.
pub fn decode(origin: &str, bytes: &[u8]) -> Result<(String, TextEncoding)> {
    match byte_order_mark(bytes) {
        Some((len, _, TextEncoding::Utf8)) => {
            return utf8(origin, &bytes[len..], len).map(|t| (t, TextEncoding::Utf8))
        }
        Some((len, encoding, kind)) => {
            return encoding
                .decode_without_bom_handling_and_without_replacement(&bytes[len..])
                .map(|t| (t.into_owned(), kind))
                .ok_or_else(|| Error::Decode {
                    origin: origin.to_string(),
                    message: format!("invalid {} (odd length or unpaired surrogate)", kind),
                });
        }
        None => {}
    }
    match judge_unmarked(origin, bytes, 0, true)? {
        TextEncoding::Gb18030 => encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|t| (t.into_owned(), TextEncoding::Gb18030))
            .ok_or_else(|| Error::Decode {
                origin: origin.to_string(),
                message: "invalid GB18030".into(),
            }),
        _ => utf8(origin, bytes, 0).map(|t| (t, TextEncoding::Utf8)),
    }
}

/// The byte-order mark `bytes` start with: its length, and the encoding it
/// announces.
pub(crate) fn byte_order_mark(
    bytes: &[u8],
) -> Option<(usize, &'static encoding_rs::Encoding, TextEncoding)> {
    [
        (&b"\xEF\xBB\xBF"[..], encoding_rs::UTF_8, TextEncoding::Utf8),
        (
            &b"\xFF\xFE"[..],
            encoding_rs::UTF_16LE,
            TextEncoding::Utf16Le,
        ),
        (
            &b"\xFE\xFF"[..],
            encoding_rs::UTF_16BE,
            TextEncoding::Utf16Be,
        ),
    ]
    .into_iter()
    .find(|(bom, _, _)| bytes.starts_with(bom))
    .map(|(bom, encoding, kind)| (bom.len(), encoding, kind))
}

/// How bytes without a byte-order mark are read, judged on `sample` (which
/// starts `base` bytes into the input and is its end when `last`): UTF-8
/// when they are UTF-8, a char cut off at the very end included (a UTF-8
/// file cut short; decoding then fails at the cut), else GB18030 when they
/// are that. Otherwise an error naming where each encoding stops.
pub(crate) fn judge_unmarked(
    origin: &str,
    sample: &[u8],
    base: u64,
    last: bool,
) -> Result<TextEncoding> {
    let e = match std::str::from_utf8(sample) {
        Ok(_) => return Ok(TextEncoding::Utf8),
        // Only the last char is cut short: UTF-8, cut by the sample's end
        // or by the input's.
        Err(e) if e.error_len().is_none() && e.valid_up_to() > 0 => return Ok(TextEncoding::Utf8),
        Err(e) => e,
    };
    let mut gb = encoding_rs::GB18030.new_decoder_without_bom_handling();
    match decode_into(&mut gb, sample, &mut String::new(), last) {
        Ok(()) => Ok(TextEncoding::Gb18030),
        Err(back) => {
            let at = |n: usize| base.saturating_add(n as u64);
            Err(Error::Decode {
                origin: origin.to_string(),
                message: format!(
                    "neither UTF-8 (invalid at byte {}) nor GB18030 (invalid at byte {})",
                    at(e.valid_up_to()),
                    at(sample.len().saturating_sub(back as usize)),
                ),
            })
        }
    }
}

/// Decodes `src` onto `dst` without replacement characters. On malformed
/// input, the error is how many bytes before the end of `src` it starts.
pub(crate) fn decode_into(
    decoder: &mut encoding_rs::Decoder,
    mut src: &[u8],
    dst: &mut String,
    last: bool,
) -> std::result::Result<(), u64> {
    use encoding_rs::DecoderResult;
    loop {
        let room = decoder
            .max_utf8_buffer_length_without_replacement(src.len())
            .unwrap_or(src.len().saturating_mul(3));
        dst.reserve_exact(room.max(16));
        let (result, read) = decoder.decode_to_string_without_replacement(src, dst, last);
        src = &src[read..];
        match result {
            DecoderResult::InputEmpty => return Ok(()),
            DecoderResult::OutputFull => {}
            DecoderResult::Malformed(bad, extra) => {
                return Err(src.len() as u64 + u64::from(bad) + u64::from(extra))
            }
        }
    }
}

/// `bytes` as UTF-8, or an error at the offset (counted from the file's
/// start, `skipped` bytes of mark included) where decoding stopped.
fn utf8(origin: &str, bytes: &[u8], skipped: usize) -> Result<String> {
    std::str::from_utf8(bytes)
        .map(str::to_string)
        .map_err(|e| Error::Utf8 {
            origin: origin.to_string(),
            byte_offset: skipped + e.valid_up_to(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_mark() {
        assert_eq!(
            decode("a", "最低价".as_bytes()).unwrap(),
            ("最低价".to_string(), TextEncoding::Utf8)
        );
        let mut b = b"\xEF\xBB\xBF".to_vec();
        b.extend_from_slice("最低价".as_bytes());
        assert_eq!(decode("a", &b).unwrap().0, "最低价");
    }

    #[test]
    fn utf16_with_marks() {
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in "全网最低价".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(
            decode("a", &le).unwrap(),
            ("全网最低价".to_string(), TextEncoding::Utf16Le)
        );
        assert_eq!(
            decode("a", &be).unwrap(),
            ("全网最低价".to_string(), TextEncoding::Utf16Be)
        );
        assert!(decode("odd.srt", &[0xFF, 0xFE, 0x41]).is_err());
    }

    #[test]
    fn gbk_is_detected() {
        let (gbk, _, _) = encoding_rs::GBK.encode("家人们，全网最低价！");
        let (text, enc) = decode("a", &gbk).unwrap();
        assert_eq!(text, "家人们，全网最低价！");
        assert_eq!(enc, TextEncoding::Gb18030);
    }

    #[test]
    fn neither_utf8_nor_gb18030_names_file_and_both_offsets() {
        let e = decode("bad.txt", b"ok\xFF\xFF").unwrap_err();
        assert_eq!(
            e.to_string(),
            "bad.txt: neither UTF-8 (invalid at byte 2) nor GB18030 (invalid at byte 2)"
        );
        // GBK cut inside its last char: UTF-8 stops early, GB18030 at the cut.
        let (gbk, _, _) = encoding_rs::GBK.encode("全网最低价");
        let cut = &gbk[..gbk.len() - 1];
        let e = decode("cut.txt", cut).unwrap_err().to_string();
        assert!(
            e.ends_with(&format!("nor GB18030 (invalid at byte {})", cut.len() - 1)),
            "{e}"
        );
    }

    #[test]
    fn utf8_cut_inside_its_last_char_is_an_error_at_the_cut() {
        // The bytes before the cut would read as GB18030, wrongly.
        let text = "全网最低价";
        let cut = &text.as_bytes()[..text.len() - 2];
        match decode("cut.txt", cut) {
            Err(Error::Utf8 { byte_offset, .. }) => assert_eq!(byte_offset, text.len() - 3),
            other => panic!("{other:?}"),
        }
    }
}
