use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::hooks::use_i18n;

/// Shown for any path the portal does not know.
#[component]
pub fn NotFoundPage() -> Html {
    let texts = use_i18n();
    html! {
        <section class="card card--narrow not-found" data-testid="not-found">
            <p class="eyebrow">{ texts.t("not-found-eyebrow") }</p>
            <h1>{ texts.t("not-found-title") }</h1>
            <p class="muted">{ texts.t("not-found-text") }</p>
            <Link<Route> to={Route::Dashboard} classes="button">{ texts.t("not-found-home") }</Link<Route>>
        </section>
    }
}

/// Shown instead of a page the signed-in login may not use (a subuser without the
/// permission it needs); the API refuses its calls as well.
#[component]
pub fn NoAccessPage() -> Html {
    let texts = use_i18n();
    html! {
        <section class="card card--narrow not-found" data-testid="no-access">
            <p class="eyebrow">{ texts.t("no-access-eyebrow") }</p>
            <h1>{ texts.t("no-access-title") }</h1>
            <p class="muted">
                { texts.t("no-access-text") }
            </p>
            <Link<Route> to={Route::Dashboard} classes="button">{ texts.t("not-found-home") }</Link<Route>>
        </section>
    }
}
