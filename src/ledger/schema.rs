//! The ledger's schema and its forward migrations.
//!
//! Versions 1 to 3 kept a row per key, found through one index of hashes; version 4 keeps
//! the keys in segments of sorted blocks, one segment per run (see `segments`, where the
//! measurements are), and a step in Rust moves the rows there (`keys_to_blocks`); version
//! 5 records each segment's layout of entries (`blocks`), so that version 4's segments are
//! read as they are, never rewritten by the migration.
//!
//! The schema version is SQLite's `user_version`; `application_id` marks the file as a
//! leadbatch ledger, so that another SQLite database given by mistake is refused rather than
//! written to. Each migration moves the schema one version forward inside the caller's
//! transaction; a ledger newer than this program is refused (exit 2), never downgraded.

use rusqlite::{Connection, params};

use super::blocks::{Entry, Kind};
use super::payload_digest::PayloadDigest;
use super::segments::{self, SegmentWriter};
use super::{LedgerError, sql};

/// `application_id` of a leadbatch ledger: "LDBL".
pub const APPLICATION_ID: i64 = 0x4C44_424C;

/// The schema version this program writes.
pub const CURRENT: i64 = MIGRATIONS.len() as i64;

/// Migration `i` takes a ledger from version `i` to `i + 1`: its SQL, then the step of
/// `AFTER` for it, if any.
const MIGRATIONS: &[&str] = &[
    // 1: runs, files and the keys of accepted records.
    "CREATE TABLE runs(
        run_id TEXT PRIMARY KEY,
        out_dir TEXT NOT NULL,
        started TEXT NOT NULL,
        finished TEXT NOT NULL,
        as_of TEXT NOT NULL,
        inputs TEXT NOT NULL,
        options TEXT NOT NULL,
        records INTEGER NOT NULL,
        accepted INTEGER NOT NULL,
        rejected INTEGER NOT NULL,
        unchanged INTEGER NOT NULL,
        already_processed INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'committed'))
    );
    CREATE TABLE files(
        digest BLOB NOT NULL,
        run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
        source TEXT NOT NULL,
        size INTEGER,
        records INTEGER NOT NULL,
        accepted INTEGER NOT NULL,
        rejected INTEGER NOT NULL,
        unchanged INTEGER NOT NULL,
        PRIMARY KEY (digest, run_id)
    );
    CREATE TABLE communication_numbers(
        id INTEGER PRIMARY KEY,
        hash INTEGER NOT NULL,
        key TEXT NOT NULL,
        payload_digest BLOB NOT NULL,
        run_id TEXT NOT NULL,
        source TEXT NOT NULL,
        record INTEGER NOT NULL
    );
    CREATE INDEX communication_numbers_hash ON communication_numbers(hash);
    CREATE TABLE created_ext_ids(
        id INTEGER PRIMARY KEY,
        hash INTEGER NOT NULL,
        key TEXT NOT NULL,
        run_id TEXT NOT NULL
    );
    CREATE INDEX created_ext_ids_hash ON created_ext_ids(hash);
    CREATE TABLE key_filters(
        name TEXT PRIMARY KEY,
        capacity INTEGER NOT NULL,
        count INTEGER NOT NULL
    );
    CREATE TABLE key_filter_chunks(
        name TEXT NOT NULL,
        idx INTEGER NOT NULL,
        bits BLOB NOT NULL,
        PRIMARY KEY (name, idx)
    ) WITHOUT ROWID;",
    // 2: the audit chain: each run's manifest (its summary.json) by SHA-256, the link to
    // the previous one, and the order in which runs committed.
    "ALTER TABLE runs ADD COLUMN manifest_sha256 TEXT;
    ALTER TABLE runs ADD COLUMN previous_manifest TEXT;
    ALTER TABLE runs ADD COLUMN seq INTEGER;
    ALTER TABLE runs ADD COLUMN first_number_id INTEGER;
    ALTER TABLE runs ADD COLUMN last_number_id INTEGER;
    ALTER TABLE runs ADD COLUMN first_ext_id INTEGER;
    ALTER TABLE runs ADD COLUMN last_ext_id INTEGER;
    CREATE UNIQUE INDEX runs_seq ON runs(seq);",
    // 3: the delivery journal of `submit` (see `journal`): each delivery, each request's
    // intent (written before it is sent) and each answer. Identifiers and digests only.
    "CREATE TABLE deliveries(
        delivery_id TEXT PRIMARY KEY,
        run_id TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        started TEXT NOT NULL,
        finished TEXT,
        state TEXT NOT NULL CHECK (state IN ('running', 'finished', 'stopped')),
        counts TEXT
    );
    CREATE TABLE delivery_intents(
        communication_number TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        payload_digest BLOB NOT NULL,
        delivery_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        sent TEXT NOT NULL,
        PRIMARY KEY (communication_number, attempt)
    ) WITHOUT ROWID;
    CREATE TABLE delivery_outcomes(
        communication_number TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        outcome TEXT NOT NULL
            CHECK (outcome IN ('delivered', 'reconciled', 'rejected', 'conflict', 'retry', 'stop')),
        http_status INTEGER,
        error_code TEXT,
        error_description TEXT,
        delivery_id TEXT NOT NULL,
        answered TEXT NOT NULL,
        PRIMARY KEY (communication_number, attempt)
    ) WITHOUT ROWID;",
    // 4: keys in segments of sorted blocks (see `segments`); `keys_to_blocks` (after
    // migration 5) moves the rows of the key tables there and drops them.
    "CREATE TABLE key_segments(
        segment INTEGER PRIMARY KEY,
        numbers INTEGER NOT NULL,
        ext_ids INTEGER NOT NULL
    );
    CREATE TABLE key_blocks(
        kind INTEGER NOT NULL,
        segment INTEGER NOT NULL,
        first_hash INTEGER NOT NULL,
        entries BLOB NOT NULL,
        PRIMARY KEY (kind, segment, first_hash)
    ) WITHOUT ROWID;
    ALTER TABLE runs ADD COLUMN key_segment INTEGER;
    CREATE INDEX files_size ON files(size);",
    // 5: the layout of a segment's entries (see `blocks`): the segments of version 4 are
    // in the fixed layout with BLAKE3 payload digests, new ones in the compact layout.
    "ALTER TABLE key_segments ADD COLUMN layout INTEGER NOT NULL DEFAULT 1;",
];

/// Steps in Rust after a migration's SQL: (migration index, step).
type Step = fn(&rusqlite::Transaction) -> Result<(), LedgerError>;
/// `keys_to_blocks` runs after migration 5, not 4, so that the segments it writes are in
/// the layout this program writes and are recorded so.
const AFTER: &[(usize, Step)] = &[(4, keys_to_blocks)];

/// Brings the ledger to `CURRENT` (a new file is created at it). Errors name what is wrong.
pub fn migrate(conn: &mut Connection) -> Result<(), String> {
    migrate_to(conn, CURRENT)
}

/// Brings the ledger to `target` (tests make older ledgers with it).
pub fn migrate_to(conn: &mut Connection, target: i64) -> Result<(), String> {
    let sql = |e: rusqlite::Error| e.to_string();
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(sql)?;
    let app: i64 = tx
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(sql)?;
    let version: i64 = tx
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(sql)?;
    let tables: i64 = tx
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .map_err(sql)?;
    if app != APPLICATION_ID && (app != 0 || tables != 0) {
        return Err("is not a leadbatch ledger (an SQLite database of something else)".into());
    }
    if version > CURRENT {
        return Err(format!(
            "has schema version {version}, newer than this program's {CURRENT}: use a newer leadbatch"
        ));
    }
    if app == 0 {
        tx.execute_batch(&format!("PRAGMA application_id = {APPLICATION_ID}"))
            .map_err(sql)?;
    }
    for (i, step) in MIGRATIONS
        .iter()
        .enumerate()
        .take(target as usize)
        .skip(version as usize)
    {
        tx.execute_batch(step)
            .map_err(|e| format!("migration to version {}: {e}", i + 1))?;
        for (_, after) in AFTER.iter().filter(|(at, _)| *at == i) {
            after(&tx).map_err(|e| format!("migration to version {}: {e}", i + 1))?;
        }
        tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1))
            .map_err(sql)?;
    }
    tx.commit().map_err(sql)
}

/// Moves the keys of version 3's tables, if the ledger still has them, into segments: one
/// for the committed runs' keys and one for each pending run's (so that rolling it back
/// stays deleting its segment); then drops the tables and the one filter of each, which the
/// segments' filters replace.
fn keys_to_blocks(tx: &rusqlite::Transaction) -> Result<(), LedgerError> {
    let row_tables: i64 = tx
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'communication_numbers'",
            [],
            |r| r.get(0),
        )
        .map_err(sql)?;
    if row_tables == 0 {
        return Ok(());
    }
    let pending: Vec<String> = tx
        .prepare("SELECT run_id FROM runs WHERE state = 'pending' ORDER BY run_id")
        .map_err(sql)?
        .query_map([], |r| r.get(0))
        .map_err(sql)?
        .collect::<Result<_, _>>()
        .map_err(sql)?;
    let committed = "SELECT run_id FROM runs WHERE state = 'committed'".to_string();
    let groups = std::iter::once(committed).chain(
        pending
            .iter()
            .map(|id| format!("SELECT '{}'", id.replace('\'', "''"))),
    );
    for runs in groups {
        let count = |table: &str| -> Result<u64, LedgerError> {
            tx.query_row(
                &format!("SELECT count(*) FROM {table} WHERE run_id IN ({runs})"),
                [],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n as u64)
            .map_err(sql)
        };
        let (numbers, ext_ids) = (count("communication_numbers")?, count("created_ext_ids")?);
        if numbers + ext_ids == 0 {
            continue;
        }
        let segment = segments::next(tx)?;
        segments::add(tx, segment, numbers, ext_ids)?;
        for (kind, keys) in [
            (Kind::CommunicationNumber, numbers),
            (Kind::CreatedExtId, ext_ids),
        ] {
            let mut writer = SegmentWriter::new(tx, kind, segment, keys)?;
            // SQLite's integers are signed: the hashes in unsigned order are the
            // non-negative ones, then the negative ones, each in order.
            for sign in [">= 0", "< 0"] {
                let columns = match kind {
                    Kind::CommunicationNumber => {
                        "hash, key, run_id, payload_digest, source, record"
                    }
                    Kind::CreatedExtId => "hash, key, run_id, NULL, '', 0",
                };
                let table = match kind {
                    Kind::CommunicationNumber => "communication_numbers",
                    Kind::CreatedExtId => "created_ext_ids",
                };
                let mut st = tx
                    .prepare(&format!(
                        "SELECT {columns} FROM {table}
                         WHERE run_id IN ({runs}) AND hash {sign} ORDER BY hash, id"
                    ))
                    .map_err(sql)?;
                let mut rows = st.query([]).map_err(sql)?;
                while let Some(r) = rows.next().map_err(sql)? {
                    // Versions 1 to 3 kept BLAKE3 digests (anything else: no payload matches).
                    let digest: Option<Vec<u8>> = r.get(3).map_err(sql)?;
                    let mut payload_digest = [0u8; 32];
                    if let Some(d) = digest.filter(|d| d.len() == 32) {
                        payload_digest.copy_from_slice(&d);
                    }
                    let payload_digest = PayloadDigest::Blake3(payload_digest);
                    writer.push(&Entry {
                        hash: r.get::<_, i64>(0).map_err(sql)? as u64,
                        key: r.get(1).map_err(sql)?,
                        run_id: r.get(2).map_err(sql)?,
                        payload_digest,
                        source: r.get(4).map_err(sql)?,
                        record: r.get::<_, i64>(5).map_err(sql)? as u64,
                    })?;
                }
            }
            writer.finish()?;
        }
        tx.execute(
            &format!("UPDATE runs SET key_segment = ?1 WHERE run_id IN ({runs})"),
            params![segment],
        )
        .map_err(sql)?;
    }
    tx.execute_batch(
        "DROP TABLE communication_numbers;
         DROP TABLE created_ext_ids;
         DELETE FROM key_filter_chunks;
         DELETE FROM key_filters;",
    )
    .map_err(sql)
}
