//! Application-wide state, provided to the component tree as contexts.

mod session;

pub use session::{Session, SessionAction, SessionContext, SessionProvider, SessionProviderProps};
