//! Routes and the application root.

use portcullis_shared::{capability::Capability, dto::AccessDto};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::{Layout, RequireAnonymous, RequireSession, ToastProvider};
use crate::i18n::Texts;
use crate::pages::ActivityPage;
use crate::pages::{
    ApiAllowlistPage, ContactsPage, CountryFilterPage, DashboardPage, ForgotPasswordPage,
    LoginPage, NotFoundPage, OAuthClientsPage, PasswordPage, PortalAllowlistPage,
    ResetPasswordPage, SecurityLogPage, SendSmsPage, SendersPage, SessionsPage, SignupPage,
    SubuserSecurityLogPage, SubusersPage, TokensPage, TwoFactorPage, VerifyEmailPage,
};
use crate::state::{LanguageProvider, SessionProvider};

/// The login page's query when the portal sent the visitor there because their session
/// had ended (`/login?signed-out`): the page says so.
pub const SIGNED_OUT_QUERY: &str = "signed-out";

/// The login page's query naming the page a signed-out visitor was on
/// (`/login?next=%2Ftokens`): signed in, they go back there instead of the dashboard.
pub const NEXT_QUERY: &str = "next";

/// Where a sign-in leads: the signed-in page `next` names (a path of the portal), else
/// the dashboard. Only a page of this portal can be named, so the query cannot send
/// anyone elsewhere.
pub fn after_sign_in(next: Option<&str>) -> Route {
    next.and_then(Route::recognize)
        .filter(|route| route.access().is_some())
        .unwrap_or(Route::Dashboard)
}

/// The id of index.html's loading state, painted while the wasm downloads.
pub const LOADING_ID: &str = "app-loading";

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
    /// Where a sign-up link lands (`?token=…`): confirm the e-mail, create the account.
    #[at("/verify-email")]
    VerifyEmail,
    /// Where a reset link lands (`?token=…`): choose the new password.
    #[at("/reset-password")]
    ResetPassword,
    /// Two-factor sign-in settings and trusted devices.
    #[at("/security/two-factor")]
    TwoFactor,
    /// Where the new sign-in e-mail points: the same page, for its trusted devices.
    #[at("/devices")]
    Devices,
    /// Send a text message and see the messages sent.
    #[at("/send")]
    SendSms,
    /// The contact database: search, groups, add/change/delete, CSV import and export.
    #[at("/contacts")]
    Contacts,
    /// Sender names: request one, see where each stands, delete one.
    #[at("/senders")]
    Senders,
    /// The account's subusers (owner only): list, create, edit, disable, delete.
    #[at("/subusers")]
    Subusers,
    /// One subuser's entries of the security log (owner only).
    #[at("/subusers/:id/security-log")]
    SubuserSecurityLog { id: String },
    /// Charts of points spent, sign-ins, refused API calls and destinations.
    #[at("/activity")]
    Activity,
    #[not_found]
    #[at("/404")]
    NotFound,
}

impl Route {
    /// What the page is for, from the capability table the API decides with;
    /// `None` for pages anyone may open, signed in or not. The API refuses the
    /// same logins; this only spares them a page of refusals.
    pub fn access(&self) -> Option<Capability> {
        match self {
            Route::Login
            | Route::Signup
            | Route::ForgotPassword
            | Route::ResetPassword
            | Route::VerifyEmail
            | Route::NotFound => None,
            Route::Dashboard => Some(Capability::ReadMe),
            Route::Sessions => Some(Capability::ManageSessions),
            Route::Password => Some(Capability::ChangePassword),
            Route::TwoFactor | Route::Devices => Some(Capability::ManageTwoFactor),
            // The portal allowlist page sits with the account-wide settings.
            Route::ApiAllowlist | Route::CountryFilter | Route::PortalAllowlist => {
                Some(Capability::ManageAccountSettings)
            }
            Route::Subusers | Route::SubuserSecurityLog { .. } => Some(Capability::ManageSubusers),
            Route::Tokens | Route::OAuthClients => Some(Capability::ManageTokens),
            Route::SecurityLog => Some(Capability::ReadSecurityLog),
            Route::SendSms => Some(Capability::SendSms),
            Route::Contacts => Some(Capability::ReadContacts),
            Route::Senders => Some(Capability::ReadSenders),
            Route::Activity => Some(Capability::ReadActivity),
        }
    }

    /// True when the signed-in login with `access` may open this page.
    pub fn allowed_for(&self, access: &AccessDto) -> bool {
        self.access()
            .is_none_or(|capability| access.may(capability))
    }

    /// The page's title, for the browser's tab and history (`… · Portcullis`).
    pub fn title(&self, texts: Texts) -> String {
        match self {
            Route::Dashboard => texts.t("page-title-dashboard"),
            Route::Tokens => texts.t("page-title-tokens"),
            Route::ApiAllowlist => texts.t("page-title-api-allowlist"),
            Route::OAuthClients => texts.t("page-title-oauth-clients"),
            Route::CountryFilter => texts.t("page-title-countries"),
            Route::Login => texts.t("page-title-login"),
            Route::Signup => texts.t("page-title-signup"),
            Route::SecurityLog => texts.t("page-title-security-log"),
            Route::Sessions => texts.t("page-title-sessions"),
            Route::PortalAllowlist => texts.t("page-title-portal-allowlist"),
            Route::Password => texts.t("page-title-password"),
            Route::ForgotPassword => texts.t("page-title-forgot-password"),
            Route::VerifyEmail => texts.t("page-title-verify-email"),
            Route::ResetPassword => texts.t("page-title-reset-password"),
            Route::TwoFactor | Route::Devices => texts.t("page-title-two-factor"),
            Route::SendSms => texts.t("page-title-send-sms"),
            Route::Contacts => texts.t("page-title-contacts"),
            Route::Senders => texts.t("page-title-senders"),
            Route::Subusers => texts.t("page-title-subusers"),
            Route::SubuserSecurityLog { .. } => texts.t("page-title-subuser-security-log"),
            Route::NotFound => texts.t("page-title-not-found"),
            Route::Activity => texts.t("page-title-activity"),
        }
    }

    /// The page a route shows, for marking the current tab (`/devices` is the two-factor page).
    pub fn page(&self) -> Route {
        match self {
            Route::Devices => Route::TwoFactor,
            other => other.clone(),
        }
    }
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
        Route::VerifyEmail => html! { <VerifyEmailPage /> },
        Route::TwoFactor | Route::Devices => {
            html! { <RequireSession><TwoFactorPage /></RequireSession> }
        }
        Route::SendSms => html! { <RequireSession><SendSmsPage /></RequireSession> },
        Route::Contacts => html! { <RequireSession><ContactsPage /></RequireSession> },
        Route::Senders => html! { <RequireSession><SendersPage /></RequireSession> },
        Route::Subusers => html! { <RequireSession><SubusersPage /></RequireSession> },
        Route::SubuserSecurityLog { id } => html! {
            <RequireSession><SubuserSecurityLogPage id={AttrValue::from(id)} /></RequireSession>
        },
        Route::NotFound => html! { <NotFoundPage /> },
        Route::Activity => html! { <RequireSession><ActivityPage /></RequireSession> },
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

/// Takes index.html's loading state (or login.html's static form) out of the page, once the
/// app's first render is in it; what was typed into the static form carries over.
pub fn remove_loading_state() {
    let document = web_sys::window().and_then(|window| window.document());
    if let Some(loading) = document.and_then(|d| d.get_element_by_id(LOADING_ID)) {
        crate::pages::keep_typed_before_mount();
        loading.remove();
    }
}

/// Props of [`PortalRoot`].
#[derive(Properties, PartialEq)]
pub struct PortalRootProps {
    #[prop_or_default]
    pub children: Html,
}

/// What every bundle's pages stand in: history-API routing, a session restored from the
/// API, the language chosen and the toasts; index.html's loading state taken out once it
/// renders.
#[component]
pub fn PortalRoot(props: &PortalRootProps) -> Html {
    use_effect_with((), |()| remove_loading_state());
    html! {
        <BrowserRouter>
            <SessionProvider>
                <LanguageProvider>
                    <ToastProvider>
                        { props.children.clone() }
                    </ToastProvider>
                </LanguageProvider>
            </SessionProvider>
        </BrowserRouter>
    }
}

/// The browser application: the whole portal.
#[component]
pub fn App() -> Html {
    html! { <PortalRoot><AppShell /></PortalRoot> }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portcullis_shared::dto::{PortalPermission, Role};

    #[test]
    fn a_sign_in_returns_to_a_page_of_the_portal_and_nowhere_else() {
        assert_eq!(after_sign_in(Some("/tokens")), Route::Tokens);
        assert_eq!(
            after_sign_in(Some("/subusers/sub_1/security-log")),
            Route::SubuserSecurityLog { id: "sub_1".into() }
        );
        for elsewhere in [
            None,
            Some("https://evil.example/tokens"),
            Some("//evil.example/tokens"),
            Some("/login"),
            Some("/no/such/page"),
            Some(""),
        ] {
            assert_eq!(after_sign_in(elsewhere), Route::Dashboard, "{elsewhere:?}");
        }
    }

    fn subuser(portal: &[PortalPermission]) -> AccessDto {
        AccessDto {
            role: Role::Subuser,
            account_id: "acc_1".into(),
            portal: portal.to_vec(),
            scopes: Vec::new(),
            senders: Vec::new(),
        }
    }

    #[test]
    fn the_owner_may_open_every_page() {
        let owner = AccessDto::owner("acc_1");
        for route in [
            Route::Subusers,
            Route::CountryFilter,
            Route::ApiAllowlist,
            Route::PortalAllowlist,
            Route::Tokens,
            Route::SendSms,
            Route::SecurityLog,
        ] {
            assert!(route.allowed_for(&owner), "{route:?}");
        }
    }

    #[test]
    fn a_subuser_opens_their_own_pages_and_what_they_were_granted() {
        let sms_only = subuser(&[PortalPermission::Sms]);
        for route in [
            Route::Dashboard,
            Route::Sessions,
            Route::Password,
            Route::TwoFactor,
            Route::SendSms,
            Route::Activity,
        ] {
            assert!(route.allowed_for(&sms_only), "{route:?}");
        }
        for route in [
            Route::Tokens,
            Route::OAuthClients,
            Route::SecurityLog,
            Route::Subusers,
            Route::SubuserSecurityLog { id: "sub_1".into() },
            Route::ApiAllowlist,
            Route::PortalAllowlist,
            Route::CountryFilter,
        ] {
            assert!(!route.allowed_for(&sms_only), "{route:?}");
        }
        let tokens = subuser(&[PortalPermission::Tokens, PortalPermission::SecurityLog]);
        assert!(Route::Tokens.allowed_for(&tokens));
        assert!(Route::OAuthClients.allowed_for(&tokens));
        assert!(Route::SecurityLog.allowed_for(&tokens));
        assert!(!Route::ApiAllowlist.allowed_for(&tokens), "account-wide");
        assert!(!Route::SendSms.allowed_for(&tokens));
    }
}
