//! The signed-in account and its session, as the API last reported them.

use std::rc::Rc;

use portcullis_shared::dto::MeResponse;
use wasm_bindgen::{closure::Closure, JsCast};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::app::SIGNED_OUT_QUERY;

/// Whether the browser has a portal session.
#[derive(Debug, Clone, PartialEq)]
pub enum Session {
    /// The portal has just started and is asking the API (`GET /me`) about the cookie it may hold.
    Restoring,
    /// No session: the visitor must log in.
    Anonymous,
    /// Signed in, with the account and the session's CSRF token.
    SignedIn(Rc<MeResponse>),
}

impl Session {
    /// The signed-in account and session, if any.
    pub fn me(&self) -> Option<&MeResponse> {
        match self {
            Session::SignedIn(me) => Some(me),
            _ => None,
        }
    }
}

/// A change to the [`Session`].
#[derive(Debug, Clone, PartialEq)]
pub enum SessionAction {
    /// The API confirmed a session (login, or `GET /me` on start).
    SignedIn(Rc<MeResponse>),
    /// There is no session (logout, or the API answered 401).
    SignedOut,
    /// The page came back from the browser's back-forward cache: what it shows may belong
    /// to a session that has ended since, so it is hidden until the API confirms it.
    Recheck,
}

impl Reducible for Session {
    type Action = SessionAction;

    fn reduce(self: Rc<Self>, action: SessionAction) -> Rc<Self> {
        match action {
            SessionAction::SignedIn(me) => Rc::new(Session::SignedIn(me)),
            SessionAction::SignedOut => Rc::new(Session::Anonymous),
            SessionAction::Recheck => Rc::new(Session::Restoring),
        }
    }
}

/// The session as components read it: `use_session()`, then `dispatch` to change it.
pub type SessionContext = UseReducerHandle<Session>;

/// Props of [`SessionProvider`].
#[derive(Properties, PartialEq)]
pub struct SessionProviderProps {
    /// The tree that may read the session.
    #[prop_or_default]
    pub children: Html,
    /// The state to start from. [`Session::Restoring`] (the default) asks the API on mount;
    /// anything else is taken as known, which is how tests render a signed-in portal.
    #[prop_or(Session::Restoring)]
    pub initial: Session,
}

/// Holds the [`Session`] and restores it from the API when the portal starts.
#[component]
pub fn SessionProvider(props: &SessionProviderProps) -> Html {
    let initial = props.initial.clone();
    let session = use_reducer(move || initial);

    {
        let session = session.clone();
        use_effect_with((), move |_| {
            if *session == Session::Restoring {
                spawn_local(async move {
                    // Any failure, not only 401, leaves the visitor on the login page, where a
                    // failed login then says what is wrong (e.g. the API is unreachable).
                    match api::me().await {
                        Ok(me) => session.dispatch(SessionAction::SignedIn(me.into())),
                        Err(_) => session.dispatch(SessionAction::SignedOut),
                    }
                });
            }
        });
    }

    // The `pageshow` listener outlives renders; it reads whether a session is shown here.
    let signed_in = use_mut_ref(|| false);
    *signed_in.borrow_mut() = session.me().is_some();
    {
        let session = session.clone();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
                let restored = event
                    .dyn_ref::<web_sys::PageTransitionEvent>()
                    .is_some_and(web_sys::PageTransitionEvent::persisted);
                if restored && *signed_in.borrow() {
                    recheck_restored_page(session.clone());
                }
            });
            let window = web_sys::window();
            if let Some(window) = &window {
                let _ = window.add_event_listener_with_callback(
                    "pageshow",
                    listener.as_ref().unchecked_ref(),
                );
            }
            move || {
                if let Some(window) = window {
                    let _ = window.remove_event_listener_with_callback(
                        "pageshow",
                        listener.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }

    html! {
        <ContextProvider<SessionContext> context={session}>
            { props.children.clone() }
        </ContextProvider<SessionContext>>
    }
}

/// A signed-in page restored from the back-forward cache (Back after a logout, say): hide
/// it at once, ask the API, and if the session has ended leave for the login page with a
/// full load, so nothing the old page held in memory survives.
fn recheck_restored_page(session: SessionContext) {
    session.dispatch(SessionAction::Recheck);
    spawn_local(async move {
        match api::me().await {
            Ok(me) => session.dispatch(SessionAction::SignedIn(me.into())),
            Err(_) => {
                session.dispatch(SessionAction::SignedOut);
                if let Some(window) = web_sys::window() {
                    let _ = window
                        .location()
                        .replace(&format!("/login?{SIGNED_OUT_QUERY}"));
                }
            }
        }
    });
}
