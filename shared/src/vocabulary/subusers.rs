//! The parts of the portal a login may use, who it is, and when a subuser may send.

use serde::{Deserialize, Serialize};

/// A part of the portal a subuser may be allowed to use. The owner has all of
/// them; managing subusers and account-wide settings (allowlists, country
/// filter, policies) is the owner's alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PortalPermission {
    /// Send messages from the portal and see the messages they sent.
    #[serde(rename = "sms")]
    Sms,
    /// Read and change contacts and groups (only the granted groups).
    #[serde(rename = "contacts")]
    Contacts,
    /// Read contacts and groups (only the granted groups).
    #[serde(rename = "contacts:read")]
    ContactsRead,
    /// See the granted sender names.
    #[serde(rename = "senders")]
    Senders,
    /// Make their own API tokens and OAuth clients, never beyond their API scopes.
    #[serde(rename = "tokens")]
    Tokens,
    /// See their own entries of the security log.
    #[serde(rename = "security_log")]
    SecurityLog,
}

impl PortalPermission {
    /// Every portal permission, in display order.
    pub const ALL: [PortalPermission; 6] = [
        PortalPermission::Sms,
        PortalPermission::Contacts,
        PortalPermission::ContactsRead,
        PortalPermission::Senders,
        PortalPermission::Tokens,
        PortalPermission::SecurityLog,
    ];

    /// The wire name (also the `permission` of a `permission_denied` problem).
    pub fn as_str(self) -> &'static str {
        match self {
            PortalPermission::Sms => "sms",
            PortalPermission::Contacts => "contacts",
            PortalPermission::ContactsRead => "contacts:read",
            PortalPermission::Senders => "senders",
            PortalPermission::Tokens => "tokens",
            PortalPermission::SecurityLog => "security_log",
        }
    }

    /// Parses a wire name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == name)
    }

    /// A plain-language description for the subuser form.
    pub fn description(self) -> &'static str {
        match self {
            PortalPermission::Sms => "Send text messages and see the messages they sent.",
            PortalPermission::Contacts => "Read and change contacts in the groups below.",
            PortalPermission::ContactsRead => "Read contacts in the groups below.",
            PortalPermission::Senders => "See the sender names below.",
            PortalPermission::Tokens => "Make their own API tokens, within their API scopes.",
            PortalPermission::SecurityLog => "See their own security log.",
        }
    }

    /// True when holding `self` allows what `needed` allows (`contacts` covers `contacts:read`).
    pub fn covers(self, needed: PortalPermission) -> bool {
        self == needed
            || (self == PortalPermission::Contacts && needed == PortalPermission::ContactsRead)
    }
}

/// Whether the signed-in login is the account's owner or one of its subusers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The account's owner: may do everything.
    #[default]
    Owner,
    /// A subuser: may do what `portal` and `scopes` allow.
    Subuser,
}

/// A day of the week, for sending windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    /// Monday first.
    pub const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    /// The wire name (`mon` … `sun`).
    pub fn as_str(self) -> &'static str {
        match self {
            Weekday::Mon => "mon",
            Weekday::Tue => "tue",
            Weekday::Wed => "wed",
            Weekday::Thu => "thu",
            Weekday::Fri => "fri",
            Weekday::Sat => "sat",
            Weekday::Sun => "sun",
        }
    }
}

/// Where a subuser is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SubuserStatus {
    /// Invited; has not set a password yet.
    Invited,
    /// Can sign in.
    Active,
    /// Disabled by the owner: cannot sign in, sessions ended, tokens refused.
    Disabled,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_names_round_trip_through_serde_and_parse() {
        for permission in PortalPermission::ALL {
            let json = serde_json::to_string(&permission).unwrap();
            assert_eq!(json, format!("\"{}\"", permission.as_str()));
            assert_eq!(
                PortalPermission::parse(permission.as_str()),
                Some(permission)
            );
        }
        assert_eq!(PortalPermission::parse("subusers"), None);
        assert!(PortalPermission::Contacts.covers(PortalPermission::ContactsRead));
        assert!(!PortalPermission::ContactsRead.covers(PortalPermission::Contacts));
    }
}
