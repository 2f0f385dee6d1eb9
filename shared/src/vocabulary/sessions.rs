//! How sign-ins end, and the inactivity timeouts an account may choose.

use serde::{Deserialize, Serialize};

/// The inactivity timeouts an account may choose, in seconds: 15 and 30 minutes, 1, 2, 4 and 8 hours.
pub const SESSION_TIMEOUT_CHOICES_SECS: [i64; 6] = [900, 1800, 3600, 7200, 14_400, 28_800];

/// How a sign-in attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LoginOutcome {
    /// Signed in.
    Succeeded,
    /// The password was wrong.
    WrongPassword,
    /// The second factor (e.g. the SMS code) was wrong or not given in time.
    SecondFactorFailed,
    /// The new-device check was not passed.
    NewDeviceFailed,
    /// The address is not on the account's portal IP allowlist.
    IpBlocked,
    /// Sign-in was locked after repeated failures.
    Locked,
    /// A failure this client version does not know yet.
    #[serde(other)]
    Unknown,
}

impl LoginOutcome {
    /// Every outcome a server of this version records.
    pub const ALL: [LoginOutcome; 6] = [
        Self::Succeeded,
        Self::WrongPassword,
        Self::SecondFactorFailed,
        Self::NewDeviceFailed,
        Self::IpBlocked,
        Self::Locked,
    ];

    /// The stable snake_case name, as sent (and, for failures, the security log's `reason`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Succeeded => "succeeded",
            Self::WrongPassword => "wrong_password",
            Self::SecondFactorFailed => "second_factor_failed",
            Self::NewDeviceFailed => "new_device_failed",
            Self::IpBlocked => "ip_blocked",
            Self::Locked => "locked",
            Self::Unknown => "unknown",
        }
    }

    /// The outcome with this stable name; unknown names are [`LoginOutcome::Unknown`].
    pub fn parse(name: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|outcome| outcome.as_str() == name)
            .unwrap_or(Self::Unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_use_the_security_logs_reasons() {
        for outcome in LoginOutcome::ALL {
            assert_eq!(LoginOutcome::parse(outcome.as_str()), outcome);
            let json = serde_json::to_string(&outcome).unwrap();
            assert_eq!(json, format!("\"{}\"", outcome.as_str()));
        }
        assert_eq!(LoginOutcome::parse("sunspots"), LoginOutcome::Unknown);
        let unknown: LoginOutcome = serde_json::from_str("\"sunspots\"").unwrap();
        assert_eq!(unknown, LoginOutcome::Unknown);
    }
}
