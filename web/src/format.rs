//! How values from the API read on a page: dates, amounts, durations.

/// Groups thousands: `12,500`.
pub fn format_points(points: i64) -> String {
    let digits = points.unsigned_abs().to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if points < 0 {
        grouped.insert(0, '-');
    }
    grouped
}

/// `2026-11-22T09:05:00Z` as `22 Nov 2026, 09:05 UTC`; anything unexpected is shown as sent.
pub fn format_timestamp(rfc3339: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let parts = (|| {
        let year = rfc3339.get(0..4)?;
        let month: usize = rfc3339.get(5..7)?.parse().ok()?;
        let day: u8 = rfc3339.get(8..10)?.parse().ok()?;
        let time = rfc3339.get(11..16)?;
        let well_formed = year.bytes().all(|b| b.is_ascii_digit())
            && rfc3339.as_bytes().get(4) == Some(&b'-')
            && matches!(rfc3339.as_bytes().get(10), Some(b'T' | b't' | b' '))
            && time.as_bytes()[2] == b':';
        let zone = rfc3339
            .get(19..)?
            .trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
        let zone = match zone {
            "Z" | "z" | "+00:00" => "UTC".to_owned(),
            other => format!("UTC{other}"),
        };
        let month = MONTHS.get(month.checked_sub(1)?)?;
        well_formed.then(|| format!("{day} {month} {year}, {time} {zone}"))
    })();
    parts.unwrap_or_else(|| rfc3339.to_owned())
}

/// `1800` as `30 minutes`, `3600` as `1 hour`.
pub fn format_duration(secs: i64) -> String {
    let (amount, unit) = if secs > 0 && secs % 3600 == 0 {
        (secs / 3600, "hour")
    } else if secs > 0 && secs % 60 == 0 {
        (secs / 60, "minute")
    } else {
        (secs, "second")
    };
    let plural = if amount == 1 { "" } else { "s" };
    format!("{amount} {unit}{plural}")
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
}
