//! `Sniffer` over real legacy bytes, read whole and a few bytes at a time: what it hands
//! on, what it records as used, and the guess it records for bytes that are not UTF-8.

use std::io::{self, Read};
use std::rc::Rc;

use super::*;

/// Lithuanian rows, enough for the detector to tell windows-1257 from windows-1252.
const LT: &str = "C1;Eglė;Šimkutė;Šiauliai\nC2;Ąžuolas;Žukauskas;Klaipėda\n\
                  C3;Rūta;Kairiūkštytė;Panevėžys\nC4;Gintarė;Čiurlionytė;Kėdainiai\n";

fn cp1257(s: &str) -> Vec<u8> {
    let (bytes, _, bad) = encoding_rs::WINDOWS_1257.encode(s);
    assert!(!bad);
    bytes.into_owned()
}

/// A reader handing out 1, 2, ... 7 bytes per call.
struct Trickle {
    data: Vec<u8>,
    at: usize,
    step: usize,
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.step = self.step % 7 + 1;
        let n = self.step.min(buf.len()).min(self.data.len() - self.at);
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Reads `bytes` through a `Sniffer` whole and trickled; both must agree. Returns what
/// came out (or the error), and what the sniffer recorded.
fn sniff(bytes: &[u8], auto: bool) -> (io::Result<Vec<u8>>, Option<Used>, Option<&'static str>) {
    let mut results = Vec::new();
    for trickle in [false, true] {
        let text = Rc::new(FileText::default());
        let inner: Box<dyn Read> = if trickle {
            Box::new(Trickle {
                data: bytes.to_vec(),
                at: 0,
                step: 0,
            })
        } else {
            Box::new(io::Cursor::new(bytes.to_vec()))
        };
        let mut s = Sniffer::new(inner, auto, 1 << 20, text.clone());
        let mut out = Vec::new();
        let got = s.read_to_end(&mut out).map(|_| out);
        results.push((got, text.used.get(), text.guess.get().map(|e| e.name())));
    }
    let (b, a) = (results.pop().unwrap(), results.pop().unwrap());
    assert_eq!(
        (a.0.as_ref().ok(), a.1, a.2),
        (b.0.as_ref().ok(), b.1, b.2),
        "whole and trickled reads differ"
    );
    a
}

const DETECTED_1257: Option<Used> = Some(Used {
    encoding: encoding_rs::WINDOWS_1257,
    why: Why::Detected,
});

#[test]
fn auto_detects_windows_1257_and_decodes_it() {
    let (out, used, guess) = sniff(&cp1257(LT), true);
    assert_eq!(String::from_utf8(out.unwrap()).unwrap(), LT);
    assert_eq!((used, guess), (DETECTED_1257, None));
}

#[test]
fn auto_decides_at_the_first_non_ascii_byte_however_late() {
    // Past one window of ASCII: the detector must see the names, not the ASCII before them.
    let ascii = "C0;Jonas;Petraitis;Vilnius\n".repeat(3 * WINDOW / 27);
    let text = format!("{ascii}{LT}");
    let (out, used, _) = sniff(&cp1257(&text), true);
    assert_eq!(String::from_utf8(out.unwrap()).unwrap(), text);
    assert_eq!(used, DETECTED_1257);
}

#[test]
fn auto_keeps_utf8_and_ascii_as_they_are() {
    for text in [LT, "only ascii\n", ""] {
        let (out, used, guess) = sniff(text.as_bytes(), true);
        assert_eq!(out.unwrap(), text.as_bytes());
        assert_eq!((used, guess), (None, None), "{text}");
    }
}

#[test]
fn utf8_that_turns_invalid_after_the_window_gets_a_guess() {
    // Valid UTF-8 for more than a window, then windows-1257 rows: the bytes go on as they
    // are (the parser rejects their records) and the guess is recorded for the hint.
    let mut bytes = LT.repeat(2 * WINDOW / LT.len()).into_bytes();
    bytes.extend(cp1257(LT));
    for auto in [true, false] {
        let (out, used, guess) = sniff(&bytes, auto);
        assert_eq!(out.unwrap(), bytes);
        assert_eq!((used, guess), (None, Some("windows-1257")), "auto {auto}");
    }
}

#[test]
fn utf8_mode_records_a_guess_and_passes_the_bytes_on() {
    let bytes = cp1257(LT);
    let (out, used, guess) = sniff(&bytes, false);
    assert_eq!(out.unwrap(), bytes);
    assert_eq!((used, guess), (None, Some("windows-1257")));
    // Cyrillic in windows-1251.
    let (ru, _, _) = encoding_rs::WINDOWS_1251.encode("C1;Иван;Петров;Москва\nC2;Сергей;Смирнов\n");
    assert_eq!(sniff(&ru, false).2, Some("windows-1251"));
}

#[test]
fn a_sequence_cut_by_the_end_of_the_file_is_invalid() {
    let mut bytes = LT.as_bytes().to_vec();
    bytes.extend_from_slice(&"ė".as_bytes()[..1]);
    let (out, _, guess) = sniff(&bytes, false);
    assert_eq!(out.unwrap(), bytes);
    assert!(guess.is_some());
    // Cut between reads but completed: valid (the trickled read checks the carry).
    assert_eq!(sniff("ėėėėė ū ž".as_bytes(), false).2, None);
}

#[test]
fn a_byte_the_detected_encoding_cannot_decode_is_an_error_at_its_offset() {
    // 0xA1 has no character in windows-1257 (WHATWG), past the window the detector saw
    // (in it, the byte would have ruled windows-1257 out: it is ISO-8859-13's "”").
    let mut bytes = cp1257(&LT.repeat(2 * WINDOW / LT.len()));
    let at = bytes.len();
    bytes.extend_from_slice(b"C5;\xA1\n");
    let (out, used, _) = sniff(&bytes, true);
    let err = out.unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "byte offset {} is not valid windows-1257; the file looks like ISO-8859-13: try \
             --encoding iso-8859-13",
            at + 3
        )
    );
    assert_eq!(used, DETECTED_1257);
}

#[test]
fn hints_name_the_guess_and_the_way_to_get_it() {
    let g = Some(encoding_rs::WINDOWS_1257);
    assert_eq!(
        hint(g, encoding_rs::UTF_8, TextEncoding::Utf8),
        "the file looks like windows-1257: try --encoding windows-1257, or --encoding auto"
    );
    assert_eq!(
        hint(
            Some(encoding_rs::ISO_8859_13),
            encoding_rs::UTF_8,
            TextEncoding::Auto
        ),
        "the file looks like ISO-8859-13: try --encoding iso-8859-13"
    );
    assert_eq!(
        hint(
            g,
            encoding_rs::WINDOWS_1257,
            TextEncoding::Named(encoding_rs::WINDOWS_1257)
        ),
        "if the file is not windows-1257, name its encoding with --encoding, or try --encoding auto"
    );
    assert_eq!(
        hint(None, encoding_rs::UTF_8, TextEncoding::Utf8),
        "if the file is not UTF-8, name its encoding with --encoding, or try --encoding auto"
    );
    let declared = Hint {
        guess: encoding_rs::WINDOWS_1257,
        declared_utf8: true,
    };
    assert_eq!(
        utf8_hint(Some(declared), TextEncoding::Auto),
        "the file looks like windows-1257 but its XML declaration says UTF-8: correct the \
         declaration (encoding=\"windows-1257\")"
    );
    assert_eq!(
        utf8_hint(None, TextEncoding::Utf8),
        hint(None, encoding_rs::UTF_8, TextEncoding::Utf8)
    );
}
