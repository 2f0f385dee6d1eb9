//! Text messages: the SMS API (sending, reading, the country filter and the
//! trial restriction), handing queued messages to the transport, the SMS
//! Authenticator and the budget for texts the platform sends on its own behalf.
//! Serves `routes/{sms, country_filter, authenticator, authenticator_limits}.rs`.

pub mod authenticator;
pub mod batches;
pub mod budget;
pub mod dispatch;
pub mod messages;
