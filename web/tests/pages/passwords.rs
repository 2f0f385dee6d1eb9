//! The password pages: change and policy, the forced change, forgot and reset.

use portcullis_web::pages::forgot_password::ResetPasswordForm;
use portcullis_web::state::{Session, SessionProvider};
use yew::prelude::*;
use yew_router::history::{AnyHistory, History, MemoryHistory};
use yew_router::Router;

use crate::support::{
    assert_has, between, owner, render_at, tag_with, tag_with_id, text_of, Given,
};

fn due() -> Given {
    let mut me = owner();
    me.session.password_change_required = true;
    Given::SignedIn(Box::new(me))
}

#[tokio::test]
async fn password_page_has_the_change_form_and_the_policy_switch() {
    let html = render_at("/password", Given::SignedIn(Box::new(owner()))).await;
    assert!(html.contains(r#"data-testid="password""#), "{html}");
    assert!(html.contains("API tokens and OAuth clients keep working"));

    let current = tag_with_id(&html, "current_password");
    assert_has(current, r#"type="password""#);
    assert_has(current, r#"autocomplete="current-password""#);
    let new = tag_with_id(&html, "new_password");
    assert_has(new, r#"type="password""#);
    assert_has(new, r#"autocomplete="new-password""#);
    assert!(text_of(&html, "new_password-hint").contains("not one of your last 5"));
    assert_has(
        tag_with_id(&html, "change-password-submit"),
        r#"type="submit""#,
    );
    assert_eq!(text_of(&html, "change-password-submit"), "Change password");

    let switch = tag_with_id(&html, "rotation-required");
    assert_has(switch, r#"type="checkbox""#);
    assert_has(switch, "disabled");
    assert!(html.contains("Loading your password policy…"), "{html}");

    let nav = between(&html, r#"aria-label="Main""#, "</nav>");
    assert_has(tag_with(nav, r#"href="/sessions""#), "nav-link--current");
    let tabs = between(&html, r#"aria-label="Security""#, "</nav>");
    assert_has(tag_with(tabs, r#"href="/password""#), "tab--current");
}

#[tokio::test]
async fn a_due_password_shows_only_the_change_form_on_every_page() {
    for url in ["/", "/tokens", "/password", "/security-log"] {
        let html = render_at(url, due()).await;
        assert!(
            html.contains(r#"data-testid="password-change-required""#),
            "{url}: {html}"
        );
        assert!(!html.contains(r#"data-testid="dashboard""#), "{url}");
        assert!(!html.contains(r#"id="rotation-required""#), "{url}");
        assert!(html.contains(r#"id="current_password""#), "{url}");
        assert!(html.contains(r#"id="new_password""#), "{url}");
        assert_eq!(text_of(&html, "logout"), "Log out");
        assert!(text_of(&html, "password-due").contains("every 30 days"));
    }
}

#[tokio::test]
async fn the_login_page_links_to_the_password_reset() {
    let html = render_at("/login", Given::Anonymous).await;
    let link = tag_with(&html, r#"href="/forgot-password""#);
    assert!(link.starts_with("<a"), "{link}");
    assert_eq!(
        text_of(&html, r#"href="/forgot-password""#),
        "Forgot password?"
    );
}

#[tokio::test]
async fn the_forgot_password_page_asks_for_the_email() {
    let html = render_at("/forgot-password", Given::Anonymous).await;
    assert!(html.contains(r#"data-testid="forgot-password""#), "{html}");
    let email = tag_with_id(&html, "email");
    assert_has(email, r#"type="email""#);
    assert_has(email, r#"autocomplete="email""#);
    assert_eq!(text_of(&html, "reset-request-submit"), "Send the link");
    assert!(html.contains(r#"href="/login""#));
    assert!(!html.contains(r#"id="reset-sent""#));

    let signed_in = render_at("/forgot-password", Given::SignedIn(Box::new(owner()))).await;
    assert!(!signed_in.contains(r#"data-testid="forgot-password""#));
}

#[derive(Properties, PartialEq)]
struct ResetFormAtProps {
    token: AttrValue,
}

/// The reset form under a router and an anonymous session. (The renderer cannot open a URL
/// with a query string: parsing one needs the browser.)
#[component]
fn ResetFormAt(props: &ResetFormAtProps) -> Html {
    let history = use_memo((), |_| {
        let history = AnyHistory::from(MemoryHistory::new());
        history.push("/reset-password");
        history
    });
    html! {
        <Router history={(*history).clone()}>
            <SessionProvider initial={Session::Anonymous}>
                <ResetPasswordForm token={props.token.clone()} />
            </SessionProvider>
        </Router>
    }
}

async fn render_reset_form(token: &'static str) -> String {
    yew::ServerRenderer::<ResetFormAt>::with_props(move || ResetFormAtProps {
        token: token.into(),
    })
    .hydratable(false)
    .render()
    .await
}

#[tokio::test]
async fn the_reset_page_takes_the_token_from_the_link() {
    let html = render_reset_form("AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde").await;
    let password = tag_with_id(&html, "new_password");
    assert_has(password, r#"type="password""#);
    assert_has(password, r#"autocomplete="new-password""#);
    assert_eq!(text_of(&html, "reset-submit"), "Set the new password");
    assert!(!html.contains(r#"id="reset-no-token""#));
    assert!(html.contains(r#"href="/forgot-password""#));

    let html = render_at("/reset-password", Given::Anonymous).await;
    assert!(html.contains(r#"data-testid="reset-password""#), "{html}");
    assert!(html.contains(r#"id="reset-no-token""#), "{html}");
    assert!(!html.contains(r#"id="new_password""#));
    assert!(html.contains(r#"href="/forgot-password""#));
}
