//! What `submit` refuses before it sends anything: a run changed after it was committed,
//! no committed run, a run without payloads, credentials in the URL, a token file others
//! can read, and a second `submit` on the same ledger.

use std::time::{Duration, Instant};

use super::{creates, processed};
use crate::util::Workdir;
use crate::util::emulator::{Config, Emulator};

#[test]
fn a_run_whose_payloads_changed_after_its_commit_is_refused() {
    let wd = Workdir::new();
    let run = processed(&wd, &creates(2, "d"));
    let emu = Emulator::start(Config::default());
    let path = run.dir().join("accepted.ndjson");
    let changed = run.read("accepted.ndjson").replace("Egle", "Egla");
    std::fs::write(&path, changed).unwrap();
    let refused = wd.submit(&emu.url()).run();
    refused.assert_exit_code(2);
    assert!(
        refused
            .stderr
            .contains("does not match the BLAKE3 digest its run's summary.json gives"),
        "{}",
        refused.stderr
    );
    assert_eq!(emu.requests(), 0);
}

#[test]
fn no_committed_run_or_a_run_without_payloads_is_refused() {
    let wd = Workdir::new();
    let emu = Emulator::start(Config::default());
    let none = wd.submit(&emu.url()).run();
    none.assert_exit_code(2);
    assert!(
        none.stderr.contains("holds no committed run"),
        "{}",
        none.stderr
    );
    wd.create_ndjson("leads.ndjson", &creates(1, "v"));
    wd.validate().assert_exit_code(0);
    let validated = wd.submit(&emu.url()).run();
    validated.assert_exit_code(2);
    assert!(
        validated.stderr.contains("has no accepted.ndjson"),
        "{}",
        validated.stderr
    );
    let unknown = wd
        .submit(&emu.url())
        .args(["--run", "20200101T000000Z-000000"])
        .run();
    unknown.assert_exit_code(2);
    assert_eq!(emu.requests(), 0);
}

#[test]
fn credentials_in_the_url_or_in_a_file_others_can_read_are_refused() {
    let wd = Workdir::new();
    processed(&wd, &creates(1, "u"));
    let emu = Emulator::start(Config::default());
    let url = emu.url().replace("http://", "http://ops:hunter2@");
    let refused = wd.submit(&url).run();
    refused.assert_exit_code(2);
    assert!(
        refused.stderr.contains("must not hold credentials"),
        "{}",
        refused.stderr
    );
    assert!(!refused.stderr.contains("hunter2"));
    let token = wd.path().join("token");
    std::fs::write(&token, "hunter2\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o640)).unwrap();
    let refused = wd.submit(&emu.url()).arg("--token-file").arg(&token).run();
    refused.assert_exit_code(2);
    assert!(
        refused.stderr.contains("has mode 640"),
        "{}",
        refused.stderr
    );
    assert!(!refused.stderr.contains("hunter2"));
    assert_eq!(emu.requests(), 0);
    // Readable by its owner only, it is used as a Bearer token.
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).unwrap();
    emu.configure(|c| c.auth = Some("Bearer hunter2".into()));
    let sent = wd.submit(&emu.url()).arg("--token-file").arg(&token).run();
    sent.assert_exit_code(0);
}

#[test]
fn a_second_submit_on_the_same_ledger_exits_2_at_once() {
    let wd = Workdir::new();
    processed(&wd, &creates(30, "l"));
    let emu = Emulator::start(Config {
        latency: Duration::from_millis(100),
        ..Config::default()
    });
    let mut first = wd.submit(&emu.url()).args(["--concurrency", "1"]).spawn();
    while emu.requests() == 0 {
        std::thread::sleep(Duration::from_millis(5));
    }
    let start = Instant::now();
    let second = wd.submit(&emu.url()).run();
    second.assert_exit_code(2);
    assert!(start.elapsed() < Duration::from_secs(2));
    assert!(
        second.stderr.contains("another leadbatch submit (pid")
            && second.stderr.contains("is using the ledger"),
        "{}",
        second.stderr
    );
    let _ = first.kill();
    let _ = first.wait();
}

#[test]
fn https_is_verified_against_the_system_roots_or_only_the_ca_file() {
    let wd = Workdir::new();
    let run = processed(&wd, &creates(3, "h"));
    let emu = Emulator::start(Config {
        tls: true,
        ..Config::default()
    });
    assert!(emu.url().starts_with("https://127.0.0.1:"));
    // The test root is in no system store: the certificate is refused, at once, not
    // retried until the deadline.
    let start = Instant::now();
    let refused = wd.submit(&emu.url()).run();
    refused.assert_exit_code(2);
    assert!(start.elapsed() < Duration::from_secs(20));
    assert!(
        refused
            .stderr
            .contains("TLS: invalid peer certificate: UnknownIssuer"),
        "{}",
        refused.stderr
    );
    assert_eq!(emu.requests(), 0);
    let ca = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tls/ca.pem");
    let delivered = wd.submit(&emu.url()).args(["--ca-file", ca]).run();
    delivered.assert_exit_code(0);
    super::assert_delivered_exactly_once(&emu, &run, &delivered);
    // A file without a certificate is refused before anything is sent.
    let key = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tls/key.pem");
    let bad = wd.submit(&emu.url()).args(["--ca-file", key]).run();
    bad.assert_exit_code(2);
    assert!(
        bad.stderr.contains("holds no PEM certificate"),
        "{}",
        bad.stderr
    );
}
