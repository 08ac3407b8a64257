//! The demo's closure and CSAT: every closed and completed customer project (the most
//! recent few hundred at large sizes) had its CSAT survey sent to a contact of its
//! account a few days before its closure meeting, through the real store calls — so the
//! links are hashed, the messages sit in the outbox and the answers are audited as the
//! customers. About seven in ten answered, about 85 % of them satisfied (4 or 5), with
//! the comments customers write. Completed projects have their whole closure checklist;
//! closed ones are part way through it (the meeting held, the sign-off or the
//! retrospective still to record, no closeout report yet).

use std::collections::HashMap;

use time::{Date, Duration, OffsetDateTime, Time};

use psops_core::delivery::closure::{ClosurePatch, SignoffHow};
use psops_core::delivery::surveys::{SurveyAnswer, SurveyRequest};
use psops_core::people::{Function, PersonId};
use psops_core::projects::ProjectStatus;
use psops_core::store::{Store, WriteCtx};
use psops_core::{Id, Result};

use crate::DemoOrg;
use crate::rng::Rng;

/// Every survey is a few transactions; this many keeps a 5,000-person demo within a
/// second or two of its time without them.
const MAX_CLOSING: usize = 300;

/// Where the demo's links point: `psops serve`'s default address.
const BASE: &str = "http://127.0.0.1:8080";

const SATISFIED: &[&str] = &[
    "The team knew the product inside out and the migration went without a hitch.",
    "Clear weekly status and no surprises. Would work with them again.",
    "Great knowledge transfer: our admins run the instance on their own now.",
    "Delivered on time; the runbook alone was worth it.",
    "Very responsive, even when our own side slipped.",
];
const NEUTRAL: &[&str] = &[
    "Good engineers, but the schedule slipped twice.",
    "Fine overall; documentation came late.",
    "We expected more help with our CI pipelines.",
];
const UNHAPPY: &[&str] = &[
    "Too many consultant changes; we had to explain our setup again each time.",
    "The cut-over overran by a week and nobody warned us early.",
];

/// What one closing project's story is, decided up front from the seed.
struct Closing {
    project: i64,
    contact: i64,
    status: ProjectStatus,
    sent: OffsetDateTime,
    /// Days after sending the closure meeting was held (the survey goes out before it).
    meeting_after: i64,
    /// The answer and the days after sending it came, if it came.
    answer: Option<(i64, &'static str, i64)>,
    rdm: Option<PersonId>,
    lessons: &'static str,
}

const LESSONS: &[&str] = &[
    "Scope the data volume before the estimate: repository sizes drove the cut-over.",
    "Book the customer's change board early; approvals took two weeks.",
    "Pair with the customer's admins from week one so handover is a formality.",
    "Agree the acceptance criteria of each milestone at kick-off.",
];

fn plan(org: &DemoOrg) -> Vec<Closing> {
    let records = org.records();
    let today = org.spec().end;
    let mut rng = Rng::derive(org.spec().seed, 0x0C5A_7000);
    let mut contacts: HashMap<i64, i64> = HashMap::new();
    for c in &records.contacts {
        if c.fields.fields.email.is_some() {
            contacts.entry(c.fields.account_id.get()).or_insert(c.id);
        }
    }
    let staff = |f: Option<Function>| -> Vec<PersonId> {
        records
            .people
            .iter()
            .filter(|p| p.fields.partner_id.is_none() && f.is_none_or(|f| p.fields.function == f))
            .map(|p| Id::new(p.id))
            .collect()
    };
    // A small organisation without a regional manager has its closeouts written by
    // whoever leads delivery there.
    let mut rdms = staff(Some(Function::RegionalDeliveryManager));
    if rdms.is_empty() {
        rdms = staff(None);
    }
    let mut closing: Vec<(Date, i64, i64, ProjectStatus)> = records
        .projects
        .iter()
        .filter(|p| matches!(p.fields.status, ProjectStatus::Completed | ProjectStatus::Closed))
        .filter_map(|p| {
            let account = p.fields.account_id?.get();
            let contact = *contacts.get(&account)?;
            let end = p.fields.end_date.unwrap_or(today).min(today);
            Some((end, p.id, contact, p.fields.status))
        })
        .collect();
    // The most recent first, so a capped demo shows this quarter and last.
    closing.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    closing.truncate(MAX_CLOSING);
    closing
        .into_iter()
        .map(|(end, project, contact, status)| {
            let sent_on = end - Duration::days(rng.between(4, 12));
            let sent = sent_on
                .with_time(Time::from_hms(15, 0, 0).unwrap_or(Time::MIDNIGHT))
                .assume_utc();
            let answer = rng.chance(70).then(|| {
                let roll = rng.below(100);
                let (score, pool) = if roll < 85 {
                    (if rng.chance(60) { 5 } else { 4 }, SATISFIED)
                } else if roll < 95 {
                    (3, NEUTRAL)
                } else {
                    (if rng.chance(50) { 2 } else { 1 }, UNHAPPY)
                };
                // An answer cannot come after today.
                let days = rng.between(0, 6).min((today - sent_on).whole_days().max(0));
                (score, *rng.pick(pool), days)
            });
            Closing {
                project,
                contact,
                status,
                sent,
                meeting_after: rng.between(1, 3),
                answer,
                rdm: (!rdms.is_empty()).then(|| *rng.pick(&rdms)),
                lessons: LESSONS[rng.below(LESSONS.len() as u64) as usize],
            }
        })
        .collect()
}

/// Sends, answers and closes out each closing project.
pub(crate) async fn add(store: &dyn Store, ctx: &WriteCtx, org: &DemoOrg) -> Result<()> {
    for c in plan(org) {
        let sent = store
            .send_survey(
                ctx,
                SurveyRequest {
                    project_id: Id::new(c.project),
                    contact_id: Id::new(c.contact),
                },
                BASE,
                c.sent,
            )
            .await?;
        if let Some((score, comment, days)) = c.answer {
            let answer = SurveyAnswer {
                score,
                comment: Some(comment.to_string()),
            };
            let at = c.sent + Duration::days(days) + Duration::hours(2);
            store.answer_survey(&sent.token, answer, None, at).await?;
        }
        let meeting = c.sent.date() + Duration::days(c.meeting_after);
        let complete = c.status == ProjectStatus::Completed;
        let signoff = if complete || c.meeting_after > 1 {
            (
                Some(Some(SignoffHow::RepliedAccepted)),
                Some(Some("the customer's sponsor".to_string())),
                Some(Some(meeting - Duration::days(1))),
            )
        } else {
            (None, None, None)
        };
        let patch = ClosurePatch {
            meeting_on: Some(Some(meeting)),
            signoff_how: signoff.0,
            signoff_by: signoff.1,
            signoff_on: signoff.2,
            retro_on: Some(Some(meeting + Duration::days(2))),
            retro_notes: complete.then(|| Some("What went well, what to change: see the lessons learned.".to_string())),
            deliverables: complete
                .then(|| Some("Delivered as the SOW describes; runbook and handover notes".to_string())),
            lessons_learned: complete.then(|| Some(c.lessons.to_string())),
            closeout_by: if complete { c.rdm.map(Some) } else { None },
            closeout_on: complete.then(|| Some(meeting + Duration::days(5))),
        };
        store.update_closure(ctx, Id::new(c.project), None, patch).await?;
    }
    Ok(())
}
