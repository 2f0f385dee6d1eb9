//! Newtypes that can only hold valid values. Handlers parse requests into
//! these; services never see raw strings from outside.

mod country;
mod email;
mod ids;
pub mod ip_allowlist;
mod password;
mod phone;
pub mod sms_text;

pub use country::CountryCode;
pub use email::Email;
pub use ids::{new_account_id, ResetToken, SessionToken};
pub use ip_allowlist::{IpAllowlist, IpRange};
pub use password::{NewPassword, Password};
pub use phone::PhoneNumber;
