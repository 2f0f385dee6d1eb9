//! The security overview: what protects the signed-in login (and, for the owner, the
//! whole account) as a checklist with a score, each item naming the page that fixes it.
//!
//! The facts are read with the same rules as the pages they come from (a subuser's
//! tokens are their own); [`checklist`] turns them into checks without touching storage.

use chrono::{Duration, NaiveDateTime};
use portcullis_shared::dto::{CheckStatus, SecurityCheckId, SubuserStatus};
use portcullis_shared::routes;

use crate::db::{
    portal_allowlist as portal_rows, sms as sms_rows, subusers as subuser_rows,
    tokens as token_rows,
};
use crate::error::ApiResult;
use crate::services::sessions::portal_session::PortalSession;
use crate::services::subusers::SendingWindow;
use crate::services::tokens::api_tokens::{self, TokenStatus};
use crate::services::{access::Principal, now, subusers, two_factor, AppState};

/// A token unused this long is worth deleting; the country filter is compared with the
/// traffic of the same period.
const UNUSED_DAYS: i64 = 90;
/// Fewer recovery codes than this are worth renewing.
const FEW_RECOVERY_CODES: u32 = 3;

/// One item of the checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub id: SecurityCheckId,
    pub status: CheckStatus,
    pub title: String,
    pub detail: String,
    pub items: Vec<String>,
    /// What the title counts (see `SecurityCheckDto::count`).
    pub count: u32,
    /// The portal page that fixes it.
    pub fix: &'static str,
}

/// The checklist and its score (the share of checks that are ok, 0 to 100).
#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    pub score: u8,
    pub checks: Vec<Check>,
    /// A subuser's own limits and usage; none for the owner.
    pub limits: Option<Limits>,
}

/// What a subuser may spend and when, and what they spent this month.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    pub points_used_this_month: i64,
    pub monthly_points_limit: Option<i64>,
    pub sending_window: Option<SendingWindow>,
}

/// A token as the checklist sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenFacts {
    pub name: String,
    pub expires_at: Option<NaiveDateTime>,
    /// Last used, else created.
    pub last_active: NaiveDateTime,
}

/// The account-wide settings only the owner sees and changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountFacts {
    pub api_allowlist_entries: usize,
    pub portal_allowlist_entries: usize,
    /// Countries the filter allows.
    pub allowed_countries: Vec<String>,
    /// Countries sent to in the last [`UNUSED_DAYS`] days.
    pub countries_sent_to: Vec<String>,
    /// Active subusers without two-factor sign-in, by e-mail.
    pub subusers_without_two_factor: Vec<String>,
    /// The owner requires two-factor sign-in of every login.
    pub two_factor_required: bool,
}

/// What the checklist is made from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    pub sms_codes: bool,
    pub authenticator_app: bool,
    pub recovery_codes_left: u32,
    /// This login's active tokens.
    pub tokens: Vec<TokenFacts>,
    /// The owner's account-wide settings; none for a subuser.
    pub account: Option<AccountFacts>,
}

/// The checks of `facts` as of `at`, the ones to fix first.
pub fn checklist(facts: &Facts, at: NaiveDateTime) -> Overview {
    let mut checks = vec![two_factor_check(facts)];
    if facts.authenticator_app {
        checks.push(recovery_codes_check(facts.recovery_codes_left));
    }
    checks.extend(token_checks(&facts.tokens, at));
    if let Some(account) = &facts.account {
        checks.extend(account_checks(account));
    }
    // What a check names, it counts, unless it counts something else.
    for check in checks.iter_mut().filter(|c| c.count == 0) {
        check.count = u32::try_from(check.items.len()).unwrap_or(u32::MAX);
    }
    let ok = checks
        .iter()
        .filter(|c| c.status == CheckStatus::Ok)
        .count();
    let score = u8::try_from(ok * 100 / checks.len()).unwrap_or(100);
    checks.sort_by_key(|c| match c.status {
        CheckStatus::Risk => 0,
        CheckStatus::Warning => 1,
        CheckStatus::Ok => 2,
    });
    Overview {
        score,
        checks,
        limits: None,
    }
}

fn check(
    id: SecurityCheckId,
    status: CheckStatus,
    title: impl Into<String>,
    detail: impl Into<String>,
    fix: &'static str,
) -> Check {
    Check {
        id,
        status,
        title: title.into(),
        detail: detail.into(),
        items: Vec::new(),
        count: 0,
        fix,
    }
}

fn two_factor_check(facts: &Facts) -> Check {
    // (stable name, words)
    let methods: Vec<(&str, &str)> = [
        (
            facts.authenticator_app,
            ("authenticator_app", "an authenticator app"),
        ),
        (facts.sms_codes, ("sms", "SMS codes")),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.then_some(name))
    .collect();
    let page = routes::TWO_FACTOR_PAGE;
    if methods.is_empty() {
        return check(
            SecurityCheckId::TwoFactor,
            CheckStatus::Risk,
            "Two-factor sign-in is off",
            "Anyone with your password can sign in, spend your points and read your \
             contacts. Turn on an authenticator app or SMS codes.",
            page,
        );
    }
    Check {
        items: methods.iter().map(|(name, _)| (*name).to_owned()).collect(),
        count: u32::try_from(methods.len()).unwrap_or(u32::MAX),
        ..check(
            SecurityCheckId::TwoFactor,
            CheckStatus::Ok,
            "Two-factor sign-in is on",
            format!(
                "Signing in needs your password and {}.",
                methods
                    .iter()
                    .map(|(_, words)| *words)
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
            page,
        )
    }
}

fn recovery_codes_check(left: u32) -> Check {
    let (status, detail) = if left < FEW_RECOVERY_CODES {
        (
            CheckStatus::Warning,
            "Make new recovery codes before you run out: without your phone they are the \
             only way in.",
        )
    } else {
        (
            CheckStatus::Ok,
            "Each lets you in once if you lose the authenticator app.",
        )
    };
    let title = match left {
        1 => "1 recovery code left".to_owned(),
        n => format!("{n} recovery codes left"),
    };
    Check {
        count: left,
        ..check(
            SecurityCheckId::RecoveryCodes,
            status,
            title,
            detail,
            routes::TWO_FACTOR_PAGE,
        )
    }
}

fn token_checks(tokens: &[TokenFacts], at: NaiveDateTime) -> [Check; 2] {
    let names = |keep: &dyn Fn(&TokenFacts) -> bool| -> Vec<String> {
        tokens
            .iter()
            .filter(|t| keep(t))
            .map(|t| t.name.clone())
            .collect()
    };
    let never_expire = names(&|t| t.expires_at.is_none());
    let cutoff = at - Duration::days(UNUSED_DAYS);
    let unused = names(&|t| t.last_active < cutoff);
    let expiry = if never_expire.is_empty() {
        check(
            SecurityCheckId::TokensWithoutExpiry,
            CheckStatus::Ok,
            "Every API token expires",
            "A token that leaks stops working on its own.",
            routes::TOKENS_PAGE,
        )
    } else {
        Check {
            items: never_expire.clone(),
            ..check(
                SecurityCheckId::TokensWithoutExpiry,
                CheckStatus::Warning,
                count(
                    never_expire.len(),
                    "API token never expires",
                    "API tokens never expire",
                ),
                "A leaked token that never expires works until someone notices. Replace it \
                 with one that expires.",
                routes::TOKENS_PAGE,
            )
        }
    };
    let idle = if unused.is_empty() {
        check(
            SecurityCheckId::UnusedTokens,
            CheckStatus::Ok,
            "No API token sits unused",
            format!("Every active token was used in the last {UNUSED_DAYS} days."),
            routes::TOKENS_PAGE,
        )
    } else {
        Check {
            items: unused.clone(),
            ..check(
                SecurityCheckId::UnusedTokens,
                CheckStatus::Warning,
                count(
                    unused.len(),
                    "API token unused for 90 days",
                    "API tokens unused for 90 days",
                ),
                "A token nobody uses is only a risk: disable or delete it.",
                routes::TOKENS_PAGE,
            )
        }
    };
    [expiry, idle]
}

fn account_checks(account: &AccountFacts) -> Vec<Check> {
    let entries = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let mut checks = Vec::new();
    checks.push(if account.api_allowlist_entries == 0 {
        check(
            SecurityCheckId::ApiAllowlist,
            CheckStatus::Warning,
            "The API accepts calls from any address",
            "List your servers' addresses so a stolen token is refused everywhere else.",
            routes::API_ALLOWLIST_PAGE,
        )
    } else {
        Check {
            count: entries(account.api_allowlist_entries),
            ..check(
                SecurityCheckId::ApiAllowlist,
                CheckStatus::Ok,
                "API calls are limited to your addresses",
                count(
                    account.api_allowlist_entries,
                    "address or range is allowed.",
                    "addresses or ranges are allowed.",
                ),
                routes::API_ALLOWLIST_PAGE,
            )
        }
    });
    checks.push(if account.portal_allowlist_entries == 0 {
        check(
            SecurityCheckId::PortalAllowlist,
            CheckStatus::Warning,
            "The portal can be used from any address",
            "List your offices' addresses so a stolen password cannot be used elsewhere.",
            routes::PORTAL_ALLOWLIST_PAGE,
        )
    } else {
        Check {
            count: entries(account.portal_allowlist_entries),
            ..check(
                SecurityCheckId::PortalAllowlist,
                CheckStatus::Ok,
                "Sign-ins are limited to your addresses",
                count(
                    account.portal_allowlist_entries,
                    "address or range is allowed.",
                    "addresses or ranges are allowed.",
                ),
                routes::PORTAL_ALLOWLIST_PAGE,
            )
        }
    });
    let unused: Vec<String> = account
        .allowed_countries
        .iter()
        .filter(|c| !account.countries_sent_to.contains(c))
        .cloned()
        .collect();
    // One country (a new account's own) is as narrow as a filter gets.
    checks.push(
        if account.allowed_countries.len() > 1 && !unused.is_empty() {
            Check {
                items: unused.clone(),
                ..check(
                    SecurityCheckId::CountryFilter,
                    CheckStatus::Warning,
                    count(
                        unused.len(),
                        "allowed country had no messages in 90 days",
                        "allowed countries had no messages in 90 days",
                    ),
                    "Fraudsters pump texts to expensive destinations: allow only the countries \
                 you send to.",
                    routes::COUNTRY_FILTER_PAGE,
                )
            }
        } else {
            Check {
                items: account.allowed_countries.clone(),
                ..check(
                    SecurityCheckId::CountryFilter,
                    CheckStatus::Ok,
                    "Messages go only where you send them",
                    "The country filter allows no more than your traffic needs.",
                    routes::COUNTRY_FILTER_PAGE,
                )
            }
        },
    );
    let without = &account.subusers_without_two_factor;
    if !without.is_empty() || account.two_factor_required {
        checks.push(if without.is_empty() {
            check(
                SecurityCheckId::SubusersTwoFactor,
                CheckStatus::Ok,
                "Every login signs in with two-factor",
                "Two-factor sign-in is required of your subusers.",
                routes::TWO_FACTOR_PAGE,
            )
        } else {
            Check {
                items: without.clone(),
                ..check(
                    SecurityCheckId::SubusersTwoFactor,
                    CheckStatus::Risk,
                    count(
                        without.len(),
                        "subuser signs in without two-factor",
                        "subusers sign in without two-factor",
                    ),
                    "Require two-factor sign-in of every login on the Two-factor page.",
                    routes::TWO_FACTOR_PAGE,
                )
            }
        });
    }
    checks
}

/// "1 API token never expires", "3 API tokens never expire".
fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The signed-in login's overview: its own two-factor and tokens, and for the owner the
/// account's allowlists, country filter and subusers.
pub async fn overview(
    state: &AppState,
    session: &PortalSession,
    principal: &Principal,
) -> ApiResult<Overview> {
    let at = now();
    let status = two_factor::status(state, session).await?;
    let tokens = api_tokens::list_tokens(state, principal)
        .await?
        .into_iter()
        .filter(|t| t.status == TokenStatus::Active)
        .map(|t| TokenFacts {
            name: t.name,
            expires_at: t.expires_at,
            last_active: t.last_used_at.unwrap_or(t.created_at),
        })
        .collect();
    let account = if session.subuser.is_none() {
        Some(
            account_facts(
                state,
                &principal.tenant_id,
                status.required_for_all_users,
                at,
            )
            .await?,
        )
    } else {
        None
    };
    let facts = Facts {
        sms_codes: status.sms.is_some(),
        authenticator_app: status.totp.is_some(),
        recovery_codes_left: status.recovery_codes_left,
        tokens,
        account,
    };
    let limits = match &session.subuser {
        Some(access) => {
            let (id, month) = (access.id.clone(), at.format("%Y-%m").to_string());
            let used = state
                .db
                .run(move |conn| Ok(subuser_rows::points_used(conn, &id, &month)?))
                .await?;
            Some(Limits {
                points_used_this_month: used,
                monthly_points_limit: access.monthly_points_limit,
                sending_window: access.window.clone(),
            })
        }
        None => None,
    };
    Ok(Overview {
        limits,
        ..checklist(&facts, at)
    })
}

async fn account_facts(
    state: &AppState,
    account_id: &str,
    two_factor_required: bool,
    at: NaiveDateTime,
) -> ApiResult<AccountFacts> {
    let account = account_id.to_owned();
    let since = at - Duration::days(UNUSED_DAYS);
    let (api, portal, allowed, sent_to) = state
        .db
        .run(move |conn| {
            Ok((
                token_rows::list_allowlist(conn, &account)?.len(),
                portal_rows::list_entries(conn, &account)?.len(),
                sms_rows::allowed_countries(conn, &account, at)?,
                sms_rows::countries_sent_to_since(conn, &account, since)?,
            ))
        })
        .await?;
    let without_two_factor = subusers::list(state, account_id)
        .await?
        .into_iter()
        .filter(|s| s.status == SubuserStatus::Active && !s.two_factor_enabled)
        .map(|s| s.email)
        .collect();
    Ok(AccountFacts {
        api_allowlist_entries: api,
        portal_allowlist_entries: portal,
        allowed_countries: allowed,
        countries_sent_to: sent_to,
        subusers_without_two_factor: without_two_factor,
        two_factor_required,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000, 0)
            .unwrap()
            .naive_utc()
    }

    fn token(name: &str, expires: bool, idle_days: i64) -> TokenFacts {
        TokenFacts {
            name: name.to_owned(),
            expires_at: expires.then(|| at() + Duration::days(30)),
            last_active: at() - Duration::days(idle_days),
        }
    }

    fn status_of(overview: &Overview, id: SecurityCheckId) -> Option<CheckStatus> {
        overview
            .checks
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.status)
    }

    #[test]
    fn a_new_owner_is_told_to_turn_on_two_factor_first() {
        let facts = Facts {
            account: Some(AccountFacts {
                allowed_countries: vec!["PL".to_owned()],
                ..AccountFacts::default()
            }),
            ..Facts::default()
        };
        let overview = checklist(&facts, at());
        assert_eq!(overview.checks[0].id, SecurityCheckId::TwoFactor);
        assert_eq!(overview.checks[0].status, CheckStatus::Risk);
        assert_eq!(overview.checks[0].fix, "/security/two-factor");
        // Two-factor off, both allowlists empty; tokens and countries fine: 3 of 6 ok.
        assert_eq!(overview.score, 50);
        assert_eq!(
            status_of(&overview, SecurityCheckId::SubusersTwoFactor),
            None
        );
        assert_eq!(status_of(&overview, SecurityCheckId::RecoveryCodes), None);
    }

    #[test]
    fn tokens_that_never_expire_or_sit_unused_are_named() {
        let facts = Facts {
            sms_codes: true,
            tokens: vec![
                token("ci", true, 1),
                token("legacy", false, 120),
                token("crm", false, 2),
            ],
            ..Facts::default()
        };
        let overview = checklist(&facts, at());
        let find = |id| overview.checks.iter().find(|c| c.id == id).unwrap();
        let expiry = find(SecurityCheckId::TokensWithoutExpiry);
        assert_eq!(expiry.title, "2 API tokens never expire");
        assert_eq!(expiry.items, ["legacy", "crm"]);
        let unused = find(SecurityCheckId::UnusedTokens);
        assert_eq!(unused.title, "1 API token unused for 90 days");
        assert_eq!(unused.items, ["legacy"]);
        assert_eq!(find(SecurityCheckId::TwoFactor).items, ["sms"]);
        assert_eq!(overview.score, 33);
    }

    #[test]
    fn few_recovery_codes_and_countries_without_traffic_are_warnings() {
        let facts = Facts {
            authenticator_app: true,
            recovery_codes_left: 2,
            account: Some(AccountFacts {
                api_allowlist_entries: 1,
                portal_allowlist_entries: 2,
                allowed_countries: vec!["DE".to_owned(), "PL".to_owned(), "US".to_owned()],
                countries_sent_to: vec!["PL".to_owned()],
                subusers_without_two_factor: vec!["clerk@example.com".to_owned()],
                two_factor_required: false,
            }),
            ..Facts::default()
        };
        let overview = checklist(&facts, at());
        assert_eq!(overview.checks[0].id, SecurityCheckId::SubusersTwoFactor);
        assert_eq!(overview.checks[0].items, ["clerk@example.com"]);
        let find = |id| overview.checks.iter().find(|c| c.id == id).unwrap();
        assert_eq!(
            find(SecurityCheckId::RecoveryCodes).status,
            CheckStatus::Warning
        );
        assert_eq!(
            find(SecurityCheckId::RecoveryCodes).title,
            "2 recovery codes left"
        );
        assert_eq!(find(SecurityCheckId::CountryFilter).items, ["DE", "US"]);
        assert_eq!(find(SecurityCheckId::ApiAllowlist).status, CheckStatus::Ok);
    }
}
