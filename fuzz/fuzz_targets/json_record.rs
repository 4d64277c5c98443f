//! One JSON record: bytes -> UTF-8 -> `json_value::parse_record` -> `rules::check_record`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| leadbatch_fuzz::json_record(data));
