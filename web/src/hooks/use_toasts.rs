use std::future::Future;

use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::ApiError;
use crate::components::{banner_message, ToastAction, ToastContext};
use crate::hooks::SessionCalls;
use crate::i18n::Texts;

/// Shows toasts: a note after a change, optionally with an Undo.
#[derive(Clone, PartialEq)]
pub struct ToastHandle(Option<ToastContext>);

impl ToastHandle {
    /// Says what happened.
    pub fn show(&self, message: impl Into<AttrValue>) {
        self.push(message.into(), None);
    }

    /// Says what happened and offers `undo`, which puts it back.
    pub fn show_with_undo(&self, message: impl Into<AttrValue>, undo: Callback<()>) {
        self.push(message.into(), Some(undo));
    }

    /// `callback`, which first says `message(value)`: a toast after a change a page
    /// already hears of.
    pub fn after<T: 'static>(
        &self,
        callback: Callback<T>,
        message: impl Fn(&T) -> String + 'static,
    ) -> Callback<T> {
        let toasts = self.clone();
        Callback::from(move |value: T| {
            toasts.show(message(&value));
            callback.emit(value);
        })
    }

    fn push(&self, message: AttrValue, undo: Option<Callback<()>>) {
        // Outside a `ToastProvider` (a component rendered alone in a test) nothing shows.
        if let Some(toasts) = &self.0 {
            toasts.dispatch(ToastAction::Show { message, undo });
        }
    }
}

/// The page's toasts (see [`crate::components::ToastRegion`]).
#[hook]
pub fn use_toasts() -> ToastHandle {
    ToastHandle(use_context::<ToastContext>())
}

/// An Undo that calls the API with `put_back(csrf_token)` and then says how it went:
/// "Put back …" and `on_restored` with what the API answered, or why it could not.
pub fn undo_call<T, F, Fut>(
    toasts: &ToastHandle,
    calls: &SessionCalls,
    what: &str,
    on_restored: Callback<T>,
    put_back: F,
) -> Callback<()>
where
    T: 'static,
    F: Fn(String) -> Fut + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let (toasts, calls, what) = (toasts.clone(), calls.clone(), what.to_owned());
    Callback::from(move |()| {
        let (toasts, calls, what, on_restored) = (
            toasts.clone(),
            calls.clone(),
            what.clone(),
            on_restored.clone(),
        );
        let answer = put_back(calls.csrf_token().to_owned());
        spawn_local(async move {
            match answer.await {
                Ok(restored) => {
                    on_restored.emit(restored);
                    let texts = Texts::current();
                    toasts.show(texts.t_args("window-put-back", &[("what", what.as_str().into())]));
                }
                Err(error) => {
                    let problem = calls.problem(error);
                    let why = banner_message(&problem, &[]).unwrap_or_default();
                    let texts = Texts::current();
                    toasts.show(texts.t_args(
                        "window-put-back-failed",
                        &[("what", what.as_str().into()), ("reason", why.into())],
                    ));
                }
            }
        });
    })
}
