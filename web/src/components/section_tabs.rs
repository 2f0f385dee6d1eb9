//! The tabs between the pages of one nav section ("Messaging", "API access", "Security"): only the
//! pages the signed-in login may open, the current one marked.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::hooks::{use_i18n, use_session};
use crate::i18n::Texts;

/// One tab: the page, and the id of the element holding its text.
pub type Tab = (Route, &'static str);

/// The API access pages, in tab order.
pub const API_ACCESS_TABS: &[Tab] = &[
    (Route::Tokens, "tab-tokens"),
    (Route::OAuthClients, "tab-oauth-clients"),
    (Route::ApiAllowlist, "tab-api-allowlist"),
];

/// The messaging pages, in tab order.
pub const MESSAGING_TABS: &[Tab] = &[
    (Route::SendSms, "tab-send-sms"),
    (Route::Contacts, "tab-contacts"),
    (Route::Senders, "tab-senders"),
];

/// The security pages, in tab order.
pub const SECURITY_TABS: &[Tab] = &[
    (Route::Sessions, "tab-sessions"),
    (Route::TwoFactor, "tab-two-factor"),
    (Route::Password, "tab-password"),
    (Route::PortalAllowlist, "tab-portal-allowlist"),
    (Route::SecurityLog, "tab-security-log"),
];

/// The text of `route`'s tab (shorter than its title: the section says the rest).
fn tab_text(route: &Route, texts: Texts) -> String {
    match route {
        Route::Tokens => texts.t("tab-tokens"),
        Route::OAuthClients => texts.t("tab-oauth-clients"),
        Route::ApiAllowlist => texts.t("tab-api-allowlist"),
        Route::SendSms => texts.t("tab-send-sms"),
        Route::Contacts => texts.t("tab-contacts"),
        Route::Senders => texts.t("tab-senders"),
        Route::Sessions => texts.t("tab-sessions"),
        Route::TwoFactor => texts.t("tab-two-factor"),
        Route::Password => texts.t("tab-password"),
        Route::PortalAllowlist => texts.t("tab-portal-allowlist"),
        Route::SecurityLog => texts.t("tab-security-log"),
        other => other.title(texts),
    }
}

/// True when `route` shows one of the pages of `tabs` (the nav marks the section).
pub fn in_section(tabs: &[Tab], route: &Route) -> bool {
    let page = route.page();
    tabs.iter().any(|(target, _)| *target == page)
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
    let texts = use_i18n();
    let route = use_route::<Route>().map(|route| route.page());
    let tabs = props
        .tabs
        .iter()
        .filter(|(target, _)| session.me().is_some_and(|me| target.allowed_for(&me.access)))
        .map(|(target, id)| {
            let current = route.as_ref() == Some(target);
            html! {
                <Link<Route> to={target.clone()} classes={classes!("tab", current.then_some("tab--current"))}>
                    <span id={*id}>{ tab_text(target, texts) }</span>
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
    let texts = use_i18n();
    html! { <SectionTabs label={texts.t("nav-api-access")} tabs={API_ACCESS_TABS} /> }
}

/// "Send SMS", "Contacts" and "Sender names".
#[component]
pub fn MessagingTabs() -> Html {
    let texts = use_i18n();
    html! { <SectionTabs label={texts.t("nav-messaging")} tabs={MESSAGING_TABS} /> }
}

/// "Sessions", "Two-factor", "Password", "Portal allowlist" and "Security log".
#[component]
pub fn SecurityTabs() -> Html {
    let texts = use_i18n();
    html! { <SectionTabs label={texts.t("nav-security")} tabs={SECURITY_TABS} /> }
}
