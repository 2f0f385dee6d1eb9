use portcullis_shared::problem::Problem;
use yew::prelude::*;

use crate::api::ApiError;
use crate::hooks::use_session;
use crate::state::{SessionAction, SessionContext};

/// What a signed-in page needs to change things through the API: the session's CSRF token,
/// and a way to read a failure that also notices the session has ended.
#[derive(Clone, PartialEq)]
pub struct SessionCalls {
    csrf_token: AttrValue,
    session: SessionContext,
}

impl SessionCalls {
    /// The value for the `X-CSRF-Token` header (empty when not signed in: the API refuses).
    pub fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    /// The problem to show for a failed call. When the API says the session is gone, the
    /// portal signs out, and the route guard then opens the login page.
    pub fn problem(&self, error: ApiError) -> Problem {
        if error.is_signed_out() {
            self.session.dispatch(SessionAction::SignedOut);
        }
        error.into_problem()
    }
}

/// The [`SessionCalls`] of the current session. Must be called under a
/// [`crate::state::SessionProvider`].
#[hook]
pub fn use_session_calls() -> SessionCalls {
    let session = use_session();
    let csrf_token = session
        .me()
        .map(|me| AttrValue::from(me.session.csrf_token.clone()))
        .unwrap_or_default();
    SessionCalls {
        csrf_token,
        session,
    }
}
