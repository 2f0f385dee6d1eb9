//! One credential in the list: name, state, scopes, details and allowlist, with the ways
//! to disable or enable it, edit it and delete it.

use portcullis_shared::dto::TokenState;
use portcullis_shared::problem::Problem;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::{
    policy_in_words, Credential, CredentialNetworks, PolicyDraft, PolicyEditor, RowIdAttribute,
    POLICY_FIELDS,
};
use crate::components::{banner_message, message_html, ExpiryNote};
use crate::format::{format_duration_in, format_timestamp_in};
use crate::hooks::{use_i18n, use_removal, use_session_calls};
use crate::i18n::Texts;

/// What a row is waiting for.
#[derive(Clone, Copy, PartialEq)]
enum Busy {
    Switching,
    Saving,
    Renewing,
    EndingOverlap,
}

/// How long the old secret may keep working after a renewal, as offered (seconds).
pub const OVERLAPS: &[i64] = &[0, 3_600, 86_400, 7 * 86_400];

/// An overlap as the choice reads: "Stop it now", "1 hour", "7 days".
fn overlap_label(secs: i64, texts: Texts) -> String {
    match secs {
        0 => texts.t("credentials-stop-now"),
        secs if secs % 86_400 == 0 && secs > 86_400 => texts.t_args(
            "credentials-overlap-days",
            &[("count", (secs / 86_400).into())],
        ),
        secs => format_duration_in(secs, texts),
    }
}

/// Which of the row's panels is open.
#[derive(Clone, PartialEq)]
enum Panel<D> {
    None,
    ConfirmDelete,
    /// Confirming a new secret; how long the old one keeps working (seconds).
    ConfirmRenew(i64),
    /// Editing; what the panel holds so far.
    Edit(D),
    /// Editing the policy; what the panel holds so far.
    Policy(PolicyDraft),
}

/// Props of [`CredentialRow`].
#[derive(Properties, PartialEq)]
pub struct CredentialRowProps<C: Credential> {
    pub item: C,
    /// Marks the one just created.
    #[prop_or_default]
    pub highlight: bool,
    /// Called with the credential as the API changed it.
    pub on_changed: Callback<C>,
    /// Called with the id of a credential that is gone.
    pub on_removed: Callback<String>,
    /// Called with the answer to a renewal, which holds the new secret.
    pub on_renewed: Callback<C::Created>,
}

/// One credential with its actions.
#[component]
pub fn CredentialRow<C: Credential>(props: &CredentialRowProps<C>) -> Html {
    let calls = use_session_calls();
    let texts = use_i18n();
    let busy = use_state(|| None::<Busy>);
    let panel = use_state(|| Panel::<C::Draft>::None);
    let problem = use_state(|| None::<Problem>);
    let item = &props.item;
    let kind = &C::KIND;
    let class = |what: &str| format!("{}-{what}", kind.class);

    // Sends `change`; the answer replaces the credential in the list.
    let update = {
        let (calls, busy, panel, problem) =
            (calls.clone(), busy.clone(), panel.clone(), problem.clone());
        let (id, on_changed) = (item.id().to_owned(), props.on_changed.clone());
        Callback::from(move |(change, doing): (C::Change, Busy)| {
            if busy.is_some() {
                return;
            }
            busy.set(Some(doing));
            problem.set(None);
            let (calls, busy, panel, problem, on_changed) = (
                calls.clone(),
                busy.clone(),
                panel.clone(),
                problem.clone(),
                on_changed.clone(),
            );
            let answer = C::update(calls.csrf_token().to_owned(), id.clone(), change);
            spawn_local(async move {
                match answer.await {
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
        Callback::from(move |_: MouseEvent| update.emit((C::switch(disabled), Busy::Switching)))
    };
    let open = |next: Panel<C::Draft>| {
        let (panel, problem) = (panel.clone(), problem.clone());
        Callback::from(move |_: MouseEvent| {
            problem.set(None);
            panel.set(next.clone());
        })
    };
    // Asks for a new secret; the page shows it once and reads the list again.
    let renew = {
        let (calls, busy, panel, problem) =
            (calls.clone(), busy.clone(), panel.clone(), problem.clone());
        let (id, on_renewed) = (item.id().to_owned(), props.on_renewed.clone());
        Callback::from(move |overlap_secs: i64| {
            if busy.is_some() {
                return;
            }
            busy.set(Some(Busy::Renewing));
            problem.set(None);
            let (calls, busy, panel, problem, on_renewed) = (
                calls.clone(),
                busy.clone(),
                panel.clone(),
                problem.clone(),
                on_renewed.clone(),
            );
            let answer = C::renew(calls.csrf_token().to_owned(), id.clone(), overlap_secs);
            spawn_local(async move {
                match answer.await {
                    Ok(renewed) => {
                        panel.set(Panel::None);
                        on_renewed.emit(renewed);
                    }
                    Err(error) => problem.set(Some(calls.problem(error))),
                }
                busy.set(None);
            });
        })
    };
    let end_overlap = {
        let (calls, busy, problem) = (calls.clone(), busy.clone(), problem.clone());
        let (id, on_changed) = (item.id().to_owned(), props.on_changed.clone());
        Callback::from(move |_: MouseEvent| {
            if busy.is_some() {
                return;
            }
            busy.set(Some(Busy::EndingOverlap));
            problem.set(None);
            let (calls, busy, problem, on_changed) = (
                calls.clone(),
                busy.clone(),
                problem.clone(),
                on_changed.clone(),
            );
            let answer = C::end_overlap(calls.csrf_token().to_owned(), id.clone());
            spawn_local(async move {
                match answer.await {
                    Ok(changed) => on_changed.emit(changed),
                    Err(error) => problem.set(Some(calls.problem(error))),
                }
                busy.set(None);
            });
        })
    };
    let removal = use_removal(item.id(), C::delete, props.on_removed.clone());
    let delete = removal.start.clone();

    let is_busy = busy.is_some() || removal.busy;
    let busy_label = |doing: Busy, busy_text: String, text: String| -> String {
        if *busy == Some(doing) {
            busy_text
        } else {
            text
        }
    };
    let switch_button = match item.state() {
        TokenState::Active => html! {
            <button type="button"
                class={classes!("button", "button--secondary", "button--small", class("disable"))}
                disabled={is_busy} onclick={switch(true)}>
                { busy_label(Busy::Switching, texts.t("credentials-disabling"), texts.t("credentials-disable")) }
            </button>
        },
        TokenState::Disabled => html! {
            <button type="button"
                class={classes!("button", "button--secondary", "button--small", class("enable"))}
                disabled={is_busy} onclick={switch(false)}>
                { busy_label(Busy::Switching, texts.t("credentials-enabling"), texts.t("credentials-enable")) }
            </button>
        },
        TokenState::Expired => Html::default(),
    };
    let can_edit = item.state() != TokenState::Expired;
    let editing = matches!(*panel, Panel::Edit(_));
    let editing_policy = matches!(*panel, Panel::Policy(_));

    let panel_html = match &*panel {
        Panel::None => Html::default(),
        Panel::ConfirmDelete => html! {
            <div class="token-panel token-panel--danger" role="group" aria-label={texts.t("credentials-confirm-deletion")}>
                <p>
                    <strong>{ texts.t_args("credentials-delete-question", &[("name", item.name().into())]) }</strong>
                    { " " }{ texts.msg(kind.delete_warning) }
                </p>
                <div class="panel-actions">
                    <button type="button"
                        class={classes!("button", "button--danger", "button--small", class("delete-confirm"))}
                        disabled={is_busy} onclick={delete}>
                        { if removal.busy { texts.t("credentials-deleting") } else { texts.msg(kind.delete_button) } }
                    </button>
                    <button type="button"
                        class={classes!("button", "button--secondary", "button--small", class("delete-cancel"))}
                        disabled={is_busy} onclick={open(Panel::None)}>
                        { texts.t("credentials-cancel") }
                    </button>
                </div>
            </div>
        },
        Panel::ConfirmRenew(overlap) => {
            let renewal = &kind.renewal;
            let confirm = {
                let (renew, overlap) = (renew.clone(), *overlap);
                Callback::from(move |_: MouseEvent| renew.emit(overlap))
            };
            let choose = {
                let panel = panel.clone();
                Callback::from(move |event: Event| {
                    let chosen = event
                        .target_unchecked_into::<web_sys::HtmlSelectElement>()
                        .value();
                    panel.set(Panel::ConfirmRenew(chosen.parse().unwrap_or(0)));
                })
            };
            let select_id = format!("{}-overlap-{}", kind.class, item.id());
            html! {
                <div class={classes!("token-panel", "token-panel--danger", class("renew-panel"))}
                    role="group" aria-label={texts.t_args("credentials-confirm-label", &[("action", texts.msg(renewal.button).into())])}>
                    <p>
                        <strong>{ texts.msg_args(renewal.question, &[("name", item.name().into())]) }</strong>
                        { " " }{ texts.msg(renewal.warning) }
                    </p>
                    if renewal.offers_overlap {
                        <div class="field">
                            <label for={select_id.clone()}>{ texts.t("credentials-keep-old-secret-working") }</label>
                            <select id={select_id} class={class("overlap")} onchange={choose} disabled={is_busy}>
                                for secs in OVERLAPS.iter() {
                                    <option value={secs.to_string()} selected={*secs == *overlap}>{ overlap_label(*secs, texts) }</option>
                                }
                            </select>
                            <p class="hint muted">
                                { if *overlap == 0 {
                                    texts.t("credentials-overlap-none-hint")
                                } else {
                                    texts.t("credentials-overlap-hint")
                                } }
                            </p>
                        </div>
                    }
                    <div class="panel-actions">
                        <button type="button"
                            class={classes!("button", "button--danger", "button--small", class(&format!("{}-confirm", renewal.class)))}
                            disabled={is_busy} onclick={confirm}>
                            { busy_label(Busy::Renewing, texts.msg(renewal.busy), texts.msg(renewal.confirm)) }
                        </button>
                        <button type="button"
                            class={classes!("button", "button--secondary", "button--small", class(&format!("{}-cancel", renewal.class)))}
                            disabled={is_busy} onclick={open(Panel::None)}>
                            { texts.t("credentials-cancel") }
                        </button>
                    </div>
                </div>
            }
        }
        Panel::Edit(draft) => {
            let on_draft = {
                let (panel, problem) = (panel.clone(), problem.clone());
                Callback::from(move |draft: C::Draft| {
                    panel.set(Panel::Edit(draft));
                    problem.set(None);
                })
            };
            let onsubmit = {
                let (update, draft) = (update.clone(), draft.clone());
                Callback::from(move |event: SubmitEvent| {
                    event.prevent_default();
                    update.emit((C::save(&draft), Busy::Saving));
                })
            };
            html! {
                <form class="token-panel" onsubmit={onsubmit} novalidate=true>
                    { item.edit_field(draft, on_draft, (*problem).as_ref(), texts) }
                    <div class="panel-actions">
                        <button type="submit"
                            class={classes!("button", "button--small", class(&format!("{}-save", kind.edits_class)))}
                            disabled={is_busy || !C::can_save(draft)}>
                            { busy_label(Busy::Saving, texts.t("credentials-saving"), texts.msg(kind.save_button)) }
                        </button>
                        <button type="button"
                            class={classes!("button", "button--secondary", "button--small", class(&format!("{}-cancel", kind.edits_class)))}
                            disabled={is_busy} onclick={open(Panel::None)}>
                            { texts.t("credentials-cancel") }
                        </button>
                    </div>
                </form>
            }
        }
        Panel::Policy(draft) => {
            let on_draft = {
                let (panel, problem) = (panel.clone(), problem.clone());
                Callback::from(move |draft: PolicyDraft| {
                    panel.set(Panel::Policy(draft));
                    problem.set(None);
                })
            };
            let onsubmit = {
                let (update, draft, problem) = (update.clone(), draft.clone(), problem.clone());
                Callback::from(move |event: SubmitEvent| {
                    event.prevent_default();
                    match draft.to_request(texts) {
                        Ok(request) => update.emit((C::save_policy(request), Busy::Saving)),
                        Err(errors) => problem.set(Some(Problem::validation_failed(errors))),
                    }
                })
            };
            html! {
                <form class={classes!("token-panel", class("policy-panel"))} onsubmit={onsubmit} novalidate=true>
                    <PolicyEditor id_prefix={format!("{}-policy-{}", kind.class, item.id())}
                        draft={draft.clone()} {on_draft} problem={(*problem).clone()} />
                    <div class="panel-actions">
                        <button type="submit"
                            class={classes!("button", "button--small", class("policy-save"))}
                            disabled={is_busy}>
                            { busy_label(Busy::Saving, texts.t("credentials-saving"), texts.t("credentials-save-policy")) }
                        </button>
                        <button type="button"
                            class={classes!("button", "button--secondary", "button--small", class("policy-cancel"))}
                            disabled={is_busy} onclick={open(Panel::None)}>
                            { texts.t("credentials-cancel") }
                        </button>
                    </div>
                </form>
            }
        }
    };
    let mut shown_fields = vec![kind.edits_field];
    shown_fields.extend_from_slice(POLICY_FIELDS);
    let row_error = (*problem)
        .as_ref()
        .and_then(|p| banner_message(p, &shown_fields))
        .or_else(|| removal.error.clone())
        .map(|message| html! { <p class="row-error" role="alert">{ message_html(&message) }</p> });
    let (state_text, state_class) = state_label(item.state(), texts);

    let content = html! {
        <>
            <div class="token-head">
                <div class="token-title">
                    <span class="token-name">{ item.name().to_owned() }</span>
                    <span class={classes!("badge", class("state"), state_class)}>{ state_text }</span>
                    if props.highlight {
                        <span class="badge badge--new">{ texts.t("credentials-new") }</span>
                    }
                </div>
                <div class="token-actions">
                    { switch_button }
                    if can_edit {
                        <button type="button"
                            class={classes!("button", "button--secondary", "button--small", class(&format!("edit-{}", kind.edits_class)))}
                            disabled={is_busy || editing}
                            onclick={open(Panel::Edit(item.draft()))}>
                            { texts.msg(kind.edit_button) }
                        </button>
                        <button type="button"
                            class={classes!("button", "button--secondary", "button--small", class("edit-policy"))}
                            disabled={is_busy || editing_policy}
                            onclick={open(Panel::Policy(PolicyDraft::from_dto(item.policy())))}>
                            { texts.t("credentials-edit-policy") }
                        </button>
                    }
                    <button type="button"
                        class={classes!("button", "button--secondary", "button--small", class(kind.renewal.class))}
                        disabled={is_busy || matches!(*panel, Panel::ConfirmRenew(_))}
                        onclick={open(Panel::ConfirmRenew(if kind.renewal.offers_overlap { 86_400 } else { 0 }))}>
                        { texts.msg(kind.renewal.button) }
                    </button>
                    <button type="button"
                        class={classes!("button", "button--ghost-danger", "button--small", class("delete"))}
                        disabled={is_busy || *panel == Panel::ConfirmDelete}
                        onclick={open(Panel::ConfirmDelete)}>
                        { texts.t("credentials-delete") }
                    </button>
                </div>
            </div>
            <ul class={classes!("chips", class("scopes"))} aria-label={texts.t("credentials-permissions")}>
                for scope in item.scopes().iter() {
                    <li class="chip" title={scope.description()}>{ scope.as_str() }</li>
                }
            </ul>
            <dl class="token-meta">
                { item.details(texts) }
                if let Some(until) = item.previous_secret_until() {
                    <div class="token-meta-wide">
                        <dt>{ texts.t("credentials-previous-secret") }</dt>
                        <dd class={class("previous-secret")}>
                            { texts.t_args("credentials-previous-works-until", &[("at", format_timestamp_in(until, texts).into())]) }{ " " }
                            <button type="button"
                                class={classes!("button", "button--ghost-danger", "button--small", class("end-overlap"))}
                                disabled={is_busy} onclick={end_overlap}>
                                { busy_label(Busy::EndingOverlap, texts.t("credentials-stopping"), texts.t("credentials-stop-now")) }
                            </button>
                        </dd>
                    </div>
                }
                <div class="token-meta-wide">
                    <dt>{ texts.t("credentials-policy") }</dt>
                    <dd class={class("policy")}>
                        { match item.policy() {
                            Some(policy) => html! { policy_in_words(policy, texts) },
                            None => html! { <span class="muted">{ texts.t("credentials-no-limits-own") }</span> },
                        } }
                    </dd>
                </div>
                <div class="token-meta-wide">
                    <dt>{ texts.t("credentials-ip-allowlist") }</dt>
                    <dd class={class("allowlist")}>
                        if item.ip_allowlist().is_empty() {
                            <span class="muted">{ texts.t("credentials-any-address-account-allows") }</span>
                        } else {
                            <ul class="chips chips--plain">
                                for entry in item.ip_allowlist().iter() {
                                    <li class="chip chip--mono">
                                        { entry.clone() }
                                        <ExpiryNote expires_at={item.ip_allowlist_expires_at().get(entry).map(|at| AttrValue::from(at.clone()))} />
                                    </li>
                                }
                            </ul>
                        }
                    </dd>
                </div>
                <div class="token-meta-wide">
                    <dt>{ texts.t("credentials-networks-used-2") }</dt>
                    <dd class={class("networks")}>
                        <CredentialNetworks of={kind.row_id} id={AttrValue::from(item.id().to_owned())} />
                    </dd>
                </div>
            </dl>
            if let Some(note) = item.note() {
                <p class="token-note muted">{ texts.msg(note) }</p>
            }
            { panel_html }
            { row_error.unwrap_or_default() }
        </>
    };
    let row_class = classes!("token", props.highlight.then_some("token--new"));
    let id = item.id().to_owned();
    match kind.row_id {
        RowIdAttribute::Token => html! {
            <li class={row_class} data-token-id={id}>{ content }</li>
        },
        RowIdAttribute::Client => html! {
            <li class={row_class} data-client-id={id}>{ content }</li>
        },
    }
}

/// The state badge's text and class.
pub fn state_label(state: TokenState, texts: Texts) -> (String, &'static str) {
    match state {
        TokenState::Active => (texts.t("credentials-active"), "token-state--active"),
        TokenState::Disabled => (texts.t("credentials-disabled"), "token-state--disabled"),
        TokenState::Expired => (texts.t("credentials-expired"), "token-state--expired"),
    }
}

/// When and from where a token or client was last used; `class` prefixes the classes.
pub fn last_used(at: Option<&String>, ip: Option<&String>, class: &str, texts: Texts) -> Html {
    match (at, ip) {
        (Some(at), Some(ip)) => html! {
            <>
                { format_timestamp_in(at, texts) }
                <span class="muted">{ format!(" {} ", texts.t("credentials-from")) }</span>
                <code class={format!("{class}-last-ip")}>{ ip.clone() }</code>
            </>
        },
        (Some(at), None) => html! { format_timestamp_in(at, texts) },
        (None, _) => html! { <span class="muted">{ texts.t("credentials-never-used") }</span> },
    }
}
