//! Markup shared by pages: form fields, the form banner, the page layout and route guards.

mod allowlist_entry_fields;
mod banner;
mod checkbox_group;
mod confirm_panel;
mod copy_button;
pub mod credentials;
mod exception_expiry;
mod field;
mod guard;
mod language_switch;
mod layout;
mod logout_button;
mod message;
mod scope_picker;
mod section_tabs;
mod shown_once;
mod toast;
mod window_fields;

pub use allowlist_entry_fields::{
    AllowlistEntryFields, AllowlistEntryFieldsProps, AllowlistEntryText, AllowlistEntryTextProps,
};
pub use banner::{
    banner_message, list_entry, list_message, shows_field, FormBanner, FormBannerProps,
};
pub use checkbox_group::{toggle_value, CheckOption, CheckboxGroup, CheckboxGroupProps};
pub use confirm_panel::{ConfirmPanel, ConfirmPanelProps};
pub use copy_button::{CopyButton, CopyButtonProps};
pub use exception_expiry::{
    browser_expiry_instant, expiry_instant, time_left, ExpiryFields, ExpiryFieldsProps, ExpiryNote,
    ExpiryNoteProps, NEVER_EXPIRES,
};
pub use field::{
    described_by, EmailField, EmailFieldProps, FieldMessage, FieldMessageProps, SelectField,
    SelectFieldProps, TextAreaField, TextAreaFieldProps, TextField, TextFieldProps,
};
pub use guard::{
    AccountLoading, GuardProps, ReplaceRoute, ReplaceRouteProps, RequireAnonymous, RequireSession,
    ToLogin,
};
pub use language_switch::LanguageSwitch;
pub use layout::{Layout, LayoutProps};
pub use logout_button::{LogoutButton, LogoutButtonProps};
pub use message::message_html;
pub use scope_picker::{scope_input_id, toggle_scope, ScopePicker, ScopePickerProps};
pub use section_tabs::{
    in_section, ApiAccessTabs, MessagingTabs, SectionTabs, SectionTabsProps, SecurityTabs, Tab,
    API_ACCESS_TABS, MESSAGING_TABS, SECURITY_TABS,
};
pub use shown_once::{ShownOnce, ShownOnceProps};
pub use toast::{
    Toast, ToastAction, ToastContext, ToastProvider, ToastProviderProps, ToastRegion, Toasts,
};
pub use window_fields::{weekday_label, WindowFields, WindowFieldsProps, TIME_ZONES};
