//! Cross-record rules: a communicationNumber used twice, a second CREATE for the same
//! customerExtId. They run on the outcomes in the run's deterministic order (files sorted
//! by path, records in file order), so "earlier" means the same thing on every run.
//!
//! Keys are held compactly and compared exactly: a hash collision can never reject a
//! record. **(decision)** A key counts from the first record that carries it, whatever that
//! record's verdict: the vendor sees the number as used once either record is sent, and the
//! report names the first holder so the officer can decide.
//!
//! Memory per key is what bounds a run of millions of records, so the keys themselves are
//! not held in memory. A `KeySet` is an open-addressing table of `u32` slots (a hash tag
//! and an entry number) over a temporary file of fixed 32-byte entries (first holder's file
//! and record, the key's length, the key; keys over 19 bytes go to a second file). The file
//! is read only when a tag matches: for a real duplicate, or for a new key one time in
//! 2^(32 - table bits). Memory is 4 bytes per slot: 4.6 to 9.1 bytes per key once a
//! table is large (5 to 7 million records, two keys each: 64 MiB; past 7.3 million keys in
//! one table, that table doubles to 64 MiB and a run passes 128 MiB); the files live in the
//! operating system's page cache, not in the process. They are `spill` files, made by
//! `tempfile` in the run's directory: with `O_TMPFILE` on Linux (they never have a name),
//! elsewhere created with `O_EXCL`, mode 0600, and unlinked at once (on Windows, deleted on
//! close); nothing is left behind, even by a killed run.
//!
//! Keys come from the input, so the hash is keyed: foldhash under seeds drawn from the
//! operating system's randomness (through the standard library's `RandomState`) for each
//! process. With the fixed seed it had before, a file could be crafted whose keys all start
//! probing at one slot, and every insertion then walked the whole cluster: 300,000 such
//! communicationNumbers took 52 s instead of 0.3 s. Under a seed the file's author cannot
//! know, crafted keys land like any others. **(decision)** Keyed foldhash rather than
//! SipHash: foldhash only claims to resist attackers who cannot observe its hashes, and
//! nothing here lets them: the seed never leaves the process and changes every run, the
//! tables are only probed, never iterated, the keys are compared exactly, and nothing the
//! run writes depends on the seed (a test compares two runs byte for byte). SipHash cost
//! 1% more instructions per record for no gain against that attacker.

use std::io;
use std::path::Path;

use super::Keys;
use crate::diagnostic::{Code, Diagnostic};
use crate::record::Location;
use crate::spill::Spill;

/// Where a key was first seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FirstSeen {
    pub file: u32,
    pub record: u64,
}

/// The process's secret hash keys, drawn from the operating system's randomness (through
/// the standard library's `RandomState`) on first use.
struct HashKey {
    per_hasher: u64,
    shared: foldhash::SharedSeed,
}

static HASH_KEY: std::sync::LazyLock<HashKey> = std::sync::LazyLock::new(|| {
    use std::hash::BuildHasher;
    let os = std::collections::hash_map::RandomState::new();
    HashKey {
        per_hasher: os.hash_one(0u8),
        shared: foldhash::SharedSeed::from_u64(os.hash_one(1u8)),
    }
});

/// The hash a `KeySet` files a key under: keyed (see the module's note), the same for the
/// whole process, so that workers can compute it for the ordered thread.
pub fn key_hash(key: &str) -> u64 {
    key_hash_bytes(key.as_bytes())
}

fn key_hash_bytes(key: &[u8]) -> u64 {
    use std::hash::Hasher;
    let k = &*HASH_KEY;
    let mut h = foldhash::fast::FoldHasher::with_seed(k.per_hasher, &k.shared);
    h.write(key);
    h.finish()
}

/// Bytes of one entry: file (4), record (8), length byte (1), then the key inline, or for a
/// longer key the marker length `SPILLED` and its offset (8) and length (8) in the second file.
const ENTRY: usize = 32;
const INLINE: usize = ENTRY - 13;
const SPILLED: u8 = u8::MAX;
/// Slots of a new table (a power of two): 786k keys before the first growth, 4 MiB.
const INITIAL_BITS: u32 = 20;
/// Tables of this many bits (16 MiB) and more are filled to 7/8 before they grow, smaller
/// ones to 3/4 (`KeySet::max_load`).
const DENSE_BITS: u32 = 22;

/// A table's slots, zeroed: an anonymous memory map, as the system allocator gave it
/// before. A table is tens of megabytes, and a map is returned to the system as soon as it
/// is dropped, so the table given up when the set grows goes back straight away; its pages
/// are zero until written and only then resident, so a small run never touches most of
/// its two 4 MiB tables. (`vec![0; n]` through the binary's allocator: the same peak at
/// 5M records, but one record peaked 4 MiB higher, 28 against 24 MiB.)
struct Slots(memmap2::MmapMut);

impl Slots {
    /// Fails as an allocation does: a table the system cannot map ends the process.
    fn zeroed(len: usize) -> Slots {
        let layout = std::alloc::Layout::array::<u32>(len)
            .unwrap_or_else(|_| panic!("a table of {len} slots exceeds the address space"));
        match memmap2::MmapMut::map_anon(layout.size()) {
            Ok(map) => Slots(map),
            Err(_) => std::alloc::handle_alloc_error(layout),
        }
    }
}

impl std::ops::Deref for Slots {
    type Target = [u32];
    fn deref(&self) -> &[u32] {
        // A map starts on a page boundary and holds whole `u32`s: the cast cannot fail.
        bytemuck::cast_slice(&self.0)
    }
}

impl std::ops::DerefMut for Slots {
    fn deref_mut(&mut self) -> &mut [u32] {
        bytemuck::cast_slice_mut(&mut self.0)
    }
}

struct KeySet {
    /// 0: empty; else `tag << bits | (entry + 1)`, `tag` the hash's low `32 - bits` bits.
    /// The slot of a key is the top `bits` bits of its hash, then the next (linear probing).
    slots: Slots,
    bits: u32,
    len: u64,
    entries: Spill,
    long_keys: Spill,
    /// Slots looked at by `insert_hashed` (tests measure probe lengths, not time).
    #[cfg(test)]
    probes: u64,
}

impl KeySet {
    fn create(dir: &Path, name: &str) -> io::Result<KeySet> {
        Ok(KeySet {
            slots: Slots::zeroed(1 << INITIAL_BITS),
            bits: INITIAL_BITS,
            len: 0,
            entries: Spill::create(dir, &format!("{name}-entries"))?,
            long_keys: Spill::create(dir, &format!("{name}-long"))?,
            #[cfg(test)]
            probes: 0,
        })
    }

    /// The low `32 - bits` bits of the hash: independent of the slot, which comes from the
    /// top bits (a tag from the top bits would be the same for every key near a slot).
    fn tag(hash: u64, bits: u32) -> u32 {
        (hash as u32) & (u32::MAX >> bits)
    }

    /// Loads the slot a key with this hash starts probing at: done for a whole batch
    /// before its keys are inserted one by one, the loads overlap instead of each insert
    /// waiting for its own cache miss.
    #[inline]
    fn touch(&self, hash: u64) -> u32 {
        self.slots[(hash >> (64 - self.bits)) as usize]
    }

    /// Entry `n`: where its key was first seen, and the key.
    fn entry(&mut self, n: u64) -> io::Result<(FirstSeen, Vec<u8>)> {
        let mut e = [0u8; ENTRY];
        self.entries.read(n * ENTRY as u64, &mut e)?;
        let word = |r: std::ops::Range<usize>| {
            let mut b = [0u8; 8];
            b[..r.len()].copy_from_slice(&e[r]);
            u64::from_le_bytes(b)
        };
        let first = FirstSeen {
            file: word(0..4) as u32,
            record: word(4..12),
        };
        let key = if e[12] == SPILLED {
            let mut key = vec![0u8; word(21..29) as usize];
            self.long_keys.read(word(13..21), &mut key)?;
            key
        } else {
            e[13..13 + (e[12] as usize).min(INLINE)].to_vec()
        };
        Ok((first, key))
    }

    fn append(&mut self, key: &[u8], at: FirstSeen) -> io::Result<()> {
        let mut e = [0u8; ENTRY];
        e[0..4].copy_from_slice(&at.file.to_le_bytes());
        e[4..12].copy_from_slice(&at.record.to_le_bytes());
        if key.len() <= INLINE {
            e[12] = key.len() as u8;
            e[13..13 + key.len()].copy_from_slice(key);
        } else {
            let offset = self.long_keys.append(key)?;
            e[12] = SPILLED;
            e[13..21].copy_from_slice(&offset.to_le_bytes());
            e[21..29].copy_from_slice(&(key.len() as u64).to_le_bytes());
        }
        self.entries.append(&e)?;
        Ok(())
    }

    #[cfg(test)]
    fn insert(&mut self, key: &str, at: FirstSeen) -> io::Result<Option<FirstSeen>> {
        self.insert_hashed(key, key_hash(key), at)
    }

    /// Inserts `key`, whose `key_hash` is `hash`; returns where it was first seen when it
    /// was already there. Keys are compared exactly: equal tags only send us to the file.
    fn insert_hashed(
        &mut self,
        key: &str,
        hash: u64,
        at: FirstSeen,
    ) -> io::Result<Option<FirstSeen>> {
        let key = key.as_bytes();
        let tag = Self::tag(hash, self.bits);
        let entry_mask = (1u32 << self.bits) - 1;
        let mask = self.slots.len() - 1;
        let mut i = (hash >> (64 - self.bits)) as usize;
        loop {
            #[cfg(test)]
            {
                self.probes += 1;
            }
            let slot = self.slots[i];
            if slot == 0 {
                break;
            }
            if slot >> self.bits == tag {
                let (first, stored) = self.entry(u64::from((slot & entry_mask) - 1))?;
                if stored == key {
                    return Ok(Some(first));
                }
            }
            i = (i + 1) & mask;
        }
        self.append(key, at)?;
        self.slots[i] = tag << self.bits | (self.len as u32 + 1);
        self.len += 1;
        // The table normally grows between batches (`Duplicates::grow_if_needed`); a batch
        // with a great many keys makes it grow here, one sixteenth later: entry numbers
        // always fit beside the tag (the load stays under 1).
        if self.over(self.max_load() + 1) {
            self.grow()?;
        }
        Ok(None)
    }

    /// The load, in sixteenths, over which the table grows: 12 (3/4) while it is small,
    /// 14 (7/8) from `DENSE_BITS` up. Growth doubles memory, and a large table is what
    /// bounds a run's memory: at 7/8, two tables of 32 MiB hold 7.3 million keys each
    /// (at 3/4, 6.3 million). A 5.2 GB NDJSON file of 7 million generated leads peaked at
    /// 120 MiB, against 190 MiB at 3/4, and ran 7% faster for the growth it did not need.
    /// The price is longer probes for a new key, about 8 slots on average between
    /// growths and 33 just before one, against 4 and 9 at 3/4: a few cache lines, read in
    /// order.
    fn max_load(&self) -> u64 {
        if self.bits >= DENSE_BITS { 14 } else { 12 }
    }

    /// More than `sixteenths`/16 full (the table has `1 << bits` slots).
    fn over(&self, sixteenths: u64) -> bool {
        self.len * 16 > (1u64 << self.bits) * sixteenths
    }

    /// Time to grow.
    fn needs_growth(&self) -> bool {
        self.over(self.max_load())
    }

    /// Within 1/8 of growing: close enough that it grows with the other set.
    fn nearly_needs_growth(&self) -> bool {
        self.over(self.max_load() - 2)
    }

    /// Doubles the table, placing every entry again from its key in the file (read in
    /// order, in large pieces). The old table is freed before the new one is allocated:
    /// the entries are all in the file, and holding both tables at once was the run's peak
    /// memory. If reading fails the table stays consistent (its size and `bits` agree) but
    /// incomplete; the error ends the run.
    fn grow(&mut self) -> io::Result<()> {
        let bits = self.bits + 1;
        if bits > 31 {
            return Err(io::Error::other(
                "more than a billion distinct keys: too many for the duplicate check",
            ));
        }
        self.slots = Slots::zeroed(0);
        self.slots = Slots::zeroed(1 << bits);
        self.bits = bits;
        let slots = &mut self.slots;
        let mask = slots.len() - 1;
        let per_read = 8 << 10;
        let mut chunk = vec![0u8; per_read * ENTRY];
        let mut n = 0u64;
        while n < self.len {
            let count = (self.len - n).min(per_read as u64) as usize;
            let buf = &mut chunk[..count * ENTRY];
            self.entries.read(n * ENTRY as u64, buf)?;
            for k in 0..count {
                let e = &buf[k * ENTRY..(k + 1) * ENTRY];
                let hash = if e[12] == SPILLED {
                    let mut key = vec![0u8; u64_at(e, 21) as usize];
                    self.long_keys.read(u64_at(e, 13), &mut key)?;
                    key_hash_bytes(&key)
                } else {
                    key_hash_bytes(&e[13..13 + (e[12] as usize).min(INLINE)])
                };
                let mut i = (hash >> (64 - bits)) as usize;
                while slots[i] != 0 {
                    i = (i + 1) & mask;
                }
                slots[i] = Self::tag(hash, bits) << bits | (n as u32 + k as u32 + 1);
            }
            n += count as u64;
        }
        Ok(())
    }
}

/// The little-endian `u64` at `at` in an entry.
fn u64_at(e: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&e[at..at + 8]);
    u64::from_le_bytes(b)
}

/// The run's duplicate detector.
pub struct Duplicates {
    communication_numbers: KeySet,
    create_ext_ids: KeySet,
}

impl Duplicates {
    /// A detector whose key files (nameless `spill` files) live in `dir`, the run's output
    /// directory.
    pub fn create(dir: &Path) -> io::Result<Self> {
        Ok(Duplicates {
            communication_numbers: KeySet::create(dir, "keys-communication-number")?,
            create_ext_ids: KeySet::create(dir, "keys-customer-ext-id")?,
        })
    }

    /// Loads the table slots the keys of a batch will probe (see `KeySet::touch`).
    pub fn warm<'k>(&self, keys: impl Iterator<Item = &'k Keys>) {
        let mut acc = 0u32;
        for k in keys {
            if let Some([cn, ext]) = k.hashes {
                acc ^= self.communication_numbers.touch(cn) ^ self.create_ext_ids.touch(ext);
            }
        }
        std::hint::black_box(acc);
    }

    /// Grows the tables that are over their load limit (3/4, or 7/8 for large ones);
    /// called between batches.
    ///
    /// The two tables fill at about the same pace (most records carry both keys), so
    /// when one must grow and the other is within 1/8 of its limit, both grow now; each growth
    /// takes 25 to 50 ms at 800,000 keys, and no batch is consumed meanwhile.
    ///
    /// On a pool of two or more threads the second growth is offered to the other threads
    /// as a broadcast, which a worker takes as soon as it ends its current task (before it
    /// steals the next batch), while this thread grows the first. One after the other on
    /// this thread, the growths outlasted the batches queued for the other threads, which
    /// then waited (about 60 ms of idle core per million records). Whoever gets to the
    /// second growth first does it: if no other thread is free, this thread does it
    /// itself once it has checked the batches queued on it.
    ///
    /// `on_pool` says that the caller runs on the run's own pool of two or more threads
    /// (`--jobs` 2 or more). It is passed, not detected: a library caller may run a
    /// `--jobs 1` run on a thread of some other rayon pool, whose threads may be waiting
    /// for this very run and must not be handed work by it.
    pub fn grow_if_needed(&mut self, on_pool: bool) -> io::Result<()> {
        let (a, b) = (&mut self.communication_numbers, &mut self.create_ext_ids);
        // They cross the limit a few records apart: the other grows too when nearly there.
        let grow_a = a.needs_growth() || (b.needs_growth() && a.nearly_needs_growth());
        let grow_b = b.needs_growth() || (a.needs_growth() && b.nearly_needs_growth());
        let on_pool = on_pool && rayon::current_thread_index().is_some();
        if grow_a && grow_b && on_pool {
            let second = std::sync::Mutex::new(Some(b));
            let second_result = std::sync::Mutex::new(Ok(()));
            let mut first_result = Ok(());
            rayon::scope(|s| {
                s.spawn_broadcast(|_, _| {
                    let taken = second.lock().unwrap_or_else(|e| e.into_inner()).take();
                    if let Some(b) = taken {
                        let r = b.grow();
                        *second_result.lock().unwrap_or_else(|e| e.into_inner()) = r;
                    }
                });
                first_result = a.grow();
            });
            first_result?;
            return second_result
                .into_inner()
                .unwrap_or_else(|e| e.into_inner());
        }
        if grow_a {
            a.grow()?;
        }
        if grow_b {
            b.grow()?;
        }
        Ok(())
    }

    /// Checks one record's keys against the earlier records; `source_of` names a file.
    /// Fails only when the key files cannot be written or read (the run cannot go on
    /// without its duplicate check).
    pub fn check(
        &mut self,
        keys: &Keys,
        loc: &Location,
        source_of: &mut dyn FnMut(u32) -> io::Result<String>,
    ) -> io::Result<Vec<Diagnostic>> {
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
            && let Some(first) = self
                .communication_numbers
                .insert_hashed(cn, cn_hash, here)?
        {
            found.push(Diagnostic::error(
                Code::DuplicateCommunicationNumber,
                "communicationNumber",
                format!(
                    "communicationNumber {cn:?} was already used by {} record {}",
                    source_of(first.file)?,
                    first.record
                ),
            ));
        }
        if keys.is_create
            && let Some(ext) = &keys.customer_ext_id
            && let Some(first) = self.create_ext_ids.insert_hashed(ext, ext_hash, here)?
        {
            found.push(Diagnostic::error(
                Code::DuplicateCustomerExtId,
                "customerExtId",
                format!(
                    "a CREATE for customerExtId {ext:?} was already made by {} record {}",
                    source_of(first.file)?,
                    first.record
                ),
            ));
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests;
