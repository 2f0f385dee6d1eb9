//! Country filtering ("geo permissions"): the destination countries the account's messages
//! may go to. Messages elsewhere are refused before anything is charged.

mod country_list;
mod selection;

pub use country_list::{CountryList, CountryListProps};
pub use selection::{
    countries_message, countries_summary, country_name, matches_search, visible_countries,
};

use std::collections::BTreeSet;

use portcullis_shared::dto::CountryFilterDto;
use portcullis_shared::problem::Problem;
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::components::{banner_message, ConfirmPanel};
use crate::hooks::{use_session, use_session_calls, use_unsaved_guard};

/// Where the page stands with the API.
#[derive(Clone, PartialEq)]
enum Status {
    Loading,
    Ready,
    Saving,
    Saved,
}

/// The country filter: a searchable list of every country with check boxes, a summary of
/// those allowed and a Save button. Rendered only behind `RequireSession`.
#[component]
pub fn CountryFilterPage() -> Html {
    let session = use_session();
    let calls = use_session_calls();
    let saved = use_state(|| None::<BTreeSet<String>>);
    let selected = use_state(BTreeSet::<String>::new);
    let query = use_state(String::new);
    let status = use_state(|| Status::Loading);
    let problem = use_state(|| None::<Problem>);

    {
        let (calls, saved, selected, status, problem) = (
            calls.clone(),
            saved.clone(),
            selected.clone(),
            status.clone(),
            problem.clone(),
        );
        use_effect_with((), move |_| {
            spawn_local(async move {
                match api::get_country_filter().await {
                    Ok(filter) => {
                        let codes: BTreeSet<String> = filter.countries.into_iter().collect();
                        selected.set(codes.clone());
                        saved.set(Some(codes));
                        status.set(Status::Ready);
                    }
                    Err(error) => problem.set(Some(calls.problem(error))),
                }
            });
        });
    }

    let on_toggle = {
        let (selected, status, problem) = (selected.clone(), status.clone(), problem.clone());
        Callback::from(move |(code, checked): (String, bool)| {
            let mut chosen = (*selected).clone();
            if checked {
                chosen.insert(code);
            } else {
                chosen.remove(&code);
            }
            selected.set(chosen);
            problem.set(None);
            if *status == Status::Saved {
                status.set(Status::Ready);
            }
        })
    };
    let on_search = {
        let query = query.clone();
        Callback::from(move |event: InputEvent| {
            query.set(event.target_unchecked_into::<HtmlInputElement>().value());
        })
    };
    let onsubmit = {
        let (calls, saved, selected, status, problem) = (
            calls.clone(),
            saved.clone(),
            selected.clone(),
            status.clone(),
            problem.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if matches!(*status, Status::Saving | Status::Loading) {
                return;
            }
            status.set(Status::Saving);
            problem.set(None);
            let request = CountryFilterDto {
                countries: selected.iter().cloned().collect(),
            };
            let (calls, saved, selected, status, problem) = (
                calls.clone(),
                saved.clone(),
                selected.clone(),
                status.clone(),
                problem.clone(),
            );
            spawn_local(async move {
                match api::set_country_filter(calls.csrf_token(), &request).await {
                    Ok(filter) => {
                        let codes: BTreeSet<String> = filter.countries.into_iter().collect();
                        selected.set(codes.clone());
                        saved.set(Some(codes));
                        status.set(Status::Saved);
                    }
                    Err(error) => {
                        problem.set(Some(calls.problem(error)));
                        status.set(Status::Ready);
                    }
                }
            });
        })
    };

    let own_country = session
        .me()
        .map(|me| country_name(&me.account.country))
        .unwrap_or_else(|| "its own country".to_owned());
    let dirty = saved.as_ref().is_some_and(|saved| *saved != *selected);
    let guard = use_unsaved_guard(dirty);
    let sent: Vec<String> = selected.iter().cloned().collect();
    let error = (*problem)
        .as_ref()
        .and_then(|p| countries_message(p, &sent).or_else(|| banner_message(p, &["countries[]"])));
    let loading = *status == Status::Loading;
    let status_badge = match (&*status, dirty) {
        (Status::Loading, _) => Html::default(),
        (Status::Saving, _) => {
            html! { <span class="badge" id="countries-status">{ "Saving…" }</span> }
        }
        (_, true) => {
            html! { <span class="badge badge--open" id="countries-status">{ "Unsaved changes" }</span> }
        }
        (Status::Saved, false) => {
            html! { <span class="badge token-state--active" id="countries-status">{ "Saved" }</span> }
        }
        (Status::Ready, false) => Html::default(),
    };

    html! {
        <section class="country-filter" data-testid="country-filter">
            <div class="page-head">
                <div>
                    <p class="eyebrow">{ "Account security" }</p>
                    <h1>{ "Destination countries" }</h1>
                    <p class="muted lead">
                        { "Messages go only to the countries ticked here. A message to any other \
                           country is refused before anything is charged, so a leaked token or a \
                           compromised integration can't run up a bill sending SMS abroad. A new \
                           account allows only its own country — for you, " }
                        <strong>{ own_country }</strong>{ "." }
                    </p>
                </div>
            </div>
            if guard.leaving.is_some() {
                <ConfirmPanel id="countries-leave-panel" title="Leave without saving?"
                    detail="Your changes to the allowed countries are not saved: leaving this page \
                        drops them, and messages keep going only to the countries saved before."
                    confirm_text="Leave without saving" cancel_text="Stay on this page"
                    on_confirm={guard.leave} on_cancel={guard.stay} />
            }
            <form class="card country-card" onsubmit={onsubmit} novalidate=true
                aria-labelledby="countries-title">
                <div class="country-card-head">
                    <h2 id="countries-title">{ "Allowed countries" }</h2>
                    { status_badge }
                </div>
                <p class="countries-summary" id="countries-summary" aria-live="polite">
                    if loading {
                        <span class="muted">{ "Loading your countries…" }</span>
                    } else {
                        { countries_summary(&selected) }
                    }
                </p>
                if let Some(message) = error {
                    <div class="banner banner--error" id="countries-error" role="alert">{ message }</div>
                }
                if dirty && *status != Status::Saving {
                    <div class="banner banner--warning" id="countries-unsaved" role="status">
                        { "You have unsaved changes. Save countries to apply them; leaving this \
                           page drops them." }
                    </div>
                }
                <div class="field country-search">
                    <label for="country-search">{ "Find a country" }</label>
                    <input id="country-search" type="search" autocomplete="off"
                        placeholder="Name or code, e.g. Germany or DE"
                        value={(*query).clone()} oninput={on_search} />
                </div>
                <CountryList selected={(*selected).clone()} query={AttrValue::from((*query).clone())}
                    disabled={loading} {on_toggle} />
                <div class="form-actions country-actions">
                    <button id="save-countries" type="submit" class="button"
                        disabled={loading || *status == Status::Saving}>
                        { if *status == Status::Saving { "Saving…" } else { "Save countries" } }
                    </button>
                    <span class="muted">
                        { "Changes apply to the next message sent, through the portal or the API." }
                    </span>
                </div>
            </form>
        </section>
    }
}
