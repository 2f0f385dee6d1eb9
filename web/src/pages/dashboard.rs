use portcullis_shared::dto::MeResponse;
use portcullis_shared::validate;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::{FormBanner, LogoutButton};
use crate::format::{format_duration, format_points, format_timestamp};
use crate::hooks::{use_logout, use_session};
use crate::pages::security_checklist::SecurityChecklist;

/// The signed-in account's overview. Rendered only behind `RequireSession`.
#[component]
pub fn DashboardPage() -> Html {
    let session = use_session();
    let logout = use_logout();
    let Some(me) = session.me().cloned() else {
        return Html::default();
    };

    html! {
        <section class="dashboard" data-testid="dashboard">
            <div class="page-head">
                <div>
                    <p class="eyebrow">{ "Dashboard" }</p>
                    <h1>{ "Your account" }</h1>
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
    html! {
        <div class="card activity-link" id="activity-link">
            <h2>{ "Activity" }</h2>
            <p class="muted">
                { "Points spent and sign-ins per day, refused API calls and where your messages went, as charts." }
            </p>
            <Link<Route> to={Route::Activity} classes="button button--secondary">{ "See your activity" }</Link<Route>>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct AccountOverviewProps {
    me: MeResponse,
}

#[component]
fn AccountOverview(props: &AccountOverviewProps) -> Html {
    let MeResponse {
        account, session, ..
    } = &props.me;
    html! {
        <>
            <div class="stats">
                <div class="card stat">
                    <span class="stat-label">{ "Points balance" }</span>
                    <span class="stat-value" id="points-balance">{ format_points(account.points_balance) }</span>
                    <span class="stat-note">{ "Prepaid credit for sending messages" }</span>
                </div>
                <div class="card stat">
                    <span class="stat-label">{ "Session expires" }</span>
                    <span class="stat-value stat-value--small" id="session-expires">
                        { format_timestamp(&session.expires_at) }
                    </span>
                    <span class="stat-note">
                        { format!("Or after {} of inactivity", format_duration(session.idle_timeout_secs)) }
                    </span>
                </div>
            </div>
            <div class="card">
                <h2>{ "Account details" }</h2>
                <dl class="details">
                    <dt>{ "E-mail" }</dt>
                    <dd id="account-email">{ account.email.clone() }</dd>
                    <dt>{ "Account ID" }</dt>
                    <dd id="account-id"><code>{ account.id.clone() }</code></dd>
                    <dt>{ "Mobile phone" }</dt>
                    <dd id="account-phone">
                        { match &account.phone {
                            Some(phone) => html! { phone.clone() },
                            None => html! { <span class="muted">{ "Not set" }</span> },
                        } }
                    </dd>
                    <dt>{ "Country" }</dt>
                    <dd id="account-country">{ country_label(&account.country) }</dd>
                    <dt>{ "Created" }</dt>
                    <dd id="account-created">{ format_timestamp(&account.created_at) }</dd>
                </dl>
            </div>
            <div class="card">
                <h2>{ "This session" }</h2>
                <dl class="details">
                    <dt>{ "Signed in" }</dt>
                    <dd id="session-created">{ format_timestamp(&session.created_at) }</dd>
                    <dt>{ "Ends at the latest" }</dt>
                    <dd>{ format_timestamp(&session.expires_at) }</dd>
                    <dt>{ "Inactivity timeout" }</dt>
                    <dd id="session-idle-timeout">{ format_duration(session.idle_timeout_secs) }</dd>
                </dl>
            </div>
        </>
    }
}

/// `"Poland (PL)"`, or the bare code for one the picker does not know.
fn country_label(code: &str) -> String {
    validate::countries()
        .into_iter()
        .find(|(alpha2, _)| *alpha2 == code)
        .map(|(alpha2, name)| format!("{name} ({alpha2})"))
        .unwrap_or_else(|| code.to_owned())
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
