//! Country filtering ("geo permissions"): the destination countries the account's messages
//! may go to. Messages elsewhere are refused before anything is charged.

mod country_list;
mod selection;

pub use country_list::{CountryList, CountryListProps};
pub use selection::{
    countries_in, countries_message, countries_summary, country_name, country_name_in,
    matches_search, visible_countries,
};

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use portcullis_shared::dto::CountryFilterDto;
use portcullis_shared::problem::Problem;
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::components::{
    banner_message, browser_expiry_instant, ConfirmPanel, ExpiryFields, SelectField,
};
use crate::hooks::use_i18n;
use crate::hooks::{use_session, use_session_calls, use_text_input, use_toasts, use_unsaved_guard};

/// Countries allowed only for a while: code → when it ends (RFC 3339).
type Expiries = BTreeMap<String, String>;

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
    let texts = use_i18n();
    let session = use_session();
    let calls = use_session_calls();
    let toasts = use_toasts();
    let saved = use_state(|| None::<(BTreeSet<String>, Expiries)>);
    let selected = use_state(BTreeSet::<String>::new);
    let expiries = use_state(Expiries::new);
    let query = use_state(String::new);
    let status = use_state(|| Status::Loading);
    let problem = use_state(|| None::<Problem>);

    // Shows a filter as the API answered it, and remembers it as saved.
    let show = {
        let (saved, selected, expiries) = (saved.clone(), selected.clone(), expiries.clone());
        Callback::from(move |filter: CountryFilterDto| {
            let codes: BTreeSet<String> = filter.countries.into_iter().collect();
            selected.set(codes.clone());
            expiries.set(filter.expires_at.clone());
            saved.set(Some((codes, filter.expires_at)));
        })
    };
    {
        let (calls, show, status, problem) =
            (calls.clone(), show.clone(), status.clone(), problem.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                match api::get_country_filter().await {
                    Ok(filter) => {
                        show.emit(filter);
                        status.set(Status::Ready);
                    }
                    Err(error) => problem.set(Some(calls.problem(error))),
                }
            });
        });
    }

    let on_toggle = {
        let (selected, expiries) = (selected.clone(), expiries.clone());
        let (status, problem) = (status.clone(), problem.clone());
        Callback::from(move |(code, checked): (String, bool)| {
            let mut chosen = (*selected).clone();
            // A tick or untick by hand makes the country permanent, or removes it.
            let mut ending = (*expiries).clone();
            ending.remove(&code);
            if checked {
                chosen.insert(code);
            } else {
                chosen.remove(&code);
            }
            expiries.set(ending);
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
        let (calls, show, selected, expiries) = (
            calls.clone(),
            show.clone(),
            selected.clone(),
            expiries.clone(),
        );
        let (status, problem) = (status.clone(), problem.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if matches!(*status, Status::Saving | Status::Loading) {
                return;
            }
            status.set(Status::Saving);
            problem.set(None);
            let request = CountryFilterDto {
                countries: selected.iter().cloned().collect(),
                expires_at: expiries
                    .iter()
                    .filter(|(code, _)| selected.contains(*code))
                    .map(|(code, at)| (code.clone(), at.clone()))
                    .collect(),
            };
            let (calls, show, status, problem) =
                (calls.clone(), show.clone(), status.clone(), problem.clone());
            let toasts = toasts.clone();
            spawn_local(async move {
                match api::set_country_filter(calls.csrf_token(), &request).await {
                    Ok(filter) => {
                        toasts.show(texts.t_args(
                            "countries-saved-toast",
                            &[("count", filter.countries.len().into())],
                        ));
                        show.emit(filter);
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
        .unwrap_or_else(|| texts.t("countries-its-own-country"));
    let dirty = saved
        .as_ref()
        .is_some_and(|(codes, ending)| *codes != *selected || *ending != *expiries);
    let on_allow_for_a_while = {
        let (selected, expiries) = (selected.clone(), expiries.clone());
        let (status, problem) = (status.clone(), problem.clone());
        Callback::from(move |(code, until): (String, String)| {
            let mut chosen = (*selected).clone();
            chosen.insert(code.clone());
            let mut ending = (*expiries).clone();
            ending.insert(code, until);
            selected.set(chosen);
            expiries.set(ending);
            problem.set(None);
            if *status == Status::Saved {
                status.set(Status::Ready);
            }
        })
    };
    let guard = use_unsaved_guard(dirty);
    let sent: Vec<String> = selected.iter().cloned().collect();
    let error = (*problem)
        .as_ref()
        .and_then(|p| countries_message(p, &sent).or_else(|| banner_message(p, &["countries[]"])));
    let temporary = Rc::new((*expiries).clone());
    let loading = *status == Status::Loading;
    let status_badge = match (&*status, dirty) {
        (Status::Loading, _) => Html::default(),
        (Status::Saving, _) => {
            html! { <span class="badge" id="countries-status">{ texts.t("countries-saving") }</span> }
        }
        (_, true) => {
            html! { <span class="badge badge--open" id="countries-status">{ texts.t("countries-unsaved-changes") }</span> }
        }
        (Status::Saved, false) => {
            html! { <span class="badge token-state--active" id="countries-status">{ texts.t("countries-saved") }</span> }
        }
        (Status::Ready, false) => Html::default(),
    };

    html! {
        <section class="country-filter" data-testid="country-filter">
            <div class="page-head">
                <div>
                    <p class="eyebrow">{ texts.t("countries-account-security") }</p>
                    <h1>{ texts.t("countries-destination-countries") }</h1>
                    <p class="muted lead">
                        { texts.t("countries-messages-go-only-countries") }{ " " }
                        <strong>{ own_country }</strong>{ "." }
                    </p>
                </div>
            </div>
            if guard.leaving.is_some() {
                <ConfirmPanel id="countries-leave-panel" title={texts.t("countries-leave-without-saving")}
                    detail={texts.t("countries-changes-allowed-countries-not")}
                    confirm_text={texts.t("countries-leave-without-saving-2")} cancel_text={texts.t("countries-stay-on-page")}
                    on_confirm={guard.leave} on_cancel={guard.stay} />
            }
            <form class="card country-card" onsubmit={onsubmit} novalidate=true
                aria-labelledby="countries-title">
                <div class="country-card-head">
                    <h2 id="countries-title">{ texts.t("countries-allowed-countries") }</h2>
                    { status_badge }
                </div>
                <p class="countries-summary" id="countries-summary" aria-live="polite">
                    if loading {
                        <span class="muted">{ texts.t("countries-loading-countries") }</span>
                    } else {
                        { countries_summary(&selected, texts) }
                    }
                </p>
                if let Some(message) = error {
                    <div class="banner banner--error" id="countries-error" role="alert">{ message }</div>
                }
                if dirty && *status != Status::Saving {
                    <div class="banner banner--warning" id="countries-unsaved" role="status">
                        { texts.t("countries-you-have-unsaved-changes") }
                    </div>
                }
                <div class="field country-search">
                    <label for="country-search">{ texts.t("countries-find-country") }</label>
                    <input id="country-search" type="search" autocomplete="off"
                        placeholder={texts.t("countries-name-code-e-g")}
                        value={(*query).clone()} oninput={on_search} />
                </div>
                <CountryList selected={(*selected).clone()} query={AttrValue::from((*query).clone())}
                    expiries={temporary} disabled={loading} {on_toggle} />
                <AllowForAWhile disabled={loading} on_allow={on_allow_for_a_while} />
                <div class="form-actions country-actions">
                    <button id="save-countries" type="submit" class="button"
                        disabled={loading || *status == Status::Saving}>
                        { if *status == Status::Saving { texts.t("countries-saving") } else { texts.t("countries-save-countries") } }
                    </button>
                    <span class="muted">
                        { texts.t("countries-changes-apply-next-message") }
                    </span>
                </div>
            </form>
        </section>
    }
}

/// Props of [`AllowForAWhile`].
#[derive(Properties, PartialEq)]
struct AllowForAWhileProps {
    disabled: bool,
    /// Called with a country code and when its exception ends (RFC 3339).
    on_allow: Callback<(String, String)>,
}

/// "Allow a country for a while": a country, how long, and a button that ticks it with that
/// end (saved with the rest by Save countries). For a trip or a one-off campaign abroad.
#[function_component]
fn AllowForAWhile(props: &AllowForAWhileProps) -> Html {
    let country = use_text_input("");
    let expiry = use_text_input("86400");
    let expiry_at = use_text_input("");
    let error = use_state(|| None::<AttrValue>);
    let texts = use_i18n();
    let options = use_memo(texts, |texts| {
        let mut options = countries_in(*texts)
            .iter()
            .map(|(code, name)| {
                (
                    AttrValue::from(*code),
                    AttrValue::from(format!("{name} ({code})")),
                )
            })
            .collect::<Vec<_>>();
        options.push((
            AttrValue::Static(""),
            texts.t("countries-choose-country").into(),
        ));
        Rc::new(options)
    });
    let onclick = {
        let (country, expiry, expiry_at, error) = (
            country.clone(),
            expiry.clone(),
            expiry_at.clone(),
            error.clone(),
        );
        let on_allow = props.on_allow.clone();
        Callback::from(move |_: MouseEvent| {
            if country.value.is_empty() {
                error.set(Some(texts.t("countries-country-required").into()));
                return;
            }
            match browser_expiry_instant(&expiry.value, &expiry_at.value, "expires_at") {
                Ok(Some(until)) => {
                    error.set(None);
                    on_allow.emit((country.value.clone(), until));
                }
                Ok(None) => error.set(Some(texts.t("countries-how-long-required").into())),
                Err(problem) => error.set(Some(problem.message.into())),
            }
        })
    };
    html! {
        <fieldset class="country-temporary" id="country-temporary">
            <legend>{ texts.t("countries-allow-country-while") }</legend>
            <p class="muted">
                { texts.t("countries-trip-one-off-campaign") }
            </p>
            <div class="form-inline">
                <SelectField id="country-temporary-code" label={texts.t("countries-country")}
                    dynamic_options={(*options).clone()} value={country.value.clone()}
                    on_change={country.set.clone()} disabled={props.disabled} />
                <ExpiryFields id_prefix="country-temporary" label={texts.t("countries-for")} choice={expiry}
                    custom={expiry_at} error={(*error).clone()} />
                <div class="form-inline-action">
                    <button type="button" id="country-temporary-add"
                        class="button button--secondary" disabled={props.disabled} {onclick}>
                        { texts.t("countries-allow-while") }
                    </button>
                </div>
            </div>
        </fieldset>
    }
}
