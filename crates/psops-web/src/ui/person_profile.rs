//! The person page's skills, certifications and — for a partner consultant — vetting:
//! the state, what is missing and the company's reviews, shown to whoever may read them,
//! with links to add to them for whoever may keep them.

use psops_core::code::Code;
use psops_core::partnering::vetting::VettingReviewFilter;
use psops_core::people::Person;
use psops_core::policy::{Action, Subject};
use psops_core::skills::{PersonCertificationFilter, PersonSkillFilter};
use psops_core::store::Records as _;
use serde::Serialize;
use time::OffsetDateTime;

use super::filters::{day, label, person_names};
use super::render::UiError;
use crate::AppState;
use crate::authorize::allow;
use crate::authorize::partnering::{profile_of, vetting_of};

#[derive(Serialize)]
pub struct Profile {
    skills: Vec<(String, i64, Option<String>)>,
    certifications: Vec<(String, String, String, String, Option<String>)>,
    vetting: Option<Vetting>,
    add: Vec<(String, &'static str)>,
}

#[derive(Serialize)]
struct Vetting {
    state: &'static str,
    state_label: String,
    missing: Vec<String>,
    reviews: Vec<(String, String, String, String, Option<String>)>,
}

/// The person's profile, when the subject may read it.
pub async fn profile(st: &AppState, s: &Subject, person: &Person) -> Result<Option<Profile>, UiError> {
    let guard = profile_of(st, person.id).await?;
    if allow(st, s, Action::Read, &guard).await.is_err() {
        return Ok(None);
    }
    let keeps = allow(st, s, Action::Update, &guard).await.is_ok();
    let edit = |path: &str, id: i64| keeps.then(|| format!("/{path}/{id}/edit"));
    let skills = st
        .store
        .every(&PersonSkillFilter {
            person_id: person.id,
            archived: Some(false),
        })
        .await?
        .into_iter()
        .map(|k| (k.fields.skill, k.fields.level, edit("person-skills", k.id.get())))
        .collect();
    let certifications = st
        .store
        .every(&PersonCertificationFilter {
            person_id: person.id,
            archived: Some(false),
        })
        .await?
        .into_iter()
        .map(|c| {
            let f = c.fields;
            (
                f.code,
                f.name,
                day(Some(f.issued_on)),
                day(f.expires_on),
                edit("person-certifications", c.id.get()),
            )
        })
        .collect();
    let mut add = Vec::new();
    let link = |path: &str| format!("/{path}/new?person={}", person.id);
    if keeps {
        add.push((link("person-skills"), "Add a skill"));
        add.push((link("person-certifications"), "Add a certification"));
    }
    let mut vetting = None;
    let vetting_guard = vetting_of(st, person.id).await?;
    if person.fields.partner_id.is_some() && allow(st, s, Action::Read, &vetting_guard).await.is_ok() {
        let keeps_vetting = allow(st, s, Action::Update, &vetting_guard).await.is_ok();
        if keeps_vetting {
            add.push((link("vetting-reviews"), "Record a review"));
        }
        let today = OffsetDateTime::now_utc().date();
        let v = st.store.vetting(person.id, today).await?;
        let reviews = st
            .store
            .every(&VettingReviewFilter {
                person_id: person.id,
                archived: Some(false),
            })
            .await?;
        let names = person_names(st, reviews.iter().map(|r| r.fields.reviewer_id).collect()).await?;
        vetting = Some(Vetting {
            state: v.state.code(),
            state_label: label(v.state.code()),
            missing: v.missing.into_iter().map(|g| g.text).collect(),
            reviews: reviews
                .into_iter()
                .map(|r| {
                    let f = r.fields;
                    (
                        label(f.step.code()),
                        day(Some(f.held_on)),
                        names.get(&f.reviewer_id.get()).cloned().unwrap_or_default(),
                        label(f.outcome.code()),
                        keeps_vetting.then(|| format!("/vetting-reviews/{}/edit", r.id)),
                    )
                })
                .collect(),
        });
    }
    Ok(Some(Profile {
        skills,
        certifications,
        vetting,
        add,
    }))
}
