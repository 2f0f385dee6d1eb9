//! The destination countries the account's messages may go to.

use portcullis_shared::dto::CountryFilterDto;
use portcullis_shared::routes::COUNTRY_FILTER;

use super::request::Call;
use super::ApiError;

/// The destination countries the account's messages may go to.
pub async fn get_country_filter() -> Result<CountryFilterDto, ApiError> {
    Call::get(COUNTRY_FILTER).answer().await
}

/// Replaces the country filter; answers the list as stored (normalised, sorted).
pub async fn set_country_filter(
    csrf_token: &str,
    request: &CountryFilterDto,
) -> Result<CountryFilterDto, ApiError> {
    Call::put(COUNTRY_FILTER)
        .csrf(csrf_token)
        .json(request)?
        .answer()
        .await
}
