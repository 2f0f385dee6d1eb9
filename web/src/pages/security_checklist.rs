//! The dashboard's security checklist: the API's checks of this login (and, for the
//! owner, of the account), the ones to fix first on top, each with a link to its page.

use portcullis_shared::dto::{
    CheckStatus, SecurityCheckDto, SecurityOverviewDto, SubuserLimitsDto,
};
use portcullis_shared::problem::Problem;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::app::Route;
use crate::components::{banner_message, FormBanner};
use crate::hooks::{use_i18n, use_session_calls};
use crate::i18n::Texts;
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
                    { limits.sending_window.as_ref().map_or_else(|| texts.t("limits-any-time"), window_summary) }
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
                <span class="visually-hidden">{ format!(": {}", check.title) }</span>
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
                    { check.title.clone() }
                </p>
                <p class="check-detail muted">{ check.detail.clone() }</p>
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
    use portcullis_shared::dto::SecurityCheckId;

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
            fix: "/tokens".to_owned(),
        };
        assert_eq!(check_id(&check), "tokens_without_expiry");
        assert_eq!(Route::recognize(&check.fix), Some(Route::Tokens));
        assert_eq!(score_class(50), "score-fill--mid");
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
