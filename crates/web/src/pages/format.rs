//! Numbers, amounts and dates as each language writes them.

use chrono::{Datelike, NaiveDate};
use lshub_domain::Language;

/// `12.46` → "12.5" in English, "12,5" in Dutch: a measure with one decimal.
pub fn one_decimal(lang: Language, value: f64) -> String {
    let shown = format!("{value:.1}");
    match lang {
        Language::En => shown,
        Language::Nl => shown.replace('.', ","),
    }
}

/// `2525` → "2,525" in English, "2.525" in Dutch.
pub fn number(lang: Language, value: i64) -> String {
    let separator = match lang {
        Language::En => ',',
        Language::Nl => '.',
    };
    let digits = value.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(digit);
    }
    out
}

/// A size in bytes in SI units with one decimal: "2.0 GB" in English, "2,0 GB" in Dutch;
/// under a kilobyte in bytes.
pub fn bytes(lang: Language, value: u64) -> String {
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    if value < 1000 {
        return format!("{value} B");
    }
    let mut size = value as f64 / 1000.0;
    let mut unit = 0;
    while size >= 1000.0 && unit + 1 < UNITS.len() {
        size /= 1000.0;
        unit += 1;
    }
    let shown = format!("{size:.1}");
    match lang {
        Language::En => format!("{shown} {}", UNITS[unit]),
        Language::Nl => format!("{} {}", shown.replace('.', ","), UNITS[unit]),
    }
}

/// An amount in euros: "€1,500,000" in English, "€ 1.500.000" in Dutch.
pub fn euros(lang: Language, value: i64) -> String {
    match lang {
        Language::En => format!("€{}", number(lang, value)),
        Language::Nl => format!("€ {}", number(lang, value)),
    }
}

/// A grant range: "€150,000", "€200,000 – €1,500,000", "up to €7,000,000".
pub fn budget_range(lang: Language, min: Option<i64>, max: Option<i64>) -> Option<String> {
    match (min.filter(|m| *m > 0), max) {
        (Some(min), Some(max)) if min == max => Some(euros(lang, max)),
        (Some(min), Some(max)) => Some(format!("{} – {}", euros(lang, min), euros(lang, max))),
        (None, Some(max)) if max > 0 => Some(match lang {
            Language::En => format!("up to {}", euros(lang, max)),
            Language::Nl => format!("tot {}", euros(lang, max)),
        }),
        (Some(min), None) => Some(match lang {
            Language::En => format!("from {}", euros(lang, min)),
            Language::Nl => format!("vanaf {}", euros(lang, min)),
        }),
        _ => None,
    }
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// "15 September 2026" / "15 september 2026".
pub fn date(lang: Language, date: NaiveDate) -> String {
    let months = match lang {
        Language::En => &MONTHS_EN,
        Language::Nl => &MONTHS_NL,
    };
    format!("{} {} {}", date.day(), months[date.month0() as usize], date.year())
}

/// A stored moment (RFC 3339) to the minute, in UTC: "4 December 2026, 17:09 UTC". Text that
/// is no moment is shown as it is.
pub fn moment(lang: Language, stamp: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(stamp) {
        Ok(at) => {
            let at = at.with_timezone(&chrono::Utc);
            format!("{}, {} UTC", date(lang, at.date_naive()), at.format("%H:%M"))
        }
        Err(_) => stamp.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_in_si_units_with_the_languages_decimal_mark() {
        assert_eq!(bytes(Language::En, 512), "512 B");
        assert_eq!(bytes(Language::En, 81_920), "81.9 kB");
        assert_eq!(bytes(Language::Nl, 2_000_000_000), "2,0 GB");
        assert_eq!(bytes(Language::En, u64::MAX), "18446.7 PB");
    }

    #[test]
    fn numbers_use_each_languages_separator() {
        assert_eq!(number(Language::En, 2525), "2,525");
        assert_eq!(number(Language::Nl, 2525), "2.525");
        assert_eq!(number(Language::En, 999), "999");
        assert_eq!(number(Language::Nl, -1_500_000), "-1.500.000");
        assert_eq!(number(Language::En, 0), "0");
    }

    #[test]
    fn budgets_read_naturally() {
        assert_eq!(budget_range(Language::En, Some(150_000), Some(150_000)).as_deref(), Some("€150,000"));
        assert_eq!(
            budget_range(Language::Nl, Some(200_000), Some(1_500_000)).as_deref(),
            Some("€ 200.000 – € 1.500.000")
        );
        assert_eq!(budget_range(Language::En, Some(0), Some(7_000_000)).as_deref(), Some("up to €7,000,000"));
        assert_eq!(budget_range(Language::En, None, None), None);
    }

    #[test]
    fn dates_are_written_out() {
        let day = NaiveDate::from_ymd_opt(2026, 9, 15).expect("date");
        assert_eq!(date(Language::En, day), "15 September 2026");
        assert_eq!(date(Language::Nl, day), "15 september 2026");
        assert_eq!(moment(Language::Nl, "2026-09-15T07:05:59.123456Z"), "15 september 2026, 07:05 UTC");
        assert_eq!(moment(Language::En, "yesterday"), "yesterday");
    }
}
