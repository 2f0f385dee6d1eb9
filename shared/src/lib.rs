//! Wire types shared by the Portcullis API (`portcullis-api`) and the web portal
//! (`portcullis-web`): request and response bodies, the problem+json error body,
//! route paths and the pure input checks both sides run.
//!
//! Nothing here may depend on a server runtime: the crate compiles to
//! `wasm32-unknown-unknown` for the portal.

pub mod capability;
pub mod dto;
pub mod endpoints;
pub mod problem;
pub mod routes;
pub mod scope;
pub mod validate;
pub mod vocabulary;
