//! Tests of the cross-record rules: duplicates found in input order and naming the first
//! record, the key tables' growth (long keys, both tables together, on or off the pool), and
//! equal hashes told apart by the keys.

use super::*;

fn keys(cn: &str, ext: &str, create: bool) -> Keys {
    Keys {
        communication_number: Some(cn.into()),
        customer_ext_id: Some(ext.into()),
        is_create: create,
        entity_type: None,
        hashes: None,
        ledger_hashes: [None, None],
    }
}

fn set(bits: u32) -> (tempfile::TempDir, KeySet) {
    let dir = tempfile::tempdir().unwrap();
    let mut set = KeySet::create(dir.path(), "t").unwrap();
    set.bits = bits;
    set.slots = Slots::zeroed(1 << bits);
    (dir, set)
}

fn at(file: u32, record: u64) -> FirstSeen {
    FirstSeen { file, record }
}

#[test]
fn finds_duplicates_in_order_and_names_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = Duplicates::create(dir.path()).unwrap();
    let mut src = |f: u32| Ok(format!("f{f}.json"));
    let loc = |file, record| Location {
        file,
        record,
        line: 1,
    };
    assert!(
        d.check(&keys("A", "X", true), &loc(0, 1), &mut src)
            .unwrap()
            .is_empty()
    );
    assert!(
        d.check(&keys("B", "X", false), &loc(0, 2), &mut src)
            .unwrap()
            .is_empty(),
        "UPDATE may reuse"
    );
    let found = d
        .check(&keys("A", "X", true), &loc(1, 7), &mut src)
        .unwrap();
    let codes: Vec<_> = found.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        [
            Code::DuplicateCommunicationNumber,
            Code::DuplicateCustomerExtId
        ]
    );
    assert!(
        found[0].message.contains("f0.json record 1"),
        "{}",
        found[0].message
    );
    // The key files were unlinked when opened: nothing is left in the directory.
    #[cfg(unix)]
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn keys_survive_growth_and_long_keys_are_kept_whole() {
    let (_dir, mut set) = set(4);
    let n = 20_000u64;
    let key = |i: u64| {
        if i.is_multiple_of(3) {
            format!("a-much-longer-key-than-nineteen-bytes-{i}")
        } else {
            format!("k{i}")
        }
    };
    for i in 0..n {
        assert_eq!(
            set.insert(&key(i), at((i % 7) as u32, i * 1_000_003))
                .unwrap(),
            None
        );
    }
    assert!(set.bits > 14, "grew to {} bits", set.bits);
    for i in (0..n).step_by(7) {
        assert_eq!(
            set.insert(&key(i), at(9, 9)).unwrap(),
            Some(at((i % 7) as u32, i * 1_000_003))
        );
    }
    // A prefix of a long key is another key.
    assert_eq!(
        set.insert("a-much-longer-key-than-nineteen-bytes-", at(0, 0))
            .unwrap(),
        None
    );
    assert_eq!(set.insert("", at(1, 1)).unwrap(), None);
    assert_eq!(set.insert("", at(2, 2)).unwrap(), Some(at(1, 1)));
}

/// Between batches, a table over 3/4 full grows, and the other with it when it is over
/// 5/8; on the run's pool the second growth is offered to the other threads. Whatever
/// the path, every key is still found afterwards, with where it was first seen.
#[test]
fn tables_grow_between_batches_together_when_both_are_nearly_full() {
    // No pool (`--jobs 1`); a pool of one thread, which takes the offered growth
    // itself; a pool of two.
    for (threads, on_pool) in [(0, false), (1, true), (2, true)] {
        let grow = |n, creates| {
            if threads == 0 {
                return grow_checked(n, creates, on_pool);
            }
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| grow_checked(n, creates, on_pool))
        };
        // 49 of 64 slots is over 3/4; 41 is over 5/8, 40 is not.
        assert_eq!(grow(49, 41), [7, 7], "both grow, {threads} threads");
        assert_eq!(grow(49, 40), [7, 6], "only the full one, {threads} threads");
        assert_eq!(grow(49, 49), [7, 7], "both over 3/4, {threads} threads");
        assert_eq!(
            grow(48, 48),
            [6, 6],
            "3/4 is not over 3/4, {threads} threads"
        );
    }
}

/// Small tables grow over 3/4 full, large ones (`DENSE_BITS` and up) over 7/8; a table
/// within 1/8 of its limit grows with the other.
#[test]
fn large_tables_fill_to_seven_eighths() {
    let (_dir, mut set) = set(4);
    for (bits, limit, nearly) in [
        (DENSE_BITS - 1, 3.0 / 4.0, 5.0 / 8.0),
        (DENSE_BITS, 7.0 / 8.0, 3.0 / 4.0),
        (DENSE_BITS + 3, 7.0 / 8.0, 3.0 / 4.0),
    ] {
        // The policy reads `bits` and `len` only: the table need not be allocated.
        set.bits = bits;
        let at = |share: f64| ((1u64 << bits) as f64 * share) as u64;
        set.len = at(limit);
        assert!(!set.needs_growth(), "{bits} bits at the limit");
        set.len += 1;
        assert!(set.needs_growth(), "{bits} bits past the limit");
        set.len = at(nearly);
        assert!(!set.nearly_needs_growth(), "{bits} bits at nearly");
        set.len += 1;
        assert!(set.nearly_needs_growth(), "{bits} bits past nearly");
    }
}

/// A run that is not on its own pool never hands work to the threads of the pool it
/// happens to run on: here the other thread waits for the run to end, and would never
/// take a broadcast.
#[test]
fn growth_off_the_runs_pool_stays_on_the_calling_thread() {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let (done, wait) = std::sync::mpsc::channel();
    let waited = pool.install(|| {
        rayon::join(
            move || {
                let bits = grow_checked(49, 49, false);
                done.send(bits).unwrap();
            },
            move || wait.recv_timeout(std::time::Duration::from_secs(20)),
        )
        .1
    });
    assert_eq!(waited.unwrap(), [7, 7]);
}

/// Checks `n` records, of which the first `creates` are CREATEs (the second table holds
/// their ids), in tables of 64 slots; grows; checks them all again. Returns the tables'
/// bits after the growth.
fn grow_checked(n: u64, creates: u64, on_pool: bool) -> [u32; 2] {
    let mut src = |f: u32| Ok(format!("f{f}"));
    let loc = |record| Location {
        file: 0,
        record,
        line: record,
    };
    let dir = tempfile::tempdir().unwrap();
    let mut d = Duplicates::create(dir.path()).unwrap();
    for set in [&mut d.communication_numbers, &mut d.create_ext_ids] {
        set.bits = 6;
        set.slots = Slots::zeroed(1 << 6);
    }
    for i in 0..n {
        let k = keys(&format!("c{i}"), &format!("e{i}"), i < creates);
        assert!(d.check(&k, &loc(i), &mut src).unwrap().is_empty());
    }
    d.grow_if_needed(on_pool).unwrap();
    let bits = [d.communication_numbers.bits, d.create_ext_ids.bits];
    for i in 0..n {
        let k = keys(&format!("c{i}"), &format!("e{i}"), true);
        let found = d.check(&k, &loc(n + i), &mut src).unwrap();
        assert_eq!(found.len(), if i < creates { 2 } else { 1 }, "record {i}");
        for f in &found {
            assert!(
                f.message.ends_with(&format!("f0 record {i}")),
                "{}",
                f.message
            );
        }
    }
    bits
}

/// Equal tags (here: equal hashes) send the lookup to the file, where the keys differ:
/// a collision never makes a duplicate.
#[test]
fn equal_hashes_are_told_apart_by_the_keys() {
    let (_dir, mut set) = set(4);
    assert_eq!(set.insert_hashed("first", 42, at(0, 1)).unwrap(), None);
    assert_eq!(set.insert_hashed("second", 42, at(0, 2)).unwrap(), None);
    assert_eq!(
        set.insert_hashed("second", 42, at(0, 3)).unwrap(),
        Some(at(0, 2))
    );
    assert_eq!(
        set.insert_hashed("first", 42, at(0, 4)).unwrap(),
        Some(at(0, 1))
    );
}

/// The attacker's model: the unkeyed hash the tables used before they were keyed
/// (foldhash's fixed seed), against which keys can be crafted offline.
fn unkeyed_hash(key: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::default().hash_one(key.as_bytes())
}

/// Slots looked at while inserting `keys` into a fresh table of `1 << bits` slots.
fn probes(keys: &[String], bits: u32) -> u64 {
    let (_dir, mut set) = set(bits);
    for (i, k) in keys.iter().enumerate() {
        assert_eq!(set.insert(k, at(0, i as u64)).unwrap(), None);
    }
    assert_eq!(set.bits, bits, "the table must not grow during the count");
    set.probes
}

/// Keys crafted so that the unkeyed hash starts them all in the first 4 slots of a table
/// of 4,096 (the attack that made 300,000 communicationNumbers take minutes) cost the keyed
/// tables no more than twice the probes of ordinary keys. Probes are counted, not timed.
#[test]
fn keys_crafted_against_the_unkeyed_hash_probe_like_ordinary_keys() {
    const BITS: u32 = 12;
    // Under 3/4 of 4,096 slots: the table does not grow.
    const N: usize = 3_000;
    let mut crafted = Vec::with_capacity(N);
    let mut i = 0u64;
    while crafted.len() < N {
        let key = format!("LT{i:012}");
        // The top 10 bits pick the slot range; 1 try in 1,024 succeeds.
        if unkeyed_hash(&key) >> (64 - 10) == 0 {
            crafted.push(key);
        }
        i += 1;
    }
    let ordinary: Vec<String> = (0..N as u64)
        .map(|i| format!("LT{:012}", i * 7919))
        .collect();
    let (crafted, ordinary) = (probes(&crafted, BITS), probes(&ordinary, BITS));
    assert!(
        crafted <= 2 * ordinary,
        "crafted keys took {crafted} probes, ordinary keys {ordinary}"
    );
}
