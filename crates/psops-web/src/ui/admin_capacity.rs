//! `/admin/capacity`: the base capacity rules — its numbers, the handbook table they give —
//! and, for those the policy lets change it, the form that edits them. Bad numbers are
//! answered inline naming the field and the rule; nothing is saved then.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::capacity::{CapacityRules, HandbookRow};
use psops_core::code::Code;
use psops_core::error::Thing;
use psops_core::people::Function;
use psops_core::policy::{Action, Decision, Resource, decide};
use psops_core::record::Entity;
use psops_core::rule::Rule;
use psops_core::{FieldError, Minutes};
use serde::Serialize;

use super::admin::{Fields, fields, inline, write_ctx};
use super::filters::{Pairs, label, options, pct, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use crate::AppState;
use crate::authorize::{Fixed, allow};
use crate::request_id::RequestId;

pub(super) const POLICY: Fixed = Fixed(Resource::CapacityRules, Thing::Entity(Entity::CapacityRules));

#[derive(Serialize)]
struct Number {
    name: String,
    label: String,
    value: String,
}

#[derive(Serialize)]
struct PolicyPage {
    #[serde(flatten)]
    frame: Frame,
    can_edit: bool,
    numbers: Vec<Number>,
    targets: Vec<Number>,
    handbook: Vec<HandbookRow>,
    errors: Vec<FieldError>,
    notice: Option<&'static str>,
    overrides: Vec<super::admin_overrides::Line>,
    functions: Vec<(&'static str, String)>,
    /// What was typed into the override form, after a refusal.
    draft: std::collections::BTreeMap<String, String>,
    /// Errors of the override form.
    override_errors: Vec<FieldError>,
}

/// Basis points as the percentage typed in the form: 7000 → `70`, 5550 → `55.5`.
pub(super) fn percent_text(bp: i64) -> String {
    pct(Some(bp)).trim_end_matches(" %").trim_end_matches(".0").to_string()
}

/// The form's fields with the policy's values (or what was typed, after an error).
fn numbers(p: &CapacityRules, typed: Option<&Pairs>) -> (Vec<Number>, Vec<Number>) {
    let n = |name: &str, label: &str, value: String| Number {
        name: name.into(),
        label: label.into(),
        value: typed.map(|t| t.text(name)).unwrap_or(value),
    };
    let numbers = vec![
        n(
            "day_hours",
            "Hours in a working day",
            Minutes(p.day_minutes).hours_text(),
        ),
        n("week_days", "Working days a week", p.week_days.to_string()),
        n("weeks_per_year", "Weeks a year", p.weeks_per_year.to_string()),
        n("holiday_days", "Holidays a year (days)", p.holiday_days.to_string()),
        n("pto_days", "PTO a year (days)", p.pto_days.to_string()),
        n(
            "friends_family_days",
            "Friends-and-family days a year",
            p.friends_family_days.to_string(),
        ),
        n("summit_days", "Summit / SKO days a year", p.summit_days.to_string()),
        n(
            "margin_target",
            "Gross-margin target (%)",
            percent_text(p.margin_target_bp),
        ),
        n(
            "fiscal_year_start_month",
            "Fiscal year starts in month (1–12)",
            p.fiscal_year_start_month.to_string(),
        ),
    ];
    let targets = Function::ALL
        .iter()
        .map(|f| {
            n(
                &format!("target_{}", f.code()),
                &format!("Billable target, {} (%)", label(f.code())),
                percent_text(p.billable_targets.get(*f)),
            )
        })
        .collect();
    (numbers, targets)
}

/// A percentage with at most two decimals (`70`, `55.5`, `12.25`) as basis points.
pub(super) fn parse_percent(field: &str, text: &str) -> Result<i64, FieldError> {
    let bad = || {
        FieldError::new(
            field,
            Rule::Percent,
            format!("{field} must be a percentage like 70 or 55.5, got '{text}'"),
        )
    };
    let t = text.trim().trim_end_matches('%').trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty() || frac.len() > 2 || !whole.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let frac: i64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    whole.checked_mul(100).and_then(|w| w.checked_add(frac)).ok_or_else(bad)
}

pub(super) fn parse_int(field: &str, text: &str) -> Result<i64, FieldError> {
    text.trim().parse().map_err(|_| {
        FieldError::new(
            field,
            Rule::Integer,
            format!("{field} must be a whole number, got '{text}'"),
        )
    })
}

/// The policy the form describes; every field that does not parse is an error.
fn read_form(p: &Pairs, base: &CapacityRules) -> Result<CapacityRules, Vec<FieldError>> {
    let mut out = base.clone();
    let mut errors = Vec::new();
    let text = |name: &str| p.text(name);
    match Minutes::parse(&text("day_hours")) {
        Ok(m) => out.day_minutes = m.get(),
        Err(_) => errors.push(FieldError::new(
            "day_hours",
            Rule::Duration,
            "day_hours must be hours like 8 or 7.5",
        )),
    }
    let ints: [(&str, &mut i64); 6] = [
        ("week_days", &mut out.week_days),
        ("weeks_per_year", &mut out.weeks_per_year),
        ("holiday_days", &mut out.holiday_days),
        ("pto_days", &mut out.pto_days),
        ("friends_family_days", &mut out.friends_family_days),
        ("summit_days", &mut out.summit_days),
    ];
    for (name, slot) in ints {
        match parse_int(name, &text(name)) {
            Ok(v) => *slot = v,
            Err(e) => errors.push(e),
        }
    }
    match parse_percent("margin_target", &text("margin_target")) {
        Ok(v) => out.margin_target_bp = v,
        Err(e) => errors.push(e),
    }
    match text("fiscal_year_start_month").trim().parse::<u8>() {
        Ok(m) => out.fiscal_year_start_month = m,
        Err(_) => errors.push(FieldError::new(
            "fiscal_year_start_month",
            Rule::Month,
            "fiscal_year_start_month must be a month number from 1 to 12",
        )),
    }
    for f in Function::ALL {
        let name = format!("target_{}", f.code());
        match parse_percent(&name, &text(&name)) {
            Ok(v) => out.billable_targets.set(*f, v),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// What the page shows besides the policy: the base form as typed and its errors, a
/// notice, and the override form as typed and its errors.
#[derive(Default)]
struct Shown<'a> {
    typed: Option<&'a Pairs>,
    errors: Vec<FieldError>,
    notice: Option<&'static str>,
    draft: Option<&'a Pairs>,
    override_errors: Vec<FieldError>,
}

/// The page again with the override form as typed and what is wrong with it.
pub(super) async fn again(
    st: &AppState,
    me: &SignedIn,
    p: &Pairs,
    errors: Vec<FieldError>,
) -> Result<Response, UiError> {
    let shown = Shown {
        draft: Some(p),
        override_errors: errors,
        ..Default::default()
    };
    page(st, me, StatusCode::UNPROCESSABLE_ENTITY, shown).await
}

async fn page(st: &AppState, me: &SignedIn, status: StatusCode, shown: Shown<'_>) -> Result<Response, UiError> {
    let s = subject(st, me).await?;
    allow(st, &s, Action::Read, &POLICY).await?;
    let policy = st.store.capacity_rules().await?;
    let (numbers, targets) = numbers(&policy, shown.typed);
    let ctx = PolicyPage {
        frame: frame(me, &s),
        can_edit: decide(&s, Action::Update, &Resource::CapacityRules) == Decision::Allow,
        numbers,
        targets,
        handbook: policy.handbook_table(),
        errors: shown.errors,
        notice: shown.notice,
        overrides: super::admin_overrides::lines(st).await?,
        functions: options::<Function>(),
        draft: shown.draft.map(|p| p.0.iter().cloned().collect()).unwrap_or_default(),
        override_errors: shown.override_errors,
    };
    Ok((status, render("admin_capacity.html", ctx)?).into_response())
}

pub async fn show(State(st): State<AppState>, me: SignedIn, p: Pairs) -> Result<Response, UiError> {
    let notice = match p.get("done") {
        Some("override") => Some("Override added."),
        Some("removed") => Some("Override removed."),
        Some(_) => Some("Policy saved."),
        None => None,
    };
    let shown = Shown {
        notice,
        ..Default::default()
    };
    page(&st, &me, StatusCode::OK, shown).await
}

pub async fn update(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let grant = allow(&st, &s, Action::Update, &POLICY).await?;
    let base = st.store.capacity_rules().await?;
    let errors = match read_form(&p, &base) {
        Ok(policy) => match st
            .store
            .update_capacity_rules(&write_ctx(&me, &request, grant), policy)
            .await
        {
            Ok(_) => return Ok(Redirect::to("/admin/capacity?done=1").into_response()),
            Err(e) => inline(e)?,
        },
        Err(errors) => errors,
    };
    let shown = Shown {
        typed: Some(&p),
        errors,
        ..Default::default()
    };
    page(&st, &me, StatusCode::UNPROCESSABLE_ENTITY, shown).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_parse_to_basis_points() {
        assert_eq!(parse_percent("t", "70"), Ok(7000));
        assert_eq!(parse_percent("t", "55.5 %"), Ok(5550));
        assert_eq!(parse_percent("t", "12.25"), Ok(1225));
        assert!(parse_percent("t", "12.255").is_err());
        assert!(parse_percent("t", "-5").is_err());
        assert!(parse_percent("t", "").is_err());
        assert_eq!(percent_text(5550), "55.5");
        assert_eq!(percent_text(7000), "70");
    }

    #[test]
    fn the_form_of_a_policy_reads_back_as_that_policy() {
        let policy = CapacityRules::handbook();
        let (numbers, targets) = numbers(&policy, None);
        let pairs = numbers
            .iter()
            .chain(&targets)
            .map(|n| (n.name.clone(), n.value.clone()))
            .collect();
        assert_eq!(read_form(&Pairs(pairs), &CapacityRules::default()), Ok(policy));
    }

    #[test]
    fn bad_numbers_name_their_field() {
        let p = Pairs(vec![("week_days".into(), "five".into())]);
        let errors = read_form(&p, &CapacityRules::handbook()).err().unwrap_or_default();
        assert!(errors.iter().any(|e| e.field == "week_days" && e.rule == Rule::Integer));
        assert!(errors.iter().any(|e| e.field == "day_hours"));
    }
}
