//! The contact database: contacts found by text or group, page by page; adding, changing
//! and deleting one; groups; the CSV import with its per-row errors; the export download.
//! What a login may do here is the API's decision ([`Capability`]); the page only leaves
//! out the controls the login's access would refuse.

use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use portcullis_shared::capability::Capability;
use portcullis_shared::dto::{
    ContactDto, ContactGroupDto, CreateContactRequest, ImportResultDto, UpdateContactRequest,
};
use portcullis_shared::endpoints::ListContactsQuery;
use portcullis_shared::problem::{FieldError, Problem};
use portcullis_shared::validate::codes;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::components::{
    banner_message, message_html, toggle_value, CheckOption, CheckboxGroup, ConfirmPanel,
    FormBanner, MessagingTabs, SelectField, TextAreaField, TextField,
};
use crate::hooks::use_i18n;
use crate::hooks::{
    undo_call, use_collection, use_confirmation, use_form_call, use_removal, use_session,
    use_session_calls, use_text_input, use_toasts, CollectionHandle,
};
use crate::i18n::Texts;

/// Contacts a page of the list holds.
const PAGE_SIZE: i64 = 50;

/// Request fields the contact form shows errors next to.
const CONTACT_FIELDS: &[&str] = &["phone", "first_name", "last_name", "email", "groups"];

/// The contacts a search found so far, and whether the API has more.
#[derive(Clone, Debug, Default, PartialEq)]
struct Listing {
    items: Vec<ContactDto>,
    /// The last page was full: "Show more" asks for the next.
    more: bool,
    loading: bool,
    problem: Option<Problem>,
}

/// The contacts page. Rendered only behind `RequireSession`, for logins that may read
/// contacts.
#[component]
pub fn ContactsPage() -> Html {
    let texts = use_i18n();
    let session = use_session();
    let access = session.me().map(|me| me.access.clone()).unwrap_or_default();
    let may_edit = access.may(Capability::ManageContacts);
    let may_edit_groups = access.may(Capability::ManageContactGroups);
    let calls = use_session_calls();
    let groups = use_collection(api::list_contact_groups);
    let search = use_text_input("");
    let group = use_text_input("");
    // The search the list shows: set when the search form is sent or the group changes.
    let applied = use_state(ListContactsQuery::default);
    let listing = use_state(Listing::default);
    // Only the newest request's answer is shown.
    let generation = use_mut_ref(|| 0_u32);
    let editing = use_state(|| None::<ContactDto>);

    let load = {
        let (listing, calls, generation) = (listing.clone(), calls.clone(), generation.clone());
        Callback::from(move |(query, from): (ListContactsQuery, Vec<ContactDto>)| {
            let ticket = {
                let mut current = generation.borrow_mut();
                *current += 1;
                *current
            };
            listing.set(Listing {
                items: from.clone(),
                more: false,
                loading: true,
                problem: None,
            });
            let (listing, calls, generation) = (listing.clone(), calls.clone(), generation.clone());
            spawn_local(async move {
                let answer = api::list_contacts(&query).await;
                if *generation.borrow() != ticket {
                    return;
                }
                listing.set(match answer {
                    Ok(page) => {
                        let more = page.len() as i64 == PAGE_SIZE;
                        let mut items = from;
                        items.extend(page);
                        Listing {
                            items,
                            more,
                            loading: false,
                            problem: None,
                        }
                    }
                    Err(error) => Listing {
                        items: from,
                        more: false,
                        loading: false,
                        problem: Some(calls.problem(error)),
                    },
                });
            });
        })
    };
    {
        let load = load.clone();
        use_effect_with((*applied).clone(), move |query| {
            load.emit((first_page(query), Vec::new()));
        });
    }
    let reload = {
        let (load, applied) = (load.clone(), applied.clone());
        Callback::from(move |()| load.emit((first_page(&applied), Vec::new())))
    };
    let show_more = {
        let (load, applied, listing) = (load.clone(), applied.clone(), listing.clone());
        Callback::from(move |_: MouseEvent| {
            let after = listing.items.last().map(|c| c.id.clone());
            let query = ListContactsQuery {
                after,
                ..first_page(&applied)
            };
            load.emit((query, listing.items.clone()));
        })
    };
    let on_search = {
        let (applied, search, group) = (applied.clone(), search.clone(), group.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            applied.set(search_query(&search.value, &group.value));
        })
    };
    let on_group = {
        let (applied, search, set_group) = (applied.clone(), search.clone(), group.set.clone());
        Callback::from(move |value: String| {
            set_group.emit(value.clone());
            applied.set(search_query(&search.value, &value));
        })
    };
    let on_saved = {
        let (reload, editing) = (reload.clone(), editing.clone());
        Callback::from(move |()| {
            editing.set(None);
            reload.emit(());
        })
    };
    let on_edit = {
        let editing = editing.clone();
        Callback::from(move |contact: ContactDto| editing.set(Some(contact)))
    };
    let on_cancel_edit = {
        let editing = editing.clone();
        Callback::from(move |()| editing.set(None))
    };
    let on_removed = {
        let listing = listing.clone();
        Callback::from(move |id: String| {
            let mut next = (*listing).clone();
            next.items.retain(|c| c.id != id);
            listing.set(next);
        })
    };
    let on_groups_changed = {
        let (groups, reload) = (groups.clone(), reload.clone());
        Callback::from(move |()| {
            groups.reload();
            reload.emit(());
        })
    };

    let group_list: Rc<Vec<ContactGroupDto>> = groups.get().items.clone().unwrap_or_default();
    let group_names: Rc<HashMap<String, String>> = Rc::new(
        group_list
            .iter()
            .map(|g| (g.id.clone(), g.name.clone()))
            .collect(),
    );
    let group_options: Rc<Vec<(AttrValue, AttrValue)>> = Rc::new(
        std::iter::once(("".into(), texts.t("contacts-every-group").into()))
            .chain(group_list.iter().map(|g| {
                (
                    AttrValue::from(g.id.clone()),
                    AttrValue::from(g.name.clone()),
                )
            }))
            .collect(),
    );
    let searching = applied.q.is_some() || applied.group.is_some();
    let list_error = listing
        .problem
        .as_ref()
        .and_then(|p| banner_message(p, &[]))
        .map(|message| {
            AttrValue::from(texts.t_args("contacts-load-failed", &[("reason", message.into())]))
        });
    let list = if listing.items.is_empty() && listing.loading {
        html! { <p class="loading muted" aria-busy="true">{ texts.t("contacts-loading-contacts") }</p> }
    } else if listing.items.is_empty() && listing.problem.is_none() {
        html! {
            <div class="empty-state" id="contacts-empty">
                if searching {
                    <p class="empty-title">{ texts.t("contacts-no-contact-matches") }</p>
                    <p class="muted">{ texts.t("contacts-try-another-text-group") }</p>
                } else {
                    <p class="empty-title">{ texts.t("contacts-no-contacts-yet") }</p>
                    <p class="muted">
                        { if may_edit { texts.t("contacts-add-one-below-import") }
                          else { texts.t("contacts-accounts-contacts-you-may") } }
                    </p>
                }
            </div>
        }
    } else {
        html! {
            <ContactTable contacts={Rc::new(listing.items.clone())} group_names={group_names.clone()}
                {may_edit} on_edit={on_edit} on_removed={on_removed} on_restored={reload.clone()} />
        }
    };
    let export_url = api::contacts_export_url(&applied);

    html! {
        <section class="contacts" data-testid="contacts">
            <div class="page-head">
                <div>
                    <p class="eyebrow">{ texts.t("contacts-messaging") }</p>
                    <h1>{ texts.t("contacts-contacts") }</h1>
                    <p class="muted lead">
                        { texts.t("contacts-people-you-text-groups") }
                    </p>
                </div>
            </div>
            <MessagingTabs />
            <div class="card card--flush">
                <div class="card-head">
                    <h2>{ texts.t("contacts-contacts-2") }</h2>
                    <a class="button button--secondary button--small" id="contacts-export"
                        href={export_url} download="">
                        { if searching { texts.t("contacts-export-these-csv") } else { texts.t("contacts-export-csv") } }
                    </a>
                </div>
                <form class="form form--inline contacts-search" role="search" onsubmit={on_search}>
                    <TextField id="contacts-q" label={texts.t("contacts-search")} input_type="search" autocomplete="off"
                        placeholder={texts.t("contacts-name-phone-e-mail")}
                        value={search.value.clone()} on_change={search.set.clone()} />
                    <SelectField id="contacts-group" label={texts.t("contacts-group")} options={Rc::new(Vec::new())}
                        dynamic_options={group_options.clone()} value={group.value.clone()}
                        on_change={on_group} />
                    <div class="form-actions">
                        <button type="submit" class="button button--secondary" id="contacts-search">
                            { texts.t("contacts-search") }
                        </button>
                    </div>
                </form>
                <FormBanner message={list_error} />
                { list }
                if listing.more {
                    <div class="list-more">
                        <button type="button" class="button button--secondary" id="contacts-more"
                            disabled={listing.loading} onclick={show_more}>
                            { if listing.loading { texts.t("contacts-loading") } else { texts.t("contacts-show-more") } }
                        </button>
                    </div>
                }
            </div>
            if may_edit {
                <div class="card" id="contact-form-card">
                    if let Some(contact) = &*editing {
                        <h2>{ texts.t_args("contacts-change-phone", &[("phone", contact.phone.as_str().into())]) }</h2>
                        <ContactForm key={contact.id.clone()} contact={Some(contact.clone())}
                            groups={group_list.clone()} on_saved={on_saved.clone()}
                            on_cancel={on_cancel_edit} />
                    } else {
                        <h2>{ texts.t("contacts-add-contact") }</h2>
                        <ContactForm key="new" contact={None::<ContactDto>} groups={group_list.clone()}
                            on_saved={on_saved.clone()} on_cancel={Callback::noop()} />
                    }
                </div>
            }
            <GroupsCard groups={groups.clone()} may_edit={may_edit_groups} on_changed={on_groups_changed} />
            if may_edit {
                <ImportCard on_imported={reload} />
            }
        </section>
    }
}

/// The first page of `query`'s search.
fn first_page(query: &ListContactsQuery) -> ListContactsQuery {
    ListContactsQuery {
        after: None,
        limit: Some(PAGE_SIZE),
        ..query.clone()
    }
}

/// The search the form's values make: blank text and "every group" are left out.
pub fn search_query(text: &str, group: &str) -> ListContactsQuery {
    let text = text.trim();
    ListContactsQuery {
        q: (!text.is_empty()).then(|| text.to_owned()),
        group: (!group.is_empty()).then(|| group.to_owned()),
        ..Default::default()
    }
}

#[derive(Properties, PartialEq)]
struct ContactTableProps {
    contacts: Rc<Vec<ContactDto>>,
    /// Group names by id (the groups this login may see).
    group_names: Rc<HashMap<String, String>>,
    may_edit: bool,
    on_edit: Callback<ContactDto>,
    on_removed: Callback<String>,
    /// Called after the Undo of a removal's toast made the contact again.
    on_restored: Callback<()>,
}

#[component]
fn ContactTable(props: &ContactTableProps) -> Html {
    let texts = use_i18n();
    html! {
        <div class="table-scroll" tabindex="0" role="region" aria-label={texts.t("contacts-contacts")}>
            <table class="table table--stack" id="contacts-table">
                <thead>
                    <tr>
                        <th scope="col">{ texts.t("contacts-phone") }</th>
                        <th scope="col">{ texts.t("contacts-name") }</th>
                        <th scope="col">{ texts.t("contacts-e-mail") }</th>
                        <th scope="col">{ texts.t("contacts-groups") }</th>
                        if props.may_edit {
                            <th scope="col"><span class="visually-hidden">{ texts.t("contacts-actions") }</span></th>
                        }
                    </tr>
                </thead>
                <tbody>
                    for contact in props.contacts.iter() {
                        <ContactRow key={contact.id.clone()} contact={contact.clone()}
                            group_names={props.group_names.clone()} may_edit={props.may_edit}
                            on_edit={props.on_edit.clone()} on_removed={props.on_removed.clone()}
                            on_restored={props.on_restored.clone()} />
                    }
                </tbody>
            </table>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ContactRowProps {
    contact: ContactDto,
    group_names: Rc<HashMap<String, String>>,
    may_edit: bool,
    on_edit: Callback<ContactDto>,
    on_removed: Callback<String>,
    /// Called after the Undo of a removal's toast made the contact again.
    on_restored: Callback<()>,
}

#[component]
fn ContactRow(props: &ContactRowProps) -> Html {
    let texts = use_i18n();
    let contact = &props.contact;
    let toasts = use_toasts();
    let calls = use_session_calls();
    // Says the contact went, with an Undo that makes it again with the same details.
    let on_removed = {
        let (contact, on_removed, on_restored) = (
            contact.clone(),
            props.on_removed.clone(),
            props.on_restored.clone(),
        );
        Callback::from(move |id: String| {
            on_removed.emit(id);
            let request = CreateContactRequest {
                phone: contact.phone.clone(),
                first_name: contact.first_name.clone(),
                last_name: contact.last_name.clone(),
                email: contact.email.clone(),
                groups: contact.groups.clone(),
            };
            let undo = undo_call(
                &toasts,
                &calls,
                &contact.phone,
                on_restored.reform(|_: ContactDto| ()),
                move |csrf| {
                    let request = request.clone();
                    async move { api::create_contact(&csrf, &request).await }
                },
            );
            toasts.show_with_undo(
                texts.t_args(
                    "contacts-deleted-toast",
                    &[("phone", contact.phone.as_str().into())],
                ),
                undo,
            );
        })
    };
    let removal = use_removal(
        &contact.id,
        |csrf, id| async move { api::delete_contact(&csrf, &id).await },
        on_removed,
    );
    let confirm = use_confirmation(removal.run.clone());
    let name = display_name(contact);
    let groups: Vec<&str> = contact
        .groups
        .iter()
        .filter_map(|id| props.group_names.get(id).map(String::as_str))
        .collect();
    let on_edit = {
        let (on_edit, contact) = (props.on_edit.clone(), contact.clone());
        Callback::from(move |_: MouseEvent| on_edit.emit(contact.clone()))
    };
    html! {
        <tr data-contact-id={contact.id.clone()}>
            <td data-label={texts.t("contacts-phone")} class="mono">{ contact.phone.clone() }</td>
            <td data-label={texts.t("contacts-name")}>{ name.clone().unwrap_or_else(|| "—".to_owned()) }</td>
            <td data-label={texts.t("contacts-e-mail")}>{ contact.email.clone().unwrap_or_else(|| "—".to_owned()) }</td>
            <td data-label={texts.t("contacts-groups")}>
                if groups.is_empty() {
                    <span class="muted">{ texts.t("contacts-none") }</span>
                } else {
                    for g in groups { <span class="chip">{ g.to_owned() }</span> }
                }
            </td>
            if props.may_edit {
                <td class="row-actions">
                    <button type="button" class="button button--secondary button--small contact-edit"
                        aria-label={texts.t_args("contacts-change-phone", &[("phone", contact.phone.as_str().into())])} onclick={on_edit}>
                        { texts.t("contacts-change") }
                    </button>
                    <button type="button" class="button button--ghost-danger button--small contact-delete"
                        aria-label={texts.t_args("contacts-delete-phone", &[("phone", contact.phone.as_str().into())])}
                        disabled={removal.busy || confirm.open} onclick={confirm.ask.clone()}>
                        { if removal.busy { texts.t("contacts-deleting") } else { texts.t("contacts-delete") } }
                    </button>
                    if confirm.open {
                        <ConfirmPanel id="contact-delete-panel"
                            title={texts.t_args("contacts-delete-question", &[("name", name.unwrap_or_else(|| contact.phone.clone()).into())])}
                            detail={texts.t("contacts-contact-removed-every-group")}
                            confirm_text={texts.t("contacts-delete-contact")} busy={removal.busy}
                            on_confirm={confirm.on_confirm.clone()} on_cancel={confirm.on_cancel.clone()} />
                    }
                    if let Some(error) = removal.error {
                        <p class="row-error" role="alert">{ message_html(&error) }</p>
                    }
                </td>
            }
        </tr>
    }
}

/// "Ada Lovelace", from whichever names the contact has.
fn display_name(contact: &ContactDto) -> Option<String> {
    let parts: Vec<&str> = [&contact.first_name, &contact.last_name]
        .into_iter()
        .filter_map(|p| p.as_deref())
        .filter(|p| !p.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

#[derive(Properties, PartialEq)]
struct ContactFormProps {
    /// The contact to change; `None` adds one.
    contact: Option<ContactDto>,
    groups: Rc<Vec<ContactGroupDto>>,
    on_saved: Callback<()>,
    on_cancel: Callback<()>,
}

/// Phone, names, e-mail and groups of a new contact, or of one being changed.
#[component]
fn ContactForm(props: &ContactFormProps) -> Html {
    let texts = use_i18n();
    let existing = props.contact.clone();
    let field =
        |f: fn(&ContactDto) -> Option<String>| existing.as_ref().and_then(f).unwrap_or_default();
    let phone = use_text_input(&field(|c| Some(c.phone.clone())));
    let first_name = use_text_input(&field(|c| c.first_name.clone()));
    let last_name = use_text_input(&field(|c| c.last_name.clone()));
    let email = use_text_input(&field(|c| c.email.clone()));
    let chosen = use_state(|| {
        Rc::new(
            existing
                .as_ref()
                .map(|c| c.groups.iter().cloned().collect::<BTreeSet<_>>())
                .unwrap_or_default(),
        )
    });
    let call = use_form_call();
    let saved = use_state(|| None::<String>);
    let toasts = use_toasts();

    let on_toggle = {
        let chosen = chosen.clone();
        Callback::from(move |(value, on): (String, bool)| {
            chosen.set(Rc::new(toggle_value(&chosen, &value, on)));
        })
    };
    let onsubmit = {
        let (call, saved, on_saved) = (call.clone(), saved.clone(), props.on_saved.clone());
        let (phone, first_name, last_name, email) = (
            phone.clone(),
            first_name.clone(),
            last_name.clone(),
            email.clone(),
        );
        let (chosen, existing) = (chosen.clone(), existing.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let values = ContactValues {
                phone: phone.value.clone(),
                first_name: first_name.value.clone(),
                last_name: last_name.value.clone(),
                email: email.value.clone(),
                groups: chosen.iter().cloned().collect(),
            };
            let (saved, on_saved, toasts) = (saved.clone(), on_saved.clone(), toasts.clone());
            let clear = [&phone, &first_name, &last_name, &email].map(|input| input.set.clone());
            match &existing {
                Some(contact) => {
                    let id = contact.id.clone();
                    call.run_checked(
                        update_request(contact, &values),
                        move |csrf, request| async move {
                            api::update_contact(&csrf, &id, &request).await
                        },
                        move |contact: ContactDto| {
                            let phone = [("phone", contact.phone.as_str().into())];
                            toasts.show(texts.t_args("contacts-saved-toast", &phone));
                            saved.set(Some(texts.t_args("contacts-saved", &phone)));
                            on_saved.emit(());
                        },
                    );
                }
                None => {
                    let chosen = chosen.clone();
                    call.run_checked(
                        create_request(&values),
                        |csrf, request| async move { api::create_contact(&csrf, &request).await },
                        move |contact: ContactDto| {
                            for set in &clear {
                                set.emit(String::new());
                            }
                            chosen.set(Rc::default());
                            let phone = [("phone", contact.phone.as_str().into())];
                            toasts.show(texts.t_args("contacts-added-toast", &phone));
                            saved.set(Some(texts.t_args("contacts-added", &phone)));
                            on_saved.emit(());
                        },
                    );
                }
            }
        })
    };
    let problem = call.problem.clone();
    let busy = call.busy();
    let options: Rc<Vec<CheckOption>> = Rc::new(
        props
            .groups
            .iter()
            .map(|g| CheckOption::plain(g.id.clone(), g.name.clone()))
            .collect(),
    );
    let editing = existing.is_some();
    let on_cancel = props.on_cancel.reform(|_: MouseEvent| ());

    html! {
        <form class="form" id="contact-form" {onsubmit} novalidate=true>
            if let Some(message) = &*saved {
                <div class="banner banner--success" id="contact-saved" role="status">{ message.clone() }</div>
            }
            <FormBanner message={problem.banner(CONTACT_FIELDS)} />
            <TextField id="contact-phone" label={texts.t("contacts-phone")} input_type="tel" autocomplete="off"
                placeholder="+48500100200" hint={texts.t("contacts-international-format")}
                value={phone.value.clone()} on_change={problem.on_change(&phone.set, "phone")}
                error={problem.field_message("phone")} />
            <div class="form-row">
                <TextField id="contact-first-name" label={texts.t("contacts-first-name")} optional=true
                    value={first_name.value.clone()}
                    on_change={problem.on_change(&first_name.set, "first_name")}
                    error={problem.field_message("first_name")} />
                <TextField id="contact-last-name" label={texts.t("contacts-last-name")} optional=true
                    value={last_name.value.clone()}
                    on_change={problem.on_change(&last_name.set, "last_name")}
                    error={problem.field_message("last_name")} />
            </div>
            <TextField id="contact-email" label={texts.t("contacts-e-mail")} input_type="email" optional=true
                value={email.value.clone()} on_change={problem.on_change(&email.set, "email")}
                error={problem.field_message("email")} />
            <CheckboxGroup id="contact-groups" legend={texts.t("contacts-groups")} {options} chosen={(*chosen).clone()}
                {on_toggle} error={problem.field_message("groups")} compact=true
                empty={texts.t("contacts-no-groups-yet-make")} />
            <div class="form-actions">
                <button type="submit" id="contact-save" class="button" disabled={busy}>
                    { match (busy, editing) {
                        (true, _) => texts.t("contacts-saving"),
                        (false, true) => texts.t("contacts-save-changes"),
                        (false, false) => texts.t("contacts-add-contact-button"),
                    } }
                </button>
                if editing {
                    <button type="button" class="button button--secondary" id="contact-cancel"
                        onclick={on_cancel}>{ texts.t("contacts-cancel") }</button>
                }
            </div>
        </form>
    }
}

/// What the contact form holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContactValues {
    pub phone: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub groups: Vec<String>,
}

/// A phone the form can send, or what to fix first. Its shape is the API's call: it
/// takes spaces and other ways of writing an international number.
fn checked_phone(phone: &str) -> Result<String, Vec<FieldError>> {
    let phone = phone.trim();
    if phone.is_empty() {
        return Err(vec![FieldError::new(
            "phone",
            codes::REQUIRED,
            Texts::current().t("contacts-phone-required"),
        )]);
    }
    Ok(phone.to_owned())
}

/// The new contact the form's values make; blank optional fields are left out.
pub fn create_request(values: &ContactValues) -> Result<CreateContactRequest, Vec<FieldError>> {
    let optional = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
    Ok(CreateContactRequest {
        phone: checked_phone(&values.phone)?,
        first_name: optional(&values.first_name),
        last_name: optional(&values.last_name),
        email: optional(&values.email),
        groups: values.groups.clone(),
    })
}

/// Only what changed from `contact`: a cleared field is sent as `""`, which clears it.
pub fn update_request(
    contact: &ContactDto,
    values: &ContactValues,
) -> Result<UpdateContactRequest, Vec<FieldError>> {
    let phone = checked_phone(&values.phone)?;
    let changed = |old: &Option<String>, new: &str| {
        let new = new.trim();
        (old.as_deref().unwrap_or_default() != new).then(|| new.to_owned())
    };
    let mut groups = values.groups.clone();
    groups.sort();
    let mut old_groups = contact.groups.clone();
    old_groups.sort();
    Ok(UpdateContactRequest {
        phone: (phone != contact.phone).then_some(phone),
        first_name: changed(&contact.first_name, &values.first_name),
        last_name: changed(&contact.last_name, &values.last_name),
        email: changed(&contact.email, &values.email),
        groups: (groups != old_groups).then_some(groups),
    })
}

#[derive(Properties, PartialEq)]
struct GroupsCardProps {
    groups: CollectionHandle<ContactGroupDto>,
    /// This login may create, rename and delete groups.
    may_edit: bool,
    /// A group was created, renamed or deleted.
    on_changed: Callback<()>,
}

/// The groups this login sees; creating, renaming and deleting them when it may.
#[component]
fn GroupsCard(props: &GroupsCardProps) -> Html {
    let texts = use_i18n();
    let name = use_text_input("");
    let call = use_form_call();
    let toasts = use_toasts();
    let collection = props.groups.get();
    let onsubmit = {
        let (call, name, on_changed) = (call.clone(), name.clone(), props.on_changed.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let (set_name, on_changed, toasts) =
                (name.set.clone(), on_changed.clone(), toasts.clone());
            call.run_checked(
                group_name(&name.value),
                |csrf, name| async move { api::create_contact_group(&csrf, &name).await },
                move |group: ContactGroupDto| {
                    toasts.show(texts.t_args(
                        "contacts-group-created-toast",
                        &[("name", group.name.as_str().into())],
                    ));
                    set_name.emit(String::new());
                    on_changed.emit(());
                },
            );
        })
    };
    let problem = call.problem.clone();
    let load_error = collection
        .problem
        .as_ref()
        .and_then(|p| banner_message(p, &[]))
        .map(|message| {
            AttrValue::from(
                texts.t_args("contacts-groups-load-failed", &[("reason", message.into())]),
            )
        });
    let list = match &collection.items {
        Some(items) if items.is_empty() => html! {
            <p class="muted" id="groups-empty">
                { if props.may_edit { texts.t("contacts-no-groups-yet-group") }
                  else { texts.t("contacts-no-groups-shared-you") } }
            </p>
        },
        Some(items) => html! {
            <ul class="entry-list" id="groups-list">
                for group in items.iter() {
                    <GroupRow key={group.id.clone()} group={group.clone()} may_edit={props.may_edit}
                        on_changed={props.on_changed.clone()} />
                }
            </ul>
        },
        None => Html::default(),
    };
    html! {
        <div class="card" id="groups-card">
            <h2>{ texts.t("contacts-groups") }</h2>
            <FormBanner message={load_error} />
            { list }
            if props.may_edit {
                <form class="form form--inline" id="group-form" {onsubmit} novalidate=true>
                    <FormBanner message={problem.banner(&["name"])} />
                    <TextField id="group-name" label={texts.t("contacts-new-group")} placeholder={texts.t("contacts-e-g-newsletter")}
                        value={name.value.clone()} on_change={problem.on_change(&name.set, "name")}
                        error={problem.field_message("name")} />
                    <div class="form-actions">
                        <button type="submit" class="button button--secondary" id="group-create"
                            disabled={call.busy()}>{ texts.t("contacts-create-group") }</button>
                    </div>
                </form>
            }
        </div>
    }
}

/// A group name the form can send, or what to fix first.
fn group_name(name: &str) -> Result<String, Vec<FieldError>> {
    let name = name.trim();
    if name.is_empty() {
        return Err(vec![FieldError::new(
            "name",
            codes::REQUIRED,
            Texts::current().t("contacts-group-name-required"),
        )]);
    }
    Ok(name.to_owned())
}

#[derive(Properties, PartialEq)]
struct GroupRowProps {
    group: ContactGroupDto,
    may_edit: bool,
    on_changed: Callback<()>,
}

#[component]
fn GroupRow(props: &GroupRowProps) -> Html {
    let texts = use_i18n();
    let group = &props.group;
    let renaming = use_state(|| false);
    let name = use_text_input(&group.name);
    let call = use_form_call();
    let toasts = use_toasts();
    let removal = use_removal(
        &group.id,
        |csrf, id| async move { api::delete_contact_group(&csrf, &id).await },
        toasts.after(props.on_changed.reform(|_: String| ()), {
            let name = group.name.clone();
            move |_| {
                texts.t_args(
                    "contacts-group-deleted-toast",
                    &[("name", name.as_str().into())],
                )
            }
        }),
    );
    let confirm = use_confirmation(removal.run.clone());
    let on_rename = {
        let (call, name, renaming, on_changed, id) = (
            call.clone(),
            name.clone(),
            renaming.clone(),
            props.on_changed.clone(),
            group.id.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let (renaming, on_changed, id) = (renaming.clone(), on_changed.clone(), id.clone());
            let toasts = toasts.clone();
            call.run_checked(
                group_name(&name.value),
                move |csrf, name| async move { api::rename_contact_group(&csrf, &id, &name).await },
                move |group: ContactGroupDto| {
                    toasts.show(texts.t_args(
                        "contacts-group-renamed-toast",
                        &[("name", group.name.as_str().into())],
                    ));
                    renaming.set(false);
                    on_changed.emit(());
                },
            );
        })
    };
    let toggle = |state: &UseStateHandle<bool>, to: bool| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.set(to))
    };
    let problem = call.problem.clone();
    html! {
        <li class="entry" data-group-id={group.id.clone()}>
            if *renaming {
                <form class="form form--inline group-rename" onsubmit={on_rename} novalidate=true>
                    <TextField id={format!("group-rename-{}", group.id)} label={texts.t_args("contacts-group-new-name", &[("name", group.name.as_str().into())])}
                        value={name.value.clone()} on_change={problem.on_change(&name.set, "name")}
                        error={problem.field_message("name")} />
                    <div class="form-actions">
                        <button type="submit" class="button button--small" disabled={call.busy()}>{ texts.t("contacts-save") }</button>
                        <button type="button" class="button button--secondary button--small"
                            onclick={toggle(&renaming, false)}>{ texts.t("contacts-cancel") }</button>
                    </div>
                </form>
            } else {
                <div class="entry-main"><span class="entry-value">{ group.name.clone() }</span></div>
                if props.may_edit {
                    <button type="button" class="button button--secondary button--small group-rename-start"
                        aria-label={texts.t_args("contacts-group-rename", &[("name", group.name.as_str().into())])} onclick={toggle(&renaming, true)}>
                        { texts.t("contacts-rename") }
                    </button>
                    <button type="button" class="button button--ghost-danger button--small group-delete"
                        aria-label={texts.t_args("contacts-group-delete", &[("name", group.name.as_str().into())])}
                        disabled={removal.busy || confirm.open} onclick={confirm.ask.clone()}>
                        { if removal.busy { texts.t("contacts-deleting") } else { texts.t("contacts-delete") } }
                    </button>
                }
            }
            if confirm.open {
                <ConfirmPanel id="group-delete-panel" title={texts.t_args("contacts-group-delete-question", &[("name", group.name.as_str().into())])}
                    detail={texts.t("contacts-contacts-stay-contacts-only")}
                    confirm_text={texts.t("contacts-delete-group")} busy={removal.busy}
                    on_confirm={confirm.on_confirm.clone()} on_cancel={confirm.on_cancel.clone()} />
            }
            if let Some(error) = removal.error {
                <p class="row-error" role="alert">{ message_html(&error) }</p>
            }
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct ImportCardProps {
    /// Contacts were imported.
    on_imported: Callback<()>,
}

/// A CSV file, chosen or pasted, imported; each row that was not, with why.
#[component]
fn ImportCard(props: &ImportCardProps) -> Html {
    let texts = use_i18n();
    let text = use_text_input("");
    let call = use_form_call();
    let toasts = use_toasts();
    let result = use_state(|| None::<ImportResultDto>);
    let file_input = use_node_ref();
    let reading = use_state(|| false);

    let on_file = {
        let (set_text, reading, file_input) =
            (text.set.clone(), reading.clone(), file_input.clone());
        Callback::from(move |_: Event| {
            let Some(file) = file_input
                .cast::<HtmlInputElement>()
                .and_then(|input| input.files())
                .and_then(|files| files.get(0))
            else {
                return;
            };
            reading.set(true);
            let (set_text, reading) = (set_text.clone(), reading.clone());
            spawn_local(async move {
                let read = JsFuture::from(file.text()).await;
                if let Ok(contents) = read {
                    set_text.emit(contents.as_string().unwrap_or_default());
                }
                reading.set(false);
            });
        })
    };
    let onsubmit = {
        let (call, text, result, on_imported) = (
            call.clone(),
            text.clone(),
            result.clone(),
            props.on_imported.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let (result, on_imported, toasts) =
                (result.clone(), on_imported.clone(), toasts.clone());
            result.set(None);
            call.run_checked(
                import_text(&text.value),
                |csrf, csv| async move { api::import_contacts(&csrf, csv).await },
                move |answer: ImportResultDto| {
                    toasts.show(texts.t_args(
                        "contacts-imported-toast",
                        &[
                            ("count", answer.imported.into()),
                            ("skipped", answer.errors.len().into()),
                        ],
                    ));
                    if answer.imported > 0 {
                        on_imported.emit(());
                    }
                    result.set(Some(answer));
                },
            );
        })
    };
    let problem = call.problem.clone();
    let busy = call.busy() || *reading;
    html! {
        <div class="card" id="import-card">
            <h2>{ texts.t("contacts-import-csv") }</h2>
            <p class="muted">
                { texts.t("contacts-header-row-naming") }{ " " }<code>{ "phone" }</code>{ " " }{ texts.t("contacts-and-any-of") }{ " " }
                <code>{ "first_name" }</code>{ ", " }<code>{ "last_name" }</code>{ ", " }
                <code>{ "email" }</code>{ " " }{ texts.t("contacts-and") }{ " " }<code>{ "groups" }</code>
                { " " }{ texts.t("contacts-group-names-separated-columns") }
            </p>
            <form class="form" id="import-form" {onsubmit} novalidate=true>
                <FormBanner message={problem.banner(&["csv"])} />
                <div class="field">
                    <label for="import-file">{ texts.t("contacts-csv-file") }</label>
                    <input type="file" id="import-file" accept=".csv,text/csv" ref={file_input}
                        onchange={on_file} />
                </div>
                <TextAreaField id="import-csv" label={texts.t("contacts-paste-rows")} rows=6
                    placeholder={"phone,first_name,groups\n+48500100200,Ada,Newsletter"}
                    value={text.value.clone()} on_change={problem.on_change(&text.set, "csv")}
                    error={problem.field_message("csv")} />
                <div class="form-actions">
                    <button type="submit" id="import-submit" class="button" disabled={busy}>
                        { if call.busy() { texts.t("contacts-importing") } else { texts.t("contacts-import") } }
                    </button>
                </div>
            </form>
            if let Some(result) = &*result {
                <ImportResult result={result.clone()} />
            }
        </div>
    }
}

/// The text the import sends, or what to fix first.
fn import_text(text: &str) -> Result<String, Vec<FieldError>> {
    if text.trim().is_empty() {
        return Err(vec![FieldError::new(
            "csv",
            codes::REQUIRED,
            Texts::current().t("contacts-csv-required"),
        )]);
    }
    Ok(text.to_owned())
}

#[derive(Properties, PartialEq)]
struct ImportResultProps {
    result: ImportResultDto,
}

#[component]
fn ImportResult(props: &ImportResultProps) -> Html {
    let texts = use_i18n();
    let result = &props.result;
    let imported = texts.t_args("contacts-imported", &[("count", result.imported.into())]);
    if result.errors.is_empty() {
        return html! {
            <div class="banner banner--success" id="import-result" role="status">{ imported }</div>
        };
    }
    let skipped = texts.t_args("contacts-skipped", &[("count", result.errors.len().into())]);
    html! {
        <div id="import-result">
            <div class="banner banner--warning" role="status">{ format!("{imported} {skipped}") }</div>
            <div class="table-scroll" tabindex="0" role="region" aria-label={texts.t("contacts-rows-not-imported")}>
                <table class="table table--stack" id="import-errors">
                    <thead>
                        <tr>
                            <th scope="col">{ texts.t("contacts-line") }</th>
                            <th scope="col">{ texts.t("contacts-column") }</th>
                            <th scope="col">{ texts.t("contacts-why") }</th>
                        </tr>
                    </thead>
                    <tbody>
                        for error in result.errors.iter() {
                            <tr>
                                <td data-label={texts.t("contacts-line")}>{ error.line.to_string() }</td>
                                <td data-label={texts.t("contacts-column")}><code>{ error.field.clone() }</code></td>
                                <td data-label={texts.t("contacts-why")}>{ message_html(&error.message) }</td>
                            </tr>
                        }
                    </tbody>
                </table>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact() -> ContactDto {
        ContactDto {
            id: "c1".to_owned(),
            phone: "+48500100200".to_owned(),
            first_name: Some("Ada".to_owned()),
            last_name: None,
            email: Some("ada@example.com".to_owned()),
            groups: vec!["g2".to_owned(), "g1".to_owned()],
            created_at: "2026-12-04T00:00:00Z".to_owned(),
        }
    }

    #[test]
    fn a_search_leaves_out_blank_text_and_every_group() {
        assert_eq!(search_query("  ", ""), ListContactsQuery::default());
        let query = search_query(" Ada ", "g1");
        assert_eq!(
            (query.q.as_deref(), query.group.as_deref()),
            (Some("Ada"), Some("g1"))
        );
    }

    #[test]
    fn a_new_contact_leaves_out_blank_fields_and_needs_a_phone() {
        let values = ContactValues {
            phone: " +48500100200 ".to_owned(),
            first_name: "Ada".to_owned(),
            last_name: "  ".to_owned(),
            ..Default::default()
        };
        let request = create_request(&values).unwrap();
        assert_eq!(request.phone, "+48500100200");
        assert_eq!(request.first_name.as_deref(), Some("Ada"));
        assert_eq!(request.last_name, None);
        let errors = create_request(&ContactValues::default()).unwrap_err();
        assert_eq!(errors[0].field, "phone");
    }

    #[test]
    fn a_change_sends_only_what_changed_and_clears_with_an_empty_string() {
        let old = contact();
        let values = ContactValues {
            phone: old.phone.clone(),
            first_name: "Ada".to_owned(),
            last_name: "Lovelace".to_owned(),
            email: String::new(),
            groups: vec!["g1".to_owned(), "g2".to_owned()],
        };
        let request = update_request(&old, &values).unwrap();
        assert_eq!(request.phone, None);
        assert_eq!(request.first_name, None);
        assert_eq!(request.last_name.as_deref(), Some("Lovelace"));
        assert_eq!(
            request.email.as_deref(),
            Some(""),
            "a cleared e-mail is sent as empty"
        );
        assert_eq!(
            request.groups, None,
            "the same groups in another order are no change"
        );
    }

    #[test]
    fn names_are_joined_and_a_nameless_contact_has_none() {
        assert_eq!(display_name(&contact()).as_deref(), Some("Ada"));
        let nameless = ContactDto {
            first_name: None,
            ..contact()
        };
        assert_eq!(display_name(&nameless), None);
    }
}
