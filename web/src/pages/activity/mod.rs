//! The activity page: points spent and sign-ins per day, refused API calls by reason and
//! messages by destination, drawn as SVG from `GET /api/v1/activity`. Each chart has a
//! heading, a sentence saying what it shows and its numbers as a table, for those who
//! would rather read (or cannot see the picture).

pub mod chart;

use std::rc::Rc;

use portcullis_shared::dto::{
    ActivityDto, ActivityScope, DayPointsDto, DaySignInsDto, DEFAULT_ACTIVITY_DAYS,
};
use portcullis_shared::problem::Problem;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::components::{banner_message, FormBanner};
use crate::format::format_points_in;
use crate::hooks::use_i18n;
use crate::hooks::use_session_calls;
use crate::i18n::{msg, MessageId, Texts};
use crate::pages::country_filter::country_name_in;
use chart::{ListWords, Rect, HEIGHT, WIDTH};

/// The periods one may choose, in days.
pub const PERIODS: [u32; 3] = [7, 30, 90];

/// The activity page; it reads the counts when it mounts and when the period changes.
#[component]
pub fn ActivityPage() -> Html {
    let texts = use_i18n();
    let calls = use_session_calls();
    let days = use_state(|| DEFAULT_ACTIVITY_DAYS);
    let found = use_state(|| None::<Rc<ActivityDto>>);
    let problem = use_state(|| None::<Problem>);
    {
        let (found, problem) = (found.clone(), problem.clone());
        use_effect_with(*days, move |days| {
            let days = *days;
            spawn_local(async move {
                match api::activity(days).await {
                    Ok(activity) => {
                        problem.set(None);
                        found.set(Some(Rc::new(activity)));
                    }
                    Err(error) => problem.set(Some(calls.problem(error))),
                }
            });
        });
    }
    let on_period = {
        let days = days.clone();
        Callback::from(move |event: Event| {
            let chosen = event
                .target_dyn_into::<web_sys::HtmlSelectElement>()
                .and_then(|select| select.value().parse::<u32>().ok());
            if let Some(chosen) = chosen.filter(|d| PERIODS.contains(d)) {
                days.set(chosen);
            }
        })
    };
    let error = (*problem)
        .as_ref()
        .and_then(|p| banner_message(p, &[]))
        .map(|message| {
            AttrValue::from(texts.t_args("activity-load-failed", &[("reason", message.into())]))
        });
    let body = match &*found {
        Some(activity) => html! { <ActivityCharts activity={activity.clone()} /> },
        None if problem.is_none() => html! {
            <p class="loading muted" aria-busy="true">{ texts.t("activity-counting-activity") }</p>
        },
        None => Html::default(),
    };
    html! {
        <section class="activity" data-testid="activity">
            <div class="page-head">
                <div>
                    <p class="eyebrow">{ texts.t("activity-activity") }</p>
                    <h1>{ texts.t("activity-what-happened-lately") }</h1>
                </div>
                <div class="field period-field">
                    <label for="activity-period">{ texts.t("activity-period") }</label>
                    <select id="activity-period" name="period" onchange={on_period}>
                        for period in PERIODS {
                            <option value={period.to_string()} selected={period == *days}>
                                { texts.t_args("activity-last-days", &[("days", period.into())]) }
                            </option>
                        }
                    </select>
                </div>
            </div>
            <FormBanner message={error} />
            { body }
        </section>
    }
}

/// Props of [`ActivityCharts`].
#[derive(Properties, PartialEq)]
pub struct ActivityChartsProps {
    /// The counts to draw.
    pub activity: Rc<ActivityDto>,
}

/// Every chart of one answer.
#[component]
pub fn ActivityCharts(props: &ActivityChartsProps) -> Html {
    let texts = use_i18n();
    let activity = &props.activity;
    let whose = match activity.scope {
        ActivityScope::Account => texts.t("activity-scope-account"),
        ActivityScope::Own => texts.t("activity-own-activity-messages-sign"),
    };
    html! {
        <>
            <p class="muted activity-scope" id="activity-scope">{ whose }</p>
            <PointsChart days={activity.days} per_day={activity.points_per_day.clone()} />
            if activity.scope == ActivityScope::Account {
                <PointsByLogin activity={activity.clone()} />
            }
            <SignInsChart days={activity.days} per_day={activity.sign_ins_per_day.clone()} />
            <BarList
                id="refused"
                title={texts.t("activity-refused-api-calls-reason")}
                days={activity.days}
                words={ListWords {
                    unit: msg("activity-unit-refused-calls"),
                    most: msg("activity-most-often"),
                    nothing: msg("activity-no-refused-calls"),
                }}
                column={texts.t("activity-column-reason")}
                value_column={texts.t("activity-column-calls")}
                items={activity.refused_calls.iter().map(|r| (refusal_words(&r.reason, texts), r.count)).collect::<Vec<_>>()}
            />
            <BarList
                id="destinations"
                title={texts.t("activity-messages-destination")}
                days={activity.days}
                words={ListWords {
                    unit: msg("activity-unit-messages"),
                    most: msg("activity-most-sent-to"),
                    nothing: msg("activity-no-messages-sent"),
                }}
                column={texts.t("activity-column-country")}
                value_column={texts.t("activity-column-messages")}
                items={activity.destinations.iter().map(|d| (country_name_in(&d.country, texts), d.messages)).collect::<Vec<_>>()}
            />
        </>
    }
}

/// One series of a day chart: its class, its name in the legend and a value per day.
#[derive(Debug, Clone, PartialEq)]
struct Series {
    class: &'static str,
    name: String,
    values: Vec<i64>,
}

#[derive(Properties, PartialEq)]
struct DayChartProps {
    id: &'static str,
    /// `YYYY-MM-DD`, oldest first.
    dates: Vec<String>,
    /// Stacked from the bottom, in order.
    series: Vec<Series>,
    /// What a bar's value counts, for its tooltip (a message of `$count`).
    unit: MessageId,
}

/// Bars per day, the series stacked, with a scale and dates beside the picture.
#[component]
fn DayChart(props: &DayChartProps) -> Html {
    let texts = use_i18n();
    let count = props.dates.len();
    let totals: Vec<i64> = (0..count)
        .map(|day| props.series.iter().map(|s| s.values[day]).sum())
        .collect();
    let top = chart::nice_ceiling(totals.iter().copied().max().unwrap_or(0));
    let mut bars = Vec::new();
    for (day, date) in props.dates.iter().enumerate() {
        let mut below = 0;
        for series in &props.series {
            let value = series.values[day];
            if let Some(rect) = chart::segment(day, count, below, below + value, top) {
                let tip = if props.series.len() > 1 {
                    format!(
                        "{}: {} {}",
                        chart::short_date(date, texts),
                        format_points_in(value, texts.language()),
                        series.name.to_lowercase()
                    )
                } else {
                    format!(
                        "{}: {}",
                        chart::short_date(date, texts),
                        chart::count(value, props.unit, texts)
                    )
                };
                bars.push(bar(&rect, series.class, date, value, tip));
            }
            below += value;
        }
    }
    let middle = props
        .dates
        .get(count / 2)
        .map(|d| chart::short_date(d, texts));
    // The stripes failures are drawn with, defined once in the page.
    let striped = props.series.iter().any(|s| s.class == "bar--failed");
    html! {
        <div class="chart">
            <div class="chart-plot">
                <div class="chart-scale" aria-hidden="true">
                    <span>{ format_points_in(top, texts.language()) }</span>
                    <span>{ format_points_in(top / 2, texts.language()) }</span>
                    <span>{ "0" }</span>
                </div>
                <svg class="chart-svg" id={format!("{}-chart", props.id)}
                    viewBox={format!("0 0 {WIDTH} {HEIGHT}")} preserveAspectRatio="none"
                    aria-hidden="true" focusable="false">
                    if striped {
                        <defs>
                            <pattern id="hatch-failed" patternUnits="userSpaceOnUse" width="4" height="4"
                                patternTransform="rotate(45)">
                                <rect class="hatch-ground" x="0" y="0" width="4" height="4" />
                                <rect class="hatch-stripe" x="0" y="0" width="1.6" height="4" />
                            </pattern>
                        </defs>
                    }
                    <line class="chart-grid" x1="0" x2={WIDTH.to_string()} y1="0.5" y2="0.5"
                        vector-effect="non-scaling-stroke" />
                    <line class="chart-grid" x1="0" x2={WIDTH.to_string()}
                        y1={(HEIGHT / 2.0).to_string()} y2={(HEIGHT / 2.0).to_string()}
                        vector-effect="non-scaling-stroke" />
                    <line class="chart-axis" x1="0" x2={WIDTH.to_string()}
                        y1={(HEIGHT - 0.5).to_string()} y2={(HEIGHT - 0.5).to_string()}
                        vector-effect="non-scaling-stroke" />
                    { for bars }
                </svg>
                <div class="chart-dates" aria-hidden="true">
                    <span>{ props.dates.first().map(|d| chart::short_date(d, texts)).unwrap_or_default() }</span>
                    if count > 2 {
                        <span>{ middle.unwrap_or_default() }</span>
                    }
                    <span>{ props.dates.last().map(|d| chart::short_date(d, texts)).unwrap_or_default() }</span>
                </div>
            </div>
        </div>
    }
}

fn bar(rect: &Rect, class: &'static str, date: &str, value: i64, tip: String) -> Html {
    html! {
        <rect class={classes!("bar", class)} data-date={date.to_owned()} data-value={value.to_string()}
            x={Rect::attr(rect.x)} y={Rect::attr(rect.y)}
            width={Rect::attr(rect.width)} height={Rect::attr(rect.height)}>
            <title>{ tip }</title>
        </rect>
    }
}

#[derive(Properties, PartialEq)]
struct ChartCardProps {
    id: &'static str,
    title: AttrValue,
    summary: String,
    children: Html,
}

/// A chart's card: its heading and the sentence saying what it shows, then the picture
/// and its numbers.
#[component]
fn ChartCard(props: &ChartCardProps) -> Html {
    html! {
        <section class="card chart-card" id={props.id} aria-labelledby={format!("{}-title", props.id)}>
            <h2 id={format!("{}-title", props.id)}>{ props.title.clone() }</h2>
            <p class="chart-summary" id={format!("{}-summary", props.id)}>{ props.summary.clone() }</p>
            { props.children.clone() }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct PointsChartProps {
    days: u32,
    per_day: Vec<DayPointsDto>,
}

#[component]
fn PointsChart(props: &PointsChartProps) -> Html {
    let texts = use_i18n();
    let dates: Vec<String> = props.per_day.iter().map(|d| d.date.clone()).collect();
    let points: Vec<i64> = props.per_day.iter().map(|d| d.points).collect();
    let messages: i64 = props.per_day.iter().map(|d| d.messages).sum();
    let summary = chart::points_summary(&dates, &points, messages, props.days, texts);
    let body = if messages == 0 && points.iter().all(|p| *p == 0) {
        html! { <p class="empty-state muted" id="points-empty">{ texts.t("activity-messages-you-send-show") }</p> }
    } else {
        html! {
            <>
                <DayChart id="points" dates={dates} unit={msg("activity-unit-points")}
                    series={vec![Series { class: "bar--points", name: texts.t("activity-points"), values: points }]} />
                <details class="chart-numbers">
                    <summary>{ texts.t("activity-points-per-day-table") }</summary>
                    <div class="table-scroll" tabindex="0" role="region" aria-label={texts.t("activity-points-per-day")}>
                        <table class="table" id="points-table">
                            <caption class="visually-hidden">{ texts.t("activity-points-spent-per-day") }</caption>
                            <thead><tr><th scope="col">{ texts.t("activity-day") }</th><th scope="col">{ texts.t("activity-points") }</th><th scope="col">{ texts.t("activity-messages") }</th></tr></thead>
                            <tbody>
                                for day in props.per_day.iter() {
                                    <tr>
                                        <th scope="row">{ chart::short_date(&day.date, texts) }</th>
                                        <td>{ format_points_in(day.points, texts.language()) }</td>
                                        <td>{ format_points_in(day.messages, texts.language()) }</td>
                                    </tr>
                                }
                            </tbody>
                        </table>
                    </div>
                </details>
            </>
        }
    };
    html! {
        <ChartCard id="points" title={texts.t("activity-points-spent-per-day-2")} {summary}>{ body }</ChartCard>
    }
}

#[derive(Properties, PartialEq)]
struct SignInsChartProps {
    days: u32,
    per_day: Vec<DaySignInsDto>,
}

#[component]
fn SignInsChart(props: &SignInsChartProps) -> Html {
    let texts = use_i18n();
    let dates: Vec<String> = props.per_day.iter().map(|d| d.date.clone()).collect();
    let succeeded: Vec<i64> = props.per_day.iter().map(|d| d.succeeded).collect();
    let failed: Vec<i64> = props.per_day.iter().map(|d| d.failed).collect();
    let summary = chart::sign_ins_summary(&dates, &succeeded, &failed, props.days, texts);
    let nothing = succeeded.iter().chain(&failed).all(|v| *v == 0);
    let body = if nothing {
        html! { <p class="empty-state muted" id="sign-ins-empty">{ texts.t("activity-sign-ins-portal-show") }</p> }
    } else {
        html! {
            <>
                <ul class="chart-legend" aria-label={texts.t("activity-legend")}>
                    <li>
                        <svg class="legend-swatch" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
                            <rect class="bar bar--succeeded" x="0" y="0" width="12" height="12" />
                        </svg>
                        { texts.t("activity-succeeded-solid") }
                    </li>
                    <li>
                        <svg class="legend-swatch" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
                            <rect class="bar bar--failed" x="0" y="0" width="12" height="12" />
                        </svg>
                        { texts.t("activity-failed-striped-top") }
                    </li>
                </ul>
                <DayChart id="sign-ins" dates={dates} unit={msg("activity-unit-sign-ins")}
                    series={vec![
                        Series { class: "bar--succeeded", name: texts.t("activity-succeeded"), values: succeeded },
                        Series { class: "bar--failed", name: texts.t("activity-failed"), values: failed },
                    ]} />
                <details class="chart-numbers">
                    <summary>{ texts.t("activity-sign-ins-per-day") }</summary>
                    <div class="table-scroll" tabindex="0" role="region" aria-label={texts.t("activity-sign-ins-per-day-3")}>
                        <table class="table" id="sign-ins-table">
                            <caption class="visually-hidden">{ texts.t("activity-sign-ins-per-day-2") }</caption>
                            <thead><tr><th scope="col">{ texts.t("activity-day") }</th><th scope="col">{ texts.t("activity-succeeded") }</th><th scope="col">{ texts.t("activity-failed") }</th></tr></thead>
                            <tbody>
                                for day in props.per_day.iter() {
                                    <tr>
                                        <th scope="row">{ chart::short_date(&day.date, texts) }</th>
                                        <td>{ format_points_in(day.succeeded, texts.language()) }</td>
                                        <td class={classes!((day.failed > 0).then_some("failed-count"))}>{ format_points_in(day.failed, texts.language()) }</td>
                                    </tr>
                                }
                            </tbody>
                        </table>
                    </div>
                </details>
            </>
        }
    };
    html! {
        <ChartCard id="sign-ins" title={texts.t("activity-sign-ins-per-day-3")} {summary}>{ body }</ChartCard>
    }
}

#[derive(Properties, PartialEq)]
struct PointsByLoginProps {
    activity: Rc<ActivityDto>,
}

/// The owner's view: who spent the points.
#[component]
fn PointsByLogin(props: &PointsByLoginProps) -> Html {
    let texts = use_i18n();
    let items: Vec<(String, i64)> = props
        .activity
        .points_by_login
        .iter()
        .map(|login| {
            let who = match login.subuser_id {
                None => texts.t_args(
                    "activity-login-you",
                    &[("email", login.email.as_str().into())],
                ),
                Some(_) => login.email.clone(),
            };
            (who, login.points)
        })
        .collect();
    html! {
        <BarList id="by-login" title={texts.t("activity-points-login")} days={props.activity.days}
            words={ListWords {
                unit: msg("activity-unit-points"),
                most: msg("activity-most-spent-by"),
                nothing: msg("activity-no-points-spent"),
            }}
            column={texts.t("activity-column-login")} value_column={texts.t("activity-points")} {items} />
    }
}

#[derive(Properties, PartialEq)]
struct BarListProps {
    id: &'static str,
    title: AttrValue,
    days: u32,
    /// What the values count, and the summary's words.
    words: ListWords,
    column: AttrValue,
    value_column: AttrValue,
    /// Label and value, largest first.
    items: Vec<(String, i64)>,
}

/// A list of labelled bars, longest first, and the same as a table.
#[component]
fn BarList(props: &BarListProps) -> Html {
    let texts = use_i18n();
    let summary = chart::list_summary(&props.items, props.days, props.words, texts);
    let max = props.items.iter().map(|(_, v)| *v).max().unwrap_or(0);
    let body = if props.items.is_empty() {
        html! { <p class="empty-state muted" id={format!("{}-empty", props.id)}>{ texts.t("activity-nothing-draw") }</p> }
    } else {
        html! {
            <>
                <ul class="bar-list" id={format!("{}-list", props.id)}>
                    for (label, value) in props.items.iter() {
                        <li class="bar-row">
                            <span class="bar-label">{ label.clone() }</span>
                            <svg class="bar-track" viewBox="0 0 100 10" preserveAspectRatio="none"
                                aria-hidden="true" focusable="false">
                                <rect class={classes!("bar", format!("bar--{}", props.id))}
                                    data-label={label.clone()} data-value={value.to_string()}
                                    x="0" y="0" width={Rect::attr(chart::share(*value, max))} height="10" />
                            </svg>
                            <span class="bar-value">{ format_points_in(*value, texts.language()) }</span>
                        </li>
                    }
                </ul>
                <details class="chart-numbers">
                    <summary>{ texts.t_args("activity-as-table", &[("title", props.title.as_str().into())]) }</summary>
                    <div class="table-scroll" tabindex="0" role="region" aria-label={props.title.clone()}>
                        <table class="table" id={format!("{}-table", props.id)}>
                            <caption class="visually-hidden">{ props.title.clone() }</caption>
                            <thead><tr><th scope="col">{ props.column.clone() }</th><th scope="col">{ props.value_column.clone() }</th></tr></thead>
                            <tbody>
                                for (label, value) in props.items.iter() {
                                    <tr><th scope="row">{ label.clone() }</th><td>{ format_points_in(*value, texts.language()) }</td></tr>
                                }
                            </tbody>
                        </table>
                    </div>
                </details>
            </>
        }
    };
    html! {
        <ChartCard id={props.id} title={props.title.clone()} {summary}>{ body }</ChartCard>
    }
}
/// A refused API call's reason (as in the security log's `api_call_refused` events) in
/// the portal's words.
pub fn refusal_words(reason: &str, texts: Texts) -> String {
    texts.msg(match reason {
        "token_disabled" => msg("activity-refused-token-disabled"),
        "token_expired" => msg("activity-refused-token-expired"),
        "token_revoked" => msg("activity-refused-token-revoked"),
        "token_invalid" => msg("activity-refused-token-invalid"),
        "token_ip_not_allowed" => msg("activity-refused-token-ip"),
        "account_ip_not_allowed" => msg("activity-refused-account-ip"),
        "account_suspended" => msg("activity-refused-suspended"),
        "insufficient_scope" => msg("activity-refused-scope"),
        _ => msg("activity-refused-other"),
    })
}
