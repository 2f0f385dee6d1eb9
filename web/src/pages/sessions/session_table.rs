//! The account's live sessions, each with a way to end it.

use std::rc::Rc;

use portcullis_shared::dto::SessionDto;
use yew::prelude::*;

use crate::api;
use crate::components::message_html;
use crate::format::format_timestamp_in;
use crate::hooks::use_i18n;
use crate::hooks::use_removal;

/// Props of [`SessionTable`].
#[derive(Properties, PartialEq)]
pub struct SessionTableProps {
    /// The sessions, the current one first.
    pub sessions: Rc<Vec<SessionDto>>,
    /// Called with the id of a session that ended.
    pub on_removed: Callback<String>,
}

/// The sessions as a table: device, address, signed in, last active, and a Remove button
/// (the current one is marked instead).
#[component]
pub fn SessionTable(props: &SessionTableProps) -> Html {
    let texts = use_i18n();
    html! {
        <div class="table-scroll" tabindex="0" role="region" aria-label={texts.t("sessions-sessions")}>
        <table class="table table--stack" id="sessions-table">
            <thead>
                <tr>
                    <th scope="col">{ texts.t("sessions-device") }</th>
                    <th scope="col">{ texts.t("sessions-address") }</th>
                    <th scope="col">{ texts.t("sessions-signed") }</th>
                    <th scope="col">{ texts.t("sessions-last-active") }</th>
                    <th scope="col"><span class="visually-hidden">{ texts.t("sessions-actions") }</span></th>
                </tr>
            </thead>
            <tbody>
                for session in props.sessions.iter() {
                    <SessionRow key={session.id.clone()} session={session.clone()}
                        on_removed={props.on_removed.clone()} />
                }
            </tbody>
        </table>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct SessionRowProps {
    session: SessionDto,
    on_removed: Callback<String>,
}

#[component]
fn SessionRow(props: &SessionRowProps) -> Html {
    let texts = use_i18n();
    let session = &props.session;
    let removal = use_removal(
        &session.id,
        |csrf, id| async move { api::revoke_session(&csrf, &id).await },
        props.on_removed.clone(),
    );

    html! {
        <tr data-session-id={session.id.clone()} class={classes!(session.current.then_some("session--current"))}>
            <td data-label={texts.t("sessions-device")}>
                <span class="session-device" title={session.user_agent.clone()}>{ session.device.clone() }</span>
                if session.current {
                    { " " }<span class="badge badge--new session-current">{ texts.t("sessions-session") }</span>
                }
            </td>
            <td data-label={texts.t("sessions-address")}><code class="session-ip">{ session.ip.clone() }</code></td>
            <td data-label={texts.t("sessions-signed")}>{ format_timestamp_in(&session.created_at, texts) }</td>
            <td data-label={texts.t("sessions-last-active")}>{ if session.current { texts.t("sessions-now") } else { format_timestamp_in(&session.last_seen_at, texts) } }</td>
            <td class="row-actions">
                if !session.current {
                    <button type="button" class="button button--ghost-danger button--small session-remove"
                        aria-label={texts.t_args("sessions-log-out-one", &[
                            ("device", session.device.as_str().into()),
                            ("address", session.ip.as_str().into()),
                        ])}
                        disabled={removal.busy} onclick={removal.start}>
                        { if removal.busy { texts.t("sessions-logging-out") } else { texts.t("sessions-log-out") } }
                    </button>
                }
                if let Some(error) = removal.error {
                    <p class="row-error" role="alert">{ message_html(&error) }</p>
                }
            </td>
        </tr>
    }
}
