//! Scalar values of the spec: dates and timestamps, integers, decimals (with one canonical
//! text per numeric value), boolean words, and the "spreadsheet turned an identifier into
//! scientific notation" heuristic.
//!
//! The scanning is hand-written byte scanning: these functions run once per field of every
//! record, so they avoid regexes and allocate only when they hand back an owned String. The
//! calendar itself (which dates exist, month lengths, leap years, day counts, today) is
//! `jiff`'s; the date lexer stays ours because it is what gives a near miss its hint (a
//! local date order, a space for `T`, a missing zone), which no parser's error tells.
//!
//! Layout, each module using only those before it (no module imports a later one; unit
//! tests aside):
//! 1. `cursor`: the byte cursor every scanner reads with (bytes only);
//! 2. `error`: [`DateError`] and the hints of near misses;
//! 3. `lex`: date and time text cut into raw parts, shapes checked, no calendar yet;
//! 4. `calendar`: the [`Date`] type on `jiff`, and the checks of the raw parts (real days,
//!    times, the spec's ±14:00 offsets);
//! 5. `date`: spec Date values and vendor timestamps (`parse_date`, canonical timestamps);
//! 6. `local_date`: the local orders of `--date-format`, on top of `date`.
//!
//! Numbers apart: `grouping` reads the thousands separators of `--decimal-comma` (on
//! `cursor`), and `number` holds integers (of any size), decimals, boolean words and the
//! scientific-notation heuristic (on `cursor` and `grouping`).

mod calendar;
mod cursor;
mod date;
mod error;
mod grouping;
mod lex;
mod local_date;
mod number;

pub use calendar::Date;
pub use date::{DateValue, check_vendor_timestamp, parse_date};
pub use error::{
    DateError, HINT_LOCAL_DATE, HINT_T_SEPARATOR, HINT_VENDOR_TIMESTAMP, HINT_VENDOR_ZONE,
    HINT_ZONE_REQUIRED,
};
pub use local_date::{DateFormat, parse_date_as};
pub use number::{
    NumberError, canonical_decimal, canonical_integer, compare_integers, is_negative,
    looks_excel_mangled, parse_bool_word, parse_integer,
};
