use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::components::banner_message;
use crate::hooks::{use_form_problem, use_i18n, use_session};
use crate::state::SessionAction;

/// A log-out button's state: what it does when clicked, whether it is busy, and what
/// to say if it failed.
#[derive(Clone, PartialEq)]
pub struct Logout {
    /// Ends the session; the route guard then opens the login page.
    pub onclick: Callback<MouseEvent>,
    /// A log-out is under way.
    pub busy: bool,
    /// Why the last attempt failed, for a banner.
    pub banner: Option<AttrValue>,
}

/// Logging out of the current session.
#[hook]
pub fn use_logout() -> Logout {
    let session = use_session();
    let texts = use_i18n();
    let problem = use_form_problem();
    let logging_out = use_state(|| false);
    let csrf_token = session
        .me()
        .map(|me| me.session.csrf_token.clone())
        .unwrap_or_default();

    let onclick = {
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
        .map(|message| {
            AttrValue::from(texts.t_args("account-log-out-failed", &[("reason", message.into())]))
        });
    Logout {
        onclick,
        busy: *logging_out,
        banner,
    }
}
