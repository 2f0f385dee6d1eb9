//! The login code step, the two-factor page's cards and the trusted devices list.

use std::rc::Rc;

use portcullis_shared::dto::{
    ChallengeReason, LoginChallengeDto, SmsFactorDto, TotpFactorDto, TrustedDeviceDto,
    VerificationMethod,
};
use portcullis_web::pages::two_factor::{
    PolicyCard, RecoveryCodesCard, RecoveryCodesShown, SmsMethod, TotpMethod, TrustedDeviceRow,
};
use portcullis_web::pages::{CodeStep, CodeStepProps};
use yew::prelude::*;

use crate::support::{
    assert_has, between, owner, render_at, render_signed_in, tag_with, tag_with_id, text_of, Given,
};

fn held(
    reason: ChallengeReason,
    methods: Vec<VerificationMethod>,
    sent_by: Option<VerificationMethod>,
) -> LoginChallengeDto {
    LoginChallengeDto {
        challenge_id: "lch_secret".into(),
        reason,
        methods,
        sent_to: sent_by.map(|_| "+48******200".into()),
        sent_by,
        expires_at: "2026-11-22T10:05:00Z".into(),
    }
}

async fn render_code_step(challenge: LoginChallengeDto) -> String {
    yew::ServerRenderer::<CodeStep>::with_props(move || CodeStepProps {
        challenge,
        on_signed_in: Callback::noop(),
        on_start_over: Callback::noop(),
    })
    .hydratable(false)
    .render()
    .await
}

#[tokio::test]
async fn a_new_device_step_asks_for_the_texted_code_and_offers_trust() {
    use VerificationMethod::{Email, Sms};
    let html = render_code_step(held(
        ChallengeReason::NewDevice,
        vec![Sms, Email],
        Some(Sms),
    ))
    .await;

    assert_has(
        tag_with(&html, r#"data-testid="login-code-step""#),
        r#"data-reason="new_device""#,
    );
    assert!(html.contains("<h1>Confirm it's you</h1>"), "{html}");
    assert_eq!(
        text_of(&html, "login-code-prompt"),
        "Enter the code we sent to +48******200 to confirm this new device."
    );
    let code = tag_with_id(&html, "login-code");
    assert!(code.starts_with("<input"), "{code}");
    assert_has(code, r#"autocomplete="one-time-code""#);
    assert_has(code, r#"inputmode="numeric""#);
    assert_has(code, r#"name="login-code""#);

    let trust = tag_with_id(&html, "trust-device");
    assert_has(trust, r#"type="checkbox""#);
    assert!(!trust.contains("checked"), "unticked by default: {trust}");
    assert!(html.contains("Trust this browser"));
    assert!(html.contains("No code next time you log in from this browser."));

    assert_eq!(text_of(&html, "login-resend"), "Resend code");
    assert_eq!(text_of(&html, "use-email"), "E-mail me a code instead");
    assert!(
        !html.contains(r#"id="use-sms""#),
        "the current method is not offered"
    );
    assert_eq!(text_of(&html, "login-verify"), "Confirm and log in");
    assert_has(tag_with_id(&html, "login-start-over"), r#"type="button""#);
    assert!(
        !html.contains("lch_secret"),
        "the challenge handle stays out of the page"
    );
    assert!(!html.contains("field-error") && !html.contains(r#"id="form-error""#));
}

#[tokio::test]
async fn a_two_factor_step_with_an_app_asks_for_its_code_and_offers_the_others() {
    use VerificationMethod::{RecoveryCode, Sms, Totp};
    let html = render_code_step(held(
        ChallengeReason::TwoFactor,
        vec![Totp, Sms, RecoveryCode],
        None,
    ))
    .await;

    assert!(html.contains("<h1>Two-factor sign-in</h1>"), "{html}");
    assert_eq!(
        text_of(&html, "login-code-prompt"),
        "Enter the 6-digit code from your authenticator app."
    );
    assert!(
        !html.contains(r#"id="trust-device""#),
        "trust is for new devices"
    );
    assert!(
        !html.contains(r#"id="login-resend""#),
        "nothing was sent to send again"
    );
    assert_eq!(text_of(&html, "use-sms"), "Text me a code instead");
    assert_eq!(text_of(&html, "use-recovery_code"), "Use a recovery code");
}

#[tokio::test]
async fn the_two_factor_page_is_linked_from_the_header_and_loads_its_settings() {
    for url in ["/security/two-factor", "/devices"] {
        let html = render_at(url, Given::SignedIn(Box::new(owner()))).await;
        assert!(
            html.contains(r#"data-testid="two-factor""#),
            "{url}: {html}"
        );
        assert!(html.contains("Loading your two-factor settings…"), "{html}");
        assert!(html.contains(r#"id="trusted-devices""#));
        assert!(html.contains("Loading your devices…"));
        // Under "Security" in the header, and its tab marked.
        let nav = between(&html, r#"aria-label="Main""#, "</nav>");
        assert_has(tag_with(nav, r#"href="/sessions""#), "nav-link--current");
        let tabs = between(&html, r#"aria-label="Security""#, "</nav>");
        assert_has(
            tag_with(tabs, r#"href="/security/two-factor""#),
            "tab--current",
        );
    }
    let html = render_at("/security/two-factor", Given::Anonymous).await;
    assert!(!html.contains(r#"data-testid="two-factor""#), "{html}");
    assert!(!html.contains(r#"href="/security/two-factor""#));
}

#[tokio::test]
async fn sms_set_up_offers_the_account_phone_and_asks_for_the_password() {
    let html = render_signed_in(|| {
        html! {
            <SmsMethod factor={None::<SmsFactorDto>} account_phone="+48500100200"
                on_enabled={Callback::noop()} on_status={Callback::noop()} />
        }
    })
    .await;
    assert_eq!(text_of(&html, r#"class="badge method-state""#), "Off");
    let phone = tag_with_id(&html, "sms-phone");
    assert_has(phone, r#"type="tel""#);
    assert_has(phone, r#"value="+48500100200""#);
    assert_has(
        tag_with_id(&html, "sms-password"),
        r#"autocomplete="current-password""#,
    );
    assert_eq!(text_of(&html, "sms-send"), "Text me a code");
}

#[tokio::test]
async fn an_enabled_method_says_where_codes_go_and_can_be_turned_off() {
    let html = render_signed_in(|| {
        html! {
            <SmsMethod factor={Some(SmsFactorDto {
                    phone: "+48******200".into(),
                    enabled_at: "2026-11-22T09:05:00Z".into(),
                })}
                on_enabled={Callback::noop()} on_status={Callback::noop()} />
        }
    })
    .await;
    assert_eq!(
        text_of(&html, r#"class="badge badge--restricted method-state""#),
        "On"
    );
    assert!(text_of(&html, "sms-summary").contains("+48******200"));
    assert!(html.contains("On since 22 Nov 2026, 09:05 UTC."), "{html}");
    assert_eq!(text_of(&html, "sms-turn-off"), "Turn off");
    assert!(!html.contains(r#"id="sms-password""#), "{html}");
}

#[tokio::test]
async fn authenticator_set_up_starts_with_the_password() {
    let html = render_signed_in(|| {
        html! {
            <TotpMethod factor={None::<TotpFactorDto>} sms_on=false
                on_enabled={Callback::noop()} on_status={Callback::noop()} />
        }
    })
    .await;
    assert_has(tag_with_id(&html, "totp-password"), r#"type="password""#);
    assert_eq!(text_of(&html, "totp-start"), "Set up an app");
}

#[tokio::test]
async fn recovery_codes_are_listed_once_with_a_warning_and_copy() {
    let codes: Vec<String> = (0..10).map(|i| format!("abcd{i}-efgh{i}")).collect();
    let html = yew::ServerRenderer::<RecoveryCodesShown>::with_props(move || {
        portcullis_web::pages::two_factor::RecoveryCodesShownProps {
            codes: Rc::new(codes),
            on_done: Callback::noop(),
        }
    })
    .hydratable(false)
    .render()
    .await;
    assert_eq!(html.matches("<li><code>").count(), 10, "{html}");
    assert!(html.contains("abcd0-efgh0") && html.contains("abcd9-efgh9"));
    assert!(html.contains("Save these now — you won't see them again."));
    assert_has(tag_with_id(&html, "copy-recovery-codes"), "copy-button");
    assert_eq!(text_of(&html, "recovery-codes-done"), "I've saved them");
}

#[tokio::test]
async fn recovery_codes_left_are_counted_and_the_policy_needs_a_method_first() {
    let html = render_signed_in(|| {
        html! {
            <>
                <RecoveryCodesCard left={1} on_codes={Callback::noop()} />
                <PolicyCard required=false enabled=false on_status={Callback::noop()} />
            </>
        }
    })
    .await;
    assert_eq!(
        text_of(&html, "recovery-codes-left"),
        "1 unused recovery code left."
    );
    assert_eq!(
        text_of(&html, "recovery-regenerate"),
        "Make new recovery codes"
    );
    let policy = tag_with_id(&html, "require-two-factor");
    assert_has(policy, "disabled");
    assert!(!policy.contains("checked"), "{policy}");
    assert_eq!(
        text_of(&html, "require-two-factor-hint"),
        "Turn on a method above for yourself first."
    );

    let html = render_signed_in(|| {
        html! { <PolicyCard required=true enabled=true on_status={Callback::noop()} /> }
    })
    .await;
    let policy = tag_with_id(&html, "require-two-factor");
    assert_has(policy, "checked");
    assert!(!policy.contains("disabled"), "{policy}");
}

#[tokio::test]
async fn a_trusted_device_reads_as_its_browser_and_marks_this_one() {
    let html = render_signed_in(|| {
        html! {
            <ul>
                <TrustedDeviceRow on_removed={Callback::noop()} device={TrustedDeviceDto {
                    id: "dev_1".into(),
                    user_agent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36 <b>".into(),
                    created_at: "2026-11-20T10:00:00Z".into(),
                    last_seen_at: "2026-11-22T09:05:00Z".into(),
                    last_ip: "203.0.113.7".into(),
                    current: true,
                }} />
            </ul>
        }
    })
    .await;
    assert_has(
        tag_with(&html, r#"data-device-id="dev_1""#),
        r#"class="entry device""#,
    );
    assert_eq!(
        text_of(&html, r#"class="device-name""#).trim(),
        "Chrome on Linux"
    );
    assert!(html.contains("This browser"));
    assert!(
        html.contains("Last seen 22 Nov 2026, 09:05 UTC from 203.0.113.7"),
        "{html}"
    );
    assert!(!html.contains("<b>"), "the user agent is escaped: {html}");
    assert_eq!(
        text_of(
            &html,
            r#"class="button button--ghost-danger button--small device-remove""#
        ),
        "Remove"
    );
}
