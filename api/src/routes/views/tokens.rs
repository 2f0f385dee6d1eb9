//! API tokens and the API allowlist as the portal shows them.

use portcullis_shared::dto::{
    AllowlistEntryDto, CreatedTokenDto, CredentialPolicyDto, CredentialPolicyRequest,
    SendingWindowDto, TokenDto, TokenState,
};

use crate::services::subusers::RequestedWindow;
use crate::services::tokens::policies::{CredentialPolicy, PolicyChange};

use std::collections::BTreeMap;

use crate::services::{
    ip_allowlists::StoredEntry,
    rfc3339,
    tokens::api_tokens::{ApiAllowlistEntry, CreatedToken, Token, TokenStatus},
};

impl From<Token> for TokenDto {
    fn from(token: Token) -> Self {
        Self {
            id: token.id,
            name: token.name,
            scopes: token.scopes,
            hint: token.hint,
            state: match token.status {
                TokenStatus::Active => TokenState::Active,
                TokenStatus::Disabled => TokenState::Disabled,
                TokenStatus::Expired => TokenState::Expired,
            },
            created_at: rfc3339(token.created_at),
            expires_at: token.expires_at.map(rfc3339),
            last_used_at: token.last_used_at.map(rfc3339),
            last_used_ip: token.last_used_ip,
            ip_allowlist_expires_at: expiries(&token.ip_allowlist),
            ip_allowlist: values(&token.ip_allowlist),
            policy: token.policy.as_ref().map(CredentialPolicyDto::from),
        }
    }
}

/// A token's or client's list as the API shows it: the values…
pub fn values(entries: &[StoredEntry]) -> Vec<String> {
    entries.iter().map(|e| e.value.clone()).collect()
}

/// …and which of them expire, when.
pub fn expiries(entries: &[StoredEntry]) -> BTreeMap<String, String> {
    entries
        .iter()
        .filter_map(|e| Some((e.value.clone(), rfc3339(e.expires_at?))))
        .collect()
}

impl From<CreatedToken> for CreatedTokenDto {
    fn from(created: CreatedToken) -> Self {
        Self {
            token: created.token.into(),
            secret: created.secret,
        }
    }
}

impl From<ApiAllowlistEntry> for AllowlistEntryDto {
    fn from(entry: ApiAllowlistEntry) -> Self {
        Self {
            id: entry.id,
            value: entry.value,
            label: entry.label,
            created_at: rfc3339(entry.created_at),
            expires_at: entry.expires_at.map(rfc3339),
        }
    }
}

impl From<&CredentialPolicy> for CredentialPolicyDto {
    fn from(policy: &CredentialPolicy) -> Self {
        Self {
            countries: policy.countries.clone(),
            window: policy.window.as_ref().map(SendingWindowDto::from),
            daily_points_cap: policy.daily_points_cap,
            monthly_points_cap: policy.monthly_points_cap,
            requests_per_minute: policy.requests_per_minute,
            set_by_owner: policy.set_by_owner,
        }
    }
}

impl From<CredentialPolicyRequest> for PolicyChange {
    fn from(request: CredentialPolicyRequest) -> Self {
        Self {
            countries: request.countries,
            window: request.window.map(|window| {
                window.map(|w| RequestedWindow {
                    days: w.days,
                    start: w.start,
                    end: w.end,
                    time_zone: w.time_zone,
                })
            }),
            daily_points_cap: request.daily_points_cap,
            monthly_points_cap: request.monthly_points_cap,
            requests_per_minute: request.requests_per_minute,
        }
    }
}
