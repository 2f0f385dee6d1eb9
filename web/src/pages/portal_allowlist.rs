//! The account's portal IP allowlist: where its users may sign in and use the portal from,
//! with the address the server sees this browser at, and a confirmation step before any
//! change that would lock this browser out.

use std::rc::Rc;

use portcullis_shared::dto::{
    AddPortalAllowlistEntryRequest, PortalAllowlistDto, PortalAllowlistEntryDto,
};
use portcullis_shared::problem::{Problem, ProblemCode};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::components::{
    banner_message, message_html, AllowlistEntryFields, AllowlistEntryText, ConfirmPanel,
    ExpiryNote, FormBanner, SecurityTabs,
};
use crate::format::format_timestamp_in;
use crate::hooks::use_i18n;
use crate::hooks::{undo_call, use_entry_form, use_session_calls, use_toasts};

/// Request fields the add form shows errors next to.
const FIELDS: &[&str] = &["value", "label", "expires_at"];

/// The portal allowlist page. Rendered only behind `RequireSession`.
#[component]
pub fn PortalAllowlistPage() -> Html {
    let texts = use_i18n();
    let calls = use_session_calls();
    let list = use_state(|| None::<PortalAllowlistDto>);
    let problem = use_state(|| None::<Problem>);
    let reload = {
        let (calls, list, problem) = (calls.clone(), list.clone(), problem.clone());
        use_callback((), move |(), _| {
            let (calls, list, problem) = (calls.clone(), list.clone(), problem.clone());
            spawn_local(async move {
                match api::get_portal_allowlist().await {
                    Ok(answer) => {
                        list.set(Some(answer));
                        problem.set(None);
                    }
                    Err(error) => problem.set(Some(calls.problem(error))),
                }
            });
        })
    };
    {
        let reload = reload.clone();
        use_effect_with((), move |_| reload.emit(()));
    }
    let load_error = (*problem)
        .as_ref()
        .and_then(|p| banner_message(p, &[]))
        .map(|message| {
            AttrValue::from(texts.t_args("allowlist-load-failed", &[("reason", message.into())]))
        });
    let on_changed = reload.clone();

    html! {
        <section class="api-access" data-testid="portal-allowlist">
            <div class="page-head">
                <div>
                    <p class="eyebrow">{ texts.t("allowlist-security") }</p>
                    <h1>{ texts.t("allowlist-portal-ip-allowlist") }</h1>
                    <p class="muted lead">
                        { texts.t("allowlist-addresses-team-may-sign") }
                    </p>
                </div>
            </div>
            <SecurityTabs />
            <FormBanner message={load_error} />
            if let Some(list) = (*list).clone() {
                <YourAddress address={list.your_address.clone()} allowed={list.your_address_allowed}
                    restricted={!list.entries.is_empty()} />
                <div class="card card--flush">
                    <div class="card-head">
                        <h2>{ texts.t("allowlist-allowed-addresses") }</h2>
                        if list.entries.is_empty() {
                            <span class="badge badge--open" id="portal-allowlist-status">{ texts.t("allowlist-open-any-address") }</span>
                        } else {
                            <span class="badge badge--restricted" id="portal-allowlist-status">
                                { texts.t_args("allowlist-restricted", &[("count", list.entries.len().into())]) }
                            </span>
                        }
                    </div>
                    <PortalAllowlistEntries entries={Rc::new(list.entries.clone())}
                        your_address={list.your_address.clone()} on_changed={on_changed.clone()} />
                </div>
            } else if problem.is_none() {
                <p class="loading muted" aria-busy="true">{ texts.t("allowlist-loading-allowlist") }</p>
            }
            <div class="card">
                <h2>{ texts.t("allowlist-add-address-range") }</h2>
                <AddPortalEntryForm {on_changed}
                    your_address={(*list).as_ref().map(|l| AttrValue::from(l.your_address.clone()))} />
            </div>
        </section>
    }
}

/// Props of [`YourAddress`].
#[derive(Properties, PartialEq)]
pub struct YourAddressProps {
    /// This browser's address as the server sees it.
    pub address: AttrValue,
    /// Whether the list lets it in.
    pub allowed: bool,
    /// Whether the list has entries at all.
    pub restricted: bool,
}

/// "Your address as the server sees it", and what the list makes of it.
#[component]
pub fn YourAddress(props: &YourAddressProps) -> Html {
    let texts = use_i18n();
    let verdict = match (props.restricted, props.allowed) {
        (false, _) => texts.t("allowlist-verdict-open"),
        (true, true) => texts.t("allowlist-verdict-allowed"),
        (true, false) => texts.t("allowlist-verdict-refused"),
    };
    html! {
        <div class="callout" id="your-address-box">
            <p>
                { texts.t("allowlist-address-server-sees") }{ " " }
                <code id="your-address">{ props.address.clone() }</code>
            </p>
            <p class="muted" id="your-address-verdict">{ verdict }</p>
        </div>
    }
}

/// Props of [`LockoutConfirm`].
#[derive(Properties, PartialEq)]
pub struct LockoutConfirmProps {
    /// What the change would do, e.g. "Adding 10.0.0.0/8 would lock you out."
    pub change: AttrValue,
    /// This browser's address as the server sees it.
    pub address: AttrValue,
    /// The text of the button that makes the change anyway.
    pub confirm_text: AttrValue,
    /// Makes the change anyway.
    pub on_confirm: Callback<()>,
    /// Leaves everything as it is.
    pub on_cancel: Callback<()>,
    /// A request is under way.
    #[prop_or_default]
    pub busy: bool,
}

/// The step between a `would_lock_out` answer and the confirmed change.
#[component]
pub fn LockoutConfirm(props: &LockoutConfirmProps) -> Html {
    let texts = use_i18n();
    let confirm = props.on_confirm.reform(|_: MouseEvent| ());
    let cancel = props.on_cancel.reform(|_: MouseEvent| ());
    html! {
        <div class="token-panel token-panel--danger lockout-confirm" role="alertdialog"
            aria-labelledby="lockout-title" aria-describedby="lockout-detail">
            <p>
                <strong id="lockout-title">{ props.change.clone() }</strong>
                { " " }
                <span id="lockout-detail">
                    { texts.t_args("allowlist-lockout-detail", &[("address", props.address.as_str().into())]) }
                </span>
            </p>
            <div class="panel-actions">
                <button type="button" class="button button--danger button--small" id="lockout-confirm"
                    disabled={props.busy} onclick={confirm}>
                    { props.confirm_text.clone() }
                </button>
                <button type="button" class="button button--secondary button--small" id="lockout-cancel"
                    disabled={props.busy} onclick={cancel}>
                    { texts.t("allowlist-cancel") }
                </button>
            </div>
        </div>
    }
}

/// Props of [`PortalAllowlistEntries`].
#[derive(Properties, PartialEq)]
pub struct PortalAllowlistEntriesProps {
    /// The entries, oldest first.
    pub entries: Rc<Vec<PortalAllowlistEntryDto>>,
    /// This browser's address as the server sees it.
    pub your_address: AttrValue,
    /// Called after an entry was removed.
    pub on_changed: Callback<()>,
}

/// Each entry with its label, overlaps and a Remove button, or what an empty list means.
#[component]
pub fn PortalAllowlistEntries(props: &PortalAllowlistEntriesProps) -> Html {
    let texts = use_i18n();
    if props.entries.is_empty() {
        return html! {
            <div class="empty-state" id="portal-allowlist-empty">
                <p class="empty-title">{ texts.t("allowlist-no-entries-portal-can") }</p>
                <p class="muted">{ texts.t("allowlist-add-offices-addresses-below") }</p>
            </div>
        };
    }
    html! {
        <ul class="entry-list" id="portal-allowlist-entries">
            for entry in props.entries.iter() {
                <PortalEntryRow key={entry.id.clone()} entry={entry.clone()}
                    last={props.entries.len() == 1} your_address={props.your_address.clone()} on_changed={props.on_changed.clone()} />
            }
        </ul>
    }
}

#[derive(Properties, PartialEq)]
struct PortalEntryRowProps {
    entry: PortalAllowlistEntryDto,
    /// The only entry: removing it opens the portal to every address, so it asks first.
    last: bool,
    your_address: AttrValue,
    on_changed: Callback<()>,
}

#[component]
fn PortalEntryRow(props: &PortalEntryRowProps) -> Html {
    let texts = use_i18n();
    let calls = use_session_calls();
    let removing = use_state(|| false);
    let problem = use_state(|| None::<Problem>);
    let entry = &props.entry;
    let toasts = use_toasts();
    // Says the entry went, with an Undo that adds the same value, label and end back.
    let removed = {
        let (entry, calls, on_changed) = (entry.clone(), calls.clone(), props.on_changed.clone());
        Callback::from(move |()| {
            on_changed.emit(());
            let request = AddPortalAllowlistEntryRequest {
                value: entry.value.clone(),
                label: entry.label.clone(),
                expires_at: entry.expires_at.clone(),
                confirm_lockout: false,
            };
            let undo = undo_call(
                &toasts,
                &calls,
                &entry.value,
                on_changed.reform(|_: PortalAllowlistEntryDto| ()),
                move |csrf| {
                    let request = request.clone();
                    async move { api::add_portal_allowlist_entry(&csrf, &request).await }
                },
            );
            toasts.show_with_undo(
                texts.t_args(
                    "allowlist-removed-toast",
                    &[("entry", entry.value.as_str().into())],
                ),
                undo,
            );
        })
    };

    let remove = {
        let (calls, removing, problem) = (calls.clone(), removing.clone(), problem.clone());
        let (id, on_changed) = (entry.id.clone(), removed);
        Callback::from(move |confirm: bool| {
            removing.set(true);
            let (calls, removing, problem, id, on_changed) = (
                calls.clone(),
                removing.clone(),
                problem.clone(),
                id.clone(),
                on_changed.clone(),
            );
            spawn_local(async move {
                match api::remove_portal_allowlist_entry(calls.csrf_token(), &id, confirm).await {
                    Ok(()) => {
                        problem.set(None);
                        on_changed.emit(());
                    }
                    Err(error) if error.code() == Some(ProblemCode::NotFound) => {
                        on_changed.emit(())
                    }
                    Err(error) => problem.set(Some(calls.problem(error))),
                }
                removing.set(false);
            });
        })
    };
    let pending = (*problem)
        .as_ref()
        .is_some_and(|p| p.code == ProblemCode::WouldLockOut);
    let error = (*problem)
        .as_ref()
        .filter(|p| p.code != ProblemCode::WouldLockOut)
        .and_then(|p| banner_message(p, &[]));
    let on_cancel = {
        let problem = problem.clone();
        Callback::from(move |()| problem.set(None))
    };
    let confirming_last = use_state(|| false);
    let onclick = {
        let (confirming_last, remove, last) = (confirming_last.clone(), remove.clone(), props.last);
        Callback::from(move |_: MouseEvent| {
            if last {
                confirming_last.set(true);
            } else {
                remove.emit(false);
            }
        })
    };
    let on_confirm_last = {
        let (confirming_last, remove) = (confirming_last.clone(), remove.clone());
        Callback::from(move |()| {
            confirming_last.set(false);
            remove.emit(false);
        })
    };
    let on_cancel_last = {
        let confirming_last = confirming_last.clone();
        Callback::from(move |()| confirming_last.set(false))
    };

    html! {
        <li class="entry" data-entry-id={entry.id.clone()}>
            <AllowlistEntryText value={entry.value.clone()} label={entry.label.clone()}>
                if !entry.overlaps.is_empty() {
                    <span class="entry-label muted entry-overlaps">
                        { texts.t_args("allowlist-overlaps", &[("entries", entry.overlaps.join(", ").into())]) }
                    </span>
                }
                <ExpiryNote expires_at={entry.expires_at.clone().map(AttrValue::from)} />
            </AllowlistEntryText>
            <span class="entry-added muted">{ texts.t_args("allowlist-added-at", &[("at", format_timestamp_in(&entry.created_at, texts).into())]) }</span>
            <button type="button" class="button button--ghost-danger button--small portal-allowlist-delete"
                aria-label={texts.t_args("allowlist-remove-entry", &[("entry", entry.value.as_str().into())])}
                disabled={*removing || *confirming_last} {onclick}>
                { if *removing { texts.t("allowlist-removing") } else { texts.t("allowlist-remove") } }
            </button>
            if *confirming_last {
                <ConfirmPanel id="portal-allowlist-last-panel"
                    title={texts.t_args("allowlist-remove-last-question", &[("entry", entry.value.as_str().into())])}
                    detail={texts.t("allowlist-no-entries-allowlist-off-2")}
                    confirm_text={texts.t("allowlist-remove-allow-every-address")} busy={*removing}
                    on_confirm={on_confirm_last} on_cancel={on_cancel_last} />
            }
            if pending {
                <LockoutConfirm change={texts.t_args("allowlist-lockout-removing", &[("entry", entry.value.as_str().into())])}
                    address={props.your_address.clone()}
                    confirm_text={texts.t("allowlist-remove-anyway")} busy={*removing}
                    on_confirm={remove.reform(|()| true)} {on_cancel} />
            }
            if let Some(error) = error {
                <p class="row-error" role="alert">{ message_html(&error) }</p>
            }
        </li>
    }
}

/// Props of [`AddPortalEntryForm`].
#[derive(Properties, PartialEq)]
pub struct AddPortalEntryFormProps {
    /// This browser's address as the server sees it, once known.
    pub your_address: Option<AttrValue>,
    /// Called after an entry was added; the form has cleared itself by then.
    pub on_changed: Callback<()>,
}

/// Value and optional label of a new entry; a `would_lock_out` answer asks first.
#[component]
pub fn AddPortalEntryForm(props: &AddPortalEntryFormProps) -> Html {
    let texts = use_i18n();
    let overlaps = use_state(Vec::<String>::new);
    let toasts = use_toasts();
    let on_added = {
        let (overlaps, on_changed) = (overlaps.clone(), props.on_changed.clone());
        Callback::from(move |entry: PortalAllowlistEntryDto| {
            toasts.show(texts.t_args(
                "allowlist-added-toast",
                &[("entry", entry.value.as_str().into())],
            ));
            overlaps.set(entry.overlaps);
            on_changed.emit(());
        })
    };
    let form = use_entry_form(
        |csrf, request, confirm_lockout| async move {
            let request = AddPortalAllowlistEntryRequest {
                value: request.value,
                label: request.label,
                expires_at: request.expires_at,
                confirm_lockout,
            };
            api::add_portal_allowlist_entry(&csrf, &request).await
        },
        on_added,
    );
    let onsubmit = {
        let (submit, overlaps) = (form.submit.clone(), overlaps.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            overlaps.set(Vec::new());
            submit.emit(false);
        })
    };
    let problem = &form.problem;
    let pending = problem
        .get()
        .is_some_and(|p| p.code == ProblemCode::WouldLockOut);
    let banner = problem
        .get()
        .filter(|p| p.code != ProblemCode::WouldLockOut)
        .and_then(|p| banner_message(p, FIELDS))
        .map(AttrValue::from);
    let on_cancel = {
        let problem = problem.clone();
        Callback::from(move |()| problem.set(None))
    };

    html! {
        <form class="form" onsubmit={onsubmit} novalidate=true>
            <FormBanner message={banner} />
            <AllowlistEntryFields id_prefix="portal-allowlist" value={form.value.clone()}
                label={form.label.clone()} expiry={form.expiry.clone()}
                expiry_at={form.expiry_at.clone()} problem={form.problem.clone()}
                label_placeholder={texts.t("allowlist-label-placeholder-office")} submitting={form.submitting} />
            if pending {
                <LockoutConfirm change={texts.t_args("allowlist-lockout-adding", &[("entry", form.value.value.trim().into())])}
                    address={props.your_address.clone().unwrap_or_else(|| AttrValue::from(texts.t("allowlist-unknown-address")))}
                    confirm_text={texts.t("allowlist-add-anyway")} busy={form.submitting}
                    on_confirm={form.submit.reform(|()| true)} {on_cancel} />
            }
            if !overlaps.is_empty() {
                <p class="banner banner--warning" id="portal-allowlist-overlaps" role="status">
                    { texts.t_args("allowlist-added-overlaps", &[("entries", overlaps.join(", ").into())]) }
                </p>
            }
        </form>
    }
}
