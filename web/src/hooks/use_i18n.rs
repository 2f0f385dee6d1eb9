use yew::prelude::*;

use crate::i18n::Texts;
use crate::state::LanguageContext;

/// The words of the portal's current language; the component renders again when it
/// changes. English outside a [`crate::state::LanguageProvider`].
#[hook]
pub fn use_i18n() -> Texts {
    use_language().texts
}

/// The current language and the way to switch it (the language switch).
#[hook]
pub fn use_language() -> LanguageContext {
    use_context::<LanguageContext>().unwrap_or_default()
}
