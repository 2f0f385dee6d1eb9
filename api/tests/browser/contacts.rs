//! Contacts and sender names end to end: the owner reaches both from the header's
//! "Messaging" section, makes a group, adds a contact, imports a CSV with a bad row and
//! reads why, searches, exports what the search found, changes and deletes a contact and a
//! group (each delete asked first), then asks for a sender name and withdraws it. At a
//! phone's width neither page scrolls sideways.

use fantoccini::{Client, Locator};

use crate::support::{
    click, csp_violations, fill, find, portal_fetch, save_screenshot, sign_up, start_browser,
    start_server, text_of, wait_for_none, wait_for_text,
};

/// The phones in the contacts table, top to bottom.
async fn listed_phones(client: &Client) -> Vec<String> {
    // The table may re-render between finding its cells and reading them (a cell found
    // is then stale): read it again, as a person would look again.
    'read: for _ in 0..50 {
        let mut phones = Vec::new();
        for cell in client
            .find_all(Locator::Css("#contacts-table tbody td[data-label='Phone']"))
            .await
            .unwrap()
        {
            match cell.text().await {
                Ok(text) => phones.push(text),
                Err(_) => {
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue 'read;
                }
            }
        }
        return phones;
    }
    panic!("the contacts table kept changing while it was read");
}

/// Waits until the contacts table lists exactly `expected`.
async fn wait_for_phones(client: &Client, expected: &[&str]) {
    let mut seen = Vec::new();
    for _ in 0..100 {
        seen = listed_phones(client).await;
        if seen == expected {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("the contacts table lists {seen:?}, not {expected:?}");
}

/// The page is no wider than the window (nothing scrolls sideways).
async fn fits_the_width(client: &Client) -> (i64, i64, String) {
    let widths = client
        .execute(
            "const wide = [...document.querySelectorAll('body *')]
                .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
                .map((e) => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
                .slice(0, 8).join(' | ');
             return [document.documentElement.scrollWidth, window.innerWidth, wide]",
            Vec::new(),
        )
        .await
        .unwrap();
    serde_json::from_value(widths).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contacts_and_sender_names_are_managed_from_the_portal() {
    let scratch = tempfile::tempdir().unwrap();
    let (_server, base) = start_server(&scratch.path().join("portcullis.db"));
    let (_driver, client) = start_browser(&scratch.path().join("profile")).await;
    sign_up(&client, &base, "crm@example.com", None).await;

    // The header's Messaging section holds the three pages as tabs.
    click(&client, "nav[aria-label='Main'] a[href='/send']").await;
    click(&client, "nav[aria-label='Messaging'] a[href='/contacts']").await;
    find(&client, "#contacts-empty").await;
    // The tab is named after the page, and the focus moved to its heading.
    assert_eq!(client.title().await.unwrap(), "Contacts · Portcullis");
    let focused = client
        .execute("return document.activeElement.outerHTML", Vec::new())
        .await
        .unwrap();
    assert!(
        focused
            .as_str()
            .is_some_and(|h| h.starts_with("<h1") && h.contains("Contacts")),
        "{focused}"
    );

    // A group, then a contact in it.
    fill(&client, "#group-name", "Newsletter").await;
    click(&client, "#group-create").await;
    wait_for_text(&client, "#groups-list .entry-value", "Newsletter").await;
    fill(&client, "#contact-phone", "+48 500 100 200").await;
    fill(&client, "#contact-first-name", "Ada").await;
    fill(&client, "#contact-email", "ada@example.com").await;
    click(&client, "#contact-groups-0").await;
    click(&client, "#contact-save").await;
    wait_for_text(&client, "#contact-saved", "Added +48500100200.").await;
    wait_for_phones(&client, &["+48500100200"]).await;
    let row = text_of(&client, "#contacts-table tbody tr").await;
    assert!(row.contains("Ada") && row.contains("Newsletter"), "{row}");

    // A bad phone is named next to the field, and nothing is added.
    fill(&client, "#contact-phone", "12").await;
    click(&client, "#contact-save").await;
    let error = text_of(&client, "#contact-phone-error").await;
    assert!(!error.is_empty());
    wait_for_phones(&client, &["+48500100200"]).await;
    fill(&client, "#contact-phone", "").await;

    // An import with one bad row: the good rows come in, the bad one is listed with why.
    fill(
        &client,
        "#import-csv",
        "phone,first_name,last_name,groups\n\
         +48500100201,Bob,Builder,Newsletter\n\
         not-a-phone,Cy,,\n\
         +48500100202,Zofia,,\n",
    )
    .await;
    click(&client, "#import-submit").await;
    wait_for_text(
        &client,
        "#import-result .banner",
        "2 contacts imported. 1 row was not:",
    )
    .await;
    assert_eq!(
        text_of(&client, "#import-errors td[data-label='Line']").await,
        "3"
    );
    assert_eq!(
        text_of(&client, "#import-errors td[data-label='Column']").await,
        "phone"
    );
    wait_for_phones(&client, &["+48500100200", "+48500100201", "+48500100202"]).await;
    save_screenshot(&client, "contacts.png", 1280, 1800).await;

    // Search, and the export holds what the search found.
    fill(&client, "#contacts-q", "BUILDER").await;
    click(&client, "#contacts-search").await;
    wait_for_phones(&client, &["+48500100201"]).await;
    let href = find(&client, "#contacts-export")
        .await
        .attr("href")
        .await
        .unwrap()
        .expect("an export link");
    assert_eq!(href, "/api/v1/contacts/export?q=BUILDER");
    let (status, file) = portal_fetch(&client, "GET", &href, None).await;
    assert_eq!(status, 200);
    assert_eq!(
        file.as_str().expect("CSV text"),
        "phone,first_name,last_name,email,groups\n+48500100201,Bob,Builder,,Newsletter\n"
    );
    fill(&client, "#contacts-q", "nobody").await;
    click(&client, "#contacts-search").await;
    wait_for_text(
        &client,
        "#contacts-empty .empty-title",
        "No contact matches",
    )
    .await;
    fill(&client, "#contacts-q", "").await;
    click(&client, "#contacts-search").await;
    wait_for_phones(&client, &["+48500100200", "+48500100201", "+48500100202"]).await;

    // Change a contact: only what changed is sent, and the row shows it.
    let zofia = "#contacts-table tr:nth-child(3)";
    click(&client, &format!("{zofia} .contact-edit")).await;
    wait_for_text(&client, "#contact-form-card h2", "Change +48500100202").await;
    fill(&client, "#contact-last-name", "Nowak").await;
    click(&client, "#contact-save").await;
    wait_for_text(&client, "#contact-form-card h2", "Add a contact").await;
    wait_for_text(
        &client,
        &format!("{zofia} td[data-label='Name']"),
        "Zofia Nowak",
    )
    .await;

    // Deleting asks first; Cancel keeps the contact, Confirm deletes it.
    click(&client, &format!("{zofia} .contact-delete")).await;
    let question = text_of(&client, "#contact-delete-panel").await;
    assert!(question.contains("Delete Zofia Nowak?"), "{question}");
    click(&client, "#contact-delete-panel-cancel").await;
    wait_for_none(&client, "#contact-delete-panel").await;
    wait_for_phones(&client, &["+48500100200", "+48500100201", "+48500100202"]).await;
    click(&client, &format!("{zofia} .contact-delete")).await;
    click(&client, "#contact-delete-panel-confirm").await;
    wait_for_phones(&client, &["+48500100200", "+48500100201"]).await;

    // Deleting the group keeps its contacts.
    click(&client, "#groups-list .group-delete").await;
    let question = text_of(&client, "#group-delete-panel").await;
    assert!(question.contains("Its contacts stay"), "{question}");
    click(&client, "#group-delete-panel-confirm").await;
    find(&client, "#groups-empty").await;
    wait_for_phones(&client, &["+48500100200", "+48500100201"]).await;
    let row = text_of(&client, "#contacts-table tbody tr").await;
    assert!(!row.contains("Newsletter"), "{row}");

    client.set_window_size(390, 844).await.unwrap();
    let (scroll, window, wide) = fits_the_width(&client).await;
    assert!(
        scroll <= window,
        "contacts at 390 px: {scroll} px wide: {wide}"
    );
    save_screenshot(&client, "contacts-phone.png", 390, 1800).await;
    client.set_window_size(1280, 900).await.unwrap();

    // Sender names: a refused name is explained; a good one waits for approval; withdrawing
    // it asks first.
    click(&client, "nav[aria-label='Messaging'] a[href='/senders']").await;
    find(&client, "#senders-empty").await;
    fill(&client, "#sender-name", "!!!").await;
    click(&client, "#sender-request").await;
    assert!(!text_of(&client, "#sender-name-error").await.is_empty());
    fill(&client, "#sender-name", "ACME").await;
    click(&client, "#sender-request").await;
    wait_for_text(
        &client,
        "#sender-requested",
        "Asked for ACME. It can be used once the gateway approves it.",
    )
    .await;
    wait_for_text(&client, "#senders-list .badge", "Waiting for approval").await;
    save_screenshot(&client, "senders.png", 1280, 900).await;
    client.set_window_size(390, 844).await.unwrap();
    let (scroll, window, wide) = fits_the_width(&client).await;
    assert!(
        scroll <= window,
        "sender names at 390 px: {scroll} px wide: {wide}"
    );
    client.set_window_size(1280, 900).await.unwrap();
    click(&client, "#senders-list .sender-delete").await;
    let question = text_of(&client, "#sender-delete-panel").await;
    assert!(question.contains("The request is withdrawn."), "{question}");
    click(&client, "#sender-delete-panel-confirm").await;
    find(&client, "#senders-empty").await;

    assert_eq!(csp_violations(&client).await, Vec::<String>::new());
}
