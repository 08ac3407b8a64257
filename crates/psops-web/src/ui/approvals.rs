//! `/approvals`: submitted weeks waiting for the signed-in approver, one line per person,
//! ISO week and project (internal time is one line too), grouped by project with each
//! project's counts, 50 lines a page, approved or rejected one at a time or many at once.
//! The lines are sums the store makes (nothing loads every waiting entry); deciding a
//! line checks the policy on its entries, and a posted line that is not waiting for the
//! subject is refused as "not waiting for you".

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::Error;
use psops_core::page::PageRequest;
use psops_core::people::{Person, PersonId};
use psops_core::policy::{Action, Grant, Subject, approval_scope, list_scope};
use psops_core::projects::Project;
use psops_core::projects::ProjectId;
use psops_core::reporting::WaitingSort;
use psops_core::rule::Rule;
use psops_core::scope::ListKind;
use psops_core::sort::{Numbered, Sorted};
use psops_core::time_entries::{EntryStatus, TimeEntry, TimeEntryFilter};
use psops_core::timesheet::IsoWeek;
use serde::Serialize;

use super::filters::{Pairs, names_of, subject};
use super::form::Form;
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use super::table::{self, Pager};
use super::week_grid::clock;
use super::week_save::words;
use crate::AppState;
use crate::authorize::allow;
use crate::params::Params;
use crate::request_id::RequestId;

/// One person's submitted time on one project (or internal time) in one week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) struct Line {
    pub person: PersonId,
    pub week: IsoWeek,
    pub project: Option<ProjectId>,
}

impl Line {
    pub fn key(&self) -> String {
        let project = self.project.map_or("internal".into(), |p| p.to_string());
        format!("{}.{}.{project}", self.person, self.week)
    }
}

#[derive(Serialize)]
struct LineView {
    key: String,
    person_id: i64,
    person: String,
    week: String,
    hours: String,
    billable: String,
    non_billable: String,
    entries: i64,
    checked: bool,
}

/// A project's lines on this page, under a heading with the whole project's counts.
#[derive(Serialize)]
struct Group {
    project: String,
    project_id: Option<i64>,
    /// Person-weeks waiting on this project, on every page.
    weeks: usize,
    people: usize,
    hours: String,
    lines: Vec<LineView>,
}

#[derive(Serialize)]
struct ApprovalsPage {
    #[serde(flatten)]
    frame: Frame,
    groups: Vec<Group>,
    total_lines: usize,
    /// Lines waiting before the filters.
    waiting: usize,
    /// The sortable headers: person, week, hours.
    columns: Vec<table::Column>,
    projects: Vec<(String, String)>,
    weeks: Vec<String>,
    f: BTreeMap<&'static str, String>,
    /// This view's query, to come back to it after a decision.
    back: String,
    /// `?view=…`: the same, for a week's page to link back to this view.
    week_query: String,
    pager: Pager,
    reason: String,
    error: String,
    message: String,
}

/// A line's sums: minutes, billable minutes, entries.
type Sums = [i64; 3];

/// Which waiting lines to show: one project (or internal time), one week, people whose
/// name holds some text, or only weeks waiting more than a week since they ended.
#[derive(Default)]
struct Only {
    project: Option<Option<ProjectId>>,
    week: Option<IsoWeek>,
    person: Option<String>,
    late: bool,
}

impl Only {
    fn read(e: &mut Params, p: &Pairs) -> Only {
        let project = match p.get("project").filter(|v| !v.is_empty()) {
            None => None,
            Some("internal") => Some(None),
            Some(v) => e.id::<Project>("project", Some(v)).map(Some),
        };
        let week = match p.get("week").filter(|v| !v.is_empty()) {
            None => None,
            Some(v) => match v.parse::<IsoWeek>() {
                Ok(w) => Some(w),
                Err(_) => {
                    e.add(
                        "week",
                        Rule::IsoWeek,
                        format!("week must be an ISO week such as 2026-W48, got '{v}'"),
                    );
                    None
                }
            },
        };
        Only {
            project,
            week,
            person: p
                .get("person")
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_lowercase),
            late: p.get("late").is_some(),
        }
    }

    /// Whether a line of this person (named so) passes.
    fn admits(&self, line: &Line, name: &str, today: time::Date) -> bool {
        self.project.is_none_or(|p| p == line.project)
            && self.week.is_none_or(|w| w == line.week)
            && self.person.as_ref().is_none_or(|q| name.to_lowercase().contains(q))
            && (!self.late || line.week.range().end + time::Duration::days(7) < today)
    }
}

/// Everything submitted that the subject approves, summed per line: all of it for admin
/// and ops; for a project manager what is on their projects and they may read — the
/// policy's approve rule for time entries, as a query. Deciding a line checks the policy
/// on its entries.
pub(super) async fn waiting(state: &AppState, subject: &Subject) -> Result<BTreeMap<Line, Sums>, UiError> {
    let mut lines: BTreeMap<Line, Sums> = BTreeMap::new();
    for w in state.store.waiting(&approval_scope(subject)).await? {
        let line = Line {
            person: w.person_id,
            week: w.week,
            project: w.project_id,
        };
        let sums = lines.entry(line).or_default();
        sums[0] += w.minutes;
        sums[1] += w.billable_minutes;
        sums[2] += w.entries;
    }
    Ok(lines)
}

/// The line's submitted entries and the policy's grant to decide on them; `None` when
/// the line is not waiting for this subject.
async fn granted(state: &AppState, subject: &Subject, line: &Line) -> Result<Option<Grant>, UiError> {
    let range = line.week.range();
    let filter = TimeEntryFilter {
        person_id: Some(line.person),
        project_id: line.project,
        from: Some(range.start),
        to: Some(range.end),
        status: Some(EntryStatus::Submitted),
        scope: list_scope(subject, ListKind::TimeEntries),
        ..Default::default()
    };
    let page = PageRequest {
        after: None,
        limit: 500,
    };
    let found = state.store.list_time_entries(&filter, page).await?;
    // Internal time has no project: the filter above cannot say "no project", so keep
    // only the entries of this line.
    let entries: Vec<TimeEntry> = found
        .items
        .into_iter()
        .filter(|e| e.project_id == line.project)
        .collect();
    let Some(first) = entries.first() else {
        return Ok(None);
    };
    match allow(state, subject, Action::Approve, first).await {
        Ok(grant) => Ok(Some(grant)),
        Err(Error::Forbidden(_) | Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Lines grouped by project name, then person name and week, cut to one page; each
/// group's heading counts the whole project.
async fn groups(
    state: &AppState,
    lines: &BTreeMap<Line, Sums>,
    checked: &[String],
    at: &Sorted<WaitingSort>,
) -> Result<Vec<Group>, UiError> {
    let people = names_of::<Person>(state, lines.keys().map(|l| l.person)).await?;
    let projects = names_of::<Project>(state, lines.keys().filter_map(|l| l.project)).await?;
    let project_name = |p: Option<ProjectId>| match p {
        None => "Internal time".to_string(),
        Some(id) => projects
            .get(&id.get())
            .cloned()
            .unwrap_or_else(|| format!("project {id}")),
    };
    let person_name = |p: PersonId| people.get(&p.get()).cloned().unwrap_or_else(|| format!("person {p}"));
    let ordered: Vec<(&Line, &Sums)> = lines.iter().collect();
    // By project, then inside each project by the chosen column either way.
    let mut keyed: Vec<(String, String, &Line, &Sums)> = ordered
        .into_iter()
        .map(|(l, s)| {
            (
                project_name(l.project).to_lowercase(),
                person_name(l.person).to_lowercase(),
                l,
                s,
            )
        })
        .collect();
    keyed.sort_by(|a, b| {
        let within = match at.key {
            WaitingSort::Person => a.1.cmp(&b.1).then(a.2.week.cmp(&b.2.week)),
            WaitingSort::Week => a.2.week.cmp(&b.2.week).then(a.1.cmp(&b.1)),
            WaitingSort::Hours => a.3[0].cmp(&b.3[0]).then(a.1.cmp(&b.1)),
        };
        let within = match at.direction {
            psops_core::sort::Direction::Asc => within,
            psops_core::sort::Direction::Desc => within.reverse(),
        };
        (&a.0, a.2.project).cmp(&(&b.0, b.2.project)).then(within)
    });
    let ordered: Vec<(&Line, &Sums)> = keyed.into_iter().map(|(_, _, l, s)| (l, s)).collect();
    let mut whole: HashMap<Option<ProjectId>, (usize, std::collections::BTreeSet<PersonId>, i64)> = HashMap::new();
    for (l, sums) in &ordered {
        let g = whole.entry(l.project).or_default();
        g.0 += 1;
        g.1.insert(l.person);
        g.2 += sums[0];
    }
    let mut out: Vec<Group> = Vec::new();
    for (line, sums) in Numbered::cut(ordered, at).items {
        let key = line.key();
        let view = LineView {
            checked: checked.contains(&key),
            key,
            person_id: line.person.get(),
            person: person_name(line.person),
            week: line.week.to_string(),
            hours: clock(sums[0]),
            billable: clock(sums[1]),
            non_billable: clock(sums[0] - sums[1]),
            entries: sums[2],
        };
        match out.last_mut() {
            Some(g) if g.project_id == line.project.map(|p| p.get()) => g.lines.push(view),
            _ => {
                let (weeks, people, minutes) = &whole[&line.project];
                out.push(Group {
                    project: project_name(line.project),
                    project_id: line.project.map(|p| p.get()),
                    weeks: *weeks,
                    people: people.len(),
                    hours: clock(*minutes),
                    lines: vec![view],
                });
            }
        }
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    me: &SignedIn,
    subject: &Subject,
    params: &Pairs,
    status: StatusCode,
    checked: &[String],
    reason: String,
    error: String,
    message: String,
) -> Result<Response, UiError> {
    let all = waiting(state, subject).await?;
    let mut e = Params::new();
    let only = Only::read(&mut e, params);
    let names = match only.person {
        Some(_) => names_of::<Person>(state, all.keys().map(|l| l.person)).await?,
        None => Default::default(),
    };
    let today = time::OffsetDateTime::now_utc().date();
    let lines: BTreeMap<Line, Sums> = all
        .iter()
        .filter(|(l, _)| only.admits(l, names.get(&l.person.get()).map_or("", String::as_str), today))
        .map(|(l, s)| (*l, *s))
        .collect();
    let project_names = names_of::<Project>(state, all.keys().filter_map(|l| l.project)).await?;
    let mut projects: Vec<(String, String)> = project_names
        .iter()
        .map(|(id, name)| (id.to_string(), name.clone()))
        .collect();
    projects.sort_by_key(|(_, name)| name.to_lowercase());
    if all.keys().any(|l| l.project.is_none()) {
        projects.push(("internal".into(), "Internal time".into()));
    }
    let weeks: std::collections::BTreeSet<IsoWeek> = all.keys().map(|l| l.week).collect();
    let mut at = table::read::<WaitingSort>(&mut e, params);
    // A decision that emptied the last page returns to the page before it.
    let pages = (lines.len() as u64).div_ceil(u64::from(at.size.max(1))).max(1);
    at.page = at.page.min(u32::try_from(pages).unwrap_or(u32::MAX));
    let mut error = error;
    if let Some(bad) = e.errors().first() {
        error = format!("{}: {}", bad.field, bad.message);
    }
    let cols = vec![
        table::col("Person", WaitingSort::Person),
        table::col("Week", WaitingSort::Week),
        table::num("Hours", WaitingSort::Hours),
    ];
    let view = ApprovalsPage {
        frame: frame(me, subject),
        groups: groups(state, &lines, checked, &at).await?,
        total_lines: lines.len(),
        waiting: all.len(),
        columns: table::head("/approvals", params, &at, cols),
        projects,
        weeks: weeks.iter().rev().map(|w| w.to_string()).collect(),
        f: ["project", "week", "person", "late", "sort", "dir"]
            .into_iter()
            .map(|k| (k, params.text(k)))
            .collect(),
        back: params.encoded_without(&["approved", "rejected"]),
        week_query: view_param(&params.encoded_without(&["approved", "rejected"]))
            .map(|q| format!("?{q}"))
            .unwrap_or_default(),
        pager: table::pager("/approvals", params, &at, lines.len() as u64),
        reason,
        error,
        message,
    };
    Ok((status, render("approvals.html", view)?).into_response())
}

/// What a decision's redirect (`?approved=3`, `?rejected=1`) says happened.
pub(super) fn decided(params: &Pairs) -> String {
    let count = |k| params.get(k).and_then(|n| n.parse::<usize>().ok());
    let lines = |n: usize| if n == 1 { "line" } else { "lines" };
    match (count("approved"), count("rejected")) {
        (Some(n), _) => format!("Approved {n} {}.", lines(n)),
        (_, Some(n)) => format!("Rejected {n} {}; they are back in draft.", lines(n)),
        _ => String::new(),
    }
}

/// `view=…`: a list's view carried in another link's query, or nothing when it is not a
/// plain query string.
fn view_param(v: &str) -> Option<String> {
    plain_query(v)
        .then(|| serde_urlencoded::to_string([("view", v)]).ok())
        .flatten()
}

/// Whether a `view` — the list's filters, sort and page, carried to a week's page and
/// back — is a plain query string: anything that could lead elsewhere is dropped.
pub(super) fn plain_query(v: &str) -> bool {
    !v.is_empty() && !v.contains(['/', ':', '#', '?']) && !v.chars().any(char::is_control)
}

/// `GET /approvals?approved=3`.
pub async fn show(State(state): State<AppState>, me: SignedIn, params: Pairs) -> Result<Response, UiError> {
    let subject = subject(&state, &me).await?;
    let message = decided(&params);
    page(
        &state,
        &me,
        &subject,
        &params,
        StatusCode::OK,
        &[],
        String::new(),
        String::new(),
        message,
    )
    .await
}

/// `POST /approvals`: `action=approve|reject` with the checked `pick`s, or `approve_one` /
/// `reject_one` naming one line; a rejection needs a `reason`.
pub async fn act(
    State(state): State<AppState>,
    me: SignedIn,
    Extension(request): Extension<RequestId>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, UiError> {
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
    };
    me.check_csrf(&get("csrf").unwrap_or_default())?;
    let subject = subject(&state, &me).await?;
    let picked: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k == "pick")
        .map(|(_, v)| v.clone())
        .collect();
    let reason = get("reason").unwrap_or_default();
    // The page the decision was made on, to return to it; anything else means the first.
    let on_page = get("page").and_then(|p| p.parse::<u32>().ok()).filter(|p| *p > 1);
    let back = Pairs(
        on_page
            .map(|p| ("page".to_string(), p.to_string()))
            .into_iter()
            .collect(),
    );
    let (reject, targets) = match (get("approve_one"), get("reject_one"), get("action").as_deref()) {
        (Some(one), _, _) => (false, vec![one]),
        (_, Some(one), _) => (true, vec![one]),
        (_, _, Some("reject")) => (true, picked.clone()),
        _ => (false, picked.clone()),
    };
    let refuse = |error: &str| {
        let error = error.to_string();
        let (state, me, subject, picked, reason, back) = (&state, &me, &subject, &picked, reason.clone(), &back);
        async move {
            page(
                state,
                me,
                subject,
                back,
                StatusCode::UNPROCESSABLE_ENTITY,
                picked,
                reason,
                error,
                String::new(),
            )
            .await
        }
    };
    if targets.is_empty() {
        return refuse("Choose at least one line to approve or reject.").await;
    }
    if reject && reason.is_empty() {
        return refuse("A rejection needs a reason: say what to fix, so the person can correct the week.").await;
    }
    let lines = waiting(&state, &subject).await?;
    let by_key: HashMap<String, Line> = lines.keys().map(|l| (l.key(), *l)).collect();
    let actor = psops_core::policy::timesheet_actor(&subject);
    let mut done = 0;
    let mut problems = Vec::new();
    for key in &targets {
        let not_yours = || format!("{key}: not waiting for you (already decided, or not yours to approve)");
        let Some(line) = by_key.get(key) else {
            problems.push(not_yours());
            continue;
        };
        let Some(grant) = granted(&state, &subject, line).await? else {
            problems.push(not_yours());
            continue;
        };
        let ctx = super::admin::write_ctx(&me, &request, grant);
        let result = if reject {
            let r = state
                .store
                .reject_week(&ctx, actor, line.person, line.week, line.project, &reason)
                .await;
            r.map(drop)
        } else {
            let r = state
                .store
                .approve_week(&ctx, actor, line.person, line.week, line.project)
                .await;
            r.map(drop)
        };
        match result {
            Ok(()) => done += 1,
            Err(Error::Internal(cause)) => return Err(UiError::internal(cause)),
            Err(e) => problems.push(format!("{key}: {}", words(e))),
        }
    }
    if problems.is_empty() {
        let verb = if reject { "rejected" } else { "approved" };
        // Decided from a week's own page: back to it (only ever an approvals page).
        if let Some(week) = get("back")
            .filter(|b| b.starts_with("/approvals/") && !b.contains("//") && !b.chars().any(char::is_control))
        {
            let view = get("view")
                .and_then(|v| view_param(&v))
                .map(|q| format!("&{q}"))
                .unwrap_or_default();
            return Ok(Redirect::to(&format!("{week}?{verb}={done}{view}")).into_response());
        }
        // Back to the same view: its filters, sort and page (a query string only).
        let view = get("view")
            .filter(|v| plain_query(v))
            .map(|v| format!("&{v}"))
            .unwrap_or_else(|| on_page.map(|p| format!("&page={p}")).unwrap_or_default());
        return Ok(Redirect::to(&format!("/approvals?{verb}={done}{view}")).into_response());
    }
    refuse(&problems.join(" · ")).await
}

#[cfg(test)]
mod tests {
    use super::plain_query;

    #[test]
    fn a_view_is_a_plain_query_string_or_nothing() {
        assert!(plain_query("sort=hours&dir=desc&page=2"));
        for bad in [
            "",
            "//evil.example",
            "https://x",
            "page=2#top",
            "a?b",
            "page=2\r\nSet-Cookie: x=1",
        ] {
            assert!(!plain_query(bad), "{bad:?}");
        }
    }
}
