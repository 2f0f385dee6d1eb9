//! OAuth2 clients and the token endpoints' answers as the API shows them.

use portcullis_shared::dto::{
    CreateOAuthClientRequest, CreatedOAuthClientDto, IntrospectionResponse, OAuthClientDto,
    OAuthTokenResponse, UpdateOAuthClientRequest,
};

use crate::services::{
    rfc3339,
    tokens::oauth::{
        ClientUpdate, CreatedClient, Introspection, IssuedToken, NewClient, OAuthClient,
    },
};

/// The `token_type` of every access token issued (RFC 6750).
const BEARER: &str = "Bearer";

impl From<CreateOAuthClientRequest> for NewClient {
    fn from(request: CreateOAuthClientRequest) -> Self {
        let CreateOAuthClientRequest {
            name,
            scopes,
            ip_allowlist,
            ip_allowlist_expires_at,
            token_lifetime_secs,
            policy,
        } = request;
        Self {
            name,
            scopes,
            ip_allowlist,
            ip_allowlist_expires_at,
            token_lifetime_secs,
            policy: policy.map(Into::into),
        }
    }
}

impl From<UpdateOAuthClientRequest> for ClientUpdate {
    fn from(request: UpdateOAuthClientRequest) -> Self {
        let UpdateOAuthClientRequest {
            name,
            scopes,
            ip_allowlist,
            ip_allowlist_expires_at,
            disabled,
            policy,
        } = request;
        Self {
            name,
            scopes,
            ip_allowlist,
            ip_allowlist_expires_at,
            disabled,
            policy: policy.map(Into::into),
        }
    }
}

impl From<OAuthClient> for OAuthClientDto {
    fn from(client: OAuthClient) -> Self {
        Self {
            id: client.id,
            name: client.name,
            scopes: client.scopes,
            ip_allowlist_expires_at: super::tokens::expiries(&client.ip_allowlist),
            ip_allowlist: super::tokens::values(&client.ip_allowlist),
            token_lifetime_secs: client.token_lifetime_secs,
            disabled: client.disabled,
            created_at: rfc3339(client.created_at),
            previous_secret_expires_at: client.previous_secret_expires_at.map(rfc3339),
            last_used_at: client.last_used_at.map(rfc3339),
            last_used_ip: client.last_used_ip,
            policy: client
                .policy
                .as_ref()
                .map(portcullis_shared::dto::CredentialPolicyDto::from),
        }
    }
}

impl From<CreatedClient> for CreatedOAuthClientDto {
    fn from(created: CreatedClient) -> Self {
        Self {
            client: created.client.into(),
            client_secret: created.secret,
        }
    }
}

impl From<IssuedToken> for OAuthTokenResponse {
    fn from(token: IssuedToken) -> Self {
        Self {
            access_token: token.access_token,
            token_type: BEARER.into(),
            expires_in: token.expires_in,
            scope: token.scope,
        }
    }
}

impl From<Introspection> for IntrospectionResponse {
    fn from(introspection: Introspection) -> Self {
        match introspection {
            Introspection::Inactive => Self::default(),
            Introspection::Active(token) => Self {
                active: true,
                scope: Some(token.scope),
                client_id: Some(token.client_id),
                token_type: Some(BEARER.into()),
                exp: token.exp,
                iat: Some(token.iat),
                sub: Some(token.sub),
                aud: Some(token.aud),
                iss: Some(token.iss),
                jti: Some(token.jti),
            },
        }
    }
}
