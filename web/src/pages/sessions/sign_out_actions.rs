//! Ending the account's other sessions, or every one of them.

use portcullis_shared::problem::Problem;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::components::{banner_message, message_html, ConfirmPanel};
use crate::hooks::use_i18n;
use crate::hooks::{use_session, use_session_calls};
use crate::i18n::Texts;
use crate::state::SessionAction;

/// Props of [`SignOutActions`].
#[derive(Properties, PartialEq)]
pub struct SignOutActionsProps {
    /// How many sessions there are besides the current one.
    pub others: usize,
    /// Called after the other sessions were ended.
    pub on_done: Callback<()>,
}

/// Which sign-out waits for its confirmation.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Asking {
    Others,
    Everywhere,
}

/// "Log out other sessions" and "Log out everywhere", each asked first.
#[component]
pub fn SignOutActions(props: &SignOutActionsProps) -> Html {
    let texts = use_i18n();
    let calls = use_session_calls();
    let session = use_session();
    let busy = use_state(|| false);
    let problem = use_state(|| None::<Problem>);
    let confirming = use_state(|| None::<Asking>);
    let ended = use_state(|| None::<usize>);

    let others = {
        let (calls, busy, problem, on_done, confirming, ended, count) = (
            calls.clone(),
            busy.clone(),
            problem.clone(),
            props.on_done.clone(),
            confirming.clone(),
            ended.clone(),
            props.others,
        );
        Callback::from(move |()| {
            busy.set(true);
            problem.set(None);
            ended.set(None);
            let (calls, busy, problem, on_done, confirming, ended) = (
                calls.clone(),
                busy.clone(),
                problem.clone(),
                on_done.clone(),
                confirming.clone(),
                ended.clone(),
            );
            spawn_local(async move {
                match api::revoke_other_sessions(calls.csrf_token()).await {
                    Ok(_) => {
                        confirming.set(None);
                        ended.set(Some(count));
                        on_done.emit(());
                    }
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
        Callback::from(move |()| {
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
    let ask = |what: Asking| {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(Some(what)))
    };
    let on_cancel = {
        let confirming = confirming.clone();
        Callback::from(move |()| confirming.set(None))
    };
    let error = (*problem).as_ref().and_then(|p| banner_message(p, &[]));
    html! {
        <div class="actions">
            <button id="revoke-others" type="button" class="button button--secondary button--small"
                disabled={*busy || props.others == 0 || confirming.is_some()}
                onclick={ask(Asking::Others)}>
                { texts.t("sessions-log-out-other-sessions") }
            </button>
            <button id="revoke-all" type="button" class="button button--danger button--small"
                disabled={*busy || confirming.is_some()} onclick={ask(Asking::Everywhere)}>
                { texts.t("sessions-log-out-everywhere") }
            </button>
            if *confirming == Some(Asking::Others) {
                <ConfirmPanel id="revoke-others-panel" title={others_question(props.others, texts)}
                    detail={texts.t("sessions-log-out-others-detail")}
                    confirm_text={texts.t("sessions-log-out-others")} busy={*busy}
                    on_confirm={others} on_cancel={on_cancel.clone()} />
            }
            if let Some(count) = *ended {
                <p class="banner banner--success" id="revoke-others-done" role="status">
                    { others_ended(count, texts) }
                </p>
            }
            if *confirming == Some(Asking::Everywhere) {
                <ConfirmPanel id="revoke-all-panel" title={texts.t("sessions-log-out-everywhere-2")}
                    detail={texts.t("sessions-log-out-everywhere-detail")}
                    confirm_text={texts.t("sessions-log-out-everywhere")} busy={*busy}
                    on_confirm={everywhere} {on_cancel} />
            }
            if let Some(error) = error {
                <p class="row-error" role="alert">{ message_html(&error) }</p>
            }
        </div>
    }
}

/// "Log out the 2 other sessions?"
fn others_question(others: usize, texts: Texts) -> String {
    texts.t_args("sessions-others-question", &[("count", others.into())])
}

/// What the page says once the other sessions ended.
fn others_ended(count: usize, texts: Texts) -> String {
    texts.t_args("sessions-others-ended", &[("count", count.into())])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_question_and_the_answer_count_the_sessions() {
        let en = Texts::default();
        assert_eq!(others_question(1, en), "Log out the other session?");
        assert_eq!(others_question(3, en), "Log out the 3 other sessions?");
        assert_eq!(others_ended(2, en), "The 2 other sessions were logged out.");
        let pl = Texts::new(portcullis_shared::dto::Language::Pl);
        assert_eq!(others_question(3, pl), "Wylogować 3 pozostałe sesje?");
        assert_eq!(others_ended(5, pl), "Wylogowano 5 pozostałych sesji.");
    }
}
