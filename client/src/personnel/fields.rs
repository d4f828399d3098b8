//! The checks of one personnel value, shared by CSV rows and JSON records
//! (the rules that pick them are in `rules`, from the spec).

use chrono::{DateTime, NaiveDate, NaiveDateTime};

/// The most characters of a value a message quotes.
const QUOTED_CHARS: usize = 60;

/// A value as a message quotes it: in double quotes, control characters
/// escaped (`\n`, `\u{1b}`), cut after [`QUOTED_CHARS`] characters.
pub(crate) fn quoted(value: &str) -> String {
    let mut cut: String = value.chars().take(QUOTED_CHARS).collect();
    if cut.len() < value.len() {
        cut.push('…');
    }
    format!("{cut:?}")
}

pub(crate) fn too_long(value: &str, max: usize) -> Option<String> {
    let length = value.chars().count();
    (length > max).then(|| format!("{length} characters; at most {max} are accepted"))
}

/// A line break, tab or other control character: never part of a field.
pub(crate) fn control_problem(value: &str) -> Option<String> {
    value
        .chars()
        .any(char::is_control)
        .then(|| format!("{} has a control character (a line break or a tab?); remove it", quoted(value)))
}

/// Surrounding spaces in a JSON value: sent as they are, so refused rather
/// than silently kept.
pub(crate) fn untrimmed_problem(value: &str) -> Option<String> {
    (value.trim() != value).then(|| format!("{} has spaces around it; remove them", quoted(value)))
}

/// Letters and digits with space and `punctuation` (Drata accepts
/// `' - | . , + : _ # & / ( [`; the spec adds the closing `)` and `]`).
pub(crate) fn name_problem(value: &str, punctuation: &str) -> Option<String> {
    let allowed = |c: char| c.is_alphanumeric() || c == ' ' || punctuation.contains(c);
    let bad: String = value.chars().filter(|c| !allowed(*c)).take(5).collect();
    (!bad.is_empty()).then(|| {
        let listed: Vec<String> = punctuation.chars().filter(|c| *c != ' ').map(String::from).collect();
        format!(
            "{} has characters Drata does not accept ({}); use letters, digits, space and {}",
            quoted(value),
            bad.escape_debug(),
            listed.join(" ")
        )
    })
}

pub(crate) fn email_problem(value: &str) -> Option<String> {
    {
        let valid = value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.split('.').count() >= 2
                && domain.split('.').all(|part| !part.is_empty())
        }) && !value.chars().any(|c| c.is_whitespace() || c.is_control());
        (!valid).then(|| format!("{} is not an email address", quoted(value)))
    }
}

pub(crate) fn url_problem(value: &str) -> Option<String> {
    {
        let valid = ["http://", "https://"].iter().any(|scheme| {
            value.get(..scheme.len()).is_some_and(|s| s.eq_ignore_ascii_case(scheme))
                && value.len() > scheme.len()
        }) && !value.chars().any(|c| c.is_whitespace() || c.is_control());
        (!valid).then(|| format!("{} is not a full http(s):// URL", quoted(value)))
    }
}

/// ISO 8601 `YYYY-MM-DDTHH:mm:ss` (fractional seconds allowed), RFC 3339,
/// or American `MM/DD/YYYY`; a real calendar date.
pub(crate) fn date_problem(value: &str) -> Option<String> {
    let ok = DateTime::parse_from_rfc3339(value).is_ok()
        || NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%.f").is_ok()
        || (value.len() == 10 && NaiveDate::parse_from_str(value, "%m/%d/%Y").is_ok());
    (!ok).then(|| {
        if value.is_empty() {
            "required, but empty".to_string()
        } else {
            format!(
                "{} is not a date Drata accepts; use YYYY-MM-DDTHH:mm:ss, MM/DD/YYYY or RFC 3339 (YYYY-MM-DDTHH:mm:ssZ)",
                quoted(value)
            )
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        for ok in [
            "2024-10-18T01:28:40",
            "2024-10-18T01:28:40.123",
            "2024-10-18T01:28:40Z",
            "2024-10-18T01:28:40+02:00",
            "10/18/2024",
        ] {
            assert_eq!(date_problem(ok), None, "{ok}");
        }
        for bad in ["2024-13-01T00:00:00", "31/12/2024", "2024-02-30", "2024-02-30T00:00:00", "", "1/2/2024"]
        {
            assert!(date_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn emails() {
        for ok in ["a@b.co", "first.last+tag@sub.example.com"] {
            assert_eq!(email_problem(ok), None, "{ok}");
        }
        for bad in [
            "alan-at-example",
            "@b.co",
            "a@b@c.co",
            "a@localhost",
            "a@b..co",
            "a@.co",
            "a b@c.co",
            "a@b.co\u{7}",
        ] {
            assert_eq!(email_problem(bad), Some(format!("{} is not an email address", quoted(bad))), "{bad}");
        }
    }

    #[test]
    fn urls() {
        for ok in ["https://x.io/a.png", "HTTP://X"] {
            assert_eq!(url_problem(ok), None, "{ok}");
        }
        for bad in ["http://", "https://", "ftp://x", "ftp://example.com/a.png", "http://a b", "", "x"] {
            assert_eq!(
                url_problem(bad),
                Some(format!("{} is not a full http(s):// URL", quoted(bad))),
                "{bad}"
            );
        }
    }

    #[test]
    fn quoted_values_are_escaped_and_cut() {
        assert_eq!(quoted("evil\u{1b}]0;x\u{7}"), r#""evil\u{1b}]0;x\u{7}""#);
        assert_eq!(quoted(&"a".repeat(100)), format!("\"{}…\"", "a".repeat(60)));
        assert_eq!(quoted("Zoë"), "\"Zoë\"");
    }

    #[test]
    fn control_characters_and_surrounding_spaces_are_problems() {
        assert_eq!(
            control_problem("a\tb").as_deref(),
            Some(r#""a\tb" has a control character (a line break or a tab?); remove it"#)
        );
        assert_eq!(control_problem("a b"), None);
        assert_eq!(untrimmed_problem(" a").as_deref(), Some(r#"" a" has spaces around it; remove them"#));
        assert_eq!(untrimmed_problem("a b"), None);
    }
}
