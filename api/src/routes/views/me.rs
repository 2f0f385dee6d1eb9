//! The signed-in login as `GET /api/v1/me` (and every answer that opens or
//! changes a session) shows it: the account, the session and what it may do.

use portcullis_shared::dto::{AccessDto, AccountDto, CurrentSessionDto, MeResponse};
use portcullis_shared::vocabulary::Role;

use crate::{
    db::accounts::AccountRow,
    services::{rfc3339, sessions::portal_session::PortalSession},
};

/// The account as its owner sees it.
impl From<&AccountRow> for AccountDto {
    fn from(row: &AccountRow) -> Self {
        Self {
            id: row.id.clone(),
            email: row.email.clone(),
            phone: row.phone.clone(),
            country: row.country.clone(),
            points_balance: row.points_balance,
            created_at: rfc3339(row.created_at),
        }
    }
}

/// What the login may do: everything for the owner, the grants for a subuser.
fn access(session: &PortalSession) -> AccessDto {
    match &session.subuser {
        None => AccessDto::owner(&session.account.id),
        Some(subuser) => AccessDto {
            role: Role::Subuser,
            account_id: subuser.owner_id.clone(),
            portal: subuser.portal.clone(),
            scopes: subuser.scopes.clone(),
            senders: subuser.sender_names.clone(),
        },
    }
}

impl From<&PortalSession> for MeResponse {
    fn from(session: &PortalSession) -> Self {
        let mut account = AccountDto::from(&session.account);
        // A subuser spends the company's points, not their own row's.
        if let Some(balance) = session.company_points_balance {
            account.points_balance = balance;
        }
        Self {
            account,
            session: CurrentSessionDto {
                csrf_token: session.token.csrf_token(),
                created_at: rfc3339(session.session.created_at),
                expires_at: rfc3339(session.session.expires_at),
                idle_timeout_secs: session.session.idle_timeout_secs,
                password_change_required: session.session.password_change_required,
                two_factor_setup_required: session.two_factor_setup_required,
            },
            access: access(session),
            language: session.language,
        }
    }
}
