//! `/scoping/opportunities/{id}/sows/new`: a SOW drafted from an agreed estimate while
//! the opportunity is at SOW WIP — title, scope, activities, billing type and terms,
//! milestones, passive acceptance (starting at the setting), minimum hours a week,
//! dates, expiry, delay language, assumptions and what is out of scope. The form is read
//! into the API's own body (`SowFields`) and drafted through the store's action, so a
//! refusal names the same field with the same rule as the API; a gate (not at SOW WIP,
//! an estimate not ready) is told on the form.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::code::Code;
use psops_core::policy::{Action, Subject};
use psops_core::projects::BillingType;
use psops_core::scoping::estimates::{Estimate, EstimateFilter, EstimateStatus};
use psops_core::scoping::opportunities::Opportunity;
use psops_core::scoping::sows::{BillingTerms, SowFields};
use psops_core::store::Records as _;
use psops_core::{Currency, Money};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use super::admin::{Fields, fields, inline, write_ctx};
use super::edit::{Input, Kind, Lines, action_form, read_action};
use super::filters::{Pairs, label, subject};
use super::render::UiError;
use super::scoping_opportunity::readable;
use super::session::SignedIn;
use crate::AppState;
use crate::authorize::allow;
use crate::request_id::RequestId;

/// An item of a list: the line as it is.
const ITEM: Lines = Lines {
    example: "Workshops with the platform team",
    read: |line| Ok(Value::from(line)),
    write: |v| v.as_str().unwrap_or_default().to_string(),
};

/// A milestone: `Design sign-off | 2027-01-29 | 12500.00 USD`.
pub(crate) const MILESTONE: Lines = Lines {
    example: "Design sign-off | 2027-01-29 | 12500.00 USD",
    read: |line| {
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        let [name, due, amount] = parts[..] else {
            return Err("write a milestone as its name, its due date and its amount, with bars between".into());
        };
        let due = psops_core::dates::parse_date("due", due)
            .map_err(|_| format!("'{due}' is not a date such as 2027-01-29"))?;
        let (number, currency) = amount
            .rsplit_once(' ')
            .ok_or_else(|| format!("'{amount}' needs its currency, e.g. 12500.00 USD"))?;
        let currency = currency
            .trim()
            .parse::<Currency>()
            .map_err(|_| format!("'{currency}' is not a currency such as USD"))?;
        let money = Money::parse(&number.replace(',', ""), currency)
            .map_err(|_| format!("'{number}' is not an amount such as 12500.00"))?;
        Ok(json!({"name": name, "due": psops_core::dates::format_date(due), "amount": money}))
    },
    write: |v| {
        let amount: Option<Money> = serde_json::from_value(v["amount"].clone()).ok();
        format!(
            "{} | {} | {}",
            v["name"].as_str().unwrap_or_default(),
            v["due"].as_str().unwrap_or_default(),
            amount.map(|m| m.to_string()).unwrap_or_default()
        )
    },
};

fn billing_types() -> Vec<(&'static str, String)> {
    [BillingType::FixedFee, BillingType::TimeAndMaterials]
        .iter()
        .map(|b| (b.code(), label(b.code())))
        .collect()
}

fn billing_terms() -> Vec<(&'static str, String)> {
    BillingTerms::ALL
        .iter()
        .map(|t| (t.code(), t.label().to_string()))
        .collect()
}

/// Every field of `SowFields` but the estimate, which the page carries.
pub(crate) const SOW: &[Input] = &[
    Input::new("title", "Title", Kind::Text),
    Input::new("scope", "Scope", Kind::Notes),
    Input::new("activities", "Activities", Kind::Lines(&ITEM)).optional().hint("One a line."),
    Input::new("billing_type", "Billing type", Kind::Choice(billing_types)),
    Input::new("billing_terms", "Billing terms", Kind::Choice(billing_terms)),
    Input::new("milestones", "Milestones", Kind::Lines(&MILESTONE))
        .optional()
        .hint("One a line: name | due date | amount — Design sign-off | 2027-01-29 | 12500.00 USD. A fixed fee's add up to its price."),
    Input::new("passive_acceptance_days", "Passive acceptance days", Kind::Whole)
        .hint("Business days after a sign-off request before a milestone counts as accepted; other than the setting needs the PS director."),
    Input::new("minimum_minutes_per_week", "Minimum hours a week", Kind::Hours).optional(),
    Input::new("start_date", "Start", Kind::Date),
    Input::new("end_date", "End", Kind::Date),
    Input::new("expires_on", "Expires on", Kind::Date).hint("The last day it can be signed."),
    Input::new("delay_language", "Delay language", Kind::Notes).optional(),
    Input::new("assumptions", "Assumptions", Kind::Lines(&ITEM)).optional().hint("One a line."),
    Input::new("out_of_scope", "Out of scope", Kind::Lines(&ITEM)).optional().hint("One a line."),
];

/// The agreed estimates of the opportunity, newest first: what a SOW may be built from.
async fn agreed(st: &AppState, o: &Opportunity) -> Result<Vec<Estimate>, UiError> {
    let mut all = st
        .store
        .every(&EstimateFilter {
            opportunity_id: Some(o.id),
            status: Some(EstimateStatus::Agreed),
            archived: Some(false),
            ..Default::default()
        })
        .await?;
    all.sort_by_key(|e| std::cmp::Reverse(e.number));
    Ok(all)
}

/// The estimate the form builds from: `?estimate=` (posted as `estimate_id`), else the
/// newest agreed one; none when nothing is agreed.
fn chosen<'a>(list: &'a [Estimate], p: &Pairs) -> Option<&'a Estimate> {
    let wanted = p
        .get("estimate_id")
        .or(p.get("estimate"))
        .and_then(|t| t.parse::<i64>().ok());
    match wanted {
        Some(id) => list.iter().find(|e| e.id.get() == id),
        None => list.first(),
    }
}

async fn writable(st: &AppState, s: &Subject, id: &str) -> Result<Opportunity, UiError> {
    let o = readable(st, s, id).await?;
    allow(st, s, Action::Update, &o).await?;
    Ok(o)
}

fn draw(
    me: &SignedIn,
    s: &Subject,
    o: &Opportunity,
    e: &Estimate,
    p: &Pairs,
    errors: Vec<psops_core::FieldError>,
    status: StatusCode,
) -> Result<Response, UiError> {
    action_form(
        me,
        s,
        "SOW",
        format!(
            "New SOW for {} from estimate v{} ({})",
            o.fields.name, e.number, e.totals.price
        ),
        format!("/scoping/opportunities/{}/sows/new", o.id),
        format!("/scoping/opportunities/{}", o.id),
        SOW,
        p,
        vec![("estimate_id".into(), e.id.to_string())],
        errors,
        status,
    )
}

/// No agreed estimate: nothing to build a SOW from, said plainly.
fn nothing_agreed() -> UiError {
    UiError::new(
        StatusCode::CONFLICT,
        "No agreed estimate",
        "A SOW is built from an estimate the customer agreed (and the technical architect approved when it is over the threshold). Mark an estimate agreed first.",
    )
}

/// `GET /scoping/opportunities/{id}/sows/new[?estimate=]`.
pub async fn new_form(
    State(st): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    link: Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let o = writable(&st, &s, &id).await?;
    let list = agreed(&st, &o).await?;
    let e = chosen(&list, &link).ok_or_else(nothing_agreed)?;
    let settings = st.store.settings().await?.scoping;
    let today = OffsetDateTime::now_utc().date();
    let day = psops_core::dates::format_date;
    let p = Pairs(vec![
        ("title".into(), o.fields.name.clone()),
        ("billing_type".into(), BillingType::FixedFee.code().into()),
        ("billing_terms".into(), BillingTerms::AtCompletion.code().into()),
        (
            "passive_acceptance_days".into(),
            settings.passive_acceptance_days.to_string(),
        ),
        ("start_date".into(), day(today + Duration::days(14))),
        ("end_date".into(), day(today + Duration::days(70))),
        ("expires_on".into(), day(today + Duration::days(30))),
    ]);
    draw(&me, &s, &o, e, &p, Vec::new(), StatusCode::OK)
}

/// `POST /scoping/opportunities/{id}/sows/new`: drafted and shown, or the form again.
pub async fn save(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path(id): Path<String>,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let o = writable(&st, &s, &id).await?;
    let list = agreed(&st, &o).await?;
    let e = chosen(&list, &p).ok_or_else(nothing_agreed)?;
    let (sow, mut errors) = read_action::<SowFields>(SOW, &p, vec![("estimate_id", Value::from(e.id.get()))])?;
    if let Some(f) = &sow
        && errors.is_empty()
    {
        let rules = f.validate().and_then(|()| f.check_against(&e.totals));
        if let Err(err) = rules {
            errors.extend(inline(err)?);
        }
    }
    let Some(sow) = sow.filter(|_| errors.is_empty()) else {
        return draw(&me, &s, &o, e, &p, errors, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let grant = allow(&st, &s, Action::Update, &o).await?;
    match st.store.draft_sow(&write_ctx(&me, &request, grant), o.id, sow).await {
        Ok(made) => {
            let w = made.made()?;
            Ok(Redirect::to(&format!("/scoping/sows/{}?done=drafted", w.id)).into_response())
        }
        Err(err) => {
            let refused = inline(err)?;
            let status = super::admin::status_of(&refused, false);
            draw(&me, &s, &o, e, &p, refused, status)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::PartialSchema;
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::Schema;

    #[test]
    fn the_sow_form_has_the_apis_fields_but_the_carried_estimate() {
        let RefOr::T(Schema::Object(o)) = SowFields::schema() else {
            panic!("not an object schema");
        };
        let mut want: Vec<String> = o.properties.keys().filter(|k| *k != "estimate_id").cloned().collect();
        want.sort();
        let mut have: Vec<String> = SOW.iter().map(|i| i.name.to_string()).collect();
        have.sort();
        assert_eq!(have, want);
        for i in SOW {
            assert!(
                i.required || !o.required.contains(&i.name.to_string()),
                "{} is required by the API",
                i.name
            );
        }
    }

    #[test]
    fn milestones_read_and_write_back() {
        let m = (MILESTONE.read)("Design | 2027-01-29 | 12,500.00 USD").unwrap();
        assert_eq!(m["amount"]["amount_minor"], 1_250_000);
        assert_eq!((MILESTONE.read)(&(MILESTONE.write)(&m)).unwrap(), m);
        assert!((MILESTONE.read)("Design | soon | 1 USD").is_err());
        assert!((MILESTONE.read)("Design | 2027-01-29 | 100").is_err());
    }
}
