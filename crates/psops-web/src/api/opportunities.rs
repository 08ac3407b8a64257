//! `/api/v1/opportunities`: PS opportunities and their scoping records — the fields an
//! engagement manager keeps, moves through the gates, quotes and investments, the TA
//! request — and `/api/v1/scoping/…`: overdue service-level clocks, win rates and the
//! idle sweep. Engagement managers change their own opportunities; ops and
//! administrators any; partners see none of it.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use psops_core::Money;
use psops_core::fiscal::FiscalQuarter;
use psops_core::page::Page;
use psops_core::people::PersonId;
use psops_core::policy::{Action, Resource, Subject};
use psops_core::record::Entity;
use psops_core::scoping::clocks::{Clock, Overdue, clocks};
use psops_core::scoping::opportunities::{
    Opportunity, OpportunityFields, OpportunityFilter, OpportunityPatch, Quote, Segment, Visible,
};
use psops_core::scoping::states::ScopingState;
use psops_core::scoping::store::{Move, TaRequest};
use psops_core::scoping::wins::{WinBy, WinRate, win_rates};
use psops_core::store::{RecordStore, Records as _};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::record;
use crate::AppState;
use crate::authorize::{Fixed, allow};
use crate::extract::{Caller, Change, CreateHeaders, IdPath, Json as Body, Writer};
use crate::params::{ListQuery, PageParams};
use crate::problem::{ApiResult, ChangeProblems, CreateProblems, ListProblems, ReadProblems};
use crate::respond::{self, NewRecord, Versioned};

/// What a subject not reading every opportunity is cut to.
pub fn visible(s: &Subject) -> Option<Visible> {
    (!s.reads_all_opportunities()).then_some(Visible {
        person: s.person_id,
        user: s.user_id,
    })
}

/// Refuses (404) a list to whoever cannot read any opportunity.
pub async fn readable(st: &AppState, s: &Subject) -> ApiResult<()> {
    let best = Resource::Opportunity {
        engagement_manager: s.person_id,
        technical_architect: s.person_id,
        subject_decides: true,
    };
    super::readable(st, s, best, Entity::Opportunity).await
}

/// Read one opportunity and its scoping record
#[utoipa::path(get, path = "/api/v1/opportunities/{id}", tag = "scoping",
    params(IdPath<Opportunity>), responses(Versioned<Opportunity>, ReadProblems))]
async fn get_opportunity(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<Opportunity>,
) -> ApiResult<Response> {
    record::read(&st, &s, id).await
}

/// Change an opportunity's fields (reassigning its engagement manager too): fields left
/// out keep their value, null clears. The scoping state, edu value, investment and TA
/// change through their own routes
#[utoipa::path(patch, path = "/api/v1/opportunities/{id}", tag = "scoping",
    request_body = OpportunityPatch, params(Change<Opportunity>), responses(Versioned<Opportunity>, ChangeProblems))]
async fn update_opportunity(
    State(st): State<AppState>,
    c: Change<Opportunity>,
    body: Body<OpportunityPatch>,
) -> ApiResult<Response> {
    let current = RecordStore::<Opportunity>::get(&*st.store, c.id).await?;
    let grant = allow(&st, &c.subject, Action::Update, &current).await?;
    let done = st
        .store
        .update_opportunity(&c.ctx(grant), c.id, c.if_version, body.value)
        .await?;
    respond::record(&done)
}

/// Open an opportunity and its scoping record (state `open`); without an engagement
/// manager it goes to the one covering its segment's territory (settings)
#[utoipa::path(post, path = "/api/v1/opportunities", tag = "scoping",
    request_body = OpportunityFields, params(CreateHeaders), responses(NewRecord<Opportunity>, CreateProblems))]
async fn create_opportunity(
    State(st): State<AppState>,
    w: Writer,
    body: Body<OpportunityFields>,
) -> ApiResult<Response> {
    let grant = allow(&st, &w.subject, Action::Create, &body.value).await?;
    let fields = body.value.clone();
    let ctx = w.for_create(&body, grant);
    respond::created("/api/v1/opportunities", st.store.open_opportunity(&ctx, fields).await?)
}

/// Archive one opportunity: kept for history
#[utoipa::path(post, path = "/api/v1/opportunities/{id}/archive", tag = "scoping",
    params(Change<Opportunity>), responses(Versioned<Opportunity>, ChangeProblems))]
async fn archive_opportunity(State(st): State<AppState>, c: Change<Opportunity>) -> ApiResult<Response> {
    record::archive(&st, c, true).await
}

/// Unarchive one opportunity
#[utoipa::path(post, path = "/api/v1/opportunities/{id}/unarchive", tag = "scoping",
    params(Change<Opportunity>), responses(Versioned<Opportunity>, ChangeProblems))]
async fn unarchive_opportunity(State(st): State<AppState>, c: Change<Opportunity>) -> ApiResult<Response> {
    record::archive(&st, c, false).await
}

/// Loads an opportunity and checks the caller may do `action` to it.
async fn guarded(
    st: &AppState,
    s: &Subject,
    c: &Change<Opportunity>,
    action: Action,
) -> ApiResult<psops_core::store::WriteCtx> {
    let current = RecordStore::<Opportunity>::get(&*st.store, c.id).await?;
    let grant = allow(st, s, action, &current).await?;
    Ok(c.ctx(grant))
}

/// A move of the scoping record.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct MoveBody {
    to: ScopingState,
    /// Why: required to close lost, go on hold or reopen.
    #[serde(default)]
    reason: Option<String>,
}

/// Move the scoping record to another state: one step forward at a time through its
/// gate (refused with 409, rule `gate`, naming the missing condition: an engagement
/// manager, a shared estimate, an agreed estimate cleared by the TA, the SOW's
/// approvals), back to rework, on hold or closed lost with a reason. Closed won comes
/// only from signing the SOW
#[utoipa::path(post, path = "/api/v1/opportunities/{id}/move", tag = "scoping",
    request_body = MoveBody, params(Change<Opportunity>), responses(Versioned<Opportunity>, ChangeProblems))]
async fn move_opportunity(
    State(st): State<AppState>,
    c: Change<Opportunity>,
    body: Body<MoveBody>,
) -> ApiResult<Response> {
    let ctx = guarded(&st, &c.subject, &c, Action::Update).await?;
    let m = Move {
        to: body.value.to,
        reason: body.value.reason,
    };
    respond::record(&st.store.move_opportunity(&ctx, c.id, c.if_version, m).await?)
}

/// Record a new quote: it overwrites PS value and edu value and discards the edu value
/// override
#[utoipa::path(post, path = "/api/v1/opportunities/{id}/quote", tag = "scoping",
    request_body = Quote, params(Change<Opportunity>), responses(Versioned<Opportunity>, ChangeProblems))]
async fn quote_opportunity(
    State(st): State<AppState>,
    c: Change<Opportunity>,
    body: Body<Quote>,
) -> ApiResult<Response> {
    let ctx = guarded(&st, &c.subject, &c, Action::Update).await?;
    respond::record(&st.store.quote_opportunity(&ctx, c.id, c.if_version, body.value).await?)
}

/// An approved investment.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct InvestBody {
    /// More than 0 and at most the PS value, in its currency.
    #[schema(schema_with = psops_core::money::schema::positive)]
    amount: Money,
}

/// Record an approved investment: its amount moves out of PS value into investment value
#[utoipa::path(post, path = "/api/v1/opportunities/{id}/invest", tag = "scoping",
    request_body = InvestBody, params(Change<Opportunity>), responses(Versioned<Opportunity>, ChangeProblems))]
async fn invest(State(st): State<AppState>, c: Change<Opportunity>, body: Body<InvestBody>) -> ApiResult<Response> {
    let ctx = guarded(&st, &c.subject, &c, Action::Update).await?;
    respond::record(&st.store.invest(&ctx, c.id, c.if_version, body.value.amount).await?)
}

/// A request for a technical architect.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct TaBody {
    #[schema(value_type = i64)]
    technical_architect_id: PersonId,
    /// The day the help is needed; at least the notice setting's business days away.
    needed_by: Date,
}

/// Engage a technical architect (needs assistance): refused (422) until the pain points
/// and constraints are recorded, and with less than the notice setting's business days
#[utoipa::path(post, path = "/api/v1/opportunities/{id}/ta-request", tag = "scoping",
    request_body = TaBody, params(Change<Opportunity>), responses(Versioned<Opportunity>, ChangeProblems))]
async fn request_ta(State(st): State<AppState>, c: Change<Opportunity>, body: Body<TaBody>) -> ApiResult<Response> {
    let ctx = guarded(&st, &c.subject, &c, Action::Update).await?;
    let r = TaRequest {
        technical_architect_id: body.value.technical_architect_id,
        needed_by: body.value.needed_by,
    };
    respond::record(&st.store.request_ta(&ctx, c.id, c.if_version, r).await?)
}

/// The technical architect's help is given: needs assistance → assisted
#[utoipa::path(post, path = "/api/v1/opportunities/{id}/ta-assisted", tag = "scoping",
    params(Change<Opportunity>), responses(Versioned<Opportunity>, ChangeProblems))]
async fn ta_assisted(State(st): State<AppState>, c: Change<Opportunity>) -> ApiResult<Response> {
    let ctx = guarded(&st, &c.subject, &c, Action::Update).await?;
    respond::record(&st.store.ta_assisted(&ctx, c.id, c.if_version).await?)
}

/// The service-level clocks of one scoping record, in business hours of its engagement
/// manager's calendar
#[utoipa::path(get, path = "/api/v1/opportunities/{id}/clocks", tag = "scoping",
    params(IdPath<Opportunity>),
    responses((status = 200, body = Vec<Clock>, description = "The four clocks"), ReadProblems))]
async fn opportunity_clocks(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<Opportunity>,
) -> ApiResult<Json<Vec<Clock>>> {
    let o = RecordStore::<Opportunity>::get(&*st.store, id).await?;
    allow(&st, &s, Action::Read, &o).await?;
    let settings = st.store.settings().await?.scoping;
    let days = st.store.work_days(o.fields.engagement_manager_id).await?;
    Ok(Json(clocks(&o, &settings, &days, OffsetDateTime::now_utc())))
}

/// Filters of the opportunities.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct OpportunitiesQuery {
    #[param(value_type = Option<i64>)]
    account_id: Option<String>,
    #[param(value_type = Option<i64>)]
    engagement_manager_id: Option<String>,
    #[param(value_type = Option<Segment>)]
    segment: Option<String>,
    #[param(value_type = Option<ScopingState>)]
    state: Option<String>,
    /// `true`: only open records (not closed won or lost); `false`: only closed ones.
    #[param(value_type = Option<bool>)]
    open: Option<String>,
    /// The fiscal quarter closed in, e.g. `FY2026-Q3` (or `2026-Q3`).
    closed_quarter: Option<String>,
    /// The CRM's id, any case.
    crm_id: Option<String>,
    /// Part of the name, CRM id or sales owner, any case.
    q: Option<String>,
    /// `true` for archived opportunities only; live ones when absent or `false`.
    #[param(value_type = Option<bool>)]
    archived: Option<String>,
}

/// List opportunities: every one for those who oversee scoping, else those the caller is
/// the engagement manager or technical architect of or decides a SOW step of
#[utoipa::path(get, path = "/api/v1/opportunities", tag = "scoping",
    params(OpportunitiesQuery, PageParams),
    responses((status = 200, body = Page<Opportunity>, description = "A page of opportunities"), ListProblems))]
async fn list_opportunities(
    State(st): State<AppState>,
    Caller(s): Caller,
    query: ListQuery<OpportunitiesQuery>,
) -> ApiResult<Json<Page<Opportunity>>> {
    let (q, mut p, page) = query.split();
    let filter = OpportunityFilter {
        account_id: p.id("account_id", q.account_id),
        engagement_manager_id: p.id("engagement_manager_id", q.engagement_manager_id),
        segment: p.code("segment", q.segment),
        state: p.code("state", q.state),
        open: p.flag("open", q.open),
        // Stored as pages write it (`FY2026 Q3`); taken as the document says (`FY2026-Q3`).
        closed_quarter: p
            .text(q.closed_quarter)
            .and_then(|v| p.keep("closed_quarter", v.parse::<FiscalQuarter>()))
            .map(|fq| fq.label()),
        crm_id: p.text(q.crm_id),
        q: p.text(q.q),
        visible_to: visible(&s),
        archived: p.flag("archived", q.archived),
    };
    p.finish()?;
    readable(&st, &s).await?;
    Ok(Json(st.store.list(&filter, page).await?))
}

/// The most overdue clocks one answer lists.
pub const OVERDUE_LIMIT: usize = 500;

/// Every overdue clock of the open records the caller sees, most overdue first, at most
/// [`OVERDUE_LIMIT`].
pub async fn overdue(st: &AppState, s: &Subject, em: Option<PersonId>) -> psops_core::Result<Vec<Overdue>> {
    let filter = OpportunityFilter {
        engagement_manager_id: em,
        visible_to: visible(s),
        ..Default::default()
    };
    let mut out = st.store.overdue(&filter, OffsetDateTime::now_utc()).await?;
    out.truncate(OVERDUE_LIMIT);
    Ok(out)
}

/// Filters of the overdue list.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct OverdueQuery {
    /// Only this engagement manager's records.
    #[param(value_type = Option<i64>)]
    engagement_manager_id: Option<String>,
}

/// The overdue service-level clocks of open scoping records the caller sees, most
/// overdue first, at most 500
#[utoipa::path(get, path = "/api/v1/scoping/overdue", tag = "scoping",
    params(OverdueQuery),
    responses((status = 200, body = Vec<Overdue>, description = "Overdue clocks"), ListProblems))]
async fn list_overdue(
    State(st): State<AppState>,
    Caller(s): Caller,
    query: ListQuery<OverdueQuery>,
) -> ApiResult<Json<Vec<Overdue>>> {
    let (q, mut p, _) = query.split();
    let em = p.id("engagement_manager_id", q.engagement_manager_id);
    p.finish()?;
    readable(&st, &s).await?;
    Ok(Json(overdue(&st, &s, em).await?))
}

/// How win rates are grouped.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct WinQuery {
    /// `engagement_manager`, `segment` or `quarter` (the fiscal quarter closed in); by
    /// quarter when absent.
    #[param(value_type = Option<WinBy>)]
    by: Option<String>,
}

/// Win rate = closed won ÷ (closed won + closed lost), by engagement manager, segment or
/// close quarter, with the total last (key `total`). Read by those who oversee scoping
#[utoipa::path(get, path = "/api/v1/scoping/win-rates", tag = "scoping",
    params(WinQuery),
    responses((status = 200, body = Vec<WinRate>, description = "Win rates"), ListProblems))]
async fn list_win_rates(
    State(st): State<AppState>,
    Caller(s): Caller,
    query: ListQuery<WinQuery>,
) -> ApiResult<Json<Vec<WinRate>>> {
    let (q, mut p, _) = query.split();
    let by = p.code("by", q.by).unwrap_or(WinBy::Quarter);
    p.finish()?;
    oversees(&st, &s, Action::Read).await?;
    Ok(Json(win_rates(&st.store.win_counts().await?, by)))
}

/// Checks the caller may `action` every opportunity (as ops and administrators may).
async fn oversees(st: &AppState, s: &Subject, action: Action) -> ApiResult<psops_core::policy::Grant> {
    let any = Resource::Opportunity {
        engagement_manager: None,
        technical_architect: None,
        subject_decides: false,
    };
    Ok(allow(
        st,
        s,
        action,
        &Fixed(any, psops_core::error::Thing::Entity(Entity::Opportunity)),
    )
    .await?)
}

/// What the sweep closed.
#[derive(Debug, Clone, Serialize, ToSchema)]
struct Swept {
    #[schema(value_type = Vec<i64>)]
    closed: Vec<psops_core::scoping::opportunities::OpportunityId>,
}

/// Run the idle sweep now: every open scoping record without activity for the setting's
/// months (and not kept open by its EM) closes lost. `psops serve` runs it hourly, once
/// across nodes; ops and administrators may run it
#[utoipa::path(post, path = "/api/v1/scoping/sweep", tag = "scoping",
    responses((status = 200, body = Swept, description = "The records closed"), ChangeProblems))]
async fn sweep(State(st): State<AppState>, w: Writer) -> ApiResult<Json<Swept>> {
    let grant = oversees(&st, &w.subject, Action::Archive).await?;
    let closed = st.store.sweep_idle(&w.ctx(grant), OffsetDateTime::now_utc()).await?;
    Ok(Json(Swept { closed }))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_opportunities, create_opportunity))
        .routes(routes!(get_opportunity, update_opportunity))
        .routes(routes!(archive_opportunity))
        .routes(routes!(unarchive_opportunity))
        .routes(routes!(move_opportunity))
        .routes(routes!(quote_opportunity))
        .routes(routes!(invest))
        .routes(routes!(request_ta))
        .routes(routes!(ta_assisted))
        .routes(routes!(opportunity_clocks))
        .routes(routes!(list_overdue))
        .routes(routes!(list_win_rates))
        .routes(routes!(sweep))
}
