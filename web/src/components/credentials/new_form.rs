//! What the forms for a new credential share: the name and scope checks, and the state of
//! the name, scope and IP allowlist fields.

use std::collections::BTreeSet;

use portcullis_shared::problem::FieldError;
use portcullis_shared::scope::Scope;
use portcullis_shared::validate::codes;
use yew::prelude::*;

use super::ALLOWLIST_FIELD;
use crate::components::toggle_scope;
use crate::hooks::{use_text_input, FormProblem, TextInput};

/// The API's limit on credential names.
pub const NAME_MAX_CHARS: usize = 100;

/// The name as sent (trimmed), and what to fix first about it and the scopes. `noun` names
/// the credential in the message ("Give the token a name.").
pub fn name_and_scope_errors<'a>(
    name: &'a str,
    scopes: &BTreeSet<Scope>,
    noun: &str,
) -> (&'a str, Vec<FieldError>) {
    let mut errors = Vec::new();
    let name = name.trim();
    if name.is_empty() {
        errors.push(FieldError::new(
            "name",
            codes::REQUIRED,
            format!("Give the {noun} a name."),
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
}

impl CredentialFields {
    /// Empties the fields, once the credential is created.
    pub fn clear(&self) {
        self.name.set.emit(String::new());
        self.allowlist.set.emit(String::new());
        self.scopes.set(BTreeSet::new());
    }
}

/// State for the name, scopes and allowlist of a new credential's form, whose errors
/// `problem` shows.
#[hook]
pub fn use_credential_fields(problem: &FormProblem) -> CredentialFields {
    let name = use_text_input("");
    let scopes = use_state(BTreeSet::<Scope>::new);
    let allowlist = use_text_input("");
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
    }
}
