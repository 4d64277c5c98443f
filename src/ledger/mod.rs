//! The ledger: an SQLite database of earlier runs (`--ledger FILE`), so that a nightly job
//! remembers which files it read, which keys it accepted, and which manifests it committed.
//!
//! It holds identifiers and digests only, never names, dates of birth or payloads: runs
//! (id, OUT, times, asOf, inputs, effective options, counts, the manifest's SHA-256 and the
//! link to the previous one), input files by BLAKE3 digest (size, source, counts), the
//! communicationNumber of every accepted record with its payload's digest and where it was
//! (run, source, record), and the customerExtId of every accepted CREATE.
//!
//! Nothing else touches these tables: the pipeline asks through this module's API, and so
//! does `submit`, whose delivery journal (intents before each request, answers after) is
//! kept here too (`journal`).
//!
//! **The commit.** A run's rows are written in one transaction marked `pending` before
//! `OUT/latest` moves, and marked `committed` after (`Ledger::stage`, `Ledger::confirm`). A
//! run that dies in between leaves a pending run; the next run that opens the ledger settles
//! it (`Ledger::settle_pending`): committed if its OUT's `latest` reached it, its rows
//! deleted otherwise. So the ledger's keys are exactly the keys of the committed runs. A
//! pending run whose OUT is still locked by a live process is left alone (it is being
//! committed right now, by another run on another OUT).
//!
//! **Concurrency.** Several OUTs and machines may share one ledger: every write is one
//! `BEGIN IMMEDIATE` transaction, SQLite waits up to `BUSY_TIMEOUT` for another writer, and
//! a clear error (exit 2) follows if it is still busy. WAL and `synchronous=FULL`: a
//! committed transaction survives a power cut.
//!
//! **Speed.** The keys of ten million records must not be read at every start, and a
//! night's commit must not rewrite them: the keys are kept in segments, one per run, merged
//! now and then (`segments`), each a run of blocks of entries sorted by hash (`blocks`)
//! with a Bloom filter of its hashes (`filter`), loaded before the run reads its first
//! record and asked on the workers (`KeyFilters`); a block is read only when a filter says
//! "maybe". A run's new keys are sorted outside memory as the run goes (`new_keys`, no lock
//! held on the ledger) and written as a new segment in the commit's transaction, packed on
//! threads of their own while this one inserts (`insert_keys`). Payloads are remembered by
//! XXH3-128 (`payload_digest`, where the reasons are).

mod blocks;
mod filter;
pub mod journal;
mod new_keys;
mod payload_digest;
mod runs;
pub mod schema;
mod segments;
mod stored_filters;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

use blocks::{EntryRef, Kind};
pub use filter::key_hash;
use new_keys::NewKeys;
pub use payload_digest::PayloadDigest;
pub use runs::RunRow;
pub use segments::KeyFilters;

/// How long a write waits for another run's transaction before it fails.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// An error of the ledger: the run cannot go on (exit 2).
#[derive(Debug)]
pub struct LedgerError(pub String);

impl std::fmt::Display for LedgerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The ledger, open for one run (or one command).
pub struct Ledger {
    conn: Connection,
    path: PathBuf,
    /// The key segments with their filters, newest first (`segments`), loaded at the
    /// first lookup.
    segments: Option<segments::KeyFilters>,
    /// This run's new keys, until its commit (`begin_keys`).
    new_keys: Option<NewKeys>,
}

/// Where a key was first accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierKey {
    pub run_id: String,
    pub payload_digest: PayloadDigest,
    pub source: String,
    pub record: u64,
}

/// What a run adds to the ledger when it commits.
pub struct RunRecord<'a> {
    pub run_id: &'a str,
    pub out_dir: &'a Path,
    pub started: &'a str,
    pub finished: &'a str,
    pub as_of: &'a str,
    pub inputs: &'a [String],
    pub options: &'a serde_json::Value,
    pub counts: [u64; 5],
    pub manifest_sha256: &'a str,
    pub previous_manifest: Option<&'a str>,
}

/// One input file of a run.
pub struct FileRecord {
    pub digest: [u8; 32],
    pub source: String,
    pub size: Option<u64>,
    /// records, accepted, rejected, unchanged
    pub counts: [u64; 4],
}

fn sql(e: rusqlite::Error) -> LedgerError {
    LedgerError(format!("ledger: {e}"))
}

impl Ledger {
    /// Opens (creating it, mode 0600) and migrates the ledger at `path`.
    pub fn open(path: &Path) -> Result<Ledger, LedgerError> {
        let shown = path.display();
        // Created 0600 before SQLite opens it (SQLite would create it with the umask's
        // mode). Two runs may both find it missing: the one that loses the race opens the
        // file the other created.
        match create_private(path) {
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
                return Err(LedgerError(format!("ledger {shown}: {e}")));
            }
            _ => {}
        }
        let mut conn =
            Connection::open(path).map_err(|e| LedgerError(format!("ledger {shown}: {e}")))?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(sql)?;
        // Pages of 16 KiB for a new ledger (an existing one keeps its own): blocks of about
        // 4,000 bytes (`blocks::block_bytes`), a quarter as many rows, B-tree balancings,
        // WAL frames and system calls at each commit. Measured with a run adding a
        // million records' keys to a ledger of ten million: the commit's thread 0.41 s
        // of CPU on 4 KiB pages, 0.26 s on 16 KiB; a lookup reads one 16 KiB page.
        conn.execute_batch("PRAGMA page_size = 16384")
            .map_err(|e| LedgerError(format!("ledger {shown}: {e}")))?;
        let journal = wal_mode(&conn).map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => {
                LedgerError(format!("ledger {shown} is not an SQLite database ({e})"))
            }
            _ => LedgerError(format!("ledger {shown}: {e}")),
        })?;
        if !journal.eq_ignore_ascii_case("wal") {
            return Err(LedgerError(format!(
                "ledger {shown}: cannot use write-ahead logging here (journal mode {journal})"
            )));
        }
        conn.execute_batch(
            // A page cache of 16 MiB (SQLite's default is 2): the B-tree pages above the
            // blocks of ten million keys stay in it through a run's lookups.
            "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA temp_store = FILE;
             PRAGMA cache_size = -16384;",
        )
        .map_err(sql)?;
        schema::migrate(&mut conn).map_err(|e| LedgerError(format!("ledger {shown} {e}")))?;
        Ok(Ledger {
            conn,
            path: path.to_path_buf(),
            segments: None,
            new_keys: None,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Settles runs left pending by a process that died during its commit: kept if their
    /// OUT's `latest` reached them, deleted otherwise. `own_out` is the OUT this process
    /// holds locked (its pending runs are dead for sure). Returns (kept, deleted).
    pub fn settle_pending(&mut self, own_out: &Path) -> Result<(u64, u64), LedgerError> {
        self.end_reading()?;
        let pending: Vec<(String, String)> = {
            let mut st = self
                .conn
                .prepare("SELECT run_id, out_dir FROM runs WHERE state = 'pending'")
                .map_err(sql)?;
            st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(sql)?
                .collect::<Result<_, _>>()
                .map_err(sql)?
        };
        let own = own_out
            .canonicalize()
            .unwrap_or_else(|_| own_out.to_path_buf());
        let (mut kept, mut deleted) = (0, 0);
        for (run_id, out_dir) in pending {
            let out = PathBuf::from(&out_dir);
            if out != own && crate::output::rundir::is_locked(&out) {
                continue;
            }
            if crate::output::rundir::is_committed(&out, &run_id) {
                self.confirm(&run_id)?;
                kept += 1;
            } else {
                let tx = self.conn.unchecked_transaction().map_err(sql)?;
                let segment: Option<i64> = tx
                    .query_row(
                        "SELECT key_segment FROM runs WHERE run_id = ?1",
                        [&run_id],
                        |r| r.get(0),
                    )
                    .map_err(sql)?;
                // A pending run's segment is its own: `compact` never merges it.
                if let Some(segment) = segment {
                    segments::delete(&tx, segment)?;
                }
                tx.execute("DELETE FROM files WHERE run_id = ?1", [&run_id])
                    .map_err(sql)?;
                tx.execute("DELETE FROM runs WHERE run_id = ?1", [&run_id])
                    .map_err(sql)?;
                tx.commit().map_err(sql)?;
                self.segments = None;
                deleted += 1;
            }
        }
        Ok((kept, deleted))
    }

    /// Whether the ledger knows a file of this size (a file of another size cannot have
    /// the bytes of a file read before).
    pub fn file_of_size(&self, size: u64) -> Result<bool, LedgerError> {
        self.conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM files WHERE size = ?1)")
            .map_err(sql)?
            .query_row([size as i64], |r| r.get(0))
            .map_err(sql)
    }

    /// The committed run that read a file with this digest, if any.
    pub fn file_seen(&self, digest: &[u8; 32]) -> Result<Option<String>, LedgerError> {
        self.conn
            .query_row(
                "SELECT f.run_id FROM files f JOIN runs r ON r.run_id = f.run_id
                 WHERE f.digest = ?1 AND r.state = 'committed' ORDER BY r.seq LIMIT 1",
                [&digest[..]],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql)
    }

    /// The committed acceptance of this communicationNumber, if any.
    pub fn communication_number(&mut self, key: &str) -> Result<Option<EarlierKey>, LedgerError> {
        self.communication_number_hashed(key, key_hash(key))
    }

    /// The same, with the key's `key_hash` already computed (on a worker).
    pub fn communication_number_hashed(
        &mut self,
        key: &str,
        hash: u64,
    ) -> Result<Option<EarlierKey>, LedgerError> {
        let found = self.find_key(Kind::CommunicationNumber, hash, key)?;
        Ok(found.map(|e| EarlierKey {
            run_id: e.run_id,
            payload_digest: e.payload_digest,
            source: e.source,
            record: e.record,
        }))
    }

    /// The committed run that created this customerExtId, if any.
    pub fn created_ext_id(&mut self, key: &str) -> Result<Option<String>, LedgerError> {
        self.created_ext_id_hashed(key, key_hash(key))
    }

    /// The same, with the key's `key_hash` already computed.
    pub fn created_ext_id_hashed(
        &mut self,
        key: &str,
        hash: u64,
    ) -> Result<Option<String>, LedgerError> {
        let found = self.find_key(Kind::CreatedExtId, hash, key)?;
        Ok(found.map(|e| e.run_id))
    }

    /// Starts collecting this run's keys, in a temporary file in `dir` (no lock on the
    /// ledger while the run goes).
    pub fn begin_keys(&mut self, dir: &Path) -> Result<(), LedgerError> {
        self.new_keys =
            Some(NewKeys::create(dir).map_err(|e| LedgerError(format!("ledger: {e}")))?);
        Ok(())
    }

    /// Records the keys of an accepted record of this run.
    pub fn add_keys(
        &mut self,
        communication_number: Option<&str>,
        payload_digest: &PayloadDigest,
        created_ext_id: Option<&str>,
        source: &str,
        record: u64,
    ) -> Result<(), LedgerError> {
        self.add_keys_hashed(
            communication_number.map(|k| (k, key_hash(k))),
            payload_digest,
            created_ext_id.map(|k| (k, key_hash(k))),
            source,
            record,
        )
    }

    /// The same, with each key's `key_hash` already computed.
    pub fn add_keys_hashed(
        &mut self,
        communication_number: Option<(&str, u64)>,
        payload_digest: &PayloadDigest,
        created_ext_id: Option<(&str, u64)>,
        source: &str,
        record: u64,
    ) -> Result<(), LedgerError> {
        let keys = self
            .new_keys
            .as_mut()
            .ok_or_else(|| LedgerError("internal error: ledger keys not begun".into()))?;
        let io = |e: std::io::Error| LedgerError(format!("ledger: {e}"));
        let none = PayloadDigest::default();
        for (kind, key) in [
            (Kind::CommunicationNumber, communication_number),
            (Kind::CreatedExtId, created_ext_id),
        ] {
            let Some((key, hash)) = key else { continue };
            let number = kind == Kind::CommunicationNumber;
            let e = EntryRef {
                hash,
                key,
                payload_digest: if number { payload_digest } else { &none },
                run_id: "",
                source: if number { source } else { "" },
                record: if number { record } else { 0 },
            };
            keys.add(kind, e).map_err(io)?;
        }
        Ok(())
    }

    /// Writes the run, its files and its keys in one transaction, marked pending: called
    /// before `latest` moves.
    pub fn stage(
        &mut self,
        run: &RunRecord,
        files: impl Iterator<Item = FileRecord>,
    ) -> Result<(), LedgerError> {
        crate::output::rundir::fault("ledger-stage").map_err(|e| LedgerError(e.to_string()))?;
        self.end_reading()?;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| {
                LedgerError(format!(
                    "ledger {}: {e} (another run is writing it?)",
                    self.path.display()
                ))
            })?;
        let [records, accepted, rejected, unchanged, already] = run.counts.map(|n| n as i64);
        tx.execute(
            "INSERT INTO runs(run_id, out_dir, started, finished, as_of, inputs, options, records,
                accepted, rejected, unchanged, already_processed, state, manifest_sha256,
                previous_manifest, seq)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'pending', ?13, ?14,
                (SELECT coalesce(max(seq), 0) + 1 FROM runs))",
            params![
                run.run_id,
                run.out_dir.display().to_string(),
                run.started,
                run.finished,
                run.as_of,
                serde_json::to_string(run.inputs).unwrap_or_default(),
                run.options.to_string(),
                records,
                accepted,
                rejected,
                unchanged,
                already,
                run.manifest_sha256,
                run.previous_manifest,
            ],
        )
        .map_err(sql)?;
        {
            let mut st = tx
                .prepare("INSERT OR IGNORE INTO files VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
                .map_err(sql)?;
            for f in files {
                let [r, a, j, u] = f.counts.map(|n| n as i64);
                st.execute(params![
                    &f.digest[..],
                    run.run_id,
                    f.source,
                    f.size.map(|s| s as i64),
                    r,
                    a,
                    j,
                    u
                ])
                .map_err(sql)?;
            }
        }
        let segment = match self.new_keys.take() {
            Some(keys) => insert_keys(&tx, keys, run.run_id)?,
            None => None,
        };
        // Rolling the run back deletes its segment (`settle_pending`).
        tx.execute(
            "UPDATE runs SET key_segment = ?2 WHERE run_id = ?1",
            params![run.run_id, segment],
        )
        .map_err(sql)?;
        tx.commit().map_err(sql)?;
        self.segments = None;
        Ok(())
    }

    /// Marks a staged run committed: called once `latest` names it.
    pub fn confirm(&mut self, run_id: &str) -> Result<(), LedgerError> {
        crate::output::rundir::fault("ledger-confirm").map_err(|e| LedgerError(e.to_string()))?;
        self.end_reading()?;
        self.conn
            .execute(
                "UPDATE runs SET state = 'committed' WHERE run_id = ?1",
                [run_id],
            )
            .map_err(sql)?;
        Ok(())
    }
}

/// What a packing thread of `insert_keys` hands over: blocks of its kind, then the kind's
/// filter once its blocks are all sent.
enum Packed {
    Blocks(Kind, segments::Blocks),
    Filter(Kind, filter::Filter),
}

/// Writes the run's new keys as a new segment; its number, or `None` without new keys.
///
/// Three threads: one for each kind merges the sorted runs of its new keys and packs them
/// into blocks and a filter (`SegmentBuilder`); this one inserts whatever comes, of either
/// kind. Measured with a run adding 900,000 records' keys: the merge and the packing were
/// 30% of the commit's CPU on one thread, and with one packing thread for both kinds that
/// thread held up the inserts.
fn insert_keys(
    tx: &rusqlite::Transaction,
    keys: NewKeys,
    run_id: &str,
) -> Result<Option<i64>, LedgerError> {
    let (numbers, ext_ids) = keys.counts();
    if numbers + ext_ids == 0 {
        return Ok(None);
    }
    let io = |e: std::io::Error| LedgerError(format!("ledger: {e}"));
    let segment = segments::next(tx)?;
    segments::add(tx, segment, numbers, ext_ids)?;
    let block_bytes = segments::block_size(tx)?;
    let sorted = keys.into_sorted().map_err(io)?;
    // A few hundred blocks in flight at most (64 blocks a message).
    let (send, received) = std::sync::mpsc::sync_channel::<Packed>(8);
    std::thread::scope(|scope| {
        let mut packers = Vec::new();
        for (kind, count) in [
            (Kind::CommunicationNumber, numbers),
            (Kind::CreatedExtId, ext_ids),
        ] {
            let (send, sorted) = (send.clone(), &sorted);
            let packer = std::thread::Builder::new()
                .name("leadbatch-ledger".into())
                .spawn_scoped(scope, move || {
                    pack_kind(sorted, (kind, count, block_bytes), run_id, &send)
                })
                .map_err(|e| LedgerError(format!("ledger: {e}")))?;
            packers.push(packer);
        }
        drop(send);
        // An error here drops `received`: the packing threads' next sends fail and they
        // stop; the scope waits for them.
        for message in received {
            match message {
                Packed::Blocks(kind, blocks) => {
                    segments::insert_blocks(tx, kind, segment, blocks)?;
                }
                Packed::Filter(kind, filter) => {
                    segments::save_filter(tx, kind, segment, &filter)?;
                }
            }
        }
        for packer in packers {
            packer
                .join()
                .map_err(|_| LedgerError("internal error: a ledger packing thread failed".into()))?
                .map_err(io)?;
        }
        Ok::<(), LedgerError>(())
    })?;
    // Closed on a thread of its own, while the commit goes on: closing the temporary file
    // frees its pages in the page cache (tens of megabytes), 35 ms of the commit's thread.
    // (If the process ends first, the kernel closes it all the same; if no thread can be
    // made, the file is closed here, with the refused closure.)
    let _ = std::thread::Builder::new()
        .name("leadbatch-close".into())
        .spawn(move || drop(sorted));
    Ok(Some(segment))
}

/// A packing thread of `insert_keys`: one kind's new keys in hash order, with the run's
/// id, packed into blocks of about `block_bytes` and a filter, sent 64 blocks at a time.
fn pack_kind(
    sorted: &new_keys::SortedKeys,
    (kind, count, block_bytes): (Kind, u64, usize),
    run_id: &str,
    send: &std::sync::mpsc::SyncSender<Packed>,
) -> std::io::Result<()> {
    let stopped = || std::io::Error::other("the commit stopped");
    let mut builder = segments::SegmentBuilder::new(kind, count, block_bytes);
    let mut batch = Vec::new();
    sorted.each_stored(kind, &mut |hash, entry| {
        // The new keys carry no run id until here.
        batch.extend(builder.push_stored(hash, entry, run_id)?);
        if batch.len() >= 64 {
            let full = std::mem::take(&mut batch);
            send.send(Packed::Blocks(kind, full))
                .map_err(|_| stopped())?;
        }
        Ok(())
    })?;
    let (last, filter, _) = builder.finish();
    batch.extend(last);
    send.send(Packed::Blocks(kind, batch))
        .map_err(|_| stopped())?;
    send.send(Packed::Filter(kind, filter))
        .map_err(|_| stopped())
}

/// Switches the ledger to write-ahead logging. Switching takes the database for itself for
/// a moment, and SQLite does not wait for that with the busy timeout: two runs opening a new
/// ledger at once saw "database is locked" at once. So the switch is tried again, up to the
/// busy timeout.
fn wal_mode(conn: &Connection) -> rusqlite::Result<String> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
            Err(e)
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

/// Creates an empty file readable by its owner only.
fn create_private(path: &Path) -> std::io::Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path).map(drop)
}
