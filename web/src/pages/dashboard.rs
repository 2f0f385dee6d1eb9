use portcullis_shared::dto::MeResponse;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::{FormBanner, LogoutButton};
use crate::format::{format_duration_in, format_points_in, format_timestamp_in};
use crate::hooks::{use_i18n, use_logout, use_session};
use crate::pages::country_filter::country_name;
use crate::pages::security_checklist::SecurityChecklist;

/// The signed-in account's overview. Rendered only behind `RequireSession`.
#[component]
pub fn DashboardPage() -> Html {
    let session = use_session();
    let texts = use_i18n();
    let logout = use_logout();
    let Some(me) = session.me().cloned() else {
        return Html::default();
    };

    html! {
        <section class="dashboard" data-testid="dashboard">
            <div class="page-head">
                <div>
                    <p class="eyebrow">{ texts.t("dashboard-eyebrow") }</p>
                    <h1>{ texts.t("dashboard-title") }</h1>
                </div>
                <LogoutButton logout={logout.clone()} />
            </div>
            <FormBanner message={logout.banner.clone()} />
            <SecurityChecklist />
            <ActivityLink />
            <AccountOverview me={me} />
        </section>
    }
}

/// Where the activity charts are.
#[component]
fn ActivityLink() -> Html {
    let texts = use_i18n();
    html! {
        <div class="card activity-link" id="activity-link">
            <h2>{ texts.t("dashboard-activity-title") }</h2>
            <p class="muted">{ texts.t("dashboard-activity-text") }</p>
            <Link<Route> to={Route::Activity} classes="button button--secondary">
                { texts.t("dashboard-activity-link") }
            </Link<Route>>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct AccountOverviewProps {
    me: MeResponse,
}

#[component]
fn AccountOverview(props: &AccountOverviewProps) -> Html {
    let texts = use_i18n();
    let MeResponse {
        account, session, ..
    } = &props.me;
    html! {
        <>
            <div class="stats">
                <div class="card stat">
                    <span class="stat-label">{ texts.t("dashboard-points-balance") }</span>
                    <span class="stat-value" id="points-balance">
                        { format_points_in(account.points_balance, texts.language()) }
                    </span>
                    <span class="stat-note">{ texts.t("dashboard-points-note") }</span>
                </div>
                <div class="card stat">
                    <span class="stat-label">{ texts.t("dashboard-session-expires") }</span>
                    <span class="stat-value stat-value--small" id="session-expires">
                        { format_timestamp_in(&session.expires_at, texts) }
                    </span>
                    <span class="stat-note">
                        { texts.t_args("dashboard-idle-note", &[(
                            "duration",
                            format_duration_in(session.idle_timeout_secs, texts).into(),
                        )]) }
                    </span>
                </div>
            </div>
            <div class="card">
                <h2>{ texts.t("dashboard-account-details") }</h2>
                <dl class="details">
                    <dt>{ texts.t("dashboard-email") }</dt>
                    <dd id="account-email">{ account.email.clone() }</dd>
                    <dt>{ texts.t("dashboard-account-id") }</dt>
                    <dd id="account-id"><code>{ account.id.clone() }</code></dd>
                    <dt>{ texts.t("dashboard-phone") }</dt>
                    <dd id="account-phone">
                        { match &account.phone {
                            Some(phone) => html! { phone.clone() },
                            None => html! { <span class="muted">{ texts.t("dashboard-not-set") }</span> },
                        } }
                    </dd>
                    <dt>{ texts.t("dashboard-country") }</dt>
                    <dd id="account-country">{ country_label(&account.country) }</dd>
                    <dt>{ texts.t("dashboard-created") }</dt>
                    <dd id="account-created">{ format_timestamp_in(&account.created_at, texts) }</dd>
                </dl>
            </div>
            <div class="card">
                <h2>{ texts.t("dashboard-this-session") }</h2>
                <dl class="details">
                    <dt>{ texts.t("dashboard-signed-in") }</dt>
                    <dd id="session-created">{ format_timestamp_in(&session.created_at, texts) }</dd>
                    <dt>{ texts.t("dashboard-ends-at-latest") }</dt>
                    <dd>{ format_timestamp_in(&session.expires_at, texts) }</dd>
                    <dt>{ texts.t("dashboard-inactivity-timeout") }</dt>
                    <dd id="session-idle-timeout">{ format_duration_in(session.idle_timeout_secs, texts) }</dd>
                </dl>
            </div>
        </>
    }
}

/// `"Poland (PL)"` in the portal's language, or the bare code for one the picker does
/// not know.
fn country_label(code: &str) -> String {
    match country_name(code) {
        name if name != code => format!("{name} ({code})"),
        _ => code.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_show_their_name() {
        assert_eq!(country_label("PL"), "Poland (PL)");
        assert_eq!(country_label("ZZ"), "ZZ");
    }
}
