//! The catalog's one name table: every spelling a format gives a field, per shape, mapped to
//! the field's position. The spellings are the field's name and aliases (JSON keys, CSV
//! headers as written), their PascalCase (XML elements) and the ASCII lower case of each
//! (what any other letter case of a CSV header or an XML element folds to).
//!
//! **(decision)** One table for every format, where there were three (a JSON map with a
//! direct-indexed front, a case-folded map for CSV and XML, and an exact XML table): the
//! formats differ only in which spellings they accept, so an entry says whether JSON takes
//! it as written, and a folded look-up lower-cases the name on the stack and asks again.
//! This runs for every key of every record, so the table is open addressing over a few
//! loads of the name: the first and last eight bytes and the length, multiplied by a
//! per-shape multiplier chosen when the table is built so that the names JSON and XML write
//! sit in their own slot (one probe, one comparison); the table is at most an eighth full,
//! so a name that is not there meets an empty slot at once.

use super::{Shape, pascal};

/// A name longer than this is in no table (the longest field name has 37 bytes); it bounds
/// the stack buffer a folded look-up lower-cases into.
pub const LONGEST_NAME: usize = 64;

const EMPTY: u16 = u16::MAX;

/// Multipliers tried per shape (odd numbers from a fixed sequence, so the table is the same
/// on every run); the first that leaves no written name off its own slot is kept, else the
/// one that leaves the fewest.
const TRIES: u64 = 256;

struct Entry {
    name: Box<str>,
    field: u16,
    /// Accepted as written in JSON: the field's name or one of its aliases.
    json: bool,
}

/// The name table of one shape.
pub(super) struct Names {
    /// Index into `entries` per slot, `EMPTY` for none; a power of two long.
    slots: Box<[u16]>,
    /// `64 - log2(slots.len())`: the slot is the top bits of the multiplied key.
    shift: u32,
    mul: u64,
    entries: Box<[Entry]>,
    /// Field names lower-cased, in field order (for suggestions).
    pub(super) lower_names: Vec<String>,
}

/// `a == b` for short byte strings (names), inlined: a call to `memcmp` for each of the
/// thirty-odd keys of a record cost more than the comparison itself.
#[inline]
pub(super) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        return a.iter().zip(b).all(|(x, y)| x == y);
    }
    // Whole words, the last one overlapping its predecessor.
    let mut i = 0;
    while i + 8 < n {
        if word(a, i) != word(b, i) {
            return false;
        }
        i += 8;
    }
    word(a, n - 8) == word(b, n - 8)
}

/// Eight bytes of `b` from `at` (the caller guarantees they are there).
#[inline]
fn word(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap_or([0; 8]))
}

/// A key of the name from its first and last eight bytes (fewer for a short name) and its
/// length: field names that share a prefix (`isPEP`, `isSanctioned`) or a suffix differ in
/// the other end, and the spellings of one field in their first or a middle letter.
#[inline]
fn key(b: &[u8]) -> u64 {
    let n = b.len();
    let (head, tail) = if n >= 8 {
        (word(b, 0), word(b, n - 8))
    } else if n >= 4 {
        let half = |at: usize| {
            u64::from(u32::from_le_bytes(
                b[at..at + 4].try_into().unwrap_or([0; 4]),
            ))
        };
        (half(0), half(n - 4))
    } else if n > 0 {
        (
            u64::from(b[0]) | u64::from(b[n / 2]) << 8 | u64::from(b[n - 1]) << 16,
            0,
        )
    } else {
        (0, 0)
    };
    (head ^ tail.rotate_left(29)).wrapping_add(n as u64)
}

/// splitmix64's step: the multiplier candidates.
fn candidate(i: u64) -> u64 {
    let mut z = i.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) | 1
}

impl Names {
    pub(super) fn new(shape: &Shape) -> Names {
        let entries = spellings(shape);
        assert!(
            entries.len() < usize::from(EMPTY),
            "too many names in {}",
            shape.name
        );
        let size = (entries.len() * 8).next_power_of_two().max(16);
        let shift = 64 - size.trailing_zeros();
        let mut best: Option<(usize, Names)> = None;
        for i in 0..TRIES {
            let mul = candidate(i);
            let mut slots = vec![EMPTY; size].into_boxed_slice();
            let mut off_slot = 0;
            for (e, entry) in entries.iter().enumerate() {
                let mut at = Self::home(entry.name.as_bytes(), mul, shift);
                if slots[at] != EMPTY && entry.hot() {
                    off_slot += 1;
                }
                while slots[at] != EMPTY {
                    at = (at + 1) & (size - 1);
                }
                slots[at] = e as u16;
            }
            if best.as_ref().is_none_or(|(b, _)| off_slot < *b) {
                let names = Names {
                    slots,
                    shift,
                    mul,
                    entries: Box::default(),
                    lower_names: Vec::new(),
                };
                best = Some((off_slot, names));
            }
            if off_slot == 0 {
                break;
            }
        }
        let (_, mut names) = best.expect("at least one try");
        names.entries = entries.into_boxed_slice();
        names.lower_names = shape
            .fields
            .iter()
            .map(|f| f.name.to_ascii_lowercase())
            .collect();
        names
    }

    #[inline]
    fn home(name: &[u8], mul: u64, shift: u32) -> usize {
        (key(name).wrapping_mul(mul) >> shift) as usize
    }

    #[inline]
    fn get(&self, name: &[u8]) -> Option<&Entry> {
        let mask = self.slots.len() - 1;
        let mut at = Self::home(name, self.mul, self.shift);
        loop {
            let e = *self.slots.get(at)?;
            let entry = self.entries.get(usize::from(e))?;
            if same_bytes(entry.name.as_bytes(), name) {
                return Some(entry);
            }
            at = (at + 1) & mask;
        }
    }

    /// The field of a JSON key: a name or alias exactly as written.
    #[inline]
    pub(super) fn json(&self, name: &str) -> Option<usize> {
        self.get(name.as_bytes())
            .filter(|e| e.json)
            .map(|e| usize::from(e.field))
    }

    /// The field of a CSV header or XML element: any spelling, else the name's ASCII lower
    /// case.
    #[inline]
    pub(super) fn folded(&self, name: &str) -> Option<usize> {
        let b = name.as_bytes();
        if let Some(e) = self.get(b) {
            return Some(usize::from(e.field));
        }
        if b.len() > LONGEST_NAME || !b.iter().any(u8::is_ascii_uppercase) {
            return None;
        }
        let mut lower = [0u8; LONGEST_NAME];
        let lower = &mut lower[..b.len()];
        lower.copy_from_slice(b);
        lower.make_ascii_lowercase();
        self.get(lower).map(|e| usize::from(e.field))
    }

    /// Every spelling in the table with its field and whether JSON takes it (for tests).
    #[cfg(test)]
    fn all(&self) -> impl Iterator<Item = (&str, usize, bool)> {
        self.entries
            .iter()
            .map(|e| (&*e.name, usize::from(e.field), e.json))
    }
}

impl Entry {
    /// A spelling the formats write (a name or alias, as is or in PascalCase), as opposed to
    /// a lower-cased one only odd headers fold to: these get their own slot first.
    fn hot(&self) -> bool {
        self.json || self.name.starts_with(|c: char| c.is_ascii_uppercase())
    }
}

/// The spellings of a shape's fields: names and aliases (JSON), then their PascalCase, then
/// their lower case, each once. A spelling two fields share would make a look-up depend on
/// the order of the rows: the first keeps it, and the catalog's tests forbid it.
fn spellings(shape: &Shape) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    let forms: [fn(&str) -> String; 3] = [str::to_string, pascal, str::to_ascii_lowercase];
    for (form, make) in forms.iter().enumerate() {
        for (i, f) in shape.fields.iter().enumerate() {
            for name in std::iter::once(&f.name).chain(f.aliases) {
                let name = make(name);
                assert!(
                    name.len() <= LONGEST_NAME,
                    "{}.{name} is too long",
                    shape.name
                );
                if !out.iter().any(|e| *e.name == *name) {
                    out.push(Entry {
                        name: name.into_boxed_str(),
                        field: i as u16,
                        json: form == 0,
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{LEAD, NAMES, shapes};
    use super::*;

    /// What the catalog's rows say, read the slow way: the fields with a name or alias equal
    /// to `name` (JSON), or equal to it without regard to ASCII case (CSV and XML).
    fn by_scan(shape: &Shape, name: &str, folded: bool) -> Option<usize> {
        shape.fields.iter().position(|f| {
            std::iter::once(&f.name).chain(f.aliases).any(|n| {
                if folded {
                    n.eq_ignore_ascii_case(name)
                } else {
                    *n == name
                }
            })
        })
    }

    /// The name table answers what the rows answer, for every spelling it holds, for every
    /// name and alias in other letter cases, and for near misses of them.
    #[test]
    fn name_table_agrees_with_a_scan_of_the_rows() {
        let mut tried = 0;
        for shape in shapes() {
            let spellings: Vec<String> =
                NAMES[shape.id].all().map(|(s, ..)| s.to_string()).collect();
            for s in &spellings {
                let mut names = vec![
                    s.clone(),
                    s.to_uppercase(),
                    format!("{s}x"),
                    format!("x{s}"),
                    s[1..].to_string(),
                    format!("{}Z", &s[..s.len() - 1]),
                    pascal(&s.to_uppercase().to_lowercase()),
                ];
                // Every other letter upper-cased.
                names.push(
                    s.chars()
                        .enumerate()
                        .map(|(i, c)| {
                            if i % 2 == 0 {
                                c.to_ascii_uppercase()
                            } else {
                                c
                            }
                        })
                        .collect(),
                );
                for n in names {
                    assert_eq!(
                        shape.lookup(&n),
                        by_scan(shape, &n, false),
                        "{}: {n}",
                        shape.name
                    );
                    assert_eq!(
                        shape.lookup_folded(&n),
                        by_scan(shape, &n, true),
                        "{}: {n}",
                        shape.name
                    );
                    tried += 1;
                }
            }
            for n in ["", "x", "NoSuchElement", &"a".repeat(LONGEST_NAME + 1)] {
                assert_eq!(shape.lookup(n), None);
                assert_eq!(shape.lookup_folded(n), None);
            }
        }
        assert!(tried > 3000, "{tried}");
    }

    /// The table holds each field's name and aliases as written, in PascalCase and in lower
    /// case, and JSON takes only the first: `FirstName` is an unknown JSON key.
    #[test]
    fn name_table_holds_every_form_and_json_only_the_names() {
        for shape in shapes() {
            let all: Vec<(String, usize, bool)> = NAMES[shape.id]
                .all()
                .map(|(s, i, j)| (s.to_string(), i, j))
                .collect();
            for (i, f) in shape.fields.iter().enumerate() {
                let written: Vec<&str> = std::iter::once(f.name)
                    .chain(f.aliases.iter().copied())
                    .collect();
                for n in &written {
                    for form in [n.to_string(), pascal(n), n.to_ascii_lowercase()] {
                        let json = written.contains(&form.as_str());
                        assert!(
                            all.contains(&(form.clone(), i, json)),
                            "{}.{form}",
                            shape.name
                        );
                    }
                }
            }
            assert_eq!(
                all.iter().filter(|(_, _, json)| *json).count(),
                shape
                    .fields
                    .iter()
                    .map(|f| 1 + f.aliases.len())
                    .sum::<usize>()
            );
        }
        assert_eq!(LEAD.lookup("FirstName"), None);
        assert_eq!(LEAD.lookup("firstname"), None);
        assert_eq!(LEAD.lookup_folded("FIRSTNAME"), Some(LEAD.idx("firstName")));
    }

    /// A spelling two fields shared (`vatCode` and `VATcode`) would send CSV headers and XML
    /// elements to whichever row came first.
    #[test]
    fn no_two_fields_share_a_spelling() {
        for shape in shapes() {
            let mut folded: Vec<(String, usize)> = Vec::new();
            for (i, f) in shape.fields.iter().enumerate() {
                for n in std::iter::once(&f.name).chain(f.aliases) {
                    let n = n.to_ascii_lowercase();
                    if let Some((_, j)) = folded.iter().find(|(m, _)| *m == n) {
                        assert_eq!(*j, i, "{}: {n} names two fields", shape.name);
                    }
                    folded.push((n, i));
                }
            }
        }
    }
}
