//! Runtime values and types, and their text forms (dates, durations) in requests and answers.

use serde::{Deserialize, Serialize};

/// A type as the artifact records it. Indices point into the artifact's catalogue and records.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum TypeDesc {
    Bool,
    Int,
    Text,
    Date,
    DateTime,
    Duration,
    Period,
    Range(Box<TypeDesc>),
    Entity(u32),
    Enum(u32),
    Record(u32),
    Optional(Box<TypeDesc>),
}

impl TypeDesc {
    /// The type an optional type holds (`T` for `T?`, however deep); any other type itself.
    pub fn without_optional(&self) -> &TypeDesc {
        match self {
            TypeDesc::Optional(inner) => inner.without_optional(),
            other => other,
        }
    }
}

/// A value. Dates are days since 1970-01-01, date-times seconds since 1970-01-01T00:00 (civil,
/// no time zone), durations seconds, periods months.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Value {
    Absent,
    Bool(bool),
    Int(i64),
    Text(String),
    Date(i64),
    DateTime(i64),
    Duration(i64),
    Period(i64),
    Range(Box<Value>, Box<Value>),
    /// (entity type, entity) indices.
    Entity(u32, u32),
    /// (enum, variant) indices.
    Enum(u32, u32),
    /// Field values in declaration order.
    Record(Vec<Value>),
}

// Decoding recursive types from untrusted bytes must not recurse without bound (a crafted
// artifact could nest a value a million levels deep and overflow the stack, when decoding or
// when dropping it). The derived decoders run through these, which count the depth.
thread_local! {
    static DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The deepest nesting of values, types and numeric expressions an artifact may hold.
pub const MAX_DECODE_DEPTH: usize = 64;

/// Runs a derived decoder one level deeper, refusing to go past [`MAX_DECODE_DEPTH`].
pub(crate) fn nested<'de, D, T>(
    d: D,
    decode: impl FnOnce(D) -> Result<T, D::Error>,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let depth = DEPTH.with(|c| c.get());
    if depth >= MAX_DECODE_DEPTH {
        return Err(serde::de::Error::custom(format!(
            "values are nested more than {MAX_DECODE_DEPTH} levels deep"
        )));
    }
    DEPTH.with(|c| c.set(depth + 1));
    let result = decode(d);
    DEPTH.with(|c| c.set(depth));
    result
}

#[derive(Deserialize)]
#[serde(remote = "TypeDesc")]
enum TypeDescDef {
    Bool,
    Int,
    Text,
    Date,
    DateTime,
    Duration,
    Period,
    Range(Box<TypeDesc>),
    Entity(u32),
    Enum(u32),
    Record(u32),
    Optional(Box<TypeDesc>),
}

impl<'de> Deserialize<'de> for TypeDesc {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<TypeDesc, D::Error> {
        nested(d, TypeDescDef::deserialize)
    }
}

#[derive(Deserialize)]
#[serde(remote = "Value")]
enum ValueDef {
    Absent,
    Bool(bool),
    Int(i64),
    Text(String),
    Date(i64),
    DateTime(i64),
    Duration(i64),
    Period(i64),
    Range(Box<Value>, Box<Value>),
    Entity(u32, u32),
    Enum(u32, u32),
    Record(Vec<Value>),
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        nested(d, ValueDef::deserialize)
    }
}

impl Value {
    /// The number a value stands for in numeric columns.
    pub fn as_number(&self) -> Option<i64> {
        match self {
            Value::Int(n)
            | Value::Date(n)
            | Value::DateTime(n)
            | Value::Duration(n)
            | Value::Period(n) => Some(*n),
            _ => None,
        }
    }
}

fn epoch() -> jiff::civil::Date {
    jiff::civil::date(1970, 1, 1)
}

/// Days since 1970-01-01 of a date.
pub fn date_to_days(d: jiff::civil::Date) -> i64 {
    days_from_civil(
        i64::from(d.year()),
        i64::from(d.month()),
        i64::from(d.day()),
    )
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`),
/// exact for every year.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// [`days_from_civil`] for the years 1 to 9999 in unsigned arithmetic (no rounding toward
/// negative infinity to correct for): the fast readers' dates.
#[inline(always)]
fn days_from_civil_ad(y: u64, m: u64, d: u64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let (era, yoe) = (y / 400, y % 400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe) as i64 - 719_468
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The number written by `digits` ASCII digits, or `None`. No branch per digit: the slices
/// are two or four bytes long, and the loop unrolls.
#[inline(always)]
fn number(b: &[u8]) -> Option<i64> {
    let (mut n, mut bad) = (0i64, false);
    for &c in b {
        let digit = c.wrapping_sub(b'0');
        bad |= digit > 9;
        n = n * 10 + i64::from(digit);
    }
    (!bad).then_some(n)
}

/// `YYYY-MM-DD` for years 1 to 9999 read without the general parser; `None` for anything else
/// (the general parser then decides).
pub(crate) fn fast_date(b: &[u8]) -> Option<i64> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (number(&b[0..4])?, number(&b[5..7])?, number(&b[8..10])?);
    let valid = y >= 1 && (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m);
    valid.then(|| days_from_civil_ad(y as u64, m as u64, d as u64))
}

/// `YYYY-MM-DDTHH:MM` or `YYYY-MM-DDTHH:MM:SS`, as [`fast_date`].
pub(crate) fn fast_datetime(b: &[u8]) -> Option<i64> {
    if !(b.len() == 16 || (b.len() == 19 && b[16] == b':')) || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    let days = fast_date(&b[..10])?;
    let (h, min) = (number(&b[11..13])?, number(&b[14..16])?);
    let sec = if b.len() == 19 {
        number(&b[17..19])?
    } else {
        0
    };
    (h < 24 && min < 60 && sec < 60).then(|| days * 86_400 + h * 3600 + min * 60 + sec)
}

pub fn days_to_date(days: i64) -> Option<jiff::civil::Date> {
    let span = jiff::Span::new().try_days(days).ok()?;
    epoch().checked_add(span).ok()
}

/// Seconds since 1970-01-01T00:00 of a civil date-time.
pub fn datetime_to_seconds(dt: jiff::civil::DateTime) -> i64 {
    let days = date_to_days(dt.date());
    let t = dt.time();
    days * 86_400 + i64::from(t.hour()) * 3600 + i64::from(t.minute()) * 60 + i64::from(t.second())
}

pub fn seconds_to_datetime(secs: i64) -> Option<jiff::civil::DateTime> {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let date = days_to_date(days)?;
    let time = jiff::civil::Time::new(
        (rem / 3600) as i8,
        ((rem % 3600) / 60) as i8,
        (rem % 60) as i8,
        0,
    )
    .ok()?;
    Some(date.to_datetime(time))
}

pub fn parse_date(text: &str) -> Option<i64> {
    if text.len() != 10 {
        return None;
    }
    fast_date(text.as_bytes()).or_else(|| text.parse::<jiff::civil::Date>().ok().map(date_to_days))
}

pub fn parse_datetime(text: &str) -> Option<i64> {
    if !(16..=19).contains(&text.len()) || text.as_bytes().get(10) != Some(&b'T') {
        return None;
    }
    fast_datetime(text.as_bytes()).or_else(|| {
        text.parse::<jiff::civil::DateTime>()
            .ok()
            .map(datetime_to_seconds)
    })
}

/// Seconds in one unit of an exact duration suffix.
pub fn exact_unit_seconds(suffix: &str) -> Option<i64> {
    Some(match suffix {
        "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return None,
    })
}

/// Parses `144h`, `30d`, `90min`, `259201s` (seconds) or `1y`, `6mo` (months). Requests may
/// give seconds, as [`format_duration`] writes a length that is no whole number of minutes
/// (the difference of two date-times with seconds); policies write minutes at the finest.
pub fn parse_duration(text: &str) -> Option<Value> {
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let amount: i64 = text[..split].parse().ok()?;
    if amount > 6_000_000_000 {
        return None;
    }
    let unit = &text[split..];
    match unit {
        "mo" => Some(Value::Period(amount)),
        "y" => Some(Value::Period(amount * 12)),
        "s" => Some(Value::Duration(amount)),
        _ => exact_unit_seconds(unit).map(|s| Value::Duration(amount * s)),
    }
}

pub fn format_date(days: i64) -> String {
    days_to_date(days).map_or_else(|| format!("day {days}"), |d| d.to_string())
}

pub fn format_datetime(secs: i64) -> String {
    match seconds_to_datetime(secs) {
        Some(dt) if secs.rem_euclid(60) != 0 => dt.strftime("%Y-%m-%dT%H:%M:%S").to_string(),
        Some(dt) => dt.strftime("%Y-%m-%dT%H:%M").to_string(),
        None => format!("second {secs}"),
    }
}

/// `144h`, `24h`, but `30d` (whole days from ten days up), `90min`, `1s`.
/// A duration in hours (or minutes, or seconds, when it is not a whole number of hours). Tools
/// print a length the policies write as they write it (`Engine::format_duration`); this is
/// for the others.
pub fn format_duration(secs: i64) -> String {
    if secs % 3600 == 0 {
        format!("{}h", secs / 3600)
    } else if secs % 60 == 0 {
        format!("{}min", secs / 60)
    } else {
        format!("{secs}s")
    }
}

pub fn format_period(months: i64) -> String {
    if months % 12 == 0 {
        format!("{}y", months / 12)
    } else {
        format!("{months}mo")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unsigned_day_count_is_the_signed_one_in_every_month_of_the_years_1_to_9999() {
        for y in 1..=9999 {
            for m in 1..=12 {
                for d in [1, 15, days_in_month(y, m)] {
                    assert_eq!(
                        days_from_civil_ad(y as u64, m as u64, d as u64),
                        days_from_civil(y, m, d),
                        "{y}-{m}-{d}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_number_is_its_digits_and_nothing_else() {
        assert_eq!(number(b"2025"), Some(2025));
        assert_eq!(number(b"09"), Some(9));
        for bad in [&b"2O25"[..], b"1:", b"/0", b"-1", b" 1"] {
            assert_eq!(number(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_quick_date_readers_agree_with_jiff() {
        let jiff_date = |t: &str| t.parse::<jiff::civil::Date>().ok().map(date_to_days);
        let jiff_datetime = |t: &str| {
            t.parse::<jiff::civil::DateTime>()
                .ok()
                .map(datetime_to_seconds)
        };
        let mut checked = 0;
        for y in [
            1, 4, 99, 100, 400, 1582, 1900, 1969, 1970, 2000, 2024, 2025, 2100, 9999,
        ] {
            for m in 0..=13 {
                for d in 0..=32 {
                    let t = format!("{y:04}-{m:02}-{d:02}");
                    if let Some(fast) = fast_date(t.as_bytes()) {
                        assert_eq!(Some(fast), jiff_date(&t), "{t}");
                        checked += 1;
                    }
                    assert_eq!(parse_date(&t), jiff_date(&t), "{t}");
                }
            }
        }
        assert!(checked > 3000);
        for t in [
            "2025-11-10T10:00",
            "2025-11-10T23:59:59",
            "2025-11-10T24:00",
            "2025-11-10T10:60",
            "2025-11-10T10:00:60",
            "2024-02-29T00:00",
            "2025-02-29T00:00",
            "0000-01-01T00:00",
            "2025-11-10T1:00",
            "2025-11-10T10:00:0",
            "2025-11-10 10:00",
        ] {
            assert_eq!(
                parse_datetime(t),
                jiff_datetime(t).filter(|_| t.as_bytes()[10] == b'T'),
                "{t}"
            );
        }
        for days in (-800_000..800_000).step_by(997) {
            let d = days_to_date(days).unwrap();
            assert_eq!(date_to_days(d), days);
        }
    }

    #[test]
    fn round_trips() {
        let d = parse_date("2025-11-05").unwrap();
        assert_eq!(format_date(d), "2025-11-05");
        let t = parse_datetime("2025-11-10T10:00").unwrap();
        assert_eq!(format_datetime(t), "2025-11-10T10:00");
        assert_eq!(parse_datetime("2025-11-15T08:00").unwrap() - t, 118 * 3600);
        assert_eq!(parse_duration("144h"), Some(Value::Duration(144 * 3600)));
        assert_eq!(parse_duration("5y"), Some(Value::Period(60)));
        assert_eq!(parse_date("2025-02-30"), None);
        assert_eq!(parse_datetime("2025-11-10"), None);
        assert_eq!(format_duration(30 * 86_400), "720h");
        assert_eq!(format_duration(240 * 3600), "240h");
        assert_eq!(format_duration(144 * 3600), "144h");
    }
}
