//! What the forms for a new credential share: the name and scope checks, the scope check
//! boxes' state and the IP allowlist text area's state.

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

/// The scopes ticked so far, and the check boxes' toggle callback (which also clears the
/// scopes' error).
#[hook]
pub fn use_scope_choice(
    problem: &FormProblem,
) -> (UseStateHandle<BTreeSet<Scope>>, Callback<(Scope, bool)>) {
    let scopes = use_state(BTreeSet::<Scope>::new);
    let on_toggle = {
        let (scopes, problem) = (scopes.clone(), problem.clone());
        Callback::from(move |(scope, checked): (Scope, bool)| {
            scopes.set(toggle_scope(&scopes, scope, checked));
            problem.clear_field("scopes");
        })
    };
    (scopes, on_toggle)
}

/// The IP allowlist text area's value, and its change callback (which also clears the
/// allowlist's errors).
#[hook]
pub fn use_allowlist_input(problem: &FormProblem) -> (TextInput, Callback<String>) {
    let allowlist = use_text_input("");
    let on_change = {
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
    (allowlist, on_change)
}
