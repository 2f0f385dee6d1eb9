//! The subuser form: a new subuser's login and grants, or an existing one's grants.

use crate::checks;
use crate::i18n::Texts;
use std::collections::BTreeSet;
use std::rc::Rc;

use portcullis_shared::dto::{
    CreateSubuserRequest, PortalPermission, SubuserDto, UpdateSubuserRequest,
};
use portcullis_shared::problem::{FieldError, Problem};
use portcullis_shared::scope::Scope;
use yew::prelude::*;

use super::grants::{GrantsDraft, DEFAULT_TIME_ZONE};
use crate::api;
use crate::components::{
    banner_message, shows_field, toggle_scope, toggle_value, CheckOption, CheckboxGroup,
    FormBanner, ScopePicker, TextField, WindowFields,
};
use crate::hooks::{use_form_call, use_text_input, FormProblem};
use crate::pages::password::new_password_hint;

/// Request fields the form shows next to a control: the login's, then the grants' (the
/// API may name them with or without the `grants.` prefix).
const LOGIN_FIELDS: &[&str] = &["email", "password", "phone"];
const GRANT_FIELDS: &[&str] = &[
    "portal",
    "scopes",
    "senders",
    "contact_groups",
    "sending_window",
    "sending_window.days",
    "sending_window.start",
    "sending_window.end",
    "sending_window.time_zone",
    "monthly_points_limit",
];

/// The message to show by the control of `field` (a login field, or a grant under either
/// name; list fields also take their entries' errors, `senders[2]`).
pub fn field_message(problem: Option<&Problem>, field: &str) -> Option<AttrValue> {
    let problem = problem?;
    let names = [format!("{field}[]"), format!("grants.{field}[]")];
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let messages: Vec<&str> = problem
        .errors
        .iter()
        .filter(|error| shows_field(&names, &error.field))
        .map(|error| error.message.as_str())
        .collect();
    (!messages.is_empty()).then(|| AttrValue::from(messages.join(" ")))
}

/// What the banner says: the part of `problem` no control shows.
fn banner(problem: &Problem, with_login: bool) -> Option<String> {
    let mut shown: Vec<String> = Vec::new();
    if with_login {
        shown.extend(LOGIN_FIELDS.iter().map(|f| (*f).to_owned()));
    } else {
        shown.push("phone".to_owned());
    }
    for field in GRANT_FIELDS {
        shown.push(format!("{field}[]"));
        shown.push(format!("grants.{field}[]"));
    }
    let shown: Vec<&str> = shown.iter().map(String::as_str).collect();
    banner_message(problem, &shown)
}

/// What the account has to grant beyond the fixed lists: its approved sender names and
/// its contact groups.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GrantChoices {
    /// Approved sender names.
    pub senders: Vec<String>,
    /// Contact groups, `(id, name)`.
    pub groups: Vec<(String, String)>,
}

/// Props of [`SubuserForm`].
#[derive(Properties, PartialEq)]
pub struct SubuserFormProps {
    /// The subuser to edit; a new one when absent.
    #[prop_or_default]
    pub existing: Option<SubuserDto>,
    /// The sender names and contact groups to offer.
    pub choices: Rc<GrantChoices>,
    /// Called with the subuser as the API stored it.
    pub on_saved: Callback<SubuserDto>,
    /// Shows a Cancel button that calls this.
    #[prop_or_default]
    pub on_cancel: Option<Callback<()>>,
}

/// E-mail, password and phone of a new subuser (phone alone when editing), and their
/// grants: portal parts, API scopes, sender names, contact groups, sending hours and the
/// monthly points limit.
#[component]
pub fn SubuserForm(props: &SubuserFormProps) -> Html {
    let texts = crate::hooks::use_i18n();
    let existing = props.existing.clone();
    let prefix = match &existing {
        Some(subuser) => format!("edit-{}", subuser.id),
        None => "new-subuser".to_owned(),
    };
    let call = use_form_call();
    let email = use_text_input("");
    let password = use_text_input("");
    let phone = use_text_input(
        existing
            .as_ref()
            .and_then(|s| s.phone.as_deref())
            .unwrap_or_default(),
    );
    let draft = {
        let existing = existing.clone();
        use_state(move || {
            let zone = browser_time_zone();
            match &existing {
                Some(subuser) => GrantsDraft::from_dto(&subuser.grants, &zone),
                None => GrantsDraft::new(&zone),
            }
        })
    };
    let problem = call.problem.clone();

    let change = |field: &'static str, apply: fn(&mut GrantsDraft, (String, bool))| {
        draft_change(&draft, &problem, field, apply)
    };
    let on_portal = change("portal", |d, (v, on)| {
        d.portal = toggle_value(&d.portal, &v, on)
    });
    let on_senders = change("senders", |d, (v, on)| {
        d.senders = toggle_value(&d.senders, &v, on)
    });
    let on_groups = change("contact_groups", |d, (v, on)| {
        d.contact_groups = toggle_value(&d.contact_groups, &v, on)
    });
    let on_days = change("sending_window.days", |d, (v, on)| {
        d.days = toggle_value(&d.days, &v, on)
    });
    let on_scope = draft_change(
        &draft,
        &problem,
        "scopes",
        |d, (scope, on): (Scope, bool)| d.scopes = toggle_scope(&d.scopes, scope, on),
    );
    let on_window = draft_change(&draft, &problem, "sending_window", |d, _: Event| {
        d.window_on = !d.window_on
    });
    let on_text = |field: &'static str, set: fn(&mut GrantsDraft, String)| {
        draft_change(&draft, &problem, field, set)
    };

    let onsubmit = {
        let (call, draft, on_saved) = (call.clone(), draft.clone(), props.on_saved.clone());
        let (email, password, phone) = (email.clone(), password.clone(), phone.clone());
        let existing = existing.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let login = existing
                .is_none()
                .then_some((email.value.as_str(), password.value.as_str()));
            let request = match subuser_request(login, &phone.value, &draft) {
                Ok(request) => request,
                Err(errors) => {
                    call.problem.set(api::client_validation_problem(errors));
                    return;
                }
            };
            let csrf = call.csrf_token();
            let on_saved = on_saved.clone();
            match (&existing, request) {
                (Some(subuser), SubuserRequest::Update(request)) => {
                    let id = subuser.id.clone();
                    call.run(
                        async move { api::update_subuser(&csrf, &id, &request).await },
                        move |saved| on_saved.emit(saved),
                    );
                }
                (_, SubuserRequest::Create(request)) => {
                    let (set_email, set_password, set_phone, draft) = (
                        email.set.clone(),
                        password.set.clone(),
                        phone.set.clone(),
                        draft.clone(),
                    );
                    call.run(
                        async move { api::create_subuser(&csrf, &request).await },
                        move |saved| {
                            set_email.emit(String::new());
                            set_password.emit(String::new());
                            set_phone.emit(String::new());
                            draft.set(GrantsDraft::new(&browser_time_zone()));
                            on_saved.emit(saved);
                        },
                    );
                }
                (None, SubuserRequest::Update(_)) => {}
            }
        })
    };

    let current = problem.get();
    let message = |field: &str| field_message(current, field);
    let banner = current
        .and_then(|p| banner(p, existing.is_none()))
        .map(AttrValue::from);
    let portal_options = Rc::new(
        PortalPermission::ALL
            .iter()
            .map(|p| CheckOption {
                value: p.as_str().into(),
                label: portal_label(*p, texts).into(),
                description: Some(p.description().into()),
            })
            .collect::<Vec<_>>(),
    );
    let sender_options = Rc::new(with_chosen(
        &props.choices.senders,
        &draft.senders,
        |name| CheckOption::plain(name.clone(), name.clone()),
    ));
    let group_names = &props.choices.groups;
    let group_options = Rc::new(with_chosen(
        &group_names
            .iter()
            .map(|(id, _)| id.clone())
            .collect::<Vec<_>>(),
        &draft.contact_groups,
        |id| {
            let name = group_names
                .iter()
                .find(|(group, _)| group == id)
                .map_or_else(|| id.clone(), |(_, name)| name.clone());
            CheckOption::plain(id.clone(), name)
        },
    ));
    let busy = call.busy();
    let (submit_text, busy_text) = if existing.is_some() {
        (texts.t("subusers-save-changes"), texts.t("subusers-saving"))
    } else {
        (
            texts.t("subusers-create-subuser"),
            texts.t("subusers-creating-subuser"),
        )
    };
    let id = |name: &str| AttrValue::from(format!("{prefix}-{name}"));

    html! {
        <form class="form subuser-form" {onsubmit} novalidate=true>
            <FormBanner message={banner} />
            if existing.is_none() {
                <TextField id={id("email")} label={texts.t("subusers-e-mail-address")} input_type="email"
                    autocomplete="off" placeholder={texts.t("subusers-branch-krakow-example-com")}
                    hint={texts.t("subusers-their-login-must-not")}
                    value={email.value.clone()}
                    on_change={problem.on_change(&email.set, "email")}
                    error={message("email")} />
                <TextField id={id("password")} label={texts.t("subusers-password")} input_type="password"
                    autocomplete="new-password" optional=true
                    hint={texts.t_args("subusers-password-hint", &[("policy", new_password_hint(texts).into())])}
                    value={password.value.clone()}
                    on_change={problem.on_change(&password.set, "password")}
                    error={message("password")} />
            }
            <TextField id={id("phone")} label={texts.t("subusers-mobile-phone")} input_type="tel" autocomplete="off"
                optional=true placeholder="+48500100200"
                hint={texts.t("subusers-their-sign-codes-international")}
                value={phone.value.clone()}
                on_change={problem.on_change(&phone.set, "phone")}
                error={message("phone")} />

            <section class="form-section">
                <h3>{ texts.t("subusers-portal") }</h3>
                <CheckboxGroup id={id("portal")} legend={texts.t("subusers-parts-portal-they-may")}
                    hint={texts.t("subusers-their-own-sessions-password")}
                    options={portal_options} chosen={Rc::new(draft.portal.clone())}
                    on_toggle={on_portal} error={message("portal")} />
            </section>
            <section class="form-section">
                <h3>{ texts.t("subusers-api") }</h3>
                <ScopePicker id={id("scopes")} name={id("scope")} chosen={draft.scopes.clone()}
                    on_toggle={on_scope} legend={texts.t("subusers-api-scopes")}
                    hint={texts.t("subusers-most-their-own-api")}
                    error={message("scopes")} />
            </section>
            <section class="form-section">
                <h3>{ texts.t("subusers-sender-names-contacts") }</h3>
                <CheckboxGroup id={id("senders")} legend={texts.t("subusers-sender-names-they-may")}
                    hint={texts.t("subusers-none-ticked-only-gateways")}
                    empty={texts.t("subusers-account-has-no-approved")}
                    options={sender_options} chosen={Rc::new(draft.senders.clone())}
                    on_toggle={on_senders} error={message("senders")} compact=true />
                <CheckboxGroup id={id("groups")} legend={texts.t("subusers-contact-groups-they-may")}
                    hint={texts.t("subusers-contacts-outside-these-groups")}
                    empty={texts.t("subusers-account-has-no-contact")}
                    options={group_options} chosen={Rc::new(draft.contact_groups.clone())}
                    on_toggle={on_groups} error={message("contact_groups")} />
            </section>
            <section class="form-section">
                <h3>{ texts.t("subusers-limits") }</h3>
                <label class="checkbox" for={id("window-on")}>
                    <input type="checkbox" id={id("window-on")} checked={draft.window_on}
                        onchange={on_window} />
                    { " " }{ texts.t("subusers-only-send-within-set") }
                </label>
                if draft.window_on {
                    <WindowFields id_prefix={AttrValue::from(prefix.clone())}
                        days={draft.days.clone()} start={draft.start.clone()}
                        end={draft.end.clone()} time_zone={draft.time_zone.clone()}
                        on_day={on_days}
                        on_start={on_text("sending_window.start", |d, v| d.start = v)}
                        on_end={on_text("sending_window.end", |d, v| d.end = v)}
                        on_time_zone={on_text("sending_window.time_zone", |d, v| d.time_zone = v)}
                        days_error={message("sending_window.days")}
                        start_error={message("sending_window.start")}
                        end_error={message("sending_window.end")}
                        time_zone_error={message("sending_window.time_zone")} />
                }
                <TextField id={id("points-limit")} label={texts.t("subusers-monthly-points-limit")} input_type="number"
                    inputmode="numeric" optional=true min="0"
                    hint={texts.t("subusers-points-they-may-spend")}
                    value={draft.points_limit.clone()}
                    on_change={on_text("monthly_points_limit", |d, v| d.points_limit = v)}
                    error={message("monthly_points_limit")} />
            </section>
            <div class="form-actions">
                <button type="submit" id={id("submit")} class="button" disabled={busy}>
                    { if busy { busy_text } else { submit_text } }
                </button>
                if let Some(on_cancel) = &props.on_cancel {
                    <button type="button" id={id("cancel")} class="button button--secondary"
                        disabled={busy} onclick={on_cancel.reform(|_: MouseEvent| ())}>
                        { texts.t("subusers-cancel") }
                    </button>
                }
            </div>
        </form>
    }
}

/// A callback that applies `apply` to the draft and forgets the errors about `field`
/// (under either of its names).
fn draft_change<T: 'static>(
    draft: &UseStateHandle<GrantsDraft>,
    problem: &FormProblem,
    field: &'static str,
    apply: fn(&mut GrantsDraft, T),
) -> Callback<T> {
    let (draft, problem) = (draft.clone(), problem.clone());
    Callback::from(move |value: T| {
        let mut next = (*draft).clone();
        apply(&mut next, value);
        draft.set(next);
        problem.clear_field(field);
        problem.clear_field(&format!("grants.{field}"));
    })
}

/// A create or an update, as the form makes it.
#[derive(Debug, Clone, PartialEq)]
pub enum SubuserRequest {
    Create(CreateSubuserRequest),
    Update(UpdateSubuserRequest),
}

/// The request the form's values make: a new subuser when `login` (e-mail, password)
/// is given, else new grants for an existing one. An empty password means an invitation.
pub fn subuser_request(
    login: Option<(&str, &str)>,
    phone: &str,
    draft: &GrantsDraft,
) -> Result<SubuserRequest, Vec<FieldError>> {
    let mut errors = Vec::new();
    let phone = phone.trim();
    if !phone.is_empty() {
        errors.extend(checks::check_phone_shape("phone", phone));
    }
    if let Some((email, password)) = login {
        errors.extend(checks::check_email("email", email.trim()));
        if !password.is_empty() {
            errors.extend(checks::check_password("password", password, email.trim()));
        }
    }
    let grants = draft.to_dto().unwrap_or_else(|mut more| {
        errors.append(&mut more);
        Default::default()
    });
    if !errors.is_empty() {
        return Err(errors);
    }
    let phone = (!phone.is_empty()).then(|| phone.to_owned());
    Ok(match login {
        Some((email, password)) => SubuserRequest::Create(CreateSubuserRequest {
            email: email.trim().to_owned(),
            password: (!password.is_empty()).then(|| password.to_owned()),
            phone,
            grants,
        }),
        None => SubuserRequest::Update(UpdateSubuserRequest { phone, grants }),
    })
}

/// A portal permission's name on its check box.
pub fn portal_label(permission: PortalPermission, texts: Texts) -> String {
    match permission {
        PortalPermission::Sms => texts.t("subusers-permission-sms"),
        PortalPermission::Contacts => texts.t("subusers-permission-contacts"),
        PortalPermission::ContactsRead => texts.t("subusers-permission-contacts-read"),
        PortalPermission::Senders => texts.t("subusers-permission-senders"),
        PortalPermission::Tokens => texts.t("subusers-permission-tokens"),
        PortalPermission::SecurityLog => texts.t("subusers-permission-security-log"),
    }
}

/// The options for `known`, followed by any chosen value the account no longer lists
/// (so editing never drops a grant silently).
fn with_chosen(
    known: &[String],
    chosen: &BTreeSet<String>,
    option: impl Fn(&String) -> CheckOption,
) -> Vec<CheckOption> {
    let mut options: Vec<CheckOption> = known.iter().map(&option).collect();
    options.extend(
        chosen
            .iter()
            .filter(|value| !known.contains(value))
            .map(&option),
    );
    options
}

/// The browser's time zone when the list offers it, else the default.
fn browser_time_zone() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        use super::grants::TIME_ZONES;
        use web_sys::js_sys::{Array, Intl, Object, Reflect};
        let options = Intl::DateTimeFormat::new(&Array::new(), &Object::new()).resolved_options();
        if let Some(zone) = Reflect::get(&options, &"timeZone".into())
            .ok()
            .and_then(|zone| zone.as_string())
        {
            if TIME_ZONES.iter().any(|(offered, _)| *offered == zone) {
                return zone;
            }
        }
    }
    DEFAULT_TIME_ZONE.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use portcullis_shared::validate::codes;

    fn draft() -> GrantsDraft {
        GrantsDraft::new("UTC")
    }

    #[test]
    fn an_empty_password_asks_for_an_invitation() {
        let request = subuser_request(Some((" ann@example.com ", "")), "", &draft()).unwrap();
        let SubuserRequest::Create(request) = request else {
            panic!("a create");
        };
        assert_eq!(request.email, "ann@example.com");
        assert_eq!(request.password, None);
        assert_eq!(request.phone, None);
    }

    #[test]
    fn the_login_fields_are_checked_before_asking_the_api() {
        let mut bad = draft();
        bad.points_limit = "many".into();
        let errors = subuser_request(Some(("ann", "short")), "12", &bad).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"email"), "{fields:?}");
        assert!(fields.contains(&"password"), "{fields:?}");
        assert!(fields.contains(&"phone"), "{fields:?}");
        assert!(
            fields.contains(&"grants.monthly_points_limit"),
            "{fields:?}"
        );
        assert!(errors.iter().any(|e| e.code == codes::INVALID_EMAIL));
    }

    #[test]
    fn editing_sends_the_phone_and_the_grants() {
        let mut grants = draft();
        grants.portal.insert("sms".into());
        let request = subuser_request(None, "+48500100200", &grants).unwrap();
        let SubuserRequest::Update(request) = request else {
            panic!("an update");
        };
        assert_eq!(request.phone.as_deref(), Some("+48500100200"));
        assert_eq!(request.grants.portal, [PortalPermission::Sms]);
    }

    #[test]
    fn errors_show_by_their_control_whichever_name_the_api_uses() {
        let problem = api::client_validation_problem(vec![
            FieldError::new("grants.senders[1]", "unknown_sender", "Not approved."),
            FieldError::new("sending_window.end", "x", "Too early."),
            FieldError::new("elsewhere", "x", "Other."),
        ])
        .unwrap();
        assert_eq!(
            field_message(Some(&problem), "senders").as_deref(),
            Some("Not approved.")
        );
        assert_eq!(
            field_message(Some(&problem), "sending_window.end").as_deref(),
            Some("Too early.")
        );
        assert_eq!(field_message(Some(&problem), "portal"), None);
        assert_eq!(banner(&problem, true).as_deref(), Some("Other."));
    }

    #[test]
    fn chosen_values_the_account_no_longer_lists_stay_offered() {
        let known = vec!["ACME".to_owned()];
        let chosen: BTreeSet<String> = ["OLD".to_owned()].into();
        let options = with_chosen(&known, &chosen, |v| {
            CheckOption::plain(v.clone(), v.clone())
        });
        let values: Vec<&str> = options.iter().map(|o| o.value.as_str()).collect();
        assert_eq!(values, ["ACME", "OLD"]);
    }
}
