//! The inactivity timeout: how long an unused session lasts, saved as soon as it is chosen.

use std::rc::Rc;

use portcullis_shared::dto::SessionTimeoutDto;
use portcullis_shared::problem::Problem;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::components::{banner_message, FormBanner, SelectField};
use crate::format::format_duration;
use crate::hooks::{use_session, use_session_calls};
use crate::state::SessionAction;

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
