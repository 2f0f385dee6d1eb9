//! Integrator credentials: API tokens made in the portal, OAuth2 clients and
//! grants, the keys that sign access tokens, the per-call access decision and
//! the expiry warnings. Serves `routes/{tokens, api_allowlist, oauth,
//! oauth_clients}.rs`.

pub mod api_access;
pub mod api_tokens;
pub mod credential_networks;
pub mod expiry;
pub mod key_rotation;
pub mod oauth;
pub mod policies;
pub mod signing;
pub mod token_leaks;
