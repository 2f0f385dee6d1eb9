//! Custom hooks.

mod use_form_problem;
mod use_session;
mod use_text_input;

pub use use_form_problem::{use_form_problem, FormProblem};
pub use use_session::use_session;
pub use use_text_input::{use_text_input, TextInput};
