use std::future::Future;

use portcullis_shared::problem::FieldError;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{client_validation_problem, ApiError};
use crate::hooks::{use_form_problem, use_session_calls, FormProblem, SessionCalls};

/// A signed-in form's call to the API: one at a time, its refusal shown by the form.
#[derive(Clone, PartialEq)]
pub struct FormCall {
    calls: SessionCalls,
    /// What the form shows about the last refusal (or its own checks).
    pub problem: FormProblem,
    busy: UseStateHandle<bool>,
}

impl FormCall {
    /// True while a call is under way.
    pub fn busy(&self) -> bool {
        *self.busy
    }

    /// The session's CSRF token, owned, for a call's future.
    pub fn csrf_token(&self) -> String {
        self.calls.csrf_token().to_owned()
    }

    /// Runs `call` unless one is under way: `on_ok` gets its answer, a refusal shows in the
    /// form (and signs out when the session is gone).
    pub fn run<T, Fut>(&self, call: Fut, on_ok: impl FnOnce(T) + 'static)
    where
        T: 'static,
        Fut: Future<Output = Result<T, ApiError>> + 'static,
    {
        if *self.busy {
            return;
        }
        self.problem.set(None);
        self.busy.set(true);
        let (calls, problem, busy) = (self.calls.clone(), self.problem.clone(), self.busy.clone());
        spawn_local(async move {
            match call.await {
                Ok(answer) => on_ok(answer),
                Err(error) => problem.set(Some(calls.problem(error))),
            }
            busy.set(false);
        });
    }

    /// Like [`FormCall::run`], for a request the portal checked first: a request that
    /// failed its checks is shown in the form instead, and `send` gets the CSRF token and
    /// the checked request.
    pub fn run_checked<R, T, Fut>(
        &self,
        request: Result<R, Vec<FieldError>>,
        send: impl FnOnce(String, R) -> Fut,
        on_ok: impl FnOnce(T) + 'static,
    ) where
        T: 'static,
        Fut: Future<Output = Result<T, ApiError>> + 'static,
    {
        if *self.busy {
            return;
        }
        match request {
            Ok(request) => self.run(send(self.csrf_token(), request), on_ok),
            Err(errors) => self.problem.set(client_validation_problem(errors)),
        }
    }
}

/// State for a [`FormCall`]. Must be called under a [`crate::state::SessionProvider`].
#[hook]
pub fn use_form_call() -> FormCall {
    FormCall {
        calls: use_session_calls(),
        problem: use_form_problem(),
        busy: use_state(|| false),
    }
}
