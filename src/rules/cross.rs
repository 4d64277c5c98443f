//! Cross-record rules: a communicationNumber used twice, a second CREATE for the same
//! customerExtId. They run on the outcomes in the run's deterministic order (files sorted
//! by path, records in file order), so "earlier" means the same thing on every run.
//!
//! Keys are held compactly (one byte arena, a hash table of indices) and compared exactly:
//! a hash collision can never reject a record. **(decision)** A key counts from the first
//! record that carries it, whatever that record's verdict: the vendor sees the number as
//! used once either record is sent, and the report names the first holder so the officer
//! can decide.

use hashbrown::HashTable;

use super::Keys;
use crate::diagnostic::{Diagnostic, code};
use crate::record::Location;

/// Where a key was first seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FirstSeen {
    pub file: u32,
    pub record: u64,
}

#[derive(Default)]
struct KeySet {
    table: HashTable<u32>,
    entries: Vec<(u64, u32, FirstSeen)>,
    arena: Vec<u8>,
    hasher: foldhash::fast::FixedState,
}

impl KeySet {
    /// Inserts `key`; returns where it was first seen when it was already there.
    fn insert(&mut self, key: &str, at: FirstSeen) -> Option<FirstSeen> {
        use std::hash::BuildHasher;
        let hash = self.hasher.hash_one(key.as_bytes());
        let found = {
            let arena = &self.arena;
            let entries = &self.entries;
            self.table.find(hash, |&i| {
                let (off, len, _) = entries[i as usize];
                &arena[off as usize..off as usize + len as usize] == key.as_bytes()
            })
        };
        if let Some(&i) = found {
            return Some(self.entries[i as usize].2);
        }
        let idx = self.entries.len() as u32;
        self.entries
            .push((self.arena.len() as u64, key.len() as u32, at));
        self.arena.extend_from_slice(key.as_bytes());
        let hasher = self.hasher;
        let arena = &self.arena;
        let entries = &self.entries;
        self.table.insert_unique(hash, idx, |&i| {
            let (off, len, _) = entries[i as usize];
            hasher.hash_one(&arena[off as usize..off as usize + len as usize])
        });
        None
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
        if let Some(cn) = &keys.communication_number
            && let Some(first) = self.communication_numbers.insert(cn, here)
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
            && let Some(first) = self.create_ext_ids.insert(ext, here)
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
        for i in 0..10_000 {
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
}
