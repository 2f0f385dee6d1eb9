//! The page frame: header with the brand and navigation, the content, a footer.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
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

/// Links that depend on whether the visitor is signed in.
#[component]
fn Nav() -> Html {
    let session = use_session();
    let route = use_route::<Route>();
    let current = |target: Route| (route.as_ref() == Some(&target)).then_some("nav-link--current");
    let in_api_access = matches!(
        route,
        Some(Route::Tokens | Route::OAuthClients | Route::ApiAllowlist)
    )
    .then_some("nav-link--current");
    let in_two_factor =
        matches!(route, Some(Route::TwoFactor | Route::Devices)).then_some("nav-link--current");

    let links = match &*session {
        Session::SignedIn(me) => html! {
            <>
                <Link<Route> to={Route::Dashboard}
                    classes={classes!("nav-link", current(Route::Dashboard))}>
                    { "Dashboard" }
                </Link<Route>>
                <Link<Route> to={Route::SecurityLog}
                    classes={classes!("nav-link", current(Route::SecurityLog))}>
                    { "Security log" }
                </Link<Route>>
                <Link<Route> to={Route::Sessions}
                    classes={classes!("nav-link", current(Route::Sessions))}>
                    { "Sessions" }
                </Link<Route>>
                <Link<Route> to={Route::PortalAllowlist}
                    classes={classes!("nav-link", current(Route::PortalAllowlist))}>
                    { "Portal allowlist" }
                </Link<Route>>
                <Link<Route> to={Route::Password}
                    classes={classes!("nav-link", current(Route::Password))}>
                    { "Password" }
                </Link<Route>>
                <Link<Route> to={Route::TwoFactor} classes={classes!("nav-link", in_two_factor)}>
                    { "Two-factor" }
                </Link<Route>>
                <Link<Route> to={Route::Tokens} classes={classes!("nav-link", in_api_access)}>
                    { "API tokens" }
                </Link<Route>>
                <Link<Route> to={Route::CountryFilter}
                    classes={classes!("nav-link", current(Route::CountryFilter))}>
                    { "Countries" }
                </Link<Route>>
                <span class="nav-user" title="Signed in">{ me.account.email.clone() }</span>
            </>
        },
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
