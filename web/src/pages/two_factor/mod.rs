//! The two-factor page: which methods are on, setting up SMS codes and an authenticator
//! app, turning them off, recovery codes, the account's policy and trusted devices.

mod current_code;
mod devices;
mod passkeys;
mod password;
mod policy;
mod recovery_codes;
mod set_up;
mod sms;
mod totp;
mod turn_off;

pub use devices::{browser_name, TrustedDeviceRow, TrustedDeviceRowProps, TrustedDevices};
pub use passkeys::{PasskeysCard, PasskeysCardProps};
pub use policy::{PolicyCard, PolicyCardProps};
pub use recovery_codes::{
    RecoveryCodesCard, RecoveryCodesCardProps, RecoveryCodesShown, RecoveryCodesShownProps,
};
pub use sms::{SmsMethod, SmsMethodProps};
pub use totp::{TotpMethod, TotpMethodProps};
pub use turn_off::{TurnOffForm, TurnOffFormProps};

use std::rc::Rc;

use portcullis_shared::dto::{PasskeyAddedDto, TwoFactorEnabledDto, TwoFactorStatusDto};
use portcullis_shared::problem::Problem;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::components::{banner_message, SecurityTabs};
use crate::hooks::use_i18n;
use crate::hooks::{use_session, use_session_calls, use_toasts};
use crate::i18n::msg;
use crate::state::SessionAction;

/// Two-factor sign-in and trusted devices. Rendered only behind `RequireSession`.
#[component]
pub fn TwoFactorPage() -> Html {
    let texts = use_i18n();
    let session = use_session();
    let calls = use_session_calls();
    let status = use_state(|| None::<TwoFactorStatusDto>);
    let load_problem = use_state(|| None::<Problem>);
    // Recovery codes are shown once, right after they are made, until dismissed.
    let fresh_codes = use_state(|| None::<Rc<Vec<String>>>);
    {
        let (status, load_problem) = (status.clone(), load_problem.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                match api::two_factor_status().await {
                    Ok(answer) => status.set(Some(answer)),
                    Err(error) => load_problem.set(Some(calls.problem(error))),
                }
            });
        });
    }

    let toasts = use_toasts();
    let on_status = {
        let status = status.clone();
        Callback::from(move |answer: TwoFactorStatusDto| status.set(Some(answer)))
    };
    // A method turned off, or the requirement changed: the status says which.
    let on_status = {
        let before = (*status).clone();
        toasts.after(on_status, move |after: &TwoFactorStatusDto| {
            let was = before.as_ref();
            if was.is_some_and(|b| b.required_for_all_users != after.required_for_all_users) {
                texts.msg(if after.required_for_all_users {
                    msg("twofactor-required-toast")
                } else {
                    msg("twofactor-not-required-toast")
                })
            } else {
                texts.t("twofactor-method-off-toast")
            }
        })
    };
    let on_enabled = {
        let (status, fresh_codes, session) = (status.clone(), fresh_codes.clone(), session.clone());
        Callback::from(move |enabled: TwoFactorEnabledDto| {
            status.set(Some(enabled.status));
            // The API lifts a required set-up once a method is on: read the session again
            // so the rest of the portal opens.
            if session
                .me()
                .is_some_and(|me| me.session.two_factor_setup_required)
            {
                let session = session.clone();
                spawn_local(async move {
                    if let Ok(me) = api::me().await {
                        session.dispatch(SessionAction::SignedIn(me.into()));
                    }
                });
            }
            if let Some(codes) = enabled.recovery_codes {
                fresh_codes.set(Some(Rc::new(codes)));
            }
        })
    };
    let on_enabled = toasts.after(on_enabled, move |_| texts.t("twofactor-method-on-toast"));
    let on_new_codes = {
        let (status, fresh_codes) = (status.clone(), fresh_codes.clone());
        Callback::from(move |codes: Vec<String>| {
            if let Some(current) = &*status {
                let left = u32::try_from(codes.len()).unwrap_or(u32::MAX);
                status.set(Some(TwoFactorStatusDto {
                    recovery_codes_left: left,
                    ..current.clone()
                }));
            }
            fresh_codes.set(Some(Rc::new(codes)));
        })
    };
    // Passkeys change the status (a method on or off): read it again.
    let reload_status = {
        let status = status.clone();
        Callback::from(move |()| {
            let status = status.clone();
            spawn_local(async move {
                if let Ok(answer) = api::two_factor_status().await {
                    status.set(Some(answer));
                }
            });
        })
    };
    let on_passkey_added = {
        let (fresh_codes, reload_status) = (fresh_codes.clone(), reload_status.clone());
        Callback::from(move |added: PasskeyAddedDto| {
            if let Some(codes) = added.recovery_codes {
                fresh_codes.set(Some(Rc::new(codes)));
            }
            reload_status.emit(());
        })
    };
    let on_new_codes = toasts.after(on_new_codes, move |_| texts.t("twofactor-new-codes-toast"));
    let on_passkey_added = toasts.after(on_passkey_added, move |_| {
        texts.t("twofactor-passkey-added-toast")
    });
    let on_codes_saved = {
        let fresh_codes = fresh_codes.clone();
        Callback::from(move |()| fresh_codes.set(None))
    };
    let owner = session.me().is_some_and(|me| me.access.is_owner());
    let setup_required = session
        .me()
        .is_some_and(|me| me.session.two_factor_setup_required);
    let account_phone = session
        .me()
        .and_then(|me| me.account.phone.clone())
        .unwrap_or_default();

    let body = match (&*status, &*load_problem) {
        (Some(status), _) => html! {
            <>
                if let Some(codes) = &*fresh_codes {
                    <RecoveryCodesShown codes={codes.clone()} on_done={on_codes_saved} />
                }
                <div class="method-grid">
                    <SmsMethod factor={status.sms.clone()} {account_phone}
                        totp_on={status.totp.is_some()}
                        on_enabled={on_enabled.clone()} on_status={on_status.clone()} />
                    <TotpMethod factor={status.totp.clone()} sms_on={status.sms.is_some()}
                        {on_enabled} on_status={on_status.clone()} />
                </div>
                <PasskeysCard code_needed={status.sms.is_some() || status.totp.is_some()} {owner}
                    on_added={on_passkey_added} on_changed={reload_status} />
                if status.enabled {
                    <RecoveryCodesCard left={status.recovery_codes_left} on_codes={on_new_codes}
                        sms_on={status.sms.is_some()} totp_on={status.totp.is_some()} />
                }
                if owner {
                    <PolicyCard required={status.required_for_all_users} enabled={status.enabled}
                        {on_status} />
                }
            </>
        },
        (None, Some(problem)) => html! {
            <div class="banner banner--error" role="alert">
                { texts.t_args("twofactor-settings-failed", &[(
                    "reason",
                    banner_message(problem, &[]).unwrap_or_default().into(),
                )]) }
            </div>
        },
        (None, None) => html! {
            <p class="card loading muted" aria-busy="true">{ texts.t("twofactor-loading-two-factor-settings") }</p>
        },
    };
    let state = (*status).as_ref().map(|status| {
        if status.enabled {
            html! { <span class="badge badge--restricted" id="two-factor-state">{ texts.t("twofactor-on") }</span> }
        } else {
            html! { <span class="badge badge--open" id="two-factor-state">{ texts.t("twofactor-off") }</span> }
        }
    });

    html! {
        <section class="two-factor" data-testid="two-factor">
            <div class="page-head">
                <div>
                    <p class="eyebrow">{ texts.t("twofactor-sign-security") }</p>
                    <h1>{ texts.t("twofactor-two-factor-sign") }{ " " }{ state.unwrap_or_default() }</h1>
                    <p class="muted lead">
                        { texts.t("twofactor-after-password-portcullis-asks") }
                    </p>
                </div>
            </div>
            <SecurityTabs />
            if setup_required {
                <div class="banner banner--warning" id="two-factor-setup-required" role="alert">
                    <strong>{ texts.t("twofactor-account-requires-two-factor") }</strong>
                    { " " }{ texts.t("twofactor-set-up-sms-codes") }
                </div>
            }
            { body }
            // Until the required set-up is done, the API answers nothing else.
            if !setup_required {
                <TrustedDevices />
            }
        </section>
    }
}
