//! What the activity charts draw, without drawing it: scales, bar geometry, dates and
//! the sentences that say in words what each chart shows.
//!
//! A day chart's SVG has a fixed coordinate space, [`WIDTH`] × [`HEIGHT`], stretched to
//! the card's width by CSS (`preserveAspectRatio="none"`), so no text goes inside it:
//! the scale and dates are HTML beside it and keep their size on a phone.

use crate::i18n::{msg, MessageId, Texts};

/// Width of a day chart's coordinate space.
pub const WIDTH: f64 = 300.0;
/// Height of a day chart's coordinate space.
pub const HEIGHT: f64 = 100.0;

/// The top of the scale for values up to `max` (0 for nothing): the smallest 2, 4, 6, 8
/// or 10 × 10ⁿ at or above it, even so that the middle line is a whole number too.
pub fn nice_ceiling(max: i64) -> i64 {
    if max <= 0 {
        return 0;
    }
    let mut step: i64 = 1;
    loop {
        for factor in [2, 4, 6, 8, 10] {
            if factor * step >= max {
                return factor * step;
            }
        }
        step = step.saturating_mul(10);
    }
}

/// One rectangle in a chart's coordinate space.
#[derive(Debug, Clone, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl Rect {
    /// A coordinate as an SVG attribute: two decimals are finer than any screen.
    pub fn attr(value: f64) -> String {
        format!("{value:.2}")
    }
}

/// Where column `index` of `count` sits: its left edge and width, a small gap on each side.
pub fn column(index: usize, count: usize) -> (f64, f64) {
    let slot = WIDTH / count.max(1) as f64;
    let gap = (slot * 0.2).min(2.0);
    (index as f64 * slot + gap / 2.0, slot - gap)
}

/// The part of column `index` of `count` between the values `from` and `to`, on a scale
/// from 0 to `top`; `None` when it is empty.
pub fn segment(index: usize, count: usize, from: i64, to: i64, top: i64) -> Option<Rect> {
    if to <= from || top <= 0 {
        return None;
    }
    let level = |value: i64| HEIGHT * value as f64 / top as f64;
    let (x, width) = column(index, count);
    Some(Rect {
        x,
        y: HEIGHT - level(to),
        width,
        height: level(to) - level(from),
    })
}

/// The length of a bar-list bar, 0 to 100, for `value` of the list's largest `max`; a
/// value above zero always shows.
pub fn share(value: i64, max: i64) -> f64 {
    if value <= 0 || max <= 0 {
        return 0.0;
    }
    (100.0 * value as f64 / max as f64).clamp(1.0, 100.0)
}

/// `2026-12-04` as `4 Dec`; anything else as it came.
pub fn short_date(date: &str, texts: Texts) -> String {
    let mut parts = date.split('-');
    let (Some(_), Some(month), Some(day)) = (parts.next(), parts.next(), parts.next()) else {
        return date.to_owned();
    };
    match (month.parse::<u8>(), day.parse::<u32>()) {
        (Ok(month @ 1..=12), Ok(day)) => {
            let month = texts.t_args("format-month-short", &[("month", month.into())]);
            format!("{day} {month}")
        }
        _ => date.to_owned(),
    }
}

/// `1 point`, `12,500 points`: `unit` is a message of `$count`.
pub fn count(value: i64, unit: MessageId, texts: Texts) -> String {
    texts.msg_args(unit, &[("count", value.into())])
}

/// "in the last 30 days", "today".
pub fn period(days: u32, texts: Texts) -> String {
    texts.t_args("activity-period-words", &[("days", days.into())])
}

/// The index of the largest value (the first of equals), if any is above zero.
fn busiest(values: &[i64]) -> Option<usize> {
    let max = values.iter().copied().max().filter(|m| *m > 0)?;
    values.iter().position(|v| *v == max)
}

/// The points chart in words.
pub fn points_summary(
    dates: &[String],
    points: &[i64],
    messages: i64,
    days: u32,
    texts: Texts,
) -> String {
    let total: i64 = points.iter().sum();
    let period = period(days, texts);
    if total == 0 && messages == 0 {
        return texts.t_args("activity-points-none", &[("period", period.into())]);
    }
    let mut text = texts.t_args(
        "activity-points-spent",
        &[
            (
                "points",
                count(total, msg("activity-unit-points"), texts).into(),
            ),
            (
                "messages",
                count(messages, msg("activity-unit-messages"), texts).into(),
            ),
            ("period", period.into()),
        ],
    );
    if let Some(day) = busiest(points).filter(|_| days > 1) {
        text.push(' ');
        text.push_str(&texts.t_args(
            "activity-points-most",
            &[
                ("day", short_date(&dates[day], texts).into()),
                (
                    "points",
                    count(points[day], msg("activity-unit-points"), texts).into(),
                ),
            ],
        ));
    }
    text
}

/// The sign-ins chart in words.
pub fn sign_ins_summary(
    dates: &[String],
    succeeded: &[i64],
    failed: &[i64],
    days: u32,
    texts: Texts,
) -> String {
    let (ok, refused): (i64, i64) = (succeeded.iter().sum(), failed.iter().sum());
    let period = period(days, texts);
    if ok == 0 && refused == 0 {
        return texts.t_args("activity-sign-ins-none", &[("period", period.into())]);
    }
    let mut text = texts.t_args(
        "activity-sign-ins-summary",
        &[
            ("succeeded", ok.into()),
            ("failed", refused.into()),
            ("period", period.into()),
        ],
    );
    match busiest(failed).filter(|_| days > 1) {
        Some(day) => {
            text.push(' ');
            text.push_str(&texts.t_args(
                "activity-sign-ins-most-failures",
                &[
                    ("day", short_date(&dates[day], texts).into()),
                    ("count", failed[day].into()),
                ],
            ));
        }
        None if refused == 0 => {
            text.push(' ');
            text.push_str(&texts.t("activity-sign-ins-no-failures"));
        }
        None => {}
    }
    text
}

/// What a bar list's summary says: what its values count, the words before its largest
/// item ("Most sent to") and the words when there is nothing ("No messages sent").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ListWords {
    pub unit: MessageId,
    pub most: MessageId,
    pub nothing: MessageId,
}

/// A bar list in words: "8 refused calls in the last 30 days. Most often: Token
/// expired, 5 refused calls." (`most` names the largest item, the first of equals.)
pub fn list_summary(items: &[(String, i64)], days: u32, words: ListWords, texts: Texts) -> String {
    let total: i64 = items.iter().map(|(_, v)| v).sum();
    let values: Vec<i64> = items.iter().map(|(_, v)| *v).collect();
    let period = period(days, texts);
    match busiest(&values) {
        Some(first) if total > 0 => texts.t_args(
            "activity-list-summary",
            &[
                ("total", count(total, words.unit, texts).into()),
                ("period", period.into()),
                ("most", texts.msg(words.most).into()),
                ("top", items[first].0.as_str().into()),
                ("top_count", count(items[first].1, words.unit, texts).into()),
            ],
        ),
        _ => texts.t_args(
            "activity-list-nothing",
            &[
                ("nothing", texts.msg(words.nothing).into()),
                ("period", period.into()),
            ],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_tops_at_an_even_round_number() {
        let tops: Vec<i64> = [0, 1, 2, 3, 5, 7, 10, 11, 45, 99, 101, 2500]
            .into_iter()
            .map(nice_ceiling)
            .collect();
        assert_eq!(tops, [0, 2, 2, 4, 6, 8, 10, 20, 60, 100, 200, 4000]);
    }

    #[test]
    fn stacked_segments_meet_and_stand_on_the_baseline() {
        let below = segment(0, 30, 0, 3, 10).unwrap();
        let above = segment(0, 30, 3, 5, 10).unwrap();
        assert!((below.y + below.height - HEIGHT).abs() < 1e-9);
        assert!((above.y + above.height - below.y).abs() < 1e-9);
        assert!((above.height - 20.0).abs() < 1e-9);
        assert_eq!(segment(4, 30, 3, 3, 10), None, "nothing to draw");
        let (x, width) = column(29, 30);
        assert!(x + width <= WIDTH && x > WIDTH - 10.0);
    }

    #[test]
    fn dates_and_counts_read_as_words() {
        let en = Texts::default();
        let points = msg("activity-unit-points");
        assert_eq!(short_date("2026-12-04", en), "4 Dec");
        assert_eq!(short_date("2026-01-31", en), "31 Jan");
        assert_eq!(short_date("soon", en), "soon");
        assert_eq!(count(1, points, en), "1 point");
        assert_eq!(count(12_500, points, en), "12,500 points");
        let pl = Texts::new(portcullis_shared::dto::Language::Pl);
        assert_eq!(short_date("2026-12-04", pl), "4 gru");
        assert_eq!(count(3, points, pl), "3 punkty");
        assert_eq!(share(0, 10), 0.0);
        assert_eq!(share(1, 1000), 1.0, "a small value still shows");
        assert_eq!(share(5, 10), 50.0);
    }

    #[test]
    fn summaries_name_the_totals_and_the_busiest_day() {
        let dates: Vec<String> = ["2026-12-02", "2026-12-03", "2026-12-04"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            points_summary(&dates, &[0, 24, 8], 4, 3, Texts::default()),
            "32 points spent on 4 messages in the last 3 days. The most on 3 Dec: 24 points."
        );
        assert_eq!(
            points_summary(&dates, &[0, 0, 0], 0, 3, Texts::default()),
            "No points spent in the last 3 days."
        );
        assert_eq!(
            sign_ins_summary(&dates, &[1, 0, 2], &[0, 3, 1], 3, Texts::default()),
            "3 sign-ins succeeded and 4 failed in the last 3 days. The most failures on 3 Dec: 3."
        );
        assert_eq!(
            sign_ins_summary(&dates, &[1, 0, 0], &[0, 0, 0], 3, Texts::default()),
            "1 sign-in succeeded and 0 failed in the last 3 days. No failed sign-ins."
        );
        let refused = [
            ("Token disabled".to_owned(), 3),
            ("Token expired".to_owned(), 5),
        ];
        assert_eq!(
            list_summary(
                &refused,
                30,
                ListWords {
                    unit: msg("activity-unit-refused-calls"),
                    most: msg("activity-most-often"),
                    nothing: msg("activity-no-refused-calls"),
                },
                Texts::default()
            ),
            "8 refused calls in the last 30 days. Most often: Token expired, 5 refused calls."
        );
        assert_eq!(
            list_summary(
                &[],
                1,
                ListWords {
                    unit: msg("activity-unit-messages"),
                    most: msg("activity-most-sent-to"),
                    nothing: msg("activity-no-messages-sent"),
                },
                Texts::default()
            ),
            "No messages sent today."
        );
    }
}
