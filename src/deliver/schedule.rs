//! Which payload goes next: input order, the order of a customer's requests, retries when
//! their back-off is over.
//!
//! A payload waits for the final answer to every earlier payload of the run with the same
//! customerExtId (a CREATE, then the UPDATE that makes the lead a customer: an UPDATE that
//! overtook its CREATE would be refused, `C004`) or the same communicationNumber, so never
//! are two requests in flight for one communicationNumber, and a customer's requests reach
//! AMLYZE in input order. A payload whose predecessor is still pending at the deadline stays
//! pending, unsent. Ready payloads go in input order; a retried one goes back with the time
//! before which it must not leave.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::payloads::Payload;
use crate::ledger::journal::{History, Outcome};

/// How often a waiting worker looks at the stop flag.
const POLL: Duration = Duration::from_millis(50);

/// A payload's state in this delivery.
#[derive(Debug, Clone, Default)]
pub struct Slot {
    /// The final outcome, once there is one.
    pub outcome: Option<Outcome>,
    /// The highest attempt number (earlier deliveries included).
    pub attempts: u32,
    /// Whether a request of ours sent this payload: an "already used" is then ours.
    pub sent_before: bool,
    pub http_status: Option<u16>,
    pub error_code: Option<String>,
    pub error_description: Option<String>,
    /// Why the last request failed, when it did without a verdict.
    pub last_error: Option<String>,
    /// The delivery in which the outcome was reached.
    pub delivery_id: Option<String>,
    /// Failures worth retrying in this delivery (the back-off's exponent).
    pub failures: u32,
    waiting_on: u32,
    successors: Vec<u32>,
}

/// A payload handed to a worker, which must `finish` or `give_back` it.
#[derive(Debug, Clone, Copy)]
pub struct Task {
    pub index: usize,
    pub attempt: u32,
    pub sent_before: bool,
}

/// What a request came to.
#[derive(Debug, Clone, Default)]
pub struct Answered {
    /// `Retry` or `Stop` when not final.
    pub outcome: Option<Outcome>,
    pub http_status: Option<u16>,
    pub error_code: Option<String>,
    pub error_description: Option<String>,
    pub last_error: Option<String>,
    /// When it may be sent again (a retry).
    pub not_before: Option<Instant>,
}

/// The slots of a run's payloads, with what the journal already knows (`histories`, one
/// per payload, `None` for a payload that cannot be sent: it has no communicationNumber).
pub fn plan(payloads: &[Payload], histories: Vec<Option<History>>) -> Vec<Slot> {
    let mut slots: Vec<Slot> = histories.into_iter().map(slot_of).collect();
    let mut last: HashMap<(bool, &str), usize> = HashMap::new();
    for (i, p) in payloads.iter().enumerate() {
        let keys = [
            p.customer_ext_id.as_deref().map(|k| (true, k)),
            p.communication_number.as_deref().map(|k| (false, k)),
        ];
        let mut preds: Vec<usize> = keys
            .iter()
            .flatten()
            .filter_map(|k| last.get(k).copied())
            .collect();
        preds.dedup();
        for pred in preds {
            if slots[pred].outcome.is_none() {
                slots[pred].successors.push(i as u32);
                slots[i].waiting_on += 1;
            }
        }
        for k in keys.into_iter().flatten() {
            last.insert(k, i);
        }
    }
    slots
}

fn slot_of(history: Option<History>) -> Slot {
    let Some(h) = history else {
        return Slot {
            outcome: Some(Outcome::Rejected),
            error_description: Some(
                "no communicationNumber (AMLYZE's only idempotency key): not sent".into(),
            ),
            ..Slot::default()
        };
    };
    let mut slot = Slot {
        attempts: h.attempts,
        sent_before: h.sent_this_payload,
        ..Slot::default()
    };
    if let Some(f) = h.final_answer {
        slot.outcome = Some(f.outcome);
        slot.http_status = f.http_status;
        slot.error_code = f.error_code;
        slot.error_description = f.error_description;
        slot.delivery_id = Some(f.delivery_id);
    }
    slot
}

/// The shared queue of the workers.
pub struct Scheduler {
    inner: Mutex<Inner>,
    ready: Condvar,
    deadline: Instant,
}

struct Inner {
    slots: Vec<Slot>,
    /// (not before, index): earliest first, then input order.
    queue: BinaryHeap<Reverse<(Instant, usize)>>,
    in_flight: usize,
    stopped: bool,
    /// Nothing can leave before the deadline any more.
    expired: bool,
}

impl Scheduler {
    pub fn new(slots: Vec<Slot>, deadline: Instant) -> Scheduler {
        let now = Instant::now();
        let queue = slots
            .iter()
            .enumerate()
            .filter(|(_, s)| s.outcome.is_none() && s.waiting_on == 0)
            .map(|(i, _)| Reverse((now, i)))
            .collect();
        Scheduler {
            inner: Mutex::new(Inner {
                slots,
                queue,
                in_flight: 0,
                stopped: false,
                expired: false,
            }),
            ready: Condvar::new(),
            deadline,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The next payload to send, waiting for one while others are in flight or backing off.
    /// `None`: nothing more to send (all answered, stopped, or the deadline passed).
    pub fn next(&self, stop: &dyn Fn() -> bool) -> Option<Task> {
        let mut inner = self.lock();
        loop {
            let now = Instant::now();
            if inner.stopped || inner.expired || stop() || now >= self.deadline {
                return None;
            }
            match inner.queue.peek().copied() {
                Some(Reverse((at, index))) if at <= now => {
                    inner.queue.pop();
                    inner.in_flight += 1;
                    let slot = &mut inner.slots[index];
                    slot.attempts += 1;
                    let task = Task {
                        index,
                        attempt: slot.attempts,
                        sent_before: slot.sent_before,
                    };
                    return Some(task);
                }
                Some(Reverse((at, _))) if at >= self.deadline && inner.in_flight == 0 => {
                    inner.expired = true;
                    return None;
                }
                None if inner.in_flight == 0 => return None,
                next => {
                    let wait = next.map_or(POLL, |Reverse((at, _))| (at - now).min(POLL));
                    inner = self
                        .ready
                        .wait_timeout(inner, wait)
                        .unwrap_or_else(|e| e.into_inner())
                        .0;
                }
            }
        }
    }

    /// A task that was not sent (stopped before its intent was written).
    pub fn give_back(&self, task: Task) {
        let mut inner = self.lock();
        inner.in_flight -= 1;
        inner.slots[task.index].attempts -= 1;
        inner.queue.push(Reverse((Instant::now(), task.index)));
        self.ready.notify_all();
    }

    /// Records what a sent task came to: a final outcome releases the payloads waiting for
    /// it; a retry goes back in the queue.
    pub fn finish(&self, task: Task, delivery_id: &str, a: Answered) {
        let mut inner = self.lock();
        inner.in_flight -= 1;
        let slot = &mut inner.slots[task.index];
        slot.sent_before = true;
        slot.http_status = a.http_status;
        slot.error_code = a.error_code;
        slot.error_description = a.error_description;
        slot.last_error = a.last_error;
        match a.outcome {
            Some(o) if o.is_final() => {
                slot.outcome = Some(o);
                slot.delivery_id = Some(delivery_id.to_string());
                let successors = std::mem::take(&mut slot.successors);
                let now = Instant::now();
                for s in successors {
                    let next = &mut inner.slots[s as usize];
                    next.waiting_on -= 1;
                    if next.waiting_on == 0 {
                        inner.queue.push(Reverse((now, s as usize)));
                    }
                }
            }
            _ => {
                slot.failures += 1;
                let at = a.not_before.unwrap_or_else(Instant::now);
                inner.queue.push(Reverse((at, task.index)));
            }
        }
        self.ready.notify_all();
    }

    /// Failures worth retrying of a payload so far in this delivery.
    pub fn failures(&self, index: usize) -> u32 {
        self.lock().slots[index].failures
    }

    /// Stops handing out payloads.
    pub fn stop(&self) {
        self.lock().stopped = true;
        self.ready.notify_all();
    }

    /// Nothing can be sent before the deadline any more (the endpoint's back-off lasts
    /// past it): stops handing out payloads, which stay pending.
    pub fn expire(&self) {
        self.lock().expired = true;
        self.ready.notify_all();
    }

    /// Whether the deadline came (or `expire` said it would) before everything was answered.
    pub fn expired(&self) -> bool {
        self.lock().expired || Instant::now() >= self.deadline
    }

    /// Requests in flight now.
    pub fn in_flight(&self) -> usize {
        self.lock().in_flight
    }

    /// The slots, once the workers are done.
    pub fn into_slots(self) -> Vec<Slot> {
        self.inner
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .slots
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(cn: &str, ext: &str) -> Payload {
        Payload {
            offset: 0,
            len: 0,
            line: 0,
            communication_number: Some(cn.into()),
            customer_ext_id: Some(ext.into()),
            action: None,
            digest: [0; 32],
        }
    }

    #[test]
    fn an_update_waits_for_its_create_and_is_released_by_its_final_answer() {
        let payloads = [
            payload("C1", "E1"),
            payload("C2", "E2"),
            payload("C3", "E1"),
        ];
        let slots = plan(&payloads, vec![Some(History::default()); 3]);
        let far = Instant::now() + Duration::from_secs(60);
        let s = Scheduler::new(slots, far);
        let first = s.next(&|| false).unwrap();
        let second = s.next(&|| false).unwrap();
        assert_eq!((first.index, second.index), (0, 1));
        // The UPDATE of E1 is not handed out while its CREATE has no final answer.
        s.finish(
            first,
            "D",
            Answered {
                outcome: Some(Outcome::Retry),
                ..Answered::default()
            },
        );
        let again = s.next(&|| false).unwrap();
        assert_eq!((again.index, again.attempt), (0, 2));
        s.finish(
            again,
            "D",
            Answered {
                outcome: Some(Outcome::Delivered),
                ..Answered::default()
            },
        );
        let third = s.next(&|| false).unwrap();
        assert_eq!(third.index, 2);
    }

    #[test]
    fn final_answers_of_earlier_deliveries_release_at_once() {
        let payloads = [payload("C1", "E1"), payload("C3", "E1")];
        let delivered = History {
            final_answer: Some(crate::ledger::journal::Final {
                outcome: Outcome::Delivered,
                attempt: 1,
                http_status: Some(200),
                error_code: None,
                error_description: None,
                delivery_id: "D0".into(),
            }),
            ..History::default()
        };
        let slots = plan(&payloads, vec![Some(delivered), Some(History::default())]);
        let s = Scheduler::new(slots, Instant::now() + Duration::from_secs(60));
        assert_eq!(s.next(&|| false).unwrap().index, 1);
    }
}
