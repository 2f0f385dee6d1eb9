//! Signing up and reading accounts.

use portcullis_shared::{
    dto::{AccountDto, SecurityEventKind, SignupRequest},
    problem::FieldError,
    validate::codes,
};

use super::{
    audit::{self, Actor, SecurityEvent},
    now, rfc3339,
    sessions::ClientContext,
    AppState,
};
use crate::{
    db::accounts::{self as account_rows, AccountRow, NewAccount},
    domain::{new_account_id, CountryCode, Email, NewPassword, PhoneNumber},
    error::{ApiError, ApiResult},
};

/// A sign-up request whose every field is valid.
#[derive(Debug)]
pub struct Signup {
    pub email: Email,
    pub password: NewPassword,
    pub phone: Option<PhoneNumber>,
    pub country: CountryCode,
}

impl Signup {
    /// Parses every field and reports all problems at once.
    pub fn parse(request: SignupRequest) -> ApiResult<Self> {
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
            errors.extend(super::sms::phone_country_error("phone", phone, &filter));
        }
        match (email, password, country) {
            (Some(email), Some(password), Some(country)) if errors.is_empty() => Ok(Self {
                email,
                password,
                phone,
                country,
            }),
            _ => Err(ApiError::Validation(errors)),
        }
    }
}

fn email_taken() -> ApiError {
    ApiError::Conflict {
        detail: "An account with this e-mail already exists.".into(),
        errors: vec![FieldError {
            field: "email".into(),
            code: codes::TAKEN.into(),
            message: "An account with this e-mail already exists. Sign in instead.".into(),
        }],
    }
}

/// Creates an account. Nothing is stored unless every check passes.
pub async fn sign_up(
    state: &AppState,
    signup: Signup,
    client: ClientContext,
    device_hash: String,
) -> ApiResult<AccountRow> {
    let key = signup.email.normalized().to_owned();
    // Cheap check first so a taken e-mail doesn't cost a hash; the unique index
    // decides races.
    if state
        .db
        .run(move |conn| Ok(account_rows::email_taken(conn, &key)?))
        .await?
    {
        return Err(email_taken());
    }
    let password_hash = state.hasher.hash(signup.password.into_password()).await?;
    let trial_points = state.config.signup_points;
    let id = new_account_id();
    state
        .db
        .transaction(move |conn| {
            let created_at = now();
            let inserted = account_rows::insert_account(
                conn,
                &NewAccount {
                    id: &id,
                    email: signup.email.as_str(),
                    email_normalized: signup.email.normalized(),
                    password_hash: &password_hash,
                    phone: signup.phone.as_ref().map(PhoneNumber::as_str),
                    country: signup.country.as_str(),
                    points_balance: trial_points,
                    created_at,
                    updated_at: created_at,
                },
            );
            if let Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) = inserted
            {
                return Err(email_taken());
            }
            inserted?;
            audit::record(
                conn,
                &SecurityEvent::new(&id, Actor::Account(id.clone()), SecurityEventKind::Signup)
                    .from_client(&client),
            )?;
            // Country filtering: a new account may message only its own country.
            crate::db::sms::set_countries(conn, &id, &[signup.country.as_str().to_owned()])?;
            let account = account_rows::find_by_id(conn, &id)?.ok_or_else(|| {
                ApiError::internal(anyhow::anyhow!("account vanished after insert"))
            })?;
            // The browser that created the account is its first trusted device.
            super::devices::trust(conn, &account, &device_hash, &client)?;
            Ok(account)
        })
        .await
}

/// The account as its owner sees it.
pub fn account_dto(row: &AccountRow) -> AccountDto {
    AccountDto {
        id: row.id.clone(),
        email: row.email.clone(),
        phone: row.phone.clone(),
        country: row.country.clone(),
        points_balance: row.points_balance,
        created_at: rfc3339(row.created_at),
    }
}
