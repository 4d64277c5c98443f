//! Test helpers: a `Workdir` gives each test its own temporary directory (inputs under
//! `in/`, outputs under `out/`), a command wrapper runs the real binary with a fixed
//! `--as-of` (so date checks are reproducible) and readers parse the four outputs.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use tempfile::TempDir;

mod corpus;
pub mod emulator;

pub use corpus::Expected;

/// The run's "today" in every test: date checks must not depend on the calendar.
pub const AS_OF: &str = "2026-11-23";

/// Path of one of the vendor's JSON samples (copied into `tests/fixtures/vendor/json/`).
#[macro_export]
macro_rules! sample_path {
    ($name:literal) => {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/vendor/json/",
            $name
        )
    };
}

/// Path of a fixture of this crate's test suite.
#[macro_export]
macro_rules! fixture_path {
    ($name:literal) => {
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/json/", $name)
    };
}

/// `assert_eq!` for long text: shows expected and actual between rulers.
#[macro_export]
macro_rules! eqnice {
    ($expected:expr, $got:expr $(,)?) => {{
        let expected = &$expected;
        let got = &$got;
        if expected != got {
            panic!(
                "\nprinted outputs differ!\n\nexpected:\n{}\n{}\n{}\n\ngot:\n{}\n{}\n{}\n",
                "~".repeat(79),
                expected,
                "~".repeat(79),
                "~".repeat(79),
                got,
                "~".repeat(79),
            );
        }
    }};
    ($expected:expr, $got:expr, $($ctx:tt)+) => {{
        let expected = &$expected;
        let got = &$got;
        if expected != got {
            panic!(
                "\n{}\n\nexpected:\n{}\n{}\n{}\n\ngot:\n{}\n{}\n{}\n",
                format!($($ctx)+),
                "~".repeat(79),
                expected,
                "~".repeat(79),
                "~".repeat(79),
                got,
                "~".repeat(79),
            );
        }
    }};
}

/// A temporary directory for one test.
pub struct Workdir {
    dir: TempDir,
}

impl Workdir {
    pub fn new() -> Workdir {
        let dir = tempfile::Builder::new()
            .prefix("leadbatch-test-")
            .tempdir()
            .expect("create temp dir");
        std::fs::create_dir_all(dir.path().join("in")).unwrap();
        Workdir { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The input root (`in/`).
    pub fn input(&self) -> PathBuf {
        self.path().join("in")
    }

    /// The default output directory (`out/`).
    pub fn out(&self) -> PathBuf {
        self.path().join("out")
    }

    /// Writes `contents` to `in/<rel>` (parent directories created).
    pub fn create(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.input().join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, contents).unwrap();
        p
    }

    /// Writes records as an NDJSON file, one compact JSON object per line.
    pub fn create_ndjson(&self, rel: &str, records: &[Value]) -> PathBuf {
        let mut s = String::new();
        for r in records {
            s.push_str(&serde_json::to_string(r).unwrap());
            s.push('\n');
        }
        self.create(rel, s)
    }

    /// `leadbatch <sub> --as-of AS_OF -q` (no inputs, no --out yet).
    pub fn command(&self, sub: &str) -> TestCommand {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_leadbatch"));
        cmd.current_dir(self.path());
        cmd.arg(sub).arg("--as-of").arg(AS_OF).arg("-q");
        TestCommand {
            cmd,
            out: self.out(),
        }
    }

    /// `leadbatch <sub>` alone (no --as-of, no -q), in the work dir: for commands that
    /// are not runs.
    pub fn command_bare(&self, sub: &str) -> TestCommand {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_leadbatch"));
        cmd.current_dir(self.path());
        cmd.arg(sub);
        TestCommand {
            cmd,
            out: self.out(),
        }
    }

    /// `leadbatch submit --out out --ledger ledger.db --endpoint URL -q --deadline 60`: a delivery of
    /// `out/latest` to `endpoint`, journaled in `ledger.db` beside `in/` and `out/`.
    pub fn submit(&self, endpoint: &str) -> TestCommand {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_leadbatch"));
        cmd.current_dir(self.path());
        cmd.arg("submit").arg("-q").arg("--endpoint").arg(endpoint);
        cmd.arg("--ledger").arg(self.ledger());
        // A client that retried forever would end here rather than hang the suite.
        cmd.arg("--deadline").arg("60");
        // No credentials leak in from the environment of the test run.
        for k in ["LEADBATCH_TOKEN", "LEADBATCH_USER", "LEADBATCH_PASSWORD"] {
            cmd.env_remove(k);
        }
        TestCommand {
            cmd,
            out: self.out(),
        }
        .out(self.out())
    }

    /// The ledger of `submit` (and of `process` when a test gives it `--ledger`).
    pub fn ledger(&self) -> PathBuf {
        self.path().join("ledger.db")
    }

    /// `leadbatch process in --out out`.
    pub fn process(&self) -> Run {
        self.command("process")
            .arg(self.input())
            .out(self.out())
            .run()
    }

    /// `leadbatch validate in --out out`.
    pub fn validate(&self) -> Run {
        self.command("validate")
            .arg(self.input())
            .out(self.out())
            .run()
    }

    /// Generates the synthetic corpus (`corpus`: `count` leads of seed `seed`, one in ten
    /// with one fault) as NDJSON into `in/<name>`: returns its path and each record's
    /// expected verdict.
    pub fn gen_corpus(&self, name: &str, count: u32, seed: u32) -> (PathBuf, Vec<Expected>) {
        self.gen_corpus_as(name, "ndjson", count, seed)
    }

    /// `gen_corpus` in `format` (`json`, `ndjson`, `xml`, `csv`): the same records in every
    /// format for the same count and seed.
    pub fn gen_corpus_as(
        &self,
        name: &str,
        format: &str,
        count: u32,
        seed: u32,
    ) -> (PathBuf, Vec<Expected>) {
        let target = self.input().join(name);
        let expected = corpus::write_corpus(&target, format, count, seed);
        (target, expected)
    }
}

pub struct TestCommand {
    cmd: Command,
    out: PathBuf,
}

impl TestCommand {
    pub fn arg(mut self, a: impl AsRef<std::ffi::OsStr>) -> Self {
        self.cmd.arg(a);
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.cmd.args(args);
        self
    }

    /// Sets an environment variable of the run.
    pub fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Self {
        self.cmd.env(key, value);
        self
    }

    /// `--out DIR` (and remembers it for reading the outputs).
    pub fn out(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out = dir.into();
        self.cmd.arg("--out").arg(&self.out);
        self
    }

    /// Starts the command without waiting for it (stdout and stderr discarded).
    pub fn spawn(mut self) -> std::process::Child {
        self.cmd
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start leadbatch")
    }

    pub fn run(mut self) -> Run {
        let o = self.cmd.output().expect("run leadbatch");
        Run {
            code: o.status.code(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
            out: self.out,
        }
    }

    /// `run`, and the child's peak resident set size in bytes, as the kernel counted it
    /// for that child alone (`wait4` reaps it with its resource usage).
    #[cfg(target_os = "linux")]
    #[allow(
        clippy::zombie_processes,
        reason = "reaped by `wait4`, which std cannot see"
    )]
    pub fn run_with_peak_rss(mut self) -> (Run, u64) {
        use std::io::Read;
        use std::process::Stdio;
        let mut child = self
            .cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run leadbatch");
        let drain = |mut r: Box<dyn Read + Send>| {
            std::thread::spawn(move || {
                let mut v = Vec::new();
                let _ = r.read_to_end(&mut v);
                String::from_utf8_lossy(&v).into_owned()
            })
        };
        let stdout = drain(Box::new(child.stdout.take().unwrap()));
        let stderr = drain(Box::new(child.stderr.take().unwrap()));
        let pid = child.id() as libc::pid_t;
        let mut status = 0;
        // SAFETY: `rusage` is plain data, valid all zero; `wait4` fills it in.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        loop {
            // SAFETY: `pid` is our child, not yet waited for (std's `Child` only waits
            // when asked); both pointers are to live locals.
            let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
            if waited == pid {
                break;
            }
            let e = std::io::Error::last_os_error();
            assert_eq!(e.kind(), std::io::ErrorKind::Interrupted, "wait4: {e}");
        }
        let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
        let run = Run {
            code,
            stdout: stdout.join().unwrap(),
            stderr: stderr.join().unwrap(),
            out: self.out,
        };
        // Linux counts `ru_maxrss` in KiB.
        (run, usage.ru_maxrss as u64 * 1024)
    }
}

/// A finished run and its output directory.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub out: PathBuf,
}

impl Run {
    /// The committed set: `OUT/latest`, the run directory the last commit named.
    pub fn dir(&self) -> PathBuf {
        self.out.join("latest")
    }

    pub fn assert_exit_code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(expected),
            "exit status\nstdout:\n{}\nstderr:\n{}\nerrors.csv:\n{}",
            self.stdout,
            self.stderr,
            std::fs::read_to_string(self.dir().join("errors.csv")).unwrap_or_default()
        );
        self
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir().join(name))
            .unwrap_or_else(|e| panic!("read {name}: {e}\nstderr: {}", self.stderr))
    }

    pub fn read_bytes(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.dir().join(name))
            .unwrap_or_else(|e| panic!("read {name}: {e}\nstderr: {}", self.stderr))
    }

    /// The lines of accepted.ndjson, as written.
    pub fn accepted_lines(&self) -> Vec<String> {
        self.read("accepted.ndjson")
            .lines()
            .map(str::to_string)
            .collect()
    }

    pub fn accepted(&self) -> Vec<Value> {
        self.accepted_lines()
            .iter()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }

    pub fn rejected(&self) -> Vec<Value> {
        self.read("rejected.ndjson")
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }

    pub fn errors(&self) -> Vec<ErrorRow> {
        read_errors(&self.read_bytes("errors.csv"))
    }

    /// The names in the `accepted/` directory of `--payload-layout files`, sorted; read
    /// one with `read(&format!("accepted/{name}"))`.
    pub fn accepted_files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir().join("accepted"))
            .unwrap_or_else(|e| panic!("list accepted/: {e}\nstderr: {}", self.stderr))
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    pub fn summary(&self) -> Value {
        serde_json::from_str(&self.read("summary.json")).unwrap()
    }

    /// The committed delivery: `OUT/latest-delivery`.
    pub fn delivery_dir(&self) -> PathBuf {
        self.out.join("latest-delivery")
    }

    /// delivery-summary.json of the committed delivery.
    pub fn delivery_summary(&self) -> Value {
        let path = self.delivery_dir().join("delivery-summary.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("read {}: {e}\nstderr: {}", path.display(), self.stderr));
        serde_json::from_str(&text).unwrap()
    }

    /// The lines of delivery.ndjson of the committed delivery.
    pub fn delivery(&self) -> Vec<Value> {
        let path = self.delivery_dir().join("delivery.ndjson");
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("read {}: {e}\nstderr: {}", path.display(), self.stderr))
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }

    /// The delivery ids of `OUT/deliveries/`, sorted.
    pub fn delivery_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = std::fs::read_dir(self.out.join("deliveries"))
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        ids.sort();
        ids
    }
}

pub const ERRORS_HEADER: [&str; 9] = [
    "source",
    "record",
    "line",
    "customerExtId",
    "communicationNumber",
    "severity",
    "code",
    "path",
    "message",
];

/// One row of errors.csv.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorRow {
    pub source: String,
    pub record: String,
    pub line: String,
    pub customer_ext_id: String,
    pub communication_number: String,
    pub severity: String,
    pub code: String,
    pub path: String,
    pub message: String,
}

pub fn read_errors(bytes: &[u8]) -> Vec<ErrorRow> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes);
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(header, ERRORS_HEADER, "errors.csv header");
    r.records()
        .map(|rec| {
            let rec = rec.expect("errors.csv row");
            assert_eq!(rec.len(), 9, "errors.csv row {rec:?}");
            ErrorRow {
                source: rec[0].to_string(),
                record: rec[1].to_string(),
                line: rec[2].to_string(),
                customer_ext_id: rec[3].to_string(),
                communication_number: rec[4].to_string(),
                severity: rec[5].to_string(),
                code: rec[6].to_string(),
                path: rec[7].to_string(),
                message: rec[8].to_string(),
            }
        })
        .collect()
}

/// `(code, path, severity)` of the `errors` array of a rejected.ndjson line.
pub fn findings_of(rejected: &Value) -> Vec<(String, String, String)> {
    rejected["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors array in {rejected}"))
        .iter()
        .map(|e| {
            (
                e["code"].as_str().unwrap().to_string(),
                e["path"].as_str().unwrap().to_string(),
                e["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Keys of a JSON object in the order they appear in `text` (serde_json's `Value` does not
/// keep the order; the canonical payload's order is part of the contract).
pub fn top_level_keys(text: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut de = serde_json::Deserializer::from_str(text);
    use serde::de::{Deserializer, MapAccess, Visitor};
    struct Keys<'a>(&'a mut Vec<String>);
    impl<'de> Visitor<'de> for Keys<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(k) = map.next_key::<String>()? {
                let _: serde::de::IgnoredAny = map.next_value()?;
                self.0.push(k);
            }
            Ok(())
        }
    }
    de.deserialize_map(Keys(&mut keys)).unwrap();
    keys
}

/// Whether `msg` mentions `n` as a number of its own (not as part of a longer number).
pub fn mentions_number(msg: &str, n: u64) -> bool {
    msg.split(|c: char| !c.is_ascii_digit())
        .any(|tok| tok == n.to_string())
}

/// Renders findings one per line, sorted, for readable diffs.
pub fn show(findings: &[(String, String, String)]) -> String {
    let mut v: Vec<_> = findings.to_vec();
    v.sort();
    let mut s = String::new();
    for (c, p, sev) in v {
        let _ = writeln!(s, "{c} | {p} | {sev}");
    }
    s
}
