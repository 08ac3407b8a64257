//! What an hour of work is worth and what it costs: the books every money figure reads —
//! bill rates (a project's own, else the rate card of its region and currency), people's
//! cost rates, the role each person plays on each project, and FX rates into the
//! reporting currency. Loaded once per computation, then asked per time entry.

use std::collections::HashMap;

use serde::Serialize;
use time::Date;
use utoipa::ToSchema;

use crate::partner_funds::{PartnerRate, funds::rate_for};
use crate::partners::PartnerId;
use crate::people::{Function, PersonId};
use crate::projects::{BillingType, ProjectId};
use crate::rates::fx::{Rate, convert};
use crate::rates::{CostRate, FxRate, ProjectRate, RateKind, RoleRate, cost_of, in_force};
use crate::rule::Rule;
use crate::{Currency, Error, Minutes, Money, Result};

/// A project as pricing sees it: the currency its money is kept in (its budget's, else
/// its account's, else the organisation's), the rate-card region (its account's) and how
/// it bills.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    pub id: ProjectId,
    pub currency: Currency,
    pub region: Option<String>,
    pub billing_type: BillingType,
}

/// One piece of work to price: who, in which function by default, when, how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Work {
    pub person: PersonId,
    pub function: Function,
    pub date: Date,
    pub minutes: Minutes,
}

/// A piece of work priced: the role it was billed as, the bill rate and amount in the
/// project's currency (none when no rate is in force), and the cost rate and amount (in
/// the cost rate's own currency; none when the person has no cost rate that day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Priced {
    pub role: Function,
    pub bill_rate: Option<Money>,
    pub bill: Option<Money>,
    pub cost_rate: Option<Money>,
    pub cost: Option<Money>,
}

type Periods<T> = Vec<(Date, Option<Date>, T)>;

/// The books: every rate in force over time, indexed for the questions pricing asks.
#[derive(Debug, Clone, Default)]
pub struct Books {
    reporting: Option<Currency>,
    card: Vec<(Function, String, Currency, Date, Option<Date>, Money)>,
    overrides: HashMap<(ProjectId, Function), Periods<Money>>,
    costs: HashMap<PersonId, Periods<Money>>,
    roles: HashMap<(PersonId, ProjectId), Periods<Function>>,
    /// Per currency, (date, rate into the reporting currency), by date.
    fx: HashMap<Currency, Vec<(Date, Rate)>>,
    /// The partner organisation of each partner consultant.
    partner_of: HashMap<PersonId, PartnerId>,
    /// Per partner and project, the work authorizations' dates and rates by role.
    authorized: HashMap<(PartnerId, ProjectId), Vec<Authorized>>,
}

/// A work authorization as pricing needs it: whose, on which project, when, at which
/// rates — what a partner consultant's hour there costs the company.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorized {
    pub id: crate::partner_funds::WorkAuthorizationId,
    pub partner: PartnerId,
    pub project: ProjectId,
    pub start: Date,
    pub end: Date,
    pub rates: Vec<PartnerRate>,
}

/// A person's assignment as pricing needs it: the role they play on a project, when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleOn {
    pub person: PersonId,
    pub project: ProjectId,
    pub role: Function,
    pub start: Date,
    pub end: Option<Date>,
}

impl Books {
    /// Books from live records; archived rates and rates of other kinds are left out.
    pub fn new(
        reporting: Currency,
        card: &[RoleRate],
        overrides: &[ProjectRate],
        costs: &[CostRate],
        fx: &[FxRate],
        roles: &[RoleOn],
    ) -> Books {
        let mut b = Books {
            reporting: Some(reporting),
            ..Books::default()
        };
        for r in card
            .iter()
            .filter(|r| r.fields.kind == RateKind::Bill && !r.meta.is_archived())
        {
            let f = &r.fields;
            b.card.push((
                f.role,
                f.region.to_lowercase(),
                f.rate.currency,
                f.effective_from,
                f.effective_to,
                f.rate,
            ));
        }
        for o in overrides.iter().filter(|o| !o.meta.is_archived()) {
            let f = &o.fields;
            b.overrides
                .entry((f.project_id, f.role))
                .or_default()
                .push((f.effective_from, f.effective_to, f.rate));
        }
        for c in costs.iter().filter(|c| !c.meta.is_archived()) {
            let f = &c.fields;
            b.costs
                .entry(f.person_id)
                .or_default()
                .push((f.effective_from, f.effective_to, f.rate));
        }
        for r in fx
            .iter()
            .filter(|r| !r.meta.is_archived() && r.fields.quote == reporting)
        {
            b.fx.entry(r.fields.currency)
                .or_default()
                .push((r.fields.date, r.fields.rate));
        }
        for v in b.fx.values_mut() {
            v.sort_by_key(|(d, _)| *d);
        }
        for a in roles {
            b.roles
                .entry((a.person, a.project))
                .or_default()
                .push((a.start, a.end, a.role));
        }
        b
    }

    /// The books with partner costs: a partner consultant's hour on a project costs the
    /// rate of their role on the work authorization in force that day, not their own
    /// cost rate. `people` are the partner consultants with their organisation.
    pub fn with_authorizations(mut self, people: &[(PersonId, PartnerId)], authorized: Vec<Authorized>) -> Books {
        self.partner_of.extend(people.iter().copied());
        for a in authorized {
            self.authorized.entry((a.partner, a.project)).or_default().push(a);
        }
        self
    }

    /// What an hour of a partner consultant in a role on a project costs on a day under
    /// their organisation's work authorization: none for staff, outside every
    /// authorization, or for a role it does not price.
    pub fn authorized_rate(&self, person: PersonId, project: ProjectId, role: Function, date: Date) -> Option<Money> {
        let partner = self.partner_of.get(&person)?;
        self.authorized
            .get(&(*partner, project))?
            .iter()
            .filter(|a| a.start <= date && date <= a.end)
            .find_map(|a| rate_for(&a.rates, role))
    }

    /// The organisation's reporting currency.
    pub fn reporting(&self) -> Currency {
        self.reporting.unwrap_or(Currency::USD)
    }

    /// The role a person's hours on a project are billed as on a day: their assignment's
    /// role then, else their function.
    pub fn role(&self, person: PersonId, function: Function, project: ProjectId, date: Date) -> Function {
        self.roles
            .get(&(person, project))
            .and_then(|p| in_force(p.iter().copied(), date))
            .unwrap_or(function)
    }

    /// The bill rate of a role on a project on a day: the project's own rate in force,
    /// else the rate card's for the project's region (any region when the project has
    /// none) in the project's currency — or, when the region's card is in another
    /// currency (a contract in dollars with a European customer), that rate converted
    /// into the project's currency at the day's FX rate, rounded to the minor unit.
    pub fn bill_rate(&self, p: &Terms, role: Function, date: Date) -> Option<Money> {
        if let Some(own) = self
            .overrides
            .get(&(p.id, role))
            .and_then(|o| in_force(o.iter().copied(), date))
        {
            return Some(own);
        }
        let region = p.region.as_deref().map(str::to_lowercase);
        let card = |same_currency: bool| {
            in_force(
                self.card
                    .iter()
                    .filter(|(r, reg, cur, ..)| {
                        *r == role
                            && (*cur == p.currency) == same_currency
                            && region.as_ref().is_none_or(|want| want == reg)
                    })
                    .map(|(.., from, to, rate)| (*from, *to, *rate)),
                date,
            )
        };
        card(true).or_else(|| card(false).and_then(|rate| self.in_currency(rate, p.currency, date).ok()))
    }

    /// What an hour of the person cost on a day.
    pub fn cost_rate(&self, person: PersonId, date: Date) -> Option<Money> {
        self.costs.get(&person).and_then(|p| in_force(p.iter().copied(), date))
    }

    /// The FX rate of a currency into the reporting currency on a day: the latest dated
    /// on or before it (1 for the reporting currency itself).
    pub fn fx_rate(&self, currency: Currency, date: Date) -> Option<Rate> {
        if currency == self.reporting() {
            return Some(Rate::from_nanos(1_000_000_000));
        }
        let rates = self.fx.get(&currency)?;
        let i = rates.partition_point(|(d, _)| *d <= date);
        i.checked_sub(1).map(|i| rates[i].1)
    }

    /// An amount in the reporting currency at the rate of its day; an error naming the
    /// currency and the day when no rate is on record.
    pub fn to_reporting(&self, amount: Money, date: Date) -> Result<Money> {
        let rate = self
            .fx_rate(amount.currency, date)
            .ok_or_else(|| missing_fx(amount.currency, self.reporting(), date))?;
        convert(amount, rate, self.reporting())
    }

    /// An amount in another currency at the day's rates, through the reporting currency:
    /// converted into it, then out of it into `to`, each step rounded once.
    pub fn in_currency(&self, amount: Money, to: Currency, date: Date) -> Result<Money> {
        if amount.currency == to {
            return Ok(amount);
        }
        let reporting = self.to_reporting(amount, date)?;
        if to == self.reporting() {
            return Ok(reporting);
        }
        let rate = self
            .fx_rate(to, date)
            .ok_or_else(|| missing_fx(to, self.reporting(), date))?;
        from_reporting(reporting, rate, to)
    }

    /// A piece of work on a project priced at the rates of its day.
    pub fn price(&self, p: &Terms, w: &Work) -> Result<Priced> {
        let role = self.role(w.person, w.function, p.id, w.date);
        let bill_rate = self.bill_rate(p, role, w.date);
        // A partner consultant costs what their work authorization pays for the role.
        let cost_rate = self
            .authorized_rate(w.person, p.id, role, w.date)
            .or_else(|| self.cost_rate(w.person, w.date));
        Ok(Priced {
            role,
            bill_rate,
            bill: bill_rate.map(|r| cost_of(r, w.minutes)).transpose()?,
            cost_rate,
            cost: cost_rate.map(|r| cost_of(r, w.minutes)).transpose()?,
        })
    }
}

/// An amount in the reporting currency turned into `to`, whose rate into the reporting
/// currency is `rate`: `amount ÷ rate`, exact in 128 bits, rounded once half away from zero.
pub fn from_reporting(amount: Money, rate: Rate, to: Currency) -> Result<Money> {
    let n = i128::from(amount.amount_minor) * 1_000_000_000 * 10i128.pow(to.exponent());
    let d = i128::from(rate.nanos()) * 10i128.pow(amount.currency.exponent());
    let minor = crate::rates::div_round(n, d);
    i64::try_from(minor)
        .map(|m| Money::new(m, to))
        .map_err(|_| Error::invalid("amount", Rule::Range, "amount is too large to convert"))
}

fn missing_fx(currency: Currency, reporting: Currency, date: Date) -> Error {
    Error::invalid(
        "fx_rate",
        Rule::NoRate,
        format!(
            "no FX rate of {currency} into {reporting} is on record on or before {}: add one under Rates → FX",
            crate::dates::format_date(date)
        ),
    )
}

#[cfg(test)]
#[path = "pricing_tests.rs"]
mod tests;
