//! `/projects/{id}/health`: a project's weekly health — the weeks without a report once
//! their due day has passed, the file-a-report form for whoever keeps the project (its
//! manager, ops, administrators), the RAG timeline of the last year (one cell a week,
//! missing weeks shown as missing), the hours burn-down of a time-and-materials project
//! (from its time entries) and the report history, ten a page. Filing for a week that
//! has a report revises it (the form says so and carries its version); the API refuses a
//! second filing instead. Reads only what the page shows: a year of RAG codes, the
//! project's time by day and one page of reports.

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::code::Code;
use psops_core::delivery::health::{
    HealthReport, HealthReportFields, HealthReportFilter, HealthReportPatch, HealthSort, Rag, Sentiment, due_on,
    missing_weeks, weeks_between,
};
use psops_core::people::Person;
use psops_core::policy::{Action, Subject};
use psops_core::projects::{BillingType, Project, ProjectStatus};
use psops_core::rule::Rule;
use psops_core::sort::{Direction, Sorted};
use psops_core::store::prelude::*;
use psops_core::timesheet::IsoWeek;
use psops_core::{Error, FieldError};
use serde::Serialize;
use time::{Duration, OffsetDateTime};

use super::admin::{Fields, fields, refused, status_of, write_ctx};
use super::charts::{LineChart, Series, escape, line_chart};
use super::filters::{Pairs, day, label, names_of, subject};
use super::layout::{Frame, frame};
use super::listing::{Cell, Tab};
use super::project_raid::readable;
use super::project_tabs::project_tabs;
use super::render::{UiError, render};
use super::session::SignedIn;
use super::table::{self, Col, Column, Pager, col};
use crate::AppState;
use crate::authorize::{GuardedUpdate, allow};
use crate::params::Params;
use crate::request_id::RequestId;

/// Reports on one page of the history.
const HISTORY_ROWS: u32 = 10;
/// Weeks on the timeline and the burn-down.
const TIMELINE_WEEKS: i64 = 52;

/// The form as shown: what was typed, or the week's report.
#[derive(Serialize, Default)]
struct ReportForm {
    week: String,
    weeks: Vec<(String, String)>,
    overall: String,
    summary: String,
    schedule: String,
    schedule_why: String,
    scope: String,
    scope_why: String,
    budget: String,
    budget_why: String,
    sentiment: String,
    /// The report being revised and the version it was read at.
    revising: Option<(i64, i64)>,
}

#[derive(Serialize)]
struct HealthPage {
    #[serde(flatten)]
    frame: Frame,
    title: String,
    tabs: Vec<Tab>,
    project_id: i64,
    active: bool,
    can_file: bool,
    due: String,
    overdue: Vec<String>,
    form: ReportForm,
    ratings: Vec<(&'static str, String)>,
    sentiments: Vec<(&'static str, String)>,
    errors: Vec<FieldError>,
    conflict: bool,
    done: Option<&'static str>,
    timeline: String,
    burn: Option<String>,
    table_id: &'static str,
    columns: Vec<Column>,
    rows: Vec<Vec<Cell>>,
    pager: Pager,
    empty: &'static str,
}

fn yes_no(b: bool) -> String {
    if b { "yes".into() } else { "no".into() }
}

fn form_of(r: &HealthReport) -> ReportForm {
    let f = &r.fields;
    ReportForm {
        week: f.week.to_string(),
        overall: f.overall.code().into(),
        summary: f.summary.clone(),
        schedule: yes_no(f.schedule_on_track),
        schedule_why: f.schedule_why.clone().unwrap_or_default(),
        scope: yes_no(f.scope_on_track),
        scope_why: f.scope_why.clone().unwrap_or_default(),
        budget: yes_no(f.budget_on_track),
        budget_why: f.budget_why.clone().unwrap_or_default(),
        sentiment: f.sentiment.code().into(),
        revising: Some((r.id.get(), r.meta.version)),
        weeks: Vec::new(),
    }
}

fn blank_form(week: IsoWeek) -> ReportForm {
    ReportForm {
        week: week.to_string(),
        overall: Rag::Green.code().into(),
        schedule: "yes".into(),
        scope: "yes".into(),
        budget: "yes".into(),
        sentiment: Sentiment::Engaged.code().into(),
        ..Default::default()
    }
}

/// The week's report, if it has one.
async fn report_of(st: &AppState, project: &Project, week: IsoWeek) -> Result<Option<HealthReport>, UiError> {
    let filter = HealthReportFilter {
        project_id: Some(project.id),
        from: Some(week),
        to: Some(week),
        archived: None,
    };
    let page = psops_core::page::PageRequest { after: None, limit: 1 };
    Ok(st.store.list(&filter, page).await?.items.into_iter().next())
}

/// The weeks the form offers: this one and the three before, and the one asked for.
fn week_choices(current: IsoWeek, chosen: &str) -> Vec<(String, String)> {
    let monday = current.monday();
    let mut out: Vec<(String, String)> = (0..4)
        .map(|back| {
            let w = IsoWeek::of(monday - Duration::weeks(back));
            let text = match back {
                0 => format!("{w} (this week)"),
                1 => format!("{w} (last week)"),
                _ => w.to_string(),
            };
            (w.to_string(), text)
        })
        .collect();
    if !chosen.is_empty() && !out.iter().any(|(w, _)| w == chosen) {
        out.push((chosen.to_string(), chosen.to_string()));
    }
    out
}

/// The RAG strip: one cell a week, oldest left; missing weeks outlined, the current week
/// before its due day marked as not yet due.
fn timeline(weeks: &[IsoWeek], filed: &HashMap<IsoWeek, Rag>, due: &dyn Fn(IsoWeek) -> bool) -> String {
    if weeks.is_empty() {
        return "<p class=\"muted\">The project has no weeks to show yet.</p>".into();
    }
    let n = weeks.len() as f64;
    let cell = (640.0 / n).min(40.0);
    let width = cell * n;
    let (mut green, mut yellow, mut red, mut missing) = (0, 0, 0, 0);
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart rag-strip\" viewBox=\"0 0 {width:.0} 52\" role=\"img\" aria-labelledby=\"rag-title rag-summary\">\
         <title id=\"rag-title\">Overall RAG by week</title>"
    );
    for (i, w) in weeks.iter().enumerate() {
        let x = i as f64 * cell;
        let (fill, stroke, what) = match filed.get(w) {
            Some(Rag::Green) => {
                green += 1;
                ("#1f7a4d", "none", "green")
            }
            Some(Rag::Yellow) => {
                yellow += 1;
                ("#c9a100", "none", "yellow")
            }
            Some(Rag::Red) => {
                red += 1;
                ("#b42318", "none", "red")
            }
            None if due(*w) => {
                missing += 1;
                ("#ffffff", "#5b6475", "missing")
            }
            None => ("#eef0f4", "none", "not yet due"),
        };
        let _ = write!(
            svg,
            "<rect x=\"{:.1}\" y=\"2\" width=\"{:.1}\" height=\"30\" rx=\"2\" fill=\"{fill}\" stroke=\"{stroke}\" \
             stroke-dasharray=\"3 2\" data-week=\"{w}\" data-rag=\"{what}\"><title>{w}: {what}</title></rect>",
            x + 1.0,
            (cell - 2.0).max(1.0)
        );
    }
    let first = weeks.first().map(ToString::to_string).unwrap_or_default();
    let last = weeks.last().map(ToString::to_string).unwrap_or_default();
    let _ = write!(
        svg,
        "<text x=\"1\" y=\"48\" font-size=\"12\" fill=\"#5b6475\">{}</text>\
         <text x=\"{width:.0}\" y=\"48\" font-size=\"12\" fill=\"#5b6475\" text-anchor=\"end\">{}</text></svg>",
        escape(&first),
        escape(&last)
    );
    let _ = write!(
        svg,
        "<p class=\"chart-summary\" id=\"rag-summary\">{n} weeks: {green} green, {yellow} yellow, {red} red, \
         {missing} missing.</p>"
    );
    svg
}

/// The hours left of the budget at the end of each week, as a line.
async fn burn_chart(st: &AppState, project: &Project, from: IsoWeek, to: IsoWeek) -> Result<Option<String>, UiError> {
    if project.fields.billing_type != BillingType::TimeAndMaterials {
        return Ok(None);
    }
    let Some(budget) = project.fields.budget_minutes else {
        return Ok(Some(
            "<p class=\"muted\">No budget in hours is set on the project, so there is no burn-down.</p>".into(),
        ));
    };
    let burn = st.store.burn_down(project.id, from, to).await?;
    let last = burn.last().map(|b| b.remaining.get() as f64 / 60.0).unwrap_or(0.0);
    let chart = LineChart {
        id: "burn-down".into(),
        title: "Budget hours left at the end of each week".into(),
        unit: "h".into(),
        x_labels: burn.iter().map(|b| format!("W{:02}", b.week.week)).collect(),
        reached: burn.len(),
        partial: None,
        series: vec![Series {
            name: "Hours left".into(),
            values: burn.iter().map(|b| Some(b.remaining.get() as f64 / 60.0)).collect(),
        }],
        targets: Vec::new(),
        empty: "No weeks to show yet.".into(),
        summary: format!(
            "{:.0} of {:.0} budget hours left at the end of {}.",
            last,
            budget.get() as f64 / 60.0,
            to
        ),
    };
    Ok(Some(line_chart(&chart)))
}

fn on_track(on: bool, why: &Option<String>) -> String {
    if on {
        "On track".into()
    } else {
        format!("Off: {}", why.clone().unwrap_or_default())
    }
}

struct Said {
    form: Option<ReportForm>,
    errors: Vec<FieldError>,
    conflict: bool,
    done: Option<&'static str>,
}

async fn page(
    st: &AppState,
    me: &SignedIn,
    s: &Subject,
    project: &Project,
    p: &Pairs,
    said: Said,
) -> Result<Response, UiError> {
    let pid = project.id;
    let settings = st.store.settings().await?;
    let due_day = settings.delivery.health_due;
    let today = OffsetDateTime::now_utc().date();
    let current = IsoWeek::of(today);
    let active = project.fields.status == ProjectStatus::Active;
    // The timeline: the last year, from the project's start when later.
    let year_ago = IsoWeek::of(today - Duration::weeks(TIMELINE_WEEKS - 1));
    let start = project.fields.start_date.map(IsoWeek::of).filter(|s| *s > year_ago);
    let from = start.unwrap_or(year_ago).min(current);
    let weeks = weeks_between(from, current);
    let filed: HashMap<IsoWeek, Rag> = st.store.rag_weeks(pid, from, current).await?.into_iter().collect();
    let is_due = |w: IsoWeek| today > due_on(w, due_day);
    let strip = timeline(&weeks, &filed, &is_due);
    let lookback = settings.delivery.health_lookback_weeks;
    let filed_weeks: Vec<IsoWeek> = filed.keys().copied().collect();
    let overdue = if active {
        missing_weeks(&filed_weeks, project.fields.start_date, today, due_day, lookback)
            .iter()
            .map(ToString::to_string)
            .collect()
    } else {
        Vec::new()
    };
    let burn = burn_chart(st, project, from, current).await?;
    // The history.
    let mut e = Params::new();
    let mut at: Sorted<HealthSort> = table::read(&mut e, p);
    if p.get("sort").is_none() {
        at.key = HealthSort::Week;
        at.direction = Direction::Desc;
    }
    at.size = HISTORY_ROWS;
    let filter = HealthReportFilter {
        project_id: Some(pid),
        archived: Some(false),
        ..Default::default()
    };
    let found = st.store.sorted(&filter, at).await?;
    let filers = names_of::<Person>(st, found.items.iter().map(|r| r.fields.filed_by)).await?;
    let stub = blank_fields(project, current, me);
    let can_file = active && allow(st, s, Action::Create, &stub).await.is_ok();
    let path = format!("/projects/{pid}/health");
    let plain = |label: &'static str| Col {
        label,
        key: None,
        num: false,
        extra: false,
    };
    let mut cols = vec![
        col("Week", HealthSort::Week),
        col("Overall", HealthSort::Overall),
        plain("Schedule"),
        plain("Scope"),
        plain("Budget"),
        plain("Client"),
        plain("Summary"),
        plain("Filed"),
    ];
    if can_file {
        cols.push(plain("Change"));
    }
    let columns = table::head(&path, p, &at, cols);
    let rows = found
        .items
        .iter()
        .map(|r| {
            let f = &r.fields;
            let filer = filers.get(&f.filed_by.get()).cloned().unwrap_or_default();
            let mut row = vec![
                Cell::text(f.week.to_string()),
                Cell::pill(label(f.overall.code()), &format!("rag-{}", f.overall.code())),
                Cell::text(on_track(f.schedule_on_track, &f.schedule_why)),
                Cell::text(on_track(f.scope_on_track, &f.scope_why)),
                Cell::text(on_track(f.budget_on_track, &f.budget_why)),
                Cell::text(label(f.sentiment.code())),
                Cell::text(f.summary.clone()),
                Cell::text(format!("{filer}, {}", day(Some(r.meta.created_at.date())))),
            ];
            if can_file {
                row.push(Cell::edit(
                    Some(format!("{path}?week={}#file", f.week)),
                    &format!("the report of {}", f.week),
                ));
            }
            row
        })
        .collect();
    let pager = table::pager(&path, p, &at, found.total);
    let mut errors = e.into_errors();
    errors.extend(said.errors);
    let form = match said.form {
        Some(f) => f,
        None => {
            let asked = p.get("week").and_then(|w| w.parse::<IsoWeek>().ok()).unwrap_or(current);
            match report_of(st, project, asked).await? {
                Some(r) => form_of(&r),
                None => blank_form(asked),
            }
        }
    };
    let form = ReportForm {
        weeks: week_choices(current, &form.week),
        ..form
    };
    let ctx = HealthPage {
        frame: frame(me, s),
        title: format!("Health: {}", project.fields.name),
        tabs: project_tabs(pid, "/health"),
        project_id: pid.get(),
        active,
        can_file,
        due: label(due_day.code()),
        overdue,
        form,
        ratings: super::filters::options::<Rag>(),
        sentiments: super::filters::options::<Sentiment>(),
        conflict: said.conflict,
        done: said.done,
        timeline: strip,
        burn,
        table_id: "health-history",
        columns,
        rows,
        pager,
        empty: "No report filed yet.",
        errors,
    };
    let status = status_of(&ctx.errors, ctx.conflict);
    Ok((status, render("project_health.html", ctx)?).into_response())
}

/// The filer: the signed-in user's person, else the project's manager.
fn filer(project: &Project, me: &SignedIn) -> Option<psops_core::people::PersonId> {
    me.user.person_id.or(project.fields.project_manager_id)
}

fn blank_fields(project: &Project, week: IsoWeek, me: &SignedIn) -> HealthReportFields {
    HealthReportFields {
        project_id: project.id,
        week,
        overall: Rag::Green,
        summary: String::new(),
        schedule_on_track: true,
        schedule_why: None,
        scope_on_track: true,
        scope_why: None,
        budget_on_track: true,
        budget_why: None,
        sentiment: Sentiment::Engaged,
        filed_by: filer(project, me).unwrap_or(psops_core::Id::new(0)),
    }
}

/// `GET /projects/{id}/health`.
pub async fn show(
    State(st): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    p: Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let project = readable(&st, &s, &id).await?;
    let done = match p.get("done") {
        Some("filed") => Some("Report filed."),
        Some("revised") => Some("Report revised: the earlier version is kept in the audit log."),
        _ => None,
    };
    let said = Said {
        form: None,
        errors: Vec::new(),
        conflict: false,
        done,
    };
    page(&st, &me, &s, &project, &p, said).await
}

fn why(p: &Pairs, key: &str) -> Option<String> {
    Some(p.text(key)).filter(|t| !t.trim().is_empty())
}

/// `POST /projects/{id}/health`: files the week's report, or revises it when the form
/// carries the report it showed.
pub async fn file(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path(id): Path<String>,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let project = readable(&st, &s, &id).await?;
    let typed = ReportForm {
        week: p.text("week"),
        overall: p.text("overall"),
        summary: p.text("summary"),
        schedule: p.text("schedule"),
        schedule_why: p.text("schedule_why"),
        scope: p.text("scope"),
        scope_why: p.text("scope_why"),
        budget: p.text("budget"),
        budget_why: p.text("budget_why"),
        sentiment: p.text("sentiment"),
        revising: match (p.get("report"), p.get("version")) {
            (Some(r), Some(v)) => r.parse().ok().zip(v.parse().ok()),
            _ => None,
        },
        weeks: Vec::new(),
    };
    let mut e = Params::new();
    let week = e.keep("week", typed.week.parse::<IsoWeek>());
    let overall = e.code::<Rag>("overall", Some(&typed.overall));
    let sentiment = e.code::<Sentiment>("sentiment", Some(&typed.sentiment));
    let mut flag = |name: &str, v: &str| match v {
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            e.add(name, Rule::OneOf, format!("{name} must be yes or no"));
            None
        }
    };
    let schedule = flag("schedule_on_track", &typed.schedule);
    let scope = flag("scope_on_track", &typed.scope);
    let budget = flag("budget_on_track", &typed.budget);
    let filed_by = filer(&project, &me);
    if filed_by.is_none() {
        e.add(
            "filed_by",
            Rule::Required,
            "your user is linked to no person and the project has no manager to file under",
        );
    }
    let again = |errors: Vec<FieldError>, conflict: bool, typed: ReportForm| Said {
        form: Some(typed),
        errors,
        conflict,
        done: None,
    };
    let (Some(week), Some(overall), Some(sentiment), Some(schedule), Some(scope), Some(budget), Some(filed_by)) =
        (week, overall, sentiment, schedule, scope, budget, filed_by)
    else {
        let errors = e.into_errors();
        return page(&st, &me, &s, &project, &Pairs::default(), again(errors, false, typed)).await;
    };
    let new = HealthReportFields {
        project_id: project.id,
        week,
        overall,
        summary: typed.summary.clone(),
        schedule_on_track: schedule,
        schedule_why: why(&p, "schedule_why"),
        scope_on_track: scope,
        scope_why: why(&p, "scope_why"),
        budget_on_track: budget,
        budget_why: why(&p, "budget_why"),
        sentiment,
        filed_by,
    };
    let outcome: Result<&str, Error> = match typed.revising {
        Some((report, version)) => {
            let current: HealthReport =
                RecordStore::<HealthReport>::get(&*st.store, psops_core::Id::new(report)).await?;
            if current.fields.project_id != project.id || current.fields.week != week {
                Err(Error::conflict(
                    "week",
                    Rule::OneReportPerWeek,
                    "the report shown is of another week: choose its week to revise it",
                ))
            } else {
                let patch = HealthReportPatch {
                    overall: Some(overall),
                    summary: Some(new.summary.clone()),
                    schedule_on_track: Some(schedule),
                    schedule_why: Some(new.schedule_why.clone()),
                    scope_on_track: Some(scope),
                    scope_why: Some(new.scope_why.clone()),
                    budget_on_track: Some(budget),
                    budget_why: Some(new.budget_why.clone()),
                    sentiment: Some(sentiment),
                };
                let grant = current.allow_update(&st, &s, &patch).await?;
                let ctx = write_ctx(&me, &request, grant);
                RecordStore::<HealthReport>::update(&*st.store, &ctx, current.id, Some(version), patch)
                    .await
                    .map(|_| "revised")
            }
        }
        None => {
            let grant = allow(&st, &s, Action::Create, &new).await?;
            let ctx = write_ctx(&me, &request, grant);
            st.store.create(&ctx, new).await.map(|_| "filed")
        }
    };
    match outcome {
        Ok(done) => {
            st.changed(psops_core::record::Entity::HealthReport);
            Ok(Redirect::to(&format!("/projects/{}/health?done={done}", project.id)).into_response())
        }
        Err(err) => {
            let (errors, conflict) = refused(err)?;
            let typed = if conflict {
                // Shown as stored now, nothing written.
                match report_of(&st, &project, week).await? {
                    Some(r) => form_of(&r),
                    None => typed,
                }
            } else {
                typed
            };
            page(
                &st,
                &me,
                &s,
                &project,
                &Pairs::default(),
                again(errors, conflict, typed),
            )
            .await
        }
    }
}
