//! What goes wrong with a date or timestamp ([`DateError`]), and the hints a near miss
//! carries. The lexer finds the shapes, the calendar the impossible dates; both say so
//! with these.

/// Hint for a date written in a local format (`05/10/2000`, `10.05.2000`, `2023-1-5`).
pub const HINT_LOCAL_DATE: &str =
    "dates must be written YYYY-MM-DD (e.g. 2000-05-10); day/month order is never guessed";
/// Hint for an RFC 3339 timestamp without a zone offset.
pub const HINT_ZONE_REQUIRED: &str =
    "a timestamp needs a zone offset (Z or +HH:MM), e.g. 2020-09-20T10:00:00Z";
/// Hint for a timestamp whose date and time are separated by a space instead of `T`.
pub const HINT_T_SEPARATOR: &str =
    "date and time must be separated by T, e.g. 2020-09-20T10:00:00Z";
/// Hint for a vendor timestamp (`yyyy-MM-dd HH:mm:ss.SSSZ`) without its zone offset.
pub const HINT_VENDOR_ZONE: &str =
    "a timestamp needs a zone offset, e.g. 2022-12-11 12:10:11.000+0200";
/// Hint for a value that should be a timestamp but is something else (e.g. a bare date).
pub const HINT_VENDOR_TIMESTAMP: &str =
    "expected a timestamp such as 2022-12-11 12:10:11.000+0200 or 2022-12-11T12:10:11Z";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Not of any accepted shape; `hint` is a helpful extra sentence when the text looks like a
    /// local-format date ([`HINT_LOCAL_DATE`]), a timestamp without zone offset
    /// ([`HINT_ZONE_REQUIRED`], [`HINT_VENDOR_ZONE`]), a timestamp with a space before the time
    /// ([`HINT_T_SEPARATOR`]) or a non-timestamp where a timestamp is required
    /// ([`HINT_VENDOR_TIMESTAMP`]).
    Shape { hint: Option<&'static str> },
    /// Right shape but not a real calendar date/time (2023-02-30, 2021-02-29, 2023-13-01,
    /// 25:00 hours, offset +15:00).
    NotACalendarDate,
}

/// A wrong shape, no hint.
pub(super) const SHAPE: DateError = DateError::Shape { hint: None };

pub(super) const fn shape_hint(hint: &'static str) -> DateError {
    DateError::Shape { hint: Some(hint) }
}
