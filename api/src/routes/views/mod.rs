//! How the handlers show what services return: `From` impls from the
//! services' domain types to the wire DTOs of `portcullis_shared::dto`.

pub mod activity;
pub mod authenticator;
pub mod contacts;
pub mod devices;
pub mod login;
pub mod me;
pub mod oauth;
pub mod overview;
pub mod passkeys;
pub mod passwords;
pub mod security_log;
pub mod senders;
pub mod sessions;
pub mod sms;
pub mod subusers;
pub mod tokens;
pub mod two_factor;
