//! The whole pipeline on the input as one `.ndjson` file; asserts records == accepted + rejected.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| leadbatch_fuzz::ndjson_reader(data));
