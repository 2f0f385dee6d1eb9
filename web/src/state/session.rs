//! The signed-in account and its session, as the API last reported them.

use std::rc::Rc;

use portcullis_shared::dto::MeResponse;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;

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
}

impl Reducible for Session {
    type Action = SessionAction;

    fn reduce(self: Rc<Self>, action: SessionAction) -> Rc<Self> {
        match action {
            SessionAction::SignedIn(me) => Rc::new(Session::SignedIn(me)),
            SessionAction::SignedOut => Rc::new(Session::Anonymous),
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

    html! {
        <ContextProvider<SessionContext> context={session}>
            { props.children.clone() }
        </ContextProvider<SessionContext>>
    }
}
