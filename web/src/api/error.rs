//! What can go wrong talking to the API, and how it reads as a [`Problem`] in a form.

use portcullis_shared::problem::{Problem, ProblemCode};
use serde::de::DeserializeOwned;

use crate::i18n::Texts;

/// A failed API call.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The API refused the request with a problem+json body.
    Problem(Box<Problem>),
    /// The request never got an answer (server down, connection lost, proxy failure).
    Network(String),
    /// The answer was not what the contract promises (no problem body, unparsable JSON).
    UnexpectedResponse {
        /// HTTP status of the answer.
        status: u16,
    },
}

impl ApiError {
    /// Reads a non-2xx answer: a problem body when there is one.
    pub fn from_error_body(status: u16, body: &str) -> Self {
        serde_json::from_str::<Problem>(body)
            .map(|problem| ApiError::Problem(Box::new(problem)))
            .unwrap_or(ApiError::UnexpectedResponse { status })
    }

    /// The problem's code, if the API sent one.
    pub fn code(&self) -> Option<ProblemCode> {
        match self {
            ApiError::Problem(problem) => Some(problem.code),
            _ => None,
        }
    }

    /// True when the API says there is no (longer a) session.
    pub fn is_signed_out(&self) -> bool {
        matches!(
            self.code(),
            Some(ProblemCode::Unauthenticated | ProblemCode::SessionExpired)
        )
    }

    /// The error as a problem, so forms show API refusals and transport failures alike;
    /// the portal's own words are in its current language.
    pub fn into_problem(self) -> Problem {
        let texts = Texts::current();
        match self {
            ApiError::Problem(problem) => super::problem_words::in_language(*problem, texts),
            ApiError::Network(_) => synthetic(
                ProblemCode::Unavailable,
                0,
                texts.t("error-unreachable-title"),
                texts.t("error-unreachable-connection"),
            ),
            // The API answers every error with a problem body, so a bare 5xx comes from
            // whatever is in front of it (trunk's proxy answers 500 while the API is down).
            ApiError::UnexpectedResponse {
                status: status @ 500..=599,
            } => synthetic(
                ProblemCode::Unavailable,
                status,
                texts.t("error-unreachable-title"),
                texts.t("error-unreachable-service"),
            ),
            ApiError::UnexpectedResponse { status } => synthetic(
                ProblemCode::Unknown,
                status,
                texts.t("error-unexpected-title"),
                texts.t_args(
                    "error-unexpected-detail",
                    // As text: a status is a code, not an amount to group.
                    &[("status", status.to_string().into())],
                ),
            ),
        }
    }
}

/// Reads an answer: the expected body on 2xx, an [`ApiError`] otherwise.
pub(crate) fn decode_body<T: DeserializeOwned>(status: u16, body: &str) -> Result<T, ApiError> {
    if (200..300).contains(&status) {
        serde_json::from_str(body).map_err(|_| ApiError::UnexpectedResponse { status })
    } else {
        Err(ApiError::from_error_body(status, body))
    }
}

/// Builds the problem for checks the portal runs itself before calling the API.
pub fn client_validation_problem(
    errors: Vec<portcullis_shared::problem::FieldError>,
) -> Option<Problem> {
    if errors.is_empty() {
        return None;
    }
    let texts = Texts::current();
    let mut problem = synthetic(
        ProblemCode::ValidationFailed,
        422,
        texts.t("error-validation-title"),
        texts.t("error-validation-detail"),
    );
    problem.errors = errors;
    Some(problem)
}

fn synthetic(code: ProblemCode, status: u16, title: String, detail: String) -> Problem {
    Problem {
        type_uri: "about:blank".to_owned(),
        title,
        status,
        detail: Some(detail),
        code,
        request_id: None,
        permission: None,
        opens_at: None,
        country: None,
        recipients: Vec::new(),
        errors: Vec::new(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use portcullis_shared::dto::MeResponse;

    const PROBLEM_BODY: &str = r#"{"type":"about:blank","title":"Unauthorized","status":401,
        "code":"unauthenticated","detail":"Sign in first."}"#;

    #[test]
    fn error_status_with_problem_body_is_a_problem() {
        let err = decode_body::<MeResponse>(401, PROBLEM_BODY).unwrap_err();
        assert_eq!(err.code(), Some(ProblemCode::Unauthenticated));
        assert!(err.is_signed_out());
    }

    #[test]
    fn error_status_without_problem_body_is_unexpected() {
        let err = decode_body::<MeResponse>(500, "<html>oops</html>").unwrap_err();
        assert_eq!(err, ApiError::UnexpectedResponse { status: 500 });
        assert!(!err.is_signed_out());
    }

    #[test]
    fn success_with_wrong_shape_is_unexpected() {
        let err = decode_body::<MeResponse>(200, r#"{"account":1}"#).unwrap_err();
        assert_eq!(err, ApiError::UnexpectedResponse { status: 200 });
    }

    /// A `MeResponse` body, as `GET /me` and a login answer it.
    pub(crate) const ME_BODY: &str = r#"{"account":{"id":"acc_1","email":"a@b.io","phone":null,
        "country":"PL","points_balance":5,"created_at":"2026-01-02T03:04:05Z"},
        "session":{"csrf_token":"tok","created_at":"2026-01-02T03:04:05Z",
        "expires_at":"2026-01-03T03:04:05Z","idle_timeout_secs":1800}}"#;

    #[test]
    fn success_decodes_the_dto() {
        let me: MeResponse = decode_body(200, ME_BODY).unwrap();
        assert_eq!(me.account.email, "a@b.io");
        assert_eq!(me.session.csrf_token, "tok");
    }

    #[test]
    fn proxy_failures_read_as_unavailable() {
        for status in [500, 502, 503] {
            let problem = ApiError::UnexpectedResponse { status }.into_problem();
            assert_eq!(problem.code, ProblemCode::Unavailable, "{status}");
        }
        let problem = ApiError::UnexpectedResponse { status: 404 }.into_problem();
        assert_eq!(problem.code, ProblemCode::Unknown);
        assert!(problem.detail.unwrap().contains("HTTP 404"));
        let problem = ApiError::Network("connection refused".into()).into_problem();
        assert_eq!(problem.code, ProblemCode::Unavailable);
        assert_eq!(problem.title, "Can't reach Portcullis");
    }

    #[test]
    fn client_validation_problem_carries_the_field_errors() {
        assert_eq!(client_validation_problem(Vec::new()), None);
        let email = portcullis_shared::validate::check_email("email", "nope").unwrap();
        let problem = client_validation_problem(vec![email]).unwrap();
        assert_eq!(problem.code, ProblemCode::ValidationFailed);
        assert!(problem.field_message("email").is_some());
    }
}
