//! The ndjson reader in memory (no files, no writers): cut, parse and check every record.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| leadbatch_fuzz::ndjson_read(data));
