//! Sender names: the names messages may come from, where each request stands, asking for
//! a new one and deleting one. Asking and deleting are the owner's (the API decides).

use std::rc::Rc;

use portcullis_shared::capability::Capability;
use portcullis_shared::dto::{SenderDto, SenderStatus};
use portcullis_shared::problem::FieldError;
use portcullis_shared::validate::codes;
use yew::prelude::*;

use crate::api;
use crate::components::{
    banner_message, message_html, ConfirmPanel, FormBanner, MessagingTabs, TextField,
};
use crate::format::format_timestamp_in;
use crate::hooks::use_i18n;
use crate::hooks::{
    use_collection, use_confirmation, use_form_call, use_removal, use_session, use_text_input,
    use_toasts,
};
use crate::i18n::Texts;

/// The sender names page. Rendered only behind `RequireSession`, for logins that may see
/// sender names.
#[component]
pub fn SendersPage() -> Html {
    let texts = use_i18n();
    let session = use_session();
    let access = session.me().map(|me| me.access.clone()).unwrap_or_default();
    let may_manage = access.may(Capability::ManageSenders);
    let senders = use_collection(api::list_senders);
    let toasts = use_toasts();
    let collection = senders.get();

    let load_error = collection
        .problem
        .as_ref()
        .and_then(|p| banner_message(p, &[]))
        .map(|message| {
            AttrValue::from(texts.t_args("sms-senders-load-failed", &[("reason", message.into())]))
        });
    let body = match &collection.items {
        Some(items) if items.is_empty() => html! {
            <div class="empty-state" id="senders-empty">
                <p class="empty-title">{ texts.t("sms-no-sender-names-yet") }</p>
                <p class="muted">
                    { if may_manage { texts.t("sms-until-one-approved-messages") } else { texts.t("sms-no-sender-name-shared") } }
                </p>
            </div>
        },
        Some(items) => html! {
            <SenderList senders={items.clone()} {may_manage} on_removed={toasts.after(senders.remove_callback(), move |_| texts.t("sms-sender-deleted-toast"))} />
        },
        None if collection.problem.is_none() => html! {
            <p class="loading muted" aria-busy="true">{ texts.t("sms-loading-sender-names") }</p>
        },
        None => Html::default(),
    };
    let on_requested = {
        let senders = senders.clone();
        Callback::from(move |_: SenderDto| senders.reload())
    };

    html! {
        <section class="senders" data-testid="senders">
            <div class="page-head">
                <div>
                    <p class="eyebrow">{ texts.t("sms-messaging") }</p>
                    <h1>{ texts.t("sms-sender-names") }</h1>
                    <p class="muted lead">
                        { texts.t("sms-name-phone-shows-sender") }
                    </p>
                </div>
            </div>
            <MessagingTabs />
            <div class="card card--flush">
                <div class="card-head"><h2>{ texts.t("sms-sender-names-2") }</h2></div>
                <FormBanner message={load_error} />
                { body }
            </div>
            if may_manage {
                <div class="card card--narrow">
                    <h2>{ texts.t("sms-ask-sender-name") }</h2>
                    <RequestSenderForm on_requested={toasts.after(on_requested, move |s: &SenderDto| texts.t_args("sms-sender-requested-toast", &[("name", s.name.as_str().into())]))} />
                </div>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct SenderListProps {
    senders: Rc<Vec<SenderDto>>,
    may_manage: bool,
    on_removed: Callback<String>,
}

#[component]
fn SenderList(props: &SenderListProps) -> Html {
    html! {
        <ul class="entry-list" id="senders-list">
            for sender in props.senders.iter() {
                <SenderRow key={sender.id.clone()} sender={sender.clone()}
                    may_manage={props.may_manage} on_removed={props.on_removed.clone()} />
            }
        </ul>
    }
}

#[derive(Properties, PartialEq)]
struct SenderRowProps {
    sender: SenderDto,
    may_manage: bool,
    on_removed: Callback<String>,
}

#[component]
fn SenderRow(props: &SenderRowProps) -> Html {
    let texts = use_i18n();
    let sender = &props.sender;
    let removal = use_removal(
        &sender.id,
        |csrf, id| async move { api::delete_sender(&csrf, &id).await },
        props.on_removed.clone(),
    );
    let confirm = use_confirmation(removal.run.clone());
    let (badge, explanation) = status_text(sender.status, texts);
    html! {
        <li class="entry" data-sender-id={sender.id.clone()}>
            <div class="entry-main">
                <code class="entry-value">{ sender.name.clone() }</code>
                <span class={classes!("badge", status_class(sender.status))}
                    title={explanation}>{ badge }</span>
            </div>
            <span class="entry-added muted">{ texts.t_args("sms-sender-asked-at", &[("at", format_timestamp_in(&sender.created_at, texts).into())]) }</span>
            if props.may_manage {
                <button type="button" class="button button--ghost-danger button--small sender-delete"
                    aria-label={texts.t_args("sms-sender-delete", &[("name", sender.name.as_str().into())])}
                    disabled={removal.busy || confirm.open} onclick={confirm.ask.clone()}>
                    { if removal.busy { texts.t("sms-deleting") } else { texts.t("sms-delete") } }
                </button>
            }
            if confirm.open {
                <ConfirmPanel id="sender-delete-panel" title={texts.t_args("sms-sender-delete-question", &[("name", sender.name.as_str().into())])}
                    detail={delete_detail(sender.status, texts)}
                    confirm_text={texts.t("sms-delete-name")} busy={removal.busy}
                    on_confirm={confirm.on_confirm.clone()} on_cancel={confirm.on_cancel.clone()} />
            }
            if let Some(error) = removal.error {
                <p class="row-error" role="alert">{ message_html(&error) }</p>
            }
        </li>
    }
}

/// The badge's text and what it means.
pub fn status_text(status: SenderStatus, texts: Texts) -> (String, String) {
    match status {
        SenderStatus::Pending => (
            texts.t("sms-sender-pending"),
            texts.t("sms-sender-pending-detail"),
        ),
        SenderStatus::Approved => (
            texts.t("sms-sender-approved"),
            texts.t("sms-sender-approved-detail"),
        ),
        SenderStatus::Rejected => (
            texts.t("sms-sender-rejected"),
            texts.t("sms-sender-rejected-detail"),
        ),
    }
}

fn status_class(status: SenderStatus) -> &'static str {
    match status {
        SenderStatus::Pending => "badge--open",
        SenderStatus::Approved => "badge--ok",
        SenderStatus::Rejected => "badge--failed",
    }
}

/// What deleting a name of this status does.
fn delete_detail(status: SenderStatus, texts: Texts) -> String {
    match status {
        SenderStatus::Approved => texts.t("sms-messages-can-no-longer"),
        SenderStatus::Pending => texts.t("sms-sender-withdrawn"),
        SenderStatus::Rejected => texts.t("sms-sender-rejected-removed"),
    }
}

#[derive(Properties, PartialEq)]
struct RequestSenderFormProps {
    on_requested: Callback<SenderDto>,
}

#[component]
fn RequestSenderForm(props: &RequestSenderFormProps) -> Html {
    let texts = use_i18n();
    let name = use_text_input("");
    let call = use_form_call();
    let requested = use_state(|| None::<String>);
    let onsubmit = {
        let (call, name, requested, on_requested) = (
            call.clone(),
            name.clone(),
            requested.clone(),
            props.on_requested.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let (set_name, requested, on_requested) =
                (name.set.clone(), requested.clone(), on_requested.clone());
            requested.set(None);
            call.run_checked(
                sender_name(&name.value),
                |csrf, name| async move { api::request_sender(&csrf, &name).await },
                move |sender: SenderDto| {
                    set_name.emit(String::new());
                    requested.set(Some(texts.t_args(
                        "sms-sender-requested",
                        &[("name", sender.name.as_str().into())],
                    )));
                    on_requested.emit(sender);
                },
            );
        })
    };
    let problem = call.problem.clone();
    html! {
        <form class="form" id="sender-form" {onsubmit} novalidate=true>
            if let Some(message) = &*requested {
                <div class="banner banner--success" id="sender-requested" role="status">{ message.clone() }</div>
            }
            <FormBanner message={problem.banner(&["name"])} />
            <TextField id="sender-name" label={texts.t("sms-name")} autocomplete="off" placeholder={texts.t("sms-acme")}
                hint={texts.t("sms-1-11-letters-digits")}
                value={name.value.clone()} on_change={problem.on_change(&name.set, "name")}
                error={problem.field_message("name")} />
            <div class="form-actions">
                <button type="submit" id="sender-request" class="button" disabled={call.busy()}>
                    { if call.busy() { texts.t("sms-asking") } else { texts.t("sms-ask-approval") } }
                </button>
            </div>
        </form>
    }
}

/// A name the form can send, or what to fix first; its rules are the API's.
fn sender_name(name: &str) -> Result<String, Vec<FieldError>> {
    let name = name.trim();
    if name.is_empty() {
        return Err(vec![FieldError::new(
            "name",
            codes::REQUIRED,
            Texts::current().t("sms-sender-name-required"),
        )]);
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_status_reads_as_words() {
        assert_eq!(
            status_text(SenderStatus::Pending, Texts::default()).0,
            "Waiting for approval"
        );
        assert_eq!(status_class(SenderStatus::Rejected), "badge--failed");
        assert!(delete_detail(SenderStatus::Approved, Texts::default()).contains("new approval"));
    }

    #[test]
    fn a_blank_name_is_refused_before_the_api() {
        assert_eq!(sender_name("  ").unwrap_err()[0].code, codes::REQUIRED);
        assert_eq!(sender_name(" ACME ").unwrap(), "ACME");
    }
}
