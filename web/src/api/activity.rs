//! The activity charts' counts.

use portcullis_shared::dto::{ActivityDto, ActivityQuery};
use portcullis_shared::endpoints::Activity;

use super::request::call;
use super::ApiError;

/// The signed-in login's activity over the last `days` days (the owner's: the account's).
pub async fn activity(days: u32) -> Result<ActivityDto, ApiError> {
    let query = ActivityQuery { days: Some(days) };
    call::<Activity>(None, &(), &query).await
}
