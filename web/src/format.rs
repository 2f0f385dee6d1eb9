//! How values from the API read on a page: dates, amounts, durations.

use portcullis_shared::dto::Language;

use crate::i18n::Texts;

/// Groups thousands in English: `12,500`.
pub fn format_points(points: i64) -> String {
    format_points_in(points, Language::En)
}

/// Groups thousands as `language` does: `12,500` in English, `12 500` in Polish (a
/// no-break space, and four digits stay whole: `1000`).
pub fn format_points_in(points: i64, language: Language) -> String {
    format_number(&points.to_string(), language)
}

/// A plain decimal number (`-12500.5`, as Rust prints one) with `language`'s separators:
/// `-12,500.5` in English, `-12 500,5` in Polish.
pub fn format_number(plain: &str, language: Language) -> String {
    let (sign, unsigned) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", plain),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    if !whole.bytes().all(|b| b.is_ascii_digit()) {
        return plain.to_owned();
    }
    let (group, decimal, min_digits) = match language {
        Language::En => (",", ".", 4),
        // CLDR: a no-break space between groups, and none in a four-digit number.
        Language::Pl => ("\u{a0}", ",", 5),
    };
    let mut out = String::with_capacity(plain.len() + whole.len() / 3 * 2 + 1);
    out.push_str(sign);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && whole.len() >= min_digits && (whole.len() - i) % 3 == 0 {
            out.push_str(group);
        }
        out.push(digit);
    }
    if !fraction.is_empty() {
        out.push_str(decimal);
        out.push_str(fraction);
    }
    out
}

/// `2026-11-22T09:05:00Z` as `22 Nov 2026, 09:05 UTC`; anything unexpected is shown as sent.
pub fn format_timestamp(rfc3339: &str) -> String {
    format_timestamp_in(rfc3339, Texts::default())
}

/// [`format_timestamp`] in the words of `texts` (`22 lis 2026, 09:05 UTC`).
pub fn format_timestamp_in(rfc3339: &str, texts: Texts) -> String {
    let parts = (|| {
        let year = rfc3339.get(0..4)?;
        let month: u8 = rfc3339.get(5..7)?.parse().ok()?;
        let day: u8 = rfc3339.get(8..10)?.parse().ok()?;
        let time = rfc3339.get(11..16)?;
        let well_formed = year.bytes().all(|b| b.is_ascii_digit())
            && rfc3339.as_bytes().get(4) == Some(&b'-')
            && matches!(rfc3339.as_bytes().get(10), Some(b'T' | b't' | b' '))
            && time.as_bytes()[2] == b':'
            && (1..=12).contains(&month);
        let zone = rfc3339
            .get(19..)?
            .trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
        let zone = match zone {
            "Z" | "z" | "+00:00" => "UTC".to_owned(),
            other => format!("UTC{other}"),
        };
        well_formed.then(|| {
            let month = texts.t_args("format-month-short", &[("month", month.into())]);
            format!("{day} {month} {year}, {time} {zone}")
        })
    })();
    parts.unwrap_or_else(|| rfc3339.to_owned())
}

/// `1800` as `30 minutes`, `3600` as `1 hour`.
pub fn format_duration(secs: i64) -> String {
    format_duration_in(secs, Texts::default())
}

/// [`format_duration`] in the words of `texts` (`30 minut`, `1 godzina`).
pub fn format_duration_in(secs: i64, texts: Texts) -> String {
    if secs > 0 && secs % 3600 == 0 {
        texts.t_args("format-duration-hours", &[("count", (secs / 3600).into())])
    } else if secs > 0 && secs % 60 == 0 {
        texts.t_args("format-duration-minutes", &[("count", (secs / 60).into())])
    } else {
        texts.t_args("format-duration-seconds", &[("count", secs.into())])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_grouped_by_thousands() {
        assert_eq!(format_points(0), "0");
        assert_eq!(format_points(999), "999");
        assert_eq!(format_points(12_500), "12,500");
        assert_eq!(format_points(1_234_567), "1,234,567");
        assert_eq!(format_points(-4_000), "-4,000");
    }

    #[test]
    fn timestamps_read_like_dates() {
        assert_eq!(
            format_timestamp("2026-11-22T09:05:07Z"),
            "22 Nov 2026, 09:05 UTC"
        );
        assert_eq!(
            format_timestamp("2026-01-02T03:04:05.123456Z"),
            "2 Jan 2026, 03:04 UTC"
        );
        assert_eq!(
            format_timestamp("2026-01-02T03:04:05+02:00"),
            "2 Jan 2026, 03:04 UTC+02:00"
        );
        assert_eq!(format_timestamp("yesterday"), "yesterday");
        assert_eq!(
            format_timestamp("2026-13-02T03:04:05Z"),
            "2026-13-02T03:04:05Z"
        );
    }

    #[test]
    fn durations_use_the_largest_whole_unit() {
        assert_eq!(format_duration(1800), "30 minutes");
        assert_eq!(format_duration(3600), "1 hour");
        assert_eq!(format_duration(7200), "2 hours");
        assert_eq!(format_duration(90), "90 seconds");
        assert_eq!(format_duration(60), "1 minute");
    }

    #[test]
    fn polish_uses_its_own_separators_words_and_plurals() {
        let pl = Texts::new(Language::Pl);
        assert_eq!(format_points_in(1000, Language::Pl), "1000");
        assert_eq!(format_points_in(12_500, Language::Pl), "12\u{a0}500");
        assert_eq!(
            format_number("-1234567.25", Language::Pl),
            "-1\u{a0}234\u{a0}567,25"
        );
        assert_eq!(format_number("1234.5", Language::En), "1,234.5");
        assert_eq!(
            format_timestamp_in("2026-11-22T09:05:07Z", pl),
            "22 lis 2026, 09:05 UTC"
        );
        assert_eq!(format_duration_in(60, pl), "1 minuta");
        assert_eq!(format_duration_in(120, pl), "2 minuty");
        assert_eq!(format_duration_in(1800, pl), "30 minut");
        assert_eq!(format_duration_in(7200, pl), "2 godziny");
        assert_eq!(format_duration_in(22 * 3600, pl), "22 godziny");
        assert_eq!(format_duration_in(25, pl), "25 sekund");
    }
}
