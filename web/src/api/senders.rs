//! Sender names: asking for one, and withdrawing it.

use portcullis_shared::dto::{RequestSenderRequest, SenderDto};
use portcullis_shared::endpoints::{CreateSender, DeleteSender};

use super::request::call;
use super::ApiError;

/// Asks the gateway for a sender name; it starts pending.
pub async fn request_sender(csrf_token: &str, name: &str) -> Result<SenderDto, ApiError> {
    let request = RequestSenderRequest {
        name: name.to_owned(),
    };
    call::<CreateSender>(Some(csrf_token), &(), &request).await
}

/// Deletes a sender name (pending, approved or rejected).
pub async fn delete_sender(csrf_token: &str, id: &str) -> Result<(), ApiError> {
    call::<DeleteSender>(Some(csrf_token), id, &()).await
}
