//! The forms of an opportunity's page: a move through the gates, a quote, an investment,
//! a request for a technical architect and the TA's help given. Each goes through the
//! policy and the store's own action, as the API does; a refusal (a gate, a rule, a bad
//! amount) comes back as the page with the message beside what it names and what was
//! typed kept — nothing is written then. A change made meanwhile by someone else is told,
//! never overwritten.

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::policy::Action;
use psops_core::rule::Rule;
use psops_core::scoping::opportunities::{Opportunity, Quote};
use psops_core::scoping::states::ScopingState;
use psops_core::scoping::store::{Move, TaRequest};
use psops_core::{FieldError, Id, Money};
use time::Date;

use super::admin::{Fields, fields, write_ctx};
use super::filters::{Pairs, subject};
use super::render::UiError;
use super::scoping_opportunity::{Said, page, readable};
use super::session::SignedIn;
use crate::AppState;
use crate::authorize::allow;
use crate::request_id::RequestId;

/// What an action of the page asks the store to do, read from its form.
enum Step {
    Move(Move),
    Quote(Quote),
    Invest(Money),
    Ta(TaRequest),
    Assisted,
}

/// An amount typed in the opportunity's currency.
pub fn amount(p: &Pairs, field: &str, label: &str, currency: psops_core::Currency) -> Result<Money, FieldError> {
    let text = p.text(field);
    if text.trim().is_empty() {
        return Err(FieldError::new(field, Rule::Required, format!("{label} is required")));
    }
    Money::parse(text.trim(), currency).map_err(|_| {
        FieldError::new(
            field,
            Rule::Decimal,
            format!(
                "{label} must be an amount in {currency} such as 12500.00, with at most {} decimals; got '{}'",
                currency.exponent(),
                text.trim()
            ),
        )
    })
}

/// A date typed as YYYY-MM-DD.
pub fn date(p: &Pairs, field: &str, label: &str) -> Result<Date, FieldError> {
    let text = p.text(field);
    if text.trim().is_empty() {
        return Err(FieldError::new(field, Rule::Required, format!("{label} is required")));
    }
    psops_core::dates::parse_date(field, text.trim()).map_err(|_| {
        FieldError::new(
            field,
            Rule::Date,
            format!("{label} must be a date such as 2026-03-31, got '{}'", text.trim()),
        )
    })
}

fn read(kind: &str, p: &Pairs, o: &Opportunity) -> Result<Step, Vec<FieldError>> {
    let currency = o.fields.currency;
    match kind {
        "move" => {
            let to = p
                .get("to")
                .and_then(|t| t.parse::<ScopingState>().ok())
                .ok_or_else(|| vec![FieldError::new("to", Rule::InvalidValue, "choose the state to move to")])?;
            Ok(Step::Move(Move {
                to,
                reason: p.get("reason").map(str::to_string),
            }))
        }
        "quote" => {
            let ps = amount(p, "ps_value", "PS value", currency);
            let edu = amount(p, "edu_value", "Edu value", currency);
            match (ps, edu) {
                (Ok(ps_value), Ok(edu_value)) => Ok(Step::Quote(Quote { ps_value, edu_value })),
                (a, b) => Err(a.err().into_iter().chain(b.err()).collect()),
            }
        }
        "invest" => amount(p, "amount", "Investment", currency)
            .map(Step::Invest)
            .map_err(|e| vec![e]),
        "ta-request" => {
            let who = p
                .get("technical_architect_id")
                .and_then(super::edit::pick::id_in)
                .ok_or_else(|| {
                    FieldError::new(
                        "technical_architect_id",
                        Rule::Required,
                        "choose the technical architect from the list",
                    )
                });
            match (who, date(p, "needed_by", "Needed by")) {
                (Ok(id), Ok(needed_by)) => Ok(Step::Ta(TaRequest {
                    technical_architect_id: Id::new(id),
                    needed_by,
                })),
                (a, b) => Err(a.err().into_iter().chain(b.err()).collect()),
            }
        }
        _ => Ok(Step::Assisted),
    }
}

/// `POST /scoping/opportunities/{id}/{action}`: `move`, `quote`, `invest`,
/// `ta-request` or `ta-assisted`, each with the `version` the page was read at.
pub async fn act(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path((id, kind)): Path<(String, String)>,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    if !matches!(
        kind.as_str(),
        "move" | "quote" | "invest" | "ta-request" | "ta-assisted"
    ) {
        return Err(super::not_found());
    }
    let o = readable(&st, &s, &id).await?;
    let grant = allow(&st, &s, Action::Update, &o).await?;
    let ctx = write_ctx(&me, &request, grant);
    let v = p.get("version").and_then(|v| v.parse::<i64>().ok());
    let step = match read(&kind, &p, &o) {
        Ok(step) => step,
        Err(refused) => {
            let said = Said {
                refused,
                typed: p,
                ..Said::default()
            };
            return page(&st, &me, &s, &o, said).await;
        }
    };
    let store = &st.store;
    let (done, outcome) = match step {
        Step::Move(m) => ("moved", store.move_opportunity(&ctx, o.id, v, m).await),
        Step::Quote(q) => ("quoted", store.quote_opportunity(&ctx, o.id, v, q).await),
        Step::Invest(m) => ("invested", store.invest(&ctx, o.id, v, m).await),
        Step::Ta(r) => ("ta", store.request_ta(&ctx, o.id, v, r).await),
        Step::Assisted => ("assisted", store.ta_assisted(&ctx, o.id, v).await),
    };
    let (refused, conflict) = match outcome {
        Ok(_) => return Ok(Redirect::to(&format!("/scoping/opportunities/{}?done={done}", o.id)).into_response()),
        Err(e) => super::admin::refused(e)?,
    };
    // Shown as it is now, which the refusal did not change.
    let now = readable(&st, &s, &id).await?;
    let said = Said {
        refused,
        typed: p,
        done: None,
        conflict,
    };
    page(&st, &me, &s, &now, said).await
}
