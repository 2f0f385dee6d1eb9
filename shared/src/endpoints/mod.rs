//! The API's JSON endpoints as types: each one names its method, its path (a
//! [`routes`](crate::routes) constant), what fills the path's `{id}`, its request and its
//! answer, so every client (the portal, the API's tests) calls it the same typed way.
//!
//! A request travels by method: `GET` and `DELETE` send it as the query string, `POST`,
//! `PUT` and `PATCH` as a JSON body; `()` sends nothing. A `()` answer is a bodiless 2xx.
//! Endpoints that are not JSON in and out (the OAuth form endpoints, the CSV import, the
//! security log download, the OpenAPI document) are not here.

mod account;
mod activity;
mod allowlists;
mod authenticator;
mod contacts;
mod credential_networks;
mod oauth_clients;
mod operations;
mod passkeys;
mod passwords;
mod security_log;
mod sessions;
mod sms;
mod subusers;
mod tokens;
mod two_factor;

pub use account::{
    ConfirmSignup, Login, Logout, Me, ResendLoginCode, SecurityOverview, SetLanguage, Signup,
    VerifyLogin,
};
pub use activity::Activity;
pub use allowlists::{
    AddApiAllowlistEntry, AddPortalAllowlistEntry, DeleteApiAllowlistEntry, GetPortalAllowlist,
    ListApiAllowlist, RemovePortalAllowlistEntry,
};
pub use authenticator::{
    GetAuthenticatorLimits, SendAuthenticatorCode, SetAuthenticatorLimits, VerifyAuthenticatorCode,
};
pub use contacts::{
    CreateContact, CreateContactGroup, DeleteContact, DeleteContactGroup, GetContact,
    ListContactGroups, ListContacts, ListContactsQuery, RenameContactGroup, UpdateContact,
};
pub use credential_networks::{
    OAuthClientNetworks, PinOAuthClientNetworks, PinTokenNetworks, ReportTokenLeaks, TokenNetworks,
};
pub use oauth_clients::{
    CreateOAuthClient, DeleteOAuthClient, EndOAuthClientSecretOverlap, Jwks, ListOAuthClients,
    OAuthMetadata, RotateOAuthClientSecret, UpdateOAuthClient,
};
pub use operations::{DevOutbox, Livez, Readyz};
pub use passkeys::{
    FinishHeldPasskey, FinishPasskeyRegistration, FinishPasskeySignIn, ListPasskeys, RemovePasskey,
    RenamePasskey, SetPasskeyPolicy, StartHeldPasskey, StartPasskeyRegistration,
    StartPasskeySignIn,
};
pub use passwords::{
    ChangePassword, ConfirmPasswordReset, GetPasswordPolicy, RequestPasswordReset,
    SetPasswordPolicy,
};
pub use security_log::{
    DeleteSecurityStream, GetSecurityStream, RotateStreamSecret, SecurityLog, SetSecurityStream,
    SubuserSecurityLog, TestSecurityStream, VerifySecurityLog,
};
pub use sessions::{
    GetSessionTimeout, ListSessions, LoginHistory, RevokeAllSessions, RevokeOtherSessions,
    RevokeSession, SetSessionTimeout,
};
pub use sms::{
    CreateSender, DeleteSender, GetCountryFilter, GetSms, GetSmsBatch, ListSenders, ListSms,
    ListSmsBatches, ListSmsQuery, SendSms, SendSmsBatch, SetCountryFilter, SmsBatchQuery,
};
pub use subusers::{
    CreateSubuser, DeleteSubuser, DisableSubuser, EnableSubuser, GetSubuser, ListSubusers,
    ResendSubuserInvitation, UpdateSubuser,
};
pub use tokens::{CreateToken, DeleteToken, ListTokens, Profile, RegenerateToken, UpdateToken};
pub use two_factor::{
    ConfirmSmsTwoFactor, ConfirmTotpTwoFactor, DisableTwoFactor, ListDevices, NewRecoveryCodes,
    RemoveDevice, SendTwoFactorCode, SetTwoFactorPolicy, StartSmsTwoFactor, StartTotpTwoFactor,
    TwoFactorStatus,
};

use std::any::TypeId;

use serde::de::DeserializeOwned;
use serde::Serialize;

/// The HTTP methods the API's JSON endpoints use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`: reads; the request is the query string.
    Get,
    /// `POST`: creates or acts; the request is a JSON body.
    Post,
    /// `PUT`: replaces; the request is a JSON body.
    Put,
    /// `PATCH`: changes part; the request is a JSON body.
    Patch,
    /// `DELETE`: removes; the request is the query string.
    Delete,
}

impl Method {
    /// The method's name on the wire (`GET`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// Whether the request travels as a body (`POST`, `PUT`, `PATCH`) rather than as the
    /// query string.
    pub const fn has_body(self) -> bool {
        matches!(self, Method::Post | Method::Put | Method::Patch)
    }
}

/// What fills a path template's parameters.
pub trait PathParams {
    /// `template` with its parameters filled in.
    fn fill(&self, template: &str) -> String;
}

/// A path without parameters.
impl PathParams for () {
    fn fill(&self, template: &str) -> String {
        template.to_owned()
    }
}

/// The `{id}` of a path to one resource.
impl PathParams for str {
    fn fill(&self, template: &str) -> String {
        item_path(template, self)
    }
}

/// One JSON endpoint of the API.
pub trait Endpoint {
    /// Its method.
    const METHOD: Method;
    /// Its path template, as registered (a [`routes`](crate::routes) constant).
    const PATH: &'static str;
    /// What fills the path: `()`, or `str` for the `{id}` of one resource.
    type Path: PathParams + ?Sized;
    /// The query (`GET`, `DELETE`) or JSON body (`POST`, `PUT`, `PATCH`); `()` for none.
    type Request: Serialize + 'static;
    /// The JSON a 2xx answer holds; `()` for a bodiless one.
    type Response: DeserializeOwned + 'static;

    /// The path to call, parameters filled in.
    fn path(params: &Self::Path) -> String {
        params.fill(Self::PATH)
    }
}

/// Whether `E`'s request travels as a JSON body.
pub fn sends_json<E: Endpoint>() -> bool {
    E::METHOD.has_body() && !is_unit::<E::Request>()
}

/// Whether `E`'s request travels as the query string.
pub fn sends_query<E: Endpoint>() -> bool {
    !E::METHOD.has_body() && !is_unit::<E::Request>()
}

/// Whether `E` answers a bodiless 2xx.
pub fn answers_nothing<E: Endpoint>() -> bool {
    is_unit::<E::Response>()
}

fn is_unit<T: 'static>() -> bool {
    TypeId::of::<T>() == TypeId::of::<()>()
}

/// `template` (a [`routes`](crate::routes) path with `{id}`) for one resource; the id is
/// percent-encoded, so whatever the API hands out stays a single path segment.
pub fn item_path(template: &str, id: &str) -> String {
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

/// An endpoint's method and path template, for listing the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Route {
    /// Its method.
    pub method: Method,
    /// Its path template.
    pub path: &'static str,
}

/// `E`'s method and path template.
pub const fn route<E: Endpoint>() -> Route {
    Route {
        method: E::METHOD,
        path: E::PATH,
    }
}

/// Every endpoint of the catalogue.
pub const CATALOGUE: &[Route] = &[
    route::<Signup>(),
    route::<ConfirmSignup>(),
    route::<Login>(),
    route::<VerifyLogin>(),
    route::<ResendLoginCode>(),
    route::<Logout>(),
    route::<StartHeldPasskey>(),
    route::<FinishHeldPasskey>(),
    route::<StartPasskeySignIn>(),
    route::<FinishPasskeySignIn>(),
    route::<ListPasskeys>(),
    route::<StartPasskeyRegistration>(),
    route::<FinishPasskeyRegistration>(),
    route::<SetPasskeyPolicy>(),
    route::<RenamePasskey>(),
    route::<RemovePasskey>(),
    route::<Me>(),
    route::<SecurityOverview>(),
    route::<ListApiAllowlist>(),
    route::<AddApiAllowlistEntry>(),
    route::<DeleteApiAllowlistEntry>(),
    route::<GetPortalAllowlist>(),
    route::<AddPortalAllowlistEntry>(),
    route::<RemovePortalAllowlistEntry>(),
    route::<SendAuthenticatorCode>(),
    route::<VerifyAuthenticatorCode>(),
    route::<GetAuthenticatorLimits>(),
    route::<SetAuthenticatorLimits>(),
    route::<ListContacts>(),
    route::<CreateContact>(),
    route::<GetContact>(),
    route::<UpdateContact>(),
    route::<DeleteContact>(),
    route::<ListContactGroups>(),
    route::<CreateContactGroup>(),
    route::<RenameContactGroup>(),
    route::<DeleteContactGroup>(),
    route::<ListOAuthClients>(),
    route::<CreateOAuthClient>(),
    route::<UpdateOAuthClient>(),
    route::<DeleteOAuthClient>(),
    route::<RotateOAuthClientSecret>(),
    route::<EndOAuthClientSecretOverlap>(),
    route::<OAuthMetadata>(),
    route::<Jwks>(),
    route::<Livez>(),
    route::<Readyz>(),
    route::<DevOutbox>(),
    route::<ChangePassword>(),
    route::<GetPasswordPolicy>(),
    route::<SetPasswordPolicy>(),
    route::<RequestPasswordReset>(),
    route::<ConfirmPasswordReset>(),
    route::<SecurityLog>(),
    route::<SubuserSecurityLog>(),
    route::<VerifySecurityLog>(),
    route::<GetSecurityStream>(),
    route::<SetSecurityStream>(),
    route::<DeleteSecurityStream>(),
    route::<RotateStreamSecret>(),
    route::<TestSecurityStream>(),
    route::<ListSessions>(),
    route::<RevokeSession>(),
    route::<RevokeOtherSessions>(),
    route::<RevokeAllSessions>(),
    route::<LoginHistory>(),
    route::<GetSessionTimeout>(),
    route::<SetSessionTimeout>(),
    route::<SendSms>(),
    route::<ListSms>(),
    route::<GetSms>(),
    route::<SendSmsBatch>(),
    route::<ListSmsBatches>(),
    route::<GetSmsBatch>(),
    route::<GetCountryFilter>(),
    route::<SetCountryFilter>(),
    route::<ListSenders>(),
    route::<CreateSender>(),
    route::<DeleteSender>(),
    route::<ListSubusers>(),
    route::<CreateSubuser>(),
    route::<GetSubuser>(),
    route::<UpdateSubuser>(),
    route::<DeleteSubuser>(),
    route::<DisableSubuser>(),
    route::<EnableSubuser>(),
    route::<ResendSubuserInvitation>(),
    route::<ListTokens>(),
    route::<CreateToken>(),
    route::<UpdateToken>(),
    route::<DeleteToken>(),
    route::<RegenerateToken>(),
    route::<Profile>(),
    route::<TwoFactorStatus>(),
    route::<StartSmsTwoFactor>(),
    route::<ConfirmSmsTwoFactor>(),
    route::<StartTotpTwoFactor>(),
    route::<ConfirmTotpTwoFactor>(),
    route::<SendTwoFactorCode>(),
    route::<DisableTwoFactor>(),
    route::<NewRecoveryCodes>(),
    route::<SetTwoFactorPolicy>(),
    route::<ListDevices>(),
    route::<RemoveDevice>(),
    route::<TokenNetworks>(),
    route::<PinTokenNetworks>(),
    route::<OAuthClientNetworks>(),
    route::<PinOAuthClientNetworks>(),
    route::<ReportTokenLeaks>(),
    route::<Activity>(),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes;

    #[test]
    fn item_paths_keep_the_id_one_segment() {
        assert_eq!(
            item_path(routes::TOKEN, "tok_0193abc"),
            "/api/v1/tokens/tok_0193abc"
        );
        assert_eq!(
            item_path(routes::API_ALLOWLIST_ENTRY, "ipa_1"),
            "/api/v1/api-allowlist/ipa_1"
        );
        assert_eq!(
            item_path(routes::TOKEN, "../me?x=1 #"),
            "/api/v1/tokens/..%2Fme%3Fx%3D1%20%23"
        );
        assert_eq!(
            item_path(routes::DEVICE, "dev_01ab"),
            "/api/v1/devices/dev_01ab"
        );
    }

    #[test]
    fn endpoints_fill_their_registered_paths() {
        assert_eq!(Me::path(&()), routes::ME);
        assert_eq!(DeleteToken::path("tok_1"), "/api/v1/tokens/tok_1");
        assert_eq!(
            DisableSubuser::path("usr_1"),
            "/api/v1/subusers/usr_1/disable"
        );
        assert_eq!(
            VerifyAuthenticatorCode::path("otp_1"),
            "/api/v1/authenticator/codes/otp_1/verify"
        );
    }

    #[test]
    fn the_catalogue_lists_each_route_once_with_a_known_path() {
        let mut seen = std::collections::HashSet::new();
        for route in CATALOGUE {
            assert!(seen.insert(*route), "{route:?} listed twice");
            assert!(
                route.path.starts_with(routes::API_V1)
                    || route.path.starts_with("/.well-known/")
                    || [routes::LIVEZ, routes::READYZ].contains(&route.path),
                "{route:?}"
            );
            let params = route.path.matches('{').count();
            assert!(params <= 1 && params == route.path.matches("{id}").count());
        }
    }

    #[test]
    fn requests_travel_by_method() {
        assert!(sends_json::<Login>());
        assert!(!sends_query::<Login>());
        assert!(sends_query::<LoginHistory>());
        assert!(sends_query::<RemovePortalAllowlistEntry>());
        assert!(!sends_json::<RevokeOtherSessions>());
        assert!(!sends_query::<RevokeOtherSessions>());
        assert!(!sends_query::<Me>());
        assert!(answers_nothing::<Logout>());
        assert!(!answers_nothing::<Me>());
    }
}
