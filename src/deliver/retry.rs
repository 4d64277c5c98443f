//! When to send again: exponential back-off with full jitter, `Retry-After`, one shared
//! back-off for the endpoint, and the `--rate` pace.
//!
//! - A payload whose request failed in a way worth retrying waits a random time between 0
//!   and `min(60 s, 1 s × 2^(failures − 1))` ("full jitter": retries of many payloads spread
//!   out instead of coming back together), or the `Retry-After` the server gave if longer.
//! - The endpoint as a whole: a `Retry-After` holds every worker until it has passed (the
//!   server asked the client, not one request, to wait); and when `BURST` requests fail in a
//!   row with no success between them (many workers failing at once: the server is down or
//!   drowning), every worker waits one shared back-off, whose ceiling doubles with each such
//!   wave, up to 60 s. A wave is counted once: failures of requests sent before the last
//!   back-off began do not raise it again. The first success resets it.
//! - `--rate N` spaces the requests 1/N s apart, whatever the number of workers.
//!
//! Nothing waits past the deadline: a payload still waiting then is pending.
//!
//! **Tests** compiled with the `fault-injection` feature may scale every wait by
//! `LEADBATCH_TEST_TIME_SCALE` (0.001 turns 60 s into 60 ms), so that thousands of faults
//! run in seconds. The shipped binary has no such knob: its back-off is the one above.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

/// The first back-off's ceiling.
pub const BASE: Duration = Duration::from_secs(1);
/// The largest back-off ceiling.
pub const CAP: Duration = Duration::from_secs(60);
/// Failures in a row, with no success between them, that make the whole endpoint back off.
const BURST: u32 = 3;
/// How often a waiting worker looks at the stop flag.
const POLL: Duration = Duration::from_millis(50);

/// The factor every wait is multiplied by: 1 except in test builds that ask otherwise.
pub fn time_scale() -> f64 {
    #[cfg(feature = "fault-injection")]
    {
        if let Some(s) = std::env::var("LEADBATCH_TEST_TIME_SCALE")
            .ok()
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
        {
            return s;
        }
    }
    1.0
}

/// A random duration between 0 and the back-off ceiling for the `n`th failure (n ≥ 1).
pub fn full_jitter(n: u32, scale: f64) -> Duration {
    let ceiling = BASE
        .saturating_mul(1u32 << n.saturating_sub(1).min(16))
        .min(CAP);
    let fraction = (random() >> 11) as f64 / (1u64 << 53) as f64;
    ceiling.mul_f64(fraction * scale)
}

/// The wait a `Retry-After` header asks for: delay-seconds or an HTTP-date.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A random u64 (xorshift, seeded per thread from the operating system's entropy).
fn random() -> u64 {
    use std::cell::Cell;
    thread_local! {
        static STATE: Cell<u64> = Cell::new(crate::output::rundir::random_u64() | 1);
    }
    STATE.with(|s| {
        let mut x = s.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.set(x);
        x
    })
}

/// The endpoint's shared state: its back-off and its pace.
pub struct Gate {
    state: Mutex<GateState>,
    /// Time between two requests (`--rate`).
    interval: Option<Duration>,
    scale: f64,
}

struct GateState {
    /// No request leaves before this.
    until: Instant,
    /// Waves of failures since the last success.
    level: u32,
    /// When the last shared back-off began.
    changed: Instant,
    /// Failures since the last success.
    in_a_row: u32,
    /// The next free slot of the pace.
    next_slot: Instant,
    /// Shared back-offs so far (for the progress bar and tests).
    backoffs: u64,
}

impl Gate {
    pub fn new(rate: Option<f64>, scale: f64) -> Gate {
        let now = Instant::now();
        Gate {
            state: Mutex::new(GateState {
                until: now,
                level: 0,
                changed: now,
                in_a_row: 0,
                next_slot: now,
                backoffs: 0,
            }),
            interval: rate
                .filter(|r| *r > 0.0 && r.is_finite())
                .map(|r| Duration::from_secs_f64(1.0 / r)),
            scale,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, GateState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until a request may leave (the shared back-off passed, the pace's slot came).
    /// False when `stop` said so or the deadline came first.
    pub fn pass(&self, stop: &dyn Fn() -> bool, deadline: Instant) -> bool {
        let until = self.lock().until;
        if !sleep_until(until, stop, deadline) {
            return false;
        }
        let Some(interval) = self.interval else {
            return true;
        };
        let slot = {
            let mut s = self.lock();
            let slot = s.next_slot.max(Instant::now());
            s.next_slot = slot + interval;
            slot
        };
        sleep_until(slot, stop, deadline)
    }

    /// A request got an answer about its lead.
    pub fn success(&self) {
        let mut s = self.lock();
        s.level = 0;
        s.in_a_row = 0;
    }

    /// A request sent at `sent` failed; the server may have said when to come back.
    pub fn failure(&self, sent: Instant, retry_after: Option<Duration>) {
        let now = Instant::now();
        let mut s = self.lock();
        s.in_a_row += 1;
        if let Some(wait) = retry_after {
            s.until = s.until.max(now + wait.mul_f64(self.scale));
        }
        // A new wave: enough failures in a row, of requests sent after the last back-off.
        if s.in_a_row >= BURST && sent >= s.changed {
            s.level += 1;
            s.until = s.until.max(now + full_jitter(s.level, self.scale));
            s.changed = now;
            s.backoffs += 1;
        }
    }

    /// Shared back-offs so far.
    pub fn backoffs(&self) -> u64 {
        self.lock().backoffs
    }
}

/// Sleeps until `t`, looking at `stop` now and then. False when stopped or when `t` is past
/// the deadline.
pub fn sleep_until(t: Instant, stop: &dyn Fn() -> bool, deadline: Instant) -> bool {
    if t > deadline {
        return false;
    }
    loop {
        if stop() {
            return false;
        }
        let now = Instant::now();
        if now >= t {
            return true;
        }
        std::thread::sleep((t - now).min(POLL));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_jitter_stays_under_a_doubling_ceiling_capped_at_a_minute() {
        for n in 1..=10 {
            let ceiling = Duration::from_secs((1u64 << (n - 1)).min(60));
            let draws: Vec<Duration> = (0..200).map(|_| full_jitter(n, 1.0)).collect();
            assert!(draws.iter().all(|d| *d <= ceiling), "{n}");
            // Spread out, not all at the ceiling.
            assert!(draws.iter().any(|d| *d < ceiling / 2), "{n}");
        }
        assert!(full_jitter(40, 1.0) <= CAP);
        assert!(full_jitter(8, 0.001) <= Duration::from_millis(128));
    }

    #[test]
    fn retry_after_in_seconds_and_as_a_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(90));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(90))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(90));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn a_wave_of_failures_backs_the_endpoint_off_once() {
        let gate = Gate::new(None, 1.0);
        let sent = Instant::now();
        for _ in 0..10 {
            gate.failure(sent, None);
        }
        // Ten failures of one wave: one back-off, not ten.
        assert_eq!(gate.backoffs(), 1);
        gate.failure(Instant::now(), None);
        assert_eq!(gate.backoffs(), 2);
        gate.success();
        gate.failure(Instant::now(), None);
        assert_eq!(gate.backoffs(), 2);
    }

    #[test]
    fn retry_after_holds_every_worker() {
        let gate = Gate::new(None, 1.0);
        gate.failure(Instant::now(), Some(Duration::from_millis(300)));
        let start = Instant::now();
        assert!(gate.pass(&|| false, start + Duration::from_secs(5)));
        assert!(start.elapsed() >= Duration::from_millis(250));
        // A wait past the deadline is not waited.
        gate.failure(Instant::now(), Some(Duration::from_secs(30)));
        assert!(!gate.pass(&|| false, Instant::now() + Duration::from_secs(1)));
    }

    #[test]
    fn the_rate_spaces_requests() {
        let gate = Gate::new(Some(20.0), 1.0);
        let start = Instant::now();
        for _ in 0..5 {
            assert!(gate.pass(&|| false, start + Duration::from_secs(5)));
        }
        assert!(start.elapsed() >= Duration::from_millis(190));
    }
}
