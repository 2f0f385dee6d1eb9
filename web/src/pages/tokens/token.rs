//! An API token as a [`Credential`]: what its row shows and how it changes.

use portcullis_shared::dto::{
    CreatedTokenDto, CredentialPolicyDto, CredentialPolicyRequest, TokenDto, TokenState,
    UpdateTokenRequest,
};
use portcullis_shared::problem::Problem;
use portcullis_shared::scope::Scope;
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::components::credentials::{
    allowlist_draft, allowlist_message, last_used, parse_allowlist_draft, Credential,
    CredentialKind, CredentialList, Renewal, RowIdAttribute,
};
use crate::components::TextAreaField;
use crate::format::format_timestamp_in;
use crate::i18n::{msg, MessageId, Texts};

/// The account's tokens, each with its state, use and the ways to change it.
pub type TokenList = CredentialList<TokenDto>;

impl Credential for TokenDto {
    /// The allowlist's text while it is edited.
    type Draft = String;
    type Change = UpdateTokenRequest;
    type Created = CreatedTokenDto;

    const KIND: CredentialKind = CredentialKind {
        delete_button: msg("tokens-delete-token"),
        name_required: msg("tokens-name-required"),
        class: "token",
        row_id: RowIdAttribute::Token,
        list_id: "token-list",
        empty_id: "tokens-empty",
        empty_title: msg("tokens-empty-title"),
        empty_text: msg("tokens-empty-text"),
        delete_warning: msg("tokens-delete-warning"),
        edits_class: "allowlist",
        edit_button: msg("tokens-edit-allowlist"),
        save_button: msg("tokens-save-allowlist"),
        edits_field: "ip_allowlist[]",
        renewal: Renewal {
            button: msg("tokens-regenerate"),
            class: "regenerate",
            question: msg("tokens-regenerate-question"),
            warning: msg("tokens-regenerate-warning"),
            confirm: msg("tokens-regenerate-token"),
            busy: msg("tokens-regenerating"),
            offers_overlap: false,
        },
    };

    fn id(&self) -> &str {
        &self.id
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn state(&self) -> TokenState {
        self.state
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

    fn switch(disabled: bool) -> UpdateTokenRequest {
        UpdateTokenRequest {
            disabled: Some(disabled),
            ..UpdateTokenRequest::default()
        }
    }

    fn draft(&self) -> String {
        allowlist_draft(&self.ip_allowlist, &self.ip_allowlist_expires_at)
    }

    fn save(draft: &String) -> UpdateTokenRequest {
        let (entries, expiries) = parse_allowlist_draft(draft);
        UpdateTokenRequest {
            ip_allowlist: Some(entries),
            ip_allowlist_expires_at: Some(expiries),
            ..UpdateTokenRequest::default()
        }
    }

    fn policy(&self) -> Option<&CredentialPolicyDto> {
        self.policy.as_ref()
    }

    fn save_policy(policy: CredentialPolicyRequest) -> UpdateTokenRequest {
        UpdateTokenRequest {
            policy: Some(policy),
            ..UpdateTokenRequest::default()
        }
    }

    async fn update(
        csrf_token: String,
        id: String,
        change: UpdateTokenRequest,
    ) -> Result<Self, ApiError> {
        api::update_token(&csrf_token, &id, &change).await
    }

    async fn delete(csrf_token: String, id: String) -> Result<(), ApiError> {
        api::delete_token(&csrf_token, &id).await
    }

    async fn renew(
        csrf_token: String,
        id: String,
        _overlap_secs: i64,
    ) -> Result<CreatedTokenDto, ApiError> {
        api::regenerate_token(&csrf_token, &id).await
    }

    fn details(&self, texts: Texts) -> Html {
        html! {
            <>
                <div>
                    <dt>{ texts.t("tokens-token") }</dt>
                    <dd><code class="token-hint">{ self.hint.clone() }</code></dd>
                </div>
                <div>
                    <dt>{ texts.t("tokens-created") }</dt>
                    <dd class="token-created">{ format_timestamp_in(&self.created_at, texts) }</dd>
                </div>
                <div>
                    <dt>{ if self.state == TokenState::Expired { texts.t("tokens-expired") } else { texts.t("tokens-expires") } }</dt>
                    <dd class="token-expires">
                        { match &self.expires_at {
                            Some(at) => html! { format_timestamp_in(at, texts) },
                            None => html! { <span class="muted">{ texts.t("tokens-never") }</span> },
                        } }
                    </dd>
                </div>
                <div>
                    <dt>{ texts.t("tokens-last-used") }</dt>
                    <dd class="token-last-used">
                        { last_used(self.last_used_at.as_ref(), self.last_used_ip.as_ref(), "token", texts) }
                    </dd>
                </div>
            </>
        }
    }

    fn note(&self) -> Option<MessageId> {
        (self.state == TokenState::Expired).then_some(msg("tokens-expired-note"))
    }

    fn edit_field(
        &self,
        draft: &String,
        on_draft: Callback<String>,
        problem: Option<&Problem>,
        texts: Texts,
    ) -> Html {
        let error = problem
            .and_then(|p| allowlist_message(p, draft))
            .map(AttrValue::from);
        html! {
            <TextAreaField id={format!("token-allowlist-{}", self.id)}
                label={texts.t("tokens-ip-allowlist-token")} rows=3
                placeholder={"203.0.113.7\n10.0.0.0/24"}
                hint={texts.t("tokens-one-address-range-per")}
                value={draft.clone()} on_change={on_draft} {error} />
        }
    }
}
