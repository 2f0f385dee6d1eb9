//! Application-wide state, provided to the component tree as contexts.

mod language;
mod session;

pub use language::{
    LanguageContext, LanguageProvider, LanguageProviderProps, LANGUAGE_STORAGE_KEY,
};
pub use session::{Session, SessionAction, SessionContext, SessionProvider, SessionProviderProps};
