//! `encoding-suspect`: text that decodes but reads like UTF-8 decoded once too often, as
//! windows-1252 or ISO-8859-1 ("Ã©" for "é", "Ä—" for "ė", "Å«" for "ū"). The file itself
//! is fine; the text was garbled upstream (an export, a spreadsheet, a copy), so every
//! encoding mode is checked, and plain UTF-8 input too.
//!
//! Decisions (the spec is silent):
//! - A suspect is a character that windows-1252 (or ISO-8859-1, for U+0080–U+009F) encodes
//!   as a UTF-8 lead byte (U+00C2–U+00F4: "Â" to "ô") directly followed by characters that
//!   encode as its continuation bytes, where the bytes decode to a character this market
//!   writes: Latin (U+00A0–U+024F, the Baltic, Polish and German letters among them), Greek,
//!   Cyrillic, or general punctuation and the euro sign (U+2000–U+20CF: "â€™" for "’").
//!   Genuine text rarely has an upper-case Latin-1 letter directly followed by a symbol
//!   that windows-1252 puts at 0x80–0xBF, and the range rule drops most of the rest
//!   ("ANDRÉ–LUC" would be U+0256, IPA: not a suspect). `Šimkutė`, `Ąžuolas`, `Müller`,
//!   `Łódź` hold no such pair.
//! - It is a warning: the record is still accepted (with `--strict`, rejected), since a
//!   garbled name is still a name, and only a person can tell what it should be.
//! - Only values of free-text string fields are checked (names, addresses, titles,
//!   descriptions, ...): enums, codes and dates are checked for what they must be anyway.
//!   The check costs nothing for ASCII values (the caller skips them) and one `memchr` for
//!   the rest, since every lead character is `0xC3` in UTF-8.

/// The byte windows-1252 encodes `c` as, when it is one of 0x80–0xFF (for 0x80–0x9F,
/// ISO-8859-1's control characters count too: text decoded as ISO-8859-1 has them).
fn cp1252_byte(c: char) -> Option<u8> {
    if let Ok(b) = u8::try_from(u32::from(c)) {
        return (b >= 0x80).then_some(b);
    }
    Some(match c {
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => return None,
    })
}

/// Characters a doubly decoded name of this market would have held.
fn plausible(c: char) -> bool {
    matches!(u32::from(c), 0xA0..=0x24F | 0x370..=0x4FF | 0x2000..=0x20CF)
}

/// The first suspect in `text`: the garbled characters and what they stood for.
pub(super) fn suspect(text: &str) -> Option<(&str, char)> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = memchr::memchr(0xC3, &bytes[from..]).map(|i| from + i) {
        from = i + 1;
        // U+00C2..=U+00F4 is C3 82..=C3 B4 in UTF-8; windows-1252 has it at 0xC2..=0xF4.
        let Some(&second) = bytes.get(i + 1).filter(|b| (0x82..=0xB4).contains(*b)) else {
            continue;
        };
        let lead = second + 0x40;
        let width = match lead {
            0xF0.. => 4,
            0xE0.. => 3,
            _ => 2,
        };
        let mut seq = [lead, 0, 0, 0];
        let mut end = i + 2;
        let mut chars = text[end..].chars();
        let complete = (1..width).all(|k| {
            let Some(c) = chars.next() else {
                return false;
            };
            end += c.len_utf8();
            match cp1252_byte(c) {
                Some(b @ 0x80..=0xBF) => {
                    seq[k] = b;
                    true
                }
                _ => false,
            }
        });
        if !complete {
            continue;
        }
        let meant = std::str::from_utf8(&seq[..width])
            .ok()
            .and_then(|s| s.chars().next())
            .filter(|&c| plausible(c));
        if let Some(meant) = meant {
            return Some((&text[i..end], meant));
        }
    }
    None
}

/// `text` decoded once less, when all of it can be: every character back to its
/// windows-1252 byte (ASCII as it is), and the bytes valid UTF-8.
pub(super) fn repaired(text: &str) -> Option<String> {
    let bytes = text
        .chars()
        .map(|c| match u8::try_from(u32::from(c)) {
            Ok(b) if b < 0x80 => Some(b),
            _ => cp1252_byte(c),
        })
        .collect::<Option<Vec<u8>>>()?;
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `s` as UTF-8 bytes decoded as windows-1252 (what a wrong import makes of it).
    fn garble(s: &str) -> String {
        let (text, _, bad) = encoding_rs::WINDOWS_1252.decode(s.as_bytes());
        assert!(!bad);
        text.into_owned()
    }

    #[test]
    fn doubly_decoded_text_is_a_suspect() {
        for (word, garbled, meant) in [
            ("Eglė", "Ä—", 'ė'),
            ("Šimkutė", "Å\u{a0}", 'Š'),
            ("Rūta", "Å«", 'ū'),
            ("José", "Ã©", 'é'),
            ("Ąžuolas", "Ä„", 'Ą'),
            ("Łódź", "Å\u{81}", 'Ł'),
            ("Müller", "Ã¼", 'ü'),
            ("Иван", "Ð˜", 'И'),
            ("it’s", "â€™", '’'),
        ] {
            let g = garble(word);
            assert_eq!(suspect(&g), Some((garbled, meant)), "{word} as {g:?}");
            assert_eq!(repaired(&g).as_deref(), Some(word));
        }
        // ISO-8859-1's control characters stand for windows-1252's holes and symbols.
        assert_eq!(suspect("Ä\u{97}"), Some(("Ä\u{97}", 'ė')));
        // Garbled and genuine text mixed: the first suspect, no repair of the whole.
        assert_eq!(suspect("Šimkutė EglÄ—"), Some(("Ä—", 'ė')));
        assert_eq!(repaired("Šimkutė EglÄ—"), None);
    }

    #[test]
    fn genuine_text_is_not() {
        for s in [
            "Šimkutė",
            "Ąžuolas",
            "Müller",
            "Łódź",
            "Jānis Bērziņš",
            "Straße",
            "François Noël",
            "Ærøskøbing",
            "ÅSA ÖBERG",
            "ANDRÉ–LUC",
            "JOSÉ’S",
            "Ð",
            "Ã",
            "Gedimino pr. 9, Vilnius",
            "Žalgirio g. 5–12",
            "Иван Петров",
            "",
        ] {
            assert_eq!(suspect(s), None, "{s}");
        }
    }
}
