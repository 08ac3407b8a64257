//! Revenue recognition and cost, as pure rules over raw rows: T&M time at the bill rate of
//! its day, accepted milestones, percent complete, delivered trainings, and every
//! approved hour at its cost rate. Each amount is earned on a day, placed in that day's
//! month when it is open (else the first open month after), converted into the
//! reporting currency at its day's rate, and grouped into lines whose amounts are the
//! sums of their sources. What cannot be priced is reported, never counted as zero.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use time::Date;

use crate::dates::DateRange;
use crate::finance::ledger::{AtRisk, Basis, LineKind, Problem, ProblemKind, RevenueMethod, SourceKind};
use crate::finance::pricing::{Terms, Work};
use crate::finance::{Books, Month};
use crate::people::{Function, PersonId};
use crate::projects::{BillingType, ProjectId};
use crate::rates::div_round;
use crate::time_entries::TimeEntryId;
use crate::{Currency, Minutes, Money};

/// Whether a project's SOW lets its time earn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signature {
    /// No SOW names the project: its time earns as it is worked.
    NoSow,
    /// It has SOWs and none is signed: work at risk, nothing earned yet.
    Unsigned,
    /// Signed that day: earlier time earns on the signature day.
    Signed(Date),
}

/// A project as recognition needs it.
#[derive(Debug, Clone)]
pub struct ProjectIn {
    pub terms: Terms,
    /// A customer project (not internal, not non-billable): only these earn revenue.
    pub customer: bool,
    pub method: RevenueMethod,
    /// The fixed fee (the project's budget), for percent complete.
    pub fee: Option<Money>,
    pub budget_minutes: Option<Minutes>,
    pub signature: Signature,
}

/// An approved time entry on a project.
#[derive(Debug, Clone, Copy)]
pub struct EntryIn {
    pub id: TimeEntryId,
    pub project: ProjectId,
    pub person: PersonId,
    pub function: Function,
    pub date: Date,
    pub minutes: Minutes,
    pub billable: bool,
}

/// An accepted milestone with an amount, or a training, as money sees it.
#[derive(Debug, Clone, Copy)]
pub struct FeeIn {
    pub id: i64,
    pub project: ProjectId,
    pub amount: Money,
    /// The day it is earned: the acceptance, or the later of completion and roster.
    pub earned_on: Date,
}

/// Planned time still to come: an assignment's weekly minutes over its dates.
#[derive(Debug, Clone, Copy)]
pub struct PlanIn {
    pub project: ProjectId,
    pub minutes_per_week: i64,
    pub start: Date,
    pub end: Option<Date>,
}

/// Everything one run reads.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub projects: HashMap<ProjectId, ProjectIn>,
    pub entries: Vec<EntryIn>,
    pub milestones: Vec<FeeIn>,
    pub trainings: Vec<FeeIn>,
    pub plans: Vec<PlanIn>,
    pub through: Option<Date>,
    pub closed: BTreeSet<Month>,
    /// Sources already in frozen lines, by the kind of line: never recognised again.
    pub frozen: HashSet<(LineKind, SourceKind, i64)>,
    /// Percent-complete revenue frozen per project and month (in the project's currency).
    pub frozen_percent: HashMap<(ProjectId, Month), i64>,
    /// Approved minutes of percent-complete projects in closed months: what those months
    /// add to the hours done. `entries` need not hold those months' rows — a run reads
    /// only the open months' entries and the closed months' unsettled ones.
    pub closed_minutes: HashMap<(ProjectId, Month), i64>,
}

/// One source of a line. Its rate (when it has one) is in the line's currency: a cost
/// rate in another currency is converted at the day's rate, as its amount is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source {
    pub kind: SourceKind,
    pub id: i64,
    pub minutes: Option<i64>,
    pub rate: Option<Money>,
    pub amount: Money,
    pub reporting: Money,
}

/// A line before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub project: ProjectId,
    pub month: Month,
    pub kind: LineKind,
    pub basis: Basis,
    pub amount: Money,
    pub reporting: Money,
    pub minutes: i64,
    pub sources: Vec<Source>,
}

#[derive(Debug, Clone, Default)]
pub struct Recognised {
    pub lines: Vec<Line>,
    pub problems: Vec<Problem>,
    pub at_risk: Vec<AtRisk>,
}

/// An amount earned on a day, before placement.
struct Earned {
    project: ProjectId,
    kind: LineKind,
    basis: Basis,
    on: Date,
    source: SourceKind,
    id: i64,
    minutes: Option<i64>,
    rate: Option<Money>,
    amount: Money,
}

/// The month an amount earned on `day` is recognised in: that month when open, else the
/// first open month after it.
pub fn place(closed: &BTreeSet<Month>, day: Date) -> Month {
    let mut m = Month::of(day);
    while closed.contains(&m) {
        m = m.next();
    }
    m
}

/// Splits `amount` over `weights` in proportion, each share rounded down in size and the
/// leftover units given to the largest remainders (earliest first on ties), so the shares
/// add up to `amount` exactly.
pub fn allocate(amount: i64, weights: &[i64]) -> Vec<i64> {
    let total: i128 = weights.iter().map(|w| i128::from(*w)).sum();
    if total <= 0 {
        return vec![0; weights.len()];
    }
    let sign = amount.signum();
    let size = i128::from(amount).abs();
    let mut shares: Vec<i128> = Vec::with_capacity(weights.len());
    let mut rems: Vec<(i128, usize)> = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        let n = size * i128::from(*w);
        shares.push(n / total);
        rems.push((n % total, i));
    }
    let left = size - shares.iter().sum::<i128>();
    rems.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in rems.into_iter().take(usize::try_from(left).unwrap_or(0)) {
        shares[i] += 1;
    }
    shares
        .into_iter()
        .map(|s| i64::try_from(s).unwrap_or(i64::MAX) * sign)
        .collect()
}

/// Planned minutes of a project after `day`: each assignment's weekly minutes over its
/// weekdays left. An assignment without an end date adds none (its end is unknown); a
/// project none of whose assignments has an end has no plan (none).
pub fn remaining_minutes(plans: &[PlanIn], day: Date) -> Option<i64> {
    if plans.iter().all(|p| p.end.is_none()) {
        return None;
    }
    let after = day.next_day().unwrap_or(day);
    let mut total = 0;
    for p in plans {
        let Some(end) = p.end else { continue };
        let start = p.start.max(after);
        if start > end {
            continue;
        }
        let days = DateRange { start, end }.weekdays();
        total += div_round(i128::from(p.minutes_per_week) * i128::from(days), 5) as i64;
    }
    Some(total)
}

/// Cumulative percent-complete revenue: fee × min(1, done ÷ estimate at completion),
/// rounded once (nothing done, nothing earned).
pub fn percent_cumulative(fee: i64, done: i64, eac: i64) -> i64 {
    if eac <= 0 || done <= 0 {
        return 0;
    }
    div_round(i128::from(fee) * i128::from(done.min(eac)), i128::from(eac)) as i64
}

fn problem(kind: ProblemKind, project: ProjectId, message: String) -> Problem {
    Problem {
        problem: kind,
        project_id: project,
        entry_id: None,
        person_id: None,
        date: None,
        role: None,
        currency: None,
        message,
    }
}

fn fmt(d: Date) -> String {
    crate::dates::format_date(d)
}

/// Recognises every amount earned through `inputs.through`.
pub fn recognise(books: &Books, inputs: &Inputs) -> Recognised {
    let through = inputs.through.unwrap_or(Date::MAX);
    let mut out = Recognised::default();
    let mut earned: Vec<Earned> = Vec::new();
    let mut at_risk: BTreeMap<ProjectId, Money> = BTreeMap::new();
    let entries: Vec<&EntryIn> = inputs
        .entries
        .iter()
        .filter(|e| e.date <= through && inputs.projects.contains_key(&e.project))
        .collect();

    for e in &entries {
        let p = &inputs.projects[&e.project];
        time_and_cost(books, p, e, inputs, &mut earned, &mut out.problems, &mut at_risk);
    }
    percent_complete(inputs, &entries, through, &mut earned, &mut out.problems, &mut at_risk);
    for (list, basis, source) in [
        (&inputs.milestones, Basis::Milestone, SourceKind::Milestone),
        (&inputs.trainings, Basis::Training, SourceKind::Training),
    ] {
        for f in list.iter().filter(|f| f.earned_on <= through) {
            let Some(p) = inputs.projects.get(&f.project) else {
                continue;
            };
            if !p.customer
                || inputs.frozen.contains(&(LineKind::Revenue, source, f.id))
                || (basis == Basis::Milestone
                    && (p.terms.billing_type != BillingType::FixedFee || p.method != RevenueMethod::Milestones))
            {
                continue;
            }
            match books.in_currency(f.amount, p.terms.currency, f.earned_on) {
                Ok(amount) => earned.push(Earned {
                    project: f.project,
                    kind: LineKind::Revenue,
                    basis,
                    on: f.earned_on,
                    source,
                    id: f.id,
                    minutes: None,
                    rate: None,
                    amount,
                }),
                Err(_) => out
                    .problems
                    .push(no_fx(f.project, f.amount.currency, f.earned_on, books)),
            }
        }
    }
    out.at_risk = at_risk
        .into_iter()
        .map(|(project_id, amount)| AtRisk { project_id, amount })
        .collect();
    out.lines = group(books, &inputs.closed, earned, &mut out.problems);
    out
}

fn no_fx(project: ProjectId, currency: Currency, date: Date, books: &Books) -> Problem {
    let mut p = problem(
        ProblemKind::NoFxRate,
        project,
        format!(
            "no FX rate of {currency} into {} on or before {}: add one under Rates → FX",
            books.reporting(),
            fmt(date)
        ),
    );
    p.currency = Some(currency);
    p.date = Some(date);
    p
}

#[allow(clippy::too_many_arguments)]
fn time_and_cost(
    books: &Books,
    p: &ProjectIn,
    e: &EntryIn,
    inputs: &Inputs,
    earned: &mut Vec<Earned>,
    problems: &mut Vec<Problem>,
    at_risk: &mut BTreeMap<ProjectId, Money>,
) {
    let work = Work {
        person: e.person,
        function: e.function,
        date: e.date,
        minutes: e.minutes,
    };
    let Ok(priced) = books.price(&p.terms, &work) else {
        return;
    };
    let entry_problem = |kind, message: String| {
        let mut pr = problem(kind, e.project, message);
        pr.entry_id = Some(e.id);
        pr.person_id = Some(e.person);
        pr.date = Some(e.date);
        pr.role = Some(priced.role);
        pr
    };
    if !inputs
        .frozen
        .contains(&(LineKind::Cost, SourceKind::TimeEntry, e.id.get()))
    {
        match (priced.cost_rate, priced.cost) {
            (Some(rate), Some(cost)) => match (
                books.in_currency(cost, p.terms.currency, e.date),
                books.in_currency(rate, p.terms.currency, e.date),
            ) {
                (Ok(amount), Ok(rate)) => earned.push(Earned {
                    project: e.project,
                    kind: LineKind::Cost,
                    basis: Basis::StaffCost,
                    on: e.date,
                    source: SourceKind::TimeEntry,
                    id: e.id.get(),
                    minutes: Some(e.minutes.get()),
                    rate: Some(rate),
                    amount,
                }),
                _ => problems.push(no_fx(e.project, cost.currency, e.date, books)),
            },
            _ => problems.push(entry_problem(
                ProblemKind::NoCostRate,
                format!(
                    "time entry {} (person {}, {}) has no cost rate in force: add one under Rates → Cost rates",
                    e.id,
                    e.person,
                    fmt(e.date)
                ),
            )),
        }
    }
    if !earns_by_the_hour(p, e)
        || inputs
            .frozen
            .contains(&(LineKind::Revenue, SourceKind::TimeEntry, e.id.get()))
    {
        return;
    }
    let (Some(rate), Some(bill)) = (priced.bill_rate, priced.bill) else {
        problems.push(entry_problem(
            ProblemKind::NoBillRate,
            format!(
                "time entry {} (person {}, {}, as {}) has no bill rate in force on project {}: add one to the rate card or the project",
                e.id,
                e.person,
                fmt(e.date),
                crate::code::Code::code(&priced.role),
                e.project
            ),
        ));
        return;
    };
    let on = match p.signature {
        Signature::NoSow => e.date,
        Signature::Signed(d) => e.date.max(d),
        Signature::Unsigned => {
            let risk = at_risk.entry(e.project).or_insert(Money::new(0, bill.currency));
            risk.amount_minor += bill.amount_minor;
            return;
        }
    };
    earned.push(Earned {
        project: e.project,
        kind: LineKind::Revenue,
        basis: Basis::TimeAndMaterials,
        on,
        source: SourceKind::TimeEntry,
        id: e.id.get(),
        minutes: Some(e.minutes.get()),
        rate: Some(rate),
        amount: bill,
    });
}

/// Percent complete, project by project and month by month: each open month earns the
/// cumulative revenue at its end less what earlier months recognised, spread over its
/// entries by minutes.
fn percent_complete(
    inputs: &Inputs,
    entries: &[&EntryIn],
    through: Date,
    earned: &mut Vec<Earned>,
    problems: &mut Vec<Problem>,
    at_risk: &mut BTreeMap<ProjectId, Money>,
) {
    let by_percent = |p: &ProjectIn| {
        p.customer && p.terms.billing_type == BillingType::FixedFee && p.method == RevenueMethod::PercentComplete
    };
    let mut by_project: BTreeMap<ProjectId, Vec<&EntryIn>> = BTreeMap::new();
    for e in entries {
        if by_percent(&inputs.projects[&e.project]) {
            by_project.entry(e.project).or_default().push(e);
        }
    }
    // A project whose time is all in closed months still counts: its work at risk.
    let mut closed_from: HashMap<ProjectId, Month> = HashMap::new();
    for (project, m) in inputs.closed_minutes.keys() {
        if inputs.projects.get(project).is_some_and(by_percent) && m.first() <= through {
            by_project.entry(*project).or_default();
            let first = closed_from.entry(*project).or_insert(*m);
            *first = (*first).min(*m);
        }
    }
    let mut plans: HashMap<ProjectId, Vec<PlanIn>> = HashMap::new();
    for pl in &inputs.plans {
        plans.entry(pl.project).or_default().push(*pl);
    }
    for (project, mut list) in by_project {
        let p = &inputs.projects[&project];
        let Some(fee) = p.fee.filter(|f| f.currency == p.terms.currency) else {
            problems.push(problem(
                ProblemKind::NoEstimate,
                project,
                format!("project {project} recognises by percent complete but has no budget in its currency to take as its fee"),
            ));
            continue;
        };
        list.sort_by_key(|e| (e.date, e.id));
        let plan = plans.get(&project).map(Vec::as_slice).unwrap_or(&[]);
        let closed_first = closed_from.get(&project).copied();
        let Some(first) = list
            .first()
            .map(|e| Month::of(e.date))
            .into_iter()
            .chain(closed_first)
            .min()
        else {
            continue;
        };
        let last = if through == Date::MAX {
            let closed_last = inputs
                .closed_minutes
                .keys()
                .filter(|(p, _)| *p == project)
                .map(|(_, m)| *m)
                .max();
            list.last()
                .map(|e| Month::of(e.date))
                .into_iter()
                .chain(closed_last)
                .max()
                .unwrap_or(first)
        } else {
            Month::of(through)
        };
        let mut done = 0i64;
        let mut before = 0i64;
        let mut i = 0;
        for m in first.through(last) {
            let end = m.last().min(through);
            let start_i = i;
            while i < list.len() && list[i].date <= end {
                i += 1;
            }
            let month_entries = &list[start_i..i];
            if inputs.closed.contains(&m) {
                // A closed month's rows may be only its unsettled ones: its minutes come
                // from the month's total instead.
                done += inputs.closed_minutes.get(&(project, m)).copied().unwrap_or(0);
                before += inputs.frozen_percent.get(&(project, m)).copied().unwrap_or(0);
                continue;
            }
            done += month_entries.iter().map(|e| e.minutes.get()).sum::<i64>();
            let eac = match remaining_minutes(plan, end) {
                Some(rest) => done + rest,
                None => match p.budget_minutes {
                    Some(b) => b.get().max(done),
                    None => {
                        problems.push(problem(
                            ProblemKind::NoEstimate,
                            project,
                            format!("project {project} recognises by percent complete but has no assignments with end dates and no budget hours to estimate completion"),
                        ));
                        break;
                    }
                },
            };
            let cumulative = percent_cumulative(fee.amount_minor, done, eac);
            match p.signature {
                Signature::Unsigned => {
                    if m == last {
                        at_risk.insert(project, Money::new(cumulative - before, fee.currency));
                    }
                    continue;
                }
                Signature::Signed(d) if end < d => continue,
                _ => {}
            }
            if month_entries.is_empty() {
                continue;
            }
            let amount = cumulative - before;
            let weights: Vec<i64> = month_entries.iter().map(|e| e.minutes.get()).collect();
            for (e, share) in month_entries.iter().zip(allocate(amount, &weights)) {
                earned.push(Earned {
                    project,
                    kind: LineKind::Revenue,
                    basis: Basis::PercentComplete,
                    on: end,
                    source: SourceKind::TimeEntry,
                    id: e.id.get(),
                    minutes: Some(e.minutes.get()),
                    rate: None,
                    amount: Money::new(share, fee.currency),
                });
            }
            before = cumulative;
        }
    }
}

/// Whether an entry earns revenue of its own: billable time on a customer's time-and-
/// materials project (percent complete earns per month, not per entry).
fn earns_by_the_hour(p: &ProjectIn, e: &EntryIn) -> bool {
    p.customer && p.terms.billing_type == BillingType::TimeAndMaterials && e.billable
}

/// The entries of `inputs` dated in a `closed` month that are not settled: their cost, or
/// their revenue when they earn by the hour, is in no frozen line — neither one frozen
/// before the run nor one of `lines` placed in a closed month. A run must read them again
/// (their revenue may earn once a SOW is signed, their cost once a rate is added);
/// every other entry of a closed month is final, since the month's time is locked.
pub fn unsettled(inputs: &Inputs, lines: &[Line], closed: &BTreeSet<Month>) -> Vec<TimeEntryId> {
    let mut settled: HashSet<(LineKind, i64)> = inputs
        .frozen
        .iter()
        .filter(|(_, source, _)| *source == SourceKind::TimeEntry)
        .map(|(kind, _, id)| (*kind, *id))
        .collect();
    for l in lines.iter().filter(|l| closed.contains(&l.month)) {
        for s in l.sources.iter().filter(|s| s.kind == SourceKind::TimeEntry) {
            settled.insert((l.kind, s.id));
        }
    }
    inputs
        .entries
        .iter()
        .filter(|e| closed.contains(&Month::of(e.date)))
        .filter(|e| {
            let revenue = inputs.projects.get(&e.project).is_some_and(|p| earns_by_the_hour(p, e));
            !settled.contains(&(LineKind::Cost, e.id.get()))
                || (revenue && !settled.contains(&(LineKind::Revenue, e.id.get())))
        })
        .map(|e| e.id)
        .collect()
}

/// Places each amount in its month, converts it at its day's rate and groups the lines.
fn group(books: &Books, closed: &BTreeSet<Month>, earned: Vec<Earned>, problems: &mut Vec<Problem>) -> Vec<Line> {
    let mut lines: BTreeMap<(ProjectId, Month, LineKind, Basis), Line> = BTreeMap::new();
    let mut placed: HashMap<Month, Month> = HashMap::new();
    for e in earned {
        let reporting = match books.to_reporting(e.amount, e.on) {
            Ok(r) => r,
            Err(_) => {
                problems.push(no_fx(e.project, e.amount.currency, e.on, books));
                continue;
            }
        };
        let own = Month::of(e.on);
        let month = *placed.entry(own).or_insert_with(|| place(closed, e.on));
        let line = lines
            .entry((e.project, month, e.kind, e.basis))
            .or_insert_with(|| Line {
                project: e.project,
                month,
                kind: e.kind,
                basis: e.basis,
                amount: Money::new(0, e.amount.currency),
                reporting: Money::new(0, reporting.currency),
                minutes: 0,
                sources: Vec::new(),
            });
        line.amount.amount_minor += e.amount.amount_minor;
        line.reporting.amount_minor += reporting.amount_minor;
        line.minutes += e.minutes.unwrap_or(0);
        line.sources.push(Source {
            kind: e.source,
            id: e.id,
            minutes: e.minutes,
            rate: e.rate,
            amount: e.amount,
            reporting,
        });
    }
    lines.into_values().collect()
}

#[cfg(test)]
#[path = "recognition_tests.rs"]
mod tests;
