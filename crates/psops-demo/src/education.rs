//! The demo's education services, through the real store calls: the handbook's courses
//! (Git fundamentals, CI/CD, Agile portfolio management, security essentials, system
//! administration — in production — and one still in review), trainers certified per
//! course through a complete certification path (one expiring soon, one a partner's
//! consultant), learners from
//! the staff, the partners and the customers' contacts, and a year of classes: a public
//! class every three weeks and a private class for each training project, each with its
//! registrations and attendance. The classes that ended have their roster in — which
//! releases a private class's fee as training revenue and sends the training survey —
//! and the ones ahead have their first workflow steps done. Deterministic: a pure
//! function of the demo's seed and dates.

use psops_core::catalog::skus::{Sku, SkuFilter};
use psops_core::delivery::surveys::SurveyAnswer;
use psops_core::education::classes::{ClassAudience, ClassDelivery, TrainingClass, TrainingClassFields};
use psops_core::education::courses::{Course, CourseDelivery, CourseFields, CourseState};
use psops_core::education::enrolments::{
    Attendance, AttendanceRow, Enrolment, EnrolmentFields, EnrolmentStatus, RosterSubmission, StepDone,
};
use psops_core::education::learners::{Learner, LearnerFields, LearnerFilter, LearnerOrg};
use psops_core::education::workflow::ClassStep;
use psops_core::people::Function;
use psops_core::projects::{ProjectFilter, ProjectStatus, ProjectType};
use psops_core::store::{Created, Records, Store, WriteCtx};
use psops_core::{Error, Id, Result, every};
use std::collections::HashMap;

use psops_core::Currency;
use psops_core::accounts::AccountId;
use psops_core::projects::ProjectId;
use time::{Duration, OffsetDateTime, Time, Weekday};

use crate::DemoOrg;
use crate::rng::Rng;

/// Where the demo's survey links point.
const BASE: &str = "http://127.0.0.1:8080";
/// Private classes at most, one per training project, per 60 people.
const PRIVATE: usize = 12;
/// A private class's price per class day, in cents: remote and on site.
const REMOTE_DAY: i64 = 650_000;
const ON_SITE_DAY: i64 = 850_000;
/// What satisfied and dissatisfied learners write.
const PRAISE: &[&str] = &[
    "Hands-on labs made it stick.",
    "Clear explanations and good pacing.",
    "Practical examples from real projects.",
    "Would recommend it to my team.",
    "The trainer answered every question patiently.",
];
const CRITICISM: &[&str] = &[
    "Too fast for beginners.",
    "The lab environment was slow on day two.",
    "More exercises, fewer slides.",
    "Started late and overran.",
];
/// A public class's seat, in cents.
const SEAT_PRICE: i64 = 120_000;
/// Learners made from each source (staff, partner consultants, customer contacts), per
/// 60 people.
const LEARNERS_EACH: usize = 40;
/// The time zones public classes run in, one track each in turn: a small organisation
/// teaches from Europe only.
const ZONES: [&str; 4] = [
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Singapore",
];

/// How many times the 60-person organisation's training a larger one runs: its trainers
/// (four per 60 people), their parallel tracks of public classes, learners and private
/// classes all grow with its size.
pub(crate) fn scale(people: usize) -> usize {
    (people / 60).max(1)
}

/// (name, SKU code, delivery, state, days, outline)
const COURSES: [(&str, &str, CourseDelivery, CourseState, i32, &str); 6] = [
    (
        "Git fundamentals",
        "EDU-ILT-REMOTE",
        CourseDelivery::Remote,
        CourseState::Production,
        2,
        "Commits and history\nBranching and merging\nRemotes and review",
    ),
    (
        "CI/CD pipelines",
        "EDU-ILT-REMOTE",
        CourseDelivery::Remote,
        CourseState::Production,
        2,
        "Pipeline basics\nRunners\nDeployments and environments",
    ),
    (
        "Agile portfolio management",
        "EDU-ILT-ONSITE",
        CourseDelivery::OnSite,
        CourseState::Production,
        2,
        "Epics and roadmaps\nPlanning at scale\nMeasuring flow",
    ),
    (
        "Security essentials",
        "EDU-ILT-REMOTE",
        CourseDelivery::Remote,
        CourseState::Production,
        1,
        "Scanning\nVulnerability management\nCompliance",
    ),
    (
        "System administration",
        "EDU-ILT-ONSITE",
        CourseDelivery::OnSite,
        CourseState::Production,
        3,
        "Installation\nBackups and upgrades\nMonitoring",
    ),
    (
        "Kubernetes operations",
        "EDU-ILT-REMOTE",
        CourseDelivery::Remote,
        CourseState::InReview,
        2,
        "Clusters\nAgents\nScaling",
    ),
];

fn made<T>(c: Created<T>) -> Result<T> {
    match c {
        Created::New(v) => Ok(v),
        Created::Replayed(_) => Err(Error::internal("a demo record was replayed")),
    }
}

/// The Monday on or after a day.
fn monday(d: time::Date) -> time::Date {
    let mut d = d;
    while d.weekday() != Weekday::Monday {
        d += Duration::days(1);
    }
    d
}

pub(crate) async fn add(store: &dyn Store, ctx: &WriteCtx, org: &DemoOrg) -> Result<()> {
    let end = org.spec().end;
    let range = org.spec().range();
    let start = range.end - Duration::days(364).min(range.end - range.start);
    let mut rng = Rng::derive(org.spec().seed, 0x000E_D0C5);
    let scale = scale(org.spec().people);
    let skus: Vec<Sku> = every!(store, SkuFilter::default());
    let sku_of = |code: &str| {
        skus.iter()
            .find(|s| s.fields.code == code)
            .or_else(|| skus.first())
            .map(|s| s.id)
    };
    let mut courses = Vec::new();
    for (name, code, delivery, state, days, outline) in COURSES {
        let Some(sku_id) = sku_of(code) else {
            return Ok(()); // no catalog to sell courses from
        };
        let c: Course = made(
            store
                .create(
                    ctx,
                    CourseFields {
                        sku_id,
                        name: name.into(),
                        delivery,
                        state,
                        course_version: "2.1".into(),
                        outline: Some(outline.into()),
                        duration_days: days,
                    },
                )
                .await?,
        )?;
        courses.push(c);
    }
    let live: Vec<&Course> = courses.iter().filter(|c| c.fields.schedulable()).collect();
    // Trainers: the company's trainers (engineers when it has too few) and one partner
    // consultant, each certified for some courses from the start of the year.
    let people = &org.records().people;
    let mut staff: Vec<i64> = people
        .iter()
        .filter(|p| p.fields.partner_id.is_none() && p.fields.function == Function::Trainer)
        .map(|p| p.id)
        .collect();
    staff.extend(
        people
            .iter()
            .filter(|p| p.fields.partner_id.is_none() && p.fields.function == Function::Engineer)
            .map(|p| p.id)
            .take((4 * scale).saturating_sub(staff.len())),
    );
    // Lab assessments on the trainers' own certification paths are graded by one of the
    // company's engineers, who is therefore not among the trainers.
    let Some(grader) = crate::certifications::grader(store).await? else {
        return Ok(());
    };
    staff.retain(|t| *t != grader.get());
    staff.truncate(4 * scale);
    // The training service partners' trainers: two of the first partner's consultants,
    // four courses between them; one of the second's, for one course.
    let consultants = |partner: i64| {
        people
            .iter()
            .filter(move |p| {
                p.fields.partner_id == Some(Id::new(partner)) && p.fields.function == Function::PartnerConsultant
            })
            .map(|p| p.id)
    };
    let partner_trainers: Vec<(i64, Vec<usize>)> = consultants(1)
        .take(2)
        .zip([vec![0, 1], vec![2, 3]])
        .chain(consultants(2).take(1).zip([vec![4]]))
        .map(|(t, teaches)| (t, teaches.into_iter().map(|c| c % live.len()).collect()))
        .collect();
    // Each trainer is certified through a complete path (the only way a course trainer
    // record is made), a month before the year of classes.
    let certified_on = start - Duration::days(30);
    let mut trainers: Vec<Trainer> = Vec::new();
    for (i, t) in staff.iter().enumerate() {
        // Each staff trainer teaches three of the five courses, overlapping.
        let teaches: Vec<usize> = (0..3).map(|k| (i + k) % live.len()).collect();
        for (k, c) in teaches.iter().enumerate() {
            // The first trainer's first certification was earned long ago: it lapses with
            // their course certificate (two years) soon after today.
            let on = if i == 0 && k == 0 {
                end - Duration::days(600)
            } else {
                certified_on
            };
            crate::certifications::certify_trainer(store, ctx, Id::new(*t), live[*c], on, grader).await?;
        }
        trainers.push(Trainer {
            id: *t,
            teaches,
            satisfied: 90,
        });
    }
    for (k, (t, teaches)) in partner_trainers.into_iter().enumerate() {
        for c in &teaches {
            crate::certifications::certify_trainer(store, ctx, Id::new(t), live[*c], certified_on, grader).await?;
        }
        // The second partner's trainer is less liked: about two learners in three satisfied.
        let satisfied = if k < 2 { 93 } else { 65 };
        trainers.push(Trainer {
            id: t,
            teaches,
            satisfied,
        });
    }
    if trainers.is_empty() {
        return Ok(());
    }
    // Learners: staff, partner consultants and customer contacts — the trainers are
    // learners already, from their own certification.
    let mut learners: Vec<Learner> = Vec::new();
    let already: Vec<i64> = every!(store, LearnerFilter::default())
        .into_iter()
        .filter_map(|l: Learner| l.fields.person_id.map(|p| p.get()))
        .collect();
    for p in people
        .iter()
        .filter(|p| p.fields.partner_id.is_none() && !already.contains(&p.id))
        .skip(4)
        .take(LEARNERS_EACH * scale)
    {
        let f = LearnerFields {
            name: p.fields.name.clone(),
            email: Some(p.fields.email.clone()),
            organisation: LearnerOrg::Employee,
            person_id: Some(Id::new(p.id)),
            partner_id: None,
            account_id: None,
            contact_id: None,
        };
        learners.push(made(store.create(ctx, f).await?)?);
    }
    for p in people
        .iter()
        .filter(|p| p.fields.partner_id.is_some() && !already.contains(&p.id))
        .take(LEARNERS_EACH * scale)
    {
        let f = LearnerFields {
            name: p.fields.name.clone(),
            email: Some(p.fields.email.clone()),
            organisation: LearnerOrg::PartnerConsultant,
            person_id: Some(Id::new(p.id)),
            partner_id: p.fields.partner_id,
            account_id: None,
            contact_id: None,
        };
        learners.push(made(store.create(ctx, f).await?)?);
    }
    for c in org.records().contacts.iter().take(LEARNERS_EACH * scale) {
        let f = LearnerFields {
            name: c.fields.fields.name.clone(),
            email: c.fields.fields.email.clone(),
            organisation: LearnerOrg::CustomerContact,
            person_id: None,
            partner_id: None,
            account_id: Some(c.fields.account_id),
            contact_id: Some(Id::new(c.id)),
        };
        learners.push(made(store.create(ctx, f).await?)?);
    }
    if learners.is_empty() {
        return Ok(());
    }
    // The customers' training projects buy their contacts' seats on public classes.
    let projects = every!(store, ProjectFilter::default());
    let seat_projects: HashMap<AccountId, ProjectId> = projects
        .iter()
        .filter(|p| p.fields.project_type == ProjectType::Training && p.fields.status != ProjectStatus::Estimate)
        .filter_map(|p| Some((p.fields.account_id?, p.id)))
        .collect();
    // Public classes every three weeks on each track, from a year ago to two months
    // ahead; the tracks start a week apart. Tracks on the same days take trainers apart:
    // the j-th class of track t has trainer t + j × tracks.
    let mut plans: Vec<(TrainingClassFields, u64)> = Vec::new();
    let mut n = 0usize;
    for track in 0..scale {
        let mut day = monday(start) + Duration::days(7 * (track % 3) as i64);
        let mut j = 0;
        while day <= end + Duration::days(60) {
            let t = &trainers[(track + j * scale) % trainers.len()];
            let course = live[t.teaches[n % t.teaches.len()]];
            let mut plan = class_on(course, t.id, day, ClassAudience::Public, None, None, None);
            plan.time_zone = ZONES[track % ZONES.len()].into();
            plans.push((plan, t.satisfied));
            day += Duration::days(21);
            j += 1;
            n += 1;
        }
    }
    // A private class for each training project, a week into it.
    for p in projects
        .iter()
        .filter(|p| {
            p.fields.project_type == ProjectType::Training
                && p.fields.account_id.is_some()
                && p.fields.budget.is_some()
                && p.fields.status != ProjectStatus::Estimate
                && p.fields.start_date.is_some_and(|s| s >= start && s <= end)
        })
        .take(PRIVATE * scale)
    {
        let t = &trainers[n % trainers.len()];
        let course = live[t.teaches[n % t.teaches.len()]];
        let first = monday(p.fields.start_date.unwrap_or(start) + Duration::days(7));
        let plan = class_on(
            course,
            t.id,
            first,
            ClassAudience::Private,
            p.fields.account_id,
            Some(p.id),
            // A private class is priced by the class day, in the project's currency.
            p.fields.budget.map(|b| {
                let per_day = if course.fields.delivery == CourseDelivery::OnSite {
                    ON_SITE_DAY
                } else {
                    REMOTE_DAY
                };
                psops_core::Money::new(per_day * i64::from(course.fields.duration_days), b.currency)
            }),
        );
        plans.push((plan, t.satisfied));
        n += 1;
    }
    let contacts = &org.records().contacts;
    for (k, (plan, satisfied)) in plans.into_iter().enumerate() {
        // A private class is the customer's own people: a roster of its employees.
        let own = match plan.account_id {
            Some(account) => staff_of(store, ctx, account, contacts, &mut rng).await?,
            None => Vec::new(),
        };
        let who = Learners {
            all: if own.is_empty() { &learners } else { &own },
            seat_projects: &seat_projects,
        };
        deliver(store, ctx, plan, &who, (k, satisfied), &mut rng, end).await?;
    }
    Ok(())
}

/// Learners of a customer account for its private class: 8 to 12 of its employees
/// (customer contacts without a contact record), with e-mails at the account's domain.
async fn staff_of(
    store: &dyn Store,
    ctx: &WriteCtx,
    account: AccountId,
    contacts: &[psops_core::bulk::Seeded<psops_core::accounts::NewContact>],
    rng: &mut Rng,
) -> Result<Vec<Learner>> {
    let domain = contacts
        .iter()
        .filter(|c| c.fields.account_id == account)
        .find_map(|c| {
            c.fields
                .fields
                .email
                .as_deref()?
                .split_once('@')
                .map(|(_, d)| d.to_string())
        })
        .unwrap_or_else(|| format!("customer{account}.example"));
    let mut out = Vec::new();
    let wanted = 8 + rng.below(5) as usize;
    let mut emails = std::collections::HashSet::new();
    while out.len() < wanted {
        let first = *rng.pick(crate::names::FIRST_NAMES);
        let last = *rng.pick(crate::names::LAST_NAMES);
        let email = format!("{}.{}@{domain}", first.to_lowercase(), last.to_lowercase()).replace(' ', "");
        if !emails.insert(email.clone()) {
            continue;
        }
        let f = LearnerFields {
            name: format!("{first} {last}"),
            email: Some(email),
            organisation: LearnerOrg::CustomerContact,
            person_id: None,
            partner_id: None,
            account_id: Some(account),
            contact_id: None,
        };
        out.push(made(store.create(ctx, f).await?)?);
    }
    Ok(out)
}

/// A certified trainer: the courses they teach (indexes of the live courses) and the
/// share of their learners who answer the survey satisfied, in percent.
struct Trainer {
    id: i64,
    teaches: Vec<usize>,
    satisfied: u64,
}

fn class_on(
    course: &Course,
    trainer: i64,
    first: time::Date,
    audience: ClassAudience,
    account_id: Option<psops_core::accounts::AccountId>,
    project_id: Option<psops_core::projects::ProjectId>,
    fee: Option<psops_core::Money>,
) -> TrainingClassFields {
    let on_site = course.fields.delivery == CourseDelivery::OnSite;
    TrainingClassFields {
        course_id: course.id,
        trainer_id: Id::new(trainer),
        start_date: first,
        end_date: first + Duration::days(i64::from(course.fields.duration_days) - 1),
        time_zone: "Europe/Berlin".into(),
        delivery: if on_site {
            ClassDelivery::OnSite
        } else {
            ClassDelivery::Remote
        },
        location: on_site.then(|| "Customer training centre".to_string()),
        audience,
        account_id,
        project_id,
        fee,
        addon_seats: 0,
        // A public class sells its seats at the list price of a seat.
        seat_price: (audience == ClassAudience::Public).then(|| psops_core::Money::new(SEAT_PRICE, Currency::USD)),
    }
}

/// The learners classes draw from, and the project that buys a seat for each customer
/// account that has a training project.
struct Learners<'a> {
    all: &'a [Learner],
    seat_projects: &'a HashMap<AccountId, ProjectId>,
}

/// Schedules a class, registers its learners and — once it has ended — marks their
/// attendance and submits its roster, and about seven in ten answer the survey
/// (`satisfied` in a hundred with a 4 or 5); a class ahead gets the steps due by today
/// done. `k` numbers the class.
async fn deliver(
    store: &dyn Store,
    ctx: &WriteCtx,
    plan: TrainingClassFields,
    who: &Learners<'_>,
    (k, satisfied): (usize, u64),
    rng: &mut Rng,
    today: time::Date,
) -> Result<()> {
    let class: TrainingClass = made(store.create(ctx, plan).await?)?;
    let wanted = 6 + rng.below(7) as usize;
    let mut rows = Vec::new();
    let learners = who.all;
    let private = class.fields.audience == ClassAudience::Private;
    for i in 0..wanted.min(learners.len()) {
        let l = if private {
            &learners[i]
        } else {
            &learners[(k * 7 + i * 3) % learners.len()]
        };
        let bought = class.fields.seat_price.and(l.fields.account_id);
        let fields = EnrolmentFields {
            class_id: class.id,
            learner_id: l.id,
            status: EnrolmentStatus::Registered,
            project_id: bought.and_then(|a| who.seat_projects.get(&a).copied()),
        };
        match store.create(ctx, fields).await {
            Ok(c) => {
                let e: Enrolment = made(c)?;
                rows.push(e.id);
            }
            // The same learner picked twice: once is enough.
            Err(Error::Conflict(_)) => continue,
            Err(e) => return Err(e),
        }
    }
    let days = class.fields.days();
    for step in [
        ClassStep::Welcome,
        ClassStep::PlanningMeeting,
        ClassStep::RegistrationLinks,
        ClassStep::LabCodes,
        ClassStep::TrainerChecklist,
    ] {
        let due = step.due(class.fields.start_date, class.fields.end_date);
        // Done a day or two early — one class in five is late with its lab codes.
        if due > today || step == ClassStep::LabCodes && k % 5 == 4 && class.fields.start_date > today {
            continue;
        }
        let done = StepDone {
            step,
            done_on: Some(due - Duration::days(rng.below(3) as i64)),
        };
        store.mark_step(ctx, class.id, done).await?;
    }
    let closed = class.fields.end_date + Duration::days(2);
    if closed > today {
        return Ok(());
    }
    let grid = Attendance {
        rows: rows
            .iter()
            .enumerate()
            .map(|(i, e)| AttendanceRow {
                enrolment_id: *e,
                // One learner in seven missed the class; one in five its last day.
                days: match i % 7 {
                    6 => Vec::new(),
                    _ if i % 5 == 4 => days[..days.len().saturating_sub(1).max(1)].to_vec(),
                    _ => days.clone(),
                },
            })
            .collect(),
    };
    store.mark_attendance(ctx, class.id, grid).await?;
    let at = closed
        .with_time(Time::from_hms(16, 0, 0).unwrap_or(Time::MIDNIGHT))
        .assume_utc();
    let sent = store
        .submit_roster(
            ctx,
            class.id,
            RosterSubmission { submitted_on: closed },
            BASE,
            at.max(OffsetDateTime::UNIX_EPOCH),
        )
        .await?;
    for token in &sent.tokens {
        if !rng.chance(70) {
            continue;
        }
        let score = if rng.chance(satisfied) {
            4 + rng.below(2) as i64
        } else {
            2 + rng.below(2) as i64
        };
        // Answered within a few days of the mail, never after today.
        let answered = (at + Duration::days(1 + rng.below(5) as i64)).min(today.with_time(Time::MIDNIGHT).assume_utc());
        // About two answers in five say something in words.
        let said: &[&str] = if score >= 4 { PRAISE } else { CRITICISM };
        let answer = SurveyAnswer {
            score,
            comment: rng
                .chance(40)
                .then(|| said[rng.below(said.len() as u64) as usize].to_string()),
        };
        store.answer_class_survey(token, answer, None, answered.max(at)).await?;
    }
    Ok(())
}
