use yew::prelude::*;

use crate::state::SessionContext;

/// The current session. Must be called under a [`crate::state::SessionProvider`].
#[hook]
pub fn use_session() -> SessionContext {
    use_context::<SessionContext>()
        .expect("use_session called outside SessionProvider: wrap the app in it")
}
