//! Byte-level helpers shared by the scanner and the parser: word-at-a-time searches for `<`
//! and for the end of an element name, name tests, and line and character counts.

use memchr::{memchr, memrchr};

#[inline]
pub(super) fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The next `<`. Text between tags is mostly short (a value, an indentation), where
/// memchr's set-up costs more than the search: look at a few words first.
#[inline]
pub(super) fn find_lt(bytes: &[u8]) -> Option<usize> {
    find_short(bytes, b'<')
}

/// The first `needle` in `bytes`, word by word for the first 32 bytes (names, short text),
/// then memchr.
#[inline]
pub(super) fn find_short(bytes: &[u8], needle: u8) -> Option<usize> {
    let mut i = 0;
    while i + 8 <= bytes.len() && i < 32 {
        let w = u64::from_le_bytes(bytes[i..i + 8].try_into().unwrap_or([0; 8]))
            ^ (ONES * u64::from(needle));
        // Zero bytes of `w` are the needles; the lowest flagged byte is exact.
        let zero = w.wrapping_sub(ONES) & !w & HIGH;
        if zero != 0 {
            return Some(i + (zero.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    if bytes.len() - i < 8 {
        return bytes[i..].iter().position(|&b| b == needle).map(|j| i + j);
    }
    memchr(needle, &bytes[i..]).map(|j| i + j)
}

/// Whether short text (at most 64 bytes, an element's value) holds a `&`, which only an
/// entity or character reference may start: word by word, the last word overlapping its
/// predecessor, rather than the byte loop `contains` takes below 16 bytes.
#[inline]
pub(super) fn has_amp(bytes: &[u8]) -> bool {
    let n = bytes.len();
    if n < 8 {
        return bytes.contains(&b'&');
    }
    let amp = |at: usize| {
        let w = u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or([0; 8])) ^ (ONES * 0x26);
        w.wrapping_sub(ONES) & !w & HIGH != 0
    };
    let mut i = 0;
    while i + 8 < n {
        if amp(i) {
            return true;
        }
        i += 8;
    }
    amp(n - 8)
}

/// `a == b` for short slices (element names) without a call to memcmp.
#[inline]
pub(super) fn eq_short(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().unwrap_or([0; 8]));
    if n >= 8 {
        // Whole words, the last one overlapping its predecessor.
        let mut i = 0;
        while i + 8 < n {
            if word(a, i) != word(b, i) {
                return false;
            }
            i += 8;
        }
        return word(a, n - 8) == word(b, n - 8);
    }
    a.iter().zip(b).all(|(x, y)| x == y)
}

/// Position of the first byte of `bytes` that ends an element name.
#[inline]
pub(super) fn find_name_end(bytes: &[u8]) -> Option<usize> {
    // Eight bytes at a time: every name-ending byte is below 'A' (0x41), and so are only a
    // few name bytes (digits, ':', '-', '.'), so a word without a byte below 0x41 is all
    // name. The lowest flagged byte of the classic "has less than" test is exact.
    let mut i = 0;
    while i + 8 <= bytes.len() {
        let w = u64::from_le_bytes(bytes[i..i + 8].try_into().unwrap_or([0; 8]));
        let below = w.wrapping_sub(ONES * 0x41) & !w & HIGH;
        if below == 0 {
            i += 8;
            continue;
        }
        let j = i + (below.trailing_zeros() / 8) as usize;
        if is_name_end(bytes[j]) {
            return Some(j);
        }
        i = j + 1;
    }
    bytes[i..]
        .iter()
        .position(|&b| is_name_end(b))
        .map(|j| i + j)
}

/// Bytes that end an element name in a tag.
static NAME_END: [bool; 256] = {
    let mut t = [false; 256];
    let ends = b" \t\r\n/><=\"'";
    let mut i = 0;
    while i < ends.len() {
        t[ends[i] as usize] = true;
        i += 1;
    }
    t
};

#[inline]
pub(super) fn is_name_end(b: u8) -> bool {
    NAME_END[b as usize]
}

/// XML name start characters, loosely: letters, `_`, `:` and anything non-ASCII.
#[inline]
pub(super) fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b':' || b >= 0x80
}

/// The name without its namespace prefix.
#[inline]
pub(super) fn local_name(name: &[u8]) -> &[u8] {
    match memrchr(b':', name) {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

pub(super) fn count_newlines(bytes: &[u8]) -> u64 {
    // Every byte of the file goes through here once: count in blocks whose per-block sum
    // fits a byte, which the compiler turns into wide byte compares.
    let mut chunks = bytes.chunks_exact(128);
    let mut n: u64 = 0;
    for chunk in &mut chunks {
        n += u64::from(chunk.iter().fold(0u8, |k, &b| k + u8::from(b == b'\n')));
    }
    n + chunks
        .remainder()
        .iter()
        .fold(0u64, |k, &b| k + u64::from(b == b'\n'))
}

/// Characters in UTF-8 `bytes` (continuation bytes are not counted).
pub(super) fn count_chars(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0u64, |n, &b| n + u64::from(b & 0xC0 != 0x80))
}
