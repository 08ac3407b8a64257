//! The capacity policy's overrides on `/admin/capacity`: for a region, a function or one
//! person from a date (until another), the numbers that differ from the base policy —
//! a four-day week, a longer day, more PTO, another billable target. Listed for everyone
//! who reads the policy; added and removed by whoever may change it.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::calendars::RulesOverrideId;
use psops_core::capacity::{FunctionTarget, OverrideScope, RulesChanges, RulesOverride};
use psops_core::code::Code;
use psops_core::people::{Function, Person};
use psops_core::policy::Action;
use psops_core::record::Entity;
use psops_core::rule::Rule;
use psops_core::{FieldError, Id, Minutes};
use serde::Serialize;

use super::admin::{Fields, fields, inline, write_ctx};
use super::admin_capacity::{POLICY, parse_int, parse_percent, percent_text};
use super::edit::pick;
use super::filters::{Pairs, day, label, names_of, path_id, subject};
use super::render::UiError;
use super::session::SignedIn;
use crate::AppState;
use crate::authorize::allow;
use crate::request_id::RequestId;

/// An override as the page lists it.
#[derive(Serialize)]
pub struct Line {
    id: i64,
    scope: String,
    from: String,
    to: String,
    changes: Vec<String>,
}

/// The stored overrides, in words.
pub async fn lines(st: &AppState) -> Result<Vec<Line>, UiError> {
    let stored = st.store.list_rules_overrides().await?;
    let people = names_of::<Person>(
        st,
        stored.iter().filter_map(|o| match o.policy_override.scope {
            OverrideScope::Person(p) => Some(p),
            _ => None,
        }),
    )
    .await?;
    Ok(stored
        .iter()
        .map(|o| {
            let r = &o.policy_override;
            Line {
                id: o.id.get(),
                scope: match &r.scope {
                    OverrideScope::Region(region) => format!("Region {region}"),
                    OverrideScope::Function(f) => format!("Function {}", label(f.code())),
                    OverrideScope::Person(p) => people.get(&p.get()).cloned().unwrap_or_else(|| format!("person {p}")),
                },
                from: day(Some(r.effective_from)),
                to: r
                    .effective_to
                    .map(|d| day(Some(d)))
                    .unwrap_or_else(|| "open-ended".into()),
                changes: words(&r.changes),
            }
        })
        .collect())
}

fn words(c: &RulesChanges) -> Vec<String> {
    let mut out = Vec::new();
    let mut add = |what: &str, v: Option<i64>| {
        if let Some(v) = v {
            out.push(format!("{what} {v}"));
        }
    };
    add("working days a week:", c.week_days);
    add("PTO days:", c.pto_days);
    add("holidays:", c.holiday_days);
    add("friends-and-family days:", c.friends_family_days);
    add("summit days:", c.summit_days);
    if let Some(m) = c.day_minutes {
        out.push(format!("working day: {} h", Minutes(m).clock_text()));
    }
    for t in &c.billable_targets {
        out.push(format!(
            "billable target, {}: {} %",
            label(t.function.code()),
            percent_text(t.target_bp)
        ));
    }
    out
}

/// A whole number typed into an optional input: empty leaves the number as it is.
fn optional_int(p: &Pairs, name: &str, errors: &mut Vec<FieldError>) -> Option<i64> {
    let text = p.text(name);
    if text.trim().is_empty() {
        return None;
    }
    parse_int(name, &text).map_err(|e| errors.push(e)).ok()
}

/// The override a posted form describes, or every reason it does not.
async fn read(
    st: &AppState,
    s: &psops_core::policy::Subject,
    p: &Pairs,
) -> Result<Result<RulesOverride, Vec<FieldError>>, UiError> {
    let mut errors = Vec::new();
    let scope = match p.get("scope") {
        Some("region") if !p.text("region").trim().is_empty() => {
            Some(OverrideScope::Region(p.text("region").trim().into()))
        }
        Some("region") => {
            errors.push(FieldError::new(
                "region",
                Rule::Required,
                "Region is required for a regional override",
            ));
            None
        }
        Some("function") => match Function::from_code(&p.text("function")) {
            Ok(f) => Some(OverrideScope::Function(f)),
            Err(_) => {
                errors.push(FieldError::new(
                    "function",
                    Rule::OneOf,
                    "Choose the function the override is for",
                ));
                None
            }
        },
        Some("person") => match pick::resolve(st, s, Entity::Person, "person", "Person", &p.text("person")).await? {
            Ok(Some(id)) => Some(OverrideScope::Person(Id::new(id))),
            Ok(None) => {
                errors.push(FieldError::new(
                    "person",
                    Rule::Required,
                    "Choose the person the override is for",
                ));
                None
            }
            Err(e) => {
                errors.push(e);
                None
            }
        },
        _ => {
            errors.push(FieldError::new(
                "scope",
                Rule::OneOf,
                "Choose whom the override is for: a region, a function or a person",
            ));
            None
        }
    };
    let date = |name: &str, errors: &mut Vec<FieldError>| {
        let text = p.text(name);
        if text.trim().is_empty() {
            return None;
        }
        psops_core::dates::parse_date(name, text.trim())
            .map_err(|e| {
                if let psops_core::Error::Invalid(f) = e {
                    errors.extend(f);
                }
            })
            .ok()
    };
    let from = date("effective_from", &mut errors);
    if from.is_none() && p.text("effective_from").trim().is_empty() {
        errors.push(FieldError::new(
            "effective_from",
            Rule::Required,
            "From is required: the first day the override applies",
        ));
    }
    let to = date("effective_to", &mut errors);
    let mut changes = RulesChanges {
        week_days: optional_int(p, "week_days", &mut errors),
        pto_days: optional_int(p, "pto_days", &mut errors),
        holiday_days: optional_int(p, "holiday_days", &mut errors),
        friends_family_days: optional_int(p, "friends_family_days", &mut errors),
        summit_days: optional_int(p, "summit_days", &mut errors),
        ..Default::default()
    };
    let hours = p.text("day_hours");
    if !hours.trim().is_empty() {
        match Minutes::parse(&hours) {
            Ok(m) => changes.day_minutes = Some(m.get()),
            Err(_) => errors.push(FieldError::new(
                "day_hours",
                Rule::Duration,
                "Working day must be hours like 8 or 7.5",
            )),
        }
    }
    let target = p.text("target");
    if !target.trim().is_empty() {
        let function = match (&scope, Function::from_code(&p.text("target_function"))) {
            (_, Ok(f)) => Some(f),
            (Some(OverrideScope::Function(f)), Err(_)) => Some(*f),
            _ => {
                errors.push(FieldError::new(
                    "target_function",
                    Rule::Required,
                    "Choose the function the billable target is for",
                ));
                None
            }
        };
        match (parse_percent("target", &target), function) {
            (Ok(bp), Some(function)) => changes.billable_targets.push(FunctionTarget {
                function,
                target_bp: bp,
            }),
            (Err(e), _) => errors.push(e),
            _ => {}
        }
    }
    let (Some(scope), Some(from), true) = (scope, from, errors.is_empty()) else {
        return Ok(Err(errors));
    };
    let made = RulesOverride {
        scope,
        effective_from: from,
        effective_to: to,
        changes,
    };
    Ok(match made.validate() {
        Ok(()) => Ok(made),
        Err(e) => Err(inline(e)?),
    })
}

/// `POST /admin/capacity/overrides`.
pub async fn create(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let grant = allow(&st, &s, Action::Create, &POLICY).await?;
    let errors = match read(&st, &s, &p).await? {
        Ok(made) => match st
            .store
            .create_rules_override(&write_ctx(&me, &request, grant), made)
            .await
        {
            Ok(_) => return Ok(Redirect::to("/admin/capacity?done=override#overrides").into_response()),
            Err(e) => inline(e)?,
        },
        Err(errors) => errors,
    };
    super::admin_capacity::again(&st, &me, &p, errors).await
}

/// `POST /admin/capacity/overrides/{id}/delete`.
pub async fn delete(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path(id): Path<String>,
    form: Fields,
) -> Result<Response, UiError> {
    fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let grant = allow(&st, &s, Action::Delete, &POLICY).await?;
    let id: RulesOverrideId = Id::new(path_id(&id)?);
    st.store
        .delete_rules_override(&write_ctx(&me, &request, grant), id)
        .await?;
    Ok((
        StatusCode::SEE_OTHER,
        Redirect::to("/admin/capacity?done=removed#overrides"),
    )
        .into_response())
}
