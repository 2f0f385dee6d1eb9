//! The "Streaming" card of the security log page: where the company's log is streamed
//! (its SIEM's HTTPS endpoint), the signing secret shown once, a test event, removal, and
//! how deliveries are going. The owner changes it; whoever reads the log sees its health.

use portcullis_shared::dto::{
    RotateStreamSecretRequest, SavedSecurityStreamDto, SecurityStreamDto, SetSecurityStreamRequest,
};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::components::{ConfirmPanel, CopyButton, FormBanner, ShownOnce, TextField};
use crate::format::format_timestamp_in;
use crate::hooks::use_i18n;
use crate::hooks::{use_form_problem, use_session, use_session_calls, use_text_input};
use crate::i18n::{msg, MessageId, Texts};

/// Request fields the form shows errors next to.
const FIELDS: &[&str] = &["url", "password"];

/// What health says about the last failure's class.
fn failure_text(class: &str, texts: Texts) -> String {
    match class {
        "timeout" => texts.t("stream-failure-timeout"),
        "connect" => texts.t("stream-failure-connect"),
        "address_refused" => texts.t("stream-failure-address-refused"),
        "unresolvable" => texts.t("stream-failure-unresolvable"),
        other => match other.strip_prefix("http_") {
            Some(status) => texts.t_args("stream-failure-http", &[("status", status.into())]),
            None => other.to_owned(),
        },
    }
}

/// Props of [`StreamHealth`].
#[derive(Properties, PartialEq)]
pub struct StreamHealthProps {
    pub stream: SecurityStreamDto,
}

/// Last success, last failure, failures in a row and the backlog.
#[component]
pub fn StreamHealth(props: &StreamHealthProps) -> Html {
    let texts = use_i18n();
    let health = &props.stream.health;
    let state = if health.consecutive_failures > 0 {
        ("badge badge--failed", texts.t("stream-state-failing"))
    } else if health.last_success_at.is_some() {
        ("badge badge--ok", texts.t("stream-state-delivering"))
    } else {
        ("badge", texts.t("stream-state-waiting"))
    };
    html! {
        <dl class="details" id="stream-health">
            <dt>{ texts.t("stream-endpoint") }</dt>
            <dd><code id="stream-url">{ props.stream.url.clone() }</code>{ " " }
                <span class={state.0} id="stream-state">{ state.1 }</span></dd>
            <dt>{ texts.t("stream-last-delivered") }</dt>
            <dd id="stream-last-success">{ health.last_success_at.as_deref()
                .map_or_else(|| texts.t("stream-never"), |at| format_timestamp_in(at, texts)) }</dd>
            <dt>{ texts.t("stream-last-failure") }</dt>
            <dd id="stream-last-failure">{ match (&health.last_failure_at, &health.last_failure) {
                (Some(at), Some(class)) => format!("{} — {}", format_timestamp_in(at, texts), failure_text(class, texts)),
                _ => texts.t("stream-none"),
            } }</dd>
            <dt>{ texts.t("stream-failures-row") }</dt>
            <dd id="stream-failures">{ health.consecutive_failures }</dd>
            <dt>{ texts.t("stream-waiting-events") }</dt>
            <dd id="stream-backlog">{ match &health.oldest_pending_at {
                Some(oldest) => texts.t_args("stream-backlog-oldest", &[
                    ("count", health.queue_depth.into()),
                    ("at", format_timestamp_in(oldest, texts).into()),
                ]),
                None => health.queue_depth.to_string(),
            } }</dd>
        </dl>
    }
}

/// The "Streaming" card.
#[component]
pub fn SecurityStreamCard() -> Html {
    let texts = use_i18n();
    let session = use_session();
    let owner = session.me().is_some_and(|me| me.access.is_owner());
    let calls = use_session_calls();
    let stream = use_state(|| None::<SecurityStreamDto>);
    let loaded = use_state(|| false);
    let secret = use_state(|| None::<String>);
    let notice = use_state(|| None::<MessageId>);
    let confirming = use_state(|| false);
    let busy = use_state(|| false);
    let url = use_text_input("");
    let password = use_text_input("");
    let problem = use_form_problem();

    let reload = {
        let (stream, loaded, problem, calls) = (
            stream.clone(),
            loaded.clone(),
            problem.clone(),
            calls.clone(),
        );
        Callback::from(move |()| {
            let (stream, loaded, problem, calls) = (
                stream.clone(),
                loaded.clone(),
                problem.clone(),
                calls.clone(),
            );
            spawn_local(async move {
                match api::security_stream().await {
                    Ok(found) => stream.set(found),
                    Err(err) => problem.set(Some(calls.problem(err))),
                }
                loaded.set(true);
            });
        })
    };
    {
        let reload = reload.clone();
        use_effect_with((), move |_| reload.emit(()));
    }

    // Runs one change; shows a new secret and reloads the health afterwards.
    let saved = {
        let (secret, password, stream) = (secret.clone(), password.clone(), stream.clone());
        Callback::from(move |saved: SavedSecurityStreamDto| {
            password.set.emit(String::new());
            if let Some(new_secret) = saved.secret {
                secret.set(Some(new_secret));
            }
            stream.set(Some(saved.stream));
        })
    };

    let on_save = {
        let request = SetSecurityStreamRequest {
            url: url.value.clone(),
            password: password.value.clone(),
        };
        let (calls, problem, busy, saved, notice) = (
            calls.clone(),
            problem.clone(),
            busy.clone(),
            saved.clone(),
            notice.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *busy {
                return;
            }
            problem.set(None);
            notice.set(None);
            busy.set(true);
            let (request, calls, problem, busy, saved, notice) = (
                request.clone(),
                calls.clone(),
                problem.clone(),
                busy.clone(),
                saved.clone(),
                notice.clone(),
            );
            spawn_local(async move {
                match api::set_security_stream(calls.csrf_token(), &request).await {
                    Ok(answer) => {
                        saved.emit(answer);
                        notice.set(Some(msg("stream-saved")));
                    }
                    Err(err) => problem.set(Some(calls.problem(err))),
                }
                busy.set(false);
            });
        })
    };

    let on_rotate = {
        let request = RotateStreamSecretRequest {
            password: password.value.clone(),
        };
        let (calls, problem, busy, saved, notice) = (
            calls.clone(),
            problem.clone(),
            busy.clone(),
            saved.clone(),
            notice.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            if *busy {
                return;
            }
            problem.set(None);
            notice.set(None);
            busy.set(true);
            let (request, calls, problem, busy, saved) = (
                request.clone(),
                calls.clone(),
                problem.clone(),
                busy.clone(),
                saved.clone(),
            );
            spawn_local(async move {
                match api::rotate_stream_secret(calls.csrf_token(), &request).await {
                    Ok(answer) => saved.emit(answer),
                    Err(err) => problem.set(Some(calls.problem(err))),
                }
                busy.set(false);
            });
        })
    };

    let on_test = {
        let (calls, problem, notice, reload) = (
            calls.clone(),
            problem.clone(),
            notice.clone(),
            reload.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            problem.set(None);
            let (calls, problem, notice, reload) = (
                calls.clone(),
                problem.clone(),
                notice.clone(),
                reload.clone(),
            );
            spawn_local(async move {
                match api::test_security_stream(calls.csrf_token()).await {
                    Ok(_) => {
                        notice.set(Some(msg("stream-test-queued")));
                        reload.emit(());
                    }
                    Err(err) => problem.set(Some(calls.problem(err))),
                }
            });
        })
    };

    let on_remove = {
        let (calls, problem, busy, confirming, stream, notice, secret) = (
            calls.clone(),
            problem.clone(),
            busy.clone(),
            confirming.clone(),
            stream.clone(),
            notice.clone(),
            secret.clone(),
        );
        Callback::from(move |()| {
            busy.set(true);
            let (calls, problem, busy, confirming, stream, notice, secret) = (
                calls.clone(),
                problem.clone(),
                busy.clone(),
                confirming.clone(),
                stream.clone(),
                notice.clone(),
                secret.clone(),
            );
            spawn_local(async move {
                match api::delete_security_stream(calls.csrf_token()).await {
                    Ok(()) => {
                        stream.set(None);
                        secret.set(None);
                        notice.set(Some(msg("stream-removed")));
                    }
                    Err(err) => problem.set(Some(calls.problem(err))),
                }
                confirming.set(false);
                busy.set(false);
            });
        })
    };

    if !*loaded {
        return html! {};
    }
    if !owner && stream.is_none() {
        return html! {};
    }
    let on_refresh = reload.reform(|_: MouseEvent| ());
    let ask_remove = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(true))
    };
    let cancel_remove = {
        let confirming = confirming.clone();
        Callback::from(move |()| confirming.set(false))
    };
    let secret_done = {
        let secret = secret.clone();
        Callback::from(move |()| secret.set(None))
    };

    html! {
        <div class="card" id="security-stream">
            <h2>{ texts.t("stream-streaming") }</h2>
            <p class="muted">
                { texts.t("stream-every-event-log-yours") }{ " " }<code>{ "X-Portcullis-Signature" }</code>{ texts.t("stream-header") }
            </p>
            if let Some(new_secret) = (*secret).clone() {
                <ShownOnce id="stream-secret-card" shown={new_secret.clone()}
                    title={texts.t("stream-signing-secret")}
                    subtitle={html! { <>{ texts.t("stream-receiver-checks-each-delivery") }</> }}
                    warning={texts.t("stream-copy-now-you-wont")}
                    warning_detail={texts.t("stream-if-you-lose-make")}
                    done_id="stream-secret-done" done_label={texts.t("stream-ive-stored-safely")}
                    on_done={secret_done}>
                    <div class="secret-box">
                        <code id="stream-secret" class="secret-value">{ new_secret.clone() }</code>
                        <CopyButton id="copy-stream-secret" text={new_secret} label={texts.t("stream-copy-secret")} />
                    </div>
                </ShownOnce>
            }
            if let Some(message) = *notice {
                <div class="banner banner--success" id="stream-notice" role="status">{ texts.msg(message) }</div>
            }
            <FormBanner message={problem.banner(FIELDS)} />
            if let Some(current) = (*stream).clone() {
                <StreamHealth stream={current} />
                <div class="actions">
                    <button id="stream-refresh" type="button" class="button button--secondary"
                        onclick={on_refresh}>{ texts.t("stream-refresh") }</button>
                    if owner {
                        <button id="stream-test" type="button" class="button button--secondary"
                            onclick={on_test}>{ texts.t("stream-send-test-event") }</button>
                        <button id="stream-remove" type="button" class="button button--danger"
                            onclick={ask_remove} disabled={*busy}>{ texts.t("stream-remove") }</button>
                    }
                </div>
                if *confirming {
                    <ConfirmPanel id="stream-remove-confirm" title={texts.t("stream-stop-streaming-log")}
                        detail={texts.t("stream-deliveries-stop-once-events")}
                        confirm_text={texts.t("stream-remove-stream")} on_confirm={on_remove}
                        on_cancel={cancel_remove} busy={*busy} />
                }
            }
            if owner {
                <form class="form" onsubmit={on_save} novalidate=true>
                    <TextField id="url" label={if stream.is_some() { texts.t("stream-new-endpoint-url") } else { texts.t("stream-endpoint-url") }}
                        input_type="url" placeholder="https://siem.example.com/portcullis"
                        hint={texts.t("stream-https-only-public-address")}
                        value={url.value.clone()}
                        on_change={problem.on_change(&url.set, "url")}
                        error={problem.field_message("url")} />
                    <TextField id="password" label={texts.t("stream-password")} input_type="password"
                        autocomplete="current-password"
                        hint={texts.t("stream-where-log-goes-security")}
                        value={password.value.clone()}
                        on_change={problem.on_change(&password.set, "password")}
                        error={problem.field_message("password")} />
                    <div class="actions">
                        <button id="stream-save" type="submit" class="button" disabled={*busy}>
                            { if stream.is_some() { texts.t("stream-change-endpoint") } else { texts.t("stream-start-streaming") } }
                        </button>
                        if stream.is_some() {
                            <button id="stream-rotate" type="button" class="button button--secondary"
                                onclick={on_rotate} disabled={*busy}>{ texts.t("stream-new-signing-secret") }</button>
                        }
                    </div>
                </form>
            }
        </div>
    }
}
