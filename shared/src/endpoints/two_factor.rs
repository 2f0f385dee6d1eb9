//! Two-factor sign-in and trusted devices.

use super::{Endpoint, Method};
use crate::dto::{
    CodeSentDto, ConfirmTwoFactorRequest, DisableTwoFactorRequest, PasswordConfirmation,
    RecoveryCodesDto, StartSmsTwoFactorRequest, TotpSetupDto, TrustedDeviceDto,
    TwoFactorEnabledDto, TwoFactorPolicyRequest, TwoFactorStatusDto,
};
use crate::routes::{
    DEVICE, DEVICES, TWO_FACTOR, TWO_FACTOR_CODE, TWO_FACTOR_DISABLE, TWO_FACTOR_POLICY,
    TWO_FACTOR_RECOVERY_CODES, TWO_FACTOR_SMS, TWO_FACTOR_SMS_CONFIRM, TWO_FACTOR_TOTP,
    TWO_FACTOR_TOTP_CONFIRM,
};

/// Which two-factor methods are on, recovery codes left, and the policy.
#[derive(Debug, Clone, Copy)]
pub struct TwoFactorStatus;

impl Endpoint for TwoFactorStatus {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = TWO_FACTOR;
    type Path = ();
    type Request = ();
    type Response = TwoFactorStatusDto;
}

/// Starts SMS two-factor set-up: texts a code (`202`).
#[derive(Debug, Clone, Copy)]
pub struct StartSmsTwoFactor;

impl Endpoint for StartSmsTwoFactor {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = TWO_FACTOR_SMS;
    type Path = ();
    type Request = StartSmsTwoFactorRequest;
    type Response = CodeSentDto;
}

/// Turns SMS two-factor on with the code sent.
#[derive(Debug, Clone, Copy)]
pub struct ConfirmSmsTwoFactor;

impl Endpoint for ConfirmSmsTwoFactor {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = TWO_FACTOR_SMS_CONFIRM;
    type Path = ();
    type Request = ConfirmTwoFactorRequest;
    type Response = TwoFactorEnabledDto;
}

/// Starts authenticator-app set-up: a new secret and its QR code.
#[derive(Debug, Clone, Copy)]
pub struct StartTotpTwoFactor;

impl Endpoint for StartTotpTwoFactor {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = TWO_FACTOR_TOTP;
    type Path = ();
    type Request = PasswordConfirmation;
    type Response = TotpSetupDto;
}

/// Turns the authenticator app on with a first code.
#[derive(Debug, Clone, Copy)]
pub struct ConfirmTotpTwoFactor;

impl Endpoint for ConfirmTotpTwoFactor {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = TWO_FACTOR_TOTP_CONFIRM;
    type Path = ();
    type Request = ConfirmTwoFactorRequest;
    type Response = TwoFactorEnabledDto;
}

/// Texts a code to the two-factor phone, to confirm a change (`202`).
#[derive(Debug, Clone, Copy)]
pub struct SendTwoFactorCode;

impl Endpoint for SendTwoFactorCode {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = TWO_FACTOR_CODE;
    type Path = ();
    type Request = ();
    type Response = CodeSentDto;
}

/// Turns a two-factor method off.
#[derive(Debug, Clone, Copy)]
pub struct DisableTwoFactor;

impl Endpoint for DisableTwoFactor {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = TWO_FACTOR_DISABLE;
    type Path = ();
    type Request = DisableTwoFactorRequest;
    type Response = TwoFactorStatusDto;
}

/// A new set of recovery codes; the old set stops working.
#[derive(Debug, Clone, Copy)]
pub struct NewRecoveryCodes;

impl Endpoint for NewRecoveryCodes {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = TWO_FACTOR_RECOVERY_CODES;
    type Path = ();
    type Request = PasswordConfirmation;
    type Response = RecoveryCodesDto;
}

/// Requires (or stops requiring) two-factor sign-in for every user.
#[derive(Debug, Clone, Copy)]
pub struct SetTwoFactorPolicy;

impl Endpoint for SetTwoFactorPolicy {
    const METHOD: Method = Method::Put;
    const PATH: &'static str = TWO_FACTOR_POLICY;
    type Path = ();
    type Request = TwoFactorPolicyRequest;
    type Response = TwoFactorStatusDto;
}

/// The trusted devices, most recently seen first.
#[derive(Debug, Clone, Copy)]
pub struct ListDevices;

impl Endpoint for ListDevices {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = DEVICES;
    type Path = ();
    type Request = ();
    type Response = Vec<TrustedDeviceDto>;
}

/// Forgets a trusted device.
#[derive(Debug, Clone, Copy)]
pub struct RemoveDevice;

impl Endpoint for RemoveDevice {
    const METHOD: Method = Method::Delete;
    const PATH: &'static str = DEVICE;
    type Path = str;
    type Request = ();
    type Response = ();
}
