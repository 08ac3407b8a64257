//! The staffing backlog: open resource requests on the projects running or about to,
//! about three for every hundred people (150 at 5,000) — hard ones on signed projects,
//! soft ones on those still being sold, some held softly by someone already. Most can be
//! filled from the company's own people; a few ask for what only a partner's vetted
//! consultant has, and a few for what no one has (an expert with a certification in a
//! region), so the plan's "left open" list has something true to say.

use psops_core::Result;
use psops_core::auth::{Role, UserId};
use psops_core::people::Function;
use psops_core::plan::{Booking, RequestStatus, RequiredSkill, ResourceRequest, ResourceRequestFields};
use psops_core::projects::ProjectStatus;
use psops_core::staffing::planner::Window;
use psops_core::staffing::store::{Accept, BookRequest, MAX_PICKS, Pick};
use psops_core::store::{Created, Records as _, Store, WriteCtx};
use psops_core::{Id, Minutes};
use time::{Date, Duration};

use crate::DemoOrg;
use crate::rng::Rng;

/// The role of the n-th request, cycling: engineers most, then architects, managers and
/// trainers.
const ROLES: [Function; 10] = [
    Function::Engineer,
    Function::Engineer,
    Function::TechnicalArchitect,
    Function::Engineer,
    Function::ProjectManager,
    Function::Engineer,
    Function::Engineer,
    Function::TechnicalArchitect,
    Function::Engineer,
    Function::Trainer,
];

fn skills(role: Function) -> &'static [&'static str] {
    match role {
        Function::TechnicalArchitect => &["Solution architecture", "Kubernetes", "Migrations"],
        Function::ProjectManager => &["Project management", "Stakeholder management"],
        Function::Trainer => &["Instructional design", "GitLab CI/CD"],
        _ => &[
            "GitLab CI/CD",
            "Kubernetes",
            "Migrations",
            "Terraform",
            "Security scanning",
        ],
    }
}

const ZONES: [(&str, &str); 3] = [
    ("AMER", "America/New_York"),
    ("EMEA", "Europe/Berlin"),
    ("APAC", "Asia/Singapore"),
];

/// How many open requests the organisation carries.
pub(crate) fn backlog(people: usize) -> usize {
    (people * 3 / 100).max(12)
}

pub(crate) async fn add(store: &dyn Store, ctx: &WriteCtx, org: &DemoOrg, users: &[(Role, UserId)]) -> Result<()> {
    let ops = users
        .iter()
        .find(|(r, _)| *r == Role::Ops)
        .map(|(_, u)| crate::catalog::as_user(*u))
        .unwrap_or_else(|| ctx.clone());
    let today = org.spec().end;
    let mut rng = Rng::derive(org.spec().seed, 83);
    let records = org.records();
    // Projects still ahead: signed ones get hard requests, those being sold soft ones.
    let ahead: Vec<(i64, Booking, Date, Date)> = records
        .projects
        .iter()
        .filter_map(|p| {
            let end = p.fields.end_date?;
            let booking = match p.fields.status {
                ProjectStatus::Active | ProjectStatus::InSetUp | ProjectStatus::OkayToStart => Booking::Hard,
                ProjectStatus::Prospect | ProjectStatus::Estimate | ProjectStatus::Backlog => Booking::Soft,
                _ => return None,
            };
            let start = p.fields.start_date?;
            (end >= today + Duration::days(21) && p.fields.account_id.is_some()).then_some((p.id, booking, start, end))
        })
        .collect();
    if ahead.is_empty() {
        return Ok(());
    }
    // Who may hold a soft request: the company's engineers still employed.
    let holders: Vec<i64> = records
        .people
        .iter()
        .filter(|p| p.fields.partner_id.is_none() && p.fields.employment_end.is_none())
        .filter(|p| p.fields.function == Function::Engineer)
        .map(|p| p.id)
        .collect();
    // A request names only skills someone has (a skill nobody has is refused).
    let known: std::collections::HashSet<&str> = records
        .person_skills
        .iter()
        .map(|s| s.fields.fields.skill.as_str())
        .collect();
    let count = backlog(org.spec().people);
    for n in 0..count {
        let (project, booking, project_start, project_end) = ahead[n % ahead.len()];
        let role = ROLES[n % ROLES.len()];
        // Within the project's dates: an assignment must lie inside them.
        let start = (today + Duration::days(7 * rng.between(1, 20))).max(project_start);
        let weeks = rng.between(2, 12);
        let end = (start + Duration::days(7 * weeks - 3)).min(project_end);
        if end < start {
            continue;
        }
        let per_week = 60 * *rng.pick(&[8, 12, 16, 20, 24, 32, 40]);
        let pool: Vec<&str> = skills(role).iter().copied().filter(|s| known.contains(s)).collect();
        if pool.is_empty() {
            continue;
        }
        let mut required = vec![RequiredSkill {
            skill: (*rng.pick(&pool)).into(),
            min_level: rng.between(2, 4),
        }];
        let mut certifications = Vec::new();
        let (mut region, mut zone, mut apart) = (None, None, None);
        match n % 20 {
            // No one has all of it: an expert, certified, in one region.
            7 => {
                required[0].min_level = 5;
                certifications.push("cka".to_string());
                region = Some("APAC".to_string());
            }
            // Partners' consultants are vetted on migrations; few of the company's own
            // are at level 5 in it.
            13 if role == Function::Engineer && known.contains("Migrations") => {
                required[0] = RequiredSkill {
                    skill: "Migrations".into(),
                    min_level: 5,
                };
            }
            3 | 11 => {
                let (r, z) = *rng.pick(&ZONES);
                region = Some(r.to_string());
                zone = Some(z.to_string());
                apart = Some(3);
            }
            5 if role == Function::Engineer => certifications.push("migration".to_string()),
            _ => {}
        }
        let desired = if rng.chance(40) {
            let s = *rng.pick(&pool);
            (s != required[0].skill)
                .then(|| RequiredSkill {
                    skill: s.into(),
                    min_level: 3,
                })
                .into_iter()
                .collect()
        } else {
            Vec::new()
        };
        let fields = ResourceRequestFields {
            project_id: Id::new(project),
            role,
            minutes: Minutes(per_week * weeks),
            start_date: Some(start),
            end_date: Some(end),
            booking,
            status: RequestStatus::Open,
            required_skills: required,
            desired_skills: desired,
            certifications,
            region,
            time_zone: zone,
            max_hours_apart: apart,
            minutes_per_week: Some(Minutes(per_week)),
            priority: rng.between(1, 5),
            person_id: None,
        };
        let made: ResourceRequest = match store.create(&ops, fields).await? {
            Created::New(r) => r,
            Created::Replayed(_) => return Err(psops_core::Error::internal("a demo create was replayed")),
        };
        // A fifth of the soft requests are held by someone already: soft bookings.
        if booking == Booking::Soft && rng.chance(20) && !holders.is_empty() {
            let b = BookRequest {
                person_id: Id::new(*rng.pick(&holders)),
                booking: None,
            };
            // Someone not employed over the dates simply does not hold it.
            match store.book(&ops, made.id, &b).await {
                Ok(_) | Err(psops_core::Error::Invalid(_)) => {}
                Err(e) => return Err(e),
            }
        }
    }
    staff_the_signed(store, &ops, today).await
}

/// Ops has staffed what starts in the next two months (the handbook hard-books PM,
/// engineer and TA time two months out): the plan for the coming 26 weeks is accepted
/// for those lines, and the rest — later work the plan could fill, and what it could not
/// — is the backlog the optimizer finds.
async fn staff_the_signed(store: &dyn Store, ops: &WriteCtx, today: Date) -> Result<()> {
    let window = Window {
        from: today,
        to: today + Duration::weeks(26),
    };
    let plan = store.plan(window, today, std::time::Duration::from_secs(2)).await?;
    let horizon = today + Duration::weeks(8);
    let picks: Vec<Pick> = plan
        .lines
        .iter()
        .filter(|l| l.start_date <= horizon)
        .map(|l| Pick {
            request_id: l.request_id,
            person_id: l.person_id,
        })
        .collect();
    for chunk in picks.chunks(MAX_PICKS) {
        store.accept(ops, &Accept { picks: chunk.to_vec() }).await?;
    }
    Ok(())
}
