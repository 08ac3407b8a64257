//! The forms of technical certifications: a certification's definition and a trainer's
//! path with its evidence (plain records), and the inputs of the actions on a
//! certification's page — a written assessment, a lab to grade, a revocation — which
//! are the API's bodies field for field (a test holds them to the API's schema).

use axum::Router;
use psops_core::certifications::Certification;
use psops_core::certifications::trainer_paths::{DeliveryKind, ScoreSource, TrainerCandidacy};
use psops_core::code::Code;
use psops_core::education::trainers::TrainerPath;
use psops_core::policy::Subject;
use psops_core::record::Entity;
use serde_json::{Value, json};
use time::Date;
use time::format_description::well_known::Iso8601;

use super::inputs::{Input, Kind, Lines};
use super::kinds::{linked, today};
use super::{Editable, routes as add};
use crate::AppState;
use crate::extract::parse_json;
use crate::problem::ApiResult;
use crate::ui::filters::{Pairs, options};

pub fn routes(r: Router<AppState>) -> Router<AppState> {
    let r = add::<Certification>(r);
    add::<TrainerCandidacy>(r)
}

pub(super) const CERTIFICATION: &[Input] = &[
    Input::new("code", "Code", Kind::Text).hint("Short and unique, e.g. ci-cd-specialist."),
    Input::new("name", "Name", Kind::Text),
    Input::new("course_id", "Course", Kind::Ref(Entity::Course))
        .optional()
        .hint("The course it certifies; its trainers pass it on their path."),
    Input::new("written_pass_mark", "Written pass mark", Kind::Whole).hint("Out of 100."),
    Input::new("lab_pass_mark", "Lab pass mark", Kind::Whole).hint("The rubric score out of 100."),
    Input::new("max_attempts", "Attempts", Kind::Whole)
        .optional()
        .hint("Attempts a learner gets; the settings' when empty."),
    Input::new("retake_wait_days", "Retake wait (days)", Kind::Whole)
        .optional()
        .hint("Days after a failed assessment before the next attempt; the settings' when empty."),
    Input::new("validity_months", "Valid for (months)", Kind::Whole).hint("From the day the certificate is issued."),
    Input::new("description", "Description", Kind::Notes).optional(),
];

impl Editable for Certification {
    const NOUN: &'static str = "certification";
    const PATH: &'static str = "/certifications";
    const API: &'static str = "certifications";
    const INPUTS: &'static [Input] = CERTIFICATION;

    fn name(&self) -> String {
        self.fields.name.clone()
    }
    fn home(&self) -> String {
        format!("/certifications/{}", self.id)
    }
    fn new_from(raw: &[u8], _: &Pairs, _: &Subject) -> ApiResult<Self::New> {
        parse_json(raw)
    }
    fn starting(link: &Pairs) -> Vec<(&'static str, String)> {
        let mut v = vec![
            ("written_pass_mark", "70".to_string()),
            ("lab_pass_mark", "80".to_string()),
            ("validity_months", "24".to_string()),
        ];
        if let Some(c) = linked(link, "course") {
            v.push(("course_id", c.to_string()));
        }
        v
    }
}

/// A delivery on a trainer's path: `full 2026-03-05 survey:5@account:12 observer:4 |
/// evidence` — its kind, its day, each score as `source:score` with the respondent's
/// organisation after `@` (an account or a partner; none for the company's own), and
/// after a bar what shows it.
pub const DELIVERIES: Lines = Lines {
    example: "full 2026-03-05 survey:5@account:12 survey:4@partner:3 | https://recording",
    read: read_delivery,
    write: write_delivery,
};

fn read_delivery(line: &str) -> Result<Value, String> {
    let (head, evidence) = match line.split_once('|') {
        Some((head, evidence)) => (head, Some(evidence.trim()).filter(|e| !e.is_empty())),
        None => (line, None),
    };
    let mut words = head.split_whitespace();
    let kind = words.next().unwrap_or_default().to_lowercase().replace('-', "_");
    let kind = DeliveryKind::from_code(&kind)
        .map_err(|_| format!("'{kind}' is not a kind of delivery: observed_subset or full"))?;
    let day = words.next().ok_or("write the day it was delivered after its kind")?;
    Date::parse(day, &Iso8601::DATE).map_err(|_| format!("'{day}' is not a date such as 2026-03-05"))?;
    let scores = words.map(read_score).collect::<Result<Vec<_>, _>>()?;
    Ok(json!({"kind": kind.code(), "delivered_on": day, "scores": scores, "evidence": evidence}))
}

/// `survey:5`, `survey:4@account:12`, `observer:5@partner:3`.
fn read_score(word: &str) -> Result<Value, String> {
    let (score, org) = match word.split_once('@') {
        Some((score, org)) => (score, Some(org)),
        None => (word, None),
    };
    let (source, n) = score
        .split_once(':')
        .ok_or_else(|| format!("'{word}' is not a score such as survey:5"))?;
    let source =
        ScoreSource::from_code(source).map_err(|_| format!("'{source}' is not who scores: survey or observer"))?;
    let n: i64 = n.parse().map_err(|_| format!("'{n}' is not a score from 1 to 5"))?;
    let (mut account, mut partner) = (Value::Null, Value::Null);
    if let Some(org) = org {
        let parsed = org
            .split_once(':')
            .and_then(|(k, id)| Some((k, id.parse::<i64>().ok()?)));
        match parsed {
            Some(("account", id)) => account = Value::from(id),
            Some(("partner", id)) => partner = Value::from(id),
            _ => {
                return Err(format!(
                    "'{org}' is not an organisation such as account:12 or partner:3"
                ));
            }
        }
    }
    Ok(json!({"score": n, "source": source.code(), "respondent_account_id": account, "respondent_partner_id": partner}))
}

fn write_delivery(v: &Value) -> String {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let mut line = format!("{} {}", text(&v["kind"]), text(&v["delivered_on"]));
    for s in v["scores"].as_array().into_iter().flatten() {
        line.push_str(&format!(" {}:{}", text(&s["source"]), s["score"]));
        if let Some(id) = s["respondent_account_id"].as_i64() {
            line.push_str(&format!("@account:{id}"));
        } else if let Some(id) = s["respondent_partner_id"].as_i64() {
            line.push_str(&format!("@partner:{id}"));
        }
    }
    if let Some(e) = v["evidence"].as_str() {
        line.push_str(&format!(" | {e}"));
    }
    line
}

pub(super) const TRAINER_PATH: &[Input] = &[
    Input::new("person_id", "Candidate", Kind::Ref(Entity::Person)).fixed(),
    Input::new("course_id", "Course", Kind::Ref(Entity::Course)).fixed(),
    Input::new("path", "Path", Kind::Choice(options::<TrainerPath>))
        .fixed()
        .hint("Staff and train-the-trainer customers, or a channel partner."),
    Input::new("started_on", "Started on", Kind::Date),
    Input::new("resources_reviewed_on", "Resources reviewed on", Kind::Date).optional(),
    Input::new("shadowed_trainer_id", "Trainer shadowed", Kind::Ref(Entity::Person))
        .optional()
        .hint("A trainer certified for the course; with the day shadowed."),
    Input::new("shadowed_on", "Shadowed on", Kind::Date).optional(),
    Input::new("ttt_session_on", "Train-the-trainer session on", Kind::Date).optional(),
    Input::new("dry_run_on", "Dry run on", Kind::Date).optional(),
    Input::new("dry_run_minutes", "Dry run minutes", Kind::Whole)
        .optional()
        .hint("At least 60; with the dry run's day."),
    Input::new(
        "training_experience_months",
        "Training experience (months)",
        Kind::Whole,
    )
    .optional()
    .hint("Channel partners: 12 months or more counts as a credential."),
    Input::new("educator_certificate", "Educator certificate", Kind::Text)
        .optional()
        .hint("Its name or a link."),
    Input::new(
        "vendor_trainer_credential",
        "Another vendor's trainer credential",
        Kind::Text,
    )
    .optional()
    .hint("Its name or a link."),
    Input::new("deliveries", "Deliveries", Kind::Lines(&DELIVERIES))
        .optional()
        .hint(
            "One a line: observed_subset or full, the day, each score as survey:5 or observer:4 \
             (@account:12 or @partner:3 for who gave it), then | and the evidence.",
        ),
    Input::new("notes", "Notes", Kind::Notes).optional(),
];

impl Editable for TrainerCandidacy {
    const NOUN: &'static str = "trainer path";
    const PATH: &'static str = "/trainer-paths";
    const API: &'static str = "trainer-paths";
    const INPUTS: &'static [Input] = TRAINER_PATH;
    const CARRIED: &'static [&'static str] = &["course"];
    const WITHIN: Option<(&'static str, Entity)> = Some(("course", Entity::Course));

    fn name(&self) -> String {
        format!("Trainer path {}", self.id)
    }
    fn named_by(&self) -> Vec<(Entity, i64)> {
        vec![
            (Entity::Person, self.fields.person_id.get()),
            (Entity::Course, self.fields.course_id.get()),
        ]
    }
    fn home(&self) -> String {
        format!("/trainer-paths/{}", self.id)
    }
    fn new_from(raw: &[u8], _: &Pairs, _: &Subject) -> ApiResult<Self::New> {
        parse_json(raw)
    }
    fn starting(link: &Pairs) -> Vec<(&'static str, String)> {
        let mut v = vec![("path", TrainerPath::Staff.code().to_string()), ("started_on", today())];
        if let Some(c) = linked(link, "course") {
            v.push(("course_id", c.to_string()));
        }
        v
    }
    fn back(link: &Pairs) -> String {
        match linked(link, "course") {
            Some(c) => format!("/courses/{c}"),
            None => "/courses".into(),
        }
    }
}

/// A learner's written assessment, recorded on the certification's page.
pub const WRITTEN: &[Input] = &[
    Input::new("learner_id", "Learner", Kind::Ref(Entity::Learner)),
    Input::new("taken_on", "Taken on", Kind::Date),
    Input::new("score", "Score", Kind::Whole).hint("Out of 100."),
];

/// An attempt's hands-on lab, graded.
pub const LAB: &[Input] = &[
    Input::new("grader_id", "Grader", Kind::Ref(Entity::Person))
        .hint("One of the company's PS engineers or technical architects, not the learner."),
    Input::new("taken_on", "Taken on", Kind::Date),
    Input::new("rubric_score", "Rubric score", Kind::Whole).hint("Out of 100."),
    Input::new("passed", "Passed", Kind::Flag),
    Input::new("comments", "Comments", Kind::Notes)
        .optional()
        .hint("A failed lab says why."),
];

/// A certificate's revocation.
pub const REVOCATION: &[Input] = &[Input::new("reason", "Reason", Kind::Notes)
    .hint("Kept with the certificate, never shown publicly; it stops counting today.")];

#[cfg(test)]
mod tests {
    use super::super::kinds::tests::{check, check_patch};
    use super::*;

    #[test]
    fn the_certification_forms_have_exactly_the_apis_fields() {
        use psops_core::certifications::trainer_paths::{CandidacyFields, CandidacyPatch};
        use psops_core::certifications::{CertificationFields, CertificationPatch, LabInput, Revocation, WrittenInput};
        check::<CertificationFields>("certification", CERTIFICATION);
        check_patch::<CertificationPatch>("certification", CERTIFICATION);
        check::<CandidacyFields>("trainer path", TRAINER_PATH);
        check_patch::<CandidacyPatch>("trainer path", TRAINER_PATH);
        check::<WrittenInput>("written assessment", WRITTEN);
        check::<LabInput>("lab", LAB);
        check::<Revocation>("revocation", REVOCATION);
    }

    #[test]
    fn a_delivery_line_is_the_apis_delivery_and_reads_back() {
        use psops_core::certifications::trainer_paths::Delivery;
        let line = "full 2026-03-05 survey:5@account:12 survey:4@partner:3 observer:5 | https://rec.example/1";
        let v = read_delivery(line).expect("a delivery");
        let d: Delivery = serde_json::from_value(v.clone()).expect("the API's delivery");
        assert_eq!(d.kind, DeliveryKind::Full);
        assert_eq!(d.scores.len(), 3);
        assert_eq!(d.scores[0].respondent_account_id.map(|a| a.get()), Some(12));
        assert_eq!(d.scores[1].respondent_partner_id.map(|p| p.get()), Some(3));
        assert_eq!(d.evidence.as_deref(), Some("https://rec.example/1"));
        assert_eq!(write_delivery(&v), line);
        let bare = read_delivery("observed-subset 2026-02-01").expect("no scores yet");
        assert_eq!(write_delivery(&bare), "observed_subset 2026-02-01");
    }

    #[test]
    fn a_bad_delivery_line_says_what_is_wrong() {
        assert!(
            read_delivery("lecture 2026-03-05")
                .unwrap_err()
                .contains("observed_subset or full")
        );
        assert!(read_delivery("full 5 March").unwrap_err().contains("not a date"));
        assert!(
            read_delivery("full 2026-03-05 great:5")
                .unwrap_err()
                .contains("survey or observer")
        );
        assert!(
            read_delivery("full 2026-03-05 survey:5@team:1")
                .unwrap_err()
                .contains("account:12")
        );
    }
}
