//! Subusers (the owner's), and what a login sends with: messages, sender names and
//! contact groups.

use gloo_net::http::Request;
use portcullis_shared::dto::{
    ContactGroupDto, CreateSubuserRequest, MessageDto, SendSmsRequest, SenderDto, SubuserDto,
    UpdateSubuserRequest,
};
use portcullis_shared::routes::{
    CONTACT_GROUPS, CSRF_HEADER, SENDERS, SMS, SUBUSER, SUBUSERS, SUBUSER_DISABLE, SUBUSER_ENABLE,
    SUBUSER_INVITATION,
};

use super::{decode, expect_no_content, item_path, send, send_json, ApiError};

/// The account's subusers.
pub async fn list_subusers() -> Result<Vec<SubuserDto>, ApiError> {
    let response = send(Request::get(SUBUSERS)).await?;
    decode(response).await
}

/// Creates a subuser; without a password the API e-mails them an invitation.
pub async fn create_subuser(
    csrf_token: &str,
    request: &CreateSubuserRequest,
) -> Result<SubuserDto, ApiError> {
    let response = send_json(Request::post(SUBUSERS), csrf_token, request).await?;
    decode(response).await
}

/// Replaces a subuser's grants and phone.
pub async fn update_subuser(
    csrf_token: &str,
    id: &str,
    request: &UpdateSubuserRequest,
) -> Result<SubuserDto, ApiError> {
    let path = item_path(SUBUSER, id);
    let response = send_json(Request::put(&path), csrf_token, request).await?;
    decode(response).await
}

/// Deletes a subuser: their sessions end and their tokens are refused.
pub async fn delete_subuser(csrf_token: &str, id: &str) -> Result<(), ApiError> {
    let path = item_path(SUBUSER, id);
    let response = send(Request::delete(&path).header(CSRF_HEADER, csrf_token)).await?;
    expect_no_content(response).await
}

/// What the owner can do to a subuser with a bare `POST`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubuserAction {
    /// Sign-in, sessions and tokens refused until enabled again.
    Disable,
    /// Undoes [`SubuserAction::Disable`].
    Enable,
    /// A new invitation e-mail, for a subuser who has not set a password yet.
    ResendInvitation,
}

/// Applies `action` to the subuser `id`; the page reads the list again afterwards.
pub async fn subuser_action(
    csrf_token: &str,
    id: &str,
    action: SubuserAction,
) -> Result<(), ApiError> {
    let template = match action {
        SubuserAction::Disable => SUBUSER_DISABLE,
        SubuserAction::Enable => SUBUSER_ENABLE,
        SubuserAction::ResendInvitation => SUBUSER_INVITATION,
    };
    let path = item_path(template, id);
    let response = send(Request::post(&path).header(CSRF_HEADER, csrf_token)).await?;
    expect_no_content(response).await
}

/// The sender names this login may see (a subuser: the ones granted to them).
pub async fn list_senders() -> Result<Vec<SenderDto>, ApiError> {
    let response = send(Request::get(SENDERS)).await?;
    decode(response).await
}

/// The contact groups this login may see.
pub async fn list_contact_groups() -> Result<Vec<ContactGroupDto>, ApiError> {
    let response = send(Request::get(CONTACT_GROUPS)).await?;
    decode(response).await
}

/// Sends a text message from the portal session; answers it queued and charged.
pub async fn send_sms(csrf_token: &str, request: &SendSmsRequest) -> Result<MessageDto, ApiError> {
    let response = send_json(Request::post(SMS), csrf_token, request).await?;
    decode(response).await
}

/// The messages this login sent, newest first.
pub async fn list_messages() -> Result<Vec<MessageDto>, ApiError> {
    let response = send(Request::get(SMS)).await?;
    decode(response).await
}
