//! `/scoping/opportunities/{id}`: one opportunity and its scoping record — its fields
//! and PS values, its state with the moves open from it (each a button; a refused gate
//! is told on the page, beside what it names), its service-level clocks, the technical
//! architect's part, the quote and investment forms, its estimate versions, its SOWs and
//! a timeline read from the audit log of the opportunity, its estimates and its SOWs.
//! The forms post to `scoping_actions`.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use psops_core::accounts::Account;
use psops_core::audit::{AuditAction, AuditFilter};
use psops_core::code::Code;
use psops_core::page::PageRequest;
use psops_core::people::Person;
use psops_core::policy::{Action, Subject};
use psops_core::record::Entity;
use psops_core::scoping::estimates::{Estimate, EstimateFilter, EstimateStatus};
use psops_core::scoping::opportunities::Opportunity;
use psops_core::scoping::sows::{Sow, SowFilter};
use psops_core::scoping::states::{PATH, ScopingState};
use psops_core::store::{RecordStore, Records as _};
use psops_core::{FieldError, Id, Money};
use serde::Serialize;
use serde_json::Value;

use super::filters::{Pairs, day, label, names_of, path_id, pct, subject, user_names};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::scoping::{Badge, badge, clocks_of, open_to, when};
use super::session::SignedIn;
use crate::AppState;
use crate::authorize::allow;

/// Audit entries the timeline reads of each record.
const TIMELINE_ENTRIES: u32 = 200;

/// The opportunity at `id` if the subject may read it (404 otherwise).
pub async fn readable(st: &AppState, s: &Subject, id: &str) -> Result<Opportunity, UiError> {
    open_to(s)?;
    let o: Opportunity = RecordStore::<Opportunity>::get(&*st.store, Id::new(path_id(id)?)).await?;
    allow(st, s, Action::Read, &o).await?;
    Ok(o)
}

#[derive(Serialize)]
struct Fact {
    label: &'static str,
    value: String,
}

#[derive(Serialize)]
struct MoveButton {
    to: &'static str,
    label: String,
    /// A move that needs a reason (hold, close lost, reopen, back) asks for one.
    reason: bool,
}

#[derive(Serialize)]
struct EstimateRow {
    id: i64,
    number: i32,
    title: String,
    status: &'static str,
    ta_review: &'static str,
    price: String,
    total: String,
    margin: String,
    updated: String,
}

#[derive(Serialize)]
struct SowRow {
    id: i64,
    number: String,
    revision: i32,
    title: String,
    status: &'static str,
    updated: String,
}

#[derive(Serialize)]
struct Event {
    at: String,
    who: String,
    what: String,
    #[serde(skip)]
    sort: time::OffsetDateTime,
}

/// What the page says beside the record: a refusal (by field), what was typed, what was
/// done, or that someone else changed it first.
#[derive(Default)]
pub struct Said {
    pub refused: Vec<FieldError>,
    pub typed: Pairs,
    pub done: Option<&'static str>,
    pub conflict: bool,
}

#[derive(Serialize)]
struct OpportunityPage {
    #[serde(flatten)]
    frame: Frame,
    id: i64,
    version: i64,
    name: String,
    state: &'static str,
    state_label: &'static str,
    held_from: Option<&'static str>,
    reason: Option<String>,
    closed_quarter: Option<String>,
    facts: Vec<Fact>,
    values: Vec<Fact>,
    currency: String,
    clocks: Vec<Badge>,
    ta_status: &'static str,
    ta: String,
    ta_needed_by: String,
    moves: Vec<MoveButton>,
    back: Vec<MoveButton>,
    change: bool,
    edit: bool,
    estimates: Vec<EstimateRow>,
    sows: Vec<SowRow>,
    draft_sow: bool,
    timeline: Vec<Event>,
    errors: Vec<FieldError>,
    typed: std::collections::HashMap<String, String>,
    done: Option<&'static str>,
    conflict: bool,
}

fn money(m: Option<Money>) -> String {
    m.map(|m| m.to_string()).unwrap_or_else(|| "—".into())
}

fn text(t: &Option<String>) -> String {
    t.clone().filter(|t| !t.trim().is_empty()).unwrap_or_else(|| "—".into())
}

/// The moves a reader who may change the record is offered from where it stands.
fn moves(o: &Opportunity) -> (Vec<MoveButton>, Vec<MoveButton>) {
    use ScopingState as S;
    let button = |to: S, label: String, reason: bool| MoveButton {
        to: to.code(),
        label,
        reason,
    };
    let mut forward = Vec::new();
    let mut back = Vec::new();
    match o.state {
        S::ClosedWon => {}
        S::ClosedLost => forward.push(button(S::Open, "Reopen".into(), true)),
        S::OnHold => {
            let to = o.held_from.unwrap_or(S::Open);
            forward.push(button(to, format!("Resume: {}", to.label()), false));
            forward.push(button(S::ClosedLost, "Close lost".into(), true));
        }
        from => {
            if let Some(step) = from.step() {
                // Approved moves on only by signing its SOW.
                if let Some(next) = PATH.get(step + 1) {
                    forward.push(button(*next, format!("Move to {}", next.label()), false));
                }
                back.extend(PATH[..step].iter().map(|s| button(*s, s.label().to_string(), true)));
            }
            forward.push(button(S::OnHold, "Put on hold".into(), true));
            forward.push(button(S::ClosedLost, "Close lost".into(), true));
        }
    }
    (forward, back)
}

/// What one audit entry says happened, in words.
fn said(entity: &str, number: &str, action: AuditAction, before: &Option<Value>, after: &Option<Value>) -> String {
    let field = |v: &Option<Value>, k: &str| v.as_ref().and_then(|v| v.get(k)).cloned().unwrap_or(Value::Null);
    let words = |v: Value| v.as_str().map(label).unwrap_or_default();
    match action {
        AuditAction::Create => format!("{entity} {number} created"),
        AuditAction::Archive => format!("{entity} {number} archived"),
        AuditAction::Unarchive => format!("{entity} {number} restored"),
        AuditAction::Delete => format!("{entity} {number} deleted"),
        AuditAction::Update => {
            for k in ["state", "status", "ta_review", "ta_status"] {
                let (a, b) = (field(before, k), field(after, k));
                if a != b && !b.is_null() {
                    let why = field(after, "reason");
                    let why = why.as_str().filter(|_| k == "state").map(|r| format!(" — {r}"));
                    return format!(
                        "{entity} {number}: {} {} → {}{}",
                        label(k).to_lowercase(),
                        words(a),
                        words(b),
                        why.unwrap_or_default()
                    );
                }
            }
            let changed: Vec<String> = match (before, after) {
                (Some(Value::Object(a)), Some(Value::Object(b))) => b
                    .iter()
                    .filter(|(k, v)| a.get(*k) != Some(*v) && !matches!(k.as_str(), "version" | "updated_at"))
                    .map(|(k, _)| super::filters::field(k).to_lowercase())
                    .collect(),
                _ => Vec::new(),
            };
            if changed.is_empty() {
                format!("{entity} {number} changed")
            } else {
                format!("{entity} {number}: {} changed", changed.join(", "))
            }
        }
    }
}

/// The timeline: the audit log of the opportunity, its estimates and its SOWs, newest first.
async fn timeline(st: &AppState, o: &Opportunity, estimates: &[Estimate], sows: &[Sow]) -> Result<Vec<Event>, UiError> {
    let mut read: Vec<(&'static str, i64, String)> = vec![(Entity::Opportunity.name(), o.id.get(), String::new())];
    read.extend(
        estimates
            .iter()
            .map(|e| (Entity::Estimate.name(), e.id.get(), format!("v{}", e.number))),
    );
    read.extend(
        sows.iter()
            .map(|s| (Entity::Sow.name(), s.id.get(), format!("{} r{}", s.number, s.revision))),
    );
    let mut entries = Vec::new();
    for (entity, id, number) in read {
        let filter = AuditFilter {
            entity: Some(entity.to_string()),
            entity_id: Some(id),
            newest_first: true,
            ..Default::default()
        };
        let page = st
            .store
            .list_audit(
                &filter,
                PageRequest {
                    after: None,
                    limit: TIMELINE_ENTRIES,
                },
            )
            .await?;
        let noun = match entity {
            "estimate" => "Estimate",
            "sow" => "SOW",
            _ => "Opportunity",
        };
        entries.extend(page.items.into_iter().map(|a| (noun, number.clone(), a)));
    }
    let users = user_names(st, entries.iter().filter_map(|(_, _, a)| a.user_id).collect()).await?;
    let mut out: Vec<Event> = entries
        .into_iter()
        .map(|(noun, number, a)| Event {
            at: when(a.at),
            who: a
                .user_id
                .and_then(|u| users.get(&u.get()).cloned())
                .or(a.via.clone())
                .unwrap_or_else(|| "psops".into()),
            what: said(noun, &number, a.action, &a.before, &a.after)
                .replace("  ", " ")
                .replace(" :", ":"),
            sort: a.at,
        })
        .collect();
    out.sort_by_key(|e| std::cmp::Reverse(e.sort));
    Ok(out)
}

/// The page of one opportunity, with what an action said.
pub async fn page(st: &AppState, me: &SignedIn, s: &Subject, o: &Opportunity, said: Said) -> Result<Response, UiError> {
    let f = &o.fields;
    let change = allow(st, s, Action::Update, o).await.is_ok();
    let settings = st.store.settings().await?.scoping;
    let account: Account = st.store.get(f.account_id).await?;
    let people = names_of::<Person>(st, f.engagement_manager_id.into_iter().chain(o.technical_architect_id)).await?;
    let person = |p: Option<psops_core::people::PersonId>| {
        p.and_then(|p| people.get(&p.get()).cloned())
            .unwrap_or_else(|| "—".into())
    };
    let estimates = st
        .store
        .every(&EstimateFilter {
            opportunity_id: Some(o.id),
            archived: Some(false),
            ..Default::default()
        })
        .await?;
    let sows = st
        .store
        .every(&SowFilter {
            opportunity_id: Some(o.id),
            archived: Some(false),
            ..Default::default()
        })
        .await?;
    let events = timeline(st, o, &estimates, &sows).await?;
    let clocks = clocks_of(st, o, &settings).await?;
    let (forward, back) = moves(o);
    let facts = vec![
        Fact {
            label: "Account",
            value: account.fields.name.clone(),
        },
        Fact {
            label: "Engagement manager",
            value: person(f.engagement_manager_id),
        },
        Fact {
            label: "Segment",
            value: format!(
                "{}{}",
                f.segment.label(),
                if f.public_sector { ", public sector" } else { "" }
            ),
        },
        Fact {
            label: "Sales stage",
            value: text(&f.stage),
        },
        Fact {
            label: "Close date",
            value: day(f.close_date),
        },
        Fact {
            label: "CRM id",
            value: text(&f.crm_id),
        },
        Fact {
            label: "Sales owner",
            value: text(&f.sales_owner),
        },
        Fact {
            label: "Whose move",
            value: label(f.em_status.code()),
        },
        Fact {
            label: "Confidence",
            value: text(&f.em_confidence),
        },
        Fact {
            label: "Pain points",
            value: text(&f.pain_points),
        },
        Fact {
            label: "Constraints",
            value: text(&f.constraints),
        },
        Fact {
            label: "Idle sweep",
            value: if f.keep_open {
                "kept open".into()
            } else {
                format!("closes lost after {} idle months", settings.idle_months)
            },
        },
    ];
    let values = vec![
        Fact {
            label: "Opportunity amount",
            value: money(f.amount),
        },
        Fact {
            label: "PS value",
            value: money(f.ps_value),
        },
        Fact {
            label: "Edu value",
            value: money(o.edu_value),
        },
        Fact {
            label: "Edu value forecast",
            value: money(f.edu_value_override),
        },
        Fact {
            label: "Investment",
            value: money(o.investment_value),
        },
    ];
    let agreed = estimates.iter().any(|e| e.status == EstimateStatus::Agreed);
    let ctx = OpportunityPage {
        frame: frame(me, s),
        id: o.id.get(),
        version: o.meta.version,
        name: f.name.clone(),
        state: o.state.code(),
        state_label: o.state.label(),
        held_from: o.held_from.map(|h| h.label()),
        reason: o.reason.clone(),
        closed_quarter: o.closed_quarter.clone(),
        facts,
        values,
        currency: f.currency.to_string(),
        clocks: clocks.iter().map(badge).collect(),
        ta_status: o.ta_status.code(),
        ta: person(o.technical_architect_id),
        ta_needed_by: day(o.ta_needed_by),
        moves: if change { forward } else { Vec::new() },
        back: if change { back } else { Vec::new() },
        change,
        edit: change,
        estimates: estimates
            .iter()
            .rev()
            .map(|e| EstimateRow {
                id: e.id.get(),
                number: e.number,
                title: text(&e.fields.title),
                status: e.status.code(),
                ta_review: e.ta_review.code(),
                price: e.totals.price.to_string(),
                total: e.totals.total.to_string(),
                margin: pct(e.totals.margin_bp),
                updated: day(Some(e.meta.updated_at.date())),
            })
            .collect(),
        sows: sows
            .iter()
            .rev()
            .map(|w| SowRow {
                id: w.id.get(),
                number: w.number.clone(),
                revision: w.revision,
                title: w.fields.title.clone(),
                status: w.status.code(),
                updated: day(Some(w.meta.updated_at.date())),
            })
            .collect(),
        draft_sow: change && o.state == ScopingState::SowWip && agreed,
        timeline: events,
        errors: said.refused,
        typed: said.typed.0.into_iter().collect(),
        done: said.done,
        conflict: said.conflict,
    };
    let status = super::admin::status_of(&ctx.errors, ctx.conflict);
    Ok((status, render("opportunity.html", ctx)?).into_response())
}

/// `GET /scoping/opportunities/{id}`.
pub async fn show(
    State(st): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    p: Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let o = readable(&st, &s, &id).await?;
    let done = match p.get("done") {
        Some("moved") => Some("Moved."),
        Some("quoted") => Some("Quote recorded: PS value and edu value overwritten."),
        Some("invested") => Some("Investment recorded: it moved out of PS value."),
        Some("ta") => Some("Technical architect requested."),
        Some("assisted") => Some("The technical architect's help is recorded as given."),
        _ if p.get("saved").is_some() => Some("Saved."),
        _ => None,
    };
    page(
        &st,
        &me,
        &s,
        &o,
        Said {
            done,
            ..Said::default()
        },
    )
    .await
}
