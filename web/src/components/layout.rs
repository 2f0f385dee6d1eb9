//! The page frame: header with the brand and navigation, the content, a footer.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::{in_section, Tab, API_ACCESS_TABS, MESSAGING_TABS, SECURITY_TABS};
use crate::hooks::use_session;
use crate::state::Session;

/// Props of [`Layout`].
#[derive(Properties, PartialEq)]
pub struct LayoutProps {
    #[prop_or_default]
    pub children: Html,
}

/// Header, main content and footer around every page.
#[component]
pub fn Layout(props: &LayoutProps) -> Html {
    html! {
        <div class="app">
            <header class="topbar">
                <div class="topbar-inner">
                    <Link<Route> to={Route::Dashboard} classes="brand">
                        <span class="brand-mark" aria-hidden="true"></span>
                        <span class="brand-name">{ "Portcullis" }</span>
                    </Link<Route>>
                    <Nav />
                </div>
            </header>
            <main class="content">{ props.children.clone() }</main>
            <footer class="footer">
                { "Portcullis SMS gateway · Customer portal" }
            </footer>
        </div>
    }
}

/// Links that depend on whether the visitor is signed in and, for a subuser, on what
/// they may use: a link to a page they may not open is left out.
#[component]
fn Nav() -> Html {
    let session = use_session();
    let route = use_route::<Route>();
    let current = |target: Route| (route.as_ref() == Some(&target)).then_some("nav-link--current");
    let section = |tabs| {
        route
            .as_ref()
            .is_some_and(|r| in_section(tabs, r))
            .then_some("nav-link--current")
    };

    let links = match &*session {
        Session::SignedIn(me) => {
            let link = |target: Route, text: &'static str, class: Option<&'static str>| {
                if !target.allowed_for(&me.access) {
                    return Html::default();
                }
                html! {
                    <Link<Route> to={target} classes={classes!("nav-link", class)}>{ text }</Link<Route>>
                }
            };
            html! {
                <>
                    { link(Route::Dashboard, "Dashboard", current(Route::Dashboard)) }
                    { link(first_allowed(MESSAGING_TABS, &me.access), "Messaging", section(MESSAGING_TABS)) }
                    { link(Route::Sessions, "Security", section(SECURITY_TABS)) }
                    { link(Route::Tokens, "API access", section(API_ACCESS_TABS)) }
                    { link(Route::CountryFilter, "Countries", current(Route::CountryFilter)) }
                    { link(Route::Subusers, "Subusers", subusers_current(route.as_ref())) }
                    <span class="nav-user" title="Signed in">{ me.account.email.clone() }</span>
                </>
            }
        }
        Session::Anonymous | Session::Restoring => html! {
            <>
                <Link<Route> to={Route::Login} classes={classes!("nav-link", current(Route::Login))}>
                    { "Log in" }
                </Link<Route>>
                <Link<Route> to={Route::Signup}
                    classes={classes!("nav-link", "nav-link--cta", current(Route::Signup))}>
                    { "Create account" }
                </Link<Route>>
            </>
        },
    };

    html! { <nav class="nav" aria-label="Main">{ links }</nav> }
}

/// The section's first page the login may open (the section's link goes there); the
/// first page when it may open none, which the nav then leaves out.
fn first_allowed(tabs: &[Tab], access: &portcullis_shared::dto::AccessDto) -> Route {
    tabs.iter()
        .map(|(target, _, _)| target.clone())
        .find(|target| target.allowed_for(access))
        .unwrap_or_else(|| tabs[0].0.clone())
}

/// The Subusers link is current on the list and on a subuser's security log.
fn subusers_current(route: Option<&Route>) -> Option<&'static str> {
    matches!(
        route,
        Some(Route::Subusers | Route::SubuserSecurityLog { .. })
    )
    .then_some("nav-link--current")
}
