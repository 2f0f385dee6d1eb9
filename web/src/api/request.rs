//! The one way the client talks to the API: [`call`] sends one endpoint of the shared
//! catalogue ([`portcullis_shared::endpoints`]) and reads its typed answer. A [`Call`] is
//! that request before it is sent, for the few endpoints that read a status or a header
//! themselves.

use gloo_net::http::{Request, RequestBuilder, Response};
use portcullis_shared::endpoints::{self, Endpoint, Method};
use portcullis_shared::routes::CSRF_HEADER;
use serde::Serialize;

use super::error::{self, ApiError};

/// Calls `E` at `params` with `request` and reads its answer, or the refusal. `csrf_token`
/// goes as `X-CSRF-Token`: every state-changing call needs one, reads none.
pub(super) async fn call<E: Endpoint>(
    csrf_token: Option<&str>,
    params: &E::Path,
    request: &E::Request,
) -> Result<E::Response, ApiError> {
    let response = Call::to::<E>(csrf_token, params, request)?
        .response()
        .await?;
    if endpoints::answers_nothing::<E>() && response.ok() {
        // A bodiless answer is `()`, which JSON `null` reads as; the body is not read.
        return error::decode_body(response.status(), "null");
    }
    decode(response).await
}

/// One request to the API, built and then sent.
pub(super) struct Call {
    request: RequestBuilder,
    body: Option<String>,
}

impl Call {
    /// `E` at `params`, with `request` as its query string or JSON body (as its method
    /// says) and `csrf_token` as `X-CSRF-Token` when given.
    pub(super) fn to<E: Endpoint>(
        csrf_token: Option<&str>,
        params: &E::Path,
        request: &E::Request,
    ) -> Result<Self, ApiError> {
        let mut url = E::path(params);
        if endpoints::sends_query::<E>() {
            let query = serde_urlencoded::to_string(request)
                .map_err(|err| ApiError::Network(err.to_string()))?;
            if !query.is_empty() {
                url.push('?');
                url.push_str(&query);
            }
        }
        let builder = match E::METHOD {
            Method::Get => Request::get(&url),
            Method::Post => Request::post(&url),
            Method::Put => Request::put(&url),
            Method::Patch => Request::patch(&url),
            Method::Delete => Request::delete(&url),
        };
        let mut call = Call {
            request: builder.header("Accept", "application/json"),
            body: None,
        };
        if let Some(token) = csrf_token {
            call.request = call.request.header(CSRF_HEADER, token);
        }
        if endpoints::sends_json::<E>() {
            call = call.json(request)?;
        }
        Ok(call)
    }

    fn json<B: Serialize>(mut self, body: &B) -> Result<Self, ApiError> {
        let body = serde_json::to_string(body).map_err(|err| ApiError::Network(err.to_string()))?;
        self.request = self.request.header("Content-Type", "application/json");
        self.body = Some(body);
        Ok(self)
    }

    /// Sends the call and hands back the raw answer.
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
}

pub(super) async fn body_text(response: &Response) -> Result<String, ApiError> {
    response
        .text()
        .await
        .map_err(|err| ApiError::Network(err.to_string()))
}

pub(super) async fn decode<T: serde::de::DeserializeOwned>(
    response: Response,
) -> Result<T, ApiError> {
    let status = response.status();
    let body = body_text(&response).await?;
    error::decode_body(status, &body)
}
