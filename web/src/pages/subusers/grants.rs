//! What a subuser may do, as the form edits it, and the request it makes.

use crate::i18n::Texts;
use std::collections::BTreeSet;

use portcullis_shared::dto::{PortalPermission, SendingWindowDto, SubuserGrantsDto, Weekday};
use portcullis_shared::problem::FieldError;
use portcullis_shared::scope::Scope;
use portcullis_shared::validate::codes;

pub use crate::components::{weekday_label, TIME_ZONES};

/// The zone a new sending window starts in when the browser's own is not offered.
pub const DEFAULT_TIME_ZONE: &str = "Europe/Warsaw";

/// The grants as the form holds them: sets of ticked boxes and the text of each field.
#[derive(Debug, Clone, PartialEq)]
pub struct GrantsDraft {
    pub portal: BTreeSet<String>,
    pub scopes: BTreeSet<Scope>,
    pub senders: BTreeSet<String>,
    pub contact_groups: BTreeSet<String>,
    /// Sending is limited to a window (the fields below apply).
    pub window_on: bool,
    pub days: BTreeSet<String>,
    pub start: String,
    pub end: String,
    pub time_zone: String,
    /// The monthly points limit as typed; empty for none.
    pub points_limit: String,
}

impl GrantsDraft {
    /// A new subuser's: nothing granted; a window, once switched on, of working hours
    /// on weekdays in `time_zone`.
    pub fn new(time_zone: &str) -> Self {
        Self {
            portal: BTreeSet::new(),
            scopes: BTreeSet::new(),
            senders: BTreeSet::new(),
            contact_groups: BTreeSet::new(),
            window_on: false,
            days: Weekday::ALL[..5]
                .iter()
                .map(|day| day.as_str().to_owned())
                .collect(),
            start: "08:00".into(),
            end: "18:00".into(),
            time_zone: time_zone.to_owned(),
            points_limit: String::new(),
        }
    }

    /// An existing subuser's grants, to edit.
    pub fn from_dto(grants: &SubuserGrantsDto, default_time_zone: &str) -> Self {
        let mut draft = Self::new(default_time_zone);
        draft.portal = grants
            .portal
            .iter()
            .map(|p| p.as_str().to_owned())
            .collect();
        draft.scopes = grants.scopes.iter().copied().collect();
        draft.senders = grants.senders.iter().cloned().collect();
        draft.contact_groups = grants.contact_groups.iter().cloned().collect();
        if let Some(window) = &grants.sending_window {
            draft.window_on = true;
            draft.days = window.days.iter().map(|d| d.as_str().to_owned()).collect();
            draft.start = window.start.clone();
            draft.end = window.end.clone();
            draft.time_zone = window.time_zone.clone();
        }
        draft.points_limit = grants
            .monthly_points_limit
            .map(|limit| limit.to_string())
            .unwrap_or_default();
        draft
    }

    /// The grants to send, or what to fix first (fields named as in the request,
    /// under `grants.`). The API checks everything again.
    pub fn to_dto(&self) -> Result<SubuserGrantsDto, Vec<FieldError>> {
        let texts = Texts::current();
        let mut errors = Vec::new();
        let sending_window = if self.window_on {
            let days: Vec<Weekday> = Weekday::ALL
                .into_iter()
                .filter(|day| self.days.contains(day.as_str()))
                .collect();
            if days.is_empty() {
                errors.push(FieldError::new(
                    "grants.sending_window.days",
                    codes::REQUIRED,
                    texts.t("credentials-policy-days-required"),
                ));
            }
            let start = minutes(&self.start);
            let end = minutes(&self.end).or_else(|| (self.end == "24:00").then_some(24 * 60));
            if start.is_none() {
                errors.push(FieldError::new(
                    "grants.sending_window.start",
                    codes::INVALID_TIME,
                    texts.t("subusers-start-invalid"),
                ));
            }
            match (start, end) {
                (_, None) => errors.push(FieldError::new(
                    "grants.sending_window.end",
                    codes::INVALID_TIME,
                    texts.t("subusers-end-invalid"),
                )),
                (Some(start), Some(end)) if end <= start => errors.push(FieldError::new(
                    "grants.sending_window.end",
                    codes::END_BEFORE_START,
                    texts.t("subusers-end-before-start"),
                )),
                _ => {}
            }
            Some(SendingWindowDto {
                days,
                start: self.start.clone(),
                end: self.end.clone(),
                time_zone: self.time_zone.clone(),
            })
        } else {
            None
        };
        let limit = self.points_limit.trim();
        let monthly_points_limit = if limit.is_empty() {
            None
        } else {
            match limit.parse::<i64>() {
                Ok(points) if points >= 0 => Some(points),
                _ => {
                    errors.push(FieldError::new(
                        "grants.monthly_points_limit",
                        codes::NEGATIVE,
                        texts.t("subusers-limit-invalid"),
                    ));
                    None
                }
            }
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(SubuserGrantsDto {
            portal: PortalPermission::ALL
                .into_iter()
                .filter(|p| self.portal.contains(p.as_str()))
                .collect(),
            scopes: self.scopes.iter().copied().collect(),
            senders: self.senders.iter().cloned().collect(),
            contact_groups: self.contact_groups.iter().cloned().collect(),
            sending_window,
            monthly_points_limit,
        })
    }
}

/// `HH:MM` (00:00 to 23:59) as minutes after midnight.
fn minutes(time: &str) -> Option<u32> {
    let (hours, mins) = time.split_once(':')?;
    if hours.len() != 2 || mins.len() != 2 {
        return None;
    }
    let (hours, mins): (u32, u32) = (hours.parse().ok()?, mins.parse().ok()?);
    (hours < 24 && mins < 60).then_some(hours * 60 + mins)
}

/// A sending window in a line, in the words of `texts`: `Mon–Fri 08:00–18:00 (Europe/Warsaw)`.
pub fn window_summary(window: &SendingWindowDto, texts: Texts) -> String {
    let days: Vec<String> = window
        .days
        .iter()
        .map(|d| weekday_label(*d, texts))
        .collect();
    let weekdays = Weekday::ALL[..5].to_vec();
    let days = if window.days == weekdays {
        texts.t("window-mon-fri")
    } else if window.days == Weekday::ALL.to_vec() {
        texts.t("window-every-day")
    } else {
        days.join(", ")
    };
    format!(
        "{days} {}–{} ({})",
        window.start, window.end, window.time_zone
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn an_untouched_draft_grants_nothing_and_sends_at_any_time() {
        let grants = GrantsDraft::new("UTC").to_dto().unwrap();
        assert_eq!(grants, SubuserGrantsDto::default());
    }

    #[test]
    fn ticked_boxes_and_fields_become_the_grants_in_a_stable_order() {
        let mut draft = GrantsDraft::new("Europe/Warsaw");
        draft.portal = ["security_log", "sms"].map(String::from).into();
        draft.scopes = [Scope::Sms].into();
        draft.senders = ["ACME".to_owned()].into();
        draft.contact_groups = ["grp_1".to_owned()].into();
        draft.window_on = true;
        draft.days = ["sat", "mon"].map(String::from).into();
        draft.points_limit = " 500 ".into();
        let grants = draft.to_dto().unwrap();
        assert_eq!(
            grants.portal,
            [PortalPermission::Sms, PortalPermission::SecurityLog]
        );
        assert_eq!(grants.scopes, [Scope::Sms]);
        assert_eq!(grants.senders, ["ACME"]);
        assert_eq!(grants.contact_groups, ["grp_1"]);
        assert_eq!(
            grants.sending_window,
            Some(SendingWindowDto {
                days: vec![Weekday::Mon, Weekday::Sat],
                start: "08:00".into(),
                end: "18:00".into(),
                time_zone: "Europe/Warsaw".into(),
            })
        );
        assert_eq!(grants.monthly_points_limit, Some(500));
        // And back: the edit form opens with what was saved.
        let again = GrantsDraft::from_dto(&grants, "UTC");
        assert_eq!(again.to_dto().unwrap(), grants);
        assert_eq!(again.points_limit, "500");
        assert!(again.window_on);
    }

    #[test]
    fn a_window_needs_days_and_an_end_after_its_start() {
        let mut draft = GrantsDraft::new("UTC");
        draft.window_on = true;
        draft.days.clear();
        draft.start = "18:00".into();
        draft.end = "08:00".into();
        let errors = draft.to_dto().unwrap_err();
        assert_eq!(
            fields(&errors),
            ["grants.sending_window.days", "grants.sending_window.end"]
        );
        draft.days.insert("mon".into());
        draft.start = "8am".into();
        draft.end = "24:00".into();
        assert_eq!(
            fields(&draft.to_dto().unwrap_err()),
            ["grants.sending_window.start"]
        );
        draft.start = "00:00".into();
        assert_eq!(draft.to_dto().unwrap().sending_window.unwrap().end, "24:00");
        // Switched off, the window's fields no longer matter.
        draft.window_on = false;
        draft.start = "nonsense".into();
        assert_eq!(draft.to_dto().unwrap().sending_window, None);
    }

    #[test]
    fn the_points_limit_is_a_whole_number_or_nothing() {
        let mut draft = GrantsDraft::new("UTC");
        for bad in ["-1", "1.5", "ten"] {
            draft.points_limit = bad.into();
            assert_eq!(
                fields(&draft.to_dto().unwrap_err()),
                ["grants.monthly_points_limit"],
                "{bad}"
            );
        }
        draft.points_limit = "0".into();
        assert_eq!(draft.to_dto().unwrap().monthly_points_limit, Some(0));
    }

    #[test]
    fn windows_read_in_one_line() {
        let window = SendingWindowDto {
            days: Weekday::ALL[..5].to_vec(),
            start: "08:00".into(),
            end: "18:00".into(),
            time_zone: "Europe/Warsaw".into(),
        };
        assert_eq!(
            window_summary(&window, Texts::default()),
            "Mon–Fri 08:00–18:00 (Europe/Warsaw)"
        );
        let weekend = SendingWindowDto {
            days: vec![Weekday::Sat, Weekday::Sun],
            ..window
        };
        assert_eq!(
            window_summary(&weekend, Texts::default()),
            "Sat, Sun 08:00–18:00 (Europe/Warsaw)"
        );
    }

    #[test]
    fn every_offered_time_zone_is_named_once() {
        let names: BTreeSet<&str> = TIME_ZONES.iter().map(|(zone, _)| *zone).collect();
        assert_eq!(names.len(), TIME_ZONES.len());
        assert!(names.contains(DEFAULT_TIME_ZONE));
    }
}
