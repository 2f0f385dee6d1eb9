//! The networks a credential was used from (first and last use, calls) and its
//! "refuse calls from new networks" checkbox.

use portcullis_shared::dto::CredentialNetworksDto;
use portcullis_shared::problem::Problem;
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::RowIdAttribute;
use crate::api::{self, NetworksOf};
use crate::components::{banner_message, message_html};
use crate::format::format_timestamp;
use crate::hooks::use_i18n;
use crate::hooks::use_session_calls;

/// Props of [`CredentialNetworks`].
#[derive(Properties, PartialEq)]
pub struct CredentialNetworksProps {
    /// A token's or a client's.
    pub of: RowIdAttribute,
    pub id: AttrValue,
}

/// The credential's networks and its pin, read when shown.
#[component]
pub fn CredentialNetworks(props: &CredentialNetworksProps) -> Html {
    let texts = use_i18n();
    let calls = use_session_calls();
    let list = use_state(|| None::<CredentialNetworksDto>);
    let problem = use_state(|| None::<Problem>);
    let busy = use_state(|| false);
    let of = match props.of {
        RowIdAttribute::Token => NetworksOf::Token,
        RowIdAttribute::Client => NetworksOf::Client,
    };
    {
        let (calls, list, problem) = (calls.clone(), list.clone(), problem.clone());
        use_effect_with(props.id.clone(), move |id| {
            let id = id.to_string();
            spawn_local(async move {
                match api::credential_networks(of, &id).await {
                    Ok(read) => list.set(Some(read)),
                    Err(error) => problem.set(Some(calls.problem(error))),
                }
            });
        });
    }
    let on_pin = {
        let (calls, list, problem, busy) =
            (calls.clone(), list.clone(), problem.clone(), busy.clone());
        let id = props.id.to_string();
        Callback::from(move |event: Event| {
            let pinned = event.target_unchecked_into::<HtmlInputElement>().checked();
            if *busy {
                return;
            }
            busy.set(true);
            problem.set(None);
            let (calls, list, problem, busy, id) = (
                calls.clone(),
                list.clone(),
                problem.clone(),
                busy.clone(),
                id.clone(),
            );
            spawn_local(async move {
                match api::pin_credential_networks(calls.csrf_token(), of, &id, pinned).await {
                    Ok(read) => list.set(Some(read)),
                    Err(error) => problem.set(Some(calls.problem(error))),
                }
                busy.set(false);
            });
        })
    };
    let pinned = list.as_ref().is_some_and(|l| l.pinned);
    let box_id = format!("networks-pin-{}", props.id);
    let error = (*problem)
        .as_ref()
        .and_then(|p| banner_message(p, &[]))
        .map(|message| html! { <p class="row-error" role="alert">{ message_html(&message) }</p> });
    html! {
        <div class="credential-networks">
            <label class="checkbox" for={box_id.clone()}>
                <input type="checkbox" id={box_id} class="networks-pin" checked={pinned}
                    disabled={*busy || list.is_none()} onchange={on_pin} />
                { " " }{ texts.t("credentials-refuse-calls-new-networks") }
            </label>
            <p class="muted hint">
                { texts.t("credentials-pinned-calls-network-24") }
            </p>
            { match &*list {
                None => html! { <span class="muted">{ texts.t("credentials-loading-networks") }</span> },
                Some(read) if read.networks.is_empty() => html! {
                    <span class="muted networks-empty">{ texts.t("credentials-not-used-yet") }</span>
                },
                Some(read) => html! {
                    <div class="table-scroll" tabindex="0" role="region" aria-label={texts.t("credentials-networks-used")}>
                    <table class="table table--stack networks">
                        <thead>
                            <tr>
                                <th>{ texts.t("credentials-network") }</th>
                                <th>{ texts.t("credentials-first-used") }</th>
                                <th>{ texts.t("credentials-last-used") }</th>
                                <th>{ texts.t("credentials-calls") }</th>
                            </tr>
                        </thead>
                        <tbody>
                            for network in read.networks.iter() {
                                <tr class="network" data-network={network.network.clone()}>
                                    <td data-label={texts.t("credentials-network")}><code>{ network.network.clone() }</code></td>
                                    <td data-label={texts.t("credentials-first-used")}>{ format_timestamp(&network.first_used_at) }</td>
                                    <td data-label={texts.t("credentials-last-used")}>{ format_timestamp(&network.last_used_at) }</td>
                                    <td data-label={texts.t("credentials-calls")}>{ network.calls }</td>
                                </tr>
                            }
                        </tbody>
                    </table>
                    </div>
                },
            } }
            { error.unwrap_or_default() }
        </div>
    }
}
