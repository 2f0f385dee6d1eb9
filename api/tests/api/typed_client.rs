//! A typed client over the endpoint catalogue the portal uses too
//! ([`portcullis_shared::endpoints`]): a valid request is written as its DTO rather than
//! as `json!`, and its answer comes back typed. Malformed bodies stay `json!` on purpose.

use portcullis_shared::dto::MeResponse;
use portcullis_shared::endpoints::{self, Endpoint};
use portcullis_shared::routes;

use crate::harness::TestApp;

/// Who makes a typed call.
#[derive(Debug, Clone, Copy)]
pub enum Caller<'a> {
    /// This browser's portal session; its CSRF token goes with every call but a read.
    Session(&'a MeResponse),
    /// An integrator with an API token, from a client without cookies.
    Bearer(&'a str),
}

impl TestApp {
    /// Sends `E` at `params` with `request` as `caller`; hands back the raw answer.
    pub async fn call_raw<E: Endpoint>(
        &self,
        caller: Caller<'_>,
        params: &E::Path,
        request: &E::Request,
    ) -> reqwest::Response {
        let method = reqwest::Method::from_bytes(E::METHOD.as_str().as_bytes()).expect("method");
        let url = self.url(&E::path(params));
        let mut builder = match caller {
            Caller::Session(me) => {
                let builder = self.client.request(method, url);
                if E::METHOD == endpoints::Method::Get {
                    builder
                } else {
                    builder.header(routes::CSRF_HEADER, &me.session.csrf_token)
                }
            }
            Caller::Bearer(token) => self
                .client_builder()
                .build()
                .expect("http client")
                .request(method, url)
                .bearer_auth(token),
        };
        if endpoints::sends_json::<E>() {
            builder = builder.json(request);
        }
        if endpoints::sends_query::<E>() {
            builder = builder.query(request);
        }
        builder.send().await.expect("request")
    }

    /// Calls `E` like [`TestApp::call_raw`], expecting `status` and reading its typed answer.
    pub async fn call<E: Endpoint>(
        &self,
        caller: Caller<'_>,
        params: &E::Path,
        request: &E::Request,
        status: reqwest::StatusCode,
    ) -> E::Response {
        let response = self.call_raw::<E>(caller, params, request).await;
        let path = E::path(params);
        assert_eq!(response.status(), status, "{} {path}", E::METHOD.as_str());
        if endpoints::answers_nothing::<E>() {
            // A bodiless answer is `()`, which JSON `null` reads as.
            serde_json::from_str("null").expect("()")
        } else {
            response.json().await.expect("the endpoint's answer")
        }
    }
}
