//! Text messages: sending one from the portal, the ones sent, and what a message is sent
//! with (the sender names and contact groups this login may use).

use portcullis_shared::dto::{
    ContactGroupDto, MessageDto, SendSmsBatchRequest, SendSmsRequest, SenderDto, SmsBatchDto,
    SmsBatchPageDto,
};
use portcullis_shared::endpoints::{
    GetSmsBatch, ListContactGroups, ListSenders, ListSms, ListSmsQuery, SendSms, SendSmsBatch,
    SmsBatchQuery,
};

use super::request::call;
use super::ApiError;

/// The sender names this login may see (a subuser: the ones granted to them).
pub async fn list_senders() -> Result<Vec<SenderDto>, ApiError> {
    call::<ListSenders>(None, &(), &()).await
}

/// The contact groups this login may see.
pub async fn list_contact_groups() -> Result<Vec<ContactGroupDto>, ApiError> {
    call::<ListContactGroups>(None, &(), &()).await
}

/// Sends a text message from the portal session; answers it queued and charged.
pub async fn send_sms(csrf_token: &str, request: &SendSmsRequest) -> Result<MessageDto, ApiError> {
    call::<SendSms>(Some(csrf_token), &(), request).await
}

/// The messages this login sent, newest first.
pub async fn list_messages() -> Result<Vec<MessageDto>, ApiError> {
    call::<ListSms>(None, &(), &ListSmsQuery::default()).await
}

/// Sends one text to many recipients from the portal session; answers the batch, queued
/// and charged whole.
pub async fn send_sms_batch(
    csrf_token: &str,
    request: &SendSmsBatchRequest,
) -> Result<SmsBatchDto, ApiError> {
    call::<SendSmsBatch>(Some(csrf_token), &(), request).await
}

/// A batch and the first page of its recipients' statuses.
pub async fn get_sms_batch(id: &str) -> Result<SmsBatchPageDto, ApiError> {
    let query = SmsBatchQuery {
        after: None,
        limit: Some(1000),
    };
    call::<GetSmsBatch>(None, id, &query).await
}
