//! Extractors that establish who is calling and from where. A handler gets
//! a [`Principal`] only from `require(capability)` of [`PortalUser`],
//! [`ApiCaller`] or [`Caller`], which ask `services::access::decide`.

mod api_caller;
mod browser_language;
mod caller;
mod client_ip;
mod device;
mod portal_user;

pub use crate::services::access::Principal;
pub use api_caller::{parse_bearer, ApiCaller};
pub use browser_language::browser_language;
pub use caller::Caller;
pub use client_ip::{client_ip, resolve_client_ip, ClientInfo};
pub use device::BrowserDevice;
pub use portal_user::{session_cookie, PortalUser};
