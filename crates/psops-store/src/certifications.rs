//! Technical certifications in SQL: the definitions as a plain record kind, attempts and
//! certificates as kinds written only by the assessment actions (their `check` states
//! the rules again against what is stored, so a generic create cannot skip them), the
//! public look-up by number and the figures. The rules are
//! `psops_core::certifications`'.

use async_trait::async_trait;
use psops_core::certifications::attempts::{
    AttemptFilter, AttemptSort, Grader, History, check_lab, next_attempt, written,
};
use psops_core::certifications::certificates::{
    CertificateFilter, CertificateSort, PublicCertificate, issue, new_number, normalise, revoke,
};
use psops_core::certifications::reports::{Expiring, Figures, LearnerScope};
use psops_core::certifications::{
    AttemptFields, AttemptStatus, Certificate, CertificateFields, CertificateId, Certification, CertificationAttempt,
    CertificationAttemptId, CertificationFields, CertificationFilter, CertificationId, CertificationSort,
    CertificationStore, LabInput, Revocation, WrittenInput,
};
use psops_core::code::Code;
use psops_core::education::learners::LearnerId;
use psops_core::people::Function;
use psops_core::rule::Rule;
use psops_core::skills::{NewPersonCertification, PersonCertification, PersonCertificationFields};
use psops_core::store::{IfVersion, WriteCtx};
use psops_core::{Error, Id, Result};
use time::Date;

use crate::Db;
use crate::common::{check_version, ensure_exists, eq, meta, search};
use crate::db::{Row, Sql, Tx, Value, sql};
use crate::record::{Order, Stored, create_in, persist, table};

#[async_trait]
impl Stored for Certification {
    const TABLE: &'static str = "certifications";
    const COLUMNS: &'static [&'static str] = &[
        "code",
        "name",
        "course_id",
        "written_pass_mark",
        "lab_pass_mark",
        "max_attempts",
        "retake_wait_days",
        "validity_months",
        "description",
    ];
    const UNIQUE: Option<(&'static str, &'static str)> = Some(("code", "another certification already has this code"));

    fn read(r: &Row) -> Result<Certification> {
        Ok(Certification {
            id: r.id("id")?,
            fields: CertificationFields {
                code: r.get("code")?,
                name: r.get("name")?,
                course_id: r.get::<Option<i64>>("course_id")?.map(Id::new),
                written_pass_mark: r.get("written_pass_mark")?,
                lab_pass_mark: r.get("lab_pass_mark")?,
                max_attempts: r.get("max_attempts")?,
                retake_wait_days: r.get("retake_wait_days")?,
                validity_months: r.get("validity_months")?,
                description: r.get("description")?,
            },
            meta: meta(r)?,
        })
    }

    fn values(f: &CertificationFields) -> Vec<Value> {
        vec![
            f.code.trim().to_lowercase().into(),
            f.name.trim().into(),
            f.course_id.into(),
            f.written_pass_mark.into(),
            f.lab_pass_mark.into(),
            f.max_attempts.into(),
            f.retake_wait_days.into(),
            f.validity_months.into(),
            f.description.clone().into(),
        ]
    }

    async fn check(tx: &mut Tx, f: &CertificationFields, _me: Option<Id<Self>>) -> Result<()> {
        ensure_exists(tx, "courses", f.course_id.map(|c| c.get()), "course_id", "course").await
    }

    fn filter(q: &mut Sql, f: &CertificationFilter) {
        search(q, &["code", "name"], f.q.as_deref());
        eq(q, "course_id", f.course_id);
    }

    fn order(key: CertificationSort) -> Order {
        match key {
            CertificationSort::Name => Order::By("LOWER(name)"),
            CertificationSort::Code => Order::By("LOWER(code)"),
            CertificationSort::ValidityMonths => Order::By("validity_months"),
        }
    }
}

/// Only the learners of a partner, when the list is cut to one.
fn partner_learners(q: &mut Sql, partner: Option<psops_core::partners::PartnerId>) {
    if let Some(p) = partner {
        q.push(" AND learner_id IN (SELECT id FROM learners WHERE partner_id = ")
            .push_bind(p)
            .push(")");
    }
}

#[async_trait]
impl Stored for CertificationAttempt {
    const TABLE: &'static str = "certification_attempts";
    const COLUMNS: &'static [&'static str] = &[
        "certification_id",
        "learner_id",
        "number",
        "status",
        "written_on",
        "written_score",
        "written_pass_mark",
        "lab_on",
        "lab_grader_id",
        "lab_score",
        "lab_pass_mark",
        "lab_comments",
    ];
    const LABEL: &'static str = "written_on";
    const TIES: Option<&'static str> = None;

    fn read(r: &Row) -> Result<CertificationAttempt> {
        Ok(CertificationAttempt {
            id: r.id("id")?,
            fields: AttemptFields {
                certification_id: r.id("certification_id")?,
                learner_id: r.id("learner_id")?,
                number: r.get("number")?,
                status: r.code("status")?,
                written_on: r.get("written_on")?,
                written_score: r.get("written_score")?,
                written_pass_mark: r.get("written_pass_mark")?,
                lab_on: r.get("lab_on")?,
                lab_grader_id: r.get::<Option<i64>>("lab_grader_id")?.map(Id::new),
                lab_score: r.get("lab_score")?,
                lab_pass_mark: r.get("lab_pass_mark")?,
                lab_comments: r.get("lab_comments")?,
            },
            meta: meta(r)?,
        })
    }

    fn values(f: &AttemptFields) -> Vec<Value> {
        vec![
            f.certification_id.into(),
            f.learner_id.into(),
            f.number.into(),
            f.status.code().into(),
            f.written_on.into(),
            f.written_score.into(),
            f.written_pass_mark.into(),
            f.lab_on.into(),
            f.lab_grader_id.into(),
            f.lab_score.into(),
            f.lab_pass_mark.into(),
            f.lab_comments.clone().into(),
        ]
    }

    /// A new attempt is checked against the learner's history as stored: its number, the
    /// attempts allowed, the retake wait, an open attempt, a certificate held; the
    /// written pass mark is the certification's.
    async fn check(tx: &mut Tx, f: &AttemptFields, me: Option<Id<Self>>) -> Result<()> {
        let def = certification_in(tx, f.certification_id).await?;
        ensure_exists(tx, "learners", Some(f.learner_id.get()), "learner_id", "learner").await?;
        if me.is_some() {
            return Ok(());
        }
        if f.status != AttemptStatus::WrittenFailed && f.status != AttemptStatus::AwaitingLab {
            return Err(Error::invalid(
                "status",
                Rule::WrittenFirst,
                "an attempt starts with its written assessment alone",
            ));
        }
        let settings = crate::org::load(tx).await?;
        let history = history(tx, f.certification_id, f.learner_id, f.written_on).await?;
        let number = next_attempt(def.fields.terms(&settings.certifications), &history, f.written_on)?;
        if number != f.number || f.written_pass_mark != def.fields.written_pass_mark {
            return Err(Error::invalid(
                "number",
                Rule::InvalidValue,
                format!(
                    "the attempt is number {number} with the certification's pass mark of {}",
                    def.fields.written_pass_mark
                ),
            ));
        }
        Ok(())
    }

    fn filter(q: &mut Sql, f: &AttemptFilter) {
        eq(q, "certification_id", f.certification_id);
        eq(q, "learner_id", f.learner_id);
        eq(q, "status", f.status.map(|s| s.code()));
        partner_learners(q, f.partner_id);
    }

    fn order(key: AttemptSort) -> Order {
        match key {
            AttemptSort::WrittenOn => Order::By("written_on"),
            AttemptSort::Status => Order::By("status"),
            AttemptSort::Number => Order::By("number"),
        }
    }
}

#[async_trait]
impl Stored for Certificate {
    const TABLE: &'static str = "certificates";
    const COLUMNS: &'static [&'static str] = &[
        "number",
        "certification_id",
        "learner_id",
        "attempt_id",
        "issued_on",
        "expires_on",
        "revoked_on",
        "revoked_reason",
        "person_certification_id",
    ];
    const UNIQUE: Option<(&'static str, &'static str)> =
        Some(("number", "a certificate with this number or for this attempt exists"));
    const LABEL: &'static str = "number";
    const TIES: Option<&'static str> = None;

    fn read(r: &Row) -> Result<Certificate> {
        Ok(Certificate {
            id: r.id("id")?,
            fields: CertificateFields {
                number: r.get("number")?,
                certification_id: r.id("certification_id")?,
                learner_id: r.id("learner_id")?,
                attempt_id: r.id("attempt_id")?,
                issued_on: r.get("issued_on")?,
                expires_on: r.get("expires_on")?,
                revoked_on: r.get("revoked_on")?,
                revoked_reason: r.get("revoked_reason")?,
                person_certification_id: r.get::<Option<i64>>("person_certification_id")?.map(Id::new),
            },
            meta: meta(r)?,
        })
    }

    fn values(f: &CertificateFields) -> Vec<Value> {
        vec![
            f.number.clone().into(),
            f.certification_id.into(),
            f.learner_id.into(),
            f.attempt_id.into(),
            f.issued_on.into(),
            f.expires_on.into(),
            f.revoked_on.into(),
            f.revoked_reason.clone().into(),
            f.person_certification_id.into(),
        ]
    }

    /// A certificate is issued by its own passed attempt, with the certification's
    /// validity, and nothing else about it changes but its revocation.
    async fn check(tx: &mut Tx, f: &CertificateFields, me: Option<Id<Self>>) -> Result<()> {
        if me.is_some() {
            return Ok(());
        }
        let attempt = table::<CertificationAttempt>()
            .get(tx, f.attempt_id.get(), "")
            .await
            .map_err(|_| Error::invalid("attempt_id", Rule::Exists, "attempt_id refers to no attempt"))?;
        let def = certification_in(tx, f.certification_id).await?;
        let a = &attempt.fields;
        let issued_by_it = a.status == AttemptStatus::Passed
            && a.certification_id == f.certification_id
            && a.learner_id == f.learner_id
            && a.lab_on == Some(f.issued_on)
            && def.fields.expiry(f.issued_on) == f.expires_on
            && f.revoked_on.is_none();
        if !issued_by_it {
            return Err(Error::invalid(
                "attempt_id",
                Rule::InvalidValue,
                "a certificate is issued by a passed attempt on its lab's day, valid for the certification's months",
            ));
        }
        Ok(())
    }

    fn filter(q: &mut Sql, f: &CertificateFilter) {
        eq(q, "certification_id", f.certification_id);
        eq(q, "learner_id", f.learner_id);
        partner_learners(q, f.partner_id);
    }

    fn order(key: CertificateSort) -> Order {
        match key {
            CertificateSort::IssuedOn => Order::By("issued_on"),
            CertificateSort::ExpiresOn => Order::By("expires_on"),
            CertificateSort::Number => Order::By("number"),
        }
    }
}

async fn certification_in(tx: &mut Tx, id: CertificationId) -> Result<Certification> {
    table::<Certification>()
        .get(tx, id.get(), "")
        .await
        .map_err(|e| match e {
            Error::NotFound { .. } => Error::invalid(
                "certification_id",
                Rule::Exists,
                format!("certification_id {id} does not refer to an existing certification"),
            ),
            e => e,
        })
}

/// A learner's attempts at a certification, oldest first, and the certificate of it they
/// hold in force on `day`.
async fn history(tx: &mut Tx, cert: CertificationId, learner: LearnerId, day: Date) -> Result<History> {
    let t = table::<CertificationAttempt>();
    let mut q = t.select();
    q.push(" AND archived_at IS NULL AND certification_id = ")
        .push_bind(cert)
        .push(" AND learner_id = ")
        .push_bind(learner)
        // `number` restarts after a pass: the order is the day, then the id.
        .push(" ORDER BY written_on, id");
    let mut attempts = Vec::new();
    for r in tx.all(q).await? {
        attempts.push(CertificationAttempt::read(&r)?.fields);
    }
    let held = sql(
        "SELECT MAX(expires_on) AS until FROM certificates WHERE archived_at IS NULL AND revoked_on IS NULL \
         AND certification_id = $1 AND learner_id = $2 AND issued_on <= $3 AND expires_on >= $3",
    )
    .bind(cert)
    .bind(learner)
    .bind(day);
    let holds_until: Option<Date> = tx.one(held).await?.get("until")?;
    Ok(History { attempts, holds_until })
}

/// What grading reads about the grader and the learner.
async fn grader(tx: &mut Tx, grader: psops_core::people::PersonId, learner_person: Option<i64>) -> Result<Grader> {
    let q = sql("SELECT function, partner_id FROM people WHERE id = $1").bind(grader);
    let Some(r) = tx.optional(q).await? else {
        return Err(Error::invalid(
            "grader_id",
            Rule::Exists,
            format!("grader_id {grader} does not refer to an existing person"),
        ));
    };
    Ok(Grader {
        function: r.code::<Function>("function")?,
        internal: r.get::<Option<i64>>("partner_id")?.is_none(),
        is_learner: learner_person == Some(grader.get()),
    })
}

/// The learner's name and person record.
async fn learner_facts(tx: &mut Tx, learner: LearnerId) -> Result<(String, Option<i64>)> {
    let r = tx
        .one(sql("SELECT name, person_id FROM learners WHERE id = $1").bind(learner))
        .await?;
    Ok((r.get("name")?, r.get("person_id")?))
}

/// Issues the certificate of a passed attempt and, for a learner who is one of the
/// organisation's people, the person certification vetting and staffing read: the
/// certificate stays the record, the person certification its copy under the same code
/// and dates, archived when the certificate is revoked.
async fn issue_certificate(
    tx: &mut Tx,
    ctx: &WriteCtx,
    def: &Certification,
    attempt: &CertificationAttempt,
    person: Option<i64>,
) -> Result<Certificate> {
    let issued_on = attempt.fields.lab_on.unwrap_or(attempt.fields.written_on);
    let mut fields = issue(new_number()?, attempt.id, &attempt.fields, def.fields.expiry(issued_on))?;
    if let Some(person) = person {
        let copy = NewPersonCertification {
            person_id: Id::new(person),
            fields: PersonCertificationFields {
                code: def.fields.code.clone(),
                name: def.fields.name.clone(),
                issued_on: fields.issued_on,
                expires_on: Some(fields.expires_on),
            },
        };
        let made = create_in::<PersonCertification>(tx, ctx, &copy).await?;
        fields.person_certification_id = Some(made.id);
    }
    create_in::<Certificate>(tx, ctx, &fields).await
}

#[async_trait]
impl CertificationStore for Db {
    async fn record_written(
        &self,
        ctx: &WriteCtx,
        certification: CertificationId,
        input: WrittenInput,
    ) -> Result<CertificationAttempt> {
        let mut c = psops_core::validate::Checks::new();
        c.check(
            (0..=100).contains(&input.score),
            "score",
            Rule::Range,
            "score must be a score from 0 to 100",
        );
        c.into_result()?;
        let mut tx = self.pools.begin().await?;
        let def = table::<Certification>().get(&mut tx, certification.get(), "").await?;
        ensure_exists(
            &mut tx,
            "learners",
            Some(input.learner_id.get()),
            "learner_id",
            "learner",
        )
        .await?;
        // Two assessments of one learner recorded at once must not both be attempt n:
        // the learner's row is the lock.
        let lock = tx.for_update();
        tx.all(sql(format!("SELECT id FROM learners WHERE id = $1{lock}")).bind(input.learner_id))
            .await?;
        let settings = crate::org::load(&mut tx).await?;
        let past = history(&mut tx, certification, input.learner_id, input.taken_on).await?;
        let number = next_attempt(def.fields.terms(&settings.certifications), &past, input.taken_on)?;
        let fields = written(certification, &input, number, def.fields.written_pass_mark);
        let made = create_in::<CertificationAttempt>(&mut tx, ctx, &fields).await?;
        tx.commit().await?;
        Ok(made)
    }

    async fn record_lab(
        &self,
        ctx: &WriteCtx,
        attempt: CertificationAttemptId,
        v: IfVersion,
        input: LabInput,
    ) -> Result<(CertificationAttempt, Option<Certificate>)> {
        let mut tx = self.pools.begin().await?;
        let lock = tx.for_update();
        let before = table::<CertificationAttempt>()
            .get(&mut tx, attempt.get(), lock)
            .await?;
        check_version(before.meta.version, v)?;
        if before.meta.is_archived() {
            return Err(Error::conflict("status", Rule::Archived, "the attempt is archived"));
        }
        let def = table::<Certification>()
            .get(&mut tx, before.fields.certification_id.get(), "")
            .await?;
        let (_, person) = learner_facts(&mut tx, before.fields.learner_id).await?;
        let who = grader(&mut tx, input.grader_id, person).await?;
        let fields = check_lab(&before.fields, &input, who, def.fields.lab_pass_mark)?;
        fields.validate()?;
        let after = persist(&mut tx, ctx, &before, Vec::new(), &fields).await?;
        let certificate = if after.fields.status == AttemptStatus::Passed {
            Some(issue_certificate(&mut tx, ctx, &def, &after, person).await?)
        } else {
            None
        };
        tx.commit().await?;
        Ok((after, certificate))
    }

    async fn revoke_certificate(
        &self,
        ctx: &WriteCtx,
        id: CertificateId,
        v: IfVersion,
        revocation: Revocation,
        today: Date,
    ) -> Result<Certificate> {
        let mut tx = self.pools.begin().await?;
        let lock = tx.for_update();
        let before = table::<Certificate>().get(&mut tx, id.get(), lock).await?;
        check_version(before.meta.version, v)?;
        let fields = revoke(&before.fields, &revocation.reason, today)?;
        let after = persist(&mut tx, ctx, &before, Vec::new(), &fields).await?;
        if let Some(copy) = before.fields.person_certification_id {
            table::<PersonCertification>()
                .archive_in(&mut tx, ctx, copy.get(), None, true)
                .await?;
        }
        tx.commit().await?;
        Ok(after)
    }

    async fn verify_certificate(&self, number: &str, today: Date) -> Result<Option<PublicCertificate>> {
        let Some(number) = normalise(number) else {
            return Ok(None);
        };
        let q = sql(
            "SELECT c.number, c.issued_on, c.expires_on, c.revoked_on, l.name AS holder, d.name AS certification \
             FROM certificates c JOIN learners l ON l.id = c.learner_id \
             JOIN certifications d ON d.id = c.certification_id \
             WHERE c.number = $1 AND c.archived_at IS NULL",
        )
        .bind(number.as_str());
        let Some(r) = self.pools.optional(q).await? else {
            return Ok(None);
        };
        let status = CertificateFields {
            number: number.clone(),
            certification_id: Id::new(0),
            learner_id: Id::new(0),
            attempt_id: Id::new(0),
            issued_on: r.get("issued_on")?,
            expires_on: r.get("expires_on")?,
            revoked_on: r.get("revoked_on")?,
            revoked_reason: None,
            person_certification_id: None,
        }
        .status_on(today);
        Ok(Some(PublicCertificate {
            number,
            holder: r.get("holder")?,
            certification: r.get("certification")?,
            status,
            expires_on: r.get("expires_on")?,
        }))
    }

    async fn certification_figures(&self, scope: &LearnerScope, today: Date) -> Result<Vec<Figures>> {
        let partner = match scope {
            LearnerScope::All => None,
            LearnerScope::Partner(p) => Some(*p),
        };
        let mut q = sql("SELECT d.id, d.code, d.name, COUNT(a.id) AS attempts, \
             COALESCE(SUM(CASE WHEN a.status <> 'written_failed' THEN 1 ELSE 0 END), 0) AS written_passed, \
             COALESCE(SUM(CASE WHEN a.status IN ('lab_failed', 'passed') THEN 1 ELSE 0 END), 0) AS labs_graded, \
             COALESCE(SUM(CASE WHEN a.status = 'passed' THEN 1 ELSE 0 END), 0) AS passed, \
             COALESCE(SUM(CASE WHEN a.status <> 'awaiting_lab' THEN 1 ELSE 0 END), 0) AS decided \
             FROM certifications d LEFT JOIN certification_attempts a \
             ON a.certification_id = d.id AND a.archived_at IS NULL");
        if let Some(p) = partner {
            q.push(" AND a.learner_id IN (SELECT id FROM learners WHERE partner_id = ")
                .push_bind(p)
                .push(")");
        }
        q.push(" WHERE d.archived_at IS NULL GROUP BY d.id, d.code, d.name ORDER BY LOWER(d.name), d.id");
        let rows = self.pools.all(q).await?;
        let mut active = sql(
            "SELECT certification_id, COUNT(*) AS n FROM certificates WHERE archived_at IS NULL \
             AND revoked_on IS NULL AND issued_on <= ",
        );
        active.push_bind(today).push(" AND expires_on >= ").push_bind(today);
        partner_learners(&mut active, partner);
        active.push(" GROUP BY certification_id");
        let mut counts = std::collections::HashMap::new();
        for r in self.pools.all(active).await? {
            counts.insert(r.get::<i64>("certification_id")?, r.get::<i64>("n")?);
        }
        rows.iter()
            .map(|r| {
                let id: i64 = r.get("id")?;
                Ok(Figures {
                    certification_id: Id::new(id),
                    code: r.get("code")?,
                    name: r.get("name")?,
                    attempts: r.get("attempts")?,
                    written_passed: r.get("written_passed")?,
                    labs_graded: r.get("labs_graded")?,
                    passed: r.get("passed")?,
                    decided: r.get("decided")?,
                    active_certificates: counts.get(&id).copied().unwrap_or(0),
                    pass_rate: None,
                    written_pass_rate: None,
                    lab_pass_rate: None,
                }
                .with_rates())
            })
            .collect()
    }

    async fn expiring_certificates(&self, from: Date, to: Date, scope: &LearnerScope) -> Result<Vec<Expiring>> {
        let mut q = sql(
            "SELECT c.id, c.number, c.learner_id, l.name AS holder, c.certification_id, d.name AS certification, \
             c.expires_on FROM certificates c JOIN learners l ON l.id = c.learner_id \
             JOIN certifications d ON d.id = c.certification_id \
             WHERE c.archived_at IS NULL AND c.revoked_on IS NULL AND c.expires_on >= ",
        );
        q.push_bind(from).push(" AND c.expires_on <= ").push_bind(to);
        if let LearnerScope::Partner(p) = scope {
            q.push(" AND l.partner_id = ").push_bind(*p);
        }
        q.push(" ORDER BY c.expires_on, c.id LIMIT ")
            .push(&psops_core::certifications::reports::MAX_EXPIRING.to_string());
        self.pools
            .all(q)
            .await?
            .iter()
            .map(|r| {
                Ok(Expiring {
                    certificate_id: r.id("id")?,
                    number: r.get("number")?,
                    learner_id: r.id("learner_id")?,
                    holder: r.get("holder")?,
                    certification_id: r.id("certification_id")?,
                    certification: r.get("certification")?,
                    expires_on: r.get("expires_on")?,
                })
            })
            .collect()
    }
}
