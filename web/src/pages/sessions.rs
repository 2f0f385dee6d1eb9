//! The sessions page: the inactivity timeout, the account's live sessions (end one, the
//! others, or all), and its login history.

use std::rc::Rc;

use portcullis_shared::dto::{LoginAttemptDto, LoginOutcome, SessionDto, SessionTimeoutDto};
use portcullis_shared::problem::Problem;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::components::{banner_message, FormBanner, SecurityTabs, SelectField};
use crate::format::{format_duration, format_timestamp};
use crate::hooks::{use_collection, use_removal, use_session, use_session_calls};
use crate::state::SessionAction;

/// The account's sessions and sign-ins. Rendered only behind `RequireSession`.
#[component]
pub fn SessionsPage() -> Html {
    let sessions = use_collection(api::list_sessions);
    let collection = sessions.get();
    let load_error = collection
        .problem
        .as_ref()
        .and_then(|p| banner_message(p, &[]))
        .map(|message| AttrValue::from(format!("Could not load the sessions. {message}")));
    let others = collection
        .items
        .as_ref()
        .map_or(0, |items| items.iter().filter(|s| !s.current).count());
    let body = match &collection.items {
        Some(items) => html! {
            <SessionTable sessions={items.clone()} on_removed={sessions.remove_callback()} />
        },
        None if collection.problem.is_none() => html! {
            <p class="loading muted" aria-busy="true">{ "Loading your sessions…" }</p>
        },
        None => Html::default(),
    };

    html! {
        <section class="sessions" data-testid="sessions">
            <div class="page-head">
                <div>
                    <p class="eyebrow">{ "Security" }</p>
                    <h1>{ "Sessions" }</h1>
                    <p class="muted lead">
                        { "Where your account is signed in to the portal right now, and every \
                           sign-in attempt. End any session you don't recognise, then change your password." }
                    </p>
                </div>
            </div>
            <SecurityTabs />
            <div class="card">
                <h2>{ "Inactivity timeout" }</h2>
                <SessionTimeoutForm />
            </div>
            <div class="card card--flush">
                <div class="card-head">
                    <h2>{ "Active sessions" }</h2>
                    <SignOutActions {others} on_done={sessions.reload_callback()} />
                </div>
                <FormBanner message={load_error} />
                { body }
            </div>
            <div class="card">
                <h2>{ "Login history" }</h2>
                <LoginHistory />
            </div>
        </section>
    }
}

/// `(value, text)` of the timeout choices.
fn timeout_options(choices: &[i64]) -> Rc<Vec<(&'static str, &'static str)>> {
    const NAMES: [(i64, &str, &str); 6] = [
        (900, "900", "15 minutes"),
        (1800, "1800", "30 minutes"),
        (3600, "3600", "1 hour"),
        (7200, "7200", "2 hours"),
        (14_400, "14400", "4 hours"),
        (28_800, "28800", "8 hours"),
    ];
    Rc::new(
        NAMES
            .iter()
            .filter(|(secs, _, _)| choices.contains(secs))
            .map(|(_, value, text)| (*value, *text))
            .collect(),
    )
}

/// The inactivity timeout select; a choice is saved at once.
#[component]
pub fn SessionTimeoutForm() -> Html {
    let calls = use_session_calls();
    let session = use_session();
    let timeout = use_state(|| None::<SessionTimeoutDto>);
    let problem = use_state(|| None::<Problem>);
    let saved = use_state(|| false);
    let saving = use_state(|| false);
    {
        let (timeout, problem, calls) = (timeout.clone(), problem.clone(), calls.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                match api::get_session_timeout().await {
                    Ok(answer) => timeout.set(Some(answer)),
                    Err(error) => problem.set(Some(calls.problem(error))),
                }
            });
        });
    }
    let on_change = {
        let (timeout, problem, saved, saving, calls, session) = (
            timeout.clone(),
            problem.clone(),
            saved.clone(),
            saving.clone(),
            calls.clone(),
            session.clone(),
        );
        Callback::from(move |value: String| {
            let Ok(secs) = value.parse::<i64>() else {
                return;
            };
            problem.set(None);
            saved.set(false);
            saving.set(true);
            let (timeout, problem, saved, saving, calls, session) = (
                timeout.clone(),
                problem.clone(),
                saved.clone(),
                saving.clone(),
                calls.clone(),
                session.clone(),
            );
            spawn_local(async move {
                match api::set_session_timeout(calls.csrf_token(), secs).await {
                    Ok(answer) => {
                        timeout.set(Some(answer));
                        saved.set(true);
                        // The current session took the new timeout too: show it everywhere.
                        if let Some(me) = session.me() {
                            let mut me = me.clone();
                            me.session.idle_timeout_secs = secs;
                            session.dispatch(SessionAction::SignedIn(Rc::new(me)));
                        }
                    }
                    Err(error) => problem.set(Some(calls.problem(error))),
                }
                saving.set(false);
            });
        })
    };
    let error = (*problem)
        .as_ref()
        .and_then(|p| {
            p.field_message("idle_timeout_secs")
                .or_else(|| banner_message(p, &[]))
        })
        .map(AttrValue::from);
    let Some(current) = (*timeout).clone() else {
        return html! {
            <>
                <FormBanner message={error} />
                <p class="loading muted" aria-busy="true">{ "Loading…" }</p>
            </>
        };
    };
    let hint = format!(
        "Portal sessions end after this long without activity. Applies to every open session at once. Server default: {}.",
        format_duration(current.default_secs)
    );
    html! {
        <div class="form">
            <SelectField id="session-timeout" label="Sign out after"
                options={timeout_options(&current.choices)}
                value={AttrValue::from(current.idle_timeout_secs.to_string())}
                disabled={*saving}
                hint={Some(AttrValue::from(hint))}
                {error} {on_change} />
            if *saved {
                <p class="muted" id="session-timeout-saved" role="status">
                    { format!("Saved: sessions end after {} of inactivity.", format_duration(current.idle_timeout_secs)) }
                </p>
            }
        </div>
    }
}

/// Props of [`SignOutActions`].
#[derive(Properties, PartialEq)]
pub struct SignOutActionsProps {
    /// How many sessions there are besides the current one.
    pub others: usize,
    /// Called after the other sessions were ended.
    pub on_done: Callback<()>,
}

/// "Log out other sessions" and "Log out everywhere".
#[component]
pub fn SignOutActions(props: &SignOutActionsProps) -> Html {
    let calls = use_session_calls();
    let session = use_session();
    let busy = use_state(|| false);
    let problem = use_state(|| None::<Problem>);

    let others = {
        let (calls, busy, problem, on_done) = (
            calls.clone(),
            busy.clone(),
            problem.clone(),
            props.on_done.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            busy.set(true);
            problem.set(None);
            let (calls, busy, problem, on_done) = (
                calls.clone(),
                busy.clone(),
                problem.clone(),
                on_done.clone(),
            );
            spawn_local(async move {
                match api::revoke_other_sessions(calls.csrf_token()).await {
                    Ok(_) => on_done.emit(()),
                    Err(error) => problem.set(Some(calls.problem(error))),
                }
                busy.set(false);
            });
        })
    };
    let everywhere = {
        let (calls, busy, problem, session) = (
            calls.clone(),
            busy.clone(),
            problem.clone(),
            session.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            busy.set(true);
            problem.set(None);
            let (calls, busy, problem, session) = (
                calls.clone(),
                busy.clone(),
                problem.clone(),
                session.clone(),
            );
            spawn_local(async move {
                match api::revoke_all_sessions(calls.csrf_token()).await {
                    // This session ended too: the route guard opens the login page.
                    Ok(_) => session.dispatch(SessionAction::SignedOut),
                    Err(error) => {
                        problem.set(Some(calls.problem(error)));
                        busy.set(false);
                    }
                }
            });
        })
    };
    let error = (*problem).as_ref().and_then(|p| banner_message(p, &[]));
    html! {
        <div class="actions">
            <button id="revoke-others" type="button" class="button button--secondary button--small"
                disabled={*busy || props.others == 0} onclick={others}>
                { "Log out other sessions" }
            </button>
            <button id="revoke-all" type="button" class="button button--danger button--small"
                disabled={*busy} onclick={everywhere}>
                { "Log out everywhere" }
            </button>
            if let Some(error) = error {
                <p class="row-error" role="alert">{ error }</p>
            }
        </div>
    }
}

/// Props of [`SessionTable`].
#[derive(Properties, PartialEq)]
pub struct SessionTableProps {
    /// The sessions, the current one first.
    pub sessions: Rc<Vec<SessionDto>>,
    /// Called with the id of a session that ended.
    pub on_removed: Callback<String>,
}

/// The sessions as a table: device, address, signed in, last active, and a Remove button
/// (the current one is marked instead).
#[component]
pub fn SessionTable(props: &SessionTableProps) -> Html {
    html! {
        <div class="table-scroll">
        <table class="table" id="sessions-table">
            <thead>
                <tr>
                    <th scope="col">{ "Device" }</th>
                    <th scope="col">{ "Address" }</th>
                    <th scope="col">{ "Signed in" }</th>
                    <th scope="col">{ "Last active" }</th>
                    <th scope="col" aria-label="Actions"></th>
                </tr>
            </thead>
            <tbody>
                for session in props.sessions.iter() {
                    <SessionRow key={session.id.clone()} session={session.clone()}
                        on_removed={props.on_removed.clone()} />
                }
            </tbody>
        </table>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct SessionRowProps {
    session: SessionDto,
    on_removed: Callback<String>,
}

#[component]
fn SessionRow(props: &SessionRowProps) -> Html {
    let session = &props.session;
    let removal = use_removal(
        &session.id,
        |csrf, id| async move { api::revoke_session(&csrf, &id).await },
        props.on_removed.clone(),
    );

    html! {
        <tr data-session-id={session.id.clone()} class={classes!(session.current.then_some("session--current"))}>
            <td>
                <span class="session-device" title={session.user_agent.clone()}>{ session.device.clone() }</span>
                if session.current {
                    { " " }<span class="badge badge--new session-current">{ "This session" }</span>
                }
            </td>
            <td><code class="session-ip">{ session.ip.clone() }</code></td>
            <td>{ format_timestamp(&session.created_at) }</td>
            <td>{ if session.current { "Now".to_owned() } else { format_timestamp(&session.last_seen_at) } }</td>
            <td>
                if !session.current {
                    <button type="button" class="button button--ghost-danger button--small session-remove"
                        aria-label={format!("Log out {} at {}", session.device, session.ip)}
                        disabled={removal.busy} onclick={removal.start}>
                        { if removal.busy { "Logging out…" } else { "Log out" } }
                    </button>
                }
                if let Some(error) = removal.error {
                    <p class="row-error" role="alert">{ error }</p>
                }
            </td>
        </tr>
    }
}

/// The words the page shows for each outcome.
pub fn outcome_label(outcome: LoginOutcome) -> &'static str {
    match outcome {
        LoginOutcome::Succeeded => "Signed in",
        LoginOutcome::WrongPassword => "Wrong password",
        LoginOutcome::SecondFactorFailed => "Second factor failed",
        LoginOutcome::NewDeviceFailed => "New device not confirmed",
        LoginOutcome::IpBlocked => "Blocked: address not allowed",
        LoginOutcome::Locked => "Blocked: sign-in locked",
        LoginOutcome::Unknown => "Failed",
    }
}

/// The login history, newest first, with "load older" paging.
#[component]
pub fn LoginHistory() -> Html {
    let calls = use_session_calls();
    let attempts = use_state(Vec::<LoginAttemptDto>::new);
    let next_cursor = use_state(|| None::<String>);
    let loading = use_state(|| true);
    let problem = use_state(|| None::<Problem>);

    let load = {
        let (calls, attempts, next_cursor, loading, problem) = (
            calls.clone(),
            attempts.clone(),
            next_cursor.clone(),
            loading.clone(),
            problem.clone(),
        );
        Callback::from(move |cursor: Option<String>| {
            loading.set(true);
            problem.set(None);
            let (calls, attempts, next_cursor, loading, problem) = (
                calls.clone(),
                attempts.clone(),
                next_cursor.clone(),
                loading.clone(),
                problem.clone(),
            );
            spawn_local(async move {
                match api::login_history(cursor.as_deref()).await {
                    Ok(page) => {
                        let mut shown = if cursor.is_some() {
                            (*attempts).clone()
                        } else {
                            Vec::new()
                        };
                        shown.extend(page.attempts);
                        attempts.set(shown);
                        next_cursor.set(page.next_cursor);
                    }
                    Err(error) => problem.set(Some(calls.problem(error))),
                }
                loading.set(false);
            });
        })
    };
    {
        let load = load.clone();
        use_effect_with((), move |_| load.emit(None));
    }
    let on_older = {
        let (load, next_cursor) = (load.clone(), next_cursor.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(cursor) = (*next_cursor).clone() {
                load.emit(Some(cursor));
            }
        })
    };
    let banner = (*problem)
        .as_ref()
        .and_then(|p| banner_message(p, &[]))
        .map(|message| AttrValue::from(format!("Could not load the login history. {message}")));

    html! {
        <>
            <FormBanner message={banner} />
            <LoginHistoryTable attempts={Rc::new((*attempts).clone())} loading={*loading} />
            if next_cursor.is_some() {
                <button id="login-history-older" type="button" class="button button--secondary"
                    onclick={on_older} disabled={*loading}>
                    { "Load older sign-ins" }
                </button>
            }
        </>
    }
}

/// Props of [`LoginHistoryTable`].
#[derive(Properties, PartialEq)]
pub struct LoginHistoryTableProps {
    /// The attempts, newest first.
    pub attempts: Rc<Vec<LoginAttemptDto>>,
    /// A page is being fetched.
    #[prop_or_default]
    pub loading: bool,
}

/// Sign-in attempts as a table: when, result, address, device.
#[component]
pub fn LoginHistoryTable(props: &LoginHistoryTableProps) -> Html {
    if props.attempts.is_empty() {
        let text = if props.loading {
            "Loading…"
        } else {
            "No sign-in attempts yet."
        };
        return html! { <p class="muted" id="login-history-empty">{ text }</p> };
    }
    html! {
        <div class="table-scroll">
        <table class="table" id="login-history-table">
            <thead>
                <tr>
                    <th scope="col">{ "When" }</th>
                    <th scope="col">{ "Result" }</th>
                    <th scope="col">{ "Address" }</th>
                    <th scope="col">{ "Device" }</th>
                </tr>
            </thead>
            <tbody>
                for attempt in props.attempts.iter() {
                    <tr key={attempt.id.clone()} data-outcome={attempt.outcome.as_str()}>
                        <td><time datetime={attempt.at.clone()}>{ format_timestamp(&attempt.at) }</time></td>
                        <td>
                            <span class={classes!("badge", if attempt.succeeded { "badge--ok" } else { "badge--failed" })}>
                                { outcome_label(attempt.outcome) }
                            </span>
                        </td>
                        <td><code>{ attempt.ip.clone().unwrap_or_default() }</code></td>
                        <td title={attempt.user_agent.clone().unwrap_or_default()}>{ attempt.device.clone() }</td>
                    </tr>
                }
            </tbody>
        </table>
        </div>
    }
}
