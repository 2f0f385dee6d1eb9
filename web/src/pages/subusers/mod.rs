//! The subusers page (the owner's): separate logins under the account, with what each
//! may do and use; and one subuser's security log.

mod form;
mod grants;
mod subuser_list;

pub use form::{
    field_message, portal_label, subuser_request, GrantChoices, SubuserForm, SubuserFormProps,
    SubuserRequest,
};
pub use grants::{weekday_label, window_summary, GrantsDraft, DEFAULT_TIME_ZONE, TIME_ZONES};
pub use subuser_list::{status_label, SubuserList, SubuserListProps, SubuserRow, SubuserRowProps};

use std::rc::Rc;

use portcullis_shared::dto::{SenderStatus, SubuserDto};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::app::Route;
use crate::components::credentials::{ListCard, Noun};
use crate::hooks::{use_collection, use_created, use_toasts};
use crate::i18n::msg;
use crate::pages::security_log::SecurityLogView;

/// Subusers: list, create, edit, disable, invite, delete. Rendered only behind
/// `RequireSession`, for the owner.
#[component]
pub fn SubusersPage() -> Html {
    let subusers = use_collection(api::list_subusers);
    let toasts = use_toasts();
    let senders = use_collection(api::list_senders);
    let groups = use_collection(api::list_contact_groups);
    let created = use_created::<SubuserDto>(subusers.reload_callback());
    let choices = Rc::new(GrantChoices {
        senders: senders
            .get()
            .items
            .iter()
            .flat_map(|items| items.iter())
            .filter(|sender| sender.status == SenderStatus::Approved)
            .map(|sender| sender.name.clone())
            .collect(),
        groups: groups
            .get()
            .items
            .iter()
            .flat_map(|items| items.iter())
            .map(|group| (group.id.clone(), group.name.clone()))
            .collect(),
    });

    let collection = subusers.get();
    let list = html! {
        <ListCard title="Your subusers" count_id="subuser-count" noun={SUBUSERS}
            count={collection.items.as_ref().map(|items| items.len())}
            problem={collection.problem.clone()}>
            if let Some(items) = &collection.items {
                <SubuserList subusers={items.clone()} choices={choices.clone()}
                    on_changed={subusers.replace_callback()}
                    on_stale={subusers.reload_callback()}
                    on_removed={toasts.after(subusers.remove_callback(), |_| "Subuser deleted".to_owned())} />
            }
        </ListCard>
    };

    html! {
        <section class="subusers" data-testid="subusers">
            <div class="page-head">
                <div>
                    <p class="eyebrow">{ "Account" }</p>
                    <h1>{ "Subusers" }</h1>
                    <p class="muted lead">
                        { "Separate logins for your employees and branches, each with only the \
                           parts of the account, sender names, contacts, sending hours and points \
                           you allow. The API refuses everything else." }
                    </p>
                </div>
            </div>
            if let Some(subuser) = &*created.item {
                <div class="banner banner--success" id="subuser-created" role="status">
                    { created_message(subuser) }
                </div>
            }
            { list }
            <div class="card" id="new-subuser">
                <h2 id="new-subuser-title">{ "New subuser" }</h2>
                <SubuserForm {choices} on_saved={toasts.after(created.on_created.clone(), |s: &SubuserDto| format!("Created subuser {}", s.email))} />
            </div>
        </section>
    }
}

/// What the page says once a subuser is created.
fn created_message(subuser: &SubuserDto) -> String {
    match subuser.status {
        portcullis_shared::dto::SubuserStatus::Invited => format!(
            "{} is created. We e-mailed them an invitation to choose a password.",
            subuser.email
        ),
        _ => format!("{} is created and can sign in now.", subuser.email),
    }
}

/// What the subusers page lists.
const SUBUSERS: Noun = Noun {
    count: msg("subusers-count"),
    loading: msg("subusers-loading"),
    load_failed: msg("subusers-load-failed"),
};

/// Props of [`SubuserSecurityLogPage`].
#[derive(Properties, PartialEq)]
pub struct SubuserSecurityLogPageProps {
    /// The subuser's id.
    pub id: AttrValue,
}

/// One subuser's entries of the security log. Rendered only behind `RequireSession`, for
/// the owner.
#[component]
pub fn SubuserSecurityLogPage(props: &SubuserSecurityLogPageProps) -> Html {
    let subusers = use_collection(api::list_subusers);
    let email = subusers
        .get()
        .items
        .as_ref()
        .and_then(|items| items.iter().find(|s| s.id == props.id.as_str()))
        .map(|subuser| subuser.email.clone());

    html! {
        <section class="security-log" data-testid="subuser-security-log">
            <div class="page-head">
                <div>
                    <p class="eyebrow">
                        <Link<Route> to={Route::Subusers}>{ "Subusers" }</Link<Route>>
                    </p>
                    <h1>{ "Security log" }</h1>
                    <p class="muted lead" id="subuser-log-email">
                        { email.unwrap_or_else(|| props.id.to_string()) }
                    </p>
                </div>
            </div>
            <SecurityLogView subuser={Some(props.id.clone())} />
        </section>
    }
}
