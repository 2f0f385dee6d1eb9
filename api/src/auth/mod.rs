//! Extractors that establish who is calling and from where.

mod api_caller;
mod client_ip;
mod device;
mod portal_user;
mod principal;

pub use crate::services::subusers::Principal;
pub use api_caller::{parse_bearer, ApiCaller};
pub use client_ip::{client_ip, resolve_client_ip, ClientInfo};
pub use device::BrowserDevice;
pub use portal_user::{session_cookie, PortalUser};
pub use principal::Caller;
