//! The ledger's committed runs, as `leadbatch runs`, the audit trail and the report read
//! them.

use rusqlite::OptionalExtension;

use super::{Ledger, LedgerError, sql};

/// A committed run as the ledger knows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunRow {
    pub run_id: String,
    pub out_dir: String,
    pub started: String,
    pub finished: String,
    pub as_of: String,
    pub inputs: serde_json::Value,
    pub records: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub unchanged: u64,
    pub already_processed: u64,
    pub manifest_sha256: Option<String>,
    pub previous_manifest: Option<String>,
}

impl Ledger {
    /// The manifest hash of the newest committed run: what the next run links to.
    pub fn head(&self) -> Result<Option<(String, String)>, LedgerError> {
        self.conn
            .query_row(
                "SELECT run_id, manifest_sha256 FROM runs WHERE state = 'committed'
                 ORDER BY seq DESC LIMIT 1",
                [],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                    ))
                },
            )
            .optional()
            .map_err(sql)
    }

    /// Every committed run, oldest first.
    pub fn runs(&self) -> Result<Vec<RunRow>, LedgerError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT run_id, out_dir, started, finished, as_of, inputs, records, accepted,
                    rejected, unchanged, already_processed, manifest_sha256, previous_manifest
                 FROM runs WHERE state = 'committed' ORDER BY seq",
            )
            .map_err(sql)?;
        st.query_map([], |r| {
            let inputs: String = r.get(5)?;
            Ok(RunRow {
                run_id: r.get(0)?,
                out_dir: r.get(1)?,
                started: r.get(2)?,
                finished: r.get(3)?,
                as_of: r.get(4)?,
                inputs: serde_json::from_str(&inputs).unwrap_or(serde_json::Value::Null),
                records: r.get::<_, i64>(6)? as u64,
                accepted: r.get::<_, i64>(7)? as u64,
                rejected: r.get::<_, i64>(8)? as u64,
                unchanged: r.get::<_, i64>(9)? as u64,
                already_processed: r.get::<_, i64>(10)? as u64,
                manifest_sha256: r.get(11)?,
                previous_manifest: r.get(12)?,
            })
        })
        .map_err(sql)?
        .collect::<Result<_, _>>()
        .map_err(sql)
    }

    /// How many keys of each kind the ledger holds (communicationNumbers, created
    /// customerExtIds), for tests and `leadbatch runs`.
    pub fn key_counts(&self) -> Result<(u64, u64), LedgerError> {
        use super::blocks::Kind;
        Ok((
            super::segments::key_count(&self.conn, Kind::CommunicationNumber)?,
            super::segments::key_count(&self.conn, Kind::CreatedExtId)?,
        ))
    }
}
