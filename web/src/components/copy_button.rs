//! A button that copies a text to the clipboard and says whether it worked.

use crate::hooks::use_i18n;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;
use yew::prelude::*;

/// Props of [`CopyButton`].
#[derive(Properties, PartialEq)]
pub struct CopyButtonProps {
    /// What to copy.
    pub text: AttrValue,
    /// Element id.
    #[prop_or_default]
    pub id: Option<AttrValue>,
    /// What the text is, for screen readers ("Copy the token"); by default the caption.
    #[prop_or_default]
    pub label: Option<AttrValue>,
}

#[derive(Clone, Copy, PartialEq)]
enum Copied {
    Not,
    Yes,
    Failed,
}

/// The JS callbacks of the last copy, kept alive until the browser settles it.
type Pending = Option<(Closure<dyn FnMut(JsValue)>, Closure<dyn FnMut(JsValue)>)>;

/// Copies `text` with the asynchronous Clipboard API. Where the browser refuses (no
/// permission, an insecure origin), it says so: the text stays selectable by hand.
#[component]
pub fn CopyButton(props: &CopyButtonProps) -> Html {
    let texts = use_i18n();
    let copied = use_state(|| Copied::Not);
    let pending = use_mut_ref(|| Pending::None);

    let onclick = {
        let (text, copied, pending) = (props.text.clone(), copied.clone(), pending.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(window) = web_sys::window() else {
                copied.set(Copied::Failed);
                return;
            };
            let clipboard = window.navigator().clipboard();
            // Browsers without the API have no `clipboard` property at all.
            if JsValue::from(clipboard.clone()).is_undefined() {
                copied.set(Copied::Failed);
                return;
            }
            let done = {
                let copied = copied.clone();
                Closure::once(move |_: JsValue| copied.set(Copied::Yes))
            };
            let failed = {
                let copied = copied.clone();
                Closure::once(move |_: JsValue| copied.set(Copied::Failed))
            };
            let _settled = clipboard.write_text(&text).then2(&done, &failed);
            *pending.borrow_mut() = Some((done, failed));
        })
    };

    let (caption, state_class) = match *copied {
        Copied::Not => (texts.t("credentials-copy"), None),
        Copied::Yes => (texts.t("credentials-copied"), Some("copy-button--done")),
        Copied::Failed => (
            texts.t("credentials-copy-by-hand"),
            Some("copy-button--failed"),
        ),
    };
    let label = props
        .label
        .clone()
        .unwrap_or_else(|| caption.clone().into());
    html! {
        <button type="button" id={props.id.clone()}
            class={classes!("button", "button--secondary", "copy-button", state_class)}
            aria-label={(*copied == Copied::Not).then_some(label)}
            aria-live="polite"
            {onclick}>
            <span class="copy-icon" aria-hidden="true"></span>
            { caption }
        </button>
    }
}
