//! The sign-in bundle (`portcullis-login`, served with login.html for `/login` and with
//! sign-in.html for any other page a browser without a session cookie opens): the pages a
//! visitor who is not signed in uses — log in with its code step and passkeys, sign up,
//! the password reset — and nothing else, so the first visit downloads a fraction of the
//! portal. Any other route (the dashboard a sign-in leads to, a signed-in page) is loaded
//! as a whole page once the session is known to be there, which brings the full portal
//! (`portcullis-web`, index.html); without a session it goes to the login page, as the
//! portal's own guard would. The pages are the portal's own components: only the entry
//! point differs.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::{PortalRoot, Route};
use crate::components::{AccountLoading, Layout, RequireAnonymous, ToLogin};
use crate::hooks::{use_i18n, use_session};
use crate::pages::{
    ForgotPasswordPage, LoginPage, NotFoundPage, ResetPasswordPage, SignupPage, VerifyEmailPage,
};
use crate::state::Session;

/// The sign-in bundle's page for `route`; the full portal's for every other route.
pub fn switch_signed_out(route: Route) -> Html {
    match route {
        Route::Login => html! { <RequireAnonymous><LoginPage /></RequireAnonymous> },
        Route::Signup => html! { <RequireAnonymous><SignupPage /></RequireAnonymous> },
        Route::ForgotPassword => {
            html! { <RequireAnonymous><ForgotPasswordPage /></RequireAnonymous> }
        }
        Route::ResetPassword => html! { <ResetPasswordPage /> },
        Route::VerifyEmail => html! { <VerifyEmailPage /> },
        // As in the portal, whoever asks: an unknown address is not a reason to sign in.
        Route::NotFound => html! { <NotFoundPage /> },
        _ => html! { <SignedInOnly /> },
    }
}

/// A page of the full portal: loaded as a whole page for a signed-in visitor (one who
/// followed a link from another site arrives here without the session cookie, though the
/// API still knows the session), the login page for anyone else.
#[component]
fn SignedInOnly() -> Html {
    let session = use_session();
    match &*session {
        Session::SignedIn(_) => html! { <LoadFullPortal /> },
        Session::Restoring => html! { <AccountLoading /> },
        Session::Anonymous => html! { <ToLogin /> },
    }
}

/// Loads the current address as a whole page: the server answers it with the full portal.
#[component]
fn LoadFullPortal() -> Html {
    let texts = use_i18n();
    use_effect_with((), |()| {
        if let Some(window) = web_sys::window() {
            let location = window.location();
            let here = format!(
                "{}{}{}",
                location.pathname().unwrap_or_else(|_| "/".to_owned()),
                location.search().unwrap_or_default(),
                location.hash().unwrap_or_default()
            );
            let _ = location.replace(&here);
        }
    });
    html! {
        <div class="card card--loading" role="status" aria-busy="true">
            <span class="spinner" aria-hidden="true"></span>
            { texts.t("guard-loading-portal") }
        </div>
    }
}

/// The sign-in bundle's application: the same frame, session, language and routing as the
/// portal's.
#[component]
pub fn SignInApp() -> Html {
    html! {
        <PortalRoot>
            <Layout>
                <Switch<Route> render={switch_signed_out} />
            </Layout>
        </PortalRoot>
    }
}
