//! Writing JSON: the canonical payload (spec §2–§3) and records echoed in the reports.
//!
//! The rules write the canonical payload while they check (one pass, no intermediate
//! tree); this module holds the byte-level pieces so that every writer escapes the same way:
//! UTF-8 kept as is, `"` `\` and control characters escaped as serde_json does.

use crate::record::Node;

/// Bytes that need escaping in a JSON string: `"`, `\\` and control characters.
static NEEDS_ESCAPE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// Index of the first byte at or after `from` that is `"`, `\` or a control character
/// (`bytes.len()` when there is none): eight bytes at a time.
#[inline]
pub fn find_special(bytes: &[u8], from: usize) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while i + 8 <= bytes.len() {
        let mut word = [0u8; 8];
        word.copy_from_slice(&bytes[i..i + 8]);
        let x = u64::from_le_bytes(word);
        let quote = x ^ (LO * b'"' as u64);
        let backslash = x ^ (LO * b'\\' as u64);
        // The lowest flagged byte of each test is exact (borrows only run upwards).
        let m = (quote.wrapping_sub(LO) & !quote)
            | (backslash.wrapping_sub(LO) & !backslash)
            | (x.wrapping_sub(LO * 0x20) & !x);
        let m = m & HI;
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() && !NEEDS_ESCAPE[bytes[i] as usize] {
        i += 1;
    }
    i
}

/// Appends `s` as a JSON string.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    out.reserve(s.len() + 2);
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        i = find_special(bytes, i);
        if i >= bytes.len() {
            break;
        }
        let b = bytes[i];
        out.extend_from_slice(&bytes[start..i]);
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0C => out.extend_from_slice(b"\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[(b >> 4) as usize]);
                out.push(HEX[(b & 0xF) as usize]);
            }
        }
        i += 1;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Appends `"name":` for a catalog field name (plain ASCII identifiers: no escaping).
#[inline]
pub fn write_field_key(out: &mut Vec<u8>, name: &str) {
    separate(out);
    out.push(b'"');
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\":");
}

/// Appends `"key":`, preceded by a comma unless it is the first member of the object or
/// array being written.
#[inline]
pub fn write_key(out: &mut Vec<u8>, key: &str) {
    separate(out);
    write_str(out, key);
    out.push(b':');
}

/// A comma unless the last byte opened an object or array.
#[inline]
pub fn separate(out: &mut Vec<u8>) {
    if !matches!(out.last(), Some(b'{' | b'[') | None) {
        out.push(b',');
    }
}

/// Appends a record as read (for `rejected.ndjson`): maps keep their order and repeated
/// keys, numbers their source text, untyped text becomes a string.
pub fn write_node(out: &mut Vec<u8>, node: &Node) {
    match node {
        Node::Null => out.extend_from_slice(b"null"),
        Node::Bool(true) => out.extend_from_slice(b"true"),
        Node::Bool(false) => out.extend_from_slice(b"false"),
        Node::Number(n) => out.extend_from_slice(n.as_bytes()),
        Node::Str(s) | Node::Text(s) => write_str(out, s),
        Node::List(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_node(out, item);
            }
            out.push(b']');
        }
        Node::Map(fields) => {
            out.push(b'{');
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_str(out, k);
                out.push(b':');
                write_node(out, v);
            }
            out.push(b'}');
        }
    }
}

/// Re-indents compact JSON (as written by this module) with two spaces, member order kept.
pub fn pretty(compact: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let mut in_str = false;
    let mut esc = false;
    let newline = |out: &mut Vec<u8>, depth: usize| {
        out.push(b'\n');
        out.extend(std::iter::repeat_n(b' ', depth * 2));
    };
    for &b in compact {
        if in_str {
            out.push(b);
            if esc {
                esc = false;
            } else if b == b'\\' {
                esc = true;
            } else if b == b'"' {
                in_str = false;
            }
            continue;
        }
        match b {
            b'"' => {
                in_str = true;
                out.push(b);
            }
            b'{' | b'[' => {
                depth += 1;
                out.push(b);
                newline(&mut out, depth);
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(b);
            }
            b',' => {
                out.push(b);
                newline(&mut out, depth);
            }
            b':' => out.extend_from_slice(b": "),
            _ => out.push(b),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn pretty_keeps_order_and_reads_back() {
        let compact = br#"{"b":1,"a":["x,y",{"c":"q\"}"}]}"#;
        let p = super::pretty(compact);
        let text = String::from_utf8(p).unwrap();
        assert!(text.starts_with("{\n  \"b\": 1,"), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        let orig: serde_json::Value = serde_json::from_slice(compact).unwrap();
        assert_eq!(back, orig);
    }

    use super::*;
    use std::borrow::Cow;

    #[test]
    fn find_special_finds_the_first_special_byte_at_any_position() {
        for len in 0..40 {
            for pos in 0..len {
                for special in [b'"', b'\\', 0x00, 0x1F, b'\n'] {
                    let mut v = vec![b'a'; len];
                    v[pos] = special;
                    if pos + 1 < len {
                        v[pos + 1] = b'"';
                    }
                    assert_eq!(super::find_special(&v, 0), pos, "{len} {pos} {special}");
                }
            }
            let clean: Vec<u8> = (0..len)
                .map(|i| b' ' + (i as u8 % 90))
                .filter(|b| *b != b'"' && *b != b'\\')
                .collect();
            assert_eq!(super::find_special(&clean, 0), clean.len());
        }
        // Bytes >= 0x80 (UTF-8) are not special.
        assert_eq!(super::find_special("ŽŽŽŽŽŽŽŽ\"".as_bytes(), 0), 16);
    }

    #[test]
    fn strings_escape_like_serde_json() {
        for s in [
            "plain",
            "q\"b\\s",
            "tab\tnl\ncr\r",
            "\u{1}\u{1f}",
            "Žygimantas 山田",
            "\u{7f}",
        ] {
            let mut out = Vec::new();
            write_str(&mut out, s);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(s).unwrap()
            );
        }
    }

    #[test]
    fn nodes_round_trip_through_serde_json() {
        let node = Node::Map(vec![
            (Cow::Borrowed("a"), Node::Number("1.50")),
            (
                Cow::Borrowed("b"),
                Node::List(vec![Node::Bool(true), Node::Null]),
            ),
            (Cow::Borrowed("c"), Node::Text(Cow::Borrowed("x"))),
        ]);
        let mut out = Vec::new();
        write_node(&mut out, &node);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"a":1.50,"b":[true,null],"c":"x"}"#
        );
    }
}
