use std::future::Future;
use std::rc::Rc;

use portcullis_shared::dto::AddAllowlistEntryRequest;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::components::browser_expiry_instant;
use crate::hooks::{use_form_problem, use_session_calls, use_text_input, FormProblem, TextInput};
use crate::pages::add_entry_request;

/// The form of a new allowlist entry: its fields, what it shows, and how it is sent.
#[derive(Clone)]
pub struct EntryForm {
    /// The address or range.
    pub value: TextInput,
    /// The optional label.
    pub label: TextInput,
    /// How long the entry lasts (see [`crate::components::ExpiryFields`]).
    pub expiry: TextInput,
    /// The chosen end, when it lasts until a chosen time.
    pub expiry_at: TextInput,
    /// What the form shows about the last attempt.
    pub problem: FormProblem,
    /// A request is under way.
    pub submitting: bool,
    /// Sends the entry; the flag is the confirmation of a change that locks this browser out.
    pub submit: Callback<bool>,
}

/// An allowlist's new-entry form that sends with `add(csrf_token, request, confirmed)`; on
/// success the fields clear and `on_added` hears the answer, on failure `problem` says why.
#[hook]
pub fn use_entry_form<T, F, Fut>(add: F, on_added: Callback<T>) -> EntryForm
where
    T: 'static,
    F: Fn(String, AddAllowlistEntryRequest, bool) -> Fut + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let calls = use_session_calls();
    let value = use_text_input("");
    let label = use_text_input("");
    let expiry = use_text_input(crate::components::NEVER_EXPIRES);
    let expiry_at = use_text_input("");
    let problem = use_form_problem();
    let submitting = use_state(|| false);
    let add = Rc::new(add);

    let submit = {
        let (value, label) = (value.clone(), label.clone());
        let (expiry, expiry_at) = (expiry.clone(), expiry_at.clone());
        let (problem, submitting) = (problem.clone(), submitting.clone());
        Callback::from(move |confirmed: bool| {
            if *submitting {
                return;
            }
            let request = browser_expiry_instant(&expiry.value, &expiry_at.value, "expires_at")
                .and_then(|until| add_entry_request(&value.value, &label.value, until));
            let request = match request {
                Ok(request) => request,
                Err(error) => {
                    problem.set(api::client_validation_problem(vec![error]));
                    return;
                }
            };
            problem.set(None);
            submitting.set(true);
            let answer = add(calls.csrf_token().to_owned(), request, confirmed);
            let (calls, problem, submitting, on_added) = (
                calls.clone(),
                problem.clone(),
                submitting.clone(),
                on_added.clone(),
            );
            let (set_value, set_label) = (value.set.clone(), label.set.clone());
            let (set_expiry, set_expiry_at) = (expiry.set.clone(), expiry_at.set.clone());
            spawn_local(async move {
                match answer.await {
                    Ok(added) => {
                        set_value.emit(String::new());
                        set_label.emit(String::new());
                        set_expiry.emit(crate::components::NEVER_EXPIRES.to_owned());
                        set_expiry_at.emit(String::new());
                        on_added.emit(added);
                    }
                    Err(error) => problem.set(Some(calls.problem(error))),
                }
                submitting.set(false);
            });
        })
    };
    EntryForm {
        value,
        label,
        expiry,
        expiry_at,
        problem,
        submitting: *submitting,
        submit,
    }
}
