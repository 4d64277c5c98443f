//! Replays every input under `tests/fixtures/fuzz/<target>/` (crash, timeout and OOM inputs
//! the fuzzer found) through the same code as the fuzz target, on stable Rust, without
//! libFuzzer:
//!
//!     cargo test --manifest-path fuzz/Cargo.toml --no-default-features
//!
//! (`.ci/run` runs it unoptimized, with `CARGO_TARGET_DIR=target` to reuse the main crate's
//! build, under the larger budget below; `--release` holds the fixtures to the tighter one.)
//! One fixture that panics fails the test, and so does one that takes longer than
//! `fixture_budget()`; all failing fixtures are listed.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Time allowed for one fixture. The fixtures are small (at most a few hundred KB) and a
/// fixed one runs in milliseconds; a slow-input fixture took seconds per record. An
/// unoptimized build is about ten times slower, hence its larger budget.
fn fixture_budget() -> Duration {
    if cfg!(debug_assertions) {
        Duration::from_secs(20)
    } else {
        Duration::from_secs(2)
    }
}

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/fuzz")
}

#[test]
fn fuzz_regressions() {
    let root = fixtures_root();
    let mut failures = Vec::new();
    let mut replayed = 0;
    let Ok(dirs) = std::fs::read_dir(&root) else {
        eprintln!("no fixtures at {}", root.display());
        return;
    };
    let mut dirs: Vec<PathBuf> = dirs.filter_map(|e| e.ok().map(|e| e.path())).collect();
    dirs.sort();
    // Silence the default hook: each panic is reported below, with its fixture.
    std::panic::set_hook(Box::new(|_| {}));
    for dir in dirs.iter().filter(|d| d.is_dir()) {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let Some(&(_, target)) = leadbatch_fuzz::TARGETS.iter().find(|(n, _)| *n == name) else {
            failures.push(format!("{}: no fuzz target named {name}", dir.display()));
            continue;
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.is_file()
                    && !p
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .collect();
        files.sort();
        for file in files {
            let data = std::fs::read(&file).unwrap();
            let started = Instant::now();
            let outcome = std::panic::catch_unwind(|| target(&data));
            let took = started.elapsed();
            replayed += 1;
            let shown = file
                .strip_prefix(&root)
                .unwrap_or(&file)
                .display()
                .to_string();
            match outcome {
                Err(p) => {
                    let msg = p
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_else(|| "(non-string panic)".into());
                    failures.push(format!("{shown}: panicked: {msg}"));
                }
                Ok(()) if took > fixture_budget() => {
                    failures.push(format!(
                        "{shown}: took {took:.1?} (budget {:?})",
                        fixture_budget()
                    ));
                }
                Ok(()) => {}
            }
        }
    }
    let _ = std::panic::take_hook();
    eprintln!("replayed {replayed} fuzz fixture(s)");
    assert!(
        failures.is_empty(),
        "fuzz regressions:\n{}",
        failures.join("\n")
    );
}
