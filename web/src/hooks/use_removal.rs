use std::future::Future;
use std::rc::Rc;

use portcullis_shared::problem::{Problem, ProblemCode};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::ApiError;
use crate::components::banner_message;
use crate::hooks::use_session_calls;

/// A list row's "remove" action: what starts it, whether it is under way, why it failed.
pub struct Removal {
    /// Starts the removal (ignored while one is under way).
    pub start: Callback<MouseEvent>,
    /// The same, from somewhere other than a click (a confirmation's answer).
    pub run: Callback<()>,
    /// A removal is under way.
    pub busy: bool,
    /// Why the last attempt failed, for the row.
    pub error: Option<String>,
}

/// Removes the item `id` with `remove(csrf_token, id)`. `on_removed` hears the id once the
/// item is gone, also when the API says it already was (removed in another tab).
#[hook]
pub fn use_removal<F, Fut>(id: &str, remove: F, on_removed: Callback<String>) -> Removal
where
    F: Fn(String, String) -> Fut + 'static,
    Fut: Future<Output = Result<(), ApiError>> + 'static,
{
    let calls = use_session_calls();
    let busy = use_state(|| false);
    let problem = use_state(|| None::<Problem>);
    let remove = Rc::new(remove);

    let run = {
        let (busy, problem, id) = (busy.clone(), problem.clone(), id.to_owned());
        Callback::from(move |()| {
            if *busy {
                return;
            }
            busy.set(true);
            problem.set(None);
            let (calls, busy, problem, id, on_removed) = (
                calls.clone(),
                busy.clone(),
                problem.clone(),
                id.clone(),
                on_removed.clone(),
            );
            let answer = remove(calls.csrf_token().to_owned(), id.clone());
            spawn_local(async move {
                match answer.await {
                    Ok(()) => on_removed.emit(id),
                    Err(error) if error.code() == Some(ProblemCode::NotFound) => {
                        on_removed.emit(id)
                    }
                    Err(error) => {
                        problem.set(Some(calls.problem(error)));
                        busy.set(false);
                    }
                }
            });
        })
    };
    Removal {
        start: run.reform(|_: MouseEvent| ()),
        run,
        busy: *busy,
        error: (*problem).as_ref().and_then(|p| banner_message(p, &[])),
    }
}

/// A destructive action that asks first: whether its question is open, what opens it,
/// and the question's two answers.
pub struct Confirmation {
    /// The question is on screen.
    pub open: bool,
    /// Opens the question (a click on the action's button).
    pub ask: Callback<MouseEvent>,
    /// Closes the question and runs the action.
    pub on_confirm: Callback<()>,
    /// Closes the question; nothing happens.
    pub on_cancel: Callback<()>,
}

/// Asks before `run`: wire `ask` to the button and the answers to a `ConfirmPanel`.
#[hook]
pub fn use_confirmation(run: Callback<()>) -> Confirmation {
    let open = use_state(|| false);
    let ask = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(true))
    };
    let on_confirm = {
        let open = open.clone();
        Callback::from(move |()| {
            open.set(false);
            run.emit(());
        })
    };
    let on_cancel = {
        let open = open.clone();
        Callback::from(move |()| open.set(false))
    };
    Confirmation {
        open: *open,
        ask,
        on_confirm,
        on_cancel,
    }
}
