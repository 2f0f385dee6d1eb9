//! The Passkeys card: the login's passkeys (name, added, last used), adding one with a
//! name (the browser asks the authenticator), renaming one, removing one with the password.

use portcullis_shared::dto::{
    PasskeyAddedDto, PasskeyDto, PasskeyListDto, PasskeyPolicyRequest, RemovePasskeyRequest,
    RenamePasskeyRequest, StartPasskeyRegistrationRequest,
};
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::password::password_missing;
use crate::api;
use crate::components::{banner_message, FormBanner, TextField};
use crate::format::format_timestamp_in;
use crate::hooks::use_i18n;
use crate::hooks::{use_form_call, use_text_input};

/// Request fields the passkey forms show errors next to.
const FIELDS: &[&str] = &["name", "password", "code"];

/// Props of [`PasskeysCard`].
#[derive(Properties, PartialEq)]
pub struct PasskeysCardProps {
    /// SMS codes or an app are on: changes need a current code too.
    pub code_needed: bool,
    /// The account's owner, who sets "require a phishing-resistant method".
    pub owner: bool,
    /// Called with a passkey just added (its recovery codes, when it was the first method).
    pub on_added: Callback<PasskeyAddedDto>,
    /// Called when the passkeys changed, so the page reads the two-factor status again.
    pub on_changed: Callback<()>,
}

/// The login's passkeys and the forms that change them.
#[component]
pub fn PasskeysCard(props: &PasskeysCardProps) -> Html {
    let texts = use_i18n();
    let list = use_state(|| None::<PasskeyListDto>);
    let adding = use_state(|| false);
    {
        let list = list.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                if let Ok(answer) = api::list_passkeys().await {
                    list.set(Some(answer));
                }
            });
        });
    }
    let on_list = {
        let (list, on_changed) = (list.clone(), props.on_changed.clone());
        Callback::from(move |answer: PasskeyListDto| {
            list.set(Some(answer));
            on_changed.emit(());
        })
    };
    let on_renamed = {
        let list = list.clone();
        Callback::from(move |renamed: PasskeyDto| {
            if let Some(current) = &*list {
                let mut next = current.clone();
                for passkey in &mut next.passkeys {
                    if passkey.id == renamed.id {
                        *passkey = renamed.clone();
                    }
                }
                list.set(Some(next));
            }
        })
    };
    let on_added = {
        let (list, adding, on_added) = (list.clone(), adding.clone(), props.on_added.clone());
        Callback::from(move |added: PasskeyAddedDto| {
            if let Some(current) = &*list {
                let mut next = current.clone();
                next.passkeys.push(added.passkey.clone());
                list.set(Some(next));
            }
            adding.set(false);
            on_added.emit(added);
        })
    };
    let open_add = {
        let adding = adding.clone();
        Callback::from(move |_: MouseEvent| adding.set(true))
    };
    let close_add = {
        let adding = adding.clone();
        Callback::from(move |()| adding.set(false))
    };

    let body = match &*list {
        None => {
            html! { <p class="muted" aria-busy="true">{ texts.t("twofactor-loading-passkeys") }</p> }
        }
        Some(list) if !list.available => html! {
            <p class="muted" id="passkeys-unavailable">
                { texts.t("twofactor-passkeys-need-portal-served") }
            </p>
        },
        Some(list) => html! {
            <>
                if list.passkeys.is_empty() {
                    <p class="muted" id="passkeys-none">{ texts.t("twofactor-no-passkeys-yet") }</p>
                } else {
                    <ul class="passkey-list" id="passkey-list">
                        { for list.passkeys.iter().map(|passkey| html! {
                            <PasskeyRow key={passkey.id.clone()} passkey={passkey.clone()}
                                code_needed={props.code_needed}
                                on_renamed={on_renamed.clone()} on_list={on_list.clone()} />
                        }) }
                    </ul>
                }
                if props.owner && !list.passkeys.is_empty() {
                    <PhishingResistantPolicy required={list.phishing_resistant_required}
                        on_list={on_list.clone()} />
                } else if list.phishing_resistant_required {
                    <p class="banner banner--info" id="passkeys-required">
                        { texts.t("twofactor-account-requires-passkey-every") }
                    </p>
                }
                if *adding {
                    <AddPasskeyForm code_needed={props.code_needed} {on_added}
                        on_cancel={close_add} />
                } else {
                    <button type="button" id="passkey-add" class="button button--small"
                        onclick={open_add}>
                        { texts.t("twofactor-add-passkey") }
                    </button>
                }
            </>
        },
    };

    html! {
        <article class="card method" id="passkeys" data-testid="passkeys">
            <h2>{ texts.t("twofactor-passkeys") }</h2>
            <p class="muted">
                { texts.t("twofactor-passkey-kept-device-security") }
            </p>
            { body }
        </article>
    }
}

/// Props of [`PhishingResistantPolicy`].
#[derive(Properties, PartialEq)]
struct PhishingResistantPolicyProps {
    required: bool,
    on_list: Callback<PasskeyListDto>,
}

/// The owner's checkbox: every sign-in of the account completed with a passkey only.
#[component]
fn PhishingResistantPolicy(props: &PhishingResistantPolicyProps) -> Html {
    let texts = use_i18n();
    let call = use_form_call();
    let onchange = {
        let (call, on_list) = (call.clone(), props.on_list.clone());
        Callback::from(move |event: Event| {
            let request = PasskeyPolicyRequest {
                require_phishing_resistant: event
                    .target_unchecked_into::<HtmlInputElement>()
                    .checked(),
            };
            let (csrf_token, on_list) = (call.csrf_token(), on_list.clone());
            call.run(
                async move { api::set_passkey_policy(&csrf_token, &request).await },
                move |list| on_list.emit(list),
            );
        })
    };
    let banner = call.problem.banner(&[]);
    html! {
        <div class="form" id="passkey-policy">
            <FormBanner message={banner} />
            <label class="checkbox">
                <input type="checkbox" id="passkey-policy-required" checked={props.required}
                    disabled={call.busy()} {onchange} />
                { " " }{ texts.t("twofactor-require-passkey-every-sign") }
            </label>
        </div>
    }
}

/// Props of [`AddPasskeyForm`].
#[derive(Properties, PartialEq)]
struct AddPasskeyFormProps {
    code_needed: bool,
    on_added: Callback<PasskeyAddedDto>,
    on_cancel: Callback<()>,
}

/// A name, the password (and a current code), then the browser's passkey prompt.
#[component]
fn AddPasskeyForm(props: &AddPasskeyFormProps) -> Html {
    let texts = use_i18n();
    let name = use_text_input("");
    let password = use_text_input("");
    let code = use_text_input("");
    let call = use_form_call();
    let problem = &call.problem;
    let onsubmit = {
        let call = call.clone();
        let (name, password, code) = (
            name.value.trim().to_owned(),
            password.value.clone(),
            code.value.trim().to_owned(),
        );
        let on_added = props.on_added.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if password_missing(&call, &password) {
                return;
            }
            let confirmation = StartPasskeyRegistrationRequest {
                password: password.clone(),
                code: (!code.is_empty()).then(|| code.clone()),
            };
            let (csrf_token, name, on_added) = (call.csrf_token(), name.clone(), on_added.clone());
            call.run(
                async move { api::add_passkey(&csrf_token, &confirmation, &name).await },
                move |added| on_added.emit(added),
            );
        })
    };
    let cancel = {
        let on_cancel = props.on_cancel.clone();
        Callback::from(move |_: MouseEvent| on_cancel.emit(()))
    };
    let banner = problem
        .get()
        .and_then(|p| banner_message(p, FIELDS))
        .map(AttrValue::from);
    html! {
        <form class="token-panel form" id="passkey-add-form" {onsubmit} novalidate=true>
            <FormBanner message={banner} />
            <TextField id="passkey-name" label={texts.t("twofactor-name")} placeholder={texts.t("twofactor-work-laptop")}
                value={name.value.clone()}
                on_change={problem.on_change(&name.set, "name")}
                error={problem.field_message("name")} />
            <TextField id="passkey-password" label={texts.t("twofactor-password")} input_type="password"
                autocomplete="current-password" value={password.value.clone()}
                on_change={problem.on_change(&password.set, "password")}
                error={problem.field_message("password")} />
            if props.code_needed {
                <TextField id="passkey-code" label={texts.t("twofactor-current-code")} autocomplete="one-time-code"
                    hint={texts.t("twofactor-code-authenticator-app-texted")}
                    value={code.value.clone()}
                    on_change={problem.on_change(&code.set, "code")}
                    error={problem.field_message("code")} />
            }
            <div class="panel-actions">
                <button type="submit" id="passkey-add-confirm" class="button button--small"
                    disabled={call.busy()}>
                    { if call.busy() { texts.t("twofactor-waiting-passkey") } else { texts.t("twofactor-create-passkey") } }
                </button>
                <button type="button" class="button button--secondary button--small"
                    onclick={cancel}>
                    { texts.t("twofactor-cancel") }
                </button>
            </div>
        </form>
    }
}

/// Props of [`PasskeyRow`].
#[derive(Properties, PartialEq)]
struct PasskeyRowProps {
    passkey: PasskeyDto,
    code_needed: bool,
    on_renamed: Callback<PasskeyDto>,
    on_list: Callback<PasskeyListDto>,
}

/// What a row shows below its summary.
#[derive(Clone, Copy, PartialEq)]
enum RowPanel {
    None,
    Rename,
    Remove,
}

/// One passkey: its name and dates, and the rename and remove forms.
#[component]
fn PasskeyRow(props: &PasskeyRowProps) -> Html {
    let texts = use_i18n();
    let panel = use_state(|| RowPanel::None);
    let name = use_text_input(&props.passkey.name);
    let password = use_text_input("");
    let code = use_text_input("");
    let call = use_form_call();
    let problem = &call.problem;
    let id = props.passkey.id.clone();
    let open = |to: RowPanel| {
        let (panel, problem) = (panel.clone(), problem.clone());
        Callback::from(move |_: MouseEvent| {
            problem.set(None);
            panel.set(to);
        })
    };
    let on_rename = {
        let (call, panel, id) = (call.clone(), panel.clone(), id.clone());
        let request = RenamePasskeyRequest {
            name: name.value.trim().to_owned(),
        };
        let on_renamed = props.on_renamed.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let (csrf_token, id, request, on_renamed, panel) = (
                call.csrf_token(),
                id.clone(),
                request.clone(),
                on_renamed.clone(),
                panel.clone(),
            );
            call.run(
                async move { api::rename_passkey(&csrf_token, &id, &request).await },
                move |renamed| {
                    panel.set(RowPanel::None);
                    on_renamed.emit(renamed);
                },
            );
        })
    };
    let on_remove = {
        let (call, id) = (call.clone(), id.clone());
        let request = RemovePasskeyRequest {
            password: password.value.clone(),
            code: Some(code.value.trim().to_owned()).filter(|c| !c.is_empty()),
        };
        let on_list = props.on_list.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if password_missing(&call, &request.password) {
                return;
            }
            let (csrf_token, id, request, on_list) = (
                call.csrf_token(),
                id.clone(),
                request.clone(),
                on_list.clone(),
            );
            call.run(
                async move { api::remove_passkey(&csrf_token, &id, &request).await },
                move |left| on_list.emit(left),
            );
        })
    };
    let banner = problem
        .get()
        .and_then(|p| banner_message(p, FIELDS))
        .map(AttrValue::from);
    let last_used = props.passkey.last_used_at.as_deref().map_or_else(
        || texts.t("twofactor-passkey-never-used"),
        |at| {
            texts.t_args(
                "twofactor-passkey-last-used",
                &[("at", format_timestamp_in(at, texts).into())],
            )
        },
    );

    html! {
        <li class="passkey" data-passkey-id={id.clone()}>
            <p class="method-text">
                <strong class="passkey-name">{ props.passkey.name.clone() }</strong>
                <span class="muted">
                    { format!(" · {} · {last_used}", texts.t_args(
                        "twofactor-passkey-added",
                        &[("at", format_timestamp_in(&props.passkey.created_at, texts).into())],
                    )) }
                </span>
            </p>
            { match *panel {
                RowPanel::None => html! {
                    <div class="panel-actions">
                        <button type="button" class="button button--secondary button--small passkey-rename"
                            onclick={open(RowPanel::Rename)}>{ texts.t("twofactor-rename") }</button>
                        <button type="button" class="button button--ghost-danger button--small passkey-remove"
                            onclick={open(RowPanel::Remove)}>{ texts.t("twofactor-remove") }</button>
                    </div>
                },
                RowPanel::Rename => html! {
                    <form class="token-panel form" onsubmit={on_rename} novalidate=true>
                        <FormBanner message={banner} />
                        <TextField id={format!("passkey-rename-{id}")} label={texts.t("twofactor-new-name")}
                            value={name.value.clone()}
                            on_change={problem.on_change(&name.set, "name")}
                            error={problem.field_message("name")} />
                        <div class="panel-actions">
                            <button type="submit" class="button button--small" disabled={call.busy()}>
                                { texts.t("twofactor-save") }
                            </button>
                            <button type="button" class="button button--secondary button--small"
                                onclick={open(RowPanel::None)}>{ texts.t("twofactor-cancel") }</button>
                        </div>
                    </form>
                },
                RowPanel::Remove => html! {
                    <form class="token-panel token-panel--danger form" onsubmit={on_remove} novalidate=true>
                        <p>{ texts.t("twofactor-confirm-password") }</p>
                        <FormBanner message={banner} />
                        <TextField id={format!("passkey-remove-password-{id}")} label={texts.t("twofactor-password")}
                            input_type="password" autocomplete="current-password"
                            value={password.value.clone()}
                            on_change={problem.on_change(&password.set, "password")}
                            error={problem.field_message("password")} />
                        if props.code_needed {
                            <TextField id={format!("passkey-remove-code-{id}")} label={texts.t("twofactor-current-code")}
                                autocomplete="one-time-code"
                                value={code.value.clone()}
                                on_change={problem.on_change(&code.set, "code")}
                                error={problem.field_message("code")} />
                        }
                        <div class="panel-actions">
                            <button type="submit" class="button button--danger button--small"
                                disabled={call.busy()}>
                                { if call.busy() { texts.t("twofactor-removing") } else { texts.t("twofactor-remove-passkey") } }
                            </button>
                            <button type="button" class="button button--secondary button--small"
                                onclick={open(RowPanel::None)}>{ texts.t("twofactor-cancel") }</button>
                        </div>
                    </form>
                },
            } }
        </li>
    }
}
