//! What the forms for a new credential share: the name and scope checks, and the state of
//! the name, scope and IP allowlist fields.

use std::collections::{BTreeMap, BTreeSet};

use portcullis_shared::problem::FieldError;
use portcullis_shared::scope::Scope;
use portcullis_shared::validate::codes;
use yew::prelude::*;

use super::{allowlist_entries, allowlist_message, ALLOWLIST_FIELD};
use crate::components::{
    browser_expiry_instant, toggle_scope, ExpiryFields, TextAreaField, TextField,
};
use crate::hooks::{use_i18n, use_text_input, FormProblem, TextInput};
use crate::i18n::{MessageId, Texts};

/// The API's limit on credential names.
pub const NAME_MAX_CHARS: usize = 100;

/// The name as sent (trimmed), and what to fix first about it and the scopes.
/// `name_required` is the kind's own words for an empty name ("Give the token a name.").
pub fn name_and_scope_errors<'a>(
    name: &'a str,
    scopes: &BTreeSet<Scope>,
    name_required: MessageId,
    texts: Texts,
) -> (&'a str, Vec<FieldError>) {
    let mut errors = Vec::new();
    let name = name.trim();
    if name.is_empty() {
        errors.push(FieldError::new(
            "name",
            codes::REQUIRED,
            texts.msg(name_required),
        ));
    } else if name.chars().count() > NAME_MAX_CHARS {
        errors.push(FieldError::new(
            "name",
            codes::TOO_LONG,
            texts.t_args(
                "credentials-name-too-long",
                &[("max", NAME_MAX_CHARS.into())],
            ),
        ));
    }
    if scopes.is_empty() {
        errors.push(FieldError::new(
            "scopes",
            codes::REQUIRED,
            texts.t("credentials-scopes-required"),
        ));
    }
    (name, errors)
}

/// The fields every new credential has: its name, its scopes and its IP allowlist.
#[derive(Clone)]
pub struct CredentialFields {
    pub name: TextInput,
    /// The scopes ticked so far.
    pub scopes: UseStateHandle<BTreeSet<Scope>>,
    /// The check boxes' toggle callback (it also clears the scopes' error).
    pub on_scope: Callback<(Scope, bool)>,
    /// The IP allowlist text area's value.
    pub allowlist: TextInput,
    /// Its change callback (it also clears the allowlist's errors).
    pub on_allowlist: Callback<String>,
    /// Addresses allowed only for a while, one a line.
    pub temporary: TextInput,
    /// How long they are allowed (see [`ExpiryFields`]).
    pub temporary_for: TextInput,
    /// Their chosen end, for "until a date and time".
    pub temporary_until: TextInput,
    /// The words the fields are labelled in.
    pub texts: Texts,
}

/// The request field of the temporary entries' end.
const EXPIRIES_FIELD: &str = "ip_allowlist_expires_at";

/// The allowlist to send: the permanent entries, then the temporary ones, and when each
/// temporary one ends (`until`; `None` makes them permanent too).
pub fn combined_allowlist(
    permanent: &str,
    temporary: &str,
    until: Option<String>,
) -> (Vec<String>, BTreeMap<String, String>) {
    let temporary = allowlist_entries(temporary);
    let expiries = match until {
        Some(until) => temporary
            .iter()
            .map(|entry| (entry.clone(), until.clone()))
            .collect(),
        None => BTreeMap::new(),
    };
    let mut entries = allowlist_entries(permanent);
    entries.extend(temporary);
    (entries, expiries)
}

impl CredentialFields {
    /// Empties the fields, once the credential is created.
    pub fn clear(&self) {
        self.name.set.emit(String::new());
        self.allowlist.set.emit(String::new());
        self.temporary.set.emit(String::new());
        self.temporary_until.set.emit(String::new());
        self.scopes.set(BTreeSet::new());
    }

    /// The allowlist and its expiries as the form holds them (see [`combined_allowlist`]).
    pub fn allowlist_request(&self) -> Result<(Vec<String>, BTreeMap<String, String>), FieldError> {
        let until = if allowlist_entries(&self.temporary.value).is_empty() {
            None
        } else {
            browser_expiry_instant(
                &self.temporary_for.value,
                &self.temporary_until.value,
                EXPIRIES_FIELD,
            )?
        };
        Ok(combined_allowlist(
            &self.allowlist.value,
            &self.temporary.value,
            until,
        ))
    }
}

impl CredentialFields {
    /// The name field, `#<id_prefix>-name`, whose errors `problem` shows.
    pub fn name_field(&self, id_prefix: &str, placeholder: String, problem: &FormProblem) -> Html {
        let texts = self.texts;
        html! {
            <TextField id={format!("{id_prefix}-name")} label={texts.t("credentials-name")} autocomplete="off"
                {placeholder}
                hint={texts.t("credentials-something-recognise-like-system")}
                value={self.name.value.clone()}
                on_change={problem.on_change(&self.name.set, "name")}
                error={problem.field_message("name")} />
        }
    }

    /// The IP allowlist text area, `#<id_prefix>-allowlist`: one entry a line, each
    /// entry's error named by its line.
    pub fn allowlist_field(&self, id_prefix: &str, hint: String, problem: &FormProblem) -> Html {
        let texts = self.texts;
        let error = problem
            .get()
            .and_then(|p| allowlist_message(p, &self.allowlist.value))
            .map(AttrValue::from);
        html! {
            <TextAreaField id={format!("{id_prefix}-allowlist")} label={texts.t("credentials-ip-allowlist")} optional=true
                rows=3 placeholder={"203.0.113.7\n10.0.0.0/24\n2001:db8::/32"} {hint}
                value={self.allowlist.value.clone()}
                on_change={self.on_allowlist.clone()}
                {error} />
        }
    }

    /// Addresses allowed only for a while (`#<id_prefix>-temporary`) and how long, in a
    /// section that stays folded until wanted.
    pub fn temporary_allowlist_field(&self, id_prefix: &str, problem: &FormProblem) -> Html {
        let texts = self.texts;
        let error = problem
            .get()
            .and_then(|p| {
                p.errors
                    .iter()
                    .find(|e| e.field.starts_with(EXPIRIES_FIELD))
                    .map(|e| e.message.clone())
            })
            .map(AttrValue::from);
        html! {
            <details class="temporary-allowlist" id={format!("{id_prefix}-temporary-section")}
                open={!self.temporary.value.is_empty()}>
                <summary>{ texts.t("credentials-allow-more-addresses-while") }</summary>
                <TextAreaField id={format!("{id_prefix}-temporary")} label={texts.t("credentials-temporary-addresses")}
                    optional=true rows=2 placeholder={"198.51.100.7"}
                    hint={texts.t("credentials-hotel-conference-network-allowed")}
                    value={self.temporary.value.clone()}
                    on_change={self.temporary.set.clone()} />
                <ExpiryFields id_prefix={format!("{id_prefix}-temporary")} label={texts.t("credentials-allowed")}
                    choice={self.temporary_for.clone()} custom={self.temporary_until.clone()}
                    {error} />
            </details>
        }
    }
}

/// State for the name, scopes and allowlist of a new credential's form, whose errors
/// `problem` shows.
#[hook]
pub fn use_credential_fields(problem: &FormProblem) -> CredentialFields {
    let texts = use_i18n();
    let name = use_text_input("");
    let scopes = use_state(BTreeSet::<Scope>::new);
    let allowlist = use_text_input("");
    let temporary = use_text_input("");
    let temporary_for = use_text_input("86400");
    let temporary_until = use_text_input("");
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
    CredentialFields {
        name,
        scopes,
        on_scope,
        allowlist,
        on_allowlist,
        temporary,
        temporary_for,
        temporary_until,
        texts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_entries_follow_the_permanent_ones_with_their_end() {
        let (entries, expiries) = combined_allowlist(
            "10.0.0.0/8",
            "198.51.100.7, 203.0.113.0/24",
            Some("2026-12-11T18:00:00.000Z".into()),
        );
        assert_eq!(entries, ["10.0.0.0/8", "198.51.100.7", "203.0.113.0/24"]);
        assert_eq!(expiries.len(), 2);
        assert_eq!(expiries["198.51.100.7"], "2026-12-11T18:00:00.000Z");
        let (entries, expiries) = combined_allowlist("10.0.0.0/8", "198.51.100.7", None);
        assert_eq!(entries, ["10.0.0.0/8", "198.51.100.7"]);
        assert!(expiries.is_empty(), "permanently");
    }
}
