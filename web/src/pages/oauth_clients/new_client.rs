//! The "Register a client" form and the checks it runs before asking the API.

use std::collections::BTreeSet;
use std::rc::Rc;

use portcullis_shared::dto::{CreateOAuthClientRequest, CreatedOAuthClientDto};
use portcullis_shared::problem::FieldError;
use portcullis_shared::scope::Scope;
use portcullis_shared::validate::codes;
use yew::prelude::*;

use crate::api;
use crate::components::credentials::{
    allowlist_entries, name_and_scope_errors, use_credential_fields,
};
use crate::components::{FormBanner, ScopePicker, SelectField};
use crate::hooks::{use_form_call, use_i18n, use_text_input};
use crate::i18n::{msg, MessageId, Texts};

/// Request fields the form shows errors next to.
const FIELDS: &[&str] = &["name", "scopes", "token_lifetime_secs", "ip_allowlist[]"];

/// The access-token lifetimes offered, in seconds, with their labels; the API's default
/// (one hour) first.
pub const LIFETIMES: &[(&str, MessageId)] = &[
    ("3600", msg("clients-lifetime-1-hour")),
    ("900", msg("clients-lifetime-15-minutes")),
    ("28800", msg("clients-lifetime-8-hours")),
    ("86400", msg("clients-lifetime-24-hours")),
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
    let texts = use_i18n();
    let call = use_form_call();
    let problem = call.problem.clone();
    let fields = use_credential_fields(&problem);
    let lifetime = use_text_input(LIFETIMES[0].0);
    let lifetimes = LIFETIMES
        .iter()
        .map(|(value, label)| (AttrValue::from(*value), AttrValue::from(texts.msg(*label))))
        .collect::<Vec<_>>();

    let onsubmit = {
        let (call, fields, lifetime) = (call.clone(), fields.clone(), lifetime.clone());
        let on_created = props.on_created.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let request = new_client_request(
                &fields.name.value,
                &fields.scopes,
                &lifetime.value,
                &fields.allowlist.value,
            )
            .and_then(|mut request| {
                let (entries, expiries) = fields.allowlist_request().map_err(|e| vec![e])?;
                request.ip_allowlist = entries;
                request.ip_allowlist_expires_at = expiries;
                Ok(request)
            });
            let (fields, lifetime, on_created) =
                (fields.clone(), lifetime.set.clone(), on_created.clone());
            call.run_checked(
                request,
                |csrf_token, request| async move {
                    api::create_oauth_client(&csrf_token, &request).await
                },
                move |created| {
                    fields.clear();
                    lifetime.emit(LIFETIMES[0].0.to_owned());
                    on_created.emit(created);
                },
            );
        })
    };

    let banner = problem.banner(FIELDS);
    let submitting = call.busy();

    html! {
        <form class="form new-token" onsubmit={onsubmit} novalidate=true aria-labelledby="new-client-title">
            <FormBanner message={banner} />
            { fields.name_field("new-client", texts.t("clients-name-placeholder"), &problem) }
            <ScopePicker id="new-client-scopes" name="client-scope"
                chosen={(*fields.scopes).clone()} on_toggle={fields.on_scope.clone()}
                hint={texts.t("clients-scopes-client-may-ask")}
                error={problem.field_message("scopes")} />
            <SelectField id="new-client-lifetime" label={texts.t("clients-access-tokens-last")}
                dynamic_options={Rc::new(lifetimes)}
                hint={texts.t("clients-shorter-safer-client-simply")}
                value={lifetime.value.clone()}
                on_change={problem.on_change(&lifetime.set, "token_lifetime_secs")}
                error={problem.field_message("token_lifetime_secs")} />
            { fields.allowlist_field("new-client", texts.t("clients-allowlist-hint"), &problem) }
            { fields.temporary_allowlist_field("new-client", &problem) }
            <div class="form-actions">
                <button id="create-client" type="submit" class="button" disabled={submitting}>
                    { if submitting { texts.t("clients-registering") } else { texts.t("clients-register-client") } }
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
    let texts = Texts::current();
    let (name, mut errors) =
        name_and_scope_errors(name, scopes, msg("clients-name-required"), texts);
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
                    texts.t("clients-lifetime-out-of-range"),
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
        ip_allowlist_expires_at: Default::default(),
        token_lifetime_secs,
        policy: None,
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
