//! The card for something the API shows only once (a token's secret, recovery codes).

use web_sys::Element;
use yew::prelude::*;

/// Props of [`ShownOnce`].
#[derive(Properties, PartialEq)]
pub struct ShownOnceProps {
    /// Element id of the card; its heading is `<id>-title`.
    pub id: AttrValue,
    /// Identifies what is shown: the card scrolls into view again when it changes.
    pub shown: AttrValue,
    pub title: AttrValue,
    /// The line under the title.
    pub subtitle: Html,
    /// The warning's bold first sentence ("Copy it now — you won't see it again.").
    pub warning: AttrValue,
    /// The rest of the warning.
    pub warning_detail: AttrValue,
    /// Id and text of the button that dismisses the card.
    pub done_id: AttrValue,
    pub done_label: AttrValue,
    pub on_done: Callback<()>,
    /// Buttons shown before the done button (e.g. Copy).
    #[prop_or_default]
    pub actions: Html,
    /// What is shown once, between the warning and the button.
    #[prop_or_default]
    pub children: Html,
}

/// A highlighted card with a plain warning and a button to say it is stored. Scrolled into
/// view when it appears.
#[component]
pub fn ShownOnce(props: &ShownOnceProps) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with(props.shown.clone(), move |_| {
            if let Some(element) = node.cast::<Element>() {
                element.scroll_into_view();
            }
        });
    }
    let onclick = props.on_done.reform(|_: MouseEvent| ());
    let title_id = format!("{}-title", props.id);

    html! {
        <section class="card secret-card" id={props.id.clone()} ref={node}
            aria-labelledby={title_id.clone()}>
            <div class="secret-head">
                <span class="secret-icon" aria-hidden="true">{ "✓" }</span>
                <div>
                    <h2 id={title_id}>{ props.title.clone() }</h2>
                    <p class="muted">{ props.subtitle.clone() }</p>
                </div>
            </div>
            <div class="banner banner--warning" role="alert">
                <strong>{ props.warning.clone() }</strong>{ " " }{ props.warning_detail.clone() }
            </div>
            { props.children.clone() }
            <div class="form-actions">
                { props.actions.clone() }
                <button type="button" id={props.done_id.clone()} class="button button--secondary"
                    {onclick}>
                    { props.done_label.clone() }
                </button>
            </div>
        </section>
    }
}
