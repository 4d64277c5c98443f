//! The delivery journal of `leadbatch submit`: what was sent to AMLYZE, and what it said.
//!
//! Three tables (schema version 3): `deliveries` (one row per `submit`), `delivery_intents`
//! (one row per request, written and committed *before* the request is sent: the
//! communicationNumber, the attempt number, the BLAKE3 of the payload bytes, the delivery)
//! and `delivery_outcomes` (one row per answer, keyed like its intent: the classification,
//! the HTTP status, the vendor's errorCode and errorDescription). An intent without an
//! outcome is a request whose fate is unknown: it may have landed. Together they decide a
//! resume: a payload with a final outcome is not sent again, and an "already used" answer
//! is ours (`reconciled`) exactly when an earlier intent sent the same payload digest.
//!
//! Identifiers and digests only: no payload, no name. (The vendor's errorDescription is
//! kept, cut to `MAX_DESCRIPTION` characters: the documented ones name no person.)
//!
//! `deliver/` calls this API and never writes SQL itself.

use rusqlite::{OptionalExtension, params};

use super::{Ledger, LedgerError, sql};

/// The longest vendor errorDescription kept, in characters.
const MAX_DESCRIPTION: usize = 500;

/// What became of one answered request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// AMLYZE accepted the lead.
    Delivered,
    /// "Already used" for a payload an earlier request of ours sent: that request landed.
    Reconciled,
    /// AMLYZE refused the lead with a vendor error: final.
    Rejected,
    /// "Already used" without an earlier request of ours: another system used the number.
    Conflict,
    /// A fault of the server or of the way there (429, 5xx, timeout, reset, not the
    /// vendor's JSON): the same payload is sent again.
    Retry,
    /// An answer that stopped the whole delivery (401, 403, a wrong endpoint).
    Stop,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Delivered => "delivered",
            Outcome::Reconciled => "reconciled",
            Outcome::Rejected => "rejected",
            Outcome::Conflict => "conflict",
            Outcome::Retry => "retry",
            Outcome::Stop => "stop",
        }
    }

    fn parse(s: &str) -> Option<Outcome> {
        [
            Outcome::Delivered,
            Outcome::Reconciled,
            Outcome::Rejected,
            Outcome::Conflict,
            Outcome::Retry,
            Outcome::Stop,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
    }

    /// Whether the payload is done with: nothing will send it again.
    pub fn is_final(self) -> bool {
        !matches!(self, Outcome::Retry | Outcome::Stop)
    }
}

/// A request about to be sent.
#[derive(Debug, Clone)]
pub struct Intent {
    pub communication_number: String,
    pub attempt: u32,
    pub payload_digest: [u8; 32],
    pub delivery_id: String,
    pub run_id: String,
    pub sent: String,
}

/// The answer to an intent (or the failure to get one).
#[derive(Debug, Clone)]
pub struct Answer {
    pub communication_number: String,
    pub attempt: u32,
    pub outcome: Outcome,
    pub http_status: Option<u16>,
    pub error_code: Option<String>,
    pub error_description: Option<String>,
    pub delivery_id: String,
    pub answered: String,
}

/// The final answer a payload got in an earlier delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Final {
    pub outcome: Outcome,
    pub attempt: u32,
    pub http_status: Option<u16>,
    pub error_code: Option<String>,
    pub error_description: Option<String>,
    pub delivery_id: String,
}

/// What the journal knows of one communicationNumber and one payload digest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// The highest attempt number of the number, whatever payload it sent (0: never sent).
    pub attempts: u32,
    /// Whether some request sent this very payload (same digest).
    pub sent_this_payload: bool,
    /// The final answer to this payload, if it got one.
    pub final_answer: Option<Final>,
}

/// An answer as the journal holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerRow {
    pub attempt: u32,
    pub outcome: Outcome,
    pub http_status: Option<u16>,
    pub delivery_id: String,
}

/// A delivery as it begins.
pub struct DeliveryRow<'a> {
    pub delivery_id: &'a str,
    pub run_id: &'a str,
    pub endpoint: &'a str,
    pub started: &'a str,
}

impl Ledger {
    /// Records that a delivery began.
    pub fn begin_delivery(&mut self, d: &DeliveryRow) -> Result<(), LedgerError> {
        self.conn
            .execute(
                "INSERT INTO deliveries(delivery_id, run_id, endpoint, started, state)
                 VALUES (?1, ?2, ?3, ?4, 'running')",
                params![d.delivery_id, d.run_id, d.endpoint, d.started],
            )
            .map(drop)
            .map_err(sql)
    }

    /// Records how a delivery ended (`finished` or `stopped`) and its counts.
    pub fn end_delivery(
        &mut self,
        delivery_id: &str,
        stopped: bool,
        finished: &str,
        counts: &serde_json::Value,
    ) -> Result<(), LedgerError> {
        self.conn
            .execute(
                "UPDATE deliveries SET state = ?2, finished = ?3, counts = ?4
                 WHERE delivery_id = ?1",
                params![
                    delivery_id,
                    if stopped { "stopped" } else { "finished" },
                    finished,
                    counts.to_string()
                ],
            )
            .map(drop)
            .map_err(sql)
    }

    /// What the journal knows of `communication_number` sent with `digest`.
    pub fn journal_history(
        &self,
        communication_number: &str,
        digest: &[u8; 32],
    ) -> Result<History, LedgerError> {
        let (attempts, same): (i64, i64) = self
            .conn
            .prepare_cached(
                "SELECT coalesce(max(attempt), 0), coalesce(max(payload_digest = ?2), 0)
                 FROM delivery_intents WHERE communication_number = ?1",
            )
            .map_err(sql)?
            .query_row(params![communication_number, &digest[..]], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(sql)?;
        let final_answer = self
            .conn
            .prepare_cached(
                "SELECT o.outcome, o.attempt, o.http_status, o.error_code, o.error_description,
                    o.delivery_id
                 FROM delivery_outcomes o JOIN delivery_intents i
                    ON i.communication_number = o.communication_number AND i.attempt = o.attempt
                 WHERE o.communication_number = ?1 AND i.payload_digest = ?2
                    AND o.outcome IN ('delivered', 'reconciled', 'rejected', 'conflict')
                 ORDER BY o.attempt DESC LIMIT 1",
            )
            .map_err(sql)?
            .query_row(params![communication_number, &digest[..]], |r| {
                let outcome: String = r.get(0)?;
                Ok(Final {
                    outcome: Outcome::parse(&outcome).unwrap_or(Outcome::Retry),
                    attempt: r.get::<_, i64>(1)? as u32,
                    http_status: r.get::<_, Option<i64>>(2)?.map(|s| s as u16),
                    error_code: r.get(3)?,
                    error_description: r.get(4)?,
                    delivery_id: r.get(5)?,
                })
            })
            .optional()
            .map_err(sql)?;
        Ok(History {
            attempts: attempts as u32,
            sent_this_payload: same != 0,
            final_answer: final_answer.filter(|f| f.outcome.is_final()),
        })
    }

    /// Writes intents and answers in one durable transaction (the group commit of
    /// `deliver::journal`): when this returns, the intents survive a power cut.
    pub fn journal_write(
        &mut self,
        intents: &[Intent],
        answers: &[Answer],
    ) -> Result<(), LedgerError> {
        crate::output::rundir::fault("journal-write").map_err(|e| LedgerError(e.to_string()))?;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql)?;
        {
            let mut st = tx
                .prepare_cached("INSERT INTO delivery_intents VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                .map_err(sql)?;
            for i in intents {
                st.execute(params![
                    i.communication_number,
                    i.attempt,
                    &i.payload_digest[..],
                    i.delivery_id,
                    i.run_id,
                    i.sent
                ])
                .map_err(sql)?;
            }
            let mut st = tx
                .prepare_cached(
                    "INSERT OR REPLACE INTO delivery_outcomes
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )
                .map_err(sql)?;
            for a in answers {
                let description = a
                    .error_description
                    .as_deref()
                    .map(|d| d.chars().take(MAX_DESCRIPTION).collect::<String>());
                st.execute(params![
                    a.communication_number,
                    a.attempt,
                    a.outcome.as_str(),
                    a.http_status,
                    a.error_code,
                    description,
                    a.delivery_id,
                    a.answered
                ])
                .map_err(sql)?;
            }
        }
        tx.commit().map_err(sql)
    }

    /// Where run `run_id` read the record whose payload carries `communication_number`
    /// (source, record), when that run was made with this ledger.
    pub fn accepted_location(
        &self,
        run_id: &str,
        communication_number: &str,
    ) -> Result<Option<(String, u64)>, LedgerError> {
        // Without the filters (a delivery asks for a few records, not a million): every
        // segment's block, newest first.
        let hash = super::key_hash(communication_number);
        let kind = super::blocks::Kind::CommunicationNumber;
        for segment in super::segments::list(&self.conn)? {
            if let Some(e) =
                super::segments::probe(&self.conn, kind, segment, hash, communication_number)?
            {
                return Ok((e.run_id == run_id).then_some((e.source, e.record)));
            }
        }
        Ok(None)
    }

    /// Every answer the journal holds for `communication_number`, oldest first. For tests
    /// and audits.
    pub fn journal_answers(
        &self,
        communication_number: &str,
    ) -> Result<Vec<AnswerRow>, LedgerError> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT attempt, outcome, http_status, delivery_id FROM delivery_outcomes
                 WHERE communication_number = ?1 ORDER BY attempt",
            )
            .map_err(sql)?;
        st.query_map([communication_number], |r| {
            let outcome: String = r.get(1)?;
            Ok(AnswerRow {
                attempt: r.get::<_, i64>(0)? as u32,
                outcome: Outcome::parse(&outcome).unwrap_or(Outcome::Retry),
                http_status: r.get::<_, Option<i64>>(2)?.map(|s| s as u16),
                delivery_id: r.get(3)?,
            })
        })
        .map_err(sql)?
        .collect::<Result<_, _>>()
        .map_err(sql)
    }

    /// How many intents the journal holds: for tests.
    pub fn journal_intents(&self) -> Result<u64, LedgerError> {
        self.conn
            .query_row("SELECT count(*) FROM delivery_intents", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n as u64)
            .map_err(sql)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intent(cn: &str, attempt: u32, digest: u8) -> Intent {
        Intent {
            communication_number: cn.into(),
            attempt,
            payload_digest: [digest; 32],
            delivery_id: "D1".into(),
            run_id: "R1".into(),
            sent: "t".into(),
        }
    }

    fn answer(cn: &str, attempt: u32, outcome: Outcome) -> Answer {
        Answer {
            communication_number: cn.into(),
            attempt,
            outcome,
            http_status: Some(200),
            error_code: None,
            error_description: None,
            delivery_id: "D1".into(),
            answered: "t".into(),
        }
    }

    #[test]
    fn history_tells_attempts_own_payloads_and_final_answers() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = Ledger::open(&dir.path().join("l.db")).unwrap();
        assert_eq!(
            l.journal_history("CN-1", &[1; 32]).unwrap(),
            History::default()
        );
        l.journal_write(&[intent("CN-1", 1, 1), intent("CN-2", 1, 2)], &[])
            .unwrap();
        l.journal_write(
            &[intent("CN-1", 2, 1)],
            &[
                answer("CN-1", 1, Outcome::Retry),
                answer("CN-2", 1, Outcome::Delivered),
            ],
        )
        .unwrap();
        let h = l.journal_history("CN-1", &[1; 32]).unwrap();
        assert_eq!(
            (h.attempts, h.sent_this_payload, h.final_answer),
            (2, true, None)
        );
        // Another payload under the same number: never sent, and not final.
        let h = l.journal_history("CN-2", &[9; 32]).unwrap();
        assert_eq!(
            (h.attempts, h.sent_this_payload, h.final_answer),
            (1, false, None)
        );
        let h = l.journal_history("CN-2", &[2; 32]).unwrap();
        assert_eq!(
            h.final_answer
                .map(|f| (f.outcome, f.attempt, f.delivery_id)),
            Some((Outcome::Delivered, 1, "D1".to_string()))
        );
    }
}
