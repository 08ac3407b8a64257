//! Technical certifications and certified trainers in the demo, written through the
//! store's ordinary, audited calls: a certification for each course, a year of the
//! learners' attempts — passes, written and lab fails with retakes after the wait, labs
//! awaiting a grade, a learner out of attempts, a revoked and an expired certificate, and
//! certificates expiring in the next 90 days — and trainers at every stage of their path,
//! from a fresh candidate record to certified. [`certify_trainer`] is also what tests use
//! to make a course trainer, which only a complete path may.

use psops_core::accounts::{Account, AccountFilter};
use psops_core::certifications::attempts::AttemptFilter;
use psops_core::certifications::trainer_paths::{
    CandidacyFields, CandidacyFilter, Delivery, DeliveryKind, RecordedScore, ScoreSource, TrainerCandidacy,
};
use psops_core::certifications::{
    Certification, CertificationFields, CertificationFilter, LabInput, Revocation, WrittenInput,
};
use psops_core::education::courses::{Course, CourseFilter};
use psops_core::education::learners::{Learner, LearnerFields, LearnerFilter, LearnerOrg};
use psops_core::education::trainers::{CourseTrainer, CourseTrainerFilter, TrainerPath};
use psops_core::page::PageRequest;
use psops_core::people::{Function, Person, PersonFilter, PersonId};
use psops_core::store::{Created, Records as _, Store, WriteCtx};
use psops_core::{Id, Result};
use time::{Date, Duration};

use crate::DemoOrg;

fn made<T>(c: Created<T>) -> Result<T> {
    match c {
        Created::New(v) => Ok(v),
        Created::Replayed(_) => Err(psops_core::Error::internal(
            "a create without an idempotency key was replayed",
        )),
    }
}

/// Learners whose attempts the demo records per 60 people (as its training grows): enough
/// for every story and the figures.
const LEARNERS: usize = 48;

/// The course's certification, made when it has none yet.
pub async fn course_certification(store: &dyn Store, ctx: &WriteCtx, course: &Course) -> Result<Certification> {
    let filter = CertificationFilter {
        course_id: Some(course.id),
        ..Default::default()
    };
    if let Some(c) = store
        .list(&filter, PageRequest::default())
        .await?
        .items
        .into_iter()
        .next()
    {
        return Ok(c);
    }
    let slug: String = course
        .fields
        .name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let code = format!("{}-{}", slug.trim_matches('-'), course.id);
    let f = CertificationFields {
        code: code.chars().take(50).collect(),
        name: format!("{} Certified Associate", course.fields.name),
        course_id: Some(course.id),
        written_pass_mark: 70,
        lab_pass_mark: 75,
        max_attempts: None,
        retake_wait_days: None,
        validity_months: 24,
        description: Some(format!(
            "A written assessment on {} and a hands-on lab graded by a PS engineer.",
            course.fields.name
        )),
    };
    made(store.create(ctx, f).await?)
}

/// One of the company's PS engineers, who grade labs.
pub(crate) async fn grader(store: &dyn Store) -> Result<Option<PersonId>> {
    let f = PersonFilter {
        function: Some(Function::Engineer),
        ..Default::default()
    };
    let page = store.list(&f, PageRequest::default()).await?;
    Ok(page
        .items
        .into_iter()
        .find(|p| p.fields.partner_id.is_none())
        .map(|p| p.id))
}

/// The learner record of a person, made when they have none.
async fn learner_of(store: &dyn Store, ctx: &WriteCtx, person: &Person) -> Result<Learner> {
    let f = LearnerFilter {
        person_id: Some(person.id),
        ..Default::default()
    };
    if let Some(l) = store.list(&f, PageRequest::default()).await?.items.into_iter().next() {
        return Ok(l);
    }
    let partner = person.fields.partner_id;
    let f = LearnerFields {
        name: person.fields.name.clone(),
        email: Some(person.fields.email.clone()),
        organisation: if partner.is_some() {
            LearnerOrg::PartnerConsultant
        } else {
            LearnerOrg::Employee
        },
        person_id: Some(person.id),
        partner_id: partner,
        account_id: None,
        contact_id: None,
    };
    made(store.create(ctx, f).await?)
}

/// A learner passes a certification on `on`, written and lab the same day.
async fn pass(
    store: &dyn Store,
    ctx: &WriteCtx,
    cert: &Certification,
    learner: &Learner,
    grader: PersonId,
    on: Date,
) -> Result<psops_core::certifications::Certificate> {
    let w = WrittenInput {
        learner_id: learner.id,
        taken_on: on,
        score: 86,
    };
    let a = store.record_written(ctx, cert.id, w).await?;
    let lab = LabInput {
        grader_id: grader,
        taken_on: on,
        rubric_score: 88,
        passed: true,
        comments: Some("Clean pipeline, tests green, rollback shown.".into()),
    };
    let (_, issued) = store.record_lab(ctx, a.id, None, lab).await?;
    issued.ok_or_else(|| psops_core::Error::internal("a passed lab issues a certificate"))
}

/// Who answers the surveys of a trainer's deliveries: a customer account for the
/// company's own trainers, the company for a partner's.
fn outside(
    person: &Person,
    account: Option<&Account>,
) -> (Option<Id<Account>>, Option<psops_core::partners::PartnerId>) {
    match (person.fields.partner_id, account) {
        (Some(_), _) => (None, None),
        (None, Some(a)) => (Some(a.id), None),
        (None, None) => (None, None),
    }
}

fn scores(
    n: usize,
    values: &[i64],
    source: ScoreSource,
    who: (Option<Id<Account>>, Option<psops_core::partners::PartnerId>),
) -> Vec<RecordedScore> {
    (0..n)
        .map(|i| RecordedScore {
            score: values[i % values.len()],
            source,
            respondent_account_id: who.0,
            respondent_partner_id: who.1,
        })
        .collect()
}

/// How far along its path a demo trainer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The candidate record only.
    Opened,
    /// Resources reviewed, shadowed, train-the-trainer attended.
    Preparing,
    /// Certification passed and dry run done; the observed delivery averaged below 4.
    Delivering,
    /// Everything but a full delivery whose surveys average 4 once the trainer's own
    /// organisation's answers are left out.
    OwnSurveysOnly,
    /// Every item done, not yet certified.
    Complete,
    /// Every item done: certified.
    Certified,
}

/// The usual path of a person: the channel-partner path for a partner's consultant, the
/// staff path for the company's people.
pub fn usual_path(person: &Person) -> TrainerPath {
    if person.fields.partner_id.is_some() {
        TrainerPath::ChannelPartner
    } else {
        TrainerPath::Staff
    }
}

/// The `path` of `person` for `course` at `stage`, started 75 days before `on`. A
/// certified stage certifies them, returning the course trainer record.
#[allow(clippy::too_many_arguments)]
pub async fn trainer_at(
    store: &dyn Store,
    ctx: &WriteCtx,
    person: &Person,
    course: &Course,
    (path, stage): (TrainerPath, Stage),
    on: Date,
    grader: PersonId,
    account: Option<&Account>,
) -> Result<Option<CourseTrainer>> {
    let started = on - Duration::days(75);
    let channel = path == TrainerPath::ChannelPartner;
    let existing = CandidacyFilter {
        person_id: Some(person.id),
        course_id: Some(course.id),
        ..Default::default()
    };
    if !store.list(&existing, PageRequest::default()).await?.items.is_empty() {
        return Ok(None);
    }
    // A certified trainer of the course to shadow, if the course has one.
    let trainers = CourseTrainerFilter {
        course_id: Some(course.id),
        current_on: Some(started + Duration::days(10)),
        ..Default::default()
    };
    let shadow = store
        .list(&trainers, PageRequest::default())
        .await?
        .items
        .into_iter()
        .map(|t| t.fields.person_id)
        .find(|p| *p != person.id);
    let mut f = CandidacyFields {
        person_id: person.id,
        course_id: course.id,
        path,
        started_on: started,
        resources_reviewed_on: None,
        shadowed_trainer_id: None,
        shadowed_on: None,
        ttt_session_on: None,
        dry_run_on: None,
        dry_run_minutes: None,
        training_experience_months: None,
        educator_certificate: None,
        vendor_trainer_credential: None,
        deliveries: Vec::new(),
        notes: Some(format!("Candidate to teach {}.", course.fields.name)),
    };
    let cert = course_certification(store, ctx, course).await?;
    let them = outside(person, account);
    if stage != Stage::Opened {
        if channel {
            f.training_experience_months = Some(30);
            f.vendor_trainer_credential = Some("Authorized instructor of another DevOps vendor".into());
        } else {
            f.resources_reviewed_on = Some(started + Duration::days(3));
            if let Some(p) = shadow {
                f.shadowed_trainer_id = Some(p);
                f.shadowed_on = Some(started + Duration::days(10));
            }
            f.ttt_session_on = Some(started + Duration::days(14));
        }
    }
    let done = matches!(stage, Stage::Complete | Stage::Certified);
    if matches!(stage, Stage::Delivering | Stage::OwnSurveysOnly) || done {
        let learner = learner_of(store, ctx, person).await?;
        pass(store, ctx, &cert, &learner, grader, started + Duration::days(20)).await?;
        if !channel {
            f.dry_run_on = Some(started + Duration::days(24));
            f.dry_run_minutes = Some(65);
        }
        let observed = if stage == Stage::Delivering {
            [3, 4, 3]
        } else {
            [4, 5, 4]
        };
        if !channel {
            f.deliveries.push(Delivery {
                kind: DeliveryKind::ObservedSubset,
                delivered_on: started + Duration::days(30),
                evidence: Some("Modules 2 and 3, observed by a certified trainer".into()),
                scores: scores(3, &observed, ScoreSource::Observer, (None, None)),
            });
        }
    }
    if stage == Stage::OwnSurveysOnly || done {
        let own = (None, person.fields.partner_id);
        let full = |day: i64, good: bool| Delivery {
            kind: DeliveryKind::Full,
            delivered_on: started + Duration::days(day),
            evidence: Some("Roster and survey export attached to the class".into()),
            scores: if good {
                scores(8, &[5, 4, 4, 5], ScoreSource::Survey, them)
            } else {
                // Glowing answers from the trainer's own colleagues, lukewarm from customers:
                // only the customers' count.
                let mut s = scores(5, &[5], ScoreSource::Survey, own);
                s.extend(scores(6, &[3, 4, 3], ScoreSource::Survey, them));
                s
            },
        };
        let good = done;
        f.deliveries.push(full(45, good));
        if channel {
            f.deliveries.push(full(60, good));
        }
    }
    let candidacy: TrainerCandidacy = made(store.create(ctx, f).await?)?;
    if stage == Stage::Certified {
        return Ok(Some(store.certify_trainer(ctx, candidacy.id, on).await?));
    }
    Ok(None)
}

/// A customer account to answer surveys of the company's own trainers: the first there
/// is, or one made for it.
async fn customer(store: &dyn Store, ctx: &WriteCtx) -> Result<Account> {
    let accounts = store.list(&AccountFilter::default(), PageRequest::default()).await?;
    if let Some(a) = accounts.items.into_iter().next() {
        return Ok(a);
    }
    let f = psops_core::accounts::AccountFields {
        name: "Training customer".into(),
        code: None,
        region: None,
        industry: None,
        currency: None,
    };
    made(store.create(ctx, f).await?)
}

/// Completes `person`'s `path` for `course` as of `on` — every item done, the course's
/// certification passed (graded by `grader`) — without certifying them: what a course
/// trainer record made directly (an import, a test) needs first. Nothing is done when
/// the person has a path for the course already.
pub async fn complete_path(
    store: &dyn Store,
    ctx: &WriteCtx,
    (person, path): (PersonId, TrainerPath),
    course: &Course,
    on: Date,
    grader: PersonId,
) -> Result<()> {
    let p: Person = store.get(person).await?;
    let account = customer(store, ctx).await?;
    trainer_at(
        store,
        ctx,
        &p,
        course,
        (path, Stage::Complete),
        on,
        grader,
        Some(&account),
    )
    .await?;
    Ok(())
}

/// Certifies `person` for `course` on `on` through a complete path (the only way a
/// course trainer record is made), graded by `grader`.
pub async fn certify_trainer(
    store: &dyn Store,
    ctx: &WriteCtx,
    person: PersonId,
    course: &Course,
    on: Date,
    grader: PersonId,
) -> Result<CourseTrainer> {
    let p: Person = store.get(person).await?;
    let account = customer(store, ctx).await?;
    let stage = (usual_path(&p), Stage::Certified);
    trainer_at(store, ctx, &p, course, stage, on, grader, Some(&account))
        .await?
        .ok_or_else(|| psops_core::Error::internal("the person already has a path for the course"))
}

/// Certifications, attempts and certificates for the demo's learners, and trainers at
/// every stage of their path.
pub async fn add(store: &dyn Store, ctx: &WriteCtx, org: &DemoOrg) -> Result<()> {
    let today = org.spec().end;
    let courses = store.every(&CourseFilter::default()).await?;
    let Some(grader) = grader(store).await? else {
        return Ok(());
    };
    let mut certs = Vec::new();
    for course in courses.iter().take(6) {
        certs.push(course_certification(store, ctx, course).await?);
    }
    if certs.is_empty() {
        certs = standalone(store, ctx).await?;
    }
    // Trainers first: their own attempts are part of their paths.
    trainers(store, ctx, &courses, grader, today).await?;
    let wanted = LEARNERS * crate::education::scale(org.spec().people);
    learners(store, ctx, &certs, grader, today, wanted).await
}

/// The handbook's technical certifications, for an organisation without courses yet.
async fn standalone(store: &dyn Store, ctx: &WriteCtx) -> Result<Vec<Certification>> {
    let mut out = Vec::new();
    for (code, name, months) in [
        ("git-associate", "GitLab Certified Git Associate", 24),
        ("cicd-specialist", "GitLab Certified CI/CD Specialist", 24),
        ("security-specialist", "GitLab Certified Security Specialist", 12),
    ] {
        let f = CertificationFields {
            code: code.into(),
            name: name.into(),
            course_id: None,
            written_pass_mark: 70,
            lab_pass_mark: 75,
            max_attempts: None,
            retake_wait_days: None,
            validity_months: months,
            description: None,
        };
        out.push(made(store.create(ctx, f).await?)?);
    }
    Ok(out)
}

/// A year of attempts: the i-th learner's story is the i-th of these, in turn.
async fn learners(
    store: &dyn Store,
    ctx: &WriteCtx,
    certs: &[Certification],
    grader: PersonId,
    today: Date,
    wanted: usize,
) -> Result<()> {
    let page = PageRequest {
        after: None,
        limit: LEARNERS as u32,
    };
    let mut learners = store.every(&LearnerFilter::default()).await?;
    learners.truncate(wanted);
    if learners.is_empty() {
        // No classes have enrolled anyone yet: the organisation's own people and partner
        // consultants sit the certifications.
        let people = store.list(&PersonFilter::default(), page).await?.items;
        for person in people.iter().filter(|p| p.id != grader) {
            learners.push(learner_of(store, ctx, person).await?);
        }
    }
    for (i, learner) in learners.iter().enumerate() {
        let cert = &certs[i % certs.len()];
        // A grader does not grade their own lab; a trainer candidate's own attempt is
        // part of their path already.
        let tried = AttemptFilter {
            learner_id: Some(learner.id),
            certification_id: Some(cert.id),
            ..Default::default()
        };
        if learner.fields.person_id == Some(grader)
            || !store.list(&tried, PageRequest::default()).await?.items.is_empty()
        {
            continue;
        }
        let day = |back: i64| today - Duration::days(back);
        let written = |on: Date, score: i64| WrittenInput {
            learner_id: learner.id,
            taken_on: on,
            score,
        };
        let lab = |on: Date, score: i64, passed: bool| LabInput {
            grader_id: grader,
            taken_on: on,
            rubric_score: score,
            passed,
            comments: (!passed).then(|| "Rollback step missing; the pipeline was not cached.".into()),
        };
        match i % 8 {
            // Passed nearly two years ago: expires within the next 90 days.
            0 => {
                let lapse = psops_core::certifications::add_months(today, -cert.fields.validity_months);
                pass(
                    store,
                    ctx,
                    cert,
                    learner,
                    grader,
                    lapse + Duration::days(5 + i as i64 % 60),
                )
                .await?;
            }
            // Passed this year at the first attempt.
            1 => {
                pass(store, ctx, cert, learner, grader, day(40 + i as i64)).await?;
            }
            // Failed the written assessment, retook it after the wait and passed.
            2 => {
                store.record_written(ctx, cert.id, written(day(120), 58)).await?;
                pass(store, ctx, cert, learner, grader, day(90)).await?;
            }
            // Passed the written assessment, failed the lab: a retake is due.
            3 => {
                let a = store.record_written(ctx, cert.id, written(day(20), 81)).await?;
                store.record_lab(ctx, a.id, None, lab(day(18), 61, false)).await?;
            }
            // Passed the written assessment; the lab awaits its grade.
            4 => {
                store.record_written(ctx, cert.id, written(day(3), 77)).await?;
            }
            // Out of attempts: three failed written assessments, two weeks apart or more.
            5 => {
                for back in [200, 150, 100] {
                    store.record_written(ctx, cert.id, written(day(back), 52)).await?;
                }
            }
            // Passed, then revoked.
            6 => {
                let c = pass(store, ctx, cert, learner, grader, day(300)).await?;
                let why = Revocation {
                    reason: "Assessment taken with outside help".into(),
                };
                store.revoke_certificate(ctx, c.id, None, why, day(100)).await?;
            }
            // Passed longer ago than the certificate lasts: expired.
            _ => {
                let lapse = psops_core::certifications::add_months(today, -cert.fields.validity_months);
                pass(store, ctx, cert, learner, grader, lapse - Duration::days(60)).await?;
            }
        }
    }
    Ok(())
}

/// Trainers at every stage: the company's trainers on the staff path, partner
/// consultants on the channel-partner path, each stage in turn, for the first course.
pub async fn trainers(
    store: &dyn Store,
    ctx: &WriteCtx,
    courses: &[Course],
    grader: PersonId,
    today: Date,
) -> Result<()> {
    let Some(course) = courses.first() else {
        return Ok(());
    };
    let accounts = store.list(&AccountFilter::default(), PageRequest::default()).await?;
    let account = accounts.items.first();
    let staff = store
        .list(
            &PersonFilter {
                function: Some(Function::Trainer),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await?
        .items;
    let partners = store
        .list(
            &PersonFilter {
                function: Some(Function::PartnerConsultant),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await?
        .items;
    // The first certified trainer comes first, so later staff candidates shadow them.
    let stages = [
        Stage::Certified,
        Stage::Opened,
        Stage::Preparing,
        Stage::Delivering,
        Stage::OwnSurveysOnly,
        Stage::Complete,
    ];
    // Trainers the classes already certified for the course are left as they are, so
    // each stage goes to someone.
    let certified: Vec<PersonId> = store
        .every(&CourseTrainerFilter {
            course_id: Some(course.id),
            ..Default::default()
        })
        .await?
        .into_iter()
        .map(|t| t.fields.person_id)
        .collect();
    let staff: Vec<&Person> = staff
        .iter()
        .filter(|p| p.id != grader && !certified.contains(&p.id))
        .collect();
    let partners: Vec<&Person> = partners.iter().filter(|p| !certified.contains(&p.id)).collect();
    for (person, stage) in staff.into_iter().zip(stages) {
        let at = (usual_path(person), stage);
        trainer_at(store, ctx, person, course, at, today, grader, account).await?;
    }
    let channel = [Stage::Certified, Stage::Preparing, Stage::OwnSurveysOnly];
    for (person, stage) in partners.into_iter().zip(channel) {
        let at = (usual_path(person), stage);
        trainer_at(store, ctx, person, course, at, today, grader, account).await?;
    }
    Ok(())
}
