//! A credential's policy as the row's policy panel edits it: the countries it may send
//! to (picked from the account's country filter), a sending window, daily and monthly
//! points caps and requests per minute. The API checks everything again.

use std::collections::BTreeSet;
use std::rc::Rc;

use portcullis_shared::dto::{
    CredentialPolicyDto, CredentialPolicyRequest, SendingWindowDto, Weekday,
};
use portcullis_shared::problem::{FieldError, Problem};
use portcullis_shared::validate::codes;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::components::{
    shows_field, toggle_value, CheckOption, CheckboxGroup, TextField, WindowFields,
};
use crate::hooks::use_i18n;
use crate::i18n::{msg, Texts};
use crate::pages::subusers::window_summary;

/// The request fields the panel shows next to a control.
pub const POLICY_FIELDS: &[&str] = &[
    "policy.countries[]",
    "policy.window.days",
    "policy.window.start",
    "policy.window.end",
    "policy.window.time_zone",
    "policy.daily_points_cap",
    "policy.monthly_points_cap",
    "policy.requests_per_minute",
];

/// A policy as the panel holds it: switches, ticked boxes and the text of each field.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDraft {
    pub countries_on: bool,
    pub countries: BTreeSet<String>,
    pub window_on: bool,
    pub days: BTreeSet<String>,
    pub start: String,
    pub end: String,
    pub time_zone: String,
    pub daily_points_cap: String,
    pub monthly_points_cap: String,
    pub requests_per_minute: String,
}

impl PolicyDraft {
    /// The draft of `policy` (none: no rules; a window, once switched on, of working
    /// hours on weekdays in UTC).
    pub fn from_dto(policy: Option<&CredentialPolicyDto>) -> Self {
        let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
        let window = policy.and_then(|p| p.window.as_ref());
        Self {
            countries_on: policy.is_some_and(|p| p.countries.is_some()),
            countries: policy
                .and_then(|p| p.countries.clone())
                .unwrap_or_default()
                .into_iter()
                .collect(),
            window_on: window.is_some(),
            days: window.map_or_else(
                || {
                    Weekday::ALL[..5]
                        .iter()
                        .map(|d| d.as_str().to_owned())
                        .collect()
                },
                |w| w.days.iter().map(|d| d.as_str().to_owned()).collect(),
            ),
            start: window.map_or_else(|| "08:00".to_owned(), |w| w.start.clone()),
            end: window.map_or_else(|| "18:00".to_owned(), |w| w.end.clone()),
            time_zone: window.map_or_else(|| "UTC".to_owned(), |w| w.time_zone.clone()),
            daily_points_cap: number(policy.and_then(|p| p.daily_points_cap)),
            monthly_points_cap: number(policy.and_then(|p| p.monthly_points_cap)),
            requests_per_minute: number(policy.and_then(|p| p.requests_per_minute)),
        }
    }

    /// The request that replaces the credential's policy with this one, or what to fix
    /// first (fields named as the API names them).
    pub fn to_request(&self, texts: Texts) -> Result<CredentialPolicyRequest, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut number = |field: &str, text: &str| -> Option<i64> {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            match text.parse::<i64>() {
                Ok(n) if n >= 1 => Some(n),
                _ => {
                    errors.push(FieldError::new(
                        field,
                        codes::NOT_POSITIVE,
                        texts.t("credentials-policy-not-positive"),
                    ));
                    None
                }
            }
        };
        let daily_points_cap = number("policy.daily_points_cap", &self.daily_points_cap);
        let monthly_points_cap = number("policy.monthly_points_cap", &self.monthly_points_cap);
        let requests_per_minute = number("policy.requests_per_minute", &self.requests_per_minute);
        if self.countries_on && self.countries.is_empty() {
            errors.push(FieldError::new(
                "policy.countries",
                codes::REQUIRED,
                texts.t("credentials-policy-countries-required"),
            ));
        }
        if self.window_on && self.days.is_empty() {
            errors.push(FieldError::new(
                "policy.window.days",
                codes::REQUIRED,
                texts.t("credentials-policy-days-required"),
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(CredentialPolicyRequest {
            countries: Some(
                self.countries_on
                    .then(|| self.countries.iter().cloned().collect()),
            ),
            window: Some(self.window_on.then(|| {
                SendingWindowDto {
                    days: Weekday::ALL
                        .into_iter()
                        .filter(|d| self.days.contains(d.as_str()))
                        .collect(),
                    start: self.start.clone(),
                    end: self.end.clone(),
                    time_zone: self.time_zone.clone(),
                }
            })),
            daily_points_cap: Some(daily_points_cap),
            monthly_points_cap: Some(monthly_points_cap),
            requests_per_minute: Some(requests_per_minute),
        })
    }
}

/// The policy in words, for lists, in the language of `texts`: "GB, PL only · Mon–Fri
/// 08:00–18:00 (Europe/Warsaw) · 500 points/day"; "No limits" when no rule applies.
pub fn policy_in_words(policy: &CredentialPolicyDto, texts: Texts) -> String {
    let mut parts = Vec::new();
    if let Some(countries) = &policy.countries {
        parts.push(if countries.is_empty() {
            texts.t("policy-words-no-countries")
        } else {
            texts.t_args(
                "policy-words-countries-only",
                &[("countries", countries.join(", ").into())],
            )
        });
    }
    if let Some(window) = &policy.window {
        parts.push(window_summary(window, texts));
    }
    let rules = [
        (policy.daily_points_cap, msg("policy-words-points-day")),
        (policy.monthly_points_cap, msg("policy-words-points-month")),
        (
            policy.requests_per_minute,
            msg("policy-words-requests-minute"),
        ),
    ];
    for (value, id) in rules {
        if let Some(value) = value {
            parts.push(texts.msg_args(id, &[("count", value.into())]));
        }
    }
    if parts.is_empty() {
        texts.t("policy-words-no-limits")
    } else {
        parts.join(" · ")
    }
}

/// The message to show by the control of `field` (list fields take their entries' too).
fn field_message(problem: Option<&Problem>, fields: &[&str]) -> Option<AttrValue> {
    let messages: Vec<&str> = problem?
        .errors
        .iter()
        .filter(|error| shows_field(fields, &error.field))
        .map(|error| error.message.as_str())
        .collect();
    (!messages.is_empty()).then(|| AttrValue::from(messages.join(" ")))
}

/// Props of [`PolicyEditor`].
#[derive(Properties, PartialEq)]
pub struct PolicyEditorProps {
    /// Prefix of the controls' ids.
    pub id_prefix: AttrValue,
    pub draft: PolicyDraft,
    pub on_draft: Callback<PolicyDraft>,
    #[prop_or_default]
    pub problem: Option<Problem>,
}

/// The policy panel's fields.
#[component]
pub fn PolicyEditor(props: &PolicyEditorProps) -> Html {
    let texts = use_i18n();
    // The countries offered: the account's country filter (a policy may only narrow it).
    // `None` while it loads; `Some(Err(()))` when this login may not read it.
    let filter = use_state(|| None::<Result<Vec<String>, ()>>);
    {
        let filter = filter.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                let read = api::get_country_filter().await;
                filter.set(Some(read.map(|dto| dto.countries).map_err(|_| ())));
            });
        });
    }
    let no_countries = match &*filter {
        None => texts.t("credentials-policy-filter-loading"),
        Some(Ok(_)) => texts.t("credentials-policy-filter-empty"),
        Some(Err(())) => texts.t("credentials-policy-filter-failed"),
    };
    let id = |name: &str| AttrValue::from(format!("{}-{name}", props.id_prefix));
    let problem = props.problem.as_ref();
    let draft = &props.draft;
    let change = |apply: fn(&mut PolicyDraft, String)| {
        let (draft, on_draft) = (props.draft.clone(), props.on_draft.clone());
        Callback::from(move |value: String| {
            let mut next = draft.clone();
            apply(&mut next, value);
            on_draft.emit(next);
        })
    };
    let toggle = |apply: fn(&mut PolicyDraft, (String, bool))| {
        let (draft, on_draft) = (props.draft.clone(), props.on_draft.clone());
        Callback::from(move |value: (String, bool)| {
            let mut next = draft.clone();
            apply(&mut next, value);
            on_draft.emit(next);
        })
    };
    let switch = |apply: fn(&mut PolicyDraft)| {
        let (draft, on_draft) = (props.draft.clone(), props.on_draft.clone());
        Callback::from(move |_: Event| {
            let mut next = draft.clone();
            apply(&mut next);
            on_draft.emit(next);
        })
    };
    let mut offered: Vec<String> = match &*filter {
        Some(Ok(countries)) => countries.clone(),
        _ => Vec::new(),
    };
    // A country chosen earlier and since taken off the filter stays visible (and refused).
    let unlisted: Vec<String> = draft
        .countries
        .iter()
        .filter(|c| !offered.contains(c))
        .cloned()
        .collect();
    offered.extend(unlisted);
    let country_options = Rc::new(
        offered
            .iter()
            .map(|c| CheckOption::plain(c.clone(), c.clone()))
            .collect::<Vec<_>>(),
    );
    html! {
        <fieldset class="policy-editor">
            <legend>{ texts.t("credentials-policy") }</legend>
            <p class="field-hint">{ texts.t("credentials-rules-credential-obeys-top") }</p>
            <label class="checkbox" for={id("countries-on")}>
                <input type="checkbox" id={id("countries-on")} checked={draft.countries_on}
                    onchange={switch(|d| d.countries_on = !d.countries_on)} />
                { " " }{ texts.t("credentials-only-send-some-accounts") }
            </label>
            if draft.countries_on {
                <CheckboxGroup id={id("countries")} legend={texts.t("credentials-countries")}
                    empty={no_countries}
                    options={country_options} chosen={Rc::new(draft.countries.clone())}
                    on_toggle={toggle(|d, (v, on)| d.countries = toggle_value(&d.countries, &v, on))}
                    error={field_message(problem, &["policy.countries[]"])} compact=true />
            }
            <label class="checkbox" for={id("window-on")}>
                <input type="checkbox" id={id("window-on")} checked={draft.window_on}
                    onchange={switch(|d| d.window_on = !d.window_on)} />
                { " " }{ texts.t("credentials-only-send-within-set") }
            </label>
            if draft.window_on {
                <WindowFields id_prefix={id("window")}
                    days={draft.days.clone()} start={draft.start.clone()}
                    end={draft.end.clone()} time_zone={draft.time_zone.clone()}
                    on_day={toggle(|d, (v, on)| d.days = toggle_value(&d.days, &v, on))}
                    on_start={change(|d, v| d.start = v)}
                    on_end={change(|d, v| d.end = v)}
                    on_time_zone={change(|d, v| d.time_zone = v)}
                    days_error={field_message(problem, &["policy.window.days"])}
                    start_error={field_message(problem, &["policy.window.start"])}
                    end_error={field_message(problem, &["policy.window.end"])}
                    time_zone_error={field_message(problem, &["policy.window.time_zone"])} />
            }
            <div class="field-row">
                <TextField id={id("daily-cap")} label={texts.t("credentials-points-day")} input_type="number"
                    optional=true min="1" value={draft.daily_points_cap.clone()}
                    on_change={change(|d, v| d.daily_points_cap = v)}
                    error={field_message(problem, &["policy.daily_points_cap"])} />
                <TextField id={id("monthly-cap")} label={texts.t("credentials-points-month")} input_type="number"
                    optional=true min="1" value={draft.monthly_points_cap.clone()}
                    on_change={change(|d, v| d.monthly_points_cap = v)}
                    error={field_message(problem, &["policy.monthly_points_cap"])} />
                <TextField id={id("rate")} label={texts.t("credentials-requests-minute")} input_type="number"
                    optional=true min="1" value={draft.requests_per_minute.clone()}
                    on_change={change(|d, v| d.requests_per_minute = v)}
                    error={field_message(problem, &["policy.requests_per_minute"])} />
            </div>
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_reads_as_words_in_the_portals_language() {
        let policy = CredentialPolicyDto {
            countries: Some(vec!["GB".into(), "PL".into()]),
            window: Some(SendingWindowDto {
                days: Weekday::ALL[..5].to_vec(),
                start: "08:00".into(),
                end: "18:00".into(),
                time_zone: "Europe/Warsaw".into(),
            }),
            daily_points_cap: Some(500),
            ..CredentialPolicyDto::default()
        };
        assert_eq!(
            policy_in_words(&policy, Texts::default()),
            "GB, PL only · Mon–Fri 08:00–18:00 (Europe/Warsaw) · 500 points/day"
        );
        let polish = Texts::new(portcullis_shared::dto::Language::Pl);
        let caps = CredentialPolicyDto {
            monthly_points_cap: Some(12_500),
            requests_per_minute: Some(120),
            ..CredentialPolicyDto::default()
        };
        assert_eq!(
            policy_in_words(&caps, polish),
            "12\u{a0}500 pkt/miesiąc · 120 żądań/min"
        );
        assert_eq!(
            policy_in_words(&CredentialPolicyDto::default(), polish),
            "Bez limitów"
        );
    }

    #[test]
    fn a_draft_replaces_the_whole_policy_and_checks_numbers() {
        let mut draft = PolicyDraft::from_dto(None);
        assert_eq!(
            draft.to_request(Texts::default()).unwrap(),
            CredentialPolicyRequest::replacing_with(&CredentialPolicyDto::default())
        );
        draft.countries_on = true;
        draft.countries.insert("PL".into());
        draft.daily_points_cap = "500".into();
        let request = draft.to_request(Texts::default()).unwrap();
        assert_eq!(request.countries, Some(Some(vec!["PL".to_owned()])));
        assert_eq!(request.daily_points_cap, Some(Some(500)));
        assert_eq!(request.window, Some(None));
        draft.requests_per_minute = "0".into();
        let errors = draft.to_request(Texts::default()).unwrap_err();
        assert_eq!(errors[0].field, "policy.requests_per_minute");
    }
}
