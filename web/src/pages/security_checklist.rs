//! The dashboard's security checklist: the API's checks of this login (and, for the
//! owner, of the account), the ones to fix first on top, each with a link to its page.

use portcullis_shared::dto::{
    CheckStatus, SecurityCheckDto, SecurityCheckId, SecurityOverviewDto, SubuserLimitsDto,
};
use portcullis_shared::problem::Problem;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::app::Route;
use crate::components::{banner_message, FormBanner};
use crate::hooks::{use_i18n, use_session_calls};
use crate::i18n::{msg, MessageId, Texts};
use crate::pages::subusers::window_summary;

/// The checklist card; it reads the overview when it mounts.
#[component]
pub fn SecurityChecklist() -> Html {
    let calls = use_session_calls();
    let texts = use_i18n();
    let overview = use_state(|| None::<SecurityOverviewDto>);
    let problem = use_state(|| None::<Problem>);
    {
        let (overview, problem) = (overview.clone(), problem.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                match api::security_overview().await {
                    Ok(found) => overview.set(Some(found)),
                    Err(error) => problem.set(Some(calls.problem(error))),
                }
            });
        });
    }
    let error = (*problem)
        .as_ref()
        .and_then(|p| banner_message(p, &[]))
        .map(|message| {
            AttrValue::from(texts.t_args("checklist-failed", &[("reason", message.into())]))
        });
    let body = match &*overview {
        Some(overview) => {
            let to_fix = overview
                .checks
                .iter()
                .filter(|c| c.status != CheckStatus::Ok)
                .count();
            html! {
                <>
                    <div class="score">
                        <span class="score-value" id="security-score">{ format!("{} / 100", overview.score) }</span>
                        // A native meter: the portal's CSP allows no inline style for a width.
                        <meter class={classes!("score-bar", score_class(overview.score))}
                            aria-label={texts.t("checklist-score-label")} min="0" max="100" low="50" high="85"
                            optimum="100" value={overview.score.to_string()}>
                            { format!("{} / 100", overview.score) }
                        </meter>
                        <span class="muted" id="security-summary">{ summary(to_fix, texts) }</span>
                    </div>
                    <ul class="checklist" id="security-checklist">
                        for check in overview.checks.iter() {
                            <CheckItem check={check.clone()} />
                        }
                    </ul>
                </>
            }
        }
        None if problem.is_none() => html! {
            <p class="loading muted" aria-busy="true">{ texts.t("checklist-checking") }</p>
        },
        None => Html::default(),
    };
    let limits = (*overview).as_ref().and_then(|o| o.limits.clone());
    html! {
        <>
            if let Some(limits) = limits {
                <YourLimits {limits} />
            }
            <div class="card" id="security-overview">
                <h2>{ texts.t("checklist-title") }</h2>
                <FormBanner message={error} />
                { body }
            </div>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct YourLimitsProps {
    limits: SubuserLimitsDto,
}

/// A subuser's own limits, set by the account's owner, and what they spent.
#[component]
fn YourLimits(props: &YourLimitsProps) -> Html {
    let texts = use_i18n();
    let limits = &props.limits;
    html! {
        <div class="card" id="your-limits">
            <h2>{ texts.t("limits-title") }</h2>
            <dl class="details">
                <dt>{ texts.t("limits-points") }</dt>
                <dd id="your-points">
                    { points_text(limits.points_used_this_month, limits.monthly_points_limit, texts) }
                    if let Some(limit) = limits.monthly_points_limit {
                        <meter class="score-bar usage-bar" aria-label={texts.t("limits-points-label")}
                            min="0" max={limit.to_string()} high={(limit * 8 / 10).to_string()}
                            optimum="0" value={limits.points_used_this_month.to_string()}>
                        </meter>
                    }
                </dd>
                <dt>{ texts.t("limits-window") }</dt>
                <dd id="your-window">
                    { limits.sending_window.as_ref().map_or_else(|| texts.t("limits-any-time"), |window| window_summary(window, texts)) }
                </dd>
            </dl>
            <p class="muted">{ texts.t("limits-owner-sets") }</p>
        </div>
    }
}

/// "120 of 1,000 points used", or without a limit "120 points used, no monthly limit".
pub fn points_text(used: i64, limit: Option<i64>, texts: Texts) -> String {
    match limit {
        Some(limit) => texts.t_args(
            "limits-used-of",
            &[("used", used.into()), ("limit", limit.into())],
        ),
        None => texts.t_args("limits-used-unlimited", &[("used", used.into())]),
    }
}

#[derive(Properties, PartialEq)]
struct CheckItemProps {
    check: SecurityCheckDto,
}

#[component]
fn CheckItem(props: &CheckItemProps) -> Html {
    let texts = use_i18n();
    let check = &props.check;
    let (title, detail) = check_words(check, texts);
    let (mark, class, link_text, label) = match check.status {
        CheckStatus::Ok => (
            "✓",
            "check--ok",
            texts.t("checklist-review"),
            texts.t("checklist-done"),
        ),
        CheckStatus::Warning => (
            "!",
            "check--warning",
            texts.t("checklist-fix"),
            texts.t("checklist-worth-fixing"),
        ),
        CheckStatus::Risk => (
            "✕",
            "check--risk",
            texts.t("checklist-fix-now"),
            texts.t("checklist-fix-first"),
        ),
    };
    let link = match Route::recognize(&check.fix) {
        Some(route) if route != Route::NotFound => html! {
            <Link<Route> to={route} classes="check-fix">
                { link_text }
                <span class="visually-hidden">{ format!(": {title}") }</span>
            </Link<Route>>
        },
        _ => Html::default(),
    };
    html! {
        <li class={classes!("check", class)} data-check={check_id(check)}>
            <span class="check-mark" aria-hidden="true">{ mark }</span>
            <div class="check-body">
                <p class="check-title">
                    <span class="visually-hidden">{ format!("{label}: ") }</span>
                    { title.clone() }
                </p>
                <p class="check-detail muted">{ detail }</p>
                if !check.items.is_empty() && check.status != CheckStatus::Ok {
                    <p class="check-items">
                        for item in check.items.iter() { <span class="chip">{ item.clone() }</span> }
                    </p>
                }
            </div>
            { link }
        </li>
    }
}

/// A check's title and detail in the portal's words, from what it looks at, how it
/// stands and what it counts (the API's English words are for integrators).
pub fn check_words(check: &SecurityCheckDto, texts: Texts) -> (String, String) {
    let counted = |id: MessageId| texts.msg_args(id, &[("count", check.count.into())]);
    let warned = check.status != CheckStatus::Ok;
    let pair = |title: MessageId, detail: MessageId| (texts.msg(title), texts.msg(detail));
    match check.id {
        SecurityCheckId::TwoFactor if warned => pair(
            msg("check-two-factor-off"),
            msg("check-two-factor-off-detail"),
        ),
        SecurityCheckId::TwoFactor => {
            let names: Vec<String> = check
                .items
                .iter()
                .map(|method| match method.as_str() {
                    "authenticator_app" => texts.t("check-method-app"),
                    "sms" => texts.t("check-method-sms"),
                    other => other.to_owned(),
                })
                .collect();
            let methods = names
                .into_iter()
                .reduce(|first, second| {
                    texts.t_args(
                        "check-method-or",
                        &[("first", first.into()), ("second", second.into())],
                    )
                })
                .unwrap_or_default();
            (
                texts.t("check-two-factor-on"),
                texts.t_args("check-two-factor-on-detail", &[("methods", methods.into())]),
            )
        }
        SecurityCheckId::RecoveryCodes => (
            counted(msg("check-recovery-codes")),
            texts.msg(if warned {
                msg("check-recovery-codes-few-detail")
            } else {
                msg("check-recovery-codes-detail")
            }),
        ),
        SecurityCheckId::TokensWithoutExpiry if warned => (
            counted(msg("check-tokens-never-expire")),
            texts.t("check-tokens-never-expire-detail"),
        ),
        SecurityCheckId::TokensWithoutExpiry => pair(
            msg("check-tokens-expire"),
            msg("check-tokens-expire-detail"),
        ),
        SecurityCheckId::UnusedTokens if warned => (
            counted(msg("check-tokens-unused")),
            texts.t("check-tokens-unused-detail"),
        ),
        SecurityCheckId::UnusedTokens => {
            pair(msg("check-tokens-used"), msg("check-tokens-used-detail"))
        }
        SecurityCheckId::ApiAllowlist if warned => pair(
            msg("check-api-allowlist-empty"),
            msg("check-api-allowlist-empty-detail"),
        ),
        SecurityCheckId::ApiAllowlist => (
            texts.t("check-api-allowlist-set"),
            counted(msg("check-allowlist-entries")),
        ),
        SecurityCheckId::PortalAllowlist if warned => pair(
            msg("check-portal-allowlist-empty"),
            msg("check-portal-allowlist-empty-detail"),
        ),
        SecurityCheckId::PortalAllowlist => (
            texts.t("check-portal-allowlist-set"),
            counted(msg("check-allowlist-entries")),
        ),
        SecurityCheckId::CountryFilter if warned => (
            counted(msg("check-countries-unused")),
            texts.t("check-countries-unused-detail"),
        ),
        SecurityCheckId::CountryFilter => pair(
            msg("check-countries-narrow"),
            msg("check-countries-narrow-detail"),
        ),
        SecurityCheckId::SubusersTwoFactor if warned => (
            counted(msg("check-subusers-without")),
            texts.t("check-subusers-without-detail"),
        ),
        SecurityCheckId::SubusersTwoFactor => pair(
            msg("check-subusers-two-factor"),
            msg("check-subusers-two-factor-detail"),
        ),
    }
}

/// The check's stable name (`two_factor`), for tests and styles.
fn check_id(check: &SecurityCheckDto) -> String {
    serde_json::to_value(check.id)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// "2 things to fix", or that there are none.
pub fn summary(to_fix: usize, texts: Texts) -> String {
    texts.t_args("checklist-summary", &[("count", to_fix.into())])
}

fn score_class(score: u8) -> &'static str {
    match score {
        0..=49 => "score-fill--low",
        50..=84 => "score-fill--mid",
        _ => "score-fill--high",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_what_to_fix_and_the_id_is_its_wire_name() {
        assert_eq!(summary(0, Texts::default()), "Nothing to fix.");
        assert_eq!(summary(2, Texts::default()), "2 things to fix.");
        let pl = Texts::new(portcullis_shared::dto::Language::Pl);
        assert_eq!(summary(3, pl), "3 rzeczy do poprawienia.");
        let check = SecurityCheckDto {
            id: SecurityCheckId::TokensWithoutExpiry,
            status: CheckStatus::Warning,
            title: String::new(),
            detail: String::new(),
            items: Vec::new(),
            count: 0,
            fix: "/tokens".to_owned(),
        };
        assert_eq!(check_id(&check), "tokens_without_expiry");
        assert_eq!(Route::recognize(&check.fix), Some(Route::Tokens));
        assert_eq!(score_class(50), "score-fill--mid");
    }

    fn a_check(
        id: SecurityCheckId,
        status: CheckStatus,
        items: &[&str],
        count: u32,
    ) -> SecurityCheckDto {
        SecurityCheckDto {
            id,
            status,
            title: "English from the API".to_owned(),
            detail: String::new(),
            items: items.iter().map(|i| (*i).to_owned()).collect(),
            count,
            fix: "/tokens".to_owned(),
        }
    }

    #[test]
    fn checks_are_worded_in_the_portals_language_from_what_they_count() {
        use portcullis_shared::dto::Language;
        let (en, pl) = (Texts::new(Language::En), Texts::new(Language::Pl));
        let tokens = a_check(
            SecurityCheckId::TokensWithoutExpiry,
            CheckStatus::Warning,
            &["a", "b", "c"],
            3,
        );
        assert_eq!(check_words(&tokens, en).0, "3 API tokens never expire");
        assert_eq!(
            check_words(&tokens, pl).0,
            "3 tokeny API nigdy nie wygasają"
        );
        let methods = a_check(
            SecurityCheckId::TwoFactor,
            CheckStatus::Ok,
            &["authenticator_app", "sms"],
            2,
        );
        assert_eq!(
            check_words(&methods, en).1,
            "Signing in needs your password and an authenticator app or SMS codes."
        );
        assert_eq!(
            check_words(&methods, pl).1,
            "Logowanie wymaga hasła oraz aplikacji uwierzytelniającej lub kodu SMS."
        );
        let codes = a_check(SecurityCheckId::RecoveryCodes, CheckStatus::Warning, &[], 2);
        assert_eq!(check_words(&codes, pl).0, "Zostały 2 kody odzyskiwania");
        let entries = a_check(SecurityCheckId::PortalAllowlist, CheckStatus::Ok, &[], 5);
        assert_eq!(
            check_words(&entries, pl).1,
            "Dozwolonych jest 5 adresów lub zakresów."
        );
    }

    #[test]
    fn usage_reads_against_the_limit() {
        assert_eq!(
            points_text(120, Some(1000), Texts::default()),
            "120 of 1,000 points used"
        );
        assert_eq!(
            points_text(0, None, Texts::default()),
            "0 points used, no monthly limit"
        );
    }

    #[test]
    fn every_fix_the_api_names_is_a_page_of_the_portal() {
        use portcullis_shared::routes;
        for path in [
            routes::TWO_FACTOR_PAGE,
            routes::TOKENS_PAGE,
            routes::API_ALLOWLIST_PAGE,
            routes::PORTAL_ALLOWLIST_PAGE,
            routes::COUNTRY_FILTER_PAGE,
        ] {
            let route = Route::recognize(path);
            assert!(
                route.is_some_and(|r| r != Route::NotFound),
                "{path} is not a portal page"
            );
        }
    }
}
