//! The output directory contract: one run at a time (the lock), each run in its own
//! directory, `latest` moved in one rename, a complete and self-consistent set at every
//! instant (faults and SIGKILLs at every commit step), no way in through planted symlinks,
//! private directories whatever the umask, and signals obeyed while the reader is stalled.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use super::wait_with_timeout;
use crate::util::Workdir;

/// The run directory `latest` names (its id).
fn latest_id(out: &Path) -> Option<String> {
    let t = std::fs::read_link(out.join("latest")).ok()?;
    Some(t.file_name()?.to_string_lossy().into_owned())
}

/// Every directory in `runs/`, sorted.
fn run_ids(out: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(out.join("runs"))
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Checks that `latest` names one complete, self-consistent set: the summary's counts are
/// the files' lines, and every digest in it is the digest of the file beside it. Returns
/// the summary.
pub(super) fn assert_latest_consistent(out: &Path) -> Value {
    let dir = out.join("latest");
    let summary: Value = serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap())
        .unwrap_or_else(|e| panic!("summary.json of {dir:?}: {e}"));
    assert_eq!(
        Some(summary["runId"].as_str().unwrap().to_string()),
        latest_id(out)
    );
    let lines = |name: &str| {
        std::fs::read_to_string(dir.join(name)).map_or(0, |t| t.lines().count() as u64)
    };
    assert_eq!(summary["rejected"].as_u64(), Some(lines("rejected.ndjson")));
    if dir.join("accepted.ndjson").exists() {
        assert_eq!(summary["accepted"].as_u64(), Some(lines("accepted.ndjson")));
    }
    let outputs = summary["outputs"].as_object().unwrap();
    assert!(outputs.contains_key("errors.csv") && outputs.contains_key("report.html"));
    for (name, digest) in outputs {
        let bytes = std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            blake3::hash(&bytes).to_hex().as_str(),
            digest.as_str().unwrap(),
            "{name} is not the file summary.json describes"
        );
    }
    summary
}

fn leads(wd: &Workdir, n: usize, tag: &str) {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&format!(
            "{{\"communicationNumber\":\"CN-{tag}-{i}\",\"requester\":\"core\",\"riskManagementCategory\":\"LEAD_IND\",\"sourceOfRiskLevel\":\"EVALUATE\",\"customerExtId\":\"EXT-{tag}-{i}\",\"entityType\":\"INDIVIDUAL\",\"applicationDate\":\"2024-03-01\",\"firstName\":\"Egle\",\"lastName\":\"Simkus\",\"birthDate\":\"1990-07-15\",\"citizenshipCountry\":\"LT\",\"initializeScreeningProcesses\":[\"PEP\"],\"listAddress\":[{{\"country\":\"LT\",\"addressDetails\":\"Gedimino 1\"}}]}}\n"
        ));
    }
    wd.create(&format!("{tag}.ndjson"), s);
}

#[test]
fn each_run_commits_its_own_directory_and_latest_moves_to_it() {
    let wd = Workdir::new();
    leads(&wd, 3, "a");
    // Without --quiet, the committed directory is named on stderr.
    let first = wd
        .command_bare("process")
        .args(["--as-of", "2026-11-23"])
        .arg(wd.input())
        .out(wd.out())
        .run();
    first.assert_exit_code(0);
    let s1 = assert_latest_consistent(&wd.out());
    assert_eq!(s1["previousRunId"], Value::Null);
    let id1 = s1["runId"].as_str().unwrap().to_string();
    assert!(
        first.stderr.contains(&format!(
            "committed {}",
            wd.out().join("runs").join(&id1).display()
        )),
        "{}",
        first.stderr
    );
    // validate writes its own complete set: no accepted.ndjson left over from `process`.
    let v = wd.validate();
    v.assert_exit_code(0);
    let s2 = assert_latest_consistent(&wd.out());
    assert_eq!(s2["previousRunId"], id1.as_str());
    assert!(!wd.out().join("latest/accepted.ndjson").exists());
    assert!(
        !s2["outputs"]
            .as_object()
            .unwrap()
            .contains_key("accepted.ndjson")
    );
    // The first run's set is untouched.
    assert!(
        wd.out()
            .join("runs")
            .join(&id1)
            .join("accepted.ndjson")
            .exists()
    );
    assert_eq!(run_ids(&wd.out()).len(), 2);
}

#[test]
fn keep_runs_removes_the_oldest_committed_runs() {
    let wd = Workdir::new();
    leads(&wd, 1, "a");
    let mut ids = Vec::new();
    for _ in 0..4 {
        let run = wd
            .command("process")
            .arg(wd.input())
            .args(["--keep-runs", "2"])
            .out(wd.out())
            .run();
        run.assert_exit_code(0);
        ids.push(run.summary()["runId"].as_str().unwrap().to_string());
    }
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "run ids sort by time");
    assert_eq!(run_ids(&wd.out()), ids[2..]);
    assert_eq!(latest_id(&wd.out()).as_deref(), Some(ids[3].as_str()));
    let refused = wd
        .command("process")
        .arg(wd.input())
        .args(["--keep-runs", "0"])
        .out(wd.out())
        .run();
    refused.assert_exit_code(2);
}

#[test]
fn directories_of_runs_that_never_committed_are_removed_by_the_next_run() {
    let wd = Workdir::new();
    leads(&wd, 1, "a");
    wd.process().assert_exit_code(0);
    let committed = latest_id(&wd.out()).unwrap();
    // What killed runs leave: a newer run directory, something that is no run id, and a
    // link that never became `latest`.
    let runs = wd.out().join("runs");
    std::fs::create_dir(runs.join("29991231T235959Z-abcdef")).unwrap();
    std::fs::write(runs.join("29991231T235959Z-abcdef/accepted.ndjson"), "{}\n").unwrap();
    std::fs::create_dir(runs.join("junk")).unwrap();
    std::os::unix::fs::symlink("runs/junk", wd.out().join(".latest.x.tmp")).unwrap();
    let run = wd.process();
    run.assert_exit_code(0);
    let now = latest_id(&wd.out()).unwrap();
    assert_eq!(run_ids(&wd.out()), [committed, now]);
    assert!(!wd.out().join(".latest.x.tmp").exists());
}

#[test]
fn a_second_run_on_a_locked_out_exits_2_at_once_or_waits_with_wait_lock() {
    let wd = Workdir::new();
    leads(&wd, 1, "a");
    wd.process().assert_exit_code(0);
    let before = latest_id(&wd.out());
    // Another run holds OUT: this process takes the lock as leadbatch does.
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(wd.out().join(".lock"))
        .unwrap();
    lock.lock().unwrap();
    std::fs::write(
        wd.out().join(".lock"),
        "pid 4242, started 2026-12-04T02:30:00Z\n",
    )
    .unwrap();
    let start = std::time::Instant::now();
    let run = wd.process();
    run.assert_exit_code(2);
    assert!(start.elapsed() < Duration::from_secs(5));
    let expected = format!(
        "leadbatch: another leadbatch run (pid 4242, started 2026-12-04T02:30:00Z) is using {}",
        wd.out().display()
    );
    assert!(run.stderr.lines().any(|l| l == expected), "{}", run.stderr);
    assert_eq!(latest_id(&wd.out()), before);
    assert_eq!(run_ids(&wd.out()).len(), 1);
    // --wait-lock waits for it.
    let releaser = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(700));
        lock.unlock().unwrap();
    });
    let run = wd
        .command("process")
        .arg(wd.input())
        .args(["--wait-lock", "30"])
        .out(wd.out())
        .run();
    releaser.join().unwrap();
    run.assert_exit_code(0);
    assert_ne!(latest_id(&wd.out()), before);
}

#[test]
fn two_runs_started_together_never_damage_each_other() {
    let wd = Workdir::new();
    leads(&wd, 3000, "a");
    let spawn = |wait: bool| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_leadbatch"));
        c.args(["process", "--as-of", "2026-11-23", "-q"])
            .arg(wd.input())
            .arg("--out")
            .arg(wd.out())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if wait {
            c.args(["--wait-lock", "60"]);
        }
        c.spawn().unwrap()
    };
    for wait in [false, true] {
        let (a, b) = (spawn(wait), spawn(wait));
        let outs = [
            wait_with_timeout(a, Duration::from_secs(60)),
            wait_with_timeout(b, Duration::from_secs(60)),
        ];
        let codes: Vec<Option<i32>> = outs.iter().map(|o| o.status.code()).collect();
        for o in &outs {
            let err = String::from_utf8_lossy(&o.stderr);
            match o.status.code() {
                Some(0) => {}
                Some(2) if !wait => assert!(err.contains("another leadbatch run"), "{err}"),
                other => panic!("exit {other:?}: {err}"),
            }
        }
        assert!(codes.contains(&Some(0)), "{codes:?}");
        if wait {
            assert_eq!(codes, [Some(0), Some(0)]);
        }
        assert_latest_consistent(&wd.out());
    }
}

#[test]
fn symlinks_planted_in_out_never_redirect_a_write() {
    let wd = Workdir::new();
    leads(&wd, 2, "a");
    let victim = wd.path().join("victim.txt");
    std::fs::write(&victim, "precious\n").unwrap();
    let elsewhere = wd.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    // `runs` planted as a link to a directory the attacker controls.
    let out = wd.path().join("out1");
    std::fs::create_dir(&out).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("runs")).unwrap();
    let run = wd.command("process").arg(wd.input()).out(&out).run();
    run.assert_exit_code(2);
    assert!(
        run.stderr.contains("refusing to write through it"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    // The lock file planted as a link to the victim.
    let out = wd.path().join("out2");
    std::fs::create_dir(&out).unwrap();
    std::os::unix::fs::symlink(&victim, out.join(".lock")).unwrap();
    let run = wd.command("process").arg(wd.input()).out(&out).run();
    run.assert_exit_code(2);
    // Links at every name a run writes at the top of OUT, to the victim.
    let out = wd.path().join("out3");
    std::fs::create_dir(&out).unwrap();
    for name in [
        "accepted.ndjson",
        "rejected.ndjson",
        "errors.csv",
        "summary.json",
        "report.html",
    ] {
        std::os::unix::fs::symlink(&victim, out.join(name)).unwrap();
    }
    wd.command("process")
        .arg(wd.input())
        .out(&out)
        .run()
        .assert_exit_code(0);
    assert_latest_consistent(&out);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
}

#[test]
fn directories_are_private_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let wd = Workdir::new();
    leads(&wd, 2, "a");
    let mode = |p: PathBuf| std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
    for (extra, dir_mode, file_mode) in [(None, 0o700, 0o600), (Some("640"), 0o750, 0o640)] {
        let out = wd.path().join(format!("fresh-{dir_mode:o}"));
        let mut script = format!(
            "umask 000; exec '{}' process --as-of 2026-11-23 -q '{}' --out '{}' --payload-layout files",
            env!("CARGO_BIN_EXE_leadbatch"),
            wd.input().display(),
            out.display()
        );
        if let Some(m) = extra {
            script.push_str(&format!(" --file-mode {m}"));
        }
        let status = Command::new("sh").arg("-c").arg(&script).status().unwrap();
        assert_eq!(status.code(), Some(0));
        let run_dir = out.join("runs").join(latest_id(&out).unwrap());
        for d in [
            out.clone(),
            out.join("runs"),
            run_dir.clone(),
            run_dir.join("accepted"),
        ] {
            assert_eq!(mode(d.clone()), dir_mode, "{d:?}");
        }
        assert_eq!(mode(run_dir.join("summary.json")), file_mode);
    }
}

#[test]
fn sigterm_ends_a_run_stalled_on_standard_input_within_a_second() {
    let wd = Workdir::new();
    let mut child = Command::new(env!("CARGO_BIN_EXE_leadbatch"))
        .args([
            "process",
            "-",
            "--format",
            "ndjson",
            "--as-of",
            "2026-11-23",
            "-q",
        ])
        .arg("--out")
        .arg(wd.out())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // One record, then the pipe stays open and silent: the reader waits in read(2).
    use std::io::Write;
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"{\"communicationNumber\":\"CN\"}\n")
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let start = std::time::Instant::now();
    assert!(
        Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status()
            .unwrap()
            .success()
    );
    let out = wait_with_timeout(child, Duration::from_secs(10));
    let took = start.elapsed();
    drop(stdin);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(took < Duration::from_millis(1500), "took {took:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("interrupted"));
    assert!(
        !wd.out().join("latest").exists(),
        "nothing may be committed"
    );
}

/// Kills a run at random moments (`kills` times), each time checking that `latest` names a
/// complete, self-consistent set, then lets a run finish and checks again.
fn sigkill_at_random_moments(records: usize, kills: u32) {
    let wd = Workdir::new();
    leads(&wd, records / 2, "a");
    wd.process().assert_exit_code(0);
    leads(&wd, records / 2, "b");
    // How long a whole run takes here, to spread the kills over it.
    let start = std::time::Instant::now();
    wd.command("process")
        .arg(wd.input())
        .out(wd.path().join("timing"))
        .run()
        .assert_exit_code(0);
    let whole = start.elapsed().as_micros().max(1000) as u64;
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..kills {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let mut child = Command::new(env!("CARGO_BIN_EXE_leadbatch"))
            .args(["process", "--as-of", "2026-11-23", "-q"])
            .arg(wd.input())
            .arg("--out")
            .arg(wd.out())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(seed % (whole + whole / 4)));
        let _ = child.kill();
        let _ = child.wait();
        let s = assert_latest_consistent(&wd.out());
        assert!(
            matches!(s["records"].as_u64(), Some(n) if n == (records / 2) as u64 || n == records as u64)
        );
    }
    wd.process().assert_exit_code(0);
    assert_eq!(
        assert_latest_consistent(&wd.out())["records"].as_u64(),
        Some(records as u64)
    );
    // Only committed runs are left.
    let latest = latest_id(&wd.out()).unwrap();
    assert!(run_ids(&wd.out()).iter().all(|id| *id <= latest));
}

#[test]
fn sigkill_at_random_moments_leaves_latest_complete() {
    sigkill_at_random_moments(6_000, 8);
}

/// The long version: `cargo test --locked --release -- --ignored sigkill_100`.
#[test]
#[ignore = "long: 100 SIGKILLs of a 200,000-record run"]
fn sigkill_100_times_during_a_200k_record_run() {
    sigkill_at_random_moments(200_000, 100);
}

/// A fault at every step of the commit: before each fsync and the rename, `latest` still
/// names the previous complete set and the run exits 2; after the rename (the fsync of OUT)
/// it names the new one and the run still exits 2, saying so. A SIGKILL at each step leaves
/// one of the two sets, and the next run cleans up.
#[cfg(feature = "fault-injection")]
#[test]
fn a_fault_or_a_kill_at_every_commit_step_leaves_latest_on_a_complete_set() {
    let wd = Workdir::new();
    leads(&wd, 5, "a");
    wd.process().assert_exit_code(0);
    leads(&wd, 5, "b");
    for step in [
        "fsync-run-dir",
        "fsync-runs",
        "symlink",
        "rename",
        "fsync-out",
    ] {
        let before = latest_id(&wd.out());
        let before_summary = assert_latest_consistent(&wd.out());
        let run = wd
            .command("process")
            .arg(wd.input())
            .out(wd.out())
            .env("LEADBATCH_FAULT", step)
            .run();
        run.assert_exit_code(2);
        assert!(
            run.stderr.contains(&format!("injected fault at {step}")),
            "{step}: {}",
            run.stderr
        );
        let s = assert_latest_consistent(&wd.out());
        if step == "fsync-out" {
            assert_ne!(latest_id(&wd.out()), before);
            assert!(
                run.stderr.contains("the run was committed"),
                "{}",
                run.stderr
            );
        } else {
            assert_eq!(latest_id(&wd.out()), before, "{step}");
            assert_eq!(s, before_summary, "{step}");
        }
        let killed = wd
            .command("process")
            .arg(wd.input())
            .out(wd.out())
            .env("LEADBATCH_FAULT", format!("kill:{step}"))
            .run();
        assert_eq!(killed.code, None, "{step}: killed by a signal");
        assert_latest_consistent(&wd.out());
        // The next run removes what the killed one left and commits.
        wd.process().assert_exit_code(0);
        let latest = latest_id(&wd.out()).unwrap();
        assert!(run_ids(&wd.out()).iter().all(|id| *id <= latest));
        assert!(
            std::fs::read_dir(wd.out())
                .unwrap()
                .flatten()
                .all(|e| !e.file_name().to_string_lossy().starts_with(".latest."))
        );
    }
}
