//! A blocked Bloom filter of key hashes, one per segment of the ledger's keys and kind: a
//! run loads it (2 bytes per key: 20 MB for ten million) instead of scanning the keys, asks
//! it about every accepted record, and reads a block of keys from SQLite only when the
//! filter says "maybe" (every key seen before, and about one new key in a thousand).
//! Blocked: all of a key's bits are in one cache line (`BLOCK_WORDS`).

/// Bits per key the filter is sized for, and hash functions: a false positive rate near
/// 0.1% (computed for 512-bit blocks: 0.96% at 10 bits, 0.41% at 12, 0.10% at 16).
///
/// Measured with a ledger of ten million keys and a run of a million new records: at 10
/// bits a key, 16,871 lookups passed the filter and each read a block from SQLite, about
/// 15 µs apiece on the ordered end (a quarter of a second of the run); 16 bits cut them
/// tenfold for 7.5 MB more memory per ten million keys of each kind. Filters stored with
/// another size (segments written at 10 bits) are read at their own size (`from_chunks`).
const BITS_PER_KEY: u64 = 16;
const HASHES: u32 = 7;
/// Words per block: a key's bits are all in one block of 512 bits, one cache line, so that
/// asking about a key costs one memory access, not seven. (Measured: the filters of ten
/// million keys are 25 MB, far past the caches, and with seven independent bits and a
/// division each, `may_contain` was 6% of a run's time.)
const BLOCK_WORDS: usize = 8;
/// Words per stored chunk: 1 MiB.
const CHUNK_WORDS: usize = 1 << 17;

#[derive(Debug, Clone)]
pub struct Filter {
    /// The number of keys the filter was sized for (a segment's: its filter never grows).
    pub capacity: u64,
    pub count: u64,
    bits: Vec<u64>,
}

impl Filter {
    pub fn with_capacity(capacity: u64) -> Filter {
        let capacity = capacity.max(1 << 16);
        let words = words_for(capacity);
        Filter {
            capacity,
            count: 0,
            bits: vec![0; words],
        }
    }

    /// A stored filter, from its chunks in order (`None` if they are not whole blocks).
    /// Its size is the stored one: a filter sized at another number of bits per key works
    /// the same, with its own false positive rate. Chunks, not one blob: a 25 MB blob was
    /// read into a buffer and then converted, two copies at once at every start.
    pub fn from_chunks(
        capacity: u64,
        count: u64,
        chunks: &mut dyn Iterator<Item = Vec<u8>>,
    ) -> Option<Filter> {
        let capacity = capacity.max(1 << 16);
        let mut bits = Vec::with_capacity(words_for(capacity));
        for chunk in chunks {
            if chunk.len() % 8 != 0 {
                return None;
            }
            bits.extend(
                chunk
                    .chunks_exact(8)
                    .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default())),
            );
        }
        (!bits.is_empty() && bits.len() % BLOCK_WORDS == 0).then_some(Filter {
            capacity,
            count,
            bits,
        })
    }

    /// The filter as chunks of at most `CHUNK_WORDS` words, to store.
    pub fn chunks(&self) -> impl Iterator<Item = Vec<u8>> + '_ {
        self.bits
            .chunks(CHUNK_WORDS)
            .map(|c| c.iter().flat_map(|w| w.to_le_bytes()).collect())
    }

    /// The block of a key (from the hash's high bits, by multiplication: no division)
    /// and its bits in the block (nine bits each from a remix of the hash).
    fn place(&self, hash: u64) -> (usize, u64) {
        let blocks = (self.bits.len() / BLOCK_WORDS) as u128;
        let block = ((u128::from(hash) * blocks) >> 64) as usize;
        (
            block * BLOCK_WORDS,
            hash.wrapping_mul(0x9E37_79B9_7F4A_7C15),
        )
    }

    fn bit_positions(mix: u64) -> impl Iterator<Item = usize> {
        (0..HASHES).map(move |i| ((mix >> (i * 9)) & 511) as usize)
    }

    pub fn insert(&mut self, hash: u64) {
        let (base, mix) = self.place(hash);
        for p in Self::bit_positions(mix) {
            self.bits[base + p / 64] |= 1 << (p % 64);
        }
        self.count += 1;
    }

    /// The first word of the key's block: reading it brings the block into the cache.
    pub fn first_word(&self, hash: u64) -> u64 {
        self.bits[self.place(hash).0]
    }

    pub fn may_contain(&self, hash: u64) -> bool {
        let (base, mix) = self.place(hash);
        let block = &self.bits[base..base + BLOCK_WORDS];
        Self::bit_positions(mix).all(|p| block[p / 64] & (1 << (p % 64)) != 0)
    }
}

/// Words of a filter for `capacity` keys: whole blocks.
fn words_for(capacity: u64) -> usize {
    ((capacity * BITS_PER_KEY).div_ceil(64) as usize).next_multiple_of(BLOCK_WORDS)
}

/// The stable hash a key is filed under in the ledger (it outlives program versions, so it
/// is not the run's in-memory hash): the first 8 bytes of its BLAKE3.
pub fn key_hash(key: &str) -> u64 {
    let h = blake3::hash(key.as_bytes());
    u64::from_le_bytes(h.as_bytes()[..8].try_into().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inserted_keys_are_always_found_and_strangers_rarely() {
        let mut f = Filter::with_capacity(100_000);
        for i in 0..100_000 {
            f.insert(key_hash(&format!("CN-{i}")));
        }
        assert!((0..100_000).all(|i| f.may_contain(key_hash(&format!("CN-{i}")))));
        let false_positives = (0..100_000)
            .filter(|i| f.may_contain(key_hash(&format!("other-{i}"))))
            .count();
        assert!(false_positives < 300, "{false_positives}");
        let back = Filter::from_chunks(f.capacity, f.count, &mut f.chunks()).unwrap();
        assert!(back.may_contain(key_hash("CN-7")));
        assert_eq!(back.bits, f.bits);
        // A chunk short of a word: the stored filter is not whole blocks, so it is not used.
        let mut short = f.chunks().map(|mut c| {
            c.truncate(c.len() - 8);
            c
        });
        assert!(Filter::from_chunks(f.capacity, f.count, &mut short).is_none());
        // A filter stored at another size (an older program's bits per key) is read at its
        // own size and still finds every key it holds.
        let mut old = Filter {
            capacity: 100_000,
            count: 0,
            // Ten bits a key, as this program once sized its filters.
            bits: vec![0; (100_000u64 * 10).div_ceil(64).next_multiple_of(8) as usize],
        };
        for i in 0..100_000 {
            old.insert(key_hash(&format!("CN-{i}")));
        }
        let back = Filter::from_chunks(old.capacity, old.count, &mut old.chunks()).unwrap();
        assert_eq!(back.bits.len(), old.bits.len());
        assert!((0..100_000).all(|i| back.may_contain(key_hash(&format!("CN-{i}")))));
    }
}
