//! Who may do what, decided in one place. A handler names the
//! [`Capability`] it needs; [`decide`] checks it against the caller — a
//! portal session or a bearer token — using the one table in
//! `portcullis_shared::capability`, and the caller gets a [`Principal`] only
//! when it is allowed. Whatever the credential, lacking the capability is
//! `permission_denied`, naming what is missing.

use crate::domain::TokenRefusal;
use std::sync::Arc;

use portcullis_shared::capability::{Capability, PortalGrant, Restriction};

use crate::error::{ApiError, ApiResult};
use crate::services::{
    audit::refused_calls::Credential, sessions::portal_session::PortalSession,
    subusers::SubuserAccess, tokens::api_access::ApiCallerInfo, tokens::policies::CredentialPolicy,
};

/// Who asks.
#[derive(Debug, Clone, Copy)]
pub enum Login<'a> {
    /// A portal session (cookie + CSRF).
    Session(&'a PortalSession),
    /// A bearer token that passed every rule but the capability's.
    Token(&'a ApiCallerInfo),
}

/// What a session may still do is limited until its login acts.
pub fn restriction(session: &PortalSession) -> Option<Restriction> {
    if session.session.password_change_required {
        Some(Restriction::PasswordChangeDue)
    } else if session.two_factor_setup_required {
        Some(Restriction::TwoFactorSetupDue)
    } else {
        None
    }
}

/// The one decision: may `login` use `capability`?
///
/// A token lacking the scope itself is refused with
/// [`TokenRefusal::InsufficientScope`], which answers `permission_denied` too
/// but also carries the RFC 6750 challenge and is counted for the security log.
pub fn decide(login: Login<'_>, capability: Capability) -> ApiResult<()> {
    let rule = capability.rule();
    match login {
        Login::Session(session) => {
            if let Some(restricted) = restriction(session) {
                if !capability.allowed_while(restricted) {
                    return Err(match restricted {
                        Restriction::PasswordChangeDue => ApiError::PasswordChangeRequired,
                        Restriction::TwoFactorSetupDue => ApiError::TwoFactorSetupRequired,
                    });
                }
            }
            if rule.portal == PortalGrant::TokenOnly {
                return Err(wrong_credential(capability, "a portal session"));
            }
            let grants = session.subuser.as_deref().map(|s| s.portal.as_slice());
            capability.check_login(grants).map_err(denied)
        }
        Login::Token(token) => {
            let Some(scope) = rule.scope else {
                return Err(wrong_credential(capability, "a bearer token"));
            };
            if !token.scopes.iter().any(|s| s.covers(scope)) {
                return Err(ApiError::TokenRefused(TokenRefusal::InsufficientScope(
                    scope,
                )));
            }
            let Some(subuser) = token.subuser.as_deref() else {
                return Ok(());
            };
            // A subuser's token may use only what the subuser may still do.
            if !subuser.has_scope(scope) {
                return Err(denied(scope.as_str()));
            }
            match rule.owner_only {
                Some(part) => Err(denied(part.as_str())),
                None => Ok(()),
            }
        }
    }
}

fn denied(missing: &str) -> ApiError {
    ApiError::PermissionDenied(missing.to_owned())
}

/// A handler asked for a capability its credential can never have: a bug of
/// ours, not the caller's.
fn wrong_credential(capability: Capability, credential: &str) -> ApiError {
    ApiError::internal(anyhow::anyhow!(
        "{capability:?} was required of {credential}, which cannot hold it"
    ))
}

/// The company account a request acts for, the login behind it and its grants.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The owner's account id: messages, contacts, senders and points are keyed by it.
    pub tenant_id: String,
    /// The owner's or the subuser's own id.
    pub login_id: String,
    /// What a subuser may use; none for the owner.
    pub subuser: Option<Arc<SubuserAccess>>,
    /// The API token used, if any.
    pub token_id: Option<String>,
    /// The portal token or OAuth client of a bearer call; none for a portal session.
    pub credential: Option<Credential>,
    /// The policy of that token or client, if it has one.
    pub policy: Option<Arc<CredentialPolicy>>,
    /// The caller's address, for bearer calls (their refusals are logged with it).
    pub ip: Option<std::net::IpAddr>,
}

impl Principal {
    /// The principal of `login`, once [`decide`] allowed it.
    pub fn of(login: Login<'_>) -> Self {
        match login {
            Login::Session(session) => Self {
                tenant_id: session.tenant_id().to_owned(),
                login_id: session.account.id.clone(),
                subuser: session.subuser.clone(),
                token_id: None,
                credential: None,
                policy: None,
                ip: None,
            },
            Login::Token(info) => Self {
                tenant_id: info.account_id.clone(),
                login_id: info.login_id().to_owned(),
                subuser: info.subuser.clone(),
                token_id: Some(info.token_id.clone()),
                credential: Some(info.credential.clone()),
                policy: info.policy.clone(),
                ip: Some(info.ip),
            },
        }
    }

    /// The principal of a bearer-token call the capability check let through.
    pub fn of_token(info: &ApiCallerInfo) -> Self {
        Self::of(Login::Token(info))
    }

    /// The subuser who acts, if it is not the owner.
    pub fn sent_by(&self) -> Option<&str> {
        self.subuser.as_ref().map(|s| s.id.as_str())
    }

    /// The contact groups the login may see; `None`: every group (the owner).
    pub fn visible_groups(&self) -> Option<&[String]> {
        self.subuser.as_ref().map(|s| s.group_ids.as_slice())
    }

    /// Who sends, for idempotency keys: the login and what it sent with (a
    /// portal token, an OAuth client — whichever of its tokens — or a portal
    /// session). Two senders never share a key.
    pub fn sender_key(&self) -> String {
        match &self.credential {
            None => format!("{} session", self.login_id),
            Some(Credential::Token(id)) => format!("{} token:{id}", self.login_id),
            Some(Credential::Client(id)) => format!("{} client:{id}", self.login_id),
        }
    }

    /// True when the login may see and change a token or client made by
    /// `created_by`: the owner all of the company's, a subuser their own.
    pub fn may_manage(&self, created_by: Option<&str>) -> bool {
        match self.sent_by() {
            None => true,
            Some(me) => created_by == Some(me),
        }
    }
}

/// Whose activity a login's charts count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActivityView {
    /// The owner: the whole company, every subuser included.
    Company { account_id: String },
    /// A subuser: only what they did themselves (their messages, sign-ins and the
    /// refused calls of the tokens and clients they made).
    Own {
        account_id: String,
        subuser_id: String,
    },
}

/// The one rule for the activity charts: the owner sees the company's, a subuser
/// only their own, whatever permissions they hold.
pub fn activity_view(principal: &Principal) -> ActivityView {
    match principal.sent_by() {
        None => ActivityView::Company {
            account_id: principal.tenant_id.clone(),
        },
        Some(subuser) => ActivityView::Own {
            account_id: principal.tenant_id.clone(),
            subuser_id: subuser.to_owned(),
        },
    }
}
