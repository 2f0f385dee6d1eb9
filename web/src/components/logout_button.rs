use yew::prelude::*;

use crate::hooks::{use_i18n, Logout};

/// Props of [`LogoutButton`].
#[derive(Properties, PartialEq)]
pub struct LogoutButtonProps {
    /// From [`crate::hooks::use_logout`]; its banner is the page's to show.
    pub logout: Logout,
}

/// The "Log out" button (`id="logout"`).
#[component]
pub fn LogoutButton(props: &LogoutButtonProps) -> Html {
    let texts = use_i18n();
    let busy = props.logout.busy;
    html! {
        <button id="logout" type="button" class="button button--secondary"
            onclick={props.logout.onclick.clone()} disabled={busy}>
            { if busy { texts.t("account-logging-out") } else { texts.t("account-log-out") } }
        </button>
    }
}
