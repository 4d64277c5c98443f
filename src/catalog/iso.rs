//! ISO code tables: country codes (ISO 3166-1 alpha-2) and currency codes (ISO 4217 list one).
//!
//! The tables are sorted so a lookup is a binary search over static data: no hashing, no
//! allocation, and nothing to build at start-up.

/// ISO 3166-1 alpha-2: the 249 officially assigned codes plus `XK` (Kosovo), sorted ascending.
pub const COUNTRIES: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", //
    "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW",
    "CX", "CY", "CZ", //
    "DE", "DJ", "DK", "DM", "DO", "DZ", //
    "EC", "EE", "EG", "EH", "ER", "ES", "ET", //
    "FI", "FJ", "FK", "FM", "FO", "FR", //
    "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT",
    "GU", "GW", "GY", //
    "HK", "HM", "HN", "HR", "HT", "HU", //
    "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", //
    "JE", "JM", "JO", "JP", //
    "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", //
    "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", //
    "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS",
    "MT", "MU", "MV", "MW", "MX", "MY", "MZ", //
    "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", //
    "OM", //
    "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", //
    "QA", //
    "RE", "RO", "RS", "RU", "RW", //
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", //
    "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ",
    "UA", "UG", "UM", "US", "UY", "UZ", //
    "VA", "VC", "VE", "VG", "VI", "VN", "VU", //
    "WF", "WS", //
    // Kosovo is not assigned by ISO but is the user-assigned code every registry uses for it.
    "XK", //
    "YE", "YT", //
    "ZA", "ZM", "ZW",
];

/// ISO 4217 list one (current currencies, funds and precious metals), sorted ascending.
///
/// Withdrawn codes are absent even when recently withdrawn: HRK (2023), ZWL (2024), ANG
/// (replaced by XCG, 2025), BGN (euro from 2026-01-01), SLL (redenominated to SLE), CUC.
pub const CURRENCIES: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AWG", "AZN", //
    "BAM", "BBD", "BDT", "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP",
    "BYN", "BZD", //
    "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUP", "CVE",
    "CZK", //
    "DJF", "DKK", "DOP", "DZD", //
    "EGP", "ERN", "ETB", "EUR", //
    "FJD", "FKP", //
    "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", //
    "HKD", "HNL", "HTG", "HUF", //
    "IDR", "ILS", "INR", "IQD", "IRR", "ISK", //
    "JMD", "JOD", "JPY", //
    "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", //
    "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", //
    "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV",
    "MYR", "MZN", //
    "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", //
    "OMR", //
    "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", //
    "QAR", //
    "RON", "RSD", "RUB", "RWF", //
    "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC",
    "SYP", "SZL", //
    "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", //
    "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", //
    "VED", "VES", "VND", "VUV", //
    "WST", //
    "XAD", "XAF", "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XCD", "XCG", "XDR", "XOF", "XPD",
    "XPF", "XPT", "XSU", "XTS", "XUA", "XXX", //
    "YER", //
    "ZAR", "ZMW", "ZWG",
];

/// True when `code` is an ISO 3166-1 alpha-2 country code (or `XK`). Exact match: the caller
/// upper-cases, so `lt` is false.
#[inline]
pub fn is_country(code: &str) -> bool {
    contains::<2>(COUNTRIES, code)
}

/// True when `code` is a current ISO 4217 alphabetic code. Exact match, upper-case expected.
#[inline]
pub fn is_currency(code: &str) -> bool {
    contains::<3>(CURRENCIES, code)
}

/// Whether sorted `list` of `N`-byte codes holds `code`, compared as byte arrays: a
/// comparison of `&str`s called `memcmp` for every step of the search wherever the
/// compiler did not inline it (about 1% of a run's instructions).
#[inline]
fn contains<const N: usize>(list: &[&str], code: &str) -> bool {
    let key = |s: &str| <[u8; N]>::try_from(s.as_bytes()).ok();
    let Some(code) = key(code) else {
        return false;
    };
    list.binary_search_by(|c| key(c).cmp(&Some(code))).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strictly_sorted(list: &[&str]) -> bool {
        list.windows(2).all(|w| w[0] < w[1])
    }

    #[test]
    fn tables_are_sorted_without_duplicates() {
        assert!(strictly_sorted(COUNTRIES));
        assert!(strictly_sorted(CURRENCIES));
    }

    #[test]
    fn table_entries_are_upper_case_ascii_of_the_right_length() {
        for c in COUNTRIES {
            assert!(
                c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()),
                "{c}"
            );
        }
        for c in CURRENCIES {
            assert!(
                c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()),
                "{c}"
            );
        }
    }

    #[test]
    fn country_count_is_249_plus_kosovo() {
        assert_eq!(COUNTRIES.len(), 250);
    }

    #[test]
    fn known_countries() {
        for c in [
            "LT", "LV", "JP", "US", "GB", "AF", "XK", "AX", "BQ", "CW", "SS", "SX", "AD", "ZW",
        ] {
            assert!(is_country(c), "{c}");
        }
    }

    #[test]
    fn not_countries() {
        for c in [
            "UK", "EU", "XX", "ZZ", "LTU", "lt", "Lt", "", "L", "AN", "YU", "CS",
        ] {
            assert!(!is_country(c), "{c}");
        }
    }

    #[test]
    fn known_currencies() {
        for c in [
            "EUR", "USD", "JPY", "GBP", "CHF", "SLE", "VES", "VED", "ZWG", "XAU", "XDR", "XXX",
            "XCG", "XAD", "AED", "ZMW",
        ] {
            assert!(is_currency(c), "{c}");
        }
    }

    #[test]
    fn not_currencies() {
        for c in [
            "HRK", "LTL", "ZWL", "ANG", "BGN", "SLL", "CUC", "eur", "EU", "EURO", "", "DEM",
        ] {
            assert!(!is_currency(c), "{c}");
        }
    }
}
