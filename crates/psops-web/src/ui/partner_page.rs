//! `/partners/{id}`: a partner organisation's page — its status and the moves open to
//! it, its onboarding checklist (ticked and unticked here by those who keep partners),
//! its contacts, its consultants with their vetting state and what each still lacks, and
//! the projects it delivers. `POST /partners/{id}/onboarding/{tick|untick|move}` acts.

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::code::Code;
use psops_core::partnering::contacts::{PartnerContact, PartnerContactFilter};
use psops_core::partnering::onboarding::{OnboardingItem, PartnerMove, PartnerStatus};
use psops_core::partners::Partner;
use psops_core::policy::{Action, Subject, list_scope};
use psops_core::projects::ProjectFilter;
use psops_core::scope::ListKind;
use psops_core::sort::Sorted;
use psops_core::store::Records as _;
use psops_core::{Error, FieldError};
use serde::Serialize;
use time::OffsetDateTime;

use super::admin::{Fields, fields, refused, status_of, write_ctx};
use super::edit::may_edit;
use super::filters::{Pairs, day, label, path_id, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use crate::AppState;
use crate::authorize::allow;
use crate::authorize::partnering::{consultant, contacts_of, profile, vetting};
use crate::params::Params;
use crate::request_id::RequestId;

/// Consultants listed on the page before "Everyone" leads to the people list.
const SHOWN: usize = 100;

#[derive(Serialize)]
struct Item {
    code: &'static str,
    label: String,
    done_on: String,
    by: String,
    done: bool,
}

#[derive(Serialize)]
struct ContactRow {
    name: String,
    edit: Option<String>,
    role: String,
    email: String,
    phone: String,
}

#[derive(Serialize)]
struct Consultant {
    id: i64,
    name: String,
    function: String,
    state: &'static str,
    state_label: String,
    missing: Vec<String>,
    /// Links to add a skill, a certification, a review — each when the reader may.
    add: Vec<(String, &'static str)>,
}

#[derive(Serialize)]
struct ProjectRow {
    id: i64,
    name: String,
    dates: String,
    status: String,
}

#[derive(Serialize)]
struct PartnerPage {
    #[serde(flatten)]
    frame: Frame,
    id: i64,
    name: String,
    version: i64,
    archived: bool,
    status: &'static str,
    status_label: String,
    edit: Option<String>,
    facts: Vec<(&'static str, String)>,
    keep: bool,
    moves: Vec<(&'static str, String)>,
    items: Vec<Item>,
    open: Vec<String>,
    today: String,
    contacts: Vec<ContactRow>,
    add_contact: Option<String>,
    counts: Vec<(&'static str, i64)>,
    consultants: Vec<Consultant>,
    more_people: bool,
    projects: Vec<ProjectRow>,
    errors: Vec<FieldError>,
    conflict: bool,
    done: Option<String>,
    /// Links to its prime SOWs, its invoices and the partner report, for those who read
    /// partner funds.
    funds: bool,
    /// It is a training service partner: a link to its compliance, with `funds`.
    training: bool,
}

async fn readable(st: &AppState, s: &Subject, id: &str) -> Result<Partner, UiError> {
    let partner: Partner = st.store.get(psops_core::Id::new(path_id(id)?)).await?;
    allow(st, s, Action::Read, &partner).await?;
    Ok(partner)
}

pub async fn show(
    State(st): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    p: Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let partner = readable(&st, &s, &id).await?;
    let done = p.get("done").map(|d| format!("{}.", label(d)));
    page(&st, &me, &s, &partner, (Vec::new(), false, done)).await
}

async fn page(
    st: &AppState,
    me: &SignedIn,
    s: &Subject,
    partner: &Partner,
    said: (Vec<FieldError>, bool, Option<String>),
) -> Result<Response, UiError> {
    let (errors, conflict, done) = said;
    let today = OffsetDateTime::now_utc().date();
    let keep = allow(st, s, Action::Update, partner).await.is_ok();
    let onboarding = st.store.onboarding(partner.id).await?;
    let items = onboarding
        .items
        .iter()
        .map(|l| Item {
            code: l.item.code(),
            label: l.label.clone(),
            done_on: day(l.done_on),
            by: l.ticked_by_name.clone().unwrap_or_default(),
            done: l.done_on.is_some(),
        })
        .collect();
    let contacts_guard = contacts_of(st, partner.id).await?;
    let contact_keeper = allow(st, s, Action::Update, &contacts_guard).await.is_ok();
    let contacts = st
        .store
        .sorted(
            &PartnerContactFilter {
                partner_id: partner.id,
                archived: Some(false),
            },
            Sorted {
                size: 50,
                ..Default::default()
            },
        )
        .await?
        .items
        .into_iter()
        .map(|c: PartnerContact| ContactRow {
            edit: contact_keeper.then(|| format!("/partner-contacts/{}/edit", c.id)),
            name: c.fields.name,
            role: c.fields.role.unwrap_or_default(),
            email: c.fields.email.unwrap_or_default(),
            phone: c.fields.phone.unwrap_or_default(),
        })
        .collect();
    let pipeline = st.store.vetting_pipeline(partner.id, today).await?;
    let mut consultants = Vec::new();
    for c in pipeline.consultants.iter().take(SHOWN) {
        let their_vetting = consultant(c.person_id, partner.id, vetting);
        if allow(st, s, Action::Read, &their_vetting).await.is_err() {
            continue;
        }
        let their_profile = consultant(c.person_id, partner.id, profile);
        let keeps_profile = allow(st, s, Action::Update, &their_profile).await.is_ok();
        let keeps_vetting = allow(st, s, Action::Update, &their_vetting).await.is_ok();
        let link = |path: &str| format!("/{path}/new?person={}&partner={}", c.person_id, partner.id);
        let mut add = Vec::new();
        if keeps_profile {
            add.push((link("person-skills"), "Add a skill"));
            add.push((link("person-certifications"), "Add a certification"));
        }
        if keeps_vetting {
            add.push((link("vetting-reviews"), "Record a review"));
        }
        consultants.push(Consultant {
            id: c.person_id.get(),
            name: c.name.clone(),
            function: label(c.function.code()),
            state: c.vetting.state.code(),
            state_label: label(c.vetting.state.code()),
            missing: c.vetting.missing.iter().map(|g| g.text.clone()).collect(),
            add,
        });
    }
    let counts = if s.is_partner() && !s.has(psops_core::auth::Role::PartnerManager) {
        Vec::new()
    } else {
        vec![
            ("Vetted", pipeline.vetted),
            ("In vetting", pipeline.in_vetting),
            ("Not started", pipeline.not_started),
            ("Failed", pipeline.failed),
        ]
    };
    let projects = st
        .store
        .sorted(
            &ProjectFilter {
                partner_id: Some(partner.id),
                archived: Some(false),
                scope: list_scope(s, ListKind::Projects),
                ..Default::default()
            },
            Sorted {
                size: 20,
                ..Default::default()
            },
        )
        .await?
        .items
        .into_iter()
        .map(|p| ProjectRow {
            id: p.id.get(),
            name: p.fields.name,
            dates: super::filters::span(p.fields.start_date, p.fields.end_date),
            status: label(p.fields.status.code()),
        })
        .collect();
    let f = &partner.fields;
    let ctx = PartnerPage {
        frame: frame(me, s),
        id: partner.id.get(),
        name: f.name.clone(),
        version: partner.meta.version,
        archived: partner.meta.is_archived(),
        status: partner.status.code(),
        status_label: label(partner.status.code()),
        edit: keep.then(|| format!("/partners/{}/edit", partner.id)),
        funds: super::partner_funds::sees_partner_funds(s),
        training: f.training_since.is_some(),
        facts: vec![
            ("Type", label(f.partner_type.code())),
            ("Status since", day(partner.status_since)),
            ("Region", f.region.clone().unwrap_or_else(|| "—".into())),
            ("Notes", f.notes.clone().unwrap_or_else(|| "—".into())),
            ("Training partner since", day(f.training_since)),
        ],
        keep,
        moves: if keep {
            partner
                .status
                .next()
                .iter()
                .map(|m| (m.code(), label(m.code())))
                .collect()
        } else {
            Vec::new()
        },
        items,
        open: onboarding.open.iter().map(|i| i.label().to_string()).collect(),
        today: day(Some(today)),
        contacts,
        add_contact: (contact_keeper && may_edit::<PartnerContact>(s))
            .then(|| format!("/partner-contacts/new?partner={}", partner.id)),
        counts,
        more_people: pipeline.consultants.len() > SHOWN,
        consultants,
        projects,
        errors,
        conflict,
        done,
    };
    let status = status_of(&ctx.errors, ctx.conflict);
    Ok((status, render("partner.html", ctx)?).into_response())
}

/// `POST /partners/{id}/onboarding/{action}`: `tick` (`item`, `done_on`), `untick`
/// (`item`) or `move` (`to`, `version`).
pub async fn act(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path((id, action)): Path<(String, String)>,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let partner = readable(&st, &s, &id).await?;
    if !["tick", "untick", "move"].contains(&action.as_str()) {
        return Err(super::not_found());
    }
    let grant = allow(&st, &s, Action::Update, &partner).await?;
    let ctx = write_ctx(&me, &request, grant);
    let today = OffsetDateTime::now_utc().date();
    let mut e = Params::new();
    let outcome: Result<(), Error> = match action.as_str() {
        "tick" | "untick" => {
            let item = e.code::<OnboardingItem>("item", p.get("item"));
            let done_on = e.date("done_on", p.get("done_on").filter(|d| !d.is_empty()));
            match (item, e.into_errors()) {
                (Some(item), errors) if errors.is_empty() => {
                    if action == "tick" {
                        st.store
                            .tick(&ctx, partner.id, item, done_on.unwrap_or(today))
                            .await
                            .map(drop)
                    } else {
                        st.store.untick(&ctx, partner.id, item).await.map(drop)
                    }
                }
                (_, errors) if !errors.is_empty() => Err(Error::Invalid(errors)),
                _ => Err(Error::invalid(
                    "item",
                    psops_core::rule::Rule::Required,
                    "item is required",
                )),
            }
        }
        _ => {
            let version = p.get("version").and_then(|v| v.parse::<i64>().ok());
            match e.code::<PartnerStatus>("to", p.get("to")) {
                Some(to) => st
                    .store
                    .move_partner(&ctx, partner.id, version, PartnerMove { to, on: None }, today)
                    .await
                    .map(drop),
                None => Err(Error::Invalid(e.into_errors())),
            }
        }
    };
    let (errors, conflict) = match outcome {
        Ok(()) => {
            st.changed(psops_core::record::Entity::Partner);
            let done = match action.as_str() {
                "tick" => "ticked",
                "untick" => "unticked",
                _ => "moved",
            };
            return Ok(Redirect::to(&format!("/partners/{}?done={done}", partner.id)).into_response());
        }
        Err(err) => refused(err)?,
    };
    let now = readable(&st, &s, &id).await?;
    page(&st, &me, &s, &now, (errors, conflict, None)).await
}
