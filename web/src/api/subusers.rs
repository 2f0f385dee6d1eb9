//! The account's subusers (the owner's to manage).

use portcullis_shared::dto::{CreateSubuserRequest, SubuserDto, UpdateSubuserRequest};
use portcullis_shared::routes::{
    SUBUSER, SUBUSERS, SUBUSER_DISABLE, SUBUSER_ENABLE, SUBUSER_INVITATION,
};

use super::request::{item_path, Call};
use super::ApiError;

/// The account's subusers.
pub async fn list_subusers() -> Result<Vec<SubuserDto>, ApiError> {
    Call::get(SUBUSERS).answer().await
}

/// Creates a subuser; without a password the API e-mails them an invitation.
pub async fn create_subuser(
    csrf_token: &str,
    request: &CreateSubuserRequest,
) -> Result<SubuserDto, ApiError> {
    Call::post(SUBUSERS)
        .csrf(csrf_token)
        .json(request)?
        .answer()
        .await
}

/// Replaces a subuser's grants and phone.
pub async fn update_subuser(
    csrf_token: &str,
    id: &str,
    request: &UpdateSubuserRequest,
) -> Result<SubuserDto, ApiError> {
    Call::put(&item_path(SUBUSER, id))
        .csrf(csrf_token)
        .json(request)?
        .answer()
        .await
}

/// Deletes a subuser: their sessions end and their tokens are refused.
pub async fn delete_subuser(csrf_token: &str, id: &str) -> Result<(), ApiError> {
    Call::delete(&item_path(SUBUSER, id))
        .csrf(csrf_token)
        .no_content()
        .await
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
    Call::post(&item_path(template, id))
        .csrf(csrf_token)
        .no_content()
        .await
}
