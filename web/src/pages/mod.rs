//! One component per route.

mod api_allowlist;
pub mod country_filter;
mod dashboard;
mod login;
mod not_found;
pub mod oauth_clients;
mod security_log;
mod signup;
pub mod tokens;
pub mod two_factor;

pub use api_allowlist::{
    add_entry_request, AddEntryForm, AddEntryFormProps, AllowlistEntries, AllowlistEntriesProps,
    ApiAllowlistPage,
};
pub use country_filter::CountryFilterPage;
pub use dashboard::DashboardPage;
pub use login::{CodeStep, CodeStepProps, LoginPage};
pub use not_found::NotFoundPage;
pub use oauth_clients::OAuthClientsPage;
pub use security_log::{kind_label, SecurityEventTable, SecurityEventTableProps, SecurityLogPage};
pub use signup::SignupPage;
pub use tokens::TokensPage;
pub use two_factor::TwoFactorPage;
