//! The inactivity timeout: how long an unused session lasts, saved as soon as it is chosen.

use std::rc::Rc;

use portcullis_shared::dto::SessionTimeoutDto;
use portcullis_shared::problem::Problem;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::components::{banner_message, FormBanner, SelectField};
use crate::format::format_duration_in;
use crate::hooks::use_i18n;
use crate::hooks::{use_session, use_session_calls};
use crate::i18n::Texts;
use crate::state::SessionAction;

/// `(value, text)` of the timeout choices the API offers, in its order.
fn timeout_options(choices: &[i64], texts: Texts) -> Rc<Vec<(AttrValue, AttrValue)>> {
    Rc::new(
        choices
            .iter()
            .map(|secs| {
                (
                    secs.to_string().into(),
                    format_duration_in(*secs, texts).into(),
                )
            })
            .collect(),
    )
}

/// The inactivity timeout select; a choice is saved at once.
#[component]
pub fn SessionTimeoutForm() -> Html {
    let texts = use_i18n();
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
                <p class="loading muted" aria-busy="true">{ texts.t("sessions-loading") }</p>
            </>
        };
    };
    let hint = texts.t_args(
        "sessions-timeout-hint",
        &[(
            "default",
            format_duration_in(current.default_secs, texts).into(),
        )],
    );
    html! {
        <div class="form">
            <SelectField id="session-timeout" label={texts.t("sessions-sign-out-after")}
                dynamic_options={timeout_options(&current.choices, texts)}
                value={AttrValue::from(current.idle_timeout_secs.to_string())}
                disabled={*saving}
                hint={Some(AttrValue::from(hint))}
                {error} {on_change} />
            if *saved {
                <p class="muted" id="session-timeout-saved" role="status">
                    { texts.t_args("sessions-timeout-saved", &[(
                        "duration",
                        format_duration_in(current.idle_timeout_secs, texts).into(),
                    )]) }
                </p>
            }
        </div>
    }
}
