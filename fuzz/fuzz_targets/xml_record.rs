//! One XML record (an `AMLYZE_CUSTOMER` element): bytes -> `xml::parse_record` -> `check_record`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| leadbatch_fuzz::xml_record(data));
