//! The sign-in bundle (`portcullis-login`, served with login.html for `/login`): the pages
//! a visitor who is not signed in uses — log in with its code step and passkeys, sign up,
//! the password reset — and nothing else, so the first visit downloads a fraction of the
//! portal. Every other route (the dashboard a sign-in leads to, any signed-in page) is
//! loaded as a whole page, which brings the full portal (`portcullis-web`, index.html).
//! The pages are the portal's own components: only the entry point differs.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::{PortalRoot, Route};
use crate::components::{Layout, RequireAnonymous};
use crate::hooks::use_i18n;
use crate::pages::{ForgotPasswordPage, LoginPage, ResetPasswordPage, SignupPage, VerifyEmailPage};

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
        _ => html! { <LoadFullPortal /> },
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
