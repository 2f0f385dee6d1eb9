//! Sending one text to many recipients from the portal: a pasted list or a contact group,
//! the numbers the API refused shown with why, then the batch's progress.

use std::rc::Rc;

use portcullis_shared::dto::{SendSmsBatchRequest, SmsBatchDto};
use portcullis_shared::problem::{FieldError, Problem, ProblemCode, RecipientError};
use portcullis_shared::validate::{self, codes, MAX_BATCH_RECIPIENTS};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::components::{FormBanner, SelectField, TextAreaField};
use crate::hooks::use_i18n;
use crate::hooks::{use_collection, use_form_call, use_text_input};
use crate::i18n::Texts;
use crate::pages::send_sms::{counter_text, send_refusal};

/// Where a batch's recipients come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Numbers pasted into the form.
    List,
    /// A contact group.
    Group,
}

/// The request the form makes, or what to fix first. The API checks every number again.
pub fn bulk_request(
    source: Source,
    pasted: &str,
    group_id: &str,
    text: &str,
    sender: &str,
) -> Result<SendSmsBatchRequest, Vec<FieldError>> {
    let texts = Texts::current();
    let mut errors = Vec::new();
    let mut request = SendSmsBatchRequest {
        text: text.to_owned(),
        sender: (!sender.is_empty()).then(|| sender.to_owned()),
        ..SendSmsBatchRequest::default()
    };
    match source {
        Source::List => {
            request.to = validate::split_recipients(pasted);
            if request.to.is_empty() {
                errors.push(FieldError::new(
                    "to",
                    codes::REQUIRED,
                    texts.t("sms-bulk-numbers-required"),
                ));
            } else if request.to.len() > MAX_BATCH_RECIPIENTS {
                errors.push(FieldError::new(
                    "to",
                    codes::TOO_MANY,
                    texts.t_args(
                        "sms-bulk-too-many",
                        &[
                            ("count", request.to.len().into()),
                            ("max", MAX_BATCH_RECIPIENTS.to_string().into()),
                        ],
                    ),
                ));
            }
        }
        Source::Group if group_id.is_empty() => errors.push(FieldError::new(
            "group_id",
            codes::REQUIRED,
            texts.t("sms-bulk-group-required"),
        )),
        Source::Group => request.group_id = Some(group_id.to_owned()),
    }
    if text.trim().is_empty() {
        errors.push(FieldError::new(
            "text",
            codes::REQUIRED,
            texts.t("sms-text-required"),
        ));
    }
    if errors.is_empty() {
        Ok(request)
    } else {
        Err(errors)
    }
}

/// The recipients the API refused, when it refused the batch for them.
pub fn refused_recipients(problem: Option<&Problem>) -> Vec<RecipientError> {
    problem
        .filter(|p| p.code == ProblemCode::InvalidRecipients)
        .map(|p| p.recipients.clone())
        .unwrap_or_default()
}

/// `1,000 recipients · 998 sent, 2 queued, 0 failed · 1,000 points charged`.
pub fn batch_summary(batch: &SmsBatchDto) -> String {
    let c = batch.counts;
    Texts::current().t_args(
        "sms-batch-summary",
        &[
            ("recipients", batch.recipients.into()),
            ("sent", c.sent.into()),
            ("queued", c.queued.into()),
            ("failed", c.failed.into()),
            ("points", batch.points.into()),
        ],
    )
}

/// Props of [`BulkSendForm`].
#[derive(Properties, PartialEq)]
pub struct BulkSendFormProps {
    /// The sender names this login may send from, as `(value, label)`.
    pub sender_options: Rc<Vec<(AttrValue, AttrValue)>>,
    /// The sender preselected.
    pub default_sender: AttrValue,
    /// This login may read contact groups (offer "a group").
    pub may_use_groups: bool,
    /// Called once a batch was queued (to reload the sent messages).
    pub on_sent: Callback<()>,
}

/// The "many recipients" form.
#[component]
pub fn BulkSendForm(props: &BulkSendFormProps) -> Html {
    let texts = use_i18n();
    let may_use_groups = props.may_use_groups;
    let groups = use_collection(move || async move {
        if may_use_groups {
            api::list_contact_groups().await
        } else {
            Ok(Vec::new())
        }
    });
    let call = use_form_call();
    let source = use_state(|| Source::List);
    let pasted = use_text_input("");
    let group = use_text_input("");
    let text = use_text_input("");
    let sender = use_text_input("");
    let batch = use_state(|| None::<SmsBatchDto>);
    let chosen_sender = if sender.value.is_empty() {
        props.default_sender.to_string()
    } else {
        sender.value.clone()
    };

    let onsubmit = {
        let (call, batch, on_sent) = (call.clone(), batch.clone(), props.on_sent.clone());
        let (source, pasted, group, text) = (*source, pasted.clone(), group.clone(), text.clone());
        let chosen_sender = chosen_sender.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let request = bulk_request(
                source,
                &pasted.value,
                &group.value,
                &text.value,
                &chosen_sender,
            );
            let (batch, on_sent) = (batch.clone(), on_sent.clone());
            call.run_checked(
                request,
                |csrf, request| async move { api::send_sms_batch(&csrf, &request).await },
                move |queued| {
                    batch.set(Some(queued));
                    on_sent.emit(());
                },
            );
        })
    };
    let refresh = {
        let batch = batch.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(id) = batch.as_ref().map(|b| b.id.clone()) else {
                return;
            };
            let batch = batch.clone();
            spawn_local(async move {
                if let Ok(page) = api::get_sms_batch(&id).await {
                    batch.set(Some(page.batch));
                }
            });
        })
    };
    let choose = |to: Source| {
        let (source, problem) = (source.clone(), call.problem.clone());
        Callback::from(move |_: Event| {
            problem.set(None);
            source.set(to);
        })
    };

    let problem = call.problem.clone();
    let refused = refused_recipients(problem.get());
    let banner = problem
        .get()
        .filter(|p| p.code != ProblemCode::InvalidRecipients)
        .and_then(send_refusal)
        .map(AttrValue::from);
    let group_options: Rc<Vec<(AttrValue, AttrValue)>> = Rc::new(
        std::iter::once(("".into(), texts.t("sms-bulk-choose-group").into()))
            .chain(groups.get().items.iter().flat_map(|items| {
                items
                    .iter()
                    .map(|g| {
                        (
                            AttrValue::from(g.id.clone()),
                            AttrValue::from(g.name.clone()),
                        )
                    })
                    .collect::<Vec<_>>()
            }))
            .collect(),
    );
    let pasted_count = validate::split_recipients(&pasted.value).len();
    let length = validate::sms_length(&text.value);
    let busy = call.busy();

    html! {
        <div class="bulk-send" data-testid="bulk-send-form">
            if let Some(queued) = &*batch {
                <div class="banner banner--success" id="batch-status" role="status">
                    { texts.t_args("sms-batch-queued", &[("id", queued.id.as_str().into()), ("summary", batch_summary(queued).into())]) }
                    <button type="button" class="button button--small" id="batch-refresh"
                        onclick={refresh}>{ texts.t("sms-refresh-status") }</button>
                </div>
            }
            <form class="form" {onsubmit} novalidate=true>
                <FormBanner message={banner} />
                if !refused.is_empty() {
                    <div class="banner banner--error" id="batch-refused" role="alert">
                        <p>{ texts.t_args("sms-batch-refused", &[("count", refused.len().into())]) }</p>
                        <table class="table table--stack" id="batch-refused-table">
                            <thead>
                                <tr>
                                    <th scope="col">{ "#" }</th>
                                    <th scope="col">{ texts.t("sms-number") }</th>
                                    <th scope="col">{ texts.t("sms-problem") }</th>
                                </tr>
                            </thead>
                            <tbody>
                                for r in refused.iter() {
                                    <tr key={r.index} data-index={r.index.to_string()}>
                                        <td data-label={texts.t("sms-row")}>{ r.index + 1 }</td>
                                        <td data-label={texts.t("sms-number")}>{ r.to.clone() }</td>
                                        <td data-label={texts.t("sms-problem")}>{ r.detail.clone() }</td>
                                    </tr>
                                }
                            </tbody>
                        </table>
                    </div>
                }
                if may_use_groups {
                    <fieldset class="choice">
                        <legend>{ texts.t("sms-recipients") }</legend>
                        <label>
                            <input type="radio" name="bulk-source" id="bulk-source-list"
                                checked={*source == Source::List} onchange={choose(Source::List)} />
                            { " " }{ texts.t("sms-list-numbers") }
                        </label>
                        <label>
                            <input type="radio" name="bulk-source" id="bulk-source-group"
                                checked={*source == Source::Group} onchange={choose(Source::Group)} />
                            { " " }{ texts.t("sms-contact-group") }
                        </label>
                    </fieldset>
                }
                if *source == Source::List {
                    <TextAreaField id="bulk-to" label={texts.t("sms-numbers")} rows=8
                        placeholder="+48500100200, +48500100201"
                        hint={texts.t_args("sms-bulk-numbers-hint", &[
                            ("max", MAX_BATCH_RECIPIENTS.to_string().into()),
                            ("count", pasted_count.into()),
                        ])}
                        value={pasted.value.clone()}
                        on_change={problem.on_change(&pasted.set, "to")}
                        error={problem.field_message("to")} />
                } else {
                    <SelectField id="bulk-group" label={texts.t("sms-contact-group-2")}
                        options={Rc::new(Vec::new())} dynamic_options={group_options}
                        value={group.value.clone()}
                        on_change={problem.on_change(&group.set, "group_id")}
                        error={problem.field_message("group_id")} />
                }
                <SelectField id="bulk-sender" label={texts.t("sms-sender-name")}
                    options={Rc::new(Vec::new())} dynamic_options={props.sender_options.clone()}
                    value={chosen_sender}
                    on_change={problem.on_change(&sender.set, "sender")}
                    error={problem.field_message("sender")} />
                <TextAreaField id="bulk-text" label={texts.t("sms-message")} rows=5
                    value={text.value.clone()}
                    on_change={problem.on_change(&text.set, "text")}
                    error={problem.field_message("text")} />
                <p class="text-counter" id="bulk-counter" aria-live="polite">
                    { counter_text(text.value.chars().count(), length) }
                </p>
                <div class="form-actions">
                    <button type="submit" id="bulk-send" class="button" disabled={busy}>
                        { if busy { texts.t("sms-sending") } else { texts.t("sms-send-all") } }
                    </button>
                </div>
            </form>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pasted_list_becomes_the_numbers_and_a_group_its_id() {
        let request = bulk_request(
            Source::List,
            "+48500100200\n+48500100201, ",
            "",
            "Hi",
            "ACME",
        )
        .unwrap();
        assert_eq!(request.to, ["+48500100200", "+48500100201"]);
        assert_eq!(
            (request.group_id, request.sender.as_deref()),
            (None, Some("ACME"))
        );
        let request = bulk_request(Source::Group, "ignored", "grp_1", "Hi", "").unwrap();
        assert!(request.to.is_empty());
        assert_eq!(request.group_id.as_deref(), Some("grp_1"));
    }

    #[test]
    fn what_to_fix_first() {
        let fields = |errors: Vec<FieldError>| {
            errors
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            fields(bulk_request(Source::List, " , ", "", " ", "").unwrap_err()),
            [
                ("to".into(), codes::REQUIRED.into()),
                ("text".into(), codes::REQUIRED.into())
            ]
        );
        let many = vec!["+48500100200"; MAX_BATCH_RECIPIENTS + 1].join("\n");
        assert_eq!(
            fields(bulk_request(Source::List, &many, "", "Hi", "").unwrap_err()),
            [("to".into(), codes::TOO_MANY.into())]
        );
        assert_eq!(
            fields(bulk_request(Source::Group, "", "", "Hi", "").unwrap_err()),
            [("group_id".into(), codes::REQUIRED.into())]
        );
    }

    #[test]
    fn the_summary_counts_where_the_messages_are() {
        let batch = SmsBatchDto {
            id: "bat_1".into(),
            group_id: None,
            sender: None,
            text: "Hi".into(),
            encoding: "gsm7".into(),
            parts: 1,
            recipients: 1000,
            points: 1000,
            counts: portcullis_shared::dto::SmsBatchCountsDto {
                queued: 2,
                sent: 998,
                failed: 0,
            },
            created_at: "2026-12-05T10:00:00Z".into(),
        };
        assert_eq!(
            batch_summary(&batch),
            "1,000 recipients · 998 sent, 2 queued, 0 failed · 1,000 points charged"
        );
    }
}
