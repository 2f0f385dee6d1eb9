//! Routes and the application root.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::{Layout, RequireAnonymous, RequireSession};
use crate::pages::{
    ApiAllowlistPage, CountryFilterPage, DashboardPage, ForgotPasswordPage, LoginPage,
    NotFoundPage, OAuthClientsPage, PasswordPage, PortalAllowlistPage, ResetPasswordPage,
    SecurityLogPage, SessionsPage, SignupPage, TokensPage, TwoFactorPage,
};
use crate::state::SessionProvider;

/// Every page of the portal.
#[derive(Routable, Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// The signed-in account's overview.
    #[at("/")]
    Dashboard,
    /// API tokens: list, create, disable, delete.
    #[at("/tokens")]
    Tokens,
    /// The account's API IP allowlist.
    #[at("/api-allowlist")]
    ApiAllowlist,
    /// OAuth2 clients (client_credentials grant): list, register, disable, delete.
    #[at("/oauth-clients")]
    OAuthClients,
    /// The destination countries messages may go to.
    #[at("/country-filter")]
    CountryFilter,
    #[at("/login")]
    Login,
    #[at("/signup")]
    Signup,
    /// The account's security events, filterable and exportable.
    #[at("/security-log")]
    SecurityLog,
    /// Live sessions, the login history and the inactivity timeout.
    #[at("/sessions")]
    Sessions,
    /// Where the portal may be used from.
    #[at("/portal-allowlist")]
    PortalAllowlist,
    /// Change the password; the "new password every 30 days" policy.
    #[at("/password")]
    Password,
    /// Ask for a password reset link by e-mail.
    #[at("/forgot-password")]
    ForgotPassword,
    /// Where a reset link lands (`?token=…`): choose the new password.
    #[at("/reset-password")]
    ResetPassword,
    /// Two-factor sign-in settings and trusted devices.
    #[at("/security/two-factor")]
    TwoFactor,
    /// Where the new sign-in e-mail points: the same page, for its trusted devices.
    #[at("/devices")]
    Devices,
    #[not_found]
    #[at("/404")]
    NotFound,
}

/// Renders the page for `route`, behind the guard it needs.
pub fn switch(route: Route) -> Html {
    match route {
        Route::Dashboard => html! { <RequireSession><DashboardPage /></RequireSession> },
        Route::Tokens => html! { <RequireSession><TokensPage /></RequireSession> },
        Route::ApiAllowlist => html! { <RequireSession><ApiAllowlistPage /></RequireSession> },
        Route::OAuthClients => html! { <RequireSession><OAuthClientsPage /></RequireSession> },
        Route::CountryFilter => html! { <RequireSession><CountryFilterPage /></RequireSession> },
        Route::Login => html! { <RequireAnonymous><LoginPage /></RequireAnonymous> },
        Route::Signup => html! { <RequireAnonymous><SignupPage /></RequireAnonymous> },
        Route::SecurityLog => html! { <RequireSession><SecurityLogPage /></RequireSession> },
        Route::Sessions => html! { <RequireSession><SessionsPage /></RequireSession> },
        Route::PortalAllowlist => {
            html! { <RequireSession><PortalAllowlistPage /></RequireSession> }
        }
        Route::Password => html! { <RequireSession><PasswordPage /></RequireSession> },
        Route::ForgotPassword => {
            html! { <RequireAnonymous><ForgotPasswordPage /></RequireAnonymous> }
        }
        Route::ResetPassword => html! { <ResetPasswordPage /> },
        Route::TwoFactor | Route::Devices => {
            html! { <RequireSession><TwoFactorPage /></RequireSession> }
        }
        Route::NotFound => html! { <NotFoundPage /> },
    }
}

/// The portal inside a router and a [`SessionProvider`]: layout and the routed page.
#[component]
pub fn AppShell() -> Html {
    html! {
        <Layout>
            <Switch<Route> render={switch} />
        </Layout>
    }
}

/// The browser application: history-API routing and a session restored from the API.
#[component]
pub fn App() -> Html {
    html! {
        <BrowserRouter>
            <SessionProvider>
                <AppShell />
            </SessionProvider>
        </BrowserRouter>
    }
}
