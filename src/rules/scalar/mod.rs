//! Scalar values of the spec: dates and timestamps, integers, decimals (with one canonical
//! text per numeric value), boolean words, and the "spreadsheet turned an identifier into
//! scientific notation" heuristic.
//!
//! Everything here is hand-written byte scanning: these functions run once per field of
//! every record, so they avoid regexes and allocate only when they hand back an owned String.
//!
//! Layout: `calendar` is the [`Date`] type and its day arithmetic; `date` parses spec Date
//! values and vendor timestamps (with the hints their errors carry), on top of `lex`, which
//! cuts date and time text into raw parts before any calendar check, and `local_date` reads
//! the local orders of `--date-format`; `number` holds
//! integers (of any size), decimals, boolean words and the scientific-notation heuristic;
//! `grouping` reads the thousands separators of `--decimal-comma`; `cursor` is the byte
//! cursor they all scan with.

mod calendar;
mod cursor;
mod date;
mod grouping;
mod lex;
mod local_date;
mod number;

pub use calendar::Date;
pub use date::{
    DateError, DateValue, HINT_LOCAL_DATE, HINT_T_SEPARATOR, HINT_VENDOR_TIMESTAMP,
    HINT_VENDOR_ZONE, HINT_ZONE_REQUIRED, check_vendor_timestamp, parse_date,
};
pub use local_date::{DateFormat, parse_date_as};
pub use number::{
    NumberError, canonical_decimal, canonical_integer, compare_integers, is_negative,
    looks_excel_mangled, parse_bool_word, parse_integer,
};
