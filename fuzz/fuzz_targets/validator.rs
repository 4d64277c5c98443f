//! Structured fuzzing of the validator (see `src/validator.rs`): bytes -> a lead record built
//! along the catalog -> `rules::check_record`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| leadbatch_fuzz::validator(data));
