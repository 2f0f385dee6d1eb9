use yew::prelude::*;

/// What a list page shows of the item it just created, and the callbacks that set and
/// clear it.
pub struct Created<T: 'static> {
    /// The item just created, until the page is done showing it.
    pub item: UseStateHandle<Option<T>>,
    /// Give it the answer to a create: it is shown and the list is read again.
    pub on_created: Callback<T>,
    /// Stops showing it.
    pub on_done: Callback<()>,
}

/// State for the item a page just created; `reload` reads the page's list again.
#[hook]
pub fn use_created<T: 'static>(reload: Callback<()>) -> Created<T> {
    let item = use_state(|| None::<T>);
    let on_created = {
        let item = item.clone();
        Callback::from(move |created: T| {
            item.set(Some(created));
            reload.emit(());
        })
    };
    let on_done = {
        let item = item.clone();
        Callback::from(move |()| item.set(None))
    };
    Created {
        item,
        on_created,
        on_done,
    }
}
