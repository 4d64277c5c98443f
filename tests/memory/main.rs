//! The peak-memory tests, in a test binary of their own (`cargo test --test memory`).
//!
//! Why apart: Linux charges a child the high-water mark of the process that spawned it, up
//! to its `exec` (`wait4`'s `ru_maxrss`), so in the main suite, whose harness holds the
//! other tests' corpora and emulators, a child that peaks at 40 MiB run alone measured
//! 274 MiB. This harness holds nothing but these tests.

#[path = "../util/mod.rs"]
mod util;

mod limits;
