//! The ledger's keys in segments, so that a night's commit appends instead of rewriting.
//!
//! A key's row (key, payload digest, run, source, record) lives in an append-only rowid
//! table (`communication_numbers`, `created_ext_ids`). It is found through a second table
//! of `(segment, hash, id)` clustered in that order (`communication_number_hashes`,
//! `created_ext_id_hashes`). Each committed run adds its keys as a new segment, numbered
//! above every other, written sorted by hash: every entry lands at the right-hand end of the
//! B-tree, so a commit writes its own entries and nothing else.
//!
//! Measured with ten million keys in the ledger and a run adding 900,000: an index on the
//! hash alone (schema version 3) put the new entries between the old ones on nearly every
//! leaf page, so each commit rewrote most of a 200 MB index (6.3 s of an 8.2 s commit).
//! With segments the commit writes only its own 20 MB.
//!
//! A lookup (after the Bloom filter says "maybe") asks the segments newest first and stops
//! at the first that has the key: a key is accepted once, so it is in one segment, and the
//! records of a cumulative export are mostly in the newest. To keep the number of segments
//! small, `compact` merges the newest committed segments while the next older one is no
//! larger than those merged so far (a binary counter: a key is rewritten about log2 of the
//! ledger's growth times, and there are at most that many segments). Segments of pending
//! runs are never merged, so that rolling a pending run back is deleting its segment.

use rusqlite::{OptionalExtension, Transaction, params};

use super::{Ledger, LedgerError, sql};

/// The two kinds of keys: their row table and their hash table.
#[derive(Clone, Copy)]
pub(super) enum Kind {
    CommunicationNumber,
    CreatedExtId,
}

impl Kind {
    pub(super) const ALL: [Kind; 2] = [Kind::CommunicationNumber, Kind::CreatedExtId];

    pub(super) fn rows(self) -> &'static str {
        match self {
            Kind::CommunicationNumber => "communication_numbers",
            Kind::CreatedExtId => "created_ext_ids",
        }
    }

    pub(super) fn hashes(self) -> &'static str {
        match self {
            Kind::CommunicationNumber => "communication_number_hashes",
            Kind::CreatedExtId => "created_ext_id_hashes",
        }
    }

    /// The column of `key_segments` that counts this kind's keys.
    fn count_column(self) -> &'static str {
        match self {
            Kind::CommunicationNumber => "numbers",
            Kind::CreatedExtId => "ext_ids",
        }
    }
}

/// Every segment, newest first.
pub(super) fn list(conn: &rusqlite::Connection) -> Result<Vec<i64>, LedgerError> {
    let mut st = conn
        .prepare_cached("SELECT segment FROM key_segments ORDER BY segment DESC")
        .map_err(sql)?;
    st.query_map([], |r| r.get(0))
        .map_err(sql)?
        .collect::<Result<_, _>>()
        .map_err(sql)
}

/// How many keys of a kind the segments hold.
pub(super) fn key_count(conn: &rusqlite::Connection, kind: Kind) -> Result<u64, LedgerError> {
    conn.query_row(
        &format!(
            "SELECT coalesce(sum({}), 0) FROM key_segments",
            kind.count_column()
        ),
        [],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n.max(0) as u64)
    .map_err(sql)
}

/// The number the next segment gets: above every segment there is.
pub(super) fn next(tx: &Transaction) -> Result<i64, LedgerError> {
    tx.query_row(
        "SELECT coalesce(max(segment), 0) + 1 FROM key_segments",
        [],
        |r| r.get(0),
    )
    .map_err(sql)
}

/// Records a new segment and how many keys of each kind it holds.
pub(super) fn add(
    tx: &Transaction,
    segment: i64,
    numbers: u64,
    ext_ids: u64,
) -> Result<(), LedgerError> {
    tx.execute(
        "INSERT INTO key_segments(segment, numbers, ext_ids) VALUES (?1, ?2, ?3)",
        params![segment, numbers as i64, ext_ids as i64],
    )
    .map(drop)
    .map_err(sql)
}

/// Deletes a rolled-back run's keys: its rows (one id range per table) and their hash
/// entries in its segment. The range also bounds the hash entries, because a ledger
/// migrated from version 3 has every earlier key, pending or not, in segment 1.
pub(super) fn delete_run_keys(tx: &Transaction, run_id: &str) -> Result<(), LedgerError> {
    for (kind, first, last) in [
        (
            Kind::CommunicationNumber,
            "first_number_id",
            "last_number_id",
        ),
        (Kind::CreatedExtId, "first_ext_id", "last_ext_id"),
    ] {
        let range: Option<(Option<i64>, Option<i64>, Option<i64>)> = tx
            .query_row(
                &format!("SELECT key_segment, {first}, {last} FROM runs WHERE run_id = ?1"),
                [run_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(sql)?;
        let Some((segment, Some(first), Some(last))) = range else {
            continue;
        };
        if let Some(segment) = segment {
            tx.execute(
                &format!(
                    "DELETE FROM {} WHERE segment = ?1 AND id BETWEEN ?2 AND ?3",
                    kind.hashes()
                ),
                params![segment, first, last],
            )
            .map_err(sql)?;
            let removed = tx.changes() as i64;
            tx.execute(
                &format!(
                    "UPDATE key_segments SET {c} = {c} - ?2 WHERE segment = ?1",
                    c = kind.count_column()
                ),
                params![segment, removed],
            )
            .map_err(sql)?;
        }
        tx.execute(
            &format!("DELETE FROM {} WHERE id BETWEEN ?1 AND ?2", kind.rows()),
            params![first, last],
        )
        .map_err(sql)?;
    }
    tx.execute(
        "DELETE FROM key_segments WHERE numbers <= 0 AND ext_ids <= 0",
        [],
    )
    .map(drop)
    .map_err(sql)
}

impl Ledger {
    /// The id of this key's row, asking the segments newest first. The segments are those
    /// listed when the filters were loaded; on a miss, the list is read again in case
    /// another run merged segments since (a merge moves keys to a new segment).
    pub(super) fn find_key(
        &mut self,
        kind: Kind,
        hash: u64,
        key: &str,
    ) -> Result<Option<i64>, LedgerError> {
        let mut segments = match self.segments.take() {
            Some(s) => s,
            None => list(&self.conn)?,
        };
        let mut found = self.probe(kind, hash, key, &segments)?;
        if found.is_none() {
            let now = list(&self.conn)?;
            let unseen: Vec<i64> = now
                .iter()
                .copied()
                .filter(|s| !segments.contains(s))
                .collect();
            if !unseen.is_empty() {
                found = self.probe(kind, hash, key, &unseen)?;
            }
            segments = now;
        }
        self.segments = Some(segments);
        Ok(found)
    }

    /// The id of this key's row in the first of `segments` that has it.
    pub(super) fn probe(
        &self,
        kind: Kind,
        hash: u64,
        key: &str,
        segments: &[i64],
    ) -> Result<Option<i64>, LedgerError> {
        let mut st = self
            .conn
            .prepare_cached(&format!(
                "SELECT h.id FROM {h} h JOIN {r} r ON r.id = h.id
                 WHERE h.segment = ?1 AND h.hash = ?2 AND r.key = ?3",
                h = kind.hashes(),
                r = kind.rows()
            ))
            .map_err(sql)?;
        for &segment in segments {
            let id = st
                .query_row(params![segment, hash as i64, key], |r| r.get(0))
                .optional()
                .map_err(sql)?;
            if id.is_some() {
                return Ok(id);
            }
        }
        Ok(None)
    }

    /// Merges the newest committed segments while the next older one is no larger than
    /// those merged so far (see the module's docs), in a transaction of its own: called
    /// after a run is confirmed. Returns how many segments were merged into one (0: none).
    pub fn compact(&mut self) -> Result<usize, LedgerError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql)?;
        let sizes: Vec<(i64, i64)> = {
            let mut st = tx
                .prepare(
                    "SELECT segment, numbers + ext_ids FROM key_segments
                     WHERE segment NOT IN (SELECT key_segment FROM runs
                        WHERE state = 'pending' AND key_segment IS NOT NULL)
                     ORDER BY segment DESC",
                )
                .map_err(sql)?;
            st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(sql)?
                .collect::<Result<_, _>>()
                .map_err(sql)?
        };
        let group = merge_group(&sizes);
        if group.len() < 2 {
            return Ok(0);
        }
        let merged = next(&tx)?;
        let list = group
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(",");
        for kind in Kind::ALL {
            // Sorted by hash, the merged entries are appended at the end of the B-tree.
            tx.execute(
                &format!(
                    "INSERT INTO {h}(segment, hash, id) SELECT ?1, hash, id FROM {h}
                     WHERE segment IN ({list}) ORDER BY hash, id",
                    h = kind.hashes()
                ),
                [merged],
            )
            .map_err(sql)?;
            tx.execute(
                &format!("DELETE FROM {} WHERE segment IN ({list})", kind.hashes()),
                [],
            )
            .map_err(sql)?;
        }
        tx.execute_batch(&format!(
            "INSERT INTO key_segments(segment, numbers, ext_ids)
                SELECT {merged}, sum(numbers), sum(ext_ids) FROM key_segments
                WHERE segment IN ({list});
             DELETE FROM key_segments WHERE segment IN ({list});
             UPDATE runs SET key_segment = {merged} WHERE key_segment IN ({list});"
        ))
        .map_err(sql)?;
        tx.commit().map_err(sql)?;
        self.segments = None;
        Ok(group.len())
    }
}

/// The segments to merge, from (segment, keys) newest first: the newest, then each older
/// one while it is no larger than the keys gathered so far.
fn merge_group(sizes: &[(i64, i64)]) -> Vec<i64> {
    let mut group = Vec::new();
    let mut total = 0;
    for &(segment, keys) in sizes {
        if !group.is_empty() && keys > total {
            break;
        }
        group.push(segment);
        total += keys;
    }
    group
}

#[cfg(test)]
mod tests {
    use super::merge_group;
    use crate::ledger::{Ledger, RunRecord};

    /// Commits a run of one key (`CN-i`, `EXT-i`) through `ledger`, and merges.
    fn night(ledger: &mut Ledger, dir: &std::path::Path, i: u64) {
        let run_id = format!("20260101T000000Z-{i:06}");
        ledger.begin_keys(dir).unwrap();
        let key = format!("CN-{i}");
        let ext = format!("EXT-{i}");
        ledger
            .add_keys(Some(&key), &[1; 32], Some(&ext), "night.ndjson", i)
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
    fn a_key_moved_by_another_runs_merge_is_still_found() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.db");
        let mut writer = Ledger::open(&path).unwrap();
        night(&mut writer, dir.path(), 1);
        // A reader that listed the segments (and loaded the filters) after night 1...
        let mut reader = Ledger::open(&path).unwrap();
        assert!(reader.communication_number("CN-1").unwrap().is_some());
        assert!(reader.communication_number("CN-2").unwrap().is_none());
        // ...while night 2 merges night 1's segment into a new one.
        night(&mut writer, dir.path(), 2);
        assert_eq!(super::list(&writer.conn).unwrap().len(), 1);
        let found = reader.communication_number("CN-1").unwrap().unwrap();
        assert_eq!(found.run_id, "20260101T000000Z-000001");
        assert_eq!(
            reader.created_ext_id("EXT-1").unwrap().as_deref(),
            Some("20260101T000000Z-000001")
        );
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
}
