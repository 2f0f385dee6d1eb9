//! The account's subusers (the owner's to manage).

use portcullis_shared::dto::{CreateSubuserRequest, SubuserDto, UpdateSubuserRequest};
use portcullis_shared::endpoints::{
    CreateSubuser, DeleteSubuser, DisableSubuser, EnableSubuser, ListSubusers,
    ResendSubuserInvitation, UpdateSubuser,
};

use super::request::call;
use super::ApiError;

/// The account's subusers.
pub async fn list_subusers() -> Result<Vec<SubuserDto>, ApiError> {
    call::<ListSubusers>(None, &(), &()).await
}

/// Creates a subuser; without a password the API e-mails them an invitation.
pub async fn create_subuser(
    csrf_token: &str,
    request: &CreateSubuserRequest,
) -> Result<SubuserDto, ApiError> {
    call::<CreateSubuser>(Some(csrf_token), &(), request).await
}

/// Replaces a subuser's grants and phone.
pub async fn update_subuser(
    csrf_token: &str,
    id: &str,
    request: &UpdateSubuserRequest,
) -> Result<SubuserDto, ApiError> {
    call::<UpdateSubuser>(Some(csrf_token), id, request).await
}

/// Deletes a subuser: their sessions end and their tokens are refused.
pub async fn delete_subuser(csrf_token: &str, id: &str) -> Result<(), ApiError> {
    call::<DeleteSubuser>(Some(csrf_token), id, &()).await
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
    let csrf_token = Some(csrf_token);
    match action {
        SubuserAction::Disable => call::<DisableSubuser>(csrf_token, id, &()).await.map(drop),
        SubuserAction::Enable => call::<EnableSubuser>(csrf_token, id, &()).await.map(drop),
        SubuserAction::ResendInvitation => {
            call::<ResendSubuserInvitation>(csrf_token, id, &()).await
        }
    }
}
