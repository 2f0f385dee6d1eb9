//! What the browser tests share: the server and browser they drive, and ways to wait for
//! and fill in elements.

use std::{
    io::{BufRead, BufReader},
    net::TcpListener,
    os::unix::process::CommandExt,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::Duration,
};

use fantoccini::{elements::Element, wd::Capabilities, Client, ClientBuilder, Locator};
use portcullis_shared::dto::{ConfirmSignupRequest, SignupRequest};
use portcullis_shared::dto::{OutboxMessageDto, OutboxPage};
use portcullis_shared::routes::{
    CSRF_HEADER, DEV_OUTBOX, PRE_SESSION_CSRF, SIGNUP, SIGNUP_CONFIRM, VERIFY_EMAIL_PAGE,
};
use serde_json::json;

/// The password the tests sign up with.
pub const PASSWORD: &str = "Violet-Kettle-42";

/// Kills a child process when dropped, so a failing test leaves nothing behind.
pub struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// chromedriver, in a process group of its own with the Chromium it starts:
/// dropped, the whole group is killed. (Killing chromedriver alone left its
/// browser running, adopted by init, after every test that did not close its
/// session: eight headless Chromiums per test run, each holding ~200 MB.)
pub struct Browser(Child);

impl Drop for Browser {
    fn drop(&mut self) {
        if let Ok(group) = libc::pid_t::try_from(self.0.id()) {
            // SAFETY: a plain system call; the group is chromedriver's own (see `start_browser`).
            unsafe { libc::kill(-group, libc::SIGKILL) };
        }
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
pub fn start_server(database: &std::path::Path) -> (Process, String) {
    start_server_with(database, "127.0.0.1:0", &[])
}

/// Like [`start_server`], with its public URL on `localhost` (a domain: a WebAuthn
/// relying party, which an IP address cannot be); the browser then opens
/// `http://localhost:PORT`.
pub fn start_server_on_localhost(database: &std::path::Path) -> (Process, String) {
    let port = free_port();
    let public_url = format!("http://localhost:{port}");
    let (server, _) = start_server_with(
        database,
        &format!("127.0.0.1:{port}"),
        &[("PORTCULLIS_PUBLIC_URL", public_url.as_str())],
    );
    (server, public_url)
}

/// Like [`start_server`], bound to `bind` and with extra `PORTCULLIS_…` settings.
pub fn start_server_with(
    database: &std::path::Path,
    bind: &str,
    settings: &[(&str, &str)],
) -> (Process, String) {
    let dist = repo_root().join("web/dist");
    assert!(
        dist.join("index.html").is_file(),
        "web/dist is missing: build the portal first with `cd web && trunk build --release` (the README's test command does)"
    );
    let mut command = Command::new(env!("CARGO_BIN_EXE_portcullis"));
    command.envs(settings.iter().copied());
    let mut child = command
        .env("PORTCULLIS_BIND", bind)
        .env(
            "PORTCULLIS_DATABASE_URL",
            format!("sqlite://{}", database.display()),
        )
        .env("PORTCULLIS_STATIC_DIR", &dist)
        .env(
            "PORTCULLIS_KEK",
            portcullis_api::domain::Kek::generate().to_hex().as_str(),
        )
        // Codes are read from the development outbox, as a developer would.
        .env("PORTCULLIS_DEV_OUTBOX", "true")
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

pub async fn start_browser(profile: &std::path::Path) -> (Browser, Client) {
    let port = free_port();
    let driver = Command::new(chromedriver_path())
        // Its own group, which Chromium joins: see `Browser`.
        .process_group(0)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("start chromedriver ({}): {e}; install it with `apt-get install -y chromium chromium-driver`", chromedriver_path()));
    let driver = Browser(driver);
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

/// The Content-Security-Policy violations the current page has reported since
/// it loaded (Chromium buffers them for a `ReportingObserver`).
pub async fn csp_violations(client: &Client) -> Vec<String> {
    let script = r#"
        const done = arguments[arguments.length - 1];
        const seen = [];
        const keep = (reports) => reports.forEach((r) => seen.push(JSON.stringify(r.body)));
        const observer = new ReportingObserver(keep, { types: ["csp-violation"], buffered: true });
        observer.observe();
        setTimeout(() => { keep(observer.takeRecords()); observer.disconnect(); done(seen); }, 300);
    "#;
    let reports = client
        .execute_async(script, Vec::new())
        .await
        .expect("read the CSP reports");
    serde_json::from_value(reports).expect("a list of reports")
}

/// Waits (up to 20 s) for an element at `css`. A page may load itself again meanwhile (the
/// sign-in bundle hands a signed-in visitor to the whole portal by reloading the page):
/// the wait that navigation aborts starts again on the new page.
pub async fn find(client: &Client, css: &str) -> Element {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match client
            .wait()
            .at_most(left)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => return element,
            Err(error)
                if error.to_string().contains("aborted by navigation") && !left.is_zero() =>
            {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(error) => panic!(
                "waiting for `{css}`: {error}\n{}",
                what_the_page_shows(client).await
            ),
        }
    }
}

/// Where the browser is and what its page reads, for a failure message (a CI log is all
/// there is to read after a run elsewhere); the page is also saved as `failure-*.png`.
pub async fn what_the_page_shows(client: &Client) -> String {
    let url = client
        .current_url()
        .await
        .map_or_else(|e| format!("(no URL: {e})"), |url| url.to_string());
    let text = match client.find(Locator::Css("body")).await {
        Ok(body) => body.text().await.unwrap_or_default(),
        Err(e) => format!("(no body: {e})"),
    };
    let shot = match client.screenshot().await {
        Ok(png) => {
            let name = format!(
                "failure-{}.png",
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_millis()
            );
            let path = screenshots_dir().join(name);
            std::fs::write(&path, png).map_or_else(
                |e| format!("(screenshot not saved: {e})"),
                |()| path.display().to_string(),
            )
        }
        Err(e) => format!("(no screenshot: {e})"),
    };
    format!("the browser is at {url}; screenshot {shot}; the page reads:\n{text}")
}

/// Replaces the value of the field at `css` with `value`, as typing would, and checks the
/// field then holds exactly `value`.
///
/// The field is emptied by one script that also fires the `input` event (WebDriver's own
/// clear fires none, and as two steps a render in between — a countdown re-renders every
/// second — could put the old value back before the page heard of the change, leaving
/// the typed keys appended to it); should a render still interfere, the field is filled
/// again.
pub async fn fill(client: &Client, css: &str, value: &str) {
    let mut held = None;
    for _ in 0..5 {
        let field = find(client, css).await;
        client
            .execute(
                "arguments[0].value = ''; \
                 arguments[0].dispatchEvent(new Event('input', { bubbles: true }))",
                vec![serde_json::to_value(&field).unwrap()],
            )
            .await
            .unwrap();
        field.send_keys(value).await.unwrap();
        held = field.prop("value").await.unwrap();
        if held.as_deref() == Some(value) {
            return;
        }
    }
    panic!("`{css}` holds {held:?} after typing {value:?}");
}

pub async fn text_of(client: &Client, css: &str) -> String {
    find(client, css).await.text().await.unwrap()
}

/// Where screenshots go (`target/tmp/screenshots`), created if need be.
pub fn screenshots_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Waits until the element at `css` reads `expected` (the page changes after an API call).
pub async fn wait_for_text(client: &Client, css: &str, expected: &str) {
    let mut last = String::new();
    for _ in 0..100 {
        if let Ok(element) = client.find(Locator::Css(css)).await {
            if let Ok(text) = element.text().await {
                if text == expected {
                    return;
                }
                last = text;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("`{css}` still reads {last:?}, not {expected:?}");
}

/// Waits until nothing matches `css`.
pub async fn wait_for_none(client: &Client, css: &str) {
    for _ in 0..100 {
        if client
            .find_all(Locator::Css(css))
            .await
            .is_ok_and(|found| found.is_empty())
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("`{css}` is still on the page");
}

/// Clicks the element at `css`, once it is there.
pub async fn click(client: &Client, css: &str) {
    find(client, css)
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("clicking `{css}`: {e}"));
}

/// Calls the API from the page, with the browser's session cookie and its CSRF token
/// (read from `GET /api/v1/me`), as the portal would; answers the status and the JSON body.
pub async fn portal_fetch(
    client: &Client,
    method: &str,
    path: &str,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let script = r#"
        const [method, path, body, done] = arguments;
        (async () => {
            const me = await fetch("/api/v1/me", { headers: { Accept: "application/json" } });
            const csrf = me.ok ? (await me.json()).session.csrf_token : "1";
            const init = { method, headers: { "X-CSRF-Token": csrf, Accept: "application/json" } };
            if (body !== null) {
                init.headers["Content-Type"] = "application/json";
                init.body = JSON.stringify(body);
            }
            const response = await fetch(path, init);
            const text = await response.text();
            let json = null;
            try { json = JSON.parse(text); } catch (_) { json = text; }
            done([response.status, json]);
        })().catch((error) => done([0, String(error)]));
    "#;
    let answer = client
        .execute_async(
            script,
            vec![
                json!(method),
                json!(path),
                body.unwrap_or(serde_json::Value::Null),
            ],
        )
        .await
        .unwrap_or_else(|e| panic!("{method} {path} from the page: {e}"));
    let (status, body): (u16, serde_json::Value) =
        serde_json::from_value(answer).expect("[status, body]");
    (status, body)
}

/// Opens a security page: the header's "Security" section, then the page's tab.
pub async fn open_security_tab(client: &Client, href: &str) {
    click(client, "nav[aria-label='Main'] a[href='/sessions']").await;
    click(
        client,
        &format!("nav[aria-label='Security'] a[href='{href}']"),
    )
    .await;
}

/// Signs up in the portal (with `phone`, if given), follows the e-mailed link and waits
/// for the dashboard.
pub async fn sign_up(client: &Client, base: &str, email: &str, phone: Option<&str>) {
    client.goto(&format!("{base}/signup")).await.unwrap();
    fill(client, "input#email", email).await;
    fill(client, "input#password", PASSWORD).await;
    if let Some(phone) = phone {
        fill(client, "input#phone", phone).await;
    }
    click(client, "select#country option[value='PL']").await;
    click(client, "#signup-submit").await;
    find(client, "#signup-sent").await;
    open_signup_link(client, base, email).await;
    click(client, "#verify-email-submit").await;
    find(client, "[data-testid=dashboard]").await;
}

/// Makes an account through the API from another client (not this browser, so the
/// browser is new to the account): signs up, then follows the e-mailed link.
pub async fn sign_up_elsewhere(base: &str, request: &SignupRequest) {
    let other = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let response = other
        .post(format!("{base}{SIGNUP}"))
        .header(CSRF_HEADER, PRE_SESSION_CSRF)
        .json(request)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::ACCEPTED);
    let mail = outbox_message(base, &request.email, "signup_confirmation").await;
    let start = mail.body.find("token=").expect("a sign-up link") + "token=".len();
    let token: String = mail.body[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    let response = other
        .post(format!("{base}{SIGNUP_CONFIRM}"))
        .header(CSRF_HEADER, PRE_SESSION_CSRF)
        .json(&ConfirmSignupRequest { token })
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK);
}

/// Opens the page of the newest sign-up link e-mailed to `email` (on this server: the
/// link's own host is `PORTCULLIS_PUBLIC_URL`'s).
pub async fn open_signup_link(client: &Client, base: &str, email: &str) {
    let mail = outbox_message(base, email, "signup_confirmation").await;
    let start = mail.body.find(VERIFY_EMAIL_PAGE).expect("a sign-up link");
    let path: String = mail.body[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    client.goto(&format!("{base}{path}")).await.unwrap();
}

/// Screenshots the page from its top at `width` × `height`.
pub async fn save_screenshot(client: &Client, name: &str, width: u32, height: u32) {
    client.set_window_size(width, height).await.unwrap();
    client
        .execute("window.scrollTo(0, 0)", Vec::new())
        .await
        .unwrap();
    // Let the layout settle at the new size.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let png = client.screenshot().await.unwrap();
    assert!(png.len() > 10_000, "a real screenshot");
    std::fs::write(screenshots_dir().join(name), &png).unwrap();
}

/// The development outbox's messages to `recipient`, newest first.
pub async fn outbox(base: &str, recipient: &str) -> Vec<OutboxMessageDto> {
    let response = reqwest::Client::new()
        .get(format!("{base}{DEV_OUTBOX}"))
        .query(&[("recipient", recipient)])
        .send()
        .await
        .expect("read the outbox");
    assert!(response.status().is_success(), "{}", response.status());
    response.json::<OutboxPage>().await.unwrap().messages
}

/// Waits for the newest message to `recipient` sent for `purpose`.
pub async fn outbox_message(base: &str, recipient: &str, purpose: &str) -> OutboxMessageDto {
    for _ in 0..100 {
        if let Some(message) = outbox(base, recipient)
            .await
            .into_iter()
            .find(|m| m.purpose == purpose)
        {
            return message;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("no {purpose} message to {recipient} in the outbox");
}

/// The 6-digit code in the newest message to `recipient` sent for `purpose`.
pub async fn outbox_code(base: &str, recipient: &str, purpose: &str) -> String {
    let message = outbox_message(base, recipient, purpose).await;
    message
        .body
        .split(|c: char| !c.is_ascii_digit())
        .find(|word| word.len() == 6)
        .unwrap_or_else(|| panic!("no code in {:?}", message.body))
        .to_owned()
}

/// Waits (up to 10 s) until `css` shows a text containing `part`; returns it.
pub async fn wait_for_part(client: &fantoccini::Client, css: &str, part: &str) -> String {
    for _ in 0..100 {
        if let Ok(element) = client.find(fantoccini::Locator::Css(css)).await {
            let text = element.text().await.unwrap_or_default();
            if text.contains(part) {
                return text;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{css} never showed “{part}”");
}
