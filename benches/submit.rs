//! Benchmark of `leadbatch submit` (not a test): payloads per second against the AMLYZE
//! emulator answering after 5 ms, with `--concurrency 32`. The bar is 3,000/s.
//!
//! `cargo bench --bench submit` (release build; `LEADBATCH_BENCH_PAYLOADS` sets the number
//! of payloads, 20,000 by default). The ledger, with its journal, is in the system's
//! temporary directory: its fsyncs are part of the measure.

#[path = "../tests/util/emulator.rs"]
mod emulator;

use std::process::Command;
use std::time::{Duration, Instant};

fn main() {
    let n: usize = std::env::var("LEADBATCH_BENCH_PAYLOADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let mut leads = String::new();
    for i in 0..n {
        leads.push_str(&format!(
            "{{\"communicationNumber\":\"CN-{i}\",\"requester\":\"core\",\"riskManagementCategory\":\"LEAD_IND\",\
             \"sourceOfRiskLevel\":\"EVALUATE\",\"customerExtId\":\"EXT-{i}\",\"entityType\":\"INDIVIDUAL\",\
             \"applicationDate\":\"2024-03-01\",\"firstName\":\"Egle\",\"lastName\":\"Simkus\",\
             \"birthDate\":\"1990-07-15\",\"citizenshipCountry\":\"LT\",\"initializeScreeningProcesses\":[\"PEP\"],\
             \"listAddress\":[{{\"country\":\"LT\",\"addressDetails\":\"Gedimino 1\"}}]}}\n"
        ));
    }
    std::fs::write(input.join("leads.ndjson"), leads).unwrap();
    let bin = env!("CARGO_BIN_EXE_leadbatch");
    let out = dir.path().join("out");
    let processed = Command::new(bin)
        .args(["process", "-q", "--as-of", "2026-11-23"])
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(processed.status.code(), Some(0), "{processed:?}");
    let emu = emulator::Emulator::start(emulator::Config {
        latency: Duration::from_millis(5),
        ..emulator::Config::default()
    });
    let start = Instant::now();
    let submitted = Command::new(bin)
        .args([
            "submit",
            "-q",
            "--json",
            "--concurrency",
            "32",
            "--endpoint",
        ])
        .arg(emu.url())
        .arg("--ledger")
        .arg(dir.path().join("ledger.db"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let wall = start.elapsed();
    assert_eq!(submitted.status.code(), Some(0), "{submitted:?}");
    let summary: serde_json::Value = serde_json::from_slice(&submitted.stdout).unwrap();
    assert_eq!(summary["delivered"].as_u64(), Some(n as u64));
    assert_eq!(emu.leads().len(), n);
    let elapsed = Duration::from_millis(summary["elapsedMs"].as_u64().unwrap());
    println!(
        "submit: {n} payloads, 5 ms emulator latency, --concurrency 32: {:.0} payloads/s \
         ({:.2} s in submit; {:.2} s for the whole command)",
        n as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64(),
        wall.as_secs_f64()
    );
}
