//! The digest a communicationNumber's payload is remembered by, so that the next night can
//! tell an unchanged record (the same number, the same payload) from a changed one.
//!
//! **XXH3-128, not BLAKE3.** Every accepted record is digested, a million a night. BLAKE3
//! of the million canonical payloads of the benchmark corpus (about a kilobyte each: one
//! BLAKE3 chunk, which its SIMD cannot spread) cost 1.2 s of CPU, a third of what a run with
//! a ledger added to the run without; XXH3-128 costs 0.05 s. Measured with a ledger of ten
//! million keys (`scripts/bench-ledger.sh`): the run went from 3.4 s to 2.9 s.
//!
//! What a collision could do: a record whose number was accepted before, with a changed
//! payload, would be listed as unchanged instead of rejected as a reused number. Neither
//! sends it to AMLYZE, so nothing is delivered that should not be, and no earlier
//! acceptance is forgotten. By accident, two payloads agree in 128 bits with a chance of
//! 2^-128 per comparison; forging one takes someone who writes the bank's own input files.
//! The digests that an auditor checks (input files, outputs, manifests) stay BLAKE3 and
//! SHA-256.
//!
//! Ledgers of schema version 4 hold BLAKE3 digests (32 bytes); they are kept as they are and
//! compared by hashing the payload with BLAKE3 again, which happens only for a record whose
//! number is found in such an entry.

/// A payload's digest, as the ledger keeps it with the payload's communicationNumber.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PayloadDigest {
    /// XXH3-128 (little-endian): what this version writes.
    Xxh3([u8; 16]),
    /// BLAKE3: what schema version 4 wrote.
    Blake3([u8; 32]),
}

impl Default for PayloadDigest {
    fn default() -> Self {
        PayloadDigest::Xxh3([0; 16])
    }
}

impl PayloadDigest {
    /// The digest this version writes for `payload`.
    pub fn of(payload: &[u8]) -> PayloadDigest {
        PayloadDigest::Xxh3(xxhash_rust::xxh3::xxh3_128(payload).to_le_bytes())
    }

    /// Whether this (earlier) digest is of `payload`, whose digest this version computed as
    /// `digest`; a BLAKE3 digest is checked by hashing the payload with BLAKE3.
    pub fn matches(&self, payload: &[u8], digest: &PayloadDigest) -> bool {
        match self {
            PayloadDigest::Xxh3(_) => self == digest,
            PayloadDigest::Blake3(d) => blake3::hash(payload).as_bytes() == d,
        }
    }

    /// The digest's bytes (16 or 32: the length says which it is).
    pub(super) fn bytes(&self) -> &[u8] {
        match self {
            PayloadDigest::Xxh3(d) => d,
            PayloadDigest::Blake3(d) => d,
        }
    }

    /// The digest of these bytes, by their length; `None` for another length.
    pub(super) fn from_bytes(bytes: &[u8]) -> Option<PayloadDigest> {
        match bytes.len() {
            16 => bytes.try_into().ok().map(PayloadDigest::Xxh3),
            32 => bytes.try_into().ok().map(PayloadDigest::Blake3),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digest_matches_its_payload_only_whichever_kind_it_is() {
        let payload = br#"{"communicationNumber":"CN-1"}"#;
        let digest = PayloadDigest::of(payload);
        assert!(matches!(digest, PayloadDigest::Xxh3(_)));
        let other = PayloadDigest::of(b"{}");
        assert!(digest.matches(payload, &digest));
        assert!(!digest.matches(b"{}", &other));
        // A schema-4 entry: BLAKE3, compared by hashing the payload again.
        let old = PayloadDigest::Blake3(*blake3::hash(payload).as_bytes());
        assert!(old.matches(payload, &digest));
        assert!(!old.matches(b"{}", &other));
        // Bytes and back, by length.
        for d in [digest, old] {
            assert_eq!(PayloadDigest::from_bytes(d.bytes()), Some(d));
        }
        assert_eq!(PayloadDigest::from_bytes(&[0; 20]), None);
    }
}
