//! Text messages: sending one from the portal, the ones sent, and what a message is sent
//! with (the sender names and contact groups this login may use).

use portcullis_shared::dto::{ContactGroupDto, MessageDto, SendSmsRequest, SenderDto};
use portcullis_shared::routes::{CONTACT_GROUPS, SENDERS, SMS};

use super::request::Call;
use super::ApiError;

/// The sender names this login may see (a subuser: the ones granted to them).
pub async fn list_senders() -> Result<Vec<SenderDto>, ApiError> {
    Call::get(SENDERS).answer().await
}

/// The contact groups this login may see.
pub async fn list_contact_groups() -> Result<Vec<ContactGroupDto>, ApiError> {
    Call::get(CONTACT_GROUPS).answer().await
}

/// Sends a text message from the portal session; answers it queued and charged.
pub async fn send_sms(csrf_token: &str, request: &SendSmsRequest) -> Result<MessageDto, ApiError> {
    Call::post(SMS)
        .csrf(csrf_token)
        .json(request)?
        .answer()
        .await
}

/// The messages this login sent, newest first.
pub async fn list_messages() -> Result<Vec<MessageDto>, ApiError> {
    Call::get(SMS).answer().await
}
