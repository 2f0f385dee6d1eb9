//! Sending windows: the weekdays and local hours, in an IANA time zone, when a
//! subuser or a credential (API token, OAuth client) may send. One type and
//! one parser for both, so the rules and the field errors are the same.

use chrono::{DateTime, Datelike, Duration as ChronoDuration, NaiveDateTime, Timelike, Utc};
use chrono_tz::Tz;
use portcullis_shared::vocabulary::Weekday;
use portcullis_shared::{problem::FieldError, validate::codes};

/// When sending is allowed: days, local minutes `[start, end)`, a time zone.
#[derive(Debug, Clone, PartialEq)]
pub struct SendingWindow {
    pub days: Vec<Weekday>,
    /// Minutes after local midnight, inclusive.
    pub start: u32,
    /// Minutes after local midnight, exclusive (1440 = midnight).
    pub end: u32,
    pub time_zone: Tz,
}

fn weekday_of(day: chrono::Weekday) -> Weekday {
    match day {
        chrono::Weekday::Mon => Weekday::Mon,
        chrono::Weekday::Tue => Weekday::Tue,
        chrono::Weekday::Wed => Weekday::Wed,
        chrono::Weekday::Thu => Weekday::Thu,
        chrono::Weekday::Fri => Weekday::Fri,
        chrono::Weekday::Sat => Weekday::Sat,
        chrono::Weekday::Sun => Weekday::Sun,
    }
}

/// Minutes after midnight as `HH:MM` (`24:00` for 1440).
pub fn hhmm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// `HH:MM` as minutes after midnight; `24:00` only when `allow_midnight_end`.
pub fn parse_hhmm(raw: &str, allow_midnight_end: bool) -> Option<u32> {
    let (h, m) = raw.trim().split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    match (h, m) {
        (24, 0) if allow_midnight_end => Some(1440),
        (0..=23, 0..=59) => Some(h * 60 + m),
        _ => None,
    }
}

impl SendingWindow {
    fn allows_day(&self, day: chrono::Weekday) -> bool {
        self.days.contains(&weekday_of(day))
    }

    /// `None` when sending is allowed at `at`; otherwise when it opens next.
    pub fn opens_at(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = at.with_timezone(&self.time_zone);
        let minute = local.hour() * 60 + local.minute();
        let today = local.date_naive();
        if self.allows_day(today.weekday()) && self.start <= minute && minute < self.end {
            return None;
        }
        (0..=7)
            .map(|d| today + ChronoDuration::days(d))
            .filter(|date| self.allows_day(date.weekday()))
            .map(|date| {
                let opening = date.and_hms_opt(self.start / 60, self.start % 60, 0);
                first_instant_from(self.time_zone, opening.unwrap_or_default())
            })
            .find(|opening| *opening > at)
    }
}

/// The first real instant at or after local time `local` in `tz`: the earlier
/// one when clocks go back, the end of the gap when they jump forward.
fn first_instant_from(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    use chrono::{offset::LocalResult, TimeZone};
    let mut probe = local;
    for _ in 0..=(3 * 60) {
        match tz.from_local_datetime(&probe) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => return t.with_timezone(&Utc),
            LocalResult::None => probe += ChronoDuration::minutes(1),
        }
    }
    local.and_utc()
}

/// A sending window asked for, not yet checked.
#[derive(Debug, Clone, Default)]
pub struct RequestedWindow {
    pub days: Vec<Weekday>,
    /// `HH:MM`, local.
    pub start: String,
    /// `HH:MM`, local; `24:00` for midnight.
    pub end: String,
    /// An IANA time zone name.
    pub time_zone: String,
}

impl SendingWindow {
    /// A window as stored (days comma-separated, `HH:MM`, zone name); `None`
    /// when any part is missing or no longer parses.
    pub fn from_stored(
        days: Option<&str>,
        start: Option<&str>,
        end: Option<&str>,
        time_zone: Option<&str>,
    ) -> Option<Self> {
        let days = days?
            .split(',')
            .filter_map(|d| Weekday::ALL.into_iter().find(|w| w.as_str() == d))
            .collect();
        Some(Self {
            days,
            start: parse_hhmm(start?, false)?,
            end: parse_hhmm(end?, true)?,
            time_zone: time_zone?.parse().ok()?,
        })
    }

    /// The stored form: (days, start, end, zone).
    pub fn to_stored(&self) -> (String, String, String, String) {
        (
            self.days
                .iter()
                .map(|d| d.as_str())
                .collect::<Vec<_>>()
                .join(","),
            hhmm(self.start),
            hhmm(self.end),
            self.time_zone.name().to_owned(),
        )
    }
}

/// Checks a requested window; each problem is pushed to `errors` under
/// `{prefix}.days`, `{prefix}.start`, `{prefix}.end` or `{prefix}.time_zone`.
pub fn parse_window(
    prefix: &str,
    requested: &RequestedWindow,
    errors: &mut Vec<FieldError>,
) -> Option<SendingWindow> {
    let field = |name: &str| format!("{prefix}.{name}");
    let mut days = requested.days.clone();
    days.sort();
    days.dedup();
    if days.is_empty() {
        errors.push(FieldError::new(
            &field("days"),
            codes::REQUIRED,
            "Choose at least one day.",
        ));
    }
    let start = parse_hhmm(&requested.start, false);
    let end = parse_hhmm(&requested.end, true);
    if start.is_none() {
        errors.push(FieldError::new(
            &field("start"),
            codes::INVALID_TIME,
            "Use HH:MM, e.g. 08:00.",
        ));
    }
    if end.is_none() {
        errors.push(FieldError::new(
            &field("end"),
            codes::INVALID_TIME,
            "Use HH:MM, e.g. 18:00 (24:00 for midnight).",
        ));
    }
    if let (Some(start), Some(end)) = (start, end) {
        if end <= start {
            errors.push(FieldError::new(
                &field("end"),
                codes::END_BEFORE_START,
                "The end must be after the start.",
            ));
        }
    }
    let time_zone: Option<Tz> = requested.time_zone.trim().parse().ok();
    if time_zone.is_none() {
        errors.push(FieldError::new(
            &field("time_zone"),
            codes::INVALID_TIME_ZONE,
            "Use an IANA time zone name, e.g. Europe/Warsaw.",
        ));
    }
    match (start, end, time_zone, days.is_empty()) {
        (Some(start), Some(end), Some(time_zone), false) if start < end => Some(SendingWindow {
            days,
            start,
            end,
            time_zone,
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn window(days: &[Weekday], start: &str, end: &str, tz: &str) -> SendingWindow {
        SendingWindow {
            days: days.to_vec(),
            start: parse_hhmm(start, false).unwrap(),
            end: parse_hhmm(end, true).unwrap(),
            time_zone: tz.parse().unwrap(),
        }
    }

    #[test]
    fn times_parse_as_hh_mm_with_midnight_only_as_an_end() {
        assert_eq!(parse_hhmm("08:30", false), Some(510));
        assert_eq!(parse_hhmm("24:00", true), Some(1440));
        for bad in ["24:00", "8:30", "08:60", "25:00", "0830", "ab:cd"] {
            assert_eq!(parse_hhmm(bad, false), None, "{bad}");
        }
    }

    #[test]
    fn open_window_has_no_opening_time() {
        let w = window(&Weekday::ALL, "08:00", "18:00", "UTC");
        let at = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
        assert_eq!(w.opens_at(at), None);
    }

    #[test]
    fn closed_window_opens_on_the_next_allowed_day_in_its_zone() {
        // Friday 2026-11-27 19:00 in Warsaw (UTC+1): weekdays 08–18 open Monday 08:00 local.
        let w = window(
            &[
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
            "08:00",
            "18:00",
            "Europe/Warsaw",
        );
        let at = Utc.with_ymd_and_hms(2026, 11, 27, 18, 0, 0).unwrap();
        assert_eq!(
            w.opens_at(at),
            Some(Utc.with_ymd_and_hms(2026, 11, 30, 7, 0, 0).unwrap())
        );
        // Before the start on an allowed day: later the same day.
        let early = Utc.with_ymd_and_hms(2026, 11, 30, 5, 0, 0).unwrap();
        assert_eq!(
            w.opens_at(early),
            Some(Utc.with_ymd_and_hms(2026, 11, 30, 7, 0, 0).unwrap())
        );
    }

    #[test]
    fn opening_across_a_dst_change_uses_the_new_offset() {
        // Europe/Warsaw goes to UTC+2 on Sunday 2027-03-28 at 02:00.
        let w = window(&[Weekday::Mon], "08:00", "09:00", "Europe/Warsaw");
        let saturday = Utc.with_ymd_and_hms(2027, 3, 27, 12, 0, 0).unwrap();
        assert_eq!(
            w.opens_at(saturday),
            Some(Utc.with_ymd_and_hms(2027, 3, 29, 6, 0, 0).unwrap())
        );
        // A start inside the skipped hour opens when the clocks jump.
        let gap = window(&[Weekday::Sun], "02:30", "04:00", "Europe/Warsaw");
        assert_eq!(
            gap.opens_at(saturday),
            Some(Utc.with_ymd_and_hms(2027, 3, 28, 1, 0, 0).unwrap())
        );
    }
}
