//! One JSON record: bytes -> UTF-8 -> `json_value::parse(text, 64)` -> `rules::check_record`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| leadbatch_fuzz::json_record(data));
