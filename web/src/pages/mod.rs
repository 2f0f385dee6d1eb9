//! One component per route.

mod api_allowlist;
mod dashboard;
mod login;
mod not_found;
mod security_log;
mod signup;
pub mod tokens;

pub use api_allowlist::{
    add_entry_request, AddEntryForm, AddEntryFormProps, AllowlistEntries, AllowlistEntriesProps,
    ApiAllowlistPage,
};
pub use dashboard::DashboardPage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use security_log::{kind_label, SecurityEventTable, SecurityEventTableProps, SecurityLogPage};
pub use signup::SignupPage;
pub use tokens::TokensPage;
