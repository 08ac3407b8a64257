//! The plain kinds of partnering: a partner's contacts, a person's skills and
//! certifications, and the company's vetting reviews of a consultant.

use async_trait::async_trait;
use psops_core::code::Code;
use psops_core::partnering::contacts::{NewPartnerContact, PartnerContact, PartnerContactFields, PartnerContactFilter};
use psops_core::partnering::vetting::{
    NewVettingReview, VettingReview, VettingReviewFields, VettingReviewFilter, VettingReviewId, VettingStep,
};
use psops_core::partners::Partner;
use psops_core::people::{Person, PersonId};
use psops_core::rule::Rule;
use psops_core::skills::{
    NewPersonCertification, NewPersonSkill, PersonCertification, PersonCertificationFields, PersonCertificationFilter,
    PersonSkill, PersonSkillFields, PersonSkillFilter,
};
use psops_core::sort::ByName;
use psops_core::{Error, Result};

use crate::common::{eq, meta};
use crate::db::{Row, Sql, Tx, Value, sql};
use crate::record::{Order, Stored, table};

#[async_trait]
impl Stored for PartnerContact {
    const TABLE: &'static str = "partner_contacts";
    const FIXED: &'static [&'static str] = &["partner_id"];
    const COLUMNS: &'static [&'static str] = &["name", "email", "phone", "role"];

    fn read(r: &Row) -> Result<PartnerContact> {
        Ok(PartnerContact {
            id: r.id("id")?,
            partner_id: r.id("partner_id")?,
            fields: PartnerContactFields {
                name: r.get("name")?,
                email: r.get("email")?,
                phone: r.get("phone")?,
                role: r.get("role")?,
            },
            meta: meta(r)?,
        })
    }

    fn values(f: &PartnerContactFields) -> Vec<Value> {
        vec![
            f.name.trim().into(),
            f.email.clone().into(),
            f.phone.clone().into(),
            f.role.clone().into(),
        ]
    }

    fn fixed(new: &NewPartnerContact) -> Vec<Value> {
        vec![new.partner_id.into()]
    }

    /// The partner comes from the path: a missing one is a 404.
    async fn check_new(tx: &mut Tx, new: &NewPartnerContact) -> Result<()> {
        table::<Partner>().get(tx, new.partner_id.get(), "").await.map(drop)
    }

    fn filter(q: &mut Sql, f: &PartnerContactFilter) {
        eq(q, "partner_id", Some(f.partner_id));
    }

    fn order(_key: ByName) -> Order {
        Order::By("LOWER(name)")
    }
}

/// The person a record is created under comes from the path: a missing one is a 404.
async fn person_exists(tx: &mut Tx, id: PersonId) -> Result<()> {
    table::<Person>().get(tx, id.get(), "").await.map(drop)
}

#[async_trait]
impl Stored for PersonSkill {
    const TABLE: &'static str = "person_skills";
    const FIXED: &'static [&'static str] = &["person_id"];
    const COLUMNS: &'static [&'static str] = &["skill", "level", "growth"];
    const LABEL: &'static str = "skill";
    const TIES: Option<&'static str> = Some("LOWER(skill)");
    const UNIQUE: Option<(&'static str, &'static str)> = Some(("skill", "the person already has this skill"));

    fn read(r: &Row) -> Result<PersonSkill> {
        Ok(PersonSkill {
            id: r.id("id")?,
            person_id: r.id("person_id")?,
            fields: PersonSkillFields {
                skill: r.get("skill")?,
                level: r.get("level")?,
                growth: r.get("growth")?,
            },
            meta: meta(r)?,
        })
    }

    fn values(f: &PersonSkillFields) -> Vec<Value> {
        vec![f.skill.trim().into(), f.level.into(), f.growth.into()]
    }

    fn fixed(new: &NewPersonSkill) -> Vec<Value> {
        vec![new.person_id.into()]
    }

    async fn check_new(tx: &mut Tx, new: &NewPersonSkill) -> Result<()> {
        person_exists(tx, new.person_id).await
    }

    fn filter(q: &mut Sql, f: &PersonSkillFilter) {
        eq(q, "person_id", Some(f.person_id));
    }

    fn order(_key: ByName) -> Order {
        Order::By("LOWER(skill)")
    }
}

#[async_trait]
impl Stored for PersonCertification {
    const TABLE: &'static str = "person_certifications";
    const FIXED: &'static [&'static str] = &["person_id"];
    const COLUMNS: &'static [&'static str] = &["code", "name", "issued_on", "expires_on"];

    fn read(r: &Row) -> Result<PersonCertification> {
        Ok(PersonCertification {
            id: r.id("id")?,
            person_id: r.id("person_id")?,
            fields: PersonCertificationFields {
                code: r.get("code")?,
                name: r.get("name")?,
                issued_on: r.get("issued_on")?,
                expires_on: r.get("expires_on")?,
            },
            meta: meta(r)?,
        })
    }

    fn values(f: &PersonCertificationFields) -> Vec<Value> {
        vec![
            f.code.trim().to_lowercase().into(),
            f.name.trim().into(),
            f.issued_on.into(),
            f.expires_on.into(),
        ]
    }

    fn fixed(new: &NewPersonCertification) -> Vec<Value> {
        vec![new.person_id.into()]
    }

    async fn check_new(tx: &mut Tx, new: &NewPersonCertification) -> Result<()> {
        person_exists(tx, new.person_id).await
    }

    fn filter(q: &mut Sql, f: &PersonCertificationFilter) {
        eq(q, "person_id", Some(f.person_id));
    }

    fn order(_key: ByName) -> Order {
        Order::By("LOWER(name)")
    }
}

#[async_trait]
impl Stored for VettingReview {
    const TABLE: &'static str = "vetting_reviews";
    const FIXED: &'static [&'static str] = &["person_id"];
    const COLUMNS: &'static [&'static str] = &["step", "reviewer_id", "held_on", "outcome", "notes"];
    const LABEL: &'static str = "step";
    const TIES: Option<&'static str> = None;

    fn read(r: &Row) -> Result<VettingReview> {
        Ok(VettingReview {
            id: r.id("id")?,
            person_id: r.id("person_id")?,
            fields: VettingReviewFields {
                step: r.code("step")?,
                reviewer_id: r.id("reviewer_id")?,
                held_on: r.get("held_on")?,
                outcome: r.code("outcome")?,
                notes: r.get("notes")?,
            },
            meta: meta(r)?,
        })
    }

    fn values(f: &VettingReviewFields) -> Vec<Value> {
        vec![
            f.step.code().into(),
            f.reviewer_id.into(),
            f.held_on.into(),
            f.outcome.code().into(),
            f.notes.clone().into(),
        ]
    }

    fn fixed(new: &NewVettingReview) -> Vec<Value> {
        vec![new.person_id.into()]
    }

    async fn check_new(tx: &mut Tx, new: &NewVettingReview) -> Result<()> {
        person_exists(tx, new.person_id).await?;
        check_reviewer(tx, new.person_id, &new.fields).await
    }

    /// A review's reviewer is one of the company's own people; an interviewer's
    /// function must interview the consultant's track (the settings).
    async fn check(tx: &mut Tx, f: &VettingReviewFields, me: Option<VettingReviewId>) -> Result<()> {
        let Some(me) = me else { return Ok(()) };
        let q = sql("SELECT person_id FROM vetting_reviews WHERE id = $1").bind(me.get());
        let consultant: PersonId = tx.one(q).await?.id("person_id")?;
        check_reviewer(tx, consultant, f).await
    }

    fn filter(q: &mut Sql, f: &VettingReviewFilter) {
        eq(q, "person_id", Some(f.person_id));
    }

    fn order(_key: ByName) -> Order {
        Order::By("held_on")
    }
}

async fn check_reviewer(tx: &mut Tx, consultant: PersonId, f: &VettingReviewFields) -> Result<()> {
    let reviewer = table::<Person>()
        .get(tx, f.reviewer_id.get(), "")
        .await
        .map_err(|e| crate::assignments::missing(e, "reviewer_id", "person"))?;
    if reviewer.fields.partner_id.is_some() {
        return Err(Error::invalid(
            "reviewer_id",
            Rule::Reviewer,
            "the reviewer must be one of the company's own people, not a partner's",
        ));
    }
    if reviewer.id == consultant {
        return Err(Error::invalid(
            "reviewer_id",
            Rule::Reviewer,
            "nobody reviews themselves",
        ));
    }
    if f.step == VettingStep::Interview {
        let person = table::<Person>().get(tx, consultant.get(), "").await?;
        let settings = crate::org::load(tx).await?.vetting;
        if let Some(track) = settings.track(person.fields.function)
            && !track.interviewer_functions.contains(&reviewer.fields.function)
        {
            let who: Vec<&str> = track.interviewer_functions.iter().map(|f| f.code()).collect();
            return Err(Error::invalid(
                "reviewer_id",
                Rule::Reviewer,
                format!(
                    "{} are interviewed by a {} of the company, not a {}",
                    track.name,
                    who.join(" or "),
                    reviewer.fields.function.code()
                ),
            ));
        }
    }
    Ok(())
}
