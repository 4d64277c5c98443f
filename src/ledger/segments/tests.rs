use super::merge_group;
use crate::ledger::{Ledger, PayloadDigest, RunRecord};

/// Commits a run of one key (`CN-i`, `EXT-i`) through `ledger`, and merges.
fn night(ledger: &mut Ledger, dir: &std::path::Path, i: u64) {
    let run_id = format!("20260101T000000Z-{i:06}");
    ledger.begin_keys(dir).unwrap();
    let key = format!("CN-{i}");
    let ext = format!("EXT-{i}");
    ledger
        .add_keys(
            Some(&key),
            &PayloadDigest::Xxh3([1; 16]),
            Some(&ext),
            "night.ndjson",
            i,
        )
        .unwrap();
    let record = RunRecord {
        run_id: &run_id,
        out_dir: dir,
        started: "t",
        finished: "t",
        as_of: "2026-01-01",
        inputs: &[],
        options: &serde_json::json!({}),
        counts: [1, 1, 0, 0, 0],
        manifest_sha256: "0",
        previous_manifest: None,
    };
    ledger.stage(&record, std::iter::empty()).unwrap();
    ledger.confirm(&run_id).unwrap();
    ledger.compact().unwrap();
}

#[test]
fn the_newest_segments_merge_like_a_binary_counter() {
    // A night of 1M keys beside ten million: nothing to merge.
    assert_eq!(merge_group(&[(2, 1_000_000), (1, 10_000_000)]), vec![2]);
    // A second night of the same size merges with the first, not with the base.
    assert_eq!(
        merge_group(&[(3, 1_000_000), (2, 1_000_000), (1, 10_000_000)]),
        vec![3, 2]
    );
    // 1 + 1 then 2: the older segment is no larger than the two gathered.
    assert_eq!(
        merge_group(&[(4, 1), (3, 1), (2, 2), (1, 8)]),
        vec![4, 3, 2]
    );
    assert_eq!(merge_group(&[(5, 3), (4, 4)]), vec![5]);
    assert_eq!(merge_group(&[]), Vec::<i64>::new());
}

#[test]
fn a_key_moved_by_another_runs_merge_is_still_found() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let mut writer = Ledger::open(&path).unwrap();
    night(&mut writer, dir.path(), 1);
    // A reader that listed the segments (and loaded the filters) after night 1, and so
    // holds that state of the ledger until it writes...
    let mut reader = Ledger::open(&path).unwrap();
    assert!(reader.communication_number("CN-1").unwrap().is_some());
    assert!(reader.communication_number("CN-2").unwrap().is_none());
    // ...while night 2 merges night 1's segment into a new one: the reader still finds it.
    night(&mut writer, dir.path(), 2);
    assert_eq!(super::list(&writer.conn).unwrap().len(), 1);
    let found = reader.communication_number("CN-1").unwrap().unwrap();
    assert_eq!(found.run_id, "20260101T000000Z-000001");
    assert_eq!(
        reader.created_ext_id("EXT-1").unwrap().as_deref(),
        Some("20260101T000000Z-000001")
    );
    writer.verify_keys().unwrap();
}

#[test]
fn merged_segments_keep_every_key_in_order_with_its_details() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = Ledger::open(&dir.path().join("ledger.db")).unwrap();
    // Three runs of 3,000 keys each: blocks of several segments merged entry by entry.
    for run in 0..3u64 {
        let run_id = format!("20260101T000000Z-{run:06}");
        ledger.begin_keys(dir.path()).unwrap();
        for i in 0..3_000u64 {
            let n = run * 3_000 + i;
            ledger
                .add_keys(
                    Some(&format!("CN-{n}")),
                    &PayloadDigest::Xxh3([n as u8; 16]),
                    (n % 2 == 0).then(|| format!("EXT-{n}")).as_deref(),
                    &format!("file-{run}.ndjson"),
                    i + 1,
                )
                .unwrap();
        }
        let record = RunRecord {
            run_id: &run_id,
            out_dir: dir.path(),
            started: "t",
            finished: "t",
            as_of: "2026-01-01",
            inputs: &[],
            options: &serde_json::json!({}),
            counts: [3_000, 3_000, 0, 0, 0],
            manifest_sha256: "0",
            previous_manifest: None,
        };
        ledger.stage(&record, std::iter::empty()).unwrap();
        ledger.confirm(&run_id).unwrap();
        ledger.compact().unwrap();
    }
    // 3,000 then 3,000 merge (6,000), then the third stays beside them.
    assert_eq!(super::list(&ledger.conn).unwrap().len(), 2);
    ledger.verify_keys().unwrap();
    assert_eq!(ledger.key_counts().unwrap(), (9_000, 4_500));
    for n in [0u64, 2_999, 3_000, 5_999, 8_999] {
        let e = ledger
            .communication_number(&format!("CN-{n}"))
            .unwrap()
            .unwrap();
        let run = n / 3_000;
        assert_eq!(e.run_id, format!("20260101T000000Z-{run:06}"));
        assert_eq!(e.source, format!("file-{run}.ndjson"));
        assert_eq!(e.record, n % 3_000 + 1);
        assert_eq!(e.payload_digest, PayloadDigest::Xxh3([n as u8; 16]));
        assert_eq!(
            ledger
                .created_ext_id(&format!("EXT-{n}"))
                .unwrap()
                .is_some(),
            n % 2 == 0
        );
    }
    assert!(ledger.communication_number("CN-9000").unwrap().is_none());
}

/// Commits a run of `n` keys (`CN-i`, `EXT-i`) and returns (page size, blocks, largest
/// block, all entries' bytes) of the ledger's communicationNumbers.
fn many_keys(path: &std::path::Path, dir: &std::path::Path, n: u64) -> (u32, i64, i64, i64) {
    let mut ledger = Ledger::open(path).unwrap();
    ledger.begin_keys(dir).unwrap();
    for i in 0..n {
        let (key, ext) = (format!("CN-{i}"), format!("EXT-{i}"));
        let digest = PayloadDigest::Xxh3([i as u8; 16]);
        ledger
            .add_keys(Some(&key), &digest, Some(&ext), "night.ndjson", i)
            .unwrap();
    }
    let record = RunRecord {
        run_id: "20260101T000000Z-000001",
        out_dir: dir,
        started: "t",
        finished: "t",
        as_of: "2026-01-01",
        inputs: &[],
        options: &serde_json::json!({}),
        counts: [n, n, 0, 0, 0],
        manifest_sha256: "0",
        previous_manifest: None,
    };
    ledger.stage(&record, std::iter::empty()).unwrap();
    ledger.confirm(record.run_id).unwrap();
    ledger.verify_keys().unwrap();
    let conn = &ledger.conn;
    let page_size = conn
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap();
    let (blocks, largest, bytes) = conn
        .query_row(
            "SELECT count(*), max(length(entries)), sum(length(entries)) FROM key_blocks
             WHERE kind = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    (page_size, blocks, largest, bytes)
}

#[test]
fn blocks_fill_the_pages_of_the_ledger_without_overflowing() {
    let dir = tempfile::tempdir().unwrap();
    // A new ledger: pages of 16 KiB, blocks of about 4,000 bytes.
    let (page_size, blocks, largest, bytes) =
        many_keys(&dir.path().join("new.db"), dir.path(), 20_000);
    assert_eq!(page_size, 16384);
    let limit = super::blocks::block_bytes(16384) as i64;
    assert_eq!(limit, 3986);
    assert!((limit..limit + 100).contains(&largest), "{largest}");
    assert!(
        blocks <= bytes / limit + 1,
        "{blocks} blocks for {bytes} bytes"
    );
    // A ledger made with pages of 4 KiB keeps them, and its blocks stay under the 1,002
    // bytes a row keeps on such a page.
    let old = dir.path().join("old.db");
    let conn = rusqlite::Connection::open(&old).unwrap();
    conn.execute_batch("PRAGMA page_size = 4096; PRAGMA journal_mode = WAL;")
        .unwrap();
    drop(conn);
    let (page_size, _, largest, _) = many_keys(&old, dir.path(), 20_000);
    assert_eq!(page_size, 4096);
    assert_eq!(super::blocks::block_bytes(4096), 902);
    assert!((902..1002).contains(&largest), "{largest}");
}
