//! End-to-end: the built portal (web/dist, from `trunk build --release`) in
//! headless Chromium, driven through chromedriver, against the real
//! `portcullis` binary on a fresh SQLite file.

use std::{
    io::{BufRead, BufReader},
    net::TcpListener,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::Duration,
};

use fantoccini::{elements::Element, wd::Capabilities, Client, ClientBuilder, Locator};
use serde_json::json;

/// Kills a child process when dropped, so a failing test leaves nothing behind.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts the API binary serving the built portal; returns it and its base URL.
fn start_server(database: &std::path::Path) -> (Process, String) {
    let dist = repo_root().join("web/dist");
    assert!(
        dist.join("index.html").is_file(),
        "web/dist is missing: build the portal first with `cd web && trunk build --release` (the README's test command does)"
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_portcullis"))
        .env("PORTCULLIS_BIND", "127.0.0.1:0")
        .env(
            "PORTCULLIS_DATABASE_URL",
            format!("sqlite://{}", database.display()),
        )
        .env("PORTCULLIS_STATIC_DIR", &dist)
        .env("PORTCULLIS_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the portcullis binary");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .expect("read the listening line");
    let url = line.trim().rsplit(' ').next().unwrap().to_owned();
    assert!(
        url.starts_with("http://127.0.0.1:"),
        "unexpected first line: {line}"
    );
    (Process(child), url)
}

fn chromedriver_path() -> String {
    std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into())
}

fn chromium_path() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

async fn start_browser(profile: &std::path::Path) -> (Process, Client) {
    let port = free_port();
    let driver = Command::new(chromedriver_path())
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("start chromedriver ({}): {e}; install it with `apt-get install -y chromium chromium-driver`", chromedriver_path()));
    let driver = Process(driver);
    let mut capabilities = Capabilities::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium_path(),
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1280,900",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    let mut last_error = None;
    for _ in 0..50 {
        match ClientBuilder::native()
            .capabilities(capabilities.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => return (driver, client),
            Err(error) => {
                last_error = Some(error);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    panic!("cannot reach chromedriver: {last_error:?}");
}

async fn find(client: &Client, css: &str) -> Element {
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("waiting for `{css}`: {e}"))
}

async fn fill(client: &Client, css: &str, value: &str) {
    let field = find(client, css).await;
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

async fn text_of(client: &Client, css: &str) -> String {
    find(client, css).await.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_log_in_see_the_dashboard_and_log_out() {
    let scratch = tempfile::tempdir().unwrap();
    let (_server, base) = start_server(&scratch.path().join("portcullis.db"));
    let (_driver, client) = start_browser(&scratch.path().join("profile")).await;

    // Signing up with a password the server refuses shows its reason by the field.
    client.goto(&format!("{base}/signup")).await.unwrap();
    fill(&client, "input#email", "ada@example.com").await;
    fill(&client, "input#password", "Password1").await;
    fill(&client, "input#phone", "+48500100200").await;
    find(&client, "select#country option[value='PL']")
        .await
        .click()
        .await
        .unwrap();
    find(&client, "#signup-submit").await.click().await.unwrap();
    let error = text_of(&client, "#password-error").await;
    assert!(
        error.to_lowercase().contains("common"),
        "server's field error is shown: {error}"
    );

    // A good password signs up and lands on the dashboard.
    fill(&client, "input#password", "Violet-Kettle-42").await;
    find(&client, "#signup-submit").await.click().await.unwrap();
    find(&client, "[data-testid=dashboard]").await;
    assert_eq!(text_of(&client, "#account-email").await, "ada@example.com");
    assert!(text_of(&client, "#account-id").await.starts_with("acc_"));

    let screenshots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&screenshots).unwrap();
    let png = client.screenshot().await.unwrap();
    std::fs::write(screenshots.join("dashboard.png"), &png).unwrap();
    assert!(png.len() > 10_000, "a real screenshot");

    // A reload keeps the session (cookie + GET /me), then log out.
    client.refresh().await.unwrap();
    find(&client, "[data-testid=dashboard]").await;
    find(&client, "#logout").await.click().await.unwrap();
    find(&client, "#login-submit").await;
    client.goto(&base).await.unwrap();
    find(&client, "#login-submit").await;

    // Wrong password: a banner, no session.
    fill(&client, "input#email", "ada@example.com").await;
    fill(&client, "input#password", "Wrong-Password-9").await;
    find(&client, "#login-submit").await.click().await.unwrap();
    assert!(!text_of(&client, "#form-error").await.is_empty());

    // The right one: back to the dashboard.
    fill(&client, "input#password", "Violet-Kettle-42").await;
    find(&client, "#login-submit").await.click().await.unwrap();
    find(&client, "[data-testid=dashboard]").await;
    assert_eq!(text_of(&client, "#account-email").await, "ada@example.com");
    let png = client.screenshot().await.unwrap();
    std::fs::write(screenshots.join("dashboard-after-login.png"), &png).unwrap();

    find(&client, "#logout").await.click().await.unwrap();
    find(&client, "#login-submit").await;
    client.close().await.unwrap();
}
