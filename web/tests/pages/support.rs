//! What the component tests share: the portal rendered at a URL with a given session,
//! and ways to find things in the HTML.

use portcullis_shared::dto::{
    AccessDto, AccountDto, CurrentSessionDto, Language, MeResponse, PortalPermission, Role,
};
use portcullis_shared::scope::Scope;
use portcullis_web::app::AppShell;
use portcullis_web::components::{TextField, TextFieldProps};
use portcullis_web::state::{LanguageProvider, Session, SessionProvider};
use std::rc::Rc;
use yew::prelude::*;
use yew_router::history::{AnyHistory, History, MemoryHistory};
use yew_router::Router;

/// The session a test starts from. (`Session` holds an `Rc`, which can't cross into the
/// renderer's thread; this can.)
#[derive(Clone, PartialEq)]
pub enum Given {
    Restoring,
    Anonymous,
    SignedIn(Box<MeResponse>),
}

#[derive(Properties, PartialEq)]
struct PortalAtProps {
    url: AttrValue,
    given: Given,
    /// A language chosen in the browser; without one, the login's or the default.
    chosen: Option<Language>,
}

/// The portal as `App` builds it, with an in-memory history opened at `url`.
#[component]
fn PortalAt(props: &PortalAtProps) -> Html {
    let history = use_memo(props.url.clone(), |url| {
        let history = AnyHistory::from(MemoryHistory::new());
        history.push(url.as_str());
        history
    });
    let session = match &props.given {
        Given::Restoring => Session::Restoring,
        Given::Anonymous => Session::Anonymous,
        Given::SignedIn(me) => Session::SignedIn(Rc::new((**me).clone())),
    };
    html! {
        <Router history={(*history).clone()}>
            <SessionProvider initial={session}>
                <LanguageProvider chosen={props.chosen}>
                    <AppShell />
                </LanguageProvider>
            </SessionProvider>
        </Router>
    }
}

pub async fn render_at(url: &'static str, given: Given) -> String {
    render_in(url, given, None).await
}

/// The portal at `url`, with `chosen` as the language picked in the browser.
pub async fn render_in(url: &'static str, given: Given, chosen: Option<Language>) -> String {
    yew::ServerRenderer::<PortalAt>::with_props(move || PortalAtProps {
        url: url.into(),
        given,
        chosen,
    })
    .hydratable(false)
    .render()
    .await
}

pub async fn render_field(props: impl FnOnce() -> TextFieldProps + Send + 'static) -> String {
    yew::ServerRenderer::<TextField>::with_props(props)
        .hydratable(false)
        .render()
        .await
}

pub fn owner() -> MeResponse {
    MeResponse {
        account: AccountDto {
            id: "acc_01j9z3q8m6e7r5t4y3w2v1u0s9".into(),
            email: "owner@example.com".into(),
            phone: Some("+48500100200".into()),
            country: "PL".into(),
            points_balance: 12_500,
            created_at: "2026-01-02T03:04:05Z".into(),
        },
        session: CurrentSessionDto {
            csrf_token: "csrf-secret".into(),
            created_at: "2026-11-22T08:00:00Z".into(),
            expires_at: "2026-11-22T20:00:00Z".into(),
            idle_timeout_secs: 1800,
            password_change_required: false,
            two_factor_setup_required: false,
        },
        access: AccessDto::owner("acc_01j9z3q8m6e7r5t4y3w2v1u0s9"),
        language: Default::default(),
    }
}

/// A subuser of the owner's account with only the `portal` permissions.
pub fn subuser(portal: &[PortalPermission]) -> MeResponse {
    let mut me = owner();
    me.account.email = "branch@example.com".into();
    me.access = AccessDto {
        role: Role::Subuser,
        account_id: me.account.id.clone(),
        portal: portal.to_vec(),
        scopes: vec![Scope::Sms],
        senders: vec!["ACME".into()],
    };
    me
}

/// The first opening tag holding `attribute`, e.g. `<option value="PL" selected>`.
/// (The renderer does not keep the attribute order of the source.)
pub fn tag_with<'a>(html: &'a str, attribute: &str) -> &'a str {
    let at = html
        .find(attribute)
        .unwrap_or_else(|| panic!("no element with {attribute} in:\n{html}"));
    let start = html[..=at].rfind('<').expect("tag start");
    let end = at + html[at..].find('>').expect("tag end");
    &html[start..=end]
}

/// The opening tag of the element with `id`, e.g. `<input id="email" …>`.
pub fn tag_with_id<'a>(html: &'a str, id: &str) -> &'a str {
    tag_with(html, &format!(r#"id="{id}""#))
}

/// The text right after the element with `id` (or, given `a="b"`, that attribute) opens.
pub fn text_of<'a>(html: &'a str, id_or_attribute: &str) -> &'a str {
    let tag = if id_or_attribute.contains('=') {
        tag_with(html, id_or_attribute)
    } else {
        tag_with_id(html, id_or_attribute)
    };
    let after = html.find(tag).expect("tag") + tag.len();
    let rest = &html[after..];
    &rest[..rest.find('<').unwrap_or(rest.len())]
}

pub fn assert_has(tag: &str, attribute: &str) {
    assert!(tag.contains(attribute), "expected {attribute} in {tag}");
}

#[derive(Properties, PartialEq)]
struct SignedInProps {
    content: Html,
}

/// `content` under a signed-in session, in a router at `/` (for the links it holds).
#[component]
fn SignedIn(props: &SignedInProps) -> Html {
    let history = use_memo((), |_| AnyHistory::from(MemoryHistory::new()));
    html! {
        <Router history={(*history).clone()}>
            <SessionProvider initial={Session::SignedIn(Rc::new(owner()))}>
                { props.content.clone() }
            </SessionProvider>
        </Router>
    }
}

/// Renders `content` (built on the renderer's thread: components' props are not `Send`)
/// for the signed-in owner.
pub async fn render_signed_in(content: impl FnOnce() -> Html + Send + 'static) -> String {
    yew::ServerRenderer::<SignedIn>::with_props(move || SignedInProps { content: content() })
        .hydratable(false)
        .render()
        .await
}

/// The part of `html` from `start` up to (not including) `end`, or to the end.
pub fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in:\n{html}"));
    let rest = &html[from..];
    let to = rest[start.len()..]
        .find(end)
        .map_or(rest.len(), |at| at + start.len());
    &rest[..to]
}
