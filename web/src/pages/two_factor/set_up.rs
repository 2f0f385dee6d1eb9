//! What both set-ups share: confirming with a first code, and going back a step.

use portcullis_shared::dto::{ConfirmTwoFactorRequest, TwoFactorEnabledDto, VerificationMethod};
use yew::prelude::*;

use crate::api;
use crate::hooks::{FormCall, FormProblem};

/// Submits `code` to confirm the set-up of `method` (`sms` or `totp`).
pub fn confirm_callback(
    call: &FormCall,
    method: VerificationMethod,
    code: &str,
    on_enabled: &Callback<TwoFactorEnabledDto>,
) -> Callback<SubmitEvent> {
    let (call, code, on_enabled) = (call.clone(), code.trim().to_owned(), on_enabled.clone());
    Callback::from(move |event: SubmitEvent| {
        event.prevent_default();
        let csrf_token = call.csrf_token();
        let request = ConfirmTwoFactorRequest { code: code.clone() };
        let on_enabled = on_enabled.clone();
        call.run(
            async move {
                match method {
                    VerificationMethod::Sms => {
                        api::confirm_sms_two_factor(&csrf_token, &request).await
                    }
                    _ => api::confirm_totp_two_factor(&csrf_token, &request).await,
                }
            },
            move |enabled| on_enabled.emit(enabled),
        );
    })
}

/// Back to a set-up's first step: forgets what the second one got and was typed.
pub fn back_callback<T: 'static>(
    step: &UseStateHandle<Option<T>>,
    problem: &FormProblem,
    set_code: &Callback<String>,
) -> Callback<MouseEvent> {
    let (step, problem, set_code) = (step.clone(), problem.clone(), set_code.clone());
    Callback::from(move |_: MouseEvent| {
        problem.set(None);
        set_code.emit(String::new());
        step.set(None);
    })
}
