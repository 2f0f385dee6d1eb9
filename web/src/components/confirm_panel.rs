//! The step between a click and a change that cannot be undone or that opens something up:
//! says what will happen, with Confirm and Cancel, in the page (not `window.confirm`).

use yew::prelude::*;

/// Props of [`ConfirmPanel`].
#[derive(Properties, PartialEq)]
pub struct ConfirmPanelProps {
    /// The panel's `id`; its buttons are `{id}-confirm` and `{id}-cancel`.
    pub id: AttrValue,
    /// The question, e.g. "Log out everywhere?".
    pub title: AttrValue,
    /// Exactly what confirming does.
    pub detail: AttrValue,
    /// The text of the button that makes the change.
    pub confirm_text: AttrValue,
    /// Makes the change.
    pub on_confirm: Callback<()>,
    /// Leaves everything as it is.
    pub on_cancel: Callback<()>,
    /// The text of the button that leaves everything as it is.
    #[prop_or(AttrValue::Static("Cancel"))]
    pub cancel_text: AttrValue,
    /// The change is under way.
    #[prop_or_default]
    pub busy: bool,
}

/// An inline confirmation (`role="alertdialog"`): focus moves to Cancel when it opens, so
/// Enter or a second click does not confirm by accident, and Escape cancels.
#[component]
pub fn ConfirmPanel(props: &ConfirmPanelProps) -> Html {
    let cancel_button = use_node_ref();
    {
        let cancel_button = cancel_button.clone();
        use_effect_with((), move |_| {
            if let Some(button) = cancel_button.cast::<web_sys::HtmlElement>() {
                let _ = button.focus();
            }
        });
    }
    let confirm = props.on_confirm.reform(|_: MouseEvent| ());
    let cancel = props.on_cancel.reform(|_: MouseEvent| ());
    let onkeydown = {
        let (on_cancel, busy) = (props.on_cancel.clone(), props.busy);
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Escape" && !busy {
                on_cancel.emit(());
            }
        })
    };
    let (title_id, detail_id) = (
        format!("{}-title", props.id),
        format!("{}-detail", props.id),
    );
    html! {
        <div class="token-panel token-panel--danger confirm-panel" id={props.id.clone()}
            role="alertdialog" aria-labelledby={title_id.clone()} aria-describedby={detail_id.clone()}
            {onkeydown}>
            <p>
                <strong id={title_id}>{ props.title.clone() }</strong>
                { " " }
                <span id={detail_id}>{ props.detail.clone() }</span>
            </p>
            <div class="panel-actions">
                <button type="button" class="button button--danger button--small"
                    id={format!("{}-confirm", props.id)} disabled={props.busy} onclick={confirm}>
                    { props.confirm_text.clone() }
                </button>
                <button type="button" class="button button--secondary button--small"
                    id={format!("{}-cancel", props.id)} ref={cancel_button}
                    disabled={props.busy} onclick={cancel}>
                    { props.cancel_text.clone() }
                </button>
            </div>
        </div>
    }
}
