//! `TestApp`: a real server on port 0 over a fresh database, and typed helpers
//! to talk to it.
//!
//! - [`server`]: starting it (in this process or as the real binary), its
//!   backend, settings and TLS certificates;
//! - [`client`]: HTTP calls to it and problem+json answers;
//! - [`database`]: reading its database directly;
//! - [`fixtures`]: accounts, sessions and tokens made through the API;
//! - [`backends`]: what `on_both_backends!` runs a test with.

pub mod backends;
pub mod client;
pub mod database;
pub mod fixtures;
pub mod receiver;
pub mod server;

pub use client::{
    answers_within, created_and_payment_required, expect_field_error, expect_problem, field_codes,
    outcome,
};
pub use fixtures::{
    allowlisted_token_request, link_token, oauth_client_request, portal_allowlist_entry,
    signup_request, sms_request, token_request, ACCOUNT_EXISTS_MAIL, GOOD_PASSWORD,
    SIGNUP_LINK_MAIL, SIGNUP_PHONE_E164,
};
pub use server::{Backend, ServerProcess, TestApp};
