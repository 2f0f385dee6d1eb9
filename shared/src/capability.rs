//! Who may do what: the one table of capabilities, read by the API's access
//! decision and by the portal's route guard and navigation.
//!
//! A capability is what a caller wants to do. Its [`Rule`] says which token
//! scope opens it to an integrator, which portal permission opens it to a
//! subuser's session, whether it is the account owner's alone, and whether a
//! restricted session (password change due, two-factor set-up required) may
//! still use it.

use crate::{scope::Scope, vocabulary::PortalPermission};

/// Something a caller wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Capability {
    /// Send text messages and read the messages sent.
    SendSms,
    /// Read contacts and groups.
    ReadContacts,
    /// Create, change and import contacts.
    ManageContacts,
    /// Create, rename and delete contact groups.
    ManageContactGroups,
    /// List the sender names one may send from.
    ReadSenders,
    /// Request and delete sender names.
    ManageSenders,
    /// Read the account profile and points balance.
    ReadProfile,
    /// Send and verify one-time codes for one's own users (SMS Authenticator).
    UseAuthenticator,
    /// Make, change and delete one's API tokens and OAuth clients.
    ManageTokens,
    /// Read the security log (a subuser: their own entries).
    ReadSecurityLog,
    /// Change account-wide settings: policies, API allowlist, country filter, limits.
    ManageAccountSettings,
    /// Create, change and delete subusers.
    ManageSubusers,
    /// Read who is signed in and what they may do (`GET /api/v1/me`).
    ReadMe,
    /// End the current session.
    SignOut,
    /// Change one's own password.
    ChangePassword,
    /// Set up, use and turn off one's own two-factor sign-in.
    ManageTwoFactor,
    /// See and end one's sessions, trusted devices and sign-in history; choose the timeout.
    ManageSessions,
    /// Keep one's own portal IP allowlist.
    ManagePortalAllowlist,
    /// Read account settings every login lives by (password policy, country filter).
    ReadAccountSettings,
    /// Read the activity charts' counts: a subuser their own, the owner the account's.
    ReadActivity,
    /// Choose one's own language (of the portal and of the mail sent to one).
    ChooseLanguage,
}

/// What a subuser's session needs for a capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortalGrant {
    /// Every signed-in login: it concerns the login itself.
    AnyLogin,
    /// A subuser needs one of these portal permissions; a refusal names the first.
    AnyOf(&'static [PortalPermission]),
    /// No portal session may use it (integrator endpoints).
    TokenOnly,
}

/// The part of the portal an owner-only capability belongs to, named in the refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerPart {
    /// Account-wide settings.
    Settings,
    /// Managing subusers.
    Subusers,
}

impl OwnerPart {
    /// The `permission` a `permission_denied` problem names.
    pub fn as_str(self) -> &'static str {
        match self {
            OwnerPart::Settings => "settings",
            OwnerPart::Subusers => "subusers",
        }
    }
}

/// Why a portal session may do only a few things until its login acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restriction {
    /// The password is older than the account's rotation policy allows.
    PasswordChangeDue,
    /// The owner requires two-factor sign-in and this login has not set it up.
    TwoFactorSetupDue,
}

/// The rule of one capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The scope a bearer token needs; `None`: tokens may not use it.
    pub scope: Option<Scope>,
    /// What a subuser's session needs.
    pub portal: PortalGrant,
    /// The owner's alone (also for a subuser's tokens), after `portal` is met.
    pub owner_only: Option<OwnerPart>,
    /// The restrictions under which a session may still use it.
    pub while_restricted: &'static [Restriction],
}

use PortalPermission as P;
use Restriction::{PasswordChangeDue, TwoFactorSetupDue};

const fn rule(scope: Option<Scope>, portal: PortalGrant, owner_only: Option<OwnerPart>) -> Rule {
    Rule {
        scope,
        portal,
        owner_only,
        while_restricted: &[],
    }
}

const fn own(while_restricted: &'static [Restriction]) -> Rule {
    Rule {
        scope: None,
        portal: PortalGrant::AnyLogin,
        owner_only: None,
        while_restricted,
    }
}

const fn granted(scope: Scope, portal: &'static [PortalPermission]) -> Rule {
    rule(Some(scope), PortalGrant::AnyOf(portal), None)
}

impl Capability {
    /// Every capability.
    pub const ALL: [Capability; 21] = [
        Capability::SendSms,
        Capability::ReadContacts,
        Capability::ManageContacts,
        Capability::ManageContactGroups,
        Capability::ReadSenders,
        Capability::ManageSenders,
        Capability::ReadProfile,
        Capability::UseAuthenticator,
        Capability::ManageTokens,
        Capability::ReadSecurityLog,
        Capability::ManageAccountSettings,
        Capability::ManageSubusers,
        Capability::ReadMe,
        Capability::SignOut,
        Capability::ChangePassword,
        Capability::ManageTwoFactor,
        Capability::ManageSessions,
        Capability::ManagePortalAllowlist,
        Capability::ReadAccountSettings,
        Capability::ReadActivity,
        Capability::ChooseLanguage,
    ];

    /// The whole policy, one line a capability.
    pub const fn rule(self) -> Rule {
        use Capability as C;
        use OwnerPart::{Settings, Subusers};
        use PortalGrant::{AnyOf, TokenOnly};
        match self {
            C::SendSms => granted(Scope::Sms, &[P::Sms]),
            C::ReadContacts => granted(Scope::ContactsRead, &[P::ContactsRead]),
            C::ManageContacts => granted(Scope::Contacts, &[P::Contacts]),
            C::ManageContactGroups => {
                rule(Some(Scope::Contacts), AnyOf(&[P::Contacts]), Some(Settings))
            }
            // Whoever may send may see the names they may send from.
            C::ReadSenders => granted(Scope::SmsSender, &[P::Senders, P::Sms]),
            C::ManageSenders => rule(Some(Scope::SmsSender), AnyOf(&[P::Senders]), Some(Settings)),
            C::ReadProfile => rule(Some(Scope::Profile), TokenOnly, None),
            C::UseAuthenticator => rule(Some(Scope::Authenticator), TokenOnly, None),
            C::ManageTokens => rule(None, AnyOf(&[P::Tokens]), None),
            C::ReadSecurityLog => rule(None, AnyOf(&[P::SecurityLog]), None),
            C::ManageAccountSettings => rule(None, PortalGrant::AnyLogin, Some(Settings)),
            C::ManageSubusers => rule(None, PortalGrant::AnyLogin, Some(Subusers)),
            C::ReadMe | C::SignOut => own(&[PasswordChangeDue, TwoFactorSetupDue]),
            // Harmless, and a restricted login may need to read what it must fix.
            C::ChooseLanguage => own(&[PasswordChangeDue, TwoFactorSetupDue]),
            C::ChangePassword => own(&[PasswordChangeDue]),
            C::ManageTwoFactor => own(&[TwoFactorSetupDue]),
            C::ManageSessions | C::ManagePortalAllowlist | C::ReadAccountSettings => own(&[]),
            // Every login sees its own activity; what "own" covers is decided in the API.
            C::ReadActivity => own(&[]),
        }
    }

    /// The scope a bearer token needs; `None` for portal-only capabilities.
    pub fn scope(self) -> Option<Scope> {
        self.rule().scope
    }

    /// True when only the account's owner may use it.
    pub fn owner_only(self) -> bool {
        self.rule().owner_only.is_some()
    }

    /// True when a session under `restriction` may still use it.
    pub fn allowed_while(self, restriction: Restriction) -> bool {
        self.rule().while_restricted.contains(&restriction)
    }

    /// Whether a portal login may use it: `grants` are a subuser's portal
    /// permissions, `None` for the owner. A refusal names what is missing: the
    /// first portal permission, else the owner's part (the scope of an
    /// integrator-only capability, which no session may use).
    pub fn check_login(self, grants: Option<&[PortalPermission]>) -> Result<(), &'static str> {
        let rule = self.rule();
        if rule.portal == PortalGrant::TokenOnly {
            return Err(rule.scope.map_or("", Scope::as_str));
        }
        let Some(grants) = grants else {
            return Ok(());
        };
        if let PortalGrant::AnyOf(needed) = rule.portal {
            let held = needed
                .iter()
                .any(|need| grants.iter().any(|g| g.covers(*need)));
            if !held {
                return Err(needed.first().map_or("", |p| p.as_str()));
            }
        }
        match rule.owner_only {
            Some(part) => Err(part.as_str()),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_capability_is_for_tokens_or_sessions_or_both() {
        for capability in Capability::ALL {
            let rule = capability.rule();
            assert!(
                rule.scope.is_some() || rule.portal != PortalGrant::TokenOnly,
                "{capability:?} is open to no credential"
            );
            if let PortalGrant::AnyOf(needed) = rule.portal {
                assert!(!needed.is_empty(), "{capability:?}");
            }
        }
    }

    #[test]
    fn every_scope_and_portal_permission_opens_some_capability() {
        for scope in Scope::ALL {
            assert!(
                Capability::ALL.iter().any(|c| c.scope() == Some(scope)),
                "{scope:?}"
            );
        }
        for permission in PortalPermission::ALL {
            assert!(
                Capability::ALL.iter().any(|c| matches!(
                    c.rule().portal,
                    PortalGrant::AnyOf(needed) if needed.contains(&permission)
                )),
                "{permission:?}"
            );
        }
    }

    #[test]
    fn owner_only_capabilities_are_refused_to_every_subuser() {
        let everything = PortalPermission::ALL;
        for capability in Capability::ALL.into_iter().filter(|c| c.owner_only()) {
            assert_eq!(capability.check_login(None), Ok(()), "{capability:?}");
            assert!(
                capability.check_login(Some(&everything)).is_err(),
                "{capability:?}"
            );
        }
        assert_eq!(
            Capability::ManageSubusers.check_login(Some(&everything)),
            Err("subusers")
        );
        assert_eq!(
            Capability::ManageSenders.check_login(Some(&everything)),
            Err("settings")
        );
        // The missing grant is named before the owner's part.
        assert_eq!(
            Capability::ManageContactGroups.check_login(Some(&[P::ContactsRead])),
            Err("contacts")
        );
    }

    #[test]
    fn subusers_get_what_they_were_granted() {
        let sms_only = [P::Sms];
        assert_eq!(Capability::SendSms.check_login(Some(&sms_only)), Ok(()));
        assert_eq!(Capability::ReadSenders.check_login(Some(&sms_only)), Ok(()));
        assert_eq!(
            Capability::ReadSecurityLog.check_login(Some(&sms_only)),
            Err("security_log")
        );
        assert_eq!(
            Capability::ReadSenders.check_login(Some(&[])),
            Err("senders")
        );
        assert_eq!(
            Capability::ReadContacts.check_login(Some(&[P::Contacts])),
            Ok(()),
            "contacts covers contacts:read"
        );
        assert_eq!(Capability::ChangePassword.check_login(Some(&[])), Ok(()));
        assert!(
            Capability::ReadProfile.check_login(None).is_err(),
            "tokens only"
        );
    }

    #[test]
    fn restricted_sessions_may_only_fix_what_restricts_them() {
        let while_due = |r| {
            Capability::ALL
                .into_iter()
                .filter(|c| c.allowed_while(r))
                .collect::<Vec<_>>()
        };
        // Was `allowed_while_change_required`: me, logout and the password change
        // (and the language, which changes nothing else).
        assert_eq!(
            while_due(Restriction::PasswordChangeDue),
            [
                Capability::ReadMe,
                Capability::SignOut,
                Capability::ChangePassword,
                Capability::ChooseLanguage
            ]
        );
        // Was `allowed_while_two_factor_setup_required`: me, logout and the
        // two-factor set-up (and the language), not the account's two-factor policy.
        assert_eq!(
            while_due(Restriction::TwoFactorSetupDue),
            [
                Capability::ReadMe,
                Capability::SignOut,
                Capability::ManageTwoFactor,
                Capability::ChooseLanguage
            ]
        );
        assert!(!Capability::ManageAccountSettings.allowed_while(Restriction::TwoFactorSetupDue));
        assert!(!Capability::ManageTokens.allowed_while(Restriction::PasswordChangeDue));
        assert!(!Capability::ReadSecurityLog.allowed_while(Restriction::PasswordChangeDue));
    }
}
