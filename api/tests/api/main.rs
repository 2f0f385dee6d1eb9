//! The API's one integration-test binary. Every test that touches storage runs
//! on SQLite and on PostgreSQL (a throw-away server the harness starts).

/// Runs each named `async fn(TestApp)` once on each backend, on a server
/// started by `TestApp::$spawn(backend, $settings)`.
macro_rules! on_both_backends_started_by {
    ($spawn:ident, $settings:expr; $($test:ident),+ $(,)?) => {$(
        mod $test {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$test(crate::helpers::TestApp::$spawn(crate::helpers::Backend::Sqlite, $settings).await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$test(crate::helpers::TestApp::$spawn(crate::helpers::Backend::Postgres, $settings).await).await
            }
        }
    )+};
}

/// Runs each named `async fn(TestApp)` once on each backend.
macro_rules! on_both_backends {
    ($($test:ident),+ $(,)?) => {
        on_both_backends_started_by!(spawn_with, &[]; $($test),+);
    };
}

/// Like `on_both_backends!`, with extra `PORTCULLIS_*` settings: a `const` of
/// type `&[(&str, &str)]` in the calling module.
macro_rules! on_both_backends_with {
    ($settings:ident; $($test:ident),+ $(,)?) => {
        on_both_backends_started_by!(spawn_with, super::$settings; $($test),+);
    };
}

/// Like `on_both_backends!`, on a server that terminates TLS with a test CA's
/// certificate (`TestApp::spawn_over_tls`), whose clients trust that CA.
macro_rules! on_both_backends_over_tls {
    ($($test:ident),+ $(,)?) => {
        on_both_backends_started_by!(spawn_over_tls, &[]; $($test),+);
    };
}

mod allowlist_entries;
mod api_audit;
mod authenticator;
mod caches;
mod contacts;
mod cors;
mod delivery;
mod deployment;
mod errors;
mod faults;
mod health;
mod helpers;
mod lockout;
mod login;
mod login_security;
mod mail_text;
mod malformed_clients;
mod metrics;
mod oauth;
mod openapi;
mod passwords;
mod portal_allowlist;
mod postgres;
mod scale_out;
mod secrets_in_logs;
mod security_log;
mod senders;
mod sessions;
mod signup;
mod sms;
mod sms_pumping;
mod subusers;
mod system_texts;
mod tokens;
mod transport_security;
mod trial;
mod typed_client;
