//! The credential family: what the API tokens and OAuth2 clients pages share. Each page
//! describes its kind of credential once ([`Credential`]); the page shell, the list card,
//! the list, its rows and the new-credential form's pieces are the same for both. The
//! subusers page uses the list card and the empty state too.

mod allowlist_text;
mod list;
mod list_card;
mod networks;
mod new_form;
mod page;
mod policy_editor;
mod row;

pub use allowlist_text::{
    allowlist_draft, allowlist_entries, allowlist_lines, allowlist_message, allowlist_text,
    parse_allowlist_draft, ALLOWLIST_FIELD,
};
pub use list::{CredentialList, CredentialListProps, EmptyState, EmptyStateProps};
pub use list_card::{count_label, ListCard, ListCardProps, Noun};
pub use networks::{CredentialNetworks, CredentialNetworksProps};
pub use new_form::{
    name_and_scope_errors, use_credential_fields, CredentialFields, NAME_MAX_CHARS,
};
pub use page::{CredentialsPage, CredentialsPageProps};
pub use policy_editor::{
    policy_in_words, PolicyDraft, PolicyEditor, PolicyEditorProps, POLICY_FIELDS,
};
pub use row::{last_used, state_label, CredentialRow, CredentialRowProps, OVERLAPS};

use std::future::Future;

use portcullis_shared::dto::{CredentialPolicyDto, CredentialPolicyRequest, TokenState};
use portcullis_shared::problem::Problem;
use portcullis_shared::scope::Scope;
use yew::prelude::*;

use crate::api::ApiError;
use crate::i18n::{MessageId, Texts};

/// The words, ids and class names that tell one kind of credential's markup from the
/// other's. Class names are `<class>-<what>` (`token-disable`, `client-disable`). Words are
/// whole messages, as languages inflect the kind's name differently in each.
#[derive(Debug, PartialEq)]
pub struct CredentialKind {
    /// The delete confirmation's button ("Delete token").
    pub delete_button: MessageId,
    /// What a new one's empty name field says ("Give the token a name.").
    pub name_required: MessageId,
    /// Prefix of the kind's class names and ids.
    pub class: &'static str,
    /// Which `data-*-id` attribute carries a row's id.
    pub row_id: RowIdAttribute,
    /// Id of the list, and of the empty state shown instead when there is nothing.
    pub list_id: &'static str,
    pub empty_id: &'static str,
    pub empty_title: MessageId,
    pub empty_text: MessageId,
    /// What the delete confirmation says happens.
    pub delete_warning: MessageId,
    /// What a row's edit panel edits: in class names (`token-edit-allowlist`), its buttons
    /// ("Edit allowlist", "Save allowlist"), and the request field its errors name.
    pub edits_class: &'static str,
    pub edit_button: MessageId,
    pub save_button: MessageId,
    pub edits_field: &'static str,
    /// How a row offers a new secret.
    pub renewal: Renewal,
}

/// The words of a row's "new secret" action (regenerate a token, replace a client's
/// secret) and of its confirmation.
#[derive(Debug, PartialEq)]
pub struct Renewal {
    /// The button ("Regenerate"), and its class after the kind's prefix (`token-regenerate`).
    pub button: MessageId,
    pub class: &'static str,
    /// The confirmation's question, with the credential's `$name`.
    pub question: MessageId,
    /// What the confirmation says happens.
    pub warning: MessageId,
    /// The confirming button, and its text while it waits.
    pub confirm: MessageId,
    pub busy: MessageId,
    /// Whether the old secret may keep working for a while (a choice in the confirmation).
    pub offers_overlap: bool,
}

/// The `data-*-id` attribute of a row, which the tests and the browser test find rows by.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RowIdAttribute {
    /// `data-token-id`
    Token,
    /// `data-client-id`
    Client,
}

/// A kind of credential the family can show: its fields, its calls and its own markup.
pub trait Credential: Clone + PartialEq + 'static {
    /// What the row's edit panel holds while it is open.
    type Draft: Clone + PartialEq + 'static;
    /// The API's change request.
    type Change: 'static;
    /// The answer that carries a new secret, shown once (as creating one answers).
    type Created: Clone + PartialEq + 'static;

    /// Its words, ids and class names.
    const KIND: CredentialKind;

    fn id(&self) -> &str;
    fn name(&self) -> &str;
    /// Active, disabled, or (tokens only) expired.
    fn state(&self) -> TokenState;
    fn scopes(&self) -> &[Scope];
    fn ip_allowlist(&self) -> &[String];
    /// Entries of the allowlist that end, with when (RFC 3339).
    fn ip_allowlist_expires_at(&self) -> &std::collections::BTreeMap<String, String>;

    /// The change that disables it (`true`) or enables it again.
    fn switch(disabled: bool) -> Self::Change;
    /// The edit panel's draft of what it holds now.
    fn draft(&self) -> Self::Draft;
    /// The change that saves a draft.
    fn save(draft: &Self::Draft) -> Self::Change;
    /// Its policy; none when it has no rules.
    fn policy(&self) -> Option<&CredentialPolicyDto>;
    /// The change that replaces its policy.
    fn save_policy(policy: CredentialPolicyRequest) -> Self::Change;
    /// Whether a draft may be saved as it is.
    fn can_save(_draft: &Self::Draft) -> bool {
        true
    }

    /// Sends `change`; the API answers the credential as changed.
    fn update(
        csrf_token: String,
        id: String,
        change: Self::Change,
    ) -> impl Future<Output = Result<Self, ApiError>> + 'static;
    /// Deletes it.
    fn delete(
        csrf_token: String,
        id: String,
    ) -> impl Future<Output = Result<(), ApiError>> + 'static;

    /// Makes it a new secret; the old one keeps working for `overlap_secs` where the
    /// kind offers that (0: it stops now).
    fn renew(
        csrf_token: String,
        id: String,
        overlap_secs: i64,
    ) -> impl Future<Output = Result<Self::Created, ApiError>> + 'static;
    /// Until when (RFC 3339) the secret it had before the last renewal still works.
    fn previous_secret_until(&self) -> Option<&str> {
        None
    }
    /// Stops the previous secret now. Only asked of a credential that has one.
    fn end_overlap(
        _csrf_token: String,
        _id: String,
    ) -> impl Future<Output = Result<Self, ApiError>> + 'static {
        std::future::ready(Err(ApiError::UnexpectedResponse { status: 404 }))
    }

    /// The entries of the row's details before the IP allowlist.
    fn details(&self, texts: Texts) -> Html;
    /// A line under the details (why it can't be used), if there is one.
    fn note(&self) -> Option<MessageId>;
    /// The edit panel's field for `draft`, with the error to show next to it.
    fn edit_field(
        &self,
        draft: &Self::Draft,
        on_draft: Callback<Self::Draft>,
        problem: Option<&Problem>,
        texts: Texts,
    ) -> Html;
}
