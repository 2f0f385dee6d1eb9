use yew::prelude::*;

/// A form value and the callback that replaces it.
#[derive(Clone, PartialEq)]
pub struct TextInput {
    /// Current value.
    pub value: String,
    /// Sets a new value (wire it to a field's `on_change`).
    pub set: Callback<String>,
}

/// State for one form field, starting at `initial`.
#[hook]
pub fn use_text_input(initial: &str) -> TextInput {
    let initial = initial.to_owned();
    let state = use_state(move || initial);
    let set = {
        let state = state.clone();
        use_callback((), move |value: String, _| state.set(value))
    };
    TextInput {
        value: (*state).clone(),
        set,
    }
}
