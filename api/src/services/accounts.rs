//! Signing up (verified by e-mail before anything exists) and reading accounts.

use chrono::Duration as ChronoDuration;
use portcullis_shared::vocabulary::{Language, SecurityEventKind};
use portcullis_shared::{problem::FieldError, validate::codes};

use crate::services::{
    audit::security_log::{self, Actor, SecurityEvent},
    delivery::{i18n, Mail},
    now,
    sessions::portal_session::{ClientContext, PortalSession},
    AppState,
};
use crate::{
    db::{
        accounts::{self as account_rows, NewAccount},
        login_preferences as preference_rows,
        pending_signups::{self as pending_rows, PendingSignupRow},
    },
    domain::{
        new_account_id, CountryCode, DeviceToken, Email, NewPassword, PhoneNumber, SignupToken,
    },
    error::{ApiError, ApiResult},
};

/// A sign-up as given, not yet checked.
#[derive(Debug, Clone)]
pub struct SignupForm {
    pub email: String,
    pub password: String,
    pub phone: Option<String>,
    pub country: String,
    /// Chosen in the form, or else the browser's (`Accept-Language`).
    pub language: Language,
}

/// A sign-up request whose every field is valid.
#[derive(Debug)]
pub struct Signup {
    pub email: Email,
    pub password: NewPassword,
    pub phone: Option<PhoneNumber>,
    pub country: CountryCode,
    /// The confirmation e-mail's, and the account's once confirmed.
    pub language: Language,
}

impl Signup {
    /// Parses every field and reports all problems at once.
    pub fn parse(request: SignupForm) -> ApiResult<Self> {
        let mut errors: Vec<FieldError> = Vec::new();
        let email = Email::parse("email", &request.email)
            .map_err(|e| errors.push(e))
            .ok();
        let password = NewPassword::parse("password", request.password, &request.email)
            .map_err(|e| errors.extend(e))
            .ok();
        let phone = match request
            .phone
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            Some(raw) => PhoneNumber::parse("phone", raw)
                .map(Some)
                .map_err(|e| errors.push(e))
                .ok()
                .flatten(),
            None => None,
        };
        let country = CountryCode::parse("country", &request.country)
            .map_err(|e| errors.push(e))
            .ok();
        // A new account's country filter is its own country (see `sign_up`).
        if let (Some(phone), Some(country)) = (&phone, &country) {
            let filter = [country.as_str().to_owned()];
            errors.extend(crate::services::sms::messages::phone_country_error(
                "phone", phone, &filter,
            ));
        }
        match (email, password, country) {
            (Some(email), Some(password), Some(country)) if errors.is_empty() => Ok(Self {
                email,
                password,
                phone,
                country,
                language: request.language,
            }),
            _ => Err(ApiError::Validation(errors)),
        }
    }
}

/// How long a sign-up link works.
pub const LINK_LIFETIME_HOURS: u32 = 24;
/// Pending sign-ups whose link expired this long ago are deleted (kept a
/// while, so a late click is told "expired" rather than "not valid").
const EXPIRED_KEPT_DAYS: i64 = 7;

/// What a mailed sign-up link is for, in the outbox and logs.
pub mod mail_purposes {
    /// The link that confirms the e-mail and creates the account.
    pub const LINK: &str = "signup_confirmation";
    /// "You already have an account": sent instead of a link.
    pub const ACCOUNT_EXISTS: &str = "signup_account_exists";
}

/// Starts a sign-up. Answers at once and the same way whatever the e-mail:
/// the look-up, the limits, the password hash and the mail happen afterwards,
/// off the request, so neither the answer nor its timing tells whether the
/// e-mail has an account. A new e-mail gets a confirmation link; one that has
/// an account gets a "you already have an account" e-mail and nothing changes.
pub fn request_signup(state: &AppState, signup: Signup, client: ClientContext) {
    let state = state.clone();
    actix_web::rt::spawn(async move {
        if let Err(error) = start_signup(&state, signup, client).await {
            tracing::warn!(%error, "could not handle a sign-up");
        }
    });
}

/// Who a sign-up request turned out to be for.
enum Recipient {
    /// A new e-mail: its pending sign-up is stored; mail the link in the
    /// language chosen at sign-up.
    New {
        to: String,
        language: Language,
        token: SignupToken,
    },
    /// The e-mail of this existing account, told in the account's language.
    Existing(String, Language),
    /// Over a limit: nothing is sent.
    Dropped,
}

/// Decides and stores in one transaction: the limits are counted, the account
/// looked up and the pending sign-up stored together, so what one request did
/// is settled the moment it commits. The password is hashed first, whatever
/// the outcome, so every request costs the same work.
async fn start_signup(state: &AppState, signup: Signup, client: ClientContext) -> ApiResult<()> {
    let password_hash = state.hasher.hash(signup.password.into_password()).await?;
    let token = SignupToken::generate();
    let at = now();
    let row = PendingSignupRow {
        id: format!("psu_{}", uuid::Uuid::now_v7().simple()),
        email: signup.email.as_str().to_owned(),
        email_normalized: signup.email.normalized().to_owned(),
        token_hash: token.storage_id(),
        password_hash,
        phone: signup.phone.as_ref().map(|p| p.as_str().to_owned()),
        country: signup.country.as_str().to_owned(),
        ip: client.ip.to_string(),
        created_at: at,
        expires_at: at + ChronoDuration::hours(LINK_LIFETIME_HOURS.into()),
        used_at: None,
        language: signup.language.as_str().to_owned(),
    };
    let (ip, language) = (client.ip, signup.language);
    let recipient = state
        .db
        .transaction(move |conn| {
            if !crate::services::sessions::throttle::count_signup(
                conn,
                &row.email_normalized,
                ip,
                at,
            )? {
                tracing::warn!(%ip, "sign-up e-mail not sent: hourly limit reached");
                return Ok(Recipient::Dropped);
            }
            if let Some(account) = account_rows::find_by_email(conn, &row.email_normalized)? {
                let language = preference_rows::language(conn, &account.id)?;
                return Ok(Recipient::Existing(account.email, language));
            }
            pending_rows::delete_expired(conn, at - ChronoDuration::days(EXPIRED_KEPT_DAYS))?;
            pending_rows::insert(conn, &row)?;
            Ok(Recipient::New {
                to: row.email,
                language,
                token,
            })
        })
        .await?;
    match recipient {
        Recipient::Dropped => Ok(()),
        Recipient::Existing(to, language) => send_account_exists(state, to, language).await,
        Recipient::New {
            to,
            language,
            token,
        } => send_link(state, to, language, &token).await,
    }
}

/// Mails the link of a stored pending sign-up.
async fn send_link(
    state: &AppState,
    to: String,
    language: Language,
    token: &SignupToken,
) -> ApiResult<()> {
    let link = state.config.portal_links().verify_email(token.expose());
    let mail =
        i18n::signup_link(language, &link, LINK_LIFETIME_HOURS).mail(to, mail_purposes::LINK);
    state.mailer.send(&mail).await
}

/// Tells the owner of an existing account that someone tried to sign up with
/// its e-mail, and how to get in. Changes nothing.
async fn send_account_exists(state: &AppState, to: String, language: Language) -> ApiResult<()> {
    let links = state.config.portal_links();
    let mail = i18n::signup_account_exists(language, &links.login(), &links.forgot_password())
        .mail(to, mail_purposes::ACCOUNT_EXISTS);
    state.mailer.send(&mail).await
}

fn link_refused(code: &str, message: &str) -> ApiError {
    ApiError::field("token", code, message)
}

fn used_link() -> ApiError {
    link_refused(
        codes::USED_SIGNUP_LINK,
        "This link was used already, so your account exists: sign in instead.",
    )
}

/// Confirms a sign-up with its link's token: creates the account with its
/// trial points, trusts this browser and signs it in, all in one transaction.
pub async fn confirm_signup(
    state: &AppState,
    token: &str,
    client: ClientContext,
    device: &DeviceToken,
) -> ApiResult<PortalSession> {
    let invalid = || {
        link_refused(
            codes::INVALID_SIGNUP_LINK,
            "This link is not valid. Check that you opened the whole link from the e-mail, or sign up again.",
        )
    };
    let token = SignupToken::parse(token).ok_or_else(invalid)?;
    let token_hash = token.storage_id();
    let device_hash = device.storage_id();
    let config = state.config.clone();
    let trial_points = state.config.signup_points;
    let (account, token, session, access) = state
        .db
        .transaction(move |conn| {
            let at = now();
            let pending = pending_rows::find_by_token_hash(conn, &token_hash)?.ok_or_else(invalid)?;
            if pending.used_at.is_some() {
                return Err(used_link());
            }
            if pending.expires_at <= at {
                return Err(link_refused(
                    codes::EXPIRED_SIGNUP_LINK,
                    "This link has expired (links work for 24 hours). Sign up again to get a new one.",
                ));
            }
            // Claimed first, so of racing confirmations exactly one goes on.
            if !pending_rows::claim(conn, &pending.id, at)?
                || account_rows::email_taken(conn, &pending.email_normalized)?
            {
                return Err(used_link());
            }
            pending_rows::retire_email(conn, &pending.email_normalized, at)?;
            let id = new_account_id();
            let inserted = account_rows::insert_account(
                conn,
                &NewAccount {
                    id: &id,
                    email: &pending.email,
                    email_normalized: &pending.email_normalized,
                    password_hash: &pending.password_hash,
                    phone: pending.phone.as_deref(),
                    country: &pending.country,
                    points_balance: trial_points,
                    created_at: at,
                    updated_at: at,
                },
            );
            if let Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) = inserted
            {
                return Err(used_link());
            }
            inserted?;
            // The language chosen at sign-up.
            let language = Language::from_tag(&pending.language).unwrap_or_default();
            preference_rows::set_language(conn, &id, language)?;
            let actor = Actor::Account(id.clone());
            security_log::record(
                conn,
                &SecurityEvent::new(&id, actor.clone(), SecurityEventKind::Signup)
                    .from_client(&client),
            )?;
            // Country filtering: a new account may message only its own country.
            crate::db::sms::set_countries(conn, &id, &[(pending.country.clone(), None)])?;
            let account = account_rows::find_by_id(conn, &id)?.ok_or_else(|| {
                ApiError::internal(anyhow::anyhow!("account vanished after insert"))
            })?;
            // The browser that confirmed the e-mail is the account's first trusted device.
            crate::services::sessions::devices::trust(conn, &account, &device_hash, &client)?;
            let event = SecurityEvent::new(&id, actor, SecurityEventKind::LoginSucceeded)
                .from_client(&client)
                .detail("new_device", "false")
                .detail("method", "signup_link");
            let (token, session) =
                crate::services::sessions::portal_session::start_session(conn, &config, &account, &client, event)?;
            let access = PortalSession::load_access(conn, &account)?;
            Ok((account, token, session, access))
        })
        .await?;
    tracing::info!(account_id = %account.id, "sign-up confirmed");
    Ok(PortalSession::new(token, session, account, access))
}

/// Sets the signed-in login's own language: of its portal, and of every
/// e-mail and text sent to it from now on. Each login (owner or subuser)
/// chooses only its own. Not a security setting, so the security log does not
/// record it (it keeps security-relevant events only).
pub async fn set_language(
    state: &AppState,
    session: &PortalSession,
    language: Language,
) -> ApiResult<()> {
    let id = session.account.id.clone();
    state
        .db
        .run(move |conn| Ok(preference_rows::set_language(conn, &id, language)?))
        .await
}

/// The language of the login `account_id`, for mail sent to it.
pub async fn language_of(state: &AppState, account_id: &str) -> ApiResult<Language> {
    let id = account_id.to_owned();
    state
        .db
        .run(move |conn| Ok(preference_rows::language(conn, &id)?))
        .await
}

/// Sends the login `account_id` the notice `mail` writes in its language.
/// Best effort: what the notice tells of stands whether or not it goes out;
/// a failure is logged as `notice` not sent.
pub async fn notify(
    state: &AppState,
    account_id: &str,
    notice: &'static str,
    mail: impl FnOnce(Language) -> Mail,
) {
    let sent = match language_of(state, account_id).await {
        Ok(language) => state.mailer.send(&mail(language)).await,
        Err(error) => Err(error),
    };
    if let Err(error) = sent {
        tracing::warn!(account_id, notice, %error, "notice e-mail not sent");
    }
}

/// An account as its integrators see it: who it is, and its points balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub account_id: String,
    pub email: String,
    pub country: String,
    pub points_balance: i64,
}

/// The profile of `account_id`; not found when the account is gone.
pub async fn profile(state: &AppState, account_id: String) -> ApiResult<Profile> {
    let row = state
        .db
        .run(move |conn| Ok(account_rows::find_profile(conn, &account_id)?))
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Profile {
        account_id: row.id,
        email: row.email,
        country: row.country,
        points_balance: row.points_balance,
    })
}
