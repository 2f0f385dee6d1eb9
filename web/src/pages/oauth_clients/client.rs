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
use crate::format::{format_duration_in, format_timestamp_in};
use crate::i18n::{msg, MessageId, Texts};

/// The account's OAuth2 clients, each with its state and the ways to change it.
pub type ClientList = CredentialList<OAuthClientDto>;

impl Credential for OAuthClientDto {
    /// The scopes ticked while they are edited.
    type Draft = BTreeSet<Scope>;
    type Change = UpdateOAuthClientRequest;
    type Created = CreatedOAuthClientDto;

    const KIND: CredentialKind = CredentialKind {
        delete_button: msg("clients-delete-client"),
        name_required: msg("clients-name-required"),
        class: "client",
        row_id: RowIdAttribute::Client,
        list_id: "client-list",
        empty_id: "clients-empty",
        empty_title: msg("clients-empty-title"),
        empty_text: msg("clients-empty-text"),
        delete_warning: msg("clients-delete-warning"),
        edits_class: "scopes",
        edit_button: msg("clients-edit-permissions"),
        save_button: msg("clients-save-permissions"),
        edits_field: "scopes",
        renewal: Renewal {
            button: msg("clients-replace-secret"),
            class: "rotate",
            question: msg("clients-replace-question"),
            warning: msg("clients-replace-warning"),
            confirm: msg("clients-replace-secret"),
            busy: msg("clients-replacing"),
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

    fn details(&self, texts: Texts) -> Html {
        html! {
            <>
                <div class="token-meta-wide">
                    <dt>{ texts.t("clients-client-id") }</dt>
                    <dd><code class="client-id">{ self.id.clone() }</code></dd>
                </div>
                <div>
                    <dt>{ texts.t("clients-access-tokens-last") }</dt>
                    <dd class="client-lifetime">{ format_duration_in(self.token_lifetime_secs, texts) }</dd>
                </div>
                <div>
                    <dt>{ texts.t("clients-registered") }</dt>
                    <dd class="client-created">{ format_timestamp_in(&self.created_at, texts) }</dd>
                </div>
                <div>
                    <dt>{ texts.t("clients-last-used") }</dt>
                    <dd class="client-last-used">
                        { last_used(self.last_used_at.as_ref(), self.last_used_ip.as_ref(), "client", texts) }
                    </dd>
                </div>
            </>
        }
    }

    fn note(&self) -> Option<MessageId> {
        self.disabled.then_some(msg("clients-disabled-note"))
    }

    fn edit_field(
        &self,
        draft: &BTreeSet<Scope>,
        on_draft: Callback<BTreeSet<Scope>>,
        problem: Option<&Problem>,
        texts: Texts,
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
                    .then(|| AttrValue::from(texts.t("credentials-scopes-required")))
            });
        html! {
            <ScopePicker id={format!("client-scopes-{}", self.id)}
                name={format!("client-scope-{}", self.id)}
                legend={texts.t("clients-permissions-client")}
                hint={texts.t("clients-tokens-already-issued-lose")}
                chosen={draft.clone()} {on_toggle} {error} />
        }
    }
}
