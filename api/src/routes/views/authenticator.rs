//! SMS Authenticator codes and limits as the API shows them.

use portcullis_shared::dto::{
    AuthenticatorLimitsDto, SendCodeRequest, SentCodeDto, VerifyCodeResponse,
};

use crate::services::{
    rfc3339,
    sms::{
        authenticator::{CodeCheck, NewCode, SentCode},
        budget::AuthenticatorLimits,
    },
};

impl From<SendCodeRequest> for NewCode {
    fn from(request: SendCodeRequest) -> Self {
        let SendCodeRequest { to, app_name } = request;
        Self { to, app_name }
    }
}

impl From<SentCode> for SentCodeDto {
    fn from(sent: SentCode) -> Self {
        Self {
            id: sent.id,
            to: sent.to,
            message_id: sent.message_id,
            expires_at: rfc3339(sent.expires_at),
        }
    }
}

impl From<CodeCheck> for VerifyCodeResponse {
    fn from(check: CodeCheck) -> Self {
        Self {
            verified: check.verified,
            attempts_left: check.attempts_left,
        }
    }
}

impl From<AuthenticatorLimitsDto> for AuthenticatorLimits {
    fn from(limits: AuthenticatorLimitsDto) -> Self {
        let AuthenticatorLimitsDto {
            per_number_per_hour,
            per_number_per_day,
        } = limits;
        Self {
            per_number_per_hour,
            per_number_per_day,
        }
    }
}

impl From<AuthenticatorLimits> for AuthenticatorLimitsDto {
    fn from(limits: AuthenticatorLimits) -> Self {
        Self {
            per_number_per_hour: limits.per_number_per_hour,
            per_number_per_day: limits.per_number_per_day,
        }
    }
}
