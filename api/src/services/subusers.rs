//! Subusers: logins under a company account with a subset of its permissions,
//! sender names and contact groups, sending hours and a monthly points limit.
//! The owner manages them here; what a subuser may do is [`SubuserAccess`],
//! loaded with each session and cached for tokens.

use chrono::{Duration as ChronoDuration, NaiveDateTime};
use portcullis_shared::vocabulary::{PortalPermission, SecurityEventKind, SubuserStatus};
use portcullis_shared::{problem::FieldError, scope::Scope, validate::codes};

use crate::domain::sending_window::parse_window;
pub use crate::domain::sending_window::{hhmm, RequestedWindow, SendingWindow};
use crate::services::{
    audit::security_log::{self, SecurityEvent},
    cache::cache_sync::{self, Change},
    delivery::i18n,
    now,
    sessions::portal_session::ClientContext,
    tokens::api_access::{parse_scopes, scope_string},
    AppState,
};
use crate::{
    db::{
        accounts::{self as account_rows, AccountRow, NewAccount},
        contacts as contact_rows, login_preferences as preference_rows,
        passwords::{self as password_rows, ResetTokenRow},
        senders as sender_rows, sessions as session_rows,
        subusers::{self as subuser_rows, GrantsRow},
        DbConnection,
    },
    domain::{new_account_id, Email, NewPassword, PhoneNumber, ResetToken},
    error::{ApiError, ApiResult},
};

/// How long an invitation link works.
pub const INVITATION_LIFETIME_DAYS: i64 = 7;

/// Why a subuser's sessions ended.
pub mod end_reasons {
    pub const DISABLED: &str = "subuser_disabled";
    pub const DELETED: &str = "subuser_deleted";
}

/// Purposes of password links (`password_reset_tokens.purpose`).
pub mod link_purposes {
    pub const INVITATION: &str = "invitation";
}

/// What a subuser may do and use, as storage has it now.
#[derive(Debug, Clone)]
pub struct SubuserAccess {
    pub id: String,
    pub owner_id: String,
    pub disabled: bool,
    pub portal: Vec<PortalPermission>,
    pub scopes: Vec<Scope>,
    /// Names of the granted sender names.
    pub sender_names: Vec<String>,
    pub group_ids: Vec<String>,
    pub window: Option<SendingWindow>,
    pub monthly_points_limit: Option<i64>,
}

impl SubuserAccess {
    pub fn has_scope(&self, needed: Scope) -> bool {
        self.scopes.iter().any(|s| s.covers(needed))
    }
}

fn parse_portal(stored: &str) -> Vec<PortalPermission> {
    stored
        .split_whitespace()
        .filter_map(PortalPermission::parse)
        .collect()
}

fn window_of(row: &GrantsRow) -> Option<SendingWindow> {
    SendingWindow::from_stored(
        row.window_days.as_deref(),
        row.window_start.as_deref(),
        row.window_end.as_deref(),
        row.window_time_zone.as_deref(),
    )
}

/// The access of `account` when it is a subuser (none for an owner).
pub fn load_access(
    conn: &mut DbConnection,
    account: &AccountRow,
) -> diesel::QueryResult<Option<SubuserAccess>> {
    let Some(owner_id) = account.parent_id.clone() else {
        return Ok(None);
    };
    let grants = subuser_rows::find_grants(conn, &account.id)?;
    let senders = subuser_rows::granted_senders(conn, &account.id)?;
    let group_ids = subuser_rows::granted_groups(conn, &account.id)?;
    Ok(Some(SubuserAccess {
        id: account.id.clone(),
        owner_id,
        disabled: account.disabled_at.is_some() || grants.is_none(),
        portal: grants
            .as_ref()
            .map(|g| parse_portal(&g.portal))
            .unwrap_or_default(),
        scopes: grants
            .as_ref()
            .map(|g| parse_scopes(&g.scopes))
            .unwrap_or_default(),
        sender_names: senders.into_iter().map(|(_, name, _)| name).collect(),
        group_ids,
        window: grants.as_ref().and_then(window_of),
        monthly_points_limit: grants.as_ref().and_then(|g| g.monthly_points_limit),
    }))
}

/// The access of the login with this id, if it is a subuser (for tokens it made).
pub fn load_access_by_id(
    conn: &mut DbConnection,
    id: &str,
) -> diesel::QueryResult<Option<SubuserAccess>> {
    match account_rows::find_by_id(conn, id)? {
        Some(account) => load_access(conn, &account),
        None => Ok(None),
    }
}

/// True when the owner requires two-factor sign-in and this subuser has none yet,
/// or the owner requires a phishing-resistant method and this login has no passkey.
pub fn two_factor_setup_required(
    conn: &mut DbConnection,
    account: &AccountRow,
    owner: Option<&AccountRow>,
) -> diesel::QueryResult<bool> {
    let required = account.is_subuser() && owner.is_some_and(|o| o.require_two_factor);
    let factors = super::two_factor::confirmed_factors(conn, &account.id)?;
    let passkeys_required =
        crate::db::passkeys::phishing_resistant_required(conn, account.tenant_id())?;
    Ok((required && !factors.any()) || (passkeys_required && !factors.passkeys))
}

/// The calendar month (UTC) of `at`, as usage rows key it.
pub fn month_of(at: NaiveDateTime) -> String {
    at.format("%Y-%m").to_string()
}

/// Grants asked for a subuser, not yet checked against the owner's account.
#[derive(Debug, Clone, Default)]
pub struct RequestedGrants {
    pub portal: Vec<PortalPermission>,
    pub scopes: Vec<Scope>,
    /// Sender names.
    pub senders: Vec<String>,
    /// Contact group ids.
    pub contact_groups: Vec<String>,
    pub sending_window: Option<RequestedWindow>,
    pub monthly_points_limit: Option<i64>,
}

/// A subuser asked for by the owner, not yet checked.
#[derive(Debug, Clone, Default)]
pub struct NewSubuser {
    pub email: String,
    /// None: an invitation e-mail lets them choose one.
    pub password: Option<String>,
    pub phone: Option<String>,
    pub grants: RequestedGrants,
}

/// A subuser's new grants and phone, not yet checked (both are replaced).
#[derive(Debug, Clone, Default)]
pub struct SubuserUpdate {
    pub phone: Option<String>,
    pub grants: RequestedGrants,
}

/// A subuser as the owner sees it.
#[derive(Debug, Clone)]
pub struct Subuser {
    pub id: String,
    pub email: String,
    pub phone: Option<String>,
    pub status: SubuserStatus,
    /// What they may do and use (nothing when their grants are gone).
    pub access: SubuserAccess,
    pub points_used_this_month: i64,
    pub two_factor_enabled: bool,
    pub last_login_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// Grants that passed every check, with sender names resolved to ids.
struct ParsedGrants {
    row: GrantsRow,
    sender_ids: Vec<String>,
    group_ids: Vec<String>,
}

/// Checks every grant against the owner's account; field names are prefixed `grants.`.
fn parse_grants(
    conn: &mut DbConnection,
    owner_id: &str,
    subuser_id: &str,
    grants: &RequestedGrants,
    errors: &mut Vec<FieldError>,
) -> diesel::QueryResult<ParsedGrants> {
    let mut portal = grants.portal.clone();
    portal.sort();
    portal.dedup();
    let mut scopes = grants.scopes.clone();
    scopes.sort_by_key(|s| Scope::ALL.iter().position(|a| a == s));
    scopes.dedup();

    let mut sender_ids = Vec::new();
    for (i, name) in grants.senders.iter().enumerate() {
        match sender_rows::find_by_name(conn, owner_id, name.trim())? {
            Some(sender) => sender_ids.push(sender.id),
            None => errors.push(FieldError::new(
                &format!("grants.senders[{i}]"),
                codes::UNKNOWN_SENDER,
                "The account has no such sender name.",
            )),
        }
    }
    sender_ids.sort();
    sender_ids.dedup();

    let groups: Vec<String> = contact_rows::list_groups(conn, owner_id)?
        .into_iter()
        .map(|g| g.id)
        .collect();
    let mut group_ids = Vec::new();
    for (i, id) in grants.contact_groups.iter().enumerate() {
        if groups.contains(id) {
            group_ids.push(id.clone());
        } else {
            errors.push(FieldError::new(
                &format!("grants.contact_groups[{i}]"),
                codes::UNKNOWN_GROUP,
                "The account has no such contact group.",
            ));
        }
    }
    group_ids.sort();
    group_ids.dedup();

    let window = grants
        .sending_window
        .as_ref()
        .and_then(|requested| parse_window("grants.sending_window", requested, errors));
    if grants.monthly_points_limit.is_some_and(|l| l < 0) {
        errors.push(FieldError::new(
            "grants.monthly_points_limit",
            codes::NEGATIVE,
            "Use 0 or more points.",
        ));
    }
    Ok(ParsedGrants {
        row: GrantsRow {
            account_id: subuser_id.to_owned(),
            portal: portal
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            scopes: scope_string(&scopes),
            window_days: window.as_ref().map(|w| {
                w.days
                    .iter()
                    .map(|d| d.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            }),
            window_start: window.as_ref().map(|w| hhmm(w.start)),
            window_end: window.as_ref().map(|w| hhmm(w.end)),
            window_time_zone: window.as_ref().map(|w| w.time_zone.name().to_owned()),
            monthly_points_limit: grants.monthly_points_limit,
            invitation_pending: false,
            updated_at: now(),
        },
        sender_ids,
        group_ids,
    })
}

fn parse_phone(raw: Option<&str>, errors: &mut Vec<FieldError>) -> Option<PhoneNumber> {
    let raw = raw.map(str::trim).filter(|p| !p.is_empty())?;
    PhoneNumber::parse("phone", raw)
        .map_err(|e| errors.push(e))
        .ok()
}

/// The subuser as the owner sees it.
fn subuser_of(conn: &mut DbConnection, account: &AccountRow) -> diesel::QueryResult<Subuser> {
    let grants = subuser_rows::find_grants(conn, &account.id)?;
    let access = load_access(conn, account)?;
    let status = if account.disabled_at.is_some() {
        SubuserStatus::Disabled
    } else if grants.as_ref().is_some_and(|g| g.invitation_pending) {
        SubuserStatus::Invited
    } else {
        SubuserStatus::Active
    };
    let access = access.unwrap_or_else(|| SubuserAccess {
        id: account.id.clone(),
        owner_id: account.tenant_id().to_owned(),
        disabled: true,
        portal: Vec::new(),
        scopes: Vec::new(),
        sender_names: Vec::new(),
        group_ids: Vec::new(),
        window: None,
        monthly_points_limit: None,
    });
    Ok(Subuser {
        id: account.id.clone(),
        email: account.email.clone(),
        phone: account.phone.clone(),
        status,
        access,
        points_used_this_month: subuser_rows::points_used(conn, &account.id, &month_of(now()))?,
        two_factor_enabled: super::two_factor::confirmed_factors(conn, &account.id)?.any(),
        last_login_at: subuser_rows::last_login(conn, &account.id)?,
        created_at: account.created_at,
    })
}

fn owner_event(
    owner_id: &str,
    kind: SecurityEventKind,
    subuser_id: &str,
    client: &ClientContext,
) -> SecurityEvent {
    SecurityEvent::by_owner(owner_id, kind, client).detail("subuser_id", subuser_id)
}

pub async fn list(state: &AppState, owner_id: &str) -> ApiResult<Vec<Subuser>> {
    let owner = owner_id.to_owned();
    state
        .db
        .run(move |conn| {
            let rows = subuser_rows::list_subusers(conn, &owner)?;
            Ok(rows
                .iter()
                .map(|row| subuser_of(conn, row))
                .collect::<diesel::QueryResult<Vec<_>>>()?)
        })
        .await
}

pub async fn get(state: &AppState, owner_id: &str, id: &str) -> ApiResult<Subuser> {
    let (owner, id) = (owner_id.to_owned(), id.to_owned());
    state
        .db
        .run(move |conn| {
            let row = subuser_rows::find_subuser(conn, &owner, &id)?.ok_or(ApiError::NotFound)?;
            Ok(subuser_of(conn, &row)?)
        })
        .await
}

/// Creates a subuser. Without a password, an invitation e-mail lets them set one.
pub async fn create(
    state: &AppState,
    owner: &AccountRow,
    request: NewSubuser,
    client: &ClientContext,
) -> ApiResult<Subuser> {
    let mut errors = Vec::new();
    let email = Email::parse("email", &request.email)
        .map_err(|e| errors.push(e))
        .ok();
    let password = match request.password {
        Some(password) => NewPassword::parse("password", password, &request.email)
            .map_err(|e| errors.extend(e))
            .ok(),
        None => None,
    };
    let phone = parse_phone(request.phone.as_deref(), &mut errors);
    // Checked before hashing, so a refused request costs no hash; checked again below.
    let (owner_id, grants, early_errors) =
        (owner.id.clone(), request.grants.clone(), errors.clone());
    let email_key = email.as_ref().map(|e| e.normalized().to_owned());
    let checked_phone = phone.clone();
    let errors = state
        .db
        .run(move |conn| {
            let mut errors = early_errors;
            if let Some(key) = &email_key {
                if account_rows::email_taken(conn, key)? {
                    errors.push(email_taken_error());
                }
            }
            if let Some(phone) = &checked_phone {
                errors.extend(crate::services::sms::messages::check_phone_country(
                    conn, &owner_id, "phone", phone,
                )?);
            }
            parse_grants(conn, &owner_id, "", &grants, &mut errors)?;
            Ok(errors)
        })
        .await?;
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let invited = password.is_none();
    let password_hash = match password {
        Some(password) => state.hasher.hash(password.into_password()).await?,
        // Never told to anyone: the invitation link sets the real one.
        None => {
            let mut bytes = [0u8; 32];
            rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
            let unusable = format!("{bytes:02x?}");
            state
                .hasher
                .hash(crate::domain::Password::new(unusable))
                .await?
        }
    };
    let id = new_account_id();
    let (owner_row, grants, event) = (
        owner.clone(),
        request.grants,
        owner_event(&owner.id, SecurityEventKind::SubuserCreated, &id, client)
            .detail("email", email.as_str())
            .detail("invited", invited.to_string()),
    );
    let subuser_id = id.clone();
    let subuser = state
        .db
        .transaction(move |conn| {
            let mut errors = Vec::new();
            if let Some(phone) = &phone {
                // Again inside the transaction: the filter may have changed meanwhile.
                errors.extend(crate::services::sms::messages::check_phone_country(
                    conn,
                    &owner_row.id,
                    "phone",
                    phone,
                )?);
            }
            let parsed = parse_grants(conn, &owner_row.id, &subuser_id, &grants, &mut errors)?;
            if !errors.is_empty() {
                return Err(ApiError::Validation(errors));
            }
            let at = now();
            let inserted = account_rows::insert_account(
                conn,
                &NewAccount {
                    id: &subuser_id,
                    email: email.as_str(),
                    email_normalized: email.normalized(),
                    password_hash: &password_hash,
                    phone: phone.as_ref().map(PhoneNumber::as_str),
                    country: &owner_row.country,
                    points_balance: 0,
                    created_at: at,
                    updated_at: at,
                },
            );
            if let Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) = inserted
            {
                return Err(ApiError::Validation(vec![email_taken_error()]));
            }
            inserted?;
            account_rows::set_parent(conn, &subuser_id, &owner_row.id)?;
            // The owner's language, until the subuser chooses their own.
            let language = preference_rows::language(conn, &owner_row.id)?;
            preference_rows::set_language(conn, &subuser_id, language)?;
            subuser_rows::insert_grants(
                conn,
                &GrantsRow {
                    invitation_pending: invited,
                    ..parsed.row
                },
            )?;
            subuser_rows::set_senders(conn, &subuser_id, &parsed.sender_ids)?;
            subuser_rows::set_groups(conn, &subuser_id, &parsed.group_ids)?;
            security_log::record(conn, &event)?;
            let row = account_rows::find_by_id(conn, &subuser_id)?.ok_or_else(|| {
                ApiError::internal(anyhow::anyhow!("subuser vanished after insert"))
            })?;
            Ok(subuser_of(conn, &row)?)
        })
        .await?;
    tracing::info!(owner_id = %owner.id, subuser_id = %id, invited, "subuser created");
    if invited {
        send_invitation(state, &owner.id, &id, client).await?;
    }
    Ok(subuser)
}

fn email_taken_error() -> FieldError {
    FieldError::new(
        "email",
        codes::TAKEN,
        "This e-mail already belongs to a login. Use another one.",
    )
}

/// Replaces a subuser's grants and phone; their tokens are narrowed at once.
pub async fn update(
    state: &AppState,
    owner_id: &str,
    id: &str,
    request: SubuserUpdate,
    client: &ClientContext,
) -> ApiResult<Subuser> {
    let mut errors = Vec::new();
    let phone = parse_phone(request.phone.as_deref(), &mut errors);
    let (owner, subuser_id) = (owner_id.to_owned(), id.to_owned());
    let event = owner_event(owner_id, SecurityEventKind::SubuserUpdated, id, client);
    let subuser = state
        .db
        .transaction(move |conn| {
            subuser_rows::find_subuser(conn, &owner, &subuser_id)?.ok_or(ApiError::NotFound)?;
            if let Some(phone) = &phone {
                errors.extend(crate::services::sms::messages::check_phone_country(
                    conn, &owner, "phone", phone,
                )?);
            }
            let parsed = parse_grants(conn, &owner, &subuser_id, &request.grants, &mut errors)?;
            if !errors.is_empty() {
                return Err(ApiError::Validation(errors));
            }
            subuser_rows::update_grants(conn, &parsed.row)?;
            subuser_rows::set_senders(conn, &subuser_id, &parsed.sender_ids)?;
            subuser_rows::set_groups(conn, &subuser_id, &parsed.group_ids)?;
            subuser_rows::set_phone(
                conn,
                &subuser_id,
                phone.as_ref().map(PhoneNumber::as_str),
                now(),
            )?;
            security_log::record(conn, &event)?;
            cache_sync::announce(conn, &Change::Subuser(subuser_id.clone()))?;
            let row =
                subuser_rows::find_subuser(conn, &owner, &subuser_id)?.ok_or(ApiError::NotFound)?;
            Ok(subuser_of(conn, &row)?)
        })
        .await?;
    state.forget_committed(Change::Subuser(id.to_owned()));
    tracing::info!(owner_id, subuser_id = id, "subuser updated");
    Ok(subuser)
}

/// Disables or re-enables a subuser. Disabling ends their sessions at once
/// and their tokens are refused from the next call.
pub async fn set_disabled(
    state: &AppState,
    owner_id: &str,
    id: &str,
    disabled: bool,
    client: &ClientContext,
) -> ApiResult<Subuser> {
    let (owner, subuser_id) = (owner_id.to_owned(), id.to_owned());
    let kind = if disabled {
        SecurityEventKind::SubuserDisabled
    } else {
        SecurityEventKind::SubuserEnabled
    };
    let event = owner_event(owner_id, kind, id, client);
    let subuser = state
        .db
        .transaction(move |conn| {
            subuser_rows::find_subuser(conn, &owner, &subuser_id)?.ok_or(ApiError::NotFound)?;
            let at = now();
            if subuser_rows::set_disabled(conn, &subuser_id, disabled.then_some(at))? {
                let mut event = event;
                if disabled {
                    let ended = session_rows::end_account_sessions(
                        conn,
                        &subuser_id,
                        None,
                        at,
                        end_reasons::DISABLED,
                    )?;
                    event = event.detail("sessions_ended", ended.to_string());
                }
                security_log::record(conn, &event)?;
            }
            cache_sync::announce(conn, &Change::Subuser(subuser_id.clone()))?;
            let row =
                subuser_rows::find_subuser(conn, &owner, &subuser_id)?.ok_or(ApiError::NotFound)?;
            Ok(subuser_of(conn, &row)?)
        })
        .await?;
    state.forget_committed(Change::Subuser(id.to_owned()));
    tracing::info!(
        owner_id,
        subuser_id = id,
        disabled,
        "subuser disabled state changed"
    );
    Ok(subuser)
}

/// Deletes a subuser: sessions end, tokens and OAuth clients they made are
/// revoked; the messages they sent stay (with `sent_by`).
pub async fn delete(
    state: &AppState,
    owner_id: &str,
    id: &str,
    client: &ClientContext,
) -> ApiResult<()> {
    let (owner, subuser_id) = (owner_id.to_owned(), id.to_owned());
    let event = owner_event(owner_id, SecurityEventKind::SubuserDeleted, id, client);
    let (tokens, clients) = state
        .db
        .transaction(move |conn| {
            subuser_rows::find_subuser(conn, &owner, &subuser_id)?.ok_or(ApiError::NotFound)?;
            let at = now();
            let ended = session_rows::end_account_sessions(
                conn,
                &subuser_id,
                None,
                at,
                end_reasons::DELETED,
            )?;
            let tokens = crate::db::tokens::delete_created_by(conn, &subuser_id)?;
            let clients = crate::db::oauth::delete_created_by(conn, &subuser_id)?;
            subuser_rows::mark_deleted(conn, &subuser_id, at)?;
            security_log::record(
                conn,
                &event
                    .detail("sessions_ended", ended.to_string())
                    .detail("tokens_revoked", (tokens.len() + clients.len()).to_string()),
            )?;
            for change in deletion_changes(&subuser_id, &tokens, &clients) {
                cache_sync::announce(conn, &change)?;
            }
            Ok((tokens, clients))
        })
        .await?;
    for change in deletion_changes(id, &tokens, &clients) {
        state.forget_committed(change);
    }
    tracing::info!(owner_id, subuser_id = id, "subuser deleted");
    Ok(())
}

/// What a subuser's deletion changes in the caches: their tokens, their
/// clients and their grants.
fn deletion_changes(id: &str, tokens: &[String], clients: &[String]) -> Vec<Change> {
    tokens
        .iter()
        .cloned()
        .map(Change::Token)
        .chain(clients.iter().cloned().map(Change::Client))
        .chain([Change::Subuser(id.to_owned())])
        .collect()
}

/// Sends (again) the e-mail with a link to set the first password; only
/// while the subuser has not set one.
pub async fn resend_invitation(
    state: &AppState,
    owner_id: &str,
    id: &str,
    client: &ClientContext,
) -> ApiResult<()> {
    let (owner, subuser_id) = (owner_id.to_owned(), id.to_owned());
    let pending = state
        .db
        .run(move |conn| {
            subuser_rows::find_subuser(conn, &owner, &subuser_id)?.ok_or(ApiError::NotFound)?;
            Ok(subuser_rows::find_grants(conn, &subuser_id)?.is_some_and(|g| g.invitation_pending))
        })
        .await?;
    if !pending {
        return Err(ApiError::Conflict {
            detail: "This subuser has already set a password.".into(),
            errors: Vec::new(),
        });
    }
    send_invitation(state, owner_id, id, client).await
}

async fn send_invitation(
    state: &AppState,
    owner_id: &str,
    id: &str,
    client: &ClientContext,
) -> ApiResult<()> {
    let token = ResetToken::generate();
    let token_hash = token.storage_id();
    let subuser_id = id.to_owned();
    let ip = client.ip.to_string();
    let event = owner_event(owner_id, SecurityEventKind::SubuserInvited, id, client);
    let owner = owner_id.to_owned();
    let (subuser, language, owner_email) = state
        .db
        .transaction(move |conn| {
            let at = now();
            let subuser =
                subuser_rows::find_subuser(conn, &owner, &subuser_id)?.ok_or(ApiError::NotFound)?;
            let owner_row = account_rows::find_by_id(conn, &owner)?.ok_or(ApiError::NotFound)?;
            password_rows::insert_reset_token(
                conn,
                &ResetTokenRow {
                    id: format!("prt_{}", uuid::Uuid::now_v7().simple()),
                    account_id: subuser_id.clone(),
                    token_hash,
                    ip,
                    created_at: at,
                    expires_at: at + ChronoDuration::days(INVITATION_LIFETIME_DAYS),
                    used_at: None,
                    purpose: link_purposes::INVITATION.into(),
                },
            )?;
            security_log::record(conn, &event)?;
            let language = preference_rows::language(conn, &subuser.id)?;
            Ok((subuser, language, owner_row.email))
        })
        .await?;
    let link = state.config.portal_links().reset_password(token.expose());
    // In the subuser's language: the owner's, unless they chose another since.
    let mail = i18n::subuser_invitation(language, &owner_email, &link, INVITATION_LIFETIME_DAYS)
        .mail(subuser.email, "subuser_invitation");
    state.mailer.send(&mail).await
}

/// True when the subuser `id` belongs to `owner_id` (deleted ones too), for
/// reading their security log.
pub async fn check_belongs(state: &AppState, owner_id: &str, id: &str) -> ApiResult<()> {
    let (owner, id) = (owner_id.to_owned(), id.to_owned());
    let known = state
        .db
        .run(move |conn| Ok(subuser_rows::all_subuser_ids(conn, &owner)?.contains(&id)))
        .await?;
    known.then_some(()).ok_or(ApiError::NotFound)
}

/// Removes pending-invitation status once a password was set through a link.
pub fn password_set(conn: &mut DbConnection, account_id: &str) -> diesel::QueryResult<()> {
    subuser_rows::set_invitation_pending(conn, account_id, false)
}
