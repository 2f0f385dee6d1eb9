//! The security log page: the account's events, newest first, filtered by kind, with
//! "load older" paging and CSV / JSON export links.

use std::rc::Rc;

use portcullis_shared::dto::{ExportFormat, SecurityEventDto, SecurityEventKind};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::components::{banner_message, FormBanner, SecurityTabs, SelectField};
use crate::hooks::{use_form_problem, use_session};
use crate::state::SessionAction;

/// The words the page shows for each kind (the API's search matches the same words).
pub fn kind_label(kind: SecurityEventKind) -> &'static str {
    kind.label()
}

/// `(value, text)` of the kind filter: every kind, after "all".
fn kind_options() -> Rc<Vec<(&'static str, &'static str)>> {
    let mut options = vec![("", "All events")];
    options.extend(
        SecurityEventKind::ALL
            .iter()
            .map(|kind| (kind.as_str(), kind_label(*kind))),
    );
    Rc::new(options)
}

/// The account's security log. Rendered only behind `RequireSession`.
#[component]
pub fn SecurityLogPage() -> Html {
    let kind = use_state(|| None::<SecurityEventKind>);
    let on_kind = {
        let kind = kind.clone();
        Callback::from(move |chosen| kind.set(chosen))
    };
    let csv_href = api::security_log_export_url(ExportFormat::Csv, *kind);
    let json_href = api::security_log_export_url(ExportFormat::Json, *kind);

    html! {
        <section class="security-log" data-testid="security-log">
            <div class="page-head">
                <div>
                    <p class="eyebrow">{ "Security" }</p>
                    <h1>{ "Security log" }</h1>
                </div>
                <div class="actions">
                    <a id="export-csv" class="button button--secondary" href={csv_href} download="">
                        { "Export CSV" }
                    </a>
                    <a id="export-json" class="button button--secondary" href={json_href} download="">
                        { "Export JSON" }
                    </a>
                </div>
            </div>
            <SecurityTabs />
            <super::security_stream::SecurityStreamCard />
            <SecurityLogView kind={*kind} {on_kind} />
        </section>
    }
}

/// Props of [`SecurityLogView`].
#[derive(Properties, PartialEq)]
pub struct SecurityLogViewProps {
    /// Whose entries: a subuser's (by id), or the whole log when absent.
    #[prop_or_default]
    pub subuser: Option<AttrValue>,
    /// The kind shown, or every kind.
    pub kind: Option<SecurityEventKind>,
    /// Called when the visitor picks another kind.
    pub on_kind: Callback<Option<SecurityEventKind>>,
}

/// The log's kind filter, its events and "load older" paging.
#[component]
pub fn SecurityLogView(props: &SecurityLogViewProps) -> Html {
    let session = use_session();
    let problem = use_form_problem();
    let events = use_state(Vec::<SecurityEventDto>::new);
    let next_cursor = use_state(|| None::<String>);
    let loading = use_state(|| true);
    let subuser = props.subuser.clone();

    // Fetches a page: the first one for the current filter, or the next older one.
    let load = {
        let (session, problem, events, next_cursor, loading) = (
            session.clone(),
            problem.clone(),
            events.clone(),
            next_cursor.clone(),
            loading.clone(),
        );
        Callback::from(
            move |(kind, cursor): (Option<SecurityEventKind>, Option<String>)| {
                loading.set(true);
                problem.set(None);
                let (session, problem, events, next_cursor, loading, subuser) = (
                    session.clone(),
                    problem.clone(),
                    events.clone(),
                    next_cursor.clone(),
                    loading.clone(),
                    subuser.clone(),
                );
                spawn_local(async move {
                    match api::security_log(subuser.as_deref(), kind, cursor.as_deref()).await {
                        Ok(page) => {
                            let mut shown = if cursor.is_some() {
                                (*events).clone()
                            } else {
                                Vec::new()
                            };
                            shown.extend(page.events);
                            events.set(shown);
                            next_cursor.set(page.next_cursor);
                        }
                        Err(err) if err.is_signed_out() => {
                            session.dispatch(SessionAction::SignedOut)
                        }
                        Err(err) => problem.set(Some(err.into_problem())),
                    }
                    loading.set(false);
                });
            },
        )
    };

    {
        let load = load.clone();
        use_effect_with(props.kind, move |kind| load.emit((*kind, None)));
    }

    let on_kind = props
        .on_kind
        .reform(|value: String| SecurityEventKind::parse(&value));
    let on_older = {
        let (load, kind, next_cursor) = (load.clone(), props.kind, next_cursor.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(cursor) = (*next_cursor).clone() {
                load.emit((kind, Some(cursor)));
            }
        })
    };
    let banner = problem
        .get()
        .and_then(|p| banner_message(p, &[]))
        .map(|message| AttrValue::from(format!("Could not load the security log. {message}")));

    html! {
        <>
            <FormBanner message={banner} />
            <div class="card">
                <SelectField id="security-log-kind" label="Show" options={kind_options()}
                    value={AttrValue::from(props.kind.map_or("", SecurityEventKind::as_str))}
                    on_change={on_kind} />
                <SecurityEventTable events={Rc::new((*events).clone())} loading={*loading}
                    viewer={session.me().map(|me| AttrValue::from(me.account.id.clone()))} />
                if next_cursor.is_some() {
                    <button id="load-older" type="button" class="button button--secondary"
                        onclick={on_older} disabled={*loading}>
                        { "Load older events" }
                    </button>
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
    if props.events.is_empty() {
        let text = if props.loading {
            "Loading…"
        } else {
            "No events match."
        };
        return html! { <p class="muted" id="security-log-empty">{ text }</p> };
    }
    html! {
        <div class="table-scroll">
        <table class="table table--stack" id="security-log-table">
            <thead>
                <tr>
                    <th scope="col">{ "When (UTC)" }</th>
                    <th scope="col">{ "Event" }</th>
                    <th scope="col">{ "By" }</th>
                    <th scope="col">{ "Address" }</th>
                    <th scope="col">{ "Browser" }</th>
                    <th scope="col">{ "Details" }</th>
                </tr>
            </thead>
            <tbody>
                { for props.events.iter().map(|event| event_row(event, props.viewer.as_deref())) }
            </tbody>
        </table>
        </div>
    }
}

fn event_row(event: &SecurityEventDto, viewer: Option<&str>) -> Html {
    let details = details_in_words(&event.details);
    let device = event
        .device
        .clone()
        .or_else(|| event.user_agent.clone())
        .unwrap_or_default();
    html! {
        <tr key={event.id.clone()} data-kind={event.kind.as_str()}>
            <td data-label="When (UTC)"><time datetime={event.created_at.clone()}>{ event.created_at.replace('T', " ").replace('Z', "") }</time></td>
            <td data-label="Event">{ kind_label(event.kind) }</td>
            <td data-label="By" class="event-actor">{ actor_name(event, viewer) }</td>
            <td data-label="Address">{ event.ip.clone().unwrap_or_default() }</td>
            <td data-label="Browser" class="muted" title={event.user_agent.clone()}>{ device }</td>
            <td data-label="Details">{ details }</td>
        </tr>
    }
}

/// Who did it, as a person reads it: "You", a subuser's e-mail, or what the server's
/// own actors are.
pub fn actor_name(event: &SecurityEventDto, viewer: Option<&str>) -> String {
    if viewer == Some(event.actor.as_str()) {
        return "You".to_owned();
    }
    if let Some(email) = &event.actor_email {
        return email.clone();
    }
    match event.actor.as_str() {
        "system" => "Portcullis".to_owned(),
        "anonymous" => "Someone not signed in".to_owned(),
        "operator" => "The gateway's operator".to_owned(),
        other => other.to_owned(),
    }
}

/// `Reason: wrong password, Scopes: sms` from `{reason: wrong_password, scopes: sms}`:
/// keys as words with a capital, values' underscores as spaces, `true`/`false` as yes/no.
pub fn details_in_words(details: &std::collections::BTreeMap<String, String>) -> String {
    details
        .iter()
        .map(|(key, value)| {
            let key = key.replace('_', " ");
            let mut chars = key.chars();
            let key = chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default();
            let plain = value.chars().all(|c| c.is_ascii_lowercase() || c == '_');
            let value = match value.as_str() {
                "true" => "yes".to_owned(),
                "false" => "no".to_owned(),
                _ if plain => value.replace('_', " "),
                _ => value.clone(),
            };
            format!("{key}: {value}")
        })
        .collect::<Vec<_>>()
        .join(", ")
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
            actor_name(&event("acc_1", Some("ada@example.com")), viewer),
            "You"
        );
        assert_eq!(
            actor_name(&event("sub_2", Some("clerk@example.com")), viewer),
            "clerk@example.com"
        );
        assert_eq!(
            actor_name(&event("anonymous", None), viewer),
            "Someone not signed in"
        );
        assert_eq!(actor_name(&event("system", None), None), "Portcullis");
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
            details_in_words(&details),
            "New device: yes, Reason: wrong password, Token name: CI_prod"
        );
    }
}
