use yew::prelude::*;

use crate::hooks::Logout;

/// Props of [`LogoutButton`].
#[derive(Properties, PartialEq)]
pub struct LogoutButtonProps {
    /// From [`crate::hooks::use_logout`]; its banner is the page's to show.
    pub logout: Logout,
}

/// The "Log out" button (`id="logout"`).
#[component]
pub fn LogoutButton(props: &LogoutButtonProps) -> Html {
    let busy = props.logout.busy;
    html! {
        <button id="logout" type="button" class="button button--secondary"
            onclick={props.logout.onclick.clone()} disabled={busy}>
            { if busy { "Logging out…" } else { "Log out" } }
        </button>
    }
}
