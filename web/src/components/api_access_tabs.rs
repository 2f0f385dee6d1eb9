//! The tabs between the API access pages.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;

/// "Tokens" and "IP allowlist", the current one marked.
#[component]
pub fn ApiAccessTabs() -> Html {
    let route = use_route::<Route>();
    let tab = |target: Route, text: &'static str, id: &'static str| {
        let current = route.as_ref() == Some(&target);
        html! {
            <Link<Route> to={target} classes={classes!("tab", current.then_some("tab--current"))}>
                <span {id}>{ text }</span>
            </Link<Route>>
        }
    };
    html! {
        <nav class="tabs" aria-label="API access">
            { tab(Route::Tokens, "Tokens", "tab-tokens") }
            { tab(Route::ApiAllowlist, "IP allowlist", "tab-api-allowlist") }
        </nav>
    }
}
