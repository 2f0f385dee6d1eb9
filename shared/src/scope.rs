//! What an API token may do. Names follow SMSAPI's where they exist.

use serde::{Deserialize, Serialize};

/// One permission an API token can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Scope {
    /// Send SMS and read sent messages.
    #[serde(rename = "sms")]
    Sms,
    /// List, request and delete sender names.
    #[serde(rename = "sms_sender")]
    SmsSender,
    /// Read and write contacts and groups.
    #[serde(rename = "contacts")]
    Contacts,
    /// Read contacts and groups.
    #[serde(rename = "contacts:read")]
    ContactsRead,
    /// Read the account profile and points balance.
    #[serde(rename = "profile")]
    Profile,
    /// Send and verify one-time codes for your own users (SMS Authenticator).
    #[serde(rename = "authenticator")]
    Authenticator,
}

impl Scope {
    /// Every scope, in display order.
    pub const ALL: [Scope; 6] = [
        Scope::Sms,
        Scope::SmsSender,
        Scope::Contacts,
        Scope::ContactsRead,
        Scope::Profile,
        Scope::Authenticator,
    ];

    /// The scope's wire name, as in OAuth2 `scope` strings.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Sms => "sms",
            Scope::SmsSender => "sms_sender",
            Scope::Contacts => "contacts",
            Scope::ContactsRead => "contacts:read",
            Scope::Profile => "profile",
            Scope::Authenticator => "authenticator",
        }
    }

    /// Parses a wire name.
    pub fn parse(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// A plain-language description for the token form.
    pub fn description(self) -> &'static str {
        match self {
            Scope::Sms => "Send text messages and read the messages you sent.",
            Scope::SmsSender => "See, request and remove sender names.",
            Scope::Contacts => "Read and change your contacts and groups.",
            Scope::ContactsRead => "Read your contacts and groups, without changing them.",
            Scope::Profile => "See your account details and points balance.",
            Scope::Authenticator => "Send and check one-time codes for your own users' logins.",
        }
    }

    /// True when holding `self` allows what `needed` allows (`contacts` covers `contacts:read`).
    pub fn covers(self, needed: Scope) -> bool {
        self == needed || (self == Scope::Contacts && needed == Scope::ContactsRead)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_serde_and_parse() {
        for scope in Scope::ALL {
            assert_eq!(Scope::parse(scope.as_str()), Some(scope));
            let json = serde_json::to_string(&scope).unwrap();
            assert_eq!(json, format!("\"{}\"", scope.as_str()));
            assert!(!scope.description().is_empty());
        }
        assert_eq!(Scope::parse("admin"), None);
        assert!(Scope::Contacts.covers(Scope::ContactsRead));
        assert!(!Scope::ContactsRead.covers(Scope::Contacts));
    }
}
