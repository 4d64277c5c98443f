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

/// A directory on the disk that holds the build (tmpfs `/tmp` would hide the direct
/// path).
fn test_dir() -> std::io::Result<tempfile::TempDir> {
    tempfile::tempdir_in(concat!(env!("CARGO_MANIFEST_DIR"), "/target"))
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

#[test]
fn streamed_files_hold_exactly_what_was_written() {
    // Empty, under one alignment unit, exactly one block, blocks plus a tail, and
    // more blocks than the writer holds at once.
    let dir = test_dir().unwrap();
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
        let (back, _) = round_trip(dir.path(), &data);
        assert_eq!(back.len(), data.len(), "length for {len}");
        assert!(back == data, "bytes for {len}");
    }
}

#[test]
fn streamed_files_are_exact_on_tmpfs_too() {
    // tmpfs refuses O_DIRECT before Linux 6.6: the sink falls back to buffered writes.
    if let Ok(shm) = tempfile::tempdir_in("/dev/shm") {
        let data = pattern((3 << 20) + 77);
        let (back, _) = round_trip(shm.path(), &data);
        assert!(back == data);
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_refused_direct_write_is_written_again_buffered() {
    // A misaligned length is refused by O_DIRECT (EINVAL): the bytes must still land,
    // and the file is buffered from then on.
    let dir = test_dir().unwrap();
    let path = dir.path().join("odd");
    let file = File::create(&path).unwrap();
    let Sink::Direct(d) = Sink::streamed(file) else {
        return; // this file system refuses O_DIRECT: nothing to fall back from
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
    let dir = test_dir().unwrap();
    let path = dir.path().join("read-only");
    std::fs::write(&path, b"").unwrap();
    for finish in [true, false] {
        let mut sink = Sink::streamed(File::open(&path).unwrap());
        if !sink.is_direct() {
            return; // this file system refuses O_DIRECT: covered by the buffered path
        }
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
    let dir = test_dir().unwrap();
    let path = dir.path().join("small");
    let mut sink = Sink::buffered(File::create(&path).unwrap());
    assert!(!sink.is_direct());
    sink.write_all(b"{}\n").unwrap();
    sink.finish().unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"{}\n");
}
