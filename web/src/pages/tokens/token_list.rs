//! The account's tokens, each with its state, use and the ways to change it.

use std::rc::Rc;

use portcullis_shared::dto::{TokenDto, TokenState, UpdateTokenRequest};
use portcullis_shared::problem::{Problem, ProblemCode};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::allowlist_text::{allowlist_entries, allowlist_message, allowlist_text};
use crate::api;
use crate::components::{banner_message, TextAreaField};
use crate::format::format_timestamp;
use crate::hooks::use_session_calls;

/// Props of [`TokenList`].
#[derive(Properties, PartialEq)]
pub struct TokenListProps {
    /// The tokens, newest first.
    pub tokens: Rc<Vec<TokenDto>>,
    /// Called with a token the API changed.
    pub on_changed: Callback<TokenDto>,
    /// Called with the id of a token that is gone.
    pub on_removed: Callback<String>,
    /// A token to draw attention to (the one just created).
    #[prop_or_default]
    pub highlight: Option<AttrValue>,
}

/// Every token, or a word on what tokens are for when there are none.
#[component]
pub fn TokenList(props: &TokenListProps) -> Html {
    if props.tokens.is_empty() {
        return html! {
            <div class="empty-state" id="tokens-empty">
                <p class="empty-title">{ "No API tokens yet" }</p>
                <p class="muted">
                    { "Create one below to let your own systems send SMS, manage contacts or read \
                       your balance through the API." }
                </p>
            </div>
        };
    }
    html! {
        <ul class="token-list" id="token-list">
            for token in props.tokens.iter() {
                <TokenRow key={token.id.clone()} token={token.clone()}
                    highlight={props.highlight.as_deref() == Some(token.id.as_str())}
                    on_changed={props.on_changed.clone()}
                    on_removed={props.on_removed.clone()} />
            }
        </ul>
    }
}

/// What a row is waiting for.
#[derive(Clone, Copy, PartialEq)]
enum Busy {
    Switching,
    Deleting,
    Saving,
}

/// Which of the row's panels is open.
#[derive(Clone, PartialEq)]
enum Panel {
    None,
    ConfirmDelete,
    /// Editing the allowlist; the text typed so far.
    EditAllowlist(String),
}

/// Props of [`TokenRow`].
#[derive(Properties, PartialEq)]
pub struct TokenRowProps {
    pub token: TokenDto,
    #[prop_or_default]
    pub highlight: bool,
    pub on_changed: Callback<TokenDto>,
    pub on_removed: Callback<String>,
}

/// One token: name, state, scopes, dates, last use and allowlist, with its actions.
#[component]
pub fn TokenRow(props: &TokenRowProps) -> Html {
    let calls = use_session_calls();
    let busy = use_state(|| None::<Busy>);
    let panel = use_state(|| Panel::None);
    let problem = use_state(|| None::<Problem>);
    let token = &props.token;

    // Sends `change`; the answer replaces the token in the list.
    let update = {
        let (calls, busy, panel, problem) =
            (calls.clone(), busy.clone(), panel.clone(), problem.clone());
        let (id, on_changed) = (token.id.clone(), props.on_changed.clone());
        Callback::from(move |(change, doing): (UpdateTokenRequest, Busy)| {
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
                match api::update_token(calls.csrf_token(), &id, &change).await {
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
            let change = UpdateTokenRequest {
                disabled: Some(disabled),
                ..UpdateTokenRequest::default()
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
        let (id, on_removed) = (token.id.clone(), props.on_removed.clone());
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
                match api::delete_token(calls.csrf_token(), &id).await {
                    Ok(()) => on_removed.emit(id),
                    // Already gone (deleted in another tab): the list catches up.
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
    let actions = match token.state {
        TokenState::Active => html! {
            <button type="button" class="button button--secondary button--small token-disable"
                disabled={is_busy} onclick={switch(true)}>
                { if *busy == Some(Busy::Switching) { "Disabling…" } else { "Disable" } }
            </button>
        },
        TokenState::Disabled => html! {
            <button type="button" class="button button--secondary button--small token-enable"
                disabled={is_busy} onclick={switch(false)}>
                { if *busy == Some(Busy::Switching) { "Enabling…" } else { "Enable" } }
            </button>
        },
        TokenState::Expired => Html::default(),
    };
    let can_edit = token.state != TokenState::Expired;

    let panel_html = match &*panel {
        Panel::None => Html::default(),
        Panel::ConfirmDelete => html! {
            <div class="token-panel token-panel--danger" role="group" aria-label="Confirm deletion">
                <p>
                    <strong>{ format!("Delete “{}”?", token.name) }</strong>
                    { " Calls made with it are refused from the very next one. This can't be undone." }
                </p>
                <div class="panel-actions">
                    <button type="button" class="button button--danger button--small token-delete-confirm"
                        disabled={is_busy} onclick={delete}>
                        { if *busy == Some(Busy::Deleting) { "Deleting…" } else { "Delete token" } }
                    </button>
                    <button type="button" class="button button--secondary button--small token-delete-cancel"
                        disabled={is_busy} onclick={open(Panel::None)}>
                        { "Cancel" }
                    </button>
                </div>
            </div>
        },
        Panel::EditAllowlist(text) => {
            let on_change = {
                let (panel, problem) = (panel.clone(), problem.clone());
                Callback::from(move |text: String| {
                    panel.set(Panel::EditAllowlist(text));
                    problem.set(None);
                })
            };
            let onsubmit = {
                let (update, text) = (update.clone(), text.clone());
                Callback::from(move |event: SubmitEvent| {
                    event.prevent_default();
                    let change = UpdateTokenRequest {
                        ip_allowlist: Some(allowlist_entries(&text)),
                        ..UpdateTokenRequest::default()
                    };
                    update.emit((change, Busy::Saving));
                })
            };
            let error = (*problem)
                .as_ref()
                .and_then(|p| allowlist_message(p, text))
                .map(AttrValue::from);
            html! {
                <form class="token-panel" onsubmit={onsubmit} novalidate=true>
                    <TextAreaField id={format!("token-allowlist-{}", token.id)}
                        label="IP allowlist for this token" rows=3
                        placeholder={"203.0.113.7\n10.0.0.0/24"}
                        hint="One address or range per line. Empty: every address the account's API allowlist allows."
                        value={text.clone()} {on_change} {error} />
                    <div class="panel-actions">
                        <button type="submit" class="button button--small token-allowlist-save"
                            disabled={is_busy}>
                            { if *busy == Some(Busy::Saving) { "Saving…" } else { "Save allowlist" } }
                        </button>
                        <button type="button" class="button button--secondary button--small token-allowlist-cancel"
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
        .and_then(|p| banner_message(p, &["ip_allowlist[]"]))
        .map(|message| html! { <p class="row-error" role="alert">{ message }</p> });

    html! {
        <li class={classes!("token", props.highlight.then_some("token--new"))}
            data-token-id={token.id.clone()}>
            <div class="token-head">
                <div class="token-title">
                    <span class="token-name">{ token.name.clone() }</span>
                    <StateBadge state={token.state} />
                    if props.highlight {
                        <span class="badge badge--new">{ "New" }</span>
                    }
                </div>
                <div class="token-actions">
                    { actions }
                    if can_edit {
                        <button type="button"
                            class="button button--secondary button--small token-edit-allowlist"
                            disabled={is_busy || matches!(*panel, Panel::EditAllowlist(_))}
                            onclick={open(Panel::EditAllowlist(allowlist_text(&token.ip_allowlist)))}>
                            { "Edit allowlist" }
                        </button>
                    }
                    <button type="button" class="button button--ghost-danger button--small token-delete"
                        disabled={is_busy || *panel == Panel::ConfirmDelete}
                        onclick={open(Panel::ConfirmDelete)}>
                        { "Delete" }
                    </button>
                </div>
            </div>
            <ul class="chips token-scopes" aria-label="Permissions">
                for scope in token.scopes.iter() {
                    <li class="chip" title={scope.description()}>{ scope.as_str() }</li>
                }
            </ul>
            <dl class="token-meta">
                <div>
                    <dt>{ "Token" }</dt>
                    <dd><code class="token-hint">{ token.hint.clone() }</code></dd>
                </div>
                <div>
                    <dt>{ "Created" }</dt>
                    <dd class="token-created">{ format_timestamp(&token.created_at) }</dd>
                </div>
                <div>
                    <dt>{ if token.state == TokenState::Expired { "Expired" } else { "Expires" } }</dt>
                    <dd class="token-expires">
                        { match &token.expires_at {
                            Some(at) => html! { format_timestamp(at) },
                            None => html! { <span class="muted">{ "Never" }</span> },
                        } }
                    </dd>
                </div>
                <div>
                    <dt>{ "Last used" }</dt>
                    <dd class="token-last-used">{ last_used(token) }</dd>
                </div>
                <div class="token-meta-wide">
                    <dt>{ "IP allowlist" }</dt>
                    <dd class="token-allowlist">
                        if token.ip_allowlist.is_empty() {
                            <span class="muted">{ "Any address the account allows" }</span>
                        } else {
                            <ul class="chips chips--plain">
                                for entry in token.ip_allowlist.iter() {
                                    <li class="chip chip--mono">{ entry.clone() }</li>
                                }
                            </ul>
                        }
                    </dd>
                </div>
            </dl>
            if token.state == TokenState::Expired {
                <p class="token-note muted">
                    { "Expired tokens can't be re-enabled. Create a new token and delete this one." }
                </p>
            }
            { panel_html }
            { row_error.unwrap_or_default() }
        </li>
    }
}

/// When and from where the token was last used.
fn last_used(token: &TokenDto) -> Html {
    match (&token.last_used_at, &token.last_used_ip) {
        (Some(at), Some(ip)) => html! {
            <>
                { format_timestamp(at) }
                <span class="muted">{ " from " }</span>
                <code class="token-last-ip">{ ip.clone() }</code>
            </>
        },
        (Some(at), None) => html! { format_timestamp(at) },
        (None, _) => html! { <span class="muted">{ "Never used" }</span> },
    }
}

#[derive(Properties, PartialEq)]
struct StateBadgeProps {
    state: TokenState,
}

/// Active, disabled or expired, as a coloured badge.
#[component]
fn StateBadge(props: &StateBadgeProps) -> Html {
    let (text, modifier) = state_label(props.state);
    html! {
        <span class={classes!("badge", "token-state", modifier)}>{ text }</span>
    }
}

/// The badge's text and class for a state.
pub fn state_label(state: TokenState) -> (&'static str, &'static str) {
    match state {
        TokenState::Active => ("Active", "token-state--active"),
        TokenState::Disabled => ("Disabled", "token-state--disabled"),
        TokenState::Expired => ("Expired", "token-state--expired"),
    }
}
