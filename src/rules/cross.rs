//! Cross-record rules: a communicationNumber used twice, a second CREATE for the same
//! customerExtId. They run on the outcomes in the run's deterministic order (files sorted
//! by path, records in file order), so "earlier" means the same thing on every run.
//!
//! Keys are held compactly and compared exactly: a hash collision can never reject a
//! record. **(decision)** A key counts from the first record that carries it, whatever that
//! record's verdict: the vendor sees the number as used once either record is sent, and the
//! report names the first holder so the officer can decide.
//!
//! Memory per key is what bounds a run of millions of records, so a `KeySet` is two flat
//! arrays: an open-addressing table of `u64` slots (a 24-bit hash tag and an arena offset)
//! and a byte arena of entries (first holder's file and record as varints, the key's
//! length, its bytes). About 35 bytes per key, one cache miss per lookup; the arena is
//! read only when the 24-bit tags agree, which for a new key is one time in sixteen million.

use super::Keys;
use crate::diagnostic::{Diagnostic, code};
use crate::record::Location;

/// Where a key was first seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FirstSeen {
    pub file: u32,
    pub record: u64,
}

const TAG_BITS: u32 = 24;
const OFFSET_BITS: u32 = 64 - TAG_BITS;
const OFFSET_MASK: u64 = (1 << OFFSET_BITS) - 1;
/// Slots of a new table (a power of two).
const INITIAL_BITS: u32 = 16;

/// The hash a `KeySet` files a key under.
pub fn key_hash(key: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::default().hash_one(key.as_bytes())
}

struct KeySet {
    /// 0: empty; else `tag << OFFSET_BITS | (arena offset + 1)`. The slot of a key is the
    /// top `bits` bits of its hash, then the next slots (linear probing).
    slots: Vec<u64>,
    bits: u32,
    len: usize,
    arena: Vec<u8>,
}

impl Default for KeySet {
    fn default() -> Self {
        KeySet {
            slots: vec![0; 1 << INITIAL_BITS],
            bits: INITIAL_BITS,
            len: 0,
            arena: Vec::new(),
        }
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(bytes: &[u8], pos: &mut usize) -> u64 {
    let mut v = 0u64;
    let mut shift = 0;
    while let Some(&b) = bytes.get(*pos) {
        *pos += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            break;
        }
        shift += 7;
    }
    v
}

impl KeySet {
    fn hash(&self, key: &[u8]) -> u64 {
        use std::hash::BuildHasher;
        foldhash::fast::FixedState::default().hash_one(key)
    }

    /// Loads the slot a key with this hash starts probing at: done for a whole batch
    /// before its keys are inserted one by one, the loads overlap instead of each insert
    /// waiting for its own cache miss.
    #[inline]
    fn touch(&self, hash: u64) -> u64 {
        self.slots[(hash >> (64 - self.bits)) as usize]
    }

    /// The entry at an arena offset: where the key was first seen, and the key's bytes.
    fn entry(&self, offset: usize) -> (FirstSeen, &[u8]) {
        let mut pos = offset;
        let file = get_varint(&self.arena, &mut pos) as u32;
        let record = get_varint(&self.arena, &mut pos);
        let len = get_varint(&self.arena, &mut pos) as usize;
        let end = (pos + len).min(self.arena.len());
        (FirstSeen { file, record }, &self.arena[pos..end])
    }

    /// Inserts `key`; returns where it was first seen when it was already there.
    #[cfg(test)]
    fn insert(&mut self, key: &str, at: FirstSeen) -> Option<FirstSeen> {
        self.insert_hashed(key, key_hash(key), at)
    }

    /// Inserts `key`, whose `key_hash` is `hash`; returns where it was first seen when it
    /// was already there.
    fn insert_hashed(&mut self, key: &str, hash: u64, at: FirstSeen) -> Option<FirstSeen> {
        let key = key.as_bytes();
        let tag = hash >> OFFSET_BITS;
        let mask = self.slots.len() - 1;
        let mut i = (hash >> (64 - self.bits)) as usize;
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                break;
            }
            if slot >> OFFSET_BITS == tag {
                let (first, bytes) = self.entry(((slot & OFFSET_MASK) - 1) as usize);
                if bytes == key {
                    return Some(first);
                }
            }
            i = (i + 1) & mask;
        }
        let offset = self.arena.len() as u64;
        put_varint(&mut self.arena, u64::from(at.file));
        put_varint(&mut self.arena, at.record);
        put_varint(&mut self.arena, key.len() as u64);
        self.arena.extend_from_slice(key);
        self.slots[i] = tag << OFFSET_BITS | (offset + 1);
        self.len += 1;
        // At most 3/4 full: probes stay short.
        if self.len * 4 > self.slots.len() * 3 {
            self.grow();
        }
        None
    }

    /// Doubles the table. Up to 2^24 slots a key's new place is read off its tag; beyond,
    /// its hash is computed again from the arena.
    fn grow(&mut self) {
        let bits = self.bits + 1;
        let mut slots = vec![0u64; 1 << bits];
        let mask = slots.len() - 1;
        for &slot in &self.slots {
            if slot == 0 {
                continue;
            }
            let tag = slot >> OFFSET_BITS;
            let mut i = if bits <= TAG_BITS {
                (tag >> (TAG_BITS - bits)) as usize
            } else {
                let (_, bytes) = self.entry(((slot & OFFSET_MASK) - 1) as usize);
                (self.hash(bytes) >> (64 - bits)) as usize
            };
            while slots[i] != 0 {
                i = (i + 1) & mask;
            }
            slots[i] = slot;
        }
        self.slots = slots;
        self.bits = bits;
    }
}

/// The run's duplicate detector.
#[derive(Default)]
pub struct Duplicates {
    communication_numbers: KeySet,
    create_ext_ids: KeySet,
}

impl Duplicates {
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks one record's keys against the earlier records; `source_of` names a file.
    /// Loads the table slots the keys of a batch will probe (see `KeySet::touch`).
    pub fn warm<'k>(&self, keys: impl Iterator<Item = &'k Keys>) {
        let mut acc = 0u64;
        for k in keys {
            if let Some([cn, ext]) = k.hashes {
                acc ^= self.communication_numbers.touch(cn) ^ self.create_ext_ids.touch(ext);
            }
        }
        std::hint::black_box(acc);
    }

    pub fn check(
        &mut self,
        keys: &Keys,
        loc: &Location,
        source_of: &dyn Fn(u32) -> String,
    ) -> Vec<Diagnostic> {
        let here = FirstSeen {
            file: loc.file,
            record: loc.record,
        };
        let mut found = Vec::new();
        let [cn_hash, ext_hash] = keys.hashes.unwrap_or_else(|| {
            [
                key_hash(keys.communication_number.as_deref().unwrap_or("")),
                key_hash(keys.customer_ext_id.as_deref().unwrap_or("")),
            ]
        });
        if let Some(cn) = &keys.communication_number
            && let Some(first) = self.communication_numbers.insert_hashed(cn, cn_hash, here)
        {
            found.push(Diagnostic::error(
                code::DUPLICATE_COMMUNICATION_NUMBER,
                "communicationNumber",
                format!(
                    "communicationNumber {cn:?} was already used by {} record {}",
                    source_of(first.file),
                    first.record
                ),
            ));
        }
        if keys.is_create
            && let Some(ext) = &keys.customer_ext_id
            && let Some(first) = self.create_ext_ids.insert_hashed(ext, ext_hash, here)
        {
            found.push(Diagnostic::error(
                code::DUPLICATE_CUSTOMER_EXT_ID,
                "customerExtId",
                format!(
                    "a CREATE for customerExtId {ext:?} was already made by {} record {}",
                    source_of(first.file),
                    first.record
                ),
            ));
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(cn: &str, ext: &str, create: bool) -> Keys {
        Keys {
            communication_number: Some(cn.into()),
            customer_ext_id: Some(ext.into()),
            is_create: create,
            entity_type: None,
            hashes: None,
        }
    }

    #[test]
    fn finds_duplicates_in_order_and_names_the_first() {
        let mut d = Duplicates::new();
        let src = |f: u32| format!("f{f}.json");
        let loc = |file, record| Location {
            file,
            record,
            line: 1,
        };
        assert!(d.check(&keys("A", "X", true), &loc(0, 1), &src).is_empty());
        assert!(
            d.check(&keys("B", "X", false), &loc(0, 2), &src).is_empty(),
            "UPDATE may reuse"
        );
        let found = d.check(&keys("A", "X", true), &loc(1, 7), &src);
        let codes: Vec<_> = found.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            [
                "duplicate-communication-number",
                "duplicate-customer-ext-id"
            ]
        );
        assert!(
            found[0].message.contains("f0.json record 1"),
            "{}",
            found[0].message
        );
        for i in 0..200_000 {
            assert!(
                d.check(
                    &keys(&format!("n{i}"), &format!("e{i}"), true),
                    &loc(2, i),
                    &src
                )
                .is_empty()
            );
        }
    }

    #[test]
    fn keys_survive_growth_and_are_compared_exactly() {
        let mut set = KeySet::default();
        let n = 300_000u64;
        for i in 0..n {
            let at = FirstSeen {
                file: (i % 7) as u32,
                record: i * 1_000_003,
            };
            assert_eq!(set.insert(&format!("key-{i}"), at), None);
        }
        assert!(set.bits > INITIAL_BITS);
        for i in (0..n).step_by(997) {
            let first = FirstSeen {
                file: (i % 7) as u32,
                record: i * 1_000_003,
            };
            assert_eq!(
                set.insert(&format!("key-{i}"), FirstSeen { file: 9, record: 9 }),
                Some(first)
            );
        }
        assert_eq!(set.insert("key-", FirstSeen { file: 0, record: 0 }), None);
        assert_eq!(set.insert("", FirstSeen { file: 1, record: 1 }), None);
        assert_eq!(
            set.insert("", FirstSeen { file: 2, record: 2 }),
            Some(FirstSeen { file: 1, record: 1 })
        );
    }

    #[test]
    fn growth_past_the_tag_bits_rehashes_from_the_arena() {
        let mut set = KeySet::default();
        // Force the slow path on a small table by pretending it is already large.
        for i in 0..1000u32 {
            set.insert(
                &i.to_string(),
                FirstSeen {
                    file: 0,
                    record: u64::from(i),
                },
            );
        }
        set.bits = TAG_BITS;
        let mut slots = vec![0u64; 1 << TAG_BITS];
        let old = std::mem::take(&mut set.slots);
        let mask = slots.len() - 1;
        for slot in old.into_iter().filter(|&s| s != 0) {
            let (_, bytes) = set.entry(((slot & OFFSET_MASK) - 1) as usize);
            let mut i = (set.hash(bytes) >> (64 - TAG_BITS)) as usize;
            while slots[i] != 0 {
                i = (i + 1) & mask;
            }
            slots[i] = slot;
        }
        set.slots = slots;
        set.grow();
        assert_eq!(set.bits, TAG_BITS + 1);
        for i in 0..1000u32 {
            assert_eq!(
                set.insert(&i.to_string(), FirstSeen { file: 5, record: 5 }),
                Some(FirstSeen {
                    file: 0,
                    record: u64::from(i)
                })
            );
        }
    }
}
