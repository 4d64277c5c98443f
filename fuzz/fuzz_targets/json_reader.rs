//! The whole pipeline on the input as one `.json` file; asserts records == accepted + rejected.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| leadbatch_fuzz::json_reader(data));
