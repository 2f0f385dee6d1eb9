//! The sending-window editor: days, from, until and time zone. Subusers' grants and the
//! policies of API tokens and OAuth clients both edit a window with it.

use crate::i18n::Texts;
use std::collections::BTreeSet;
use std::rc::Rc;

use portcullis_shared::dto::Weekday;
use yew::prelude::*;

use super::{CheckOption, CheckboxGroup, SelectField, TextField};
use crate::hooks::use_i18n;

/// The time zones a sending window offers: UTC and the main zone of the countries
/// customers mostly send from, then the rest of the world's largest ones.
pub const TIME_ZONES: &[(&str, &str)] = &[
    ("UTC", "UTC"),
    ("Europe/Warsaw", "Europe/Warsaw (Poland)"),
    ("Europe/London", "Europe/London (United Kingdom)"),
    ("Europe/Dublin", "Europe/Dublin (Ireland)"),
    ("Europe/Lisbon", "Europe/Lisbon (Portugal)"),
    ("Europe/Berlin", "Europe/Berlin (Germany)"),
    ("Europe/Paris", "Europe/Paris (France)"),
    ("Europe/Madrid", "Europe/Madrid (Spain)"),
    ("Europe/Rome", "Europe/Rome (Italy)"),
    ("Europe/Amsterdam", "Europe/Amsterdam (Netherlands)"),
    ("Europe/Brussels", "Europe/Brussels (Belgium)"),
    ("Europe/Vienna", "Europe/Vienna (Austria)"),
    ("Europe/Zurich", "Europe/Zurich (Switzerland)"),
    ("Europe/Prague", "Europe/Prague (Czechia)"),
    ("Europe/Bratislava", "Europe/Bratislava (Slovakia)"),
    ("Europe/Budapest", "Europe/Budapest (Hungary)"),
    ("Europe/Stockholm", "Europe/Stockholm (Sweden)"),
    ("Europe/Oslo", "Europe/Oslo (Norway)"),
    ("Europe/Copenhagen", "Europe/Copenhagen (Denmark)"),
    ("Europe/Helsinki", "Europe/Helsinki (Finland)"),
    ("Europe/Vilnius", "Europe/Vilnius (Lithuania)"),
    ("Europe/Riga", "Europe/Riga (Latvia)"),
    ("Europe/Tallinn", "Europe/Tallinn (Estonia)"),
    ("Europe/Kyiv", "Europe/Kyiv (Ukraine)"),
    ("Europe/Bucharest", "Europe/Bucharest (Romania)"),
    ("Europe/Sofia", "Europe/Sofia (Bulgaria)"),
    ("Europe/Athens", "Europe/Athens (Greece)"),
    ("Europe/Istanbul", "Europe/Istanbul (Türkiye)"),
    ("America/New_York", "America/New_York (US Eastern)"),
    ("America/Chicago", "America/Chicago (US Central)"),
    ("America/Denver", "America/Denver (US Mountain)"),
    ("America/Los_Angeles", "America/Los_Angeles (US Pacific)"),
    ("America/Toronto", "America/Toronto (Canada Eastern)"),
    ("America/Mexico_City", "America/Mexico_City (Mexico)"),
    ("America/Sao_Paulo", "America/Sao_Paulo (Brazil)"),
    ("Africa/Johannesburg", "Africa/Johannesburg (South Africa)"),
    ("Africa/Lagos", "Africa/Lagos (Nigeria)"),
    ("Asia/Dubai", "Asia/Dubai (UAE)"),
    ("Asia/Kolkata", "Asia/Kolkata (India)"),
    ("Asia/Singapore", "Asia/Singapore"),
    ("Asia/Shanghai", "Asia/Shanghai (China)"),
    ("Asia/Tokyo", "Asia/Tokyo (Japan)"),
    ("Australia/Sydney", "Australia/Sydney (Australia Eastern)"),
    ("Pacific/Auckland", "Pacific/Auckland (New Zealand)"),
];

/// A weekday's short name for its check box.
pub fn weekday_label(day: Weekday, texts: Texts) -> String {
    match day {
        Weekday::Mon => texts.t("window-mon"),
        Weekday::Tue => texts.t("window-tue"),
        Weekday::Wed => texts.t("window-wed"),
        Weekday::Thu => texts.t("window-thu"),
        Weekday::Fri => texts.t("window-fri"),
        Weekday::Sat => texts.t("window-sat"),
        Weekday::Sun => texts.t("window-sun"),
    }
}

/// `current` as an extra choice when the offered time zones lack it (a zone stored
/// through the API).
fn unlisted_time_zone(current: &str) -> Rc<Vec<(AttrValue, AttrValue)>> {
    let listed = TIME_ZONES.iter().any(|(zone, _)| *zone == current);
    Rc::new(if listed {
        Vec::new()
    } else {
        let zone = AttrValue::from(current.to_owned());
        vec![(zone.clone(), zone)]
    })
}

/// Props of [`WindowFields`].
#[derive(Properties, PartialEq)]
pub struct WindowFieldsProps {
    /// Prefix of the controls' ids (`<prefix>-days`, `-start`, `-end`, `-time-zone`).
    pub id_prefix: AttrValue,
    /// Ticked days (`mon`…).
    pub days: BTreeSet<String>,
    pub start: AttrValue,
    pub end: AttrValue,
    pub time_zone: AttrValue,
    pub on_day: Callback<(String, bool)>,
    pub on_start: Callback<String>,
    pub on_end: Callback<String>,
    pub on_time_zone: Callback<String>,
    /// The errors to show by the days, start, end and time zone.
    #[prop_or_default]
    pub days_error: Option<AttrValue>,
    #[prop_or_default]
    pub start_error: Option<AttrValue>,
    #[prop_or_default]
    pub end_error: Option<AttrValue>,
    #[prop_or_default]
    pub time_zone_error: Option<AttrValue>,
}

/// A sending window's days, hours and time zone.
#[component]
pub fn WindowFields(props: &WindowFieldsProps) -> Html {
    let texts = use_i18n();
    let id = |name: &str| AttrValue::from(format!("{}-{name}", props.id_prefix));
    let day_options = Rc::new(
        Weekday::ALL
            .iter()
            .map(|d| CheckOption::plain(d.as_str(), weekday_label(*d, texts)))
            .collect::<Vec<_>>(),
    );
    html! {
        <>
            <CheckboxGroup id={id("days")} legend={texts.t("window-days")}
                options={day_options} chosen={Rc::new(props.days.clone())}
                on_toggle={props.on_day.clone()} error={props.days_error.clone()} compact=true />
            <div class="field-row">
                <TextField id={id("start")} label={texts.t("window-from")} input_type="time"
                    value={props.start.clone()} on_change={props.on_start.clone()}
                    error={props.start_error.clone()} />
                <TextField id={id("end")} label={texts.t("window-until")} input_type="time"
                    value={props.end.clone()} on_change={props.on_end.clone()}
                    error={props.end_error.clone()} />
                <SelectField id={id("time-zone")} label={texts.t("window-time-zone")}
                    options={Rc::new(TIME_ZONES.to_vec())}
                    dynamic_options={unlisted_time_zone(&props.time_zone)}
                    value={props.time_zone.clone()}
                    on_change={props.on_time_zone.clone()}
                    error={props.time_zone_error.clone()} />
            </div>
        </>
    }
}
