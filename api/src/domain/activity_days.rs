use portcullis_shared::dto::{DEFAULT_ACTIVITY_DAYS, MAX_ACTIVITY_DAYS, MIN_ACTIVITY_DAYS};
use portcullis_shared::{problem::FieldError, validate::codes};

/// How many days of activity to count, today (UTC) included: 1 to 90.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActivityDays(u32);

impl ActivityDays {
    /// The query's `days`, the default when absent; anything but a whole number from
    /// 1 to 90 is refused, naming `days`.
    pub fn parse(raw: Option<&str>) -> Result<Self, FieldError> {
        let Some(raw) = raw else {
            return Ok(Self(DEFAULT_ACTIVITY_DAYS));
        };
        match raw.trim().parse::<u32>() {
            Ok(days) if (MIN_ACTIVITY_DAYS..=MAX_ACTIVITY_DAYS).contains(&days) => Ok(Self(days)),
            _ => Err(FieldError::new(
                "days",
                codes::OUT_OF_RANGE,
                format!(
                    "`days` must be a whole number from {MIN_ACTIVITY_DAYS} to {MAX_ACTIVITY_DAYS}."
                ),
            )),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_one_to_ninety_and_thirty_by_default() {
        assert_eq!(ActivityDays::parse(None).unwrap().get(), 30);
        assert_eq!(ActivityDays::parse(Some("1")).unwrap().get(), 1);
        assert_eq!(ActivityDays::parse(Some("90")).unwrap().get(), 90);
        for bad in ["0", "91", "-3", "7.5", "week", ""] {
            let error = ActivityDays::parse(Some(bad)).unwrap_err();
            assert_eq!(
                (error.field.as_str(), error.code.as_str()),
                ("days", "out_of_range"),
                "{bad}"
            );
        }
    }
}
