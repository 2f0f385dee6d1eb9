//! The "Register a client" form and the checks it runs before asking the API.

use std::collections::BTreeSet;
use std::rc::Rc;

use portcullis_shared::dto::{CreateOAuthClientRequest, CreatedOAuthClientDto};
use portcullis_shared::problem::FieldError;
use portcullis_shared::scope::Scope;
use portcullis_shared::validate::codes;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::components::{
    banner_message, toggle_scope, FormBanner, ScopePicker, SelectField, TextAreaField, TextField,
};
use crate::hooks::{use_form_problem, use_session_calls, use_text_input};
use crate::pages::tokens::{allowlist_entries, allowlist_message, ALLOWLIST_FIELD};

/// Request fields the form shows errors next to.
const FIELDS: &[&str] = &["name", "scopes", "token_lifetime_secs", "ip_allowlist[]"];

/// The API's limit on client names.
const NAME_MAX_CHARS: usize = 100;

/// The access-token lifetimes offered, in seconds, with their labels; the API's default
/// (one hour) first.
pub const LIFETIMES: &[(&str, &str)] = &[
    ("3600", "1 hour (recommended)"),
    ("900", "15 minutes"),
    ("28800", "8 hours"),
    ("86400", "24 hours"),
];

/// Props of [`NewClientForm`].
#[derive(Properties, PartialEq)]
pub struct NewClientFormProps {
    /// Called with the new client and its secret; the form has cleared itself by then.
    pub on_created: Callback<CreatedOAuthClientDto>,
}

/// Name, scopes, access-token lifetime and optional IP allowlist of a new OAuth2 client.
#[component]
pub fn NewClientForm(props: &NewClientFormProps) -> Html {
    let calls = use_session_calls();
    let name = use_text_input("");
    let scopes = use_state(BTreeSet::<Scope>::new);
    let lifetime = use_text_input(LIFETIMES[0].0);
    let allowlist = use_text_input("");
    let problem = use_form_problem();
    let submitting = use_state(|| false);
    let lifetimes = use_memo((), |_| LIFETIMES.to_vec());

    let on_scope = {
        let (scopes, problem) = (scopes.clone(), problem.clone());
        Callback::from(move |(scope, checked): (Scope, bool)| {
            scopes.set(toggle_scope(&scopes, scope, checked));
            problem.clear_field("scopes");
        })
    };
    let on_allowlist = {
        let (set, problem) = (allowlist.set.clone(), problem.clone());
        Callback::from(move |value: String| {
            set.emit(value);
            // The entries' indexes shift as lines change: every entry error is stale.
            if let Some(current) = problem.get() {
                let mut rest = current.clone();
                rest.errors
                    .retain(|error| !error.field.starts_with(ALLOWLIST_FIELD));
                if rest.errors.len() != current.errors.len() {
                    problem.set((!rest.errors.is_empty()).then_some(rest));
                }
            }
        })
    };

    let onsubmit = {
        let form = (
            name.clone(),
            (*scopes).clone(),
            lifetime.clone(),
            allowlist.clone(),
        );
        let (calls, problem, submitting, scopes_state) = (
            calls.clone(),
            problem.clone(),
            submitting.clone(),
            scopes.clone(),
        );
        let on_created = props.on_created.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *submitting {
                return;
            }
            let (name, chosen, lifetime, allowlist) = &form;
            let request =
                match new_client_request(&name.value, chosen, &lifetime.value, &allowlist.value) {
                    Ok(request) => request,
                    Err(errors) => {
                        problem.set(api::client_validation_problem(errors));
                        return;
                    }
                };
            problem.set(None);
            submitting.set(true);
            let (calls, problem, submitting, on_created) = (
                calls.clone(),
                problem.clone(),
                submitting.clone(),
                on_created.clone(),
            );
            let (name, lifetime, allowlist, scopes_state) = (
                name.set.clone(),
                lifetime.set.clone(),
                allowlist.set.clone(),
                scopes_state.clone(),
            );
            spawn_local(async move {
                match api::create_oauth_client(calls.csrf_token(), &request).await {
                    Ok(created) => {
                        name.emit(String::new());
                        lifetime.emit(LIFETIMES[0].0.to_owned());
                        allowlist.emit(String::new());
                        scopes_state.set(BTreeSet::new());
                        on_created.emit(created);
                    }
                    Err(error) => problem.set(Some(calls.problem(error))),
                }
                submitting.set(false);
            });
        })
    };

    let banner = problem
        .get()
        .and_then(|p| banner_message(p, FIELDS))
        .map(AttrValue::from);
    let allowlist_error = problem
        .get()
        .and_then(|p| allowlist_message(p, &allowlist.value))
        .map(AttrValue::from);

    html! {
        <form class="form new-token" onsubmit={onsubmit} novalidate=true aria-labelledby="new-client-title">
            <FormBanner message={banner} />
            <TextField id="new-client-name" label="Name" autocomplete="off"
                placeholder="e.g. Billing service"
                hint="Something to recognise it by, like the system that will use it."
                value={name.value.clone()}
                on_change={problem.on_change(&name.set, "name")}
                error={problem.field_message("name")} />
            <ScopePicker id="new-client-scopes" name="client-scope"
                chosen={(*scopes).clone()} on_toggle={on_scope}
                hint="The scopes the client may ask for. Tokens it gets carry no more than these."
                error={problem.field_message("scopes")} />
            <SelectField id="new-client-lifetime" label="Access tokens last"
                options={Rc::new((*lifetimes).clone())}
                hint="Shorter is safer: the client simply asks for a new token when one runs out."
                value={lifetime.value.clone()}
                on_change={problem.on_change(&lifetime.set, "token_lifetime_secs")}
                error={problem.field_message("token_lifetime_secs")} />
            <TextAreaField id="new-client-allowlist" label="IP allowlist" optional=true rows=3
                placeholder={"203.0.113.7\n10.0.0.0/24\n2001:db8::/32"}
                hint="One address or range per line. The client and its tokens work only from these; empty: every address the account's API allowlist allows."
                value={allowlist.value.clone()}
                on_change={on_allowlist}
                error={allowlist_error} />
            <div class="form-actions">
                <button id="create-client" type="submit" class="button" disabled={*submitting}>
                    { if *submitting { "Registering…" } else { "Register client" } }
                </button>
            </div>
        </form>
    }
}

/// The request the form's values make, or what to fix first. The API checks it all again,
/// and alone knows which addresses and ranges are valid.
pub fn new_client_request(
    name: &str,
    scopes: &BTreeSet<Scope>,
    lifetime_secs: &str,
    allowlist: &str,
) -> Result<CreateOAuthClientRequest, Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = name.trim();
    if name.is_empty() {
        errors.push(FieldError::new(
            "name",
            codes::REQUIRED,
            "Give the client a name.",
        ));
    } else if name.chars().count() > NAME_MAX_CHARS {
        errors.push(FieldError::new(
            "name",
            codes::TOO_LONG,
            "Use at most 100 characters.",
        ));
    }
    if scopes.is_empty() {
        errors.push(FieldError::new(
            "scopes",
            codes::REQUIRED,
            "Choose at least one permission.",
        ));
    }
    let lifetime = lifetime_secs.trim();
    let token_lifetime_secs = if lifetime.is_empty() {
        None
    } else {
        match lifetime.parse::<i64>() {
            Ok(secs) if (60..=86_400).contains(&secs) => Some(secs),
            _ => {
                errors.push(FieldError::new(
                    "token_lifetime_secs",
                    codes::TOO_LONG,
                    "Choose a lifetime between 1 minute and 24 hours.",
                ));
                None
            }
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(CreateOAuthClientRequest {
        name: name.to_owned(),
        scopes: scopes.iter().copied().collect(),
        ip_allowlist: allowlist_entries(allowlist),
        token_lifetime_secs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields_of(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_complete_form_makes_the_request() {
        let scopes: BTreeSet<Scope> = [Scope::Profile, Scope::Sms].into_iter().collect();
        let request = new_client_request(
            "  Billing service ",
            &scopes,
            "900",
            "203.0.113.7\n\n10.0.0.0/24",
        )
        .unwrap();
        assert_eq!(request.name, "Billing service");
        assert_eq!(request.scopes.len(), 2);
        assert!(request.scopes.contains(&Scope::Profile));
        assert_eq!(request.token_lifetime_secs, Some(900));
        assert_eq!(request.ip_allowlist, ["203.0.113.7", "10.0.0.0/24"]);
        let request = new_client_request("x", &scopes, "", "").unwrap();
        assert_eq!(request.token_lifetime_secs, None);
        assert!(request.ip_allowlist.is_empty());
    }

    #[test]
    fn every_missing_or_bad_field_is_reported() {
        let errors = new_client_request(" ", &BTreeSet::new(), "5", "").unwrap_err();
        assert_eq!(
            fields_of(&errors),
            ["name", "scopes", "token_lifetime_secs"]
        );
        let one: BTreeSet<Scope> = [Scope::Sms].into_iter().collect();
        for bad in ["86401", "59", "an hour", "-3600"] {
            let errors = new_client_request("x", &one, bad, "").unwrap_err();
            assert_eq!(fields_of(&errors), ["token_lifetime_secs"], "{bad}");
        }
        let errors = new_client_request(&"x".repeat(101), &one, "3600", "").unwrap_err();
        assert_eq!(errors[0].code, codes::TOO_LONG);
    }

    #[test]
    fn every_offered_lifetime_is_accepted() {
        let one: BTreeSet<Scope> = [Scope::Sms].into_iter().collect();
        for (secs, _) in LIFETIMES {
            assert!(new_client_request("x", &one, secs, "").is_ok(), "{secs}");
        }
    }
}
