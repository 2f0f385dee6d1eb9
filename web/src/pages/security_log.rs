//! The security log page: the account's events, newest first, narrowed by a free-text
//! search, a kind and a date range (or a preset: the last 24 hours, 7 or 30 days), all kept
//! in the page's URL so a reload, Back / Forward and a shared link show the same; "Show
//! more" paging, and CSV / JSON export links of what the page shows.

use std::cell::Cell;
use std::rc::Rc;

use portcullis_shared::dto::{
    ExportFormat, SecurityEventDto, SecurityEventKind, SecurityLogExportQuery, SecurityLogQuery,
};
use serde::{Deserialize, Serialize};
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::app::Route;
use crate::components::{banner_message, FormBanner, SecurityTabs, SelectField, TextField};
use crate::hooks::use_i18n;
use crate::hooks::{use_form_problem, use_session};
use crate::i18n::{msg, MessageId, Texts};
use crate::state::SessionAction;

/// The words the page shows for each kind (the API's search matches the same words).
pub fn kind_label(kind: SecurityEventKind, texts: Texts) -> String {
    texts.t_args("securitylog-kind", &[("kind", kind.as_str().into())])
}

/// `(value, text)` of the kind filter: every kind, after "all".
fn kind_options(texts: Texts) -> Rc<Vec<(AttrValue, AttrValue)>> {
    let mut options = vec![(
        AttrValue::Static(""),
        texts.t("securitylog-all-events").into(),
    )];
    options.extend(SecurityEventKind::ALL.iter().map(|kind| {
        (
            AttrValue::from(kind.as_str()),
            kind_label(*kind, texts).into(),
        )
    }));
    Rc::new(options)
}

/// The preset time ranges: `(URL value, words, hours back from now)`.
const RANGE_PRESETS: [(&str, MessageId, i64); 3] = [
    ("24h", msg("securitylog-last-24-hours"), 24),
    ("7d", msg("securitylog-last-7-days"), 24 * 7),
    ("30d", msg("securitylog-last-30-days"), 24 * 30),
];

/// The log's filters as the page's URL carries them
/// (`?q=…&kind=…&from=2026-11-01&to=2026-11-30` or `?range=7d`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogFilters {
    /// Free text, as the API's `q`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// A [`SecurityEventKind`] name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// A preset of [`RANGE_PRESETS`]: that long back from now (instead of dates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<String>,
    /// The first day shown (`YYYY-MM-DD`, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The last day shown, included (`YYYY-MM-DD`, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl LogFilters {
    /// The filters a URL's query string (without `?`) names; what it gets wrong is dropped.
    pub fn from_query_str(query: &str) -> Self {
        serde_urlencoded::from_str::<Self>(query.trim_start_matches('?'))
            .unwrap_or_default()
            .normalised()
    }

    /// Blank values dropped, unknown kinds, presets and malformed dates too; a preset
    /// wins over dates.
    pub fn normalised(self) -> Self {
        let keep =
            |value: Option<String>| value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let range = keep(self.range).filter(|r| preset_hours(r).is_some());
        let date = |value: Option<String>| {
            keep(value).filter(|d| range.is_none() && parse_date(d).is_some())
        };
        Self {
            q: keep(self.q),
            kind: keep(self.kind).filter(|k| SecurityEventKind::parse(k).is_some()),
            from: date(self.from),
            to: date(self.to),
            range,
        }
    }

    /// No filter is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The API's filters for these; `now_ms` tells the time now (ms since 1970, UTC),
    /// asked only for a preset.
    pub fn to_query(&self, now_ms: impl FnOnce() -> f64) -> SecurityLogQuery {
        let (from, to) = match self.range.as_deref().and_then(preset_hours) {
            Some(hours) => (
                Some(rfc3339_from_ms(now_ms() - hours as f64 * 3_600_000.0)),
                None,
            ),
            None => (
                self.from.as_deref().map(|day| format!("{day}T00:00:00Z")),
                // `to` is exclusive: the end of the chosen day is the next one's start.
                self.to.as_deref().and_then(parse_date).map(|(y, m, d)| {
                    let (y, m, d) = next_day(y, m, d);
                    format!("{y:04}-{m:02}-{d:02}T00:00:00Z")
                }),
            ),
        };
        SecurityLogQuery {
            kind: self.kind.clone(),
            q: self.q.clone(),
            from,
            to,
            ..SecurityLogQuery::default()
        }
    }

    /// What the filters ask, in words: `search "ada", Sign-in failed, 2026-11-01 to 2026-11-30`.
    pub fn in_words(&self, texts: Texts) -> String {
        let mut parts = Vec::new();
        if let Some(q) = &self.q {
            parts.push(texts.t_args("securitylog-words-search", &[("q", q.as_str().into())]));
        }
        if let Some(kind) = self.kind.as_deref().and_then(SecurityEventKind::parse) {
            parts.push(kind_label(kind, texts));
        }
        if let Some((_, words, _)) = RANGE_PRESETS
            .iter()
            .find(|(value, _, _)| Some(*value) == self.range.as_deref())
        {
            parts.push(texts.msg(*words).to_lowercase());
        }
        let (from, to) = (self.from.as_deref(), self.to.as_deref());
        match (from, to) {
            (Some(from), Some(to)) => parts.push(texts.t_args(
                "securitylog-words-between",
                &[("from", from.into()), ("to", to.into())],
            )),
            (Some(from), None) => {
                parts.push(texts.t_args("securitylog-words-from", &[("from", from.into())]))
            }
            (None, Some(to)) => {
                parts.push(texts.t_args("securitylog-words-to", &[("to", to.into())]))
            }
            (None, None) => {}
        }
        parts.join(", ")
    }
}

fn preset_hours(value: &str) -> Option<i64> {
    RANGE_PRESETS
        .iter()
        .find(|(name, _, _)| *name == value)
        .map(|(_, _, hours)| *hours)
}

/// `(year, month, day)` of a `YYYY-MM-DD` date that exists.
fn parse_date(value: &str) -> Option<(i64, u32, u32)> {
    let mut parts = value.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    ((1..=12).contains(&m) && (1..=days_in_month(y, m)).contains(&d)).then_some((y, m, d))
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn next_day(year: i64, month: u32, day: u32) -> (i64, u32, u32) {
    if day < days_in_month(year, month) {
        (year, month, day + 1)
    } else if month < 12 {
        (year, month + 1, 1)
    } else {
        (year + 1, 1, 1)
    }
}

/// RFC 3339 (UTC, whole seconds) of a time in ms since 1970.
fn rfc3339_from_ms(ms: f64) -> String {
    let secs = (ms / 1000.0).floor() as i64;
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Days since 1970 to a civil date (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3_600,
        rest % 3_600 / 60,
        rest % 60
    )
}

/// The time now, in ms since 1970 (the browser's clock).
fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The filters in the current URL.
#[hook]
fn use_log_filters() -> LogFilters {
    use_location()
        .map(|location| LogFilters::from_query_str(location.query_str()))
        .unwrap_or_default()
}

/// The export download of what the page shows.
fn export_href(format: ExportFormat, filters: &LogFilters) -> String {
    let SecurityLogQuery {
        kind, from, to, q, ..
    } = filters.to_query(now_ms);
    api::security_log_export_url(&SecurityLogExportQuery {
        format,
        kind,
        from,
        to,
        q,
    })
}

/// The account's security log. Rendered only behind `RequireSession`.
#[component]
pub fn SecurityLogPage() -> Html {
    let texts = use_i18n();
    let filters = use_log_filters();
    let csv_href = export_href(ExportFormat::Csv, &filters);
    let json_href = export_href(ExportFormat::Json, &filters);

    html! {
        <section class="security-log" data-testid="security-log">
            <div class="page-head">
                <div>
                    <p class="eyebrow">{ texts.t("securitylog-security") }</p>
                    <h1>{ texts.t("securitylog-security-log") }</h1>
                </div>
                <div class="actions">
                    <a id="export-csv" class="button button--secondary" href={csv_href} download=""
                        title={texts.t("securitylog-events-filters-below-show")}>
                        { texts.t("securitylog-export-csv") }
                    </a>
                    <a id="export-json" class="button button--secondary" href={json_href} download=""
                        title={texts.t("securitylog-events-filters-below-show-2")}>
                        { texts.t("securitylog-export-json") }
                    </a>
                </div>
            </div>
            <SecurityTabs />
            <super::security_stream::SecurityStreamCard />
            <SecurityLogView />
        </section>
    }
}

/// Props of [`SecurityLogView`].
#[derive(Properties, PartialEq)]
pub struct SecurityLogViewProps {
    /// Whose entries: a subuser's (by id), or the whole log when absent.
    #[prop_or_default]
    pub subuser: Option<AttrValue>,
}

/// What the view has loaded for the current filters.
#[derive(Clone, Debug, Default, PartialEq)]
struct Loaded {
    events: Vec<SecurityEventDto>,
    next_cursor: Option<String>,
    loading: bool,
}

/// The log's filters (kept in the URL of the page it is on), its events and "Show more"
/// paging.
#[component]
pub fn SecurityLogView(props: &SecurityLogViewProps) -> Html {
    let texts = use_i18n();
    let session = use_session();
    let problem = use_form_problem();
    let loaded = use_state(|| Loaded {
        loading: true,
        ..Loaded::default()
    });
    // Answers to an older request (the filters changed since) are dropped.
    let generation = use_mut_ref(|| Cell::new(0_u64));
    let filters = use_log_filters();
    let route = use_route::<Route>().unwrap_or(Route::SecurityLog);
    let navigator = use_navigator();
    let search = use_state(|| filters.q.clone().unwrap_or_default());
    let subuser = props.subuser.clone();

    // Fetches a page: the first one for the filters, or the next older one.
    let load = {
        let (session, problem, loaded, generation) = (
            session.clone(),
            problem.clone(),
            loaded.clone(),
            generation.clone(),
        );
        Callback::from(move |(filters, more): (LogFilters, Option<Loaded>)| {
            let ticket = generation.borrow().get() + 1;
            generation.borrow().set(ticket);
            problem.set(None);
            let mut shown = more.clone().unwrap_or_default();
            shown.loading = true;
            if more.is_none() {
                shown.events.clear();
            }
            loaded.set(shown.clone());
            let mut query = filters.to_query(now_ms);
            query.cursor = more.and_then(|page| page.next_cursor);
            let (session, problem, loaded, generation, subuser) = (
                session.clone(),
                problem.clone(),
                loaded.clone(),
                generation.clone(),
                subuser.clone(),
            );
            spawn_local(async move {
                let answer = api::security_log(subuser.as_deref(), &query).await;
                if generation.borrow().get() != ticket {
                    return;
                }
                shown.loading = false;
                match answer {
                    Ok(page) => {
                        shown.events.extend(page.events);
                        shown.next_cursor = page.next_cursor;
                    }
                    Err(err) if err.is_signed_out() => session.dispatch(SessionAction::SignedOut),
                    Err(err) => {
                        shown.next_cursor = None;
                        problem.set(Some(err.into_problem()));
                    }
                }
                loaded.set(shown);
            });
        })
    };

    {
        // A new URL (a filter applied, Back or Forward, a reload) loads its first page,
        // and puts its search text back in the box.
        let (load, search) = (load.clone(), search.clone());
        use_effect_with(filters.clone(), move |filters| {
            search.set(filters.q.clone().unwrap_or_default());
            load.emit((filters.clone(), None));
        });
    }

    // Each change of filter is a new URL, so Back returns to the one before.
    let apply = {
        let (navigator, route) = (navigator.clone(), route.clone());
        Callback::from(move |next: LogFilters| {
            if let Some(navigator) = &navigator {
                let next = next.normalised();
                let pushed = if next.is_empty() {
                    navigator.push(&route);
                    Ok(())
                } else {
                    navigator.push_with_query(&route, &next)
                };
                if pushed.is_err() {
                    navigator.push(&route);
                }
            }
        })
    };
    let on_search = {
        let (apply, filters, search) = (apply.clone(), filters.clone(), search.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            apply.emit(LogFilters {
                q: Some((*search).clone()),
                ..filters.clone()
            });
        })
    };
    let on_search_input = {
        let search = search.clone();
        Callback::from(move |event: InputEvent| {
            search.set(event.target_unchecked_into::<HtmlInputElement>().value());
        })
    };
    let on_kind = {
        let (apply, filters) = (apply.clone(), filters.clone());
        Callback::from(move |value: String| {
            apply.emit(LogFilters {
                kind: Some(value),
                ..filters.clone()
            })
        })
    };
    let on_date = |set_from: bool| {
        let (apply, filters) = (apply.clone(), filters.clone());
        Callback::from(move |value: String| {
            let mut next = LogFilters {
                range: None,
                ..filters.clone()
            };
            if set_from {
                next.from = Some(value);
            } else {
                next.to = Some(value);
            }
            apply.emit(next)
        })
    };
    let preset = |value: &'static str| {
        let (apply, filters) = (apply.clone(), filters.clone());
        Callback::from(move |_: MouseEvent| {
            let chosen = filters.range.as_deref() == Some(value);
            apply.emit(LogFilters {
                // A second press on the chosen preset lifts it.
                range: (!chosen).then(|| value.to_owned()),
                from: None,
                to: None,
                ..filters.clone()
            })
        })
    };
    let on_more = {
        let (load, loaded, filters) = (load.clone(), loaded.clone(), filters.clone());
        Callback::from(move |_: MouseEvent| {
            if loaded.next_cursor.is_some() {
                load.emit((filters.clone(), Some((*loaded).clone())));
            }
        })
    };
    let fields = ["q", "kind", "from", "to"];
    let banner = problem
        .get()
        .and_then(|p| banner_message(p, &fields))
        .map(|message| {
            AttrValue::from(texts.t_args("securitylog-load-failed", &[("reason", message.into())]))
        });
    let count = loaded.events.len();
    let status = if loaded.loading && count == 0 {
        texts.t("securitylog-loading")
    } else if count == 0 {
        String::new()
    } else if loaded.next_cursor.is_some() {
        texts.t_args("securitylog-showing-more", &[("count", count.into())])
    } else {
        texts.t_args("securitylog-showing", &[("count", count.into())])
    };
    let clear = html! {
        <Link<Route> to={route.clone()} classes="log-filters__clear">{ texts.t("securitylog-clear-filters") }</Link<Route>>
    };

    html! {
        <>
            <FormBanner message={banner} />
            <div class="card">
                <h2 class="log-title">{ texts.t("securitylog-events") }</h2>
                <form class="log-filters" role="search" aria-label={texts.t("securitylog-filter-security-log")}
                    onsubmit={on_search}>
                    <div class="field log-filters__search">
                        <label for="security-log-q">{ texts.t("securitylog-search") }</label>
                        <div class="log-filters__search-row">
                            <input id="security-log-q" name="q" type="search" autocomplete="off"
                                placeholder={texts.t("securitylog-e-mail-address-event")}
                                value={(*search).clone()} oninput={on_search_input}
                                aria-invalid={problem.field_message("q").is_some().then_some("true")}
                                aria-describedby={problem.field_message("q").map(|_| "security-log-q-error")} />
                            <button type="submit" class="button button--secondary" id="security-log-search">
                                { texts.t("securitylog-search") }
                            </button>
                        </div>
                        if let Some(message) = problem.field_message("q") {
                            <p class="field-error" id="security-log-q-error">{ message }</p>
                        }
                    </div>
                    <SelectField id="security-log-kind" label={texts.t("securitylog-event")} dynamic_options={kind_options(texts)}
                        value={AttrValue::from(filters.kind.clone().unwrap_or_default())}
                        on_change={on_kind} error={problem.field_message("kind")} />
                    <TextField id="security-log-from" label={texts.t("securitylog-from-utc")} input_type="date"
                        value={AttrValue::from(filters.from.clone().unwrap_or_default())}
                        on_change={on_date(true)} error={problem.field_message("from")} />
                    <TextField id="security-log-to" label={texts.t("securitylog-to-utc")} input_type="date"
                        min={filters.from.clone().map(AttrValue::from)}
                        value={AttrValue::from(filters.to.clone().unwrap_or_default())}
                        on_change={on_date(false)} error={problem.field_message("to")} />
                </form>
                <div class="log-filters__presets">
                    <div class="log-presets" role="group" aria-label={texts.t("securitylog-time-range")}>
                        { for RANGE_PRESETS.iter().map(|(value, words, _)| {
                            let pressed = filters.range.as_deref() == Some(*value);
                            html! {
                                <button type="button" id={format!("range-{value}")}
                                    class={classes!("button", "button--small",
                                        (!pressed).then_some("button--secondary"))}
                                    aria-pressed={if pressed { "true" } else { "false" }}
                                    onclick={preset(value)}>
                                    { texts.msg(*words) }
                                </button>
                            }
                        }) }
                    </div>
                    if !filters.is_empty() { { clear.clone() } }
                </div>
                <p class="muted log-count" id="security-log-count" role="status" aria-live="polite">
                    { status }
                </p>
                if !loaded.loading && count == 0 && problem.get().is_none() {
                    <div class="empty-state" id="security-log-empty">
                        if filters.is_empty() {
                            <p class="empty-title">{ texts.t("securitylog-no-events-yet") }</p>
                            <p class="muted">{ texts.t("securitylog-sign-ins-changes-refusals") }</p>
                        } else {
                            <p class="empty-title">{ texts.t("securitylog-no-events-match-these") }</p>
                            <p class="muted" id="security-log-empty-filters">
                                { texts.t_args("securitylog-nothing-found", &[("filters", filters.in_words(texts).into())]) }
                            </p>
                            <p>{ clear }</p>
                        }
                    </div>
                } else if count > 0 {
                    <SecurityEventTable events={Rc::new(loaded.events.clone())} loading={loaded.loading}
                        viewer={session.me().map(|me| AttrValue::from(me.account.id.clone()))} />
                }
                if loaded.next_cursor.is_some() {
                    <div class="list-more">
                        <button id="load-older" type="button" class="button button--secondary"
                            onclick={on_more} disabled={loaded.loading}>
                            { texts.t("securitylog-show-more") }
                        </button>
                    </div>
                }
            </div>
        </>
    }
}

/// Props of [`SecurityEventTable`].
#[derive(Properties, PartialEq)]
pub struct SecurityEventTableProps {
    /// The events to list, in the order given (newest first).
    pub events: Rc<Vec<SecurityEventDto>>,
    /// A page is being fetched.
    #[prop_or_default]
    pub loading: bool,
    /// The signed-in login's id: its own events read "You".
    #[prop_or_default]
    pub viewer: Option<AttrValue>,
}

/// The events as a table: when, what, who, from where.
#[component]
pub fn SecurityEventTable(props: &SecurityEventTableProps) -> Html {
    let texts = use_i18n();
    if props.events.is_empty() {
        let text = if props.loading {
            texts.t("securitylog-loading")
        } else {
            texts.t("securitylog-no-events-match")
        };
        return html! { <p class="muted" id="security-log-empty">{ text }</p> };
    }
    html! {
        <div class="table-scroll" tabindex="0" role="region" aria-label={texts.t("securitylog-security-log-events")}>
        <table class="table table--stack" id="security-log-table">
            <thead>
                <tr>
                    <th scope="col">{ texts.t("securitylog-when-utc") }</th>
                    <th scope="col">{ texts.t("securitylog-event") }</th>
                    <th scope="col">{ texts.t("securitylog-by") }</th>
                    <th scope="col">{ texts.t("securitylog-address") }</th>
                    <th scope="col">{ texts.t("securitylog-browser") }</th>
                    <th scope="col">{ texts.t("securitylog-details") }</th>
                </tr>
            </thead>
            <tbody>
                { for props.events.iter().map(|event| event_row(event, props.viewer.as_deref(), texts)) }
            </tbody>
        </table>
        </div>
    }
}

fn event_row(event: &SecurityEventDto, viewer: Option<&str>, texts: Texts) -> Html {
    let details = details_in_words(&event.details, texts);
    let device = event
        .device
        .clone()
        .or_else(|| event.user_agent.clone())
        .unwrap_or_default();
    html! {
        <tr key={event.id.clone()} data-kind={event.kind.as_str()}>
            <td data-label={texts.t("securitylog-when-utc")}><time datetime={event.created_at.clone()}>{ event.created_at.replace('T', " ").replace('Z', "") }</time></td>
            <td data-label={texts.t("securitylog-event")}>{ kind_label(event.kind, texts) }</td>
            <td data-label={texts.t("securitylog-by")} class="event-actor">{ actor_name(event, viewer, texts) }</td>
            <td data-label={texts.t("securitylog-address")}>{ event.ip.clone().unwrap_or_default() }</td>
            <td data-label={texts.t("securitylog-browser")} class="muted" title={event.user_agent.clone()}>{ device }</td>
            <td data-label={texts.t("securitylog-details")}>{ details }</td>
        </tr>
    }
}

/// Who did it, as a person reads it: "You", a subuser's e-mail, or what the server's
/// own actors are.
pub fn actor_name(event: &SecurityEventDto, viewer: Option<&str>, texts: Texts) -> String {
    if viewer == Some(event.actor.as_str()) {
        return texts.t("securitylog-actor-you");
    }
    if let Some(email) = &event.actor_email {
        return email.clone();
    }
    match event.actor.as_str() {
        "system" => "Portcullis".to_owned(),
        "anonymous" => texts.t("securitylog-actor-anonymous"),
        "operator" => texts.t("securitylog-actor-operator"),
        other => other.to_owned(),
    }
}

/// `Reason: wrong password, Scopes: sms` from `{reason: wrong_password, scopes: sms}`:
/// keys in the portal's words (an unknown one as words with a capital), values'
/// underscores as spaces, `true`/`false` as yes/no.
pub fn details_in_words(
    details: &std::collections::BTreeMap<String, String>,
    texts: Texts,
) -> String {
    details
        .iter()
        .map(|(key, value)| {
            let key = match detail_name(key) {
                Some(id) => texts.msg(id),
                None => {
                    let key = key.replace('_', " ");
                    let mut chars = key.chars();
                    chars
                        .next()
                        .map(|first| first.to_uppercase().chain(chars).collect::<String>())
                        .unwrap_or_default()
                }
            };
            let plain = value.chars().all(|c| c.is_ascii_lowercase() || c == '_');
            let value = match value.as_str() {
                "true" => texts.t("securitylog-value-yes"),
                "false" => texts.t("securitylog-value-no"),
                _ if plain => value.replace('_', " "),
                _ => value.clone(),
            };
            format!("{key}: {value}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The words for a detail the API records on security events.
fn detail_name(key: &str) -> Option<MessageId> {
    Some(match key {
        "action" => msg("securitylog-key-action"),
        "balance" => msg("securitylog-key-balance"),
        "calling_code" => msg("securitylog-key-calling-code"),
        "change" => msg("securitylog-key-change"),
        "client_id" => msg("securitylog-key-client-id"),
        "confirmed_lockout" => msg("securitylog-key-confirmed-lockout"),
        "count" => msg("securitylog-key-count"),
        "countries" => msg("securitylog-key-countries"),
        "country" => msg("securitylog-key-country"),
        "delta" => msg("securitylog-key-delta"),
        "device_id" => msg("securitylog-key-device-id"),
        "email" => msg("securitylog-key-email"),
        "entry" => msg("securitylog-key-entry"),
        "expires_at" => msg("securitylog-key-expires-at"),
        "fallback" => msg("securitylog-key-fallback"),
        "first_at" => msg("securitylog-key-first-at"),
        "home_country" => msg("securitylog-key-home-country"),
        "idle_timeout_secs" => msg("securitylog-key-idle-timeout-secs"),
        "invited" => msg("securitylog-key-invited"),
        "last_at" => msg("securitylog-key-last-at"),
        "method" => msg("securitylog-key-method"),
        "name" => msg("securitylog-key-name"),
        "network" => msg("securitylog-key-network"),
        "new_device" => msg("securitylog-key-new-device"),
        "other_sessions_ended" => msg("securitylog-key-other-sessions-ended"),
        "passkey_id" => msg("securitylog-key-passkey-id"),
        "passkey_refusal" => msg("securitylog-key-passkey-refusal"),
        "passwordless" => msg("securitylog-key-passwordless"),
        "pending_dropped" => msg("securitylog-key-pending-dropped"),
        "per_number_per_day" => msg("securitylog-key-per-number-per-day"),
        "previous" => msg("securitylog-key-previous"),
        "previous_secs" => msg("securitylog-key-previous-secs"),
        "previous_token_id" => msg("securitylog-key-previous-token-id"),
        "purpose" => msg("securitylog-key-purpose"),
        "reason" => msg("securitylog-key-reason"),
        "require_phishing_resistant" => msg("securitylog-key-require-phishing-resistant"),
        "required_for_all_users" => msg("securitylog-key-required-for-all-users"),
        "rotation_days" => msg("securitylog-key-rotation-days"),
        "rotation_required" => msg("securitylog-key-rotation-required"),
        "scope" => msg("securitylog-key-scope"),
        "scopes" => msg("securitylog-key-scopes"),
        "sender" => msg("securitylog-key-sender"),
        "sessions_ended" => msg("securitylog-key-sessions-ended"),
        "subuser_id" => msg("securitylog-key-subuser-id"),
        "token_id" => msg("securitylog-key-token-id"),
        "tokens_revoked" => msg("securitylog-key-tokens-revoked"),
        "trusted_devices_forgotten" => msg("securitylog-key-trusted-devices-forgotten"),
        "until" => msg("securitylog-key-until"),
        "url" => msg("securitylog-key-url"),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(actor: &str, email: Option<&str>) -> SecurityEventDto {
        SecurityEventDto {
            id: "sev_1".into(),
            kind: SecurityEventKind::LoginFailed,
            actor: actor.into(),
            actor_email: email.map(Into::into),
            device: None,
            ip: None,
            user_agent: None,
            details: Default::default(),
            created_at: "2026-11-22T10:00:00Z".into(),
            account_id: "acc_1".into(),
            seq: None,
            prev_hash: None,
            hash: None,
        }
    }

    #[test]
    fn the_actor_reads_as_a_person_would_say_it() {
        let viewer = Some("acc_1");
        assert_eq!(
            actor_name(
                &event("acc_1", Some("ada@example.com")),
                viewer,
                Texts::default()
            ),
            "You"
        );
        assert_eq!(
            actor_name(
                &event("sub_2", Some("clerk@example.com")),
                viewer,
                Texts::default()
            ),
            "clerk@example.com"
        );
        assert_eq!(
            actor_name(&event("anonymous", None), viewer, Texts::default()),
            "Someone not signed in"
        );
        assert_eq!(
            actor_name(&event("system", None), None, Texts::default()),
            "Portcullis"
        );
    }

    #[test]
    fn filters_come_from_the_url_and_bad_parts_are_dropped() {
        let filters = LogFilters::from_query_str(
            "?q=+ada%40example.com+&kind=login_failed&from=2026-11-01&to=2026-11-30",
        );
        assert_eq!(filters.q.as_deref(), Some("ada@example.com"));
        assert_eq!(filters.kind.as_deref(), Some("login_failed"));
        assert_eq!(filters.from.as_deref(), Some("2026-11-01"));
        assert_eq!(
            LogFilters::from_query_str("kind=nope&from=2026-02-30&to=yesterday&q=%20"),
            LogFilters::default()
        );
        let preset = LogFilters::from_query_str("range=7d&from=2026-11-01");
        assert_eq!((preset.range.as_deref(), preset.from), (Some("7d"), None));
        assert_eq!(
            LogFilters::from_query_str("range=1y"),
            LogFilters::default()
        );
        assert_eq!(LogFilters::from_query_str("&&=="), LogFilters::default());
        // What the page writes into the URL reads back the same.
        let written = serde_urlencoded::to_string(&filters).unwrap();
        assert_eq!(LogFilters::from_query_str(&written), filters);
    }

    #[test]
    fn dates_become_the_apis_times_with_the_last_day_included() {
        let days = LogFilters {
            from: Some("2026-12-31".into()),
            to: Some("2026-12-31".into()),
            ..LogFilters::default()
        };
        let query = days.to_query(|| 0.0);
        assert_eq!(query.from.as_deref(), Some("2026-12-31T00:00:00Z"));
        assert_eq!(query.to.as_deref(), Some("2027-01-01T00:00:00Z"));
        let leap = LogFilters {
            to: Some("2028-02-28".into()),
            ..LogFilters::default()
        };
        assert_eq!(
            leap.to_query(|| 0.0).to.as_deref(),
            Some("2028-02-29T00:00:00Z")
        );
        // 2026-11-22T10:00:00Z, and the preset a day back from it.
        let now = 1_795_341_600_000.0;
        assert_eq!(rfc3339_from_ms(now), "2026-11-22T10:00:00Z");
        let day = LogFilters {
            range: Some("24h".into()),
            q: Some("ada".into()),
            ..LogFilters::default()
        };
        let query = day.to_query(|| now);
        assert_eq!(query.from.as_deref(), Some("2026-11-21T10:00:00Z"));
        assert_eq!((query.to, query.q.as_deref()), (None, Some("ada")));
    }

    #[test]
    fn the_exports_carry_the_pages_filters() {
        let filters = LogFilters::from_query_str(
            "q=ada%40example.com&kind=login_failed&from=2026-11-01&to=2026-11-30",
        );
        assert_eq!(
            export_href(ExportFormat::Csv, &filters),
            "/api/v1/security-log/export?format=csv&kind=login_failed&\
             from=2026-11-01T00%3A00%3A00Z&to=2026-12-01T00%3A00%3A00Z&q=ada%40example.com"
        );
        assert_eq!(
            export_href(ExportFormat::Json, &LogFilters::default()),
            "/api/v1/security-log/export?format=json"
        );
    }

    #[test]
    fn the_empty_state_says_which_filters_found_nothing() {
        let filters = LogFilters {
            q: Some("ada".into()),
            kind: Some("login_failed".into()),
            from: Some("2026-11-01".into()),
            to: Some("2026-11-30".into()),
            range: None,
        };
        assert_eq!(
            filters.in_words(Texts::default()),
            "search \u{201c}ada\u{201d}, Sign-in failed, 2026-11-01 to 2026-11-30"
        );
        let preset = LogFilters {
            range: Some("30d".into()),
            ..LogFilters::default()
        };
        assert_eq!(preset.in_words(Texts::default()), "last 30 days");
        assert!(LogFilters::default().is_empty());
    }

    #[test]
    fn details_read_as_words() {
        let details = [
            ("reason".to_owned(), "wrong_password".to_owned()),
            ("token_name".to_owned(), "CI_prod".to_owned()),
            ("new_device".to_owned(), "true".to_owned()),
        ]
        .into();
        assert_eq!(
            details_in_words(&details, Texts::default()),
            "New device: yes, Reason: wrong password, Token name: CI_prod"
        );
        let polish = details_in_words(&details, Texts::new(portcullis_shared::dto::Language::Pl));
        assert_eq!(
            polish, "Nowe urządzenie: tak, Powód: wrong password, Token name: CI_prod",
            "known names in Polish, unknown ones as words"
        );
    }
}
