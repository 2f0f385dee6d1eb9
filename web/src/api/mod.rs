//! Typed client for the Portcullis API, over the endpoint catalogue in `shared`
//! ([`portcullis_shared::endpoints`]): one module per resource, each function one
//! [`request::call`] of one endpoint.
//!
//! The portal is served from the API's origin (or proxied to it by `trunk serve`), so the
//! HttpOnly session cookie travels with every same-origin request without any handling here.

mod account;
mod activity;
mod api_allowlist;
mod contacts;
mod country_filter;
mod credential_networks;
mod devices;
mod error;
mod login;
mod oauth_clients;
mod passkeys;
mod passwords;
mod portal_allowlist;
mod problem_words;
mod request;
mod security_log;
mod senders;
mod sessions;
mod signup;
mod sms;
mod subusers;
mod tokens;
mod two_factor;
mod webauthn;

pub use account::set_language;
pub use activity::activity;
pub use api_allowlist::{add_api_allowlist_entry, delete_api_allowlist_entry, list_api_allowlist};
pub use contacts::{
    contacts_export_url, create_contact, create_contact_group, delete_contact,
    delete_contact_group, import_contacts, list_contacts, rename_contact_group, update_contact,
};
pub use country_filter::{get_country_filter, set_country_filter};
pub use credential_networks::{credential_networks, pin_credential_networks, NetworksOf};
pub use devices::{list_devices, remove_device};
pub use error::{client_validation_problem, ApiError};
pub use login::{
    login, logout, me, resend_login_code, security_overview, verify_login, LoginOutcome, NotResent,
};
pub use oauth_clients::{
    create_oauth_client, delete_oauth_client, end_oauth_client_secret_overlap, list_oauth_clients,
    rotate_oauth_client_secret, update_oauth_client,
};
pub use passkeys::{
    add_passkey, finish_held_sign_in_with_passkey, list_passkeys, remove_passkey, rename_passkey,
    set_passkey_policy, sign_in_with_passkey,
};
pub use passwords::{
    change_password, confirm_password_reset, password_policy, request_password_reset,
    set_password_policy,
};
pub use portal_allowlist::{
    add_portal_allowlist_entry, get_portal_allowlist, remove_portal_allowlist_entry,
};
pub use problem_words::field_error_in_language;
pub use security_log::{
    delete_security_stream, rotate_stream_secret, security_log, security_log_export_url,
    security_stream, set_security_stream, test_security_stream,
};
pub use senders::{delete_sender, request_sender};
pub use sessions::{
    get_session_timeout, list_sessions, login_history, revoke_all_sessions, revoke_other_sessions,
    revoke_session, set_session_timeout,
};
pub use signup::{confirm_signup, signup};
pub use sms::{
    get_sms_batch, list_contact_groups, list_messages, list_senders, send_sms, send_sms_batch,
};
pub use subusers::{
    create_subuser, delete_subuser, list_subusers, subuser_action, update_subuser, SubuserAction,
};
pub use tokens::{create_token, delete_token, list_tokens, regenerate_token, update_token};
pub use two_factor::{
    confirm_sms_two_factor, confirm_totp_two_factor, disable_two_factor, new_recovery_codes,
    send_two_factor_code, set_two_factor_policy, start_sms_two_factor, start_totp_two_factor,
    two_factor_status,
};
