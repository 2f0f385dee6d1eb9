//! Trusted devices: browsers that log in without a new-device code.

use portcullis_shared::dto::TrustedDeviceDto;
use portcullis_shared::problem::ProblemCode;
use yew::prelude::*;

use crate::api;
use crate::components::{banner_message, message_html, ConfirmPanel};
use crate::format::format_timestamp;
use crate::hooks::{use_collection, use_form_call, use_toasts};

/// The trusted devices card: each device with a Remove button.
#[component]
pub fn TrustedDevices() -> Html {
    let devices = use_collection(api::list_devices);
    let toasts = use_toasts();
    let collection = devices.get();
    let load_error = collection
        .problem
        .as_ref()
        .and_then(|p| banner_message(p, &[]))
        .map(|message| {
            html! { <div class="banner banner--error" role="alert">{ format!("Could not load your devices. {message}") }</div> }
        });
    let body = match &collection.items {
        Some(items) if items.is_empty() => html! {
            <div class="empty-state" id="devices-empty">
                <p class="empty-title">{ "No trusted devices" }</p>
                <p class="muted">
                    { "When you log in from a new browser and tick “Trust this browser”, it shows \
                       here and logs in without a code from then on." }
                </p>
            </div>
        },
        Some(items) => html! {
            <ul class="entry-list" id="devices">
                for device in items.iter() {
                    <TrustedDeviceRow key={device.id.clone()} device={device.clone()}
                        on_removed={toasts.after(devices.remove_callback(), |_| "Device removed from trusted devices".to_owned())} />
                }
            </ul>
        },
        None if collection.problem.is_none() => html! {
            <p class="loading muted" aria-busy="true">{ "Loading your devices…" }</p>
        },
        None => Html::default(),
    };
    let count = collection.items.as_ref().map(|items| items.len());

    html! {
        <div class="card card--flush" id="trusted-devices">
            <div class="card-head">
                <h2>{ "Trusted devices" }</h2>
                if let Some(count) = count {
                    <span class="count">{ count }</span>
                }
            </div>
            <p class="card-intro muted">
                { "Browsers that log in without a new-device code. Remove one you no longer use \
                   or don't recognise: its next sign-in needs a code again." }
            </p>
            { load_error.unwrap_or_default() }
            { body }
        </div>
    }
}

/// Props of [`TrustedDeviceRow`].
#[derive(Properties, PartialEq)]
pub struct TrustedDeviceRowProps {
    pub device: TrustedDeviceDto,
    /// Called with the id of a device that is gone.
    pub on_removed: Callback<String>,
}

/// One device: its browser, when and where it was last seen, and Remove.
#[component]
pub fn TrustedDeviceRow(props: &TrustedDeviceRowProps) -> Html {
    let call = use_form_call();
    let confirming = use_state(|| false);
    let device = &props.device;
    let name = browser_name(&device.user_agent);
    let remove = {
        let (call, id, on_removed) = (call.clone(), device.id.clone(), props.on_removed.clone());
        let confirming = confirming.clone();
        Callback::from(move |()| {
            confirming.set(false);
            let (csrf_token, id, on_removed) = (call.csrf_token(), id.clone(), on_removed.clone());
            call.run(
                async move {
                    match api::remove_device(&csrf_token, &id).await {
                        Err(error) if error.code() == Some(ProblemCode::NotFound) => Ok(id),
                        other => other.map(|()| id),
                    }
                },
                move |id| on_removed.emit(id),
            );
        })
    };
    let ask = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(true))
    };
    let on_cancel = {
        let confirming = confirming.clone();
        Callback::from(move |()| confirming.set(false))
    };
    let detail = if device.current {
        "This is the browser you are using: you stay signed in, but its next sign-in needs a \
         code again."
    } else {
        "Its next sign-in needs a code again; sessions it has open now are not ended."
    };
    let error = call.problem.get().and_then(|p| banner_message(p, &[]));

    html! {
        <li class="entry device" data-device-id={device.id.clone()}>
            <div class="entry-main">
                <span class="device-name" title={device.user_agent.clone()}>
                    { browser_name(&device.user_agent) }
                </span>
                if device.current {
                    <span class="badge badge--new device-current">{ "This browser" }</span>
                }
            </div>
            <span class="entry-added muted device-seen">
                { format!("Last seen {} from {}", format_timestamp(&device.last_seen_at), device.last_ip) }
            </span>
            <button type="button" class="button button--ghost-danger button--small device-remove"
                aria-label={format!("Remove {name}")}
                disabled={call.busy() || *confirming} onclick={ask}>
                { if call.busy() { "Removing…" } else { "Remove" } }
            </button>
            if *confirming {
                <ConfirmPanel id={format!("device-remove-{}", device.id)}
                    title={format!("Remove {name} from your trusted devices?")}
                    {detail} confirm_text="Remove" busy={call.busy()}
                    on_confirm={remove} {on_cancel} />
            }
            if let Some(error) = error {
                <p class="row-error" role="alert">{ message_html(&error) }</p>
            }
        </li>
    }
}

/// A user agent as people name browsers: `Chrome on Linux`.
pub fn browser_name(user_agent: &str) -> String {
    const BROWSERS: &[(&str, &str)] = &[
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ];
    const SYSTEMS: &[(&str, &str)] = &[
        ("Windows", "Windows"),
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("CrOS", "ChromeOS"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ];
    let first = |names: &[(&str, &'static str)]| {
        names
            .iter()
            .find(|(marker, _)| user_agent.contains(marker))
            .map(|(_, name)| *name)
    };
    match (first(BROWSERS), first(SYSTEMS)) {
        (Some(browser), Some(system)) => format!("{browser} on {system}"),
        (Some(browser), None) => browser.to_owned(),
        (None, Some(system)) => format!("A browser on {system}"),
        (None, None) if user_agent.trim().is_empty() => "Unknown browser".to_owned(),
        (None, None) => user_agent.chars().take(40).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agents_read_as_browser_and_system() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
                      HeadlessChrome/131.0.0.0 Safari/537.36";
        assert_eq!(browser_name(chrome), "Chrome on Linux");
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like \
                    Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0";
        assert_eq!(browser_name(edge), "Edge on Windows");
        let safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 \
                      (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
        assert_eq!(browser_name(safari), "Safari on iOS");
        let firefox = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.1; rv:121.0) Gecko/20100101 \
                       Firefox/121.0";
        assert_eq!(browser_name(firefox), "Firefox on macOS");
        assert_eq!(browser_name(""), "Unknown browser");
        assert_eq!(browser_name("curl/8.5.0"), "curl/8.5.0");
    }
}
