//! How long an exception lasts (an allowlist entry, an allowed country): for good, for an
//! hour, a day, a week, or until a chosen time; and, once set, how long it has left.

use std::rc::Rc;

use portcullis_shared::{problem::FieldError, validate::codes};
use yew::prelude::*;

use crate::components::{SelectField, TextField};
use crate::format::format_timestamp;
use crate::hooks::TextInput;

/// The choice of an exception that does not end.
pub const NEVER: &str = "never";
/// [`NEVER`], for forms that start there.
pub const NEVER_EXPIRES: &str = NEVER;
/// The choice that shows a date-and-time field.
pub const CUSTOM: &str = "custom";
/// The choices: seconds from now, a chosen time, or never.
const CHOICES: &[(&str, &str)] = &[
    (NEVER, "Permanently"),
    ("3600", "For 1 hour"),
    ("86400", "For 1 day"),
    ("604800", "For 1 week"),
    (CUSTOM, "Until a date and time…"),
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
            "Choose the date and time it ends.",
        )),
        CUSTOM => local_to_utc(custom.trim()).map(Some).ok_or_else(|| {
            FieldError::new(field, codes::INVALID_DATE, "Choose a valid date and time.")
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
pub fn time_left(secs: i64) -> String {
    match secs {
        ..=0 => "Ended".to_owned(),
        1..=59 => "Ends in under a minute".to_owned(),
        60..=3_599 => format!("Ends in {} min", secs / 60),
        3_600..=86_399 => match (secs % 3_600) / 60 {
            0 => format!("Ends in {} h", secs / 3_600),
            minutes => format!("Ends in {} h {minutes} min", secs / 3_600),
        },
        _ => match secs / 86_400 {
            1 => "Ends in 1 day".to_owned(),
            days => format!("Ends in {days} days"),
        },
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
    /// Visible label of the select.
    #[prop_or(AttrValue::Static("Allowed"))]
    pub label: AttrValue,
    #[prop_or_default]
    pub error: Option<AttrValue>,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
}

/// How long it lasts: the choices, and a date-and-time field for "until".
#[component]
pub fn ExpiryFields(props: &ExpiryFieldsProps) -> Html {
    let options = use_memo((), |_| CHOICES.to_vec());
    let custom = props.choice.value == CUSTOM;
    html! {
        <div class="expiry-fields">
            <SelectField id={format!("{}-expiry", props.id_prefix)} label={props.label.clone()}
                options={Rc::clone(&options)} value={props.choice.value.clone()}
                on_change={props.choice.set.clone()}
                error={(!custom).then(|| props.error.clone()).flatten()}
                hint={props.hint.clone()} />
            if custom {
                <TextField id={format!("{}-expiry-at", props.id_prefix)} label="Until"
                    input_type="datetime-local" value={props.custom.value.clone()}
                    on_change={props.custom.set.clone()} error={props.error.clone()}
                    hint="Your local time." />
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
    let Some(at) = &props.expires_at else {
        return Html::default();
    };
    let left = secs_until(at).map(time_left);
    let ended = left.as_deref() == Some("Ended");
    html! {
        <span class={classes!("badge", "entry-expiry", if ended { "badge--open" } else { "badge--temporary" })}
            title={format!("Until {}", format_timestamp(at))}>
            { match left {
                Some(left) => format!("{left} · {}", format_timestamp(at)),
                None => format!("Until {}", format_timestamp(at)),
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
        assert_eq!(time_left(-5), "Ended");
        assert_eq!(time_left(0), "Ended");
        assert_eq!(time_left(30), "Ends in under a minute");
        assert_eq!(time_left(45 * 60), "Ends in 45 min");
        assert_eq!(time_left(3_600), "Ends in 1 h");
        assert_eq!(time_left(5 * 3_600 + 600), "Ends in 5 h 10 min");
        assert_eq!(time_left(86_400 + 5), "Ends in 1 day");
        assert_eq!(time_left(6 * 86_400), "Ends in 6 days");
    }
}
