//! Opening an XML file as a UTF-8 stream: a byte-order mark is skipped, and a UTF-16 mark,
//! an XML declaration naming another encoding, or `--encoding` (for files without a
//! declaration) puts a `transcode::DecodingReader` in front of the scanner; `--encoding
//! auto` and UTF-8 put a `detect::Sniffer` there (which detects the encoding, or watches
//! UTF-8 for invalid bytes to name their likely encoding).

use std::io::{self, Cursor, Read};
use std::rc::Rc;

use memchr::{memchr, memmem};

use super::bytes::is_ws;
use crate::source::detect::{FileText, Sniffer, TextEncoding, Used, Why};
use crate::source::transcode::{DecodingReader, encoding_for_label};
use crate::source::{ReadOptions, UTF8_BOM};

/// How much of the file head is examined for a byte-order mark and an XML declaration.
const SNIFF_BYTES: u64 = 1024;

pub(super) enum OpenError {
    Io(io::Error),
    Encoding(String),
}

/// How the stream after the sniffed head is read.
enum How {
    /// As UTF-8 (watched for invalid bytes, for the hint: `detect`).
    Utf8,
    /// As UTF-8, which the XML declaration names (`--encoding` does not apply).
    DeclaredUtf8,
    /// `--encoding auto`: detected.
    Auto,
    /// Decoded from a legacy encoding.
    Decode(Used),
}

/// The file as a UTF-8 stream: byte-order mark skipped, legacy encodings decoded. What it is
/// read as, and the detector's guess for bytes that are not UTF-8, go to `text`.
pub(super) fn open_stream(
    mut input: Box<dyn Read>,
    opts: &ReadOptions,
    text: &Rc<FileText>,
) -> Result<Box<dyn Read>, OpenError> {
    let mut head = Vec::with_capacity(SNIFF_BYTES as usize);
    input
        .by_ref()
        .take(SNIFF_BYTES)
        .read_to_end(&mut head)
        .map_err(OpenError::Io)?;
    let (skip, how) = sniff(&head, opts)?;
    let mut head = Cursor::new(head);
    head.set_position(skip);
    let rest: Box<dyn Read> = Box::new(head.chain(input));
    let sniffer = |rest, auto| Sniffer::new(rest, auto, opts.buffer_size, text.clone());
    Ok(match how {
        How::Utf8 => Box::new(sniffer(rest, false)),
        How::DeclaredUtf8 => {
            text.declared_utf8.set(true);
            Box::new(sniffer(rest, false))
        }
        How::Auto => Box::new(sniffer(rest, true)),
        How::Decode(used) => {
            text.used.set(Some(used));
            Box::new(DecodingReader::sized(rest, used.encoding, opts.buffer_size))
        }
    })
}

/// Bytes to skip and how to read the rest.
fn sniff(head: &[u8], opts: &ReadOptions) -> Result<(u64, How), OpenError> {
    let decode = |encoding, why| How::Decode(Used { encoding, why });
    // A byte-order mark decides over any declaration (they can only disagree by mistake, and
    // the mark is what the bytes are). DecodingReader removes a UTF-16 mark itself.
    if head.starts_with(UTF8_BOM) {
        return Ok((UTF8_BOM.len() as u64, How::Utf8));
    }
    if head.starts_with(&[0xFF, 0xFE]) {
        return Ok((0, decode(encoding_rs::UTF_16LE, Why::ByteOrderMark)));
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return Ok((0, decode(encoding_rs::UTF_16BE, Why::ByteOrderMark)));
    }
    // A declaration in UTF-16 without a mark (XML 1.0, appendix F).
    if head.starts_with(&[b'<', 0, b'?', 0]) {
        return Ok((0, decode(encoding_rs::UTF_16LE, Why::Declaration)));
    }
    if head.starts_with(&[0, b'<', 0, b'?']) {
        return Ok((0, decode(encoding_rs::UTF_16BE, Why::Declaration)));
    }
    let how = match declared_encoding(head) {
        Some(label) => match encoding_for_label(&label) {
            // "replacement" is what WHATWG maps dangerous labels (ISO-2022-KR, ...) to.
            None => return Err(OpenError::Encoding(label)),
            Some(e) if e == encoding_rs::REPLACEMENT => return Err(OpenError::Encoding(label)),
            // A declaration we could read as ASCII cannot really be UTF-16: the bytes decide.
            Some(e)
                if e == encoding_rs::UTF_8
                    || e == encoding_rs::UTF_16LE
                    || e == encoding_rs::UTF_16BE =>
            {
                How::DeclaredUtf8
            }
            Some(e) => decode(e, Why::Declaration),
        },
        None => match opts.encoding {
            TextEncoding::Utf8 => How::Utf8,
            TextEncoding::Auto => How::Auto,
            TextEncoding::Named(e) => decode(e, Why::Option),
        },
    };
    Ok((0, how))
}

/// The `encoding="..."` of an XML declaration at the very start of `head`.
fn declared_encoding(head: &[u8]) -> Option<String> {
    let rest = head.strip_prefix(b"<?xml")?;
    if !rest.first().is_some_and(|&b| is_ws(b)) {
        return None;
    }
    let decl = &rest[..memmem::find(rest, b"?>")?];
    let mut i = memmem::find(decl, b"encoding")? + b"encoding".len();
    let skip_ws = |mut i: usize| {
        while decl.get(i).is_some_and(|&b| is_ws(b)) {
            i += 1;
        }
        i
    };
    i = skip_ws(i);
    if decl.get(i) != Some(&b'=') {
        return None;
    }
    i = skip_ws(i + 1);
    let quote = *decl.get(i).filter(|&&b| b == b'"' || b == b'\'')?;
    let len = memchr(quote, &decl[i + 1..])?;
    Some(String::from_utf8_lossy(&decl[i + 1..i + 1 + len]).into_owned())
}
