//! Route guards. Navigation follows the session: pages only change the session (log in,
//! log out) and these guards move the visitor to where that session belongs.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::{after_sign_in, Route, NEXT_QUERY, SIGNED_OUT_QUERY};
use crate::hooks::{use_i18n, use_session};
use crate::pages::{ForcedPasswordChange, NoAccessPage};
use crate::state::Session;

#[derive(Properties, PartialEq)]
pub struct GuardProps {
    #[prop_or_default]
    pub children: Html,
}

/// Renders its children for a signed-in visitor who may open the current page; sends
/// anyone else to the login page. A session that must change its password first sees only
/// the change form; one that must set up two-factor sign-in first is sent to that page; a
/// subuser without the page's permission sees why instead of the page.
#[component]
pub fn RequireSession(props: &GuardProps) -> Html {
    let session = use_session();
    let route = use_route::<Route>();
    // Whether this page was shown signed in: if its session then ends (Log out, or the
    // API answering 401 when it expired), the login page says so.
    let was_signed_in = use_mut_ref(|| false);
    if session.me().is_some() {
        *was_signed_in.borrow_mut() = true;
    }
    match &*session {
        Session::SignedIn(me) if me.session.password_change_required => {
            html! { <ForcedPasswordChange /> }
        }
        Session::SignedIn(me)
            if me.session.two_factor_setup_required
                && route.as_ref().map(Route::page) != Some(Route::TwoFactor) =>
        {
            html! { <ReplaceRoute to={Route::TwoFactor} /> }
        }
        Session::SignedIn(me)
            if route
                .as_ref()
                .is_some_and(|route| !route.allowed_for(&me.access)) =>
        {
            html! { <NoAccessPage /> }
        }
        Session::SignedIn(_) => props.children.clone(),
        Session::Restoring => html! { <AccountLoading /> },
        Session::Anonymous if *was_signed_in.borrow() => html! { <SignedOutRedirect /> },
        Session::Anonymous => html! { <ToLogin /> },
    }
}

/// What a page that needs the session shows while it is being restored.
#[component]
pub fn AccountLoading() -> Html {
    let texts = use_i18n();
    html! {
        <div class="card card--loading" aria-busy="true">{ texts.t("guard-loading-account") }</div>
    }
}

/// Replaces the page with the login page and its "You were signed out" notice.
#[component]
fn SignedOutRedirect() -> Html {
    let navigator = use_navigator();
    use_effect_with((), move |()| {
        if let Some(navigator) = navigator {
            let _ = navigator.replace_with_query(&Route::Login, &[(SIGNED_OUT_QUERY, "")]);
        }
    });
    Html::default()
}

/// Replaces a signed-in page with the login page, which remembers the page
/// (`?next=/tokens`) to return to once signed in; the dashboard needs no mention.
#[component]
pub fn ToLogin() -> Html {
    let navigator = use_navigator();
    let route = use_route::<Route>();
    use_effect_with(route, move |route| {
        if let Some(navigator) = navigator {
            match route {
                Some(route) if *route != Route::Dashboard && route.access().is_some() => {
                    let path = route.to_path();
                    let _ = navigator.replace_with_query(&Route::Login, &[(NEXT_QUERY, path)]);
                }
                _ => navigator.replace(&Route::Login),
            }
        }
    });
    Html::default()
}

/// The `next` of the login page's query.
#[derive(serde::Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// Renders its children for a visitor who is not signed in; sends a signed-in one to the
/// page they were sent here from (`?next=`), else home.
///
/// While the session is still being restored the children (a login or sign-up form) show:
/// they work without an API round trip.
#[component]
pub fn RequireAnonymous(props: &GuardProps) -> Html {
    let session = use_session();
    let location = use_location();
    match &*session {
        Session::SignedIn(_) => {
            let next = location
                .and_then(|location| location.query::<NextQuery>().ok())
                .and_then(|query| query.next);
            html! { <ReplaceRoute to={after_sign_in(next.as_deref())} /> }
        }
        Session::Restoring | Session::Anonymous => props.children.clone(),
    }
}

/// Props of [`ReplaceRoute`].
#[derive(Properties, PartialEq)]
pub struct ReplaceRouteProps {
    /// Where to go.
    pub to: Route,
}

/// Replaces the current history entry, so Back does not return to a page that would
/// only redirect again (unlike yew-router's `Redirect`, which pushes on every render).
#[component]
pub fn ReplaceRoute(props: &ReplaceRouteProps) -> Html {
    let navigator = use_navigator();
    use_effect_with(props.to.clone(), move |to| {
        if let Some(navigator) = navigator {
            navigator.replace(to);
        }
    });
    Html::default()
}
