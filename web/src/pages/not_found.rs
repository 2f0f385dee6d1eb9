use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;

/// Shown for any path the portal does not know.
#[component]
pub fn NotFoundPage() -> Html {
    html! {
        <section class="card card--narrow not-found" data-testid="not-found">
            <p class="eyebrow">{ "Error 404" }</p>
            <h1>{ "Page not found" }</h1>
            <p class="muted">{ "The address may be mistyped, or the page may have moved." }</p>
            <Link<Route> to={Route::Dashboard} classes="button">{ "Go to your dashboard" }</Link<Route>>
        </section>
    }
}

/// Shown instead of a page the signed-in login may not use (a subuser without the
/// permission it needs); the API refuses its calls as well.
#[component]
pub fn NoAccessPage() -> Html {
    html! {
        <section class="card card--narrow not-found" data-testid="no-access">
            <p class="eyebrow">{ "No access" }</p>
            <h1>{ "You don't have access to this page" }</h1>
            <p class="muted">
                { "Your login does not include this part of the portal. If you need it, ask \
                   the account's owner to give you the permission." }
            </p>
            <Link<Route> to={Route::Dashboard} classes="button">{ "Go to your dashboard" }</Link<Route>>
        </section>
    }
}
