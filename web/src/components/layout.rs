//! The page frame: header with the brand and navigation, the content, a footer.

use std::time::Duration;

use wasm_bindgen::JsCast;
use yew::platform::{spawn_local, time::sleep};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::LanguageSwitch;
use crate::components::{
    in_section, Tab, ToastRegion, API_ACCESS_TABS, MESSAGING_TABS, SECURITY_TABS,
};
use crate::hooks::{use_i18n, use_logout, use_session};
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
    let texts = use_i18n();
    use_page_title_and_focus();
    html! {
        <div class="app">
            <header class="topbar">
                <div class="topbar-inner">
                    <Link<Route> to={Route::Dashboard} classes="brand">
                        <span class="brand-mark" aria-hidden="true"></span>
                        <span class="brand-name">{ texts.t("brand-name") }</span>
                    </Link<Route>>
                    <Nav />
                </div>
            </header>
            <main class="content">{ props.children.clone() }</main>
            <ToastRegion />
            <footer class="footer">
                { texts.t("layout-footer") }
            </footer>
        </div>
    }
}

/// Names the browser tab after the page, and on every navigation after the first load
/// moves the focus to the new page's heading, so a screen reader reads where it landed and
/// the keyboard goes on from there (the heading is focusable by script only).
#[hook]
fn use_page_title_and_focus() {
    let route = use_route::<Route>();
    let texts = use_i18n();
    let first_load = use_mut_ref(|| true);
    let last_route = use_mut_ref(|| None::<Route>);
    use_effect_with((route, texts), move |(route, texts)| {
        let document = web_sys::window().and_then(|w| w.document());
        if let Some(document) = &document {
            let page = route
                .as_ref()
                .map_or_else(|| texts.t("page-title-portal"), |route| route.title(*texts));
            document.set_title(&texts.t_args("page-title", &[("page", page.into())]));
        }
        // A new language alone is no navigation: the focus stays on the switch.
        let navigated = std::mem::replace(&mut *last_route.borrow_mut(), route.clone()) != *route;
        if navigated && !std::mem::replace(&mut *first_load.borrow_mut(), false) {
            // After the page has rendered its heading.
            spawn_local(async move {
                sleep(Duration::ZERO).await;
                if let Some(heading) = document
                    .and_then(|d| d.query_selector("main h1").ok().flatten())
                    .and_then(|h| h.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = heading.set_attribute("tabindex", "-1");
                    let _ = heading.focus();
                }
            });
        }
    });
}

/// Links that depend on whether the visitor is signed in and, for a subuser, on what
/// they may use: a link to a page they may not open is left out. On a phone the links
/// fold behind a "Menu" button; the account menu stays beside it.
#[component]
fn Nav() -> Html {
    let session = use_session();
    let texts = use_i18n();
    let route = use_route::<Route>();
    let menu_open = use_state(|| false);
    {
        // A link followed closes the menu.
        let menu_open = menu_open.clone();
        use_effect_with(route.clone(), move |_| menu_open.set(false));
    }
    let toggle_menu = {
        let menu_open = menu_open.clone();
        Callback::from(move |_: MouseEvent| menu_open.set(!*menu_open))
    };
    let close_on_escape = {
        let menu_open = menu_open.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Escape" && *menu_open {
                menu_open.set(false);
                focus_by_id("menu-toggle");
            }
        })
    };
    let current = |target: Route| (route.as_ref() == Some(&target)).then_some("nav-link--current");
    let section = |tabs| {
        route
            .as_ref()
            .is_some_and(|r| in_section(tabs, r))
            .then_some("nav-link--current")
    };

    let links = match &*session {
        Session::SignedIn(me) => {
            let link = |target: Route, text: String, class: Option<&'static str>| {
                if !target.allowed_for(&me.access) {
                    return Html::default();
                }
                html! {
                    <Link<Route> to={target} classes={classes!("nav-link", class)}>{ text }</Link<Route>>
                }
            };
            html! {
                <>
                    { link(Route::Dashboard, texts.t("nav-dashboard"), current(Route::Dashboard).or(current(Route::Activity))) }
                    { link(first_allowed(MESSAGING_TABS, &me.access), texts.t("nav-messaging"), section(MESSAGING_TABS)) }
                    { link(Route::Sessions, texts.t("nav-security"), section(SECURITY_TABS)) }
                    { link(Route::Tokens, texts.t("nav-api-access"), section(API_ACCESS_TABS)) }
                    { link(Route::CountryFilter, texts.t("nav-countries"), current(Route::CountryFilter)) }
                    { link(Route::Subusers, texts.t("nav-subusers"), subusers_current(route.as_ref())) }
                </>
            }
        }
        Session::Anonymous | Session::Restoring => html! {
            <>
                <Link<Route> to={Route::Login} classes={classes!("nav-link", current(Route::Login))}>
                    { texts.t("nav-log-in") }
                </Link<Route>>
                <Link<Route> to={Route::Signup}
                    classes={classes!("nav-link", "nav-link--cta", current(Route::Signup))}>
                    { texts.t("nav-create-account") }
                </Link<Route>>
            </>
        },
    };

    let signed_in = session.me().is_some();
    html! {
        <div class="nav-area" onkeydown={close_on_escape}>
            <button type="button" id="menu-toggle" class="menu-toggle"
                aria-expanded={menu_open.to_string()} aria-controls="main-nav"
                onclick={toggle_menu}>
                <span class="menu-toggle-bars" aria-hidden="true"></span>
                { texts.t("nav-menu") }
            </button>
            <nav id="main-nav" class={classes!("nav", menu_open.then_some("nav--open"))}
                aria-label={texts.t("nav-main-label")}>{ links }</nav>
            if signed_in {
                <AccountMenu />
            }
        </div>
    }
}

/// Moves the focus to the element with `id`, if it is there.
fn focus_by_id(id: &str) {
    if let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// The signed-in login's menu, as GitHub's avatar menu: who is signed in, their security
/// pages and "Log out". A disclosure button opens it; Escape closes it.
#[component]
fn AccountMenu() -> Html {
    let session = use_session();
    let texts = use_i18n();
    let route = use_route::<Route>();
    let logout = use_logout();
    let open = use_state(|| false);
    let area = use_node_ref();
    {
        let open = open.clone();
        use_effect_with(route, move |_| open.set(false));
    }
    {
        // A press anywhere outside the open menu closes it, as GitHub's does.
        let (open_now, open, area) = (*open, open.clone(), area.clone());
        use_effect_with(open_now, move |open_now| {
            let listener = open_now.then(|| close_on_outside_press(area, open));
            move || drop(listener)
        });
    }
    let Some(me) = session.me() else {
        return Html::default();
    };
    let email = me.account.email.clone();
    let initial = email
        .chars()
        .next()
        .map(|c| c.to_uppercase().to_string())
        .unwrap_or_default();
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let onkeydown = {
        let open = open.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Escape" && *open {
                event.stop_propagation();
                open.set(false);
                focus_by_id("account-menu-button");
            }
        })
    };
    let link = |target: Route, text: String| {
        if !target.allowed_for(&me.access) {
            return Html::default();
        }
        html! {
            <li><Link<Route> to={target} classes="account-menu-link">{ text }</Link<Route>></li>
        }
    };
    html! {
        <div class="account" ref={area} {onkeydown}>
            <button type="button" id="account-menu-button" class="account-button"
                aria-expanded={open.to_string()} aria-controls="account-menu"
                title={email.clone()} onclick={toggle}>
                <span class="account-avatar" aria-hidden="true">{ initial }</span>
                <span class="account-email">{ email.clone() }</span>
                <span class="visually-hidden">{ format!(" {}", texts.t("account-menu-label")) }</span>
            </button>
            if *open {
                <div id="account-menu" class="account-menu">
                    <p class="account-menu-who">
                        { texts.t("account-menu-signed-in-as") }{ " " }
                        <strong id="account-menu-email">{ email }</strong>
                    </p>
                    <LanguageSwitch />
                    <ul class="account-menu-links">
                        { link(Route::Dashboard, texts.t("account-menu-dashboard")) }
                        { link(Route::Sessions, texts.t("account-menu-sessions")) }
                        { link(Route::SecurityLog, texts.t("account-menu-security-log")) }
                        { link(Route::Password, texts.t("account-menu-password")) }
                    </ul>
                    if let Some(banner) = logout.banner.clone() {
                        <p class="row-error" role="alert">{ banner }</p>
                    }
                    <button type="button" id="account-menu-logout"
                        class="button button--secondary button--block"
                        onclick={logout.onclick.clone()} disabled={logout.busy}>
                        { if logout.busy { texts.t("account-logging-out") } else { texts.t("account-log-out") } }
                    </button>
                </div>
            }
        </div>
    }
}

/// A document listener, removed when dropped.
struct DocumentListener {
    event: &'static str,
    callback: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::Event)>,
}

impl Drop for DocumentListener {
    fn drop(&mut self) {
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            let _ = document.remove_event_listener_with_callback(
                self.event,
                self.callback.as_ref().unchecked_ref(),
            );
        }
    }
}

/// Closes the menu (`open`) on a press outside `area`, until the listener is dropped.
fn close_on_outside_press(area: NodeRef, open: UseStateHandle<bool>) -> Option<DocumentListener> {
    let document = web_sys::window()?.document()?;
    let callback = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(
        move |event: web_sys::Event| {
            let target = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Node>().ok());
            let inside = area
                .get()
                .is_some_and(|area| area.contains(target.as_ref()));
            if !inside {
                open.set(false);
            }
        },
    );
    let event = "pointerdown";
    document
        .add_event_listener_with_callback(event, callback.as_ref().unchecked_ref())
        .ok()?;
    Some(DocumentListener { event, callback })
}

/// The section's first page the login may open (the section's link goes there); the
/// first page when it may open none, which the nav then leaves out.
fn first_allowed(tabs: &[Tab], access: &portcullis_shared::dto::AccessDto) -> Route {
    tabs.iter()
        .map(|(target, _)| target.clone())
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
