//! The fields of a new allowlist entry, and how an entry reads in its list, shared by the
//! API and portal allowlist pages.

use yew::prelude::*;

use crate::components::{ExpiryFields, TextField};
use crate::hooks::use_i18n;
use crate::hooks::{FormProblem, TextInput};

/// Props of [`AllowlistEntryFields`].
#[derive(Properties, PartialEq)]
pub struct AllowlistEntryFieldsProps {
    /// Prefix of the element ids: `{prefix}-value`, `{prefix}-label`, `{prefix}-add`.
    pub id_prefix: &'static str,
    /// The address or range.
    pub value: TextInput,
    /// The optional label.
    pub label: TextInput,
    /// How long the entry lasts.
    pub expiry: TextInput,
    /// Its chosen end, for "until a date and time".
    pub expiry_at: TextInput,
    /// The form's problem: errors about `value` and `label` show by their fields.
    pub problem: FormProblem,
    /// Example label.
    pub label_placeholder: AttrValue,
    /// A request is under way.
    pub submitting: bool,
}

/// Address or range, optional label, how long it lasts, and the submit button, in one row.
#[component]
pub fn AllowlistEntryFields(props: &AllowlistEntryFieldsProps) -> Html {
    let texts = use_i18n();
    let (value, label, problem) = (&props.value, &props.label, &props.problem);
    html! {
        <div class="form-inline form-inline--entry">
            <TextField id={format!("{}-value", props.id_prefix)} label={texts.t("allowlist-address-range")}
                autocomplete="off" placeholder="203.0.113.0/24"
                hint={texts.t("allowlist-ipv4-ipv6-address-cidr")}
                value={value.value.clone()}
                on_change={problem.on_change(&value.set, "value")}
                error={problem.field_message("value")} />
            <TextField id={format!("{}-label", props.id_prefix)} label={texts.t("allowlist-label")} optional=true
                autocomplete="off" placeholder={props.label_placeholder.clone()}
                value={label.value.clone()}
                on_change={problem.on_change(&label.set, "label")}
                error={problem.field_message("label")} />
            <ExpiryFields id_prefix={props.id_prefix} choice={props.expiry.clone()}
                custom={props.expiry_at.clone()} error={problem.field_message("expires_at")}
                hint={texts.t("allowlist-temporary-entry-ends-itself")} />
            <div class="form-inline-action">
                <button id={format!("{}-add", props.id_prefix)} type="submit" class="button"
                    disabled={props.submitting}>
                    { if props.submitting { texts.t("allowlist-adding") } else { texts.t("allowlist-add-allowlist") } }
                </button>
            </div>
        </div>
    }
}

/// Props of [`AllowlistEntryText`].
#[derive(Properties, PartialEq)]
pub struct AllowlistEntryTextProps {
    /// The address or range.
    pub value: AttrValue,
    pub label: Option<AttrValue>,
    /// More to say about the entry, after its label.
    #[prop_or_default]
    pub children: Html,
}

/// An entry in its list: the address or range, and its label (or "No label").
#[component]
pub fn AllowlistEntryText(props: &AllowlistEntryTextProps) -> Html {
    let texts = use_i18n();
    html! {
        <div class="entry-main">
            <code class="entry-value">{ props.value.clone() }</code>
            { match &props.label {
                Some(label) => html! { <span class="entry-label">{ label.clone() }</span> },
                None => html! { <span class="entry-label muted">{ texts.t("allowlist-no-label") }</span> },
            } }
            { props.children.clone() }
        </div>
    }
}
