//! Dates, date-times and durations: literal parsing and validation through `jiff`.

use jiff::civil::{Date, DateTime};

/// Parses a date literal such as `2025-11-05`, rejecting impossible dates.
pub fn parse_date(text: &str) -> Result<Date, String> {
    text.parse::<Date>().map_err(|_| impossible(text))
}

/// Parses a date-time literal such as `2025-11-05T10:00` or `2025-11-05T10:00:30`.
pub fn parse_datetime(text: &str) -> Result<DateTime, String> {
    text.parse::<DateTime>().map_err(|_| impossible(text))
}

fn impossible(text: &str) -> String {
    format!("`{text}` is not a real calendar date or time")
}

/// The largest amount a duration literal may have (about 11,000 years in minutes).
pub const MAX_DURATION_AMOUNT: u64 = 6_000_000_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(parse_date("2025-11-05").is_ok());
        assert!(parse_date("2025-02-29").is_err());
        assert!(parse_date("2024-02-29").is_ok());
        assert!(parse_date("2025-13-01").is_err());
        assert!(parse_datetime("2025-11-05T10:00").is_ok());
        assert!(parse_datetime("2025-11-05T24:00").is_err());
        assert!(parse_datetime("2025-11-05T10:00:59").is_ok());
    }
}
