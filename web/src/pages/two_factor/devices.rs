//! Trusted devices: browsers that log in without a new-device code.

use portcullis_shared::dto::TrustedDeviceDto;
use portcullis_shared::problem::ProblemCode;
use yew::prelude::*;

use crate::api;
use crate::components::{banner_message, message_html, ConfirmPanel};
use crate::format::format_timestamp_in;
use crate::hooks::use_i18n;
use crate::hooks::{use_collection, use_form_call, use_toasts};
use crate::i18n::Texts;

/// The trusted devices card: each device with a Remove button.
#[component]
pub fn TrustedDevices() -> Html {
    let texts = use_i18n();
    let devices = use_collection(api::list_devices);
    let toasts = use_toasts();
    let collection = devices.get();
    let load_error = collection
        .problem
        .as_ref()
        .and_then(|p| banner_message(p, &[]))
        .map(|message| {
            html! { <div class="banner banner--error" role="alert">{ texts.t_args("twofactor-devices-failed", &[("reason", message.into())]) }</div> }
        });
    let body = match &collection.items {
        Some(items) if items.is_empty() => html! {
            <div class="empty-state" id="devices-empty">
                <p class="empty-title">{ texts.t("twofactor-no-trusted-devices") }</p>
                <p class="muted">
                    { texts.t("twofactor-when-you-log-new") }
                </p>
            </div>
        },
        Some(items) => html! {
            <ul class="entry-list" id="devices">
                for device in items.iter() {
                    <TrustedDeviceRow key={device.id.clone()} device={device.clone()}
                        on_removed={toasts.after(devices.remove_callback(), move |_| texts.t("twofactor-device-removed-toast"))} />
                }
            </ul>
        },
        None if collection.problem.is_none() => html! {
            <p class="loading muted" aria-busy="true">{ texts.t("twofactor-loading-devices") }</p>
        },
        None => Html::default(),
    };
    let count = collection.items.as_ref().map(|items| items.len());

    html! {
        <div class="card card--flush" id="trusted-devices">
            <div class="card-head">
                <h2>{ texts.t("twofactor-trusted-devices") }</h2>
                if let Some(count) = count {
                    <span class="count">{ count }</span>
                }
            </div>
            <p class="card-intro muted">
                { texts.t("twofactor-browsers-log-without-new") }
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
    let texts = use_i18n();
    let call = use_form_call();
    let confirming = use_state(|| false);
    let device = &props.device;
    let name = browser_name(&device.user_agent, texts);
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
        texts.t("twofactor-browser-you-using-you")
    } else {
        texts.t("twofactor-next-sign-needs-code")
    };
    let error = call.problem.get().and_then(|p| banner_message(p, &[]));

    html! {
        <li class="entry device" data-device-id={device.id.clone()}>
            <div class="entry-main">
                <span class="device-name" title={device.user_agent.clone()}>
                    { browser_name(&device.user_agent, texts) }
                </span>
                if device.current {
                    <span class="badge badge--new device-current">{ texts.t("twofactor-browser") }</span>
                }
            </div>
            <span class="entry-added muted device-seen">
                { texts.t_args("twofactor-device-last-seen", &[
                    ("at", format_timestamp_in(&device.last_seen_at, texts).into()),
                    ("address", device.last_ip.as_str().into()),
                ]) }
            </span>
            <button type="button" class="button button--ghost-danger button--small device-remove"
                aria-label={texts.t_args("twofactor-device-remove-label", &[("name", name.as_str().into())])}
                disabled={call.busy() || *confirming} onclick={ask}>
                { if call.busy() { texts.t("twofactor-removing") } else { texts.t("twofactor-remove") } }
            </button>
            if *confirming {
                <ConfirmPanel id={format!("device-remove-{}", device.id)}
                    title={texts.t_args("twofactor-device-remove-question", &[("name", name.as_str().into())])}
                    {detail} confirm_text={texts.t("twofactor-remove")} busy={call.busy()}
                    on_confirm={remove} {on_cancel} />
            }
            if let Some(error) = error {
                <p class="row-error" role="alert">{ message_html(&error) }</p>
            }
        </li>
    }
}

/// A user agent as people name browsers: `Chrome on Linux`.
pub fn browser_name(user_agent: &str, texts: Texts) -> String {
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
        (Some(browser), Some(system)) => texts.t_args(
            "twofactor-browser-on-system",
            &[("browser", browser.into()), ("system", system.into())],
        ),
        (Some(browser), None) => browser.to_owned(),
        (None, Some(system)) => texts.t_args(
            "twofactor-a-browser-on-system",
            &[("system", system.into())],
        ),
        (None, None) if user_agent.trim().is_empty() => texts.t("twofactor-unknown-browser"),
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
        assert_eq!(browser_name(chrome, Texts::default()), "Chrome on Linux");
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like \
                    Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0";
        assert_eq!(browser_name(edge, Texts::default()), "Edge on Windows");
        let safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 \
                      (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
        assert_eq!(browser_name(safari, Texts::default()), "Safari on iOS");
        let firefox = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.1; rv:121.0) Gecko/20100101 \
                       Firefox/121.0";
        assert_eq!(browser_name(firefox, Texts::default()), "Firefox on macOS");
        assert_eq!(browser_name("", Texts::default()), "Unknown browser");
        assert_eq!(browser_name("curl/8.5.0", Texts::default()), "curl/8.5.0");
    }
}
