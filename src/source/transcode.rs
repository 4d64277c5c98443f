//! Streaming conversion of legacy encodings (`--encoding windows-1252`, ISO-8859-1, UTF-16)
//! to UTF-8, so that every reader works on UTF-8 only.
//!
//! Bytes that are not valid in the declared encoding are an I/O error carrying the byte
//! offset and the detector's guess for the bytes there (`detect`), never replacement
//! characters: a silently changed name is a lost record.

use std::io::{self, Read};

use encoding_rs::{DecoderResult, Encoding};

use super::detect::{self, TextEncoding};

/// A `Read` that yields UTF-8 decoded from `enc`.
pub struct DecodingReader<R: Read> {
    inner: R,
    decoder: encoding_rs::Decoder,
    raw: Vec<u8>,
    raw_start: usize,
    raw_end: usize,
    out: Vec<u8>,
    out_start: usize,
    out_end: usize,
    eof: bool,
    consumed: u64,
    encoding: &'static Encoding,
    /// How the encoding was chosen (for the error's hint).
    mode: TextEncoding,
    /// A decoding error, returned once the text decoded before it has been read.
    pending: Option<io::Error>,
}

impl<R: Read> DecodingReader<R> {
    pub fn new(inner: R, enc: &'static Encoding) -> Self {
        Self::sized(inner, enc, 64 << 10)
    }

    /// Reading `chunk` bytes at a time (at least 1 KiB, at most 64 KiB): the buffers are
    /// zeroed, so a small file gets small ones.
    pub fn sized(inner: R, enc: &'static Encoding, chunk: usize) -> Self {
        let chunk = chunk.clamp(1 << 10, 64 << 10);
        DecodingReader {
            inner,
            // The BOM, if any, decides for UTF-16/UTF-8 and is removed.
            decoder: enc.new_decoder_with_bom_removal(),
            raw: vec![0; chunk],
            raw_start: 0,
            raw_end: 0,
            out: vec![0; 3 * chunk + 16],
            out_start: 0,
            out_end: 0,
            eof: false,
            consumed: 0,
            encoding: enc,
            mode: TextEncoding::Named(enc),
            pending: None,
        }
    }

    /// The first byte of `inner` is at `offset` in the file (for the error's byte offset).
    pub fn starting_at(mut self, offset: u64) -> Self {
        self.consumed = offset;
        self
    }

    /// The encoding was chosen by `--encoding auto` (the error's hint does not suggest it).
    pub fn detected(mut self) -> Self {
        self.mode = TextEncoding::Auto;
        self
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.out_start < self.out_end {
                let n = buf.len().min(self.out_end - self.out_start);
                buf[..n].copy_from_slice(&self.out[self.out_start..self.out_start + n]);
                self.out_start += n;
                return Ok(n);
            }
            if let Some(e) = self.pending.take() {
                return Err(e);
            }
            if self.eof && self.raw_start == self.raw_end {
                return Ok(0);
            }
            if self.raw_start == self.raw_end && !self.eof {
                let n = self.inner.read(&mut self.raw)?;
                self.raw_start = 0;
                self.raw_end = n;
                if n == 0 {
                    self.eof = true;
                }
            }
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.raw[self.raw_start..self.raw_end],
                &mut self.out,
                self.eof,
            );
            self.raw_start += read;
            self.consumed += read as u64;
            self.out_start = 0;
            self.out_end = written;
            match result {
                DecoderResult::InputEmpty | DecoderResult::OutputFull => {}
                DecoderResult::Malformed(bad, extra) => {
                    let back = usize::from(bad) + usize::from(extra);
                    let at = self.consumed.saturating_sub(back as u64);
                    // The detector sees the bad byte with the text read with it, which
                    // tells the language (and rules out the encodings that lack the byte).
                    let guess = detect::guess(&self.raw[..self.raw_end], self.eof, true);
                    // Hand over what was decoded before the bad byte first: the records
                    // before it are processed normally.
                    self.pending = Some(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!(
                            "byte offset {at} is not valid {}; {}",
                            self.encoding.name(),
                            detect::hint(Some(guess), self.encoding, self.mode)
                        ),
                    ));
                    continue;
                }
            }
            if self.eof && self.raw_start == self.raw_end && written == 0 {
                return Ok(0);
            }
        }
    }
}

/// Looks an encoding up by the names `--encoding` and XML declarations use.
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    Encoding::for_label(label.trim().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_windows_1252_and_utf16() {
        let mut s = String::new();
        DecodingReader::new(&b"Caf\xe9 \x80"[..], encoding_rs::WINDOWS_1252)
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s, "Café €");
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Žy".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        let mut s = String::new();
        DecodingReader::new(&utf16[..], encoding_rs::UTF_16LE)
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s, "Žy");
    }

    #[test]
    fn malformed_input_is_an_error_not_a_replacement() {
        let mut s = String::new();
        let mut r = DecodingReader::new(&b"ok\xff\xfe"[..], encoding_rs::UTF_8);
        let err = r.read_to_string(&mut s).unwrap_err();
        assert!(err.to_string().contains("byte offset 2"), "{err}");
        // The text before the bad byte was handed over first.
        assert_eq!(s, "ok");
    }
}
