//! The API's one integration-test binary. Every test that touches storage runs
//! on SQLite and on PostgreSQL (a throw-away server the harness starts).

/// Runs each named `async fn` once on SQLite and once on PostgreSQL, as the
/// tests `<name>::sqlite` and `<name>::postgres`. The function takes what it
/// runs against: a `TestApp`, a `ServerProcess` (the real binary), or only the
/// `Backend` when it starts its own servers.
///
/// Settings come first, as `key = value` pairs before a `;`, each a method of
/// `harness::backends::Options` and evaluated when the test runs:
///
/// ```ignore
/// on_both_backends!(a_test, another_test);
/// on_both_backends!(settings = SHORT_CACHE_AGE; a_test);
/// on_both_backends!(workers = 4, settings = &closed_webhook(); a_test);
/// on_both_backends!(tls = true; a_test);
/// ```
macro_rules! on_both_backends {
    ($($key:ident = $value:expr),+ ; $($test:ident),+ $(,)?) => {
        on_both_backends!(
            @options crate::harness::backends::Options::default()$(.$key($value))+;
            $($test),+
        );
    };
    (@options $options:expr; $($test:ident),+) => {$(
        mod $test {
            use super::*;

            #[test]
            fn sqlite() {
                crate::harness::backends::run(crate::harness::Backend::Sqlite, $options, $test)
            }

            #[test]
            fn postgres() {
                crate::harness::backends::run(crate::harness::Backend::Postgres, $options, $test)
            }
        }
    )+};
    ($($test:ident),+ $(,)?) => {
        on_both_backends!(workers = 2; $($test),+);
    };
}

mod activity;
mod allowlist_entries;
mod api_audit;
mod audit_chain;
mod authenticator;
mod caches;
mod contacts;
mod cors;
mod credential_networks;
mod credential_policies;
mod credential_rotation;
mod delivery;
mod deployment;
mod errors;
mod expiring_exceptions;
mod faults;
mod harness;
mod health;
mod key_rotation;
mod keys_at_rest;
mod languages;
mod lockout;
mod login;
mod login_security;
mod mail_text;
mod malformed_clients;
mod metrics;
mod oauth;
mod openapi;
mod operator_cli;
mod passkeys;
mod passwords;
mod portal_allowlist;
mod postgres;
mod scale_out;
mod secrets_in_logs;
mod security_log;
mod security_log_search;
mod security_overview;
mod security_stream;
mod senders;
mod sessions;
mod signup;
mod sms;
mod sms_batches;
mod sms_concurrent_sends;
mod sms_pumping;
mod subusers;
mod system_texts;
mod token_leaks;
mod tokens;
mod traces;
mod transport_security;
mod trial;
mod typed_client;
