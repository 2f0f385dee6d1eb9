use std::future::Future;
use std::rc::Rc;

use portcullis_shared::dto::{
    AllowlistEntryDto, ContactGroupDto, MessageDto, OAuthClientDto, PortalAllowlistEntryDto,
    SenderDto, SessionDto, SubuserDto, TokenDto, TrustedDeviceDto,
};
use portcullis_shared::problem::Problem;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::ApiError;
use crate::hooks::use_session_calls;

/// Something a list holds once, under an id the API gave it.
pub trait Keyed {
    /// The API's id.
    fn key(&self) -> &str;
}

impl Keyed for TokenDto {
    fn key(&self) -> &str {
        &self.id
    }
}

impl Keyed for OAuthClientDto {
    fn key(&self) -> &str {
        &self.id
    }
}

impl Keyed for AllowlistEntryDto {
    fn key(&self) -> &str {
        &self.id
    }
}

impl Keyed for SessionDto {
    fn key(&self) -> &str {
        &self.id
    }
}

impl Keyed for PortalAllowlistEntryDto {
    fn key(&self) -> &str {
        &self.id
    }
}

impl Keyed for TrustedDeviceDto {
    fn key(&self) -> &str {
        &self.id
    }
}

impl Keyed for SubuserDto {
    fn key(&self) -> &str {
        &self.id
    }
}

impl Keyed for MessageDto {
    fn key(&self) -> &str {
        &self.id
    }
}

impl Keyed for SenderDto {
    fn key(&self) -> &str {
        &self.id
    }
}

impl Keyed for ContactGroupDto {
    fn key(&self) -> &str {
        &self.id
    }
}

/// A list as the API last reported it.
#[derive(Debug, Clone, PartialEq)]
pub struct Collection<T> {
    /// The items in the API's order; `None` until the first answer.
    pub items: Option<Rc<Vec<T>>>,
    /// Why the last read failed, if it did. A failed refresh keeps the items on screen.
    pub problem: Option<Problem>,
}

impl<T> Collection<T> {
    fn loading() -> Self {
        Self {
            items: None,
            problem: None,
        }
    }
}

/// A change to a [`Collection`].
pub enum CollectionAction<T> {
    /// A fresh answer from the API.
    Fetched(Result<Vec<T>, Problem>),
    /// An item changed (e.g. the answer to a PATCH): it takes the old one's place.
    Replace(T),
    /// An item is gone.
    Remove(String),
}

impl<T: Keyed + Clone> Reducible for Collection<T> {
    type Action = CollectionAction<T>;

    fn reduce(self: Rc<Self>, action: CollectionAction<T>) -> Rc<Self> {
        let edit = |edit: &dyn Fn(&mut Vec<T>)| match &self.items {
            Some(items) => {
                let mut items = (**items).clone();
                edit(&mut items);
                Rc::new(Collection {
                    items: Some(Rc::new(items)),
                    problem: self.problem.clone(),
                })
            }
            // Nothing to edit before the list is known; the next read brings the change.
            None => Rc::clone(&self),
        };
        match action {
            CollectionAction::Fetched(Ok(items)) => Rc::new(Collection {
                items: Some(Rc::new(items)),
                problem: None,
            }),
            CollectionAction::Fetched(Err(problem)) => Rc::new(Collection {
                items: self.items.clone(),
                problem: Some(problem),
            }),
            CollectionAction::Replace(item) => edit(&|items: &mut Vec<T>| {
                if let Some(slot) = items.iter_mut().find(|it| it.key() == item.key()) {
                    *slot = item.clone();
                }
            }),
            CollectionAction::Remove(key) => {
                edit(&|items: &mut Vec<T>| items.retain(|it| it.key() != key))
            }
        }
    }
}

/// A list read from the API, with the ways to change what the page shows of it.
pub struct CollectionHandle<T: Keyed + Clone + 'static> {
    state: UseReducerHandle<Collection<T>>,
    reload: Callback<()>,
}

impl<T: Keyed + Clone + 'static> CollectionHandle<T> {
    /// The list as last reported.
    pub fn get(&self) -> &Collection<T> {
        &self.state
    }

    /// Asks the API again; the current list stays on screen meanwhile.
    pub fn reload(&self) {
        self.reload.emit(());
    }

    /// A callback that asks the API again.
    pub fn reload_callback(&self) -> Callback<()> {
        self.reload.clone()
    }

    /// A callback that puts a changed item in its old one's place.
    pub fn replace_callback(&self) -> Callback<T> {
        let state = self.state.clone();
        Callback::from(move |item| state.dispatch(CollectionAction::Replace(item)))
    }

    /// A callback that drops the item with the given id.
    pub fn remove_callback(&self) -> Callback<String> {
        let state = self.state.clone();
        Callback::from(move |key| state.dispatch(CollectionAction::Remove(key)))
    }
}

impl<T: Keyed + Clone + 'static> Clone for CollectionHandle<T> {
    fn clone(&self) -> Self {
        Self {
            state: self.state.clone(),
            reload: self.reload.clone(),
        }
    }
}

impl<T: Keyed + Clone + PartialEq + 'static> PartialEq for CollectionHandle<T> {
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state && self.reload == other.reload
    }
}

/// A list read with `fetch` when the component mounts and again on
/// [`CollectionHandle::reload`]. Only the newest answer counts, so a slow old one never
/// overwrites a fresher list.
#[hook]
pub fn use_collection<T, F, Fut>(fetch: F) -> CollectionHandle<T>
where
    T: Keyed + Clone + 'static,
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = Result<Vec<T>, ApiError>> + 'static,
{
    let state = use_reducer(Collection::loading);
    let calls = use_session_calls();
    let latest = use_mut_ref(|| 0_u64);

    let reload = {
        let state = state.clone();
        use_callback((), move |(), _| {
            let request = {
                let mut latest = latest.borrow_mut();
                *latest += 1;
                *latest
            };
            let (state, latest, calls) = (state.clone(), Rc::clone(&latest), calls.clone());
            let answer = fetch();
            spawn_local(async move {
                let result = answer.await;
                if *latest.borrow() != request {
                    return;
                }
                state.dispatch(CollectionAction::Fetched(
                    result.map_err(|error| calls.problem(error)),
                ));
            });
        })
    };
    {
        let reload = reload.clone();
        use_effect_with((), move |_| reload.emit(()));
    }

    CollectionHandle { state, reload }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::client_validation_problem;

    #[derive(Debug, Clone, PartialEq)]
    struct Item(&'static str, u8);

    impl Keyed for Item {
        fn key(&self) -> &str {
            self.0
        }
    }

    fn loaded(items: Vec<Item>) -> Rc<Collection<Item>> {
        Rc::new(Collection {
            items: Some(Rc::new(items)),
            problem: None,
        })
    }

    fn a_problem() -> Problem {
        client_validation_problem(vec![
            portcullis_shared::validate::check_email("email", "x").unwrap()
        ])
        .unwrap()
    }

    #[test]
    fn changes_apply_to_the_item_with_the_same_id() {
        let list = loaded(vec![Item("a", 1), Item("b", 1)]);
        let list = list.reduce(CollectionAction::Replace(Item("b", 2)));
        assert_eq!(*list, *loaded(vec![Item("a", 1), Item("b", 2)]));
        let list = list.reduce(CollectionAction::Replace(Item("c", 9)));
        assert_eq!(*list, *loaded(vec![Item("a", 1), Item("b", 2)]));
        let list = list.reduce(CollectionAction::Remove("a".into()));
        assert_eq!(*list, *loaded(vec![Item("b", 2)]));
    }

    #[test]
    fn a_failed_refresh_keeps_the_list_and_says_why() {
        let list = loaded(vec![Item("a", 1)]);
        let after = Rc::clone(&list).reduce(CollectionAction::Fetched(Err(a_problem())));
        assert_eq!(after.items, list.items);
        assert_eq!(after.problem, Some(a_problem()));
        let after = after.reduce(CollectionAction::Fetched(Ok(vec![Item("z", 0)])));
        assert_eq!(*after, *loaded(vec![Item("z", 0)]));
    }

    #[test]
    fn nothing_is_edited_before_the_first_answer() {
        let first = Rc::new(Collection::<Item>::loading());
        let after = first.reduce(CollectionAction::Remove("a".into()));
        assert_eq!(*after, Collection::loading());
    }
}
