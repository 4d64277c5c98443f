//! A worker: takes the next payload, waits at the endpoint's gate, journals the intent,
//! sends, classifies the answer, journals it, and tells the scheduler.
//!
//! `--concurrency` workers run side by side on their own threads (not the rayon pool: they
//! mostly wait on the network).

use std::time::{Duration, Instant, SystemTime};

use super::classify::{Verdict, classify};
use super::client::{Client, Failure, Reply};
use super::journal::Journal;
use super::payloads::RunPayloads;
use super::progress::Progress;
use super::retry::{Gate, full_jitter};
use super::schedule::{Answered, Scheduler, Task};
use super::stop::{Reason, Stop};
use crate::ledger::journal::{Answer, Intent, Outcome};
use crate::output::rundir::humane_time;

/// What every worker shares.
pub struct Shared<'a> {
    pub run: &'a RunPayloads,
    pub client: &'a Client,
    pub journal: &'a Journal,
    pub scheduler: &'a Scheduler,
    pub gate: &'a Gate,
    pub progress: &'a Progress,
    pub stop: &'a Stop,
    pub delivery_id: &'a str,
    pub deadline: Instant,
    /// The test builds' time scale (1 in the shipped binary).
    pub scale: f64,
}

/// Sends payloads until there is none left to send.
pub fn work(s: &Shared) {
    let stop = || s.stop.is_set();
    while let Some(task) = s.scheduler.next(&stop) {
        if !s.gate.pass(&stop, s.deadline) {
            // Stopped, or the endpoint's back-off lasts past the deadline.
            s.scheduler.give_back(task);
            if !stop() {
                s.scheduler.expire();
            }
            continue;
        }
        if let Err(reason) = send(s, task) {
            s.stop.raise(reason);
            s.scheduler.stop();
        }
        s.progress.in_flight(s.scheduler.in_flight());
    }
}

/// Sends one task. `Err`: the delivery must stop.
fn send(s: &Shared, task: Task) -> Result<(), Reason> {
    let payload = &s.run.payloads[task.index];
    let body = match s.run.read(payload) {
        Ok(b) => b,
        Err(e) => {
            s.scheduler.give_back(task);
            return Err(Reason::Io(e.to_string()));
        }
    };
    let cn = payload
        .communication_number
        .as_deref()
        .unwrap_or_default()
        .to_string();
    let intent = Intent {
        communication_number: cn.clone(),
        attempt: task.attempt,
        payload_digest: payload.digest,
        delivery_id: s.delivery_id.to_string(),
        run_id: s.run.run_id.clone(),
        sent: humane_time(SystemTime::now()),
    };
    if let Err(e) = s.journal.intent(intent) {
        s.scheduler.give_back(task);
        return Err(Reason::Journal(e));
    }
    crate::output::rundir::fault("submit-sent").map_err(|e| Reason::Io(e.to_string()))?;
    s.progress.sent();
    let sent = Instant::now();
    let reply = s.client.post(&body);
    let failures = s.scheduler.failures(task.index);
    let (answered, stop, retry_after) = judge(reply, task.sent_before, failures, s.scale);
    s.journal.answer(Answer {
        communication_number: cn,
        attempt: task.attempt,
        outcome: answered.outcome.unwrap_or(Outcome::Retry),
        http_status: answered.http_status,
        error_code: answered.error_code.clone(),
        error_description: answered.error_description.clone(),
        delivery_id: s.delivery_id.to_string(),
        answered: humane_time(SystemTime::now()),
    });
    match answered.outcome {
        Some(Outcome::Retry) => s.gate.failure(sent, retry_after),
        Some(Outcome::Stop) => {}
        _ => s.gate.success(),
    }
    s.progress.answered(answered.outcome);
    s.scheduler.finish(task, s.delivery_id, answered);
    stop.map_or(Ok(()), Err)
}

/// What an answer (or the failure to get one) comes to: the payload's state, a reason to
/// stop the delivery, and the server's `Retry-After`.
fn judge(
    reply: Result<Reply, Failure>,
    sent_before: bool,
    failures: u32,
    scale: f64,
) -> (Answered, Option<Reason>, Option<Duration>) {
    let retry = |why: String, status: Option<u16>, after: Option<Duration>| {
        let wait = full_jitter(failures + 1, scale).max(after.unwrap_or_default().mul_f64(scale));
        Answered {
            outcome: Some(Outcome::Retry),
            http_status: status,
            last_error: Some(why),
            not_before: Some(Instant::now() + wait),
            ..Answered::default()
        }
    };
    let r = match reply {
        Ok(r) => r,
        Err(Failure::Transient(e)) => return (retry(e, None, None), None, None),
        Err(Failure::Tls(e)) => {
            let why = format!("{e}: check --endpoint, or give the server's root to --ca-file");
            let stop = Answered {
                outcome: Some(Outcome::Stop),
                last_error: Some(why.clone()),
                ..Answered::default()
            };
            return (stop, Some(Reason::Endpoint(why)), None);
        }
    };
    let status = Some(r.status);
    let verdict = |outcome, code, description| Answered {
        outcome: Some(outcome),
        http_status: status,
        error_code: code,
        error_description: description,
        ..Answered::default()
    };
    match classify(r.status, &r.body) {
        Verdict::Accepted => (verdict(Outcome::Delivered, None, None), None, None),
        Verdict::AlreadyUsed { code, description } => {
            let outcome = if sent_before {
                Outcome::Reconciled
            } else {
                Outcome::Conflict
            };
            (verdict(outcome, code, description), None, None)
        }
        Verdict::Rejected { code, description } => {
            (verdict(Outcome::Rejected, code, description), None, None)
        }
        Verdict::Retry(why) => (retry(why, status, r.retry_after), None, r.retry_after),
        Verdict::Auth => {
            let mut a = verdict(Outcome::Stop, None, None);
            a.last_error = Some(format!("HTTP {}: credentials refused", r.status));
            (a, Some(Reason::Auth(r.status)), None)
        }
        Verdict::Config(why) => {
            let mut a = verdict(Outcome::Stop, None, None);
            a.last_error = Some(why.clone());
            (a, Some(Reason::Endpoint(why)), None)
        }
    }
}
