//! Recovery codes: shown once when made, and a new set on request.

use std::rc::Rc;

use portcullis_shared::dto::PasswordConfirmation;
use yew::prelude::*;

use super::current_code::CurrentCodeField;
use super::password::password_missing;
use crate::api;
use crate::components::{ConfirmPanel, CopyButton, FormBanner, ShownOnce, TextField};
use crate::hooks::use_i18n;
use crate::hooks::{use_form_call, use_text_input};
use crate::i18n::Texts;

/// Props of [`RecoveryCodesShown`].
#[derive(Properties, PartialEq)]
pub struct RecoveryCodesShownProps {
    /// The new codes, as the API made them.
    pub codes: Rc<Vec<String>>,
    /// Called when the user says the codes are saved.
    pub on_done: Callback<()>,
}

/// The file a person keeps the codes in: what they are for, then one code a line.
pub fn recovery_codes_file(codes: &[String], texts: Texts) -> String {
    let mut text = format!(
        "{}\n\n{}\n{}\n\n",
        texts.t("twofactor-codes-file-title"),
        texts.t("twofactor-codes-file-use"),
        texts.t("twofactor-codes-file-keep"),
    );
    for code in codes {
        text.push_str(code);
        text.push('\n');
    }
    text
}

/// A `data:` link to `text` as a plain-text file (the browser's own URI encoding).
fn text_file_href(text: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        format!(
            "data:text/plain;charset=utf-8,{}",
            String::from(web_sys::js_sys::encode_uri_component(text))
        )
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = text;
        "data:text/plain;charset=utf-8,".to_owned()
    }
}

/// Opens the browser's print dialog; the print style sheet shows only the codes.
fn print_page(_: MouseEvent) {
    if let Some(window) = web_sys::window() {
        let _ = window.print();
    }
}

/// The one time the recovery codes are shown: with Copy, Download and Print, and a plain
/// warning.
#[component]
pub fn RecoveryCodesShown(props: &RecoveryCodesShownProps) -> Html {
    let texts = use_i18n();
    let all = props.codes.join("\n");
    let file = text_file_href(&recovery_codes_file(&props.codes, texts));
    html! {
        <ShownOnce id="recovery-codes-shown" shown={all.clone()} title={texts.t("twofactor-save-recovery-codes")}
            subtitle={html! { texts.t("twofactor-if-you-lose-phone") }}
            warning={texts.t("twofactor-save-these-now-you")}
            warning_detail={texts.t("twofactor-keep-them-somewhere-safe")}
            done_id="recovery-codes-done" done_label={texts.t("twofactor-ive-saved-them")}
            on_done={props.on_done.clone()}
            actions={html! {
                <>
                    <CopyButton id="copy-recovery-codes" text={all} label={texts.t("twofactor-copy-recovery-codes")} />
                    <a id="download-recovery-codes" class="button button--secondary"
                        href={file} download="portcullis-recovery-codes.txt">
                        { texts.t("twofactor-download") }
                    </a>
                    <button type="button" id="print-recovery-codes"
                        class="button button--secondary" onclick={print_page}>
                        { texts.t("twofactor-print") }
                    </button>
                </>
            }}>
            <ol class="recovery-codes" id="recovery-codes">
                for code in props.codes.iter() {
                    <li><code>{ code.clone() }</code></li>
                }
            </ol>
        </ShownOnce>
    }
}

/// Props of [`RecoveryCodesCard`].
#[derive(Properties, PartialEq)]
pub struct RecoveryCodesCardProps {
    /// Unused codes left.
    pub left: u32,
    /// Called with a new set of codes.
    pub on_codes: Callback<Vec<String>>,
    /// SMS codes are on (a texted code can confirm).
    #[prop_or_default]
    pub sms_on: bool,
    /// An authenticator app is on.
    #[prop_or_default]
    pub totp_on: bool,
}

/// How many codes are left, and making a new set with the password and a current code.
#[component]
pub fn RecoveryCodesCard(props: &RecoveryCodesCardProps) -> Html {
    let texts = use_i18n();
    let password = use_text_input("");
    let current_code = use_text_input("");
    let call = use_form_call();
    let problem = &call.problem;
    let confirming = use_state(|| false);

    // Submitting asks first; confirming makes the new set.
    let make = {
        let call = call.clone();
        let request = PasswordConfirmation {
            password: password.value.clone(),
            code: Some(current_code.value.trim().to_owned()),
        };
        let (on_codes, set_password) = (props.on_codes.clone(), password.set.clone());
        let set_code = current_code.set.clone();
        let confirming = confirming.clone();
        Callback::from(move |()| {
            confirming.set(false);
            let (csrf_token, request) = (call.csrf_token(), request.clone());
            let (on_codes, set_password) = (on_codes.clone(), set_password.clone());
            let set_code = set_code.clone();
            call.run(
                async move { api::new_recovery_codes(&csrf_token, &request).await },
                move |answer| {
                    set_password.emit(String::new());
                    set_code.emit(String::new());
                    on_codes.emit(answer.codes);
                },
            );
        })
    };
    let onsubmit = {
        let (call, password, confirming) =
            (call.clone(), password.value.clone(), confirming.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if !password_missing(&call, &password) {
                confirming.set(true);
            }
        })
    };
    let on_cancel = {
        let confirming = confirming.clone();
        Callback::from(move |()| confirming.set(false))
    };

    let banner = problem.banner(&["password", "code"]);
    let left = texts.t_args("twofactor-codes-left", &[("count", props.left.into())]);

    html! {
        <div class="card" id="recovery-codes-card">
            <h2>{ texts.t("twofactor-recovery-codes") }</h2>
            <p class="method-text">
                <span id="recovery-codes-left">{ left }</span>
                { " " }{ texts.t("twofactor-making-new-set-stops") }
            </p>
            <form class="form" {onsubmit} novalidate=true>
                <TextField id="recovery-password" label={texts.t("twofactor-password")} input_type="password"
                    autocomplete="current-password"
                    value={password.value.clone()}
                    on_change={problem.on_change(&password.set, "password")}
                    error={problem.field_message("password")} />
                <CurrentCodeField prefix="recovery" sms_on={props.sms_on} totp_on={props.totp_on}
                    value={current_code.value.clone()}
                    on_change={problem.on_change(&current_code.set, "code")}
                    error={problem.field_message("code")} />
                <div class="form-inline-action">
                    <button id="recovery-regenerate" type="submit" class="button button--secondary"
                        disabled={call.busy() || *confirming}>
                        { if call.busy() { texts.t("twofactor-making") } else { texts.t("twofactor-make-new-recovery-codes") } }
                    </button>
                </div>
            </form>
            if *confirming {
                <ConfirmPanel id="recovery-regenerate-panel" title={texts.t("twofactor-make-new-recovery-codes-2")}
                    detail={texts.t_args("twofactor-codes-regenerate-detail", &[("count", props.left.into())])}
                    confirm_text={texts.t("twofactor-make-new-codes")} busy={call.busy()}
                    on_confirm={make} {on_cancel} />
            }
            <FormBanner message={banner} />
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_says_what_the_codes_are_then_lists_them() {
        let text = recovery_codes_file(
            &["abcde-fghij".into(), "klmno-pqrst".into()],
            Texts::default(),
        );
        assert!(text.starts_with("Portcullis recovery codes\n"), "{text}");
        assert!(text.contains("Each code works once."), "{text}");
        assert!(text.ends_with("\nabcde-fghij\nklmno-pqrst\n"), "{text}");
    }
}
