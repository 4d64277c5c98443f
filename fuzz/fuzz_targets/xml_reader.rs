//! The whole pipeline on the input as one `.xml` file; asserts records == accepted + rejected.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| leadbatch_fuzz::xml_reader(data));
