//! Days as a Swedish user counts them. Instants are stored in UTC; every date Tillit compares or
//! shows — due, overdue, reviewed, signed — is the day in Sweden (Europe/Stockholm), which is
//! not the UTC day between midnight and 01:00 (02:00 in summer).

use chrono::{DateTime, NaiveDate, Utc};

/// The day in Sweden at the instant `t`.
pub fn swedish_day(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&chrono_tz::Europe::Stockholm).date_naive()
}

/// An instant as a Swedish user reads it: date, hour and minute in Swedish time.
pub fn swedish_minute(t: DateTime<Utc>) -> String {
    t.with_timezone(&chrono_tz::Europe::Stockholm)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// Today in Sweden.
pub fn today() -> NaiveDate {
    swedish_day(Utc::now())
}

/// The Swedish day of a stored value: an RFC 3339 instant, or a date (YYYY-MM-DD) as it is.
pub fn day_of(stored: &str) -> Option<NaiveDate> {
    if stored.len() > 10 {
        if let Ok(t) = DateTime::parse_from_rfc3339(stored) {
            return Some(swedish_day(t.with_timezone(&Utc)));
        }
    }
    NaiveDate::parse_from_str(stored.get(..10)?, "%Y-%m-%d").ok()
}

/// The first instant of a day in Sweden (Swedish midnight), in UTC.
pub fn stockholm_midnight(d: NaiveDate) -> DateTime<Utc> {
    use chrono::TimeZone;
    let midnight = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    // Midnight exists on every Swedish day (the clocks change at 02:00 and 03:00).
    match chrono_tz::Europe::Stockholm
        .from_local_datetime(&midnight)
        .earliest()
    {
        Some(t) => t.with_timezone(&Utc),
        None => Utc.from_utc_datetime(&midnight),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_swedish_day_starts_at_swedish_midnight() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // Winter: UTC+1. 23:30 UTC on 1 December is 00:30 on 2 December in Sweden.
        assert_eq!(swedish_day(at("2026-12-01T23:30:00Z")), d("2026-12-02"));
        assert_eq!(swedish_day(at("2026-12-01T22:59:59Z")), d("2026-12-01"));
        // Summer: UTC+2.
        assert_eq!(swedish_day(at("2026-06-30T22:00:00Z")), d("2026-07-01"));
        assert_eq!(swedish_day(at("2026-06-30T21:59:59Z")), d("2026-06-30"));
        assert_eq!(day_of("2026-12-01T23:30:00.000Z"), Some(d("2026-12-02")));
        assert_eq!(day_of("2026-12-01"), Some(d("2026-12-01")));
        assert_eq!(day_of("junk"), None);
    }
}
