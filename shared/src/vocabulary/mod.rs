//! The product's words that both sides use and the API also stores: event kinds,
//! outcomes, roles, permissions, statuses and methods. The API's services speak them
//! (they are domain values, not request or response bodies); `dto` re-exports them
//! where a body carries one, so a wire type and its stored name never drift apart.

mod language;
mod security_events;
mod sessions;
mod sms;
mod subusers;
mod two_factor;

pub use language::Language;
pub use security_events::{ChainBreak, SecurityEventKind};
pub use sessions::{LoginOutcome, SESSION_TIMEOUT_CHOICES_SECS};
pub use sms::MessageStatus;
pub use subusers::{PortalPermission, Role, SubuserStatus, Weekday};
pub use two_factor::{ChallengeReason, VerificationMethod};
