//! Newtypes that can only hold valid values, and the few plain words below every
//! other room (a token refusal). Handlers parse requests into these; services never
//! see raw strings from outside.

mod activity_days;
mod country;
mod credential_network;
mod device;
mod email;
mod ids;
pub mod ip_allowlist;
pub mod kek;
mod one_time_code;
mod password;
mod phone;
pub mod sending_window;
pub mod sms_text;
pub mod stream_url;
mod token_refusal;
mod totp;

pub use activity_days::ActivityDays;
pub use country::CountryCode;
pub use credential_network::CredentialNetwork;
pub use device::describe_user_agent;
pub use email::Email;
pub(crate) use ids::hex_sha256;
pub use ids::{
    new_account_id, CeremonyToken, ChallengeToken, DeviceToken, ResetToken, SessionToken,
    SignupToken,
};
pub use ip_allowlist::{IpAllowlist, IpRange};
pub use kek::{Kek, SealedAt};
pub use one_time_code::{OneTimeCode, RecoveryCode, RecoveryHashCache, RecoverySalt};
pub use password::{NewPassword, Password};
pub use phone::PhoneNumber;
pub use token_refusal::TokenRefusal;
pub use totp::TotpSecret;
