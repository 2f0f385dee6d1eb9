//! One check box per scope, shared by the token and OAuth2 client forms.

use std::collections::BTreeSet;

use portcullis_shared::scope::Scope;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::{described_by, FieldMessage};
use crate::hooks::use_i18n;
use crate::hooks::use_session;

/// Props of [`ScopePicker`].
#[derive(Properties, PartialEq)]
pub struct ScopePickerProps {
    /// The fieldset's id (its error is `<id>-error`).
    pub id: AttrValue,
    /// The check boxes' `name`; their ids are `<name>-<scope>`.
    pub name: AttrValue,
    /// The scopes ticked.
    pub chosen: BTreeSet<Scope>,
    /// Called with a scope and whether it is now ticked.
    pub on_toggle: Callback<(Scope, bool)>,
    #[prop_or_default]
    pub error: Option<AttrValue>,
    /// By default "Permissions".
    #[prop_or_default]
    pub legend: Option<AttrValue>,
    /// By default "Choose only what the integration needs."
    #[prop_or_default]
    pub hint: Option<AttrValue>,
}

/// One check box per scope the signed-in login may grant (a subuser: their own scopes),
/// each with what it allows in plain words.
#[component]
pub fn ScopePicker(props: &ScopePickerProps) -> Html {
    let texts = use_i18n();
    let session = use_session();
    let offered: Vec<Scope> = Scope::ALL
        .into_iter()
        .filter(|scope| {
            session.me().is_none_or(|me| {
                me.access.is_owner() || me.access.scopes.iter().any(|s| s.covers(*scope))
            })
        })
        .collect();
    let id = props.id.clone();
    html! {
        <fieldset id={id.clone()}
            class={classes!("field", "scope-picker", props.error.is_some().then_some("field--invalid"))}
            aria-describedby={described_by(&id, props.error.is_some(), false)}>
            <legend>{ props.legend.clone().unwrap_or_else(|| texts.t("credentials-permissions").into()) }</legend>
            <p class="field-hint">{ props.hint.clone().unwrap_or_else(|| texts.t("credentials-scopes-hint").into()) }</p>
            <div class="scope-grid">
                for scope in offered {
                    <ScopeOption {scope} name={props.name.clone()}
                        checked={props.chosen.contains(&scope)}
                        on_toggle={props.on_toggle.clone()} />
                }
            </div>
            <FieldMessage id={id} error={props.error.clone()} />
        </fieldset>
    }
}

#[derive(Properties, PartialEq)]
struct ScopeOptionProps {
    scope: Scope,
    name: AttrValue,
    checked: bool,
    on_toggle: Callback<(Scope, bool)>,
}

#[component]
fn ScopeOption(props: &ScopeOptionProps) -> Html {
    let scope = props.scope;
    let onchange = {
        let on_toggle = props.on_toggle.clone();
        Callback::from(move |event: Event| {
            on_toggle.emit((
                scope,
                event.target_unchecked_into::<HtmlInputElement>().checked(),
            ));
        })
    };
    let id = scope_input_id(&props.name, scope);
    html! {
        <label for={id.clone()}
            class={classes!("scope-option", props.checked.then_some("scope-option--checked"))}>
            <input type="checkbox" {id} name={props.name.clone()} value={scope.as_str()}
                checked={props.checked} {onchange} />
            <span class="scope-text">
                <code class="scope-name">{ scope.as_str() }</code>
                <span class="scope-description">{ scope.description() }</span>
            </span>
        </label>
    }
}

/// `scope-contacts-read` for `contacts:read` under the name `scope`: ids without
/// characters CSS must escape.
pub fn scope_input_id(name: &str, scope: Scope) -> String {
    format!("{name}-{}", scope.as_str().replace([':', '_'], "-"))
}

/// `chosen` with `scope` ticked or not.
pub fn toggle_scope(chosen: &BTreeSet<Scope>, scope: Scope, checked: bool) -> BTreeSet<Scope> {
    let mut chosen = chosen.clone();
    if checked {
        chosen.insert(scope);
    } else {
        chosen.remove(&scope);
    }
    chosen
}
