//! Labelled form controls with their error (or hint) underneath.

use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::message_html;
use crate::hooks::{use_i18n, FormProblem, TextInput};

/// Props of [`TextField`].
#[derive(Properties, PartialEq)]
pub struct TextFieldProps {
    /// Element id and form name; also the request field whose errors show here.
    pub id: AttrValue,
    /// Visible label.
    pub label: AttrValue,
    /// Input type: `text`, `email`, `password`, `tel`…
    #[prop_or(AttrValue::Static("text"))]
    pub input_type: AttrValue,
    /// Current value.
    pub value: AttrValue,
    /// Called with the new value on every edit.
    pub on_change: Callback<String>,
    /// Error to show under the field; marks it invalid.
    #[prop_or_default]
    pub error: Option<AttrValue>,
    /// Help text shown under the field while it has no error.
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    /// Browser autofill hint (`email`, `current-password`, `new-password`, `tel`).
    #[prop_or_default]
    pub autocomplete: Option<AttrValue>,
    #[prop_or_default]
    pub placeholder: Option<AttrValue>,
    /// Labels the field "optional".
    #[prop_or_default]
    pub optional: bool,
    #[prop_or_default]
    pub disabled: bool,
    /// Earliest value, for `date` inputs.
    #[prop_or_default]
    pub min: Option<AttrValue>,
    /// Which on-screen keyboard phones show (`numeric` for codes).
    #[prop_or_default]
    pub inputmode: Option<AttrValue>,
}

/// A labelled `<input>` with its inline error.
#[component]
pub fn TextField(props: &TextFieldProps) -> Html {
    let oninput = {
        let on_change = props.on_change.clone();
        Callback::from(move |event: InputEvent| {
            on_change.emit(event.target_unchecked_into::<HtmlInputElement>().value());
        })
    };
    let described_by = described_by(&props.id, props.error.is_some(), props.hint.is_some());

    html! {
        <FieldShell id={props.id.clone()} label={props.label.clone()} optional={props.optional}
            error={props.error.clone()} hint={props.hint.clone()}>
            <input
                id={props.id.clone()}
                name={props.id.clone()}
                type={props.input_type.clone()}
                value={props.value.clone()}
                autocomplete={props.autocomplete.clone()}
                placeholder={props.placeholder.clone()}
                min={props.min.clone()}
                inputmode={props.inputmode.clone()}
                disabled={props.disabled}
                aria-invalid={props.error.is_some().then_some("true")}
                aria-describedby={described_by}
                {oninput}
            />
        </FieldShell>
    }
}

/// Props of [`EmailField`].
#[derive(Properties, PartialEq)]
pub struct EmailFieldProps {
    pub input: TextInput,
    /// The form's problem: errors about `email` show here.
    pub problem: FormProblem,
}

/// The sign-in e-mail address (`#email`), as the login and password-reset forms ask it.
#[component]
pub fn EmailField(props: &EmailFieldProps) -> Html {
    let texts = use_i18n();
    let problem = &props.problem;
    html! {
        <TextField id="email" label={texts.t("field-email")} input_type="email"
            autocomplete="email" placeholder="name@company.com"
            value={props.input.value.clone()}
            on_change={problem.on_change(&props.input.set, "email")}
            error={problem.field_message("email")} />
    }
}

/// Props of [`TextAreaField`].
#[derive(Properties, PartialEq)]
pub struct TextAreaFieldProps {
    /// Element id and form name.
    pub id: AttrValue,
    /// Visible label.
    pub label: AttrValue,
    /// Current value.
    pub value: AttrValue,
    /// Called with the new value on every edit.
    pub on_change: Callback<String>,
    /// Error to show under the field; marks it invalid.
    #[prop_or_default]
    pub error: Option<AttrValue>,
    /// Help text shown under the field while it has no error.
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub placeholder: Option<AttrValue>,
    /// Visible lines.
    #[prop_or(4)]
    pub rows: u32,
    /// Labels the field "optional".
    #[prop_or_default]
    pub optional: bool,
    #[prop_or_default]
    pub disabled: bool,
}

/// A labelled `<textarea>` with its inline error.
#[component]
pub fn TextAreaField(props: &TextAreaFieldProps) -> Html {
    let oninput = {
        let on_change = props.on_change.clone();
        Callback::from(move |event: InputEvent| {
            on_change.emit(event.target_unchecked_into::<HtmlTextAreaElement>().value());
        })
    };
    let described_by = described_by(&props.id, props.error.is_some(), props.hint.is_some());

    html! {
        <FieldShell id={props.id.clone()} label={props.label.clone()} optional={props.optional}
            error={props.error.clone()} hint={props.hint.clone()}>
            <textarea
                id={props.id.clone()}
                name={props.id.clone()}
                rows={props.rows.to_string()}
                value={props.value.clone()}
                placeholder={props.placeholder.clone()}
                disabled={props.disabled}
                spellcheck="false"
                autocomplete="off"
                aria-invalid={props.error.is_some().then_some("true")}
                aria-describedby={described_by}
                {oninput}
            />
        </FieldShell>
    }
}

/// Props of [`SelectField`].
#[derive(Properties, PartialEq)]
pub struct SelectFieldProps {
    /// Element id and form name; also the request field whose errors show here.
    pub id: AttrValue,
    /// Visible label.
    pub label: AttrValue,
    /// `(value, text)` of each option, in display order.
    #[prop_or_default]
    pub options: Rc<Vec<(&'static str, &'static str)>>,
    /// Options only known at run time (sender names, a stored time zone the list lacks),
    /// shown before `options`.
    #[prop_or_default]
    pub dynamic_options: Rc<Vec<(AttrValue, AttrValue)>>,
    /// Value of the selected option.
    pub value: AttrValue,
    /// Called with the newly selected value.
    pub on_change: Callback<String>,
    #[prop_or_default]
    pub error: Option<AttrValue>,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub autocomplete: Option<AttrValue>,
    #[prop_or_default]
    pub disabled: bool,
}

/// A labelled `<select>` with its inline error.
#[component]
pub fn SelectField(props: &SelectFieldProps) -> Html {
    let onchange = {
        let on_change = props.on_change.clone();
        Callback::from(move |event: Event| {
            on_change.emit(event.target_unchecked_into::<HtmlSelectElement>().value());
        })
    };
    let described_by = described_by(&props.id, props.error.is_some(), props.hint.is_some());

    html! {
        <FieldShell id={props.id.clone()} label={props.label.clone()} optional={false}
            error={props.error.clone()} hint={props.hint.clone()}>
            <select
                id={props.id.clone()}
                name={props.id.clone()}
                autocomplete={props.autocomplete.clone()}
                disabled={props.disabled}
                aria-invalid={props.error.is_some().then_some("true")}
                aria-describedby={described_by}
                {onchange}
            >
                for (value, text) in props.dynamic_options.iter().cloned() {
                    <option selected={props.value == value} value={value.clone()}>{ text }</option>
                }
                for (value, text) in props.options.iter().copied() {
                    <option {value} selected={props.value == value}>{ text }</option>
                }
            </select>
        </FieldShell>
    }
}

#[derive(Properties, PartialEq)]
struct FieldShellProps {
    id: AttrValue,
    label: AttrValue,
    optional: bool,
    error: Option<AttrValue>,
    hint: Option<AttrValue>,
    children: Html,
}

/// What every field has around its control: the label, the invalid mark and the
/// error (or hint) underneath.
#[component]
fn FieldShell(props: &FieldShellProps) -> Html {
    html! {
        <div class={classes!("field", props.error.is_some().then_some("field--invalid"))}>
            <FieldLabel id={props.id.clone()} label={props.label.clone()} optional={props.optional} />
            { props.children.clone() }
            <FieldMessage id={props.id.clone()} error={props.error.clone()} hint={props.hint.clone()} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct FieldLabelProps {
    id: AttrValue,
    label: AttrValue,
    optional: bool,
}

#[component]
fn FieldLabel(props: &FieldLabelProps) -> Html {
    let texts = use_i18n();
    html! {
        <label for={props.id.clone()}>
            { props.label.clone() }
            if props.optional {
                <span class="field-optional">{ texts.t("field-optional") }</span>
            }
        </label>
    }
}

/// Props of [`FieldMessage`].
#[derive(Properties, PartialEq)]
pub struct FieldMessageProps {
    /// The control's id: the message is `#<id>-error` or `#<id>-hint`.
    pub id: AttrValue,
    #[prop_or_default]
    pub error: Option<AttrValue>,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
}

/// A control's error (`role="alert"`), or else its hint, for controls built by hand.
#[component]
pub fn FieldMessage(props: &FieldMessageProps) -> Html {
    match (&props.error, &props.hint) {
        (Some(error), _) => html! {
            <p class="field-error" id={format!("{}-error", props.id)} role="alert">{ message_html(error) }</p>
        },
        (None, Some(hint)) => html! {
            <p class="field-hint" id={format!("{}-hint", props.id)}>{ hint.clone() }</p>
        },
        (None, None) => Html::default(),
    }
}

/// The `aria-describedby` target: the error when there is one, else the hint.
pub fn described_by(id: &str, has_error: bool, has_hint: bool) -> Option<AttrValue> {
    if has_error {
        Some(format!("{id}-error").into())
    } else if has_hint {
        Some(format!("{id}-hint").into())
    } else {
        None
    }
}
