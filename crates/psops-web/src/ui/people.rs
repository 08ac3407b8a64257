//! `/people`: the list with filters and paging, and one person's page — facts, this
//! fiscal quarter's capacity in both views, time off, and utilization by ISO week. The
//! time details show to whoever the policy lets read the person's own time.

use psops_core::store::Records as _;
use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use psops_core::calendars::TimeOffFilter;
use psops_core::capacity::{Capacity, CapacityView};
use psops_core::code::Code;
use psops_core::dates::DateRange;
use psops_core::page::PageRequest;
use psops_core::partners::PartnerFilter;
use psops_core::people::{Function, Person, PersonFilter, PersonId, PersonSort};
use psops_core::policy::{Action, Decision, Resource, decide, list_scope};
use psops_core::ratio::basis_points;
use psops_core::reporting::UtilizationFilter;
use psops_core::scope::ListKind;
use psops_core::utilization::GroupBy;
use psops_core::utilization_weeks::{WeekFigures, weeks_in};
use psops_core::{FieldError, Minutes};
use serde::Serialize;
use time::OffsetDateTime;

use super::charts::{Bar, BarChart, Target, bar_chart};
use super::filters::{Pairs, bp_percent, day, hours, is_htmx, label, options, pct, person_names, span, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use super::table::{self, Column, Pager, col, num};
use crate::AppState;
use crate::authorize::allow;
use crate::params::Params;

const ALL: PageRequest = PageRequest {
    after: None,
    limit: 500,
};

#[derive(Serialize)]
struct Row {
    id: i64,
    name: String,
    email: String,
    function: String,
    region: String,
    employer: String,
    fte: String,
}

#[derive(Serialize)]
struct ListPage {
    #[serde(flatten)]
    frame: Frame,
    rows: Vec<Row>,
    errors: Vec<FieldError>,
    columns: Vec<Column>,
    pager: Pager,
    f: BTreeMap<&'static str, String>,
    functions: Vec<(&'static str, String)>,
    partners: Vec<(String, String)>,
    /// Whoever may add people gets "New person".
    new: bool,
}

fn fte(p: &Person) -> String {
    let bp = p.fields.fte.basis_points();
    format!("{}.{:02}", bp / 10_000, (bp % 10_000 + 50) / 100)
}

fn employer(p: &Person, partners: &HashMap<i64, String>) -> String {
    match p.fields.partner_id {
        Some(id) => partners
            .get(&id.get())
            .cloned()
            .unwrap_or_else(|| format!("partner #{id}")),
        None => "the company".into(),
    }
}

async fn partner_names(st: &AppState, s: &psops_core::policy::Subject) -> Result<Vec<(String, String)>, UiError> {
    let filter = PartnerFilter {
        scope: list_scope(s, ListKind::Partners),
        ..Default::default()
    };
    let found = st.store.list(&filter, ALL).await?;
    Ok(found
        .items
        .into_iter()
        .map(|p| (p.id.to_string(), p.fields.name))
        .collect())
}

pub async fn list(State(st): State<AppState>, me: SignedIn, headers: HeaderMap, p: Pairs) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let mut e = Params::new();
    let filter = PersonFilter {
        function: e.code::<Function>("function", p.get("function")),
        region: p.get("region").map(str::to_string),
        partner_id: e.id("partner", p.get("partner")),
        q: p.get("q").map(str::to_string),
        archived: Some(false),
        scope: list_scope(&s, ListKind::People),
        ..Default::default()
    };
    let at = table::read::<PersonSort>(&mut e, &p);
    let found = st.store.sorted(&filter, at).await?;
    let partners = partner_names(&st, &s).await?;
    let by_id: HashMap<i64, String> = partners
        .iter()
        .filter_map(|(id, name)| Some((id.parse().ok()?, name.clone())))
        .collect();
    let rows = found
        .items
        .iter()
        .map(|person| Row {
            id: person.id.get(),
            name: person.fields.name.clone(),
            email: person.fields.email.clone(),
            function: label(person.fields.function.code()),
            region: person.fields.region.clone(),
            employer: employer(person, &by_id),
            fte: fte(person),
        })
        .collect();
    let ctx = ListPage {
        new: super::edit::may_edit::<Person>(&s),
        frame: frame(&me, &s),
        rows,
        errors: e.into_errors(),
        columns: table::head(
            "/people",
            &p,
            &at,
            vec![
                col("Name", PersonSort::Name),
                col("E-mail", PersonSort::Email),
                col("Function", PersonSort::Function),
                col("Region", PersonSort::Region),
                col("Employer", PersonSort::Employer),
                num("FTE", PersonSort::Fte),
            ],
        ),
        pager: table::pager("/people", &p, &at, found.total),
        f: ["function", "region", "partner", "q", "sort", "dir"]
            .into_iter()
            .map(|k| (k, p.text(k)))
            .collect(),
        functions: options::<Function>(),
        partners,
    };
    let template = if is_htmx(&headers) {
        "people_results.html"
    } else {
        "people.html"
    };
    Ok(render(template, ctx)?.into_response())
}

#[derive(Serialize)]
struct CapacityRow {
    item: &'static str,
    policy: String,
    calendar: String,
}

#[derive(Serialize)]
struct WeekRow {
    week: String,
    available: String,
    worked: String,
    billable: String,
    utilization: String,
    billable_utilization: String,
    target: String,
}

#[derive(Serialize)]
struct Details {
    sees_time_off: bool,
    chart: String,
    quarter: String,
    range: String,
    capacity: Vec<CapacityRow>,
    /// Runs of days off, latest first.
    time_off: Vec<super::time_off::Run>,
    weeks: Vec<WeekRow>,
}

#[derive(Serialize)]
struct DetailPage {
    #[serde(flatten)]
    frame: Frame,
    person: Row,
    time_zone: String,
    employment: String,
    manager: Option<(i64, String)>,
    details: Option<Details>,
    /// "Edit" for whoever may change the person; "Assign to a project" for whoever
    /// staffs projects.
    edit: bool,
    assign: bool,
    saved: bool,
    /// Who signs in as this person, for an administrator (who manages sign-ins).
    sign_ins: Option<Vec<SignIn>>,
    /// Skills, certifications and vetting (`person_profile.rs`).
    profile: Option<super::person_profile::Profile>,
}

#[derive(Serialize)]
struct SignIn {
    email: String,
    /// The user's row on the users page.
    href: String,
    roles: String,
    disabled: bool,
}

async fn sign_ins(
    st: &AppState,
    s: &psops_core::policy::Subject,
    id: PersonId,
) -> Result<Option<Vec<SignIn>>, UiError> {
    if decide(s, Action::Read, &Resource::Users) != Decision::Allow {
        return Ok(None);
    }
    let users = st.store.users_of_person(id).await?;
    Ok(Some(
        users
            .into_iter()
            .map(|u| SignIn {
                roles: u.roles.iter().map(|r| label(r.code())).collect::<Vec<_>>().join(", "),
                href: format!(
                    "/admin/users?{}",
                    serde_urlencoded::to_string([("email", &u.email)]).unwrap_or_default()
                ),
                email: u.email,
                disabled: u.disabled_at.is_some(),
            })
            .collect(),
    ))
}

pub async fn show(
    State(st): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    p: Pairs,
) -> Result<Response, UiError> {
    let id: PersonId = match id.parse::<i64>() {
        Ok(n) if n > 0 => PersonId::new(n),
        _ => return Err(super::not_found()),
    };
    let s = subject(&st, &me).await?;
    let person = st.store.get(id).await?;
    allow(&st, &s, Action::Read, &person).await?;
    let mut partners = HashMap::new();
    if let Some(pid) = person.fields.partner_id {
        partners.insert(pid.get(), st.store.get(pid).await?.fields.name);
    }
    let manager = match person.fields.manager_id {
        Some(m) => person_names(&st, vec![m])
            .await?
            .get(&m.get())
            .map(|name| (m.get(), name.clone())),
        None => None,
    };
    let figures = Resource::Figures {
        person_id: id,
        partner_id: person.fields.partner_id,
        manager_id: person.fields.manager_id,
    };
    let time_off = Resource::TimeOff {
        person_id: id,
        person_partner_id: person.fields.partner_id,
        manager_id: person.fields.manager_id,
    };
    let details = if decide(&s, Action::Read, &figures) == Decision::Allow {
        let sees_time_off = decide(&s, Action::Read, &time_off) == Decision::Allow;
        Some(details(&st, &person, sees_time_off).await?)
    } else {
        None
    };
    let f = &person.fields;
    let ctx = DetailPage {
        frame: frame(&me, &s),
        person: Row {
            id: person.id.get(),
            name: f.name.clone(),
            email: f.email.clone(),
            function: label(f.function.code()),
            region: f.region.clone(),
            employer: employer(&person, &partners),
            fte: fte(&person),
        },
        time_zone: f.time_zone.clone(),
        employment: span(Some(f.employment_start), f.employment_end),
        manager,
        details,
        edit: allow(&st, &s, Action::Update, &person).await.is_ok(),
        assign: super::edit::may_edit::<psops_core::assignments::Assignment>(&s),
        saved: p.get("saved").is_some(),
        sign_ins: sign_ins(&st, &s, id).await?,
        profile: super::person_profile::profile(&st, &s, &person).await?,
    };
    Ok(render("person.html", ctx)?.into_response())
}

fn capacity_rows(policy: &Capacity, calendar: &Capacity) -> Vec<CapacityRow> {
    let row = |item, f: fn(&Capacity) -> Minutes| CapacityRow {
        item,
        policy: hours(f(policy)),
        calendar: hours(f(calendar)),
    };
    vec![
        row("Weekday hours", |c| c.weekday_minutes),
        row("Holidays", |c| c.holiday_minutes),
        row("Time off", |c| c.time_off_minutes),
        row("Available", |c| c.available_minutes),
        row("Billable target", |c| c.target_minutes),
    ]
}

async fn details(st: &AppState, person: &Person, sees_time_off: bool) -> Result<Details, UiError> {
    let policy = st.store.capacity_rules().await?;
    let today = OffsetDateTime::now_utc().date();
    let fiscal = policy.fiscal_calendar();
    let q = fiscal.quarter_of(today);
    let range = fiscal.quarter_range(q);
    let by_policy = st.store.capacity(person.id, range, CapacityView::Policy).await?;
    let by_calendar = st.store.capacity(person.id, range, CapacityView::Calendar).await?;
    let off = if sees_time_off {
        let filter = TimeOffFilter {
            person_id: Some(person.id),
            ..Default::default()
        };
        st.store.list_time_off(&filter, ALL).await?.items
    } else {
        Vec::new()
    };
    let mut time_off: Vec<_> = psops_core::calendars::runs(&off)
        .iter()
        .filter_map(|r| super::time_off::run(r))
        .collect();
    time_off.reverse();
    let filter = UtilizationFilter {
        person_id: Some(person.id),
        ..Default::default()
    };
    // One read for every week reached so far (this one to date); later weeks have no
    // figures yet.
    let so_far = match DateRange::new(range.start, range.end.min(today)) {
        Ok(cut) => Some(st.store.utilization_weeks(cut, GroupBy::Person, &filter).await?),
        Err(_) => None,
    };
    let (reached, partial) = super::report_charts::progress(range, today);
    let figures: Vec<WeekFigures> = so_far
        .and_then(|s| s.groups.into_iter().next())
        .map(|g| g.weeks)
        .unwrap_or_default();
    let mut weeks = Vec::new();
    let mut bars = Vec::new();
    for (i, (week, _)) in weeks_in(range).into_iter().enumerate() {
        let r = figures.get(i).copied().unwrap_or_default();
        let so_far = if partial == Some(i) { " (so far)" } else { "" };
        bars.push(Bar {
            label: format!("W{:02}", week.week),
            value: bp_percent(r.billable_utilization_bp()),
            second: None,
        });
        weeks.push(WeekRow {
            week: format!("{week}{so_far}"),
            available: hours(r.available),
            worked: hours(r.worked),
            billable: hours(r.billable),
            utilization: pct(r.utilization_bp()),
            billable_utilization: pct(r.billable_utilization_bp()),
            target: pct(r.target_bp()),
        });
    }
    weeks.truncate(reached);
    let target = basis_points(by_policy.target_minutes.get(), by_policy.available_minutes.get());
    let quarter = q.label();
    let chart = BarChart {
        title: format!("Billable utilization by week, {quarter}"),
        unit: "%".into(),
        series: "Billable utilization".into(),
        second_series: None,
        bars,
        targets: target
            .filter(|t| *t > 0)
            .map(|t| Target {
                label: "Target".into(),
                value: bp_percent(Some(t)),
            })
            .into_iter()
            .collect(),
        reached: Some(reached),
        empty: format!("No billable time recorded in {quarter} yet — the weeks fill in as it is logged."),
        summary: String::new(),
    };
    Ok(Details {
        sees_time_off,
        chart: bar_chart(&chart),
        quarter,
        range: format!("{} – {}", day(Some(range.start)), day(Some(range.end))),
        capacity: capacity_rows(&by_policy, &by_calendar),
        time_off,
        weeks,
    })
}
