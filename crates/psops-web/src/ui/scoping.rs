//! `/scoping`: the scoping board — a column for each working state (open → approved, and
//! on hold), each card an opportunity with its PS value and its running or overdue
//! service-level clocks — and `/scoping/list`, every opportunity as a paged, sortable
//! list. What the other scoping pages share is here too: who reaches them (never a
//! partner), the clocks as badges, and moments as people read them.
//!
//! The board reads the open opportunities the reader sees once, names their accounts
//! and engagement managers in one read each, computes the clocks in memory (one calendar
//! read per engagement manager) and keeps the most urgent cards of each column: a
//! column of thousands shows its count and links to the paged list.

use std::collections::{BTreeSet, HashMap};

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use psops_core::accounts::Account;
use psops_core::code::Code;
use psops_core::people::{Person, PersonId};
use psops_core::policy::Subject;
use psops_core::rule::Rule;
use psops_core::scoping::ScopingSettings;
use psops_core::scoping::clocks::{Clock, ClockStatus, WorkDays, clocks};
use psops_core::scoping::opportunities::{Opportunity, OpportunityFilter, OpportunitySort, Segment};
use psops_core::scoping::states::{PATH, ScopingState};
use psops_core::sort::Sorted;
use psops_core::store::Records as _;
use serde::Serialize;
use time::OffsetDateTime;

use super::filters::{Pairs, day, names_of, subject};
use super::layout::{Frame, frame};
use super::listing::{Cell, Filter, view};
use super::render::{UiError, render};
use super::session::SignedIn;
use super::table::{self, Col, col};
use crate::AppState;
use crate::api::opportunities::visible;
use crate::params::Params;

/// Cards a column shows; the rest are a link to the list.
pub const CARDS: usize = 25;

/// Scoping is staff work: a partner finds no page of it.
pub fn open_to(s: &Subject) -> Result<(), UiError> {
    if s.is_partner() {
        Err(super::not_found())
    } else {
        Ok(())
    }
}

/// A moment as people read it: the day in their style and the UTC time.
pub fn when(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!("{} {:02}:{:02} UTC", day(Some(t.date())), t.hour(), t.minute())
}

/// A clock as a badge: what it is, where it stands and when it is (was) due.
#[derive(Debug, Clone, Serialize)]
pub struct Badge {
    pub label: &'static str,
    pub status: &'static str,
    pub status_label: String,
    pub due: String,
    pub stopped: String,
}

pub fn badge(c: &Clock) -> Badge {
    Badge {
        label: c.kind.label(),
        status: c.status.code(),
        status_label: super::filters::label(c.status.code()),
        due: c.due_at.map(|d| when(d.0)).unwrap_or_default(),
        stopped: c.stopped_at.map(|d| when(d.0)).unwrap_or_default(),
    }
}

/// When the most urgent running clock is due: what the board sorts a column by.
fn urgency(list: &[Clock]) -> Option<OffsetDateTime> {
    list.iter()
        .filter(|c| matches!(c.status, ClockStatus::Running | ClockStatus::Overdue))
        .filter_map(|c| c.due_at.map(|d| d.0))
        .min()
}

#[derive(Serialize)]
struct Card {
    id: i64,
    name: String,
    account: String,
    em: String,
    segment: &'static str,
    ps_value: String,
    badges: Vec<Badge>,
    #[serde(skip)]
    urgent: Option<OffsetDateTime>,
    #[serde(skip)]
    activity: OffsetDateTime,
}

#[derive(Serialize)]
struct Column {
    state: &'static str,
    label: &'static str,
    count: usize,
    cards: Vec<Card>,
    all: String,
}

#[derive(Serialize)]
struct BoardPage {
    #[serde(flatten)]
    frame: Frame,
    columns: Vec<Column>,
    won: u64,
    lost: u64,
    filters: Vec<Filter>,
    errors: Vec<psops_core::FieldError>,
    new: bool,
    overdue: usize,
    query: String,
}

/// The filters of the board, read leniently: a bad one is named and left out.
struct BoardFilter {
    em: Option<PersonId>,
    segment: Option<Segment>,
    quarter: Option<String>,
}

fn read_filter(e: &mut Params, p: &Pairs) -> BoardFilter {
    BoardFilter {
        em: e.id("em", p.get("em")),
        segment: e.code::<Segment>("segment", p.get("segment")),
        quarter: p.get("quarter").map(str::to_string),
    }
}

/// `GET /scoping`: `?em=`, `?segment=`, `?quarter=` (the fiscal quarter of the close date).
pub async fn board(State(st): State<AppState>, me: SignedIn, p: Pairs) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    open_to(&s)?;
    let mut e = Params::new();
    let f = read_filter(&mut e, &p);
    let all = st
        .store
        .every(&OpportunityFilter {
            open: Some(true),
            visible_to: visible(&s),
            archived: Some(false),
            ..Default::default()
        })
        .await?;
    let settings = st.store.settings().await?;
    let fiscal = settings.fiscal_calendar();
    let quarter_of = |o: &Opportunity| o.fields.close_date.map(|d| fiscal.quarter_of(d).label());
    // The filters' choices come from every open record the reader sees, so choosing one
    // never empties the others.
    let ems: BTreeSet<i64> = all
        .iter()
        .filter_map(|o| o.fields.engagement_manager_id.map(|p| p.get()))
        .collect();
    let quarters: BTreeSet<String> = all.iter().filter_map(quarter_of).collect();
    let shown: Vec<&Opportunity> = all
        .iter()
        .filter(|o| f.em.is_none() || o.fields.engagement_manager_id == f.em)
        .filter(|o| f.segment.is_none_or(|x| o.fields.segment == x))
        .filter(|o| f.quarter.is_none() || quarter_of(o) == f.quarter)
        .collect();
    let accounts = names_of::<Account>(&st, shown.iter().map(|o| o.fields.account_id)).await?;
    let people = names_of::<Person>(&st, ems.iter().map(|id| psops_core::Id::new(*id))).await?;
    let now = OffsetDateTime::now_utc();
    let ems_shown: Vec<Option<PersonId>> = shown.iter().map(|o| o.fields.engagement_manager_id).collect();
    let calendars = st.store.work_days_of(&ems_shown).await?;
    let weekdays = WorkDays::default();
    let mut by_state: HashMap<ScopingState, Vec<Card>> = HashMap::new();
    let mut overdue = 0;
    for o in shown {
        let days = calendars.get(&o.fields.engagement_manager_id).unwrap_or(&weekdays);
        let list = clocks(o, &settings.scoping, days, now);
        overdue += list.iter().filter(|c| c.status == ClockStatus::Overdue).count();
        by_state.entry(o.state).or_default().push(Card {
            id: o.id.get(),
            name: o.fields.name.clone(),
            account: accounts.get(&o.fields.account_id.get()).cloned().unwrap_or_default(),
            em: o
                .fields
                .engagement_manager_id
                .and_then(|p| people.get(&p.get()).cloned())
                .unwrap_or_else(|| "no engagement manager".into()),
            segment: o.fields.segment.label(),
            ps_value: o.fields.ps_value.map(|m| m.to_string()).unwrap_or_else(|| "—".into()),
            badges: list
                .iter()
                .filter(|c| matches!(c.status, ClockStatus::Running | ClockStatus::Overdue))
                .map(badge)
                .collect(),
            urgent: urgency(&list),
            activity: o.last_activity_at,
        });
    }
    let keep = p.encoded_without(&["state", "quarter", "page", "sort", "dir"]);
    let columns = PATH
        .iter()
        .chain(std::iter::once(&ScopingState::OnHold))
        .map(|state| {
            let mut cards = by_state.remove(state).unwrap_or_default();
            // Most urgent first: the earliest due clock, then the longest idle.
            cards.sort_by_key(|c| (c.urgent.is_none(), c.urgent, c.activity));
            let count = cards.len();
            cards.truncate(CARDS);
            let sep = if keep.is_empty() { "" } else { "&" };
            Column {
                state: state.code(),
                label: state.label(),
                count,
                cards,
                all: format!("/scoping/list?state={}{sep}{keep}", state.code()),
            }
        })
        .collect();
    let closed = |state: ScopingState| OpportunityFilter {
        engagement_manager_id: f.em,
        segment: f.segment,
        state: Some(state),
        closed_quarter: f.quarter.clone(),
        visible_to: visible(&s),
        archived: Some(false),
        ..Default::default()
    };
    let one = Sorted::<OpportunitySort> {
        size: 1,
        ..Default::default()
    };
    let won = st.store.sorted(&closed(ScopingState::ClosedWon), one).await?.total;
    let lost = st.store.sorted(&closed(ScopingState::ClosedLost), one).await?.total;
    let mut em_options: Vec<(String, String)> = ems
        .iter()
        .map(|id| {
            (
                id.to_string(),
                people.get(id).cloned().unwrap_or_else(|| format!("#{id}")),
            )
        })
        .collect();
    em_options.sort_by_key(|o| o.1.to_lowercase());
    let filters = vec![
        Filter::select("em", "Engagement manager", p.text("em"), em_options),
        Filter::select("segment", "Segment", p.text("segment"), segment_options()),
        Filter::select(
            "quarter",
            "Close quarter",
            p.text("quarter"),
            quarters.into_iter().map(|q| (q.clone(), q)).collect(),
        ),
    ];
    let page = BoardPage {
        frame: frame(&me, &s),
        columns,
        won,
        lost,
        filters,
        errors: e.into_errors(),
        new: super::edit::may_edit::<Opportunity>(&s),
        overdue,
        query: p.encoded_without(&["page", "sort", "dir"]),
    };
    Ok(render("scoping_board.html", page)?.into_response())
}

pub fn segment_options() -> Vec<(String, String)> {
    Segment::ALL
        .iter()
        .map(|s| (s.code().to_string(), s.label().to_string()))
        .collect()
}

fn state_options() -> Vec<(String, String)> {
    ScopingState::ALL
        .iter()
        .map(|s| (s.code().to_string(), s.label().to_string()))
        .collect()
}

/// `GET /scoping/list`: `?state=`, `?em=`, `?segment=`, `?q=`, sorted and paged.
pub async fn list(State(st): State<AppState>, me: SignedIn, headers: HeaderMap, p: Pairs) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    open_to(&s)?;
    let mut e = Params::new();
    let f = read_filter(&mut e, &p);
    let filter = OpportunityFilter {
        engagement_manager_id: f.em,
        segment: f.segment,
        state: e.code::<ScopingState>("state", p.get("state")),
        q: p.get("q").map(str::to_string),
        visible_to: visible(&s),
        archived: Some(false),
        ..Default::default()
    };
    if p.get("quarter").is_some() {
        e.add(
            "quarter",
            Rule::InvalidValue,
            "the list does not filter by close quarter; the board does",
        );
    }
    let at = table::read::<OpportunitySort>(&mut e, &p);
    let found = st.store.sorted(&filter, at).await?;
    let accounts = names_of::<Account>(&st, found.items.iter().map(|o| o.fields.account_id)).await?;
    let people = names_of::<Person>(&st, found.items.iter().filter_map(|o| o.fields.engagement_manager_id)).await?;
    let rows = found
        .items
        .iter()
        .map(|o| {
            vec![
                Cell::link(o.fields.name.clone(), format!("/scoping/opportunities/{}", o.id)),
                Cell::text(accounts.get(&o.fields.account_id.get()).cloned().unwrap_or_default()),
                Cell::pill(o.state.label(), o.state.code()),
                Cell::text(
                    o.fields
                        .engagement_manager_id
                        .and_then(|p| people.get(&p.get()).cloned())
                        .unwrap_or_else(|| "—".into()),
                ),
                Cell::text(o.fields.segment.label()),
                Cell::num(o.fields.ps_value.map(|m| m.to_string()).unwrap_or_else(|| "—".into())),
                Cell::text(day(o.fields.close_date)),
                Cell::text(day(Some(o.meta.updated_at.date()))),
            ]
        })
        .collect();
    let mut v = view(
        frame(&me, &s),
        "Opportunities",
        "/scoping/list",
        table::pager("/scoping/list", &p, &at, found.total),
    );
    v.back = Some(("/scoping".into(), "Scoping board".into()));
    if super::edit::may_edit::<Opportunity>(&s) {
        v.actions.push(("/scoping/opportunities/new".into(), "New opportunity"));
    }
    let em_options = people
        .iter()
        .map(|(id, name)| (id.to_string(), name.clone()))
        .collect::<Vec<_>>();
    let mut em_options = em_options;
    if let Some(id) = f.em.filter(|id| !people.contains_key(&id.get())) {
        em_options.push((id.to_string(), format!("#{id}")));
    }
    em_options.sort_by_key(|o| o.1.to_lowercase());
    v.filters = vec![
        Filter::text("q", "Search", p.text("q"), "Name, CRM id or sales owner"),
        Filter::select("state", "State", p.text("state"), state_options()),
        Filter::select("em", "Engagement manager", p.text("em"), em_options),
        Filter::select("segment", "Segment", p.text("segment"), segment_options()),
    ];
    v.hidden = ["sort", "dir"]
        .into_iter()
        .filter_map(|k| p.get(k).map(|x| (k, x.to_string())))
        .collect();
    v.table_id = "opportunities-table";
    let plain = |label| Col {
        label,
        key: None,
        num: false,
        extra: false,
    };
    v.columns = table::head(
        "/scoping/list",
        &p,
        &at,
        vec![
            col("Opportunity", OpportunitySort::Name),
            plain("Account"),
            col("State", OpportunitySort::State),
            plain("Engagement manager"),
            plain("Segment"),
            Col {
                num: true,
                ..plain("PS value")
            },
            col("Close date", OpportunitySort::CloseDate),
            col("Updated", OpportunitySort::Updated),
        ],
    );
    v.rows = rows;
    v.errors = e.into_errors();
    v.empty = "No opportunities match.".into();
    v.respond(&headers)
}

/// What the board needs of the settings, for the pages that show one record's clocks.
pub async fn clocks_of(st: &AppState, o: &Opportunity, settings: &ScopingSettings) -> Result<Vec<Clock>, UiError> {
    let days = st.store.work_days(o.fields.engagement_manager_id).await?;
    Ok(clocks(o, settings, &days, OffsetDateTime::now_utc()))
}
