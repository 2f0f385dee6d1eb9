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

use crate::i18n::Texts;
use std::rc::Rc;

use portcullis_shared::dto::{SenderStatus, SubuserDto};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::app::Route;
use crate::components::credentials::{ListCard, Noun};
use crate::hooks::use_i18n;
use crate::hooks::{use_collection, use_created, use_toasts};
use crate::i18n::msg;
use crate::pages::security_log::SecurityLogView;

/// Subusers: list, create, edit, disable, invite, delete. Rendered only behind
/// `RequireSession`, for the owner.
#[component]
pub fn SubusersPage() -> Html {
    let texts = use_i18n();
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
        <ListCard title={texts.t("subusers-subusers-2")} count_id="subuser-count" noun={SUBUSERS}
            count={collection.items.as_ref().map(|items| items.len())}
            problem={collection.problem.clone()}>
            if let Some(items) = &collection.items {
                <SubuserList subusers={items.clone()} choices={choices.clone()}
                    on_changed={toasts.after(subusers.replace_callback(), move |s: &SubuserDto| texts.t_args("subusers-saved-toast", &[("email", s.email.as_str().into())]))}
                    on_stale={subusers.reload_callback()}
                    on_removed={toasts.after(subusers.remove_callback(), move |_| texts.t("subusers-deleted-toast"))} />
            }
        </ListCard>
    };

    html! {
        <section class="subusers" data-testid="subusers">
            <div class="page-head">
                <div>
                    <p class="eyebrow">{ texts.t("subusers-account") }</p>
                    <h1>{ texts.t("subusers-subusers") }</h1>
                    <p class="muted lead">
                        { texts.t("subusers-separate-logins-employees-branches") }
                    </p>
                </div>
            </div>
            if let Some(subuser) = &*created.item {
                <div class="banner banner--success" id="subuser-created" role="status">
                    { created_message(subuser, texts) }
                </div>
            }
            { list }
            <div class="card" id="new-subuser">
                <h2 id="new-subuser-title">{ texts.t("subusers-new-subuser") }</h2>
                <SubuserForm {choices} on_saved={toasts.after(created.on_created.clone(), move |s: &SubuserDto| texts.t_args("subusers-created-toast", &[("email", s.email.as_str().into())]))} />
            </div>
        </section>
    }
}

/// What the page says once a subuser is created.
fn created_message(subuser: &SubuserDto, texts: Texts) -> String {
    let email = [("email", subuser.email.as_str().into())];
    match subuser.status {
        portcullis_shared::dto::SubuserStatus::Invited => {
            texts.t_args("subusers-created-invited", &email)
        }
        _ => texts.t_args("subusers-created-active", &email),
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
    let texts = use_i18n();
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
                        <Link<Route> to={Route::Subusers}>{ texts.t("subusers-subusers") }</Link<Route>>
                    </p>
                    <h1>{ texts.t("subusers-security-log") }</h1>
                    <p class="muted lead" id="subuser-log-email">
                        { email.unwrap_or_else(|| props.id.to_string()) }
                    </p>
                </div>
            </div>
            <SecurityLogView subuser={Some(props.id.clone())} />
        </section>
    }
}
