//! The searchable list of countries, one check box each.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::{countries_in, visible_countries};
use crate::components::ExpiryNote;
use crate::hooks::use_i18n;

/// Props of [`CountryList`].
#[derive(Properties, PartialEq)]
pub struct CountryListProps {
    /// The codes ticked.
    pub selected: BTreeSet<String>,
    /// Countries allowed only for a while: code → when it ends (RFC 3339).
    #[prop_or_default]
    pub expiries: Rc<BTreeMap<String, String>>,
    /// What the search box holds.
    #[prop_or_default]
    pub query: AttrValue,
    /// While the saved list is not known yet.
    #[prop_or_default]
    pub disabled: bool,
    /// Called with a code and whether it is now ticked.
    pub on_toggle: Callback<(String, bool)>,
}

/// Every country matching the search, one check box each: the allowed ones first, then
/// "Other countries".
#[component]
pub fn CountryList(props: &CountryListProps) -> Html {
    let texts = use_i18n();
    let all = use_memo(texts, |texts| countries_in(*texts));
    let visible = visible_countries(&all, &props.selected, &props.query);
    let allowed_shown = visible
        .iter()
        .filter(|(code, _)| props.selected.contains(*code))
        .count();
    html! {
        <div class="country-list-frame" tabindex="0" role="region" aria-label={texts.t("countries-countries")}>
            if visible.is_empty() {
                <p class="muted country-none" id="countries-none">
                    { texts.t_args("countries-no-match", &[("query", props.query.trim().into())]) }
                </p>
            } else {
                <ul class="country-list" aria-label={texts.t("countries-countries")}>
                    for (index, (code, name)) in visible.iter().enumerate() {
                        if index == allowed_shown && allowed_shown > 0 {
                            <li class="country-divider" aria-hidden="true">{ texts.t("countries-other-countries") }</li>
                        }
                        <CountryOption key={*code} code={*code} name={name.clone()}
                            checked={props.selected.contains(*code)}
                            expires_at={props.expiries.get(*code).map(|at| AttrValue::from(at.clone()))}
                            disabled={props.disabled}
                            on_toggle={props.on_toggle.clone()} />
                    }
                </ul>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct CountryOptionProps {
    code: &'static str,
    name: String,
    checked: bool,
    /// When its exception ends, if it is allowed only for a while.
    expires_at: Option<AttrValue>,
    disabled: bool,
    on_toggle: Callback<(String, bool)>,
}

#[component]
fn CountryOption(props: &CountryOptionProps) -> Html {
    let code = props.code;
    let onchange = {
        let on_toggle = props.on_toggle.clone();
        Callback::from(move |event: Event| {
            on_toggle.emit((
                code.to_owned(),
                event.target_unchecked_into::<HtmlInputElement>().checked(),
            ));
        })
    };
    let id = format!("country-{code}");
    html! {
        <li class={classes!("country-option", props.checked.then_some("country-option--checked"))}>
            <label for={id.clone()}>
                <input type="checkbox" {id} name="country" value={code}
                    checked={props.checked} disabled={props.disabled} {onchange} />
                <span class="country-name">{ props.name.clone() }</span>
                <code class="country-code">{ code }</code>
            </label>
            if props.checked {
                <ExpiryNote expires_at={props.expires_at.clone()} />
            }
        </li>
    }
}
