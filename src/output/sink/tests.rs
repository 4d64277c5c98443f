//! Tests of the output sinks: exact bytes through direct and buffered writes, the fallback
//! when the file system refuses `O_DIRECT`, and errors kept once they happen.

use super::*;

/// Writes `data` through a streamed sink in uneven pieces and reads the file back.
fn round_trip(dir: &std::path::Path, data: &[u8]) -> (Vec<u8>, bool) {
    let path = dir.join("out");
    let file = File::create(&path).unwrap();
    let mut sink = Sink::streamed(file);
    let direct = sink.is_direct();
    let mut rest = data;
    let mut step = 1;
    while !rest.is_empty() {
        let n = step.min(rest.len());
        sink.write_all(&rest[..n]).unwrap();
        rest = &rest[n..];
        step = step * 7 % 300_001 + 1;
    }
    sink.finish().unwrap();
    (std::fs::read(&path).unwrap(), direct)
}

/// A fresh directory for one test's files, and whether its file system takes `O_DIRECT`.
///
/// The system's temporary directory when it takes `O_DIRECT` (so the direct path is the one
/// under test), else a directory beside the test binary: that is the build directory, on
/// whatever disk `CARGO_TARGET_DIR` names (a tmpfs `/tmp` refuses `O_DIRECT` before Linux
/// 6.6 and would leave only the buffered path tested). Never a path inside the source tree.
fn test_dir() -> (tempfile::TempDir, bool) {
    let beside_binary = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(std::path::Path::to_path_buf));
    let mut fallback = None;
    for base in [Some(std::env::temp_dir()), beside_binary]
        .into_iter()
        .flatten()
    {
        let Ok(dir) = tempfile::tempdir_in(&base) else {
            continue;
        };
        if takes_direct(dir.path()) {
            return (dir, true);
        }
        fallback.get_or_insert(dir);
    }
    (fallback.expect("a writable temporary directory"), false)
}

/// Whether files in `dir` open with `O_DIRECT`, asked of the kernel directly (not of the
/// sink under test, whose choice the tests check against this answer).
#[cfg(target_os = "linux")]
fn takes_direct(dir: &std::path::Path) -> bool {
    use std::os::unix::fs::OpenOptionsExt;
    let probe = dir.join("o-direct-probe");
    let ok = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .custom_flags(libc::O_DIRECT)
        .open(&probe)
        .is_ok();
    let _ = std::fs::remove_file(&probe);
    ok
}

#[cfg(not(target_os = "linux"))]
fn takes_direct(_dir: &std::path::Path) -> bool {
    false
}

/// Says on the terminal that `test` did not run its checks, and why. Written to the stderr
/// handle itself: the test harness captures `eprintln!`, and a skip must not look like a pass.
fn skipped(test: &str, why: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "test {test}: SKIPPED, {why}");
}

/// The message for a test that needs `O_DIRECT` on a machine where neither candidate
/// directory takes it.
const NO_DIRECT: &str = "neither the temporary directory nor the build directory takes \
                         O_DIRECT (tmpfs before Linux 6.6?); the direct path is untested here";

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

#[test]
fn streamed_files_hold_exactly_what_was_written() {
    // Empty, under one alignment unit, exactly one block, blocks plus a tail, and
    // more blocks than the writer holds at once.
    let (dir, direct) = test_dir();
    if !direct {
        skipped(
            "streamed_files_hold_exactly_what_was_written",
            &format!("{NO_DIRECT}; checking the buffered path only"),
        );
    }
    for len in [
        0,
        1,
        4095,
        4096,
        4097,
        1 << 20,
        (1 << 20) + 1,
        5 * (1 << 20) + 12345,
    ] {
        let data = pattern(len);
        let (back, went_direct) = round_trip(dir.path(), &data);
        assert_eq!(
            went_direct, direct,
            "O_DIRECT used where it works, for {len}"
        );
        assert_eq!(back.len(), data.len(), "length for {len}");
        assert!(back == data, "bytes for {len}");
    }
}

#[test]
fn streamed_files_are_exact_on_tmpfs_too() {
    // tmpfs refuses O_DIRECT before Linux 6.6: the sink falls back to buffered writes.
    let Ok(shm) = tempfile::tempdir_in("/dev/shm") else {
        skipped("streamed_files_are_exact_on_tmpfs_too", "no /dev/shm here");
        return;
    };
    let data = pattern((3 << 20) + 77);
    let (back, went_direct) = round_trip(shm.path(), &data);
    assert_eq!(went_direct, takes_direct(shm.path()));
    assert!(back == data);
}

#[cfg(target_os = "linux")]
#[test]
fn a_refused_direct_write_is_written_again_buffered() {
    // A misaligned length is refused by O_DIRECT (EINVAL): the bytes must still land,
    // and the file is buffered from then on.
    let (dir, direct) = test_dir();
    if !direct {
        skipped(
            "a_refused_direct_write_is_written_again_buffered",
            NO_DIRECT,
        );
        return;
    }
    let path = dir.path().join("odd");
    let file = File::create(&path).unwrap();
    let Sink::Direct(d) = Sink::streamed(file) else {
        panic!(
            "O_DIRECT works in {} but the sink is buffered",
            dir.path().display()
        );
    };
    assert!(d.is_direct());
    d.write_misaligned_for_test(b"not a block").unwrap();
    assert!(!d.is_direct());
    d.finish().unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"not a block");
}

/// A read-only handle: every write fails (EBADF). The error must surface, every later
/// call must fail too, and nothing may panic or hang, finished or dropped.
#[cfg(target_os = "linux")]
#[test]
fn a_failed_direct_write_fails_every_later_call() {
    let (dir, direct) = test_dir();
    if !direct {
        skipped("a_failed_direct_write_fails_every_later_call", NO_DIRECT);
        return;
    }
    let path = dir.path().join("read-only");
    std::fs::write(&path, b"").unwrap();
    for finish in [true, false] {
        let mut sink = Sink::streamed(File::open(&path).unwrap());
        assert!(
            sink.is_direct(),
            "O_DIRECT works here but the sink is buffered"
        );
        let block = vec![7u8; 1 << 20];
        let err = (0..8)
            .find_map(|_| sink.write_all(&block).err())
            .expect("writing to a read-only file must fail");
        assert_eq!(err.raw_os_error(), Some(libc::EBADF), "{err}");
        assert!(sink.write(b"x").is_err());
        if finish {
            assert!(sink.finish().is_err());
        } // else dropped here, as an abandoned output is
    }
}

/// `fdatasync` on a pipe fails (EINVAL): the background syncer must hand that on.
#[cfg(target_os = "linux")]
#[test]
fn the_background_syncer_keeps_its_first_error() {
    let (_reader, writer) = std::io::pipe().unwrap();
    let file = File::from(std::os::fd::OwnedFd::from(writer));
    let syncer = Syncer::start(&file).expect("a syncer thread");
    syncer.ask.send(()).unwrap();
    let err = syncer.stop().expect_err("fdatasync on a pipe fails");
    assert_eq!(err.raw_os_error(), Some(libc::EINVAL), "{err}");
}

#[test]
fn small_files_are_buffered() {
    let (dir, _) = test_dir();
    let path = dir.path().join("small");
    let mut sink = Sink::buffered(File::create(&path).unwrap());
    assert!(!sink.is_direct());
    sink.write_all(b"{}\n").unwrap();
    sink.finish().unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"{}\n");
}
