//! The language the portal is shown in, and the visitor's choice of it.

use portcullis_shared::dto::{Language, SetLanguageRequest};
use wasm_bindgen::JsCast;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::hooks::use_session;
use crate::i18n::Texts;

/// Where an explicit choice of language is kept in the browser.
pub const LANGUAGE_STORAGE_KEY: &str = "portcullis.language";

/// The portal's language as components read it (`use_i18n`, `use_language`).
#[derive(Clone, PartialEq)]
pub struct LanguageContext {
    /// The words of the language shown.
    pub texts: Texts,
    /// Switches the portal to a language, as the visitor's explicit choice.
    pub choose: Callback<Language>,
}

impl Default for LanguageContext {
    /// English, with nothing to switch (components rendered without a provider).
    fn default() -> Self {
        LanguageContext {
            texts: Texts::default(),
            choose: Callback::noop(),
        }
    }
}

/// Props of [`LanguageProvider`].
#[derive(Properties, PartialEq)]
pub struct LanguageProviderProps {
    #[prop_or_default]
    pub children: Html,
    /// A language chosen before the portal starts; by default the one kept in the browser
    /// (`localStorage`), if any. Tests render the portal in a language with it.
    #[prop_or_default]
    pub chosen: Option<Language>,
}

/// Decides the portal's language: the visitor's explicit choice (kept in the browser) if
/// there is one, else the signed-in login's stored language, else the browser's preferred
/// languages. An explicit choice is sent to the API when it differs from the login's.
/// Must sit under the `SessionProvider`.
#[component]
pub fn LanguageProvider(props: &LanguageProviderProps) -> Html {
    let session = use_session();
    let initial = props.chosen;
    let chosen = use_state(move || initial.or_else(stored_choice));
    let browser = use_memo((), |()| browser_language());
    let language = (*chosen)
        .or_else(|| session.me().map(|me| me.language))
        .unwrap_or(*browser);
    let texts = Texts::new(language);
    texts.make_current();

    {
        // The server paints the login page in a language it can know: one picked here or
        // the login's own, kept in a cookie (not the browser's guess, which it reads itself).
        let known = chosen.is_some() || session.me().is_some();
        use_effect_with((language, known), |(language, known)| {
            set_document_language(*language);
            if *known {
                remember_for_the_server(*language);
            }
        });
    }
    {
        // The login's stored language follows an explicit choice (at sign-in too).
        let signed_in = session
            .me()
            .map(|me| (me.language, me.session.csrf_token.clone()));
        use_effect_with((*chosen, signed_in), |(chosen, signed_in)| {
            if let (Some(chosen), Some((stored, csrf_token))) = (*chosen, signed_in.clone()) {
                if chosen != stored {
                    let request = SetLanguageRequest { language: chosen };
                    // A failure changes nothing on this page: the choice is kept in the
                    // browser and sent again at the next sign-in.
                    spawn_local(async move {
                        let _ = api::set_language(&csrf_token, &request).await;
                    });
                }
            }
        });
    }

    let choose = {
        let chosen = chosen.clone();
        Callback::from(move |language: Language| {
            store_choice(language);
            chosen.set(Some(language));
        })
    };
    html! {
        <ContextProvider<LanguageContext> context={LanguageContext { texts, choose }}>
            { props.children.clone() }
        </ContextProvider<LanguageContext>>
    }
}

/// The language chosen earlier in this browser, if any.
fn stored_choice() -> Option<Language> {
    if cfg!(not(target_arch = "wasm32")) {
        return None;
    }
    let storage = web_sys::window()?.local_storage().ok()??;
    let tag = storage.get_item(LANGUAGE_STORAGE_KEY).ok()??;
    Language::from_tag(&tag)
}

/// Keeps an explicit choice in the browser (private windows may refuse: then it lasts
/// the visit).
fn store_choice(language: Language) {
    if let Some(Ok(Some(storage))) = web_sys::window().map(|w| w.local_storage()) {
        let _ = storage.set_item(LANGUAGE_STORAGE_KEY, language.as_str());
    }
}

/// The language cookie the server paints the login page by (`LANGUAGE_COOKIE`, a year).
fn remember_for_the_server(language: Language) {
    if cfg!(not(target_arch = "wasm32")) {
        return;
    }
    let document = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.dyn_into::<web_sys::HtmlDocument>().ok());
    if let Some(document) = document {
        let _ = document.set_cookie(&format!(
            "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            portcullis_shared::routes::LANGUAGE_COOKIE,
            language.as_str()
        ));
    }
}

/// The first offered language of the browser's preferences (`navigator.languages`).
fn browser_language() -> Language {
    if cfg!(not(target_arch = "wasm32")) {
        return Language::default();
    }
    let Some(window) = web_sys::window() else {
        return Language::default();
    };
    let tags: Vec<String> = window
        .navigator()
        .languages()
        .iter()
        .filter_map(|tag| tag.as_string())
        .collect();
    Language::first_offered(tags.iter().map(String::as_str))
}

/// `<html lang>`, so screen readers and the browser's spelling and hyphenation follow.
fn set_document_language(language: Language) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", language.as_str());
    }
}
