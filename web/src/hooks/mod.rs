//! Custom hooks.

mod use_collection;
mod use_created;
mod use_entry_form;
mod use_form_call;
mod use_form_problem;
mod use_i18n;
mod use_logout;
mod use_removal;
mod use_session;
mod use_session_calls;
mod use_text_input;
mod use_toasts;
mod use_unsaved_guard;

pub use use_collection::{use_collection, Collection, CollectionAction, CollectionHandle, Keyed};
pub use use_created::{use_created, Created};
pub use use_entry_form::{use_entry_form, EntryForm};
pub use use_form_call::{use_form_call, FormCall};
pub use use_form_problem::{use_form_problem, FormProblem};
pub use use_i18n::{use_i18n, use_language};
pub use use_logout::{use_logout, Logout};
pub use use_removal::{use_confirmation, use_removal, Confirmation, Removal};
pub use use_session::use_session;
pub use use_session_calls::{use_session_calls, SessionCalls};
pub use use_text_input::{use_text_input, TextInput};
pub use use_toasts::{undo_call, use_toasts, ToastHandle};
pub use use_unsaved_guard::{use_unsaved_guard, UnsavedGuard};
