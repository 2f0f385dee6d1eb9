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
