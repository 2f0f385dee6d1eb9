//! The account's subusers, each with what they used, their grants and their actions.

use std::rc::Rc;

use portcullis_shared::dto::{SubuserDto, SubuserStatus};
use yew::prelude::*;
use yew_router::prelude::*;

use super::form::{portal_label, GrantChoices, SubuserForm};
use super::grants::window_summary;
use crate::api::{self, SubuserAction};
use crate::app::Route;
use crate::components::credentials::EmptyState;
use crate::components::{banner_message, message_html};
use crate::format::format_timestamp_in;
use crate::hooks::use_i18n;
use crate::hooks::{use_form_call, use_removal};
use crate::i18n::Texts;

/// Props of [`SubuserList`].
#[derive(Properties, PartialEq)]
pub struct SubuserListProps {
    pub subusers: Rc<Vec<SubuserDto>>,
    /// The sender names and contact groups the edit form offers.
    pub choices: Rc<GrantChoices>,
    /// Called with a subuser the API changed.
    pub on_changed: Callback<SubuserDto>,
    /// Called after an action whose answer is not the subuser: the list is read again.
    pub on_stale: Callback<()>,
    /// Called with the id of a subuser that is gone.
    pub on_removed: Callback<String>,
}

/// Every subuser, or a word on what subusers are for when there are none.
#[component]
pub fn SubuserList(props: &SubuserListProps) -> Html {
    let texts = use_i18n();
    if props.subusers.is_empty() {
        return html! {
            <EmptyState id="subusers-empty" title={texts.t("subusers-no-subusers-yet")}>
                { texts.t("subusers-give-each-employee-branch") }
            </EmptyState>
        };
    }
    html! {
        <ul class="token-list subuser-list" id="subuser-list">
            for subuser in props.subusers.iter() {
                <SubuserRow key={subuser.id.clone()} subuser={subuser.clone()}
                    choices={props.choices.clone()}
                    on_changed={props.on_changed.clone()} on_stale={props.on_stale.clone()}
                    on_removed={props.on_removed.clone()} />
            }
        </ul>
    }
}

/// Which of the row's panels is open.
#[derive(Clone, Copy, PartialEq)]
enum Panel {
    None,
    Edit,
    ConfirmDelete,
}

/// Props of [`SubuserRow`].
#[derive(Properties, PartialEq)]
pub struct SubuserRowProps {
    pub subuser: SubuserDto,
    pub choices: Rc<GrantChoices>,
    pub on_changed: Callback<SubuserDto>,
    pub on_stale: Callback<()>,
    pub on_removed: Callback<String>,
}

/// One subuser: e-mail, status, points, last sign-in, two-factor and grants, with the
/// ways to edit, disable or re-enable, invite again and delete.
#[component]
pub fn SubuserRow(props: &SubuserRowProps) -> Html {
    let texts = use_i18n();
    let subuser = &props.subuser;
    let call = use_form_call();
    let panel = use_state(|| Panel::None);
    let invited = use_state(|| false);
    let removal = use_removal(
        &subuser.id,
        |csrf, id| async move { api::delete_subuser(&csrf, &id).await },
        props.on_removed.clone(),
    );

    let act = |action: SubuserAction| {
        let (call, invited, on_stale) = (call.clone(), invited.clone(), props.on_stale.clone());
        let id = subuser.id.clone();
        Callback::from(move |_: MouseEvent| {
            let (csrf, id) = (call.csrf_token(), id.clone());
            let (invited, on_stale) = (invited.clone(), on_stale.clone());
            call.run(
                async move { api::subuser_action(&csrf, &id, action).await },
                move |()| {
                    invited.set(action == SubuserAction::ResendInvitation);
                    on_stale.emit(());
                },
            );
        })
    };
    let open = |next: Panel| {
        let (panel, call) = (panel.clone(), call.clone());
        Callback::from(move |_: MouseEvent| {
            call.problem.set(None);
            panel.set(next);
        })
    };
    let on_saved = {
        let (panel, on_changed) = (panel.clone(), props.on_changed.clone());
        Callback::from(move |saved: SubuserDto| {
            panel.set(Panel::None);
            on_changed.emit(saved);
        })
    };
    let on_cancel = {
        let panel = panel.clone();
        Callback::from(move |()| panel.set(Panel::None))
    };

    let busy = call.busy() || removal.busy;
    let switch = match subuser.status {
        SubuserStatus::Disabled => html! {
            <button type="button" class="button button--secondary button--small subuser-enable"
                disabled={busy} onclick={act(SubuserAction::Enable)}>{ texts.t("subusers-enable") }</button>
        },
        SubuserStatus::Active | SubuserStatus::Invited => html! {
            <button type="button" class="button button--secondary button--small subuser-disable"
                disabled={busy} onclick={act(SubuserAction::Disable)}>{ texts.t("subusers-disable") }</button>
        },
    };
    let grants = &subuser.grants;
    let used = ("used", subuser.points_used_this_month.into());
    let limit = match grants.monthly_points_limit {
        Some(limit) => texts.t_args("subusers-points-of", &[used, ("limit", limit.into())]),
        None => texts.t_args("subusers-points-unlimited", &[used]),
    };
    let row_error = call
        .problem
        .get()
        .filter(|_| *panel != Panel::Edit)
        .and_then(|p| banner_message(p, &[]))
        .or(removal.error.clone())
        .map(|message| html! { <p class="row-error" role="alert">{ message_html(&message) }</p> });

    let panel_html = match *panel {
        Panel::None => Html::default(),
        Panel::Edit => html! {
            <div class="token-panel subuser-edit">
                <SubuserForm existing={subuser.clone()} choices={props.choices.clone()}
                    {on_saved} on_cancel={Some(on_cancel)} />
            </div>
        },
        Panel::ConfirmDelete => html! {
            <div class="token-panel token-panel--danger" role="group" aria-label={texts.t("subusers-confirm-deletion")}>
                <p>
                    <strong>{ texts.t_args("subusers-delete-question", &[("email", subuser.email.as_str().into())]) }</strong>
                    { " " }{ texts.t("subusers-their-sessions-end-their") }
                </p>
                <div class="panel-actions">
                    <button type="button" class="button button--danger button--small subuser-delete-confirm"
                        disabled={busy} onclick={removal.start.clone()}>
                        { if removal.busy { texts.t("subusers-deleting") } else { texts.t("subusers-delete-subuser") } }
                    </button>
                    <button type="button" class="button button--secondary button--small subuser-delete-cancel"
                        disabled={busy} onclick={open(Panel::None)}>{ texts.t("subusers-cancel") }</button>
                </div>
            </div>
        },
    };

    html! {
        <li class="token subuser" data-subuser-id={subuser.id.clone()}>
            <div class="token-head">
                <div class="token-title">
                    <span class="token-name subuser-email">{ subuser.email.clone() }</span>
                    <StatusBadge status={subuser.status} />
                </div>
                <div class="token-actions">
                    <button type="button" class="button button--secondary button--small subuser-edit"
                        disabled={busy || *panel == Panel::Edit} onclick={open(Panel::Edit)}>
                        { texts.t("subusers-edit") }
                    </button>
                    { switch }
                    if subuser.status == SubuserStatus::Invited {
                        <button type="button" class="button button--secondary button--small subuser-invite"
                            disabled={busy} onclick={act(SubuserAction::ResendInvitation)}>
                            { if *invited { texts.t("subusers-invitation-sent") } else { texts.t("subusers-resend-invitation") } }
                        </button>
                    }
                    <Link<Route> to={Route::SubuserSecurityLog { id: subuser.id.clone() }}
                        classes="button button--secondary button--small subuser-log">
                        { texts.t("subusers-security-log") }
                    </Link<Route>>
                    <button type="button" class="button button--ghost-danger button--small subuser-delete"
                        disabled={busy || *panel == Panel::ConfirmDelete}
                        onclick={open(Panel::ConfirmDelete)}>
                        { texts.t("subusers-delete") }
                    </button>
                </div>
            </div>
            <ul class="chips token-scopes" aria-label={texts.t("subusers-portal-permissions")}>
                for permission in grants.portal.iter() {
                    <li class="chip" title={permission.description()}>{ portal_label(*permission, texts) }</li>
                }
                if grants.portal.is_empty() {
                    <li class="chip chip--mono">{ texts.t("subusers-no-portal-permissions") }</li>
                }
            </ul>
            <dl class="token-meta">
                <div>
                    <dt>{ texts.t("subusers-points-month") }</dt>
                    <dd class="subuser-points">{ limit }</dd>
                </div>
                <div>
                    <dt>{ texts.t("subusers-last-sign") }</dt>
                    <dd class="subuser-last-login">
                        { match &subuser.last_login_at {
                            Some(at) => html! { format_timestamp_in(at, texts) },
                            None => html! { <span class="muted">{ texts.t("subusers-never") }</span> },
                        } }
                    </dd>
                </div>
                <div>
                    <dt>{ texts.t("subusers-two-factor") }</dt>
                    <dd class="subuser-two-factor">
                        { if subuser.two_factor_enabled { texts.t("subusers-on") } else { texts.t("subusers-off") } }
                    </dd>
                </div>
                <div>
                    <dt>{ texts.t("subusers-sending-hours") }</dt>
                    <dd class="subuser-window">
                        { match &grants.sending_window {
                            Some(window) => html! { window_summary(window, texts) },
                            None => html! { <span class="muted">{ texts.t("subusers-any-time") }</span> },
                        } }
                    </dd>
                </div>
                <div class="token-meta-wide">
                    <dt>{ texts.t("subusers-sender-names") }</dt>
                    <dd class="subuser-senders">
                        if grants.senders.is_empty() {
                            <span class="muted">{ texts.t("subusers-gateway-default-only") }</span>
                        } else {
                            <ul class="chips chips--plain">
                                for sender in grants.senders.iter() {
                                    <li class="chip chip--mono">{ sender.clone() }</li>
                                }
                            </ul>
                        }
                    </dd>
                </div>
            </dl>
            { panel_html }
            { row_error.unwrap_or_default() }
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct StatusBadgeProps {
    status: SubuserStatus,
}

/// Invited, active or disabled, as a coloured badge.
#[component]
fn StatusBadge(props: &StatusBadgeProps) -> Html {
    let texts = use_i18n();
    let (text, modifier) = status_label(props.status, texts);
    html! { <span class={classes!("badge", "subuser-status", modifier)}>{ text }</span> }
}

/// The badge's text and class for a status.
pub fn status_label(status: SubuserStatus, texts: Texts) -> (String, &'static str) {
    match status {
        SubuserStatus::Active => (texts.t("subusers-status-active"), "badge--ok"),
        SubuserStatus::Invited => (texts.t("subusers-status-invited"), "badge--new"),
        SubuserStatus::Disabled => (texts.t("subusers-status-disabled"), "badge--open"),
    }
}
