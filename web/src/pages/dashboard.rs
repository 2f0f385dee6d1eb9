use portcullis_shared::dto::MeResponse;
use portcullis_shared::validate;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::components::{banner_message, FormBanner};
use crate::hooks::{use_form_problem, use_session};
use crate::state::SessionAction;

/// The signed-in account's overview. Rendered only behind `RequireSession`.
#[component]
pub fn DashboardPage() -> Html {
    let session = use_session();
    let problem = use_form_problem();
    let logging_out = use_state(|| false);
    let Some(me) = session.me().cloned() else {
        return Html::default();
    };

    let onclick = {
        let csrf_token = me.session.csrf_token.clone();
        let (session, problem, logging_out) =
            (session.clone(), problem.clone(), logging_out.clone());
        Callback::from(move |_: MouseEvent| {
            logging_out.set(true);
            problem.set(None);
            let (csrf_token, session, problem, logging_out) = (
                csrf_token.clone(),
                session.clone(),
                problem.clone(),
                logging_out.clone(),
            );
            spawn_local(async move {
                match api::logout(&csrf_token).await {
                    // The session is gone either way; the route guard opens the login page.
                    Ok(()) => session.dispatch(SessionAction::SignedOut),
                    Err(err) if err.is_signed_out() => session.dispatch(SessionAction::SignedOut),
                    Err(err) => {
                        problem.set(Some(err.into_problem()));
                        logging_out.set(false);
                    }
                }
            });
        })
    };
    let banner = problem
        .get()
        .and_then(|p| banner_message(p, &[]))
        .map(|message| AttrValue::from(format!("Could not log out. {message}")));

    html! {
        <section class="dashboard" data-testid="dashboard">
            <div class="page-head">
                <div>
                    <p class="eyebrow">{ "Dashboard" }</p>
                    <h1>{ "Your account" }</h1>
                </div>
                <button id="logout" type="button" class="button button--secondary"
                    onclick={onclick} disabled={*logging_out}>
                    { if *logging_out { "Logging out…" } else { "Log out" } }
                </button>
            </div>
            <FormBanner message={banner} />
            <AccountOverview me={me} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct AccountOverviewProps {
    me: MeResponse,
}

#[component]
fn AccountOverview(props: &AccountOverviewProps) -> Html {
    let MeResponse { account, session } = &props.me;
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

/// Groups thousands: `12,500`.
fn format_points(points: i64) -> String {
    let digits = points.unsigned_abs().to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if points < 0 {
        grouped.insert(0, '-');
    }
    grouped
}

/// `2026-11-22T09:05:00Z` as `22 Nov 2026, 09:05 UTC`; anything unexpected is shown as sent.
fn format_timestamp(rfc3339: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let parts = (|| {
        let year = rfc3339.get(0..4)?;
        let month: usize = rfc3339.get(5..7)?.parse().ok()?;
        let day: u8 = rfc3339.get(8..10)?.parse().ok()?;
        let time = rfc3339.get(11..16)?;
        let well_formed = year.bytes().all(|b| b.is_ascii_digit())
            && rfc3339.as_bytes().get(4) == Some(&b'-')
            && matches!(rfc3339.as_bytes().get(10), Some(b'T' | b't' | b' '))
            && time.as_bytes()[2] == b':';
        let zone = rfc3339
            .get(19..)?
            .trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
        let zone = match zone {
            "Z" | "z" | "+00:00" => "UTC".to_owned(),
            other => format!("UTC{other}"),
        };
        let month = MONTHS.get(month.checked_sub(1)?)?;
        well_formed.then(|| format!("{day} {month} {year}, {time} {zone}"))
    })();
    parts.unwrap_or_else(|| rfc3339.to_owned())
}

/// `1800` as `30 minutes`, `3600` as `1 hour`.
fn format_duration(secs: i64) -> String {
    let (amount, unit) = if secs > 0 && secs % 3600 == 0 {
        (secs / 3600, "hour")
    } else if secs > 0 && secs % 60 == 0 {
        (secs / 60, "minute")
    } else {
        (secs, "second")
    };
    let plural = if amount == 1 { "" } else { "s" };
    format!("{amount} {unit}{plural}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_grouped_by_thousands() {
        assert_eq!(format_points(0), "0");
        assert_eq!(format_points(999), "999");
        assert_eq!(format_points(12_500), "12,500");
        assert_eq!(format_points(1_234_567), "1,234,567");
        assert_eq!(format_points(-4_000), "-4,000");
    }

    #[test]
    fn timestamps_read_like_dates() {
        assert_eq!(
            format_timestamp("2026-11-22T09:05:07Z"),
            "22 Nov 2026, 09:05 UTC"
        );
        assert_eq!(
            format_timestamp("2026-01-02T03:04:05.123456Z"),
            "2 Jan 2026, 03:04 UTC"
        );
        assert_eq!(
            format_timestamp("2026-01-02T03:04:05+02:00"),
            "2 Jan 2026, 03:04 UTC+02:00"
        );
        assert_eq!(format_timestamp("yesterday"), "yesterday");
        assert_eq!(
            format_timestamp("2026-13-02T03:04:05Z"),
            "2026-13-02T03:04:05Z"
        );
    }

    #[test]
    fn durations_use_the_largest_whole_unit() {
        assert_eq!(format_duration(1800), "30 minutes");
        assert_eq!(format_duration(3600), "1 hour");
        assert_eq!(format_duration(7200), "2 hours");
        assert_eq!(format_duration(90), "90 seconds");
        assert_eq!(format_duration(60), "1 minute");
    }

    #[test]
    fn countries_show_their_name() {
        assert_eq!(country_label("PL"), "Poland (PL)");
        assert_eq!(country_label("ZZ"), "ZZ");
    }
}
