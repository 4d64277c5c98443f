//! Files that are not plain readable files: special files and symlink loops in the tree, a
//! FIFO named explicitly, an unreadable file, a file that vanishes before it is read. Each
//! is skipped or a file-level error, and the run never hangs.

use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use super::{assert_invariant, file, wait_with_timeout};
use crate::util::Workdir;

#[cfg(unix)]
#[test]
fn special_files_and_loops_in_the_tree_never_hang() {
    use std::os::unix::net::UnixListener;
    let wd = Workdir::new();
    wd.create("good.ndjson", "");
    std::os::unix::fs::symlink(wd.input(), wd.input().join("loop")).unwrap();
    let fifo = wd.input().join("pipe.ndjson");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let _sock = UnixListener::bind(wd.input().join("sock.ndjson")).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_leadbatch"))
        .args(["process", "--as-of", "2026-11-23", "-q"])
        .arg(wd.input())
        .arg("--out")
        .arg(wd.out())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let out = wait_with_timeout(child, Duration::from_secs(60));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s: Value = serde_json::from_str(
        &std::fs::read_to_string(wd.out().join("latest/summary.json")).unwrap(),
    )
    .unwrap();
    let skipped: Vec<_> = s["skippedFiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(skipped, ["loop", "pipe.ndjson", "sock.ndjson"]);
}

#[cfg(unix)]
#[test]
fn a_fifo_named_explicitly_is_a_file_error_not_a_hang() {
    let wd = Workdir::new();
    let fifo = wd.input().join("pipe.ndjson");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let child = Command::new(env!("CARGO_BIN_EXE_leadbatch"))
        .args(["process", "--as-of", "2026-11-23", "-q"])
        .arg(&fifo)
        .arg("--out")
        .arg(wd.out())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let out = wait_with_timeout(child, Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(1));
    let s: Value = serde_json::from_str(
        &std::fs::read_to_string(wd.out().join("latest/summary.json")).unwrap(),
    )
    .unwrap();
    assert!(
        s["byFile"][0]["error"]
            .as_str()
            .unwrap()
            .contains("not a regular file")
    );
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_file_errors() {
    use std::os::unix::fs::PermissionsExt;
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0"))
        .unwrap_or(true);
    if is_root {
        // Root reads any file whatever its mode; the case cannot be made here.
        return;
    }
    let wd = Workdir::new();
    let p = wd.create("secret.ndjson", "{}\n");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    let run = wd.process();
    run.assert_exit_code(1);
    let s = assert_invariant(&run);
    assert!(
        file(&s, "secret.ndjson")["error"]
            .as_str()
            .unwrap()
            .contains("cannot read")
    );
}

#[test]
fn a_file_that_vanishes_before_reading_is_a_file_error() {
    use leadbatch::source::{BatchSink, Format, InputFile, Item, ReadOptions, read_file};
    let file = InputFile {
        path: "/nonexistent/leadbatch/vanished.ndjson".into(),
        source: "vanished.ndjson".into(),
        format: Format::Ndjson,
        compression: None,
    };
    let mut batches = Vec::new();
    let mut emit = |b| {
        batches.push(b);
        true
    };
    let mut sink = BatchSink::new(16, 1 << 20, &mut emit);
    assert_eq!(
        read_file(0, &file, &ReadOptions::default(), &mut sink),
        None
    );
    sink.flush();
    let items: Vec<_> = batches.into_iter().flat_map(|b| b.items).collect();
    assert!(
        matches!(&items[..], [Item::FileError { diag, .. }]
            if diag.message.contains("cannot read file") && diag.code.as_str() == "unreadable-file"),
        "a file that cannot be opened is unreadable-file, not parse-error"
    );
}
