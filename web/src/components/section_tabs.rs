//! The tabs between the pages of one nav section ("Messaging", "API access", "Security"): only the
//! pages the signed-in login may open, the current one marked.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::hooks::use_session;

/// One tab: the page, its text, and the id of that text.
pub type Tab = (Route, &'static str, &'static str);

/// The API access pages, in tab order.
pub const API_ACCESS_TABS: &[Tab] = &[
    (Route::Tokens, "Tokens", "tab-tokens"),
    (Route::OAuthClients, "OAuth2 clients", "tab-oauth-clients"),
    (Route::ApiAllowlist, "IP allowlist", "tab-api-allowlist"),
];

/// The messaging pages, in tab order.
pub const MESSAGING_TABS: &[Tab] = &[
    (Route::SendSms, "Send SMS", "tab-send-sms"),
    (Route::Contacts, "Contacts", "tab-contacts"),
    (Route::Senders, "Sender names", "tab-senders"),
];

/// The security pages, in tab order.
pub const SECURITY_TABS: &[Tab] = &[
    (Route::Sessions, "Sessions", "tab-sessions"),
    (Route::TwoFactor, "Two-factor", "tab-two-factor"),
    (Route::Password, "Password", "tab-password"),
    (
        Route::PortalAllowlist,
        "Portal allowlist",
        "tab-portal-allowlist",
    ),
    (Route::SecurityLog, "Security log", "tab-security-log"),
];

/// True when `route` shows one of the pages of `tabs` (the nav marks the section).
pub fn in_section(tabs: &[Tab], route: &Route) -> bool {
    let page = route.page();
    tabs.iter().any(|(target, _, _)| *target == page)
}

/// Props of [`SectionTabs`].
#[derive(Properties, PartialEq)]
pub struct SectionTabsProps {
    /// The section's name, for screen readers.
    pub label: AttrValue,
    /// The section's pages.
    pub tabs: &'static [Tab],
}

/// A tab per page of the section that the signed-in login may open.
#[component]
pub fn SectionTabs(props: &SectionTabsProps) -> Html {
    let session = use_session();
    let route = use_route::<Route>().map(|route| route.page());
    let tabs = props
        .tabs
        .iter()
        .filter(|(target, _, _)| session.me().is_some_and(|me| target.allowed_for(&me.access)))
        .map(|(target, text, id)| {
            let current = route.as_ref() == Some(target);
            html! {
                <Link<Route> to={target.clone()} classes={classes!("tab", current.then_some("tab--current"))}>
                    <span id={*id}>{ *text }</span>
                </Link<Route>>
            }
        });
    html! {
        <nav class="tabs" aria-label={props.label.clone()}>{ for tabs }</nav>
    }
}

/// "Tokens", "OAuth2 clients" and "IP allowlist".
#[component]
pub fn ApiAccessTabs() -> Html {
    html! { <SectionTabs label="API access" tabs={API_ACCESS_TABS} /> }
}

/// "Send SMS", "Contacts" and "Sender names".
#[component]
pub fn MessagingTabs() -> Html {
    html! { <SectionTabs label="Messaging" tabs={MESSAGING_TABS} /> }
}

/// "Sessions", "Two-factor", "Password", "Portal allowlist" and "Security log".
#[component]
pub fn SecurityTabs() -> Html {
    html! { <SectionTabs label="Security" tabs={SECURITY_TABS} /> }
}
