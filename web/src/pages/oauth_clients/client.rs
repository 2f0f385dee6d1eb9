//! An OAuth2 client as a [`Credential`]: what its row shows and how it changes.

use std::collections::BTreeSet;

use portcullis_shared::dto::{
    CreatedOAuthClientDto, CredentialPolicyDto, CredentialPolicyRequest, OAuthClientDto,
    TokenState, UpdateOAuthClientRequest,
};
use portcullis_shared::problem::Problem;
use portcullis_shared::scope::Scope;
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::components::credentials::{
    last_used, Credential, CredentialKind, CredentialList, Renewal, RowIdAttribute,
};
use crate::components::{toggle_scope, ScopePicker};
use crate::format::{format_duration, format_timestamp};

/// The account's OAuth2 clients, each with its state and the ways to change it.
pub type ClientList = CredentialList<OAuthClientDto>;

impl Credential for OAuthClientDto {
    /// The scopes ticked while they are edited.
    type Draft = BTreeSet<Scope>;
    type Change = UpdateOAuthClientRequest;
    type Created = CreatedOAuthClientDto;

    const KIND: CredentialKind = CredentialKind {
        noun: "client",
        class: "client",
        row_id: RowIdAttribute::Client,
        list_id: "client-list",
        empty_id: "clients-empty",
        empty_title: "No OAuth2 clients yet",
        empty_text: "Register one below when a system should fetch short-lived access tokens \
                     itself instead of holding a long-lived API token.",
        delete_warning: " Its secret and every access token it was given stop working at once. This can't be undone.",
        edits_class: "scopes",
        edits_label: "permissions",
        edits_field: "scopes",
        renewal: Renewal {
            button: "Replace secret",
            class: "rotate",
            question: "Replace the secret of",
            warning: "You get a new secret, shown once. Access tokens already issued keep \
                      working until they expire.",
            confirm: "Replace secret",
            busy: "Replacing…",
            offers_overlap: true,
        },
    };

    fn id(&self) -> &str {
        &self.id
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn state(&self) -> TokenState {
        if self.disabled {
            TokenState::Disabled
        } else {
            TokenState::Active
        }
    }

    fn scopes(&self) -> &[Scope] {
        &self.scopes
    }

    fn ip_allowlist(&self) -> &[String] {
        &self.ip_allowlist
    }

    fn ip_allowlist_expires_at(&self) -> &std::collections::BTreeMap<String, String> {
        &self.ip_allowlist_expires_at
    }

    fn switch(disabled: bool) -> UpdateOAuthClientRequest {
        UpdateOAuthClientRequest {
            disabled: Some(disabled),
            ..UpdateOAuthClientRequest::default()
        }
    }

    fn draft(&self) -> BTreeSet<Scope> {
        self.scopes.iter().copied().collect()
    }

    fn save(draft: &BTreeSet<Scope>) -> UpdateOAuthClientRequest {
        UpdateOAuthClientRequest {
            scopes: Some(draft.iter().copied().collect()),
            ..UpdateOAuthClientRequest::default()
        }
    }

    fn can_save(draft: &BTreeSet<Scope>) -> bool {
        !draft.is_empty()
    }

    fn policy(&self) -> Option<&CredentialPolicyDto> {
        self.policy.as_ref()
    }

    fn save_policy(policy: CredentialPolicyRequest) -> UpdateOAuthClientRequest {
        UpdateOAuthClientRequest {
            policy: Some(policy),
            ..UpdateOAuthClientRequest::default()
        }
    }

    async fn update(
        csrf_token: String,
        id: String,
        change: UpdateOAuthClientRequest,
    ) -> Result<Self, ApiError> {
        api::update_oauth_client(&csrf_token, &id, &change).await
    }

    async fn delete(csrf_token: String, id: String) -> Result<(), ApiError> {
        api::delete_oauth_client(&csrf_token, &id).await
    }

    async fn renew(
        csrf_token: String,
        id: String,
        overlap_secs: i64,
    ) -> Result<CreatedOAuthClientDto, ApiError> {
        api::rotate_oauth_client_secret(&csrf_token, &id, overlap_secs).await
    }

    fn previous_secret_until(&self) -> Option<&str> {
        self.previous_secret_expires_at.as_deref()
    }

    async fn end_overlap(csrf_token: String, id: String) -> Result<Self, ApiError> {
        api::end_oauth_client_secret_overlap(&csrf_token, &id).await
    }

    fn details(&self) -> Html {
        html! {
            <>
                <div class="token-meta-wide">
                    <dt>{ "Client ID" }</dt>
                    <dd><code class="client-id">{ self.id.clone() }</code></dd>
                </div>
                <div>
                    <dt>{ "Access tokens last" }</dt>
                    <dd class="client-lifetime">{ format_duration(self.token_lifetime_secs) }</dd>
                </div>
                <div>
                    <dt>{ "Registered" }</dt>
                    <dd class="client-created">{ format_timestamp(&self.created_at) }</dd>
                </div>
                <div>
                    <dt>{ "Last used" }</dt>
                    <dd class="client-last-used">
                        { last_used(self.last_used_at.as_ref(), self.last_used_ip.as_ref(), "client") }
                    </dd>
                </div>
            </>
        }
    }

    fn note(&self) -> Option<&'static str> {
        self.disabled.then_some(
            "Disabled: the token endpoint refuses this client and the tokens it was given are \
             refused too. Enable it to let them work again.",
        )
    }

    fn edit_field(
        &self,
        draft: &BTreeSet<Scope>,
        on_draft: Callback<BTreeSet<Scope>>,
        problem: Option<&Problem>,
    ) -> Html {
        let on_toggle = {
            let chosen = draft.clone();
            Callback::from(move |(scope, checked): (Scope, bool)| {
                on_draft.emit(toggle_scope(&chosen, scope, checked))
            })
        };
        let error = problem
            .and_then(|p| p.errors.iter().find(|e| e.field == "scopes"))
            .map(|e| AttrValue::from(e.message.clone()))
            .or_else(|| {
                draft
                    .is_empty()
                    .then_some(AttrValue::Static("Choose at least one permission."))
            });
        html! {
            <ScopePicker id={format!("client-scopes-{}", self.id)}
                name={format!("client-scope-{}", self.id)}
                legend="Permissions of this client"
                hint="Tokens already issued lose the permissions you remove."
                chosen={draft.clone()} {on_toggle} {error} />
        }
    }
}
