//! Ending the account's other sessions, or every one of them.

use portcullis_shared::problem::Problem;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::components::{banner_message, message_html, ConfirmPanel};
use crate::hooks::{use_session, use_session_calls};
use crate::state::SessionAction;

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
    let confirming = use_state(|| false);

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
    let ask = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(true))
    };
    let on_cancel = {
        let confirming = confirming.clone();
        Callback::from(move |()| confirming.set(false))
    };
    let error = (*problem).as_ref().and_then(|p| banner_message(p, &[]));
    html! {
        <div class="actions">
            <button id="revoke-others" type="button" class="button button--secondary button--small"
                disabled={*busy || props.others == 0} onclick={others}>
                { "Log out other sessions" }
            </button>
            <button id="revoke-all" type="button" class="button button--danger button--small"
                disabled={*busy || *confirming} onclick={ask}>
                { "Log out everywhere" }
            </button>
            if *confirming {
                <ConfirmPanel id="revoke-all-panel" title="Log out everywhere?"
                    detail="Every portal session ends at once, this one included: you go back to \
                        the login page, and every other browser signed in must log in again. API \
                        tokens and OAuth clients keep working."
                    confirm_text="Log out everywhere" busy={*busy}
                    on_confirm={everywhere} {on_cancel} />
            }
            if let Some(error) = error {
                <p class="row-error" role="alert">{ message_html(&error) }</p>
            }
        </div>
    }
}
