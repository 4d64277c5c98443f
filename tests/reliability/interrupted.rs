//! Faults during the run: an unwritable `--out`, SIGKILL and SIGTERM mid-run, a full disk.
//! The previous outputs are kept (`latest` names the same complete set), nothing
//! half-written is committed, and the next run removes the killed run's directory.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use super::wait_with_timeout;
use crate::util::Workdir;

#[test]
fn an_unwritable_out_ends_the_run_with_status_2() {
    let wd = Workdir::new();
    wd.create("a.ndjson", "{}\n");
    let blocker = wd.path().join("not-a-dir");
    std::fs::write(&blocker, "x").unwrap();
    let run = wd
        .command("process")
        .arg(wd.input())
        .out(blocker.join("out"))
        .run();
    run.assert_exit_code(2);
    assert!(
        run.stderr
            .contains("cannot create or lock the output directory"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

/// Writes a corpus large enough that a debug build takes a while on it.
fn big_corpus(wd: &Workdir) {
    let (_, _) = wd.gen_corpus("big.ndjson", 60_000, 11);
}

/// The run `latest` names, and its files with their bytes.
fn previous_outputs(wd: &Workdir) -> Vec<(String, Vec<u8>)> {
    let target = std::fs::read_link(wd.out().join("latest")).unwrap();
    let mut v: Vec<_> = std::fs::read_dir(wd.out().join("latest"))
        .unwrap()
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap_or_default(),
            )
        })
        .filter(|(n, _)| !n.starts_with('.'))
        .collect();
    v.sort();
    v.insert(
        0,
        (
            "latest ->".into(),
            target.into_os_string().into_encoded_bytes(),
        ),
    );
    v
}

/// Run directories newer than the one `latest` names: a run in progress, or one killed.
fn temp_files(wd: &Workdir) -> Vec<String> {
    let latest = std::fs::read_link(wd.out().join("latest")).unwrap();
    let latest = latest.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::read_dir(wd.out().join("runs"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| *n > latest)
        .collect()
}

#[cfg(unix)]
#[test]
fn sigkill_mid_run_leaves_previous_outputs_and_the_next_run_cleans_up() {
    let wd = Workdir::new();
    wd.create("small.ndjson", "{}\n");
    wd.process().assert_exit_code(1);
    let before = previous_outputs(&wd);
    assert!(before.iter().any(|(n, _)| n == "summary.json"));
    big_corpus(&wd);
    let mut child = Command::new(env!("CARGO_BIN_EXE_leadbatch"))
        .args(["process", "--as-of", "2026-11-23", "-q", "-j", "1"])
        .arg(wd.input())
        .arg("--out")
        .arg(wd.out())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the run has started writing, then kill it without warning.
    let start = std::time::Instant::now();
    while temp_files(&wd).is_empty() && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(100));
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success());
    assert_eq!(
        previous_outputs(&wd),
        before,
        "a killed run changed committed outputs"
    );
    // The next run removes the stale temporary files.
    std::fs::remove_file(wd.input().join("big.ndjson")).unwrap();
    wd.process().assert_exit_code(1);
    assert!(temp_files(&wd).is_empty(), "{:?}", temp_files(&wd));
}

#[cfg(unix)]
#[test]
fn sigterm_stops_promptly_and_commits_nothing() {
    let wd = Workdir::new();
    wd.create("small.ndjson", "{}\n");
    wd.process().assert_exit_code(1);
    let before = previous_outputs(&wd);
    big_corpus(&wd);
    let child = Command::new(env!("CARGO_BIN_EXE_leadbatch"))
        .args(["process", "--as-of", "2026-11-23", "-q", "-j", "1"])
        .arg(wd.input())
        .arg("--out")
        .arg(wd.out())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while temp_files(&wd).is_empty() && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(
        Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status()
            .unwrap()
            .success()
    );
    let out = wait_with_timeout(child, Duration::from_secs(20));
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("interrupted"));
    assert_eq!(previous_outputs(&wd), before);
    assert!(temp_files(&wd).is_empty(), "{:?}", temp_files(&wd));
}

/// A full disk: mounts a 64 KiB tmpfs as `--out` (root only; skipped where mounting is not
/// allowed), fills it with a run and checks that nothing was replaced.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_ends_the_run_with_status_2_and_replaces_nothing() {
    let wd = Workdir::new();
    let mnt = wd.path().join("small-disk");
    std::fs::create_dir_all(&mnt).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&mnt)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("skipped: cannot mount a tmpfs here");
        return;
    }
    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(self.0).status();
        }
    }
    let _guard = Unmount(&mnt);
    let out = mnt.join("out");
    wd.create("small.ndjson", "{}\n");
    wd.command("process")
        .arg(wd.input())
        .out(&out)
        .run()
        .assert_exit_code(1);
    let before: Vec<_> = ["summary.json", "rejected.ndjson", "errors.csv"]
        .iter()
        .map(|n| std::fs::read(out.join("latest").join(n)).unwrap())
        .collect();
    wd.gen_corpus("big.ndjson", 3000, 5);
    let run = wd.command("process").arg(wd.input()).out(&out).run();
    run.assert_exit_code(2);
    assert!(run.stderr.contains("No space left"), "{}", run.stderr);
    let after: Vec<_> = ["summary.json", "rejected.ndjson", "errors.csv"]
        .iter()
        .map(|n| std::fs::read(out.join("latest").join(n)).unwrap())
        .collect();
    assert_eq!(before, after, "a failed run replaced outputs");
    // The failed run's directory is gone; only the committed run is left.
    let runs: Vec<_> = std::fs::read_dir(out.join("runs"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(runs.len(), 1, "{runs:?}");
}
