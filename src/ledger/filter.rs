//! A Bloom filter of key hashes, kept in the ledger beside the keys: a run loads it (about
//! 1.25 bytes per key: 12.5 MB for ten million) instead of scanning the keys, asks it about
//! every accepted record, and looks a key up in SQLite only when the filter says "maybe"
//! (every key seen before, and about one new key in a hundred).

/// Bits per key the filter is sized for, and hash functions: a false positive rate near 1%.
const BITS_PER_KEY: u64 = 10;
const HASHES: u32 = 7;
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
        let words = (capacity * BITS_PER_KEY).div_ceil(64) as usize;
        Filter {
            capacity,
            count: 0,
            bits: vec![0; words],
        }
    }

    /// A stored filter, from its chunks in order (`None` if they do not add up to its
    /// size). Chunks, not one blob: a 25 MB blob was read into a buffer and then converted,
    /// two copies at once at every start.
    pub fn from_chunks(
        capacity: u64,
        count: u64,
        chunks: &mut dyn Iterator<Item = Vec<u8>>,
    ) -> Option<Filter> {
        let capacity = capacity.max(1 << 16);
        let words = (capacity * BITS_PER_KEY).div_ceil(64) as usize;
        let mut bits = Vec::with_capacity(words);
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
        (bits.len() == words).then_some(Filter {
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

    fn positions(&self, hash: u64) -> impl Iterator<Item = usize> + '_ {
        let n = self.bits.len() as u64 * 64;
        let (h1, h2) = (hash, hash.rotate_left(32) | 1);
        (0..u64::from(HASHES)).map(move |i| (h1.wrapping_add(i.wrapping_mul(h2)) % n) as usize)
    }

    pub fn insert(&mut self, hash: u64) {
        let positions: Vec<usize> = self.positions(hash).collect();
        for p in positions {
            self.bits[p / 64] |= 1 << (p % 64);
        }
        self.count += 1;
    }

    pub fn may_contain(&self, hash: u64) -> bool {
        self.positions(hash)
            .all(|p| self.bits[p / 64] & (1 << (p % 64)) != 0)
    }
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
        assert!(false_positives < 2_000, "{false_positives}");
        let back = Filter::from_chunks(f.capacity, f.count, &mut f.chunks()).unwrap();
        assert!(back.may_contain(key_hash("CN-7")));
        assert_eq!(back.bits, f.bits);
        // A chunk short of a word: the stored filter does not add up, so it is not used.
        let mut short = f.chunks().map(|mut c| {
            c.truncate(c.len() - 8);
            c
        });
        assert!(Filter::from_chunks(f.capacity, f.count, &mut short).is_none());
    }
}
