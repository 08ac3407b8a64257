//! `/projects/{id}`: one project — facts, budget burn, and its people, 50 a page, most
//! hours first: each person once, with their current stint and the ones before it, then
//! their time by month over the project's life and by ISO week for the last 12 weeks.
//! The hours are sums the store makes; nothing loads every entry of a project.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use psops_core::assignments::{Assignment, AssignmentFilter};
use psops_core::code::Code;
use psops_core::people::{Person, PersonId};
use psops_core::policy::{Action, list_scope};
use psops_core::projects::ProjectId;
use psops_core::rates::cards::ProjectRateFilter;
use psops_core::ratio::basis_points;
use psops_core::reporting::{month_key, month_range};
use psops_core::scope::{ListKind, ListScope};
use psops_core::sort::{ByName, Numbered};
use psops_core::store::Records as _;
use psops_core::timesheet::IsoWeek;
use psops_core::{Id, Minutes};
use serde::Serialize;
use time::{Date, Duration, OffsetDateTime};

use super::filters::{Pairs, day, hours, label, names_of, pct, span};
use super::layout::{Frame, frame};
use super::projects::{Row, row};
use super::render::{UiError, render};
use super::session::SignedIn;
use super::table::{self, Pager};
use crate::AppState;
use crate::authorize::allow;
use crate::params::Params;

/// Weeks shown week by week, ending with the current one.
const RECENT_WEEKS: i64 = 12;

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

/// One person on the project: their stints folded into one row.
#[derive(Serialize)]
struct Member {
    person_id: i64,
    name: String,
    role: String,
    /// The stint running now or next, "from – to, h a week"; empty when rolled off.
    current: String,
    /// When they last rolled off, for someone with no current stint.
    rolled_off: Option<String>,
    /// Earlier stints, oldest first.
    earlier: Vec<String>,
    logged: String,
    /// The assignment its stint column edits: the current one, else the latest.
    assignment: Option<i64>,
}

#[derive(Serialize)]
struct TimeRow {
    person_id: i64,
    name: String,
    cells: Vec<String>,
    total: String,
}

#[derive(Serialize)]
struct Grid {
    columns: Vec<String>,
    rows: Vec<TimeRow>,
    totals: Vec<String>,
    total: String,
}

#[derive(Serialize)]
struct DetailPage {
    #[serde(flatten)]
    frame: Frame,
    project: Row,
    partner: Option<String>,
    burn: Burn,
    members: Vec<Member>,
    pager: Pager,
    months: Grid,
    weeks: Grid,
    limited: bool,
    errors: Vec<psops_core::FieldError>,
    /// The project's own bill rates, for those who may read them.
    rates: Option<Vec<RateLine>>,
    add_rate: bool,
    /// Whoever may change the project gets "Edit"; whoever may staff it, "Add a person".
    edit: bool,
    staff: bool,
    saved: bool,
    /// Someone changed the project since the page was read: shown as it is now.
    conflict: bool,
    plan: Plan,
    /// Whether the reader may see who could take a request (staffing's suggestions).
    find_people: bool,
    tabs: Vec<super::listing::Tab>,
    lifecycle: super::project_lifecycle::Lifecycle,
}

/// A resource request: role, hours, booking, status; an open one links to its suggestions.
#[derive(Serialize)]
struct RequestLine {
    id: i64,
    cells: [String; 4],
    open: bool,
}

/// What the project is to deliver, as its SOW's signature set it up.
#[derive(Serialize, Default)]
struct Plan {
    milestones: Vec<[String; 4]>,
    requests: Vec<RequestLine>,
    checklist: Vec<(String, bool)>,
    /// Its changes: (id, kind, title, status).
    changes: Vec<(i64, &'static str, String, String)>,
}

impl Plan {
    async fn of(st: &AppState, id: ProjectId) -> psops_core::Result<Plan> {
        use psops_core::code::Code;
        use psops_core::plan::{ChecklistItem, Milestone, PlanFilterOf, ResourceRequest};
        let words = |code: &str| code.replace('_', " ");
        let milestones = st.store.every(&PlanFilterOf::<Milestone>::of(id)).await?;
        let requests = st.store.every(&PlanFilterOf::<ResourceRequest>::of(id)).await?;
        let checklist = st.store.every(&PlanFilterOf::<ChecklistItem>::of(id)).await?;
        let changes = st
            .store
            .every(&psops_core::scoping::changes::ChangeFilter {
                project_id: Some(id),
                ..Default::default()
            })
            .await?;
        Ok(Plan {
            changes: changes
                .iter()
                .map(|c| {
                    (
                        c.id.get(),
                        c.fields.kind.label(),
                        c.fields.title.clone(),
                        words(c.status.code()),
                    )
                })
                .collect(),
            milestones: milestones
                .iter()
                .map(|m| {
                    [
                        m.fields.name.clone(),
                        m.fields.due_date.map(super::locale::shown).unwrap_or_default(),
                        m.fields.amount.map(|a| a.written()).unwrap_or_default(),
                        words(m.fields.status.code()),
                    ]
                })
                .collect(),
            requests: requests
                .iter()
                .map(|r| RequestLine {
                    id: r.id.get(),
                    cells: [
                        words(r.fields.role.code()),
                        r.fields.minutes.hours_text(),
                        words(r.fields.booking.code()),
                        words(r.fields.status.code()),
                    ],
                    open: r.fields.status == psops_core::plan::RequestStatus::Open,
                })
                .collect(),
            checklist: checklist
                .iter()
                .map(|c| (c.fields.item.clone(), c.fields.done))
                .collect(),
        })
    }
}

/// One of a project's own bill rates.
#[derive(Serialize)]
struct RateLine {
    role: String,
    rate: String,
    period: String,
    in_force: bool,
    edit: Option<String>,
}

/// The project's bill rate overrides, when the subject may read them: its manager, and
/// those who see every bill rate. `None` hides the section.
async fn overrides(
    st: &AppState,
    s: &psops_core::policy::Subject,
    id: ProjectId,
    today: Date,
) -> Result<Option<Vec<RateLine>>, UiError> {
    let Some(facts) = crate::authorize::project(st, s, id).await? else {
        return Ok(None);
    };
    let resource = psops_core::policy::Resource::ProjectRates(facts);
    if psops_core::policy::decide(s, Action::Read, &resource) != psops_core::policy::Decision::Allow {
        return Ok(None);
    }
    let filter = ProjectRateFilter {
        project_id: Some(id),
        archived: Some(false),
        scope: list_scope(s, ListKind::ProjectRates),
    };
    let keeper = psops_core::policy::decide(s, Action::Update, &resource) == psops_core::policy::Decision::Allow;
    let mut all = st.store.every(&filter).await?;
    all.sort_by_key(|r| (r.fields.role.code(), std::cmp::Reverse(r.fields.effective_from)));
    Ok(Some(
        all.iter()
            .map(|r| {
                let f = &r.fields;
                RateLine {
                    role: label(f.role.code()),
                    rate: f.rate.to_string(),
                    period: span(Some(f.effective_from), f.effective_to),
                    in_force: f.effective_from <= today && f.effective_to.is_none_or(|t| t >= today),
                    edit: keeper.then(|| format!("/rates/projects/{}/edit", r.id)),
                }
            })
            .collect(),
    ))
}

fn stint(a: &Assignment) -> String {
    format!(
        "{}, {} h a week",
        span(Some(a.fields.start_date), a.fields.end_date),
        hours(a.fields.minutes_per_week)
    )
}

/// Each person's stints, and whether one runs today or later.
fn member(person: PersonId, name: String, stints: &[&Assignment], logged: Minutes, today: Date) -> Member {
    let mut stints: Vec<&&Assignment> = stints.iter().collect();
    stints.sort_by_key(|a| a.fields.start_date);
    let live = |a: &Assignment| a.fields.end_date.is_none_or(|e| e >= today);
    let current = stints.iter().rev().find(|a| live(a)).copied();
    let latest = current.or_else(|| stints.last().copied());
    // The latest stint is described already (running, or "rolled off on"); the others
    // that have ended are the earlier ones.
    let earlier: Vec<String> = stints
        .iter()
        .filter(|a| latest.is_none_or(|l| l.id != a.id) && !live(a))
        .map(|a| stint(a))
        .collect();
    Member {
        person_id: person.get(),
        name,
        role: latest
            .map(|a| label(a.fields.role.code()))
            .unwrap_or_else(|| "—".into()),
        current: current.map(|a| stint(a)).unwrap_or_default(),
        rolled_off: match current {
            Some(_) => None,
            None => stints
                .iter()
                .filter_map(|a| a.fields.end_date)
                .max()
                .map(|d| day(Some(d))),
        },
        earlier,
        logged: hours(logged),
        assignment: latest.map(|a| a.id.get()),
    }
}

/// A grid of people × periods from per-day sums; `period` names a day's column, or
/// `None` when the day falls outside the grid. `before` is each person's time from
/// before the days read, counted in the first column ("Earlier").
fn grid(
    columns: Vec<(i64, String)>,
    people: &[(PersonId, String)],
    days: &[(Option<PersonId>, Date, Minutes)],
    all: &[(Option<PersonId>, Date, Minutes)],
    before: &HashMap<PersonId, i64>,
    period: impl Fn(Date) -> i64,
) -> Grid {
    let index: HashMap<i64, usize> = columns.iter().enumerate().map(|(i, (k, _))| (*k, i)).collect();
    let mut cells: HashMap<PersonId, Vec<i64>> = HashMap::new();
    for (who, m) in before.iter().filter(|(_, m)| **m != 0) {
        cells.entry(*who).or_insert_with(|| vec![0; columns.len()])[0] += m;
    }
    for (who, date, m) in days {
        if let (Some(who), Some(i)) = (who, index.get(&period(*date))) {
            cells.entry(*who).or_insert_with(|| vec![0; columns.len()])[*i] += m.get();
        }
    }
    let mut totals = vec![0; columns.len()];
    for (_, date, m) in all {
        if let Some(i) = index.get(&period(*date)) {
            totals[*i] += m.get();
        }
    }
    let show = |m: i64| if m == 0 { String::new() } else { hours(Minutes(m)) };
    let rows = people
        .iter()
        .map(|(p, name)| {
            let row = cells.remove(p).unwrap_or_else(|| vec![0; columns.len()]);
            TimeRow {
                person_id: p.get(),
                name: name.clone(),
                total: hours(Minutes(row.iter().sum())),
                cells: row.into_iter().map(show).collect(),
            }
        })
        .collect();
    Grid {
        total: hours(Minutes(totals.iter().sum())),
        totals: totals.into_iter().map(show).collect(),
        columns: columns.into_iter().map(|(_, l)| l).collect(),
        rows,
    }
}

/// Months shown one by one; time before them is one "Earlier" column.
const RECENT_MONTHS: usize = 12;

/// The month columns: from the first month with time (or the project's start, when
/// nobody has logged any) to today (or the project's end, or its last time), the last [`RECENT_MONTHS`] one by one
/// and anything before them in one "Earlier" column (key: the first shown month − 1).
/// Also returns the first day of the first month shown one by one.
fn months(
    start: Option<Date>,
    end: Option<Date>,
    days: &[(Option<PersonId>, Date, Minutes)],
    today: Date,
) -> (Vec<(i64, String)>, Date) {
    let first = days.iter().map(|d| d.1).min();
    let last = days.iter().map(|d| d.1).max();
    let from = first.or(start).unwrap_or(today);
    // An open project runs to today; a finished one to its end or its last time.
    let to = end.map_or(today, |e| e.min(today)).max(last.unwrap_or(from));
    let keys: Vec<i64> = (month_key(from)..=month_key(to.max(from))).collect();
    let recent = &keys[keys.len().saturating_sub(RECENT_MONTHS)..];
    let since = recent.first().and_then(|k| month_range(*k)).map_or(from, |r| r.start);
    let earlier = (recent.len() < keys.len()).then(|| (recent[0] - 1, "Earlier".to_string()));
    let columns = earlier
        .into_iter()
        .chain(recent.iter().filter_map(|&k| {
            let r = month_range(k)?;
            let month = r.start.month().to_string();
            Some((k, format!("{} {}", &month[..3], r.start.year())))
        }))
        .collect();
    (columns, since)
}

pub async fn show(
    State(st): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    p: Pairs,
) -> Result<Response, UiError> {
    let id = project_id(&id)?;
    page(&st, &me, id, &p, Vec::new(), false).await
}

/// A project's id from its path; anything else is a page that does not exist.
pub fn project_id(text: &str) -> Result<ProjectId, UiError> {
    match text.parse::<i64>() {
        Ok(n) if n > 0 => Ok(ProjectId::new(n)),
        _ => Err(super::not_found()),
    }
}

/// The overview, with what an action on it was refused for (`refused`).
pub async fn page(
    st: &AppState,
    me: &SignedIn,
    id: ProjectId,
    p: &Pairs,
    refused: Vec<psops_core::FieldError>,
    conflict: bool,
) -> Result<Response, UiError> {
    let s = super::filters::subject(st, me).await?;
    let project = st.store.get(id).await?;
    allow(st, &s, Action::Read, &project).await?;
    let today = OffsetDateTime::now_utc().date();
    let f = &project.fields;
    let account = match f.account_id {
        Some(a) => HashMap::from([(a.get(), st.store.get(a).await?.fields.name)]),
        None => HashMap::new(),
    };
    let partner = match f.partner_id {
        Some(p) => Some(st.store.get(p).await?.fields.name),
        None => None,
    };
    let mut stints: BTreeMap<PersonId, Vec<Assignment>> = BTreeMap::new();
    let filter = AssignmentFilter {
        project_id: Some(id),
        archived: Some(false),
        scope: list_scope(&s, ListKind::Assignments),
        ..Default::default()
    };
    for a in st.store.every(&filter).await? {
        stints.entry(a.fields.person_id).or_default().push(a);
    }
    // All time on a project is readable by its (company) manager: its sums need no cut,
    // and read whole from the project's rollups.
    let scope = match list_scope(&s, ListKind::TimeEntries) {
        ListScope::Limited {
            managed_by: Some(m),
            partner: None,
            ..
        } if f.project_manager_id == Some(m) => ListScope::All,
        other => other,
    };
    let logged: HashMap<PersonId, Minutes> = st.store.project_people(id, &scope).await?.into_iter().collect();
    let all_logged = st
        .store
        .project_minutes(&[id])
        .await?
        .get(&id)
        .copied()
        .unwrap_or(Minutes(0));
    // Everyone assigned or with time, most hours first.
    let everyone: BTreeSet<PersonId> = stints.keys().chain(logged.keys()).copied().collect();
    let mut order: Vec<PersonId> = everyone.into_iter().collect();
    order.sort_by_key(|p| (-logged.get(p).map_or(0, |m| m.get()), p.get()));
    let mut e = Params::new();
    let at = table::read::<ByName>(&mut e, p);
    let total_people = order.len() as u64;
    let shown = Numbered::cut(order, &at).items;
    let mut wanted: Vec<Id<Person>> = shown.clone();
    wanted.extend(f.project_manager_id);
    let names = names_of::<Person>(st, wanted).await?;
    let name = |p: PersonId| names.get(&p.get()).cloned().unwrap_or_else(|| format!("#{p}"));
    let members = shown
        .iter()
        .map(|p| {
            let mine: Vec<&Assignment> = stints.get(p).map(|v| v.iter().collect()).unwrap_or_default();
            member(*p, name(*p), &mine, logged.get(p).copied().unwrap_or(Minutes(0)), today)
        })
        .collect();
    let people: Vec<(PersonId, String)> = shown.iter().map(|p| (*p, name(*p))).collect();
    let all_days = st.store.project_days(id, &scope, None, None).await?;
    let (month_columns, since) = months(f.start_date, f.end_date, &all_days, today);
    // The people shown, from the first month shown one by one: their time before it is
    // what their totals leave over.
    let days = st.store.project_days(id, &scope, Some(&shown), Some(since)).await?;
    let mut before: HashMap<PersonId, i64> = shown
        .iter()
        .map(|p| (*p, logged.get(p).map_or(0, |m| m.get())))
        .collect();
    for (who, _, m) in &days {
        if let Some(left) = who.and_then(|w| before.get_mut(&w)) {
            *left -= m.get();
        }
    }
    let this_week = IsoWeek::of(today);
    let week_columns: Vec<(i64, String)> = (0..RECENT_WEEKS)
        .rev()
        .map(|back| {
            let w = IsoWeek::of(this_week.monday() - Duration::weeks(back));
            (psops_core::dates::day_number(w.monday()), w.to_string())
        })
        .collect();
    let monday_of = |d: Date| psops_core::dates::day_number(IsoWeek::of(d).monday());
    let edit = allow(st, &s, Action::Update, &project).await.is_ok();
    let rates = overrides(st, &s, id, today).await?;
    let mut errors = e.into_errors();
    let status = super::admin::status_of(&refused, conflict);
    errors.extend(refused);
    let ctx = DetailPage {
        lifecycle: super::project_lifecycle::Lifecycle::of(st, &project, edit).await?,
        add_rate: rates.is_some() && super::edit::may_edit::<psops_core::rates::ProjectRate>(&s),
        rates,
        frame: frame(me, &s),
        project: row(&project, &account, &names),
        partner,
        burn: burn(all_logged.get(), f.budget_minutes, f.budget.map(|m| m.to_string())),
        members,
        pager: table::pager(&format!("/projects/{id}"), p, &at, total_people),
        months: {
            // Time before the first column falls in it: "Earlier", when there is one.
            let floor = month_columns.first().map_or(i64::MIN, |c| c.0);
            grid(month_columns, &people, &days, &all_days, &before, |d| {
                month_key(d).max(floor)
            })
        },
        weeks: grid(week_columns, &people, &days, &all_days, &HashMap::new(), monday_of),
        limited: scope != ListScope::All,
        errors,
        edit,
        // Staffing follows changing the project: its manager, ops and admins.
        staff: edit && super::edit::may_edit::<Assignment>(&s),
        saved: p.get("saved").is_some(),
        conflict,
        plan: Plan::of(st, id).await?,
        find_people: crate::api::staffing::readable(st, &s).await.is_ok(),
        tabs: super::project_tabs::project_tabs(id, ""),
    };
    Ok((status, render("project.html", ctx)?).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use psops_core::assignments::AssignmentFields;
    use psops_core::meta::Meta;
    use psops_core::people::Function;
    use time::macros::date;

    #[test]
    fn burn_caps_the_bar_and_flags_overrun() {
        let b = burn(30 * 60, Some(Minutes(20 * 60)), None);
        assert_eq!((b.width, b.over, b.percent.as_str()), (100, true, "150.0 %"));
        let b = burn(5 * 60, Some(Minutes(20 * 60)), None);
        assert_eq!((b.width, b.over, b.logged.as_str()), (25, false, "5.00"));
        let b = burn(60, None, None);
        assert_eq!((b.width, b.budget, b.percent.as_str()), (0, None, "—"));
    }

    fn stint_of(id: i64, start: Date, end: Option<Date>) -> Assignment {
        Assignment {
            id: Id::new(id),
            fields: AssignmentFields {
                person_id: Id::new(1),
                project_id: Id::new(1),
                role: Function::Engineer,
                start_date: start,
                end_date: end,
                minutes_per_week: Minutes(20 * 60),
            },
            meta: Meta {
                version: 1,
                created_at: OffsetDateTime::UNIX_EPOCH,
                updated_at: OffsetDateTime::UNIX_EPOCH,
                archived_at: None,
            },
        }
    }

    #[test]
    fn a_person_appears_once_with_earlier_stints_folded() {
        let today = date!(2026 - 06 - 01);
        let past = stint_of(1, date!(2026 - 01 - 05), Some(date!(2026 - 02 - 27)));
        let now = stint_of(2, date!(2026 - 04 - 06), None);
        let m = member(Id::new(1), "Ada".into(), &[&now, &past], Minutes(600), today);
        assert_eq!(m.current, "from 2026-04-06, 20.00 h a week");
        assert_eq!(m.earlier, ["2026-01-05 – 2026-02-27, 20.00 h a week"]);
        assert_eq!(m.rolled_off, None);
        let gone = member(Id::new(1), "Ada".into(), &[&past], Minutes(0), today);
        assert_eq!(
            (gone.current.as_str(), gone.rolled_off.as_deref()),
            ("", Some("2026-02-27"))
        );
    }

    #[test]
    fn months_start_at_the_first_time_and_fold_old_ones_into_earlier() {
        let today = time::macros::date!(2026 - 12 - 05);
        let logged = |d| (None, d, Minutes(60));
        let labels = |c: Vec<(i64, String)>| c.into_iter().map(|(_, l)| l).collect::<Vec<_>>();
        let (short, since) = months(
            Some(time::macros::date!(2026 - 01 - 05)),
            None,
            &[logged(time::macros::date!(2026 - 10 - 14))],
            today,
        );
        assert_eq!(labels(short), ["Oct 2026", "Nov 2026", "Dec 2026"]);
        assert_eq!(since, time::macros::date!(2026 - 10 - 01));
        let (none, _) = months(Some(time::macros::date!(2026 - 11 - 20)), None, &[], today);
        assert_eq!(labels(none), ["Nov 2026", "Dec 2026"], "nothing logged: from the start");
        let (long, since) = months(None, None, &[logged(time::macros::date!(2023 - 02 - 01))], today);
        assert_eq!(
            since,
            time::macros::date!(2026 - 01 - 01),
            "people's days are read from here"
        );
        assert_eq!(long.len(), 13);
        assert_eq!(
            long[0],
            (
                month_key(time::macros::date!(2026 - 01 - 01)) - 1,
                "Earlier".to_string()
            )
        );
        assert_eq!(long[1].1, "Jan 2026");
    }

    #[test]
    fn time_before_the_days_read_lands_in_earlier() {
        let ada = PersonId::new(1);
        let columns = vec![(10, "Earlier".to_string()), (11, "Jan 2026".to_string())];
        let days = [(Some(ada), time::macros::date!(2026 - 01 - 05), Minutes(60))];
        let all = [
            (None, time::macros::date!(2024 - 03 - 01), Minutes(120)),
            (None, time::macros::date!(2026 - 01 - 05), Minutes(60)),
        ];
        let before = HashMap::from([(ada, 120)]);
        let g = grid(columns, &[(ada, "Ada".into())], &days, &all, &before, |d| {
            if d.year() < 2026 { 10 } else { 11 }
        });
        assert_eq!(g.rows[0].cells, ["2.00", "1.00"]);
        assert_eq!(g.rows[0].total, "3.00");
        assert_eq!(g.totals, ["2.00", "1.00"]);
    }
}
