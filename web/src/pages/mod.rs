//! One component per route.

pub mod activity;
mod api_allowlist;
pub mod bulk_sms;
pub mod contacts;
pub mod country_filter;
mod dashboard;
pub mod forgot_password;
mod login;
mod not_found;
pub mod oauth_clients;
pub mod password;
mod portal_allowlist;
pub mod security_checklist;
pub mod security_log;
pub mod security_stream;
pub mod send_sms;
mod senders;
mod sessions;
mod signup;
pub mod subusers;
pub mod tokens;
pub mod two_factor;

pub use activity::{ActivityCharts, ActivityChartsProps, ActivityPage};
pub use api_allowlist::{
    add_entry_request, AddEntryForm, AddEntryFormProps, AllowlistEntries, AllowlistEntriesProps,
    ApiAllowlistPage,
};
pub use contacts::ContactsPage;
pub use country_filter::CountryFilterPage;
pub use dashboard::DashboardPage;
pub use forgot_password::{ForgotPasswordPage, ResetPasswordPage};
pub use login::{keep_typed_before_mount, CodeStep, CodeStepProps, LoginPage};
pub use not_found::{NoAccessPage, NotFoundPage};
pub use oauth_clients::OAuthClientsPage;
pub use password::{ChangePasswordForm, ForcedPasswordChange, PasswordPage};
pub use portal_allowlist::{
    AddPortalEntryForm, AddPortalEntryFormProps, LockoutConfirm, LockoutConfirmProps,
    PortalAllowlistEntries, PortalAllowlistEntriesProps, PortalAllowlistPage, YourAddress,
    YourAddressProps,
};
pub use security_log::{
    kind_label, SecurityEventTable, SecurityEventTableProps, SecurityLogPage, SecurityLogView,
    SecurityLogViewProps,
};
pub use send_sms::SendSmsPage;
pub use senders::SendersPage;
pub use sessions::{
    outcome_label, LoginHistory, LoginHistoryTable, LoginHistoryTableProps, SessionTable,
    SessionTableProps, SessionTimeoutForm, SessionsPage, SignOutActions, SignOutActionsProps,
};
pub use signup::{SignupPage, VerifyEmailPage};
pub use subusers::{SubuserSecurityLogPage, SubusersPage};
pub use tokens::TokensPage;
pub use two_factor::TwoFactorPage;
