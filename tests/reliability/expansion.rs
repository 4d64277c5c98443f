//! Decompression bombs (`--max-expansion`): a compressed file that expands past
//! max(64 MiB, N × its compressed size) is a file-level `parse-error` naming the limit and
//! the flag, the records before the limit are kept, and a normal compressed file is read.
//!
//! The bombs are built as concatenated gzip members (zstd frames) of one compressed block,
//! so that the test compresses 16 MiB once instead of 96. Their filler is lines of 1 MiB of
//! spaces: blank lines to every reader, and cut by `memchr` quickly even in a debug build
//! (a newline per byte takes a debug binary ten times longer to walk through).

use std::io::Write as _;

use serde_json::{Value, json};

use super::{assert_invariant, file};
use crate::util::Workdir;

fn lead(i: u32) -> Value {
    json!({
        "communicationNumber": format!("ComNr_X_{i}"), "requester": "core-banking",
        "riskManagementCategory": "LEAD_IND", "sourceOfRiskLevel": "EVALUATE",
        "customerExtId": format!("Lead_X_{i}"), "entityType": "INDIVIDUAL",
        "applicationDate": "2024-03-01", "firstName": "Eglė", "lastName": "Šimkus",
        "birthDate": "1990-07-15", "citizenshipCountry": "LT"
    })
}

fn leads_text(ids: std::ops::RangeInclusive<u32>) -> String {
    ids.map(|i| format!("{}\n", lead(i))).collect()
}

/// `mib` lines of 1 MiB each: spaces and a newline.
fn blank_lines(mib: usize) -> Vec<u8> {
    let mut line = vec![b' '; (1 << 20) - 1];
    line.push(b'\n');
    line.repeat(mib)
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

/// Three leads, then `16 × blocks` MiB of blank lines, as gzip members.
fn gzip_bomb(blocks: usize) -> Vec<u8> {
    let mut out = gzip(leads_text(1..=3).as_bytes());
    let block = gzip(&blank_lines(16));
    for _ in 0..blocks {
        out.extend_from_slice(&block);
    }
    out
}

/// The errors.csv rows of `source`, as (record, code, message).
fn file_findings(run: &crate::util::Run, source: &str) -> Vec<(String, String, String)> {
    run.errors()
        .into_iter()
        .filter(|e| e.source == source)
        .map(|e| (e.record, e.code, e.message))
        .collect()
}

#[test]
fn a_gzip_bomb_stops_at_its_limit_and_keeps_the_records_before_it() {
    let wd = Workdir::new();
    let bomb = gzip_bomb(6);
    let expanded = 6 * (16u64 << 20);
    // The bomb is past both bounds: the 64 MiB floor and 1000 times its size.
    let limit = 1000 * bomb.len() as u64;
    assert!(expanded > limit && limit > 64 << 20, "{} bytes", bomb.len());
    wd.create("bomb.ndjson.gz", &bomb);
    wd.create("ok.ndjson.gz", gzip(leads_text(4..=5).as_bytes()));
    let run = wd.process();
    run.assert_exit_code(1);
    let s = assert_invariant(&run);
    assert_eq!(s["accepted"], 5);
    assert_eq!(file(&s, "bomb.ndjson.gz")["records"], 3);
    assert_eq!(file(&s, "bomb.ndjson.gz")["accepted"], 3);
    assert!(file(&s, "ok.ndjson.gz")["error"].is_null(), "{s}");
    let error = file(&s, "bomb.ndjson.gz")["error"].as_str().unwrap();
    assert!(error.contains("--max-expansion"), "{error}");
    let found = file_findings(&run, "bomb.ndjson.gz");
    assert_eq!(found.len(), 1, "{found:?}");
    let (record, code, message) = &found[0];
    assert_eq!((record.as_str(), code.as_str()), ("", "parse-error"));
    assert!(
        message.contains(&format!(
            "--max-expansion limit of {limit} bytes (1000 times its {} compressed bytes",
            bomb.len()
        )),
        "{message}"
    );
    assert!(file_findings(&run, "ok.ndjson.gz").is_empty());
}

#[test]
fn a_zstd_bomb_stops_at_the_64_mib_floor() {
    let wd = Workdir::new();
    let mut bomb = zstd::encode_all(leads_text(1..=2).as_bytes(), 3).unwrap();
    let frame = zstd::encode_all(&blank_lines(16)[..], 3).unwrap();
    for _ in 0..5 {
        bomb.extend_from_slice(&frame);
    }
    // 80 MiB from a few kilobytes: 1000 times the size is far below the floor.
    assert!(1000 * (bomb.len() as u64) < 64 << 20);
    wd.create("bomb.jsonl.zst", &bomb);
    let run = wd.process();
    run.assert_exit_code(1);
    let s = assert_invariant(&run);
    assert_eq!(file(&s, "bomb.jsonl.zst")["accepted"], 2);
    let found = file_findings(&run, "bomb.jsonl.zst");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, "parse-error");
    assert!(
        found[0]
            .2
            .contains("--max-expansion limit of 67108864 bytes"),
        "{found:?}"
    );
}

#[test]
fn max_expansion_raises_the_limit_and_the_floor_lets_small_files_through() {
    let wd = Workdir::new();
    wd.create("bomb.ndjson.gz", gzip_bomb(6));
    // 48 MiB from a few kilobytes: far more than 1000 times its size, but under the floor.
    let mut small = zstd::encode_all(leads_text(4..=5).as_bytes(), 3).unwrap();
    let frame = zstd::encode_all(&blank_lines(16)[..], 3).unwrap();
    for _ in 0..3 {
        small.extend_from_slice(&frame);
    }
    assert!(1000 * (small.len() as u64) < 48 << 20);
    wd.create("small.ndjson.zst", small);
    let run = wd
        .command("process")
        .arg(wd.input())
        .out(wd.out())
        .args(["--max-expansion", "2000"])
        .run();
    run.assert_exit_code(0);
    let s = assert_invariant(&run);
    assert_eq!(s["accepted"], 5);
    assert!(run.errors().is_empty());
    // The flag is a configuration key too, shown with its default.
    let config = wd.command("config").run();
    assert!(
        config.stdout.contains("max-expansion = 1000"),
        "{}",
        config.stdout
    );
}

/// `leadbatch process - --format ndjson` with `bytes` on standard input (written from a
/// thread: the run may stop reading early).
fn with_stdin(wd: &Workdir, bytes: Vec<u8>) -> crate::util::Run {
    use std::process::{Command, Stdio};
    let out = wd.out();
    let mut child = Command::new(env!("CARGO_BIN_EXE_leadbatch"))
        .current_dir(wd.path())
        .args(["process", "-", "--format", "ndjson", "-q", "--as-of"])
        .arg(crate::util::AS_OF)
        .arg("--out")
        .arg(&out)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&bytes);
    });
    let o = child.wait_with_output().unwrap();
    writer.join().unwrap();
    crate::util::Run {
        code: o.status.code(),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        out,
    }
}

#[test]
fn compressed_standard_input_is_recognised_by_its_magic_bytes() {
    let text = leads_text(1..=3);
    let gz = gzip(text.as_bytes());
    let zst = zstd::encode_all(text.as_bytes(), 3).unwrap();
    let wd = Workdir::new();
    let plain = with_stdin(&wd, text.into_bytes());
    plain.assert_exit_code(0);
    let expected = plain.read("accepted.ndjson");
    assert_eq!(expected.lines().count(), 3);
    for (name, bytes) in [("gzip", gz), ("zstd", zst)] {
        let wd = Workdir::new();
        let run = with_stdin(&wd, bytes);
        run.assert_exit_code(0);
        assert_eq!(run.read("accepted.ndjson"), expected, "{name}");
        assert!(run.errors().is_empty(), "{name}");
    }
}

#[test]
fn max_expansion_applies_to_compressed_standard_input() {
    // 80 MiB from a few kilobytes on standard input: its size is unknown, so the limit is
    // counted from the compressed bytes read so far, here under the 64 MiB floor.
    let mut bomb = zstd::encode_all(leads_text(1..=2).as_bytes(), 3).unwrap();
    let frame = zstd::encode_all(&blank_lines(16)[..], 3).unwrap();
    for _ in 0..5 {
        bomb.extend_from_slice(&frame);
    }
    let wd = Workdir::new();
    let run = with_stdin(&wd, bomb);
    run.assert_exit_code(1);
    let s = assert_invariant(&run);
    assert_eq!(file(&s, "-")["accepted"], 2);
    let found = file_findings(&run, "-");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, "parse-error");
    assert!(
        found[0]
            .2
            .contains("standard input expands past the --max-expansion limit of 67108864 bytes"),
        "{found:?}"
    );
}
