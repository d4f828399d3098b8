//! [`Timestamp`]: a Drata timestamp, kept exactly as Drata wrote it.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};

/// A timestamp as Drata sends it, kept as the original text.
///
/// Drata's documents type timestamps `date-time`, but its answers render them
/// in at least three ways: RFC 3339 (`2025-07-01T16:45:55.246Z`), a SQL-like
/// form without a zone (`2020-07-06 12:00:00.000000`) and JavaScript's
/// `Date.toDateString()` (`Fri Jan 31 2025`). A strict date-time type would
/// fail the whole answer on the last two, so every `date-time` field of the
/// generated types is a `Timestamp`: deserializing never fails on a string,
/// serializing writes the original text back, and [`Timestamp::to_utc`]
/// interprets it when it can.
///
/// ```
/// use drata::{Timestamp, TimestampFormat};
///
/// let t: Timestamp = "2020-07-06 12:00:00.000000".parse().unwrap();
/// assert_eq!(t.format(), TimestampFormat::SqlUtc);
/// assert_eq!(t.to_utc().unwrap().to_rfc3339(), "2020-07-06T12:00:00+00:00");
/// assert_eq!(t.to_string(), "2020-07-06 12:00:00.000000"); // unchanged
///
/// let day = Timestamp::from("Fri Jan 31 2025");
/// assert_eq!(day.to_utc().unwrap().to_rfc3339(), "2025-01-31T00:00:00+00:00");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp {
    text: String,
}

/// How a [`Timestamp`]'s text is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimestampFormat {
    /// RFC 3339, e.g. `2025-07-01T16:45:55.246Z`.
    Rfc3339,
    /// Date and time without a zone, read as UTC, e.g. `2020-07-06 12:00:00.000000`
    /// (also with a `T` separator).
    SqlUtc,
    /// A calendar day as JavaScript prints it, e.g. `Fri Jan 31 2025`, read as
    /// midnight UTC.
    DateString,
    /// A calendar day, e.g. `2020-07-06`, read as midnight UTC.
    Date,
    /// None of the above; [`Timestamp::to_utc`] returns `None`.
    Unrecognized,
}

const NAIVE_FORMATS: &[&str] = &["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"];

impl Timestamp {
    /// The text exactly as Drata sent it.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Which of Drata's renderings the text uses.
    pub fn format(&self) -> TimestampFormat {
        self.parse().map_or(TimestampFormat::Unrecognized, |(_, f)| f)
    }

    /// The instant, if the text is in a format Drata is known to use.
    pub fn to_utc(&self) -> Option<DateTime<Utc>> {
        self.parse().map(|(t, _)| t)
    }

    fn parse(&self) -> Option<(DateTime<Utc>, TimestampFormat)> {
        let text = self.text.trim();
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return Some((t.with_timezone(&Utc), TimestampFormat::Rfc3339));
        }
        for format in NAIVE_FORMATS {
            if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
                return Some((t.and_utc(), TimestampFormat::SqlUtc));
            }
        }
        if let Ok(d) = NaiveDate::parse_from_str(text, "%a %b %d %Y") {
            return Some((d.and_time(chrono::NaiveTime::MIN).and_utc(), TimestampFormat::DateString));
        }
        if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Some((d.and_time(chrono::NaiveTime::MIN).and_utc(), TimestampFormat::Date));
        }
        None
    }
}

impl From<DateTime<Utc>> for Timestamp {
    /// Writes the instant in RFC 3339 with milliseconds, as Drata's current API does.
    fn from(t: DateTime<Utc>) -> Self {
        Self { text: t.to_rfc3339_opts(SecondsFormat::Millis, true) }
    }
}

impl From<&str> for Timestamp {
    fn from(text: &str) -> Self {
        Self { text: text.to_string() }
    }
}

impl From<String> for Timestamp {
    fn from(text: String) -> Self {
        Self { text }
    }
}

impl FromStr for Timestamp {
    type Err = std::convert::Infallible;

    /// Never fails: any text is kept (see [`Timestamp::format`]).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Self::from(text))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_three_documented_renderings_and_keeps_the_text() {
        let cases = [
            ("2025-07-01T16:45:55.246Z", TimestampFormat::Rfc3339, "2025-07-01T16:45:55.246+00:00"),
            ("2020-07-06 12:00:00.000000", TimestampFormat::SqlUtc, "2020-07-06T12:00:00+00:00"),
            ("Fri Jan 31 2025", TimestampFormat::DateString, "2025-01-31T00:00:00+00:00"),
            ("Thu Feb 13 2025", TimestampFormat::DateString, "2025-02-13T00:00:00+00:00"),
            ("2024-10-18T01:28:40", TimestampFormat::SqlUtc, "2024-10-18T01:28:40+00:00"),
            ("2020-07-06", TimestampFormat::Date, "2020-07-06T00:00:00+00:00"),
        ];
        for (text, format, utc) in cases {
            let t: Timestamp = serde_json::from_value(serde_json::json!(text)).unwrap();
            assert_eq!(t.format(), format, "{text}");
            assert_eq!(t.to_utc().map(|t| t.to_rfc3339()), Some(utc.to_string()), "{text}");
            assert_eq!(serde_json::to_value(&t).unwrap(), serde_json::json!(text));
        }
    }

    #[test]
    fn keeps_unrecognized_text_instead_of_failing() {
        let t: Timestamp = serde_json::from_str("\"next tuesday\"").unwrap();
        assert_eq!(t.format(), TimestampFormat::Unrecognized);
        assert_eq!(t.to_utc(), None);
        assert_eq!(t.as_str(), "next tuesday");
        assert_eq!(t.to_string(), "next tuesday", "printed as sent");
    }

    #[test]
    fn writes_instants_as_rfc3339_millis() {
        let t = Timestamp::from(DateTime::parse_from_rfc3339("2025-07-01T16:45:55.246Z").unwrap().to_utc());
        assert_eq!(t.as_str(), "2025-07-01T16:45:55.246Z");
    }
}
