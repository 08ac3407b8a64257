//! One person's time: a working day of entries around their FTE, billable work on the
//! projects they are staffed on near their target, non-billable customer time with a
//! note, internal categories; time off on days without time; and their weekly
//! timesheets — submitted on time or late, approved by the PM, now and then rejected
//! with a reason and fixed, the current week still in draft.

use std::collections::BTreeMap;

use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time, Weekday};

use crate::names;
use crate::org::{Built, OPS_PROJECT, PRACTICE_PROJECT, PersonPlan, day_minutes};
use crate::rng::Rng;
use psops_core::bulk::{BulkApproval, BulkEntry, BulkRejection, BulkTimeOff, BulkWeek, TimeBatch};
use psops_core::calendars::TimeOffStatus;
use psops_core::capacity::TimeOffKind;
use psops_core::people::Function;
use psops_core::time_entries::{EntryStatus, InternalCategory};
use psops_core::timesheet::IsoWeek;

/// Where the rest of a day goes after billable work.
#[derive(Clone, Copy)]
enum Other {
    Project(i64),
    Category(InternalCategory),
}

fn others(f: Function) -> &'static [(Other, u64)] {
    use InternalCategory::*;
    use Other::{Category as C, Project as P};
    match f {
        Function::Engineer => &[
            (C(Admin), 50),
            (C(Training), 20),
            (P(PRACTICE_PROJECT), 15),
            (C(ToolsEnablement), 15),
        ],
        Function::TechnicalArchitect => &[
            (C(PreSales), 40),
            (C(Admin), 25),
            (P(PRACTICE_PROJECT), 25),
            (C(Training), 10),
        ],
        Function::Trainer => &[(P(PRACTICE_PROJECT), 50), (C(Admin), 30), (C(Training), 20)],
        Function::ProjectManager | Function::ProgramManager => {
            &[(C(Admin), 60), (P(OPS_PROJECT), 25), (C(Training), 15)]
        }
        Function::EngagementManager => &[(C(PreSales), 60), (C(Admin), 30), (C(Training), 10)],
        Function::RegionalDeliveryManager => &[(C(Admin), 40), (P(OPS_PROJECT), 30), (C(PreSales), 30)],
        Function::PartnerConsultant => &[(C(Admin), 100)],
        Function::ProjectCoordinator | Function::Ops | Function::Finance => &[(P(OPS_PROJECT), 65), (C(Admin), 35)],
    }
}

fn weighted(rng: &mut Rng, items: &[(Other, u64)]) -> Other {
    let total: u64 = items.iter().map(|(_, w)| w).sum();
    let mut roll = rng.below(total);
    for (item, w) in items {
        if roll < *w {
            return *item;
        }
        roll -= w;
    }
    items[0].0
}

fn at(d: Date, minutes: i64) -> OffsetDateTime {
    PrimitiveDateTime::new(d, Time::MIDNIGHT).assume_utc() + Duration::minutes(minutes)
}

fn round15(m: i64) -> i64 {
    (m + 7) / 15 * 15
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// Days off: company days, a summer vacation and scattered days, up to a month ahead.
fn time_off(
    built: &Built,
    plan: &PersonPlan,
    rng: &mut Rng,
    from: Date,
    to: Date,
) -> BTreeMap<Date, (TimeOffKind, &'static str)> {
    let holidays = &built.holidays[plan.region];
    let free = |d: Date| !is_weekend(d) && !holidays.contains(&d) && from <= d && d <= to;
    let mut out = BTreeMap::new();
    for (d, kind) in built.company_days.range(from..=to) {
        if free(*d) {
            let note = if *kind == TimeOffKind::SummitTraining {
                "Company summit"
            } else {
                "Friends and family day"
            };
            out.insert(*d, (*kind, note));
        }
    }
    for year in from.year()..=to.year() {
        let Ok(jan1) = Date::from_ordinal_date(year, 1) else {
            continue;
        };
        // About the policy's allowance of PTO (28 days): two to three weeks in summer, a
        // week around the year's end and scattered days. Far fewer made everyone's
        // utilization read 110-130 % against the policy view.
        let summer = if plan.region == 2 { 0 } else { 180 };
        let blocks = [
            (summer + rng.between(0, 50), rng.between(10, 15)),
            (350 + rng.between(0, 8), rng.between(3, 6)),
        ];
        for (start, days) in blocks {
            let mut d = jan1 + Duration::days(start);
            let mut left = days;
            while left > 0 && d.year() == year {
                if free(d) && !out.contains_key(&d) {
                    out.insert(d, (TimeOffKind::Pto, "Vacation"));
                    left -= 1;
                }
                d += Duration::days(1);
            }
        }
        for _ in 0..rng.between(6, 11) {
            let d = jan1 + Duration::days(rng.between(0, 364));
            if free(d) && !out.contains_key(&d) {
                out.insert(d, (TimeOffKind::Pto, *rng.pick(names::PTO_NOTES)));
            }
        }
    }
    out
}

/// One working day's entries.
fn day(plan: &PersonPlan, rng: &mut Rng, d: Date, out: &mut Vec<BulkEntry>) {
    let base = day_minutes(plan.fte_bp);
    // A little over the policy's 8 hours on average, as consultants log.
    let noise = *rng.pick(&[-30, -15, -15, 0, 0, 0, 0, 0, 15, 15, 30, 45]);
    let total = round15(base + noise * plan.fte_bp / 10_000).clamp(120, 720);
    let active: Vec<_> = plan.stints.iter().filter(|s| s.from <= d && d <= s.to).collect();
    let created = at(d, 17 * 60 + rng.between(0, 60 * 5));
    let mut push =
        |project: Option<i64>, category: Option<InternalCategory>, minutes: i64, billable: bool, note: Option<&str>| {
            if minutes > 0 {
                out.push(BulkEntry {
                    person_id: plan.id,
                    project_id: project,
                    category,
                    date: d,
                    minutes,
                    billable,
                    note: note.map(str::to_string),
                    status: EntryStatus::Draft,
                    created_at: created,
                    updated_at: created,
                });
            }
        };
    let mut billable = 0;
    if !active.is_empty() && plan.share_bp > 0 {
        let share = (plan.share_bp + rng.between(-1500, 1500)).clamp(0, 10_000);
        billable = round15(total * share / 10_000).min(total);
        let weights: i64 = active.iter().map(|s| s.weight).sum();
        let mut left = billable;
        for (i, s) in active.iter().enumerate() {
            let m = if i + 1 == active.len() {
                left
            } else {
                round15(billable * s.weight / weights).min(left)
            };
            push(Some(s.project), None, m, true, None);
            left -= m;
        }
    }
    let mut rest = total - billable;
    if let Some(s) = active.first()
        && rest > 0
        && rng.chance(12)
    {
        let m = (*rng.pick(&[30, 45, 60, 90, 120])).min(rest);
        push(
            Some(s.project),
            None,
            m,
            false,
            Some(*rng.pick(names::NON_BILLABLE_NOTES)),
        );
        rest -= m;
    }
    let kinds = others(plan.function);
    if rest > 120 && rng.chance(40) {
        let first = round15(rest / 2);
        let (a, b) = (weighted(rng, kinds), weighted(rng, kinds));
        let same = matches!((a, b), (Other::Project(x), Other::Project(y)) if x == y)
            || matches!((a, b), (Other::Category(x), Other::Category(y)) if x == y);
        if !same {
            for (kind, m) in [(a, first), (b, rest - first)] {
                match kind {
                    Other::Project(p) => push(Some(p), None, m, false, None),
                    Other::Category(c) => push(None, Some(c), m, false, None),
                }
            }
            return;
        }
    }
    match weighted(rng, kinds) {
        Other::Project(p) => push(Some(p), None, rest, false, None),
        Other::Category(c) => push(None, Some(c), rest, false, None),
    }
}

pub(crate) fn person_time(built: &Built, plan: &PersonPlan, seed: u64) -> TimeBatch {
    let mut rng = Rng::derive(seed, 1_000_000 + plan.id as u64);
    let mut batch = TimeBatch::default();
    let range = built.range;
    let from = plan.start.max(range.start);
    let to = plan.end.map_or(range.end, |e| e.min(range.end));
    if from > to {
        return batch;
    }
    let ahead = plan.end.map_or(range.end + Duration::days(30), |e| {
        e.min(range.end + Duration::days(30))
    });
    let off = time_off(built, plan, &mut rng, from, ahead);
    for (d, (kind, note)) in &off {
        let requested = *d > range.end && rng.chance(50);
        // Asked for weeks ahead, and never after the demo's last day: a day off soon
        // after it was asked for by then.
        let created = at((*d - Duration::days(rng.between(14, 60))).min(range.end), 9 * 60);
        batch.time_off.push(BulkTimeOff {
            person_id: plan.id,
            date: *d,
            minutes: 480,
            kind: *kind,
            note: Some((*note).to_string()),
            status: if requested {
                TimeOffStatus::Requested
            } else {
                TimeOffStatus::Approved
            },
            decided_at: (!requested).then(|| {
                let decided = created + Duration::hours(rng.between(2, 48));
                decided.min(at(range.end, 17 * 60))
            }),
            created_at: created,
        });
    }
    let holidays = &built.holidays[plan.region];
    // The week still in draft: the one under way, or on a weekend the next one — by
    // Saturday people have submitted the week that just ended.
    let current = match range.end.weekday() {
        Weekday::Saturday | Weekday::Sunday => IsoWeek::of(range.end + Duration::days(2)),
        _ => IsoWeek::of(range.end),
    };
    let last = IsoWeek::of(to);
    let mut week = IsoWeek::of(from);
    loop {
        let first = batch.entries.len();
        for d in week.range().iter().filter(|d| from <= *d && *d <= to) {
            if !is_weekend(d) && !holidays.contains(&d) && !off.contains_key(&d) {
                day(plan, &mut rng, d, &mut batch.entries);
            }
        }
        if week == current {
            break;
        }
        timesheet(plan, &mut rng, (week, current, range.end), first, &mut batch);
        match week.next() {
            Some(next) if week < last => week = next,
            _ => break,
        }
    }
    batch
}

/// Submits, rejects and approves a past week; the week before the current one is
/// sometimes still waiting, or not submitted at all.
fn timesheet(
    plan: &PersonPlan,
    rng: &mut Rng,
    (week, current, end): (IsoWeek, IsoWeek, Date),
    first: usize,
    batch: &mut TimeBatch,
) {
    let last_week = week.next() == Some(current);
    let roll = rng.below(100);
    // Last week: a few not submitted yet, a quarter waiting for approval, most done —
    // as a PS organisation's Monday looks (more made compliance read 25 % on time).
    if last_week && roll < 8 && !plan.waits {
        return;
    }
    let friday = week.monday() + Duration::days(4);
    let submitted = match rng.below(100) {
        0..85 => at(friday, 13 * 60 + rng.between(0, 180)),
        85..97 => at(friday + Duration::days(rng.between(3, 4)), 9 * 60 + rng.between(0, 120)),
        _ => at(friday + Duration::days(6), 10 * 60 + rng.between(0, 300)),
    };
    // A late submitter of the latest weeks has not submitted yet: nothing happens after
    // the demo's last day.
    if submitted.date() > end {
        return;
    }
    let entries = &mut batch.entries[first..];
    let mut groups: Vec<Option<i64>> = entries.iter().map(|e| e.project_id.filter(|p| *p > 2)).collect();
    groups.sort();
    groups.dedup();
    let pending = last_week && (plan.waits || roll < 33);
    let mut resubmitted = submitted;
    let rejected = groups
        .iter()
        .copied()
        .flatten()
        .next()
        .filter(|_| !pending && rng.chance(4));
    if let Some(project) = rejected {
        let rejected_at = submitted + Duration::hours(rng.between(16, 40));
        let again = rejected_at + Duration::hours(rng.between(3, 28));
        // A rejection and its fix both happen by the demo's last day, or neither does.
        if again.date() <= end {
            resubmitted = again;
            batch.rejections.push(BulkRejection {
                person_id: plan.id,
                week,
                project_id: Some(project),
                reason: (*rng.pick(names::REJECTION_REASONS)).to_string(),
                rejected_at,
                entries: entries.iter().filter(|e| e.project_id == Some(project)).count() as i64,
            });
        }
    }
    batch.weeks.push(BulkWeek {
        person_id: plan.id,
        week,
        submitted_at: resubmitted,
    });
    // Most project managers approve the same afternoon, before the due day ends, so most
    // weeks are on time; the rest a day or three later.
    let approved = if rng.below(100) < 80 {
        resubmitted + Duration::minutes(rng.between(20, 300))
    } else {
        resubmitted + Duration::hours(rng.between(20, 70))
    };
    // An approval that would come after the demo's last day has not come yet.
    let pending = pending || approved.date() > end;
    for e in entries.iter_mut() {
        e.status = if pending {
            EntryStatus::Submitted
        } else {
            EntryStatus::Approved
        };
        e.updated_at = if pending { resubmitted } else { approved };
    }
    if pending {
        return;
    }
    // Internal time (categories and internal projects) is approved as one group.
    let mut approvals: Vec<Option<i64>> = entries.iter().map(|e| e.project_id).collect();
    approvals.sort();
    approvals.dedup();
    for project in approvals {
        batch.approvals.push(BulkApproval {
            person_id: plan.id,
            week,
            project_id: project,
            approved_at: approved,
        });
    }
}
