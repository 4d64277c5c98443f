use super::*;

fn entry(hash: u64, key: &str, run: &str, source: &str) -> Entry {
    Entry {
        hash,
        key: key.into(),
        payload_digest: PayloadDigest::Xxh3([hash as u8; 16]),
        run_id: run.into(),
        source: source.into(),
        record: hash % 1000,
    }
}

#[test]
fn blocks_keep_every_entry_and_never_split_a_hash() {
    let mut p = Packer::new(Kind::CommunicationNumber, block_bytes(4096));
    // Each key twice (two entries of one hash, as two runs would have it), in hash
    // order; runs and sources change every 7 and 13 entries.
    let mut keys: Vec<(u64, String)> = (0..1_000u64)
        .map(|i| format!("CN-{i}"))
        .map(|k| (super::super::filter::key_hash(&k), k))
        .collect();
    keys.sort();
    let mut all = Vec::new();
    for i in 0..2_000usize {
        let (hash, key) = &keys[i / 2];
        let mut e = entry(
            *hash,
            key,
            &format!("run-{}", i / 7),
            &format!("f{}", i / 13),
        );
        e.record = i as u64;
        p.push(e.as_ref());
        all.push(e);
    }
    let blocks = p.finish();
    assert!(blocks.len() > 10, "{}", blocks.len());
    let mut back = Vec::new();
    for (first, bytes) in &blocks {
        let mut d = Decoder::new(bytes, Kind::CommunicationNumber, Layout::Compact);
        let mut e = Entry::default();
        let mut is_first = true;
        while d.next_hashed(&mut e, is_first).unwrap() {
            if is_first {
                assert_eq!(e.hash, *first);
            }
            is_first = false;
            back.push(e.clone());
        }
    }
    assert_eq!(back, all);
    // No hash in two blocks, and every key found in its block (its first entry).
    let firsts: Vec<u64> = blocks.iter().map(|b| b.0).collect();
    for pair in all.chunks(2) {
        let e = &pair[0];
        let i = firsts.partition_point(|f| *f <= e.hash) - 1;
        let found = find_in_block(
            &blocks[i].1,
            Kind::CommunicationNumber,
            Layout::Compact,
            e.hash,
            &e.key,
        );
        assert_eq!(found.unwrap().as_ref(), Some(e));
        assert!(
            blocks[i]
                .1
                .windows(pair[1].key.len())
                .any(|w| w == pair[1].key.as_bytes())
        );
    }
    assert_eq!(
        find_in_block(
            &blocks[0].1,
            Kind::CommunicationNumber,
            Layout::Compact,
            0,
            "CN-99999"
        )
        .unwrap(),
        None
    );
    // A truncated block is an error, not a panic.
    let cut = &blocks[0].1[..blocks[0].1.len() - 3];
    let found = find_in_block(
        cut,
        Kind::CommunicationNumber,
        Layout::Compact,
        u64::MAX,
        "x",
    );
    assert!(found.is_err());
}

#[test]
fn entries_packed_from_their_stored_bytes_give_the_same_blocks() {
    for kind in Kind::ALL {
        let (mut decoded, mut stored) = (
            Packer::new(kind, block_bytes(4096)),
            Packer::new(kind, block_bytes(4096)),
        );
        for i in 0..3_000u64 {
            let mut e = entry(i, &format!("K-{i}"), "", &format!("f{}", i / 5));
            let mut bytes = Vec::new();
            encode(&mut bytes, kind, e.as_ref(), None);
            stored.push_stored(i, &bytes, "run-7").unwrap();
            e.run_id = "run-7".into();
            if kind == Kind::CreatedExtId {
                (e.source, e.record) = (String::new(), 0);
            }
            decoded.push(e.as_ref());
        }
        let stored = stored.finish();
        assert!(stored.len() > 10, "{}", stored.len());
        assert!(stored == decoded.finish());
        // A cut entry is an error, not a panic.
        let mut bytes = Vec::new();
        encode(&mut bytes, kind, entry(1, "K-1", "", "f").as_ref(), None);
        let mut p = Packer::new(kind, block_bytes(4096));
        assert!(p.push_stored(1, &bytes[..bytes.len() - 1], "r").is_err());
    }
}

#[test]
fn schema_4_blocks_are_read_in_their_fixed_layout() {
    // Two entries as schema version 4 wrote them: u32 lengths, the second entry's run
    // and source "the same" (u32::MAX), a 32-byte BLAKE3 digest, the record as u64.
    let mut block = Vec::new();
    for (hash, key, same) in [(5u64, "CN-1", false), (9, "CN-2", true)] {
        block.extend_from_slice(&hash.to_le_bytes());
        block.extend_from_slice(&(key.len() as u32).to_le_bytes());
        block.extend_from_slice(key.as_bytes());
        block.extend_from_slice(&[hash as u8; 32]);
        for text in ["run-1", "a.ndjson"] {
            if same {
                block.extend_from_slice(&FIXED_SAME.to_le_bytes());
            } else {
                block.extend_from_slice(&(text.len() as u32).to_le_bytes());
                block.extend_from_slice(text.as_bytes());
            }
        }
        block.extend_from_slice(&(hash * 10).to_le_bytes());
    }
    let found = find_in_block(&block, Kind::CommunicationNumber, Layout::Fixed, 9, "CN-2");
    assert_eq!(
        found.unwrap(),
        Some(Entry {
            hash: 9,
            key: "CN-2".into(),
            payload_digest: PayloadDigest::Blake3([9; 32]),
            run_id: "run-1".into(),
            source: "a.ndjson".into(),
            record: 90,
        })
    );
    // Read as the compact layout, the same bytes are damaged, not misread as a key.
    let misread = find_in_block(
        &block,
        Kind::CommunicationNumber,
        Layout::Compact,
        9,
        "CN-2",
    );
    assert!(!matches!(misread, Ok(Some(_))));
}

#[test]
fn varints_round_trip_and_a_cut_one_is_an_error() {
    for n in [0u64, 1, 127, 128, 300, 1 << 35, u64::MAX] {
        let mut out = Vec::new();
        put_varint(&mut out, n);
        let mut d = Decoder::new(&out, Kind::CreatedExtId, Layout::Compact);
        assert_eq!(d.varint().unwrap(), n);
        assert!(d.bytes.is_empty());
        let mut cut = Decoder::new(&out[..out.len() - 1], Kind::CreatedExtId, Layout::Compact);
        assert!(cut.varint().is_err());
    }
    // Eleven continuation bytes are not a number.
    let mut d = Decoder::new(&[0xff; 11], Kind::CreatedExtId, Layout::Compact);
    assert!(d.varint().is_err());
}

#[test]
fn stored_hashes_keep_the_unsigned_order() {
    let hashes = [
        0,
        1,
        1 << 62,
        (1 << 63) - 1,
        1 << 63,
        u64::MAX - 1,
        u64::MAX,
    ];
    for w in hashes.windows(2) {
        assert!(stored_hash(w[0]) < stored_hash(w[1]), "{w:?}");
    }
}
