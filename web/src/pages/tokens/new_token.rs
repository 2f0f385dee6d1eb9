//! The "New token" form and the checks it runs before asking the API.

use std::collections::BTreeSet;
use std::rc::Rc;

use portcullis_shared::dto::{CreateTokenRequest, CreatedTokenDto};
use portcullis_shared::problem::FieldError;
use portcullis_shared::scope::Scope;
use portcullis_shared::validate::codes;
use yew::prelude::*;

use crate::api;
use crate::components::credentials::{
    allowlist_entries, name_and_scope_errors, use_credential_fields,
};
use crate::components::{FormBanner, ScopePicker, SelectField, TextField};
use crate::hooks::use_i18n;
use crate::hooks::{use_form_call, use_text_input};
use crate::i18n::{msg, MessageId, Texts};

/// Request fields the form shows errors next to.
const FIELDS: &[&str] = &["name", "scopes", "expires_at", "ip_allowlist[]"];

/// Props of [`NewTokenForm`].
#[derive(Properties, PartialEq)]
pub struct NewTokenFormProps {
    /// Called with the new token and its secret; the form has cleared itself by then.
    pub on_created: Callback<CreatedTokenDto>,
}

/// Name, scopes, optional expiry and optional IP allowlist of a new API token.
#[component]
pub fn NewTokenForm(props: &NewTokenFormProps) -> Html {
    let texts = use_i18n();
    let call = use_form_call();
    let problem = call.problem.clone();
    let fields = use_credential_fields(&problem);
    let expiry = use_text_input("");
    let choice = use_text_input(DEFAULT_EXPIRY);
    let today = use_memo((), |_| today_utc());

    let onsubmit = {
        let (call, fields, expiry, choice) =
            (call.clone(), fields.clone(), expiry.clone(), choice.clone());
        let on_created = props.on_created.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let date = expiry_date(&choice.value, &expiry.value, days_from_today);
            let request = new_token_request(
                &fields.name.value,
                &fields.scopes,
                &date,
                &fields.allowlist.value,
            )
            .and_then(|mut request| {
                let (entries, expiries) = fields.allowlist_request().map_err(|e| vec![e])?;
                request.ip_allowlist = entries;
                request.ip_allowlist_expires_at = expiries;
                Ok(request)
            });
            let (fields, expiry, on_created) =
                (fields.clone(), expiry.set.clone(), on_created.clone());
            call.run_checked(
                request,
                |csrf_token, request| async move { api::create_token(&csrf_token, &request).await },
                move |created| {
                    fields.clear();
                    expiry.emit(String::new());
                    on_created.emit(created);
                },
            );
        })
    };

    let banner = problem.banner(FIELDS);
    let submitting = call.busy();

    html! {
        <form class="form new-token" onsubmit={onsubmit} novalidate=true aria-labelledby="new-token-title">
            <FormBanner message={banner} />
            { fields.name_field("new-token", texts.t("tokens-name-placeholder"), &problem) }
            <ScopePicker id="new-token-scopes" name="scope" chosen={(*fields.scopes).clone()} on_toggle={fields.on_scope.clone()}
                error={problem.field_message("scopes")} />
            <SelectField id="new-token-expiry-choice" label={texts.t("tokens-expires")}
                dynamic_options={Rc::new(EXPIRY_CHOICES.iter().map(|(value, label)| (AttrValue::from(*value), AttrValue::from(texts.msg(*label)))).collect::<Vec<_>>())}
                value={choice.value.clone()}
                on_change={problem.on_change(&choice.set, "expires_at")}
                error={(choice.value != CUSTOM_EXPIRY).then(|| problem.field_message("expires_at")).flatten()}
                hint={texts.t("tokens-token-stops-working-end")} />
            if choice.value == CUSTOM_EXPIRY {
                <TextField id="new-token-expiry" label={texts.t("tokens-last-day")} input_type="date"
                    min={(*today).clone().map(AttrValue::from)}
                    hint={texts.t("tokens-stops-working-end-day")}
                    value={expiry.value.clone()}
                    on_change={problem.on_change(&expiry.set, "expires_at")}
                    error={problem.field_message("expires_at")} />
            }
            if choice.value == NEVER_EXPIRES {
                <p class="banner banner--warning" id="new-token-never-warning" role="status">
                    { texts.t("tokens-token-never-expires-keeps") }
                </p>
            }
            { fields.allowlist_field("new-token", texts.t("tokens-allowlist-hint"), &problem) }
            { fields.temporary_allowlist_field("new-token", &problem) }
            <div class="form-actions">
                <button id="create-token" type="submit" class="button" disabled={submitting}>
                    { if submitting { texts.t("tokens-creating-token") } else { texts.t("tokens-create-token") } }
                </button>
            </div>
        </form>
    }
}

/// The expiry chosen up front, as GitHub does: a token lives 30 days unless asked otherwise.
const DEFAULT_EXPIRY: &str = "30";
/// The choice that shows a date field.
const CUSTOM_EXPIRY: &str = "custom";
/// The choice of no expiry (warned against).
const NEVER_EXPIRES: &str = "never";
/// The expiry choices: days from today, a date, or never.
const EXPIRY_CHOICES: &[(&str, MessageId)] = &[
    ("7", msg("tokens-expiry-7-days")),
    ("30", msg("tokens-expiry-30-days")),
    ("90", msg("tokens-expiry-90-days")),
    (CUSTOM_EXPIRY, msg("tokens-expiry-on-date")),
    (NEVER_EXPIRES, msg("tokens-expiry-never")),
];

/// The last day (`2027-01-31`) the form's expiry choice means, or `""` for never:
/// `days_from_today(n)` gives the date `n` days from today.
pub fn expiry_date(
    choice: &str,
    custom: &str,
    days_from_today: impl Fn(u32) -> Option<String>,
) -> String {
    match choice {
        CUSTOM_EXPIRY => custom.to_owned(),
        NEVER_EXPIRES => String::new(),
        days => days
            .parse()
            .ok()
            .and_then(days_from_today)
            .unwrap_or_default(),
    }
}

/// The UTC date `days` from now, from the browser's clock.
fn days_from_today(days: u32) -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    {
        let later = web_sys::js_sys::Date::now() + f64::from(days) * 86_400_000.0;
        let date = web_sys::js_sys::Date::new(&later.into());
        String::from(date.to_iso_string())
            .get(..10)
            .map(str::to_owned)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = days;
        None
    }
}

/// The request the form's values make, or what to fix first. The API checks it all again,
/// and alone knows which addresses and ranges are valid.
pub fn new_token_request(
    name: &str,
    scopes: &BTreeSet<Scope>,
    expiry_date: &str,
    allowlist: &str,
) -> Result<CreateTokenRequest, Vec<FieldError>> {
    let texts = Texts::current();
    let (name, mut errors) =
        name_and_scope_errors(name, scopes, msg("tokens-name-required"), texts);
    let expires_at = expiry_end_of_day(expiry_date).unwrap_or_else(|error| {
        errors.push(error);
        None
    });
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(CreateTokenRequest {
        name: name.to_owned(),
        scopes: scopes.iter().copied().collect(),
        expires_at,
        ip_allowlist: allowlist_entries(allowlist),
        ip_allowlist_expires_at: Default::default(),
        policy: None,
    })
}

/// A date input's value (`2027-01-31`) as the last second of that day in UTC, RFC 3339
/// (`2027-01-31T23:59:59Z`); empty means no expiry.
pub fn expiry_end_of_day(date: &str) -> Result<Option<String>, FieldError> {
    let date = date.trim();
    if date.is_empty() {
        return Ok(None);
    }
    let invalid = || {
        FieldError::new(
            "expires_at",
            codes::INVALID_DATE,
            Texts::current().t("tokens-expiry-invalid-date"),
        )
    };
    let mut parts = date.split('-');
    let (Some(year), Some(month), Some(day), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid());
    };
    let digits =
        |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
    if !(digits(year, 4) && digits(month, 2) && digits(day, 2)) {
        return Err(invalid());
    }
    let (y, m, d): (u32, u32, u32) = (
        year.parse().map_err(|_| invalid())?,
        month.parse().map_err(|_| invalid())?,
        day.parse().map_err(|_| invalid())?,
    );
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return Err(invalid());
    }
    Ok(Some(format!("{year}-{month}-{day}T23:59:59Z")))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Today's date in UTC (`2026-11-22`), the earliest expiry the date picker offers. Only
/// the browser has a clock to ask; rendered elsewhere the picker has no lower bound.
fn today_utc() -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    {
        let now = String::from(web_sys::js_sys::Date::new_0().to_iso_string());
        now.get(..10).map(str::to_owned)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        None
    }
}

#[cfg(test)]
mod expiry_tests {
    use super::*;

    #[test]
    fn each_choice_means_a_last_day_or_never() {
        let clock = |days: u32| Some(format!("in-{days}-days"));
        assert_eq!(expiry_date("30", "", clock), "in-30-days");
        assert_eq!(expiry_date("7", "2027-01-31", clock), "in-7-days");
        assert_eq!(
            expiry_date(CUSTOM_EXPIRY, "2027-01-31", clock),
            "2027-01-31"
        );
        assert_eq!(expiry_date(NEVER_EXPIRES, "2027-01-31", clock), "");
        assert_eq!(
            DEFAULT_EXPIRY, "30",
            "a token expires unless asked otherwise"
        );
        assert!(EXPIRY_CHOICES
            .iter()
            .any(|(value, _)| *value == DEFAULT_EXPIRY));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::scope_input_id;

    fn scopes(list: &[Scope]) -> BTreeSet<Scope> {
        list.iter().copied().collect()
    }

    fn fields_of(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn the_expiry_is_the_end_of_that_day_in_utc() {
        assert_eq!(
            expiry_end_of_day("2027-01-31").unwrap().as_deref(),
            Some("2027-01-31T23:59:59Z")
        );
        assert_eq!(
            expiry_end_of_day(" 2028-02-29 ").unwrap().as_deref(),
            Some("2028-02-29T23:59:59Z")
        );
        assert_eq!(expiry_end_of_day("").unwrap(), None);
        assert_eq!(expiry_end_of_day("   ").unwrap(), None);
    }

    #[test]
    fn impossible_dates_are_refused() {
        for bad in [
            "2027-02-29",
            "2100-02-29",
            "2027-13-01",
            "2027-00-10",
            "2027-04-31",
            "2027-01-00",
            "27-01-31",
            "2027-1-31",
            "2027/01/31",
            "2027-01-31T10:00",
            "2027-01-31-01",
            "tomorrow",
        ] {
            let error = expiry_end_of_day(bad).unwrap_err();
            assert_eq!(error.field, "expires_at", "{bad}");
            assert_eq!(error.code, codes::INVALID_DATE, "{bad}");
        }
        assert!(expiry_end_of_day("2000-02-29").is_ok());
    }

    #[test]
    fn a_complete_form_makes_the_request() {
        let request = new_token_request(
            "  CRM integration ",
            &scopes(&[Scope::Profile, Scope::Sms]),
            "2027-01-31",
            "203.0.113.7\n\n10.0.0.0/24\n",
        )
        .unwrap();
        assert_eq!(
            request,
            CreateTokenRequest {
                name: "CRM integration".into(),
                scopes: vec![Scope::Sms, Scope::Profile],
                expires_at: Some("2027-01-31T23:59:59Z".into()),
                ip_allowlist: vec!["203.0.113.7".into(), "10.0.0.0/24".into()],
                ip_allowlist_expires_at: Default::default(),
                policy: None,
            }
        );
        let json = serde_json::to_value(&request).unwrap();
        assert_eq!(json["scopes"], serde_json::json!(["sms", "profile"]));
    }

    #[test]
    fn expiry_and_allowlist_are_optional() {
        let request = new_token_request("Backup", &scopes(&[Scope::Profile]), "", " \n").unwrap();
        assert_eq!(request.expires_at, None);
        assert!(request.ip_allowlist.is_empty());
        let json = serde_json::to_value(&request).unwrap();
        assert!(json.get("expires_at").is_none(), "{json}");
    }

    #[test]
    fn every_missing_or_bad_field_is_reported() {
        let errors = new_token_request(" ", &BTreeSet::new(), "2027-02-30", "").unwrap_err();
        assert_eq!(fields_of(&errors), ["name", "scopes", "expires_at"]);
        let long = "x".repeat(101);
        let errors = new_token_request(&long, &scopes(&[Scope::Sms]), "", "").unwrap_err();
        assert_eq!(errors[0].code, codes::TOO_LONG);
    }

    #[test]
    fn scope_ids_need_no_css_escaping() {
        assert_eq!(
            scope_input_id("scope", Scope::ContactsRead),
            "scope-contacts-read"
        );
        assert_eq!(
            scope_input_id("scope", Scope::SmsSender),
            "scope-sms-sender"
        );
        assert_eq!(scope_input_id("scope", Scope::Profile), "scope-profile");
    }
}
