//! One component per route.

mod dashboard;
mod login;
mod not_found;
mod security_log;
mod signup;

pub use dashboard::DashboardPage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use security_log::{kind_label, SecurityEventTable, SecurityEventTableProps, SecurityLogPage};
pub use signup::SignupPage;
