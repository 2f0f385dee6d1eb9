//! The account's sign-in attempts, newest first.

use std::rc::Rc;

use portcullis_shared::dto::{LoginAttemptDto, LoginOutcome};
use portcullis_shared::problem::Problem;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::components::{banner_message, FormBanner};
use crate::format::format_timestamp_in;
use crate::hooks::{use_i18n, use_session_calls};
use crate::i18n::Texts;

/// The words the page shows for each outcome.
pub fn outcome_label(outcome: LoginOutcome, texts: Texts) -> String {
    match outcome {
        LoginOutcome::Succeeded => texts.t("sessions-outcome-succeeded"),
        LoginOutcome::WrongPassword => texts.t("sessions-outcome-wrong-password"),
        LoginOutcome::SecondFactorFailed => texts.t("sessions-outcome-second-factor-failed"),
        LoginOutcome::NewDeviceFailed => texts.t("sessions-outcome-new-device-failed"),
        LoginOutcome::IpBlocked => texts.t("sessions-outcome-ip-blocked"),
        LoginOutcome::Locked => texts.t("sessions-outcome-locked"),
        LoginOutcome::Unknown => texts.t("sessions-outcome-unknown"),
    }
}

/// The login history, newest first, with "load older" paging.
#[component]
pub fn LoginHistory() -> Html {
    let texts = use_i18n();
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
        .map(|message| {
            AttrValue::from(texts.t_args("sessions-history-failed", &[("reason", message.into())]))
        });

    html! {
        <>
            <FormBanner message={banner} />
            <LoginHistoryTable attempts={Rc::new((*attempts).clone())} loading={*loading} />
            if next_cursor.is_some() {
                <button id="login-history-older" type="button" class="button button--secondary"
                    onclick={on_older} disabled={*loading}>
                    { texts.t("sessions-load-older-sign-ins") }
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
    let texts = use_i18n();
    if props.attempts.is_empty() {
        let text = if props.loading {
            texts.t("sessions-loading")
        } else {
            texts.t("sessions-no-sign-attempts-yet")
        };
        return html! { <p class="muted" id="login-history-empty">{ text }</p> };
    }
    html! {
        <div class="table-scroll" tabindex="0" role="region" aria-label={texts.t("sessions-sign-history")}>
        <table class="table table--stack" id="login-history-table">
            <thead>
                <tr>
                    <th scope="col">{ texts.t("sessions-when") }</th>
                    <th scope="col">{ texts.t("sessions-result") }</th>
                    <th scope="col">{ texts.t("sessions-address") }</th>
                    <th scope="col">{ texts.t("sessions-device") }</th>
                </tr>
            </thead>
            <tbody>
                for attempt in props.attempts.iter() {
                    <tr key={attempt.id.clone()} data-outcome={attempt.outcome.as_str()}>
                        <td data-label={texts.t("sessions-when")}><time datetime={attempt.at.clone()}>{ format_timestamp_in(&attempt.at, texts) }</time></td>
                        <td data-label={texts.t("sessions-result")}>
                            <span class={classes!("badge", if attempt.succeeded { "badge--ok" } else { "badge--failed" })}>
                                { outcome_label(attempt.outcome, texts) }
                            </span>
                        </td>
                        <td data-label={texts.t("sessions-address")}><code>{ attempt.ip.clone().unwrap_or_default() }</code></td>
                        <td data-label={texts.t("sessions-device")} title={attempt.user_agent.clone().unwrap_or_default()}>{ attempt.device.clone() }</td>
                    </tr>
                }
            </tbody>
        </table>
        </div>
    }
}
