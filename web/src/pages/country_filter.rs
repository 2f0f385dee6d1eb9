//! Country filtering ("geo permissions"): the destination countries the account's messages
//! may go to. Messages elsewhere are refused before anything is charged.

use std::collections::BTreeSet;

use portcullis_shared::dto::CountryFilterDto;
use portcullis_shared::problem::Problem;
use portcullis_shared::validate;
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::components::{banner_message, list_entry};
use crate::hooks::{use_session, use_session_calls};

/// The request field holding the list.
const COUNTRIES_FIELD: &str = "countries";

/// How many names the summary spells out before "and N more".
const SUMMARY_NAMES: usize = 4;

/// Whether a country matches what was typed in the search box: its name contains it, or
/// (for one or two letters) its code starts with it. Case does not matter; an empty search
/// matches everything.
pub fn matches_search(code: &str, name: &str, query: &str) -> bool {
    let query = query.trim().to_lowercase();
    if query.is_empty() {
        return true;
    }
    name.to_lowercase().contains(&query)
        || (query.chars().count() <= 2 && code.to_lowercase().starts_with(&query))
}

/// The countries to list for a search: the allowed ones first, then the rest, each group in
/// the order of `all` (by name).
pub fn visible_countries(
    all: &[(&'static str, &'static str)],
    selected: &BTreeSet<String>,
    query: &str,
) -> Vec<(&'static str, &'static str)> {
    let matching = all
        .iter()
        .filter(|(code, name)| matches_search(code, name, query));
    let (mut first, rest): (Vec<_>, Vec<_>) =
        matching.partition(|(code, _)| selected.contains(*code));
    first.extend(rest);
    first.into_iter().copied().collect()
}

/// The name of the country with `code`, or the code itself if it is not known.
pub fn country_name(code: &str) -> String {
    validate::countries()
        .into_iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| code.to_owned(), |(_, name)| name.to_owned())
}

/// "3 countries allowed: Germany, Poland, Spain", with only the first few names spelled out.
pub fn countries_summary(selected: &BTreeSet<String>) -> String {
    if selected.is_empty() {
        return "No countries allowed: every message is refused.".to_owned();
    }
    let mut names: Vec<String> = selected.iter().map(|code| country_name(code)).collect();
    names.sort();
    let count = names.len();
    let noun = if count == 1 { "country" } else { "countries" };
    let listed = if count > SUMMARY_NAMES {
        let shown = SUMMARY_NAMES - 1;
        format!("{} and {} more", names[..shown].join(", "), count - shown)
    } else {
        names.join(", ")
    };
    format!("{count} {noun} allowed: {listed}")
}

/// Every error the API reported about the list, each naming the country it is about
/// (`countries[1]` is the second code sent).
pub fn countries_message(problem: &Problem, sent: &[String]) -> Option<String> {
    let messages: Vec<String> = problem
        .errors
        .iter()
        .filter_map(|error| {
            if error.field == COUNTRIES_FIELD {
                return Some(error.message.clone());
            }
            let index = list_entry(COUNTRIES_FIELD, &error.field)?;
            Some(match sent.get(index) {
                Some(code) => format!("{code}: {}", error.message),
                None => error.message.clone(),
            })
        })
        .collect();
    (!messages.is_empty()).then(|| messages.join(" "))
}

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

/// Props of [`CountryList`].
#[derive(Properties, PartialEq)]
pub struct CountryListProps {
    /// The codes ticked.
    pub selected: BTreeSet<String>,
    /// What the search box holds.
    #[prop_or_default]
    pub query: AttrValue,
    /// While the saved list is not known yet.
    #[prop_or_default]
    pub disabled: bool,
    /// Called with a code and whether it is now ticked.
    pub on_toggle: Callback<(String, bool)>,
}

/// Every country matching the search, one check box each: the allowed ones first, then
/// "Other countries".
#[component]
pub fn CountryList(props: &CountryListProps) -> Html {
    let all = use_memo((), |_| validate::countries());
    let visible = visible_countries(&all, &props.selected, &props.query);
    let allowed_shown = visible
        .iter()
        .filter(|(code, _)| props.selected.contains(*code))
        .count();
    html! {
        <div class="country-list-frame">
            if visible.is_empty() {
                <p class="muted country-none" id="countries-none">
                    { format!("No country matches “{}”.", props.query.trim()) }
                </p>
            } else {
                <ul class="country-list" aria-label="Countries">
                    for (index, (code, name)) in visible.iter().enumerate() {
                        if index == allowed_shown && allowed_shown > 0 {
                            <li class="country-divider" aria-hidden="true">{ "Other countries" }</li>
                        }
                        <CountryOption key={*code} code={*code} name={*name}
                            checked={props.selected.contains(*code)}
                            disabled={props.disabled}
                            on_toggle={props.on_toggle.clone()} />
                    }
                </ul>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct CountryOptionProps {
    code: &'static str,
    name: &'static str,
    checked: bool,
    disabled: bool,
    on_toggle: Callback<(String, bool)>,
}

#[component]
fn CountryOption(props: &CountryOptionProps) -> Html {
    let code = props.code;
    let onchange = {
        let on_toggle = props.on_toggle.clone();
        Callback::from(move |event: Event| {
            on_toggle.emit((
                code.to_owned(),
                event.target_unchecked_into::<HtmlInputElement>().checked(),
            ));
        })
    };
    let id = format!("country-{code}");
    html! {
        <li class={classes!("country-option", props.checked.then_some("country-option--checked"))}>
            <label for={id.clone()}>
                <input type="checkbox" {id} name="country" value={code}
                    checked={props.checked} disabled={props.disabled} {onchange} />
                <span class="country-name">{ props.name }</span>
                <code class="country-code">{ code }</code>
            </label>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portcullis_shared::problem::{FieldError, ProblemCode};
    use std::rc::Rc;

    fn selection(codes: &[&str]) -> BTreeSet<String> {
        codes.iter().map(|code| (*code).to_owned()).collect()
    }

    fn all() -> Rc<Vec<(&'static str, &'static str)>> {
        Rc::new(validate::countries())
    }

    #[test]
    fn search_matches_names_anywhere_and_codes_from_the_start() {
        assert!(matches_search("DE", "Germany", "germ"));
        assert!(matches_search("DE", "Germany", "  GERM "));
        assert!(matches_search("DE", "Germany", "many"));
        assert!(matches_search("DE", "Germany", "de"));
        assert!(matches_search("DE", "Germany", "d"));
        assert!(matches_search("DE", "Germany", ""));
        assert!(!matches_search("DE", "Germany", "pol"));
        assert!(
            !matches_search("CH", "Switzerland", "h"),
            "codes match from their start"
        );
        assert!(matches_search("CH", "Switzerland", "c"));
        assert!(!matches_search("PL", "Poland", "pla"));
    }

    #[test]
    fn searching_germ_finds_germany_only() {
        let found = visible_countries(&all(), &BTreeSet::new(), "germ");
        assert_eq!(found, [("DE", "Germany")]);
    }

    #[test]
    fn allowed_countries_come_first_then_the_rest_by_name() {
        let chosen = selection(&["PL", "DE"]);
        let shown = visible_countries(&all(), &chosen, "");
        assert_eq!(shown.len(), validate::countries().len());
        assert_eq!(&shown[..2], &[("DE", "Germany"), ("PL", "Poland")]);
        assert!(shown[2..].iter().all(|(code, _)| !chosen.contains(*code)));
        let rest: Vec<_> = shown[2..].iter().map(|(_, name)| *name).collect();
        let mut sorted = rest.clone();
        sorted.sort();
        assert_eq!(rest, sorted);
        // The search applies to both groups.
        let shown = visible_countries(&all(), &chosen, "land");
        assert_eq!(shown[0], ("PL", "Poland"));
        assert!(shown
            .iter()
            .all(|(_, name)| name.to_lowercase().contains("land")));
        assert!(shown.len() > 3, "{shown:?}");
    }

    #[test]
    fn the_summary_names_the_first_few_countries() {
        assert_eq!(
            countries_summary(&BTreeSet::new()),
            "No countries allowed: every message is refused."
        );
        assert_eq!(
            countries_summary(&selection(&["PL"])),
            "1 country allowed: Poland"
        );
        assert_eq!(
            countries_summary(&selection(&["PL", "DE", "FR"])),
            "3 countries allowed: France, Germany, Poland"
        );
        assert_eq!(
            countries_summary(&selection(&["PL", "DE", "FR", "CZ", "AT"])),
            "5 countries allowed: Austria, Czechia, France and 2 more"
        );
        assert_eq!(
            countries_summary(&selection(&["XX"])),
            "1 country allowed: XX"
        );
    }

    #[test]
    fn entry_errors_name_the_country_sent() {
        let problem = Problem {
            type_uri: "about:blank".into(),
            title: "Invalid".into(),
            status: 422,
            detail: None,
            code: ProblemCode::ValidationFailed,
            request_id: None,
            permission: None,
            opens_at: None,
            errors: vec![FieldError {
                field: "countries[1]".into(),
                code: validate::codes::INVALID_COUNTRY.into(),
                message: "Not a country code.".into(),
            }],
        };
        let sent = vec!["DE".to_owned(), "QQ".to_owned()];
        assert_eq!(
            countries_message(&problem, &sent).as_deref(),
            Some("QQ: Not a country code.")
        );
        assert_eq!(
            countries_message(&problem, &[]).as_deref(),
            Some("Not a country code.")
        );
    }
}
