//! The demo's weekly health and RAID log: a year of weekly reports for every active
//! project (from its start when later), filed by its manager on the due day or near it,
//! with RAG that drifts as real projects do — mostly green, yellow spells, and red streaks
//! on the projects whose hours burn ahead of plan (a pace drawn per project, so budget
//! off track and red go together); a few weeks missed in the past, and this week's (or,
//! early in the week, last week's) report missing on some projects, so the overdue list
//! has something to show. Each active project keeps a handful of RAID items, a few of
//! them escalated. Pure and deterministic from the seed; `add` loads it in one go.

use time::{Date, Duration, OffsetDateTime, Time};

use psops_core::delivery::health::{HealthReportFields, Rag, Sentiment, due_on};
use psops_core::delivery::raid::{ImpactArea, RaidItemFields, RaidKind, RaidPriority, RaidStatus};
use psops_core::delivery::settings::Weekday;
use psops_core::projects::{BillingType, ProjectStatus};
use psops_core::store::Store;
use psops_core::timesheet::IsoWeek;
use psops_core::{Id, Result};

use crate::DemoOrg;
use crate::rng::Rng;

/// Weeks of history per project.
const WEEKS: i64 = 52;

const GREEN: [&str; 6] = [
    "Sprint closed on plan; demo well received.\nNext: integration tests with the customer's IT.",
    "Configuration complete for the first business unit.\nTraining booked for next week.",
    "All milestones on track.\nCustomer sponsor joined the weekly call.",
    "Data migration rehearsal passed.\nCutover plan reviewed with the customer.",
    "Workshops done; requirements signed off.\nBuild starts Monday.",
    "UAT feedback small and addressed.\nGo-live checklist 80% complete.",
];
const YELLOW: [&str; 5] = [
    "Two days behind on integration: the customer's API keys came late.\nRecovery plan agreed.",
    "Scope questions on reporting; change order drafted.\nNo impact on go-live yet.",
    "Key customer SME on leave for two weeks.\nWorking around with their deputy.",
    "Test environment unstable this week.\nEscalated to the customer's IT lead.",
    "Burn slightly ahead of plan.\nReviewing the remaining backlog with the sponsor.",
];
const RED: [&str; 4] = [
    "Hours burning well ahead of plan; budget runs out before go-live.\nChange order in discussion.",
    "Go-live date at risk: data quality blocks the migration.\nDaily calls with the customer.",
    "Sponsor unhappy with progress.\nPS leadership joins next week's steering meeting.",
    "Critical defect in the product blocks UAT.\nSupport case escalated; workaround under test.",
];
const SCHEDULE_WHY: [&str; 3] = [
    "Customer dependencies late (access, test data)",
    "Integration took longer than estimated",
    "Customer SME availability",
];
const SCOPE_WHY: [&str; 2] = [
    "Customer asks for reports outside the SOW",
    "Extra business unit requested; change order pending",
];
const RISKS: [(&str, &str); 6] = [
    (
        "Customer test data may not be ready for UAT",
        "Agree a data freeze date; prepare synthetic data",
    ),
    (
        "Key customer SME leaving the company",
        "Knowledge transfer sessions; name a deputy",
    ),
    (
        "Single sign-on vendor slow to respond",
        "Escalate through the account team; weekly vendor call",
    ),
    (
        "Budget may not cover the second phase",
        "Review burn weekly; prepare a change order",
    ),
    (
        "Go-live overlaps the customer's change freeze",
        "Confirm freeze dates; plan go-live before it",
    ),
    (
        "Product upgrade due mid-project",
        "Test on the new version in the sandbox first",
    ),
];
const ACTIONS: [&str; 4] = [
    "Send the revised project plan to the sponsor",
    "Book the cutover rehearsal",
    "Collect sign-off on the design document",
    "Schedule admin training for the customer's team",
];
const ISSUES: [&str; 4] = [
    "Test environment down for two days",
    "Firewall rule blocks the integration",
    "Defect in the import tool delays migration",
    "Customer cannot provide production access yet",
];
const DECISIONS: [&str; 3] = [
    "Phase two moves to next quarter",
    "Use the standard workflow, no customisation",
    "Go live with two business units first",
];

/// The RAG a week moves to from `now`, given how far ahead of plan the hours burn.
fn drift(rng: &mut Rng, now: Rag, ahead: bool) -> Rag {
    let roll = rng.below(100);
    match (now, ahead) {
        (Rag::Green, false) => {
            if roll < 6 {
                Rag::Yellow
            } else {
                Rag::Green
            }
        }
        (Rag::Green, true) => {
            if roll < 25 {
                Rag::Yellow
            } else {
                Rag::Green
            }
        }
        (Rag::Yellow, false) => match roll {
            0..40 => Rag::Green,
            40..44 => Rag::Red,
            _ => Rag::Yellow,
        },
        (Rag::Yellow, true) => match roll {
            0..10 => Rag::Green,
            10..35 => Rag::Red,
            _ => Rag::Yellow,
        },
        (Rag::Red, false) => match roll {
            0..45 => Rag::Yellow,
            _ => Rag::Red,
        },
        (Rag::Red, true) => match roll {
            0..15 => Rag::Yellow,
            _ => Rag::Red,
        },
    }
}

fn sentiment(rng: &mut Rng, rag: Rag) -> Sentiment {
    let roll = rng.below(100);
    match rag {
        Rag::Green if roll < 55 => Sentiment::Happy,
        Rag::Green => Sentiment::Engaged,
        Rag::Yellow if roll < 65 => Sentiment::Engaged,
        Rag::Yellow if roll < 90 => Sentiment::Frustrated,
        Rag::Yellow => Sentiment::Happy,
        Rag::Red if roll < 60 => Sentiment::Frustrated,
        Rag::Red if roll < 85 => Sentiment::Disengaged,
        Rag::Red => Sentiment::Engaged,
    }
}

/// The demo's reports (each with when it was filed) and RAID items.
pub(crate) struct Health {
    pub reports: Vec<(HealthReportFields, OffsetDateTime)>,
    pub raid: Vec<RaidItemFields>,
}

/// Everything, for the demo's records and its `end` as today.
pub(crate) fn plan(org: &DemoOrg, due: Weekday) -> Health {
    let today = org.spec().end;
    let current = IsoWeek::of(today);
    let first_week = IsoWeek::of(today - Duration::weeks(WEEKS - 1));
    let this_week_due = today > due_on(current, due);
    let mut out = Health {
        reports: Vec::new(),
        raid: Vec::new(),
    };
    for p in &org.records().projects {
        let f = &p.fields;
        if f.status != ProjectStatus::Active {
            continue;
        }
        let Some(pm) = f.project_manager_id else {
            continue;
        };
        let mut rng = Rng::derive(org.spec().seed, 40_000 + p.id as u64);
        let start = f
            .start_date
            .map(IsoWeek::of)
            .filter(|s| *s > first_week)
            .unwrap_or(first_week);
        let end = f.end_date.unwrap_or(today + Duration::weeks(26));
        let life = (end - f.start_date.unwrap_or(today - Duration::weeks(WEEKS)))
            .whole_days()
            .max(7) as f64;
        // How fast the hours burn against plan: most near 1, one in six well ahead.
        let t_and_m = f.billing_type == BillingType::TimeAndMaterials && f.budget_minutes.is_some();
        let pace = if rng.chance(16) {
            1.15 + rng.below(30) as f64 / 100.0
        } else {
            0.85 + rng.below(20) as f64 / 100.0
        };
        // This week (once due) or last week (early in the week) missing on about one
        // project in seven.
        let skip = if rng.chance(14) {
            Some(if this_week_due {
                current
            } else {
                IsoWeek::of(today - Duration::weeks(1))
            })
        } else {
            None
        };
        let mut rag = Rag::Green;
        let mut w = start;
        while w <= current {
            let due_day = due_on(w, due);
            let filed_on = due_day - Duration::days(rng.between(0, 2));
            let week = w;
            w = match w.next() {
                Some(n) => n,
                None => break,
            };
            if Some(week) == skip || (week < current && rng.chance(2)) || (week == current && filed_on > today) {
                continue;
            }
            let elapsed =
                ((week.range().end - f.start_date.unwrap_or(today)).whole_days() as f64 / life).clamp(0.0, 1.0);
            let burn = elapsed * pace;
            let ahead = t_and_m && burn > elapsed + 0.08;
            rag = drift(&mut rng, rag, ahead);
            let over = t_and_m && burn > elapsed + 0.12;
            let budget_on_track = !(over || rag == Rag::Red && rng.chance(50));
            let schedule_on_track = rag == Rag::Green || rng.chance(40);
            let scope_on_track = match rag {
                Rag::Green => !rng.chance(2),
                Rag::Yellow => !rng.chance(20),
                Rag::Red => rng.chance(50),
            };
            let summary = match rag {
                Rag::Green => *rng.pick(&GREEN),
                Rag::Yellow => *rng.pick(&YELLOW),
                Rag::Red => *rng.pick(&RED),
            };
            let report = HealthReportFields {
                project_id: Id::new(p.id),
                week,
                overall: rag,
                summary: summary.to_string(),
                schedule_on_track,
                schedule_why: (!schedule_on_track).then(|| rng.pick(&SCHEDULE_WHY).to_string()),
                scope_on_track,
                scope_why: (!scope_on_track).then(|| rng.pick(&SCOPE_WHY).to_string()),
                budget_on_track,
                budget_why: (!budget_on_track).then(|| {
                    format!(
                        "{:.0}% of budget hours used at {:.0}% of the timeline",
                        (burn * 100.0).min(140.0),
                        elapsed * 100.0
                    )
                }),
                sentiment: sentiment(&mut rng, rag),
                filed_by: pm,
            };
            let at = filed_on
                .min(today)
                .with_time(Time::from_hms(16, 0, 0).unwrap_or(Time::MIDNIGHT))
                .assume_utc();
            out.reports.push((report, at));
        }
        raid_items(&mut rng, p.id, pm, rag, today, &mut out.raid);
    }
    out
}

fn raid_items(
    rng: &mut Rng,
    project: i64,
    owner: psops_core::people::PersonId,
    rag: Rag,
    today: Date,
    out: &mut Vec<RaidItemFields>,
) {
    let n = rng.between(2, 6);
    for i in 0..n {
        let kind = match i {
            0 => RaidKind::Risk,
            _ => *rng.pick(&[RaidKind::Risk, RaidKind::Action, RaidKind::Issue, RaidKind::Decision]),
        };
        let (title, mitigation) = match kind {
            RaidKind::Risk => {
                let r = rng.pick(&RISKS);
                (r.0, Some(r.1))
            }
            RaidKind::Action => (*rng.pick(&ACTIONS), None),
            RaidKind::Issue => (
                *rng.pick(&ISSUES),
                Some("Workaround agreed; fix tracked with the owner"),
            ),
            RaidKind::Decision => (*rng.pick(&DECISIONS), None),
        };
        let priority = match rng.below(10) {
            0..3 => RaidPriority::High,
            3..8 => RaidPriority::Medium,
            _ => RaidPriority::Low,
        };
        let closed = kind == RaidKind::Decision || rng.chance(35);
        let status = if closed { RaidStatus::Closed } else { RaidStatus::Open };
        // Red projects escalate their high open items; one in fifty others do too.
        let escalated =
            status == RaidStatus::Open && priority == RaidPriority::High && (rag == Rag::Red || rng.chance(8));
        let mut impacts = vec![*rng.pick(&[
            ImpactArea::Timeline,
            ImpactArea::Scope,
            ImpactArea::Quality,
            ImpactArea::Budget,
        ])];
        if rng.chance(40) {
            impacts.push(*rng.pick(&[ImpactArea::Timeline, ImpactArea::Budget]));
        }
        impacts.sort();
        impacts.dedup();
        out.push(RaidItemFields {
            project_id: Id::new(project),
            kind,
            title: title.to_string(),
            description: None,
            priority,
            impacts,
            owner_id: Some(owner),
            mitigation: mitigation.map(str::to_string),
            due_date: Some(today + Duration::days(rng.between(-21, 42))),
            status,
            escalated,
        });
    }
}

/// Loads the plan in one transaction.
pub(crate) async fn add(store: &dyn Store, org: &DemoOrg) -> Result<()> {
    let due = store.settings().await?.delivery.health_due;
    let h = plan(org, due);
    store.load_health(&h.reports, &h.raid).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DemoSpec;
    use time::macros::date;

    #[test]
    fn a_year_of_reports_that_drift_and_some_missing_this_week() {
        // A Friday: this week's reports were due yesterday.
        let spec = DemoSpec {
            people: 400,
            years: 1,
            seed: 5,
            end: date!(2026 - 11 - 20),
        };
        let org = DemoOrg::generate(spec).unwrap();
        let h = plan(&org, Weekday::Thursday);
        let again = plan(&org, Weekday::Thursday);
        assert_eq!(h.reports.len(), again.reports.len(), "deterministic");
        for (r, _) in &h.reports {
            r.validate().expect("every report obeys the rules");
        }
        for i in &h.raid {
            i.validate().expect("every RAID item obeys the rules");
        }
        let active: Vec<_> = org
            .records()
            .projects
            .iter()
            .filter(|p| p.fields.status == ProjectStatus::Active && p.fields.project_manager_id.is_some())
            .collect();
        assert!(!active.is_empty());
        let count = |rag: Rag| h.reports.iter().filter(|(r, _)| r.overall == rag).count();
        let (g, y, r) = (count(Rag::Green), count(Rag::Yellow), count(Rag::Red));
        let total = (g + y + r) as f64;
        assert!(g as f64 / total > 0.55, "mostly green: {g} {y} {r}");
        assert!(y > 0 && r > 0, "yellow spells and red streaks: {g} {y} {r}");
        // Red weeks go with budget off track more often than green ones.
        let off = |rag: Rag| {
            let of: Vec<_> = h.reports.iter().filter(|(x, _)| x.overall == rag).collect();
            of.iter().filter(|(x, _)| !x.budget_on_track).count() as f64 / of.len().max(1) as f64
        };
        assert!(
            off(Rag::Red) > off(Rag::Green) * 2.0,
            "red {} green {}",
            off(Rag::Red),
            off(Rag::Green)
        );
        // Some active projects lack this week's report; most have it.
        let this_week = IsoWeek::of(spec.end);
        let filed = active
            .iter()
            .filter(|p| {
                h.reports
                    .iter()
                    .any(|(r, _)| r.project_id.get() == p.id && r.week == this_week)
            })
            .count();
        assert!(
            filed < active.len() && filed * 2 > active.len(),
            "{filed} of {}",
            active.len()
        );
        // A year of weeks for a project that ran all year.
        let most = active
            .iter()
            .map(|p| h.reports.iter().filter(|(r, _)| r.project_id.get() == p.id).count())
            .max()
            .unwrap_or(0);
        assert!(most >= 45, "{most}");
        assert!(h.raid.iter().any(|i| i.escalated));
        assert!(h.raid.iter().filter(|i| i.escalated).count() * 5 < h.raid.len());
    }
}
