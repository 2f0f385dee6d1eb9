//! How the handlers show what services return: `From` impls from the
//! services' domain types to the wire DTOs of `portcullis_shared::dto`.

pub mod devices;
pub mod login;
pub mod me;
pub mod passwords;
pub mod security_log;
pub mod senders;
pub mod sessions;
pub mod tokens;
pub mod two_factor;
