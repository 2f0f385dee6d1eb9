//! Markup shared by pages: form fields, the form banner, the page layout and route guards.

mod allowlist_entry_fields;
mod api_access_tabs;
mod banner;
mod copy_button;
mod field;
mod guard;
mod layout;
mod logout_button;
mod scope_picker;
mod shown_once;

pub use allowlist_entry_fields::{AllowlistEntryFields, AllowlistEntryFieldsProps};
pub use api_access_tabs::ApiAccessTabs;
pub use banner::{banner_message, list_entry, shows_field, FormBanner, FormBannerProps};
pub use copy_button::{CopyButton, CopyButtonProps};
pub use field::{
    described_by, FieldMessage, FieldMessageProps, SelectField, SelectFieldProps, TextAreaField,
    TextAreaFieldProps, TextField, TextFieldProps,
};
pub use guard::{GuardProps, RequireAnonymous, RequireSession};
pub use layout::{Layout, LayoutProps};
pub use logout_button::{LogoutButton, LogoutButtonProps};
pub use scope_picker::{scope_input_id, toggle_scope, ScopePicker, ScopePickerProps};
pub use shown_once::{ShownOnce, ShownOnceProps};
