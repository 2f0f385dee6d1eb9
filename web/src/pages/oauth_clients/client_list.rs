//! The account's OAuth2 clients, each with its state and the ways to change it.

use std::collections::BTreeSet;
use std::rc::Rc;

use portcullis_shared::dto::{OAuthClientDto, UpdateOAuthClientRequest};
use portcullis_shared::problem::{Problem, ProblemCode};
use portcullis_shared::scope::Scope;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::components::{banner_message, toggle_scope, ScopePicker};
use crate::format::{format_duration, format_timestamp};
use crate::hooks::use_session_calls;

/// Props of [`ClientList`].
#[derive(Properties, PartialEq)]
pub struct ClientListProps {
    pub clients: Rc<Vec<OAuthClientDto>>,
    /// Called with a client the API changed.
    pub on_changed: Callback<OAuthClientDto>,
    /// Called with the id of a client that is gone.
    pub on_removed: Callback<String>,
    /// A client to draw attention to (the one just registered).
    #[prop_or_default]
    pub highlight: Option<AttrValue>,
}

/// Every client, or a word on what clients are for when there are none.
#[component]
pub fn ClientList(props: &ClientListProps) -> Html {
    if props.clients.is_empty() {
        return html! {
            <div class="empty-state" id="clients-empty">
                <p class="empty-title">{ "No OAuth2 clients yet" }</p>
                <p class="muted">
                    { "Register one below when a system should fetch short-lived access tokens \
                       itself instead of holding a long-lived API token." }
                </p>
            </div>
        };
    }
    html! {
        <ul class="token-list" id="client-list">
            for client in props.clients.iter() {
                <ClientRow key={client.id.clone()} client={client.clone()}
                    highlight={props.highlight.as_deref() == Some(client.id.as_str())}
                    on_changed={props.on_changed.clone()}
                    on_removed={props.on_removed.clone()} />
            }
        </ul>
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Busy {
    Switching,
    Deleting,
    Saving,
}

#[derive(Clone, PartialEq)]
enum Panel {
    None,
    ConfirmDelete,
    /// Editing the scopes; those ticked so far.
    EditScopes(BTreeSet<Scope>),
}

/// Props of [`ClientRow`].
#[derive(Properties, PartialEq)]
pub struct ClientRowProps {
    pub client: OAuthClientDto,
    #[prop_or_default]
    pub highlight: bool,
    pub on_changed: Callback<OAuthClientDto>,
    pub on_removed: Callback<String>,
}

/// One client: name, state, `client_id`, scopes, token lifetime and allowlist, with its actions.
#[component]
pub fn ClientRow(props: &ClientRowProps) -> Html {
    let calls = use_session_calls();
    let busy = use_state(|| None::<Busy>);
    let panel = use_state(|| Panel::None);
    let problem = use_state(|| None::<Problem>);
    let client = &props.client;

    let update = {
        let (calls, busy, panel, problem) =
            (calls.clone(), busy.clone(), panel.clone(), problem.clone());
        let (id, on_changed) = (client.id.clone(), props.on_changed.clone());
        Callback::from(move |(change, doing): (UpdateOAuthClientRequest, Busy)| {
            if busy.is_some() {
                return;
            }
            busy.set(Some(doing));
            problem.set(None);
            let (calls, busy, panel, problem, id, on_changed) = (
                calls.clone(),
                busy.clone(),
                panel.clone(),
                problem.clone(),
                id.clone(),
                on_changed.clone(),
            );
            spawn_local(async move {
                match api::update_oauth_client(calls.csrf_token(), &id, &change).await {
                    Ok(changed) => {
                        if doing == Busy::Saving {
                            panel.set(Panel::None);
                        }
                        on_changed.emit(changed);
                    }
                    Err(error) => problem.set(Some(calls.problem(error))),
                }
                busy.set(None);
            });
        })
    };
    let switch = |disabled: bool| {
        let update = update.clone();
        Callback::from(move |_: MouseEvent| {
            let change = UpdateOAuthClientRequest {
                disabled: Some(disabled),
                ..UpdateOAuthClientRequest::default()
            };
            update.emit((change, Busy::Switching));
        })
    };
    let open = |next: Panel| {
        let (panel, problem) = (panel.clone(), problem.clone());
        Callback::from(move |_: MouseEvent| {
            problem.set(None);
            panel.set(next.clone());
        })
    };
    let delete = {
        let (calls, busy, problem) = (calls.clone(), busy.clone(), problem.clone());
        let (id, on_removed) = (client.id.clone(), props.on_removed.clone());
        Callback::from(move |_: MouseEvent| {
            if busy.is_some() {
                return;
            }
            busy.set(Some(Busy::Deleting));
            problem.set(None);
            let (calls, busy, problem, id, on_removed) = (
                calls.clone(),
                busy.clone(),
                problem.clone(),
                id.clone(),
                on_removed.clone(),
            );
            spawn_local(async move {
                match api::delete_oauth_client(calls.csrf_token(), &id).await {
                    Ok(()) => on_removed.emit(id),
                    Err(error) if error.code() == Some(ProblemCode::NotFound) => {
                        on_removed.emit(id)
                    }
                    Err(error) => {
                        problem.set(Some(calls.problem(error)));
                        busy.set(None);
                    }
                }
            });
        })
    };

    let is_busy = busy.is_some();
    let switch_button = if client.disabled {
        html! {
            <button type="button" class="button button--secondary button--small client-enable"
                disabled={is_busy} onclick={switch(false)}>
                { if *busy == Some(Busy::Switching) { "Enabling…" } else { "Enable" } }
            </button>
        }
    } else {
        html! {
            <button type="button" class="button button--secondary button--small client-disable"
                disabled={is_busy} onclick={switch(true)}>
                { if *busy == Some(Busy::Switching) { "Disabling…" } else { "Disable" } }
            </button>
        }
    };

    let panel_html = match &*panel {
        Panel::None => Html::default(),
        Panel::ConfirmDelete => html! {
            <div class="token-panel token-panel--danger" role="group" aria-label="Confirm deletion">
                <p>
                    <strong>{ format!("Delete “{}”?", client.name) }</strong>
                    { " Its secret and every access token it was given stop working at once. This can't be undone." }
                </p>
                <div class="panel-actions">
                    <button type="button" class="button button--danger button--small client-delete-confirm"
                        disabled={is_busy} onclick={delete}>
                        { if *busy == Some(Busy::Deleting) { "Deleting…" } else { "Delete client" } }
                    </button>
                    <button type="button" class="button button--secondary button--small client-delete-cancel"
                        disabled={is_busy} onclick={open(Panel::None)}>
                        { "Cancel" }
                    </button>
                </div>
            </div>
        },
        Panel::EditScopes(chosen) => {
            let on_toggle = {
                let (panel, problem, chosen) = (panel.clone(), problem.clone(), chosen.clone());
                Callback::from(move |(scope, checked): (Scope, bool)| {
                    panel.set(Panel::EditScopes(toggle_scope(&chosen, scope, checked)));
                    problem.set(None);
                })
            };
            let onsubmit = {
                let (update, chosen) = (update.clone(), chosen.clone());
                Callback::from(move |event: SubmitEvent| {
                    event.prevent_default();
                    let change = UpdateOAuthClientRequest {
                        scopes: Some(chosen.iter().copied().collect()),
                        ..UpdateOAuthClientRequest::default()
                    };
                    update.emit((change, Busy::Saving));
                })
            };
            let error = (*problem)
                .as_ref()
                .and_then(|p| p.errors.iter().find(|e| e.field == "scopes"))
                .map(|e| AttrValue::from(e.message.clone()))
                .or_else(|| {
                    chosen
                        .is_empty()
                        .then_some(AttrValue::Static("Choose at least one permission."))
                });
            html! {
                <form class="token-panel" onsubmit={onsubmit} novalidate=true>
                    <ScopePicker id={format!("client-scopes-{}", client.id)}
                        name={format!("client-scope-{}", client.id)}
                        legend="Permissions of this client"
                        hint="Tokens already issued lose the permissions you remove."
                        chosen={chosen.clone()} {on_toggle} {error} />
                    <div class="panel-actions">
                        <button type="submit" class="button button--small client-scopes-save"
                            disabled={is_busy || chosen.is_empty()}>
                            { if *busy == Some(Busy::Saving) { "Saving…" } else { "Save permissions" } }
                        </button>
                        <button type="button" class="button button--secondary button--small client-scopes-cancel"
                            disabled={is_busy} onclick={open(Panel::None)}>
                            { "Cancel" }
                        </button>
                    </div>
                </form>
            }
        }
    };
    let row_error = (*problem)
        .as_ref()
        .and_then(|p| banner_message(p, &["scopes"]))
        .map(|message| html! { <p class="row-error" role="alert">{ message }</p> });
    let (state_text, state_class) = if client.disabled {
        ("Disabled", "token-state--disabled")
    } else {
        ("Active", "token-state--active")
    };

    html! {
        <li class={classes!("token", props.highlight.then_some("token--new"))}
            data-client-id={client.id.clone()}>
            <div class="token-head">
                <div class="token-title">
                    <span class="token-name">{ client.name.clone() }</span>
                    <span class={classes!("badge", "client-state", state_class)}>{ state_text }</span>
                    if props.highlight {
                        <span class="badge badge--new">{ "New" }</span>
                    }
                </div>
                <div class="token-actions">
                    { switch_button }
                    <button type="button"
                        class="button button--secondary button--small client-edit-scopes"
                        disabled={is_busy || matches!(*panel, Panel::EditScopes(_))}
                        onclick={open(Panel::EditScopes(client.scopes.iter().copied().collect()))}>
                        { "Edit permissions" }
                    </button>
                    <button type="button" class="button button--ghost-danger button--small client-delete"
                        disabled={is_busy || *panel == Panel::ConfirmDelete}
                        onclick={open(Panel::ConfirmDelete)}>
                        { "Delete" }
                    </button>
                </div>
            </div>
            <ul class="chips client-scopes" aria-label="Permissions">
                for scope in client.scopes.iter() {
                    <li class="chip" title={scope.description()}>{ scope.as_str() }</li>
                }
            </ul>
            <dl class="token-meta">
                <div class="token-meta-wide">
                    <dt>{ "Client ID" }</dt>
                    <dd><code class="client-id">{ client.id.clone() }</code></dd>
                </div>
                <div>
                    <dt>{ "Access tokens last" }</dt>
                    <dd class="client-lifetime">{ format_duration(client.token_lifetime_secs) }</dd>
                </div>
                <div>
                    <dt>{ "Registered" }</dt>
                    <dd class="client-created">{ format_timestamp(&client.created_at) }</dd>
                </div>
                <div class="token-meta-wide">
                    <dt>{ "IP allowlist" }</dt>
                    <dd class="client-allowlist">
                        if client.ip_allowlist.is_empty() {
                            <span class="muted">{ "Any address the account allows" }</span>
                        } else {
                            <ul class="chips chips--plain">
                                for entry in client.ip_allowlist.iter() {
                                    <li class="chip chip--mono">{ entry.clone() }</li>
                                }
                            </ul>
                        }
                    </dd>
                </div>
            </dl>
            if client.disabled {
                <p class="token-note muted">
                    { "Disabled: the token endpoint refuses this client and the tokens it was given are refused too. Enable it to let them work again." }
                </p>
            }
            { panel_html }
            { row_error.unwrap_or_default() }
        </li>
    }
}
