use portcullis_shared::problem::{Problem, ProblemCode};
use yew::prelude::*;

use crate::components::banner_message;

/// The problem a form currently shows: from the portal's own checks or from the API.
#[derive(Clone, PartialEq)]
pub struct FormProblem {
    state: UseStateHandle<Option<Problem>>,
}

impl FormProblem {
    /// The problem shown, if any.
    pub fn get(&self) -> Option<&Problem> {
        self.state.as_ref()
    }

    /// The message to show next to `field`, if any.
    pub fn field_message(&self, field: &str) -> Option<AttrValue> {
        self.get()
            .and_then(|problem| problem.field_message(field))
            .map(AttrValue::from)
    }

    /// The banner above a form that shows `form_fields` next to their controls: what no
    /// field shows (see [`banner_message`]).
    pub fn banner(&self, form_fields: &[&str]) -> Option<AttrValue> {
        self.get()
            .and_then(|problem| banner_message(problem, form_fields))
            .map(AttrValue::from)
    }

    /// Replaces the problem shown (`None` clears it, e.g. on a new submit).
    pub fn set(&self, problem: Option<Problem>) {
        self.state.set(problem);
    }

    /// Forgets the errors about `field`, once the user edits it.
    pub fn clear_field(&self, field: &str) {
        if let Some(problem) = self.get() {
            if problem.field_message(field).is_some() {
                self.state.set(without_field(problem, field));
            }
        }
    }

    /// A field's change callback: stores the value and clears the field's error.
    pub fn on_change(&self, set_value: &Callback<String>, field: &'static str) -> Callback<String> {
        let form = self.clone();
        let set_value = set_value.clone();
        Callback::from(move |value: String| {
            set_value.emit(value);
            form.clear_field(field);
        })
    }
}

/// `problem` without the errors about `field`; `None` once nothing is left to show.
fn without_field(problem: &Problem, field: &str) -> Option<Problem> {
    let mut rest = problem.clone();
    rest.errors.retain(|error| error.field != field);
    let nothing_left = rest.errors.is_empty() && rest.code == ProblemCode::ValidationFailed;
    (!nothing_left).then_some(rest)
}

/// State for the problem a form shows.
#[hook]
pub fn use_form_problem() -> FormProblem {
    FormProblem {
        state: use_state(|| None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::client_validation_problem;
    use portcullis_shared::validate::{check_country, check_email};

    #[test]
    fn clearing_the_last_field_error_clears_the_problem() {
        let both = client_validation_problem(vec![
            check_email("email", "x").unwrap(),
            check_country("country", "").unwrap(),
        ])
        .unwrap();
        let rest = without_field(&both, "email").unwrap();
        assert_eq!(rest.field_message("email"), None);
        assert!(rest.field_message("country").is_some());
        assert_eq!(without_field(&rest, "country"), None);
    }

    #[test]
    fn a_refusal_that_is_not_about_fields_stays() {
        let mut refusal =
            client_validation_problem(vec![check_email("email", "x").unwrap()]).unwrap();
        refusal.code = ProblemCode::Conflict;
        let rest = without_field(&refusal, "email").unwrap();
        assert_eq!(rest.code, ProblemCode::Conflict);
    }
}
