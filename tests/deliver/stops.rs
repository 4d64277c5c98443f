//! Stops and resumes: refused credentials stop everything at once, SIGTERM stops sending
//! and records what was in flight, SIGKILLs at random moments lose nothing, and each time
//! the next `submit` finishes the job with every lead accepted once.

use std::time::{Duration, Instant};

use super::{assert_balanced, assert_delivered_exactly_once, creates, processed};
use crate::util::emulator::{Config, Emulator};
use crate::util::{Run, Workdir};

#[test]
fn refused_credentials_stop_everything_and_a_resume_finishes() {
    let wd = Workdir::new();
    let run = processed(&wd, &creates(60, "k"));
    let emu = Emulator::start(Config {
        auth: Some("Bearer s3cr3t-t0ken".into()),
        unauthorized_after: Some(10),
        ..Config::default()
    });
    let stopped = wd
        .submit(&emu.url())
        .args(["--concurrency", "4"])
        .env("LEADBATCH_TOKEN", "s3cr3t-t0ken")
        .run();
    stopped.assert_exit_code(2);
    assert!(
        stopped
            .stderr
            .contains("refused the credentials (HTTP 401)"),
        "{}",
        stopped.stderr
    );
    // One refusal per worker at most, not one per payload.
    let refusals = emu.answers().get("401").copied().unwrap_or(0);
    assert!((1..=4).contains(&refusals), "{refusals}");
    let s = stopped.delivery_summary();
    assert_balanced(&s);
    assert_eq!(s["stopped"].as_str(), Some("authentication"));
    assert_eq!(s["authentication"].as_str(), Some("bearer"));
    assert_eq!(s["delivered"].as_u64(), Some(10));
    assert_eq!(s["pending"].as_u64(), Some(50));
    // The token is never written anywhere.
    assert_no_trace(&wd, &stopped, "s3cr3t-t0ken");
    emu.configure(|c| c.unauthorized_after = None);
    let resumed = wd
        .submit(&emu.url())
        .env("LEADBATCH_TOKEN", "s3cr3t-t0ken")
        .run();
    resumed.assert_exit_code(0);
    assert_delivered_exactly_once(&emu, &run, &resumed);
    assert_eq!(
        resumed.delivery_summary()["fromEarlierDeliveries"].as_u64(),
        Some(10)
    );
}

#[test]
fn basic_authentication_from_the_environment() {
    let wd = Workdir::new();
    let run = processed(&wd, &creates(2, "b"));
    let emu = Emulator::start(Config {
        auth: Some("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==".into()),
        ..Config::default()
    });
    let delivery = wd
        .submit(&emu.url())
        .env("LEADBATCH_USER", "Aladdin")
        .env("LEADBATCH_PASSWORD", "open sesame")
        .run();
    delivery.assert_exit_code(0);
    assert_delivered_exactly_once(&emu, &run, &delivery);
    assert_no_trace(&wd, &delivery, "open sesame");
}

/// `secret` (and the leads' last name, personal data) appear in no output, no message and
/// not in the ledger.
fn assert_no_trace(wd: &Workdir, run: &Run, secret: &str) {
    assert!(!run.stderr.contains(secret) && !run.stdout.contains(secret));
    let mut files = vec![wd.ledger(), wd.path().join("ledger.db-wal")];
    for name in ["delivery.ndjson", "delivery-summary.json"] {
        files.push(run.delivery_dir().join(name));
    }
    for f in files {
        let bytes = std::fs::read(&f).unwrap_or_default();
        for needle in [secret, "Simkus"] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{needle} in {}",
                f.display()
            );
        }
    }
}

/// Waits for `child` (at most a minute) and gives its exit code.
fn wait(mut child: std::process::Child) -> Option<i32> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "submit did not end"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn sigterm_stops_sending_records_what_was_in_flight_and_a_resume_finishes() {
    let wd = Workdir::new();
    let run = processed(&wd, &creates(400, "t"));
    let emu = Emulator::start(Config {
        latency: Duration::from_millis(40),
        ..Config::default()
    });
    let child = wd.submit(&emu.url()).spawn();
    while emu.requests() < 20 {
        std::thread::sleep(Duration::from_millis(5));
    }
    // SAFETY: kill(2) on the child this test started.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let code = wait(child);
    assert_eq!(code, Some(2));
    let sent = emu.requests();
    let stopped = Run {
        code,
        stdout: String::new(),
        stderr: String::new(),
        out: wd.out(),
    };
    let s = stopped.delivery_summary();
    assert_balanced(&s);
    assert_eq!(s["stopped"].as_str(), Some("interrupted"));
    // Every request that left was answered and recorded: nothing was in doubt.
    assert_eq!(s["requests"].as_u64(), Some(sent));
    assert_eq!(s["delivered"].as_u64(), Some(sent));
    assert!(s["pending"].as_u64().unwrap() > 0, "{s}");
    let resumed = wd.submit(&emu.url()).run();
    resumed.assert_exit_code(0);
    assert_delivered_exactly_once(&emu, &run, &resumed);
    assert_eq!(resumed.delivery_summary()["reconciled"].as_u64(), Some(0));
}

/// Kills `submit` with SIGKILL `kills` times at random moments, each time followed by
/// another `submit`, under faults of every kind; then one lets it finish.
#[cfg(feature = "fault-injection")]
fn sigkill_at_random_moments(leads: usize, kills: u32) {
    let wd = Workdir::new();
    let run = processed(&wd, &creates(leads, "s"));
    let emu = Emulator::start(Config {
        latency: Duration::from_millis(15),
        fault_rate: 0.1,
        faults: crate::util::emulator::ALL_FAULTS.to_vec(),
        seed: 30,
        slow: Duration::from_millis(600),
        ..Config::default()
    });
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..kills {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let mut child = wd
            .submit(&emu.url())
            .args(["--timeout", "0.3"])
            .env("LEADBATCH_TEST_TIME_SCALE", super::FAST)
            .spawn();
        std::thread::sleep(Duration::from_millis(seed % 400));
        let _ = child.kill();
        let _ = child.wait();
    }
    let last = wd
        .submit(&emu.url())
        .args(["--timeout", "0.3"])
        .env("LEADBATCH_TEST_TIME_SCALE", super::FAST)
        .run();
    last.assert_exit_code(0);
    assert_delivered_exactly_once(&emu, &run, &last);
    // What killed submits left uncommitted is gone: only committed deliveries remain.
    let latest = last.delivery_summary()["deliveryId"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(last.delivery_ids().iter().all(|id| *id <= latest));
}

#[cfg(feature = "fault-injection")]
#[test]
fn thirty_sigkills_at_random_moments_each_followed_by_a_resume_lose_nothing() {
    sigkill_at_random_moments(3000, 30);
}

#[cfg(feature = "fault-injection")]
#[test]
fn a_kill_after_the_intent_and_before_the_request_is_delivered_by_the_resume() {
    let wd = Workdir::new();
    let run = processed(&wd, &creates(1, "i"));
    let emu = Emulator::start(Config::default());
    let killed = wd
        .submit(&emu.url())
        .env("LEADBATCH_FAULT", "kill:submit-sent")
        .run();
    assert_eq!(killed.code, None, "killed by a signal");
    assert_eq!(emu.requests(), 0);
    let resumed = wd.submit(&emu.url()).run();
    resumed.assert_exit_code(0);
    assert_delivered_exactly_once(&emu, &run, &resumed);
    // The intent of the request that never left was ours, but AMLYZE never saw it: the
    // resend is accepted, as attempt 2.
    let line = &resumed.delivery()[0];
    assert_eq!(
        (line["outcome"].as_str(), line["attempts"].as_u64()),
        (Some("delivered"), Some(2))
    );
    let ledger = leadbatch::ledger::Ledger::open(&wd.ledger()).unwrap();
    assert_eq!(ledger.journal_intents().unwrap(), 2);
}
