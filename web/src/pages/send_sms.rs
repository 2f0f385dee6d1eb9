//! Sending a text message from the portal, and the messages this login sent.

use std::rc::Rc;

use portcullis_shared::dto::{
    MessageDto, MessageStatus, PortalPermission, SendSmsRequest, SenderStatus,
};
use portcullis_shared::problem::{FieldError, Problem, ProblemCode};
use portcullis_shared::validate::{self, codes, SmsLength};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::app::Route;
use crate::checks;
use crate::components::{
    banner_message, FormBanner, MessagingTabs, SelectField, TextAreaField, TextField,
};
use crate::format::{format_points_in, format_timestamp_in};
use crate::hooks::use_i18n;
use crate::hooks::{use_collection, use_form_call, use_session, use_text_input};
use crate::i18n::Texts;
use crate::pages::bulk_sms::BulkSendForm;
use crate::pages::country_filter::country_name;

/// Request fields the form shows errors next to.
const FIELDS: &[&str] = &["to", "text", "sender"];

/// The send form and the sent messages. Rendered only behind `RequireSession`, for logins
/// with the `sms` permission.
#[component]
pub fn SendSmsPage() -> Html {
    let texts = use_i18n();
    let session = use_session();
    let access = session.me().map(|me| me.access.clone()).unwrap_or_default();
    // The owner, and a subuser who may see sender names, read them from the API; a
    // subuser with only `sms` has theirs on the session.
    let lists_senders = access.is_owner() || access.allows(PortalPermission::Senders);
    let senders = use_collection(move || async move {
        if lists_senders {
            api::list_senders().await
        } else {
            Ok(Vec::new())
        }
    });
    let messages = use_collection(api::list_messages);
    let call = use_form_call();
    let to = use_text_input("");
    let text = use_text_input("");
    let sender = use_text_input("");
    let queued = use_state(|| None::<MessageDto>);
    // One recipient, or many (a pasted list or a contact group).
    let many = use_state(|| false);
    let may_use_groups = access.is_owner() || access.allows(PortalPermission::ContactsRead);

    // Only approved names can be sent from; the API lists a subuser only their own.
    let names: Vec<String> = if lists_senders {
        senders
            .get()
            .items
            .iter()
            .flat_map(|items| items.iter())
            .filter(|s| s.status == SenderStatus::Approved)
            .map(|s| s.name.clone())
            .collect()
    } else {
        access.senders.clone()
    };
    let chosen_sender = if names.contains(&sender.value) {
        sender.value.clone()
    } else {
        names.first().cloned().unwrap_or_default()
    };

    let onsubmit = {
        let (call, queued, messages) = (call.clone(), queued.clone(), messages.clone());
        let (to, text, chosen_sender) = (to.clone(), text.clone(), chosen_sender.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let request = match send_request(&to.value, &text.value, &chosen_sender) {
                Ok(request) => request,
                Err(errors) => {
                    call.problem.set(api::client_validation_problem(errors));
                    return;
                }
            };
            queued.set(None);
            let csrf = call.csrf_token();
            let (queued, messages, set_text) = (queued.clone(), messages.clone(), text.set.clone());
            call.run(
                async move { api::send_sms(&csrf, &request).await },
                move |message| {
                    set_text.emit(String::new());
                    queued.set(Some(message));
                    messages.reload();
                },
            );
        })
    };

    let length = validate::sms_length(&text.value);
    // A blocked country is named, with the way to allow it when this login may.
    let blocked_country = call
        .problem
        .get()
        .filter(|p| p.code == ProblemCode::CountryNotAllowed)
        .map(|p| p.country.clone().unwrap_or_default());
    let banner = call
        .problem
        .get()
        .filter(|_| blocked_country.is_none())
        .and_then(send_refusal)
        .map(AttrValue::from);
    let may_allow_countries = Route::CountryFilter.allowed_for(&access);
    let sender_options: Rc<Vec<(AttrValue, AttrValue)>> = Rc::new(if names.is_empty() {
        vec![("".into(), texts.t("sms-gateway-default").into())]
    } else {
        names
            .iter()
            .map(|name| (AttrValue::from(name.clone()), AttrValue::from(name.clone())))
            .collect()
    });
    let busy = call.busy();
    let problem = call.problem.clone();
    let mode = |to_many: bool| {
        let many = many.clone();
        Callback::from(move |_: MouseEvent| many.set(to_many))
    };
    let on_batch_sent = {
        let messages = messages.clone();
        Callback::from(move |()| messages.reload())
    };

    let collection = messages.get();
    let list = match &collection.items {
        Some(items) => html! { <MessageTable messages={items.clone()} /> },
        None if collection.problem.is_none() => html! {
            <p class="loading muted" aria-busy="true">{ texts.t("sms-loading-messages") }</p>
        },
        None => Html::default(),
    };
    let list_error = collection
        .problem
        .as_ref()
        .and_then(|p| banner_message(p, &[]))
        .map(|message| {
            AttrValue::from(texts.t_args("sms-load-failed", &[("reason", message.into())]))
        });

    html! {
        <section class="send-sms" data-testid="send-sms">
            <div class="page-head">
                <div>
                    <p class="eyebrow">{ texts.t("sms-messaging") }</p>
                    <h1>{ texts.t("sms-send-sms") }</h1>
                    <p class="muted lead">
                        { texts.t("sms-each-part-message-costs") }
                    </p>
                </div>
            </div>
            <MessagingTabs />
            <div class="card card--narrow">
                <div class="tabs" role="tablist" aria-label={texts.t("sms-recipients")}>
                    <button type="button" role="tab" id="sms-mode-one"
                        class={classes!("tab", (!*many).then_some("tab--current"))}
                        aria-selected={(!*many).to_string()} onclick={mode(false)}>
                        { texts.t("sms-one-recipient") }
                    </button>
                    <button type="button" role="tab" id="sms-mode-many"
                        class={classes!("tab", many.then_some("tab--current"))}
                        aria-selected={many.to_string()} onclick={mode(true)}>
                        { texts.t("sms-many-recipients") }
                    </button>
                </div>
                if *many {
                    <BulkSendForm sender_options={sender_options.clone()}
                        default_sender={AttrValue::from(chosen_sender.clone())}
                        {may_use_groups} on_sent={on_batch_sent} />
                } else {
                    if let Some(message) = &*queued {
                        <div class="banner banner--success" id="sms-queued" role="status">
                            { texts.t_args("sms-queued", &[
                                ("to", message.to.as_str().into()),
                                ("parts", message.parts.into()),
                                ("points", message.points.into()),
                            ]) }
                        </div>
                    }
                    <form class="form" {onsubmit} novalidate=true>
                        <FormBanner message={banner} />
                        if let Some(country) = blocked_country {
                            <CountryRefusal {country} may_allow={may_allow_countries} />
                        }
                        <TextField id="sms-to" label={texts.t("sms-to")} input_type="tel" autocomplete="off"
                            placeholder="+48500100200" hint={texts.t("sms-recipients-number-international-format")}
                            value={to.value.clone()}
                            on_change={problem.on_change(&to.set, "to")}
                            error={problem.field_message("to")} />
                        <SelectField id="sms-sender" label={texts.t("sms-sender-name")}
                            options={Rc::new(Vec::new())} dynamic_options={sender_options}
                            value={chosen_sender}
                            on_change={problem.on_change(&sender.set, "sender")}
                            error={problem.field_message("sender")} />
                        <TextAreaField id="sms-text" label={texts.t("sms-message")} rows=5
                            value={text.value.clone()}
                            on_change={problem.on_change(&text.set, "text")}
                            error={problem.field_message("text")} />
                        <p class="text-counter" id="sms-counter" aria-live="polite">
                            { counter_text(text.value.chars().count(), length) }
                        </p>
                        <div class="form-actions">
                            <button type="submit" id="sms-send" class="button" disabled={busy}>
                                { if busy { texts.t("sms-sending") } else { texts.t("sms-send") } }
                            </button>
                        </div>
                    </form>
                }
            </div>
            <div class="card card--flush">
                <div class="card-head"><h2>{ texts.t("sms-sent-messages") }</h2></div>
                <FormBanner message={list_error} />
                { list }
            </div>
        </section>
    }
}

/// The request the form makes, or what to fix first. The API checks it all again.
pub fn send_request(to: &str, text: &str, sender: &str) -> Result<SendSmsRequest, Vec<FieldError>> {
    let texts = Texts::current();
    let mut errors = Vec::new();
    let to = to.trim();
    errors.extend(checks::check_phone_shape("to", to));
    if text.trim().is_empty() {
        errors.push(FieldError::new(
            "text",
            codes::REQUIRED,
            texts.t("sms-text-required"),
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(SendSmsRequest {
        to: to.to_owned(),
        text: text.to_owned(),
        sender: (!sender.is_empty()).then(|| sender.to_owned()),
    })
}

/// `42 characters · 1 part (160 per part)` and the alphabet, under the text.
pub fn counter_text(chars: usize, length: SmsLength) -> String {
    let texts = Texts::current();
    let alphabet = if length.gsm7 {
        texts.t("sms-gsm")
    } else {
        texts.t("sms-unicode")
    };
    texts.t_args(
        "sms-counter",
        &[
            ("chars", chars.into()),
            ("parts", length.parts.into()),
            ("per_part", length.units_per_part().into()),
            ("alphabet", alphabet.into()),
        ],
    )
}

/// Props of [`CountryRefusal`].
#[derive(Properties, PartialEq)]
pub struct CountryRefusalProps {
    /// The refused destination's country code, as the API named it (empty if it did not).
    pub country: AttrValue,
    /// This login may change the country filter.
    pub may_allow: bool,
}

/// A send refused by the country filter: the country by name, and where to allow it.
#[component]
pub fn CountryRefusal(props: &CountryRefusalProps) -> Html {
    let texts = use_i18n();
    let name = if props.country.is_empty() {
        texts.t("sms-this-country")
    } else {
        country_name(&props.country)
    };
    let country = [("country", name.as_str().into())];
    html! {
        <div class="banner banner--error" id="form-error" role="alert">
            { texts.t_args("sms-country-blocked", &country) }{ " " }
            if props.may_allow {
                <Link<Route> to={Route::CountryFilter} classes="banner-link">
                    { texts.t_args("sms-allow-country", &country) }
                </Link<Route>>
            } else {
                { texts.t("sms-ask-accounts-owner-allow") }
            }
        </div>
    }
}

/// What the form's banner says about a refused send, in the sender's terms.
pub fn send_refusal(problem: &Problem) -> Option<String> {
    let texts = Texts::current();
    match problem.code {
        ProblemCode::OutsideSendingHours => Some(match &problem.opens_at {
            Some(at) => texts.t_args(
                "sms-outside-hours-until",
                &[("at", format_timestamp_in(at, texts).into())],
            ),
            None => texts.t("sms-outside-hours"),
        }),
        ProblemCode::PointsLimitReached => Some(texts.t("sms-points-limit-reached")),
        ProblemCode::InsufficientPoints => Some(texts.t("sms-insufficient-points")),
        ProblemCode::PermissionDenied => Some(match &problem.permission {
            Some(permission) => texts.t_args(
                "sms-permission-denied-named",
                &[("permission", permission.to_string().into())],
            ),
            None => texts.t("sms-permission-denied"),
        }),
        _ => banner_message(problem, FIELDS),
    }
}

/// Props of [`MessageTable`].
#[derive(Properties, PartialEq)]
pub struct MessageTableProps {
    /// Newest first.
    pub messages: Rc<Vec<MessageDto>>,
}

/// The sent messages: when, to, from, text, parts and points, status.
#[component]
pub fn MessageTable(props: &MessageTableProps) -> Html {
    let texts = use_i18n();
    if props.messages.is_empty() {
        return html! {
            <div class="empty-state" id="messages-empty">
                <p class="empty-title">{ texts.t("sms-no-messages-yet") }</p>
                <p class="muted">{ texts.t("sms-messages-you-send-appear") }</p>
            </div>
        };
    }
    html! {
        <div class="table-scroll" tabindex="0" role="region" aria-label={texts.t("sms-sent-messages")}>
            <table class="table table--stack" id="messages-table">
                <thead>
                    <tr>
                        <th scope="col">{ texts.t("sms-sent") }</th>
                        <th scope="col">{ texts.t("sms-to") }</th>
                        <th scope="col">{ texts.t("sms-from") }</th>
                        <th scope="col">{ texts.t("sms-text") }</th>
                        <th scope="col">{ texts.t("sms-parts") }</th>
                        <th scope="col">{ texts.t("sms-points") }</th>
                        <th scope="col">{ texts.t("sms-status") }</th>
                    </tr>
                </thead>
                <tbody>
                    for message in props.messages.iter() {
                        <tr key={message.id.clone()} data-message-id={message.id.clone()}>
                            <td data-label={texts.t("sms-sent")}>{ format_timestamp_in(&message.created_at, texts) }</td>
                            <td data-label={texts.t("sms-to")}>{ message.to.clone() }</td>
                            <td data-label={texts.t("sms-from")} class="message-sender">
                                { message.sender.clone().unwrap_or_else(|| texts.t("sms-default-sender")) }
                            </td>
                            <td data-label={texts.t("sms-text")}>{ message.text.clone() }</td>
                            <td data-label={texts.t("sms-parts")}>{ message.parts }</td>
                            <td data-label={texts.t("sms-points")}>{ format_points_in(message.points, texts.language()) }</td>
                            <td data-label={texts.t("sms-status")}>{ status_label(message.status, texts) }</td>
                        </tr>
                    }
                </tbody>
            </table>
        </div>
    }
}

fn status_label(status: MessageStatus, texts: Texts) -> String {
    match status {
        MessageStatus::Queued => texts.t("sms-status-queued"),
        MessageStatus::Sent => texts.t("sms-status-sent"),
        MessageStatus::Failed => texts.t("sms-status-failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(code: ProblemCode) -> Problem {
        let mut problem =
            api::client_validation_problem(vec![FieldError::new("x", "x", "x")]).unwrap();
        problem.code = code;
        problem.errors.clear();
        problem
    }

    #[test]
    fn the_counter_follows_the_alphabet_and_the_parts() {
        assert_eq!(
            counter_text(5, validate::sms_length("Hello")),
            "5 characters · 1 part (160 per part, GSM)"
        );
        let long = "a".repeat(161);
        assert_eq!(
            counter_text(161, validate::sms_length(&long)),
            "161 characters · 2 parts (153 per part, GSM)"
        );
        assert_eq!(
            counter_text(1, validate::sms_length("ż")),
            "1 character · 1 part (70 per part, Unicode)"
        );
    }

    #[test]
    fn refusals_say_what_happened_in_the_senders_terms() {
        let mut closed = problem(ProblemCode::OutsideSendingHours);
        closed.opens_at = Some("2026-11-23T07:00:00Z".into());
        assert_eq!(
            send_refusal(&closed).unwrap(),
            "You can't send at this time. Sending opens again at 23 Nov 2026, 07:00 UTC."
        );
        assert!(send_refusal(&problem(ProblemCode::PointsLimitReached))
            .unwrap()
            .contains("monthly points limit"));
        assert!(send_refusal(&problem(ProblemCode::InsufficientPoints))
            .unwrap()
            .contains("enough points"));
        let mut denied = problem(ProblemCode::PermissionDenied);
        denied.permission = Some("sms".into());
        assert!(send_refusal(&denied).unwrap().contains("“sms”"));
    }

    #[test]
    fn the_request_needs_a_number_and_a_text() {
        let errors = send_request("12", " ", "").unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["to", "text"]);
        let request = send_request(" +48500100200 ", "Hi", "ACME").unwrap();
        assert_eq!(request.to, "+48500100200");
        assert_eq!(request.sender.as_deref(), Some("ACME"));
        assert_eq!(send_request("+48500100200", "Hi", "").unwrap().sender, None);
    }
}
