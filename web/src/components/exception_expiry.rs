//! How long an exception lasts (an allowlist entry, an allowed country): for good, for an
//! hour, a day, a week, or until a chosen time; and, once set, how long it has left.

use std::rc::Rc;

use portcullis_shared::{problem::FieldError, validate::codes};
use yew::prelude::*;

use crate::components::{SelectField, TextField};
use crate::format::format_timestamp_in;
use crate::hooks::{use_i18n, TextInput};
use crate::i18n::{msg, MessageId, Texts};

/// The choice of an exception that does not end.
pub const NEVER: &str = "never";
/// [`NEVER`], for forms that start there.
pub const NEVER_EXPIRES: &str = NEVER;
/// The choice that shows a date-and-time field.
pub const CUSTOM: &str = "custom";
/// The choices: seconds from now, a chosen time, or never.
const CHOICES: &[(&str, MessageId)] = &[
    (NEVER, msg("expiry-permanently")),
    ("3600", msg("expiry-for-1-hour")),
    ("86400", msg("expiry-for-1-day")),
    ("604800", msg("expiry-for-1-week")),
    (CUSTOM, msg("expiry-until-date")),
];

/// The instant (RFC 3339, UTC) a choice means, `None` for an exception that does not end;
/// errors name `field`. `now_plus(secs)` and `local_to_utc(datetime-local value)` are the
/// browser's clock and calendar.
pub fn expiry_instant(
    choice: &str,
    custom: &str,
    field: &str,
    now_plus: impl Fn(i64) -> Option<String>,
    local_to_utc: impl Fn(&str) -> Option<String>,
) -> Result<Option<String>, FieldError> {
    match choice {
        NEVER | "" => Ok(None),
        CUSTOM if custom.trim().is_empty() => Err(FieldError::new(
            field,
            codes::REQUIRED,
            Texts::current().t("expiry-custom-required"),
        )),
        CUSTOM => local_to_utc(custom.trim()).map(Some).ok_or_else(|| {
            FieldError::new(
                field,
                codes::INVALID_DATE,
                Texts::current().t("expiry-custom-invalid"),
            )
        }),
        secs => Ok(secs.parse().ok().and_then(now_plus)),
    }
}

/// [`expiry_instant`] with the browser's clock.
pub fn browser_expiry_instant(
    choice: &str,
    custom: &str,
    field: &str,
) -> Result<Option<String>, FieldError> {
    expiry_instant(choice, custom, field, now_plus, local_to_utc)
}

#[cfg(target_arch = "wasm32")]
fn now_plus(secs: i64) -> Option<String> {
    use web_sys::js_sys::Date;
    let later = Date::now() + secs as f64 * 1000.0;
    Some(String::from(Date::new(&later.into()).to_iso_string()))
}

#[cfg(target_arch = "wasm32")]
fn local_to_utc(local: &str) -> Option<String> {
    use web_sys::js_sys::Date;
    // `2026-12-11T18:00` without a zone is the browser's local time.
    let date = Date::new(&local.into());
    (!date.get_time().is_nan()).then(|| String::from(date.to_iso_string()))
}

#[cfg(not(target_arch = "wasm32"))]
fn now_plus(_: i64) -> Option<String> {
    None
}

#[cfg(not(target_arch = "wasm32"))]
fn local_to_utc(_: &str) -> Option<String> {
    None
}

/// Seconds from now until `rfc3339`, by the browser's clock.
fn secs_until(rfc3339: &str) -> Option<i64> {
    #[cfg(target_arch = "wasm32")]
    {
        use web_sys::js_sys::Date;
        let at = Date::parse(rfc3339);
        (!at.is_nan()).then(|| ((at - Date::now()) / 1000.0).floor() as i64)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = rfc3339;
        None
    }
}

/// What is left of an exception with `secs` to go: "Ends in 45 min", "Ends in 5 h 10 min",
/// "Ends in 3 days", or "Ended".
pub fn time_left(secs: i64, texts: Texts) -> String {
    match secs {
        ..=0 => texts.t("expiry-ended"),
        1..=59 => texts.t("expiry-under-a-minute"),
        60..=3_599 => texts.t_args("expiry-ends-in-minutes", &[("minutes", (secs / 60).into())]),
        3_600..=86_399 => texts.t_args(
            "expiry-ends-in-hours",
            &[
                ("hours", (secs / 3_600).into()),
                ("minutes", ((secs % 3_600) / 60).into()),
            ],
        ),
        _ => texts.t_args("expiry-ends-in-days", &[("days", (secs / 86_400).into())]),
    }
}

/// Props of [`ExpiryFields`].
#[derive(Properties, PartialEq)]
pub struct ExpiryFieldsProps {
    /// Prefix of the element ids: `{prefix}-expiry`, `{prefix}-expiry-at`.
    pub id_prefix: AttrValue,
    /// What the select holds ([`NEVER`], seconds, or [`CUSTOM`]).
    pub choice: TextInput,
    /// The chosen local date and time, for [`CUSTOM`].
    pub custom: TextInput,
    /// Visible label of the select; by default "Allowed".
    #[prop_or_default]
    pub label: Option<AttrValue>,
    #[prop_or_default]
    pub error: Option<AttrValue>,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
}

/// How long it lasts: the choices, and a date-and-time field for "until".
#[component]
pub fn ExpiryFields(props: &ExpiryFieldsProps) -> Html {
    let texts = use_i18n();
    let options: Vec<(AttrValue, AttrValue)> = CHOICES
        .iter()
        .map(|(value, label)| (AttrValue::from(*value), AttrValue::from(texts.msg(*label))))
        .collect();
    let custom = props.choice.value == CUSTOM;
    let label = props
        .label
        .clone()
        .unwrap_or_else(|| texts.t("expiry-allowed").into());
    html! {
        <div class="expiry-fields">
            <SelectField id={format!("{}-expiry", props.id_prefix)} {label}
                dynamic_options={Rc::new(options)} value={props.choice.value.clone()}
                on_change={props.choice.set.clone()}
                error={(!custom).then(|| props.error.clone()).flatten()}
                hint={props.hint.clone()} />
            if custom {
                <TextField id={format!("{}-expiry-at", props.id_prefix)} label={texts.t("expiry-until-label")}
                    input_type="datetime-local" value={props.custom.value.clone()}
                    on_change={props.custom.set.clone()} error={props.error.clone()}
                    hint={texts.t("expiry-local-time")} />
            }
        </div>
    }
}

/// Props of [`ExpiryNote`].
#[derive(Properties, PartialEq)]
pub struct ExpiryNoteProps {
    /// When it ends (RFC 3339), if it does.
    pub expires_at: Option<AttrValue>,
}

/// "Ends in 5 h · 11 Dec 2026, 18:00 UTC" for an exception that ends; nothing otherwise.
#[component]
pub fn ExpiryNote(props: &ExpiryNoteProps) -> Html {
    let texts = use_i18n();
    let Some(at) = &props.expires_at else {
        return Html::default();
    };
    let secs = secs_until(at);
    let ended = secs.is_some_and(|secs| secs <= 0);
    let until = texts.t_args(
        "expiry-until",
        &[("at", format_timestamp_in(at, texts).into())],
    );
    html! {
        <span class={classes!("badge", "entry-expiry", if ended { "badge--open" } else { "badge--temporary" })}
            title={until.clone()}>
            { match secs {
                Some(secs) => format!("{} · {}", time_left(secs, texts), format_timestamp_in(at, texts)),
                None => until,
            } }
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instant(choice: &str, custom: &str) -> Result<Option<String>, FieldError> {
        expiry_instant(
            choice,
            custom,
            "expires_at",
            |secs| Some(format!("now+{secs}")),
            |local| (local == "2026-12-11T18:00").then(|| "2026-12-11T17:00:00.000Z".to_owned()),
        )
    }

    #[test]
    fn each_choice_means_an_instant_or_none() {
        assert_eq!(instant(NEVER, "").unwrap(), None);
        assert_eq!(instant("3600", "").unwrap().as_deref(), Some("now+3600"));
        assert_eq!(
            instant("604800", "").unwrap().as_deref(),
            Some("now+604800")
        );
        assert_eq!(
            instant(CUSTOM, "2026-12-11T18:00").unwrap().as_deref(),
            Some("2026-12-11T17:00:00.000Z")
        );
        assert_eq!(instant(CUSTOM, " ").unwrap_err().code, codes::REQUIRED);
        let bad = instant(CUSTOM, "someday").unwrap_err();
        assert_eq!(
            (bad.field.as_str(), bad.code.as_str()),
            ("expires_at", codes::INVALID_DATE)
        );
    }

    #[test]
    fn time_left_reads_in_the_largest_unit() {
        assert_eq!(time_left(-5, Texts::default()), "Ended");
        assert_eq!(time_left(0, Texts::default()), "Ended");
        assert_eq!(time_left(30, Texts::default()), "Ends in under a minute");
        assert_eq!(time_left(45 * 60, Texts::default()), "Ends in 45 min");
        assert_eq!(time_left(3_600, Texts::default()), "Ends in 1 h");
        assert_eq!(
            time_left(5 * 3_600 + 600, Texts::default()),
            "Ends in 5 h 10 min"
        );
        assert_eq!(time_left(86_400 + 5, Texts::default()), "Ends in 1 day");
        assert_eq!(time_left(6 * 86_400, Texts::default()), "Ends in 6 days");
    }
}
