//! `BrowserDevice`: the long-lived random cookie that tells browsers apart for
//! new-device checks. A browser without one gets a new one with the response.

use std::future::{ready, Ready};

use actix_web::{
    cookie::{time::Duration as CookieDuration, Cookie, SameSite},
    dev::Payload,
    FromRequest, HttpRequest, HttpResponseBuilder,
};
use portcullis_shared::routes::DEVICE_COOKIE;

use crate::{config::Config, domain::DeviceToken, error::ApiError};

/// A device cookie lives this long (it is only an identifier; trust is kept
/// server-side and can be removed there).
const DEVICE_COOKIE_DAYS: i64 = 400;

#[derive(Debug, Clone)]
pub struct BrowserDevice {
    pub token: DeviceToken,
    /// The browser sent none: set [`BrowserDevice::set_cookie`] on the answer.
    pub is_new: bool,
}

impl BrowserDevice {
    /// The device the request carries, if it carries a well-formed one.
    pub fn presented(req: &HttpRequest) -> Option<DeviceToken> {
        req.cookie(DEVICE_COOKIE)
            .and_then(|c| DeviceToken::parse(c.value()))
    }

    /// Adds the cookie to a response when the browser did not have it yet.
    pub fn set_cookie(&self, config: &Config, response: &mut HttpResponseBuilder) {
        if self.is_new {
            response.cookie(
                Cookie::build(DEVICE_COOKIE, self.token.expose().to_owned())
                    .path("/")
                    .http_only(true)
                    .same_site(SameSite::Strict)
                    .secure(config.cookie_secure)
                    .max_age(CookieDuration::days(DEVICE_COOKIE_DAYS))
                    .finish(),
            );
        }
    }
}

impl FromRequest for BrowserDevice {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(match Self::presented(req) {
            Some(token) => Self {
                token,
                is_new: false,
            },
            None => Self {
                token: DeviceToken::generate(),
                is_new: true,
            },
        }))
    }
}
