//! Keeps unsaved changes from being lost without a word. While a page has some, closing or
//! reloading the tab asks the browser's own question (`beforeunload`), and a click on one
//! of the portal's links stops at a question in the page instead of leaving.
//!
//! Back and Forward within the portal are not stopped: a history step has already happened
//! when the page hears of it. The page's own notice says what leaving does.

use wasm_bindgen::{closure::Closure, JsCast};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;

/// What the page needs to ask "leave without saving?".
pub struct UnsavedGuard {
    /// Where a link would have gone, while the page asks whether to leave.
    pub leaving: Option<Route>,
    /// Leaves for that page, dropping the changes.
    pub leave: Callback<()>,
    /// Stays, keeping the changes.
    pub stay: Callback<()>,
}

/// Guards a page's unsaved changes while `dirty`.
#[hook]
pub fn use_unsaved_guard(dirty: bool) -> UnsavedGuard {
    let leaving = use_state(|| None::<Route>);
    let navigator = use_navigator();
    {
        let leaving = leaving.clone();
        use_effect_with(dirty, move |dirty| {
            let listeners = if *dirty { listen(leaving) } else { None };
            move || {
                if let Some(listeners) = listeners {
                    listeners.remove();
                }
            }
        });
    }
    let leave = {
        let leaving = leaving.clone();
        Callback::from(move |()| {
            if let (Some(route), Some(navigator)) = ((*leaving).clone(), navigator.as_ref()) {
                leaving.set(None);
                navigator.push(&route);
            }
        })
    };
    let stay = {
        let leaving = leaving.clone();
        Callback::from(move |()| leaving.set(None))
    };
    UnsavedGuard {
        leaving: (*leaving).clone(),
        leave,
        stay,
    }
}

type Listener = Closure<dyn Fn(web_sys::Event)>;

/// The window's listeners while there are unsaved changes.
struct Listeners {
    window: web_sys::Window,
    before_unload: Listener,
    link_click: Listener,
}

impl Listeners {
    fn remove(self) {
        let _ = self.window.remove_event_listener_with_callback(
            "beforeunload",
            self.before_unload.as_ref().unchecked_ref(),
        );
        let _ = self.window.remove_event_listener_with_callback_and_bool(
            "click",
            self.link_click.as_ref().unchecked_ref(),
            true,
        );
    }
}

fn listen(leaving: UseStateHandle<Option<Route>>) -> Option<Listeners> {
    let window = web_sys::window()?;
    let before_unload = Listener::new(|event: web_sys::Event| {
        // Either makes Chromium and Firefox ask; the text itself is never shown.
        event.prevent_default();
        if let Some(event) = event.dyn_ref::<web_sys::BeforeUnloadEvent>() {
            event.set_return_value(&crate::i18n::Texts::current().t("window-unsaved-changes"));
        }
    });
    // On the window, capturing: it hears the click before the router's link does.
    let link_click = Listener::new(move |event: web_sys::Event| {
        if let Some(route) = portal_link_target(&event) {
            event.prevent_default();
            event.stop_immediate_propagation();
            leaving.set(Some(route));
        }
    });
    let _ = window
        .add_event_listener_with_callback("beforeunload", before_unload.as_ref().unchecked_ref());
    let _ = window.add_event_listener_with_callback_and_bool(
        "click",
        link_click.as_ref().unchecked_ref(),
        true,
    );
    Some(Listeners {
        window,
        before_unload,
        link_click,
    })
}

/// The portal page a plain click would open: a same-site link, not opened elsewhere (a
/// modified click or `target` opens a new tab and loses nothing here).
fn portal_link_target(event: &web_sys::Event) -> Option<Route> {
    let click = event.dyn_ref::<web_sys::MouseEvent>()?;
    if click.button() != 0 || click.ctrl_key() || click.meta_key() || click.shift_key() {
        return None;
    }
    let target = event.target()?.dyn_into::<web_sys::Element>().ok()?;
    let link = target.closest("a[href]").ok()??;
    if link.has_attribute("target") || link.has_attribute("download") {
        return None;
    }
    let href = link.get_attribute("href")?;
    portal_path(&href).and_then(Route::recognize)
}

/// The path of a link within the portal (`/tokens?x#y` → `/tokens`); `None` for a link
/// elsewhere.
fn portal_path(href: &str) -> Option<&str> {
    if !href.starts_with('/') || href.starts_with("//") {
        return None;
    }
    href.split(['?', '#']).next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_links_within_the_portal_are_guarded() {
        assert_eq!(portal_path("/tokens"), Some("/tokens"));
        assert_eq!(
            portal_path("/security-log?kind=login#top"),
            Some("/security-log")
        );
        assert_eq!(portal_path("//evil.example/x"), None);
        assert_eq!(portal_path("https://example.com/"), None);
        assert_eq!(portal_path("mailto:a@b.io"), None);
    }
}
