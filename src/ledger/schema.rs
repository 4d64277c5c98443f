//! The ledger's schema and its forward migrations.
//!
//! The key tables are appended to (rowid order is commit order: a run's keys are one
//! contiguous range, which `runs` records), and found through tables of `(segment, hash,
//! id)` to which each run adds its own segment (see `segments`, where the measurements
//! are). Version 3 had one index of hashes, into which every commit's keys went between the
//! old ones; version 4 moves those entries to segment 1.
//!
//! The schema version is SQLite's `user_version`; `application_id` marks the file as a
//! leadbatch ledger, so that another SQLite database given by mistake is refused rather than
//! written to. Each migration moves the schema one version forward inside the caller's
//! transaction; a ledger newer than this program is refused (exit 2), never downgraded.

use rusqlite::Connection;

/// `application_id` of a leadbatch ledger: "LDBL".
pub const APPLICATION_ID: i64 = 0x4C44_424C;

/// The schema version this program writes.
pub const CURRENT: i64 = MIGRATIONS.len() as i64;

/// Migration `i` takes a ledger from version `i` to `i + 1`.
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
    // 4: keys found through segments of (segment, hash, id) instead of an index on the
    // hash (see `segments`): the keys already there become segment 1, and the hash
    // indexes go.
    "CREATE TABLE key_segments(
        segment INTEGER PRIMARY KEY,
        numbers INTEGER NOT NULL,
        ext_ids INTEGER NOT NULL
    );
    CREATE TABLE communication_number_hashes(
        segment INTEGER NOT NULL,
        hash INTEGER NOT NULL,
        id INTEGER NOT NULL,
        PRIMARY KEY (segment, hash, id)
    ) WITHOUT ROWID;
    CREATE TABLE created_ext_id_hashes(
        segment INTEGER NOT NULL,
        hash INTEGER NOT NULL,
        id INTEGER NOT NULL,
        PRIMARY KEY (segment, hash, id)
    ) WITHOUT ROWID;
    ALTER TABLE runs ADD COLUMN key_segment INTEGER;
    INSERT INTO key_segments(segment, numbers, ext_ids)
        SELECT 1, (SELECT count(*) FROM communication_numbers),
            (SELECT count(*) FROM created_ext_ids)
        WHERE EXISTS (SELECT 1 FROM communication_numbers)
            OR EXISTS (SELECT 1 FROM created_ext_ids);
    INSERT INTO communication_number_hashes(segment, hash, id)
        SELECT 1, hash, id FROM communication_numbers ORDER BY hash, id;
    INSERT INTO created_ext_id_hashes(segment, hash, id)
        SELECT 1, hash, id FROM created_ext_ids ORDER BY hash, id;
    UPDATE runs SET key_segment = 1
        WHERE last_number_id IS NOT NULL OR last_ext_id IS NOT NULL;
    DROP INDEX communication_numbers_hash;
    DROP INDEX created_ext_ids_hash;",
];

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
        tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1))
            .map_err(sql)?;
    }
    tx.commit().map_err(sql)
}
