//! The one way the client talks to the API: a [`Call`] is a method and a path, the CSRF
//! token when it changes state, a JSON body when it has one, and how its answer is read.

use gloo_net::http::{Request, RequestBuilder, Response};
use portcullis_shared::routes::CSRF_HEADER;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::error::{self, ApiError};

/// One request to the API, built up and then sent by one of its answer readers.
pub(super) struct Call {
    request: RequestBuilder,
    body: Option<String>,
}

impl Call {
    pub(super) fn get(path: &str) -> Self {
        Self::new(Request::get(path))
    }

    pub(super) fn post(path: &str) -> Self {
        Self::new(Request::post(path))
    }

    pub(super) fn put(path: &str) -> Self {
        Self::new(Request::put(path))
    }

    pub(super) fn patch(path: &str) -> Self {
        Self::new(Request::patch(path))
    }

    pub(super) fn delete(path: &str) -> Self {
        Self::new(Request::delete(path))
    }

    fn new(request: RequestBuilder) -> Self {
        Call {
            request: request.header("Accept", "application/json"),
            body: None,
        }
    }

    /// Sends `token` as `X-CSRF-Token` (every state-changing call needs one).
    pub(super) fn csrf(mut self, token: &str) -> Self {
        self.request = self.request.header(CSRF_HEADER, token);
        self
    }

    /// Appends query parameters.
    pub(super) fn query<'a>(
        mut self,
        params: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Self {
        self.request = self.request.query(params);
        self
    }

    /// Sends `body` as JSON.
    pub(super) fn json<B: Serialize>(mut self, body: &B) -> Result<Self, ApiError> {
        let body = serde_json::to_string(body).map_err(|err| ApiError::Network(err.to_string()))?;
        self.request = self.request.header("Content-Type", "application/json");
        self.body = Some(body);
        Ok(self)
    }

    /// Sends the call and hands back the raw answer, for the few calls that read a status
    /// or a header themselves.
    pub(super) async fn response(self) -> Result<Response, ApiError> {
        let sent = match self.body {
            Some(body) => match self.request.body(body) {
                Ok(request) => request.send().await,
                Err(err) => Err(err),
            },
            None => self.request.send().await,
        };
        sent.map_err(|err| ApiError::Network(err.to_string()))
    }

    /// Sends the call and reads the `T` a 2xx answer holds, or the refusal.
    pub(super) async fn answer<T: DeserializeOwned>(self) -> Result<T, ApiError> {
        decode(self.response().await?).await
    }

    /// Sends the call and expects a bodiless 2xx answer, or reads the refusal.
    pub(super) async fn no_content(self) -> Result<(), ApiError> {
        let response = self.response().await?;
        let status = response.status();
        if response.ok() {
            return Ok(());
        }
        let body = body_text(&response).await?;
        Err(ApiError::from_error_body(status, &body))
    }
}

/// `template` (a `shared::routes` path with `{id}`) for one resource; the id is
/// percent-encoded, so whatever the API hands out stays a single path segment.
pub(super) fn item_path(template: &str, id: &str) -> String {
    let mut segment = String::with_capacity(id.len());
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            segment.push(char::from(byte));
        } else {
            segment.push_str(&format!("%{byte:02X}"));
        }
    }
    template.replace("{id}", &segment)
}

pub(super) async fn body_text(response: &Response) -> Result<String, ApiError> {
    response
        .text()
        .await
        .map_err(|err| ApiError::Network(err.to_string()))
}

pub(super) async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    let status = response.status();
    let body = body_text(&response).await?;
    error::decode_body(status, &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use portcullis_shared::routes::{API_ALLOWLIST_ENTRY, DEVICE, TOKEN};

    #[test]
    fn item_paths_keep_the_id_one_segment() {
        assert_eq!(
            item_path(TOKEN, "tok_0193abc"),
            "/api/v1/tokens/tok_0193abc"
        );
        assert_eq!(
            item_path(API_ALLOWLIST_ENTRY, "ipa_1"),
            "/api/v1/api-allowlist/ipa_1"
        );
        assert_eq!(
            item_path(TOKEN, "../me?x=1 #"),
            "/api/v1/tokens/..%2Fme%3Fx%3D1%20%23"
        );
    }

    #[test]
    fn device_paths_keep_the_id_one_segment() {
        assert_eq!(item_path(DEVICE, "dev_01ab"), "/api/v1/devices/dev_01ab");
    }
}
