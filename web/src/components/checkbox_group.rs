//! A fieldset of check boxes over a set of string values (portal permissions, sender
//! names, contact groups, weekdays), styled like the scope picker.

use std::collections::BTreeSet;
use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::{described_by, FieldMessage};

/// One check box: the value it stands for, its label and, optionally, what it means.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckOption {
    pub value: AttrValue,
    pub label: AttrValue,
    pub description: Option<AttrValue>,
}

impl CheckOption {
    /// A check box without a description.
    pub fn plain(value: impl Into<AttrValue>, label: impl Into<AttrValue>) -> Self {
        Self {
            value: value.into(),
            label: label.into(),
            description: None,
        }
    }
}

/// Props of [`CheckboxGroup`].
#[derive(Properties, PartialEq)]
pub struct CheckboxGroupProps {
    /// The fieldset's id (its error is `<id>-error`); the boxes' ids are `<id>-<n>`.
    pub id: AttrValue,
    pub legend: AttrValue,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    pub options: Rc<Vec<CheckOption>>,
    /// The values ticked.
    pub chosen: Rc<BTreeSet<String>>,
    /// Called with a value and whether it is now ticked.
    pub on_toggle: Callback<(String, bool)>,
    #[prop_or_default]
    pub error: Option<AttrValue>,
    /// Shown instead of the boxes when there are no options.
    #[prop_or_default]
    pub empty: Option<AttrValue>,
    /// Small boxes in a row (weekdays) rather than cards.
    #[prop_or_default]
    pub compact: bool,
}

/// A labelled group of check boxes with its inline error.
#[component]
pub fn CheckboxGroup(props: &CheckboxGroupProps) -> Html {
    let id = props.id.clone();
    let boxes = props.options.iter().enumerate().map(|(n, option)| {
        let checked = props.chosen.contains(option.value.as_str());
        let onchange = {
            let (on_toggle, value) = (props.on_toggle.clone(), option.value.to_string());
            Callback::from(move |event: Event| {
                let checked = event.target_unchecked_into::<HtmlInputElement>().checked();
                on_toggle.emit((value.clone(), checked));
            })
        };
        let box_id = format!("{id}-{n}");
        html! {
            <label for={box_id.clone()} key={option.value.to_string()}
                class={classes!("scope-option", checked.then_some("scope-option--checked"))}>
                <input type="checkbox" id={box_id} name={id.clone()} value={option.value.clone()}
                    {checked} {onchange} />
                <span class="scope-text">
                    <span class="scope-name">{ option.label.clone() }</span>
                    if let Some(description) = &option.description {
                        <span class="scope-description">{ description.clone() }</span>
                    }
                </span>
            </label>
        }
    });
    html! {
        <fieldset id={id.clone()}
            class={classes!("field", "scope-picker", props.error.is_some().then_some("field--invalid"))}
            aria-describedby={described_by(&id, props.error.is_some(), false)}>
            <legend>{ props.legend.clone() }</legend>
            if let Some(hint) = &props.hint {
                <p class="field-hint">{ hint.clone() }</p>
            }
            if props.options.is_empty() {
                <p class="muted check-empty">{ props.empty.clone().unwrap_or_default() }</p>
            } else {
                <div class={classes!("scope-grid", props.compact.then_some("scope-grid--compact"))}>
                    { for boxes }
                </div>
            }
            <FieldMessage id={id} error={props.error.clone()} />
        </fieldset>
    }
}

/// `chosen` with `value` ticked or not.
pub fn toggle_value(chosen: &BTreeSet<String>, value: &str, checked: bool) -> BTreeSet<String> {
    let mut chosen = chosen.clone();
    if checked {
        chosen.insert(value.to_owned());
    } else {
        chosen.remove(value);
    }
    chosen
}
