//! Switching the portal's language: each offered language by its own name.

use yew::prelude::*;

use crate::hooks::use_language;

/// A button per language (`#language-en`, `#language-pl`), the current one pressed.
#[component]
pub fn LanguageSwitch() -> Html {
    let language = use_language();
    let current = language.texts.language();
    html! {
        <div class="language-switch" role="group"
            aria-label={language.texts.t("language-switch-label")}>
            for option in portcullis_shared::dto::Language::ALL {
                <button type="button" id={format!("language-{}", option.as_str())}
                    class={classes!("language-option", (option == current).then_some("language-option--current"))}
                    lang={option.as_str()} aria-pressed={(option == current).to_string()}
                    onclick={language.choose.reform(move |_: MouseEvent| option)}>
                    { option.native_name() }
                </button>
            }
        </div>
    }
}
