//! Budget burn and estimate at completion of one project: the hours logged so far and
//! their value at the bill rates of their days, plus the hours still planned (its
//! assignments from tomorrow to their end) at the rates in force tomorrow — against the
//! budget in hours and money.

use serde::Serialize;
use time::Date;
use utoipa::ToSchema;

use super::pricing::{Books, Terms, Work};
use crate::dates::DateRange;
use crate::people::{Function, PersonId};
use crate::rates::div_round;
use crate::{Currency, Money, Result};

/// Hours still planned on a project: an assignment's remaining days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Planned {
    pub person: PersonId,
    pub role: Function,
    pub start: Date,
    /// An assignment without an end runs to the project's end; without either it plans
    /// nothing further (an open-ended plan has no completion to estimate).
    pub end: Option<Date>,
    pub minutes_per_week: i64,
}

/// Minutes of a weekly allocation over the weekdays of a span, rounded once.
pub fn planned_minutes(minutes_per_week: i64, span: DateRange) -> i64 {
    i64::try_from(div_round(i128::from(minutes_per_week) * i128::from(span.weekdays()), 5)).unwrap_or(i64::MAX)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Burn {
    pub currency: Currency,
    pub budget_minutes: Option<i64>,
    pub budget_minor: Option<i64>,
    /// Every minute logged on the project so far, whatever its status.
    pub actual_minutes: i64,
    /// The billable ones at the bill rate of their day (none where no rate is in force):
    /// what the work done so far is worth to the customer.
    pub actual_minor: i64,
    /// Billable minutes logged for which no bill rate is in force: their value is
    /// missing above.
    pub unpriced_minutes: i64,
    pub remaining_minutes: i64,
    pub remaining_minor: i64,
    /// Estimate at completion: actuals plus what is still planned.
    pub eac_minutes: i64,
    pub eac_minor: i64,
    /// Budget − estimate at completion; negative when the plan overruns the budget.
    pub variance_minutes: Option<i64>,
    pub variance_minor: Option<i64>,
    /// Actuals as a share of the budget, in basis points.
    pub burn_minutes_bp: Option<i64>,
    pub burn_money_bp: Option<i64>,
}

fn share(part: i64, whole: Option<i64>) -> Option<i64> {
    whole
        .filter(|w| *w > 0)
        .and_then(|w| i64::try_from(div_round(i128::from(part) * 10_000, i128::from(w))).ok())
}

/// What a project was given: its budget in hours and money, and its end date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Budget {
    pub minutes: Option<i64>,
    pub money: Option<Money>,
    pub end: Option<Date>,
}

/// Work logged on a project: how long, and whether it is billable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Logged {
    pub work: Work,
    pub billable: bool,
}

/// The burn of a project from its logged work and its remaining plan, as of `today`.
pub fn burn(
    books: &Books,
    terms: &Terms,
    given: Budget,
    logged: &[Logged],
    planned: &[Planned],
    today: Date,
) -> Result<Burn> {
    let (budget_minutes, budget, project_end) = (given.minutes, given.money, given.end);
    let mut b = Burn {
        currency: terms.currency,
        budget_minutes,
        budget_minor: match budget {
            Some(m) if m.currency == terms.currency => Some(m.amount_minor),
            Some(m) => Some(books.in_currency(m, terms.currency, today)?.amount_minor),
            None => None,
        },
        actual_minutes: 0,
        actual_minor: 0,
        unpriced_minutes: 0,
        remaining_minutes: 0,
        remaining_minor: 0,
        eac_minutes: 0,
        eac_minor: 0,
        variance_minutes: None,
        variance_minor: None,
        burn_minutes_bp: None,
        burn_money_bp: None,
    };
    for l in logged {
        let w = &l.work;
        b.actual_minutes += w.minutes.get();
        if !l.billable {
            continue;
        }
        match books.price(terms, w)?.bill {
            Some(m) => b.actual_minor += m.amount_minor,
            None => b.unpriced_minutes += w.minutes.get(),
        }
    }
    let Some(tomorrow) = today.next_day() else {
        return Ok(b);
    };
    for p in planned {
        let Some(end) = p.end.or(project_end) else { continue };
        let start = p.start.max(tomorrow);
        if end < start {
            continue;
        }
        let minutes = planned_minutes(p.minutes_per_week, DateRange { start, end });
        b.remaining_minutes += minutes;
        let work = Work {
            person: p.person,
            function: p.role,
            date: start,
            minutes: crate::Minutes(minutes),
        };
        if let Some(rate) = books.bill_rate(terms, p.role, start) {
            b.remaining_minor += crate::rates::cost_of(rate, work.minutes)?.amount_minor;
        }
    }
    b.eac_minutes = b.actual_minutes + b.remaining_minutes;
    b.eac_minor = b.actual_minor + b.remaining_minor;
    b.variance_minutes = budget_minutes.map(|m| m - b.eac_minutes);
    b.variance_minor = b.budget_minor.map(|m| m - b.eac_minor);
    b.burn_minutes_bp = share(b.actual_minutes, budget_minutes);
    b.burn_money_bp = share(b.actual_minor, b.budget_minor);
    Ok(b)
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::Id;
    use crate::projects::BillingType;

    #[test]
    fn eac_is_actuals_plus_the_plan_left_and_variance_is_against_budget() {
        // No rates on record: hours only, every logged minute unpriced.
        let books = Books::default();
        let terms = Terms {
            id: Id::new(1),
            currency: Currency::USD,
            region: None,
            billing_type: BillingType::TimeAndMaterials,
        };
        let work = |minutes| Work {
            person: Id::new(3),
            function: Function::Engineer,
            date: date!(2026 - 07 - 01),
            minutes: crate::Minutes(minutes),
        };
        let logged = [
            Logged {
                work: work(480),
                billable: true,
            },
            Logged {
                work: work(120),
                billable: false,
            },
        ];
        // 20 h a week from Thursday 2 July to Wednesday 15 July: 10 weekdays = 40 h.
        let planned = [Planned {
            person: Id::new(3),
            role: Function::Engineer,
            start: date!(2026 - 06 - 01),
            end: Some(date!(2026 - 07 - 15)),
            minutes_per_week: 1_200,
        }];
        let b = burn(
            &books,
            &terms,
            Budget {
                minutes: Some(3_000),
                ..Budget::default()
            },
            &logged,
            &planned,
            date!(2026 - 07 - 01),
        )
        .unwrap();
        assert_eq!(b.actual_minutes, 600);
        assert_eq!(b.unpriced_minutes, 480, "only billable time is valued");
        assert_eq!(b.remaining_minutes, 2_400);
        assert_eq!(b.eac_minutes, 3_000);
        assert_eq!(b.variance_minutes, Some(0));
        assert_eq!(b.burn_minutes_bp, Some(2_000));
        assert_eq!(b.burn_money_bp, None);
        assert_eq!(
            planned_minutes(
                1_200,
                DateRange {
                    start: date!(2026 - 07 - 04),
                    end: date!(2026 - 07 - 05)
                }
            ),
            0
        );
    }
}
