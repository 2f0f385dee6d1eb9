//! The sessions page: the inactivity timeout, the account's live sessions (end one, the
//! others, or all), and its login history.

mod login_history;
mod session_table;
mod sign_out_actions;
mod timeout_form;

pub use login_history::{outcome_label, LoginHistory, LoginHistoryTable, LoginHistoryTableProps};
pub use session_table::{SessionTable, SessionTableProps};
pub use sign_out_actions::{SignOutActions, SignOutActionsProps};
pub use timeout_form::SessionTimeoutForm;

use yew::prelude::*;

use crate::api;
use crate::components::{banner_message, FormBanner, SecurityTabs};
use crate::hooks::use_i18n;
use crate::hooks::{use_collection, use_toasts};

/// The account's sessions and sign-ins. Rendered only behind `RequireSession`.
#[component]
pub fn SessionsPage() -> Html {
    let texts = use_i18n();
    let sessions = use_collection(api::list_sessions);
    let toasts = use_toasts();
    let collection = sessions.get();
    let load_error = collection
        .problem
        .as_ref()
        .and_then(|p| banner_message(p, &[]))
        .map(|message| {
            AttrValue::from(texts.t_args("sessions-load-failed", &[("reason", message.into())]))
        });
    let others = collection
        .items
        .as_ref()
        .map_or(0, |items| items.iter().filter(|s| !s.current).count());
    let body = match &collection.items {
        Some(items) => html! {
            <SessionTable sessions={items.clone()} on_removed={toasts.after(sessions.remove_callback(), move |_| texts.t("sessions-logged-out-toast"))} />
        },
        None if collection.problem.is_none() => html! {
            <p class="loading muted" aria-busy="true">{ texts.t("sessions-loading-sessions") }</p>
        },
        None => Html::default(),
    };

    html! {
        <section class="sessions" data-testid="sessions">
            <div class="page-head">
                <div>
                    <p class="eyebrow">{ texts.t("sessions-security") }</p>
                    <h1>{ texts.t("sessions-sessions") }</h1>
                    <p class="muted lead">
                        { texts.t("sessions-where-account-signed-portal") }
                    </p>
                </div>
            </div>
            <SecurityTabs />
            <div class="card">
                <h2>{ texts.t("sessions-inactivity-timeout") }</h2>
                <SessionTimeoutForm />
            </div>
            <div class="card card--flush">
                <div class="card-head">
                    <h2>{ texts.t("sessions-active-sessions") }</h2>
                    <SignOutActions {others} on_done={sessions.reload_callback()} />
                </div>
                <FormBanner message={load_error} />
                { body }
            </div>
            <div class="card">
                <h2>{ texts.t("sessions-login-history") }</h2>
                <LoginHistory />
            </div>
        </section>
    }
}
