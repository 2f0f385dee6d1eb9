//! Toasts: a short note after a change ("Removed 203.0.113.7"), some with an Undo. They sit
//! in one polite live region, close themselves after a while and by their own button.

use std::rc::Rc;
use std::time::Duration;

use crate::hooks::use_i18n;
use yew::platform::{spawn_local, time::sleep};
use yew::prelude::*;

/// How long a toast stays: long enough to read it and reach its Undo.
const TOAST_LIFETIME: Duration = Duration::from_secs(8);

/// One toast on screen.
#[derive(Clone, PartialEq)]
pub struct Toast {
    /// Unique among the toasts of this page load.
    pub id: u32,
    /// What happened, in words.
    pub message: AttrValue,
    /// Puts the change back; `None` when the API cannot.
    pub undo: Option<Callback<()>>,
}

/// The toasts on screen, newest last.
#[derive(Clone, PartialEq, Default)]
pub struct Toasts {
    next_id: u32,
    shown: Vec<Toast>,
}

/// A change to [`Toasts`].
pub enum ToastAction {
    /// Show a new toast.
    Show {
        message: AttrValue,
        undo: Option<Callback<()>>,
    },
    /// Close the toast with this id (nothing if it has gone already).
    Dismiss(u32),
}

/// At most this many toasts at once; older ones make room.
const MOST_TOASTS: usize = 3;

impl Reducible for Toasts {
    type Action = ToastAction;

    fn reduce(self: Rc<Self>, action: ToastAction) -> Rc<Self> {
        let mut toasts = (*self).clone();
        match action {
            ToastAction::Show { message, undo } => {
                toasts.next_id += 1;
                toasts.shown.push(Toast {
                    id: toasts.next_id,
                    message,
                    undo,
                });
                let extra = toasts.shown.len().saturating_sub(MOST_TOASTS);
                toasts.shown.drain(..extra);
            }
            ToastAction::Dismiss(id) => toasts.shown.retain(|toast| toast.id != id),
        }
        Rc::new(toasts)
    }
}

/// What pages reach through [`crate::hooks::use_toasts`].
pub type ToastContext = UseReducerHandle<Toasts>;

/// Props of [`ToastProvider`].
#[derive(Properties, PartialEq)]
pub struct ToastProviderProps {
    #[prop_or_default]
    pub children: Html,
}

/// Holds the toasts for everything under it; [`ToastRegion`] shows them.
#[component]
pub fn ToastProvider(props: &ToastProviderProps) -> Html {
    let toasts = use_reducer(Toasts::default);
    html! {
        <ContextProvider<ToastContext> context={toasts}>
            { props.children.clone() }
        </ContextProvider<ToastContext>>
    }
}

/// The live region the toasts appear in. It is always in the page, so a screen reader
/// hears what is added to it.
#[component]
pub fn ToastRegion() -> Html {
    let Some(toasts) = use_context::<ToastContext>() else {
        return Html::default();
    };
    html! {
        <div class="toasts" id="toasts" role="status" aria-live="polite">
            for toast in toasts.shown.iter() {
                <ToastItem key={toast.id} toast={toast.clone()} toasts={toasts.clone()} />
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ToastItemProps {
    toast: Toast,
    toasts: ToastContext,
}

#[component]
fn ToastItem(props: &ToastItemProps) -> Html {
    let texts = use_i18n();
    let id = props.toast.id;
    {
        let toasts = props.toasts.clone();
        use_effect_with(id, move |&id| {
            spawn_local(async move {
                sleep(TOAST_LIFETIME).await;
                toasts.dispatch(ToastAction::Dismiss(id));
            });
        });
    }
    let close = {
        let toasts = props.toasts.clone();
        Callback::from(move |_: MouseEvent| toasts.dispatch(ToastAction::Dismiss(id)))
    };
    let undo = props.toast.undo.clone().map(|undo| {
        let toasts = props.toasts.clone();
        Callback::from(move |_: MouseEvent| {
            toasts.dispatch(ToastAction::Dismiss(id));
            undo.emit(());
        })
    });
    html! {
        <div class="toast" data-toast-id={id.to_string()}>
            <p class="toast-message">{ props.toast.message.clone() }</p>
            if let Some(onclick) = undo {
                <button type="button" class="button button--small button--secondary toast-undo"
                    {onclick}>{ texts.t("window-undo") }</button>
            }
            <button type="button" class="toast-close" aria-label={texts.t("window-close-message")}
                onclick={close}>{ "×" }</button>
        </div>
    }
}
