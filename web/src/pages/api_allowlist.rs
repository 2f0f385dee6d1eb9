//! The account's API IP allowlist: which addresses may call the API at all.

use std::rc::Rc;

use portcullis_shared::dto::{AddAllowlistEntryRequest, AllowlistEntryDto};
use portcullis_shared::problem::FieldError;
use portcullis_shared::validate::codes;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::app::Route;
use crate::components::{
    banner_message, message_html, AllowlistEntryFields, AllowlistEntryText, ApiAccessTabs,
    ConfirmPanel, ExpiryNote, FormBanner,
};
use crate::format::format_timestamp_in;
use crate::hooks::use_i18n;
use crate::hooks::{
    undo_call, use_collection, use_entry_form, use_removal, use_session_calls, use_toasts,
};
use crate::i18n::Texts;

/// Request fields the add form shows errors next to.
const FIELDS: &[&str] = &["value", "label", "expires_at"];

/// The API allowlist: its entries, adding one, removing one. Rendered only behind
/// `RequireSession`.
#[component]
pub fn ApiAllowlistPage() -> Html {
    let texts = use_i18n();
    let entries = use_collection(api::list_api_allowlist);
    let collection = entries.get();

    let load_error = collection
        .problem
        .as_ref()
        .and_then(|p| banner_message(p, &[]))
        .map(|message| {
            html! { <div class="banner banner--error" role="alert">{ texts.t_args("allowlist-load-failed", &[("reason", message.into())]) }</div> }
        });
    let status = collection.items.as_ref().map(|items| {
        if items.is_empty() {
            html! { <span class="badge badge--open" id="allowlist-status">{ texts.t("allowlist-open-any-address") }</span> }
        } else {
            html! {
                <span class="badge badge--restricted" id="allowlist-status">
                    { texts.t_args("allowlist-restricted", &[("count", items.len().into())]) }
                </span>
            }
        }
    });
    let body = match &collection.items {
        Some(items) => html! {
            <AllowlistEntries entries={items.clone()} on_removed={entries.remove_callback()}
                on_restored={entries.reload_callback().reform(|_: AllowlistEntryDto| ())} />
        },
        None if collection.problem.is_none() => html! {
            <p class="loading muted" aria-busy="true">{ texts.t("allowlist-loading-allowlist") }</p>
        },
        None => Html::default(),
    };
    let toasts = use_toasts();
    let on_added = {
        let entries = entries.clone();
        Callback::from(move |entry: AllowlistEntryDto| {
            toasts.show(texts.t_args(
                "allowlist-added-toast",
                &[("entry", entry.value.as_str().into())],
            ));
            entries.reload();
        })
    };

    html! {
        <section class="api-access" data-testid="api-allowlist">
            <div class="page-head">
                <div>
                    <p class="eyebrow">{ texts.t("allowlist-api-access") }</p>
                    <h1>{ texts.t("allowlist-api-ip-allowlist") }</h1>
                    <p class="muted lead">
                        { texts.t("allowlist-addresses-systems-may-call") }
                    </p>
                </div>
            </div>
            <ApiAccessTabs />
            <div class="callout" id="allowlist-rules">
                <ul>
                    <li><strong>{ texts.t("allowlist-empty-list") }{ " " }</strong>{ texts.t("allowlist-api-calls-accepted-any") }</li>
                    <li><strong>{ texts.t("allowlist-one-entry-more") }{ " " }</strong>
                        { texts.t("allowlist-calls-every-other-address") }</li>
                    <li><strong>{ texts.t("allowlist-tokens-can-narrow-further") }{ " " }</strong>
                        { texts.t("allowlist-tokens-own-ip-allowlist") }{ " " }
                        <Link<Route> to={Route::Tokens}>{ texts.t("allowlist-tokens-page") }</Link<Route>>{ "." }</li>
                </ul>
            </div>
            <div class="card card--flush">
                <div class="card-head">
                    <h2>{ texts.t("allowlist-allowed-addresses") }</h2>
                    { status.unwrap_or_default() }
                </div>
                { load_error.unwrap_or_default() }
                { body }
            </div>
            <div class="card">
                <h2>{ texts.t("allowlist-add-address-range") }</h2>
                <AddEntryForm {on_added} />
            </div>
        </section>
    }
}

/// Props of [`AllowlistEntries`].
#[derive(Properties, PartialEq)]
pub struct AllowlistEntriesProps {
    /// The entries, in the API's order.
    pub entries: Rc<Vec<AllowlistEntryDto>>,
    /// Called with the id of an entry that is gone.
    pub on_removed: Callback<String>,
    /// Called with an entry put back by the Undo of its removal's toast.
    #[prop_or_default]
    pub on_restored: Callback<AllowlistEntryDto>,
}

/// Each entry with its label and a Remove button, or what an empty list means.
#[component]
pub fn AllowlistEntries(props: &AllowlistEntriesProps) -> Html {
    let texts = use_i18n();
    if props.entries.is_empty() {
        return html! {
            <div class="empty-state" id="allowlist-empty">
                <p class="empty-title">{ texts.t("allowlist-no-entries-calls-accepted") }</p>
                <p class="muted">
                    { texts.t("allowlist-add-servers-addresses-below") }
                </p>
            </div>
        };
    }
    html! {
        <ul class="entry-list" id="allowlist-entries">
            for entry in props.entries.iter() {
                <AllowlistEntryRow key={entry.id.clone()} entry={entry.clone()}
                    last={props.entries.len() == 1} on_removed={props.on_removed.clone()}
                    on_restored={props.on_restored.clone()} />
            }
        </ul>
    }
}

#[derive(Properties, PartialEq)]
struct AllowlistEntryRowProps {
    entry: AllowlistEntryDto,
    /// The only entry: removing it opens the API to every address, so it asks first.
    last: bool,
    on_removed: Callback<String>,
    on_restored: Callback<AllowlistEntryDto>,
}

#[component]
fn AllowlistEntryRow(props: &AllowlistEntryRowProps) -> Html {
    let texts = use_i18n();
    let entry = &props.entry;
    let toasts = use_toasts();
    let calls = use_session_calls();
    // The toast's Undo adds the same value back, with its label and end.
    let on_removed = {
        let (entry, on_removed, on_restored) = (
            entry.clone(),
            props.on_removed.clone(),
            props.on_restored.clone(),
        );
        Callback::from(move |id: String| {
            on_removed.emit(id);
            let request = AddAllowlistEntryRequest {
                value: entry.value.clone(),
                label: entry.label.clone(),
                expires_at: entry.expires_at.clone(),
            };
            let undo = undo_call(
                &toasts,
                &calls,
                &entry.value,
                on_restored.clone(),
                move |csrf| {
                    let request = request.clone();
                    async move { api::add_api_allowlist_entry(&csrf, &request).await }
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
    let removal = use_removal(
        &entry.id,
        |csrf, id| async move { api::delete_api_allowlist_entry(&csrf, &id).await },
        on_removed,
    );
    let confirming = use_state(|| false);
    let onclick = {
        let (confirming, start, last) = (confirming.clone(), removal.start.clone(), props.last);
        Callback::from(move |event: MouseEvent| {
            if last {
                confirming.set(true);
            } else {
                start.emit(event);
            }
        })
    };
    let on_confirm = {
        let (confirming, run) = (confirming.clone(), removal.run.clone());
        Callback::from(move |()| {
            confirming.set(false);
            run.emit(());
        })
    };
    let on_cancel = {
        let confirming = confirming.clone();
        Callback::from(move |()| confirming.set(false))
    };

    html! {
        <li class="entry" data-entry-id={entry.id.clone()}>
            <AllowlistEntryText value={entry.value.clone()} label={entry.label.clone()}>
                <ExpiryNote expires_at={entry.expires_at.clone().map(AttrValue::from)} />
            </AllowlistEntryText>
            <span class="entry-added muted">{ texts.t_args("allowlist-added-at", &[("at", format_timestamp_in(&entry.created_at, texts).into())]) }</span>
            <button type="button" class="button button--ghost-danger button--small allowlist-delete"
                aria-label={texts.t_args("allowlist-remove-entry", &[("entry", entry.value.as_str().into())])}
                disabled={removal.busy || *confirming} {onclick}>
                { if removal.busy { texts.t("allowlist-removing") } else { texts.t("allowlist-remove") } }
            </button>
            if *confirming {
                <ConfirmPanel id="allowlist-last-panel"
                    title={texts.t_args("allowlist-remove-last-question", &[("entry", entry.value.as_str().into())])}
                    detail={texts.t("allowlist-no-entries-allowlist-off")}
                    confirm_text={texts.t("allowlist-remove-allow-every-address")} busy={removal.busy}
                    {on_confirm} {on_cancel} />
            }
            if let Some(error) = removal.error {
                <p class="row-error" role="alert">{ message_html(&error) }</p>
            }
        </li>
    }
}

/// Props of [`AddEntryForm`].
#[derive(Properties, PartialEq)]
pub struct AddEntryFormProps {
    /// Called with the entry the API added; the form has cleared itself by then.
    pub on_added: Callback<AllowlistEntryDto>,
}

/// Value and optional label of a new entry.
#[component]
pub fn AddEntryForm(props: &AddEntryFormProps) -> Html {
    let texts = use_i18n();
    let form = use_entry_form(
        |csrf, request, _confirmed| async move { api::add_api_allowlist_entry(&csrf, &request).await },
        props.on_added.clone(),
    );
    let onsubmit = form.submit.reform(|event: SubmitEvent| {
        event.prevent_default();
        false
    });
    let banner = form.problem.banner(FIELDS);

    html! {
        <form class="form" onsubmit={onsubmit} novalidate=true>
            <FormBanner message={banner} />
            <AllowlistEntryFields id_prefix="allowlist" value={form.value.clone()}
                label={form.label.clone()} expiry={form.expiry.clone()}
                expiry_at={form.expiry_at.clone()} problem={form.problem.clone()}
                label_placeholder={texts.t("allowlist-label-placeholder-servers")} submitting={form.submitting} />
        </form>
    }
}

/// The request the form's values make; an empty label is left out. Whether the value is a
/// valid address or range is the API's call.
pub fn add_entry_request(
    value: &str,
    label: &str,
    expires_at: Option<String>,
) -> Result<AddAllowlistEntryRequest, FieldError> {
    let (value, label) = (value.trim(), label.trim());
    if value.is_empty() {
        return Err(FieldError {
            field: "value".to_owned(),
            code: codes::REQUIRED.to_owned(),
            message: Texts::current().t("allowlist-value-required"),
        });
    }
    Ok(AddAllowlistEntryRequest {
        value: value.to_owned(),
        label: (!label.is_empty()).then(|| label.to_owned()),
        expires_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_value_is_needed_and_an_empty_label_is_left_out() {
        let request = add_entry_request(" 10.0.0.0/24 ", "  ", None).unwrap();
        assert_eq!(request.value, "10.0.0.0/24");
        assert_eq!(request.label, None);
        let json = serde_json::to_value(&request).unwrap();
        assert!(json.get("label").is_none(), "{json}");

        let request = add_entry_request(
            "203.0.113.7",
            " Office ",
            Some("2026-12-11T18:00:00Z".into()),
        )
        .unwrap();
        assert_eq!(request.label.as_deref(), Some("Office"));
        assert_eq!(request.expires_at.as_deref(), Some("2026-12-11T18:00:00Z"));

        let error = add_entry_request("  ", "Office", None).unwrap_err();
        assert_eq!(error.field, "value");
        assert_eq!(error.code, codes::REQUIRED);
    }
}
