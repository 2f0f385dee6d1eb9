//! The destination countries the account's messages may go to.

use portcullis_shared::dto::CountryFilterDto;
use portcullis_shared::endpoints::{GetCountryFilter, SetCountryFilter};

use super::request::call;
use super::ApiError;

/// The destination countries the account's messages may go to.
pub async fn get_country_filter() -> Result<CountryFilterDto, ApiError> {
    call::<GetCountryFilter>(None, &(), &()).await
}

/// Replaces the country filter; answers the list as stored (normalised, sorted).
pub async fn set_country_filter(
    csrf_token: &str,
    request: &CountryFilterDto,
) -> Result<CountryFilterDto, ApiError> {
    call::<SetCountryFilter>(Some(csrf_token), &(), request).await
}
