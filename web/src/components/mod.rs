//! Markup shared by pages: form fields, the form banner, the page layout and route guards.

mod banner;
mod field;
mod guard;
mod layout;

pub use banner::{banner_message, FormBanner, FormBannerProps};
pub use field::{SelectField, SelectFieldProps, TextField, TextFieldProps};
pub use guard::{GuardProps, RequireAnonymous, RequireSession};
pub use layout::{Layout, LayoutProps};
