//! `/projects`: the list with filters and paging, and one project's page — header, team,
//! budget burn, and time by person and ISO week. Lists are cut by `list_scope`; a project
//! the subject may not read is the 404 page.

use psops_core::store::Records as _;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use psops_core::accounts::{Account, AccountFilter};
use psops_core::assignments::AssignmentFilter;
use psops_core::code::Code;
use psops_core::page::PageRequest;
use psops_core::partners::PartnerFilter;
use psops_core::people::{Function, PersonFilter, PersonId};
use psops_core::policy::{Action, list_scope};
use psops_core::projects::{Project, ProjectFilter, ProjectId, ProjectSort, ProjectStatus};
use psops_core::ratio::basis_points;
use psops_core::scope::{ListKind, ListScope};
use psops_core::time_entries::{TimeEntry, TimeEntryFilter};
use psops_core::timesheet::IsoWeek;
use psops_core::{FieldError, Id, Minutes};
use serde::Serialize;

use super::filters::{Pairs, day, hours, is_htmx, label, names_of, options, pct, person_names, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use super::table::{self, Column, Pager, col};
use crate::AppState;
use crate::authorize::allow;
use crate::params::Params;

/// Everything in one request to the store: lists for filter choices.
const ALL: PageRequest = PageRequest {
    after: None,
    limit: 500,
};

#[derive(Serialize)]
struct Choice {
    value: String,
    label: String,
}

#[derive(Serialize)]
struct Row {
    id: i64,
    name: String,
    code: String,
    account: String,
    status: String,
    project_type: String,
    billing: String,
    pm: String,
    start: String,
    end: String,
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
    statuses: Vec<(&'static str, String)>,
    accounts: Vec<Choice>,
    managers: Vec<Choice>,
    partners: Vec<Choice>,
}

pub async fn list(State(st): State<AppState>, me: SignedIn, headers: HeaderMap, p: Pairs) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let mut e = Params::new();
    let filter = ProjectFilter {
        status: e.code::<ProjectStatus>("status", p.get("status")),
        account_id: e.id("account", p.get("account")),
        project_manager_id: e.id("pm", p.get("pm")),
        partner_id: e.id("partner", p.get("partner")),
        q: p.get("q").map(str::to_string),
        archived: Some(false),
        scope: list_scope(&s, ListKind::Projects),
        ..Default::default()
    };
    let at = table::read::<ProjectSort>(&mut e, &p);
    let found = st.store.sorted(&filter, at).await?;
    let accounts = st
        .store
        .list(
            &AccountFilter {
                archived: Some(false),
                scope: list_scope(&s, ListKind::Accounts),
                ..Default::default()
            },
            ALL,
        )
        .await?;
    // The rows' names come by id: the filter's choices stop at 500 accounts.
    let account_ids: Vec<Id<Account>> = found.items.iter().filter_map(|p| p.fields.account_id).collect();
    let account_names = names_of(&st, account_ids, |a: Account| a.fields.name).await?;
    let mut managers = Vec::new();
    for function in [Function::ProjectManager, Function::ProgramManager] {
        let people_filter = PersonFilter {
            function: Some(function),
            archived: Some(false),
            scope: list_scope(&s, ListKind::People),
            ..Default::default()
        };
        let people = st.store.list(&people_filter, ALL).await?;
        managers.extend(people.items.into_iter().map(|p| Choice {
            value: p.id.to_string(),
            label: p.fields.name,
        }));
    }
    let partners = st
        .store
        .list(
            &PartnerFilter {
                archived: Some(false),
                scope: list_scope(&s, ListKind::Partners),
                ..Default::default()
            },
            ALL,
        )
        .await?;
    let pm_ids: Vec<PersonId> = found.items.iter().filter_map(|p| p.fields.project_manager_id).collect();
    let pm_names = person_names(&st, pm_ids).await?;
    let rows = found
        .items
        .iter()
        .map(|pr| row(pr, &account_names, &pm_names))
        .collect();
    let f = ["status", "account", "pm", "partner", "q", "sort", "dir"]
        .into_iter()
        .map(|k| (k, p.text(k)))
        .collect();
    let ctx = ListPage {
        frame: frame(&me, &s),
        rows,
        errors: e.into_errors(),
        columns: table::head(
            "/projects",
            &p,
            &at,
            vec![
                col("Project", ProjectSort::Name),
                col("Code", ProjectSort::Code),
                col("Account", ProjectSort::Account),
                col("Status", ProjectSort::Status),
                col("Type", ProjectSort::Type),
                col("Billing", ProjectSort::Billing),
                col("PM", ProjectSort::Pm),
                col("Start", ProjectSort::Start),
                col("End", ProjectSort::End),
            ],
        ),
        pager: table::pager("/projects", &p, &at, found.total),
        f,
        statuses: options::<ProjectStatus>(),
        accounts: accounts
            .items
            .into_iter()
            .map(|a| Choice {
                value: a.id.to_string(),
                label: a.fields.name,
            })
            .collect(),
        managers,
        partners: partners
            .items
            .into_iter()
            .map(|p| Choice {
                value: p.id.to_string(),
                label: p.fields.name,
            })
            .collect(),
    };
    let template = if is_htmx(&headers) {
        "projects_results.html"
    } else {
        "projects.html"
    };
    Ok(render(template, ctx)?.into_response())
}

fn row(pr: &Project, accounts: &HashMap<i64, String>, pms: &HashMap<i64, String>) -> Row {
    let f = &pr.fields;
    Row {
        id: pr.id.get(),
        name: f.name.clone(),
        code: f.code.clone().unwrap_or_default(),
        account: f
            .account_id
            .map(|a| accounts.get(&a.get()).cloned().unwrap_or_else(|| format!("#{a}")))
            .unwrap_or_else(|| "internal".into()),
        status: label(f.status.code()),
        project_type: label(f.project_type.code()),
        billing: label(f.billing_type.code()),
        pm: f
            .project_manager_id
            .and_then(|m| pms.get(&m.get()).cloned())
            .unwrap_or_else(|| "—".into()),
        start: day(f.start_date),
        end: day(f.end_date),
    }
}

#[derive(Serialize)]
struct TeamRow {
    person_id: i64,
    name: String,
    role: String,
    start: String,
    end: String,
    hours_per_week: String,
}

#[derive(Serialize)]
struct Burn {
    logged: String,
    budget: Option<String>,
    percent: String,
    /// Bar width, 0–100.
    width: i64,
    over: bool,
    money_budget: Option<String>,
}

#[derive(Serialize)]
struct TimeRow {
    person_id: i64,
    name: String,
    cells: Vec<String>,
    total: String,
}

#[derive(Serialize)]
struct DetailPage {
    #[serde(flatten)]
    frame: Frame,
    project: Row,
    partner: Option<String>,
    team: Vec<TeamRow>,
    burn: Burn,
    weeks: Vec<String>,
    time_rows: Vec<TimeRow>,
    week_totals: Vec<String>,
    grand_total: String,
    limited: bool,
}

/// Every time entry of a project under a scope, page by page.
async fn entries(st: &AppState, id: ProjectId, scope: ListScope) -> Result<Vec<TimeEntry>, UiError> {
    let filter = TimeEntryFilter {
        project_id: Some(id),
        scope,
        ..Default::default()
    };
    let mut all = Vec::new();
    let mut page = ALL;
    loop {
        let got = st.store.list_time_entries(&filter, page).await?;
        let last = got.items.last().map(|e| e.id.get());
        all.extend(got.items);
        match (got.next_cursor, last) {
            (Some(_), Some(last)) => page.after = Some(last),
            _ => return Ok(all),
        }
    }
}

pub async fn show(State(st): State<AppState>, me: SignedIn, Path(id): Path<String>) -> Result<Response, UiError> {
    let id: ProjectId = match id.parse::<i64>() {
        Ok(n) if n > 0 => ProjectId::new(n),
        _ => return Err(super::not_found()),
    };
    let s = subject(&st, &me).await?;
    let project = st.store.get(id).await?;
    allow(&st, &s, Action::Read, &project).await?;
    let f = &project.fields;
    let account = match f.account_id {
        Some(a) => HashMap::from([(a.get(), st.store.get(a).await?.fields.name)]),
        None => HashMap::new(),
    };
    let partner = match f.partner_id {
        Some(p) => Some(st.store.get(p).await?.fields.name),
        None => None,
    };
    let assignments = st
        .store
        .list(
            &AssignmentFilter {
                project_id: Some(id),
                archived: Some(false),
                scope: list_scope(&s, ListKind::Assignments),
                ..Default::default()
            },
            ALL,
        )
        .await?;
    let scope = list_scope(&s, ListKind::TimeEntries);
    let visible = entries(&st, id, scope).await?;
    let logged: i64 = if scope == ListScope::All {
        visible.iter().map(|e| e.minutes.get()).sum()
    } else {
        entries(&st, id, ListScope::All)
            .await?
            .iter()
            .map(|e| e.minutes.get())
            .sum()
    };
    let mut ids: Vec<PersonId> = assignments.items.iter().map(|a| a.fields.person_id).collect();
    ids.extend(visible.iter().map(|e| e.person_id));
    ids.extend(f.project_manager_id);
    let names = person_names(&st, ids).await?;
    let name = |p: PersonId| names.get(&p.get()).cloned().unwrap_or_else(|| format!("#{p}"));
    let team = assignments
        .items
        .iter()
        .map(|a| TeamRow {
            person_id: a.fields.person_id.get(),
            name: name(a.fields.person_id),
            role: label(a.fields.role.code()),
            start: day(Some(a.fields.start_date)),
            end: day(a.fields.end_date),
            hours_per_week: hours(a.fields.minutes_per_week),
        })
        .collect();
    let (weeks, time_rows, week_totals, grand_total) = time_table(&visible, &name);
    let ctx = DetailPage {
        frame: frame(&me, &s),
        project: row(&project, &account, &names),
        partner,
        team,
        burn: burn(logged, f.budget_minutes, f.budget.map(|m| m.to_string())),
        weeks,
        time_rows,
        week_totals,
        grand_total,
        limited: scope != ListScope::All,
    };
    Ok(render("project.html", ctx)?.into_response())
}

fn burn(logged: i64, budget: Option<Minutes>, money_budget: Option<String>) -> Burn {
    let bp = budget.and_then(|b| basis_points(logged, b.get()));
    Burn {
        logged: hours(Minutes(logged)),
        budget: budget.map(hours),
        percent: pct(bp),
        width: bp.map_or(0, |bp| (bp / 100).clamp(0, 100)),
        over: bp.is_some_and(|bp| bp > 10_000),
        money_budget,
    }
}

type TimeTable = (Vec<String>, Vec<TimeRow>, Vec<String>, String);

/// Person rows × ISO week columns, with totals per person, per week and overall.
fn time_table(entries: &[TimeEntry], name: &dyn Fn(PersonId) -> String) -> TimeTable {
    let weeks: BTreeSet<IsoWeek> = entries.iter().map(|e| IsoWeek::of(e.date)).collect();
    let mut by_person: BTreeMap<(String, i64), BTreeMap<IsoWeek, i64>> = BTreeMap::new();
    let mut by_week: BTreeMap<IsoWeek, i64> = BTreeMap::new();
    for e in entries {
        let w = IsoWeek::of(e.date);
        *by_person
            .entry((name(e.person_id), e.person_id.get()))
            .or_default()
            .entry(w)
            .or_default() += e.minutes.get();
        *by_week.entry(w).or_default() += e.minutes.get();
    }
    let rows = by_person
        .into_iter()
        .map(|((name, person_id), cells)| TimeRow {
            person_id,
            name,
            cells: weeks
                .iter()
                .map(|w| cells.get(w).map(|m| hours(Minutes(*m))).unwrap_or_default())
                .collect(),
            total: hours(Minutes(cells.values().sum())),
        })
        .collect();
    let totals = weeks
        .iter()
        .map(|w| hours(Minutes(by_week.get(w).copied().unwrap_or(0))))
        .collect();
    let grand = hours(Minutes(by_week.values().sum()));
    (weeks.iter().map(ToString::to_string).collect(), rows, totals, grand)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burn_caps_the_bar_and_flags_overrun() {
        let b = burn(30 * 60, Some(Minutes(20 * 60)), None);
        assert_eq!((b.width, b.over, b.percent.as_str()), (100, true, "150.0 %"));
        let b = burn(5 * 60, Some(Minutes(20 * 60)), None);
        assert_eq!((b.width, b.over, b.logged.as_str()), (25, false, "5.00"));
        let b = burn(60, None, None);
        assert_eq!((b.width, b.budget, b.percent.as_str()), (0, None, "—"));
    }
}
