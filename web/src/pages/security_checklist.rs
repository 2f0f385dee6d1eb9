//! The dashboard's security checklist: the API's checks of this login (and, for the
//! owner, of the account), the ones to fix first on top, each with a link to its page.

use portcullis_shared::dto::{CheckStatus, SecurityCheckDto, SecurityOverviewDto};
use portcullis_shared::problem::Problem;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::app::Route;
use crate::components::{banner_message, FormBanner};
use crate::hooks::use_session_calls;

/// The checklist card; it reads the overview when it mounts.
#[component]
pub fn SecurityChecklist() -> Html {
    let calls = use_session_calls();
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
            AttrValue::from(format!("Could not check your security settings. {message}"))
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
                            aria-label="Security score" min="0" max="100" low="50" high="85"
                            optimum="100" value={overview.score.to_string()}>
                            { format!("{} / 100", overview.score) }
                        </meter>
                        <span class="muted" id="security-summary">{ summary(to_fix) }</span>
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
            <p class="loading muted" aria-busy="true">{ "Checking your security settings…" }</p>
        },
        None => Html::default(),
    };
    html! {
        <div class="card" id="security-overview">
            <h2>{ "Security checklist" }</h2>
            <FormBanner message={error} />
            { body }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct CheckItemProps {
    check: SecurityCheckDto,
}

#[component]
fn CheckItem(props: &CheckItemProps) -> Html {
    let check = &props.check;
    let (mark, class, link_text) = match check.status {
        CheckStatus::Ok => ("✓", "check--ok", "Review"),
        CheckStatus::Warning => ("!", "check--warning", "Fix"),
        CheckStatus::Risk => ("✕", "check--risk", "Fix now"),
    };
    let label = match check.status {
        CheckStatus::Ok => "Done",
        CheckStatus::Warning => "Worth fixing",
        CheckStatus::Risk => "Fix first",
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
pub fn summary(to_fix: usize) -> String {
    match to_fix {
        0 => "Nothing to fix.".to_owned(),
        1 => "1 thing to fix.".to_owned(),
        n => format!("{n} things to fix."),
    }
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
        assert_eq!(summary(0), "Nothing to fix.");
        assert_eq!(summary(2), "2 things to fix.");
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
