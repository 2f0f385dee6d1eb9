//! Two-factor sign-in settings as the portal shows them.

use portcullis_shared::dto::{
    CodeSentDto, PasswordConfirmation, SmsFactorDto, TotpFactorDto, TotpSetupDto,
    TwoFactorEnabledDto, TwoFactorStatusDto,
};

use crate::services::{
    rfc3339,
    two_factor::{ChangeConfirmation, CodeSent, TotpSetup, TwoFactorEnabled, TwoFactorStatus},
};

impl From<PasswordConfirmation> for ChangeConfirmation {
    fn from(body: PasswordConfirmation) -> Self {
        Self {
            password: body.password,
            code: body.code,
        }
    }
}

impl From<TwoFactorStatus> for TwoFactorStatusDto {
    fn from(status: TwoFactorStatus) -> Self {
        Self {
            enabled: status.enabled(),
            sms: status.sms.map(|sms| SmsFactorDto {
                phone: sms.phone,
                enabled_at: rfc3339(sms.enabled_at),
            }),
            totp: status.totp.map(|totp| TotpFactorDto {
                enabled_at: rfc3339(totp.enabled_at),
            }),
            passkeys: status.passkeys,
            recovery_codes_left: status.recovery_codes_left,
            required_for_all_users: status.required_for_all_users,
        }
    }
}

impl From<TwoFactorEnabled> for TwoFactorEnabledDto {
    fn from(enabled: TwoFactorEnabled) -> Self {
        Self {
            status: enabled.status.into(),
            recovery_codes: enabled.recovery_codes,
        }
    }
}

impl From<CodeSent> for CodeSentDto {
    fn from(sent: CodeSent) -> Self {
        Self {
            sent_to: sent.sent_to,
            expires_at: rfc3339(sent.expires_at),
        }
    }
}

impl From<TotpSetup> for TotpSetupDto {
    fn from(setup: TotpSetup) -> Self {
        Self {
            secret: setup.secret,
            otpauth_uri: setup.otpauth_uri,
            qr_svg: setup.qr_svg,
        }
    }
}
