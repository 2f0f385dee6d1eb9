//! The country filter page: the explanation, the search, the list and the summary.

use std::collections::BTreeSet;

use portcullis_shared::validate;
use portcullis_web::pages::country_filter::CountryList;
use yew::prelude::*;

use crate::support::{
    assert_has, between, owner, render_at, render_signed_in, tag_with, tag_with_id, Given,
};

async fn render_list(selected: &[&str], query: &'static str) -> String {
    let selected: BTreeSet<String> = selected.iter().map(|c| (*c).to_owned()).collect();
    render_signed_in(move || {
        html! { <CountryList {selected} {query} on_toggle={Callback::noop()} /> }
    })
    .await
}

#[tokio::test]
async fn country_page_explains_the_filter_and_has_stable_ids() {
    let html = render_at("/country-filter", Given::SignedIn(Box::new(owner()))).await;

    assert!(html.contains(r#"data-testid="country-filter""#), "{html}");
    assert!(html.contains("<h1>Destination countries</h1>"), "{html}");
    assert!(
        html.contains("refused before anything is charged"),
        "{html}"
    );
    assert!(html.contains("A new account allows only its own country"));
    assert!(
        html.contains("<strong>Poland</strong>"),
        "the owner's country is named: {html}"
    );

    let search = tag_with_id(&html, "country-search");
    assert!(search.starts_with("<input"), "{search}");
    assert_has(search, r#"type="search""#);
    assert!(html.contains(r#"<label for="country-search">"#));
    let save = tag_with_id(&html, "save-countries");
    assert_has(save, r#"type="submit""#);
    assert_has(save, "disabled");
    assert!(tag_with_id(&html, "countries-summary").starts_with("<p"));
    assert!(html.contains("Loading your countries…"), "{html}");

    // Every country is offered, unticked until the saved list arrives.
    assert_eq!(
        html.matches(r#"name="country""#).count(),
        validate::countries().len()
    );
    let germany = tag_with(&html, r#"value="DE""#);
    assert_has(germany, r#"type="checkbox""#);
    assert_has(germany, r#"name="country""#);
    assert!(!germany.contains("checked"), "{germany}");
}

#[tokio::test]
async fn the_header_links_to_the_country_page() {
    let html = render_at("/country-filter", Given::SignedIn(Box::new(owner()))).await;
    let nav = between(&html, r#"aria-label="Main""#, "</nav>");
    assert!(nav.contains(">Countries<"), "{nav}");
    assert_has(
        tag_with(nav, r#"href="/country-filter""#),
        "nav-link--current",
    );
    assert!(!tag_with(nav, r#"href="/tokens""#).contains("nav-link--current"));
}

#[tokio::test]
async fn country_page_is_not_shown_without_a_session() {
    let html = render_at("/country-filter", Given::Anonymous).await;
    assert!(!html.contains(r#"data-testid="country-filter""#), "{html}");
    assert!(!html.contains(r#"id="country-search""#));
}

#[tokio::test]
async fn allowed_countries_are_ticked_and_listed_first() {
    let html = render_list(&["PL", "DE"], "").await;
    let first = html.find(r#"value="DE""#).unwrap();
    let second = html.find(r#"value="PL""#).unwrap();
    let divider = html.find("Other countries").expect("a divider");
    let afghanistan = html.find(r#"value="AF""#).unwrap();
    assert!(
        first < second && second < divider && divider < afghanistan,
        "{html}"
    );
    assert_has(tag_with(&html, r#"value="DE""#), "checked");
    assert_has(tag_with(&html, r#"value="PL""#), "checked");
    assert!(!tag_with(&html, r#"value="AF""#).contains("checked"));
    assert_eq!(html.matches(" checked").count(), 2, "{html}");
}

#[tokio::test]
async fn the_search_narrows_the_list() {
    let html = render_list(&["PL"], "germ").await;
    assert_eq!(html.matches(r#"name="country""#).count(), 1, "{html}");
    assert!(html.contains("Germany"));
    assert!(
        !html.contains("Other countries"),
        "no allowed one matches: {html}"
    );

    let html = render_list(&[], "zzz").await;
    assert!(html.contains(r#"id="countries-none""#), "{html}");
    assert!(html.contains("No country matches “zzz”."));
}
