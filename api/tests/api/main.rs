//! The API's one integration-test binary. Every test that touches storage runs
//! on SQLite and on PostgreSQL (a throw-away server the harness starts).

/// Runs each named `async fn(TestApp)` once on each backend.
macro_rules! on_both_backends {
    ($($test:ident),+ $(,)?) => {$(
        mod $test {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$test(crate::helpers::TestApp::spawn(crate::helpers::Backend::Sqlite).await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$test(crate::helpers::TestApp::spawn(crate::helpers::Backend::Postgres).await).await
            }
        }
    )+};
}

/// Like `on_both_backends!`, with extra `PORTCULLIS_*` settings: a `const` of
/// type `&[(&str, &str)]` in the calling module.
macro_rules! on_both_backends_with {
    ($settings:ident; $($test:ident),+ $(,)?) => {$(
        mod $test {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$test(crate::helpers::TestApp::spawn_with(crate::helpers::Backend::Sqlite, super::$settings).await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$test(crate::helpers::TestApp::spawn_with(crate::helpers::Backend::Postgres, super::$settings).await).await
            }
        }
    )+};
}

mod api_audit;
mod authenticator;
mod contacts;
mod delivery;
mod errors;
mod health;
mod helpers;
mod login;
mod login_security;
mod oauth;
mod openapi;
mod passwords;
mod portal_allowlist;
mod postgres;
mod security_log;
mod senders;
mod sessions;
mod signup;
mod sms;
mod tokens;
