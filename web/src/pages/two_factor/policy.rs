//! The account's "require two-factor sign-in for all users" setting.

use portcullis_shared::dto::{TwoFactorPolicyRequest, TwoFactorStatusDto};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::api;
use crate::components::{banner_message, message_html, FieldMessage};
use crate::hooks::use_form_call;
use crate::hooks::use_i18n;

/// The field the API names when it refuses the policy.
const FIELD: &str = "required_for_all_users";

/// Props of [`PolicyCard`].
#[derive(Properties, PartialEq)]
pub struct PolicyCardProps {
    /// The account requires two-factor sign-in now.
    pub required: bool,
    /// The signed-in user has a method on (needed to require it of everyone).
    pub enabled: bool,
    /// Called with the status as changed.
    pub on_status: Callback<TwoFactorStatusDto>,
}

/// A switch saved as soon as it is flipped.
#[component]
pub fn PolicyCard(props: &PolicyCardProps) -> Html {
    let texts = use_i18n();
    let call = use_form_call();
    let onchange = {
        let (call, on_status) = (call.clone(), props.on_status.clone());
        Callback::from(move |event: Event| {
            let required = event.target_unchecked_into::<HtmlInputElement>().checked();
            let request = TwoFactorPolicyRequest {
                required_for_all_users: required,
            };
            let (csrf_token, on_status) = (call.csrf_token(), on_status.clone());
            call.run(
                async move { api::set_two_factor_policy(&csrf_token, &request).await },
                move |status| on_status.emit(status),
            );
        })
    };
    let problem = call.problem.get();
    let error = call.problem.field_message(FIELD);
    let banner = problem.and_then(|p| banner_message(p, &[FIELD]));
    // Requiring it needs your own two-factor sign-in first; turning it off never does.
    let locked = !props.enabled && !props.required;
    let hint = locked.then(|| AttrValue::from(texts.t("twofactor-policy-locked-hint")));

    html! {
        <div class="card" id="policy-card">
            <h2>{ texts.t("twofactor-everyone-account") }</h2>
            <label class="check-option" for="require-two-factor">
                <input type="checkbox" id="require-two-factor" name={FIELD}
                    checked={props.required} disabled={locked || call.busy()} {onchange}
                    aria-describedby={error.as_ref().map(|_| "require-two-factor-error")} />
                <span>
                    <span class="check-option-title">
                        { texts.t("twofactor-require-two-factor-sign") }
                    </span>
                    <span class="check-option-hint">
                        { texts.t("twofactor-while-last-method-cant") }
                    </span>
                </span>
            </label>
            <FieldMessage id="require-two-factor" {error} {hint} />
            if let Some(banner) = banner {
                <p class="row-error" role="alert">{ message_html(&banner) }</p>
            }
        </div>
    }
}
