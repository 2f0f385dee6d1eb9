//! The Portcullis customer portal: a Yew single-page app over the typed API client.
//!
//! Routing lives in [`app`], pages in [`pages`], reusable markup in [`components`], the
//! signed-in session and the language in [`state`], the words of each language in
//! [`i18n`] and every HTTP call in [`api`]. The crate compiles
//! natively as well as to wasm, so components are tested with Yew's server renderer.

pub mod api;
pub mod app;
pub mod checks;
pub mod components;
pub mod format;
pub mod hooks;
pub mod i18n;
pub mod pages;
pub mod sign_in_app;
pub mod state;
